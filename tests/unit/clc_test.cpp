// SPDX-License-Identifier: GPL-2.0 OR MIT
// CLC codec against hand-written byte vectors: encode(fields) == bytes, decode(bytes) == fields,
// and round trips. The expected fields below are written from the wire tables, independently of
// the codec.
#include "clc_test_util.h"

namespace clctest {
namespace {

// ---- expected structs, one per vector of clc_vectors.h ----------------------------------------

smcr_clc_proposal PropV1V2Ipv4() {
    auto p = Zeroed<smcr_clc_proposal>();
    p.version = 2;
    p.typev1 = SMCR_CLC_TYPE_R;
    p.typev2 = SMCR_CLC_TYPE_R;
    Set(p.sys_id, kSysIdC);
    Set(p.gid, kGid1C);
    Set(p.mac, kMacC);
    p.ipv4_subnet[0] = 192;
    p.ipv4_subnet[2] = 2;
    p.ipv4_prefix_len = 24;
    p.has_v2_ext = true;
    p.eid_cnt = 1;
    Set(p.roce_gid_v2, kGid2C);
    Set(p.ueid[0], Padded32("SMCR-TEST-UEID-1"));
    return p;
}

smcr_clc_proposal PropV1Ipv4() {
    auto p = PropV1V2Ipv4();
    p.typev2 = SMCR_CLC_TYPE_N;
    p.has_v2_ext = false;
    p.eid_cnt = 0;
    std::memset(p.roce_gid_v2, 0, sizeof(p.roce_gid_v2));
    std::memset(p.ueid, 0, sizeof(p.ueid));
    return p;
}

smcr_clc_proposal PropV2Only() {
    auto p = Zeroed<smcr_clc_proposal>();
    p.version = 2;
    p.typev1 = SMCR_CLC_TYPE_N;
    p.typev2 = SMCR_CLC_TYPE_R;
    p.has_v2_ext = true;
    p.eid_cnt = 2;
    Set(p.roce_gid_v2, kGid2C);
    Set(p.ueid[0], Padded32("SMCR-TEST-UEID-1"));
    Set(p.ueid[1], Padded32("SMCR-TEST-UEID-2"));
    return p;
}

smcr_clc_proposal PropV1Ipv6() {
    auto p = PropV1Ipv4();
    std::memset(p.ipv4_subnet, 0, sizeof(p.ipv4_subnet));
    p.ipv4_prefix_len = 0;
    p.ipv6_prefix_cnt = 2;
    const uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01};
    const uint8_t b[16] = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02};
    std::memcpy(p.ipv6_prefix[0].prefix, a, 16);
    p.ipv6_prefix[0].prefix_len = 64;
    std::memcpy(p.ipv6_prefix[1].prefix, b, 16);
    p.ipv6_prefix[1].prefix_len = 48;
    return p;
}

smcr_clc_proposal PropSmcdV2() {
    auto p = Zeroed<smcr_clc_proposal>();
    p.version = 2;
    p.typev1 = SMCR_CLC_TYPE_N;
    p.typev2 = SMCR_CLC_TYPE_B;
    p.has_v2_ext = true;
    p.eid_cnt = 1;
    p.ism_gid_cnt = 2;
    p.release = 1;
    p.seid = true;
    Set(p.roce_gid_v2, kGid2C);
    p.max_conns = 255;
    p.max_links = 2;
    p.feature_mask = 1;
    Set(p.ueid[0], Padded32("SMCR-TEST-UEID-1"));
    p.has_smcd_v2_ext = true;
    Set(p.system_eid, Padded32("SEID-TEST"));
    p.ism_v2[0].gid = 0x0101;
    p.ism_v2[0].chid = 0x0123;
    p.ism_v2[1].gid = 0x0202;
    p.ism_v2[1].chid = 0x0456;
    return p;
}

smcr_clc_proposal PropV1Legacy() {
    auto p = PropV1Ipv4();
    p.version = 1;
    return p;
}

smcr_clc_accept_confirm AcceptV1Fc() {
    auto a = Zeroed<smcr_clc_accept_confirm>();
    a.type = SMCR_CLC_ACCEPT;
    a.version = 1;
    a.first_contact = true;
    Set(a.sys_id, kSysIdS);
    Set(a.gid, kGid1S);
    Set(a.mac, kMacS);
    a.qpn = 0x000123;
    a.rmb_rkey = 0x1a2b;
    a.rmbe_idx = 1;
    a.rmbe_alert_token = 5;
    a.rmbe_size = 2;
    a.qp_mtu = 3;
    a.rmb_dma_addr = 0x00007f1234567000ULL;
    a.psn = 0xabcdef;
    return a;
}

smcr_clc_accept_confirm ConfirmV1() {
    auto a = Zeroed<smcr_clc_accept_confirm>();
    a.type = SMCR_CLC_CONFIRM;
    a.version = 1;
    Set(a.sys_id, kSysIdC);
    Set(a.gid, kGid1C);
    Set(a.mac, kMacC);
    a.qpn = 0x000456;
    a.rmb_rkey = 0x3c4d;
    a.rmbe_idx = 1;
    a.rmbe_alert_token = 9;
    a.rmbe_size = 1;
    a.qp_mtu = 3;
    a.rmb_dma_addr = 0x00007f0000100000ULL;
    a.psn = 0x123456;
    return a;
}

smcr_clc_accept_confirm AcceptV2Fc() {
    auto a = AcceptV1Fc();
    a.version = 2;
    Set(a.gid, kGid2S);
    a.qp_mtu = 5;
    Set(a.eid, Padded32("SMCR-TEST-UEID-1"));
    a.fce.v2_direct = true;
    a.fce.os_type = SMCR_CLC_OS_LINUX;
    a.fce.release = 0;
    Set(a.fce.hostname, Padded32("srv1"));
    return a;
}

smcr_clc_accept_confirm AcceptV2() {
    auto a = AcceptV2Fc();
    a.first_contact = false;
    a.fce = Zeroed<smcr_clc_fce>();
    a.rmb_rkey = 0x1a2c;
    a.rmbe_alert_token = 6;
    a.rmb_dma_addr = 0x00007f1234570000ULL;
    return a;
}

smcr_clc_accept_confirm ConfirmV2() {
    auto a = ConfirmV1();
    a.version = 2;
    Set(a.gid, kGid2C);
    a.rmb_rkey = 0x3c4e;
    a.rmbe_alert_token = 10;
    a.qp_mtu = 5;
    a.rmb_dma_addr = 0x00007f0000200000ULL;
    Set(a.eid, Padded32("SMCR-TEST-UEID-1"));
    return a;
}

smcr_clc_accept_confirm ConfirmV2Fc1() {
    auto a = ConfirmV1();
    a.version = 2;
    a.first_contact = true;
    Set(a.gid, kGid2C);
    a.qp_mtu = 5;
    Set(a.eid, Padded32("SMCR-TEST-UEID-1"));
    a.fce.v2_direct = true;
    a.fce.os_type = SMCR_CLC_OS_LINUX;
    Set(a.fce.hostname, Padded32("cli1"));
    a.gid_cnt = 1;
    Set(a.gid_list[0], kGid2C);
    return a;
}

smcr_clc_accept_confirm ConfirmV2Fc2() {
    auto a = ConfirmV2Fc1();
    a.fce.v2_direct = false;
    a.gid_cnt = 2;
    Set(a.gid_list[1], kGid2C2);
    return a;
}

smcr_clc_decline DeclineV1() {
    auto d = Zeroed<smcr_clc_decline>();
    d.version = 1;
    Set(d.sys_id, kSysIdC);
    d.peer_diagnosis = SMCR_DECL_NOSMCRDEV;
    return d;
}

smcr_clc_decline DeclineV1Syncerr() {
    auto d = Zeroed<smcr_clc_decline>();
    d.version = 1;
    d.first_contact = true;
    Set(d.sys_id, kSysIdS);
    d.peer_diagnosis = SMCR_DECL_SYNCERR;
    return d;
}

smcr_clc_decline DeclineV2() {
    auto d = Zeroed<smcr_clc_decline>();
    d.version = 2;
    Set(d.sys_id, kSysIdS);
    d.peer_diagnosis = SMCR_DECL_NOUEID;
    d.os_type = SMCR_CLC_OS_LINUX;
    return d;
}

// ---- value-parameterised: each vector with its expected struct --------------------------------

struct PropCase {
    const char* name;
    Bytes bytes;
    smcr_clc_proposal fields;
    bool canonical; // encode(fields) reproduces bytes
};
void PrintTo(const PropCase& c, std::ostream* os) {
    *os << c.name;
}

std::vector<PropCase> PropCases() {
    return {
        {"v1v2_ipv4_ueid_164", ToBytes(clc_prop_v1v2_ipv4), PropV1V2Ipv4(), true},
        {"v1only_ipv4_92", ToBytes(clc_prop_v1_ipv4), PropV1Ipv4(), true},
        {"v2only_2ueid_188", ToBytes(clc_prop_v2_only), PropV2Only(), true},
        {"v1only_ipv6_126", ToBytes(clc_prop_v1_ipv6), PropV1Ipv6(), true},
        {"smcd_v2_224", ToBytes(clc_prop_smcd_v2), PropSmcdV2(), true},
        {"v1_legacy_52", ToBytes(clc_prop_v1_legacy), PropV1Legacy(), false},
    };
}

class ProposalVector : public ::testing::TestWithParam<PropCase> {};

TEST_P(ProposalVector, DecodesToExpectedFields) {
    const auto& c = GetParam();
    auto got = Zeroed<smcr_clc_proposal>();
    ASSERT_EQ(0, DecodeProp(c.bytes, &got));
    ExpectEq(c.fields, got);
}

TEST_P(ProposalVector, EncodesToExactBytes) {
    const auto& c = GetParam();
    Bytes expected = c.bytes;
    if (!c.canonical) {
        // The RFC 7609 form without SMC-D area re-encodes to the layout Linux sends for v1:
        // the 92-byte IPv4 Proposal with a version-1 header.
        expected = ToBytes(clc_prop_v1_ipv4);
        expected[7] = 0x10;
    }
    EXPECT_EQ(static_cast<int>(expected.size()), smcr_clc_proposal_len(&c.fields));
    EXPECT_TRUE(BytesEq(expected, EncodeProp(c.fields)));
}

TEST_P(ProposalVector, RoundTrips) {
    const auto& c = GetParam();
    auto d1 = Zeroed<smcr_clc_proposal>();
    auto d2 = Zeroed<smcr_clc_proposal>();
    ASSERT_EQ(0, DecodeProp(c.bytes, &d1));
    Bytes again = EncodeProp(d1);
    if (c.canonical) {
        EXPECT_TRUE(BytesEq(c.bytes, again));
    }
    ASSERT_EQ(0, DecodeProp(again, &d2));
    ExpectEq(d1, d2);
}

TEST_P(ProposalVector, GenericDecodeAgrees) {
    const auto& c = GetParam();
    auto m = Zeroed<smcr_clc_msg>();
    ASSERT_EQ(0, DecodeAny(c.bytes, &m));
    EXPECT_EQ(SMCR_CLC_PROPOSAL, m.hdr.type);
    EXPECT_EQ(c.bytes.size(), m.hdr.length);
    EXPECT_FALSE(m.hdr.first_contact);
    ExpectEq(c.fields, m.prop);
}

INSTANTIATE_TEST_SUITE_P(Clc, ProposalVector, ::testing::ValuesIn(PropCases()),
                         [](const auto& info) { return std::string(info.param.name); });

struct AcCase {
    const char* name;
    Bytes bytes;
    smcr_clc_accept_confirm fields;
};
void PrintTo(const AcCase& c, std::ostream* os) {
    *os << c.name;
}

std::vector<AcCase> AcCases() {
    return {
        {"accept_v1_fc_68", ToBytes(clc_accept_v1_fc), AcceptV1Fc()},
        {"confirm_v1_68", ToBytes(clc_confirm_v1), ConfirmV1()},
        {"accept_v2_fc_160", ToBytes(clc_accept_v2_fc), AcceptV2Fc()},
        {"accept_v2_108", ToBytes(clc_accept_v2), AcceptV2()},
        {"confirm_v2_108", ToBytes(clc_confirm_v2), ConfirmV2()},
        {"confirm_v2_fc_1gid_180", ToBytes(clc_confirm_v2_fc_1gid), ConfirmV2Fc1()},
        {"confirm_v2_fc_2gid_196", ToBytes(clc_confirm_v2_fc_2gid), ConfirmV2Fc2()},
    };
}

class AcceptConfirmVector : public ::testing::TestWithParam<AcCase> {};

TEST_P(AcceptConfirmVector, DecodesToExpectedFields) {
    const auto& c = GetParam();
    auto got = Zeroed<smcr_clc_accept_confirm>();
    ASSERT_EQ(0, DecodeAc(c.bytes, &got));
    ExpectEq(c.fields, got);
}

TEST_P(AcceptConfirmVector, EncodesToExactBytes) {
    const auto& c = GetParam();
    EXPECT_EQ(static_cast<int>(c.bytes.size()), smcr_clc_accept_confirm_len(&c.fields));
    EXPECT_TRUE(BytesEq(c.bytes, EncodeAc(c.fields)));
}

TEST_P(AcceptConfirmVector, RoundTrips) {
    const auto& c = GetParam();
    auto d = Zeroed<smcr_clc_accept_confirm>();
    ASSERT_EQ(0, DecodeAc(c.bytes, &d));
    EXPECT_TRUE(BytesEq(c.bytes, EncodeAc(d)));
}

TEST_P(AcceptConfirmVector, GenericDecodeAgrees) {
    const auto& c = GetParam();
    auto m = Zeroed<smcr_clc_msg>();
    ASSERT_EQ(0, DecodeAny(c.bytes, &m));
    EXPECT_EQ(c.fields.type, m.hdr.type);
    EXPECT_EQ(c.fields.first_contact, m.hdr.first_contact);
    EXPECT_EQ(SMCR_CLC_TYPE_R, m.hdr.typev1);
    ExpectEq(c.fields, m.ac);
}

INSTANTIATE_TEST_SUITE_P(Clc, AcceptConfirmVector, ::testing::ValuesIn(AcCases()),
                         [](const auto& info) { return std::string(info.param.name); });

struct DeclCase {
    const char* name;
    Bytes bytes;
    smcr_clc_decline fields;
};
void PrintTo(const DeclCase& c, std::ostream* os) {
    *os << c.name;
}

std::vector<DeclCase> DeclCases() {
    return {
        {"v1_28", ToBytes(clc_decline_v1), DeclineV1()},
        {"v1_syncerr_28", ToBytes(clc_decline_v1_syncerr), DeclineV1Syncerr()},
        {"v2_44", ToBytes(clc_decline_v2), DeclineV2()},
    };
}

class DeclineVector : public ::testing::TestWithParam<DeclCase> {};

TEST_P(DeclineVector, DecodesToExpectedFields) {
    const auto& c = GetParam();
    auto got = Zeroed<smcr_clc_decline>();
    ASSERT_EQ(0, DecodeDecl(c.bytes, &got));
    ExpectEq(c.fields, got);
}

TEST_P(DeclineVector, EncodesToExactBytes) {
    const auto& c = GetParam();
    EXPECT_EQ(static_cast<int>(c.bytes.size()), smcr_clc_decline_len(&c.fields));
    EXPECT_TRUE(BytesEq(c.bytes, EncodeDecl(c.fields)));
}

TEST_P(DeclineVector, GenericDecodeAgrees) {
    const auto& c = GetParam();
    auto m = Zeroed<smcr_clc_msg>();
    ASSERT_EQ(0, DecodeAny(c.bytes, &m));
    EXPECT_EQ(SMCR_CLC_DECLINE, m.hdr.type);
    ExpectEq(c.fields, m.decl);
}

INSTANTIATE_TEST_SUITE_P(Clc, DeclineVector, ::testing::ValuesIn(DeclCases()),
                         [](const auto& info) { return std::string(info.param.name); });

// ---- header ------------------------------------------------------------------------------------

TEST(ClcHeader, ParsesEveryVector) {
    for (const auto& v : clc_vectors) {
        SCOPED_TRACE(v.name);
        auto h = Zeroed<smcr_clc_hdr>();
        // Only the first 8 bytes are needed, as when peeking at the TCP stream.
        Bytes head(v.data, v.data + SMCR_CLC_HDR_LEN);
        ASSERT_EQ(0, ParseHdr(head, &h));
        EXPECT_EQ(v.len, h.length);
        EXPECT_EQ(v.data[4], h.type);
        EXPECT_EQ(v.data[7] >> 4, h.version);
        EXPECT_EQ(v.data[7] & 3, h.typev1);
        EXPECT_EQ((v.data[7] >> 2) & 3, h.typev2);
        EXPECT_FALSE(h.smcd_eyecatcher);
        EXPECT_EQ(h.type != SMCR_CLC_PROPOSAL && (v.data[7] & 0x08), h.first_contact);
    }
}

TEST(ClcHeader, LinuxProposalHeaderBits) {
    // Linux 6.1 always sends Proposals with version 2 in the header.
    smcr_clc_hdr h;
    ASSERT_EQ(0, ParseHdr(ToBytes(clc_prop_v1_ipv4), &h));
    EXPECT_EQ(2, h.version);
    EXPECT_EQ(SMCR_CLC_TYPE_R, h.typev1);
    EXPECT_EQ(SMCR_CLC_TYPE_N, h.typev2);
    EXPECT_FALSE(h.first_contact); // typev2 N has bit 1 set, but a Proposal has no such flag
}

TEST(ClcHeader, MaxLenIsTheLargestProposal) {
    EXPECT_EQ(652, SMCR_CLC_MAX_LEN);
    auto p = Zeroed<smcr_clc_proposal>();
    p.version = 2;
    p.typev1 = SMCR_CLC_TYPE_B;
    p.typev2 = SMCR_CLC_TYPE_B;
    p.ipv6_prefix_cnt = SMCR_CLC_MAX_V6_PREFIX;
    p.eid_cnt = SMCR_CLC_MAX_UEID;
    p.ism_gid_cnt = SMCR_CLC_MAX_ISM_V2;
    p.has_v2_ext = p.has_smcd_v2_ext = true; // decode reports what was present
    EXPECT_EQ(SMCR_CLC_MAX_LEN, smcr_clc_proposal_len(&p));
    Bytes b = EncodeProp(p);
    auto d = Zeroed<smcr_clc_proposal>();
    ASSERT_EQ(0, DecodeProp(b, &d));
    ExpectEq(p, d);
}

// ---- encoder behaviour -------------------------------------------------------------------------

TEST(ClcEncode, ProposalLayoutChoicesMatchLinux) {
    // v1 prefix area => iparea_offset 40 and v2 ext right after it (v2_ext_offset 28 + 8 + 17n).
    auto p = PropV1V2Ipv4();
    p.ipv6_prefix_cnt = 3;
    Bytes b = EncodeProp(p);
    ASSERT_EQ(40 + 40 + 8 + 3 * 17 + 40 + 32 + 4, static_cast<int>(b.size()));
    EXPECT_EQ(0x00, b[38]);
    EXPECT_EQ(0x28, b[39]);
    EXPECT_EQ(28 + 8 + 3 * 17, b[50] << 8 | b[51]);
    EXPECT_EQ(1, b[80 + 8 + 3 * 17]); // eid_cnt at the start of the v2 extension
    // No v1 offer => iparea_offset 0, v2 ext directly after the SMC-D area.
    Bytes v2only = EncodeProp(PropV2Only());
    EXPECT_EQ(0, v2only[38] << 8 | v2only[39]);
    EXPECT_EQ(28, v2only[50] << 8 | v2only[51]);
}

TEST(ClcEncode, ProposalVersion1HasNoV2Parts) {
    auto p = PropV1Ipv4();
    p.version = 1;
    Bytes b = EncodeProp(p);
    ASSERT_EQ(92u, b.size());
    EXPECT_EQ(0x10, b[7]); // version 1, typev2 bits 0, typev1 R
    EXPECT_EQ(0, b[50] << 8 | b[51]);
    auto d = Zeroed<smcr_clc_proposal>();
    ASSERT_EQ(0, DecodeProp(b, &d));
    ExpectEq(p, d);
}

TEST(ClcEncode, DeclineFirstContactFollowsSyncerr) {
    auto d = DeclineV1();
    d.first_contact = true; // ignored: only SYNCERR sets the bit
    EXPECT_TRUE(BytesEq(ToBytes(clc_decline_v1), EncodeDecl(d)));
    auto s = DeclineV1Syncerr();
    s.first_contact = false;
    EXPECT_TRUE(BytesEq(ToBytes(clc_decline_v1_syncerr), EncodeDecl(s)));
}

TEST(ClcEncode, DeclineV2CarriesAdditionalDiagnoses) {
    auto d = DeclineV2();
    d.diag_v2[0] = SMCR_DECL_NOSMCRDEV;
    d.diag_v2[3] = 0xdeadbeef;
    Bytes b = EncodeDecl(d);
    ASSERT_EQ(44u, b.size());
    EXPECT_EQ(0x03, b[24]);
    EXPECT_EQ(0x02, b[27]);
    EXPECT_EQ(0xde, b[36]);
    auto got = Zeroed<smcr_clc_decline>();
    ASSERT_EQ(0, DecodeDecl(b, &got));
    ExpectEq(d, got);
}

TEST(ClcEncode, AcceptV21FceFieldsRoundTrip) {
    auto a = AcceptV2Fc();
    a.fce.release = 1;
    a.fce.max_conns = 255;
    a.fce.max_links = 2;
    a.fce.feature_mask = 0x0001;
    a.fce.vendor_exp_options = 0x01020304;
    Bytes b = EncodeAc(a);
    ASSERT_EQ(160u, b.size());
    EXPECT_EQ(0x21, b[105]);
    EXPECT_EQ(255, b[140]);
    EXPECT_EQ(2, b[141]);
    EXPECT_EQ(0x04, b[147]);
    auto d = Zeroed<smcr_clc_accept_confirm>();
    ASSERT_EQ(0, DecodeAc(b, &d));
    ExpectEq(a, d);
}

TEST(ClcEncode, AcceptIgnoresGidList) {
    auto a = AcceptV2Fc();
    a.gid_cnt = 2; // only a Confirm carries a GID list
    EXPECT_TRUE(BytesEq(ToBytes(clc_accept_v2_fc), EncodeAc(a)));
}

TEST(ClcEncode, ExactCapacitySucceeds) {
    for (const auto& v : clc_vectors) {
        SCOPED_TRACE(v.name);
        auto m = Zeroed<smcr_clc_msg>();
        ASSERT_EQ(0, DecodeAny(ToBytes(v), &m));
        Bytes out(v.len + 1);
        int rc;
        if (m.hdr.type == SMCR_CLC_PROPOSAL) {
            rc = smcr_clc_encode_proposal(&m.prop, out.data(), out.size() - 1);
        } else if (m.hdr.type == SMCR_CLC_DECLINE) {
            rc = smcr_clc_encode_decline(&m.decl, out.data(), out.size() - 1);
        } else {
            rc = smcr_clc_encode_accept_confirm(&m.ac, out.data(), out.size() - 1);
        }
        if (v.canonical) {
            EXPECT_EQ(static_cast<int>(v.len), rc);
        } else {
            EXPECT_EQ(-ENOSPC, rc); // the legacy v1 form re-encodes to the 92-byte layout
        }
    }
}

TEST(ClcMisc, TypeNames) {
    EXPECT_STREQ("PROPOSAL", smcr_clc_type_name(SMCR_CLC_PROPOSAL));
    EXPECT_STREQ("ACCEPT", smcr_clc_type_name(SMCR_CLC_ACCEPT));
    EXPECT_STREQ("CONFIRM", smcr_clc_type_name(SMCR_CLC_CONFIRM));
    EXPECT_STREQ("DECLINE", smcr_clc_type_name(SMCR_CLC_DECLINE));
    EXPECT_STREQ("UNKNOWN", smcr_clc_type_name(0));
    EXPECT_STREQ("UNKNOWN", smcr_clc_type_name(5));
}

TEST(ClcMisc, IndicatedHelpers) {
    EXPECT_TRUE(smcr_clc_smcr_indicated(SMCR_CLC_TYPE_R));
    EXPECT_TRUE(smcr_clc_smcr_indicated(SMCR_CLC_TYPE_B));
    EXPECT_FALSE(smcr_clc_smcr_indicated(SMCR_CLC_TYPE_D));
    EXPECT_FALSE(smcr_clc_smcr_indicated(SMCR_CLC_TYPE_N));
    EXPECT_TRUE(smcr_clc_smcd_indicated(SMCR_CLC_TYPE_D));
    EXPECT_TRUE(smcr_clc_smcd_indicated(SMCR_CLC_TYPE_B));
    EXPECT_FALSE(smcr_clc_smcd_indicated(SMCR_CLC_TYPE_R));
    EXPECT_FALSE(smcr_clc_smcd_indicated(SMCR_CLC_TYPE_N));
}

TEST(ClcMisc, StructSizesStayBounded) {
    EXPECT_LE(sizeof(smcr_clc_proposal), 1024u);
    EXPECT_LE(sizeof(smcr_clc_msg), 1536u);
}

} // namespace
} // namespace clctest
