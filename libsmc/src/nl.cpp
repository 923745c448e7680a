// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "nl.h"

#include "smc/system.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <linux/netlink.h>
#include <net/if.h>
#include <netlink/genl/ctrl.h>
#include <sys/socket.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

namespace smc {

namespace {

/// State of one transact() call, shared with the libnl callbacks.
struct TransactCtx {
    const std::function<void(nlmsghdr*)>* on_msg = nullptr;
    NlStatus status;
    bool done = false;
};

int valid_cb(nl_msg* msg, void* arg) {
    auto* ctx = static_cast<TransactCtx*>(arg);
    (*ctx->on_msg)(nlmsg_hdr(msg));
    return NL_OK;
}

int finish_cb(nl_msg* /*msg*/, void* arg) {
    static_cast<TransactCtx*>(arg)->done = true;
    return NL_STOP;
}

// The extended ACK's text: TLVs after the nlmsgerr (and after the echoed request unless capped).
std::string ext_ack_message(const nlmsgerr* e) {
    const auto* nlh =
        reinterpret_cast<const nlmsghdr*>(reinterpret_cast<const char*>(e) - NLMSG_HDRLEN);
    if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS)) {
        return {};
    }
    std::size_t off = sizeof(*e);
    if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
        off += e->msg.nlmsg_len - NLMSG_HDRLEN;
    }
    const std::size_t total = nlh->nlmsg_len - NLMSG_HDRLEN;
    if (off >= total) {
        return {};
    }
    auto* head =
        reinterpret_cast<nlattr*>(const_cast<char*>(reinterpret_cast<const char*>(e)) + off);
    Attrs tlv(head, static_cast<int>(total - off));
    return tlv.str(NLMSGERR_ATTR_MSG).value_or("");
}

int error_cb(sockaddr_nl* /*who*/, nlmsgerr* e, void* arg) {
    auto* ctx = static_cast<TransactCtx*>(arg);
    ctx->status.err = -e->error;
    ctx->done = true;
    if (e->error != 0) {
        ctx->status.ext_msg = ext_ack_message(e);
    }
    return NL_STOP;
}

} // namespace

Result<std::unique_ptr<NlSocket>> NlSocket::connect(int protocol) {
    NlSockPtr sk(nl_socket_alloc());
    if (!sk) {
        return Error::make(Errc::system, "out of memory allocating a netlink socket", ENOMEM);
    }
    int rc = protocol == NETLINK_GENERIC ? genl_connect(sk.get()) : nl_connect(sk.get(), protocol);
    if (rc < 0) {
        return Error::make(Errc::system,
                           std::string("cannot open a netlink socket: ") + nl_geterror(rc), EIO);
    }
    // Replies of any size (sock_diag dumps use 32 KiB messages), kernel error texts, short ACKs.
    nl_socket_enable_msg_peek(sk.get());
    // Dumps end with NLMSG_DONE; only "do" requests ask for an ACK (genl_request()), so no stray
    // ACK can be left behind for the next request's sequence check.
    nl_socket_disable_auto_ack(sk.get());
    const int one = 1;
    const int fd = nl_socket_get_fd(sk.get());
    (void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
    (void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
    return std::unique_ptr<NlSocket>(new NlSocket(std::move(sk)));
}

std::optional<int> NlSocket::resolve_family(const char* name) {
    int id = genl_ctrl_resolve(sk_.get(), name);
    if (id < 0) {
        return std::nullopt;
    }
    return id;
}

NlStatus NlSocket::transact(nl_msg* msg, const std::function<void(nlmsghdr*)>& on_msg) {
    TransactCtx ctx;
    ctx.on_msg = &on_msg;
    NlCbPtr cb(nl_cb_alloc(NL_CB_DEFAULT));
    if (!cb) {
        return {ENOMEM, {}};
    }
    nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &ctx);
    nl_cb_set(cb.get(), NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, &ctx);
    nl_cb_set(cb.get(), NL_CB_ACK, NL_CB_CUSTOM, finish_cb, &ctx);
    nl_cb_err(cb.get(), NL_CB_CUSTOM, error_cb, &ctx);

    if (int rc = nl_send_auto(sk_.get(), msg); rc < 0) {
        return {EIO, std::string("sending the request failed: ") + nl_geterror(rc)};
    }
    while (!ctx.done) {
        int rc = nl_recvmsgs(sk_.get(), cb.get());
        if (ctx.done) {
            break;
        }
        if (rc < 0) {
            return {EIO, std::string("receiving the reply failed: ") + nl_geterror(rc)};
        }
    }
    return ctx.status;
}

NlMsgPtr genl_request(int family, int version, uint8_t cmd, int flags) {
    if (!(flags & NLM_F_DUMP)) {
        flags |= NLM_F_ACK;
    }
    NlMsgPtr msg(nlmsg_alloc());
    if (msg && !genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd, version)) {
        msg.reset();
    }
    return msg;
}

// ---- Attrs
// ---------------------------------------------------------------------------------------

Attrs::Attrs(nlattr* head, int len) {
    nlattr* pos = nullptr;
    int rem = 0;
    nla_for_each_attr(pos, head, len, rem) {
        const auto type = static_cast<std::size_t>(nla_type(pos));
        if (type > 4096) {
            continue;
        }
        if (type >= tb_.size()) {
            tb_.resize(type + 1, nullptr);
        }
        tb_[type] = pos;
    }
}

Attrs Attrs::of_genl(nlmsghdr* nlh) {
    return {genlmsg_attrdata(static_cast<genlmsghdr*>(nlmsg_data(nlh)), 0),
            genlmsg_attrlen(static_cast<genlmsghdr*>(nlmsg_data(nlh)), 0)};
}

Attrs Attrs::of_msg(nlmsghdr* nlh, std::size_t hdrlen) {
    const int aligned = NLMSG_ALIGN(static_cast<int>(hdrlen));
    if (nlmsg_datalen(nlh) < aligned) {
        return {};
    }
    return {nlmsg_attrdata(nlh, aligned), nlmsg_attrlen(nlh, aligned)};
}

nlattr* Attrs::get(int type) const {
    if (type < 0 || static_cast<std::size_t>(type) >= tb_.size()) {
        return nullptr;
    }
    return tb_[static_cast<std::size_t>(type)];
}

Attrs Attrs::nest(int type) const {
    nlattr* a = get(type);
    if (!a) {
        return {};
    }
    return {static_cast<nlattr*>(nla_data(a)), nla_len(a)};
}

const void* Attrs::data(int type, std::size_t min) const {
    nlattr* a = get(type);
    if (!a || nla_len(a) < static_cast<int>(min)) {
        return nullptr;
    }
    return nla_data(a);
}

std::optional<uint8_t> Attrs::u8(int type) const {
    const void* p = data(type, sizeof(uint8_t));
    if (!p) {
        return std::nullopt;
    }
    return *static_cast<const uint8_t*>(p);
}

std::optional<uint16_t> Attrs::u16(int type) const {
    const void* p = data(type, sizeof(uint16_t));
    if (!p) {
        return std::nullopt;
    }
    uint16_t v = 0;
    std::memcpy(&v, p, sizeof(v));
    return v;
}

std::optional<uint32_t> Attrs::u32(int type) const {
    const void* p = data(type, sizeof(uint32_t));
    if (!p) {
        return std::nullopt;
    }
    uint32_t v = 0;
    std::memcpy(&v, p, sizeof(v));
    return v;
}

std::optional<uint64_t> Attrs::u64(int type) const {
    const void* p = data(type, sizeof(uint64_t));
    if (!p) {
        return std::nullopt;
    }
    uint64_t v = 0;
    std::memcpy(&v, p, sizeof(v));
    return v;
}

std::optional<uint64_t> Attrs::uint(int type) const {
    nlattr* a = get(type);
    if (!a) {
        return std::nullopt;
    }
    if (nla_len(a) >= static_cast<int>(sizeof(uint64_t))) {
        return u64(type);
    }
    if (nla_len(a) >= static_cast<int>(sizeof(uint32_t))) {
        return u32(type);
    }
    return std::nullopt;
}

std::optional<std::string> Attrs::str(int type) const {
    nlattr* a = get(type);
    if (!a) {
        return std::nullopt;
    }
    const auto* p = static_cast<const char*>(nla_data(a));
    return trim_right(std::string(p, strnlen(p, static_cast<std::size_t>(nla_len(a)))));
}

// ---- helpers
// -------------------------------------------------------------------------------------

std::string trim_right(std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\0' || s.back() == '\n')) {
        s.pop_back();
    }
    return s;
}

std::string ifname(uint32_t ifindex) {
    std::array<char, IF_NAMESIZE> buf{};
    if (ifindex == 0 || !if_indextoname(ifindex, buf.data())) {
        return {};
    }
    return buf.data();
}

Error missing_family_error(const char* family) {
    const Provider p = probe_provider();
    if (!p.af_smc) {
        return Error::make(Errc::not_loaded, "no SMC module loaded (AF_SMC family not registered)");
    }
    return Error::make(Errc::not_supported,
                       "not supported by this module: the generic netlink family " +
                           std::string(family) + " is not registered by " +
                           provider_description(p));
}

} // namespace smc
