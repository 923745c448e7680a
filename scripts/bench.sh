#!/usr/bin/env bash
# The benchmark run (not part of scripts/test.sh): builds, boots two VMs on the same kernel and
# measures, in one run, plain TCP, our smcr.ko, Debian's stock smc.ko and the perftest ceiling of
# the same Soft-RoCE link (tests/vm/scenarios/bench.sh): smcr_bench (stream, request/response,
# connection rate) and two applications under smc_run (redis, nginx + wrk). Leaves in the output
# directory bench.json (one JSON object per measurement), and from it (tests/bench/bench_report.py)
# bench.md (the table with ratios, printed at the end), bench-ratios.json and the plots (*.png);
# run.txt and logs/ are the run itself. See docs/bench.md.
#   scripts/bench.sh [OUTDIR]        default OUTDIR: build/bench/<date-time>
#   SMCR_BUILD=DIR  build directory;  SMCR_NO_SETUP=1  skip scripts/setup.sh
#   BENCH_KERNEL=6.12 (stock smc.ko needs a fixed rxe: 6.12);  BENCH_SECS=4  seconds per measurement
#   BENCH_FULL=1  the whole grid (stream 64 B .. 1 MiB, 1 B / 1 KiB rr, 1/8/64 connections)
#   BENCH_APPS=0  without redis and http;  BENCH_REDIS_N=4000  redis-benchmark requests at -P 1
#   BENCH_ROUNDS=N  N rounds (TCP, ours, stock in turn each time): medians, ranges, per-round ratios
#   BENCH_BUF=BYTES  net.smc.wmem/rmem for ours and stock (default: each one's own, ours 256 KiB,
#                    stock 64 KiB)
#   BENCH_SENDFILE=on|off  nginx's sendfile in the http measurement (default on)
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
rounds=${BENCH_ROUNDS:-1}
[[ $rounds =~ ^[1-9][0-9]?$ ]] || { echo "bench.sh: BENCH_ROUNDS must be 1..99" >&2; exit 2; }
buf=${BENCH_BUF:-65536}
if ! [[ $buf =~ ^[0-9]{5,6}$ ]] || ((buf < 16384 || buf > 524288)); then
	echo "bench.sh: BENCH_BUF must be a byte count, 16384..524288" >&2
	exit 2
fi
case ${BENCH_SENDFILE:-on} in on | off) ;; *)
	echo "bench.sh: BENCH_SENDFILE must be on or off" >&2
	exit 2
	;;
esac
rc=0
t0=$(date +%s)
"$top/tests/vm/run.sh" --build "$build" --vms 2 --kernel-a "$kv" --kernel-b "$kv" \
	--mod-a none --mod-b none --suite bench --notes --timeout $((600 + 1800 * rounds)) --keep-logs "$out/logs" \
	--opt BENCH_SECS="${BENCH_SECS:-4}" --opt BENCH_FULL="${BENCH_FULL:-0}" \
	--opt BENCH_APPS="${BENCH_APPS:-1}" --opt BENCH_REDIS_N="${BENCH_REDIS_N:-4000}" \
	--opt BENCH_ROUNDS="$rounds" ${BENCH_BUF:+--opt BENCH_BUF="$BENCH_BUF"} \
	${BENCH_SENDFILE:+--opt BENCH_SENDFILE="$BENCH_SENDFILE"} |
	tee "$out/run.txt" || rc=$?
t1=$(date +%s)
# the measurements: the bench.json lines on VM a's console; the report from them
sed -n 's/.*bench\.json: \({.*}\)\r\?$/\1/p' "$out/logs/console-a.log" >"$out/bench.json"
mode=quick
[ "${BENCH_FULL:-0}" = 1 ] && mode=full
python3 "$top/tests/bench/bench_report.py" --out "$out" \
	--title "smcr bench ($mode, kernel $kv, ${BENCH_SECS:-4} s per measurement, $rounds round(s)${BENCH_BUF:+, SMC buffers $BENCH_BUF B}${BENCH_SENDFILE:+, nginx sendfile $BENCH_SENDFILE}, $(date -u +%Y-%m-%d), run took $((t1 - t0)) s)" \
	"$out/bench.json" || rc=$?
echo
cat "$out/bench.md" 2>/dev/null || true
echo "results: $out/bench.md, $out/bench.json, $out/bench-ratios.json, $out/*.png"
exit "$rc"
