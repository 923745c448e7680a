# shellcheck shell=dash
# shellcheck disable=SC2034 # variables here are API for scenarios
# VM rig guest library (busybox ash). Sourced by /init, by every scenario, and by every command a
# peer runs here through rig_peer, so it only defines functions and variables.
#
# ---- Environment (from the kernel command line, see /init; also in /tmp/rig/env) ------------------
#   RIG_ROLE        a | b            this VM (a drives two-VM scenarios; b serves)
#   RIG_VM          same as RIG_ROLE (used in result lines)
#   RIG_VMS         1 | 2            number of VMs in the run
#   RIG_SUITES      smoke,rxe,...    suites of this run;   RIG_SUITE: the suite being run
#   RIG_MOD         smcr|stock|none  SMC implementation /init loaded on this VM
#   RIG_PEER_MOD    smcr|stock|none  ... on the peer ("" on one VM)
#   RIG_KV          uname -r;  RIG_PEER_KV: the peer's ("" on one VM)
#   RIG_NETDEV      eth0
#   RIG_IP4 RIG_IP6              198.18.0.1|2, fd53:4d43::1|2 (this VM)
#   RIG_PEER_IP4 RIG_PEER_IP6    the other VM's addresses
#   RIG_TIMEOUT     host wall-clock limit of the run (s)
#   RIG_OPT_<KEY>   free-form options: run.sh --opt KEY=VAL (kernel parameter rig.opt.KEY=VAL)
#   RIG_SMCR_KO     /lib/smcr/smcr.ko (may be absent);  RIG_MODDIR: /lib/modules/$RIG_KV
#   RIG_IP RIG_RDMA iproute2 ip and rdma by absolute path (busybox prefers its own `ip` applet)
#   RIG_AGENT       rig-agent binary;  RIG_AGENT_PORT: 7777
#   RIG_PEER_TIMEOUT   default timeout of rig_peer* calls (s, default 120)
#   RIG_DMESG_IGNORE   extended regex of kernel lines rig_dmesg_check must not count
#
# ---- Results ---------------------------------------------------------------------------------------
# Every result is a console line   @@RIG RESULT <vm> <suite>.<test> PASS|FAIL|SKIP <message>
# (preceded by  @@RIG TEST <vm> <suite>.<test>  and followed by  @@RIG TIME <vm> <suite>.<test> <s>).
#   rig_test NAME            start test NAME (an unfinished previous test is failed "no result")
#   rig_pass [MSG] / rig_fail MSG / rig_skip MSG    conclude the current test (always return 0)
#   rig_check CMD...         run CMD (stdout+stderr captured); on failure remember the first failure
#                            for the current test and print the output; returns CMD's status
#   rig_end [MSG]            conclude: FAIL with the first rig_check failure, else PASS
#   rig_run_test NAME FUNC [ARG...]   rig_test NAME; FUNC ARG...; then, unless FUNC concluded the
#                            test itself: FAIL on a rig_check failure or a non-zero return, else PASS
#   rig_log MSG              diagnostic line on this VM's console
#   rig_note TEXT            lines for a human (demo transcript): run.sh --notes prints them
#   rig_role a|b             true if this VM has that role;   rig_two_vms: true on a two-VM run
#   rig_have CMD             true if CMD is an executable in PATH (test programs: /usr/local/bin)
#   rig_kv_ge MAJ MIN        true if this kernel is at least MAJ.MIN
# ---- Modules ---------------------------------------------------------------------------------------
#   rig_modprobe NAME...     insmod NAME and its dependencies (prepared by kernel-prep.sh)
#   rig_load_smcr [PARAM=V...]  load /lib/smcr/smcr.ko (and its dependencies); status 2 if absent
#   rig_unload_smcr          rmmod smcr
#   rig_load_stock / rig_unload_stock   stock smc + smc_diag
#   rig_smc_impl             prints which AF_SMC provider is loaded: smcr | stock | none
# ---- Soft-RoCE -------------------------------------------------------------------------------------
#   rig_rxe_up [NETDEV [IBDEV]]   crc32_generic + rdma_rxe, `rdma link add IBDEV type rxe netdev
#                            NETDEV`, waits for port 1 ACTIVE (default eth0 -> rxe0, lo -> rxe_lo)
#   rig_rxe_down [IBDEV]     rdma link delete
#   rig_rxe_gid IBDEV IPV4   prints the index of the RoCE v2 GID ::ffff:IPV4 of port 1
#   rig_ib_counter IBDEV NAME   prints port 1 hw_counters/NAME (sent_pkts, rcvd_pkts, ...)
# ---- Peer and background commands ------------------------------------------------------------------
# Commands are shell strings run by /bin/sh with this library loaded (like ssh: arguments are joined
# with spaces). Output and exit status come back; 124 = timeout, 125 = rig error (peer unreachable).
#   rig_peer CMD...          run on the other VM, wait; its stdout/stderr become ours, status too
#   rig_peer_bg CMD...       start on the other VM in the background; prints a HANDLE
#   rig_peer_wait HANDLE [TIMEOUT]   wait for it: its output, then its status (killed at TIMEOUT)
#   rig_peer_kill HANDLE     kill it (whole process group) and collect as rig_peer_wait
#   rig_bg / rig_wait / rig_kill     the same on this VM
#   rig_barrier NAME [TIMEOUT]  both VMs wait for each other (no-op on one VM)
# ---- Waiting and checks ----------------------------------------------------------------------------
#   rig_wait_for TIMEOUT CMD...   retry CMD every 0.1 s until it succeeds (status 124 at TIMEOUT)
#   rig_wait_port PORT [TIMEOUT]  wait until a local TCP socket listens on PORT (/proc/net/tcp*)
#   rig_peer_wait_port PORT [TIMEOUT]   the same on the peer
#   rig_dmesg_check [--all]  kernel messages since the last check (or all) containing Oops, BUG:,
#                            WARNING:, Call Trace, KASAN, refcount_t, list corruption, leaks, ...:
#                            print them and return 1
#   rig_uptime               seconds since boot (float)
#   rig_qemu_exit [CODE]     end the VM now (isa-debug-exit; qemu exits 2*CODE+1), else poweroff -f

RIG_DIR=/lib/rig
RIG_STATE=/tmp/rig
RIG_IP=/bin/ip
RIG_RDMA=/usr/bin/rdma
RIG_AGENT=$RIG_DIR/bin/rig-agent
RIG_AGENT_PORT=7777
RIG_SMCR_KO=/lib/smcr/smcr.ko
# shellcheck source=/dev/null
[ -r "$RIG_STATE/env" ] && . "$RIG_STATE/env"
RIG_VM=${RIG_ROLE:-a}
RIG_KV=${RIG_KV:-$(uname -r)}
RIG_MODDIR=/lib/modules/$RIG_KV
RIG_SUITE=${RIG_SUITE:-rig}
RIG_PEER_TIMEOUT=${RIG_PEER_TIMEOUT:-120}

# Patterns of kernel trouble (extended regex, matched against kernel log lines).
RIG_DMESG_BAD='Oops|BUG:|WARNING:|Call Trace|general protection|KASAN|UBSAN|refcount_t|list_(add|del) corruption|unreferenced object|Kernel panic|kernel BUG|blocked for more than|rcu.*(stall|detected stalls)|double free|use-after-free|slab-out-of-bounds|BUG kmalloc|Bad page|scheduling while atomic|sleeping function called from invalid context|possible (circular|recursive) locking|suspicious RCU usage|INFO: task'

rig_uptime() { cut -d' ' -f1 /proc/uptime; }

rig__elapsed() { # rig__elapsed T0 -> seconds since T0 with two decimals
	awk -v t0="$1" -v t1="$(rig_uptime)" 'BEGIN { printf "%.2f", t1 - t0 }'
}

rig__console() { # a line on this VM's console (also from commands a peer runs here)
	if [ -w /dev/console ]; then echo "$*" >/dev/console; else echo "$*" >&2; fi
}

rig_log() { rig__console "[rig $RIG_VM] $*"; }

# rig_note TEXT...: a line for a human reading the run (demo transcripts); each line of TEXT goes to
# the rig channel as "@@RIG NOTE <vm> <line>", which run.sh --notes prints
rig_note() {
	printf '%s\n' "$*" | while IFS= read -r line; do rig__emit "@@RIG NOTE $RIG_VM $line"; done
}

# Protocol lines (@@RIG ...) go to the rig channel /dev/ttyS1 (parsed by run.sh; kernel messages
# cannot splice into them there) and to the console, each in one write, drained before returning.
rig__emit() { "$RIG_AGENT" emit "$*" 2>/dev/null || rig__console "$*"; }

rig__oneline() { # squeeze a message into one line
	printf '%s' "$*" | tr '\n\r\t' '   ' | cut -c1-400
}

rig__result() { # rig__result STATUS TEST MSG
	local msg
	msg=$(rig__oneline "$3")
	rig__emit "@@RIG RESULT $RIG_VM $2 $1 $msg"
	echo "$1 $2" >>"$RIG_STATE/results"
}

rig_role() { [ "${RIG_ROLE:-a}" = "$1" ]; }
rig_two_vms() { [ "${RIG_VMS:-1}" = 2 ]; }
rig_have() { command -v "$1" >/dev/null 2>&1; }

rig_kv_ge() {
	local maj min
	maj=${RIG_KV%%.*}
	min=${RIG_KV#*.}
	min=${min%%[.-]*}
	[ "$maj" -gt "$1" ] || { [ "$maj" -eq "$1" ] && [ "$min" -ge "$2" ]; }
}

# ---- results -------------------------------------------------------------------------------------

rig_test() {
	local name=$1
	case "$name" in *.*) ;; *) name="$RIG_SUITE.$name" ;; esac
	if [ -s "$RIG_STATE/cur_test" ]; then
		rig_fail "test ended without a result (next test $name started)"
	fi
	mkdir -p "$RIG_STATE"
	echo "$name" >"$RIG_STATE/cur_test"
	rig_uptime >"$RIG_STATE/cur_t0"
	: >"$RIG_STATE/cur_fail"
	rig__emit "@@RIG TEST $RIG_VM $name"
}

rig__conclude() { # rig__conclude STATUS MSG
	local name t0
	name=$(cat "$RIG_STATE/cur_test" 2>/dev/null)
	if [ -z "$name" ]; then
		name="$RIG_SUITE.unnamed"
		rig__result FAIL "$name" "rig_$(echo "$1" | tr '[:upper:]' '[:lower:]') called outside a test: $2"
		return 0
	fi
	t0=$(cat "$RIG_STATE/cur_t0" 2>/dev/null || echo 0)
	: >"$RIG_STATE/cur_test"
	rig__result "$1" "$name" "$2"
	rig__emit "@@RIG TIME $RIG_VM $name $(rig__elapsed "$t0")"
	return 0
}

rig_pass() { rig__conclude PASS "${*:-ok}"; }
rig_fail() { rig__conclude FAIL "${*:-failed}"; }
rig_skip() { rig__conclude SKIP "${*:-skipped}"; }

rig_check() {
	local out rc
	out=$(mktemp "$RIG_STATE/check.XXXXXX")
	"$@" >"$out" 2>&1
	rc=$?
	if [ "$rc" != 0 ]; then
		if [ ! -s "$RIG_STATE/cur_fail" ]; then
			rig__oneline "$*: status $rc: $(tail -n 3 "$out")" >"$RIG_STATE/cur_fail"
		fi
		rig_log "check failed (status $rc): $*"
		sed 's/^/    | /' "$out" | tail -n 40 >/dev/console 2>/dev/null
	elif [ "${RIG_VERBOSE:-0}" != 0 ]; then
		rig_log "ok: $*"
	fi
	rm -f "$out"
	return "$rc"
}

rig_end() {
	if [ -s "$RIG_STATE/cur_fail" ]; then
		rig_fail "$(cat "$RIG_STATE/cur_fail")"
	else
		rig_pass "${*:-ok}"
	fi
}

rig_run_test() {
	local name=$1 rc
	shift
	rig_test "$name"
	"$@"
	rc=$?
	if [ -s "$RIG_STATE/cur_test" ]; then
		if [ -s "$RIG_STATE/cur_fail" ]; then
			rig_fail "$(cat "$RIG_STATE/cur_fail")"
		elif [ "$rc" != 0 ]; then
			rig_fail "$1 returned $rc"
		else
			rig_pass
		fi
	fi
	return 0
}

# ---- waiting -------------------------------------------------------------------------------------

rig_wait_for() {
	local timeout=$1 t0
	shift
	t0=$(rig_uptime)
	while ! "$@"; do
		if [ "$(awk -v t0="$t0" -v t1="$(rig_uptime)" -v to="$timeout" 'BEGIN { print (t1 - t0 > to) }')" = 1 ]; then
			echo "rig_wait_for: timed out after ${timeout}s: $*" >&2
			return 124
		fi
		usleep 100000
	done
}

rig__port_listens() { # TCP state 0A = LISTEN; local port is the hex after ':' of field 2
	local hex
	hex=$(printf '%04X' "$1")
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v p="$hex" '
		NR > 0 && $4 == "0A" { split($2, a, ":"); if (a[2] == p) found = 1 }
		END { exit !found }'
}

rig_wait_port() { rig_wait_for "${2:-30}" rig__port_listens "$1"; }
rig_peer_wait_port() { rig_peer "rig_wait_port $1 ${2:-30}"; }

# ---- kernel log ----------------------------------------------------------------------------------

rig_dmesg_check() {
	local mark=0 found
	[ "${1:-}" = --all ] || mark=$(cat "$RIG_STATE/dmesg_mark" 2>/dev/null || echo 0)
	found=$(dmesg | awk -v mark="$mark" '
		{ ts = $0; sub(/^\[ */, "", ts); sub(/\].*/, "", ts) }
		ts + 0 > mark + 0 { print }' |
		grep -E "$RIG_DMESG_BAD" | { if [ -n "${RIG_DMESG_IGNORE:-}" ]; then grep -Ev "$RIG_DMESG_IGNORE"; else cat; fi; })
	dmesg | tail -n 1 | sed 's/^\[ *//; s/\].*//' >"$RIG_STATE/dmesg_mark"
	if [ -n "$found" ]; then
		echo "kernel log shows trouble:"
		echo "$found" | head -n 20
		return 1
	fi
	return 0
}

# ---- modules -------------------------------------------------------------------------------------

rig_modprobe() {
	local m rel name
	for m in "$@"; do
		if [ ! -e "$RIG_MODDIR/rig/$m.deps" ]; then
			echo "rig_modprobe: module $m was not prepared (add it to tests/vm/kernel-prep.sh)" >&2
			return 1
		fi
		while read -r rel; do
			name=$(basename "$rel" .ko | tr - _)
			[ -d "/sys/module/$name" ] && [ -e "/sys/module/$name/initstate" ] && continue
			insmod "$RIG_MODDIR/$rel" || { echo "rig_modprobe: insmod $rel failed" >&2; return 1; }
		done <"$RIG_MODDIR/rig/$m.deps"
	done
}

rig_smc_impl() {
	if [ -d /sys/module/smcr ]; then echo smcr
	elif [ -e /sys/module/smc/initstate ]; then echo stock
	else echo none
	fi
}

rig_load_smcr() {
	local d
	if [ ! -e "$RIG_SMCR_KO" ]; then
		echo "rig_load_smcr: smcr.ko is not in the initramfs (run.sh looks for BUILD/kmod/$RIG_KV/smcr.ko)" >&2
		return 2
	fi
	if [ "$(rig_smc_impl)" = stock ]; then
		echo "rig_load_smcr: the stock smc module is loaded (AF_SMC taken)" >&2
		return 1
	fi
	if [ -e /lib/smcr/smcr.deps ]; then
		while read -r d; do rig_modprobe "$d" || return 1; done </lib/smcr/smcr.deps
	fi
	insmod "$RIG_SMCR_KO" "$@" || return 1
	[ -d /sys/module/smcr ]
}

rig_unload_smcr() { rmmod smcr; }

rig_load_stock() {
	if [ -d /sys/module/smcr ]; then
		echo "rig_load_stock: smcr is loaded (AF_SMC taken)" >&2
		return 1
	fi
	rig_modprobe smc smc_diag && [ -e /sys/module/smc/initstate ]
}

rig_unload_stock() {
	[ ! -d /sys/module/smc_diag ] || rmmod smc_diag || return 1
	rmmod smc
}

# ---- Soft-RoCE -----------------------------------------------------------------------------------

rig__port_active() { grep -q ACTIVE "/sys/class/infiniband/$1/ports/1/state" 2>/dev/null; }

rig_rxe_up() {
	local netdev=${1:-eth0} ibdev=${2:-}
	if [ -z "$ibdev" ]; then
		if [ "$netdev" = eth0 ]; then ibdev=rxe0; else ibdev="rxe_$netdev"; fi
	fi
	rig_modprobe crc32_generic rdma_rxe || return 1
	if [ ! -d "/sys/class/infiniband/$ibdev" ]; then
		"$RIG_RDMA" link add "$ibdev" type rxe netdev "$netdev" || return 1
	fi
	rig_wait_for 20 rig__port_active "$ibdev" || {
		echo "rig_rxe_up: $ibdev port 1 not ACTIVE: $(cat "/sys/class/infiniband/$ibdev/ports/1/state" 2>&1)" >&2
		return 1
	}
}

rig_rxe_down() {
	local ibdev=${1:-rxe0}
	"$RIG_RDMA" link delete "$ibdev" || return 1
	rig_wait_for 10 test ! -e "/sys/class/infiniband/$ibdev"
}

rig_rxe_gid() { # prints the GID index of ::ffff:IPV4 with type RoCE v2 (one grep: rxe has 1024 slots)
	local ibdev="$1" ip4="$2" want idx
	want=$(echo "$ip4" | awk -F. '{ printf "0000:0000:0000:0000:0000:ffff:%02x%02x:%02x%02x", $1, $2, $3, $4 }')
	idx=$(grep -l -x "$want" /sys/class/infiniband/"$ibdev"/ports/1/gids/* 2>/dev/null | while read -r f; do
		i=${f##*/}
		if [ "$(cat "/sys/class/infiniband/$ibdev/ports/1/gid_attrs/types/$i" 2>/dev/null)" = "RoCE v2" ]; then
			echo "$i"
			break
		fi
	done)
	if [ -z "$idx" ]; then
		echo "rig_rxe_gid: no RoCE v2 GID for $ip4 on $ibdev" >&2
		return 1
	fi
	echo "$idx"
}

rig_ib_counter() { cat "/sys/class/infiniband/$1/ports/1/hw_counters/$2"; }

# ---- background commands, peer, barrier ----------------------------------------------------------

rig_quote() { # rig_quote STRING: single-quoted for sh
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

rig_bg() {
	local n=1 dir
	mkdir -p "$RIG_STATE/bg"
	while ! mkdir "$RIG_STATE/bg/$n" 2>/dev/null; do n=$((n + 1)); done
	dir="$RIG_STATE/bg/$n"
	echo "$*" >"$dir/cmd"
	# Own session (its id is the wrapper shell's pid), so rig_kill can end the whole group;
	# ( ) so that `exit` in CMD still records the status.
	# shellcheck disable=SC2016 # expanded by the inner shell
	setsid sh -c 'echo $$ >"$2/pid"; (. /lib/rig/lib.sh; eval "$1"); echo $? >"$2/rc.tmp"; mv "$2/rc.tmp" "$2/rc"' \
		rig-bg "$*" "$dir" <"/dev/null" >"$dir/out" 2>"$dir/err" &
	rig_wait_for 10 test -s "$dir/pid" || return 125
	echo "bg$n"
}

rig__bg_dir() {
	local dir="$RIG_STATE/bg/${1#bg}"
	[ -e "$dir/pid" ] || { echo "rig: unknown background handle '$1'" >&2; return 125; }
	echo "$dir"
}

rig__bg_collect() { # print output, return status
	cat "$1/out"
	cat "$1/err" >&2
	return "$(cat "$1/rc")"
}

rig_wait() {
	local dir
	dir=$(rig__bg_dir "$1") || return 125
	if ! rig_wait_for "${2:-$RIG_PEER_TIMEOUT}" test -e "$dir/rc" 2>/dev/null; then
		kill -9 "-$(cat "$dir/pid")" 2>/dev/null
		cat "$dir/out"
		cat "$dir/err" >&2
		echo "rig_wait: $1 ($(cat "$dir/cmd")) timed out after ${2:-$RIG_PEER_TIMEOUT}s, killed" >&2
		return 124
	fi
	rig__bg_collect "$dir"
}

rig_kill() {
	local dir
	dir=$(rig__bg_dir "$1") || return 125
	if [ ! -e "$dir/rc" ]; then
		kill -9 "-$(cat "$dir/pid")" 2>/dev/null
		rig_wait_for 5 test -e "$dir/rc" 2>/dev/null || echo 137 >"$dir/rc"
	fi
	rig__bg_collect "$dir"
}

rig_peer() {
	if ! rig_two_vms; then
		echo "rig_peer: no peer VM in this run" >&2
		return 125
	fi
	"$RIG_AGENT" call "$RIG_PEER_IP4" "$RIG_AGENT_PORT" "${RIG_CALL_TIMEOUT:-$RIG_PEER_TIMEOUT}" \
		"RIG_SUITE=$RIG_SUITE; . $RIG_DIR/lib.sh; $*"
}

rig_peer_bg() { rig_peer "rig_bg $(rig_quote "$*")"; }

rig_peer_wait() {
	local t=${2:-$RIG_PEER_TIMEOUT}
	RIG_CALL_TIMEOUT=$((t + 10)) rig_peer "rig_wait $1 $t"
}

rig_peer_kill() { rig_peer "rig_kill $1"; }

rig__barrier_release() { # on b, called by a: wait until b arrived, then let it go
	mkdir -p "$RIG_STATE/barrier"
	rig_wait_for "$2" test -e "$RIG_STATE/barrier/$1.arrived" || return 124
	rm -f "$RIG_STATE/barrier/$1.arrived"
	touch "$RIG_STATE/barrier/$1.go"
}

rig_barrier() {
	local name=$1 timeout=${2:-600}
	rig_two_vms || return 0
	if rig_role a; then
		RIG_CALL_TIMEOUT=$((timeout + 10)) rig_peer "rig__barrier_release '$name' $timeout"
	else
		mkdir -p "$RIG_STATE/barrier"
		touch "$RIG_STATE/barrier/$name.arrived"
		rig_wait_for "$timeout" test -e "$RIG_STATE/barrier/$name.go" || return 124
		rm -f "$RIG_STATE/barrier/$name.go"
	fi
}

rig_qemu_exit() { # end the VM now: isa-debug-exit (qemu status 2*CODE+1), else power off
	local code="${1:-0}"
	sync
	"$RIG_AGENT" exit "$code" 2>/dev/null
	# shellcheck disable=SC2059 # the format is the byte to write
	printf "\\$(printf '%03o' "$code")" | dd of=/dev/port bs=1 seek=244 count=1 conv=notrunc 2>/dev/null
	poweroff -f
}
