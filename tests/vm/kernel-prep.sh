#!/usr/bin/env bash
# Prepare a kernel for the VM rig: the uncompressed vmlinux (qemu boots the ELF directly via PVH,
# ~3 s instead of ~6 s for the bzImage under TCG) and the modules the rig needs, decompressed, with
# per-module load-order lists. Idempotent and cached.
#
# Usage: kernel-prep.sh KV [OUTDIR] [EXTRA_MODULE...]
#   KV      kernel version with /boot/vmlinuz-KV and /lib/modules/KV (aliases: 6.1, 6.12)
#   OUTDIR  default: $RIG_CACHE/kernel/KV   ($RIG_CACHE defaults to <repo>/.vm-cache)
#   EXTRA_MODULE / $RIG_EXTRA_MODULES: more modules (with dependencies) beyond the base set
# Output:
#   OUTDIR/vmlinux                               uncompressed ELF kernel
#   OUTDIR/root/lib/modules/KV/kernel/...ko      modules (plain .ko, also on 6.12 where Debian ships .ko.xz)
#   OUTDIR/root/lib/modules/KV/rig/NAME.deps     load order for NAME: one path per line, relative to
#                                                /lib/modules/KV, dependencies first; empty = built in
#   OUTDIR/modules.txt                           the module names prepared
set -euo pipefail
# shellcheck source=lib-host.sh
. "$(dirname "$0")/lib-host.sh"

[ $# -ge 1 ] || righ_die "usage: $0 KV [OUTDIR] [EXTRA_MODULE...]"
KV=$(righ_kernel_resolve "$1")
OUT=${2:-$RIG_CACHE/kernel/$KV}
shift $(($# >= 2 ? 2 : 1))

# Base set: virtio NIC, Soft-RoCE (+ crc32_generic: rxe asks the crypto API for "crc32"), verbs
# userspace (perftest, ibv_*), stock SMC for interop, diag modules for sock_diag users; for the
# tcp2smc suite rds_tcp (an in-kernel TCP user: kernel sockets stay TCP) and tls (kTLS's TCP_ULP).
read -ra EXTRA <<<"${RIG_EXTRA_MODULES:-}"
MODULES=(virtio_pci virtio_net ib_core ib_uverbs rdma_rxe crc32_generic smc smc_diag inet_diag tcp_diag
	udp_diag rdma_ucm rds_tcp tls sch_netem "$@" ${EXTRA[@]+"${EXTRA[@]}"})

stamp=$( {
	stat -c '%n %s %Y' "/boot/vmlinuz-$KV" "/lib/modules/$KV/modules.dep"
	sha256sum <"$0"
	printf '%s\n' "${MODULES[@]}"
} | sha256sum | cut -c1-16)
if [ -e "$OUT/.stamp" ] && [ "$(cat "$OUT/.stamp")" = "$stamp" ]; then
	righ_log "kernel $KV: cached in $OUT"
	exit 0
fi
righ_lock "kernel-$KV"
if [ -e "$OUT/.stamp" ] && [ "$(cat "$OUT/.stamp")" = "$stamp" ]; then exit 0; fi

righ_log "kernel $KV: preparing in $OUT"
tmp="$OUT.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp/root/lib/modules/$KV/rig"
trap 'rm -rf "$tmp"' EXIT

# vmlinux: the bzImage carries the compressed ELF as its payload (setup header fields payload_offset
# at 0x248 and payload_length at 0x24c, relative to the protected-mode code after the setup sectors).
# Debian 6.1 compresses it with xz, 6.12 with zstd.
vmlinuz=/boot/vmlinuz-$KV
u8() { od -An -tu1 -j "$1" -N1 "$vmlinuz" | tr -d ' '; }
u32() { od -An -tu4 -j "$1" -N4 "$vmlinuz" | tr -d ' '; }
setup_sects=$(u8 $((0x1f1)))
[ "$setup_sects" != 0 ] || setup_sects=4
poff=$(( (setup_sects + 1) * 512 + $(u32 $((0x248))) ))
plen=$(u32 $((0x24c)))
magic=$(od -An -tx1 -j "$poff" -N4 "$vmlinuz" | tr -d ' ')
case "$magic" in
fd377a58) dec=(xz -dc --single-stream) ;;
28b52ffd) dec=(zstd -qdc) ;;
1f8b08*) dec=(gzip -dc) ;;
*) righ_die "$vmlinuz: unknown payload compression (magic $magic at $poff)" ;;
esac
# The payload ends with the 4-byte uncompressed size, which zstd reports as trailing garbage: ignore the
# decompressor's status and check instead that the ELF is complete (section headers inside the file).
tail -c +$((poff + 1)) "$vmlinuz" | head -c "$plen" | "${dec[@]}" >"$tmp/vmlinux" 2>/dev/null || true
elf_ok() {
	local f=$1 shoff shentsize shnum size
	[ "$(od -An -tx1 -N4 "$f" | tr -d ' ')" = 7f454c46 ] || return 1
	shoff=$(od -An -tu8 -j 40 -N8 "$f" | tr -d ' ')
	shentsize=$(od -An -tu2 -j 58 -N2 "$f" | tr -d ' ')
	shnum=$(od -An -tu2 -j 60 -N2 "$f" | tr -d ' ')
	size=$(stat -c %s "$f")
	[ $((shoff + shentsize * shnum)) -le "$size" ] && [ "$size" -gt 1000000 ]
}
elf_ok "$tmp/vmlinux" || righ_die "$vmlinuz: could not extract an uncompressed vmlinux (${dec[0]})"

# Modules in load order. `modprobe --show-depends` prints "insmod PATH [ARGS]" or "builtin NAME".
mdir=/lib/modules/$KV
for m in "${MODULES[@]}"; do
	deps=$(modprobe --show-depends -S "$KV" "$m") || righ_die "$KV: module $m not found"
	: >"$tmp/root$mdir/rig/$m.deps"
	while read -r kind path _; do
		[ "$kind" = insmod ] || continue
		rel=${path#"$mdir"/}
		case "$rel" in *.ko.xz) rel=${rel%.xz} ;; *.ko.zst) rel=${rel%.zst} ;; *.ko.gz) rel=${rel%.gz} ;; esac
		dst="$tmp/root$mdir/$rel"
		if [ ! -e "$dst" ]; then
			mkdir -p "$(dirname "$dst")"
			case "$path" in
			*.xz) xz -dc "$path" >"$dst" ;;
			*.zst) zstd -qdc "$path" >"$dst" ;;
			*.gz) gzip -dc "$path" >"$dst" ;;
			*) cp "$path" "$dst" ;;
			esac
		fi
		echo "$rel" >>"$tmp/root$mdir/rig/$m.deps"
	done <<<"$deps"
done
printf '%s\n' "${MODULES[@]}" >"$tmp/modules.txt"
echo "$stamp" >"$tmp/.stamp"

rm -rf "$OUT"
mkdir -p "$(dirname "$OUT")"
mv "$tmp" "$OUT"
trap - EXIT
righ_log "kernel $KV: ready ($(du -sh "$OUT" | cut -f1))"
