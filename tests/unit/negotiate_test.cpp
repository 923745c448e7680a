// Unit tests of kernel/wire/negotiate.c: SMC-Rv1 prefix areas and the SMC-R version choice.
#include <gtest/gtest.h>

#include <arpa/inet.h>

#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include "clc.h"
#include "negotiate.h"
#include "reason.h"
}

namespace {

smcr_ifaddr v4(const char *a, uint8_t plen)
{
    smcr_ifaddr e{};
    e.family = 4;
    EXPECT_EQ(inet_pton(AF_INET, a, e.addr), 1) << a;
    e.prefix_len = plen;
    return e;
}

smcr_ifaddr v6(const char *a, uint8_t plen)
{
    smcr_ifaddr e{};
    e.family = 6;
    EXPECT_EQ(inet_pton(AF_INET6, a, e.addr), 1) << a;
    e.prefix_len = plen;
    return e;
}

std::vector<uint8_t> addr4(const char *a)
{
    std::vector<uint8_t> v(4);
    EXPECT_EQ(inet_pton(AF_INET, a, v.data()), 1);
    return v;
}

std::vector<uint8_t> addr6(const char *a)
{
    std::vector<uint8_t> v(16);
    EXPECT_EQ(inet_pton(AF_INET6, a, v.data()), 1);
    return v;
}

std::string str4(const uint8_t *p)
{
    char buf[INET_ADDRSTRLEN];
    return inet_ntop(AF_INET, p, buf, sizeof(buf));
}

std::string str6(const uint8_t *p)
{
    char buf[INET6_ADDRSTRLEN];
    return inet_ntop(AF_INET6, p, buf, sizeof(buf));
}

TEST(Prefix, EqualBits)
{
    const uint8_t a[4] = {10, 1, 2, 3}, b[4] = {10, 1, 2, 200}, c[4] = {10, 1, 3, 3};
    EXPECT_TRUE(smcr_prefix_equal(a, b, 24, 4));
    EXPECT_FALSE(smcr_prefix_equal(a, b, 25, 4));   // 3 = 0b00000011, 200 = 0b11001000
    EXPECT_TRUE(smcr_prefix_equal(a, c, 23, 4));    // 2 vs 3 differ in the last bit only
    EXPECT_FALSE(smcr_prefix_equal(a, c, 24, 4));
    EXPECT_TRUE(smcr_prefix_equal(a, c, 0, 4));
    EXPECT_FALSE(smcr_prefix_equal(a, b, 99, 4));   // clamped to 32
}

TEST(Prefix, LinkLocal)
{
    EXPECT_TRUE(smcr_ipv6_is_linklocal(addr6("fe80::1").data()));
    EXPECT_TRUE(smcr_ipv6_is_linklocal(addr6("febf::1").data()));
    EXPECT_FALSE(smcr_ipv6_is_linklocal(addr6("fec0::1").data()));
    EXPECT_FALSE(smcr_ipv6_is_linklocal(addr6("fd53:4d43::1").data()));
}

TEST(Prefix, FillIPv4UsesTheAddressHoldingTheSource)
{
    const smcr_ifaddr ifa[] = {v4("192.168.7.9", 24), v4("198.18.0.1", 15), v4("10.0.0.1", 8)};
    smcr_clc_proposal p{};
    ASSERT_EQ(smcr_clc_prefix_fill(&p, 4, addr4("198.19.4.4").data(), ifa, 3), 0);
    EXPECT_EQ(str4(p.ipv4_subnet), "198.18.0.0");
    EXPECT_EQ(p.ipv4_prefix_len, 15);
    EXPECT_EQ(p.ipv6_prefix_cnt, 0);

    ASSERT_EQ(smcr_clc_prefix_fill(&p, 4, addr4("10.200.1.1").data(), ifa, 3), 0);
    EXPECT_EQ(str4(p.ipv4_subnet), "10.0.0.0");
    EXPECT_EQ(p.ipv4_prefix_len, 8);

    // no address of the netdev holds the source: nothing to announce
    EXPECT_EQ(smcr_clc_prefix_fill(&p, 4, addr4("172.16.0.1").data(), ifa, 3), -ENOENT);
    EXPECT_EQ(smcr_clc_prefix_fill(&p, 4, addr4("10.0.0.1").data(), ifa, 0), -ENOENT);
    EXPECT_EQ(smcr_clc_prefix_fill(&p, 5, addr4("10.0.0.1").data(), ifa, 3), -EINVAL);
}

TEST(Prefix, FillIPv6SkipsLinkLocalAndStopsAtEight)
{
    std::vector<smcr_ifaddr> ifa = {v6("fe80::5054:ff:fe12:3456", 64), v6("fd53:4d43::1", 64),
                                    v4("198.18.0.1", 24), v6("2001:db8:1:2::7", 56)};
    smcr_clc_proposal p{};
    ASSERT_EQ(smcr_clc_prefix_fill(&p, 6, addr6("fd53:4d43::1").data(), ifa.data(), ifa.size()), 0);
    ASSERT_EQ(p.ipv6_prefix_cnt, 2);
    EXPECT_EQ(str6(p.ipv6_prefix[0].prefix), "fd53:4d43::");
    EXPECT_EQ(p.ipv6_prefix[0].prefix_len, 64);
    EXPECT_EQ(str6(p.ipv6_prefix[1].prefix), "2001:db8:1::");   // /56 cuts the 4th group
    EXPECT_EQ(p.ipv6_prefix[1].prefix_len, 56);

    for (int i = 0; i < 10; i++) {
        std::string a = "2001:db8:" + std::to_string(100 + i) + "::1";
        ifa.push_back(v6(a.c_str(), 64));
    }
    ASSERT_EQ(smcr_clc_prefix_fill(&p, 6, addr6("fd53:4d43::1").data(), ifa.data(), ifa.size()), 0);
    EXPECT_EQ(p.ipv6_prefix_cnt, SMCR_CLC_MAX_V6_PREFIX);

    // only a link-local address: nothing to announce
    const smcr_ifaddr ll[] = {v6("fe80::1", 64)};
    EXPECT_EQ(smcr_clc_prefix_fill(&p, 6, addr6("fe80::1").data(), ll, 1), -ENOENT);
    EXPECT_EQ(p.ipv6_prefix_cnt, 0);
}

TEST(Prefix, MatchIPv4NeedsSameLengthAndSubnet)
{
    smcr_clc_proposal p{};
    std::memcpy(p.ipv4_subnet, addr4("198.18.0.0").data(), 4);
    p.ipv4_prefix_len = 24;
    const smcr_ifaddr same[] = {v4("10.1.1.1", 8), v4("198.18.0.2", 24)};
    const smcr_ifaddr other_len[] = {v4("198.18.0.2", 16)};
    const smcr_ifaddr other_net[] = {v4("198.18.1.2", 24)};
    EXPECT_TRUE(smcr_clc_prefix_match(&p, same, 2));
    EXPECT_FALSE(smcr_clc_prefix_match(&p, other_len, 1));
    EXPECT_FALSE(smcr_clc_prefix_match(&p, other_net, 1));
    EXPECT_FALSE(smcr_clc_prefix_match(&p, same, 0));
    // IPv6 addresses do not count for an IPv4 prefix area
    const smcr_ifaddr only6[] = {v6("fd53:4d43::2", 64)};
    EXPECT_FALSE(smcr_clc_prefix_match(&p, only6, 1));
}

TEST(Prefix, MatchIPv6AnyListedPrefix)
{
    smcr_clc_proposal p{};
    p.ipv6_prefix_cnt = 2;
    std::memcpy(p.ipv6_prefix[0].prefix, addr6("2001:db8:9::").data(), 16);
    p.ipv6_prefix[0].prefix_len = 64;
    std::memcpy(p.ipv6_prefix[1].prefix, addr6("fd53:4d43::").data(), 16);
    p.ipv6_prefix[1].prefix_len = 64;
    const smcr_ifaddr ok[] = {v6("fe80::1", 64), v6("fd53:4d43::2", 64)};
    const smcr_ifaddr bad_len[] = {v6("fd53:4d43::2", 48)};
    const smcr_ifaddr bad_net[] = {v6("fd53:4d44::2", 64)};
    const smcr_ifaddr ll_only[] = {v6("fe80::2", 64)};
    EXPECT_TRUE(smcr_clc_prefix_match(&p, ok, 2));
    EXPECT_FALSE(smcr_clc_prefix_match(&p, bad_len, 1));
    EXPECT_FALSE(smcr_clc_prefix_match(&p, bad_net, 1));
    EXPECT_FALSE(smcr_clc_prefix_match(&p, ll_only, 1));
    // the IPv4 part is not looked at once IPv6 prefixes are listed
    const smcr_ifaddr v4only[] = {v4("0.0.0.0", 0)};
    EXPECT_FALSE(smcr_clc_prefix_match(&p, v4only, 1));
}

TEST(Prefix, FillThenMatchRoundTripsThroughTheCodec)
{
    const smcr_ifaddr client[] = {v6("fd53:4d43::1", 64), v6("fe80::1", 64)};
    const smcr_ifaddr server[] = {v6("fe80::2", 64), v6("fd53:4d43::2", 64)};
    smcr_clc_proposal p{};
    p.version = SMCR_CLC_V2;
    p.typev1 = SMCR_CLC_TYPE_R;
    p.typev2 = SMCR_CLC_TYPE_N;
    ASSERT_EQ(smcr_clc_prefix_fill(&p, 6, addr6("fd53:4d43::1").data(), client, 2), 0);
    uint8_t buf[SMCR_CLC_MAX_LEN];
    int len = smcr_clc_encode_proposal(&p, buf, sizeof(buf));
    ASSERT_GT(len, 0);
    EXPECT_EQ(len, 40 + 40 + 8 + 17 + 4);
    smcr_clc_proposal d{};
    ASSERT_EQ(smcr_clc_decode_proposal(buf, len, &d), 0);
    EXPECT_TRUE(smcr_clc_prefix_match(&d, server, 2));
}

// ---- version choice -------------------------------------------------------------------------

smcr_clc_proposal prop(uint8_t typev1, uint8_t typev2, uint8_t eids = 1, bool ext = true)
{
    smcr_clc_proposal p{};
    p.version = SMCR_CLC_V2;
    p.typev1 = typev1;
    p.typev2 = typev2;
    p.has_v2_ext = typev2 != SMCR_CLC_TYPE_N && ext;
    p.eid_cnt = p.has_v2_ext ? eids : 0;
    return p;
}

smcr_srv_caps all()
{
    return smcr_srv_caps{true, true, true, true, true};
}

struct Choice {
    uint8_t version;
    uint32_t reason;
};

Choice choose(const smcr_clc_proposal &p, const smcr_srv_caps &c)
{
    uint32_t reason = 0xdeadbeef;
    uint8_t v = smcr_srv_choose(&p, &c, &reason);
    return {v, v ? 0u : reason};
}

TEST(Choose, V2PreferredWhenBothWork)
{
    auto r = choose(prop(SMCR_CLC_TYPE_R, SMCR_CLC_TYPE_R), all());
    EXPECT_EQ(r.version, SMCR_CLC_V2);
}

TEST(Choose, V1WhenTheClientOffersOnlyV1)
{
    auto r = choose(prop(SMCR_CLC_TYPE_R, SMCR_CLC_TYPE_N), all());
    EXPECT_EQ(r.version, SMCR_CLC_V1);
    smcr_clc_proposal p1{};
    p1.version = SMCR_CLC_V1;   // a pure v1 peer
    p1.typev1 = SMCR_CLC_TYPE_R;
    p1.typev2 = SMCR_CLC_TYPE_N;
    EXPECT_EQ(choose(p1, all()).version, SMCR_CLC_V1);
}

TEST(Choose, V1WhenV2IsNotPossible)
{
    auto p = prop(SMCR_CLC_TYPE_R, SMCR_CLC_TYPE_R);
    auto c = all();
    c.ueid_match = false;   // no common UEID
    EXPECT_EQ(choose(p, c).version, SMCR_CLC_V1);
    c = all();
    c.v2_dev = false;       // e.g. IPv6: no RoCE v2 GID for SMC-Rv2
    EXPECT_EQ(choose(p, c).version, SMCR_CLC_V1);
    c = all();
    c.v2_enabled = false;   // smcr_v2=0
    EXPECT_EQ(choose(p, c).version, SMCR_CLC_V1);
    EXPECT_EQ(choose(prop(SMCR_CLC_TYPE_R, SMCR_CLC_TYPE_R, 0), all()).version, SMCR_CLC_V1);
    EXPECT_EQ(choose(prop(SMCR_CLC_TYPE_R, SMCR_CLC_TYPE_R, 1, false), all()).version,
              SMCR_CLC_V1);
}

TEST(Choose, DeclineReasonsAsLinux)
{
    auto c = all();
    // v2 only, no UEID in the Proposal / no v2 extension
    EXPECT_EQ(choose(prop(SMCR_CLC_TYPE_N, SMCR_CLC_TYPE_R, 0), c).reason, SMCR_DECL_NOUEID);
    EXPECT_EQ(choose(prop(SMCR_CLC_TYPE_N, SMCR_CLC_TYPE_R, 1, false), c).reason,
              SMCR_DECL_NOV2EXT);
    // nothing SMC-R offered
    EXPECT_EQ(choose(prop(SMCR_CLC_TYPE_D, SMCR_CLC_TYPE_N), c).reason, SMCR_DECL_NOSMCDDEV);
    EXPECT_EQ(choose(prop(SMCR_CLC_TYPE_N, SMCR_CLC_TYPE_D), c).reason, SMCR_DECL_NOSMCDDEV);
    // v2 only: UEID matches but no device; no UEID match (Linux: no reason of its own)
    c = all();
    c.v2_dev = false;
    EXPECT_EQ(choose(prop(SMCR_CLC_TYPE_N, SMCR_CLC_TYPE_R), c).reason, SMCR_DECL_NOSMCRDEV);
    c = all();
    c.ueid_match = false;
    EXPECT_EQ(choose(prop(SMCR_CLC_TYPE_N, SMCR_CLC_TYPE_R), c).reason, SMCR_DECL_NOSMCDEV);
    // v1 only: prefix mismatch; no v1 device
    c = all();
    c.prefix_match = false;
    EXPECT_EQ(choose(prop(SMCR_CLC_TYPE_R, SMCR_CLC_TYPE_N), c).reason, SMCR_DECL_DIFFPREFIX);
    c = all();
    c.v1_dev = false;
    EXPECT_EQ(choose(prop(SMCR_CLC_TYPE_R, SMCR_CLC_TYPE_N), c).reason, SMCR_DECL_NOSMCDEV);
    // both offered: the prefix reason sticks even if v2 failed for lack of a device...
    c = all();
    c.prefix_match = false;
    c.v2_dev = false;
    EXPECT_EQ(choose(prop(SMCR_CLC_TYPE_R, SMCR_CLC_TYPE_R), c).reason, SMCR_DECL_DIFFPREFIX);
    // ...but a working v2 wins over a prefix mismatch
    c.v2_dev = true;
    EXPECT_EQ(choose(prop(SMCR_CLC_TYPE_R, SMCR_CLC_TYPE_R), c).version, SMCR_CLC_V2);
    // v2 without device, then no v1 device either: the v2 reason is kept
    c = all();
    c.v2_dev = false;
    c.v1_dev = false;
    EXPECT_EQ(choose(prop(SMCR_CLC_TYPE_R, SMCR_CLC_TYPE_R), c).reason, SMCR_DECL_NOSMCRDEV);
    // SMC-R in v1 of a version-1 header only: the v2 bits mean nothing
    smcr_clc_proposal p1{};
    p1.version = SMCR_CLC_V1;
    p1.typev1 = SMCR_CLC_TYPE_R;
    p1.typev2 = SMCR_CLC_TYPE_R;
    c = all();
    c.v1_dev = false;
    EXPECT_EQ(choose(p1, c).reason, SMCR_DECL_NOSMCDEV);
}

TEST(Choose, ClientAcceptCheck)
{
    EXPECT_EQ(smcr_clnt_check_accept(SMCR_CLC_TYPE_R, SMCR_CLC_TYPE_R, 1), 0u);
    EXPECT_EQ(smcr_clnt_check_accept(SMCR_CLC_TYPE_R, SMCR_CLC_TYPE_R, 2), 0u);
    EXPECT_EQ(smcr_clnt_check_accept(SMCR_CLC_TYPE_N, SMCR_CLC_TYPE_R, 1), SMCR_DECL_MODEUNSUPP);
    EXPECT_EQ(smcr_clnt_check_accept(SMCR_CLC_TYPE_R, SMCR_CLC_TYPE_N, 2), SMCR_DECL_MODEUNSUPP);
    EXPECT_EQ(smcr_clnt_check_accept(SMCR_CLC_TYPE_R, SMCR_CLC_TYPE_N, 1), 0u);
    EXPECT_EQ(smcr_clnt_check_accept(SMCR_CLC_TYPE_B, SMCR_CLC_TYPE_N, 1), 0u);
    EXPECT_EQ(smcr_clnt_check_accept(SMCR_CLC_TYPE_D, SMCR_CLC_TYPE_D, 1), SMCR_DECL_MODEUNSUPP);
}

// ---- SMC v2.1 (release 1): max_conns / max_links --------------------------------------------

smcr_clc_proposal prop_v2x(uint8_t release, uint8_t conns, uint8_t links)
{
    smcr_clc_proposal p{};
    p.version = SMCR_CLC_V2;
    p.typev2 = SMCR_CLC_TYPE_R;
    p.release = release;
    p.max_conns = conns;
    p.max_links = links;
    return p;
}

TEST(V2x, ServerChoosesTheLowerOfBoth)
{
    smcr_v2x v{};
    auto p = prop_v2x(1, 255, 2);  // a Linux 6.12 client with default sysctls
    EXPECT_EQ(smcr_v2x_srv_choose(&p, 255, 1, &v), 0u);
    EXPECT_EQ(v.release, 1);
    EXPECT_EQ(v.max_conns, 255);
    EXPECT_EQ(v.max_links, 1);
    p = prop_v2x(3, 40, 1);  // a later release: we answer with ours
    EXPECT_EQ(smcr_v2x_srv_choose(&p, 100, 1, &v), 0u);
    EXPECT_EQ(v.release, SMCR_V2X_RELEASE);
    EXPECT_EQ(v.max_conns, 40);
    p = prop_v2x(1, 255, 2);
    EXPECT_EQ(smcr_v2x_srv_choose(&p, 64, 1, &v), 0u);
    EXPECT_EQ(v.max_conns, 64);
}

TEST(V2x, ServerRelease0IgnoresTheLimits)
{
    smcr_v2x v{};
    auto p = prop_v2x(0, 0, 0);  // Linux 6.1: release 0, the bytes are reserved (zero)
    EXPECT_EQ(smcr_v2x_srv_choose(&p, 255, 1, &v), 0u);
    EXPECT_EQ(v.release, 0);
    EXPECT_EQ(v.max_conns, SMCR_V2X_CONNS_MAX);
    EXPECT_EQ(v.max_links, 0);
}

TEST(V2x, ServerDeclinesTooLowLimits)
{
    smcr_v2x v{};
    auto p = prop_v2x(1, 15, 2);
    EXPECT_EQ(smcr_v2x_srv_choose(&p, 255, 1, &v), SMCR_DECL_MAXCONNERR);
    p = prop_v2x(1, 255, 0);
    EXPECT_EQ(smcr_v2x_srv_choose(&p, 255, 1, &v), SMCR_DECL_MAXLINKERR);
}

TEST(V2x, ClientChecksTheAccept)
{
    const smcr_v2x ours{1, 255, 1};
    smcr_v2x v{};
    smcr_clc_fce f{};
    f.release = 1;
    f.max_conns = 255;
    f.max_links = 1;
    EXPECT_EQ(smcr_v2x_clnt_check(&f, &ours, &v), 0u);
    EXPECT_EQ(v.release, 1);
    EXPECT_EQ(v.max_conns, 255);
    EXPECT_EQ(v.max_links, 1);
    f.max_links = 2;  // more links than we offered
    EXPECT_EQ(smcr_v2x_clnt_check(&f, &ours, &v), SMCR_DECL_MAXLINKERR);
    f.max_links = 0;
    EXPECT_EQ(smcr_v2x_clnt_check(&f, &ours, &v), SMCR_DECL_MAXLINKERR);
    f.max_links = 1;
    f.max_conns = 10;
    EXPECT_EQ(smcr_v2x_clnt_check(&f, &ours, &v), SMCR_DECL_MAXCONNERR);
    const smcr_v2x fewer{1, 100, 1};
    f.max_conns = 101;
    EXPECT_EQ(smcr_v2x_clnt_check(&f, &fewer, &v), SMCR_DECL_MAXCONNERR);
    f.release = 2;  // above what we proposed
    EXPECT_EQ(smcr_v2x_clnt_check(&f, &ours, &v), SMCR_DECL_RELEASEERR);
    smcr_clc_fce old{};  // a 6.1 server: release 0, reserved bytes
    EXPECT_EQ(smcr_v2x_clnt_check(&old, &ours, &v), 0u);
    EXPECT_EQ(v.release, 0);
    EXPECT_EQ(v.max_links, 0);
}

TEST(V2x, ServerChecksTheConfirm)
{
    const smcr_v2x agreed{1, 255, 1};
    smcr_clc_fce f{};
    f.release = 1;
    f.max_conns = 255;
    f.max_links = 1;
    EXPECT_EQ(smcr_v2x_srv_confirm_check(&f, &agreed), 0u);
    f.release = 0;
    EXPECT_EQ(smcr_v2x_srv_confirm_check(&f, &agreed), SMCR_DECL_RELEASEERR);
    f.release = 1;
    f.max_conns = 254;
    EXPECT_EQ(smcr_v2x_srv_confirm_check(&f, &agreed), SMCR_DECL_MAXCONNERR);
    f.max_conns = 255;
    f.max_links = 2;
    EXPECT_EQ(smcr_v2x_srv_confirm_check(&f, &agreed), SMCR_DECL_MAXLINKERR);
    const smcr_v2x v20{0, 255, 0};
    smcr_clc_fce z{};
    EXPECT_EQ(smcr_v2x_srv_confirm_check(&z, &v20), 0u);
}

}  // namespace
