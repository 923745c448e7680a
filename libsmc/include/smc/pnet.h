// SPDX-License-Identifier: GPL-2.0 OR MIT
// The generic netlink family SMC_PNETID (uapi linux/smc.h): the per-netns PNET table that tells
// SMC which RDMA device port belongs to which netdev. Reading is unprivileged, changes need
// CAP_NET_ADMIN.
#ifndef SMC_PNET_H
#define SMC_PNET_H

#include "smc/result.h"
#include "smc/types.h"

#include <memory>
#include <string>
#include <vector>

namespace smc {

class NlSocket;

class PnetTable {
  public:
    static Result<PnetTable> open();

    PnetTable(PnetTable&&) noexcept;
    PnetTable& operator=(PnetTable&&) noexcept;
    PnetTable(const PnetTable&) = delete;
    PnetTable& operator=(const PnetTable&) = delete;
    ~PnetTable();

    /// All entries, or those of one PNET ID.
    Result<std::vector<PnetEntry>> list(const std::string& pnetid = {});
    /// Adds the netdev and/or the RDMA device port of @entry under entry.pnetid (one request;
    /// the kernel adds both when both are given). ibport 0 means port 1.
    Status add(const PnetEntry& entry);
    /// Removes every entry of @pnetid.
    Status del(const std::string& pnetid);
    Status flush();

  private:
    PnetTable(std::unique_ptr<NlSocket> sock, int family);
    std::unique_ptr<NlSocket> sock_;
    int family_ = 0;
};

/// A PNET ID is 1..16 letters or digits; returns it upper-cased, or invalid.
Result<std::string> normalize_pnetid(const std::string& pnetid);

} // namespace smc

#endif // SMC_PNET_H
