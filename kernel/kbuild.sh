#!/bin/sh
# Build smcr.ko for one kernel in a private copy of kernel/ (Kbuild writes objects beside sources).
# Usage: kbuild.sh KDIR WORKDIR OUT.ko
set -eu
kdir=$1 work=$2 out=$3
src=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
# Copy only what changed, stamped now: a source edited while an earlier build ran must not look
# older than the object built from its previous content (cp -a kept the source's time stamp).
(cd "$src" && find . -type f ! -name '*.o' ! -name '*.ko' ! -name '.*.cmd' -print) |
while IFS= read -r f; do
	if ! cmp -s "$src/$f" "$work/$f"; then
		mkdir -p "$work/$(dirname "$f")"
		cp "$src/$f" "$work/$f"
	fi
done
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
