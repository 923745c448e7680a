# shellcheck shell=dash
# hostile: our module on VM a plays a hostile SMC-R peer (fault injection through
# /sys/kernel/debug/smcr/inject) against VM b (the victim: our module, or the stock smc.ko), and
# link loss (RDMA device removed, netdev down) under traffic. SMC-R over Soft-RoCE between the
# eth0s (SMC-Rv2, a UEID on both hosts, as scenarios/interop.sh).
#
# Faults (a is the client of every connection; the fault goes into the victim connection only):
#   cdc_prod_beyond, cdc_prod_backwards, cdc_cons_beyond, cdc_short: b aborts that connection —
#     b's reader gets ECONNABORTED after reading only verified data, a's writer ECONNRESET, b counts
#     it (CdcProtoAbort), the other connection of the same link group completes intact, the link
#     group survives and a new connection is SMC-R again;
#   cdc_bad_token, llc_unknown, llc_bad_len, llc_malformed: dropped and counted by b (as Linux
#     drops them), the connection completes intact, the link group survives.
#   srv_drop_confirm (late_reset; b runs our module): a is the server of a link group b already
#     uses; a's handshake resets a new connection after b's Confirm arrived, as a server whose
#     wait ran out does. b already runs SMC-R on it: b must abort it at once (ECONNABORTED,
#     ClcResetAbort) instead of writing into an RMB nobody reads; the link group survives and
#     the next connection works.
# Link loss (a is the server, b sends): "rdma link delete rxe0" on a, then "ip link set eth0 down"
#   on a: both applications get ECONNABORTED within HS_LOSS_BOUND seconds, the link groups are gone
#   on both hosts, without a device new connections fall back (FallbackNoSmcDev), smcr unloads.
#
# Options: RIG_OPT_HOSTILE_ONLY (comma separated test names), RIG_OPT_HOSTILE_LOSS=0 (no link loss
# tests: for a stock victim, whose link loss behaviour is not ours to test).

HS_UEID=SMCR-HOSTILE-TEST
HS_PV=5501		# victim connection
HS_PS=5502		# survivor connection (same link group)
HS_PN=5503		# a new connection after the fault
HS_PL=5504		# late_reset: a's server
HS_INJ=/sys/kernel/debug/smcr/inject
HS_LOSS_BOUND=30	# s: at once on the host that lost its device or port; on the peer: a
			# DELETE_LINK (device removal), an unacknowledged send (8 x 134 ms QP
			# retries) or TEST_LINK (netdown: smcr_testlink_time 10 s + 2 s); the
			# netdown test includes its 8 s of eth0 down. Generous for TCG under load
HS_ONLY=${RIG_OPT_HOSTILE_ONLY:-}
HS_LOSS=${RIG_OPT_HOSTILE_LOSS:-1}

hs_want() { [ -z "$HS_ONLY" ] || echo ",$HS_ONLY," | grep -q ",$1,"; }

hs_setup_cmd() { # the commands for one host running MOD
	local mod=$1 cmd="rig_rxe_up eth0 rxe0 >/dev/null"
	[ "$mod" = smcr ] && cmd="$cmd && { ! [ -d /sys/module/smcr ] || rig_unload_smcr; } && rig_load_smcr rdma=1"
	cmd="$cmd && smcr_nlcheck ueid add $HS_UEID >/dev/null"
	[ "$mod" = stock ] && cmd="$cmd && smcr_nlcheck pnet add SMCRHOS eth eth0 ib rxe0 1 >/dev/null"
	echo "$cmd"
}

t_setup() {
	eval "$(hs_setup_cmd smcr)" || { rig_check false "local setup"; return 1; }
	rig_check test -w "$HS_INJ" || return 1
	rig_check grep -q "^armed none" "$HS_INJ" || return 1
	rig_check rig_peer "$(hs_setup_cmd "$RIG_PEER_MOD")"
}

# ---- counters ---------------------------------------------------------------------------------
# hs_mark: remember both hosts' module counters (b: only if it runs our module)
hs_mark() {
	cat /proc/net/smcr_stat >/tmp/hs.a0
	if [ "$RIG_PEER_MOD" = smcr ]; then rig_peer cat /proc/net/smcr_stat >/tmp/hs.b0; fi
}

# hs_delta NAME a|b
hs_delta() {
	if [ "$2" = b ]; then
		rig_peer cat /proc/net/smcr_stat >/tmp/hs.b1
		awk -v n="$1" 'NR==FNR { if ($1 == n) b = $2; next } $1 == n { print $2 - b }' \
			/tmp/hs.b0 /tmp/hs.b1
	else
		awk -v n="$1" 'NR==FNR { if ($1 == n) b = $2; next } $1 == n { print $2 - b }' \
			/tmp/hs.a0 /proc/net/smcr_stat
	fi
}

# hs_expect NAME a|b N: the counter grew by exactly N since hs_mark (b: only our module)
hs_expect() {
	local got
	[ "$2" = b ] && [ "$RIG_PEER_MOD" != smcr ] && return 0
	got=$(hs_delta "$1" "$2")
	[ "$got" = "$3" ] && return 0
	rig_check false "counter $1 on $2: +$got, want +$3"
	return 1
}

# hs_field NAME OUTPUT: value of NAME= in the RESULT line
hs_field() { echo "$2" | sed -n "s/^RESULT.* $1=\([^ ]*\).*/\1/p" | tail -n 1; }

# hs_result OUTPUT STATUS WANT: WANT = ok or an errno name; the RESULT line must say so
hs_result() {
	local out=$1 rc=$2 want=$3 what=$4
	if [ "$want" = ok ]; then
		[ "$rc" = 0 ] && echo "$out" | grep -q "^RESULT ok" && return 0
	else
		echo "$out" | grep -q "^RESULT fail .*errno=$want " && return 0
	fi
	rig_check false "$what: want $want, got status $rc: $(echo "$out" | grep '^RESULT' | tail -n 1)"
	return 1
}

hs_fired() { sed -n 's/^fired //p' "$HS_INJ"; }

# hs_new_conn: a fresh connection a -> b carries 1 MiB both ways over SMC-R (no fallback)
hs_new_conn() {
	local h s0 f0
	s0=$(hs_delta SmcrConnStart a) f0=$(hs_delta ClntFallback a)
	h=$(rig_peer_bg "smcr_xfer server --port $HS_PN --count 1 --timeout 30") || return 1
	rig_peer_wait_port $HS_PN 20 >/dev/null || { rig_check false "new server not listening"; return 1; }
	rig_check smcr_xfer client --addr "$RIG_PEER_IP4" --port $HS_PN --bytes 1M --both \
		--timeout 30 || return 1
	rig_check rig_peer_wait "$h" 40 >/dev/null || return 1
	rig_check test "$(hs_delta SmcrConnStart a)" = $((s0 + 1)) || return 1
	rig_check test "$(hs_delta ClntFallback a)" = "$f0"
}

# hs_stop HANDLE...: end leftover background programs of a failed test (a: local, b:NAME: peer)
hs_stop() {
	local h
	for h in "$@"; do
		case "$h" in
		b:?*) rig_peer_kill "${h#b:}" >/dev/null 2>&1 ;;
		?*) rig_kill "$h" >/dev/null 2>&1 ;;
		esac
	done
	return 1
}

# ---- faults that abort the victim connection ----------------------------------------------------
hs_abort() { # FAULT EXTRA_COUNTER(b)
	local f=$1 hv hs cv cs ov os ocv ocs rcv rs rccv rccs fired
	hs_mark
	fired=$(hs_fired)
	hv=$(rig_peer_bg "smcr_stream server --port $HS_PV --timeout 60") || return 1
	hs=$(rig_peer_bg "smcr_stream server --port $HS_PS --bytes 2M --seed 2 --timeout 60") ||
		return 1
	if ! rig_peer_wait_port $HS_PV 20 >/dev/null || ! rig_peer_wait_port $HS_PS 20 >/dev/null; then
		rig_check false "servers not listening"
		return 1
	fi
	# the survivor: 2 MiB paced over ~5 s; the victim: a stream until it breaks
	cs=$(rig_bg "smcr_stream client --addr $RIG_PEER_IP4 --port $HS_PS --bytes 2M --chunk 32K --interval-ms 80 --seed 2 --timeout 60") || return 1
	cv=$(rig_bg "smcr_stream client --addr $RIG_PEER_IP4 --port $HS_PV --chunk 16K --interval-ms 10 --timeout 60") || return 1
	sleep 2
	rig_check sh -c "echo '$f port=$HS_PV' >$HS_INJ" || { hs_stop "$cv" "$cs" "b:$hv" "b:$hs"; return 1; }
	ocv=$(rig_wait "$cv" 40 2>&1); rccv=$?
	ov=$(rig_peer_wait "$hv" 40 2>&1); rcv=$?
	ocs=$(rig_wait "$cs" 60 2>&1); rccs=$?
	os=$(rig_peer_wait "$hs" 60 2>&1); rs=$?
	rig_log "$f: victim reader: $(echo "$ov" | grep '^RESULT')"
	rig_log "$f: victim writer: $(echo "$ocv" | grep '^RESULT')"
	rig_check test "$(hs_fired)" = $((fired + 1)) || return 1
	# the victim: b's reader sees the abort, after verified data only; a's writer the reset
	hs_result "$ov" "$rcv" ECONNABORTED "victim reader (b)" || return 1
	rig_check test "$(hs_field site "$ov")" = recv || return 1
	rig_check test "$(hs_field bytes "$ov")" -gt 0 || return 1
	hs_result "$ocv" "$rccv" ECONNRESET "victim writer (a)" || return 1
	# the other connection of the link group: complete and intact
	hs_result "$ocs" "$rccs" ok "survivor writer (a)" || return 1
	hs_result "$os" "$rs" ok "survivor reader (b)" || return 1
	rig_check test "$(hs_field csum "$ocs")" = "$(hs_field csum "$os")" || return 1
	# counted; the link group lives on (no link group ended, no fallback)
	hs_expect CdcProtoAbort b 1 || return 1
	[ -z "${2:-}" ] || hs_expect "$2" b 1 || return 1
	hs_expect LgrTerminated b 0 && hs_expect LgrTerminated a 0 || return 1
	hs_expect SmcrConnKilled b 0 || return 1
	hs_new_conn
}

# ---- faults that are dropped ---------------------------------------------------------------------
hs_benign() { # FAULT COUNTER(b)
	local f=$1 hv cv ov ocv rcv rccv fired
	hs_mark
	fired=$(hs_fired)
	hv=$(rig_peer_bg "smcr_stream server --port $HS_PV --bytes 3M --seed 3 --timeout 60") ||
		return 1
	rig_peer_wait_port $HS_PV 20 >/dev/null || { rig_check false "server not listening"; return 1; }
	cv=$(rig_bg "smcr_stream client --addr $RIG_PEER_IP4 --port $HS_PV --bytes 3M --chunk 32K --interval-ms 40 --seed 3 --timeout 60") || return 1
	sleep 2
	rig_check sh -c "echo '$f port=$HS_PV' >$HS_INJ" || { hs_stop "$cv" "b:$hv"; return 1; }
	ocv=$(rig_wait "$cv" 60 2>&1); rccv=$?
	ov=$(rig_peer_wait "$hv" 60 2>&1); rcv=$?
	rig_check test "$(hs_fired)" = $((fired + 1)) || return 1
	hs_result "$ocv" "$rccv" ok "writer (a)" || return 1
	hs_result "$ov" "$rcv" ok "reader (b)" || return 1
	rig_check test "$(hs_field csum "$ocv")" = "$(hs_field csum "$ov")" || return 1
	hs_expect "$2" b 1 || return 1
	hs_expect CdcProtoAbort b 0 && hs_expect LgrTerminated b 0 && hs_expect LgrTerminated a 0
}

t_prod_beyond() { hs_abort cdc_prod_beyond; }
t_prod_backwards() { hs_abort cdc_prod_backwards; }
t_cons_beyond() { hs_abort cdc_cons_beyond; }
t_short() { hs_abort cdc_short CdcBadMsg; }
t_bad_token() { hs_benign cdc_bad_token CdcUnknownToken; }
t_llc_unknown() { hs_benign llc_unknown RxUnknownType; }
t_llc_bad_len() { hs_benign llc_bad_len LlcBadMsg; }
t_llc_malformed() { hs_benign llc_malformed LlcBadMsg; }

# ---- link loss -------------------------------------------------------------------------------------
hs_lgrs() { smcstat -j 2>/dev/null | smcr_jsonq '.link_groups#' 2>/dev/null; }
hs_no_lgrs() { [ "$(hs_lgrs)" = 0 ]; }

# hs_loss HOW: b streams to a (server); HOW (a shell command) breaks a's link; both sides must
# get ECONNABORTED within HS_LOSS_BOUND s and both link groups must be gone
hs_loss() {
	local how=$1 ha hb oa ra t0 t1
	hs_mark
	ha=$(rig_bg "smcr_stream server --port $HS_PV --timeout 90") || return 1
	rig_wait_port $HS_PV 20 >/dev/null || { rig_check false "server not listening"; return 1; }
	hb=$(rig_peer_bg "smcr_stream client --addr $RIG_IP4 --port $HS_PV --chunk 16K --interval-ms 10 --timeout 90") || return 1
	HS_HB=$hb
	sleep 3
	rig_check test "$(hs_lgrs)" = 1 || { hs_stop "$ha" "b:$hb"; return 1; }
	t0=$(rig_uptime)
	rig_log "link loss: $how"
	eval "$how" || { rig_check false "$how failed"; hs_stop "$ha" "b:$hb"; return 1; }
	oa=$(rig_wait "$ha" $HS_LOSS_BOUND 2>&1); ra=$?
	t1=$(rig_uptime)
	rig_log "link loss: a's reader ended after $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s: $(echo "$oa" | grep '^RESULT')"
	hs_result "$oa" "$ra" ECONNABORTED "reader (a)" || { hs_stop "b:$hb"; return 1; }
	rig_check test "$(hs_field bytes "$oa")" -gt 0 || return 1
	rig_check rig_wait_for 5 hs_no_lgrs || return 1
	hs_expect LgrTerminated a 1 && hs_expect SmcrConnKilled a 1 || return 1
	echo "$t0" >/tmp/hs.t0
}

# the peer's side of a link loss (needs the network between the hosts)
hs_loss_peer() {
	local hb=$HS_HB ob rb t0 t1
	t0=$(cat /tmp/hs.t0)
	ob=$(rig_peer_wait "$hb" $HS_LOSS_BOUND 2>&1); rb=$?
	t1=$(rig_uptime)
	rig_log "link loss: b's writer ended $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s after: $(echo "$ob" | grep '^RESULT')"
	hs_result "$ob" "$rb" ECONNABORTED "writer (b)" || { hs_stop "b:$hb"; return 1; }
	rig_check test "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a <= '$HS_LOSS_BOUND') }')" = 1 ||
		return 1
	rig_check rig_peer "rig_wait_for 10 sh -c \"smcstat -j 2>/dev/null | smcr_jsonq '.link_groups#' | grep -qx 0\"" ||
		return 1
	hs_expect LgrTerminated b 1 && hs_expect SmcrConnKilled b 1
}

# both modules reloaded (unload with lingering link groups): the link loss tests start with none
t_reload() {
	rig_check rig_unload_smcr || return 1
	eval "$(hs_setup_cmd smcr)" || { rig_check false "setup again"; return 1; }
	if [ "$RIG_PEER_MOD" = smcr ]; then
		rig_check rig_peer rig_unload_smcr || return 1
	else
		rig_check rig_peer "rig_unload_stock && rig_load_stock" || return 1
	fi
	rig_check rig_peer "$(hs_setup_cmd "$RIG_PEER_MOD")" || return 1
	rig_check test "$(hs_lgrs)" = 0
}

t_devdel() {
	local h
	hs_loss "$RIG_RDMA link delete rxe0" || return 1
	hs_loss_peer || return 1
	# no RDMA device here: a new connection falls back, with the reason "no SMC device"
	hs_mark
	h=$(rig_peer_bg "smcr_xfer server --port $HS_PN --count 1 --timeout 30") || return 1
	rig_peer_wait_port $HS_PN 20 >/dev/null || return 1
	rig_check smcr_xfer client --addr "$RIG_PEER_IP4" --port $HS_PN --bytes 1M --both \
		--timeout 30 || return 1
	rig_check rig_peer_wait "$h" 40 >/dev/null || return 1
	hs_expect ClntFallback a 1 && hs_expect FallbackNoSmcDev a 1 || return 1
	hs_expect SmcrConnStart a 0 || return 1
	# nothing holds the module: it unloads; then back as before
	rig_check rig_unload_smcr || return 1
	eval "$(hs_setup_cmd smcr)" || { rig_check false "setup again"; return 1; }
	hs_new_conn
}

t_netdown() {
	# no link group lingering from devdel (the peer could only find it dead by TEST_LINK)
	t_reload || return 1
	# b may be left with nothing in flight (its window full, a gone) or with sends that the QP
	# does not complete: then TEST_LINK finds the link dead; 10 s instead of 30 s keeps it short
	rig_check rig_peer "echo 10 >/proc/sys/net/smc/smcr_testlink_time" || return 1
	# eth0 carries the rig's own traffic too: it comes back by itself after 8 s
	hs_loss "(ip link set eth0 down; sleep 8; ip link set eth0 up) >/dev/null 2>&1 &" || return 1
	rig_check rig_wait_for 30 rig__port_active rxe0 || return 1
	rig_check rig_wait_for 30 sh -c "ping -c 1 -W 1 $RIG_PEER_IP4 >/dev/null" || return 1
	hs_loss_peer || return 1
	# the port is back: SMC-R again
	hs_new_conn
}

t_unload() {
	rig_check rig_unload_smcr || return 1
	[ "$RIG_PEER_MOD" != smcr ] || rig_check rig_peer rig_unload_smcr
}

t_dmesg() { rig_check rig_dmesg_check; }

# ---- a handshake given up by the server after the client finished (srv_drop_confirm) -----------
t_late_reset() {
	local h out rc fired t0 t1
	if [ "$RIG_PEER_MOD" != smcr ]; then
		rig_skip "the victim runs $RIG_PEER_MOD: the check is our client's"
		return 0
	fi
	hs_mark
	fired=$(hs_fired)
	# a link group a (server) <-> b (client) first, so the next handshake is no first contact
	h=$(rig_bg "smcr_xfer server --port $HS_PL --count 2 --timeout 60") || return 1
	rig_wait_port $HS_PL 20 >/dev/null || { hs_stop "$h"; return 1; }
	rig_check rig_peer smcr_xfer client --addr "$RIG_IP4" --port $HS_PL --bytes 256K --both 		--timeout 30 || { hs_stop "$h"; return 1; }
	rig_check sh -c "echo 'srv_drop_confirm port=$HS_PL' >$HS_INJ" || { hs_stop "$h"; return 1; }
	t0=$(rig_uptime)
	out=$(rig_peer smcr_xfer client --addr "$RIG_IP4" --port $HS_PL --bytes 4M --timeout 30 2>&1)
	rc=$?
	t1=$(rig_uptime)
	rig_log "late_reset: victim client (b) after $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s: $(echo "$out" | grep '^RESULT')"
	rig_check test "$(hs_fired)" = $((fired + 1)) || { hs_stop "$h"; return 1; }
	hs_result "$out" "$rc" ECONNABORTED "victim client (b)" || { hs_stop "$h"; return 1; }
	# at once, not after the send timeout (30 s) or the link group's end
	rig_check awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 15) }' || { hs_stop "$h"; return 1; }
	hs_expect ClcResetAbort b 1 || { hs_stop "$h"; return 1; }
	hs_expect SmcrConnStart b 2 || { hs_stop "$h"; return 1; }
	hs_expect LgrTerminated b 0 && hs_expect LgrTerminated a 0 || { hs_stop "$h"; return 1; }
	# the group lives on: the server's second connection is a good one
	rig_check rig_peer smcr_xfer client --addr "$RIG_IP4" --port $HS_PL --bytes 1M --both 		--timeout 30 || { hs_stop "$h"; return 1; }
	rig_check rig_wait "$h" 60 >/dev/null || return 1
	hs_expect SmcrConnStart b 3
}

if rig_role a; then
	if ! rig_two_vms || [ "$RIG_PEER_MOD" = none ] || [ "$(rig_smc_impl)" != smcr ]; then
		rig_test setup
		rig_fail "hostile needs two VMs, our module on a (--mod-a smcr) and SMC on b"
	else
		rig_run_test setup t_setup
		for t in prod_beyond prod_backwards cons_beyond short bad_token llc_unknown \
			llc_bad_len llc_malformed late_reset; do
			hs_want "$t" && rig_run_test "$t" "t_$t"
		done
		if [ "$HS_LOSS" = 1 ]; then
			rig_run_test reload t_reload
			hs_want devdel && rig_run_test devdel t_devdel
			hs_want netdown && rig_run_test netdown t_netdown
		fi
		rig_run_test unload t_unload
		rig_run_test dmesg t_dmesg
	fi
fi
