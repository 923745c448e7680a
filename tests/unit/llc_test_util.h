// SPDX-License-Identifier: GPL-2.0 OR MIT
// Expected values for the LLC vectors and helpers to compare decoded messages and their lists.
#pragma once

#include "data_test_util.h"

#include <functional>

namespace datatest {

using Gid = std::array<uint8_t, 16>;

inline Gid Gid1(uint8_t x) {
    return {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x53, x};
}
inline Gid Gid2(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
    return {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d};
}
inline const Gid kGid2C = Gid2(192, 0, 2, 1);
inline const Gid kGid2S = Gid2(192, 0, 2, 2);
inline const Gid kGid2C2 = Gid2(198, 51, 100, 1);
inline const Gid kGid2S2 = Gid2(198, 51, 100, 2);

inline void SetMac(u8 (&dst)[6], uint8_t x) {
    const uint8_t m[6] = {0x02, 0x00, 0x5e, 0x00, 0x53, x};
    std::memcpy(dst, m, 6);
}
inline void SetGid(u8 (&dst)[16], const Gid& g) {
    std::memcpy(dst, g.data(), 16);
}

// The list entries of llc_vectors.h (L_PAIR, L_RTOK, L_RKEY).
inline smcr_llc_rkey_pair Pair(uint32_t i) {
    smcr_llc_rkey_pair p{};
    p.rmb_key = 0x1000 | i;
    p.rmb_key_new = 0x2000 | i;
    p.rmb_vaddr_new = 0x00007f0000100000ull | (static_cast<uint64_t>(i) << 8);
    return p;
}
inline smcr_llc_rtoken Rtok(uint8_t id, uint32_t i) {
    smcr_llc_rtoken t{};
    t.link_id = id;
    t.rmb_key = 0x3c00 | i;
    t.rmb_vaddr = 0x00007f0000300000ull | (static_cast<uint64_t>(i) << 8);
    return t;
}
inline uint32_t Rkey(uint32_t i) {
    return 0x4000 | i;
}

// An expected message plus the lists the decoder must expose through the accessors.
struct LlcExpect {
    smcr_llc_msg msg;
    std::vector<smcr_llc_rkey_pair> pairs;
    std::vector<smcr_llc_rtoken> rtokens;
    std::vector<uint32_t> rkeys;
    std::vector<Gid> gids;
};

inline smcr_llc_msg Hdr(uint8_t version, uint8_t type, uint16_t length, uint8_t flags) {
    auto m = Zeroed<smcr_llc_msg>();
    m.hdr.version = version;
    m.hdr.type = type;
    m.hdr.length = length;
    m.hdr.flags = flags;
    return m;
}

// Point the encode-side list pointers of e.msg at the expected lists.
inline smcr_llc_msg WithTxLists(const LlcExpect& e, std::vector<std::array<u8, 16>>* gid_store) {
    smcr_llc_msg m = e.msg;
    gid_store->clear();
    for (const auto& g : e.gids) {
        std::array<u8, 16> a{};
        std::memcpy(a.data(), g.data(), 16);
        gid_store->push_back(a);
    }
    switch (m.hdr.type) {
    case SMCR_LLC_ADD_LINK:
        m.add_link.rt = e.pairs.empty() ? nullptr : e.pairs.data();
        break;
    case SMCR_LLC_ADD_LINK_CONT:
        m.add_link_cont.rt = e.pairs.empty() ? nullptr : e.pairs.data();
        break;
    case SMCR_LLC_CONFIRM_RKEY:
        m.confirm_rkey.rt = e.rtokens.empty() ? nullptr : e.rtokens.data();
        break;
    case SMCR_LLC_CONFIRM_RKEY_CONT:
        m.confirm_rkey_cont.rt = e.rtokens.empty() ? nullptr : e.rtokens.data();
        break;
    case SMCR_LLC_DELETE_RKEY:
        m.delete_rkey.rkeys = e.rkeys.empty() ? nullptr : e.rkeys.data();
        break;
    case SMCR_LLC_REQ_ADD_LINK:
        m.req_add_link.gid =
            gid_store->empty() ? nullptr : reinterpret_cast<const u8(*)[16]>(gid_store->data());
        break;
    default:
        break;
    }
    return m;
}

#define LLC_EXPECT_ARR_EQ(e, a, field) EXPECT_EQ(Hex((e).field), Hex((a).field)) << #field

inline void ExpectEq(const smcr_llc_msg& e, const smcr_llc_msg& a) {
    EXPECT_EQ(e.hdr.type, a.hdr.type);
    EXPECT_EQ(e.hdr.version, a.hdr.version);
    EXPECT_EQ(e.hdr.length, a.hdr.length);
    EXPECT_EQ(e.hdr.flags, a.hdr.flags);
    switch (e.hdr.type) {
    case SMCR_LLC_CONFIRM_LINK:
        LLC_EXPECT_ARR_EQ(e, a, confirm_link.sender_mac);
        LLC_EXPECT_ARR_EQ(e, a, confirm_link.sender_gid);
        EXPECT_EQ(e.confirm_link.sender_qpn, a.confirm_link.sender_qpn);
        EXPECT_EQ(e.confirm_link.link_num, a.confirm_link.link_num);
        LLC_EXPECT_ARR_EQ(e, a, confirm_link.link_uid);
        EXPECT_EQ(e.confirm_link.max_links, a.confirm_link.max_links);
        break;
    case SMCR_LLC_ADD_LINK:
        LLC_EXPECT_ARR_EQ(e, a, add_link.sender_mac);
        LLC_EXPECT_ARR_EQ(e, a, add_link.sender_gid);
        EXPECT_EQ(e.add_link.sender_qpn, a.add_link.sender_qpn);
        EXPECT_EQ(e.add_link.link_num, a.add_link.link_num);
        EXPECT_EQ(e.add_link.qp_mtu, a.add_link.qp_mtu);
        EXPECT_EQ(e.add_link.initial_psn, a.add_link.initial_psn);
        EXPECT_EQ(e.add_link.reject_reason, a.add_link.reject_reason);
        EXPECT_EQ(e.add_link.has_v2_ext, a.add_link.has_v2_ext);
        EXPECT_EQ(e.add_link.v2_direct, a.add_link.v2_direct);
        LLC_EXPECT_ARR_EQ(e, a, add_link.client_target_gid);
        EXPECT_EQ(e.add_link.num_rkeys, a.add_link.num_rkeys);
        EXPECT_EQ(e.add_link.rt_off, a.add_link.rt_off);
        EXPECT_EQ(a.add_link.rt, nullptr);
        break;
    case SMCR_LLC_ADD_LINK_CONT:
        EXPECT_EQ(e.add_link_cont.link_num, a.add_link_cont.link_num);
        EXPECT_EQ(e.add_link_cont.num_rkeys, a.add_link_cont.num_rkeys);
        EXPECT_EQ(e.add_link_cont.rt_cnt, a.add_link_cont.rt_cnt);
        EXPECT_EQ(e.add_link_cont.rt_off, a.add_link_cont.rt_off);
        EXPECT_EQ(a.add_link_cont.rt, nullptr);
        break;
    case SMCR_LLC_DELETE_LINK:
        EXPECT_EQ(e.delete_link.link_num, a.delete_link.link_num);
        EXPECT_EQ(e.delete_link.reason, a.delete_link.reason);
        break;
    case SMCR_LLC_REQ_ADD_LINK:
        EXPECT_EQ(e.req_add_link.gid_cnt, a.req_add_link.gid_cnt);
        EXPECT_EQ(e.req_add_link.gid_off, a.req_add_link.gid_off);
        EXPECT_EQ(a.req_add_link.gid, nullptr);
        break;
    case SMCR_LLC_CONFIRM_RKEY:
        EXPECT_EQ(e.confirm_rkey.num_rkeys, a.confirm_rkey.num_rkeys);
        EXPECT_EQ(e.confirm_rkey.rmb_key, a.confirm_rkey.rmb_key);
        EXPECT_EQ(e.confirm_rkey.rmb_vaddr, a.confirm_rkey.rmb_vaddr);
        EXPECT_EQ(e.confirm_rkey.rt_cnt, a.confirm_rkey.rt_cnt);
        EXPECT_EQ(e.confirm_rkey.rt_off, a.confirm_rkey.rt_off);
        EXPECT_EQ(a.confirm_rkey.rt, nullptr);
        break;
    case SMCR_LLC_CONFIRM_RKEY_CONT:
        EXPECT_EQ(e.confirm_rkey_cont.num_rkeys, a.confirm_rkey_cont.num_rkeys);
        EXPECT_EQ(e.confirm_rkey_cont.rt_cnt, a.confirm_rkey_cont.rt_cnt);
        EXPECT_EQ(e.confirm_rkey_cont.rt_off, a.confirm_rkey_cont.rt_off);
        EXPECT_EQ(a.confirm_rkey_cont.rt, nullptr);
        break;
    case SMCR_LLC_TEST_LINK:
        LLC_EXPECT_ARR_EQ(e, a, test_link.user_data);
        break;
    case SMCR_LLC_DELETE_RKEY:
        EXPECT_EQ(e.delete_rkey.num_rkeys, a.delete_rkey.num_rkeys);
        EXPECT_EQ(e.delete_rkey.err_mask, a.delete_rkey.err_mask);
        EXPECT_EQ(e.delete_rkey.rk_off, a.delete_rkey.rk_off);
        EXPECT_EQ(a.delete_rkey.rkeys, nullptr);
        break;
    default:
        ADD_FAILURE() << "unexpected type " << static_cast<int>(e.hdr.type);
    }
}

// Every list entry through the accessors, and the first index past the end refused.
inline void ExpectLists(const LlcExpect& e, const uint8_t* buf, const smcr_llc_msg& a) {
    unsigned int n = 0;
    for (; n < e.pairs.size(); n++) {
        smcr_llc_rkey_pair p{};
        ASSERT_EQ(smcr_llc_get_rkey_pair(buf, &a, n, &p), 0) << n;
        EXPECT_EQ(p.rmb_key, e.pairs[n].rmb_key) << n;
        EXPECT_EQ(p.rmb_key_new, e.pairs[n].rmb_key_new) << n;
        EXPECT_EQ(p.rmb_vaddr_new, e.pairs[n].rmb_vaddr_new) << n;
    }
    smcr_llc_rkey_pair p{};
    EXPECT_EQ(smcr_llc_get_rkey_pair(buf, &a, n, &p), -EINVAL);
    for (n = 0; n < e.rtokens.size(); n++) {
        smcr_llc_rtoken t{};
        ASSERT_EQ(smcr_llc_get_rtoken(buf, &a, n, &t), 0) << n;
        EXPECT_EQ(t.link_id, e.rtokens[n].link_id) << n;
        EXPECT_EQ(t.rmb_key, e.rtokens[n].rmb_key) << n;
        EXPECT_EQ(t.rmb_vaddr, e.rtokens[n].rmb_vaddr) << n;
    }
    smcr_llc_rtoken t{};
    EXPECT_EQ(smcr_llc_get_rtoken(buf, &a, n, &t), -EINVAL);
    for (n = 0; n < e.rkeys.size(); n++) {
        u32 k = 0;
        ASSERT_EQ(smcr_llc_get_rkey(buf, &a, n, &k), 0) << n;
        EXPECT_EQ(k, e.rkeys[n]) << n;
    }
    u32 k = 0;
    EXPECT_EQ(smcr_llc_get_rkey(buf, &a, n, &k), -EINVAL);
    for (n = 0; n < e.gids.size(); n++) {
        uint8_t g[16] = {};
        ASSERT_EQ(smcr_llc_get_gid(buf, &a, n, g), 0) << n;
        EXPECT_EQ(0, std::memcmp(g, e.gids[n].data(), 16)) << n;
    }
    uint8_t g[16] = {};
    EXPECT_EQ(smcr_llc_get_gid(buf, &a, n, g), -EINVAL);
}

} // namespace datatest
