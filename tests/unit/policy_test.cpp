// SPDX-License-Identifier: GPL-2.0 OR MIT
// The SMC policy rules: parsing (libsmc), the map encoding, and the matching code the BPF rules
// program runs (ebpf/smcr_policy.h, compiled here for user space).
#include "smc/policy.h"
#include "smcr_policy.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace {

smc::Result<uint64_t> fake_cgroup(const std::string& path) {
    if (path == "/test/a") {
        return uint64_t{4242};
    }
    return smc::Error::make(smc::Errc::not_found, "cgroup: '" + path + "' is not a cgroup");
}

smc::Result<smc::PolicyRule> parse(const std::vector<std::string>& words) {
    return smc::parse_policy_rule(words, fake_cgroup);
}

smc::PolicyRule must_parse(const std::vector<std::string>& words) {
    auto r = parse(words);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : smc::PolicyRule{};
}

smcr_policy_rule raw(const std::vector<std::string>& words) {
    smcr_policy_rule out{};
    smc::encode_policy_rule(must_parse(words), out);
    return out;
}

smcr_policy_conn conn4(const char* dst, uint16_t dport, const char* src = "0.0.0.0",
                       uint16_t sport = 0, bool server = false) {
    smcr_policy_conn c{};
    c.family = 4;
    c.server = server ? 1 : 0;
    c.dport = dport;
    c.sport = sport;
    inet_pton(AF_INET, dst, &c.dst[0]);
    inet_pton(AF_INET, src, &c.src[0]);
    c.pid = 100;
    c.cgroup_id = 4242;
    return c;
}

smcr_policy_conn conn6(const char* dst, uint16_t dport) {
    smcr_policy_conn c{};
    c.family = 6;
    c.dport = dport;
    inet_pton(AF_INET6, dst, c.dst);
    return c;
}

// What the rules program does: first match wins, else the default.
int evaluate(const std::vector<smcr_policy_rule>& rules, int dflt, smcr_policy_conn c) {
    smcr_policy_unmap(&c);
    for (const auto& r : rules) {
        if (smcr_policy_rule_matches(&r, &c)) {
            return r.verdict;
        }
    }
    return dflt;
}

TEST(PolicyParse, FullRuleRoundTrips) {
    const std::vector<std::string> words = {
        "client", "dst", "10.1.0.0/16", "src",    "10.2.3.4", "dport",   "5000-5999", "sport",
        "80",     "pid", "77",          "cgroup", "/test/a",  "verdict", "tcp"};
    const auto r = must_parse(words);
    EXPECT_EQ(smc::PolicyRule::Side::client, r.side);
    ASSERT_TRUE(r.dst);
    EXPECT_EQ(4, r.dst->family);
    EXPECT_EQ(16U, r.dst->plen);
    ASSERT_TRUE(r.dport);
    EXPECT_EQ(5000, r.dport->first);
    EXPECT_EQ(5999, r.dport->second);
    EXPECT_EQ(80, r.sport->first);
    EXPECT_EQ(80, r.sport->second);
    EXPECT_EQ(77U, *r.pid);
    EXPECT_EQ(4242U, *r.cgroup_id);
    EXPECT_FALSE(r.smc);
    EXPECT_EQ("client dst 10.1.0.0/16 src 10.2.3.4 dport 5000-5999 sport 80 pid 77 cgroup /test/a "
              "verdict tcp",
              smc::format_policy_rule(r));

    smcr_policy_rule enc{};
    smc::encode_policy_rule(r, enc);
    const auto back = smc::decode_policy_rule(enc);
    EXPECT_EQ(r, back);
}

TEST(PolicyParse, Ipv6) {
    const auto r = must_parse({"dst", "fd00::/8", "verdict", "smc"});
    ASSERT_TRUE(r.dst);
    EXPECT_EQ(6, r.dst->family);
    EXPECT_EQ(8U, r.dst->plen);
    EXPECT_TRUE(r.smc);
    EXPECT_EQ("dst fd00::/8 verdict smc", smc::format_policy_rule(r));
    smcr_policy_rule enc{};
    smc::encode_policy_rule(r, enc);
    EXPECT_EQ(r, smc::decode_policy_rule(enc));
}

TEST(PolicyParse, BadRulesAreRefusedWithAReason) {
    struct Case {
        std::vector<std::string> words;
        const char* expect; // part of the message
    };
    const Case cases[] = {
        {{}, "missing 'verdict"},
        {{"verdict", "tcp"}, "no selector"},
        {{"dport", "80"}, "missing 'verdict"},
        {{"dport", "80", "verdict", "maybe"}, "neither smc nor tcp"},
        {{"dport", "70000", "verdict", "tcp"}, "not a port"},
        {{"dport", "90-80", "verdict", "tcp"}, "empty port range"},
        {{"dport", "8x", "verdict", "tcp"}, "not a port"},
        {{"dport", "80", "dport", "81", "verdict", "tcp"}, "given twice"},
        {{"dst", "10.0.0.1/8", "verdict", "tcp"}, "bits set beyond"},
        {{"dst", "10.0.0.0/33", "verdict", "tcp"}, "longer than 32"},
        {{"dst", "fd00::/129", "verdict", "tcp"}, "bad prefix length"},
        {{"dst", "example.com", "verdict", "tcp"}, "not an IPv4 or IPv6"},
        {{"dst", "10.0.0.0/8", "src", "fd00::1", "verdict", "tcp"}, "different address families"},
        {{"pid", "0", "verdict", "tcp"}, "not a process id"},
        {{"pid", "-3", "verdict", "tcp"}, "not a process id"},
        {{"cgroup", "/nope", "verdict", "tcp"}, "is not a cgroup"},
        {{"server", "pid", "5", "verdict", "tcp"}, "never match server"},
        {{"client", "server", "verdict", "tcp"}, "once"},
        {{"dport"}, "needs a value"},
        {{"port", "80", "verdict", "tcp"}, "unknown word 'port'"},
        {{"dport", "80", "verdict", "tcp", "verdict", "smc"}, "given twice"},
    };
    for (const auto& c : cases) {
        std::string joined;
        for (const auto& w : c.words) {
            joined += w + " ";
        }
        SCOPED_TRACE(joined);
        auto r = parse(c.words);
        ASSERT_FALSE(r.ok());
        EXPECT_NE(std::string::npos, r.error().message.find(c.expect)) << r.error().message;
    }
}

TEST(PolicyMatch, PortRangesAreInclusive) {
    const auto r = raw({"dport", "5000-5009", "verdict", "tcp"});
    const auto below = conn4("10.0.0.1", 4999);
    EXPECT_FALSE(smcr_policy_rule_matches(&r, &below));
    for (uint16_t p : {5000, 5005, 5009}) {
        const auto c = conn4("10.0.0.1", p);
        EXPECT_TRUE(smcr_policy_rule_matches(&r, &c)) << p;
    }
    const auto c = conn4("10.0.0.1", 5010);
    EXPECT_FALSE(smcr_policy_rule_matches(&r, &c));
}

TEST(PolicyMatch, Ipv4Prefixes) {
    const auto r = raw({"dst", "10.1.128.0/17", "verdict", "tcp"});
    const char* in[] = {"10.1.128.0", "10.1.200.3", "10.1.255.255"};
    const char* out[] = {"10.1.127.255", "10.2.128.1", "11.1.128.1"};
    for (const char* a : in) {
        const auto c = conn4(a, 1);
        EXPECT_TRUE(smcr_policy_rule_matches(&r, &c)) << a;
    }
    for (const char* a : out) {
        const auto c = conn4(a, 1);
        EXPECT_FALSE(smcr_policy_rule_matches(&r, &c)) << a;
    }
    const auto all = raw({"dst", "0.0.0.0/0", "verdict", "tcp"});
    const auto c = conn4("192.0.2.1", 1);
    EXPECT_TRUE(smcr_policy_rule_matches(&all, &c));
    // an IPv4 rule never matches an IPv6 peer
    const auto c6 = conn6("2001:db8::1", 1);
    EXPECT_FALSE(smcr_policy_rule_matches(&all, &c6));
}

TEST(PolicyMatch, Ipv6PrefixesAcrossWords) {
    const auto r = raw({"dst", "2001:db8:0:ff80::/57", "verdict", "tcp"});
    auto c = conn6("2001:db8:0:ff80::1", 1);
    EXPECT_TRUE(smcr_policy_rule_matches(&r, &c));
    c = conn6("2001:db8:0:ffff:1:2:3:4", 1);
    EXPECT_TRUE(smcr_policy_rule_matches(&r, &c));
    c = conn6("2001:db8:0:ff00::1", 1);
    EXPECT_FALSE(smcr_policy_rule_matches(&r, &c));
    c = conn6("2001:db9:0:ff80::1", 1);
    EXPECT_FALSE(smcr_policy_rule_matches(&r, &c));
}

TEST(PolicyMatch, MappedPeersFollowIpv4Rules) {
    const std::vector<smcr_policy_rule> rules = {raw({"dst", "127.0.0.0/8", "verdict", "tcp"})};
    EXPECT_EQ(SMCR_POLICY_VERDICT_TCP,
              evaluate(rules, SMCR_POLICY_VERDICT_SMC, conn6("::ffff:127.0.0.1", 80)));
    EXPECT_EQ(SMCR_POLICY_VERDICT_SMC, evaluate(rules, SMCR_POLICY_VERDICT_SMC, conn6("::1", 80)));
}

TEST(PolicyMatch, PidAndCgroupOnlyOnTheClient) {
    const auto pid = raw({"pid", "100", "verdict", "tcp"});
    const auto cg = raw({"cgroup", "/test/a", "verdict", "tcp"});
    auto c = conn4("10.0.0.1", 80);
    EXPECT_TRUE(smcr_policy_rule_matches(&pid, &c));
    EXPECT_TRUE(smcr_policy_rule_matches(&cg, &c));
    c.pid = 101;
    c.cgroup_id = 1;
    EXPECT_FALSE(smcr_policy_rule_matches(&pid, &c));
    EXPECT_FALSE(smcr_policy_rule_matches(&cg, &c));
    auto s = conn4("10.0.0.1", 80, "10.0.0.2", 5000, true);
    EXPECT_FALSE(smcr_policy_rule_matches(&pid, &s)) << "the server side runs in a kworker";
    EXPECT_FALSE(smcr_policy_rule_matches(&cg, &s));
}

TEST(PolicyMatch, SideAndLocalPort) {
    const auto srv = raw({"server", "sport", "5000", "verdict", "tcp"});
    const auto cli = raw({"client", "dport", "5000", "verdict", "tcp"});
    const auto s = conn4("10.0.0.1", 40000, "10.0.0.2", 5000, true);
    const auto c = conn4("10.0.0.2", 5000, "0.0.0.0", 0, false);
    EXPECT_TRUE(smcr_policy_rule_matches(&srv, &s));
    EXPECT_FALSE(smcr_policy_rule_matches(&srv, &c));
    EXPECT_TRUE(smcr_policy_rule_matches(&cli, &c));
    EXPECT_FALSE(smcr_policy_rule_matches(&cli, &s));
}

TEST(PolicyMatch, FirstMatchWinsThenDefault) {
    const std::vector<smcr_policy_rule> rules = {
        raw({"dport", "5001", "verdict", "smc"}),
        raw({"dport", "5000-5009", "verdict", "tcp"}),
        raw({"dst", "10.0.0.0/8", "verdict", "smc"}),
    };
    EXPECT_EQ(SMCR_POLICY_VERDICT_SMC,
              evaluate(rules, SMCR_POLICY_VERDICT_TCP, conn4("1.2.3.4", 5001)));
    EXPECT_EQ(SMCR_POLICY_VERDICT_TCP,
              evaluate(rules, SMCR_POLICY_VERDICT_SMC, conn4("10.0.0.1", 5002)));
    EXPECT_EQ(SMCR_POLICY_VERDICT_SMC,
              evaluate(rules, SMCR_POLICY_VERDICT_TCP, conn4("10.0.0.1", 6000)));
    EXPECT_EQ(SMCR_POLICY_VERDICT_TCP,
              evaluate(rules, SMCR_POLICY_VERDICT_TCP, conn4("1.2.3.4", 6000)));
    EXPECT_EQ(SMCR_POLICY_VERDICT_SMC,
              evaluate(rules, SMCR_POLICY_VERDICT_SMC, conn4("1.2.3.4", 6000)));
}

TEST(PolicyState, PackedWord) {
    const uint32_t s = SMCR_POLICY_STATE(1, 1, 64);
    EXPECT_EQ(1U, SMCR_POLICY_STATE_SET(s));
    EXPECT_EQ(1U, SMCR_POLICY_STATE_DEFAULT(s));
    EXPECT_EQ(64U, SMCR_POLICY_STATE_COUNT(s));
    const uint32_t z = SMCR_POLICY_STATE(0, 0, 0);
    EXPECT_EQ(0U, z);
}

} // namespace
