# shellcheck shell=dash
# abi: the management ABI of our module (generic netlink SMC_GEN_NETLINK and SMC_PNETID, sock_diag,
# net.smc.* sysctls, SMC_LIMIT_HS, our SMCR_EXT family) is upstream's, per network namespace.
#
# Run with our module on one VM (--mod-a smcr). The conformance test runs the same checks against
# Debian's stock smc.ko in the same VM (the modules are swapped) and compares everything the two
# answered: smcr_nlcheck prints a transcript of families, operations and flags, policies, every
# reply's attribute tree and every error code; the two transcripts must be identical. Fallback
# counters are checked to be exact after a known workload.
# With --mod-a stock the checks that do not need our module run against the stock one alone
# (they must pass there too: they encode upstream's behaviour).
#
# Options: RIG_OPT_ABI_SHOW=1 prints both transcripts on the console.

ABI_PORT=5301
ABI_NS=abins

# ---- helpers ------------------------------------------------------------------------------------
# abi_xfer [NS] SERVER_FAMILY CLIENT_FAMILY COUNT: COUNT verified connections over lo
# shellcheck disable=SC2086 # $ns is a command prefix
abi_xfer() {
	local ns="" h i rc=0
	if [ $# = 4 ]; then ns="$RIG_IP netns exec $1"; shift; fi
	h=$(rig_bg "$ns smcr_xfer server --family $1 --port $ABI_PORT --count $3 --timeout 20") || return 1
	if ! rig_wait_for 20 $ns smcr_wait_listen $ABI_PORT --timeout 1 >/dev/null; then
		rig_kill "$h" >/dev/null 2>&1
		return 1
	fi
	i=0
	while [ "$i" -lt "$3" ]; do
		rig_check $ns smcr_xfer client --family "$2" --addr 127.0.0.1 --port $ABI_PORT \
			--bytes 64K --timeout 20 || rc=1
		i=$((i + 1))
	done
	rig_check rig_wait "$h" 60 || rc=1
	return $rc
}

# the known workload: 3 x smc->tcp (client PEERNOSMC), 2 x smc<->smc (client NOSMCDEV, server
# PEERDECL), 2 x tcp->smc (server PEERNOSMC)
abi_workload() {
	abi_xfer "$@" tcp smc 3 && abi_xfer "$@" smc smc 2 && abi_xfer "$@" smc tcp 2
}

# the exact fallback table of one abi_workload (in netns $1 if given)
abi_expect_workload() {
	local ns=""
	[ $# = 1 ] && ns="$RIG_IP netns exec $1"
	# shellcheck disable=SC2086 # $ns is a command prefix
	rig_check $ns smcr_nlcheck expect-fback clnt=0x03010000:3 clnt=0x03030000:2 \
		srv=0x05000000:2 srv=0x03010000:2 total_clnt=5 total_srv=4 hs_clnt=0 hs_srv=0
}

# abi_sysctls: "name value" of every net.smc sysctl, sorted
abi_sysctls() {
	local f
	for f in /proc/sys/net/smc/*; do
		[ -e "$f" ] && echo "$(basename "$f") $(cat "$f")"
	done
}

# abi_same_defaults STOCK OURS: the sysctls both have hold the same values, wmem and rmem aside
abi_same_defaults() {
	join "$1" "$2" | awk '$2 != $3 && $1 != "wmem" && $1 != "rmem" { print "differs: " $0; bad = 1 }
		END { exit bad }'
}

# abi_sysctl_ranges: for every sysctl, which of a set of values it accepts (value restored after)
abi_sysctl_ranges() {
	local f v t
	for f in /proc/sys/net/smc/*; do
		v=$(cat "$f")
		for t in -1 0 1 2 3 15 16 255 256 2048 2049 16383 16384 1073741823 1073741824 abc; do
			if echo "$t" >"$f" 2>/dev/null; then
				echo "$(basename "$f") $t ok $(cat "$f")"
			else
				echo "$(basename "$f") $t refused"
			fi
		done
		echo "$v" >"$f"
	done
}

# abi_collect DIR: everything the comparison looks at, for the module now loaded
abi_collect() {
	local d=$1 rc=0
	mkdir -p "$d"
	abi_workload || rc=1
	smcr_nlcheck abi lo >"$d/abi.out" 2>&1 || rc=1
	smcr_nlcheck --as-nobody unpriv >"$d/unpriv.out" 2>&1 || rc=1
	# many sockets (a dump of many parts) and dumps racing socket churn
	smcr_nlcheck diag-count 600 >"$d/count.out" 2>&1 || rc=1
	grep -E '^(FAIL|RESULT|diag_count)' "$d/count.out" | head -n 5 | sed 's/^/    /' >/dev/console
	abi_sysctls >"$d/sysctl.out"
	abi_sysctl_ranges >"$d/ranges.out"
	grep -E '^(FAIL|RESULT)' "$d/abi.out" "$d/unpriv.out" | sed 's/^/    /' >/dev/console
	rig_log "$(rig_smc_impl) SYS_INFO: $(smcr_nlcheck sysinfo | grep '^T sysinfo 1\.' | cut -d' ' -f3- | tr '\n' ' ')"
	if [ "${RIG_OPT_ABI_SHOW:-0}" = 1 ]; then
		sed "s/^/    $(rig_smc_impl) /" "$d/abi.out" "$d/unpriv.out" >/dev/console
	fi
	return $rc
}

# ---- tests --------------------------------------------------------------------------------------
t_module() {
	rig_check test "$(rig_smc_impl)" = smcr || return 1
	rig_check smcr_nlcheck sysinfo || return 1
	rig_check smcr_nlcheck info || return 1
	# autoload aliases of the stock modules' management ABI
	rig_check grep -qa 'alias=net-pf-16-proto-4-type-43' "$RIG_SMCR_KO" || return 1
	rig_check grep -qa 'alias=net-pf-16-proto-16-family-SMC_PNETID' "$RIG_SMCR_KO" || return 1
	rig_check grep -qa 'alias=net-pf-16-proto-16-family-SMC_GEN_NETLINK' "$RIG_SMCR_KO"
}

# exact fallback counts after a known workload, then the SMCR_EXT reset
t_counts() {
	rig_check smcr_nlcheck reset || return 1
	rig_check smcr_nlcheck expect-fback total_clnt=0 total_srv=0 || return 1
	abi_workload || return 1
	abi_expect_workload || return 1
	# our MIB agrees: the same numbers in /proc and over SMCR_EXT
	rig_check sh -c 'smcr_nlcheck mib | grep -v RESULT | diff - /proc/net/smcr_stat' || return 1
	rig_check sh -c 'grep -qx "ClntFallback 5" /proc/net/smcr_stat' || return 1
	rig_check sh -c 'grep -qx "SrvFallback 4" /proc/net/smcr_stat' || return 1
	# reset: refused to nobody, then everything is zero
	if smcr_nlcheck --as-nobody reset >/tmp/abi.reset 2>&1; then
		rig_check false "reset as nobody succeeded"
		return 1
	fi
	rig_check grep -q 'errno=EPERM' /tmp/abi.reset || return 1
	rig_check smcr_nlcheck reset || return 1
	rig_check smcr_nlcheck expect-fback total_clnt=0 total_srv=0 || return 1
	rig_check sh -c '! grep -v " 0$" /proc/net/smcr_stat' || return 1
	abi_workload && abi_expect_workload
}

# the same checks against our module and Debian's stock smc.ko: identical answers
t_conformance() {
	local rc=0
	rig_check rig_unload_smcr || return 1
	rig_check rig_load_smcr || return 1
	abi_collect /tmp/abi.smcr || rc=1
	rig_check rig_unload_smcr || return 1
	if ! rig_check rig_load_stock; then
		rig_load_smcr
		return 1
	fi
	abi_collect /tmp/abi.stock || rc=1
	rig_check rig_unload_stock
	rig_check rig_load_smcr || return 1
	[ $rc = 0 ] || rig_check false "a check failed on smcr or on stock (see above)"
	# the transcripts: every answer of every request
	grep "^T " /tmp/abi.smcr/abi.out >/tmp/abi.t1
	grep "^T " /tmp/abi.stock/abi.out >/tmp/abi.t2
	grep "^T " /tmp/abi.smcr/unpriv.out >>/tmp/abi.t1
	grep "^T " /tmp/abi.stock/unpriv.out >>/tmp/abi.t2
	if ! diff -u /tmp/abi.t2 /tmp/abi.t1 >/tmp/abi.diff; then
		rig_check false "transcripts differ (- stock, + smcr): $(grep -c '^[-+]T' /tmp/abi.diff) lines"
		sed 's/^/    D /' /tmp/abi.diff | head -n 400 >/dev/console
		rc=1
	fi
	# every stock sysctl exists here, with the same default (but wmem and rmem: ours are 256 KiB,
	# a deliberate difference, docs/abi.md) and the same accepted range
	rig_check sh -c 'join -v 1 /tmp/abi.stock/sysctl.out /tmp/abi.smcr/sysctl.out | grep . && exit 1; exit 0' || rc=1
	rig_check abi_same_defaults /tmp/abi.stock/sysctl.out /tmp/abi.smcr/sysctl.out || rc=1
	rig_check sh -c 'grep -F -x -v -f /tmp/abi.smcr/ranges.out /tmp/abi.stock/ranges.out && exit 1; exit 0' || rc=1
	rig_log "transcript: $(grep -c '^T ' /tmp/abi.t1) lines compared, sysctls: $(wc -l </tmp/abi.stock/sysctl.out) of stock, $(wc -l </tmp/abi.smcr/sysctl.out) here"
	return $rc
}

# net.smc.* of our module: all ten, upstream defaults but for wmem and rmem (256 KiB, not 64);
# plus our tcp2smc (suite tcp2smc)
t_sysctl() {
	local want
	want="autocorking_size 65536
limit_smc_hs 0
rmem 262144
smcr_buf_type 0
smcr_max_conns_per_lgr 255
smcr_max_links_per_lgr 2
smcr_max_recv_wr 48
smcr_max_send_wr 16
smcr_testlink_time 30
tcp2smc 0
wmem 262144"
	rig_check sh -c "[ \"\$(cd /proc/sys/net/smc && for f in *; do echo \"\$f \$(cat \$f)\"; done)\" = \"$want\" ]" || return 1
	rig_check sh -c '! echo 2049 >/proc/sys/net/smc/smcr_max_send_wr' || return 1
	rig_check sh -c '! echo 1 >/proc/sys/net/smc/smcr_max_recv_wr' || return 1
	rig_check sh -c '! echo 3 >/proc/sys/net/smc/smcr_buf_type' || return 1
	rig_check sh -c '! echo 16383 >/proc/sys/net/smc/wmem' || return 1
	# limit_smc_hs and the netlink commands are one setting; new sockets inherit it
	rig_check sh -c 'echo 1 >/proc/sys/net/smc/limit_smc_hs' || return 1
	rig_check sh -c 'smcr_nlcheck hs dump | grep -q "hs 1 u8=1"' || return 1
	rig_check sh -c 'smcr_nlcheck sockopt-hs | grep -qx "limit_hs 1"' || return 1
	rig_check smcr_nlcheck hs disable || return 1
	rig_check sh -c 'grep -qx 0 /proc/sys/net/smc/limit_smc_hs' || return 1
	rig_check sh -c 'smcr_nlcheck sockopt-hs | grep -qx "limit_hs 0"'
}

# a listener with SMC_LIMIT_HS still serves every connection (fallback or not, never lost)
t_hs_limit() {
	rig_check smcr_nlcheck hs enable || return 1
	abi_xfer smc smc 20 || return 1
	rig_check smcr_nlcheck hs disable
}

# a second netns sees only its own sockets, statistics, PNET entries, HS setting and sysctls;
# UEIDs are host-wide, as upstream's. $1: swap (run on stock, swapping the modules around it)
# shellcheck disable=SC2086 # $x is a command prefix
t_netns() {
	local impl rc=0 x h
	impl=$(rig_smc_impl)
	x="$RIG_IP netns exec $ABI_NS"
	if [ "${1:-}" = swap ]; then
		impl=stock
		rig_check rig_unload_smcr || return 1
		rig_check rig_load_stock || { rig_load_smcr; return 1; }
	fi
	"$RIG_IP" netns del $ABI_NS 2>/dev/null
	rig_check "$RIG_IP" netns add $ABI_NS || return 1
	rig_check "$RIG_IP" -n $ABI_NS link set lo up || rc=1
	# state in the initial netns
	[ "$impl" = smcr ] && { rig_check smcr_nlcheck reset || rc=1; }
	rig_check smcr_nlcheck pnet add NETA eth lo || rc=1
	rig_check smcr_nlcheck ueid add HOSTWIDE || rc=1
	rig_check smcr_nlcheck hs enable || rc=1
	rig_check sh -c 'echo 32768 >/proc/sys/net/smc/wmem' || rc=1
	abi_workload || rc=1
	h=$(rig_bg "smcr_xfer server --family smc --port $ABI_PORT --count 1 --timeout 60") || rc=1
	rig_wait_for 20 smcr_wait_listen $ABI_PORT --timeout 1 >/dev/null || rc=1
	rig_check sh -c "smcr_nlcheck diag | grep -q 'state=10 .*sport=$ABI_PORT '" || rc=1
	# the new netns sees none of it, except the host-wide UEID
	rig_check sh -c "$x smcr_nlcheck diag | grep -qx 'RESULT ok socks=0'" || rc=1
	rig_check $x smcr_nlcheck expect-fback total_clnt=0 total_srv=0 || rc=1
	rig_check sh -c "[ \$($x smcr_nlcheck pnet dump | grep -c '^T pnet msg') = 0 ]" || rc=1
	rig_check sh -c "$x smcr_nlcheck hs dump | grep -q 'hs 1 u8=0'" || rc=1
	rig_check sh -c "$x cat /proc/sys/net/smc/wmem | grep -qx $([ "$impl" = smcr ] && echo 262144 || echo 65536)" || rc=1
	rig_check sh -c "$x smcr_nlcheck ueid dump | grep -q HOSTWIDE" || rc=1
	# its own state stays its own
	rig_check $x smcr_nlcheck pnet add NETB eth lo || rc=1
	rig_check sh -c "$x smcr_nlcheck pnet add NETI ib smcrtest0 1; [ \$? != 0 ]" || rc=1
	abi_workload "$ABI_NS" || rc=1
	abi_expect_workload "$ABI_NS" || rc=1
	rig_check sh -c "$x smcr_nlcheck pnet dump | grep -q NETB" || rc=1
	rig_check sh -c "! smcr_nlcheck pnet dump | grep -q NETB" || rc=1
	rig_check sh -c "! $x smcr_nlcheck pnet dump | grep -q NETA" || rc=1
	if [ "$impl" = smcr ]; then
		# 5 + 4 fallbacks there, none here: the initial netns still has its own counts
		rig_check smcr_nlcheck expect-fback clnt=0x03010000:3 clnt=0x03030000:2 \
			srv=0x05000000:2 srv=0x03010000:2 total_clnt=5 total_srv=4 hs_clnt=0 hs_srv=0 || rc=1
		rig_check $x smcr_nlcheck reset || rc=1
		rig_check $x smcr_nlcheck expect-fback total_clnt=0 total_srv=0 || rc=1
		rig_check smcr_nlcheck expect-fback total_clnt=5 total_srv=4 clnt=0x03010000:3 \
			clnt=0x03030000:2 srv=0x05000000:2 srv=0x03010000:2 || rc=1
	fi
	rig_check smcr_xfer client --family smc --addr 127.0.0.1 --port $ABI_PORT --bytes 1K || rc=1
	rig_check rig_wait "$h" 30 || rc=1
	rig_check "$RIG_IP" netns del $ABI_NS || rc=1
	# clean up the initial netns
	rig_check smcr_nlcheck pnet flush || rc=1
	rig_check smcr_nlcheck ueid flush || rc=1
	rig_check smcr_nlcheck hs disable || rc=1
	rig_check sh -c "echo $([ "$impl" = smcr ] && echo 262144 || echo 65536) >/proc/sys/net/smc/wmem" || rc=1
	if [ "${1:-}" = swap ]; then
		rig_check rig_unload_stock || rc=1
		rig_check rig_load_smcr || rc=1
	fi
	return $rc
}

t_netns_stock() { t_netns swap; }

# stock smc.ko alone (--mod-a stock): the upstream checks must pass on it, counts start at zero
t_stock_alone() {
	abi_workload || return 1
	abi_expect_workload || return 1
	rig_check smcr_nlcheck abi lo || return 1
	rig_check smcr_nlcheck --as-nobody unpriv
}

# netns teardown with PNET entries and sockets, unload with namespaces around, reload
t_unload() {
	rig_check "$RIG_IP" netns add $ABI_NS || return 1
	rig_check "$RIG_IP" netns exec $ABI_NS smcr_nlcheck pnet add NETC eth lo || return 1
	rig_check "$RIG_IP" netns exec $ABI_NS smcr_nlcheck pnet add NETD eth nosuch0 || return 1
	rig_check smcr_nlcheck pnet add NETE eth nosuch1 || return 1
	rig_check smcr_nlcheck ueid add UNLOAD || return 1
	rig_check rig_unload_smcr || return 1
	rig_check rig_load_smcr || return 1
	rig_check sh -c "[ \$(smcr_nlcheck ueid dump | grep -c '^T ueid msg') = 0 ]" || return 1
	rig_check sh -c "[ \$($RIG_IP netns exec $ABI_NS smcr_nlcheck pnet dump | grep -c '^T pnet msg') = 0 ]" || return 1
	rig_check "$RIG_IP" netns exec $ABI_NS smcr_nlcheck pnet add NETC eth lo || return 1
	rig_check "$RIG_IP" netns del $ABI_NS
}

t_dmesg() { rig_check rig_dmesg_check; }

if [ "$(rig_smc_impl)" = stock ] && rig_role a; then
	rig_run_test stock t_stock_alone
	rig_run_test netns t_netns
elif [ "$(rig_smc_impl)" != smcr ]; then
	if rig_role a; then
		rig_test module
		rig_fail "VM a must run our module (--mod-a smcr) or the stock one, it runs: $(rig_smc_impl)"
	fi
elif rig_role a; then
	rig_run_test module t_module
	rig_run_test counts t_counts
	rig_run_test conformance t_conformance
	rig_run_test sysctl t_sysctl
	rig_run_test hs_limit t_hs_limit
	rig_run_test netns t_netns
	rig_run_test netns_stock t_netns_stock
	rig_run_test unload t_unload
fi
rig_run_test dmesg t_dmesg
