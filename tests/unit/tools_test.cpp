// SPDX-License-Identifier: GPL-2.0 OR MIT
// The userspace toolkit's pure parts: word matching, number and address formatting, smcss filters,
// reason naming, JSON shapes, smcstat's summary / ranking / rates, and libsmc's input checks.
#include "cli.h"
#include "filter.h"
#include "format.h"
#include "json.h"
#include "smc/gen_netlink.h"
#include "smc/mib.h"
#include "smc/names.h"
#include "smc/pnet.h"
#include "smc/sysctl.h"
#include "stats.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sstream>
#include <sys/socket.h>

namespace {

using namespace smctool;

constexpr uint32_t kPeerNoSmc = 0x03010000;
constexpr uint32_t kNoSmcDev = 0x03030000;
constexpr uint32_t kPeerDecl = 0x05000000;

// ---- helpers
// ---------------------------------------------------------------------------------------

smc::Socket Sock4(const char* src, uint16_t sport, const char* dst, uint16_t dport,
                  uint8_t state = 1, smc::SockMode mode = smc::SockMode::smcr) {
    smc::Socket s;
    s.family = AF_INET;
    inet_pton(AF_INET, src, s.src.data());
    inet_pton(AF_INET, dst, s.dst.data());
    s.sport = sport;
    s.dport = dport;
    s.state = state;
    s.mode = mode;
    return s;
}

smc::Socket Sock6(const char* src, uint16_t sport, const char* dst, uint16_t dport) {
    smc::Socket s;
    s.family = AF_INET6;
    inet_pton(AF_INET6, src, s.src.data());
    inet_pton(AF_INET6, dst, s.dst.data());
    s.sport = sport;
    s.dport = dport;
    s.state = 1;
    return s;
}

SockFilter Filter(std::initializer_list<std::string> words) {
    std::vector<std::string> v(words);
    return SockFilter::parse(v);
}

std::string UsageMessage(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const ToolError& e) {
        EXPECT_EQ(kExitUsage, e.code());
        return e.what();
    }
    ADD_FAILURE() << "no ToolError";
    return {};
}

// ---- cli
// -------------------------------------------------------------------------------------------

TEST(Cli, EditDistance) {
    EXPECT_EQ(0u, edit_distance("ueid", "ueid"));
    EXPECT_EQ(2u, edit_distance("uied", "ueid"));
    EXPECT_EQ(1u, edit_distance("shw", "show"));
    EXPECT_EQ(4u, edit_distance("", "pnet"));
}

TEST(Cli, MatchWordExactPrefixAmbiguousUnknown) {
    constexpr std::array<std::string_view, 6> kObjs = {"info", "ueid",   "seid",
                                                       "pnet", "sysctl", "hs-limit"};
    EXPECT_EQ("ueid", match_word("ueid", kObjs, "object"));
    EXPECT_EQ("ueid", match_word("u", kObjs, "object"));
    EXPECT_EQ("sysctl", match_word("sy", kObjs, "object"));
    EXPECT_EQ("hs-limit", match_word("hs", kObjs, "object"));
    EXPECT_EQ("Ambiguous object 's': could be 'seid' or 'sysctl'",
              UsageMessage([&] { match_word("s", kObjs, "object"); }));
    EXPECT_EQ("Unknown object 'uied'; did you mean 'ueid'?",
              UsageMessage([&] { match_word("uied", kObjs, "object"); }));
    EXPECT_EQ("Unknown command 'shwo' for 'ueid'; did you mean 'show'?", UsageMessage([&] {
                  constexpr std::array<std::string_view, 4> kCmds = {"show", "add", "del", "flush"};
                  match_word("shwo", kCmds, "command", " for 'ueid'");
              }));
    // Nothing close: the choices are listed.
    EXPECT_EQ("Unknown object 'zzzzzz'; expected 'info', 'ueid', 'seid', 'pnet', 'sysctl' or "
              "'hs-limit'",
              UsageMessage([&] { match_word("zzzzzz", kObjs, "object"); }));
}

TEST(Cli, Numbers) {
    EXPECT_EQ(42u, parse_u64("42").value());
    EXPECT_FALSE(parse_u64("-1"));
    EXPECT_FALSE(parse_u64("4x"));
    EXPECT_FALSE(parse_u64(""));
    EXPECT_EQ(64u << 10, parse_size("64K").value());
    EXPECT_EQ(2u << 20, parse_size("2m").value());
    EXPECT_FALSE(parse_size("K"));
    EXPECT_DOUBLE_EQ(0.5, parse_seconds("0.5").value());
    EXPECT_FALSE(parse_seconds("0"));
    EXPECT_FALSE(parse_seconds("-1"));
    EXPECT_FALSE(parse_seconds("1s"));
}

// ---- format
// ----------------------------------------------------------------------------------------

TEST(Format, Bytes) {
    EXPECT_EQ("0 B", format_bytes(0));
    EXPECT_EQ("1023 B", format_bytes(1023));
    EXPECT_EQ("1.0 KiB", format_bytes(1024));
    EXPECT_EQ("1.5 KiB", format_bytes(1536));
    EXPECT_EQ("1.0 MiB", format_bytes((1 << 20) - 1)); // not "1024.0 KiB"
    EXPECT_EQ("96.1 MiB", format_bytes(100763648));
    EXPECT_EQ("2.0 GiB", format_bytes(2ULL << 30));
    EXPECT_EQ("12345", format_size(12345, true));
    EXPECT_EQ("12.1 KiB", format_size(12345, false));
}

TEST(Format, RatesAndBuffers) {
    EXPECT_EQ("0", format_rate(0));
    EXPECT_EQ("0.5", format_rate(0.5));
    EXPECT_EQ("123", format_rate(123.4));
    EXPECT_EQ("12.3k", format_rate(12345));
    EXPECT_EQ("2.0M", format_rate(2e6));
    EXPECT_EQ("1.0 MiB/s", format_byte_rate(1 << 20));
    EXPECT_EQ("64K", format_bufsize(65536));
    EXPECT_EQ("1M", format_bufsize(1 << 20));
    EXPECT_EQ("1000 B", format_bufsize(1000));
    EXPECT_EQ("00000100", hex8(0x100));
    EXPECT_EQ("3:4096", format_cursor({3, 4096}));
}

TEST(Format, Endpoints) {
    const auto s = Sock4("198.18.0.1", 40000, "198.18.0.2", 5201);
    EXPECT_EQ("198.18.0.1:40000", format_endpoint(s.family, s.src, s.sport));
    const auto s6 = Sock6("fd53:4d43::1", 1, "::", 0);
    EXPECT_EQ("[fd53:4d43::1]:1", format_endpoint(s6.family, s6.src, s6.sport));
    EXPECT_EQ("*:*", format_endpoint(s6.family, s6.dst, s6.dport));
    EXPECT_EQ("*", format_addr(AF_INET, std::array<uint8_t, 16>{}));
}

TEST(Format, TableAlignsAfterAllRows) {
    Table t({{"name"}, {"n", Align::right}, {"text"}});
    t.add({"a", "1", "x"});
    t.add({"longer", "1000", "y"}, {"detail line"});
    std::ostringstream out;
    t.print(out);
    EXPECT_EQ("name       n  text\n"
              "a          1  x\n"
              "longer  1000  y\n"
              "\tdetail line\n",
              out.str());
}

// ---- names (kernel/wire/reason.h through libsmc)
// ---------------------------------------------------

TEST(Names, Reasons) {
    EXPECT_EQ("PEERNOSMC", smc::reason_name(kPeerNoSmc));
    EXPECT_TRUE(smc::reason_known(kPeerNoSmc));
    EXPECT_FALSE(smc::reason_text(kPeerNoSmc).empty());
    EXPECT_EQ("0x03abcdef", smc::reason_name(0x03abcdef));
    EXPECT_EQ("unknown reason code 0x03abcdef", smc::reason_text(0x03abcdef));
    EXPECT_EQ(kNoSmcDev, smc::reason_from_name("nosmcdev").value());
    EXPECT_EQ(kPeerDecl, smc::reason_from_name("SMC_CLC_DECL_PEERDECL").value());
    EXPECT_FALSE(smc::reason_from_name("NOPE"));
    EXPECT_EQ("PEERNOSMC, " + smc::reason_text(kPeerNoSmc), smc::reason_phrase(kPeerNoSmc));
    const auto all = smc::all_reasons();
    ASSERT_GT(all.size(), 30u);
    EXPECT_EQ("resource", all.front().class_name);
}

TEST(Names, ModeDescriptionSaysWhy) {
    auto s = Sock4("1.1.1.1", 1, "2.2.2.2", 2, 1, smc::SockMode::fallback_tcp);
    s.fallback_reason = kPeerNoSmc;
    EXPECT_EQ("TCP (fallback: PEERNOSMC, " + smc::reason_text(kPeerNoSmc) + ")",
              smc::mode_description(s));
    s.fallback_reason = kPeerDecl;
    s.peer_diagnosis = kNoSmcDev;
    EXPECT_EQ("TCP (fallback: PEERDECL, " + smc::reason_text(kPeerDecl) + "; peer: NOSMCDEV, " +
                  smc::reason_text(kNoSmcDev) + ")",
              smc::mode_description(s));
    s.mode = smc::SockMode::smcr;
    EXPECT_EQ("SMCR", smc::mode_description(s));
}

TEST(Names, StatesAndMore) {
    for (const char* n : {"ACTIVE", "INIT", "CLOSED", "LISTEN", "PEERCLOSEWAIT1", "PROCESSABORT"}) {
        EXPECT_EQ(n, smc::state_name(smc::state_from_name(n).value()));
    }
    EXPECT_EQ(10, smc::state_from_name("listen").value());
    EXPECT_EQ("UNKNOWN(99)", smc::state_name(99));
    EXPECT_EQ("<->", smc::shutdown_arrows(0));
    EXPECT_EQ("--->", std::string("-") + smc::shutdown_arrows(1)); // receive shut
    EXPECT_EQ("<--", smc::shutdown_arrows(2));
    EXPECT_EQ("---", smc::shutdown_arrows(3));
    EXPECT_EQ("::ffff:198.18.0.1", smc::gid_from_kernel("0000:0000:0000:0000:0000:ffff:c612:0001"));
    EXPECT_EQ("garbage", smc::gid_from_kernel("garbage"));
    EXPECT_EQ("single", smc::lgr_type_name(1));
    EXPECT_EQ("active", smc::link_state_name(3));
    EXPECT_EQ("Linux", smc::peer_os_name(2));
}

// ---- smcss filters
// ---------------------------------------------------------------------------------

TEST(Filter, EmptyMatchesAll) {
    const auto f = Filter({});
    EXPECT_TRUE(f.matches(Sock4("1.1.1.1", 1, "2.2.2.2", 2)));
    EXPECT_FALSE(f.mentions_state());
}

TEST(Filter, Ports) {
    const auto s = Sock4("198.18.0.1", 5201, "198.18.0.2", 40000);
    EXPECT_TRUE(Filter({"sport", "=", ":5201"}).matches(s));
    EXPECT_TRUE(Filter({"sport", ":5201"}).matches(s));
    EXPECT_TRUE(Filter({"sport", "eq", "5201"}).matches(s));
    EXPECT_FALSE(Filter({"dport", "=", ":5201"}).matches(s));
    EXPECT_TRUE(Filter({"dport", ">", "1024"}).matches(s));
    EXPECT_TRUE(Filter({"dport", "ge", "40000"}).matches(s));
    EXPECT_FALSE(Filter({"dport", "lt", "40000"}).matches(s));
    EXPECT_TRUE(Filter({"sport", "!=", ":22"}).matches(s));
}

TEST(Filter, Addresses) {
    const auto s = Sock4("198.18.0.1", 5201, "198.18.0.2", 40000);
    EXPECT_TRUE(Filter({"src", "198.18.0.1"}).matches(s));
    EXPECT_TRUE(Filter({"src", "198.18.0.0/24"}).matches(s));
    EXPECT_FALSE(Filter({"src", "10.0.0.0/8"}).matches(s));
    EXPECT_TRUE(Filter({"dst", "198.18.0.2:40000"}).matches(s));
    EXPECT_FALSE(Filter({"dst", "198.18.0.2:40001"}).matches(s));
    EXPECT_TRUE(Filter({"dst", "*:40000"}).matches(s));
    EXPECT_TRUE(Filter({"dst", "!=", "10.1.1.1"}).matches(s));
    EXPECT_FALSE(Filter({"src", "fd53::/16"}).matches(s)); // other family
    const auto s6 = Sock6("fd53:4d43::1", 5201, "fd53:4d43::2", 40000);
    EXPECT_TRUE(Filter({"src", "fd53:4d43::/64"}).matches(s6));
    EXPECT_TRUE(Filter({"dst", "[fd53:4d43::2]:40000"}).matches(s6));
    EXPECT_FALSE(Filter({"dst", "[fd53:4d43::3]"}).matches(s6));
}

TEST(Filter, StatesModesReasons) {
    auto listen = Sock4("0.0.0.0", 5201, "0.0.0.0", 0, 10);
    auto fb = Sock4("1.1.1.1", 1, "2.2.2.2", 2, 1, smc::SockMode::fallback_tcp);
    fb.fallback_reason = kPeerNoSmc;
    auto r = Sock4("1.1.1.1", 1, "2.2.2.2", 3, 1, smc::SockMode::smcr);
    const auto st = Filter({"state", "listen"});
    EXPECT_TRUE(st.mentions_state());
    EXPECT_TRUE(st.matches(listen));
    EXPECT_FALSE(st.matches(r));
    EXPECT_TRUE(Filter({"state", "connected"}).matches(r));
    EXPECT_FALSE(Filter({"state", "connected"}).matches(listen));
    EXPECT_TRUE(Filter({"exclude", "LISTEN"}).matches(r));
    EXPECT_TRUE(Filter({"mode", "fallback"}).matches(fb));
    EXPECT_FALSE(Filter({"mode", "fallback"}).matches(r));
    EXPECT_TRUE(Filter({"mode", "smc"}).matches(r));
    EXPECT_TRUE(Filter({"mode", "smcr"}).matches(r));
    EXPECT_TRUE(Filter({"reason", "PEERNOSMC"}).matches(fb));
    EXPECT_FALSE(Filter({"reason", "NOSMCDEV"}).matches(fb));
    EXPECT_FALSE(Filter({"mode", "fallback"}).mentions_state());
}

TEST(Filter, Connectives) {
    const auto s = Sock4("198.18.0.1", 5201, "198.18.0.2", 40000);
    EXPECT_TRUE(Filter({"sport", "=", ":5201", "and", "dport", "=", ":40000"}).matches(s));
    EXPECT_TRUE(Filter({"sport", "=", ":5201", "dport", "=", ":40000"}).matches(s)); // implicit and
    EXPECT_TRUE(Filter({"sport", "=", ":1", "or", "dport", "=", ":40000"}).matches(s));
    EXPECT_FALSE(Filter({"not", "sport", "=", ":5201"}).matches(s));
    EXPECT_TRUE(Filter({"!", "(", "sport", "=", ":1", "or", "sport", "=", ":2", ")"}).matches(s));
    EXPECT_TRUE(Filter({"(sport", "=", ":1", "||", "sport", "=", ":5201)", "&&", "mode", "smcr"})
                    .matches(s));
    EXPECT_EQ("((sport = :1 or sport = :5201) and mode smcr)",
              Filter({"(sport", "=", ":1", "||", "sport", "=", ":5201)", "&&", "mode", "smcr"})
                  .describe());
}

TEST(Filter, Errors) {
    EXPECT_EQ("bad filter: unknown keyword 'sprot'; did you mean 'sport'? (see smcss --help)",
              UsageMessage([] {
                  Filter({"sprot", "=", ":1"});
              }));
    EXPECT_EQ("bad filter: missing port (see smcss --help)", UsageMessage([] {
                  Filter({"sport", "="});
              }));
    EXPECT_EQ("bad filter: bad port '70000' (see smcss --help)", UsageMessage([] {
                  Filter({"sport", "70000"});
              }));
    EXPECT_EQ("bad filter: bad address '1.2.3' (see smcss --help)", UsageMessage([] {
                  Filter({"src", "1.2.3"});
              }));
    EXPECT_EQ("bad filter: unknown state 'ACTVE'; did you mean 'ACTIVE'? (see smcss --help)",
              UsageMessage([] {
                  Filter({"state", "ACTVE"});
              }));
    EXPECT_EQ("bad filter: missing ')' (see smcss --help)", UsageMessage([] {
                  Filter({"(", "mode", "smcr"});
              }));
    EXPECT_EQ("bad filter: unexpected ')' (see smcss --help)", UsageMessage([] {
                  Filter({"mode", "smcr", ")"});
              }));
}

TEST(Filter, DefaultScopes) {
    EXPECT_TRUE(in_scope(1, StateScope::connected));   // ACTIVE
    EXPECT_TRUE(in_scope(20, StateScope::connected));  // PEERCLOSEWAIT1
    EXPECT_FALSE(in_scope(10, StateScope::connected)); // LISTEN
    EXPECT_FALSE(in_scope(2, StateScope::connected));  // INIT
    EXPECT_FALSE(in_scope(7, StateScope::connected));  // CLOSED
    EXPECT_TRUE(in_scope(10, StateScope::listening));
    EXPECT_FALSE(in_scope(1, StateScope::listening));
    EXPECT_TRUE(in_scope(7, StateScope::all));
}

// ---- JSON shapes
// -----------------------------------------------------------------------------------

TEST(Json, Socket) {
    auto s = Sock4("198.18.0.1", 40000, "198.18.0.2", 5201, 1, smc::SockMode::fallback_tcp);
    s.fallback_reason = kPeerNoSmc;
    s.uid = 1000;
    s.inode = 4242;
    s.users.push_back({123, 4, "smcr_xfer"});
    const json j = socket_json(s);
    EXPECT_EQ("ACTIVE", j["state"]);
    EXPECT_EQ("TCP", j["mode"]);
    EXPECT_EQ("inet", j["family"]);
    EXPECT_EQ("198.18.0.1", j["local"]["addr"]);
    EXPECT_EQ(40000, j["local"]["port"]);
    EXPECT_EQ(5201, j["peer"]["port"]);
    EXPECT_EQ(kPeerNoSmc, j["fallback"]["reason"]["code"]);
    EXPECT_EQ("PEERNOSMC", j["fallback"]["reason"]["name"]);
    EXPECT_TRUE(j["fallback"]["peer_diagnosis"].is_null());
    EXPECT_EQ("smcr_xfer", j["users"][0]["comm"]);
    EXPECT_EQ(123, j["users"][0]["pid"]);
    EXPECT_FALSE(j.contains("conninfo"));

    s.mode = smc::SockMode::smcr;
    s.conn = smc::ConnInfo{};
    s.conn->sndbuf_size = 65536;
    s.lgr = smc::LgrInfo{0, 1, "rxe0", 1, "::ffff:198.18.0.1", "::ffff:198.18.0.2"};
    const json r = socket_json(s);
    EXPECT_FALSE(r.contains("fallback"));
    EXPECT_EQ(65536, r["conninfo"]["sndbuf"]);
    EXPECT_EQ("rxe0", r["lgrinfo"]["ib_device"]);
    EXPECT_EQ("client", r["lgrinfo"]["role"]);
    // Key order as written (ordered_json).
    EXPECT_EQ("state", r.begin().key());
}

TEST(Json, PnetAndSysctl) {
    const json e = pnet_json({"NET1", "eth0", "", 255});
    EXPECT_EQ("eth0", e["interface"]);
    EXPECT_TRUE(e["ib_device"].is_null());
    EXPECT_TRUE(e["ib_port"].is_null());
    const json i = pnet_json({"NET1", "", "rxe0", 1});
    EXPECT_EQ(1, i["ib_port"]);
    const json s = sysctl_json({"net.smc.wmem", "65536", smc::sysctl_info("wmem")});
    EXPECT_EQ(16384, s["min"]);
    EXPECT_EQ("bytes", s["unit"]);
    // the default shown is the loaded module's: ours differs for the buffer sizes only
    EXPECT_EQ("65536", s["default"]);
    EXPECT_EQ("65536",
              sysctl_json({"net.smc.wmem", "65536", smc::sysctl_info("wmem")}, "smc")["default"]);
    EXPECT_EQ("262144",
              sysctl_json({"net.smc.rmem", "262144", smc::sysctl_info("rmem")}, "smcr")["default"]);
    EXPECT_EQ("65536", sysctl_json({"net.smc.autocorking_size", "65536",
                                    smc::sysctl_info("autocorking_size")},
                                   "smcr")["default"]);
}

// ---- smcstat model
// -----------------------------------------------------------------------------------

Snapshot MakeSnapshot(double t, uint64_t clnt_v2, uint64_t fb_client, uint64_t tx_bytes) {
    Snapshot s;
    s.time = t;
    s.stats = smc::Stats{};
    s.stats->smcr.clnt_v2_succ = clnt_v2;
    s.stats->smcr.tx_bytes = tx_bytes;
    s.stats->smcr.tx_calls = tx_bytes / 1000;
    s.stats->srv_hs_err = 1;
    s.fallbacks = smc::FallbackStats{};
    s.fallbacks->client_total = fb_client;
    s.fallbacks->client = {{kPeerNoSmc, fb_client}};
    return s;
}

TEST(Stats, Summary) {
    const Summary sum = summarize(MakeSnapshot(0, 3, 2, 0));
    EXPECT_EQ(3u, sum.client.smcr_v2);
    EXPECT_EQ(3u, sum.client.smc());
    EXPECT_EQ(2u, sum.client.fallbacks);
    EXPECT_EQ(5u, sum.client.total());
    EXPECT_EQ(1u, sum.server.hs_errors);
    EXPECT_EQ(1u, sum.server.total());
    EXPECT_FALSE(sum.from_mib);
}

TEST(Stats, SummaryFromSmcrCountersWithoutNetlink) {
    Snapshot s;
    s.mib = smc::parse_mib("SockCreate 9\nClntFallback 4\nSrvFallback 3\nbogus line here\n");
    const Summary sum = summarize(s);
    EXPECT_TRUE(sum.from_mib);
    EXPECT_EQ(4u, sum.client.fallbacks);
    EXPECT_EQ(3u, sum.server.fallbacks);
    ASSERT_EQ(3u, s.mib->size());
    EXPECT_EQ("SockCreate", s.mib->front().first);
}

TEST(Stats, ReasonsRankedByCount) {
    smc::FallbackStats f;
    f.client = {{kNoSmcDev, 1}, {kPeerNoSmc, 5}};
    f.server = {{kPeerDecl, 5}, {kPeerNoSmc, 2}};
    const auto r = rank_reasons(f);
    ASSERT_EQ(4u, r.size());
    EXPECT_EQ(kPeerNoSmc, r[0].code); // 5, client before server on a tie
    EXPECT_FALSE(r[0].server);
    EXPECT_EQ(kPeerDecl, r[1].code);
    EXPECT_TRUE(r[1].server);
    EXPECT_EQ(2u, r[2].count);
    EXPECT_EQ(kNoSmcDev, r[3].code);
}

TEST(Stats, Rates) {
    const Rates r = compute_rates(MakeSnapshot(10, 3, 2, 1000000), MakeSnapshot(12, 7, 4, 5000000));
    EXPECT_DOUBLE_EQ(2.0, r.interval);
    EXPECT_DOUBLE_EQ(2.0, r.smc);       // 4 in 2 s
    EXPECT_DOUBLE_EQ(1.0, r.fallbacks); // 2 in 2 s
    EXPECT_DOUBLE_EQ(3.0, r.connections);
    EXPECT_DOUBLE_EQ(0.0, r.hs_errors);
    EXPECT_DOUBLE_EQ(2000000.0, r.tx_bytes);
    EXPECT_DOUBLE_EQ(2000.0, r.tx_calls);
    // A reset in between: the new values are the deltas.
    const Rates z = compute_rates(MakeSnapshot(0, 100, 0, 0), MakeSnapshot(1, 3, 0, 0));
    EXPECT_DOUBLE_EQ(3.0, z.smc);
    EXPECT_EQ(5u, counter_delta(10, 15));
    EXPECT_EQ(3u, counter_delta(10, 3));
    EXPECT_DOUBLE_EQ(0.0, compute_rates(MakeSnapshot(1, 1, 1, 1), MakeSnapshot(1, 2, 2, 2)).smc);
}

TEST(Stats, SnapshotJsonShape) {
    Snapshot s = MakeSnapshot(0, 3, 2, 4096);
    s.stats->smcr.tx_payload[1] = 7;
    s.link_groups = std::vector<smc::LinkGroup>{};
    s.errors["devices"] = "permission denied";
    const json j = snapshot_json(s);
    EXPECT_EQ(3, j["connections"]["client"]["smcr_v2"]);
    EXPECT_EQ(3, j["connections"]["client"]["smc"]);
    EXPECT_EQ(2, j["connections"]["client"]["fallbacks"]);
    EXPECT_EQ(5, j["connections"]["client"]["total"]);
    EXPECT_EQ("PEERNOSMC", j["fallback_reasons"][0]["name"]);
    EXPECT_EQ("client", j["fallback_reasons"][0]["side"]);
    EXPECT_EQ(2, j["fallback_reasons"][0]["count"]);
    EXPECT_EQ(4096, j["smcr"]["tx"]["bytes"]);
    EXPECT_EQ(7, j["smcr"]["tx"]["request_sizes"]["16K"]);
    EXPECT_TRUE(j["smcr"]["tx"].contains("peer_buffer_full"));
    EXPECT_FALSE(j["smcr"]["rx"].contains("peer_buffer_full"));
    EXPECT_TRUE(j["link_groups"].is_array());
    EXPECT_FALSE(j.contains("links"));
    EXPECT_EQ("permission denied", j["unavailable"]["devices"]);
    const json w = rates_json(compute_rates(MakeSnapshot(0, 0, 0, 0), MakeSnapshot(1, 1, 0, 0)),
                              summarize(s), "12:00:00");
    EXPECT_EQ("12:00:00", w["time"]);
    EXPECT_DOUBLE_EQ(1.0, w["rates"]["smc"].get<double>());
    EXPECT_EQ(3, w["totals"]["client"]["smcr_v2"]);
}

// ---- libsmc input checks
// -----------------------------------------------------------------------------

TEST(Libsmc, Ueid) {
    EXPECT_EQ("SMCR-TEST.1", smc::normalize_ueid("smcr-test.1").value());
    EXPECT_EQ(smc::Errc::invalid, smc::normalize_ueid("").error().code);
    EXPECT_EQ(smc::Errc::invalid, smc::normalize_ueid("-ABC").error().code);
    EXPECT_EQ(smc::Errc::invalid, smc::normalize_ueid("A..B").error().code);
    EXPECT_EQ(smc::Errc::invalid, smc::normalize_ueid("A B").error().code);
    EXPECT_EQ(smc::Errc::invalid, smc::normalize_ueid(std::string(33, 'A')).error().code);
    EXPECT_TRUE(smc::normalize_ueid(std::string(32, 'A')).ok());
    EXPECT_EQ("invalid UEID 'a b': only letters, digits, '.' and '-' are allowed",
              smc::normalize_ueid("a b").error().message);
}

TEST(Libsmc, Pnetid) {
    EXPECT_EQ("NET1", smc::normalize_pnetid("net1").value());
    EXPECT_FALSE(smc::normalize_pnetid("NET-1").ok());
    EXPECT_FALSE(smc::normalize_pnetid(std::string(17, 'A')).ok());
    EXPECT_FALSE(smc::normalize_pnetid("").ok());
}

TEST(Libsmc, SysctlNamesAndRanges) {
    EXPECT_EQ("wmem", smc::sysctl_short_name("net.smc.wmem"));
    EXPECT_EQ("wmem", smc::sysctl_short_name("net/smc/wmem"));
    EXPECT_EQ("wmem", smc::sysctl_short_name("wmem"));
    ASSERT_NE(nullptr, smc::sysctl_info("net.smc.smcr_buf_type"));
    EXPECT_EQ(nullptr, smc::sysctl_info("nope"));
    EXPECT_TRUE(smc::sysctl_check("wmem", "65536").ok());
    const auto low = smc::sysctl_check("wmem", "100");
    EXPECT_EQ(smc::Errc::range, low.error().code);
    EXPECT_EQ("value 100 out of range for net.smc.wmem: 16384 .. 1073741823 bytes",
              low.error().message);
    EXPECT_EQ(smc::Errc::range, smc::sysctl_check("smcr_buf_type", "3").error().code);
    EXPECT_EQ(smc::Errc::invalid, smc::sysctl_check("smcr_buf_type", "two").error().code);
    EXPECT_EQ(smc::Errc::range, smc::sysctl_check("autocorking_size", "-1").error().code);
    EXPECT_TRUE(smc::sysctl_check("hs_ctrl", "anything").ok()); // a string sysctl
    EXPECT_TRUE(smc::sysctl_check("unknown_future_knob", "x").ok());
    // The table is sorted and complete enough to document.
    const auto known = smc::known_sysctls();
    for (std::size_t i = 1; i < known.size(); ++i) {
        EXPECT_LT(std::string(known[i - 1].name), std::string(known[i].name));
    }
}

TEST(Libsmc, ErrorMessages) {
    const auto e = smc::Error::from_errno(EPERM, "changing the UEID table");
    EXPECT_EQ(smc::Errc::permission, e.code);
    EXPECT_EQ("permission denied: changing the UEID table needs CAP_NET_ADMIN", e.message);
    const auto n = smc::Error::from_errno(EOPNOTSUPP, "reading SMC statistics", "extack text");
    EXPECT_EQ(smc::Errc::not_supported, n.code);
    EXPECT_EQ("reading SMC statistics: not supported by the loaded SMC module (extack text)",
              n.message);
    smc::Result<int> r = smc::Error::make(smc::Errc::invalid, "bad");
    EXPECT_FALSE(r.ok());
    EXPECT_THROW(r.value(), smc::BadResultAccess);
    smc::Result<int> v = 5;
    EXPECT_EQ(5, *v);
}

} // namespace
