# shellcheck shell=dash
# churn: our module on both hosts (two VMs). RIG_OPT_CHURN_N (6) rounds of: reload the module and
# recreate rxe0 on both hosts, then RIG_OPT_CHURN_CONNS (3) verified SMC-R transfers of
# RIG_OPT_CHURN_MB (8) MiB each way with 64 KiB writes on a first-contact link group, then the
# same again on the reused group. Meant to run with slub_debug / page_poison on the kernel
# command line: any write to freed memory then shows in the kernel log.
CH_N=${RIG_OPT_CHURN_N:-6}
CH_CONNS=${RIG_OPT_CHURN_CONNS:-3}
CH_MB=${RIG_OPT_CHURN_MB:-8}
CH_PORT=5601
CH_RELOAD="rmmod smcr; rig_rxe_down rxe0 >/dev/null 2>&1; rig_load_smcr rdma=1 && rig_rxe_up eth0 rxe0 && smcr_nlcheck ueid add SMCR-CHURN >/dev/null"

ch_xfer() {
	local h
	h=$(rig_peer_bg "smcr_xfer server --family smc --port $CH_PORT --count $CH_CONNS --both --timeout 90") || return 1
	rig_peer_wait_port $CH_PORT 20 >/dev/null || return 1
	rig_check smcr_xfer client --family smc --addr "$RIG_PEER_IP4" --port $CH_PORT \
		--parallel "$CH_CONNS" --bytes "${CH_MB}M" --both --wsize 64K --timeout 90 || return 1
	rig_peer_wait "$h" 90 >/dev/null || { rig_check false "peer server"; return 1; }
}

ch_counters() {
	local f
	for f in /sys/class/infiniband/rxe0/ports/1/hw_counters/*; do
		rig_log "rxe a $(basename "$f") $(cat "$f") b $(rig_peer cat "$f")"
	done
}

t_run() {
	local i
	for i in $(seq 1 "$CH_N"); do
		rig_check sh -c ". /lib/rig/lib.sh; $CH_RELOAD" || return 1
		rig_check rig_peer "$CH_RELOAD" || return 1
		ch_xfer || return 1
		ch_xfer || return 1
		rig_log "round $i done"
	done
	ch_counters
	rig_pass "$CH_N rounds"
}

if rig_role a; then
	if ! rig_two_vms || [ "$(rig_smc_impl)" != smcr ] || [ "$RIG_PEER_MOD" != smcr ]; then
		rig_test run
		rig_fail "churn needs two VMs with our module (--vms 2 --mod-a smcr --mod-b smcr)"
	else
		rig_run_test run t_run
		rig_run_test dmesg rig_check rig_dmesg_check
	fi
fi
