# shellcheck shell=dash
# shellcheck disable=SC2016 # commands for rig_peer are often single-quoted on purpose
# stock: Linux's own smc + smc_diag modules load and unload on this kernel (every VM runs it for
# itself). Checks AF_SMC (43) socket creation for SMCPROTO_SMC and SMCPROTO_SMC6, /proc/net/protocols,
# and that without a provider socket(AF_SMC) fails (the rig refuses module autoloading).
# On a VM started with --mod smcr the suite is skipped; with --mod stock the module stays loaded.

AF_SMC=43

t_absent() {
	local out
	[ "$(rig_smc_impl)" = none ] || { rig_skip "an AF_SMC provider is already loaded ($(rig_smc_impl))"; return; }
	out=$(rig-agent socket $AF_SMC 1 0) && { rig_fail "socket(AF_SMC) works without a provider"; return; }
	rig_check test "${out%% *}" = EAFNOSUPPORT || return 1
	rig_check sh -c "dmesg | grep -q 'kernel asked to autoload a module'"
}

t_load() {
	if [ "$RIG_MOD" != stock ]; then rig_check rig_load_stock || return 1; fi
	rig_check test "$(cat /sys/module/smc/initstate)" = live || return 1
	rig_check test "$(cat /sys/module/smc_diag/initstate)" = live || return 1
	rig_check grep -q '^SMC ' /proc/net/protocols || return 1
	rig_check grep -q '^SMC6 ' /proc/net/protocols || return 1
	rig_check rig-agent socket $AF_SMC 1 0 || return 1 # SMCPROTO_SMC
	rig_check rig-agent socket $AF_SMC 1 1 || return 1 # SMCPROTO_SMC6
	rig_check test "$(rig_smc_impl)" = stock
}

t_unload() {
	local out
	if [ "$RIG_MOD" = stock ]; then rig_skip "loaded by /init for this run (--mod stock): kept"; return; fi
	rig_check rig_unload_stock || return 1
	rig_check test ! -e /sys/module/smc || return 1
	rig_check test ! -e /sys/module/smc_diag || return 1
	out=$(rig-agent socket $AF_SMC 1 0) && { rig_fail "socket(AF_SMC) still works after rmmod"; return; }
	rig_check test "${out%% *}" = EAFNOSUPPORT
}

t_dmesg() { rig_check rig_dmesg_check; }

if [ "$(rig_smc_impl)" = smcr ]; then
	rig_test load
	rig_skip "smcr is loaded on this VM (AF_SMC taken)"
else
	rig_run_test absent t_absent
	rig_run_test load t_load
	rig_run_test unload t_unload
	rig_run_test dmesg t_dmesg
fi
