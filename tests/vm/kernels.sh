#!/usr/bin/env bash
# Print the kernel versions the VM rig can boot (those with /boot/vmlinuz-KV and /lib/modules/KV):
#   KV61=6.1.0-N-amd64            Debian 12 default kernel (linux-image-amd64)
#   KV612=6.12.X+deb12-amd64      Debian 12 bookworm-security 6.12
# Usage: kernels.sh          -> both lines (empty value when absent), eval-able
#        kernels.sh 6.1|6.12 -> just that version (exit 1 when absent)
set -euo pipefail

newest() { # newest() GLOB-SUFFIX-REGEX: newest KV whose vmlinuz and modules exist
	local re=$1 f kv
	for f in /boot/vmlinuz-*; do
		[ -e "$f" ] || continue
		kv=${f#/boot/vmlinuz-}
		if [[ $kv =~ $re ]] && [ -d "/lib/modules/$kv/kernel" ]; then echo "$kv"; fi
	done | sort -V | tail -n 1
}
kv61=$(newest '^6\.1\.[0-9]+-[0-9]+-amd64$')
kv612=$(newest '^6\.12\.[0-9]+\+deb12-amd64$')

case "${1:-}" in
"") echo "KV61=$kv61"; echo "KV612=$kv612" ;;
6.1 | 61) [ -n "$kv61" ] && echo "$kv61" ;;
6.12 | 612) [ -n "$kv612" ] && echo "$kv612" ;;
*) echo "usage: $0 [6.1|6.12]" >&2; exit 2 ;;
esac
