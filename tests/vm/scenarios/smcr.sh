# shellcheck shell=dash
# smcr: real SMC-R connections of our module over Soft-RoCE (SMC-Rv2, RoCE v2 GIDs, a UEID).
#
# One VM: rxe_lo on lo, every connection over 127.0.0.1. Each test proves its connections were
# SMC-R and not TCP: the module's counters (/proc/net/smcr_stat) show SmcrConnStart for both ends
# of every connection and no fallback at all, and the rxe device's sent_pkts grow by at least as
# many packets as the data needs. Every byte is verified (smcr_xfer/smcr_echo/smcr_sockapi).
# Two VMs: rxe0 on eth0 on both, a UEID on both, client here and server there and the reverse;
# the peer runs our module (--mod-b smcr) or Debian's stock smc.ko (--mod-b stock: wire interop).
#
# Options: RIG_OPT_SMCR_MAXMB (largest single transfer in MiB, default 64),
#          RIG_OPT_SMCR_PAR (parallel connections, default 300: more than one link group).

SM_MAXMB=${RIG_OPT_SMCR_MAXMB:-64}
SM_PAR=${RIG_OPT_SMCR_PAR:-300}
SM_PORT=5301
SM_UEID=SMCR-RIG-TEST-UEID
SM_IBDEV=rxe_lo
SM_OK=0	# 1: set up, 2: a first SMC-R connection worked
SM_ONLY=${RIG_OPT_SMCR_ONLY:-}	# run only these tests (comma separated), besides setup/first

sm_want() { [ -z "$SM_ONLY" ] || echo ",$SM_ONLY," | grep -q ",$1,"; }

# ---- setup ------------------------------------------------------------------------------------
# sm_ueid: switch SMC-R on (module parameter rdma, while it defaults to off) and configure our
# UEID (SMC-Rv2 needs one on both ends); idempotent
sm_ueid() {
	if [ -e /sys/module/smcr/parameters/rdma ]; then
		echo 1 >/sys/module/smcr/parameters/rdma || return 1
	fi
	smcr_nlcheck ueid add "$SM_UEID" >/dev/null 2>&1
	smcr_nlcheck ueid dump 2>/dev/null | grep -q "$SM_UEID"
}

# ---- counters ---------------------------------------------------------------------------------
sm_mark() {
	cat /proc/net/smcr_stat >/tmp/sm.base
	rig_ib_counter "$SM_IBDEV" sent_pkts >/tmp/sm.pkts
	if [ "${1:-}" = peer ] && [ "$RIG_PEER_MOD" = smcr ]; then
		rig_peer cat /proc/net/smcr_stat >/tmp/sm.pbase
	fi
}

sm_delta() {
	if [ "${2:-}" = peer ]; then
		rig_peer cat /proc/net/smcr_stat >/tmp/sm.pnow
		awk -v n="$1" 'NR==FNR { if ($1 == n) b = $2; next } $1 == n { print $2 - b }' \
			/tmp/sm.pbase /tmp/sm.pnow
	else
		awk -v n="$1" 'NR==FNR { if ($1 == n) b = $2; next } $1 == n { print $2 - b }' \
			/tmp/sm.base /proc/net/smcr_stat
	fi
}

sm_expect() {
	local got
	got=$(sm_delta "$1" "${3:-}")
	[ "$got" = "$2" ] && return 0
	rig_log "counter $1${3:+ ($3)}: expected +$2, got +$got"
	rig_check false "counter $1${3:+ on $3} +$got, want +$2"
	return 1
}

# sm_proof CONNS MINPKTS [peer]: CONNS connections were SMC-R on both ends (one VM: both ends
# here, so 2 x CONNS starts), none fell back, and rxe carried at least MINPKTS packets
sm_proof() {
	local conns=$1 minpkts=$2 starts pkts
	if [ "${3:-}" = peer ]; then starts=$conns; else starts=$((2 * conns)); fi
	sm_expect SmcrConnStart "$starts" && sm_expect ClntFallback 0 && sm_expect SrvFallback 0 &&
		sm_expect HandshakeAbort 0 && sm_expect CdcProtoAbort 0 || return 1
	if [ "${3:-}" = peer ] && [ "$RIG_PEER_MOD" = smcr ]; then
		sm_expect SmcrConnStart "$conns" peer && sm_expect SrvFallback 0 peer &&
			sm_expect ClntFallback 0 peer || return 1
	fi
	pkts=$(($(rig_ib_counter "$SM_IBDEV" sent_pkts) - $(cat /tmp/sm.pkts)))
	rig_log "$SM_IBDEV sent_pkts +$pkts (want >= $minpkts)"
	[ "$pkts" -ge "$minpkts" ] || { rig_check false "$SM_IBDEV sent_pkts +$pkts < $minpkts"; return 1; }
	sm_settled
}

sm__settled() { [ "$(sm_delta SmcrConnFree)" = "$(sm_delta SmcrConnStart)" ]; }

# sm_settled: every connection started since sm_mark was given back (closed on both ends)
sm_settled() {
	rig_wait_for 20 sm__settled && return 0
	rig_log "connections not given back: +$(sm_delta SmcrConnStart) started, +$(sm_delta SmcrConnFree) freed"
	rig_check false "connections left open"
	return 1
}

# ---- transfers (as fallback.sh) ----------------------------------------------------------------
sm_server() {
	local where=$1 count=$2 h
	shift 2
	if [ "$where" = peer ]; then
		h=$(rig_peer_bg "smcr_xfer server --family smc --port $SM_PORT --count $count --timeout 90 $*") || return 1
		rig_peer_wait_port "$SM_PORT" 20 >/dev/null || { rig_peer_kill "$h" >/dev/null; return 1; }
	else
		h=$(rig_bg "smcr_xfer server --family smc --port $SM_PORT --count $count --timeout 90 $*") || return 1
		rig_wait_port "$SM_PORT" 20 >/dev/null || { rig_kill "$h" >/dev/null; return 1; }
	fi
	echo "$h"
}

sm_collect() {
	local out rc
	if [ "$1" = peer ]; then out=$(rig_peer_wait "$2" 600); else out=$(rig_wait "$2" 600); fi
	rc=$?
	echo "$out" | grep -q '^RESULT ok' && [ "$rc" = 0 ] && return 0
	rig_log "server ($1) status $rc: $(echo "$out" | tail -n 3)"
	rig_check false "server status $rc"
	return 1
}

sm_client() {
	local addr=$1
	shift
	rig_check smcr_xfer client --family smc --addr "$addr" --port $SM_PORT --timeout 90 "$@"
}

# ---- one VM -----------------------------------------------------------------------------------
t_setup() {
	rig_check test "$(rig_smc_impl)" = smcr || return 1
	rig_check rig_rxe_up lo "$SM_IBDEV" || return 1
	rig_check rig_rxe_gid "$SM_IBDEV" 127.0.0.1 || return 1
	rig_check sm_ueid && SM_OK=1
}

# one small connection, to see SMC-R work at all before the heavy tests
t_first() {
	local h
	sm_mark
	h=$(sm_server local 1) || return 1
	sm_client 127.0.0.1 --bytes 1M --wsize 64K
	sm_collect local "$h" || return 1
	sm_proof 1 16 && SM_OK=2
}

# 1 B .. SM_MAXMB MiB, write sizes 1 B .. 1 MiB, one direction and both at once
t_sizes() {
	local h n=0
	sm_mark
	h=$(sm_server local 9) || return 1
	sm_client 127.0.0.1 --bytes 1 --wsize 1 && n=$((n + 1))
	sm_client 127.0.0.1 --bytes 1000 --wsize 7 && n=$((n + 1))
	sm_client 127.0.0.1 --bytes 65537 --wsize 4096 --rsize 1000 && n=$((n + 1))
	sm_client 127.0.0.1 --bytes 1M --wsize random --rsize random && n=$((n + 1))
	sm_client 127.0.0.1 --bytes 4M --back 3M --both --wsize 64K && n=$((n + 1))
	sm_client 127.0.0.1 --bytes 16M --wsize 1M && n=$((n + 1))
	sm_client 127.0.0.1 --bytes "${SM_MAXMB}M" --wsize 1M && n=$((n + 1))
	sm_client 127.0.0.1 --bytes 8M --both --wsize random --rsize random && n=$((n + 1))
	sm_client 127.0.0.1 --bytes 2M --io poll --both --wsize random && n=$((n + 1))
	sm_collect local "$h" || return 1
	[ "$n" = 9 ] || return 1
	# payload of both directions, over 4 KiB MTU at most
	sm_proof 9 $(((SM_MAXMB + 40) * 256))
}

# Autocorking (tx.c), two hosts (over rxe_lo a send completes before the next write, so nothing
# is ever in flight to cork behind): 4096 writes of 16 B from here without TCP_NODELAY gather
# while a CDC is in flight and the reader is behind (fewer data CDCs than writes); with
# TCP_NODELAY on both ends no send is autocorked and more CDCs go out. Bytes verified either way.
t_cork() {
	local h c0 a0 c1
	sm_mark peer
	h=$(sm_server peer 1) || return 1
	sm_client "$RIG_PEER_IP4" --bytes 64K --wsize 16 || return 1
	sm_collect peer "$h" || return 1
	c0=$(sm_delta CdcTxData) a0=$(sm_delta TxAutocork)
	sm_proof 1 8 peer || return 1
	sm_mark peer
	h=$(sm_server peer 1 --nodelay) || return 1
	sm_client "$RIG_PEER_IP4" --bytes 64K --wsize 16 --nodelay || return 1
	sm_collect peer "$h" || return 1
	c1=$(sm_delta CdcTxData)
	rig_log "4096 writes of 16 B: data CDCs $c0 ($a0 sends autocorked); with TCP_NODELAY $c1"
	rig_check test "$a0" -gt 0 && rig_check test "$c0" -lt 4096 || return 1
	sm_expect TxAutocork 0 || return 1
	rig_check test "$c1" -gt "$c0" || return 1
	sm_proof 1 8 peer
}

sm_links() { dmesg | grep -c 'smcr: link .* up'; }

# SM_PAR connections at once, each verified: more than the 255 of one link group, so both ends
# need a second link group (a new link each)
t_parallel() {
	local h out links
	links=$(sm_links)
	sm_mark
	h=$(sm_server local "$SM_PAR") || return 1
	sm_client 127.0.0.1 --parallel "$SM_PAR" --bytes 64K --both --wsize 16K ||
		{ rig_kill "$h" >/dev/null; return 1; }
	sm_collect local "$h" || return 1
	sm_proof "$SM_PAR" "$SM_PAR" || return 1
	# the echo client holds all its connections open together
	sm_mark
	h=$(rig_bg "smcr_echo server --family smc --port $SM_PORT --count $SM_PAR") || return 1
	rig_wait_port $SM_PORT 20 >/dev/null || { rig_kill "$h" >/dev/null; return 1; }
	rig_check smcr_echo client --family smc --addr 127.0.0.1 --port $SM_PORT \
		--clients "$SM_PAR" --msgs 5 --msgsize 1000 --timeout 120
	out=$(rig_wait "$h" 300) || { rig_check false "echo server: $out"; return 1; }
	sm_proof "$SM_PAR" "$SM_PAR" || return 1
	rig_log "links up: $links before, $(sm_links) after"
	if [ "$SM_PAR" -gt 255 ] && [ "$(sm_links)" -lt $((links + 2)) ]; then
		rig_check false "no second link group for $SM_PAR connections"
		return 1
	fi
}

# non-blocking epoll echo server, 200 concurrent non-blocking clients, level- and edge-triggered
t_echo() {
	local h et out
	for et in "" --et; do
		sm_mark
		h=$(rig_bg "smcr_echo server --family smc --port $SM_PORT --count 200 $et") || return 1
		rig_wait_port $SM_PORT 20 >/dev/null || { rig_kill "$h" >/dev/null; return 1; }
		rig_check smcr_echo client --family smc --addr 127.0.0.1 --port $SM_PORT \
			--clients 200 --msgs 20 --msgsize 3000 $et
		out=$(rig_wait "$h" 300) || { rig_check false "echo server${et:+ $et}: $out"; return 1; }
		sm_proof 200 200 || return 1
	done
}

# the socket API suite (shutdown, half close, linger {1,0} reset, close with unread data, OOB,
# peek, waitall, timeouts, splice/sendfile, ioctls, poll/epoll) with both ends SMC-R
t_sockapi() {
	sm_mark
	echo 'module smcr +p' >/sys/kernel/debug/dynamic_debug/control 2>/dev/null
	if ! smcr_sockapi --client smc --server smc >/tmp/sm.sockapi 2>&1; then
		grep -v '^PASS' /tmp/sm.sockapi | tail -n 20
		rig_check false "smcr_sockapi: $(grep -c '^FAIL' /tmp/sm.sockapi) failed"
		return 1
	fi
	sm_expect ClntFallback 0 && sm_expect SrvFallback 0 || return 1
	[ "$(sm_delta SmcrConnStart)" -gt 0 ] || { rig_check false "no SMC-R connection"; return 1; }
	sm_settled
}

# a process killed in the middle of a transfer: the peer sees a reset, nothing leaks, unload works
t_kill() {
	local hs hc out rc
	sm_mark
	echo 'module smcr +p' >/sys/kernel/debug/dynamic_debug/control 2>/dev/null
	hs=$(rig_bg "smcr_xfer server --family smc --port $SM_PORT --count 1 --timeout 30") || return 1
	rig_wait_port $SM_PORT 20 >/dev/null || { rig_kill "$hs" >/dev/null; return 1; }
	hc=$(rig_bg "smcr_xfer client --family smc --addr 127.0.0.1 --port $SM_PORT --bytes 4G --both --wsize 64K --timeout 30") || return 1
	sleep 4
	rig_kill "$hc" >/dev/null
	out=$(rig_wait "$hs" 60)
	rc=$?
	rig_log "server after the client was killed: status $rc: $(echo "$out" | tail -n 1)"
	if [ "$rc" = 0 ] || [ "$rc" = 124 ]; then
		rig_check false "server status $rc"
		return 1
	fi
	sm_expect SmcrConnStart 2 || return 1
	sm_settled
	echo 'module smcr -p' >/sys/kernel/debug/dynamic_debug/control 2>/dev/null
	# every socket goes away on its own: rmmod succeeds once they are gone
	rig_check rig_wait_for 30 rmmod smcr || { dmesg | grep 'smcr:' | tail -n 40; return 1; }
	rig_check test ! -e /sys/module/smcr || return 1
	rig_check rig_load_smcr || return 1
	rig_check sm_ueid
}

t_dmesg() { rig_check rig_dmesg_check; }

# ---- two VMs (ours <-> ours) --------------------------------------------------------------------
t_setup2() {
	rig_check test "$(rig_smc_impl)" = smcr || return 1
	rig_check test "$RIG_PEER_MOD" = smcr -o "$RIG_PEER_MOD" = stock || return 1
	rig_check rig_rxe_up eth0 rxe0 || return 1
	rig_check rig_peer rig_rxe_up eth0 rxe0 || return 1
	rig_check sm_ueid || return 1
	if [ "$RIG_PEER_MOD" = smcr ]; then
		rig_check rig_peer "echo 1 >/sys/module/smcr/parameters/rdma; smcr_nlcheck ueid add $SM_UEID" &&
			SM_OK=1
	else
		rig_check rig_peer smcr_nlcheck ueid add "$SM_UEID" && SM_OK=1
	fi
}

t_two_hosts() {
	local h
	sm_mark peer
	h=$(sm_server peer 23) || return 1
	sm_client "$RIG_PEER_IP4" --bytes 1 --wsize 1
	sm_client "$RIG_PEER_IP4" --bytes 16M --wsize random
	sm_client "$RIG_PEER_IP4" --bytes 8M --both --wsize 64K
	sm_client "$RIG_PEER_IP4" --bytes 1M --parallel 20 --both
	sm_collect peer "$h" || return 1
	sm_proof 23 $((24 * 256)) peer || return 1

	sm_mark peer
	h=$(sm_server local 2) || return 1
	rig_check rig_peer smcr_xfer client --family smc --addr "$RIG_IP4" --port $SM_PORT \
		--bytes 16M --wsize random
	rig_check rig_peer smcr_xfer client --family smc --addr "$RIG_IP4" --port $SM_PORT \
		--bytes 8M --both --wsize 64K
	sm_collect local "$h" || return 1
	sm_proof 2 $((16 * 256)) peer
}

if [ "$(rig_smc_impl)" != smcr ]; then
	if rig_role a; then
		rig_test setup
		rig_fail "VM a must run our module (--mod-a smcr), it runs: $(rig_smc_impl)"
	fi
elif rig_role a; then
	if rig_two_vms; then
		SM_IBDEV=rxe0
		rig_run_test setup t_setup2
		[ "$SM_OK" = 1 ] && rig_run_test two_hosts t_two_hosts
		[ "$SM_OK" = 1 ] && rig_run_test cork t_cork
	else
		rig_run_test setup t_setup
		[ "$SM_OK" = 1 ] && rig_run_test first t_first
		if [ "$SM_OK" = 2 ]; then
			for t in sizes parallel echo sockapi kill; do
				if sm_want "$t"; then rig_run_test "$t" "t_$t"; fi
			done
		fi
	fi
fi
rig_run_test dmesg t_dmesg
