// SPDX-License-Identifier: GPL-2.0 OR MIT
// LLC codec against hand-written byte vectors (llc_vectors.h), every type in v1 and the v2
// variants Linux sends: decode(bytes) == fields and lists, encode(fields, lists) == bytes, and
// round trips. Expected values are written from the wire tables, independently of the codec.
#include "llc_test_util.h"

namespace datatest {
namespace {

struct LlcCase {
    llc_vector vec;
    std::function<LlcExpect()> expect;
};

constexpr uint8_t V1 = SMCR_LLC_V1;
constexpr uint8_t V2 = SMCR_LLC_V2;

LlcExpect ConfirmLink(uint8_t version, uint8_t flags, uint8_t mac, const Gid& gid, uint32_t qpn,
                      uint8_t uid2) {
    LlcExpect e{Hdr(version, SMCR_LLC_CONFIRM_LINK, 44, flags), {}, {}, {}, {}};
    auto& cl = e.msg.confirm_link;
    SetMac(cl.sender_mac, mac);
    SetGid(cl.sender_gid, gid);
    cl.sender_qpn = qpn;
    cl.link_num = 1;
    const uint8_t uid[4] = {0, 0, uid2, 1};
    std::memcpy(cl.link_uid, uid, 4);
    cl.max_links = 2;
    return e;
}

LlcExpect AddLink(uint8_t version, uint16_t len, uint8_t flags, uint8_t mac, const Gid& gid,
                  uint32_t qpn, uint8_t link, uint8_t mtu, uint32_t psn) {
    LlcExpect e{Hdr(version, SMCR_LLC_ADD_LINK, len, flags), {}, {}, {}, {}};
    auto& al = e.msg.add_link;
    SetMac(al.sender_mac, mac);
    SetGid(al.sender_gid, gid);
    al.sender_qpn = qpn;
    al.link_num = link;
    al.qp_mtu = mtu;
    al.initial_psn = psn;
    return e;
}

void AddExt(LlcExpect* e, bool direct, const Gid& target, std::vector<smcr_llc_rkey_pair> pairs) {
    auto& al = e->msg.add_link;
    al.has_v2_ext = true;
    al.v2_direct = direct;
    SetGid(al.client_target_gid, target);
    al.num_rkeys = static_cast<u16>(pairs.size());
    al.rt_off = 72;
    e->pairs = std::move(pairs);
}

LlcExpect ConfirmRkey(uint8_t version, uint16_t len, uint8_t flags, uint8_t num,
                      std::vector<smcr_llc_rtoken> rt) {
    LlcExpect e{Hdr(version, SMCR_LLC_CONFIRM_RKEY, len, flags), {}, {}, {}, {}};
    auto& cr = e.msg.confirm_rkey;
    cr.num_rkeys = num;
    cr.rmb_key = 0x1a2b;
    cr.rmb_vaddr = 0x00007f1234567000ull;
    cr.rt_cnt = static_cast<u8>(rt.size());
    cr.rt_off = 17;
    e.rtokens = std::move(rt);
    return e;
}

LlcExpect TestLink(uint8_t version, uint8_t flags) {
    LlcExpect e{Hdr(version, SMCR_LLC_TEST_LINK, 44, flags), {}, {}, {}, {}};
    for (int i = 0; i < 16; i++) {
        e.msg.test_link.user_data[i] = static_cast<u8>(i + 1);
    }
    return e;
}

LlcExpect DeleteRkey(uint8_t version, uint16_t len, uint8_t flags, uint8_t err,
                     std::vector<uint32_t> rkeys) {
    LlcExpect e{Hdr(version, SMCR_LLC_DELETE_RKEY, len, flags), {}, {}, {}, {}};
    e.msg.delete_rkey.num_rkeys = static_cast<u8>(rkeys.size());
    e.msg.delete_rkey.err_mask = err;
    e.msg.delete_rkey.rk_off = 8;
    e.rkeys = std::move(rkeys);
    return e;
}

LlcExpect DeleteLink(uint8_t version, uint8_t flags, uint8_t link, uint32_t reason) {
    LlcExpect e{Hdr(version, SMCR_LLC_DELETE_LINK, 44, flags), {}, {}, {}, {}};
    e.msg.delete_link.link_num = link;
    e.msg.delete_link.reason = reason;
    return e;
}

LlcExpect AddLinkCont(uint8_t flags, uint8_t num, std::vector<smcr_llc_rkey_pair> pairs) {
    LlcExpect e{Hdr(V1, SMCR_LLC_ADD_LINK_CONT, 44, flags), {}, {}, {}, {}};
    e.msg.add_link_cont.link_num = 2;
    e.msg.add_link_cont.num_rkeys = num;
    e.msg.add_link_cont.rt_cnt = static_cast<u8>(pairs.size());
    e.msg.add_link_cont.rt_off = 8;
    e.pairs = std::move(pairs);
    return e;
}

LlcExpect ReqAddLink(uint16_t len, uint8_t flags, std::vector<Gid> gids) {
    LlcExpect e{Hdr(V2, SMCR_LLC_REQ_ADD_LINK, len, flags), {}, {}, {}, {}};
    e.msg.req_add_link.gid_cnt = static_cast<u8>(gids.size());
    e.msg.req_add_link.gid_off = 28;
    e.gids = std::move(gids);
    return e;
}

std::vector<smcr_llc_rkey_pair> Pairs(uint32_t from, uint32_t to) {
    std::vector<smcr_llc_rkey_pair> v;
    for (uint32_t i = from; i <= to; i++) {
        v.push_back(Pair(i));
    }
    return v;
}

const LlcCase kCases[] = {
    // ---- v1 ----
    {LLC_VEC(llc_confirm_link_req),
     [] { return ConfirmLink(V1, SMCR_LLC_FLAG_NO_RMBE_EYEC, 0x02, Gid1(0x02), 0x123, 1); }},
    {LLC_VEC(llc_confirm_link_resp),
     [] {
         return ConfirmLink(V1, SMCR_LLC_FLAG_RESP | SMCR_LLC_FLAG_NO_RMBE_EYEC, 0x01, Gid1(0x01),
                            0x456, 2);
     }},
    {LLC_VEC(llc_add_link_req),
     [] { return AddLink(V1, 44, 0, 0x12, Gid1(0x12), 0x234, 2, 3, 0x123456); }},
    {LLC_VEC(llc_add_link_reject),
     [] {
         auto e = AddLink(V1, 44, SMCR_LLC_FLAG_RESP | SMCR_LLC_FLAG_ADD_LNK_REJ, 0x12,
                          Gid1(0x12), 0x234, 2, 3, 0x123456);
         e.msg.add_link.reject_reason = SMCR_LLC_REJ_RSN_NO_ALT_PATH;
         return e;
     }},
    {LLC_VEC(llc_add_link_invite), [] { return AddLink(V1, 44, 0, 0x11, Gid1(0x11), 0, 0, 0, 0); }},
    {LLC_VEC(llc_add_link_resp),
     [] {
         return AddLink(V1, 44, SMCR_LLC_FLAG_RESP, 0x11, Gid1(0x11), 0x567, 2, 3, 0x654321);
     }},
    {LLC_VEC(llc_add_link_cont), [] { return AddLinkCont(0, 3, Pairs(1, 2)); }},
    {LLC_VEC(llc_add_link_cont_resp),
     [] { return AddLinkCont(SMCR_LLC_FLAG_RESP, 1, Pairs(3, 3)); }},
    {LLC_VEC(llc_delete_link_all),
     [] {
         return DeleteLink(V1, SMCR_LLC_FLAG_DEL_LINK_ALL | SMCR_LLC_FLAG_DEL_LINK_ORDERLY, 0,
                           SMCR_LLC_DEL_OP_INIT_TERM);
     }},
    {LLC_VEC(llc_delete_link_nolnk),
     [] { return DeleteLink(V1, SMCR_LLC_FLAG_RESP, 7, SMCR_LLC_DEL_NOLNK); }},
    {LLC_VEC(llc_confirm_rkey), [] { return ConfirmRkey(V1, 44, 0, 1, {Rtok(2, 1)}); }},
    {LLC_VEC(llc_confirm_rkey_neg),
     [] {
         return ConfirmRkey(V1, 44,
                            SMCR_LLC_FLAG_RESP | SMCR_LLC_FLAG_RKEY_NEG | SMCR_LLC_FLAG_RKEY_RETRY,
                            1, {Rtok(2, 1)});
     }},
    {LLC_VEC(llc_test_link), [] { return TestLink(V1, 0); }},
    {LLC_VEC(llc_test_link_resp), [] { return TestLink(V1, SMCR_LLC_FLAG_RESP); }},
    {LLC_VEC(llc_confirm_rkey_cont),
     [] {
         LlcExpect e{Hdr(V1, SMCR_LLC_CONFIRM_RKEY_CONT, 44, 0), {}, {}, {}, {}};
         e.msg.confirm_rkey_cont.num_rkeys = 1;
         e.msg.confirm_rkey_cont.rt_cnt = 1;
         e.msg.confirm_rkey_cont.rt_off = 5;
         e.rtokens = {Rtok(3, 2)};
         return e;
     }},
    {LLC_VEC(llc_delete_rkey), [] { return DeleteRkey(V1, 44, 0, 0, {0x1a2b}); }},
    {LLC_VEC(llc_delete_rkey_err),
     [] {
         return DeleteRkey(V1, 44, SMCR_LLC_FLAG_RESP | SMCR_LLC_FLAG_RKEY_NEG, 0x40,
                           {0x1a2b, 0x3c4d});
     }},
    // ---- v2 ----
    {LLC_VEC(llc_confirm_link_v2),
     [] { return ConfirmLink(V2, SMCR_LLC_FLAG_NO_RMBE_EYEC, 0x02, kGid2S, 0x123, 1); }},
    {LLC_VEC(llc_add_link_v2_req),
     [] {
         auto e = AddLink(V2, 104, 0, 0x12, kGid2S2, 0x234, 2, 5, 0x123456);
         AddExt(&e, true, kGid2S2, Pairs(1, 2));
         return e;
     }},
    {LLC_VEC(llc_add_link_v2_resp),
     [] {
         auto e = AddLink(V2, 88, SMCR_LLC_FLAG_RESP, 0x11, kGid2C2, 0x567, 2, 5, 0x654321);
         AddExt(&e, false, kGid2C2, Pairs(7, 7));
         return e;
     }},
    {LLC_VEC(llc_add_link_v2_reject),
     [] {
         return AddLink(V2, 44, SMCR_LLC_FLAG_RESP | SMCR_LLC_FLAG_ADD_LNK_REJ, 0x12, kGid2S2,
                        0x234, 2, 5, 0x123456);
     }},
    {LLC_VEC(llc_add_link_v2_many),
     [] {
         auto e = AddLink(V2, 392, 0, 0x12, kGid2S2, 0x234, 2, 5, 0x123456);
         AddExt(&e, true, kGid2S2, Pairs(1, 20));
         return e;
     }},
    {LLC_VEC(llc_delete_link_v2),
     [] {
         return DeleteLink(V2, SMCR_LLC_FLAG_DEL_LINK_ALL, 0, SMCR_LLC_DEL_PROG_INIT_TERM);
     }},
    {LLC_VEC(llc_req_add_link_v2), [] { return ReqAddLink(60, 0, {kGid2C, kGid2C2}); }},
    {LLC_VEC(llc_req_add_link_v2_resp), [] { return ReqAddLink(44, SMCR_LLC_FLAG_RESP, {}); }},
    {LLC_VEC(llc_confirm_rkey_v2), [] { return ConfirmRkey(V2, 44, 0, 1, {Rtok(2, 1)}); }},
    {LLC_VEC(llc_confirm_rkey_v2_long),
     [] { return ConfirmRkey(V2, 56, 0, 3, {Rtok(2, 1), Rtok(3, 2), Rtok(4, 3)}); }},
    {LLC_VEC(llc_test_link_v2), [] { return TestLink(V2, 0); }},
    {LLC_VEC(llc_delete_rkey_v2), [] { return DeleteRkey(V2, 44, 0, 0, {0x1a2b}); }},
    {LLC_VEC(llc_delete_rkey_v2_resp),
     [] { return DeleteRkey(V2, 44, SMCR_LLC_FLAG_RESP | SMCR_LLC_FLAG_RKEY_NEG, 1, {0}); }},
    {LLC_VEC(llc_delete_rkey_v2_many),
     [] {
         std::vector<uint32_t> k;
         for (uint32_t i = 1; i <= 12; i++) {
             k.push_back(Rkey(i));
         }
         return DeleteRkey(V2, 56, 0, 0, k);
     }},
};

class LlcVectorTest : public ::testing::TestWithParam<LlcCase> {};

TEST_P(LlcVectorTest, ParsesHeader) {
    LlcExpect e = GetParam().expect();
    Bytes b = ToBytes(GetParam().vec);
    ExactBuf buf(b);
    smcr_llc_hdr h{};
    ASSERT_EQ(smcr_llc_parse_hdr(buf.data(), buf.size(), &h), 0);
    EXPECT_EQ(h.type, e.msg.hdr.type);
    EXPECT_EQ(h.version, e.msg.hdr.version);
    EXPECT_EQ(h.length, e.msg.hdr.length);
    EXPECT_EQ(h.flags, e.msg.hdr.flags);
    EXPECT_EQ(h.length, b.size());
    EXPECT_TRUE(smcr_llc_type_byte_valid(b[0]));
}

TEST_P(LlcVectorTest, DecodesToFields) {
    LlcExpect e = GetParam().expect();
    Bytes b = ToBytes(GetParam().vec);
    ExactBuf buf(b);
    auto m = Zeroed<smcr_llc_msg>();
    ASSERT_EQ(smcr_llc_decode(buf.data(), buf.size(), &m), 0);
    ExpectEq(e.msg, m);
    ExpectLists(e, buf.data(), m);
}

TEST_P(LlcVectorTest, EncodesToBytes) {
    LlcExpect e = GetParam().expect();
    std::vector<std::array<u8, 16>> gids;
    smcr_llc_msg m = WithTxLists(e, &gids);
    m.hdr.length = 0; // ignored by the encoder
    EXPECT_EQ(smcr_llc_msg_len(&m), static_cast<int>(GetParam().vec.len));
    EXPECT_TRUE(BytesEq(ToBytes(GetParam().vec), EncodeLlc(m)));
}

TEST_P(LlcVectorTest, RoundTrip) {
    LlcExpect e = GetParam().expect();
    Bytes b = ToBytes(GetParam().vec);
    auto m = Zeroed<smcr_llc_msg>();
    ASSERT_EQ(smcr_llc_decode(b.data(), b.size(), &m), 0);
    // Materialise the lists from the received buffer, as a forwarding caller would.
    std::vector<smcr_llc_rkey_pair> pairs(e.pairs.size());
    std::vector<smcr_llc_rtoken> rtokens(e.rtokens.size());
    std::vector<uint32_t> rkeys(e.rkeys.size());
    std::vector<std::array<u8, 16>> gids(e.gids.size());
    for (unsigned int i = 0; i < pairs.size(); i++) {
        ASSERT_EQ(smcr_llc_get_rkey_pair(b.data(), &m, i, &pairs[i]), 0);
    }
    for (unsigned int i = 0; i < rtokens.size(); i++) {
        ASSERT_EQ(smcr_llc_get_rtoken(b.data(), &m, i, &rtokens[i]), 0);
    }
    for (unsigned int i = 0; i < rkeys.size(); i++) {
        ASSERT_EQ(smcr_llc_get_rkey(b.data(), &m, i, &rkeys[i]), 0);
    }
    for (unsigned int i = 0; i < gids.size(); i++) {
        ASSERT_EQ(smcr_llc_get_gid(b.data(), &m, i, gids[i].data()), 0);
    }
    LlcExpect rx{m, pairs, rtokens, rkeys, {}};
    for (const auto& g : gids) {
        Gid x;
        std::memcpy(x.data(), g.data(), 16);
        rx.gids.push_back(x);
    }
    std::vector<std::array<u8, 16>> store;
    EXPECT_TRUE(BytesEq(b, EncodeLlc(WithTxLists(rx, &store))));
}

// Bytes received beyond the message are not part of it (Linux ignores them too).
TEST_P(LlcVectorTest, TrailingBytesIgnored) {
    LlcExpect e = GetParam().expect();
    Bytes b = ToBytes(GetParam().vec);
    b.resize(b.size() + 20, 0xee);
    ExactBuf buf(b);
    auto m = Zeroed<smcr_llc_msg>();
    ASSERT_EQ(smcr_llc_decode(buf.data(), buf.size(), &m), 0);
    ExpectEq(e.msg, m);
    ExpectLists(e, buf.data(), m);
}

// Encoding into exactly the right capacity works; one byte less writes nothing.
TEST_P(LlcVectorTest, EncodeCapacity) {
    LlcExpect e = GetParam().expect();
    std::vector<std::array<u8, 16>> gids;
    smcr_llc_msg m = WithTxLists(e, &gids);
    const size_t len = GetParam().vec.len;
    Bytes out;
    EXPECT_EQ(EncodeLlcCap(m, len, &out), static_cast<int>(len));
    EXPECT_TRUE(BytesEq(ToBytes(GetParam().vec), out));
    EXPECT_EQ(EncodeLlcCap(m, len - 1, &out), -ENOSPC);
    EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](uint8_t x) { return x == 0xa5; }));
}

INSTANTIATE_TEST_SUITE_P(Vectors, LlcVectorTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<LlcCase>& i) {
                             return std::string(i.param.vec.name);
                         });

TEST(Llc, EveryVectorCovered) {
    EXPECT_EQ(std::size(kCases), LLC_VECTOR_CNT);
    for (size_t i = 0; i < LLC_VECTOR_CNT; i++) {
        EXPECT_STREQ(kCases[i].vec.name, llc_vectors[i].name);
    }
}

TEST(Llc, TypeNames) {
    EXPECT_STREQ(smcr_llc_type_name(SMCR_LLC_CONFIRM_LINK), "CONFIRM_LINK");
    EXPECT_STREQ(smcr_llc_type_name(SMCR_LLC_ADD_LINK), "ADD_LINK");
    EXPECT_STREQ(smcr_llc_type_name(SMCR_LLC_ADD_LINK_CONT), "ADD_LINK_CONT");
    EXPECT_STREQ(smcr_llc_type_name(SMCR_LLC_DELETE_LINK), "DELETE_LINK");
    EXPECT_STREQ(smcr_llc_type_name(SMCR_LLC_REQ_ADD_LINK), "REQ_ADD_LINK");
    EXPECT_STREQ(smcr_llc_type_name(SMCR_LLC_CONFIRM_RKEY), "CONFIRM_RKEY");
    EXPECT_STREQ(smcr_llc_type_name(SMCR_LLC_TEST_LINK), "TEST_LINK");
    EXPECT_STREQ(smcr_llc_type_name(SMCR_LLC_CONFIRM_RKEY_CONT), "CONFIRM_RKEY_CONT");
    EXPECT_STREQ(smcr_llc_type_name(SMCR_LLC_DELETE_RKEY), "DELETE_RKEY");
    EXPECT_STREQ(smcr_llc_type_name(0), "UNKNOWN");
    EXPECT_STREQ(smcr_llc_type_name(0x0a), "UNKNOWN");
    EXPECT_STREQ(smcr_llc_type_name(0x21), "UNKNOWN");
}

// The largest lists the encoder produces still decode, and sit within 8 KiB.
TEST(Llc, MaximalV2Lists) {
    std::vector<smcr_llc_rkey_pair> pairs = Pairs(0, 254);
    auto e = AddLink(V2, 0, 0, 1, kGid2S, 1, 3, 5, 1);
    AddExt(&e, true, kGid2S2, pairs);
    std::vector<std::array<u8, 16>> store;
    Bytes b = EncodeLlc(WithTxLists(e, &store));
    ASSERT_EQ(b.size(), 72u + 255 * 16);
    EXPECT_EQ(b[1], (72 + 255 * 16) & 0xff); // little-endian length
    EXPECT_EQ(b[2], (72 + 255 * 16) >> 8);
    EXPECT_EQ(b[70], 255);
    EXPECT_EQ(b[71], 0);
    auto m = Zeroed<smcr_llc_msg>();
    ASSERT_EQ(smcr_llc_decode(b.data(), b.size(), &m), 0);
    EXPECT_EQ(m.add_link.num_rkeys, 255);
    smcr_llc_rkey_pair p{};
    ASSERT_EQ(smcr_llc_get_rkey_pair(b.data(), &m, 254, &p), 0);
    EXPECT_EQ(p.rmb_key, Pair(254).rmb_key);

    std::vector<Gid> gids(255, kGid2C);
    auto r = ReqAddLink(0, 0, gids);
    b = EncodeLlc(WithTxLists(r, &store));
    ASSERT_EQ(b.size(), 28u + 255 * 16);
    ASSERT_EQ(smcr_llc_decode(b.data(), b.size(), &m), 0);
    EXPECT_EQ(m.req_add_link.gid_cnt, 255);

    std::vector<smcr_llc_rtoken> rt(255, Rtok(9, 1));
    auto c = ConfirmRkey(V2, 0, 0, 255, rt);
    b = EncodeLlc(WithTxLists(c, &store));
    ASSERT_EQ(b.size(), 17u + 255 * 13);
    ASSERT_EQ(smcr_llc_decode(b.data(), b.size(), &m), 0);
    EXPECT_EQ(m.confirm_rkey.rt_cnt, 255);

    std::vector<uint32_t> keys(255, 7);
    auto d = DeleteRkey(V2, 0, 0, 0, keys);
    b = EncodeLlc(WithTxLists(d, &store));
    ASSERT_EQ(b.size(), 8u + 255 * 4);
    ASSERT_EQ(smcr_llc_decode(b.data(), b.size(), &m), 0);
    EXPECT_EQ(m.delete_rkey.num_rkeys, 255);
}

// v1 announces more rtokens than fit: the rest would come in CONFIRM_RKEY_CONT.
TEST(Llc, ConfirmRkeyV1MoreThanFit) {
    for (int num : {2, 3, 4, 255}) {
        Bytes b = ToBytes(llc_vector LLC_VEC(llc_confirm_rkey));
        b[4] = static_cast<uint8_t>(num);
        b[30] = 0x03; // link id of rtoken 2, which is now present
        auto m = Zeroed<smcr_llc_msg>();
        ASSERT_EQ(smcr_llc_decode(b.data(), b.size(), &m), 0) << num;
        EXPECT_EQ(m.confirm_rkey.num_rkeys, num);
        EXPECT_EQ(m.confirm_rkey.rt_cnt, 2);
        std::vector<smcr_llc_rtoken> rt(2);
        ASSERT_EQ(smcr_llc_get_rtoken(b.data(), &m, 1, &rt[1]), 0);
        EXPECT_EQ(rt[1].link_id, 3);
        ASSERT_EQ(smcr_llc_get_rtoken(b.data(), &m, 0, &rt[0]), 0);
        m.confirm_rkey.rt = rt.data();
        EXPECT_TRUE(BytesEq(b, EncodeLlc(m)));
    }
}

// Linux's v2 responses to ADD_LINK / CONFIRM_RKEY / DELETE_RKEY are 44-byte messages.
TEST(Llc, V2ResponsesAre44) {
    auto e = AddLink(V2, 0, SMCR_LLC_FLAG_RESP | SMCR_LLC_FLAG_ADD_LNK_REJ, 1, kGid2S, 1, 2, 3, 1);
    EXPECT_EQ(smcr_llc_msg_len(&e.msg), 44);
    auto d = DeleteRkey(V2, 0, SMCR_LLC_FLAG_RESP, 0, {});
    EXPECT_EQ(smcr_llc_msg_len(&d.msg), 44);
    auto c = ConfirmRkey(V2, 0, SMCR_LLC_FLAG_RESP, 0, {});
    EXPECT_EQ(smcr_llc_msg_len(&c.msg), 44);
}

} // namespace
} // namespace datatest

// v2.1: CONFIRM_LINK carries the negotiated links (byte 34) and connections (byte 35) per group.
TEST(LlcV2x, ConfirmLinkMaxConns)
{
    smcr_llc_msg m{};
    m.hdr.version = SMCR_LLC_V2;
    m.hdr.type = SMCR_LLC_CONFIRM_LINK;
    m.hdr.length = 44;
    m.hdr.flags = SMCR_LLC_FLAG_NO_RMBE_EYEC;
    m.confirm_link.link_num = 1;
    m.confirm_link.sender_qpn = 0x123456;
    m.confirm_link.max_links = 1;
    m.confirm_link.max_conns = 200;
    uint8_t buf[64] = {};
    ASSERT_EQ(smcr_llc_encode(&m, buf, sizeof(buf)), 44);
    EXPECT_EQ(buf[34], 1);
    EXPECT_EQ(buf[35], 200);
    for (int i = 36; i < 44; i++)
        EXPECT_EQ(buf[i], 0) << i;
    smcr_llc_msg d{};
    ASSERT_EQ(smcr_llc_decode(buf, 44, &d), 0);
    EXPECT_EQ(d.confirm_link.max_links, 1);
    EXPECT_EQ(d.confirm_link.max_conns, 200);
}
