#!/bin/sh
# Build smcr.ko for one kernel in a private copy of kernel/ (Kbuild writes objects beside sources).
# Usage: kbuild.sh KDIR WORKDIR OUT.ko
set -eu
kdir=$1 work=$2 out=$3
src=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
cp -a "$src/." "$work/"
rm -f "$work/CMakeLists.txt" "$work/kbuild.sh"
if ! make -C "$kdir" M="$work" modules >"$work/build.log" 2>&1; then
	cat "$work/build.log" >&2
	exit 1
fi
if grep -E "\.[ch]:[0-9]+:[0-9]+: warning:" "$work/build.log" >&2; then
	echo "kbuild: warnings are errors" >&2
	exit 1
fi
cp "$work/smcr.ko" "$out"
