# shellcheck shell=dash
# demo: what a user sees today, as a transcript (run.sh --notes; scripts/demo.sh runs it).
# VM a runs our smcr.ko on Debian's 6.1 kernel, VM b Debian's stock smc.ko on 6.12. Both bring up
# Soft-RoCE on their virtio NIC; then AF_SMC transfers go both ways between the two
# implementations, verified byte by byte, and our module's counters say what happened and why.

DEMO_PORT=5301
DEMO_MB=${RIG_OPT_DEMO_MB:-32}

demo_stats() { # demo_stats: the non-zero counters of /proc/net/smcr_stat
	awk '$2 != 0 { printf "    %-22s %s\n", $1, $2 }' /proc/net/smcr_stat
}

demo_xfer() { # demo_xfer DIRECTION: a -> b or b -> a, DEMO_MB MiB each way at once
	local h out
	if [ "$1" = ab ]; then
		h=$(rig_peer_bg "smcr_xfer server --family smc --port $DEMO_PORT --count 1") || return 1
		rig_peer_wait_port $DEMO_PORT 20 >/dev/null || return 1
		out=$(smcr_xfer client --family smc --addr "$RIG_PEER_IP4" --port $DEMO_PORT \
			--bytes "${DEMO_MB}M" --both --wsize 64K) || { rig_note "$out"; return 1; }
		rig_peer_wait "$h" 120 >/dev/null || return 1
	else
		h=$(rig_bg "smcr_xfer server --family smc --port $DEMO_PORT --count 1") || return 1
		rig_wait_port $DEMO_PORT 20 >/dev/null || return 1
		out=$(rig_peer smcr_xfer client --family smc --addr "$RIG_IP4" --port $DEMO_PORT \
			--bytes "${DEMO_MB}M" --both --wsize 64K) || { rig_note "$out"; return 1; }
		rig_wait "$h" 120 >/dev/null || return 1
	fi
	echo "$out" | awk '/^RESULT/ { for (i = 2; i <= NF; i++) if ($i ~ /^(bytes|secs|mbps|csum)=/) printf "%s ", $i }'
}

t_demo() {
	local out
	rig_note "== host a: $(uname -r), AF_SMC provider: $(rig_smc_impl) (our smcr.ko)"
	rig_note "== host b: $RIG_PEER_KV, AF_SMC provider: $(rig_peer rig_smc_impl) (Debian's smc.ko)"
	rig_check rig_rxe_up eth0 rxe0 || return 1
	rig_check rig_peer rig_rxe_up eth0 rxe0 || return 1
	rig_note "== Soft-RoCE up on both hosts:"
	rig_note "$("$RIG_RDMA" link show 2>&1 | sed 's/^/    a: /')"
	rig_note "$(rig_peer "$RIG_RDMA" link show 2>&1 | sed 's/^/    b: /')"

	cat /proc/net/smcr_stat >/tmp/demo.base
	out=$(demo_xfer ab) || { rig_check false "transfer a -> b"; return 1; }
	rig_note "== AF_SMC a (smcr) -> b (stock), ${DEMO_MB} MiB each way, verified: $out"
	out=$(demo_xfer ba) || { rig_check false "transfer b -> a"; return 1; }
	rig_note "== AF_SMC b (stock) -> a (smcr), ${DEMO_MB} MiB each way, verified: $out"

	rig_note "== our module's counters (/proc/net/smcr_stat, non-zero):"
	rig_note "$(demo_stats)"
	# the explanation below is checked, not assumed: one client-side NOSMCDEV decline (a -> b) and
	# one Decline received from the stock client (b -> a)
	rig_check test "$(demo_delta FallbackNoSmcDev)" = 1 || return 1
	rig_check test "$(demo_delta DeclineRcvd)" = 1 || return 1
	rig_note "== what happened: both ends offered SMC in the TCP SYN option; the SMC-R data path is not"
	rig_note "   implemented yet, so each client declined (NOSMCDEV: no SMC device) before proposing,"
	rig_note "   and both ends carried the data over TCP, transparently, as stock Linux does."
	rig_check rig_dmesg_check
}

demo_delta() { # demo_delta NAME: counter change since the transfers started
	awk -v n="$1" 'NR==FNR { if ($1 == n) b = $2; next } $1 == n { print $2 - b }' \
		/tmp/demo.base /proc/net/smcr_stat
}

if rig_role a; then
	rig_run_test demo t_demo
fi
