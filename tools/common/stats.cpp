// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "stats.h"

#include "smc/names.h"

#include <algorithm>

namespace smctool {

namespace {

uint64_t mib_value(const smc::MibCounters& mib, const std::string& name) {
    for (const auto& [n, v] : mib) {
        if (n == name) {
            return v;
        }
    }
    return 0;
}

json side_json(const SideCounts& c) {
    return {{"smcr_v1", c.smcr_v1},     {"smcr_v2", c.smcr_v2}, {"smcd_v1", c.smcd_v1},
            {"smcd_v2", c.smcd_v2},     {"smc", c.smc()},       {"handshake_errors", c.hs_errors},
            {"fallbacks", c.fallbacks}, {"policy_tcp", c.policy_tcp}, {"total", c.total()}};
}

json buffer_json(const smc::TechStats& t, bool tx) {
    const smc::BufferStats& b = tx ? t.tx_buf : t.rx_buf;
    json j = {{"bytes", tx ? t.tx_bytes : t.rx_bytes},
              {"calls", tx ? t.tx_calls : t.rx_calls},
              {"buffer_full", b.full},
              {"buffer_too_small", b.size_small}};
    if (tx) {
        j["peer_buffer_full"] = b.peer_full;
        j["peer_buffer_too_small"] = b.peer_size_small;
    }
    j["buffer_allocs"] = b.alloc;
    j["buffer_reuses"] = b.reuse;
    j["buffer_downgrades"] = b.downgrade;
    const auto& usage = tx ? t.tx_buf_usage : t.rx_buf_usage;
    if (usage) {
        j["buffer_usage"] = *usage;
    }
    j["request_sizes"] = histogram_json(tx ? t.tx_payload : t.rx_payload);
    j["buffer_sizes"] = histogram_json(tx ? t.tx_buf_size : t.rx_buf_size);
    return j;
}

json tech_json(const smc::TechStats& t) {
    return {{"rx", buffer_json(t, false)},
            {"tx", buffer_json(t, true)},
            {"special_calls",
             {{"sendpage", t.sendpage},
              {"splice", t.splice},
              {"cork", t.cork},
              {"nodelay", t.nodelay},
              {"urgent", t.urgent}}}};
}

} // namespace

Summary summarize(const Snapshot& s) {
    Summary sum;
    if (s.stats) {
        const auto& st = *s.stats;
        sum.client.smcr_v1 = st.smcr.clnt_v1_succ;
        sum.client.smcr_v2 = st.smcr.clnt_v2_succ;
        sum.client.smcd_v1 = st.smcd.clnt_v1_succ;
        sum.client.smcd_v2 = st.smcd.clnt_v2_succ;
        sum.server.smcr_v1 = st.smcr.srv_v1_succ;
        sum.server.smcr_v2 = st.smcr.srv_v2_succ;
        sum.server.smcd_v1 = st.smcd.srv_v1_succ;
        sum.server.smcd_v2 = st.smcd.srv_v2_succ;
        sum.client.hs_errors = st.clnt_hs_err;
        sum.server.hs_errors = st.srv_hs_err;
    }
    if (s.fallbacks) {
        sum.client.fallbacks = s.fallbacks->client_total;
        sum.server.fallbacks = s.fallbacks->server_total;
    } else if (s.mib) {
        sum.client.fallbacks = mib_value(*s.mib, "ClntFallback");
        sum.server.fallbacks = mib_value(*s.mib, "SrvFallback");
        sum.from_mib = true;
    }
    if (s.mib) {
        // smcr's SMC policy verdicts: counted apart from fallbacks (stock smc has none)
        sum.client.policy_tcp = mib_value(*s.mib, "PolicyTcpClnt");
        sum.server.policy_tcp = mib_value(*s.mib, "PolicyTcpSrv");
    }
    return sum;
}

std::vector<RankedReason> rank_reasons(const smc::FallbackStats& f) {
    std::vector<RankedReason> out;
    for (const auto& r : f.client) {
        out.push_back({false, r.code, r.count});
    }
    for (const auto& r : f.server) {
        out.push_back({true, r.code, r.count});
    }
    std::stable_sort(out.begin(), out.end(), [](const RankedReason& a, const RankedReason& b) {
        if (a.count != b.count) {
            return a.count > b.count;
        }
        if (a.server != b.server) {
            return !a.server;
        }
        return a.code < b.code;
    });
    return out;
}

uint64_t counter_delta(uint64_t prev, uint64_t cur) {
    return cur >= prev ? cur - prev : cur;
}

Rates compute_rates(const Snapshot& prev, const Snapshot& cur) {
    Rates r;
    r.interval = cur.time - prev.time;
    if (r.interval <= 0) {
        return r;
    }
    const Summary a = summarize(prev);
    const Summary b = summarize(cur);
    const auto rate = [&](uint64_t x, uint64_t y) {
        return static_cast<double>(counter_delta(x, y)) / r.interval;
    };
    r.connections = rate(a.client.total() + a.server.total(), b.client.total() + b.server.total());
    r.smc = rate(a.client.smc() + a.server.smc(), b.client.smc() + b.server.smc());
    r.fallbacks =
        rate(a.client.fallbacks + a.server.fallbacks, b.client.fallbacks + b.server.fallbacks);
    r.hs_errors =
        rate(a.client.hs_errors + a.server.hs_errors, b.client.hs_errors + b.server.hs_errors);
    if (prev.stats && cur.stats) {
        const auto& p = *prev.stats;
        const auto& c = *cur.stats;
        r.rx_bytes = rate(p.smcr.rx_bytes + p.smcd.rx_bytes, c.smcr.rx_bytes + c.smcd.rx_bytes);
        r.tx_bytes = rate(p.smcr.tx_bytes + p.smcd.tx_bytes, c.smcr.tx_bytes + c.smcd.tx_bytes);
        r.rx_calls = rate(p.smcr.rx_calls + p.smcd.rx_calls, c.smcr.rx_calls + c.smcd.rx_calls);
        r.tx_calls = rate(p.smcr.tx_calls + p.smcd.tx_calls, c.smcr.tx_calls + c.smcd.tx_calls);
    }
    return r;
}

json snapshot_json(const Snapshot& s) {
    const Summary sum = summarize(s);
    json j;
    if (s.stats || s.fallbacks || s.mib) {
        j["connections"] = {{"client", side_json(sum.client)}, {"server", side_json(sum.server)}};
    }
    if (s.fallbacks) {
        json reasons = json::array();
        for (const auto& r : rank_reasons(*s.fallbacks)) {
            json e = reason_json(r.code);
            e["side"] = r.server ? "server" : "client";
            e["count"] = r.count;
            reasons.push_back(e);
        }
        j["fallback_reasons"] = reasons;
    }
    if (s.stats) {
        j["smcr"] = tech_json(s.stats->smcr);
        j["smcd"] = tech_json(s.stats->smcd);
    }
    if (s.link_groups) {
        json a = json::array();
        for (const auto& g : *s.link_groups) {
            a.push_back(link_group_json(g));
        }
        j["link_groups"] = a;
    }
    if (s.links) {
        json a = json::array();
        for (const auto& l : *s.links) {
            a.push_back(link_json(l));
        }
        j["links"] = a;
    }
    if (s.devices) {
        json a = json::array();
        for (const auto& d : *s.devices) {
            a.push_back(device_json(d));
        }
        j["devices"] = a;
    }
    if (s.mib) {
        json m = json::object();
        for (const auto& [n, v] : *s.mib) {
            m[n] = v;
        }
        j["smcr_counters"] = m;
    }
    if (!s.errors.empty()) {
        json e = json::object();
        for (const auto& [k, v] : s.errors) {
            e[k] = v;
        }
        j["unavailable"] = e;
    }
    return j;
}

json rates_json(const Rates& r, const Summary& totals, const std::string& timestamp) {
    return {
        {"time", timestamp},
        {"interval", r.interval},
        {"rates",
         {{"connections", r.connections},
          {"smc", r.smc},
          {"fallbacks", r.fallbacks},
          {"handshake_errors", r.hs_errors},
          {"rx_bytes", r.rx_bytes},
          {"tx_bytes", r.tx_bytes},
          {"rx_calls", r.rx_calls},
          {"tx_calls", r.tx_calls}}},
        {"totals", {{"client", side_json(totals.client)}, {"server", side_json(totals.server)}}}};
}

} // namespace smctool
