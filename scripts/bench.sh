#!/usr/bin/env bash
# The benchmark run (not part of scripts/test.sh): builds, boots two VMs on the same kernel and
# measures, in one run, plain TCP, our smcr.ko, Debian's stock smc.ko and the perftest ceiling of
# the same Soft-RoCE link (tests/vm/scenarios/bench.sh). Prints the table with ratios and leaves
# bench.md (the table) and bench.json (one JSON object per measurement) in the output directory.
#   scripts/bench.sh [OUTDIR]        default OUTDIR: build/bench/<date-time>
#   SMCR_BUILD=DIR  build directory;  SMCR_NO_SETUP=1  skip scripts/setup.sh
#   BENCH_KERNEL=6.12 (stock smc.ko needs a fixed rxe: 6.12);  BENCH_SECS=4  seconds per measurement
#   BENCH_FULL=1  the whole grid (stream 64 B .. 1 MiB, 1 B / 1 KiB rr, 1/8/64 connections)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${SMCR_BUILD:-$top/build}
out=${1:-$build/bench/$(date +%Y%m%d-%H%M%S)}

if [ "${SMCR_NO_SETUP:-0}" != 1 ]; then
	"$top/scripts/setup.sh"
fi
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)"
mkdir -p "$out"
kv=${BENCH_KERNEL:-6.12}
rc=0
"$top/tests/vm/run.sh" --build "$build" --vms 2 --kernel-a "$kv" --kernel-b "$kv" \
	--mod-a none --mod-b none --suite bench --notes --timeout 2400 --keep-logs "$out/logs" \
	--opt BENCH_SECS="${BENCH_SECS:-4}" --opt BENCH_FULL="${BENCH_FULL:-0}" | tee "$out/run.txt" || rc=$?
# the table: the notes lines of VM a; the measurements: the bench.json lines on its console
sed -n 's/^\[a\] \(|.*\|== smcr_bench.*\|RDMA ceiling.*\)$/\1/p' "$out/run.txt" >"$out/bench.md"
sed -n 's/.*bench\.json: \({.*}\)\r\?$/\1/p' "$out/logs/console-a.log" >"$out/bench.json"
echo "results: $out/bench.md, $out/bench.json"
exit "$rc"
