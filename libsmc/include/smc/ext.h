// SPDX-License-Identifier: GPL-2.0 OR MIT
// The smcr module's extension generic netlink family "SMCR_EXT" (its ABI: kernel/uapi/smcr_ext.h).
// Stock Linux has no such family; every call then fails with not_supported and a message saying
// so.
#ifndef SMC_EXT_H
#define SMC_EXT_H

#include "smc/mib.h"
#include "smc/result.h"

#include <cstdint>
#include <memory>
#include <string>

namespace smc {

class NlSocket;

/// SMCR_EXT_CMD_GET_INFO.
struct ExtInfo {
    std::string version;    ///< module version
    uint32_t sockets = 0;   ///< AF_SMC sockets open in this netns
    bool smcr_data = false; ///< the module moves data over SMC-R (else it always falls back)
    bool smcr_v2 = false;   ///< the module proposes / accepts SMC-Rv2
};

class SmcrExt {
  public:
    /// not_supported when the family is absent (e.g. Debian's stock smc module).
    static Result<SmcrExt> open();

    SmcrExt(SmcrExt&&) noexcept;
    SmcrExt& operator=(SmcrExt&&) noexcept;
    SmcrExt(const SmcrExt&) = delete;
    SmcrExt& operator=(const SmcrExt&) = delete;
    ~SmcrExt();

    /// Zero this netns's statistics (GET_STATS, GET_FBACK_STATS, /proc/net/smcr_stat).
    Status reset_stats();
    Result<ExtInfo> info();
    /// The same counters as /proc/net/smcr_stat, over netlink.
    Result<MibCounters> mib();

  private:
    SmcrExt(std::unique_ptr<NlSocket> sock, int family);
    std::unique_ptr<NlSocket> sock_;
    int family_ = 0;
};

} // namespace smc

#endif // SMC_EXT_H
