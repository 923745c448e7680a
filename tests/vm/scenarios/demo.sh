# shellcheck shell=dash
# demo: what a user sees today, as a transcript (run.sh --notes; scripts/demo.sh runs it).
# VM a runs our smcr.ko on Debian's 6.1 kernel, VM b Debian's stock smc.ko on 6.12. Both bring up
# Soft-RoCE on their virtio NIC and get a UEID (and b the PNET entry the stock module needs for
# rxe); our module is loaded with its defaults (SMC-R on). Then AF_SMC transfers go both
# ways between the two implementations over real SMC-R, verified byte by byte, and the tools show
# what happened. Every claim printed is checked.

DEMO_PORT=5301
DEMO_MB=${RIG_OPT_DEMO_MB:-16}
DEMO_UEID=SMCR-DEMO

demo_xfer() { # demo_xfer ab|ba: DEMO_MB MiB each way at once; prints the result fields
	local h out
	if [ "$1" = ab ]; then
		h=$(rig_peer_bg "smcr_xfer server --family smc --port $DEMO_PORT --count 1") || return 1
		rig_peer_wait_port $DEMO_PORT 20 >/dev/null || return 1
		out=$(smcr_xfer client --family smc --addr "$RIG_PEER_IP4" --port $DEMO_PORT \
			--bytes "${DEMO_MB}M" --both --wsize 64K --timeout 60) || { rig_note "$out"; return 1; }
		rig_peer_wait "$h" 120 >/dev/null || return 1
	else
		h=$(rig_bg "smcr_xfer server --family smc --port $DEMO_PORT --count 1") || return 1
		rig_wait_port $DEMO_PORT 20 >/dev/null || return 1
		out=$(rig_peer smcr_xfer client --family smc --addr "$RIG_IP4" --port $DEMO_PORT \
			--bytes "${DEMO_MB}M" --both --wsize 64K --timeout 60) || { rig_note "$out"; return 1; }
		rig_wait "$h" 120 >/dev/null || return 1
	fi
	echo "$out" | awk '/^RESULT/ { for (i = 2; i <= NF; i++) if ($i ~ /^(bytes|secs|mbps|csum)=/) printf "%s ", $i }'
}

demo_ctr() { awk -v n="$1" '$1 == n { print $2 }' /proc/net/smcr_stat; }
demo_pkts() { cat /sys/class/infiniband/rxe0/ports/1/hw_counters/sent_pkts; }

t_demo() {
	local out p0 s0 f0
	rig_note "== host a: $(uname -r), AF_SMC provider: $(rig_smc_impl) (our smcr.ko)"
	rig_note "== host b: $RIG_PEER_KV, AF_SMC provider: $(rig_peer rig_smc_impl) (Debian's smc.ko)"
	rig_check rig_rxe_up eth0 rxe0 || return 1
	rig_check rig_peer rig_rxe_up eth0 rxe0 || return 1
	rig_check test "$(cat /sys/module/smcr/parameters/rdma)" = Y || return 1
	if rig_have smcctl; then
		rig_check smcctl ueid add "$DEMO_UEID" || return 1
		rig_check rig_peer smcctl ueid add "$DEMO_UEID" || return 1
		rig_check rig_peer smcctl pnet add DEMONET interface eth0 ib rxe0 port 1 ||
			rig_check rig_peer smcr_nlcheck pnet add DEMONET eth eth0 ib rxe0 1 || return 1
	else
		rig_check smcr_nlcheck ueid add "$DEMO_UEID" || return 1
		rig_check rig_peer smcr_nlcheck ueid add "$DEMO_UEID" || return 1
		rig_check rig_peer smcr_nlcheck pnet add DEMONET eth eth0 ib rxe0 1 || return 1
	fi
	rig_note "== Soft-RoCE up, UEID $DEMO_UEID on both hosts, our module loaded with default parameters:"
	rig_note "$("$RIG_RDMA" link show 2>&1 | sed 's/^/    a: /')"
	rig_note "$(rig_peer "$RIG_RDMA" link show 2>&1 | sed 's/^/    b: /')"

	p0=$(demo_pkts) s0=$(demo_ctr SmcrConnStart)
	f0=$(($(demo_ctr ClntFallback) + $(demo_ctr SrvFallback)))
	out=$(demo_xfer ab) || { rig_check false "transfer a -> b"; return 1; }
	rig_note "== AF_SMC a (smcr) -> b (stock), ${DEMO_MB} MiB each way, verified: $out"
	out=$(demo_xfer ba) || { rig_check false "transfer b -> a"; return 1; }
	rig_note "== AF_SMC b (stock) -> a (smcr), ${DEMO_MB} MiB each way, verified: $out"

	# the claims below are checked: both connections were SMC-R, none fell back, RoCE carried it
	rig_check test $(($(demo_ctr SmcrConnStart) - s0)) = 2 || return 1
	rig_check test $(($(demo_ctr ClntFallback) + $(demo_ctr SrvFallback))) = "$f0" || return 1
	rig_check test $(($(demo_pkts) - p0)) -gt $((DEMO_MB * 1000)) || return 1
	rig_note "== both connections ran SMC-R (no fallback); RoCE packets sent by host a: $(($(demo_pkts) - p0))"
	if rig_have smcstat; then
		rig_note "== smcstat on host a (our module):"
		rig_note "$(smcstat 2>&1 | sed 's/^/    /')"
		rig_note "== smcstat on host b (stock module):"
		rig_note "$(rig_peer smcstat 2>&1 | sed 's/^/    /')"
	fi
	rig_note "== host b's kernel log (stock smc.ko) about the link groups with our module:"
	rig_note "$(rig_peer "dmesg | grep 'SMC-R lg' | sed 's/^\[[^]]*\] /    /'")"
	rig_check rig_dmesg_check
}

if rig_role a; then
	rig_run_test demo t_demo
fi
