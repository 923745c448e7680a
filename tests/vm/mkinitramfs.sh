#!/usr/bin/env bash
# Build the VM rig's initramfs for one kernel and print its path. The image is the concatenation of
# four cached newc cpio archives (the kernel unpacks concatenated archives in order):
#   1. userland  busybox-static + applet links, iproute2 ip and tc, rdma, verbs tools (perftest, ibv_*)
#                with their libraries, the rxe verbs provider, rig-agent          (any kernel)
#   2. modules   /lib/modules/KV from kernel-prep.sh                              (per kernel)
#   3. rig       /init, /lib/rig/lib.sh, /lib/rig/bin/*, /lib/rig/scenarios/*.sh  (tests/vm)
#   4. extra     /lib/smcr/smcr.ko (+ smcr.deps), test programs and tools in /usr/local/bin,
#                the tools' shared objects (libsmc-preload.so) in /usr/local/lib, and host
#                programs a suite asked for (--host-bin) with their libraries   (per build)
# Uncompressed: the kernel unpacks it faster than it can gunzip it under TCG.
#
# Usage: mkinitramfs.sh --kernel KV [--prep DIR] [--smcr-ko PATH] [--progs DIR] [--tools DIR]
#                       [--host-bin PATH]... [--out FILE]
#   --prep DIR      output of kernel-prep.sh (default: runs it into the cache)
#   --smcr-ko PATH  our module, built for KV (optional)
#   --progs DIR     every executable file in DIR goes to /usr/local/bin (libraries too if dynamic)
#   --tools DIR     the same for the userspace tools (smcss, smcstat, smcctl, smc_run: dynamic
#                   C++); the shared objects in DIR/../lib (libsmc-preload.so) go to /usr/local/lib
#   --host-bin PATH a program of this host (e.g. /usr/bin/redis-server), copied to the same path
#                   with its libraries; repeatable. Only the suites that need one ask for it
#                   (run.sh: "# rig-host-bins:" in the scenario), so other images stay small.
#   --out FILE      also copy the image there
set -euo pipefail
# shellcheck source=lib-host.sh
. "$(dirname "$0")/lib-host.sh"

KV="" PREP="" SMCR_KO="" PROGS="" TOOLS="" OUT=""
HOST_BINS=()
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) KV=$2; shift 2 ;;
	--prep) PREP=$2; shift 2 ;;
	--smcr-ko) SMCR_KO=$2; shift 2 ;;
	--progs) PROGS=$2; shift 2 ;;
	--tools) TOOLS=$2; shift 2 ;;
	--host-bin) HOST_BINS+=("$2"); shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	*) righ_die "usage: $0 --kernel KV [--prep DIR] [--smcr-ko PATH] [--progs DIR] [--tools DIR] [--host-bin PATH]... [--out FILE]" ;;
	esac
done
[ -n "$KV" ] || righ_die "--kernel KV is required"
KV=$(righ_kernel_resolve "$KV")
if [ -z "$PREP" ]; then
	PREP=$RIG_CACHE/kernel/$KV
	"$RIGH_VMDIR/kernel-prep.sh" "$KV" "$PREP"
fi
[ -e "$PREP/.stamp" ] || righ_die "$PREP is not a kernel-prep.sh output"
[ -z "$SMCR_KO" ] || [ -f "$SMCR_KO" ] || righ_die "--smcr-ko $SMCR_KO: no such file"
[ -z "$PROGS" ] || [ -d "$PROGS" ] || righ_die "--progs $PROGS: no such directory"
[ -z "$TOOLS" ] || [ -d "$TOOLS" ] || righ_die "--tools $TOOLS: no such directory"
for b in ${HOST_BINS[@]+"${HOST_BINS[@]}"}; do
	case "$b" in /*) ;; *) righ_die "--host-bin $b: not an absolute path" ;; esac
	[ -x "$b" ] || righ_die "--host-bin $b: no such executable on this host"
done
TOOLS_LIB=""
[ -z "$TOOLS" ] || [ ! -d "$TOOLS/../lib" ] || TOOLS_LIB=$(cd "$TOOLS/../lib" && pwd)

C=$RIG_CACHE/initramfs
mkdir -p "$C"

mkcpio() { # mkcpio STAGEDIR OUT: deterministic newc archive owned by root
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$2.tmp"
	mv "$2.tmp" "$2"
}

# ---- 1. userland -----------------------------------------------------------------------------------
USER_BINS=(/bin/busybox /bin/ip /usr/bin/rdma)
OPT_BINS=(/usr/bin/ib_write_bw /usr/bin/ib_write_lat /usr/bin/ib_read_bw /usr/bin/ib_send_bw
	/usr/bin/ib_send_lat /usr/bin/ibv_devinfo /usr/bin/ibv_devices /usr/bin/ibv_rc_pingpong /sbin/tc)
RXE_PROVIDER=$(find /usr/lib/x86_64-linux-gnu/libibverbs -name 'librxe-rdmav*.so' 2>/dev/null | sort | head -n 1)
for b in "${USER_BINS[@]}"; do [ -x "$b" ] || righ_die "missing $b (run scripts/setup.sh)"; done
AGENT=$(righ_build_agent)
user_key=$( {
	sha256sum <"$0"
	echo "$AGENT"
	stat -c '%n %s %Y' "${USER_BINS[@]}" "${OPT_BINS[@]}" ${RXE_PROVIDER:+"$RXE_PROVIDER"} 2>/dev/null || true
} | sha256sum | cut -c1-16)
user_cpio=$C/userland-$user_key.cpio
if [ ! -e "$user_cpio" ]; then
	righ_lock userland
	if [ ! -e "$user_cpio" ]; then
		righ_log "initramfs: building userland"
		st=$(mktemp -d "$C/stage.XXXXXX")
		trap 'rm -rf "$st"' EXIT
		mkdir -p "$st"/{bin,sbin,lib,lib64,usr/bin,usr/sbin,usr/lib,usr/local/bin,etc,proc,sys,dev,tmp,run,var,root,mnt}
		install -m 0755 /bin/busybox "$st/bin/busybox"
		for a in $(/bin/busybox --list); do
			case "$a" in busybox | ip | tc) continue ;; esac # iproute2's ip and tc instead
			ln -s busybox "$st/bin/$a"
		done
		righ_copy_bin /bin/ip "$st"
		righ_copy_bin /usr/bin/rdma "$st"
		for b in "${OPT_BINS[@]}"; do [ ! -x "$b" ] || righ_copy_bin "$b" "$st"; done
		if [ -n "$RXE_PROVIDER" ]; then
			righ_copy_bin "$RXE_PROVIDER" "$st"
			mkdir -p "$st/etc/libibverbs.d"
			cp /etc/libibverbs.d/rxe.driver "$st/etc/libibverbs.d/"
		fi
		mkdir -p "$st/lib/rig/bin"
		install -m 0755 "$AGENT" "$st/lib/rig/bin/rig-agent"
		printf 'root:x:0:0:root:/root:/bin/sh\n' >"$st/etc/passwd"
		printf 'root:x:0:\n' >"$st/etc/group"
		printf '127.0.0.1 localhost\n198.18.0.1 rig-a\n198.18.0.2 rig-b\nfd53:4d43::1 rig-a\nfd53:4d43::2 rig-b\n' >"$st/etc/hosts"
		# An initial console for /init; without CAP_MKNOD /init mounts devtmpfs before using it.
		mknod -m 600 "$st/dev/console" c 5 1 2>/dev/null || true
		mknod -m 666 "$st/dev/null" c 1 3 2>/dev/null || true
		mkcpio "$st" "$user_cpio"
		rm -rf "$st"
		trap - EXIT
	fi
fi

# ---- 2. modules ------------------------------------------------------------------------------------
mod_cpio=$C/modules-$KV-$(cat "$PREP/.stamp").cpio
if [ ! -e "$mod_cpio" ]; then
	righ_lock "modules-$KV"
	[ -e "$mod_cpio" ] || mkcpio "$PREP/root" "$mod_cpio"
fi

# ---- 3. rig scripts --------------------------------------------------------------------------------
rig_key=$(righ_hash "$0" "$RIGH_VMDIR/guest" "$RIGH_VMDIR/scenarios")
rig_cpio=$C/rig-$rig_key.cpio
if [ ! -e "$rig_cpio" ]; then
	st=$(mktemp -d "$C/stage.XXXXXX")
	trap 'rm -rf "$st"' EXIT
	mkdir -p "$st/lib/rig/bin" "$st/lib/rig/scenarios"
	install -m 0755 "$RIGH_VMDIR/guest/init" "$st/init"
	install -m 0644 "$RIGH_VMDIR/guest/lib.sh" "$st/lib/rig/lib.sh"
	for f in "$RIGH_VMDIR"/guest/bin/*; do install -m 0755 "$f" "$st/lib/rig/bin/"; done
	for f in "$RIGH_VMDIR"/scenarios/*.sh; do [ ! -e "$f" ] || install -m 0644 "$f" "$st/lib/rig/scenarios/"; done
	mkcpio "$st" "$rig_cpio"
	rm -rf "$st"
	trap - EXIT
fi

# ---- 4. extra: our module and test programs --------------------------------------------------------
extra_key=$( {
	righ_hash "$0" "$RIGH_VMDIR/lib-host.sh" ${SMCR_KO:+"$SMCR_KO"} ${PROGS:+"$PROGS"} ${TOOLS:+"$TOOLS"} ${TOOLS_LIB:+"$TOOLS_LIB"}
	echo "$KV ${SMCR_KO:+ko} ${PROGS:+progs} ${TOOLS:+tools} ${TOOLS_LIB:+tools-lib}"
	for b in ${HOST_BINS[@]+"${HOST_BINS[@]}"}; do stat -L -c '%n %s %Y' "$b"; done
} | sha256sum | cut -c1-16)
extra_cpio=$C/extra-$KV-$extra_key.cpio
if [ ! -e "$extra_cpio" ]; then
	st=$(mktemp -d "$C/stage.XXXXXX")
	trap 'rm -rf "$st"' EXIT
	mkdir -p "$st/etc/rig"
	{
		echo "kernel=$KV"
		echo "built=$(date -u +%FT%TZ)"
	} >"$st/etc/rig/build-info"
	if [ -n "$SMCR_KO" ]; then
		vm=$(modinfo -F vermagic "$SMCR_KO" 2>/dev/null | awk '{print $1}')
		[ "$vm" = "$KV" ] || righ_die "$SMCR_KO is built for '${vm:-?}', not $KV"
		mkdir -p "$st/lib/smcr"
		cp "$SMCR_KO" "$st/lib/smcr/smcr.ko"
		# Dependencies by module name; kernel-prep.sh prepares any that the base set lacks.
		deps=$(modinfo -F depends "$SMCR_KO" | tr ',' ' ')
		missing=()
		for d in $deps; do
			[ -e "$PREP/root/lib/modules/$KV/rig/$d.deps" ] || missing+=("$d")
		done
		if [ ${#missing[@]} -gt 0 ]; then
			righ_die "smcr.ko needs modules kernel-prep.sh does not prepare: ${missing[*]} (add them to MODULES there)"
		fi
		echo "$deps" | tr ' ' '\n' | sed '/^$/d' >"$st/lib/smcr/smcr.deps"
		echo "smcr.ko=$(sha256sum "$SMCR_KO" | cut -c1-16) deps=${deps:-none}" >>"$st/etc/rig/build-info"
	fi
	for kind in progs tools; do
		dir=$PROGS
		[ "$kind" = progs ] || dir=$TOOLS
		[ -n "$dir" ] || continue
		mkdir -p "$st/usr/local/bin"
		n=0
		while IFS= read -r -d '' f; do
			righ_copy_bin "$f" "$st" "/usr/local/bin/$(basename "$f")"
			n=$((n + 1))
		done < <(find -L "$dir" -maxdepth 1 -type f -perm -u+x -print0)
		echo "$kind=$n" >>"$st/etc/rig/build-info"
	done
	if [ -n "$TOOLS_LIB" ]; then
		while IFS= read -r -d '' f; do
			righ_copy_bin "$f" "$st" "/usr/local/lib/$(basename "$f")"
		done < <(find -L "$TOOLS_LIB" -maxdepth 1 -type f -name '*.so' -print0)
	fi
	for b in ${HOST_BINS[@]+"${HOST_BINS[@]}"}; do
		righ_copy_bin "$b" "$st"
		echo "host-bin=$b" >>"$st/etc/rig/build-info"
	done
	mkcpio "$st" "$extra_cpio"
	rm -rf "$st"
	trap - EXIT
fi

# ---- image -----------------------------------------------------------------------------------------
img_key=$(stat -c '%n %s %Y' "$user_cpio" "$mod_cpio" "$rig_cpio" "$extra_cpio" | sha256sum | cut -c1-16)
img=$C/initramfs-$KV-$img_key.cpio
if [ ! -e "$img" ]; then
	cat "$user_cpio" "$mod_cpio" "$rig_cpio" "$extra_cpio" >"$img.tmp.$$"
	mv "$img.tmp.$$" "$img"
fi
# Keep the cache small: drop images and parts not used for a day.
find "$C" -maxdepth 1 -name '*.cpio' -atime +1 -delete 2>/dev/null || true
touch -a "$img" "$user_cpio" "$mod_cpio" "$rig_cpio" "$extra_cpio"
[ -z "$OUT" ] || cp "$img" "$OUT"
echo "$img"
