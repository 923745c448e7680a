# shellcheck shell=bash
# Host-side helpers shared by the VM rig scripts (kernel-prep.sh, mkinitramfs.sh, run.sh).
# Sourced, not executed. Everything is prefixed righ_ (rig host) / RIGH_.
#
# Environment:
#   RIG_CACHE   cache directory (default: <repo>/.vm-cache, git-ignored)
#   CC          C compiler for the static guest helper (default: cc)

RIGH_VMDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RIGH_REPO=$(cd "$RIGH_VMDIR/../.." && pwd)
RIG_CACHE=${RIG_CACHE:-$RIGH_REPO/.vm-cache}

righ_die() {
	echo "rig: error: $*" >&2
	exit 1
}

righ_log() {
	if [ "${RIG_VERBOSE:-0}" != 0 ]; then echo "rig: $*" >&2; fi
	return 0
}

# righ_lock NAME: take an exclusive lock (held until the calling script exits) so that parallel
# ctest runs do not build the same cache entry twice. Uses fd 9.
righ_lock() {
	mkdir -p "$RIG_CACHE"
	exec 9>"$RIG_CACHE/.lock-$1"
	flock 9
}

# righ_hash FILE|DIR...: stable sha256 over names and contents (directories recursively).
righ_hash() {
	local p
	for p in "$@"; do
		if [ -d "$p" ]; then
			(cd "$p" && find -L . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)
		elif [ -e "$p" ]; then
			echo "${p##*/} $(sha256sum <"$p")"
		else
			echo "absent $p"
		fi
	done | sha256sum | cut -c1-16
}

# righ_kernel_resolve NAME: accept a full KV (6.1.0-56-amd64), or the aliases 6.1 / 6.12.
righ_kernel_resolve() {
	local kv=$1
	case "$kv" in
	6.1 | 61) kv=$("$RIGH_VMDIR/kernels.sh" 6.1) ;;
	6.12 | 612) kv=$("$RIGH_VMDIR/kernels.sh" 6.12) ;;
	esac
	[ -n "$kv" ] || righ_die "kernel '$1' not found in /boot"
	[ -e "/boot/vmlinuz-$kv" ] || righ_die "no /boot/vmlinuz-$kv"
	echo "$kv"
}

# righ_copy_bin SRC STAGE [DEST]: copy an executable (or shared object) into the staging root at DEST
# (default: same path as on the host) plus, if it is dynamic, every library ldd lists and the loader.
righ_copy_bin() {
	local src=$1 stage=$2 dest=${3:-$1} lib
	install -D -m 0755 "$src" "$stage$dest"
	# `ldd` prints "not a dynamic executable" (and fails) for static files: nothing more to copy.
	{ ldd "$src" 2>/dev/null || true; } | awk '/=> \// {print $3} /^[ \t]*\/[^ ]+ \(/ {print $1}' | while read -r lib; do
		[ -e "$stage$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$stage$lib"
	done
}

# righ_build_agent: compile tests/vm/agent/rig-agent.c statically into the cache; prints its path.
righ_build_agent() {
	local src="$RIGH_VMDIR/agent/rig-agent.c" h out
	h=$(righ_hash "$src")
	out="$RIG_CACHE/agent/rig-agent-$h"
	if [ ! -x "$out" ]; then
		mkdir -p "$RIG_CACHE/agent"
		"${CC:-cc}" -std=gnu11 -static -O2 -Wall -Wextra -Werror -o "$out.tmp" "$src" ||
			righ_die "cannot build $src"
		mv "$out.tmp" "$out"
	fi
	echo "$out"
}
