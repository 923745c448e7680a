// SPDX-License-Identifier: GPL-2.0 OR MIT
// LLC codec against malformed input and bad encoder input: every broken rule must be rejected,
// never crash, never read outside the buffer (run these under ASan/UBSan too); encoders must
// never write past their capacity.
#include "llc_test_util.h"

#include <set>

namespace datatest {
namespace {

int Decode(const Bytes& b, smcr_llc_msg* m) {
    ExactBuf e(b);
    return smcr_llc_decode(e.data(), e.size(), m);
}

bool DecodesTo(const Bytes& b, int want) {
    auto m = Zeroed<smcr_llc_msg>();
    m.hdr.type = 0x55;
    int rc = Decode(b, &m);
    if (rc) {
        EXPECT_TRUE(AllZero(&m, sizeof(m)));
    }
    return rc == want;
}

void PutLe16(Bytes& b, size_t off, uint16_t v) {
    b.at(off) = static_cast<uint8_t>(v);
    b.at(off + 1) = static_cast<uint8_t>(v >> 8);
}

// A v2 message of @len bytes with the length field set accordingly.
Bytes V2Resized(const llc_vector& v, size_t len) {
    Bytes b = ToBytes(v);
    b.resize(len, 0);
    PutLe16(b, 1, static_cast<uint16_t>(len));
    return b;
}

// ---- truncation, every vector, every length --------------------------------------------------

class LlcTruncation : public ::testing::TestWithParam<llc_vector> {};

TEST_P(LlcTruncation, EveryShorterLengthRejected) {
    Bytes b = ToBytes(GetParam());
    for (size_t n = 0; n < b.size(); n++) {
        Bytes t(b.begin(), b.begin() + static_cast<long>(n));
        EXPECT_TRUE(DecodesTo(t, -EPROTO)) << n;
        smcr_llc_hdr h{};
        h.type = 1;
        ExactBuf e(t);
        EXPECT_EQ(smcr_llc_parse_hdr(e.data(), e.size(), &h), -EPROTO) << n;
        EXPECT_TRUE(AllZero(&h, sizeof(h)));
    }
}

// The length field says more than was received (v2), or anything but 44 (v1).
TEST_P(LlcTruncation, LengthFieldBeyondReceived) {
    Bytes b = ToBytes(GetParam());
    for (size_t extra : {1u, 16u, 1000u}) {
        Bytes t = b;
        if (b[0] & 0x20) {
            PutLe16(t, 1, static_cast<uint16_t>(b.size() + extra));
        } else {
            t[1] = static_cast<uint8_t>(b.size() + extra);
        }
        EXPECT_TRUE(DecodesTo(t, -EPROTO)) << extra;
    }
}

// Each single-byte change either keeps the message valid or is rejected, and whatever decodes
// re-encodes and decodes to the same struct (a deterministic mini-fuzz around every vector).
TEST_P(LlcTruncation, SingleByteChangesAreConsistent) {
    Bytes b = ToBytes(GetParam());
    for (size_t i = 0; i < b.size(); i++) {
        for (int v : {0x00, 0x01, 0x02, 0x03, 0x05, 0x08, 0x0f, 0x10, 0x20, 0x2c, 0x7f, 0x80,
                      0xff}) {
            Bytes t = b;
            t[i] = static_cast<uint8_t>(v);
            auto m = Zeroed<smcr_llc_msg>();
            if (Decode(t, &m)) {
                continue;
            }
            // Rebuild the lists from the buffer and re-encode.
            std::vector<smcr_llc_rkey_pair> pairs(256);
            std::vector<smcr_llc_rtoken> rt(256);
            std::vector<uint32_t> keys(256);
            std::vector<std::array<u8, 16>> gids(256);
            unsigned int n;
            for (n = 0; smcr_llc_get_rkey_pair(t.data(), &m, n, &pairs[n]) == 0; n++) {
            }
            for (n = 0; smcr_llc_get_rtoken(t.data(), &m, n, &rt[n]) == 0; n++) {
            }
            for (n = 0; smcr_llc_get_rkey(t.data(), &m, n, &keys[n]) == 0; n++) {
            }
            for (n = 0; smcr_llc_get_gid(t.data(), &m, n, gids[n].data()) == 0; n++) {
            }
            smcr_llc_msg tx = m;
            switch (m.hdr.type) {
            case SMCR_LLC_ADD_LINK:
                tx.add_link.rt = pairs.data();
                break;
            case SMCR_LLC_ADD_LINK_CONT:
                tx.add_link_cont.rt = pairs.data();
                break;
            case SMCR_LLC_CONFIRM_RKEY:
                tx.confirm_rkey.rt = rt.data();
                break;
            case SMCR_LLC_CONFIRM_RKEY_CONT:
                tx.confirm_rkey_cont.rt = rt.data();
                break;
            case SMCR_LLC_DELETE_RKEY:
                tx.delete_rkey.rkeys = keys.data();
                break;
            case SMCR_LLC_REQ_ADD_LINK:
                tx.req_add_link.gid = reinterpret_cast<const u8(*)[16]>(gids.data());
                break;
            }
            Bytes enc = EncodeLlc(tx);
            ASSERT_FALSE(enc.empty()) << i << "=" << v;
            auto m2 = Zeroed<smcr_llc_msg>();
            ASSERT_EQ(Decode(enc, &m2), 0) << i << "=" << v;
            m.hdr.length = m2.hdr.length; // the encoder drops trailing bytes
            ExpectEq(m, m2);
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Vectors, LlcTruncation,
                         ::testing::ValuesIn(llc_vectors, llc_vectors + LLC_VECTOR_CNT),
                         [](const ::testing::TestParamInfo<llc_vector>& i) {
                             return std::string(i.param.name);
                         });

// ---- header ----------------------------------------------------------------------------------

TEST(LlcHeader, TypeByteTable) {
    const std::set<int> valid = {0x01, 0x02, 0x03, 0x04, 0x06, 0x07, 0x08, 0x09,
                                 0x21, 0x22, 0x24, 0x25, 0x26, 0x27, 0x29};
    for (int b = 0; b < 256; b++) {
        EXPECT_EQ(smcr_llc_type_byte_valid(static_cast<u8>(b)), valid.count(b) == 1) << b;
    }
}

// Bytes 1-2 = 2c 00 read as 44 both as a v1 length byte and as a v2 little-endian length.
TEST(LlcHeader, UnknownTypeBytesRejected) {
    Bytes b = ToBytes(llc_vector LLC_VEC(llc_test_link));
    for (int t = 0; t < 256; t++) {
        b[0] = static_cast<uint8_t>(t);
        smcr_llc_hdr h{};
        ExactBuf e(b);
        int rc = smcr_llc_parse_hdr(e.data(), e.size(), &h);
        EXPECT_EQ(rc, smcr_llc_type_byte_valid(static_cast<u8>(t)) ? 0 : -EPROTO) << t;
        if (!smcr_llc_type_byte_valid(static_cast<u8>(t))) {
            EXPECT_TRUE(DecodesTo(b, -EPROTO)) << t;
        }
    }
    b[0] = SMCR_CDC_MSG_TYPE; // a CDC message is not an LLC message
    EXPECT_TRUE(DecodesTo(b, -EPROTO));
}

TEST(LlcHeader, V1LengthMustBe44) {
    Bytes b = ToBytes(llc_vector LLC_VEC(llc_test_link));
    for (int l = 0; l < 256; l++) {
        b[1] = static_cast<uint8_t>(l);
        EXPECT_TRUE(DecodesTo(b, l == 44 ? 0 : -EPROTO)) << l;
    }
}

TEST(LlcHeader, V2LengthRange) {
    Bytes b = ToBytes(llc_vector LLC_VEC(llc_test_link_v2));
    for (uint16_t l : {0, 1, 4, 43}) {
        PutLe16(b, 1, l);
        EXPECT_TRUE(DecodesTo(b, -EPROTO)) << l;
    }
    // Longer than 8 KiB is refused even if that much was received.
    Bytes big = V2Resized(LLC_VEC(llc_test_link_v2), 8193);
    EXPECT_TRUE(DecodesTo(big, -EPROTO));
    PutLe16(big, 1, 0xffff);
    EXPECT_TRUE(DecodesTo(big, -EPROTO));
    PutLe16(big, 1, 8192);
    EXPECT_TRUE(DecodesTo(big, 0));
    // s390 Linux writes the length big-endian: 00 2c reads as 11264 here and is refused.
    b[1] = 0x00;
    b[2] = 0x2c;
    EXPECT_TRUE(DecodesTo(b, -EPROTO));
}

// v2 fixed-size messages longer than 44 decode (extra bytes ignored, like Linux).
TEST(LlcHeader, V2FixedTypesMayBeLonger) {
    for (const llc_vector& v :
         {llc_vector LLC_VEC(llc_confirm_link_v2), llc_vector LLC_VEC(llc_test_link_v2),
          llc_vector LLC_VEC(llc_delete_link_v2), llc_vector LLC_VEC(llc_add_link_v2_reject)}) {
        if (v.data == llc_add_link_v2_reject) {
            continue; // ADD_LINK: 45..71 is a truncated extension, tested below
        }
        for (size_t len : {45u, 100u, 8192u}) {
            Bytes b = V2Resized(v, len);
            auto m = Zeroed<smcr_llc_msg>();
            ASSERT_EQ(Decode(b, &m), 0) << v.name << " " << len;
            EXPECT_EQ(m.hdr.length, len);
            EXPECT_EQ(smcr_llc_msg_len(&m), 44);
        }
    }
}

// v1 byte 2 is reserved except for ADD_LINK's reject-reason nibble.
TEST(LlcHeader, V1ReservedByteIgnored) {
    for (const llc_vector& v : {llc_vector LLC_VEC(llc_confirm_link_req),
                                llc_vector LLC_VEC(llc_delete_link_all),
                                llc_vector LLC_VEC(llc_test_link), llc_vector LLC_VEC(llc_delete_rkey)}) {
        Bytes b = ToBytes(v);
        b[2] = 0xff;
        auto m = Zeroed<smcr_llc_msg>();
        ASSERT_EQ(Decode(b, &m), 0) << v.name;
        EXPECT_TRUE(BytesEq(ToBytes(v), [&] {
            // re-encode with the lists of the original
            Bytes out(SMCR_LLC_V2_MAX_LEN);
            u32 rkey = 0x1a2b;
            if (m.hdr.type == SMCR_LLC_DELETE_RKEY) {
                m.delete_rkey.rkeys = &rkey;
            }
            int rc = smcr_llc_encode(&m, out.data(), out.size());
            out.resize(rc > 0 ? static_cast<size_t>(rc) : 0);
            return out;
        }())) << v.name;
    }
    Bytes b = ToBytes(llc_vector LLC_VEC(llc_add_link_reject));
    b[2] = 0xf1; // high nibble reserved
    auto m = Zeroed<smcr_llc_msg>();
    ASSERT_EQ(Decode(b, &m), 0);
    EXPECT_EQ(m.add_link.reject_reason, 1);
}

TEST(LlcHeader, FlagsKeptAsReceived) {
    for (int f = 0; f < 256; f++) {
        Bytes b = ToBytes(llc_vector LLC_VEC(llc_test_link));
        b[3] = static_cast<uint8_t>(f);
        auto m = Zeroed<smcr_llc_msg>();
        ASSERT_EQ(Decode(b, &m), 0) << f;
        EXPECT_EQ(m.hdr.flags, f);
        EXPECT_TRUE(BytesEq(b, EncodeLlc(m))) << f;
    }
}

// ---- per type --------------------------------------------------------------------------------

TEST(LlcConfirmLink, LinkIdZeroRejected) {
    for (const llc_vector& v :
         {llc_vector LLC_VEC(llc_confirm_link_req), llc_vector LLC_VEC(llc_confirm_link_v2)}) {
        Bytes b = ToBytes(v);
        b[29] = 0;
        EXPECT_TRUE(DecodesTo(b, -EPROTO)) << v.name;
    }
}

// Missing eyecatcher flag is a handshake decision (decline RMBE_EC), not a malformed message.
TEST(LlcConfirmLink, NoEyecatcherFlagStillDecodes) {
    for (uint8_t f : {0x00, 0x01, 0x02, 0x03, 0x80}) {
        Bytes b = ToBytes(llc_vector LLC_VEC(llc_confirm_link_req));
        b[3] = f;
        auto m = Zeroed<smcr_llc_msg>();
        ASSERT_EQ(Decode(b, &m), 0);
        EXPECT_EQ((m.hdr.flags & SMCR_LLC_FLAG_NO_RMBE_EYEC) != 0, (f & 0x03) != 0);
    }
}

TEST(LlcAddLink, LinkIdZero) {
    // v1 request without link: fine (the invitation vector). As a response: no.
    Bytes b = ToBytes(llc_vector LLC_VEC(llc_add_link_invite));
    b[3] = SMCR_LLC_FLAG_RESP;
    EXPECT_TRUE(DecodesTo(b, -EPROTO));
    // v2 never carries link id 0.
    b = ToBytes(llc_vector LLC_VEC(llc_add_link_v2_req));
    b[31] = 0;
    EXPECT_TRUE(DecodesTo(b, -EPROTO));
    b = ToBytes(llc_vector LLC_VEC(llc_add_link_v2_reject));
    b[31] = 0;
    EXPECT_TRUE(DecodesTo(b, -EPROTO));
}

TEST(LlcAddLink, Mtu) {
    for (int mtu = 0; mtu < 16; mtu++) {
        Bytes b = ToBytes(llc_vector LLC_VEC(llc_add_link_req));
        b[32] = static_cast<uint8_t>(mtu);
        EXPECT_TRUE(DecodesTo(b, mtu >= 1 && mtu <= 5 ? 0 : -EPROTO)) << mtu;
        b[32] = static_cast<uint8_t>(0xf0 | mtu); // high nibble reserved
        EXPECT_TRUE(DecodesTo(b, mtu >= 1 && mtu <= 5 ? 0 : -EPROTO)) << mtu;
        // The invitation (no link) carries no QP, any MTU nibble is accepted.
        b = ToBytes(llc_vector LLC_VEC(llc_add_link_invite));
        b[32] = static_cast<uint8_t>(mtu);
        EXPECT_TRUE(DecodesTo(b, 0)) << mtu;
    }
}

TEST(LlcAddLink, V2ExtensionLengths) {
    // 45..71 bytes: a partial extension.
    for (size_t len = 45; len < 72; len++) {
        EXPECT_TRUE(DecodesTo(V2Resized(LLC_VEC(llc_add_link_v2_req), len), -EPROTO)) << len;
    }
    // Exactly the extension with no pairs.
    Bytes b = V2Resized(LLC_VEC(llc_add_link_v2_req), 72);
    PutLe16(b, 70, 0);
    auto m = Zeroed<smcr_llc_msg>();
    ASSERT_EQ(Decode(b, &m), 0);
    EXPECT_TRUE(m.add_link.has_v2_ext);
    EXPECT_EQ(m.add_link.num_rkeys, 0);
    // num_rkeys says more than the length holds (Linux can do that in a race; we refuse).
    for (uint16_t n : {3, 4, 255}) {
        b = ToBytes(llc_vector LLC_VEC(llc_add_link_v2_req));
        PutLe16(b, 70, n);
        EXPECT_TRUE(DecodesTo(b, -EPROTO)) << n;
    }
    // More than 255 pairs, even if they fit.
    b = V2Resized(LLC_VEC(llc_add_link_v2_req), 72 + 256 * 16);
    PutLe16(b, 70, 256);
    EXPECT_TRUE(DecodesTo(b, -EPROTO));
    PutLe16(b, 70, 255);
    EXPECT_TRUE(DecodesTo(b, 0));
    // A big-endian count (s390 Linux): 00 02 reads as 512.
    b = ToBytes(llc_vector LLC_VEC(llc_add_link_v2_req));
    b[70] = 0x00;
    b[71] = 0x02;
    EXPECT_TRUE(DecodesTo(b, -EPROTO));
    // Fewer pairs than the room: the rest is ignored.
    b = ToBytes(llc_vector LLC_VEC(llc_add_link_v2_req));
    PutLe16(b, 70, 1);
    ASSERT_EQ(Decode(b, &m), 0);
    EXPECT_EQ(m.add_link.num_rkeys, 1);
}

TEST(LlcAddLink, V2ExtensionReservedIgnored) {
    Bytes b = ToBytes(llc_vector LLC_VEC(llc_add_link_v2_req));
    b[44] = 0xff; // v2_direct plus 7 reserved bits
    b[45] = 0xff;
    for (size_t i = 62; i < 70; i++) {
        b[i] = 0xee;
    }
    auto m = Zeroed<smcr_llc_msg>();
    ASSERT_EQ(Decode(b, &m), 0);
    EXPECT_TRUE(m.add_link.v2_direct);
    b[44] = 0x7f;
    ASSERT_EQ(Decode(b, &m), 0);
    EXPECT_FALSE(m.add_link.v2_direct);
}

TEST(LlcAddLinkCont, LinkIdZeroRejected) {
    Bytes b = ToBytes(llc_vector LLC_VEC(llc_add_link_cont));
    b[4] = 0;
    EXPECT_TRUE(DecodesTo(b, -EPROTO));
}

TEST(LlcAddLinkCont, CountsBeyondTwo) {
    for (int n : {0, 1, 2, 3, 200, 255}) {
        Bytes b = ToBytes(llc_vector LLC_VEC(llc_add_link_cont));
        b[5] = static_cast<uint8_t>(n);
        auto m = Zeroed<smcr_llc_msg>();
        ASSERT_EQ(Decode(b, &m), 0) << n;
        EXPECT_EQ(m.add_link_cont.rt_cnt, std::min(n, 2));
    }
}

TEST(LlcReqAddLink, GidCountVsLength) {
    Bytes b = ToBytes(llc_vector LLC_VEC(llc_req_add_link_v2));
    b[24] = 3; // 28 + 48 = 76 > 60
    EXPECT_TRUE(DecodesTo(b, -EPROTO));
    b[24] = 255;
    EXPECT_TRUE(DecodesTo(b, -EPROTO));
    b[24] = 1;
    EXPECT_TRUE(DecodesTo(b, 0));
    b = ToBytes(llc_vector LLC_VEC(llc_req_add_link_v2_resp)); // 44 bytes hold one GID, not two
    b[24] = 1;
    EXPECT_TRUE(DecodesTo(b, 0));
    b[24] = 2;
    EXPECT_TRUE(DecodesTo(b, -EPROTO));
}

TEST(LlcConfirmRkey, V2CountVsLength) {
    Bytes b = ToBytes(llc_vector LLC_VEC(llc_confirm_rkey_v2));
    b[4] = 2;
    b[30] = 3; // rtoken 2 present now, give it a link id
    EXPECT_TRUE(DecodesTo(b, 0));
    b[4] = 3; // a third further rtoken does not fit 44 bytes in v2
    EXPECT_TRUE(DecodesTo(b, -EPROTO));
    b = ToBytes(llc_vector LLC_VEC(llc_confirm_rkey_v2_long));
    b[4] = 4;
    EXPECT_TRUE(DecodesTo(b, -EPROTO));
}

TEST(LlcConfirmRkey, PresentLinkIdZeroRejected) {
    Bytes b = ToBytes(llc_vector LLC_VEC(llc_confirm_rkey));
    b[17] = 0;
    EXPECT_TRUE(DecodesTo(b, -EPROTO));
    b = ToBytes(llc_vector LLC_VEC(llc_confirm_rkey_v2_long));
    b[17 + 2 * 13] = 0;
    EXPECT_TRUE(DecodesTo(b, -EPROTO));
    b = ToBytes(llc_vector LLC_VEC(llc_confirm_rkey_cont));
    b[5] = 0;
    EXPECT_TRUE(DecodesTo(b, -EPROTO));
    // Not present: not checked.
    b = ToBytes(llc_vector LLC_VEC(llc_confirm_rkey));
    b[4] = 0;
    b[17] = 0;
    EXPECT_TRUE(DecodesTo(b, 0));
}

TEST(LlcConfirmRkeyCont, Counts) {
    for (int n : {0, 1, 2, 3, 4, 255}) {
        Bytes b = ToBytes(llc_vector LLC_VEC(llc_confirm_rkey_cont));
        b[4] = static_cast<uint8_t>(n);
        b[5 + 13] = 4;
        b[5 + 26] = 5;
        auto m = Zeroed<smcr_llc_msg>();
        ASSERT_EQ(Decode(b, &m), 0) << n;
        EXPECT_EQ(m.confirm_rkey_cont.rt_cnt, std::min(n, 3));
    }
}

TEST(LlcDeleteRkey, V1AtMostEight) {
    for (int n = 0; n < 256; n++) {
        Bytes b = ToBytes(llc_vector LLC_VEC(llc_delete_rkey));
        b[4] = static_cast<uint8_t>(n);
        EXPECT_TRUE(DecodesTo(b, n <= 8 ? 0 : -EPROTO)) << n;
    }
}

TEST(LlcDeleteRkey, V2CountVsLength) {
    for (int n = 0; n < 256; n++) {
        Bytes b = ToBytes(llc_vector LLC_VEC(llc_delete_rkey_v2));
        b[4] = static_cast<uint8_t>(n);
        EXPECT_TRUE(DecodesTo(b, 8 + 4 * n <= 44 ? 0 : -EPROTO)) << n;
    }
    Bytes b = ToBytes(llc_vector LLC_VEC(llc_delete_rkey_v2_many));
    b[4] = 13;
    EXPECT_TRUE(DecodesTo(b, -EPROTO));
}

// A request for an unknown link is answered (reason NOLNK), so it must decode.
TEST(LlcDeleteLink, AnyLinkId) {
    for (int id : {0, 1, 2, 255}) {
        Bytes b = ToBytes(llc_vector LLC_VEC(llc_delete_link_nolnk));
        b[3] = 0;
        b[4] = static_cast<uint8_t>(id);
        EXPECT_TRUE(DecodesTo(b, 0)) << id;
    }
}

// ---- accessors -------------------------------------------------------------------------------

TEST(LlcAccessors, WrongTypeRefused) {
    Bytes b = ToBytes(llc_vector LLC_VEC(llc_test_link));
    auto m = Zeroed<smcr_llc_msg>();
    ASSERT_EQ(Decode(b, &m), 0);
    smcr_llc_rkey_pair p{};
    smcr_llc_rtoken t{};
    u32 k = 0;
    uint8_t g[16];
    EXPECT_EQ(smcr_llc_get_rkey_pair(b.data(), &m, 0, &p), -EINVAL);
    EXPECT_EQ(smcr_llc_get_rtoken(b.data(), &m, 0, &t), -EINVAL);
    EXPECT_EQ(smcr_llc_get_rkey(b.data(), &m, 0, &k), -EINVAL);
    EXPECT_EQ(smcr_llc_get_gid(b.data(), &m, 0, g), -EINVAL);
    // ADD_LINK without extension has no pairs.
    b = ToBytes(llc_vector LLC_VEC(llc_add_link_v2_reject));
    ASSERT_EQ(Decode(b, &m), 0);
    EXPECT_EQ(smcr_llc_get_rkey_pair(b.data(), &m, 0, &p), -EINVAL);
    b = ToBytes(llc_vector LLC_VEC(llc_add_link_req));
    ASSERT_EQ(Decode(b, &m), 0);
    EXPECT_EQ(smcr_llc_get_rkey_pair(b.data(), &m, 0, &p), -EINVAL);
    // Huge indexes.
    b = ToBytes(llc_vector LLC_VEC(llc_add_link_v2_many));
    ASSERT_EQ(Decode(b, &m), 0);
    EXPECT_EQ(smcr_llc_get_rkey_pair(b.data(), &m, 20, &p), -EINVAL);
    EXPECT_EQ(smcr_llc_get_rkey_pair(b.data(), &m, 0xffffffffu, &p), -EINVAL);
}

// ---- encoder ---------------------------------------------------------------------------------

smcr_llc_msg Valid(uint8_t version, uint8_t type) {
    auto m = Hdr(version, type, 0, 0);
    switch (type) {
    case SMCR_LLC_CONFIRM_LINK:
        m.confirm_link.link_num = 1;
        break;
    case SMCR_LLC_ADD_LINK:
        m.add_link.link_num = 2;
        m.add_link.qp_mtu = 3;
        break;
    case SMCR_LLC_ADD_LINK_CONT:
        m.add_link_cont.link_num = 2;
        break;
    default:
        break;
    }
    return m;
}

int Len(const smcr_llc_msg& m) {
    return smcr_llc_msg_len(&m);
}

TEST(LlcEncode, VersionAndTypeTable) {
    for (int version = 0; version < 4; version++) {
        for (int type = 0; type < 32; type++) {
            auto m = Valid(static_cast<uint8_t>(version), static_cast<uint8_t>(type));
            bool ok = (version == 1 && smcr_llc_type_byte_valid(static_cast<u8>(type))) ||
                      (version == 2 && type < 16 &&
                       smcr_llc_type_byte_valid(static_cast<u8>(0x20 | type)));
            EXPECT_EQ(Len(m), ok ? 44 : -EINVAL) << version << "/" << type;
            Bytes out;
            EXPECT_EQ(EncodeLlcCap(m, 64, &out), ok ? 44 : -EINVAL);
            if (!ok) {
                EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](uint8_t x) { return x == 0xa5; }));
            }
        }
    }
}

TEST(LlcEncode, FieldRanges) {
    auto m = Valid(1, SMCR_LLC_CONFIRM_LINK);
    m.confirm_link.sender_qpn = 0x1000000;
    EXPECT_EQ(Len(m), -EINVAL);
    m.confirm_link.sender_qpn = 0xffffff;
    EXPECT_EQ(Len(m), 44);
    m.confirm_link.link_num = 0;
    EXPECT_EQ(Len(m), -EINVAL);

    m = Valid(1, SMCR_LLC_ADD_LINK);
    m.add_link.sender_qpn = 0x1000000;
    EXPECT_EQ(Len(m), -EINVAL);
    m = Valid(1, SMCR_LLC_ADD_LINK);
    m.add_link.initial_psn = 0x1000000;
    EXPECT_EQ(Len(m), -EINVAL);
    m = Valid(1, SMCR_LLC_ADD_LINK);
    m.add_link.qp_mtu = 6;
    EXPECT_EQ(Len(m), -EINVAL);
    m.add_link.qp_mtu = 0;
    EXPECT_EQ(Len(m), -EINVAL);
    m.add_link.link_num = 0; // the invitation: no QP data needed
    EXPECT_EQ(Len(m), 44);
    m.add_link.qp_mtu = 16;
    EXPECT_EQ(Len(m), -EINVAL);
    m = Valid(1, SMCR_LLC_ADD_LINK);
    m.add_link.reject_reason = 15;
    EXPECT_EQ(Len(m), 44);
    m.add_link.reject_reason = 16;
    EXPECT_EQ(Len(m), -EINVAL);
    m = Valid(2, SMCR_LLC_ADD_LINK);
    m.add_link.reject_reason = 1; // no room for it in v2
    EXPECT_EQ(Len(m), -EINVAL);
    m = Valid(2, SMCR_LLC_ADD_LINK);
    m.add_link.link_num = 0;
    EXPECT_EQ(Len(m), -EINVAL);
    m = Valid(1, SMCR_LLC_ADD_LINK);
    m.add_link.link_num = 0;
    m.hdr.flags = SMCR_LLC_FLAG_RESP;
    EXPECT_EQ(Len(m), -EINVAL);

    m = Valid(1, SMCR_LLC_ADD_LINK_CONT);
    m.add_link_cont.link_num = 0;
    EXPECT_EQ(Len(m), -EINVAL);
}

TEST(LlcEncode, AddLinkExtension) {
    auto m = Valid(1, SMCR_LLC_ADD_LINK);
    m.add_link.has_v2_ext = true;
    EXPECT_EQ(Len(m), -EINVAL); // no extension in v1
    m = Valid(2, SMCR_LLC_ADD_LINK);
    m.add_link.has_v2_ext = true;
    EXPECT_EQ(Len(m), 72);
    m.add_link.num_rkeys = 1;
    EXPECT_EQ(Len(m), -EINVAL); // list missing
    smcr_llc_rkey_pair pairs[256] = {};
    m.add_link.rt = pairs;
    EXPECT_EQ(Len(m), 88);
    m.add_link.num_rkeys = 255;
    EXPECT_EQ(Len(m), 72 + 255 * 16);
    m.add_link.num_rkeys = 256;
    EXPECT_EQ(Len(m), -EINVAL);
    m = Valid(2, SMCR_LLC_ADD_LINK);
    m.add_link.num_rkeys = 1; // count without an extension
    m.add_link.rt = pairs;
    EXPECT_EQ(Len(m), -EINVAL);
    m = Valid(2, SMCR_LLC_ADD_LINK);
    m.add_link.v2_direct = true;
    EXPECT_EQ(Len(m), -EINVAL);
}

TEST(LlcEncode, ListsRequired) {
    auto m = Valid(1, SMCR_LLC_ADD_LINK_CONT);
    m.add_link_cont.num_rkeys = 1;
    EXPECT_EQ(Len(m), -EINVAL);
    m = Valid(2, SMCR_LLC_REQ_ADD_LINK);
    m.req_add_link.gid_cnt = 1;
    EXPECT_EQ(Len(m), -EINVAL);
    m = Valid(1, SMCR_LLC_DELETE_RKEY);
    m.delete_rkey.num_rkeys = 1;
    EXPECT_EQ(Len(m), -EINVAL);
    m = Valid(1, SMCR_LLC_CONFIRM_RKEY);
    m.confirm_rkey.num_rkeys = 1;
    EXPECT_EQ(Len(m), -EINVAL);
    m = Valid(1, SMCR_LLC_CONFIRM_RKEY_CONT);
    m.confirm_rkey_cont.num_rkeys = 1;
    EXPECT_EQ(Len(m), -EINVAL);
}

TEST(LlcEncode, RtokenLinkIdZero) {
    smcr_llc_rtoken rt[3] = {Rtok(2, 1), Rtok(0, 2), Rtok(3, 3)};
    auto m = Valid(1, SMCR_LLC_CONFIRM_RKEY);
    m.confirm_rkey.rt = rt;
    m.confirm_rkey.num_rkeys = 1;
    EXPECT_EQ(Len(m), 44);
    m.confirm_rkey.num_rkeys = 2;
    EXPECT_EQ(Len(m), -EINVAL);
    m = Valid(1, SMCR_LLC_CONFIRM_RKEY_CONT);
    m.confirm_rkey_cont.rt = rt;
    m.confirm_rkey_cont.num_rkeys = 1;
    EXPECT_EQ(Len(m), 44);
    m.confirm_rkey_cont.num_rkeys = 3;
    EXPECT_EQ(Len(m), -EINVAL);
}

TEST(LlcEncode, DeleteRkeyV1Limit) {
    u32 keys[9] = {};
    auto m = Valid(1, SMCR_LLC_DELETE_RKEY);
    m.delete_rkey.rkeys = keys;
    m.delete_rkey.num_rkeys = 8;
    EXPECT_EQ(Len(m), 44);
    m.delete_rkey.num_rkeys = 9;
    EXPECT_EQ(Len(m), -EINVAL);
    m.hdr.version = 2;
    EXPECT_EQ(Len(m), 44); // 8 + 36
    u32 more[10] = {};
    m.delete_rkey.rkeys = more;
    m.delete_rkey.num_rkeys = 10;
    EXPECT_EQ(Len(m), 48);
}

TEST(LlcEncode, NoSpaceWritesNothing) {
    for (size_t i = 0; i < LLC_VECTOR_CNT; i++) {
        Bytes b = ToBytes(llc_vectors[i]);
        auto m = Zeroed<smcr_llc_msg>();
        ASSERT_EQ(Decode(b, &m), 0);
        // Reuse the received buffer's lists through a simple copy of the known shapes.
        std::vector<smcr_llc_rkey_pair> pairs(256);
        std::vector<smcr_llc_rtoken> rt(256);
        std::vector<uint32_t> keys(256);
        std::vector<std::array<u8, 16>> gids(256);
        for (unsigned int n = 0; smcr_llc_get_rkey_pair(b.data(), &m, n, &pairs[n]) == 0; n++) {
        }
        for (unsigned int n = 0; smcr_llc_get_rtoken(b.data(), &m, n, &rt[n]) == 0; n++) {
        }
        for (unsigned int n = 0; smcr_llc_get_rkey(b.data(), &m, n, &keys[n]) == 0; n++) {
        }
        for (unsigned int n = 0; smcr_llc_get_gid(b.data(), &m, n, gids[n].data()) == 0; n++) {
        }
        switch (m.hdr.type) {
        case SMCR_LLC_ADD_LINK:
            m.add_link.rt = pairs.data();
            break;
        case SMCR_LLC_ADD_LINK_CONT:
            m.add_link_cont.rt = pairs.data();
            break;
        case SMCR_LLC_CONFIRM_RKEY:
            m.confirm_rkey.rt = rt.data();
            break;
        case SMCR_LLC_CONFIRM_RKEY_CONT:
            m.confirm_rkey_cont.rt = rt.data();
            break;
        case SMCR_LLC_DELETE_RKEY:
            m.delete_rkey.rkeys = keys.data();
            break;
        case SMCR_LLC_REQ_ADD_LINK:
            m.req_add_link.gid = reinterpret_cast<const u8(*)[16]>(gids.data());
            break;
        }
        for (size_t cap = 0; cap < b.size(); cap++) {
            Bytes out;
            ASSERT_EQ(EncodeLlcCap(m, cap, &out), -ENOSPC) << llc_vectors[i].name << " " << cap;
            ASSERT_TRUE(std::all_of(out.begin(), out.end(), [](uint8_t x) { return x == 0xa5; }));
        }
        Bytes out;
        ASSERT_EQ(EncodeLlcCap(m, b.size() + 8, &out), static_cast<int>(b.size()));
        EXPECT_TRUE(std::all_of(out.begin() + static_cast<long>(b.size()), out.end(),
                                [](uint8_t x) { return x == 0xa5; }))
            << llc_vectors[i].name;
    }
}

} // namespace
} // namespace datatest
