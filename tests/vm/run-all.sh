#!/usr/bin/env bash
# Run the whole VM test matrix (tests/vm/matrix.txt) one run after the other and sum up.
# Usage: run-all.sh [BUILD_DIR] [--keep-logs DIR] [--only REGEX]
# Each run gets --build BUILD_DIR (if given) and its logs go to DIR/NAME (default: a temp directory).
# Like ctest, each line goes through rerun-foreign-crash.sh (one rerun after a VM kernel panic
# with no frame of our module; the first attempt's logs stay in DIR/NAME/attempt-1).
# Ends with "N passed, N failed[, N skipped]"; exit status 0 only if every run passed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BUILD="" KEEP="" ONLY=""
while [ $# -gt 0 ]; do
	case "$1" in
	--keep-logs) KEEP=$2; shift 2 ;;
	--only) ONLY=$2; shift 2 ;;
	-*) echo "usage: $0 [BUILD_DIR] [--keep-logs DIR] [--only REGEX]" >&2; exit 2 ;;
	*) BUILD=$1; shift ;;
	esac
done
KEEP=${KEEP:-$(mktemp -d /tmp/rig-all.XXXXXX)}
tp=0 tf=0 ts=0 bad=()
t0=$(date +%s)
while read -r name args; do
	case "$name" in "" | \#*) continue ;; esac
	if [ -n "$ONLY" ] && ! [[ $name =~ $ONLY ]]; then continue; fi
	echo "=== $name: run.sh $args"
	# shellcheck disable=SC2086 # options are words
	set -- $args
	s=$(date +%s)
	mkdir -p "$KEEP"
	set +e
	"$here/rerun-foreign-crash.sh" ${BUILD:+--build "$BUILD"} "$@" --keep-logs "$KEEP/$name" 2>&1 | tee "$KEEP/$name.out" | sed -u 's/^/  /'
	rc=${PIPESTATUS[0]}
	set -e
	# the last summary line (a rerun prints its own after the first attempt's)
	last=$(grep -E '^[0-9]+ passed' "$KEEP/$name.out" | tail -n 1 || true)
	p=$(echo "$last" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
	f=$(echo "$last" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
	k=$(echo "$last" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
	tp=$((tp + ${p:-0})) tf=$((tf + ${f:-0})) ts=$((ts + ${k:-0}))
	if [ "$rc" != 0 ]; then
		bad+=("$name")
		[ "${f:-0}" != 0 ] || tf=$((tf + 1)) # run.sh failed without counting (e.g. rig error)
	fi
	echo "=== $name: $last ($(($(date +%s) - s))s)"
done <"$here/matrix.txt"
echo "all VM runs: $(($(date +%s) - t0))s; logs in $KEEP"
[ ${#bad[@]} = 0 ] || echo "failed runs: ${bad[*]}"
line="$tp passed, $tf failed"
[ "$ts" = 0 ] || line+=", $ts skipped"
echo "$line"
[ ${#bad[@]} = 0 ]
