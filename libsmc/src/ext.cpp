// SPDX-License-Identifier: GPL-2.0 OR MIT
// SMCR_EXT: the smcr module's extension family.
#include "smc/ext.h"

#include "nl.h"
#include "smc/system.h"
#include "smcr_ext.h"

namespace smc {

namespace {

Error family_missing() {
    const Provider p = probe_provider();
    if (!p.af_smc) {
        return Error::make(Errc::not_loaded, "no SMC module loaded (AF_SMC family not registered)");
    }
    return Error::make(Errc::not_supported,
                       "not supported by this module: " + provider_description(p) + " has no " +
                           SMCR_EXT_FAMILY_NAME +
                           " generic netlink family (only the smcr module has it)");
}

Error command_error(const NlStatus& st, const std::string& what) {
    if (st.err == EOPNOTSUPP) {
        return Error::make(Errc::not_supported,
                           "not supported by this module: its " +
                               std::string(SMCR_EXT_FAMILY_NAME) + " family cannot do " + what,
                           st.err);
    }
    return Error::from_errno(st.err, what, st.ext_msg);
}

} // namespace

SmcrExt::SmcrExt(std::unique_ptr<NlSocket> sock, int family)
    : sock_(std::move(sock)), family_(family) {}
SmcrExt::SmcrExt(SmcrExt&&) noexcept = default;
SmcrExt& SmcrExt::operator=(SmcrExt&&) noexcept = default;
SmcrExt::~SmcrExt() = default;

Result<SmcrExt> SmcrExt::open() {
    auto sock = NlSocket::connect(NETLINK_GENERIC);
    if (!sock) {
        return sock.error();
    }
    auto family = (*sock)->resolve_family(SMCR_EXT_FAMILY_NAME);
    if (!family) {
        return family_missing();
    }
    return SmcrExt(std::move(*sock), *family);
}

Status SmcrExt::reset_stats() {
    NlMsgPtr msg = genl_request(family_, SMCR_EXT_FAMILY_VERSION, SMCR_EXT_CMD_RESET_STATS, 0);
    if (!msg) {
        return Error::make(Errc::system, "out of memory", ENOMEM);
    }
    NlStatus st = sock_->transact(msg.get(), [](nlmsghdr*) {});
    if (st.err != 0) {
        return command_error(st, "resetting the SMC statistics");
    }
    return ok();
}

Result<ExtInfo> SmcrExt::info() {
    NlMsgPtr msg =
        genl_request(family_, SMCR_EXT_FAMILY_VERSION, SMCR_EXT_CMD_GET_INFO, NLM_F_DUMP);
    if (!msg) {
        return Error::make(Errc::system, "out of memory", ENOMEM);
    }
    ExtInfo info;
    NlStatus st = sock_->transact(msg.get(), [&](nlmsghdr* nlh) {
        const Attrs a = Attrs::of_genl(nlh);
        info.version = a.str(SMCR_EXT_A_VERSION).value_or("");
        info.sockets = a.u32(SMCR_EXT_A_SOCKS).value_or(0);
        const uint32_t f = a.u32(SMCR_EXT_A_FEATURES).value_or(0);
        info.smcr_data = (f & SMCR_EXT_F_SMCR_DATA) != 0;
        info.smcr_v2 = (f & SMCR_EXT_F_SMCR_V2) != 0;
    });
    if (st.err != 0) {
        return command_error(st, "reading the smcr module info");
    }
    return info;
}

Result<MibCounters> SmcrExt::mib() {
    NlMsgPtr msg = genl_request(family_, SMCR_EXT_FAMILY_VERSION, SMCR_EXT_CMD_GET_MIB, NLM_F_DUMP);
    if (!msg) {
        return Error::make(Errc::system, "out of memory", ENOMEM);
    }
    MibCounters out;
    NlStatus st = sock_->transact(msg.get(), [&](nlmsghdr* nlh) {
        nlattr* table = Attrs::of_genl(nlh).get(SMCR_EXT_A_MIB);
        if (!table) {
            return;
        }
        nlattr* entry = nullptr;
        int rem = 0;
        nla_for_each_nested(entry, table, rem) {
            const Attrs e(static_cast<nlattr*>(nla_data(entry)), nla_len(entry));
            if (auto name = e.str(SMCR_EXT_A_MIB_NAME)) {
                out.emplace_back(*name, e.u64(SMCR_EXT_A_MIB_VALUE).value_or(0));
            }
        }
    });
    if (st.err != 0) {
        return command_error(st, "reading the smcr counters");
    }
    return out;
}

} // namespace smc
