#!/usr/bin/env bash
# Run every test of smcr on a Debian 12 machine: installs what is missing (scripts/setup.sh),
# builds userspace, the module for each kernel, the tests, then runs them all with ctest:
# unit tests and fuzz-corpus replays (label unit), test programs on the host (label host), and the
# VM tests (label vm: both kernels, one and two VMs, our module against itself and Debian's stock
# smc.ko). The last lines are ctest's summary.
#
#   scripts/test.sh [-L LABEL] [-R REGEX]     (extra arguments go to ctest)
#   SMCR_BUILD=DIR   build directory (default: build)
#   SMCR_NO_SETUP=1  skip scripts/setup.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${SMCR_BUILD:-$top/build}

if [ "${SMCR_NO_SETUP:-0}" != 1 ]; then
	"$top/scripts/setup.sh"
fi
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build" -j"$(nproc)"
# VM tests boot qemu (TCG) and use every core: run tests one at a time.
ctest --test-dir "$build" --output-on-failure "$@"
