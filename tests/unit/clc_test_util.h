// SPDX-License-Identifier: GPL-2.0 OR MIT
// Helpers shared by the CLC codec tests: byte buffers, field setters, struct comparisons.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <gtest/gtest.h>
#include <iomanip>
#include <sstream>
#include <string>
#include <vector>

// The codec headers carry their own extern "C" guards; including them bare checks that.
#include "clc.h"
#include "clc_vectors.h"
#include "reason.h"

// Short names for value-parameterised test output (gtest would dump the raw bytes).
inline void PrintTo(const clc_vector& v, std::ostream* os) {
    *os << v.name;
}

namespace clctest {

using Bytes = std::vector<uint8_t>;

template <size_t N> Bytes ToBytes(const unsigned char (&a)[N]) {
    return {a, a + N};
}
inline Bytes ToBytes(const clc_vector& v) {
    return {v.data, v.data + v.len};
}

// Fixed identifiers, the same values as the V_* macros of clc_vectors.h.
inline constexpr std::array<uint8_t, 8> kSysIdC = {V_SYSID_C};
inline constexpr std::array<uint8_t, 8> kSysIdS = {V_SYSID_S};
inline constexpr std::array<uint8_t, 16> kGid1C = {V_GID1_C};
inline constexpr std::array<uint8_t, 16> kGid1S = {V_GID1_S};
inline constexpr std::array<uint8_t, 6> kMacC = {V_MAC_C};
inline constexpr std::array<uint8_t, 6> kMacS = {V_MAC_S};
inline constexpr std::array<uint8_t, 16> kGid2C = {V_GID2_C};
inline constexpr std::array<uint8_t, 16> kGid2S = {V_GID2_S};
inline constexpr std::array<uint8_t, 16> kGid2C2 = {V_GID2_C2};

// A 32-byte blank-padded identifier (UEID, SEID, host name) from a C string.
inline std::array<uint8_t, 32> Padded32(const char* s) {
    std::array<uint8_t, 32> a{};
    a.fill(' ');
    std::memcpy(a.data(), s, std::strlen(s));
    return a;
}

template <size_t N> void Set(u8 (&dst)[N], const std::array<uint8_t, N>& src) {
    std::memcpy(dst, src.data(), N);
}

template <size_t N> std::string Hex(const u8 (&a)[N]) {
    std::ostringstream os;
    for (size_t i = 0; i < N; i++) {
        os << std::hex << std::setw(2) << std::setfill('0') << static_cast<int>(a[i]);
    }
    return os.str();
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

// Byte-exact comparison that reports the first differing offset instead of two long dumps.
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

// Patch helpers for building malformed messages from valid ones.
inline void PutU16(Bytes& b, size_t off, uint16_t v) {
    b.at(off) = static_cast<uint8_t>(v >> 8);
    b.at(off + 1) = static_cast<uint8_t>(v);
}
inline void SetLenField(Bytes& b, size_t len) {
    PutU16(b, 5, static_cast<uint16_t>(len));
}
inline void PutTrailer(Bytes& b) {
    static constexpr uint8_t ec[4] = {EC_R};
    std::memcpy(b.data() + b.size() - 4, ec, 4);
}
// Change the total size to n: keep the body (truncated or zero-extended), append a trailer and
// update the length field, i.e. a message that is consistent except for its content.
inline Bytes Resized(Bytes b, size_t n) {
    b.resize(b.size() - 4);
    b.resize(n - 4, 0);
    b.resize(n, 0);
    PutTrailer(b);
    SetLenField(b, n);
    return b;
}

// Encoders returning bytes; a failure is reported and yields an empty buffer.
inline Bytes EncodeProp(const smcr_clc_proposal& p) {
    Bytes b(SMCR_CLC_MAX_LEN);
    int rc = smcr_clc_encode_proposal(&p, b.data(), b.size());
    EXPECT_GT(rc, 0);
    b.resize(rc > 0 ? static_cast<size_t>(rc) : 0);
    return b;
}
inline Bytes EncodeAc(const smcr_clc_accept_confirm& ac) {
    Bytes b(SMCR_CLC_MAX_LEN);
    int rc = smcr_clc_encode_accept_confirm(&ac, b.data(), b.size());
    EXPECT_GT(rc, 0);
    b.resize(rc > 0 ? static_cast<size_t>(rc) : 0);
    return b;
}
inline Bytes EncodeDecl(const smcr_clc_decline& d) {
    Bytes b(SMCR_CLC_MAX_LEN);
    int rc = smcr_clc_encode_decline(&d, b.data(), b.size());
    EXPECT_GT(rc, 0);
    b.resize(rc > 0 ? static_cast<size_t>(rc) : 0);
    return b;
}

// Decoders take a copy in an exactly sized heap buffer so ASan catches any over-read.
inline int DecodeProp(const Bytes& b, smcr_clc_proposal* p) {
    Bytes copy(b);
    return smcr_clc_decode_proposal(copy.empty() ? nullptr : copy.data(), copy.size(), p);
}
inline int DecodeAc(const Bytes& b, smcr_clc_accept_confirm* ac) {
    Bytes copy(b);
    return smcr_clc_decode_accept_confirm(copy.empty() ? nullptr : copy.data(), copy.size(), ac);
}
inline int DecodeDecl(const Bytes& b, smcr_clc_decline* d) {
    Bytes copy(b);
    return smcr_clc_decode_decline(copy.empty() ? nullptr : copy.data(), copy.size(), d);
}
inline int DecodeAny(const Bytes& b, smcr_clc_msg* m) {
    Bytes copy(b);
    return smcr_clc_decode(copy.empty() ? nullptr : copy.data(), copy.size(), m);
}
inline int ParseHdr(const Bytes& b, smcr_clc_hdr* h) {
    Bytes copy(b);
    return smcr_clc_parse_hdr(copy.empty() ? nullptr : copy.data(), copy.size(), h);
}

inline bool AllZero(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    return std::all_of(b, b + n, [](uint8_t x) { return x == 0; });
}

// Zero-initialised structs (memset, so that padding is zero too).
template <typename T> T Zeroed() {
    T t;
    std::memset(&t, 0, sizeof(t));
    return t;
}

#define CLC_EXPECT_ARR_EQ(e, a, field) EXPECT_EQ(Hex((e).field), Hex((a).field)) << #field

inline void ExpectEq(const smcr_clc_proposal& e, const smcr_clc_proposal& a) {
    EXPECT_EQ(e.version, a.version);
    EXPECT_EQ(e.typev1, a.typev1);
    EXPECT_EQ(e.typev2, a.typev2);
    CLC_EXPECT_ARR_EQ(e, a, sys_id);
    CLC_EXPECT_ARR_EQ(e, a, gid);
    CLC_EXPECT_ARR_EQ(e, a, mac);
    EXPECT_EQ(e.ism_gid, a.ism_gid);
    EXPECT_EQ(e.ism_chid, a.ism_chid);
    CLC_EXPECT_ARR_EQ(e, a, ipv4_subnet);
    EXPECT_EQ(e.ipv4_prefix_len, a.ipv4_prefix_len);
    EXPECT_EQ(e.ipv6_prefix_cnt, a.ipv6_prefix_cnt);
    for (int i = 0; i < SMCR_CLC_MAX_V6_PREFIX; i++) {
        EXPECT_EQ(Hex(e.ipv6_prefix[i].prefix), Hex(a.ipv6_prefix[i].prefix)) << "ipv6 " << i;
        EXPECT_EQ(e.ipv6_prefix[i].prefix_len, a.ipv6_prefix[i].prefix_len) << "ipv6 " << i;
    }
    EXPECT_EQ(e.has_v2_ext, a.has_v2_ext);
    EXPECT_EQ(e.eid_cnt, a.eid_cnt);
    EXPECT_EQ(e.ism_gid_cnt, a.ism_gid_cnt);
    EXPECT_EQ(e.release, a.release);
    EXPECT_EQ(e.seid, a.seid);
    CLC_EXPECT_ARR_EQ(e, a, roce_gid_v2);
    EXPECT_EQ(e.max_conns, a.max_conns);
    EXPECT_EQ(e.max_links, a.max_links);
    EXPECT_EQ(e.feature_mask, a.feature_mask);
    for (int i = 0; i < SMCR_CLC_MAX_UEID; i++) {
        EXPECT_EQ(Hex(e.ueid[i]), Hex(a.ueid[i])) << "ueid " << i;
    }
    EXPECT_EQ(e.has_smcd_v2_ext, a.has_smcd_v2_ext);
    CLC_EXPECT_ARR_EQ(e, a, system_eid);
    for (int i = 0; i < SMCR_CLC_MAX_ISM_V2; i++) {
        EXPECT_EQ(e.ism_v2[i].gid, a.ism_v2[i].gid) << "ism " << i;
        EXPECT_EQ(e.ism_v2[i].chid, a.ism_v2[i].chid) << "ism " << i;
    }
}

inline void ExpectEq(const smcr_clc_accept_confirm& e, const smcr_clc_accept_confirm& a) {
    EXPECT_EQ(e.type, a.type);
    EXPECT_EQ(e.version, a.version);
    EXPECT_EQ(e.first_contact, a.first_contact);
    CLC_EXPECT_ARR_EQ(e, a, sys_id);
    CLC_EXPECT_ARR_EQ(e, a, gid);
    CLC_EXPECT_ARR_EQ(e, a, mac);
    EXPECT_EQ(e.qpn, a.qpn);
    EXPECT_EQ(e.rmb_rkey, a.rmb_rkey);
    EXPECT_EQ(e.rmbe_idx, a.rmbe_idx);
    EXPECT_EQ(e.rmbe_alert_token, a.rmbe_alert_token);
    EXPECT_EQ(e.rmbe_size, a.rmbe_size);
    EXPECT_EQ(e.qp_mtu, a.qp_mtu);
    EXPECT_EQ(e.rmb_dma_addr, a.rmb_dma_addr);
    EXPECT_EQ(e.psn, a.psn);
    CLC_EXPECT_ARR_EQ(e, a, eid);
    EXPECT_EQ(e.fce.v2_direct, a.fce.v2_direct);
    EXPECT_EQ(e.fce.os_type, a.fce.os_type);
    EXPECT_EQ(e.fce.release, a.fce.release);
    CLC_EXPECT_ARR_EQ(e, a, fce.hostname);
    EXPECT_EQ(e.fce.max_conns, a.fce.max_conns);
    EXPECT_EQ(e.fce.max_links, a.fce.max_links);
    EXPECT_EQ(e.fce.feature_mask, a.fce.feature_mask);
    EXPECT_EQ(e.fce.vendor_exp_options, a.fce.vendor_exp_options);
    EXPECT_EQ(e.gid_cnt, a.gid_cnt);
    for (int i = 0; i < SMCR_CLC_MAX_GIDS; i++) {
        EXPECT_EQ(Hex(e.gid_list[i]), Hex(a.gid_list[i])) << "gid_list " << i;
    }
}

inline void ExpectEq(const smcr_clc_decline& e, const smcr_clc_decline& a) {
    EXPECT_EQ(e.version, a.version);
    EXPECT_EQ(e.first_contact, a.first_contact);
    CLC_EXPECT_ARR_EQ(e, a, sys_id);
    EXPECT_EQ(e.peer_diagnosis, a.peer_diagnosis);
    EXPECT_EQ(e.os_type, a.os_type);
    for (int i = 0; i < SMCR_CLC_DECL_DIAG_V2; i++) {
        EXPECT_EQ(e.diag_v2[i], a.diag_v2[i]) << "diag_v2 " << i;
    }
}

} // namespace clctest
