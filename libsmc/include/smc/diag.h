// SPDX-License-Identifier: GPL-2.0 OR MIT
// AF_SMC sockets through NETLINK_SOCK_DIAG (uapi linux/smc_diag.h). The kernel lists the sockets
// of the caller's network namespace only and has no per-socket lookup or kernel-side filter.
//
// The kernel does not say whether a socket is IPv4 or IPv6 (diag_family is AF_SMC for both).
// Socket::family is a guess: IPv4 when both addresses have nothing beyond their first 4 bytes,
// IPv6 otherwise; an all-zero (unbound) pair counts as IPv4.
#ifndef SMC_DIAG_H
#define SMC_DIAG_H

#include "smc/result.h"
#include "smc/types.h"

#include <cstdint>
#include <vector>

namespace smc {

/// Extensions to ask for (bit masks of the request's diag_ext).
enum DiagExt : unsigned {
    kDiagConnInfo = 1U << 0, ///< SMC_DIAG_CONNINFO
    kDiagLgrInfo = 1U << 1,  ///< SMC_DIAG_LGRINFO
    kDiagDmbInfo = 1U << 3,  ///< SMC_DIAG_DMBINFO
};

/// All AF_SMC sockets of this netns. Errors: not_loaded (no SMC module), not_supported (the
/// module has no sock_diag handler: stock smc needs smc_diag), system.
Result<std::vector<Socket>> dump_sockets(unsigned ext = 0);

/// Fills Socket::users from /proc/*/fd (like ss -p). Processes whose fds we may not read are
/// missing, as with ss.
void attach_owners(std::vector<Socket>& sockets);

} // namespace smc

#endif // SMC_DIAG_H
