// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "json.h"

#include "format.h"
#include "smc/names.h"
#include "smc/sysctl.h"

#include <arpa/inet.h>
#include <array>
#include <ostream>
#include <sys/socket.h>

namespace smctool {

namespace {

json cursor_json(const smc::DiagCursor& c) {
    return {{"wrap", c.wrap}, {"count", c.count}};
}

std::string plain_addr(int family, const std::array<uint8_t, 16>& a) {
    std::array<char, INET6_ADDRSTRLEN> buf{};
    inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, a.data(), buf.data(), buf.size());
    return buf.data();
}

} // namespace

json reason_json(uint32_t code) {
    return {{"code", code}, {"name", smc::reason_name(code)}, {"text", smc::reason_text(code)}};
}

json socket_json(const smc::Socket& s) {
    json j;
    j["state"] = smc::state_name(s.state);
    j["mode"] = smc::mode_name(s.mode);
    j["family"] = s.family == AF_INET6 ? "inet6" : "inet";
    j["local"] = {{"addr", plain_addr(s.family, s.src)}, {"port", s.sport}};
    j["peer"] = {{"addr", plain_addr(s.family, s.dst)}, {"port", s.dport}};
    j["uid"] = s.uid;
    j["inode"] = s.inode;
    j["cookie"] = s.cookie;
    j["ifindex"] = s.ifindex;
    j["shutdown"] = smc::shutdown_arrows(s.shutdown);
    if (s.mode == smc::SockMode::fallback_tcp) {
        j["fallback"] = {
            {"reason", reason_json(s.fallback_reason)},
            {"peer_diagnosis", s.peer_diagnosis ? reason_json(s.peer_diagnosis) : json(nullptr)}};
    }
    json users = json::array();
    for (const auto& u : s.users) {
        users.push_back({{"pid", u.pid}, {"fd", u.fd}, {"comm", u.comm}});
    }
    j["users"] = users;
    if (s.conn) {
        const auto& c = *s.conn;
        j["conninfo"] = {
            {"token", c.token},
            {"sndbuf", c.sndbuf_size},
            {"rmbe", c.rmbe_size},
            {"peer_rmbe", c.peer_rmbe_size},
            {"rx_prod", cursor_json(c.rx_prod)},
            {"rx_cons", cursor_json(c.rx_cons)},
            {"tx_prod", cursor_json(c.tx_prod)},
            {"tx_cons", cursor_json(c.tx_cons)},
            {"rx_prod_flags", c.rx_prod_flags},
            {"rx_conn_state_flags", c.rx_conn_state_flags},
            {"tx_prod_flags", c.tx_prod_flags},
            {"tx_conn_state_flags", c.tx_conn_state_flags},
            {"tx_prep", cursor_json(c.tx_prep)},
            {"tx_sent", cursor_json(c.tx_sent)},
            {"tx_fin", cursor_json(c.tx_fin)},
        };
    }
    if (s.lgr) {
        const auto& l = *s.lgr;
        j["lgrinfo"] = {
            {"role", smc::role_name(l.role)}, {"link_id", l.link_id}, {"ib_device", l.ib_name},
            {"ib_port", l.ib_port},           {"gid", l.gid},         {"peer_gid", l.peer_gid}};
    }
    if (s.dmb) {
        const auto& d = *s.dmb;
        j["dmbinfo"] = {{"link_id", d.link_id},
                        {"gid", d.my_gid},
                        {"peer_gid", d.peer_gid},
                        {"token", d.token},
                        {"peer_token", d.peer_token}};
    }
    return j;
}

json link_group_json(const smc::LinkGroup& g) {
    json j = {{"id", hex8(g.id)},
              {"role", smc::role_name(g.role)},
              {"type", smc::lgr_type_name(g.type)},
              {"pnetid", g.pnetid},
              {"vlan", g.vlan},
              {"conns", g.conns}};
    if (g.v2) {
        j["version"] = g.v2->version;
        j["release"] = g.v2->release;
        j["peer_os"] = smc::peer_os_name(g.v2->peer_os);
        j["peer_host"] = g.v2->peer_host;
        j["negotiated_eid"] = g.v2->negotiated_eid;
        if (g.v2->max_conns) {
            j["max_conns"] = *g.v2->max_conns;
        }
        if (g.v2->max_links) {
            j["max_links"] = *g.v2->max_links;
        }
    }
    if (g.v2_direct) {
        j["direct"] = *g.v2_direct;
    }
    if (g.net_cookie) {
        j["net_cookie"] = *g.net_cookie;
    }
    if (g.buf_type) {
        j["buf_type"] = smc::buf_type_name(*g.buf_type);
    }
    if (g.sndbuf_alloc) {
        j["sndbuf_alloc"] = *g.sndbuf_alloc;
    }
    if (g.rmb_alloc) {
        j["rmb_alloc"] = *g.rmb_alloc;
    }
    return j;
}

json link_json(const smc::Link& l) {
    return {{"lgr_id", hex8(l.lgr_id)},
            {"id", l.id},
            {"state", smc::link_state_name(l.state)},
            {"conns", l.conns},
            {"netdev", l.netdev},
            {"ifindex", l.netdev_ifindex},
            {"ib_device", l.ib_dev},
            {"ib_port", l.ib_port},
            {"gid", l.gid},
            {"peer_gid", l.peer_gid},
            {"uid", hex8(l.uid)},
            {"peer_uid", hex8(l.peer_uid)}};
}

json device_json(const smc::Device& d) {
    json ports = json::array();
    for (const auto& p : d.ports) {
        ports.push_back({{"port", p.port},
                         {"active", p.active},
                         {"valid", p.valid},
                         {"netdev", p.netdev},
                         {"ifindex", p.netdev_ifindex},
                         {"pnetid", p.pnetid},
                         {"pnetid_by_user", p.pnetid_by_user},
                         {"links", p.links}});
    }
    json j = {{"type", d.smcd ? "SMCD" : "SMCR"},
              {"ib_device", d.ib_name},
              {"critical", d.critical},
              {"use_count", d.use_cnt},
              {"ports", ports}};
    if (!d.pci_id.empty()) {
        j["pci_id"] = d.pci_id;
        j["pci_vendor"] = d.pci_vendor;
        j["pci_device"] = d.pci_device;
    }
    return j;
}

json sys_info_json(const smc::SysInfo& i) {
    json j = {{"version", i.version},
              {"release", i.release},
              {"hostname", i.hostname},
              {"ism_v2", i.ism_v2},
              {"seid", i.seid}};
    if (i.smcr_v2) {
        j["smcr_v2"] = *i.smcr_v2;
    }
    return j;
}

json pnet_json(const smc::PnetEntry& e) {
    json j = {{"pnetid", e.pnetid}};
    j["interface"] = e.ethname.empty() ? json(nullptr) : json(e.ethname);
    j["ib_device"] = e.ibname.empty() ? json(nullptr) : json(e.ibname);
    j["ib_port"] = e.ibname.empty() ? json(nullptr) : json(e.ibport);
    return j;
}

json sysctl_json(const smc::SysctlEntry& e, const std::string& module) {
    json j = {{"name", e.name}, {"value", e.value}};
    if (e.info) {
        if (e.info->numeric) {
            j["min"] = e.info->min;
            j["max"] = e.info->max;
        }
        j["default"] = smc::sysctl_default(*e.info, module);
        j["unit"] = e.info->unit;
        j["description"] = e.info->description;
    }
    return j;
}

json histogram_json(const smc::Histogram& h) {
    json j = json::object();
    const auto& labels = histogram_labels();
    for (std::size_t i = 0; i < h.size(); ++i) {
        j[labels[i]] = h[i];
    }
    return j;
}

void print_json(std::ostream& out, const json& j, bool pretty) {
    out << j.dump(pretty ? 2 : -1) << '\n';
}

} // namespace smctool
