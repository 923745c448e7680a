// SPDX-License-Identifier: GPL-2.0 OR MIT
// Helpers shared by the data-path codec tests (CDC, LLC, cursors): byte buffers, exactly sized
// heap copies for the decoders (so ASan sees any over-read), byte-exact comparisons.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <gtest/gtest.h>
#include <iomanip>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

// The codec headers carry their own extern "C" guards; including them bare checks that.
#include "cdc.h"
#include "cdc_vectors.h"
#include "cursor.h"
#include "llc.h"
#include "llc_vectors.h"

inline void PrintTo(const cdc_vector& v, std::ostream* os) {
    *os << v.name;
}
inline void PrintTo(const llc_vector& v, std::ostream* os) {
    *os << v.name;
}

namespace datatest {

using Bytes = std::vector<uint8_t>;

inline Bytes ToBytes(const cdc_vector& v) {
    return {v.data, v.data + v.len};
}
inline Bytes ToBytes(const llc_vector& v) {
    return {v.data, v.data + v.len};
}

inline std::string HexAround(const Bytes& b, size_t at) {
    std::ostringstream os;
    size_t from = at >= 8 ? at - 8 : 0;
    for (size_t i = from; i < b.size() && i < at + 8; i++) {
        os << (i == at ? "[" : "") << std::hex << std::setw(2) << std::setfill('0')
           << static_cast<int>(b[i]) << (i == at ? "]" : "") << ' ';
    }
    return os.str();
}

// Byte-exact comparison that reports the first differing offset.
inline ::testing::AssertionResult BytesEq(const Bytes& expected, const Bytes& actual) {
    size_t n = std::min(expected.size(), actual.size());
    for (size_t i = 0; i < n; i++) {
        if (expected[i] != actual[i]) {
            return ::testing::AssertionFailure() << "first difference at offset " << i
                                                 << "\n  expected: " << HexAround(expected, i)
                                                 << "\n  actual:   " << HexAround(actual, i);
        }
    }
    if (expected.size() != actual.size()) {
        return ::testing::AssertionFailure()
               << "length differs: expected " << expected.size() << ", actual " << actual.size();
    }
    return ::testing::AssertionSuccess();
}

template <size_t N> std::string Hex(const u8 (&a)[N]) {
    std::ostringstream os;
    for (size_t i = 0; i < N; i++) {
        os << std::hex << std::setw(2) << std::setfill('0') << static_cast<int>(a[i]);
    }
    return os.str();
}

template <typename T> T Zeroed() {
    T t;
    std::memset(&t, 0, sizeof(t));
    return t;
}

inline bool AllZero(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    return std::all_of(b, b + n, [](uint8_t x) { return x == 0; });
}

// A heap buffer of exactly b.size() bytes (at least one byte is allocated; the decoders get
// nullptr for an empty input).
class ExactBuf {
  public:
    explicit ExactBuf(const Bytes& b) : n_(b.size()), p_(new uint8_t[b.empty() ? 1 : b.size()]) {
        if (n_) {
            std::memcpy(p_.get(), b.data(), n_);
        }
    }
    const uint8_t* data() const {
        return n_ ? p_.get() : nullptr;
    }
    size_t size() const {
        return n_;
    }

  private:
    size_t n_;
    std::unique_ptr<uint8_t[]> p_;
};

inline int DecodeCdc(const Bytes& b, smcr_cdc_msg* m) {
    ExactBuf e(b);
    return smcr_cdc_decode(e.data(), e.size(), m);
}

inline Bytes EncodeCdc(const smcr_cdc_msg& m) {
    Bytes b(SMCR_CDC_MSG_LEN);
    int rc = smcr_cdc_encode(&m, b.data(), b.size());
    EXPECT_EQ(rc, SMCR_CDC_MSG_LEN);
    b.resize(rc > 0 ? static_cast<size_t>(rc) : 0);
    return b;
}

// Encode into a buffer of exactly @cap bytes; returns the rc and the bytes written.
inline int EncodeLlcCap(const smcr_llc_msg& m, size_t cap, Bytes* out) {
    std::unique_ptr<uint8_t[]> p(new uint8_t[cap ? cap : 1]);
    std::memset(p.get(), 0xa5, cap ? cap : 1);
    int rc = smcr_llc_encode(&m, cap ? p.get() : nullptr, cap);
    out->assign(p.get(), p.get() + cap);
    return rc;
}

inline Bytes EncodeLlc(const smcr_llc_msg& m) {
    Bytes b(SMCR_LLC_V2_MAX_LEN);
    int rc = smcr_llc_encode(&m, b.data(), b.size());
    EXPECT_GT(rc, 0);
    b.resize(rc > 0 ? static_cast<size_t>(rc) : 0);
    return b;
}

} // namespace datatest
