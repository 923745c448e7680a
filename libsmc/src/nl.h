// SPDX-License-Identifier: GPL-2.0 OR MIT
// Private: the netlink plumbing every libsmc interface shares. RAII owners for libnl objects, one
// request/reply loop that captures the kernel's errno and extended-ack message, and attribute
// access with length checks. Only files in libsmc/src include this.
#ifndef SMC_SRC_NL_H
#define SMC_SRC_NL_H

#include "smc/result.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <optional>
#include <string>
#include <vector>

namespace smc {

struct NlSockDeleter {
    void operator()(nl_sock* s) const { nl_socket_free(s); }
};
struct NlMsgDeleter {
    void operator()(nl_msg* m) const { nlmsg_free(m); }
};
struct NlCbDeleter {
    void operator()(nl_cb* cb) const { nl_cb_put(cb); }
};
using NlSockPtr = std::unique_ptr<nl_sock, NlSockDeleter>;
using NlMsgPtr = std::unique_ptr<nl_msg, NlMsgDeleter>;
using NlCbPtr = std::unique_ptr<nl_cb, NlCbDeleter>;

/// What the kernel answered: 0 or a positive errno, plus its extended-ack text if any.
struct NlStatus {
    int err = 0;
    std::string ext_msg;
};

/// A connected netlink socket (NETLINK_GENERIC or NETLINK_SOCK_DIAG).
class NlSocket {
  public:
    /// Errors: system (socket/connect failed).
    static Result<std::unique_ptr<NlSocket>> connect(int protocol);

    /// Generic netlink family id, or nullopt if the family is not registered.
    std::optional<int> resolve_family(const char* name);

    /// Sends @msg, then calls @on_msg for every reply message until the dump is done or the ACK
    /// (or error) arrives. Local failures (send/receive) come back as an errno too.
    NlStatus transact(nl_msg* msg, const std::function<void(nlmsghdr*)>& on_msg);

  private:
    explicit NlSocket(NlSockPtr sk) : sk_(std::move(sk)) {}
    NlSockPtr sk_;
};

/// A generic netlink request; flags NLM_F_DUMP for dumps, 0 for "do" commands (an ACK is
/// requested automatically).
NlMsgPtr genl_request(int family, int version, uint8_t cmd, int flags);

/// Attributes of one level, indexed by type (type 0 included: some SMC nests use it).
class Attrs {
  public:
    Attrs() = default;
    Attrs(nlattr* head, int len);
    /// The attributes following the genl header of @nlh.
    static Attrs of_genl(nlmsghdr* nlh);
    /// The attributes following a fixed header of @hdrlen bytes in @nlh.
    static Attrs of_msg(nlmsghdr* nlh, std::size_t hdrlen);

    [[nodiscard]] nlattr* get(int type) const;
    [[nodiscard]] bool has(int type) const { return get(type) != nullptr; }
    [[nodiscard]] Attrs nest(int type) const;

    [[nodiscard]] std::optional<uint8_t> u8(int type) const;
    [[nodiscard]] std::optional<uint16_t> u16(int type) const;
    [[nodiscard]] std::optional<uint32_t> u32(int type) const;
    [[nodiscard]] std::optional<uint64_t> u64(int type) const;
    /// NLA_UINT: 4 or 8 bytes.
    [[nodiscard]] std::optional<uint64_t> uint(int type) const;
    /// NUL-terminated or not; trailing blanks (the kernel pads EIDs) trimmed.
    [[nodiscard]] std::optional<std::string> str(int type) const;
    /// Raw payload of at least @min bytes, nullptr otherwise.
    [[nodiscard]] const void* data(int type, std::size_t min) const;

  private:
    std::vector<nlattr*> tb_;
};

/// Trims trailing blanks and NULs.
std::string trim_right(std::string s);

/// if_indextoname(), "" when unknown in this netns or 0.
std::string ifname(uint32_t ifindex);

/// The not_loaded / not_supported error for a missing generic netlink family.
Error missing_family_error(const char* family);

} // namespace smc

#endif // SMC_SRC_NL_H
