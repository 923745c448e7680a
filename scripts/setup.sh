#!/usr/bin/env bash
# Install every Debian package smcr needs to build, test and demo. Safe to run twice.
# Usage: scripts/setup.sh            (needs root or sudo)
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "setup: run as root or install sudo" >&2; exit 1; }
	SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive

stamp=/var/lib/apt/periodic/smcr-update-stamp
if [ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +720 2>/dev/null)" ]; then
	$SUDO apt-get update -q
	$SUDO mkdir -p "$(dirname "$stamp")" && $SUDO touch "$stamp"
fi

# Debian 12 ships 6.12 in bookworm-security without a metapackage: take the newest point release
# for which both the image and the headers are in the archive.
pick_612() {
	apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
		awk '{print $1}' | sed 's/^linux-headers-//' | sort -V -r |
		while read -r kv; do
			if apt-cache show "linux-image-$kv" >/dev/null 2>&1; then echo "$kv"; break; fi
		done
}
KV612=${SMCR_KV612:-$(pick_612)}
[ -n "$KV612" ] || { echo "setup: no Debian 6.12 kernel found in apt (bookworm-security)" >&2; exit 1; }

pkgs=(
	# build
	build-essential cmake ninja-build pkg-config git xz-utils zstd cpio kmod bc flex bison
	clang llvm lld libclang-rt-14-dev clang-format clang-tidy
	libgtest-dev libgmock-dev
	libnl-3-dev libnl-genl-3-dev libnl-route-3-dev libbpf-dev bpftool libelf-dev zlib1g-dev
	libcli11-dev nlohmann-json3-dev
	# kernels: Debian's default 6.1 and bookworm-security 6.12 (headers + image)
	linux-headers-amd64 linux-image-amd64
	"linux-headers-$KV612" "linux-image-$KV612"
	# VM rig
	qemu-system-x86 busybox-static iproute2 rdma-core ibverbs-utils libibverbs-dev librdmacm-dev
	perftest procps python3
	# real programs run under smc_run in the VMs (copied into the guests; the preload suite)
	redis-server redis-tools
	# benchmarks (tests/bench, scripts/bench.sh): nginx + wrk (+ wget, body check) in the VMs, plots
	nginx-light wrk wget gnuplot-nox
)
$SUDO apt-get install -y -q --no-install-recommends "${pkgs[@]}"
# The redis-server and nginx packages enable and start system services; we only need their
# binaries.
for svc in redis-server nginx; do
	if [ -d /run/systemd/system ]; then
		$SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || true
	elif command -v systemctl >/dev/null; then
		$SUDO systemctl disable "$svc" >/dev/null 2>&1 || true # no systemd running: links only
	fi
	if command -v service >/dev/null && [ ! -d /run/systemd/system ]; then
		$SUDO service "$svc" stop >/dev/null 2>&1 || true
	fi
done
echo "setup: ok (6.12 kernel: $KV612)"
