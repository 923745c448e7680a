// SPDX-License-Identifier: GPL-2.0 OR MIT
// SMC_GEN_NETLINK: one request per command, replies decoded into the structs of smc/types.h.
#include "smc/gen_netlink.h"

#include "nl.h"
#include "smc/names.h"

#include <algorithm>
#include <cctype>
#include <linux/smc.h>

namespace smc {

namespace {

using Handler = std::function<void(nlmsghdr*)>;

Status run(NlSocket& sock, int family, uint8_t cmd, int flags, const std::string& what,
           const Handler& on_msg) {
    NlMsgPtr msg = genl_request(family, SMC_GENL_FAMILY_VERSION, cmd, flags);
    if (!msg) {
        return Error::make(Errc::system, what + ": out of memory", ENOMEM);
    }
    NlStatus st = sock.transact(msg.get(), on_msg);
    if (st.err != 0) {
        return Error::from_errno(st.err, what, st.ext_msg);
    }
    return ok();
}

Histogram histogram(const Attrs& a) {
    Histogram h{};
    for (std::size_t i = 0; i < kHistBuckets; ++i) {
        h[i] = a.u64(static_cast<int>(SMC_NLA_STATS_PLOAD_8K + i)).value_or(0);
    }
    return h;
}

BufferStats buffer_stats(const Attrs& a) {
    BufferStats b;
    b.peer_size_small = a.u64(SMC_NLA_STATS_RMB_SIZE_SM_PEER_CNT).value_or(0);
    b.size_small = a.u64(SMC_NLA_STATS_RMB_SIZE_SM_CNT).value_or(0);
    b.peer_full = a.u64(SMC_NLA_STATS_RMB_FULL_PEER_CNT).value_or(0);
    b.full = a.u64(SMC_NLA_STATS_RMB_FULL_CNT).value_or(0);
    b.reuse = a.u64(SMC_NLA_STATS_RMB_REUSE_CNT).value_or(0);
    b.alloc = a.u64(SMC_NLA_STATS_RMB_ALLOC_CNT).value_or(0);
    b.downgrade = a.u64(SMC_NLA_STATS_RMB_DGRADE_CNT).value_or(0);
    return b;
}

TechStats tech_stats(const Attrs& a) {
    TechStats t;
    t.tx_buf_size = histogram(a.nest(SMC_NLA_STATS_T_TX_RMB_SIZE));
    t.rx_buf_size = histogram(a.nest(SMC_NLA_STATS_T_RX_RMB_SIZE));
    t.tx_payload = histogram(a.nest(SMC_NLA_STATS_T_TXPLOAD_SIZE));
    t.rx_payload = histogram(a.nest(SMC_NLA_STATS_T_RXPLOAD_SIZE));
    t.tx_buf = buffer_stats(a.nest(SMC_NLA_STATS_T_TX_RMB_STATS));
    t.rx_buf = buffer_stats(a.nest(SMC_NLA_STATS_T_RX_RMB_STATS));
    t.clnt_v1_succ = a.u64(SMC_NLA_STATS_T_CLNT_V1_SUCC).value_or(0);
    t.clnt_v2_succ = a.u64(SMC_NLA_STATS_T_CLNT_V2_SUCC).value_or(0);
    t.srv_v1_succ = a.u64(SMC_NLA_STATS_T_SRV_V1_SUCC).value_or(0);
    t.srv_v2_succ = a.u64(SMC_NLA_STATS_T_SRV_V2_SUCC).value_or(0);
    t.sendpage = a.u64(SMC_NLA_STATS_T_SENDPAGE_CNT).value_or(0);
    t.splice = a.u64(SMC_NLA_STATS_T_SPLICE_CNT).value_or(0);
    t.cork = a.u64(SMC_NLA_STATS_T_CORK_CNT).value_or(0);
    t.nodelay = a.u64(SMC_NLA_STATS_T_NDLY_CNT).value_or(0);
    t.urgent = a.u64(SMC_NLA_STATS_T_URG_DATA_CNT).value_or(0);
    t.rx_bytes = a.u64(SMC_NLA_STATS_T_RX_BYTES).value_or(0);
    t.tx_bytes = a.u64(SMC_NLA_STATS_T_TX_BYTES).value_or(0);
    t.rx_calls = a.u64(SMC_NLA_STATS_T_RX_CNT).value_or(0);
    t.tx_calls = a.u64(SMC_NLA_STATS_T_TX_CNT).value_or(0);
    t.rx_buf_usage = a.uint(SMC_NLA_STATS_T_RX_RMB_USAGE);
    t.tx_buf_usage = a.uint(SMC_NLA_STATS_T_TX_RMB_USAGE);
    return t;
}

LinkGroup link_group(const Attrs& a) {
    LinkGroup g;
    g.id = a.u32(SMC_NLA_LGR_R_ID).value_or(0);
    g.role = a.u8(SMC_NLA_LGR_R_ROLE).value_or(0);
    g.type = a.u8(SMC_NLA_LGR_R_TYPE).value_or(0);
    g.pnetid = a.str(SMC_NLA_LGR_R_PNETID).value_or("");
    g.vlan = a.u8(SMC_NLA_LGR_R_VLAN_ID).value_or(0);
    g.conns = a.u32(SMC_NLA_LGR_R_CONNS_NUM).value_or(0);
    if (a.has(SMC_NLA_LGR_R_V2_COMMON)) {
        const Attrs v = a.nest(SMC_NLA_LGR_R_V2_COMMON);
        LinkGroupV2 v2;
        v2.version = v.u8(SMC_NLA_LGR_V2_VER).value_or(0);
        v2.release = v.u8(SMC_NLA_LGR_V2_REL).value_or(0);
        v2.peer_os = v.u8(SMC_NLA_LGR_V2_OS).value_or(0);
        v2.negotiated_eid = v.str(SMC_NLA_LGR_V2_NEG_EID).value_or("");
        v2.peer_host = v.str(SMC_NLA_LGR_V2_PEER_HOST).value_or("");
        g.v2 = v2;
    }
    if (a.has(SMC_NLA_LGR_R_V2)) {
        // direct, max_conns and max_links live in SMC_NLA_LGR_R_V2, not in the common v2 nest
        const Attrs r = a.nest(SMC_NLA_LGR_R_V2);
        if (auto d = r.u8(SMC_NLA_LGR_R_V2_DIRECT)) {
            g.v2_direct = *d != 0;
        }
        if (g.v2) {
            g.v2->max_conns = r.u8(SMC_NLA_LGR_R_V2_MAX_CONNS);
            g.v2->max_links = r.u8(SMC_NLA_LGR_R_V2_MAX_LINKS);
        }
    }
    g.net_cookie = a.u64(SMC_NLA_LGR_R_NET_COOKIE);
    g.buf_type = a.u8(SMC_NLA_LGR_R_BUF_TYPE);
    g.sndbuf_alloc = a.uint(SMC_NLA_LGR_R_SNDBUF_ALLOC);
    g.rmb_alloc = a.uint(SMC_NLA_LGR_R_RMB_ALLOC);
    return g;
}

Link link(const Attrs& a, uint32_t lgr_id) {
    Link l;
    l.lgr_id = lgr_id;
    l.id = a.u8(SMC_NLA_LINK_ID).value_or(0);
    l.state = a.u32(SMC_NLA_LINK_STATE).value_or(0);
    l.ib_dev = a.str(SMC_NLA_LINK_IB_DEV).value_or("");
    l.ib_port = a.u8(SMC_NLA_LINK_IB_PORT).value_or(0);
    l.gid = gid_from_kernel(a.str(SMC_NLA_LINK_GID).value_or(""));
    l.peer_gid = gid_from_kernel(a.str(SMC_NLA_LINK_PEER_GID).value_or(""));
    l.conns = a.u32(SMC_NLA_LINK_CONN_CNT).value_or(0);
    l.netdev_ifindex = a.u32(SMC_NLA_LINK_NET_DEV).value_or(0);
    l.netdev = ifname(l.netdev_ifindex);
    l.uid = a.u32(SMC_NLA_LINK_UID).value_or(0);
    l.peer_uid = a.u32(SMC_NLA_LINK_PEER_UID).value_or(0);
    return l;
}

Device device(const Attrs& a, bool smcd) {
    Device d;
    d.smcd = smcd;
    d.use_cnt = a.u32(SMC_NLA_DEV_USE_CNT).value_or(0);
    d.critical = a.u8(SMC_NLA_DEV_IS_CRIT).value_or(0) != 0;
    d.pci_fid = a.u32(SMC_NLA_DEV_PCI_FID).value_or(0);
    d.pci_chid = a.u16(SMC_NLA_DEV_PCI_CHID).value_or(0);
    d.pci_vendor = a.u16(SMC_NLA_DEV_PCI_VENDOR).value_or(0);
    d.pci_device = a.u16(SMC_NLA_DEV_PCI_DEVICE).value_or(0);
    d.pci_id = a.str(SMC_NLA_DEV_PCI_ID).value_or("");
    d.ib_name = a.str(SMC_NLA_DEV_IB_NAME).value_or("");
    for (int i = 0; i < 2; ++i) {
        const int type = i == 0 ? SMC_NLA_DEV_PORT : SMC_NLA_DEV_PORT2;
        if (!a.has(type)) {
            continue;
        }
        const Attrs p = a.nest(type);
        DevicePort port;
        port.port = static_cast<uint8_t>(i + 1);
        port.pnetid_by_user = p.u8(SMC_NLA_DEV_PORT_PNET_USR).value_or(0) != 0;
        port.pnetid = p.str(SMC_NLA_DEV_PORT_PNETID).value_or("");
        port.netdev_ifindex = p.u32(SMC_NLA_DEV_PORT_NETDEV).value_or(0);
        port.netdev = ifname(port.netdev_ifindex);
        port.active = p.u8(SMC_NLA_DEV_PORT_STATE).value_or(0) != 0;
        port.valid = p.u8(SMC_NLA_DEV_PORT_VALID).value_or(0) != 0;
        port.links = p.u32(SMC_NLA_DEV_PORT_LNK_CNT).value_or(0);
        d.ports.push_back(port);
    }
    return d;
}

/// The kernel takes an EID as exactly SMC_MAX_EID_LEN characters, blank-padded, plus the NUL.
std::string padded_eid(const std::string& eid) {
    std::string p = eid;
    p.resize(SMC_MAX_EID_LEN, ' ');
    return p;
}

} // namespace

Result<std::string> normalize_ueid(const std::string& ueid) {
    std::string u;
    for (char c : ueid) {
        u += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    const std::string bad = "invalid UEID '" + ueid + "': ";
    if (u.empty() || u.size() > SMC_MAX_EID_LEN) {
        return Error::make(Errc::invalid, bad + "it must have 1 to " +
                                              std::to_string(SMC_MAX_EID_LEN) + " characters");
    }
    if (!std::isalnum(static_cast<unsigned char>(u[0]))) {
        return Error::make(Errc::invalid, bad + "it must start with a letter or a digit");
    }
    for (char c : u) {
        if (!std::isupper(static_cast<unsigned char>(c)) &&
            !std::isdigit(static_cast<unsigned char>(c)) && c != '.' && c != '-') {
            return Error::make(Errc::invalid,
                               bad + "only letters, digits, '.' and '-' are allowed");
        }
    }
    if (u.find("..") != std::string::npos) {
        return Error::make(Errc::invalid, bad + "'..' is not allowed");
    }
    return u;
}

SmcNetlink::SmcNetlink(std::unique_ptr<NlSocket> sock, int family)
    : sock_(std::move(sock)), family_(family) {}
SmcNetlink::SmcNetlink(SmcNetlink&&) noexcept = default;
SmcNetlink& SmcNetlink::operator=(SmcNetlink&&) noexcept = default;
SmcNetlink::~SmcNetlink() = default;

Result<SmcNetlink> SmcNetlink::open() {
    auto sock = NlSocket::connect(NETLINK_GENERIC);
    if (!sock) {
        return sock.error();
    }
    auto family = (*sock)->resolve_family(SMC_GENL_FAMILY_NAME);
    if (!family) {
        return missing_family_error(SMC_GENL_FAMILY_NAME);
    }
    return SmcNetlink(std::move(*sock), *family);
}

Result<SysInfo> SmcNetlink::sys_info() {
    SysInfo info;
    auto st = run(*sock_, family_, SMC_NETLINK_GET_SYS_INFO, NLM_F_DUMP, "reading SMC system info",
                  [&](nlmsghdr* nlh) {
                      const Attrs a = Attrs::of_genl(nlh).nest(SMC_GEN_SYS_INFO);
                      info.version = a.u8(SMC_NLA_SYS_VER).value_or(0);
                      info.release = a.u8(SMC_NLA_SYS_REL).value_or(0);
                      info.ism_v2 = a.u8(SMC_NLA_SYS_IS_ISM_V2).value_or(0) != 0;
                      if (auto v = a.u8(SMC_NLA_SYS_IS_SMCR_V2)) {
                          info.smcr_v2 = *v != 0;
                      }
                      info.hostname = a.str(SMC_NLA_SYS_LOCAL_HOST).value_or("");
                      info.seid = a.str(SMC_NLA_SYS_SEID).value_or("");
                  });
    if (!st) {
        return st.error();
    }
    return info;
}

Result<std::vector<LinkGroup>> SmcNetlink::link_groups() {
    std::vector<LinkGroup> out;
    auto st = run(*sock_, family_, SMC_NETLINK_GET_LGR_SMCR, NLM_F_DUMP,
                  "reading SMC-R link groups", [&](nlmsghdr* nlh) {
                      const Attrs top = Attrs::of_genl(nlh);
                      if (top.has(SMC_GEN_LGR_SMCR)) {
                          out.push_back(link_group(top.nest(SMC_GEN_LGR_SMCR)));
                      }
                  });
    if (!st) {
        return st.error();
    }
    return out;
}

Result<std::vector<Link>> SmcNetlink::links() {
    // The dump interleaves: a link group message, then one message per link of that group.
    std::vector<Link> out;
    uint32_t lgr_id = 0;
    auto st = run(*sock_, family_, SMC_NETLINK_GET_LINK_SMCR, NLM_F_DUMP, "reading SMC-R links",
                  [&](nlmsghdr* nlh) {
                      const Attrs top = Attrs::of_genl(nlh);
                      if (top.has(SMC_GEN_LGR_SMCR)) {
                          lgr_id = top.nest(SMC_GEN_LGR_SMCR).u32(SMC_NLA_LGR_R_ID).value_or(0);
                      }
                      if (top.has(SMC_GEN_LINK_SMCR)) {
                          out.push_back(link(top.nest(SMC_GEN_LINK_SMCR), lgr_id));
                      }
                  });
    if (!st) {
        return st.error();
    }
    return out;
}

Result<std::vector<Device>> SmcNetlink::devices_smcr() {
    std::vector<Device> out;
    auto st = run(*sock_, family_, SMC_NETLINK_GET_DEV_SMCR, NLM_F_DUMP, "reading SMC-R devices",
                  [&](nlmsghdr* nlh) {
                      const Attrs top = Attrs::of_genl(nlh);
                      if (top.has(SMC_GEN_DEV_SMCR)) {
                          out.push_back(device(top.nest(SMC_GEN_DEV_SMCR), false));
                      }
                  });
    if (!st) {
        return st.error();
    }
    return out;
}

Result<std::vector<Device>> SmcNetlink::devices_smcd() {
    std::vector<Device> out;
    auto st = run(*sock_, family_, SMC_NETLINK_GET_DEV_SMCD, NLM_F_DUMP, "reading SMC-D devices",
                  [&](nlmsghdr* nlh) {
                      const Attrs top = Attrs::of_genl(nlh);
                      if (top.has(SMC_GEN_DEV_SMCD)) {
                          out.push_back(device(top.nest(SMC_GEN_DEV_SMCD), true));
                      }
                  });
    if (!st) {
        return st.error();
    }
    return out;
}

Result<Stats> SmcNetlink::stats() {
    Stats s;
    auto st = run(*sock_, family_, SMC_NETLINK_GET_STATS, NLM_F_DUMP, "reading SMC statistics",
                  [&](nlmsghdr* nlh) {
                      const Attrs a = Attrs::of_genl(nlh).nest(SMC_GEN_STATS);
                      s.smcr = tech_stats(a.nest(SMC_NLA_STATS_SMCR_TECH));
                      s.smcd = tech_stats(a.nest(SMC_NLA_STATS_SMCD_TECH));
                      s.clnt_hs_err = a.u64(SMC_NLA_STATS_CLNT_HS_ERR_CNT).value_or(0);
                      s.srv_hs_err = a.u64(SMC_NLA_STATS_SRV_HS_ERR_CNT).value_or(0);
                  });
    if (!st) {
        return st.error();
    }
    return s;
}

Result<FallbackStats> SmcNetlink::fallback_stats() {
    // One message per remembered reason and side; the totals come with the first message only.
    FallbackStats f;
    auto st = run(*sock_, family_, SMC_NETLINK_GET_FBACK_STATS, NLM_F_DUMP,
                  "reading SMC fallback statistics", [&](nlmsghdr* nlh) {
                      const Attrs a = Attrs::of_genl(nlh).nest(SMC_GEN_FBACK_STATS);
                      if (auto v = a.u64(SMC_NLA_FBACK_STATS_SRV_CNT)) {
                          f.server_total = *v;
                      }
                      if (auto v = a.u64(SMC_NLA_FBACK_STATS_CLNT_CNT)) {
                          f.client_total = *v;
                      }
                      auto code = a.u32(SMC_NLA_FBACK_STATS_RSN_CODE);
                      if (!code || *code == 0) {
                          return;
                      }
                      FallbackReason r{*code, a.u16(SMC_NLA_FBACK_STATS_RSN_CNT).value_or(0)};
                      if (a.u8(SMC_NLA_FBACK_STATS_TYPE).value_or(0) != 0) {
                          f.server.push_back(r);
                      } else {
                          f.client.push_back(r);
                      }
                  });
    if (!st) {
        return st.error();
    }
    return f;
}

Result<std::vector<std::string>> SmcNetlink::ueids() {
    std::vector<std::string> out;
    auto st = run(*sock_, family_, SMC_NETLINK_DUMP_UEID, NLM_F_DUMP, "reading the UEID table",
                  [&](nlmsghdr* nlh) {
                      if (auto s = Attrs::of_genl(nlh).str(SMC_NLA_EID_TABLE_ENTRY)) {
                          out.push_back(*s);
                      }
                  });
    if (!st) {
        return st.error();
    }
    return out;
}

Status SmcNetlink::ueid_add(const std::string& ueid) {
    auto u = normalize_ueid(ueid);
    if (!u) {
        return u.error();
    }
    NlMsgPtr msg = genl_request(family_, SMC_GENL_FAMILY_VERSION, SMC_NETLINK_ADD_UEID, 0);
    if (!msg || nla_put_string(msg.get(), SMC_NLA_EID_TABLE_ENTRY, padded_eid(*u).c_str()) < 0) {
        return Error::make(Errc::system, "out of memory", ENOMEM);
    }
    NlStatus st = sock_->transact(msg.get(), [](nlmsghdr*) {});
    switch (st.err) {
    case 0:
        return ok();
    case EEXIST:
        return Error::make(Errc::exists, "UEID " + *u + " is already in the table", EEXIST);
    case ERANGE:
    case ENOSPC:
        return Error::make(Errc::range,
                           "the UEID table is full (the kernel keeps at most " +
                               std::to_string(SMC_MAX_UEID) + " UEIDs)",
                           st.err);
    case EINVAL:
        return Error::make(Errc::invalid, "the kernel rejected UEID " + *u, EINVAL);
    default:
        return Error::from_errno(st.err, "changing the UEID table", st.ext_msg);
    }
}

Status SmcNetlink::ueid_del(const std::string& ueid) {
    auto u = normalize_ueid(ueid);
    if (!u) {
        return u.error();
    }
    NlMsgPtr msg = genl_request(family_, SMC_GENL_FAMILY_VERSION, SMC_NETLINK_REMOVE_UEID, 0);
    if (!msg || nla_put_string(msg.get(), SMC_NLA_EID_TABLE_ENTRY, padded_eid(*u).c_str()) < 0) {
        return Error::make(Errc::system, "out of memory", ENOMEM);
    }
    NlStatus st = sock_->transact(msg.get(), [](nlmsghdr*) {});
    if (st.err == ENOENT) {
        return Error::make(Errc::not_found, "UEID " + *u + " is not in the table", ENOENT);
    }
    if (st.err != 0) {
        return Error::from_errno(st.err, "changing the UEID table", st.ext_msg);
    }
    return ok();
}

Status SmcNetlink::ueid_flush() {
    return run(*sock_, family_, SMC_NETLINK_FLUSH_UEID, 0, "changing the UEID table",
               [](nlmsghdr*) {});
}

Result<SeidInfo> SmcNetlink::seid() {
    SeidInfo s;
    auto st = run(*sock_, family_, SMC_NETLINK_DUMP_SEID, NLM_F_DUMP, "reading the SEID",
                  [&](nlmsghdr* nlh) {
                      const Attrs a = Attrs::of_genl(nlh);
                      if (auto v = a.str(SMC_NLA_SEID_ENTRY)) {
                          s.present = true;
                          s.seid = *v;
                          s.enabled = a.u8(SMC_NLA_SEID_ENABLED).value_or(0) != 0;
                      }
                  });
    if (!st) {
        return st.error();
    }
    return s;
}

Status SmcNetlink::seid_enable() {
    return run(*sock_, family_, SMC_NETLINK_ENABLE_SEID, 0, "changing the SEID setting",
               [](nlmsghdr*) {});
}

Status SmcNetlink::seid_disable() {
    return run(*sock_, family_, SMC_NETLINK_DISABLE_SEID, 0, "changing the SEID setting",
               [](nlmsghdr*) {});
}

Result<bool> SmcNetlink::hs_limitation() {
    bool enabled = false;
    auto st = run(*sock_, family_, SMC_NETLINK_DUMP_HS_LIMITATION, NLM_F_DUMP,
                  "reading the handshake limitation", [&](nlmsghdr* nlh) {
                      enabled = Attrs::of_genl(nlh).u8(SMC_NLA_HS_LIMITATION_ENABLED).value_or(0);
                  });
    if (!st) {
        return st.error();
    }
    return enabled;
}

Status SmcNetlink::hs_limitation_set(bool enabled) {
    return run(*sock_, family_,
               enabled ? SMC_NETLINK_ENABLE_HS_LIMITATION : SMC_NETLINK_DISABLE_HS_LIMITATION, 0,
               "changing the handshake limitation", [](nlmsghdr*) {});
}

} // namespace smc
