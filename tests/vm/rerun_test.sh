#!/usr/bin/env bash
# Host test of rerun-foreign-crash.sh: a fake runner leaves console logs of a failed first
# attempt (a foreign or our own panic, a stall before or after our module was loaded, a debug trap
# outside or inside our module) and the
# wrapper must rerun the line exactly when the failure was not ours.
#   rerun_test.sh PATH/TO/rerun-foreign-crash.sh
set -uo pipefail
wrapper=$1
tmp=$(mktemp -d /tmp/rerun-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0

# the fake runner: attempt N writes $tmp/case/console-N.log (if present) as console-a.log and
# exits with $tmp/case/rc-N (default 0)
cat >"$tmp/runner.sh" <<'RUNNER'
keep=""
while [ $# -gt 0 ]; do [ "$1" = --keep-logs ] && keep=$2; shift; done
n=$(($(cat "$FAKE_DIR/attempts" 2>/dev/null || echo 0) + 1))
echo "$n" >"$FAKE_DIR/attempts"
mkdir -p "$keep"
rm -f "$keep"/console-*.log
[ -e "$FAKE_DIR/console-$n.log" ] && cp "$FAKE_DIR/console-$n.log" "$keep/console-a.log"
echo "runner log $n" >"$keep/run.log"
exit "$(cat "$FAKE_DIR/rc-$n" 2>/dev/null || echo 0)"
RUNNER

STALL='[   40.2] rcu: INFO: rcu_sched self-detected stall on CPU
[   40.2] rcu: 	0-....: (5249 ticks this GP) idle=8c4/1/0x4000000000000000
[   40.2] rcu: rcu_sched kthread timer wakeup did not happen for 6610 jiffies!'
PANIC='[   90.1] BUG: unable to handle page fault for address: ffff0000deadbeef
[   90.1] Oops: 0000 [#1] PREEMPT SMP NOPTI'

# case NAME WANT_RC WANT_ATTEMPTS WANT_MSG(grep -E, "" for none) then console/rc files set up by caller
check_case() {
	local name=$1 want_rc=$2 want_n=$3 want_msg=$4 out rc n
	out=$(FAKE_DIR="$tmp/$name" RIG_RERUN_RUNNER="$tmp/runner.sh" \
		bash "$wrapper" --suite x --keep-logs "$tmp/$name/logs" 2>&1)
	rc=$?
	n=$(cat "$tmp/$name/attempts")
	if [ "$rc" != "$want_rc" ] || [ "$n" != "$want_n" ] ||
		{ [ -n "$want_msg" ] && ! grep -q -E "$want_msg" <<<"$out"; } ||
		{ [ -z "$want_msg" ] && grep -q rig-rerun <<<"$out"; }; then
		echo "FAIL $name: rc $rc (want $want_rc), attempts $n (want $want_n), output: $out"
		fails=$((fails + 1))
	else
		echo "ok   $name"
	fi
}
mkcase() { mkdir -p "$tmp/$1"; }

mkcase pass
check_case pass 0 1 ""

mkcase stall_boot
printf '%s\n%s\n' "$STALL" '[   40.3] CPU: 0 PID: 1 Comm: swapper/0 Not tainted 6.1.0-56-amd64 #1  Debian 6.1.158-1' \
	>"$tmp/stall_boot/console-1.log"
echo 1 >"$tmp/stall_boot/rc-1"
check_case stall_boot 0 2 'rig-rerun: VM a reported an RCU stall before our module'
[ -e "$tmp/stall_boot/logs/attempt-1/run.log" ] || { echo "FAIL stall_boot: first logs not kept"; fails=$((fails + 1)); }

mkcase stall_stock	# a stock module taints nothing: still not ours (6.12 task line format)
printf '%s\n%s\n' "$STALL" '[   40.3] CPU: 0 UID: 0 PID: 77 Comm: kworker/0:1 Tainted: G            E      6.12.117+deb12-amd64 #1 Debian' \
	>"$tmp/stall_stock/console-1.log"
echo 1 >"$tmp/stall_stock/rc-1"
check_case stall_stock 0 2 'RCU stall'

mkcase stall_ours
printf '%s\n%s\n' "$STALL" '[   40.3] CPU: 0 PID: 1 Comm: smcr_xfer Tainted: G           OE      6.1.0-56-amd64 #1  Debian 6.1.158-1' \
	>"$tmp/stall_ours/console-1.log"
echo 1 >"$tmp/stall_ours/rc-1"
check_case stall_ours 1 1 ""

mkcase stall_two	# one foreign stall, then one with our module loaded: ours
{ printf '%s\n%s\n' "$STALL" '[   40.3] CPU: 0 PID: 1 Comm: swapper/0 Not tainted 6.1.0-56-amd64 #1'
  printf '%s\n%s\n' "$STALL" '[  140.3] CPU: 0 PID: 9 Comm: kworker Tainted: G           OE      6.1.0-56-amd64 #1'; } \
	>"$tmp/stall_two/console-1.log"
echo 1 >"$tmp/stall_two/rc-1"
check_case stall_two 1 1 ""

mkcase stall_no_task	# a report without a task line is not taken for foreign
printf '%s\n' "$STALL" >"$tmp/stall_no_task/console-1.log"
echo 1 >"$tmp/stall_no_task/rc-1"
check_case stall_no_task 1 1 ""

mkcase panic_foreign
printf '%s\n%s\n%s\n' "$PANIC" '[   90.1] RIP: 0010:__kmalloc_node_track_caller+0x1a/0x2b0' \
	'[   90.2] Kernel panic - not syncing: Fatal exception' >"$tmp/panic_foreign/console-1.log"
echo 1 >"$tmp/panic_foreign/rc-1"
echo 3 >"$tmp/panic_foreign/rc-2"
check_case panic_foreign 3 2 'panicked outside our module'

mkcase panic_ours
printf '%s\n%s\n%s\n' "$PANIC" '[   90.1] RIP: 0010:smcr_cdc_rx+0x1a/0x2b0 [smcr]' \
	'[   90.2] Kernel panic - not syncing: Fatal exception' >"$tmp/panic_ours/console-1.log"
echo 1 >"$tmp/panic_ours/rc-1"
check_case panic_ours 1 1 ""

DBG='[  256.22] ------------[ cut here ]------------
[  256.23] WARNING: CPU: 0 PID: 14 at arch/x86/kernel/traps.c:1120 exc_debug_kernel+0xca/0x160
[  256.23] Modules linked in: smc_diag smc rdma_rxe ib_core [last unloaded: smcr(OE)]
[  256.26] RIP: 0010:exc_debug_kernel+0xca/0x160
[  256.26] Call Trace:'

mkcase trap_foreign
printf '%s\n%s\n%s\n' "$DBG" '[  256.27]  rxe_init_packet+0xa1/0x150 [rdma_rxe]' \
	'[  256.28] ---[ end trace 0000000000000000 ]---' >"$tmp/trap_foreign/console-1.log"
echo 1 >"$tmp/trap_foreign/rc-1"
check_case trap_foreign 0 2 'debug trap in the kernel outside our module'

mkcase trap_ours
printf '%s\n%s\n%s\n' "$DBG" '[  256.27]  smcr_tx_push+0x11/0x150 [smcr]' \
	'[  256.28] ---[ end trace 0000000000000000 ]---' >"$tmp/trap_ours/console-1.log"
echo 1 >"$tmp/trap_ours/rc-1"
check_case trap_ours 1 1 ""

mkcase plain_fail
echo 'nothing odd' >"$tmp/plain_fail/console-1.log"
echo 2 >"$tmp/plain_fail/rc-1"
check_case plain_fail 2 1 ""

[ "$fails" = 0 ] && echo "rerun test ok"
exit $((fails > 0))
