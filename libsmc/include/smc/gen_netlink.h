// SPDX-License-Identifier: GPL-2.0 OR MIT
// The generic netlink family SMC_GEN_NETLINK (uapi linux/smc.h): system info, link groups, links,
// devices, statistics, UEID/SEID tables and the handshake limitation. Dumps are unprivileged;
// changes need CAP_NET_ADMIN. Everything except the UEID table is per network namespace.
#ifndef SMC_GEN_NETLINK_H
#define SMC_GEN_NETLINK_H

#include "smc/result.h"
#include "smc/types.h"

#include <memory>
#include <string>
#include <vector>

namespace smc {

class NlSocket;

class SmcNetlink {
  public:
    /// Connects and resolves the family. Errors: not_loaded (no SMC module), not_supported (an
    /// AF_SMC module without this family), system.
    static Result<SmcNetlink> open();

    SmcNetlink(SmcNetlink&&) noexcept;
    SmcNetlink& operator=(SmcNetlink&&) noexcept;
    SmcNetlink(const SmcNetlink&) = delete;
    SmcNetlink& operator=(const SmcNetlink&) = delete;
    ~SmcNetlink();

    Result<SysInfo> sys_info();
    Result<std::vector<LinkGroup>> link_groups();
    Result<std::vector<Link>> links();
    Result<std::vector<Device>> devices_smcr();
    Result<std::vector<Device>> devices_smcd();
    Result<Stats> stats();
    Result<FallbackStats> fallback_stats();

    Result<std::vector<std::string>> ueids();
    Status ueid_add(const std::string& ueid);
    Status ueid_del(const std::string& ueid);
    Status ueid_flush();

    Result<SeidInfo> seid();
    Status seid_enable();
    Status seid_disable();

    Result<bool> hs_limitation();
    Status hs_limitation_set(bool enabled);

  private:
    SmcNetlink(std::unique_ptr<NlSocket> sock, int family);
    std::unique_ptr<NlSocket> sock_;
    int family_ = 0;
};

/// Checks a user EID the way the kernel does (≤ 32 characters of A-Z 0-9 . -, starting with a
/// letter or digit, no ".."), after upper-casing it. Returns the normalised EID or invalid.
Result<std::string> normalize_ueid(const std::string& ueid);

} // namespace smc

#endif // SMC_GEN_NETLINK_H
