// SPDX-License-Identifier: GPL-2.0 OR MIT
// The decline / fallback reason table: values from the protocol, names stable, lookups total.
#include "reason.h"

#include <cstring>
#include <gtest/gtest.h>
#include <set>
#include <string>

namespace {

struct Known {
    uint32_t code;
    const char* name;
};

// Written from the reference table (upstream-smc.md §2.9), not from reason.c.
constexpr Known kKnown[] = {
    {0x01010000, "MEM"},        {0x02010000, "TIMEOUT_CL"}, {0x02020000, "TIMEOUT_AL"},
    {0x03000000, "CNFERR"},     {0x03010000, "PEERNOSMC"},  {0x03020000, "IPSEC"},
    {0x03030000, "NOSMCDEV"},   {0x03030001, "NOSMCDDEV"},  {0x03030002, "NOSMCRDEV"},
    {0x03030003, "NOISM2SUPP"}, {0x03030004, "NOV2EXT"},    {0x03030005, "NOV2DEXT"},
    {0x03030006, "NOSEID"},     {0x03030007, "NOSMCD2DEV"}, {0x03030008, "NOUEID"},
    {0x03030009, "RELEASEERR"}, {0x0303000a, "MAXCONNERR"}, {0x0303000b, "MAXLINKERR"},
    {0x03040000, "MODEUNSUPP"}, {0x03050000, "RMBE_EC"},    {0x03060000, "OPTUNSUPP"},
    {0x03070000, "DIFFPREFIX"}, {0x03080000, "GETVLANERR"}, {0x03090000, "ISMVLANERR"},
    {0x030a0000, "NOACTLINK"},  {0x030b0000, "NOSRVLINK"},  {0x030c0000, "VERSMISMAT"},
    {0x030d0000, "MAX_DMB"},    {0x030e0000, "NOROUTE"},    {0x030f0000, "NOINDIRECT"},
    {0x03f00000, "POLICY"},  // smcr's own (SMC policy verdict), not upstream's
    {0x04000000, "SYNCERR"},    {0x05000000, "PEERDECL"},   {0x09990000, "INTERR"},
    {0x09990001, "ERR_RTOK"},   {0x09990002, "ERR_RDYLNK"}, {0x09990003, "ERR_REGBUF"},
};

TEST(Reason, EveryKnownCodeHasItsName) {
    for (const auto& k : kKnown) {
        SCOPED_TRACE(k.name);
        ASSERT_NE(nullptr, smcr_reason_name(k.code));
        EXPECT_STREQ(k.name, smcr_reason_name(k.code));
        const char* text = smcr_reason_text(k.code);
        ASSERT_NE(nullptr, text);
        EXPECT_GT(std::strlen(text), 5u);
        EXPECT_EQ(nullptr, std::strchr(text, '\n'));
        uint32_t back = 0;
        EXPECT_EQ(0, smcr_reason_from_name(k.name, &back));
        EXPECT_EQ(k.code, back);
        std::string prefixed = std::string("SMC_CLC_DECL_") + k.name;
        back = 0;
        EXPECT_EQ(0, smcr_reason_from_name(prefixed.c_str(), &back));
        EXPECT_EQ(k.code, back);
    }
}

TEST(Reason, TableHasExactlyTheKnownCodesInOrder) {
    ASSERT_EQ(sizeof(kKnown) / sizeof(kKnown[0]), smcr_reason_count());
    std::set<std::string> names;
    for (size_t i = 0; i < smcr_reason_count(); i++) {
        const smcr_reason_info* r = smcr_reason_at(i);
        ASSERT_NE(nullptr, r);
        EXPECT_EQ(kKnown[i].code, r->code) << i;
        if (i > 0) {
            EXPECT_LT(smcr_reason_at(i - 1)->code, r->code) << "table must stay sorted";
        }
        EXPECT_TRUE(names.insert(r->name).second) << "duplicate name " << r->name;
        EXPECT_EQ(r, smcr_reason_lookup(r->code));
    }
    EXPECT_EQ(nullptr, smcr_reason_at(smcr_reason_count()));
}

TEST(Reason, MacrosMatchProtocolValues) {
    EXPECT_EQ(0x03010000u, SMCR_DECL_PEERNOSMC);
    EXPECT_EQ(0x05000000u, SMCR_DECL_PEERDECL);
    EXPECT_EQ(0x03030000u, SMCR_DECL_NOSMCDEV);
    EXPECT_EQ(0x03030002u, SMCR_DECL_NOSMCRDEV);
    EXPECT_EQ(0x03030008u, SMCR_DECL_NOUEID);
    EXPECT_EQ(0x04000000u, SMCR_DECL_SYNCERR);
    EXPECT_EQ(0x01010000u, SMCR_DECL_MEM);
    EXPECT_EQ(0x09990003u, SMCR_DECL_ERR_REGBUF);
    EXPECT_STREQ("DIFFPREFIX", smcr_reason_name(SMCR_DECL_DIFFPREFIX));
    EXPECT_STREQ("NOINDIRECT", smcr_reason_name(SMCR_DECL_NOINDIRECT));
}

TEST(Reason, UnknownCodes) {
    for (uint32_t c : {0u, 1u, 0x03030010u, 0x03100000u, 0x05000001u, 0x09990004u, 0xffffffffu}) {
        EXPECT_EQ(nullptr, smcr_reason_name(c)) << std::hex << c;
        EXPECT_EQ(nullptr, smcr_reason_text(c)) << std::hex << c;
        EXPECT_EQ(nullptr, smcr_reason_lookup(c)) << std::hex << c;
    }
    uint32_t code = 42;
    EXPECT_EQ(-ENOENT, smcr_reason_from_name("NOPE", &code));
    EXPECT_EQ(-ENOENT, smcr_reason_from_name("peernosmc", &code)); // case-sensitive
    EXPECT_EQ(-ENOENT, smcr_reason_from_name("", &code));
    EXPECT_EQ(-ENOENT, smcr_reason_from_name("SMC_CLC_DECL_", &code));
    EXPECT_EQ(42u, code);
    EXPECT_EQ(-EINVAL, smcr_reason_from_name(nullptr, &code));
    EXPECT_EQ(-EINVAL, smcr_reason_from_name("MEM", nullptr));
}

TEST(Reason, Classes) {
    EXPECT_EQ(SMCR_DECL_CLASS_RESOURCE, smcr_reason_class(SMCR_DECL_MEM));
    EXPECT_EQ(SMCR_DECL_CLASS_TIMEOUT, smcr_reason_class(SMCR_DECL_TIMEOUT_AL));
    EXPECT_EQ(SMCR_DECL_CLASS_CONFIG, smcr_reason_class(SMCR_DECL_NOSMCRDEV));
    EXPECT_EQ(SMCR_DECL_CLASS_SYNC, smcr_reason_class(SMCR_DECL_SYNCERR));
    EXPECT_EQ(SMCR_DECL_CLASS_PEER, smcr_reason_class(SMCR_DECL_PEERDECL));
    EXPECT_EQ(SMCR_DECL_CLASS_INTERNAL, smcr_reason_class(SMCR_DECL_ERR_RTOK));
    EXPECT_STREQ("config", smcr_reason_class_name(smcr_reason_class(SMCR_DECL_IPSEC)));
    EXPECT_STREQ("internal", smcr_reason_class_name(0x09));
    EXPECT_STREQ("resource", smcr_reason_class_name(0x01));
    EXPECT_STREQ("timeout", smcr_reason_class_name(0x02));
    EXPECT_STREQ("sync", smcr_reason_class_name(0x04));
    EXPECT_STREQ("peer", smcr_reason_class_name(0x05));
    EXPECT_EQ(nullptr, smcr_reason_class_name(0));
    EXPECT_EQ(nullptr, smcr_reason_class_name(0x06));
    for (const auto& k : kKnown) {
        EXPECT_NE(nullptr, smcr_reason_class_name(smcr_reason_class(k.code))) << k.name;
    }
}

} // namespace
