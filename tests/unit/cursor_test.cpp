// SPDX-License-Identifier: GPL-2.0 OR MIT
// Cursor arithmetic and 16-bit serial numbers (kernel/wire/cursor.h): wrap boundaries for every
// SMC ring size, hostile cursors, and property tests against a model that tracks positions as
// plain 64-bit byte offsets.
#include "data_test_util.h"

#include <random>

namespace datatest {
namespace {

// ---- sequence numbers ------------------------------------------------------------------------

TEST(Seq, Basics) {
    EXPECT_TRUE(smcr_seq_before(1, 2));
    EXPECT_FALSE(smcr_seq_before(2, 1));
    EXPECT_FALSE(smcr_seq_before(5, 5));
    EXPECT_TRUE(smcr_seq_after(2, 1));
    EXPECT_FALSE(smcr_seq_after(5, 5));
    // Across the roll-over.
    EXPECT_TRUE(smcr_seq_before(0xffff, 0));
    EXPECT_TRUE(smcr_seq_after(0, 0xffff));
    EXPECT_TRUE(smcr_seq_before(0xfff0, 0x0010));
    EXPECT_EQ(smcr_seq_diff(0, 0xffff), 1);
    EXPECT_EQ(smcr_seq_diff(0xffff, 0), -1);
    EXPECT_EQ(smcr_seq_diff(0x7fff, 0), 0x7fff);
    // Exactly half the space apart: each is before the other, as with Linux's (s16) cast.
    EXPECT_EQ(smcr_seq_diff(0x8000, 0), -0x8000);
    EXPECT_TRUE(smcr_seq_before(0x8000, 0));
    EXPECT_TRUE(smcr_seq_before(0, 0x8000));
}

// Same verdict as Linux's smc_cdc_before(): (s16)(a - b) < 0.
TEST(Seq, MatchesSignedCastEverywhere) {
    for (uint32_t a : {0u, 1u, 0x7fffu, 0x8000u, 0x8001u, 0xabcdu, 0xfffeu, 0xffffu}) {
        for (uint32_t b = 0; b <= 0xffff; b++) {
            auto d = static_cast<int16_t>(static_cast<uint16_t>(a - b));
            ASSERT_EQ(smcr_seq_diff(static_cast<u16>(a), static_cast<u16>(b)), d) << a << " " << b;
            ASSERT_EQ(smcr_seq_before(static_cast<u16>(a), static_cast<u16>(b)), d < 0);
        }
    }
}

TEST(Seq, CdcOldAndValidation) {
    // A repeated seqno is processed again; only strictly older ones are dropped.
    EXPECT_FALSE(smcr_cdc_seq_is_old(10, 10));
    EXPECT_TRUE(smcr_cdc_seq_is_old(9, 10));
    EXPECT_FALSE(smcr_cdc_seq_is_old(11, 10));
    EXPECT_FALSE(smcr_cdc_seq_is_old(0, 0xffff));
    EXPECT_TRUE(smcr_cdc_seq_is_old(0xffff, 0));
    // Validation: the peer's last completed seqno must not be after the last one we accepted.
    EXPECT_TRUE(smcr_cdc_seq_validation_ok(10, 10));
    EXPECT_TRUE(smcr_cdc_seq_validation_ok(10, 9));
    EXPECT_FALSE(smcr_cdc_seq_validation_ok(10, 11));
    EXPECT_FALSE(smcr_cdc_seq_validation_ok(0xffff, 0));
    EXPECT_TRUE(smcr_cdc_seq_validation_ok(0, 0xffff));
}

// ---- cursors: per ring size ------------------------------------------------------------------

smcr_cursor C(uint32_t wrap, uint32_t count) {
    smcr_cursor c{};
    c.wrap = static_cast<u16>(wrap);
    c.count = count;
    return c;
}

// Linux's formulas (smc_cdc.h), for comparison on the inputs where they are right.
int LinuxDiff(uint32_t size, const smcr_cursor& o, const smcr_cursor& n) {
    if (o.wrap != n.wrap) {
        return std::max<int>(0, static_cast<int>((size - o.count) + n.count));
    }
    return std::max<int>(0, static_cast<int>(n.count - o.count));
}

class CursorSize : public ::testing::TestWithParam<uint32_t> {
  protected:
    uint32_t size() const {
        return GetParam();
    }
};

TEST_P(CursorSize, AddWithinAndAcrossWrap) {
    const uint32_t s = size();
    smcr_cursor c = C(0, 0);
    smcr_curs_add(s, &c, s - 1);
    EXPECT_EQ(c.wrap, 0);
    EXPECT_EQ(c.count, s - 1);
    smcr_curs_add(s, &c, 1);
    EXPECT_EQ(c.wrap, 1);
    EXPECT_EQ(c.count, 0u);
    smcr_curs_add(s, &c, s); // a whole lap
    EXPECT_EQ(c.wrap, 2);
    EXPECT_EQ(c.count, 0u);
    smcr_curs_add(s, &c, 0);
    EXPECT_EQ(c.wrap, 2);
    EXPECT_EQ(c.count, 0u);
    c = C(5, s - 10);
    smcr_curs_add(s, &c, 25);
    EXPECT_EQ(c.wrap, 6);
    EXPECT_EQ(c.count, 15u);
    c = C(5, s - 1);
    smcr_curs_add(s, &c, s); // maximal step from the last byte
    EXPECT_EQ(c.wrap, 6);
    EXPECT_EQ(c.count, s - 1);
}

TEST_P(CursorSize, AddRollsWrapOver) {
    const uint32_t s = size();
    smcr_cursor c = C(0xffff, s - 1);
    smcr_curs_add(s, &c, 1);
    EXPECT_EQ(c.wrap, 0);
    EXPECT_EQ(c.count, 0u);
    c = C(0xffff, 100);
    smcr_curs_add(s, &c, s);
    EXPECT_EQ(c.wrap, 0);
    EXPECT_EQ(c.count, 100u);
}

TEST_P(CursorSize, AddNormalisesAlias) {
    const uint32_t s = size();
    smcr_cursor c = C(7, s); // {7, size} is the same position as {8, 0}
    smcr_curs_add(s, &c, 0);
    EXPECT_EQ(c.wrap, 8);
    EXPECT_EQ(c.count, 0u);
    c = C(0xffff, s);
    smcr_curs_add(s, &c, 0);
    EXPECT_EQ(c.wrap, 0);
    EXPECT_EQ(c.count, 0u);
}

TEST_P(CursorSize, DiffSameAndNextWrap) {
    const uint32_t s = size();
    smcr_cursor a = C(3, 100), b = C(3, 300);
    EXPECT_EQ(smcr_curs_diff(s, &a, &b), 200u);
    EXPECT_EQ(smcr_curs_diff(s, &a, &a), 0u);
    b = C(4, 50); // next lap: size - 100 + 50
    EXPECT_EQ(smcr_curs_diff(s, &a, &b), s - 50);
    b = C(4, 100); // exactly a full ring
    EXPECT_EQ(smcr_curs_diff(s, &a, &b), s);
    a = C(3, s - 1);
    b = C(4, 0);
    EXPECT_EQ(smcr_curs_diff(s, &a, &b), 1u);
    a = C(3, 0);
    b = C(3, s); // the alias of {4, 0}
    EXPECT_EQ(smcr_curs_diff(s, &a, &b), s);
    a = C(3, s);
    b = C(4, 0);
    EXPECT_EQ(smcr_curs_diff(s, &a, &b), 0u);
}

TEST_P(CursorSize, DiffAcrossWrapRollOver) {
    const uint32_t s = size();
    smcr_cursor a = C(0xffff, s - 100), b = C(0, 50);
    EXPECT_EQ(smcr_curs_diff(s, &a, &b), 150u);
    EXPECT_EQ(smcr_curs_comp(s, &a, &b), 150);
    EXPECT_EQ(smcr_curs_comp(s, &b, &a), -150);
    EXPECT_TRUE(smcr_curs_ahead(s, &a, &b));
    EXPECT_FALSE(smcr_curs_ahead(s, &b, &a));
}

TEST_P(CursorSize, DiffClamps) {
    const uint32_t s = size();
    smcr_cursor a = C(10, 500), b = C(10, 400);
    EXPECT_EQ(smcr_curs_diff(s, &a, &b), 0u); // behind
    b = C(9, 600);
    EXPECT_EQ(smcr_curs_diff(s, &a, &b), 0u);
    b = C(11, 501); // one byte more than a ring
    EXPECT_EQ(smcr_curs_diff(s, &a, &b), s);
    b = C(12, 0); // wrap jumped by two
    EXPECT_EQ(smcr_curs_diff(s, &a, &b), s);
}

TEST_P(CursorSize, CompSignAndClamp) {
    const uint32_t s = size();
    smcr_cursor a = C(10, 500), b = C(10, 400);
    EXPECT_EQ(smcr_curs_comp(s, &a, &b), -100);
    EXPECT_EQ(smcr_curs_comp(s, &b, &a), 100);
    EXPECT_EQ(smcr_curs_comp(s, &a, &a), 0);
    b = C(9, 600);
    EXPECT_EQ(smcr_curs_comp(s, &a, &b), -static_cast<int>(s - 100));
    b = C(13, 0);
    EXPECT_EQ(smcr_curs_comp(s, &a, &b), static_cast<int>(s));
    b = C(7, 0);
    EXPECT_EQ(smcr_curs_comp(s, &a, &b), -static_cast<int>(s));
}

// Where a correct peer could have produced the pair, we agree with Linux's formulas.
TEST_P(CursorSize, DiffMatchesLinuxOnValidPairs) {
    const uint32_t s = size();
    const uint32_t counts[] = {0, 1, 2, s / 3, s / 2, s - 2, s - 1};
    for (uint32_t w : {0u, 1u, 0x7fffu, 0xfffeu}) {
        for (uint32_t oc : counts) {
            for (uint32_t nc : counts) {
                smcr_cursor o = C(w, oc);
                for (uint32_t dw : {0u, 1u}) {
                    smcr_cursor n = C(w + dw, nc);
                    long long dist = static_cast<long long>(dw) * s + nc - oc;
                    if (dist < 0 || dist > s) {
                        continue;
                    }
                    EXPECT_EQ(static_cast<int>(smcr_curs_diff(s, &o, &n)), LinuxDiff(s, o, n))
                        << w << " " << oc << " " << nc << " " << dw;
                }
            }
        }
    }
}

TEST_P(CursorSize, CheckOk) {
    const uint32_t s = size();
    u32 adv = 12345;
    smcr_cursor o = C(4, 100);
    smcr_cursor n = C(4, 100);
    EXPECT_EQ(smcr_curs_check(s, &o, &n, &adv), SMCR_CURS_OK);
    EXPECT_EQ(adv, 0u);
    n = C(4, 101);
    EXPECT_EQ(smcr_curs_check(s, &o, &n, &adv), SMCR_CURS_OK);
    EXPECT_EQ(adv, 1u);
    n = C(5, 100); // exactly one ring
    EXPECT_EQ(smcr_curs_check(s, &o, &n, &adv), SMCR_CURS_OK);
    EXPECT_EQ(adv, s);
    n = C(4, s); // alias count == size is accepted
    EXPECT_EQ(smcr_curs_check(s, &o, &n, &adv), SMCR_CURS_OK);
    EXPECT_EQ(adv, s - 100);
    o = C(0xffff, s - 1);
    n = C(0, 0);
    EXPECT_EQ(smcr_curs_check(s, &o, &n, &adv), SMCR_CURS_OK);
    EXPECT_EQ(adv, 1u);
    EXPECT_EQ(smcr_curs_check(s, &o, &n, nullptr), SMCR_CURS_OK);
}

TEST_P(CursorSize, CheckStale) {
    const uint32_t s = size();
    u32 adv = 7;
    smcr_cursor o = C(4, 100);
    smcr_cursor n = C(4, 99);
    EXPECT_EQ(smcr_curs_check(s, &o, &n, &adv), SMCR_CURS_STALE);
    EXPECT_EQ(adv, 0u);
    n = C(3, 100); // a whole ring back: a failover rewind can do that
    EXPECT_EQ(smcr_curs_check(s, &o, &n, &adv), SMCR_CURS_STALE);
    o = C(0, 10);
    n = C(0xffff, s - 10); // back across the roll-over
    EXPECT_EQ(smcr_curs_check(s, &o, &n, &adv), SMCR_CURS_STALE);
    EXPECT_FALSE(smcr_curs_is_violation(SMCR_CURS_STALE));
    EXPECT_FALSE(smcr_curs_is_violation(SMCR_CURS_OK));
}

TEST_P(CursorSize, CheckBadCount) {
    const uint32_t s = size();
    u32 adv = 7;
    smcr_cursor o = C(4, 100);
    for (uint32_t c : {s + 1, s + 100, 2 * s, 0x7fffffffu, 0xffffffffu}) {
        smcr_cursor n = C(4, c);
        EXPECT_EQ(smcr_curs_check(s, &o, &n, &adv), SMCR_CURS_BAD_COUNT) << c;
        EXPECT_EQ(adv, 0u);
        // An invalid reference is refused too.
        EXPECT_EQ(smcr_curs_check(s, &n, &o, &adv), SMCR_CURS_BAD_COUNT) << c;
    }
    EXPECT_TRUE(smcr_curs_is_violation(SMCR_CURS_BAD_COUNT));
    EXPECT_TRUE(smcr_curs_valid(s, &o));
}

TEST_P(CursorSize, CheckOverrun) {
    const uint32_t s = size();
    u32 adv = 7;
    smcr_cursor o = C(4, 100);
    smcr_cursor n = C(5, 101); // one ring and a byte
    EXPECT_EQ(smcr_curs_check(s, &o, &n, &adv), SMCR_CURS_OVERRUN);
    EXPECT_EQ(adv, 0u);
    n = C(6, 0); // wrap jumped by two
    EXPECT_EQ(smcr_curs_check(s, &o, &n, &adv), SMCR_CURS_OVERRUN);
    n = C(4 + 0x7fff, 0); // as far ahead as serial arithmetic reaches
    EXPECT_EQ(smcr_curs_check(s, &o, &n, &adv), SMCR_CURS_OVERRUN);
    o = C(0xffff, 0);
    n = C(1, 0); // two laps across the roll-over
    EXPECT_EQ(smcr_curs_check(s, &o, &n, &adv), SMCR_CURS_OVERRUN);
    EXPECT_TRUE(smcr_curs_is_violation(SMCR_CURS_OVERRUN));
}

TEST_P(CursorSize, CheckBackward) {
    const uint32_t s = size();
    u32 adv = 7;
    smcr_cursor o = C(4, 100);
    smcr_cursor n = C(3, 99); // a ring and a byte back
    EXPECT_EQ(smcr_curs_check(s, &o, &n, &adv), SMCR_CURS_BACKWARD);
    EXPECT_EQ(adv, 0u);
    n = C(0, 0);
    EXPECT_EQ(smcr_curs_check(s, &o, &n, &adv), SMCR_CURS_BACKWARD);
    // Linux would take wrap 0 after wrap 4 for a roll-over and count (size - 100) bytes; we
    // know it cannot be one.
    n = C(0, 200);
    EXPECT_EQ(smcr_curs_check(s, &o, &n, &adv), SMCR_CURS_BACKWARD);
    n = C(4 + 0x8000, 100); // half the wrap space away counts as behind
    EXPECT_EQ(smcr_curs_check(s, &o, &n, &adv), SMCR_CURS_BACKWARD);
    EXPECT_TRUE(smcr_curs_is_violation(SMCR_CURS_BACKWARD));
}

TEST_P(CursorSize, CheckEveryWrapDistance) {
    const uint32_t s = size();
    const smcr_cursor o = C(0x1234, s / 2);
    for (uint32_t dw = 0; dw <= 0xffff; dw++) {
        smcr_cursor n = C(0x1234 + dw, s / 2);
        u32 adv = 0;
        enum smcr_curs_verdict v = smcr_curs_check(s, &o, &n, &adv);
        enum smcr_curs_verdict want = dw == 0      ? SMCR_CURS_OK
                                      : dw == 1      ? SMCR_CURS_OK
                                      : dw == 0xffff ? SMCR_CURS_STALE
                                      : dw < 0x8000  ? SMCR_CURS_OVERRUN
                                                     : SMCR_CURS_BACKWARD;
        ASSERT_EQ(v, want) << dw;
        ASSERT_EQ(adv, dw == 1 ? s : 0u) << dw;
    }
}

// Walk a producer through more than 2^16 laps with random step sizes, checking every step
// against a 64-bit model; the consumer follows behind and stays within one ring.
TEST_P(CursorSize, RandomWalkAgainstModel) {
    const uint32_t s = size();
    std::mt19937_64 rng(s);
    smcr_cursor prod = C(0, 0), cons = C(0, 0);
    uint64_t p_abs = 0, c_abs = 0;
    const uint64_t target = 70000ull * s;
    while (p_abs < target) {
        // Producer: any step that keeps it within one ring of the consumer.
        uint64_t room = s - (p_abs - c_abs);
        uint64_t step = room ? rng() % (room + 1) : 0;
        if (rng() % 8 == 0) {
            step = room; // fill the ring completely now and then
        }
        smcr_cursor next = prod;
        smcr_curs_add(s, &next, static_cast<u32>(step));
        u32 adv = 0;
        ASSERT_EQ(smcr_curs_check(s, &prod, &next, &adv), SMCR_CURS_OK);
        ASSERT_EQ(adv, step);
        ASSERT_EQ(smcr_curs_diff(s, &prod, &next), step);
        p_abs += step;
        prod = next;
        ASSERT_EQ(prod.count, p_abs % s);
        ASSERT_EQ(prod.wrap, static_cast<u16>(p_abs / s));
        // In flight between consumer and producer, and the producer-vs-consumer bound.
        ASSERT_EQ(smcr_curs_diff(s, &cons, &prod), p_abs - c_abs);
        ASSERT_EQ(smcr_curs_check(s, &cons, &prod, nullptr), SMCR_CURS_OK);
        // Consumer: read a random part of what is there.
        uint64_t avail = p_abs - c_abs;
        uint64_t rd = avail ? rng() % (avail + 1) : 0;
        smcr_curs_add(s, &cons, static_cast<u32>(rd));
        c_abs += rd;
        ASSERT_EQ(smcr_curs_comp(s, &cons, &prod), static_cast<int>(p_abs - c_abs));
        // Large jumps to speed through the wrap space: a whole ring at a time.
        if (p_abs == c_abs && rng() % 2) {
            uint32_t laps = static_cast<uint32_t>(rng() % 64);
            for (uint32_t i = 0; i < laps; i++) {
                smcr_curs_add(s, &prod, s);
                smcr_curs_add(s, &cons, s);
            }
            p_abs += static_cast<uint64_t>(laps) * s;
            c_abs = p_abs;
        }
    }
}

// Random pairs of positions at most 32767 laps apart: delta is exact.
TEST_P(CursorSize, DeltaExactAgainstModel) {
    const uint32_t s = size();
    std::mt19937_64 rng(~static_cast<uint64_t>(s));
    for (int i = 0; i < 20000; i++) {
        uint64_t a = rng() % (1ull << 40);
        int64_t span = static_cast<int64_t>(0x7fffull * s);
        int64_t d = static_cast<int64_t>(rng() % static_cast<uint64_t>(2 * span + 1)) - span;
        if (static_cast<int64_t>(a) + d < 0) {
            continue;
        }
        uint64_t b = static_cast<uint64_t>(static_cast<int64_t>(a) + d);
        smcr_cursor ca = C(static_cast<uint32_t>(a / s), static_cast<uint32_t>(a % s));
        smcr_cursor cb = C(static_cast<uint32_t>(b / s), static_cast<uint32_t>(b % s));
        ASSERT_EQ(smcr_curs_delta(s, &ca, &cb), d);
        ASSERT_EQ(smcr_curs_ahead(s, &ca, &cb), d > 0);
        enum smcr_curs_verdict want = d > static_cast<int64_t>(s)    ? SMCR_CURS_OVERRUN
                                      : d < -static_cast<int64_t>(s) ? SMCR_CURS_BACKWARD
                                      : d < 0                        ? SMCR_CURS_STALE
                                                                     : SMCR_CURS_OK;
        ASSERT_EQ(smcr_curs_check(s, &ca, &cb, nullptr), want) << a << " " << d;
    }
}

INSTANTIATE_TEST_SUITE_P(Sizes, CursorSize,
                         ::testing::Values(16384u, 32768u, 65536u, 131072u, 262144u, 524288u,
                                           1048576u),
                         [](const ::testing::TestParamInfo<uint32_t>& i) {
                             return std::to_string(i.param / 1024) + "K";
                         });

TEST(Cursor, ValidAndSizeLimits) {
    smcr_cursor c = C(0, 0);
    EXPECT_FALSE(smcr_curs_valid(0, &c));
    EXPECT_TRUE(smcr_curs_valid(1, &c));
    EXPECT_TRUE(smcr_curs_valid(SMCR_CURS_SIZE_MAX, &c));
    EXPECT_FALSE(smcr_curs_valid(SMCR_CURS_SIZE_MAX + 1, &c));
    c.count = 16384;
    EXPECT_TRUE(smcr_curs_valid(16384, &c));
    c.count = 16385;
    EXPECT_FALSE(smcr_curs_valid(16384, &c));
    smcr_cursor z = C(0, 0);
    EXPECT_EQ(smcr_curs_check(0, &z, &z, nullptr), SMCR_CURS_BAD_COUNT);
    EXPECT_EQ(smcr_curs_check(SMCR_CURS_SIZE_MAX + 1, &z, &z, nullptr), SMCR_CURS_BAD_COUNT);
}

// At the largest size the signed results still fit an int and the 64-bit delta is exact.
TEST(Cursor, LargestSize) {
    const uint32_t s = SMCR_CURS_SIZE_MAX;
    smcr_cursor a = C(0, 0), b = C(0x7fff, s);
    EXPECT_EQ(smcr_curs_delta(s, &a, &b), 0x8000ll * s);
    EXPECT_EQ(smcr_curs_comp(s, &a, &b), static_cast<int>(s));
    EXPECT_EQ(smcr_curs_comp(s, &b, &a), -static_cast<int>(s));
    EXPECT_EQ(smcr_curs_diff(s, &a, &b), s);
    smcr_cursor c = C(0xffff, s - 1);
    smcr_curs_add(s, &c, s);
    EXPECT_EQ(c.wrap, 0);
    EXPECT_EQ(c.count, s - 1);
}

TEST(Cursor, VerdictNames) {
    EXPECT_STREQ(smcr_curs_verdict_name(SMCR_CURS_OK), "OK");
    EXPECT_STREQ(smcr_curs_verdict_name(SMCR_CURS_STALE), "STALE");
    EXPECT_STREQ(smcr_curs_verdict_name(SMCR_CURS_BAD_COUNT), "BAD_COUNT");
    EXPECT_STREQ(smcr_curs_verdict_name(SMCR_CURS_OVERRUN), "OVERRUN");
    EXPECT_STREQ(smcr_curs_verdict_name(SMCR_CURS_BACKWARD), "BACKWARD");
    EXPECT_STREQ(smcr_curs_verdict_name(static_cast<smcr_curs_verdict>(99)), "UNKNOWN");
}

} // namespace
} // namespace datatest
