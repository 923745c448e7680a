# shellcheck shell=dash
# fallback: AF_SMC sockets of our module behave as TCP when SMC-R cannot be used, and say why.
#
# Run with our module on VM a (--mod-a smcr). On one VM everything goes over loopback; on two VMs
# the client runs on a and the server on b (and the reverse), whatever b runs: our module, Debian's
# stock smc.ko (--mod-b stock) or nothing. Every transfer is verified byte by byte and by checksum
# (smcr_xfer), and the module's counters (/proc/net/smcr_stat) must show exactly the fallbacks the
# test caused, with the right reasons.
#
# Options: RIG_OPT_FB_MAXMB (largest single transfer in MiB, default 64).

FB_MAXMB=${RIG_OPT_FB_MAXMB:-64}
FB_PORT=5201

# ---- counters ---------------------------------------------------------------------------------
# fb_mark: remember the counters of this VM (and of the peer, if it runs smcr)
fb_mark() {
	cat /proc/net/smcr_stat >/tmp/fb.base
	if [ "$RIG_PEER_MOD" = smcr ]; then rig_peer cat /proc/net/smcr_stat >/tmp/fb.pbase; fi
}

# fb_delta NAME [peer]: counter change since fb_mark
fb_delta() {
	if [ "${2:-}" = peer ]; then
		rig_peer cat /proc/net/smcr_stat >/tmp/fb.pnow
		awk -v n="$1" 'NR==FNR { if ($1 == n) b = $2; next } $1 == n { print $2 - b }' \
			/tmp/fb.pbase /tmp/fb.pnow
	else
		awk -v n="$1" 'NR==FNR { if ($1 == n) b = $2; next } $1 == n { print $2 - b }' \
			/tmp/fb.base /proc/net/smcr_stat
	fi
}

# fb_expect NAME WANT [peer]
fb_expect() {
	local got
	got=$(fb_delta "$1" "${3:-}")
	[ "$got" = "$2" ] && return 0
	rig_log "counter $1${3:+ ($3)}: expected +$2, got +$got"
	rig_check false "counter $1${3:+ on $3} +$got, want +$2"
	return 1
}

# ---- transfers --------------------------------------------------------------------------------
# fb_server WHERE(local|peer) FAMILY COUNT [ARGS]: start smcr_xfer server, wait until it listens;
# prints the handle
fb_server() {
	local where=$1 fam=$2 count=$3 h
	shift 3
	if [ "$where" = peer ]; then
		h=$(rig_peer_bg "smcr_xfer server --family $fam --port $FB_PORT --count $count $*") || return 1
		rig_peer_wait_port "$FB_PORT" 20 >/dev/null || { rig_peer_kill "$h" >/dev/null; return 1; }
	else
		h=$(rig_bg "smcr_xfer server --family $fam --port $FB_PORT --count $count $*") || return 1
		rig_wait_port "$FB_PORT" 20 >/dev/null || { rig_kill "$h" >/dev/null; return 1; }
	fi
	echo "$h"
}

# fb_collect WHERE HANDLE: wait for the server, fail the test unless it verified everything
fb_collect() {
	local out rc
	if [ "$1" = peer ]; then out=$(rig_peer_wait "$2" 120); else out=$(rig_wait "$2" 120); fi
	rc=$?
	echo "$out" | grep -q '^RESULT ok' && [ "$rc" = 0 ] && return 0
	rig_log "server ($1) status $rc: $(echo "$out" | tail -n 3)"
	rig_check false "server status $rc"
	return 1
}

# fb_client FAMILY ADDR ARGS...: run the client, its RESULT line must be ok
fb_client() {
	local fam=$1 addr=$2
	shift 2
	rig_check smcr_xfer client --family "$fam" --addr "$addr" --port $FB_PORT "$@"
}

# ---- one VM -----------------------------------------------------------------------------------
t_module() {
	rig_check test "$(rig_smc_impl)" = smcr || return 1
	rig_check test -r /proc/net/smcr_stat || return 1
	rig_check rig-agent socket 43 1 0 || return 1
	rig_check rig-agent socket 43 1 1
}

# smc <-> smc over lo: 1 B .. FB_MAXMB MiB, write sizes 1 B .. 1 MiB, one direction and both
t_sizes() {
	local h n=0 addr=${1:-127.0.0.1} v=${2:--4}
	fb_mark
	h=$(fb_server local smc 8 "$v") || return 1
	fb_client smc "$addr" "$v" --bytes 1 --wsize 1 && n=$((n + 1))
	fb_client smc "$addr" "$v" --bytes 1000 --wsize 7 && n=$((n + 1))
	fb_client smc "$addr" "$v" --bytes 65537 --wsize 4096 --rsize 1000 && n=$((n + 1))
	fb_client smc "$addr" "$v" --bytes 1M --wsize random --rsize random && n=$((n + 1))
	fb_client smc "$addr" "$v" --bytes 4M --back 3M --both --wsize 64K && n=$((n + 1))
	fb_client smc "$addr" "$v" --bytes 16M --wsize 1M && n=$((n + 1))
	fb_client smc "$addr" "$v" --bytes "${FB_MAXMB}M" --wsize 1M && n=$((n + 1))
	fb_client smc "$addr" "$v" --bytes 2M --both --wsize random && n=$((n + 1))
	fb_collect local "$h" || return 1
	[ "$n" = 8 ] || return 1
	# client: peer echoed the SMC option, no device -> Decline NOSMCDEV; server: peer declined
	fb_expect ClntFallback 8 && fb_expect SrvFallback 8 &&
		fb_expect FallbackNoSmcDev 8 && fb_expect FallbackPeerDecline 8 &&
		fb_expect DeclineSent 8 && fb_expect DeclineRcvd 8 && fb_expect Accepted 8 &&
		fb_expect FallbackPeerNoSmc 0 && fb_expect HandshakeAbort 0
}

t_sizes6() { t_sizes ::1 -6; }

# AF_SMC client, plain TCP server: no SMC option in the SYN-ACK -> PEERNOSMC, nothing sent
t_smc_to_tcp() {
	local h
	fb_mark
	h=$(fb_server local tcp 2) || return 1
	fb_client smc 127.0.0.1 --bytes 3M --wsize 10000
	fb_client smc 127.0.0.1 --bytes 1M --both
	fb_collect local "$h" || return 1
	fb_expect ClntFallback 2 && fb_expect FallbackPeerNoSmc 2 && fb_expect DeclineSent 0 &&
		fb_expect SrvFallback 0
}

# plain TCP client, AF_SMC server: no SMC option in the SYN -> PEERNOSMC on the server
t_tcp_to_smc() {
	local h
	fb_mark
	h=$(fb_server local smc 2) || return 1
	fb_client tcp 127.0.0.1 --bytes 3M --wsize 10000
	fb_client tcp 127.0.0.1 --bytes 1M --both
	fb_collect local "$h" || return 1
	fb_expect SrvFallback 2 && fb_expect FallbackPeerNoSmc 2 && fb_expect DeclineRcvd 0 &&
		fb_expect Accepted 2
}

# 300 connections at once, each verified
t_parallel() {
	local h
	fb_mark
	h=$(fb_server local smc 300) || return 1
	fb_client smc 127.0.0.1 --parallel 300 --bytes 64K --wsize 16K --timeout 120
	fb_collect local "$h" || return 1
	fb_expect ClntFallback 300 && fb_expect SrvFallback 300 && fb_expect Accepted 300
}

# non-blocking epoll echo server, 200 concurrent non-blocking clients, level- and edge-triggered
t_echo() {
	local h et out
	for et in "" --et; do
		fb_mark
		h=$(rig_bg "smcr_echo server --family smc --port $FB_PORT --count 200 $et") || return 1
		rig_wait_port $FB_PORT 20 >/dev/null || { rig_kill "$h" >/dev/null; return 1; }
		rig_check smcr_echo client --family smc --addr 127.0.0.1 --port $FB_PORT \
			--clients 200 --msgs 20 --msgsize 3000 $et
		out=$(rig_wait "$h" 120) || { rig_check false "echo server${et:+ $et}: $out"; return 1; }
		fb_expect ClntFallback 200 && fb_expect Accepted 200 || return 1
	done
}

# the socket API conformance suite, in every client/server family combination and IPv6
t_sockapi() {
	rig_check smcr_sockapi --client smc --server smc || return 1
	rig_check smcr_sockapi --client smc --server tcp || return 1
	rig_check smcr_sockapi --client tcp --server smc || return 1
	rig_check smcr_sockapi --client smc --server smc -6
}

# rmmod while AF_SMC sockets are open fails (EBUSY) and breaks nothing; after close it works
t_unload() {
	local h out
	h=$(fb_server local smc 1) || return 1
	out=$(rmmod smcr 2>&1) && { rig_check false "rmmod succeeded with a listener open"; return 1; }
	rig_log "rmmod with a socket open: $out"
	rig_check test -e /sys/module/smcr || return 1
	fb_client smc 127.0.0.1 --bytes 1M || return 1
	fb_collect local "$h" || return 1
	rig_check rig_unload_smcr || return 1
	rig_check test ! -e /sys/module/smcr || return 1
	rig_check rig_load_smcr || return 1
	rig_check rig-agent socket 43 1 0
}

# loading smcr while the stock smc module holds AF_SMC fails clearly (EEXIST + dmesg)
t_conflict() {
	local out
	rig_check rig_unload_smcr || return 1
	rig_check rig_load_stock || return 1
	out=$(insmod "$RIG_SMCR_KO" 2>&1) && {
		rig_check false "insmod smcr succeeded while stock smc is loaded"
		rmmod smcr
		return 1
	}
	rig_log "insmod with stock smc loaded: $out"
	rig_check sh -c "dmesg | grep -q 'smcr: address family AF_SMC (43) is already registered'" || return 1
	rig_check rig_unload_stock || return 1
	rig_check rig_load_smcr || return 1
	rig_check test "$(rig_smc_impl)" = smcr
}

# ---- two VMs ----------------------------------------------------------------------------------
# client here (our module), server on the peer; then the reverse
t_two_hosts() {
	local h peer_smc=smc
	[ "$RIG_PEER_MOD" = none ] && peer_smc=tcp
	fb_mark
	h=$(fb_server peer "$peer_smc" 3) || return 1
	fb_client smc "$RIG_PEER_IP4" --bytes 1 --wsize 1
	fb_client smc "$RIG_PEER_IP4" --bytes 16M --wsize random
	fb_client smc "$RIG_PEER_IP4" --bytes 4M --both --wsize 64K
	fb_collect peer "$h" || return 1
	case "$RIG_PEER_MOD" in
	smcr | stock)
		# both speak SMC, neither has a device: our client declines before proposing
		fb_expect ClntFallback 3 && fb_expect FallbackNoSmcDev 3 && fb_expect DeclineSent 3 ;;
	none) fb_expect ClntFallback 3 && fb_expect FallbackPeerNoSmc 3 ;;
	esac || return 1
	if [ "$RIG_PEER_MOD" = smcr ]; then
		fb_expect SrvFallback 3 peer && fb_expect FallbackPeerDecline 3 peer || return 1
	fi

	fb_mark
	h=$(fb_server local smc 3) || return 1
	rig_check rig_peer smcr_xfer client --family "$peer_smc" --addr "$RIG_IP4" --port $FB_PORT \
		--bytes 1 --wsize 1
	rig_check rig_peer smcr_xfer client --family "$peer_smc" --addr "$RIG_IP4" --port $FB_PORT \
		--bytes 16M --wsize random
	rig_check rig_peer smcr_xfer client --family "$peer_smc" --addr "$RIG_IP4" --port $FB_PORT \
		--bytes 4M --both --wsize 64K
	fb_collect local "$h" || return 1
	case "$RIG_PEER_MOD" in
	smcr | stock)
		# the peer's client has no device either and declines (NOSMCDEV) before proposing
		fb_expect SrvFallback 3 && fb_expect FallbackPeerDecline 3 && fb_expect DeclineRcvd 3 ;;
	none) fb_expect SrvFallback 3 && fb_expect FallbackPeerNoSmc 3 ;;
	esac
}

t_two_hosts6() {
	local h peer_smc=smc
	[ "$RIG_PEER_MOD" = none ] && peer_smc=tcp
	h=$(fb_server peer "$peer_smc" 1 -6) || return 1
	fb_client smc "$RIG_PEER_IP6" -6 --bytes 8M --both --wsize random
	fb_collect peer "$h" || return 1
	h=$(fb_server local smc 1 -6) || return 1
	rig_check rig_peer smcr_xfer client --family "$peer_smc" -6 --addr "$RIG_IP6" \
		--port $FB_PORT --bytes 8M --both --wsize random
	fb_collect local "$h"
}

t_dmesg() { rig_check rig_dmesg_check; }

if [ "$(rig_smc_impl)" != smcr ]; then
	if rig_role a; then
		rig_test module
		rig_fail "VM a must run our module (--mod-a smcr), it runs: $(rig_smc_impl)"
	fi
elif rig_role a; then
	rig_run_test module t_module
	if rig_two_vms; then
		rig_run_test two_hosts t_two_hosts
		rig_run_test two_hosts6 t_two_hosts6
	else
		rig_run_test sizes t_sizes
		rig_run_test sizes6 t_sizes6
		rig_run_test smc_to_tcp t_smc_to_tcp
		rig_run_test tcp_to_smc t_tcp_to_smc
		rig_run_test parallel t_parallel
		rig_run_test echo t_echo
		rig_run_test sockapi t_sockapi
		rig_run_test unload t_unload
		rig_run_test conflict t_conflict
	fi
fi
rig_run_test dmesg t_dmesg
