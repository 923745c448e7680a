// SPDX-License-Identifier: GPL-2.0 OR MIT
// CDC codec against hand-written byte vectors (cdc_vectors.h): decode(bytes) == fields,
// encode(fields) == bytes, round trips, and every malformed input rejected. The expected fields
// are written from the wire table, independently of the codec.
#include "data_test_util.h"

namespace datatest {
namespace {

struct CdcCase {
    cdc_vector vec;
    smcr_cdc_msg msg;
};

smcr_cdc_msg Cdc(uint16_t seq, uint32_t token, uint16_t pw, uint32_t pc, uint16_t cw, uint32_t cc,
                 uint8_t pf, uint8_t cs) {
    auto m = Zeroed<smcr_cdc_msg>();
    m.seqno = seq;
    m.token = token;
    m.prod.wrap = pw;
    m.prod.count = pc;
    m.cons.wrap = cw;
    m.cons.count = cc;
    m.prod_flags = pf;
    m.conn_state_flags = cs;
    return m;
}

const CdcCase kCases[] = {
    {CDC_VEC(cdc_first_data), Cdc(1, 5, 0, 0x1000, 0, 0, 0, 0)},
    {CDC_VEC(cdc_blocked_upd_req),
     Cdc(0x1234, 0xdeadbeef, 3, 16383, 2, 8192,
         SMCR_CDC_WRITE_BLOCKED | SMCR_CDC_CONS_CURS_UPD_REQ, 0)},
    {CDC_VEC(cdc_urgent_wrap_max),
     Cdc(0xffff, 0x01020304, 0xffff, 0x7ffff, 0xfffe, 0x40000,
         SMCR_CDC_URG_DATA_PENDING | SMCR_CDC_URG_DATA_PRESENT, 0)},
    {CDC_VEC(cdc_done_writing), Cdc(0x8000, 7, 0x100, 0x10000, 0xff, 0xffff, 0, 0x80)},
    {CDC_VEC(cdc_closed), Cdc(2, 0x80000001, 1, 0, 1, 0, 0, SMCR_CDC_PEER_CONN_CLOSED)},
    {CDC_VEC(cdc_abort),
     Cdc(0x100, 3, 0, 10, 0, 20, SMCR_CDC_WRITE_BLOCKED, SMCR_CDC_PEER_CONN_ABORT)},
    {CDC_VEC(cdc_failover_validation), Cdc(0x42, 9, 0, 0, 0, 0, SMCR_CDC_FAILOVER_VALIDATION, 0)},
    {CDC_VEC(cdc_all_flags), Cdc(0x7fff, 0xffffffff, 0x1234, 0x56789, 0x1234, 0x56789, 0xf8, 0xe0)},
};

void ExpectEq(const smcr_cdc_msg& e, const smcr_cdc_msg& a) {
    EXPECT_EQ(e.seqno, a.seqno);
    EXPECT_EQ(e.token, a.token);
    EXPECT_EQ(e.prod.wrap, a.prod.wrap);
    EXPECT_EQ(e.prod.count, a.prod.count);
    EXPECT_EQ(e.cons.wrap, a.cons.wrap);
    EXPECT_EQ(e.cons.count, a.cons.count);
    EXPECT_EQ(e.prod_flags, a.prod_flags);
    EXPECT_EQ(e.conn_state_flags, a.conn_state_flags);
}

class CdcVectorTest : public ::testing::TestWithParam<CdcCase> {};

TEST_P(CdcVectorTest, DecodesToFields) {
    auto m = Zeroed<smcr_cdc_msg>();
    ASSERT_EQ(DecodeCdc(ToBytes(GetParam().vec), &m), 0);
    ExpectEq(GetParam().msg, m);
}

TEST_P(CdcVectorTest, EncodesToBytes) {
    EXPECT_TRUE(BytesEq(ToBytes(GetParam().vec), EncodeCdc(GetParam().msg)));
}

TEST_P(CdcVectorTest, RoundTrip) {
    auto m = Zeroed<smcr_cdc_msg>();
    ASSERT_EQ(DecodeCdc(ToBytes(GetParam().vec), &m), 0);
    EXPECT_TRUE(BytesEq(ToBytes(GetParam().vec), EncodeCdc(m)));
}

// Linux's receive path needs only the 26 bytes before the reserved area.
TEST_P(CdcVectorTest, ShortButComplete) {
    Bytes b = ToBytes(GetParam().vec);
    for (size_t n = SMCR_CDC_MIN_RX_LEN; n <= b.size(); n++) {
        auto m = Zeroed<smcr_cdc_msg>();
        ASSERT_EQ(DecodeCdc(Bytes(b.begin(), b.begin() + static_cast<long>(n)), &m), 0) << n;
        ExpectEq(GetParam().msg, m);
    }
}

TEST_P(CdcVectorTest, TruncatedRejected) {
    Bytes b = ToBytes(GetParam().vec);
    for (size_t n = 0; n < SMCR_CDC_MIN_RX_LEN; n++) {
        auto m = Cdc(1, 1, 1, 1, 1, 1, 0x80, 0x80);
        EXPECT_EQ(DecodeCdc(Bytes(b.begin(), b.begin() + static_cast<long>(n)), &m), -EPROTO)
            << n;
        EXPECT_TRUE(AllZero(&m, sizeof(m))) << n;
    }
}

// Reserved bytes, the cursors' reserved halves and reserved flag bits may carry leftovers of a
// reused send buffer (Linux does not clear them): they must be ignored.
TEST_P(CdcVectorTest, ReservedIgnored) {
    Bytes b = ToBytes(GetParam().vec);
    for (size_t i : {8, 9, 16, 17}) {
        b[i] = 0xa5;
    }
    b[24] |= 0x07;
    b[25] |= 0x1f;
    for (size_t i = 26; i < 44; i++) {
        b[i] = static_cast<uint8_t>(0x5a ^ i);
    }
    b.resize(48, 0xee); // a few extra bytes received: ignored too
    auto m = Zeroed<smcr_cdc_msg>();
    ASSERT_EQ(DecodeCdc(b, &m), 0);
    ExpectEq(GetParam().msg, m);
    EXPECT_TRUE(BytesEq(ToBytes(GetParam().vec), EncodeCdc(m)));
}

INSTANTIATE_TEST_SUITE_P(Vectors, CdcVectorTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<CdcCase>& i) {
                             return std::string(i.param.vec.name);
                         });

TEST(Cdc, BadTypeRejected) {
    Bytes b = ToBytes(cdc_vector CDC_VEC(cdc_first_data));
    for (int t = 0; t < 256; t++) {
        if (t == SMCR_CDC_MSG_TYPE) {
            continue;
        }
        b[0] = static_cast<uint8_t>(t);
        auto m = Zeroed<smcr_cdc_msg>();
        EXPECT_EQ(DecodeCdc(b, &m), -EPROTO) << t;
    }
}

TEST(Cdc, BadLengthByteRejected) {
    Bytes b = ToBytes(cdc_vector CDC_VEC(cdc_first_data));
    for (int l = 0; l < 256; l++) {
        b[1] = static_cast<uint8_t>(l);
        auto m = Zeroed<smcr_cdc_msg>();
        EXPECT_EQ(DecodeCdc(b, &m), l == 44 ? 0 : -EPROTO) << l;
    }
}

TEST(Cdc, NullBufferRejected) {
    auto m = Zeroed<smcr_cdc_msg>();
    EXPECT_EQ(smcr_cdc_decode(nullptr, 44, &m), -EPROTO);
}

// Every single flag bit by itself, in both flag bytes.
TEST(Cdc, EachFlagBit) {
    for (int bit = 0; bit < 8; bit++) {
        for (int byte : {24, 25}) {
            Bytes b = ToBytes(cdc_vector CDC_VEC(cdc_first_data));
            b[static_cast<size_t>(byte)] = static_cast<uint8_t>(1u << bit);
            auto m = Zeroed<smcr_cdc_msg>();
            ASSERT_EQ(DecodeCdc(b, &m), 0);
            uint8_t mask = byte == 24 ? SMCR_CDC_PROD_FLAGS_MASK : SMCR_CDC_CONN_STATE_MASK;
            uint8_t got = byte == 24 ? m.prod_flags : m.conn_state_flags;
            EXPECT_EQ(got, (1u << bit) & mask) << byte << ":" << bit;
        }
    }
}

TEST(Cdc, FlagHelpers) {
    auto m = Cdc(0, 0, 0, 0, 0, 0, SMCR_CDC_FAILOVER_VALIDATION, 0);
    EXPECT_TRUE(smcr_cdc_is_validation(&m));
    EXPECT_FALSE(smcr_cdc_any_close(&m));
    EXPECT_FALSE(smcr_cdc_any_close_or_done(&m));
    m.conn_state_flags = SMCR_CDC_PEER_DONE_WRITING;
    EXPECT_FALSE(smcr_cdc_any_close(&m));
    EXPECT_TRUE(smcr_cdc_any_close_or_done(&m));
    m.conn_state_flags = SMCR_CDC_PEER_CONN_CLOSED;
    EXPECT_TRUE(smcr_cdc_any_close(&m));
    m.conn_state_flags = SMCR_CDC_PEER_CONN_ABORT;
    EXPECT_TRUE(smcr_cdc_any_close(&m));
    m.prod_flags = SMCR_CDC_WRITE_BLOCKED;
    EXPECT_FALSE(smcr_cdc_is_validation(&m));
}

TEST(Cdc, EncodeRejectsReservedFlagBits) {
    for (int bit = 0; bit < 8; bit++) {
        uint8_t f = static_cast<uint8_t>(1u << bit);
        uint8_t out[SMCR_CDC_MSG_LEN];
        std::memset(out, 0xa5, sizeof(out));
        auto m = Cdc(1, 2, 3, 4, 5, 6, f, 0);
        int rc = smcr_cdc_encode(&m, out, sizeof(out));
        EXPECT_EQ(rc, (f & SMCR_CDC_PROD_FLAGS_MASK) ? SMCR_CDC_MSG_LEN : -EINVAL) << bit;
        m = Cdc(1, 2, 3, 4, 5, 6, 0, f);
        rc = smcr_cdc_encode(&m, out, sizeof(out));
        EXPECT_EQ(rc, (f & SMCR_CDC_CONN_STATE_MASK) ? SMCR_CDC_MSG_LEN : -EINVAL) << bit;
    }
}

TEST(Cdc, EncodeNoSpaceWritesNothing) {
    auto m = kCases[1].msg;
    for (size_t cap = 0; cap < SMCR_CDC_MSG_LEN; cap++) {
        std::unique_ptr<uint8_t[]> p(new uint8_t[cap ? cap : 1]);
        std::memset(p.get(), 0xa5, cap ? cap : 1);
        EXPECT_EQ(smcr_cdc_encode(&m, cap ? p.get() : nullptr, cap), -ENOSPC) << cap;
        for (size_t i = 0; i < cap; i++) {
            EXPECT_EQ(p[i], 0xa5) << cap << "@" << i;
        }
    }
    EXPECT_EQ(smcr_cdc_encode(&m, nullptr, 44), -ENOSPC);
}

TEST(Cdc, EncodeWritesExactly44) {
    uint8_t out[64];
    std::memset(out, 0xa5, sizeof(out));
    EXPECT_EQ(smcr_cdc_encode(&kCases[0].msg, out, sizeof(out)), SMCR_CDC_MSG_LEN);
    for (size_t i = SMCR_CDC_MSG_LEN; i < sizeof(out); i++) {
        EXPECT_EQ(out[i], 0xa5) << i;
    }
}

// Wrap values across the whole 16-bit range and counts up to the largest SMC-D ring.
class CdcCursorValues
    : public ::testing::TestWithParam<std::tuple<uint16_t, uint32_t>> {};

TEST_P(CdcCursorValues, RoundTrip) {
    auto [wrap, count] = GetParam();
    auto m = Cdc(static_cast<uint16_t>(wrap ^ 0x5555), count ^ 0xa5a5a5a5u, wrap, count,
                 static_cast<uint16_t>(~wrap), count / 2, SMCR_CDC_CONS_CURS_UPD_REQ, 0);
    Bytes b = EncodeCdc(m);
    ASSERT_EQ(b.size(), 44u);
    // Spot-check the big-endian placement by hand.
    EXPECT_EQ(b[10], wrap >> 8);
    EXPECT_EQ(b[11], wrap & 0xff);
    EXPECT_EQ(b[12], count >> 24);
    EXPECT_EQ(b[15], count & 0xff);
    auto d = Zeroed<smcr_cdc_msg>();
    ASSERT_EQ(DecodeCdc(b, &d), 0);
    ExpectEq(m, d);
}

INSTANTIATE_TEST_SUITE_P(
    Values, CdcCursorValues,
    ::testing::Combine(::testing::Values<uint16_t>(0, 1, 0x7fff, 0x8000, 0xfffe, 0xffff),
                       ::testing::Values<uint32_t>(0, 1, 16383, 16384, 0x7ffff, 0x80000,
                                                   0xfffff, 0x100000, 0xffffffff)));

} // namespace
} // namespace datatest
