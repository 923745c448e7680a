#!/usr/bin/env bash
# Run every test of smcr on a Debian 12 machine: installs what is missing (scripts/setup.sh),
# builds userspace, the module for each kernel, the tests, then runs them all with ctest:
# unit tests and fuzz-corpus replays (label unit), test programs on the host (label host), and the
# VM tests (label vm: both kernels, one and two VMs, our module against itself and Debian's stock
# smc.ko). Then ctest's summary, and a NOTE for each VM line that needed a second attempt.
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
# The vm-logs of this run only: stale ones from an earlier run must not be reported.
rm -rf "$build/vm-logs"
rc=0
ctest --test-dir "$build" --output-on-failure "$@" || rc=$?
# VM lines that were run a second time after a kernel panic outside our module or an RCU stall
# before it was loaded (tests/vm/rerun-foreign-crash.sh): say which, so that no rerun goes unnoticed.
for d in "$build"/vm-logs/*/attempt-1; do
	[ -d "$d" ] || continue
	line=$(basename "$(dirname "$d")")
	echo "NOTE: $line was run twice: its first attempt's kernel panicked or trapped outside our module, or stalled before loading it ($d)"
	grep -a -h -m1 -E 'RIP: 0010:|Kernel panic|exc_debug_kernel|rcu: INFO: rcu_[a-z]+ (self-)?detected stall' "$d"/console-*.log |
		sed 's/^/NOTE:   /' || true
done
exit "$rc"
