#!/usr/bin/env bash
# The demo: installs everything (scripts/setup.sh), builds what the demo needs, boots two VMs — our
# smcr.ko on Debian's 6.1 kernel, Debian's stock smc.ko on 6.12 — brings up Soft-RoCE on both,
# moves verified data over AF_SMC both ways between the two implementations, runs redis-benchmark
# over TCP and over SMC-R (smc_run), shows smcss/smcstat and prints a table of the results.
#   SMCR_BUILD=DIR   build directory (default: build);  SMCR_NO_SETUP=1  skip scripts/setup.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${SMCR_BUILD:-$top/build}
t0=$SECONDS

if [ "${SMCR_NO_SETUP:-0}" != 1 ]; then
	"$top/scripts/setup.sh"
fi
# Only what goes into the VMs (tests/vm/run.sh takes build/kmod/KV/smcr.ko, build/tests/progs/bin,
# build/tools/{bin,lib}): the module for both kernels, the two test programs the demo runs, the
# tools and smc_run with its library. scripts/test.sh builds everything else.
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target kmod smcr_xfer smcr_nlcheck smcr_tools
t1=$SECONDS
echo
echo "Built in $((t1 - t0)) s. Booting two VMs (qemu, software emulation): a = smcr on 6.1, b = stock smc.ko on 6.12 ..."
rc=0
"$top/tests/vm/run.sh" --build "$build" --vms 2 --kernel-a 6.1 --kernel-b 6.12 \
	--mod-a smcr --mod-b stock --suite demo --notes --timeout 420 || rc=$?
echo "Demo took $((SECONDS - t0)) s ($((t1 - t0)) s setup and build, $((SECONDS - t1)) s in the VMs)."
exit "$rc"
