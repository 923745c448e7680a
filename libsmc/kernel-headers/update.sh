#!/usr/bin/env bash
# Refresh the uapi copies in libsmc/kernel-headers/linux/ from an installed linux-headers tree, the
# way `make headers_install` would (the _UAPI guard prefix is dropped). libsmc builds against these
# copies, not /usr/include, so it knows attributes newer than the build host's linux-libc-dev.
# Commit a refresh on its own (rdma-core's kernel-headers rule).
#
# Usage: libsmc/kernel-headers/update.sh [/usr/src/linux-headers-VERSION-common]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=${1:-$(ls -d /usr/src/linux-headers-*-common 2>/dev/null | sort -V | tail -n 1)}
[ -d "$src/include/uapi/linux" ] || { echo "update.sh: no uapi headers under '$src'" >&2; exit 1; }
for h in smc.h smc_diag.h; do
	sed -e 's/_UAPI_\(LINUX_SMC_H_\|SMC_DIAG_H_\|LINUX_SMC_H\|SMC_DIAG_H\)/_\1/g' \
		"$src/include/uapi/linux/$h" >"$here/linux/$h"
done
echo "update.sh: copied smc.h smc_diag.h from $src"
