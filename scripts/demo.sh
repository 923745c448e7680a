#!/usr/bin/env bash
# The demo: installs everything (scripts/setup.sh), builds, boots two VMs — our smcr.ko on Debian's
# 6.1 kernel, Debian's stock smc.ko on 6.12 — brings up Soft-RoCE on both, moves verified data over
# AF_SMC both ways between the two implementations, and prints what happened.
#   SMCR_BUILD=DIR   build directory (default: build);  SMCR_NO_SETUP=1  skip scripts/setup.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${SMCR_BUILD:-$top/build}

if [ "${SMCR_NO_SETUP:-0}" != 1 ]; then
	"$top/scripts/setup.sh"
fi
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)"
echo
echo "Booting two VMs (qemu, software emulation): a = smcr on 6.1, b = stock smc.ko on 6.12 ..."
exec "$top/tests/vm/run.sh" --build "$build" --vms 2 --kernel-a 6.1 --kernel-b 6.12 \
	--mod-a smcr --mod-b stock --suite demo --notes --timeout 300
