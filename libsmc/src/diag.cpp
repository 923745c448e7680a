// SPDX-License-Identifier: GPL-2.0 OR MIT
// AF_SMC sockets through NETLINK_SOCK_DIAG.
#include "smc/diag.h"

#include "nl.h"
#include "smc/names.h"
#include "smc/system.h"

#include <algorithm>
#include <cstring>
#include <linux/inet_diag.h>
#include <linux/smc_diag.h>
#include <linux/sock_diag.h>
#include <sys/socket.h>

#ifndef AF_SMC
#define AF_SMC 43
#endif

namespace smc {

namespace {

DiagCursor cursor(const smc_diag_cursor& c) {
    return DiagCursor{c.wrap, c.count};
}

std::string fixed_string(const uint8_t* p, std::size_t n) {
    return trim_right(std::string(reinterpret_cast<const char*>(p),
                                  strnlen(reinterpret_cast<const char*>(p), n)));
}

bool words_beyond_first_zero(const std::array<uint8_t, 16>& a) {
    return std::all_of(a.begin() + 4, a.end(), [](uint8_t b) { return b == 0; });
}

Socket decode(nlmsghdr* nlh) {
    Socket s;
    const auto* m = static_cast<const smc_diag_msg*>(nlmsg_data(nlh));
    s.state = m->diag_state;
    s.mode = static_cast<SockMode>(m->diag_mode);
    s.shutdown = m->diag_shutdown;
    std::memcpy(s.src.data(), m->id.idiag_src, s.src.size());
    std::memcpy(s.dst.data(), m->id.idiag_dst, s.dst.size());
    s.sport = ntohs(m->id.idiag_sport);
    s.dport = ntohs(m->id.idiag_dport);
    s.ifindex = m->id.idiag_if;
    s.cookie = static_cast<uint64_t>(m->id.idiag_cookie[0]) |
               (static_cast<uint64_t>(m->id.idiag_cookie[1]) << 32);
    s.uid = m->diag_uid;
    s.inode = m->diag_inode;
    s.family =
        words_beyond_first_zero(s.src) && words_beyond_first_zero(s.dst) ? AF_INET : AF_INET6;

    const Attrs a = Attrs::of_msg(nlh, sizeof(smc_diag_msg));
    if (auto sh = a.u8(SMC_DIAG_SHUTDOWN)) {
        s.shutdown = *sh;
    }
    if (const auto* fb = static_cast<const smc_diag_fallback*>(
            a.data(SMC_DIAG_FALLBACK, sizeof(smc_diag_fallback)))) {
        s.fallback_reason = fb->reason;
        s.peer_diagnosis = fb->peer_diagnosis;
    }
    if (const auto* c = static_cast<const smc_diag_conninfo*>(
            a.data(SMC_DIAG_CONNINFO, sizeof(smc_diag_conninfo)))) {
        ConnInfo ci;
        ci.token = c->token;
        ci.sndbuf_size = c->sndbuf_size;
        ci.rmbe_size = c->rmbe_size;
        ci.peer_rmbe_size = c->peer_rmbe_size;
        ci.rx_prod = cursor(c->rx_prod);
        ci.rx_cons = cursor(c->rx_cons);
        ci.tx_prod = cursor(c->tx_prod);
        ci.tx_cons = cursor(c->tx_cons);
        ci.rx_prod_flags = c->rx_prod_flags;
        ci.rx_conn_state_flags = c->rx_conn_state_flags;
        ci.tx_prod_flags = c->tx_prod_flags;
        ci.tx_conn_state_flags = c->tx_conn_state_flags;
        ci.tx_prep = cursor(c->tx_prep);
        ci.tx_sent = cursor(c->tx_sent);
        ci.tx_fin = cursor(c->tx_fin);
        s.conn = ci;
    }
    if (const auto* l = static_cast<const smc_diag_lgrinfo*>(
            a.data(SMC_DIAG_LGRINFO, sizeof(smc_diag_lgrinfo)))) {
        LgrInfo li;
        li.role = l->role;
        li.link_id = l->lnk[0].link_id;
        li.ib_name = fixed_string(l->lnk[0].ibname, sizeof(l->lnk[0].ibname));
        li.ib_port = l->lnk[0].ibport;
        li.gid = gid_from_kernel(fixed_string(l->lnk[0].gid, sizeof(l->lnk[0].gid)));
        li.peer_gid = gid_from_kernel(fixed_string(l->lnk[0].peer_gid, sizeof(l->lnk[0].peer_gid)));
        s.lgr = li;
    }
    // The v1 layout of the DMB info (the 6.x kernels append the extended GIDs).
    constexpr std::size_t kDmbV1 = offsetof(smcd_diag_dmbinfo, peer_token) + sizeof(uint64_t);
    if (const auto* d = static_cast<const smcd_diag_dmbinfo*>(a.data(SMC_DIAG_DMBINFO, kDmbV1))) {
        DmbInfo di;
        di.link_id = d->linkid;
        di.peer_gid = d->peer_gid;
        di.my_gid = d->my_gid;
        di.token = d->token;
        di.peer_token = d->peer_token;
        s.dmb = di;
    }
    return s;
}

} // namespace

Result<std::vector<Socket>> dump_sockets(unsigned ext) {
    auto sock = NlSocket::connect(NETLINK_SOCK_DIAG);
    if (!sock) {
        return sock.error();
    }
    smc_diag_req req{};
    req.diag_family = AF_SMC;
    req.diag_ext = static_cast<uint8_t>(ext);
    NlMsgPtr msg(nlmsg_alloc_simple(SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP));
    if (!msg || nlmsg_append(msg.get(), &req, sizeof(req), NLMSG_ALIGNTO) < 0) {
        return Error::make(Errc::system, "out of memory", ENOMEM);
    }
    std::vector<Socket> out;
    NlStatus st = (*sock)->transact(msg.get(), [&](nlmsghdr* nlh) {
        if (nlh->nlmsg_type == SOCK_DIAG_BY_FAMILY &&
            nlmsg_datalen(nlh) >= static_cast<int>(sizeof(smc_diag_msg))) {
            out.push_back(decode(nlh));
        }
    });
    if (st.err == ENOENT) {
        // No sock_diag handler for AF_SMC.
        const Provider p = probe_provider();
        if (!p.af_smc) {
            return Error::make(Errc::not_loaded,
                               "no SMC module loaded (AF_SMC family not registered)", ENOENT);
        }
        std::string hint =
            p.module == "smc"
                ? "load smc_diag, Linux's socket diagnostics module for SMC"
                : "the loaded module, " + provider_description(p) + ", does not implement it";
        return Error::make(Errc::not_supported,
                           "no SMC socket diagnostics (sock_diag for AF_SMC): " + hint, ENOENT);
    }
    if (st.err != 0) {
        return Error::from_errno(st.err, "listing SMC sockets", st.ext_msg);
    }
    return out;
}

} // namespace smc
