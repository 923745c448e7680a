# shellcheck shell=dash disable=SC2016
# ftrace (not in the matrix): where the time of a workload goes, ours against stock smc.ko.
# For each implementation (RIG_OPT_FT_IMPLS, default "smcr,stock", in that order) the function_graph tracer
# (max depth 1: each traced function's own wall time including its callees) records the entry
# points of the data path on both hosts while smcr_bench runs RIG_OPT_FT_TEST (default rr) with
# RIG_OPT_FT_SIZE (1) for RIG_OPT_FT_SECS (3) s: socket calls, completion handlers, the CDC
# receive handler, the rxe tasks, softirq entry points. The notes get, per host and function,
# calls per operation and mean microseconds per call. Two VMs, same kernel, --mod-a none
# --mod-b none. Tracing costs time itself: compare ours and stock, not absolute numbers.
FT_IMPLS=$(echo "${RIG_OPT_FT_IMPLS:-smcr,stock}" | tr , " ")
FT_TEST=${RIG_OPT_FT_TEST:-rr}
FT_SIZE=${RIG_OPT_FT_SIZE:-1}
FT_SECS=${RIG_OPT_FT_SECS:-3}
# RIG_OPT_FT_FUNCS (","-separated): trace these instead, for every implementation (a function
# called inside another traced one is not seen: depth 1)
FT_FUNCS=$(echo "${RIG_OPT_FT_FUNCS:-}" | tr , " ")
FT_PORT=5411
FT_UEID=SMCR-FTRACE
FT_T=/sys/kernel/tracing

# the functions per implementation (missing ones are skipped: some are inlined)
FT_COMMON="rxe_requester rxe_responder rxe_completer rxe_rcv rxe_xmit_packet rxe_post_send rxe_post_recv net_rx_action irq_poll_softirq tasklet_action __wake_up_sync_key"
FT_SMCR="smcr_sendmsg smcr_recvmsg smcr_poll smcr_wr_rx_done smcr_wr_tx_slot_done smcr_wr_rdma_done smcr_cdc_rx smcr_cdc_send smcr_tx_push smcr_rx_cons_update ib_poll_handler"
FT_STOCK="smc_sendmsg smc_recvmsg smc_poll smc_wr_rx_tasklet_fn smc_wr_tx_tasklet_fn smc_cdc_rx_handler smc_cdc_tx_handler smc_tx_sndbuf_nonempty smc_cdc_get_slot_and_msg_send smc_rx_update_cons smc_wr_rx_cq_handler smc_wr_tx_cq_handler"

FT_SETUP="mount -t tracefs nodev $FT_T 2>/dev/null; [ -d $FT_T ]"

# ft_on FUNCS: trace those that exist, depth 1 (prints how many)
FT_ON='ft_on() { local f n=0; echo 0 >'$FT_T'/tracing_on; echo nop >'$FT_T'/current_tracer; : >'$FT_T'/set_graph_function;
	: >'$FT_T'/set_ftrace_filter;
	for f in $1; do grep -q -E "^$f( |\$)" '$FT_T'/available_filter_functions || continue;
		echo "$f" >>'$FT_T'/set_graph_function; echo "$f" >>'$FT_T'/set_ftrace_filter; n=$((n + 1)); done
	echo 1 >'$FT_T'/max_graph_depth; echo 4096 >'$FT_T'/buffer_size_kb; echo function_graph >'$FT_T'/current_tracer;
	: >'$FT_T'/trace; echo 1 >'$FT_T'/tracing_on; echo "$n"; }'
# ft_off: stop, print "FUNC calls total_us" per traced function
FT_OFF='ft_off() { echo 0 >'$FT_T'/tracing_on; awk '"'"'
	{ for (i = 1; i <= NF; i++) if ($i == "us" && $(i + 1) == "|") { d = $(i - 1); f = $(i + 2); sub(/\(\);$/, "", f); if (f ~ /^[a-z_0-9.]+$/) { c[f]++; t[f] += d } break } }
	END { for (f in c) printf "%s %d %.1f\n", f, c[f], t[f] }'"'"' '$FT_T'/trace; echo nop >'$FT_T'/current_tracer;
	: >'$FT_T'/set_ftrace_filter; : >'$FT_T'/set_graph_function; }'

ft_setup_cmd() {
	case $1 in
	smcr) echo "rig_load_smcr && smcr_nlcheck ueid add $FT_UEID >/dev/null" ;;
	stock) echo "rig_load_stock && smcr_nlcheck ueid add $FT_UEID >/dev/null &&" \
		"smcr_nlcheck pnet add SMCRFT eth eth0 ib rxe0 1 >/dev/null" ;;
	esac
}
FT_UNLOAD="if [ -d /sys/module/smcr ]; then rmmod smcr; fi; if [ -e /sys/module/smc/initstate ]; then rig_unload_stock; fi; true"

t_setup() {
	rig_check sh -c "$FT_SETUP" || return 1
	rig_check rig_peer "$FT_SETUP" || return 1
	rig_check rig_rxe_up eth0 rxe0 || return 1
	rig_check rig_peer "rig_rxe_up eth0 rxe0"
}

# ft_report IMPL WHO OPS LINES: notes "ftrace IMPL WHO func calls/op us/call"
ft_report() {
	echo "$4" | sort -k3 -n -r | while read -r f c t; do
		[ -n "$f" ] || continue
		rig_note "$(awk -v i="$1" -v w="$2" -v f="$f" -v c="$c" -v t="$t" -v n="$3" \
			'BEGIN { printf "ftrace %-5s %s %-32s %7.2f calls/op %9.1f us/call %9.1f us/op", i, w, f, c / n, t / c, t / n }')"
	done
}

ft_one() {
	local impl=$1 funcs h out ops na nb la lb
	eval "$FT_UNLOAD"
	rig_check rig_peer "$FT_UNLOAD" || return 1
	eval "$(ft_setup_cmd "$impl")" || { rig_check false "load $impl here"; return 1; }
	rig_check rig_peer "$(ft_setup_cmd "$impl")" || return 1
	funcs="$FT_COMMON $FT_SMCR"
	[ "$impl" = stock ] && funcs="$FT_COMMON $FT_STOCK"
	[ -n "$FT_FUNCS" ] && funcs=$FT_FUNCS
	h=$(rig_peer_bg "smcr_bench server --family smc --port $FT_PORT") || return 1
	rig_peer_wait_port $FT_PORT 20 >/dev/null || return 1
	# a short warm-up (link group up) before tracing
	smcr_bench client "$RIG_PEER_IP4" --family smc --port $FT_PORT --test "$FT_TEST" --size "$FT_SIZE" \
		--time 1 --json >/dev/null 2>&1
	eval "$FT_ON"
	na=$(ft_on "$funcs") nb=$(rig_peer "$FT_ON; ft_on '$funcs'")
	out=$(smcr_bench client "$RIG_PEER_IP4" --family smc --port $FT_PORT --test "$FT_TEST" \
		--size "$FT_SIZE" --time "$FT_SECS" --label "$impl" --json 2>&1)
	eval "$FT_OFF"
	la=$(ft_off) lb=$(rig_peer "$FT_OFF; ft_off")
	rig_peer_kill "$h" >/dev/null 2>&1
	rig_log "$impl: $out; traced functions a $na, b $nb"
	ops=$(echo "$out" | sed -n 's/.*"ops":\([0-9]*\).*/\1/p')
	[ -n "$ops" ] || ops=$(echo "$out" | sed -n 's/.*"count":\([0-9]*\).*/\1/p')
	rig_check test -n "$ops" -a "${ops:-0}" -gt 0 || return 1
	rig_note "ftrace $impl $FT_TEST $FT_SIZE: $out"
	ft_report "$impl" a "$ops" "$la"
	ft_report "$impl" b "$ops" "$lb"
	rig_pass "$impl: $ops operations traced ($na / $nb functions)"
}

if rig_role a; then
	if ! rig_two_vms; then
		rig_test setup
		rig_fail "ftrace needs two VMs (--vms 2 --mod-a none --mod-b none)"
	else
		rig_run_test setup t_setup
		for ft_i in $FT_IMPLS; do
			rig_run_test "$ft_i" ft_one "$ft_i"
		done
		eval "$FT_UNLOAD"
		rig_peer "$FT_UNLOAD" >/dev/null
	fi
fi
