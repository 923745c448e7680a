// SPDX-License-Identifier: GPL-2.0 OR MIT
// CLC codec against malformed input: every broken rule must be rejected, never crash, never read
// outside the buffer (these tests are meant to run under ASan/UBSan too), and encoders must never
// write past their capacity.
#include "clc_test_util.h"

#include <functional>

namespace clctest {
namespace {

// ---- a raw Proposal builder, independent of the encoder ---------------------------------------
// Lays out a Proposal from counts; every field can be overridden to break exactly one rule while
// the rest (lengths, offsets, trailer) stays consistent.
struct PropSpec {
    uint8_t version = 2;
    uint8_t typev1 = SMCR_CLC_TYPE_R;
    uint8_t typev2 = SMCR_CLC_TYPE_R;
    size_t v1_gap = 40;  // v1 only: bytes between base and prefix area
    int iparea = -1;     // iparea_offset field; -1: what Linux would write
    size_t n_ipv6 = 0;   // prefixes present
    int ipv6_cnt = -1;   // count field; -1: n_ipv6
    size_t n_eid = 1;    // UEIDs present
    int eid_cnt = -1;    // count field; -1: n_eid
    size_t n_ism = 0;    // SMC-Dv2 GID/CHIDs present
    int ism_cnt = -1;    // count field; -1: n_ism
    int v2_ext_off = -1; // -1: correct
    int smcd_off = -1;   // -1: correct
    bool v2_ext = true;  // lay out the v2 ext (when typev2 != N)
    size_t junk = 0;     // extra bytes before the trailer
    int length = -1;     // length field; -1: real size
    bool bad_trailer = false;
};

Bytes BuildProposal(const PropSpec& s) {
    Bytes b(40, 0);
    static constexpr uint8_t ec[4] = {EC_R};
    std::memcpy(b.data(), ec, 4);
    b[4] = SMCR_CLC_PROPOSAL;
    b[7] = static_cast<uint8_t>(s.version << 4 | s.typev2 << 2 | s.typev1);
    bool v2 = s.version >= 2;
    bool prefix = !v2 || s.typev1 != SMCR_CLC_TYPE_N;
    size_t gap = v2 ? 40 : s.v1_gap;
    int iparea = s.iparea >= 0 ? s.iparea : (v2 ? (prefix ? 40 : 0) : static_cast<int>(gap));
    PutU16(b, 38, static_cast<uint16_t>(iparea));
    b.resize(40 + gap, 0);
    if (prefix) {
        size_t p = b.size();
        b.resize(p + 8 + 17 * s.n_ipv6, 0x11);
        b[p + 4] = 24;
        b[p + 5] = b[p + 6] = 0;
        b[p + 7] = static_cast<uint8_t>(s.ipv6_cnt >= 0 ? s.ipv6_cnt : static_cast<int>(s.n_ipv6));
    }
    if (v2 && s.typev2 != SMCR_CLC_TYPE_N && s.v2_ext) {
        size_t x = b.size();
        PutU16(b, 50, static_cast<uint16_t>(s.v2_ext_off >= 0 ? s.v2_ext_off : x - 52));
        b.resize(x + 40 + 32 * s.n_eid, 0x20);
        std::memset(b.data() + x, 0, 40);
        b[x] = static_cast<uint8_t>(s.eid_cnt >= 0 ? s.eid_cnt : static_cast<int>(s.n_eid));
        if (smcr_clc_smcd_indicated(s.typev2)) {
            size_t d = b.size();
            b[x + 1] = static_cast<uint8_t>(s.ism_cnt >= 0 ? s.ism_cnt : static_cast<int>(s.n_ism));
            PutU16(b, x + 6, static_cast<uint16_t>(s.smcd_off >= 0 ? s.smcd_off : d - x - 8));
            b.resize(d + 48 + 10 * s.n_ism, 0x22);
        }
    }
    b.resize(b.size() + s.junk, 0x33);
    b.resize(b.size() + 4);
    PutTrailer(b);
    if (s.bad_trailer) {
        b.back() ^= 0xff;
    }
    SetLenField(b, s.length >= 0 ? static_cast<size_t>(s.length) : b.size());
    return b;
}

struct PropMalformed {
    const char* name;
    std::function<void(PropSpec&)> change;
    bool valid; // true for the positive controls
};
void PrintTo(const PropMalformed& c, std::ostream* os) {
    *os << c.name;
}

std::vector<PropMalformed> PropMalformedCases() {
    return {
        {"control_v1v2", [](PropSpec&) {}, true},
        {"control_v1_legacy_gap0",
         [](PropSpec& s) {
             s.version = 1;
             s.v1_gap = 0;
         },
         true},
        {"control_v1_gap40", [](PropSpec& s) { s.version = 1; }, true},
        {"control_v1_gap12",
         [](PropSpec& s) {
             s.version = 1;
             s.v1_gap = 12;
         },
         true},
        {"control_v2only", [](PropSpec& s) { s.typev1 = SMCR_CLC_TYPE_N; }, true},
        {"control_v2only_iparea40_ignored",
         [](PropSpec& s) {
             s.typev1 = SMCR_CLC_TYPE_N;
             s.iparea = 40;
         },
         true},
        {"control_8_ipv6", [](PropSpec& s) { s.n_ipv6 = 8; }, true},
        {"control_8_ueid", [](PropSpec& s) { s.n_eid = 8; }, true},
        {"control_0_ueid", [](PropSpec& s) { s.n_eid = 0; }, true},
        {"control_8_ism",
         [](PropSpec& s) {
             s.typev2 = SMCR_CLC_TYPE_B;
             s.n_ism = 8;
         },
         true},
        {"control_max_len",
         [](PropSpec& s) {
             s.typev1 = s.typev2 = SMCR_CLC_TYPE_B;
             s.n_ipv6 = s.n_eid = s.n_ism = 8;
         },
         true},
        {"control_version3", [](PropSpec& s) { s.version = 3; }, true},
        {"control_version15", [](PropSpec& s) { s.version = 15; }, true},
        {"control_both_n", [](PropSpec& s) { s.typev1 = s.typev2 = SMCR_CLC_TYPE_N; }, true},

        {"version0", [](PropSpec& s) { s.version = 0; }, false},
        {"v1_typev1_n",
         [](PropSpec& s) {
             s.version = 1;
             s.typev1 = SMCR_CLC_TYPE_N;
         },
         false},
        {"v1_iparea41",
         [](PropSpec& s) {
             s.version = 1;
             s.v1_gap = 41;
         },
         false},
        {"v1_iparea_ffff",
         [](PropSpec& s) {
             s.version = 1;
             s.iparea = 0xffff;
         },
         false},
        {"v1_smcd_without_area",
         [](PropSpec& s) {
             s.version = 1;
             s.typev1 = SMCR_CLC_TYPE_D;
             s.v1_gap = 0;
         },
         false},
        {"v1_iparea_mismatch",
         [](PropSpec& s) {
             s.version = 1;
             s.iparea = 0;
         },
         false},
        {"v2_iparea41", [](PropSpec& s) { s.iparea = 41; }, false},
        {"v2_iparea_ffff", [](PropSpec& s) { s.iparea = 0xffff; }, false},
        {"v2_iparea0_with_prefix", [](PropSpec& s) { s.iparea = 0; }, false},
        {"v2only_iparea41",
         [](PropSpec& s) {
             s.typev1 = SMCR_CLC_TYPE_N;
             s.iparea = 41;
         },
         false},
        {"ipv6_count9", [](PropSpec& s) { s.n_ipv6 = 9; }, false},
        {"ipv6_count255",
         [](PropSpec& s) {
             s.n_ipv6 = 8;
             s.ipv6_cnt = 255;
         },
         false},
        {"ipv6_count_too_big",
         [](PropSpec& s) {
             s.n_ipv6 = 2;
             s.ipv6_cnt = 3;
         },
         false},
        {"ipv6_count_too_small",
         [](PropSpec& s) {
             s.n_ipv6 = 2;
             s.ipv6_cnt = 1;
         },
         false},
        {"eid_cnt9", [](PropSpec& s) { s.n_eid = 9; }, false},
        {"eid_cnt_too_big",
         [](PropSpec& s) {
             s.n_eid = 1;
             s.eid_cnt = 2;
         },
         false},
        {"eid_cnt_255",
         [](PropSpec& s) {
             s.n_eid = 1;
             s.eid_cnt = 255;
         },
         false},
        {"ism_cnt9",
         [](PropSpec& s) {
             s.typev2 = SMCR_CLC_TYPE_D;
             s.n_ism = 9;
         },
         false},
        {"ism_cnt_too_big",
         [](PropSpec& s) {
             s.typev2 = SMCR_CLC_TYPE_B;
             s.n_ism = 1;
             s.ism_cnt = 2;
         },
         false},
        {"v2_ext_missing", [](PropSpec& s) { s.v2_ext = false; }, false},
        {"v2_ext_off0", [](PropSpec& s) { s.v2_ext_off = 0; }, false},
        {"v2_ext_off_minus1", [](PropSpec& s) { s.v2_ext_off = 35; }, false},
        {"v2_ext_off_plus1", [](PropSpec& s) { s.v2_ext_off = 37; }, false},
        {"v2_ext_off_past_end", [](PropSpec& s) { s.v2_ext_off = 0xffff; }, false},
        {"v2_ext_off_at_end", [](PropSpec& s) { s.v2_ext_off = 164 - 4 - 52; }, false},
        {"smcd_off0",
         [](PropSpec& s) {
             s.typev2 = SMCR_CLC_TYPE_B;
             s.smcd_off = 0;
         },
         false},
        {"smcd_off_minus1",
         [](PropSpec& s) {
             s.typev2 = SMCR_CLC_TYPE_B;
             s.smcd_off = 63;
         },
         false},
        {"smcd_off_past_end",
         [](PropSpec& s) {
             s.typev2 = SMCR_CLC_TYPE_B;
             s.smcd_off = 0xffff;
         },
         false},
        {"junk_before_trailer", [](PropSpec& s) { s.junk = 1; }, false},
        {"junk_v1",
         [](PropSpec& s) {
             s.version = 1;
             s.junk = 17;
         },
         false},
        {"bad_trailer", [](PropSpec& s) { s.bad_trailer = true; }, false},
        {"length_field_plus1", [](PropSpec& s) { s.length = 165; }, false},
        {"length_field_minus1", [](PropSpec& s) { s.length = 163; }, false},
        {"over_max_len",
         [](PropSpec& s) {
             s.typev1 = s.typev2 = SMCR_CLC_TYPE_B;
             s.n_ipv6 = s.n_eid = s.n_ism = 8;
             s.junk = 1;
         },
         false},
        {"length_below_v2_min",
         [](PropSpec& s) {
             s.typev1 = s.typev2 = SMCR_CLC_TYPE_N;
             s.length = 83;
         },
         false},
    };
}

class ProposalMalformed : public ::testing::TestWithParam<PropMalformed> {};

TEST_P(ProposalMalformed, IsRejectedOrAccepted) {
    PropSpec s;
    GetParam().change(s);
    Bytes b = BuildProposal(s);
    auto p = Zeroed<smcr_clc_proposal>();
    int rc = DecodeProp(b, &p);
    if (GetParam().valid) {
        ASSERT_EQ(0, rc);
        EXPECT_EQ(s.version, p.version);
        EXPECT_EQ(s.n_ipv6 * (s.version == 1 || s.typev1 != SMCR_CLC_TYPE_N), p.ipv6_prefix_cnt);
        // A valid message re-encodes and decodes again to the same fields.
        auto again = Zeroed<smcr_clc_proposal>();
        ASSERT_EQ(0, DecodeProp(EncodeProp(p), &again));
        ExpectEq(p, again);
    } else {
        EXPECT_EQ(-EPROTO, rc);
        // A failed decode leaves no partial garbage behind.
        EXPECT_TRUE(AllZero(&p, sizeof(p)));
        auto m = Zeroed<smcr_clc_msg>();
        EXPECT_EQ(-EPROTO, DecodeAny(b, &m));
    }
}

INSTANTIATE_TEST_SUITE_P(Clc, ProposalMalformed, ::testing::ValuesIn(PropMalformedCases()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ClcProposal, BuilderMatchesHandWrittenVector) {
    // The builder's default is the 164-byte vector's layout (content bytes aside).
    Bytes b = BuildProposal(PropSpec{});
    Bytes v = ToBytes(clc_prop_v1v2_ipv4);
    ASSERT_EQ(v.size(), b.size());
    for (size_t off : {0, 1, 2, 3, 4, 5, 6, 7, 38, 39, 50, 51, 88, 89, 160, 161, 162, 163}) {
        EXPECT_EQ(v[off], b[off]) << "offset " << off;
    }
}

TEST(ClcProposal, Version1IgnoresV2Bits) {
    // In a version-1 Proposal typev2 has no v2 meaning and the v2_ext_offset is not followed.
    Bytes b = ToBytes(clc_prop_v1_ipv4);
    b[7] = 0x10; // version 1, typev2 "R" bits, typev1 R
    PutU16(b, 50, 0xffff);
    auto p = Zeroed<smcr_clc_proposal>();
    ASSERT_EQ(0, DecodeProp(b, &p));
    EXPECT_EQ(SMCR_CLC_TYPE_N, p.typev2);
    EXPECT_FALSE(p.has_v2_ext);
}

TEST(ClcProposal, V2WithTypev2NoneIgnoresV2ExtOffset) {
    Bytes b = ToBytes(clc_prop_v1_ipv4);
    PutU16(b, 50, 0x1234);
    auto p = Zeroed<smcr_clc_proposal>();
    EXPECT_EQ(0, DecodeProp(b, &p));
    EXPECT_FALSE(p.has_v2_ext);
}

TEST(ClcProposal, SmcdEyecatcherAndTrailerAccepted) {
    static constexpr uint8_t ecd[4] = {0xe2, 0xd4, 0xc3, 0xc4};
    Bytes b = ToBytes(clc_prop_v1v2_ipv4);
    std::memcpy(b.data(), ecd, 4);
    std::memcpy(b.data() + b.size() - 4, ecd, 4);
    auto p = Zeroed<smcr_clc_proposal>();
    EXPECT_EQ(0, DecodeProp(b, &p));
    smcr_clc_hdr h;
    ASSERT_EQ(0, ParseHdr(b, &h));
    EXPECT_TRUE(h.smcd_eyecatcher);
}

// ---- Accept / Confirm --------------------------------------------------------------------------

struct AcMalformed {
    const char* name;
    Bytes bytes;
    int expect; // 0, -EPROTO or -EOPNOTSUPP
};
void PrintTo(const AcMalformed& c, std::ostream* os) {
    *os << c.name;
}

Bytes WithFlags(Bytes b, uint8_t flags) {
    b[7] = flags;
    return b;
}
Bytes WithByte(Bytes b, size_t off, uint8_t v) {
    b.at(off) = v;
    return b;
}

std::vector<AcMalformed> AcMalformedCases() {
    Bytes a1 = ToBytes(clc_accept_v1_fc);
    Bytes a2fc = ToBytes(clc_accept_v2_fc);
    Bytes a2 = ToBytes(clc_accept_v2);
    Bytes c2fc = ToBytes(clc_confirm_v2_fc_2gid);
    Bytes c1 = ToBytes(clc_confirm_v1);
    Bytes smcd_v1 = WithFlags(Resized(a1, 48), 0x11); // v1, typev1 D
    Bytes smcd_v2 = WithFlags(Resized(a2, 78), 0x21);
    return {
        {"control_v2_longer_accepted", Resized(a2, 120), 0},
        {"control_v2_fc_accept_longer", Resized(a2fc, 164), 0},
        {"control_confirm_fc_8gids", WithByte(Resized(c2fc, 164 + 8 * 16), 156, 8), 0},
        {"control_confirm_fc_0gids", WithByte(Resized(c2fc, 164), 156, 0), 0},
        {"control_version3", WithFlags(a2, 0x30), 0},
        {"control_v1_confirm_as_accept", WithByte(c1, 4, SMCR_CLC_ACCEPT), 0},

        {"smcd_v1_48", smcd_v1, -EOPNOTSUPP},
        {"smcd_v2_78", smcd_v2, -EOPNOTSUPP},
        {"smcd_v2_fc_114", WithFlags(Resized(a2, 114), 0x29), -EOPNOTSUPP},
        {"smcd_v1_49", WithFlags(Resized(a1, 49), 0x11), -EPROTO},
        {"smcd_v1_68", WithFlags(a1, 0x11), -EPROTO},
        {"smcd_v2_77", WithFlags(Resized(a2, 77), 0x21), -EPROTO},
        {"smcd_bad_trailer", WithByte(smcd_v1, 47, 0), -EPROTO},

        {"v1_len67", Resized(a1, 67), -EPROTO},
        {"v1_len69", Resized(a1, 69), -EPROTO},
        {"v1_len108", Resized(a1, 108), -EPROTO},
        {"v2_len107", Resized(a2, 107), -EPROTO},
        {"v2_len68", WithFlags(a1, 0x20), -EPROTO},
        {"v2_fc_accept_108", WithFlags(a2, 0x28), -EPROTO},
        {"v2_fc_accept_159", Resized(a2fc, 159), -EPROTO},
        {"v2_fc_confirm_160", WithByte(Resized(c2fc, 160), 4, SMCR_CLC_CONFIRM), -EPROTO},
        {"v2_fc_confirm_163", Resized(c2fc, 163), -EPROTO},
        {"v2_fc_confirm_gid_cnt9", WithByte(Resized(c2fc, 164 + 9 * 16), 156, 9), -EPROTO},
        {"v2_fc_confirm_gid_cnt_255", WithByte(c2fc, 156, 255), -EPROTO},
        {"v2_fc_confirm_gids_missing", Resized(c2fc, 180), -EPROTO},
        {"v2_fc_accept_as_confirm", WithByte(a2fc, 4, SMCR_CLC_CONFIRM), -EPROTO},
        {"typev1_n", WithFlags(a1, 0x12), -EPROTO},
        {"typev1_b", WithFlags(a1, 0x13), -EPROTO},
        {"version0", WithFlags(a1, 0x08), -EPROTO},
        {"bad_trailer", WithByte(a1, 67, 0xd8), -EPROTO},
        {"type_proposal", WithByte(a1, 4, SMCR_CLC_PROPOSAL), -EPROTO},
        {"type_decline", WithByte(a1, 4, SMCR_CLC_DECLINE), -EPROTO},
        {"type0", WithByte(a1, 4, 0), -EPROTO},
        {"type5", WithByte(a1, 4, 5), -EPROTO},
        {"length_field_plus1", WithByte(a1, 6, 69), -EPROTO},
        {"over_max_len", Resized(a2, SMCR_CLC_MAX_LEN + 1), -EPROTO},
    };
}

class AcceptConfirmMalformed : public ::testing::TestWithParam<AcMalformed> {};

TEST_P(AcceptConfirmMalformed, Result) {
    const auto& c = GetParam();
    auto ac = Zeroed<smcr_clc_accept_confirm>();
    EXPECT_EQ(c.expect, DecodeAc(c.bytes, &ac));
    auto m = Zeroed<smcr_clc_msg>();
    int rc = DecodeAny(c.bytes, &m);
    if (c.expect == -EOPNOTSUPP) {
        EXPECT_EQ(-EOPNOTSUPP, rc);
        EXPECT_EQ(SMCR_CLC_TYPE_D, m.hdr.typev1); // the header stays valid for the caller
    } else if (c.bytes[4] == SMCR_CLC_ACCEPT || c.bytes[4] == SMCR_CLC_CONFIRM) {
        EXPECT_EQ(c.expect, rc);
    } // else: retyped as another message; only the Accept/Confirm decoder's verdict matters
}

INSTANTIATE_TEST_SUITE_P(Clc, AcceptConfirmMalformed, ::testing::ValuesIn(AcMalformedCases()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ClcAcceptConfirm, LongerV2IgnoresExcess) {
    Bytes b = Resized(ToBytes(clc_confirm_v2_fc_1gid), 200);
    auto ac = Zeroed<smcr_clc_accept_confirm>();
    ASSERT_EQ(0, DecodeAc(b, &ac));
    EXPECT_EQ(1, ac.gid_cnt);
    EXPECT_EQ(Hex(ac.gid_list[0]), Hex(ac.gid)); // vector uses the same GID for both
}

// ---- Decline -----------------------------------------------------------------------------------

TEST(ClcDecline, LengthMustMatchVersion) {
    auto d = Zeroed<smcr_clc_decline>();
    EXPECT_EQ(-EPROTO, DecodeDecl(Resized(ToBytes(clc_decline_v1), 44), &d));
    EXPECT_EQ(-EPROTO, DecodeDecl(Resized(ToBytes(clc_decline_v1), 29), &d));
    EXPECT_EQ(-EPROTO, DecodeDecl(Resized(ToBytes(clc_decline_v1), 27), &d));
    EXPECT_EQ(-EPROTO, DecodeDecl(Resized(ToBytes(clc_decline_v2), 28), &d));
    EXPECT_EQ(-EPROTO, DecodeDecl(Resized(ToBytes(clc_decline_v2), 45), &d));
    EXPECT_EQ(-EPROTO, DecodeDecl(WithFlags(ToBytes(clc_decline_v1), 0x00), &d)); // version 0
    EXPECT_EQ(-EPROTO, DecodeDecl(WithByte(ToBytes(clc_decline_v1), 4, 3), &d));
}

TEST(ClcDecline, LiberalWhereLinuxIsLiberal) {
    auto d = Zeroed<smcr_clc_decline>();
    // Trailer not checked, typev1 and reserved header bits not checked.
    EXPECT_EQ(0, DecodeDecl(WithByte(ToBytes(clc_decline_v1), 27, 0), &d));
    EXPECT_EQ(0, DecodeDecl(WithFlags(ToBytes(clc_decline_v1), 0x1f), &d));
    EXPECT_TRUE(d.first_contact); // 0x1f: typev2 3 (first-contact bit set), typev1 3
    // Any version >= 2 is a 44-byte Decline.
    EXPECT_EQ(0, DecodeDecl(WithFlags(ToBytes(clc_decline_v2), 0x30), &d));
    EXPECT_EQ(3, d.version);
    EXPECT_EQ(SMCR_DECL_NOUEID, d.peer_diagnosis);
}

// ---- properties over every vector --------------------------------------------------------------

class EveryVector : public ::testing::TestWithParam<clc_vector> {};

int DecodeAsItsType(const Bytes& b, uint8_t type) {
    switch (type) {
    case SMCR_CLC_PROPOSAL: {
        auto p = Zeroed<smcr_clc_proposal>();
        return DecodeProp(b, &p);
    }
    case SMCR_CLC_DECLINE: {
        auto d = Zeroed<smcr_clc_decline>();
        return DecodeDecl(b, &d);
    }
    default: {
        auto a = Zeroed<smcr_clc_accept_confirm>();
        return DecodeAc(b, &a);
    }
    }
}

TEST_P(EveryVector, TruncationAtEveryLengthFails) {
    Bytes full = ToBytes(GetParam());
    uint8_t type = full[4];
    ASSERT_EQ(0, DecodeAsItsType(full, type));
    for (size_t n = 0; n < full.size(); n++) {
        Bytes t(full.begin(), full.begin() + static_cast<long>(n));
        auto m = Zeroed<smcr_clc_msg>();
        EXPECT_EQ(-EPROTO, DecodeAsItsType(t, type)) << "truncated to " << n;
        EXPECT_EQ(-EPROTO, DecodeAny(t, &m)) << "truncated to " << n;
        if (n < SMCR_CLC_HDR_LEN) {
            smcr_clc_hdr h;
            EXPECT_EQ(-EPROTO, ParseHdr(t, &h)) << "truncated to " << n;
        }
    }
}

TEST_P(EveryVector, ConsistentShorterMessagesNeverCrash) {
    // Cut the message and fix length and trailer: mostly invalid, sometimes valid (a v2 Accept
    // may be longer than needed); whatever decodes must re-encode.
    Bytes full = ToBytes(GetParam());
    for (size_t n = SMCR_CLC_HDR_LEN + SMCR_CLC_TRL_LEN; n < full.size(); n++) {
        Bytes t = Resized(full, n);
        auto m = Zeroed<smcr_clc_msg>();
        if (DecodeAny(t, &m) != 0) {
            continue;
        }
        Bytes out(SMCR_CLC_MAX_LEN);
        int rc = m.hdr.type == SMCR_CLC_PROPOSAL
                     ? smcr_clc_encode_proposal(&m.prop, out.data(), out.size())
                 : m.hdr.type == SMCR_CLC_DECLINE
                     ? smcr_clc_encode_decline(&m.decl, out.data(), out.size())
                     : smcr_clc_encode_accept_confirm(&m.ac, out.data(), out.size());
        EXPECT_GT(rc, 0) << "cut to " << n;
    }
}

TEST_P(EveryVector, LengthFieldMustMatchBuffer) {
    Bytes full = ToBytes(GetParam());
    auto m = Zeroed<smcr_clc_msg>();
    Bytes longer = full;
    longer.push_back(0);
    EXPECT_EQ(-EPROTO, DecodeAny(longer, &m));
    EXPECT_EQ(-EPROTO, DecodeAsItsType(longer, full[4]));
    for (int delta : {-1, 1, 0x100, -0x100}) {
        Bytes b = full;
        SetLenField(b, static_cast<size_t>(static_cast<int>(full.size()) + delta) & 0xffff);
        EXPECT_EQ(-EPROTO, DecodeAny(b, &m)) << "delta " << delta;
        EXPECT_EQ(-EPROTO, DecodeAsItsType(b, full[4])) << "delta " << delta;
    }
}

TEST_P(EveryVector, WrongEyecatcherRejected) {
    Bytes full = ToBytes(GetParam());
    for (size_t i = 0; i < 4; i++) {
        for (uint8_t x : {0x01, 0x80, 0xff}) {
            Bytes b = full;
            b[i] ^= x;
            smcr_clc_hdr h;
            auto m = Zeroed<smcr_clc_msg>();
            EXPECT_EQ(-EPROTO, ParseHdr(b, &h)) << "byte " << i;
            EXPECT_EQ(-EPROTO, DecodeAny(b, &m)) << "byte " << i;
            EXPECT_EQ(-EPROTO, DecodeAsItsType(b, full[4])) << "byte " << i;
        }
    }
}

TEST_P(EveryVector, SmcdEyecatcherAccepted) {
    Bytes b = ToBytes(GetParam());
    b[3] = 0xc4;
    auto m = Zeroed<smcr_clc_msg>();
    ASSERT_EQ(0, DecodeAny(b, &m));
    EXPECT_TRUE(m.hdr.smcd_eyecatcher);
}

TEST_P(EveryVector, BadTypeRejected) {
    Bytes full = ToBytes(GetParam());
    for (uint8_t t : {0, 5, 0x7f, 0xff}) {
        Bytes b = full;
        b[4] = t;
        smcr_clc_hdr h;
        auto m = Zeroed<smcr_clc_msg>();
        EXPECT_EQ(-EPROTO, ParseHdr(b, &h));
        EXPECT_EQ(-EPROTO, DecodeAny(b, &m));
    }
}

TEST_P(EveryVector, OtherTypeDecodersRefuse) {
    Bytes b = ToBytes(GetParam());
    auto p = Zeroed<smcr_clc_proposal>();
    auto a = Zeroed<smcr_clc_accept_confirm>();
    auto d = Zeroed<smcr_clc_decline>();
    uint8_t type = b[4];
    if (type != SMCR_CLC_PROPOSAL) {
        EXPECT_EQ(-EPROTO, DecodeProp(b, &p));
    }
    if (type != SMCR_CLC_ACCEPT && type != SMCR_CLC_CONFIRM) {
        EXPECT_EQ(-EPROTO, DecodeAc(b, &a));
    }
    if (type != SMCR_CLC_DECLINE) {
        EXPECT_EQ(-EPROTO, DecodeDecl(b, &d));
    }
}

TEST_P(EveryVector, BadTrailerRejectedExceptDecline) {
    Bytes b = ToBytes(GetParam());
    ASSERT_FALSE(b.empty());
    b[b.size() - 1] = static_cast<uint8_t>(b[b.size() - 1] ^ 0x20);
    auto m = Zeroed<smcr_clc_msg>();
    EXPECT_EQ(b[4] == SMCR_CLC_DECLINE ? 0 : -EPROTO, DecodeAny(b, &m));
}

TEST_P(EveryVector, VersionZeroRejected) {
    Bytes b = ToBytes(GetParam());
    b[7] &= 0x0f;
    auto m = Zeroed<smcr_clc_msg>();
    smcr_clc_hdr h;
    EXPECT_EQ(-EPROTO, ParseHdr(b, &h));
    EXPECT_EQ(-EPROTO, DecodeAny(b, &m));
}

TEST_P(EveryVector, SingleByteFlipsNeverCrash) {
    // Exhaustive single-byte corruption; correctness of what still decodes is checked by
    // re-encoding. Mostly a memory-safety test for the sanitizer build.
    Bytes full = ToBytes(GetParam());
    int decoded = 0;
    for (size_t i = 0; i < full.size(); i++) {
        for (int v = 0; v < 256; v++) {
            Bytes b = full;
            b[i] = static_cast<uint8_t>(v);
            auto m = Zeroed<smcr_clc_msg>();
            if (DecodeAny(b, &m) == 0) {
                decoded++;
            }
        }
    }
    EXPECT_GT(decoded, 0);
}

TEST_P(EveryVector, EncodersRespectCapacity) {
    Bytes full = ToBytes(GetParam());
    auto m = Zeroed<smcr_clc_msg>();
    ASSERT_EQ(0, DecodeAny(full, &m));
    constexpr size_t kGuard = 32;
    int need = m.hdr.type == SMCR_CLC_PROPOSAL  ? smcr_clc_proposal_len(&m.prop)
               : m.hdr.type == SMCR_CLC_DECLINE ? smcr_clc_decline_len(&m.decl)
                                                : smcr_clc_accept_confirm_len(&m.ac);
    ASSERT_GT(need, 0);
    for (size_t cap = 0; cap <= static_cast<size_t>(need); cap++) {
        Bytes out(cap + kGuard, 0xa5);
        int rc = m.hdr.type == SMCR_CLC_PROPOSAL
                     ? smcr_clc_encode_proposal(&m.prop, out.data(), cap)
                 : m.hdr.type == SMCR_CLC_DECLINE
                     ? smcr_clc_encode_decline(&m.decl, out.data(), cap)
                     : smcr_clc_encode_accept_confirm(&m.ac, out.data(), cap);
        EXPECT_EQ(cap < static_cast<size_t>(need) ? -ENOSPC : need, rc) << "cap " << cap;
        for (size_t i = cap; i < out.size(); i++) {
            ASSERT_EQ(0xa5, out[i]) << "write past cap " << cap << " at " << i;
        }
        if (rc == -ENOSPC) {
            for (size_t i = 0; i < cap; i++) {
                ASSERT_EQ(0xa5, out[i]) << "partial write with cap " << cap;
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Clc, EveryVector, ::testing::ValuesIn(clc_vectors),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ClcHeader, ShortOrNullBuffers) {
    smcr_clc_hdr h;
    EXPECT_EQ(-EPROTO, smcr_clc_parse_hdr(nullptr, 8, &h));
    EXPECT_EQ(-EPROTO, smcr_clc_parse_hdr(clc_decline_v1, 7, &h));
    auto m = Zeroed<smcr_clc_msg>();
    EXPECT_EQ(-EPROTO, smcr_clc_decode(nullptr, 0, &m));
    auto p = Zeroed<smcr_clc_proposal>();
    EXPECT_EQ(-EPROTO, smcr_clc_decode_proposal(nullptr, 0, &p));
}

TEST(ClcHeader, PerTypeLengthLimits) {
    struct {
        uint8_t type, flags;
        uint16_t len;
        bool ok;
    } cases[] = {
        {SMCR_CLC_PROPOSAL, 0x10, 51, false}, {SMCR_CLC_PROPOSAL, 0x10, 52, true},
        {SMCR_CLC_PROPOSAL, 0x20, 83, false}, {SMCR_CLC_PROPOSAL, 0x20, 84, true},
        {SMCR_CLC_PROPOSAL, 0x20, 652, true}, {SMCR_CLC_PROPOSAL, 0x20, 653, false},
        {SMCR_CLC_ACCEPT, 0x10, 68, true},    {SMCR_CLC_ACCEPT, 0x10, 67, false},
        {SMCR_CLC_ACCEPT, 0x10, 69, false},   {SMCR_CLC_ACCEPT, 0x20, 107, false},
        {SMCR_CLC_ACCEPT, 0x20, 108, true},   {SMCR_CLC_ACCEPT, 0x28, 159, false},
        {SMCR_CLC_ACCEPT, 0x28, 160, true},   {SMCR_CLC_CONFIRM, 0x28, 163, false},
        {SMCR_CLC_CONFIRM, 0x28, 164, true},  {SMCR_CLC_CONFIRM, 0x20, 652, true},
        {SMCR_CLC_CONFIRM, 0x20, 653, false}, {SMCR_CLC_ACCEPT, 0x11, 48, true},
        {SMCR_CLC_ACCEPT, 0x11, 68, false},   {SMCR_CLC_ACCEPT, 0x21, 77, false},
        {SMCR_CLC_ACCEPT, 0x21, 78, true},    {SMCR_CLC_ACCEPT, 0x12, 68, false},
        {SMCR_CLC_ACCEPT, 0x13, 68, false},   {SMCR_CLC_DECLINE, 0x10, 28, true},
        {SMCR_CLC_DECLINE, 0x10, 44, false},  {SMCR_CLC_DECLINE, 0x20, 44, true},
        {SMCR_CLC_DECLINE, 0x20, 28, false},  {SMCR_CLC_DECLINE, 0xf3, 44, true},
        {SMCR_CLC_DECLINE, 0x00, 28, false},
    };
    for (const auto& c : cases) {
        Bytes b = {0xe2,
                   0xd4,
                   0xc3,
                   0xd9,
                   c.type,
                   static_cast<uint8_t>(c.len >> 8),
                   static_cast<uint8_t>(c.len),
                   c.flags};
        smcr_clc_hdr h;
        EXPECT_EQ(c.ok ? 0 : -EPROTO, ParseHdr(b, &h))
            << "type " << int(c.type) << " flags " << std::hex << int(c.flags) << std::dec
            << " len " << c.len;
    }
}

// ---- encoder argument checks -------------------------------------------------------------------

TEST(ClcEncodeInvalid, Proposal) {
    auto base = Zeroed<smcr_clc_proposal>();
    base.version = 2;
    base.typev1 = SMCR_CLC_TYPE_R;
    base.typev2 = SMCR_CLC_TYPE_B;
    std::vector<std::pair<const char*, std::function<void(smcr_clc_proposal&)>>> bad = {
        {"version0", [](auto& p) { p.version = 0; }},
        {"version16", [](auto& p) { p.version = 16; }},
        {"typev1_4", [](auto& p) { p.typev1 = 4; }},
        {"typev2_4", [](auto& p) { p.typev2 = 4; }},
        {"v1_typev1_n",
         [](auto& p) {
             p.version = 1;
             p.typev1 = SMCR_CLC_TYPE_N;
             p.typev2 = SMCR_CLC_TYPE_N;
         }},
        {"v1_typev2_r",
         [](auto& p) {
             p.version = 1;
             p.typev2 = SMCR_CLC_TYPE_R;
         }},
        {"ipv6_9", [](auto& p) { p.ipv6_prefix_cnt = 9; }},
        {"eid_9", [](auto& p) { p.eid_cnt = 9; }},
        {"ism_9", [](auto& p) { p.ism_gid_cnt = 9; }},
        {"release_16", [](auto& p) { p.release = 16; }},
    };
    Bytes out(SMCR_CLC_MAX_LEN, 0xa5);
    ASSERT_GT(smcr_clc_encode_proposal(&base, out.data(), out.size()), 0);
    for (auto& [name, change] : bad) {
        auto p = base;
        change(p);
        std::fill(out.begin(), out.end(), 0xa5);
        EXPECT_EQ(-EINVAL, smcr_clc_encode_proposal(&p, out.data(), out.size())) << name;
        EXPECT_EQ(-EINVAL, smcr_clc_proposal_len(&p)) << name;
        EXPECT_EQ(0xa5, out[0]) << name;
    }
    // Counts only matter for the parts that are sent.
    auto p = base;
    p.typev2 = SMCR_CLC_TYPE_R;
    p.ism_gid_cnt = 200;
    EXPECT_GT(smcr_clc_proposal_len(&p), 0);
    p.typev2 = SMCR_CLC_TYPE_N;
    p.eid_cnt = 200;
    EXPECT_GT(smcr_clc_proposal_len(&p), 0);
}

TEST(ClcEncodeInvalid, AcceptConfirm) {
    auto base = Zeroed<smcr_clc_accept_confirm>();
    base.type = SMCR_CLC_CONFIRM;
    base.version = 2;
    base.first_contact = true;
    std::vector<std::pair<const char*, std::function<void(smcr_clc_accept_confirm&)>>> bad = {
        {"type_proposal", [](auto& a) { a.type = SMCR_CLC_PROPOSAL; }},
        {"type_decline", [](auto& a) { a.type = SMCR_CLC_DECLINE; }},
        {"version0", [](auto& a) { a.version = 0; }},
        {"version16", [](auto& a) { a.version = 16; }},
        {"qpn_25bit", [](auto& a) { a.qpn = 0x1000000; }},
        {"psn_25bit", [](auto& a) { a.psn = 0x1000000; }},
        {"rmbe_size_16", [](auto& a) { a.rmbe_size = 16; }},
        {"mtu_16", [](auto& a) { a.qp_mtu = 16; }},
        {"os_type_16", [](auto& a) { a.fce.os_type = 16; }},
        {"release_16", [](auto& a) { a.fce.release = 16; }},
        {"gid_cnt_9", [](auto& a) { a.gid_cnt = 9; }},
    };
    Bytes out(SMCR_CLC_MAX_LEN);
    ASSERT_EQ(164, smcr_clc_encode_accept_confirm(&base, out.data(), out.size()));
    for (auto& [name, change] : bad) {
        auto a = base;
        change(a);
        EXPECT_EQ(-EINVAL, smcr_clc_encode_accept_confirm(&a, out.data(), out.size())) << name;
        EXPECT_EQ(-EINVAL, smcr_clc_accept_confirm_len(&a)) << name;
    }
}

TEST(ClcEncodeInvalid, Decline) {
    auto d = Zeroed<smcr_clc_decline>();
    Bytes out(64);
    d.version = 0;
    EXPECT_EQ(-EINVAL, smcr_clc_encode_decline(&d, out.data(), out.size()));
    d.version = 16;
    EXPECT_EQ(-EINVAL, smcr_clc_encode_decline(&d, out.data(), out.size()));
    d.version = 2;
    d.os_type = 16;
    EXPECT_EQ(-EINVAL, smcr_clc_encode_decline(&d, out.data(), out.size()));
    d.os_type = 15;
    EXPECT_EQ(44, smcr_clc_encode_decline(&d, out.data(), out.size()));
    EXPECT_EQ(-ENOSPC, smcr_clc_encode_decline(&d, nullptr, 0));
}

} // namespace
} // namespace clctest
