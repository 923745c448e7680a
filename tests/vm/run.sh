#!/usr/bin/env bash
# Boot one or two qemu VMs (TCG) on the rig's initramfs, run test suites in them, report.
#
# Usage: run.sh [options]
#   --vms 1|2            number of VMs (default 1); VM a drives, VM b serves (tests/vm/README.md)
#   --kernel-a KV        kernel of VM a: a full version or the aliases 6.1 / 6.12 (default 6.1)
#   --kernel-b KV        kernel of VM b (default: same as a)
#   --mod-a smcr|stock|none   SMC implementation /init loads on VM a (default none)
#   --mod-b smcr|stock|none   ... on VM b (default: same as a)
#   --suite NAME[,NAME]  scenarios from tests/vm/scenarios/NAME.sh (default smoke)
#   --build DIR          build tree: DIR/kmod/KV/smcr.ko, DIR/tests/progs/bin/*, DIR/tools/bin/*
#                        and DIR/tools/lib/*.so go into the VMs (default: <repo>/build if it
#                        exists; missing parts are left out). Host programs named by a scenario's
#                        "# rig-host-bins: PATH..." line, or in $RIG_HOST_BINS, go in as well.
#   --timeout S          wall-clock limit for the whole run (default 300); qemu is killed after it
#   --mem MB             memory per VM (default 1024)
#   --opt KEY=VAL        passed to the scenarios as $RIG_OPT_KEY (repeatable)
#   --append ARGS        extra kernel command line
#   --keep-logs DIR      copy the logs there (they are also kept in a fresh directory under /tmp)
#   --notes              print the scenarios' rig_note lines (demo transcripts) before the summary
#   -v                   verbose: show the rig's steps and stream the consoles
# Exit status 0 only if every result passed (or was skipped), every VM finished, and no console shows
# kernel trouble (Oops, BUG, WARNING, ...). The last line is "N passed, N failed[, N skipped]".
set -euo pipefail
# shellcheck source=lib-host.sh
. "$(dirname "$0")/lib-host.sh"

NOTES=0 VMS=1 KA=6.1 KB="" MODA=none MODB="" SUITES=smoke BUILD="" TIMEOUT=300 MEM=1024 KEEP="" APPEND=""
OPTS=()
while [ $# -gt 0 ]; do
	case "$1" in
	--vms) VMS=$2; shift 2 ;;
	--kernel-a) KA=$2; shift 2 ;;
	--kernel-b) KB=$2; shift 2 ;;
	--mod-a) MODA=$2; shift 2 ;;
	--mod-b) MODB=$2; shift 2 ;;
	--suite | --suites) SUITES=$2; shift 2 ;;
	--build) BUILD=$2; shift 2 ;;
	--timeout) TIMEOUT=$2; shift 2 ;;
	--mem) MEM=$2; shift 2 ;;
	--opt) OPTS+=("$2"); shift 2 ;;
	--append) APPEND=$2; shift 2 ;;
	--keep-logs) KEEP=$2; shift 2 ;;
	--notes) NOTES=1; shift ;;
	-v) export RIG_VERBOSE=1; shift ;;
	-h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) righ_die "unknown option $1 (see --help)" ;;
	esac
done
case "$VMS" in 1 | 2) ;; *) righ_die "--vms must be 1 or 2" ;; esac
KB=${KB:-$KA}
MODB=${MODB:-$MODA}
for m in "$MODA" "$MODB"; do case "$m" in smcr | stock | none) ;; *) righ_die "bad --mod $m" ;; esac; done
[[ $SUITES =~ ^[A-Za-z0-9_,-]+$ ]] || righ_die "bad --suite '$SUITES'"
[[ $TIMEOUT =~ ^[0-9]+$ ]] || righ_die "bad --timeout"
if [ -z "$BUILD" ] && [ -d "$RIGH_REPO/build" ]; then BUILD=$RIGH_REPO/build; fi
[ -z "$BUILD" ] || BUILD=$(cd "$BUILD" && pwd)
command -v qemu-system-x86_64 >/dev/null || righ_die "qemu-system-x86_64 missing (run scripts/setup.sh)"

ROLES=(a)
[ "$VMS" = 1 ] || ROLES=(a b)
declare -A KV MOD IMG LOG CHAN PID PORT START_T
KV[a]=$(righ_kernel_resolve "$KA")
KV[b]=$(righ_kernel_resolve "$KB")
MOD[a]=$MODA
MOD[b]=$MODB

LOGDIR=$(mktemp -d /tmp/rig-run.XXXXXX)
t_run0=$(date +%s.%N)
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# ---- images --------------------------------------------------------------------------------------
# Host programs the chosen suites need (a "# rig-host-bins: /usr/bin/x ..." line in the scenario),
# plus $RIG_HOST_BINS: only those images carry them. A missing one is left out with a warning; the
# scenario then fails with its own message.
HOST_BIN_ARGS=()
for hb in ${RIG_HOST_BINS:-} $(for s in ${SUITES//,/ }; do
	sed -n 's/^# rig-host-bins:\(.*\)$/\1/p' "$RIGH_VMDIR/scenarios/$s.sh" 2>/dev/null
done); do
	if [ -x "$hb" ]; then
		HOST_BIN_ARGS+=(--host-bin "$hb")
	else
		echo "rig: warning: host program $hb is missing (scripts/setup.sh installs it); left out" >&2
	fi
done
for r in "${ROLES[@]}"; do
	kv=${KV[$r]}
	args=(--kernel "$kv")
	ko="${BUILD:+$BUILD/kmod/$kv/smcr.ko}"
	progs="${BUILD:+$BUILD/tests/progs/bin}"
	tools="${BUILD:+$BUILD/tools/bin}"
	if [ -n "$ko" ] && [ -f "$ko" ]; then
		args+=(--smcr-ko "$ko")
	else
		ko=""
		if [ "${MOD[$r]}" = smcr ]; then
			echo "rig: warning: no smcr.ko for $kv (expected ${BUILD:-<build>}/kmod/$kv/smcr.ko): VM $r will fail rig.mod" >&2
		fi
	fi
	if [ -n "$progs" ] && [ -d "$progs" ]; then args+=(--progs "$progs"); else progs=""; fi
	if [ -n "$tools" ] && [ -d "$tools" ]; then args+=(--tools "$tools"); else tools=""; fi
	IMG[$r]=$("$RIGH_VMDIR/mkinitramfs.sh" "${args[@]}" ${HOST_BIN_ARGS[@]+"${HOST_BIN_ARGS[@]}"})
	echo "rig: vm $r: kernel $kv, mod=${MOD[$r]}, smcr.ko: ${ko:-none}, progs: ${progs:-none}, tools: ${tools:-none}"
done
t_prep=$(elapsed "$t_run0")
righ_log "images ready in ${t_prep}s"

# ---- boot ----------------------------------------------------------------------------------------
AGENT=$(righ_build_agent)
stop_vm() { # stop_vm ROLE: SIGTERM (qemu exits quietly), SIGKILL if it lingers
	local p=${PID[$1]:-}
	[ -n "$p" ] || return 0
	kill -TERM "$p" 2>/dev/null || return 0
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$p" 2>/dev/null || return 0
		sleep 0.2
	done
	kill -KILL "$p" 2>/dev/null || true
}
cleanup() {
	local r
	for r in "${ROLES[@]}"; do stop_vm "$r"; done
	if [ -n "${TAILPID:-}" ]; then kill "$TAILPID" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cmdline() { # cmdline ROLE
	local r=$1 peer=b o s
	[ "$r" = a ] || peer=a
	s="console=ttyS0 loglevel=5 panic=-1 rig.role=$r rig.vms=$VMS rig.suite=$SUITES rig.mod=${MOD[$r]}"
	s+=" rig.timeout=$TIMEOUT rig.verbose=${RIG_VERBOSE:-0}"
	[ "$VMS" = 1 ] || s+=" rig.peer_mod=${MOD[$peer]} rig.peer_kv=${KV[$peer]}"
	for o in ${OPTS[@]+"${OPTS[@]}"}; do
		[[ $o =~ ^[A-Za-z0-9_]+=[^[:space:]]*$ ]] || righ_die "bad --opt '$o' (KEY=VALUE, no spaces)"
		s+=" rig.opt.$o"
	done
	[ -z "$APPEND" ] || s+=" $APPEND"
	[ ${#s} -le 2000 ] || righ_die "kernel command line too long (${#s} > 2000)"
	echo "$s"
}

boot() { # boot: start all VMs; returns 1 if a qemu died at once (e.g. a port was taken)
	local r mac
	PORT[a]=$("$AGENT" freeport)
	PORT[b]=$("$AGENT" freeport)
	for r in "${ROLES[@]}"; do
		LOG[$r]=$LOGDIR/console-$r.log
		CHAN[$r]=$LOGDIR/rig-$r.log
		: >"${LOG[$r]}"
		: >"${CHAN[$r]}"
		if [ "$r" = a ]; then mac=52:54:00:53:4d:01; else mac=52:54:00:53:4d:02; fi
		local me=${PORT[$r]} other=${PORT[b]}
		[ "$r" = a ] || other=${PORT[a]}
		# shellcheck disable=SC2054 # the commas belong to qemu's option syntax
		local -a q=(qemu-system-x86_64 -name "rig-$r" -accel tcg -cpu max -smp 1 -m "$MEM"
			-nodefaults -no-user-config -display none -no-reboot
			-kernel "$RIG_CACHE/kernel/${KV[$r]}/vmlinux" -initrd "${IMG[$r]}" -append "$(cmdline "$r")"
			-chardev "file,id=con,path=${LOG[$r]}" -serial chardev:con
			-chardev "file,id=rig,path=${CHAN[$r]}" -serial chardev:rig
			-device isa-debug-exit,iobase=0xf4,iosize=0x04
			-netdev "socket,id=n0,udp=127.0.0.1:$other,localaddr=127.0.0.1:$me"
			-device "virtio-net-pci,netdev=n0,mac=$mac")
		echo "${q[*]}" >"$LOGDIR/qemu-$r.cmd"
		"${q[@]}" </dev/null >"$LOGDIR/qemu-$r.out" 2>&1 &
		PID[$r]=$!
		START_T[$r]=$(date +%s.%N)
	done
	sleep 0.5
	for r in "${ROLES[@]}"; do
		if ! kill -0 "${PID[$r]}" 2>/dev/null && grep -q 'in use' "$LOGDIR/qemu-$r.out"; then
			cleanup
			return 1
		fi
	done
}
for try in 1 2 3; do
	if boot; then break; fi
	[ "$try" != 3 ] || righ_die "qemu could not bind its UDP ports: $(cat "$LOGDIR"/qemu-*.out)"
done
if [ "${RIG_VERBOSE:-0}" != 0 ]; then
	tail -q -n +1 -F "${LOG[@]}" 2>/dev/null | sed -u 's/^/  | /' >&2 &
	TAILPID=$!
fi

# ---- wait ----------------------------------------------------------------------------------------
declare -A BOOT_WALL ENDED REASON
deadline=$(awk -v t="$(date +%s.%N)" -v to="$TIMEOUT" 'BEGIN { printf "%d", t + to }')
grace_until=""
while :; do
	alive=0
	for r in "${ROLES[@]}"; do
		if [ -z "${BOOT_WALL[$r]:-}" ] && grep -q '^@@RIG START' "${CHAN[$r]}" "${LOG[$r]}" 2>/dev/null; then
			BOOT_WALL[$r]=$(elapsed "${START_T[$r]}")
		fi
		if [ -z "${ENDED[$r]:-}" ]; then
			if kill -0 "${PID[$r]}" 2>/dev/null; then
				alive=$((alive + 1))
			else
				wait "${PID[$r]}" 2>/dev/null && rc=0 || rc=$?
				ENDED[$r]=$rc
			fi
		fi
	done
	[ "$alive" -gt 0 ] || break
	now=$(date +%s)
	if [ "$now" -ge "$deadline" ]; then
		for r in "${ROLES[@]}"; do
			[ -n "${ENDED[$r]:-}" ] || { REASON[$r]="timeout after ${TIMEOUT}s"; stop_vm "$r"; }
		done
		continue
	fi
	# One VM ended while the other still runs: give the other 30 s (b needs a moment after a's
	# release; a needs a moment to notice a dead b), then stop it.
	if [ "$VMS" = 2 ] && [ "$alive" = 1 ]; then
		if [ -z "$grace_until" ]; then grace_until=$((now + 30)); fi
		if [ "$now" -ge "$grace_until" ]; then
			for r in "${ROLES[@]}"; do
				if [ -z "${ENDED[$r]:-}" ]; then
					REASON[$r]="still running 30 s after the other VM ended"
					stop_vm "$r"
				fi
			done
		fi
	fi
	sleep 0.2
done
t_total=$(elapsed "$t_run0")
if [ -n "${TAILPID:-}" ]; then sleep 0.3; kill "$TAILPID" 2>/dev/null || true; TAILPID=""; fi

# ---- report --------------------------------------------------------------------------------------
BAD=$(sed -n "s/^RIG_DMESG_BAD='\(.*\)'$/\1/p" "$RIGH_VMDIR/guest/lib.sh")
[ -n "$BAD" ] || righ_die "cannot read RIG_DMESG_BAD from guest/lib.sh"
npass=0 nfail=0 nskip=0
{
	for r in "${ROLES[@]}"; do
		# Protocol lines from the rig channel (ttyS1: no kernel messages can splice into them); the
		# console only if the channel stayed empty. Kernel trouble is searched on the console.
		log=${LOG[$r]}
		tr -d '\r' <"$log" >"$log.clean"
		chan=$log.clean
		if grep -a -q '@@RIG START' "${CHAN[$r]}"; then
			tr -d '\r' <"${CHAN[$r]}" >"${CHAN[$r]}.clean"
			chan=${CHAN[$r]}.clean
		fi
		echo "== vm $r: kernel ${KV[$r]}, mod=${MOD[$r]}, qemu status ${ENDED[$r]:-?}"
		start=$(grep -a -m1 -o '@@RIG START .*' "$chan" | sed -n 's/.*uptime=\([0-9.]*\).*/\1/p' || true)
		ready=$(grep -a -m1 -o '@@RIG READY .*' "$chan" | sed -n 's/.*uptime=\([0-9.]*\).*/\1/p' || true)
		echo "   boot: /init after ${BOOT_WALL[$r]:-?}s wall (${start:-?}s guest uptime), ready at ${ready:-?}s uptime"
		grep -a -o '@@RIG SUITE-END .*' "$chan" | awk '{ printf "   suite %s: %ss (guest)\n", $4, $5 }' || true
		# Results
		while read -r _ _ vm test status msg; do
			[ "$vm" = "$r" ] || continue
			tm=$(grep -a -o "@@RIG TIME $r $test [0-9.]*" "$chan" | awk '{ print $5 }' | head -n 1)
			case "$status" in
			PASS)
				npass=$((npass + 1))
				if [ "$msg" = ok ]; then msg=""; else msg=": $msg"; fi
				echo "   PASS $r $test (${tm:-?}s)$msg"
				;;
			SKIP) nskip=$((nskip + 1)); echo "   SKIP $r $test: $msg" ;;
			*) nfail=$((nfail + 1)); echo "   FAIL $r $test: $msg" ;;
			esac
		done < <(grep -a -o '@@RIG RESULT .*' "$chan" || true)
		# Did the VM finish?
		if ! grep -a -q '@@RIG DONE' "$chan"; then
			last_test=$(grep -a -o '@@RIG \(TEST\|RESULT\) .*' "$chan" | tail -n 1 || true)
			where="during boot (no /init output)"
			if grep -a -q '@@RIG START' "$chan"; then where="during setup"; fi
			if [[ $last_test == "@@RIG TEST "* ]]; then
				where="in test $(echo "$last_test" | awk '{ print $4 }')"
			else
				last_suite=$(grep -a -o '@@RIG SUITE\(-END\)\{0,1\} .*' "$chan" | tail -n 1 || true)
				if [[ $last_suite == "@@RIG SUITE "* ]]; then where="in suite $(echo "$last_suite" | awk '{ print $4 }')"; fi
			fi
			why=${REASON[$r]:-"VM ended without finishing (crash or panic?)"}
			nfail=$((nfail + 1))
			echo "   FAIL $r rig.finish: $why $where"
		fi
		# Kernel trouble anywhere on the console (live messages and the final dmesg dump)
		trouble=$(grep -a -E '^\[ *[0-9]+\.[0-9]+\] ' "$log.clean" | grep -a -E "$BAD" | awk '!seen[$0]++' | head -n 12 || true)
		if [ -n "$trouble" ]; then
			nfail=$((nfail + 1))
			echo "   FAIL $r rig.kernel: kernel log shows trouble:"
			while IFS= read -r l; do echo "      $l"; done <<<"$trouble"
		fi
	done
} >"$LOGDIR/summary.txt"
rm -f "$LOGDIR"/*.clean
if [ "$NOTES" = 1 ]; then
	for r in "${ROLES[@]}"; do
		grep -a -o '@@RIG NOTE .*' "${CHAN[$r]}" | cut -d' ' -f3- | sed "s/^\([ab]\) /[\1] /" || true
	done
	echo
fi
cat "$LOGDIR/summary.txt"
total=$((npass + nfail))
if [ "$total" = 0 ]; then
	nfail=1
	echo "   FAIL rig.results: no results at all" | tee -a "$LOGDIR/summary.txt"
fi
echo "rig: wall ${t_total}s (images ${t_prep}s); logs in $LOGDIR" | tee -a "$LOGDIR/summary.txt"
if [ -n "$KEEP" ]; then
	mkdir -p "$KEEP"
	rm -f "$KEEP"/console-* "$KEEP"/qemu-* "$KEEP"/summary.txt
	cp -r "$LOGDIR"/. "$KEEP"/
	echo "rig: logs copied to $KEEP"
fi
line="$npass passed, $nfail failed"
[ "$nskip" = 0 ] || line+=", $nskip skipped"
echo "$line"
[ "$nfail" = 0 ]
