#!/usr/bin/env bash
# Run one rig line (run.sh ARGS..., which must include --keep-logs DIR) and run it once more only
# if the first attempt failed because a VM kernel panicked with no frame of our module (smcr) in
# the oops: RIP and call trace entirely in the kernel or other modules. Anything else, including a
# crash with an smcr frame or a second failure, is the line's result.
#
# The same holds for an RCU stall reported while the VM's kernel is not yet tainted by an
# out-of-tree module, i.e. before our module was first loaded in it (a starved vCPU, not our code),
# and for a kernel-mode debug trap (exc_debug_kernel warning) with no frame of ours.
#
# Why: Debian's 6.12 kernel under TCG now and then dies in rdma_rxe's send path (double fault in
# the skb allocation of rxe_init_packet). It happened with the stock smc.ko as well as with ours,
# and not in runs with slub_debug/page_poison (tests/vm/README.md, "Known crash"). A write to
# freed memory by our module would look the same, so the first attempt's logs are kept in
# DIR/attempt-1 and the rerun is announced on stdout (ctest shows it).
set -uo pipefail
here=$(dirname "$0")
# the runner: run.sh; tests/vm/rerun_test.sh puts a fake one here
runner=${RIG_RERUN_RUNNER:-$here/run.sh}
keep=""
args=("$@")
while [ $# -gt 0 ]; do
	case "$1" in
	--keep-logs) keep=${2:-}; shift 2 || break ;;
	*) shift ;;
	esac
done

[ -z "$keep" ] || rm -rf "$keep/attempt-1"	# from an earlier run
bash "$runner" "${args[@]}"
rc=$?
[ "$rc" = 0 ] && exit 0
[ -n "$keep" ] && [ -d "$keep" ] || exit "$rc"

# foreign_panic CONSOLE: status 0 if the console shows a panic whose oops names no smcr frame
foreign_panic() {
	grep -a -q 'Kernel panic - not syncing' "$1" || return 1
	# the oops block: from its first line to the panic; "Modules linked in" lists smcr anyway
	awk '/(Oops|BUG|double fault|general protection fault|Unable to handle)/ { on = 1 }
	     on && !/Modules linked in/ { print }
	     /Kernel panic - not syncing/ { exit }' "$1" | grep -a -q '\[smcr\]' && return 1
	return 0
}

# foreign_stall CONSOLE: status 0 if the console shows an RCU stall report whose task line says
# the kernel was not tainted by an out-of-tree module (taint flag O) at that moment: our module
# had not been loaded in that VM yet (its taint stays after rmmod), so the VM's only vCPU was
# starved by the host (it happens while the initramfs unpacks under a loaded CI host)
foreign_stall() {
	awk '/rcu: INFO: rcu_[a-z]+ (self-)?detected stall/ { on = 1; n = 0; next }
	     on && /CPU: [0-9]+ (UID: [0-9]+ )?PID: [0-9]+ Comm: / { print; on = 0 }
	     on && ++n > 80 { print "no task line"; on = 0 }' "$1" >"$1.stalls"
	[ -s "$1.stalls" ] || { rm -f "$1.stalls"; return 1; }
	# every stall reported must be foreign: "Not tainted", or taint flags (one letter or blank
	# each, up to the release) without O
	awk '/Not tainted/ { next }
	     match($0, /Tainted: [A-Z ]*[0-9]/) && !index(substr($0, RSTART, RLENGTH), "O") { next }
	     { bad = 1 } END { exit !bad }' "$1.stalls"
	local ours=$?
	rm -f "$1.stalls"
	[ "$ours" != 0 ]
}

# foreign_debug_trap CONSOLE: status 0 if the console shows the kernel's warning for a debug
# exception (#DB) taken in kernel mode, exc_debug_kernel, with no frame of our module in that
# report. Nothing here sets a hardware breakpoint or single-steps the kernel, so such a trap is
# the emulator's (seen on 6.12 in rxe's skb allocation, with reserved EFLAGS bits set, like the
# double faults)
foreign_debug_trap() {
	grep -a -q 'WARNING: .* at arch/x86/kernel/traps.c:[0-9]* exc_debug_kernel' "$1" || return 1
	awk '/WARNING: .* exc_debug_kernel/ { on = 1 }
	     on && !/Modules linked in/ { print }
	     on && /---\[ end trace/ { on = 0 }' "$1" | grep -a -q '\[smcr\]' && return 1
	return 0
}

crashed="" stalled="" trapped=""
for c in "$keep"/console-*.log; do
	[ -e "$c" ] || continue
	if foreign_panic "$c"; then
		crashed+=" $(basename "$c" .log | sed 's/^console-//')"
	elif foreign_stall "$c"; then
		stalled+=" $(basename "$c" .log | sed 's/^console-//')"
	elif foreign_debug_trap "$c"; then
		trapped+=" $(basename "$c" .log | sed 's/^console-//')"
	fi
done
[ -n "$crashed$stalled$trapped" ] || exit "$rc"

if [ -n "$crashed" ]; then
	what=$(grep -a -h -m1 -E 'RIP: 0010:|Kernel panic - not syncing' "$keep"/console-*.log |
		head -n 1 | sed 's/^\[ *[0-9.]*\] //')
	echo "rig-rerun: VM${crashed} panicked outside our module ($what); first attempt's logs in $keep/attempt-1; running the line once more"
elif [ -n "$trapped" ]; then
	echo "rig-rerun: VM${trapped} took a debug trap in the kernel outside our module (exc_debug_kernel; an emulator fault); first attempt's logs in $keep/attempt-1; running the line once more"
else
	what=$(grep -a -h -m1 -E 'rcu: INFO: rcu_[a-z]+ (self-)?detected stall' "$keep"/console-*.log |
		head -n 1 | sed 's/^\[ *[0-9.]*\] //')
	echo "rig-rerun: VM${stalled} reported an RCU stall before our module was ever loaded there ($what); first attempt's logs in $keep/attempt-1; running the line once more"
fi
mkdir -p "$keep/attempt-1"
find "$keep" -maxdepth 1 -type f -exec mv {} "$keep/attempt-1/" \;
bash "$runner" "${args[@]}"
rc=$?
echo "rig-rerun: second attempt $([ "$rc" = 0 ] && echo passed || echo "failed ($rc)")"
exit "$rc"
