// SPDX-License-Identifier: GPL-2.0 OR MIT
// SMC_PNETID: the PNET table.
#include "smc/pnet.h"

#include "nl.h"

#include <cctype>
#include <linux/smc.h>

namespace smc {

namespace {
constexpr std::size_t kPnetIdMax = 16;

std::string not_na(const std::string& s) {
    return s == "n/a" ? std::string() : s;
}
} // namespace

Result<std::string> normalize_pnetid(const std::string& pnetid) {
    std::string u;
    for (char c : pnetid) {
        if (!std::isalnum(static_cast<unsigned char>(c))) {
            return Error::make(Errc::invalid, "invalid PNET ID '" + pnetid +
                                                  "': only letters and digits are allowed");
        }
        u += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (u.empty() || u.size() > kPnetIdMax) {
        return Error::make(Errc::invalid, "invalid PNET ID '" + pnetid + "': it must have 1 to " +
                                              std::to_string(kPnetIdMax) + " characters");
    }
    return u;
}

PnetTable::PnetTable(std::unique_ptr<NlSocket> sock, int family)
    : sock_(std::move(sock)), family_(family) {}
PnetTable::PnetTable(PnetTable&&) noexcept = default;
PnetTable& PnetTable::operator=(PnetTable&&) noexcept = default;
PnetTable::~PnetTable() = default;

Result<PnetTable> PnetTable::open() {
    auto sock = NlSocket::connect(NETLINK_GENERIC);
    if (!sock) {
        return sock.error();
    }
    auto family = (*sock)->resolve_family(SMCR_GENL_FAMILY_NAME);
    if (!family) {
        return missing_family_error(SMCR_GENL_FAMILY_NAME);
    }
    return PnetTable(std::move(*sock), *family);
}

Result<std::vector<PnetEntry>> PnetTable::list(const std::string& pnetid) {
    std::string want;
    if (!pnetid.empty()) {
        auto n = normalize_pnetid(pnetid);
        if (!n) {
            return n.error();
        }
        want = *n;
    }
    NlMsgPtr msg = genl_request(family_, SMCR_GENL_FAMILY_VERSION, SMC_PNETID_GET, NLM_F_DUMP);
    if (!msg) {
        return Error::make(Errc::system, "out of memory", ENOMEM);
    }
    std::vector<PnetEntry> out;
    NlStatus st = sock_->transact(msg.get(), [&](nlmsghdr* nlh) {
        const Attrs a = Attrs::of_genl(nlh);
        PnetEntry e;
        e.pnetid = a.str(SMC_PNETID_NAME).value_or("");
        e.ethname = not_na(a.str(SMC_PNETID_ETHNAME).value_or(""));
        e.ibname = not_na(a.str(SMC_PNETID_IBNAME).value_or(""));
        e.ibport = a.u8(SMC_PNETID_IBPORT).value_or(0);
        if (want.empty() || e.pnetid == want) {
            out.push_back(e);
        }
    });
    if (st.err != 0) {
        return Error::from_errno(st.err, "reading the PNET table", st.ext_msg);
    }
    return out;
}

Status PnetTable::add(const PnetEntry& entry) {
    auto id = normalize_pnetid(entry.pnetid);
    if (!id) {
        return id.error();
    }
    if (entry.ethname.empty() && entry.ibname.empty()) {
        return Error::make(Errc::invalid,
                           "a PNET entry needs an interface, an RDMA device, or both");
    }
    NlMsgPtr msg = genl_request(family_, SMCR_GENL_FAMILY_VERSION, SMC_PNETID_ADD, 0);
    if (!msg || nla_put_string(msg.get(), SMC_PNETID_NAME, id->c_str()) < 0 ||
        (!entry.ethname.empty() &&
         nla_put_string(msg.get(), SMC_PNETID_ETHNAME, entry.ethname.c_str()) < 0) ||
        (!entry.ibname.empty() &&
         (nla_put_string(msg.get(), SMC_PNETID_IBNAME, entry.ibname.c_str()) < 0 ||
          nla_put_u8(msg.get(), SMC_PNETID_IBPORT, entry.ibport ? entry.ibport : 1) < 0))) {
        return Error::make(Errc::system, "out of memory", ENOMEM);
    }
    NlStatus st = sock_->transact(msg.get(), [](nlmsghdr*) {});
    std::string what;
    if (!entry.ethname.empty()) {
        what = "interface " + entry.ethname;
    }
    if (!entry.ibname.empty()) {
        what += (what.empty() ? "" : " and ") + std::string("RDMA device ") + entry.ibname +
                " port " + std::to_string(entry.ibport ? entry.ibport : 1);
    }
    switch (st.err) {
    case 0:
        return ok();
    case EEXIST:
        return Error::make(Errc::exists, "the PNET table already has an entry for " + what, EEXIST);
    case ENODEV:
    case ENOENT:
    case EINVAL:
        return Error::make(Errc::invalid,
                           "the kernel rejected the PNET entry: is there an " + what +
                               " in this network namespace?" +
                               (st.ext_msg.empty() ? "" : " (" + st.ext_msg + ")"),
                           st.err);
    default:
        return Error::from_errno(st.err, "changing the PNET table", st.ext_msg);
    }
}

Status PnetTable::del(const std::string& pnetid) {
    auto id = normalize_pnetid(pnetid);
    if (!id) {
        return id.error();
    }
    NlMsgPtr msg = genl_request(family_, SMCR_GENL_FAMILY_VERSION, SMC_PNETID_DEL, 0);
    if (!msg || nla_put_string(msg.get(), SMC_PNETID_NAME, id->c_str()) < 0) {
        return Error::make(Errc::system, "out of memory", ENOMEM);
    }
    NlStatus st = sock_->transact(msg.get(), [](nlmsghdr*) {});
    if (st.err == ENOENT) {
        return Error::make(Errc::not_found, "PNET ID " + *id + " is not in the table", ENOENT);
    }
    if (st.err != 0) {
        return Error::from_errno(st.err, "changing the PNET table", st.ext_msg);
    }
    return ok();
}

Status PnetTable::flush() {
    NlMsgPtr msg = genl_request(family_, SMCR_GENL_FAMILY_VERSION, SMC_PNETID_FLUSH, 0);
    if (!msg) {
        return Error::make(Errc::system, "out of memory", ENOMEM);
    }
    NlStatus st = sock_->transact(msg.get(), [](nlmsghdr*) {});
    if (st.err != 0) {
        return Error::from_errno(st.err, "changing the PNET table", st.ext_msg);
    }
    return ok();
}

} // namespace smc
