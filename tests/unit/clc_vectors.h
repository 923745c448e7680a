/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Hand-written CLC messages, byte by byte from the wire tables (docs/wire-clc.md and the
 * upstream reference §3), NOT produced by our encoder: they are the independent truth the codec
 * is tested against. Plain C so the corpus generator (tests/fuzz) can use them too.
 *
 * Every vector except clc_prop_v1_legacy is exactly what Linux 6.1 would send for the fields
 * listed next to it, so encode(fields) must reproduce it byte for byte.
 */
#ifndef SMCR_TEST_CLC_VECTORS_H
#define SMCR_TEST_CLC_VECTORS_H

#include <stddef.h> /* NOLINT(modernize-deprecated-headers): also compiled as C */

#define EC_R 0xe2, 0xd4, 0xc3, 0xd9 /* "SMCR" in EBCDIC */
#define Z4 0, 0, 0, 0
#define Z8 Z4, Z4
#define Z16 Z8, Z8
#define Z28 Z16, Z8, Z4
#define Z32 Z16, Z16

/* Identifiers used throughout (documentation ranges: 192.0.2.0/24, 2001:db8::/32). */
#define V_SYSID_C 0x2f, 0x5a, 0x02, 0x00, 0x5e, 0x00, 0x53, 0x01 /* client system id */
#define V_SYSID_S 0x3c, 0x11, 0x02, 0x00, 0x5e, 0x00, 0x53, 0x02 /* server system id */
#define V_GID1_C 0xfe, 0x80, Z4, 0, 0, 0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x53, 0x01
#define V_GID1_S 0xfe, 0x80, Z4, 0, 0, 0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x53, 0x02
#define V_MAC_C 0x02, 0x00, 0x5e, 0x00, 0x53, 0x01
#define V_MAC_S 0x02, 0x00, 0x5e, 0x00, 0x53, 0x02
#define V_GID2_C Z8, 0, 0, 0xff, 0xff, 0xc0, 0x00, 0x02, 0x01 /* ::ffff:192.0.2.1 */
#define V_GID2_S Z8, 0, 0, 0xff, 0xff, 0xc0, 0x00, 0x02, 0x02 /* ::ffff:192.0.2.2 */
#define V_GID2_C2 Z8, 0, 0, 0xff, 0xff, 0xc6, 0x33, 0x64, 0x01 /* ::ffff:198.51.100.1 */
/* "SMCR-TEST-UEID-1" / "-2", blank padded to 32 */
#define V_UEID1                                                                              \
	0x53, 0x4d, 0x43, 0x52, 0x2d, 0x54, 0x45, 0x53, 0x54, 0x2d, 0x55, 0x45, 0x49, 0x44,  \
		0x2d, 0x31, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, \
		0x20, 0x20, 0x20, 0x20, 0x20
#define V_UEID2                                                                              \
	0x53, 0x4d, 0x43, 0x52, 0x2d, 0x54, 0x45, 0x53, 0x54, 0x2d, 0x55, 0x45, 0x49, 0x44,  \
		0x2d, 0x32, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, \
		0x20, 0x20, 0x20, 0x20, 0x20
/* "SEID-TEST", blank padded to 32 */
#define V_SEID                                                                               \
	0x53, 0x45, 0x49, 0x44, 0x2d, 0x54, 0x45, 0x53, 0x54, 0x20, 0x20, 0x20, 0x20, 0x20,  \
		0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, \
		0x20, 0x20, 0x20, 0x20, 0x20
/* host names "srv1" / "cli1", blank padded to 32 */
#define V_HOST_S                                                                             \
	0x73, 0x72, 0x76, 0x31, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,  \
		0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, \
		0x20, 0x20, 0x20, 0x20, 0x20
#define V_HOST_C                                                                             \
	0x63, 0x6c, 0x69, 0x31, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,  \
		0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, \
		0x20, 0x20, 0x20, 0x20, 0x20

/*
 * Proposal, version 2, typev1 R, typev2 R (SMC-R v1 and v2 offered), IPv4 192.0.2.0/24, one
 * UEID: 40 base + 40 SMC-D area + 8 prefix + 40 v2 ext + 32 UEID + 4 trailer = 164.
 */
static const unsigned char clc_prop_v1v2_ipv4[] = {
	/*   0 */ EC_R, 0x01, 0x00, 0xa4, 0x20, /* type 1, len 164, v2 typev2 R typev1 R */
	/*   8 */ V_SYSID_C,
	/*  16 */ V_GID1_C,
	/*  32 */ V_MAC_C,
	/*  38 */ 0x00, 0x28, /* iparea_offset 40 */
	/*  40 */ Z8, 0x00, 0x00, /* ISM GID, CHID */
	/*  50 */ 0x00, 0x24, /* v2_ext_offset 36: 52 + 36 = 88 */
	/*  52 */ Z28,
	/*  80 */ 0xc0, 0x00, 0x02, 0x00, 24, 0x00, 0x00, 0, /* 192.0.2.0/24, no IPv6 */
	/*  88 */ 1, 0, 0, 0x00, 0x00, 0x00, 0x00, 0x00, /* eid_cnt 1, release 0, no SEID */
	/*  96 */ V_GID2_C,
	/* 112 */ Z16,
	/* 128 */ V_UEID1,
	/* 160 */ EC_R,
};

/* Proposal, version 2, typev1 R, typev2 N (SMC-R v1 only), IPv4: 40 + 40 + 8 + 4 = 92. */
static const unsigned char clc_prop_v1_ipv4[] = {
	/*  0 */ EC_R, 0x01, 0x00, 0x5c, 0x28, /* v2, typev2 N, typev1 R */
	/*  8 */ V_SYSID_C,
	/* 16 */ V_GID1_C,
	/* 32 */ V_MAC_C,
	/* 38 */ 0x00, 0x28,
	/* 40 */ Z8, 0x00, 0x00,
	/* 50 */ 0x00, 0x00, /* no v2 extension */
	/* 52 */ Z28,
	/* 80 */ 0xc0, 0x00, 0x02, 0x00, 24, 0x00, 0x00, 0,
	/* 88 */ EC_R,
};

/*
 * Proposal, version 2, typev1 N, typev2 R (SMC-R v2 only), two UEIDs. Linux leaves the v1 SMC-R
 * fields zero and iparea_offset 0: 40 + 40 + 40 + 2 * 32 + 4 = 188.
 */
static const unsigned char clc_prop_v2_only[] = {
	/*   0 */ EC_R, 0x01, 0x00, 0xbc, 0x22, /* v2, typev2 R, typev1 N */
	/*   8 */ Z8,
	/*  16 */ Z16,
	/*  32 */ 0, 0, 0, 0, 0, 0,
	/*  38 */ 0x00, 0x00, /* iparea_offset 0 */
	/*  40 */ Z8, 0x00, 0x00,
	/*  50 */ 0x00, 0x1c, /* v2_ext_offset 28: 52 + 28 = 80 */
	/*  52 */ Z28,
	/*  80 */ 2, 0, 0, 0x00, 0x00, 0x00, 0x00, 0x00, /* eid_cnt 2 */
	/*  88 */ V_GID2_C,
	/* 104 */ Z16,
	/* 120 */ V_UEID1,
	/* 152 */ V_UEID2,
	/* 184 */ EC_R,
};

/*
 * Proposal, version 2, SMC-R v1 only over IPv6 with two prefixes (2001:db8:1::/64 and
 * 2001:db8:2::/48; the IPv4 part is zero): 40 + 40 + 8 + 2 * 17 + 4 = 126.
 */
static const unsigned char clc_prop_v1_ipv6[] = {
	/*   0 */ EC_R, 0x01, 0x00, 0x7e, 0x28,
	/*   8 */ V_SYSID_C,
	/*  16 */ V_GID1_C,
	/*  32 */ V_MAC_C,
	/*  38 */ 0x00, 0x28,
	/*  40 */ Z8, 0x00, 0x00,
	/*  50 */ 0x00, 0x00,
	/*  52 */ Z28,
	/*  80 */ Z4, 0, 0x00, 0x00, 2, /* 2 IPv6 prefixes */
	/*  88 */ 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0, 0, Z8, 64,
	/* 105 */ 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0, 0, Z8, 48,
	/* 122 */ EC_R,
};

/*
 * Proposal, version 2, typev1 N, typev2 B (SMC-R v2 and SMC-D v2), release 1 with SEID, v2.1
 * max_conns 255 / max_links 2 / feature_mask 1, one UEID, SMC-Dv2 extension with two ISM
 * GID/CHID pairs: 40 + 40 + 40 + 32 + 48 + 2 * 10 + 4 = 224.
 */
static const unsigned char clc_prop_smcd_v2[] = {
	/*   0 */ EC_R, 0x01, 0x00, 0xe0, 0x2e, /* v2, typev2 B, typev1 N */
	/*   8 */ Z8,
	/*  16 */ Z16,
	/*  32 */ 0, 0, 0, 0, 0, 0,
	/*  38 */ 0x00, 0x00,
	/*  40 */ Z8, 0x00, 0x00,
	/*  50 */ 0x00, 0x1c, /* v2 ext at 80 */
	/*  52 */ Z28,
	/*  80 */ 1, 2, 0, 0x11, 0x00, 0x00, 0x00, 0x40, /* 1 EID, 2 GIDs, rel 1 + SEID, D2X +64 */
	/*  88 */ V_GID2_C,
	/* 104 */ 0xff, 0x02, 0x00, 0x01, Z8, Z4, /* max_conns, max_links, feature_mask, rsvd */
	/* 120 */ V_UEID1,
	/* 152 */ V_SEID, /* SMC-Dv2 ext at 80 + 8 + 64 = 152 */
	/* 184 */ Z16,
	/* 200 */ 0, 0, 0, 0, 0, 0, 0x01, 0x01, 0x01, 0x23,
	/* 210 */ 0, 0, 0, 0, 0, 0, 0x02, 0x02, 0x04, 0x56,
	/* 220 */ EC_R,
};

/*
 * Proposal, version 1, SMC-R, in the original RFC 7609 form: no SMC-D area, iparea_offset 0,
 * prefix right after the base: 40 + 8 + 4 = 52. Decode-only (we always send the SMC-D area).
 */
static const unsigned char clc_prop_v1_legacy[] = {
	/*  0 */ EC_R, 0x01, 0x00, 0x34, 0x10, /* v1, path R */
	/*  8 */ V_SYSID_C,
	/* 16 */ V_GID1_C,
	/* 32 */ V_MAC_C,
	/* 38 */ 0x00, 0x00,
	/* 40 */ 0xc0, 0x00, 0x02, 0x00, 24, 0x00, 0x00, 0,
	/* 48 */ EC_R,
};

/*
 * SMC-R Accept v1, first contact: qpn 0x000123, rkey 0x00001a2b, rmbe_idx 1, token 5,
 * rmbe_size 2 (64 KiB), mtu 3 (1024), rmb 0x00007f1234567000, psn 0xabcdef. 68 bytes.
 */
static const unsigned char clc_accept_v1_fc[] = {
	/*  0 */ EC_R, 0x02, 0x00, 0x44, 0x18, /* v1, first contact, typev1 R */
	/*  8 */ V_SYSID_S,
	/* 16 */ V_GID1_S,
	/* 32 */ V_MAC_S,
	/* 38 */ 0x00, 0x01, 0x23,
	/* 41 */ 0x00, 0x00, 0x1a, 0x2b,
	/* 45 */ 0x01,
	/* 46 */ 0x00, 0x00, 0x00, 0x05,
	/* 50 */ 0x23, 0x00,
	/* 52 */ 0x00, 0x00, 0x7f, 0x12, 0x34, 0x56, 0x70, 0x00,
	/* 60 */ 0x00, 0xab, 0xcd, 0xef,
	/* 64 */ EC_R,
};

/* SMC-R Confirm v1, not first contact, same connection fields from the client side. 68. */
static const unsigned char clc_confirm_v1[] = {
	/*  0 */ EC_R, 0x03, 0x00, 0x44, 0x10,
	/*  8 */ V_SYSID_C,
	/* 16 */ V_GID1_C,
	/* 32 */ V_MAC_C,
	/* 38 */ 0x00, 0x04, 0x56,
	/* 41 */ 0x00, 0x00, 0x3c, 0x4d,
	/* 45 */ 0x01,
	/* 46 */ 0x00, 0x00, 0x00, 0x09,
	/* 50 */ 0x13, 0x00, /* rmbe_size 1, mtu 3 */
	/* 52 */ 0x00, 0x00, 0x7f, 0x00, 0x00, 0x10, 0x00, 0x00,
	/* 60 */ 0x00, 0x12, 0x34, 0x56,
	/* 64 */ EC_R,
};

/*
 * SMC-R Accept v2, first contact: v1 part with RoCEv2 GID, negotiated EID, FCE (direct,
 * Linux, release 0, host "srv1"), 16 zero bytes: 104 + 36 + 16 + 4 = 160.
 */
static const unsigned char clc_accept_v2_fc[] = {
	/*   0 */ EC_R, 0x02, 0x00, 0xa0, 0x28, /* v2, first contact, typev1 R */
	/*   8 */ V_SYSID_S,
	/*  16 */ V_GID2_S,
	/*  32 */ V_MAC_S,
	/*  38 */ 0x00, 0x01, 0x23,
	/*  41 */ 0x00, 0x00, 0x1a, 0x2b,
	/*  45 */ 0x01,
	/*  46 */ 0x00, 0x00, 0x00, 0x05,
	/*  50 */ 0x25, 0x00, /* rmbe_size 2, mtu 5 (4096) */
	/*  52 */ 0x00, 0x00, 0x7f, 0x12, 0x34, 0x56, 0x70, 0x00,
	/*  60 */ 0x00, 0xab, 0xcd, 0xef,
	/*  64 */ V_UEID1,
	/*  96 */ Z8,
	/* 104 */ 0x80, 0x20, 0x00, 0x00, /* v2_direct, os Linux, release 0 */
	/* 108 */ V_HOST_S,
	/* 140 */ Z16,
	/* 156 */ EC_R,
};

/* SMC-R Accept v2, not first contact: 104 + 4 = 108. */
static const unsigned char clc_accept_v2[] = {
	/*   0 */ EC_R, 0x02, 0x00, 0x6c, 0x20,
	/*   8 */ V_SYSID_S,
	/*  16 */ V_GID2_S,
	/*  32 */ V_MAC_S,
	/*  38 */ 0x00, 0x01, 0x23,
	/*  41 */ 0x00, 0x00, 0x1a, 0x2c,
	/*  45 */ 0x01,
	/*  46 */ 0x00, 0x00, 0x00, 0x06,
	/*  50 */ 0x25, 0x00,
	/*  52 */ 0x00, 0x00, 0x7f, 0x12, 0x34, 0x57, 0x00, 0x00,
	/*  60 */ 0x00, 0xab, 0xcd, 0xef,
	/*  64 */ V_UEID1,
	/*  96 */ Z8,
	/* 104 */ EC_R,
};

/* SMC-R Confirm v2, not first contact: 108. */
static const unsigned char clc_confirm_v2[] = {
	/*   0 */ EC_R, 0x03, 0x00, 0x6c, 0x20,
	/*   8 */ V_SYSID_C,
	/*  16 */ V_GID2_C,
	/*  32 */ V_MAC_C,
	/*  38 */ 0x00, 0x04, 0x56,
	/*  41 */ 0x00, 0x00, 0x3c, 0x4e,
	/*  45 */ 0x01,
	/*  46 */ 0x00, 0x00, 0x00, 0x0a,
	/*  50 */ 0x15, 0x00,
	/*  52 */ 0x00, 0x00, 0x7f, 0x00, 0x00, 0x20, 0x00, 0x00,
	/*  60 */ 0x00, 0x12, 0x34, 0x56,
	/*  64 */ V_UEID1,
	/*  96 */ Z8,
	/* 104 */ EC_R,
};

/* SMC-R Confirm v2, first contact, one GID: 104 + 36 + 16 + 4 + 16 + 4 = 180. */
static const unsigned char clc_confirm_v2_fc_1gid[] = {
	/*   0 */ EC_R, 0x03, 0x00, 0xb4, 0x28,
	/*   8 */ V_SYSID_C,
	/*  16 */ V_GID2_C,
	/*  32 */ V_MAC_C,
	/*  38 */ 0x00, 0x04, 0x56,
	/*  41 */ 0x00, 0x00, 0x3c, 0x4d,
	/*  45 */ 0x01,
	/*  46 */ 0x00, 0x00, 0x00, 0x09,
	/*  50 */ 0x15, 0x00,
	/*  52 */ 0x00, 0x00, 0x7f, 0x00, 0x00, 0x10, 0x00, 0x00,
	/*  60 */ 0x00, 0x12, 0x34, 0x56,
	/*  64 */ V_UEID1,
	/*  96 */ Z8,
	/* 104 */ 0x80, 0x20, 0x00, 0x00,
	/* 108 */ V_HOST_C,
	/* 140 */ Z16,
	/* 156 */ 1, 0x00, 0x00, 0x00, /* gid_cnt 1 */
	/* 160 */ V_GID2_C,
	/* 176 */ EC_R,
};

/* SMC-R Confirm v2, first contact via a gateway (not direct), two GIDs: 164 + 32 = 196. */
static const unsigned char clc_confirm_v2_fc_2gid[] = {
	/*   0 */ EC_R, 0x03, 0x00, 0xc4, 0x28,
	/*   8 */ V_SYSID_C,
	/*  16 */ V_GID2_C,
	/*  32 */ V_MAC_C,
	/*  38 */ 0x00, 0x04, 0x56,
	/*  41 */ 0x00, 0x00, 0x3c, 0x4d,
	/*  45 */ 0x01,
	/*  46 */ 0x00, 0x00, 0x00, 0x09,
	/*  50 */ 0x15, 0x00,
	/*  52 */ 0x00, 0x00, 0x7f, 0x00, 0x00, 0x10, 0x00, 0x00,
	/*  60 */ 0x00, 0x12, 0x34, 0x56,
	/*  64 */ V_UEID1,
	/*  96 */ Z8,
	/* 104 */ 0x00, 0x20, 0x00, 0x00, /* not direct */
	/* 108 */ V_HOST_C,
	/* 140 */ Z16,
	/* 156 */ 2, 0x00, 0x00, 0x00,
	/* 160 */ V_GID2_C,
	/* 176 */ V_GID2_C2,
	/* 192 */ EC_R,
};

/* Decline v1 (as x86 Linux sends before an Accept): NOSMCRDEV, os_type 0: 28 bytes. */
static const unsigned char clc_decline_v1[] = {
	/*  0 */ EC_R, 0x04, 0x00, 0x1c, 0x10,
	/*  8 */ V_SYSID_C,
	/* 16 */ 0x03, 0x03, 0x00, 0x02,
	/* 20 */ 0x00, 0x00, 0x00, 0x00,
	/* 24 */ EC_R,
};

/* Decline v1 with SYNCERR: the first-contact bit is set. */
static const unsigned char clc_decline_v1_syncerr[] = {
	/*  0 */ EC_R, 0x04, 0x00, 0x1c, 0x18,
	/*  8 */ V_SYSID_S,
	/* 16 */ 0x04, 0x00, 0x00, 0x00,
	/* 20 */ 0x00, 0x00, 0x00, 0x00,
	/* 24 */ EC_R,
};

/* Decline v2: NOUEID, os_type Linux, additional diagnoses zero: 44 bytes. */
static const unsigned char clc_decline_v2[] = {
	/*  0 */ EC_R, 0x04, 0x00, 0x2c, 0x20,
	/*  8 */ V_SYSID_S,
	/* 16 */ 0x03, 0x03, 0x00, 0x08,
	/* 20 */ 0x20, 0x00, 0x00, 0x00,
	/* 24 */ Z16,
	/* 40 */ EC_R,
};

#ifdef __cplusplus
#define CLC_VEC_ASSERT(e, m) static_assert(e, m)
#else
#define CLC_VEC_ASSERT(e, m) _Static_assert(e, m)
#endif
/* The arrays are unsized so that a missing byte cannot be zero-filled silently. */
CLC_VEC_ASSERT(sizeof(clc_prop_v1v2_ipv4) == 164, "clc_prop_v1v2_ipv4 length");
CLC_VEC_ASSERT(sizeof(clc_prop_v1_ipv4) == 92, "clc_prop_v1_ipv4 length");
CLC_VEC_ASSERT(sizeof(clc_prop_v2_only) == 188, "clc_prop_v2_only length");
CLC_VEC_ASSERT(sizeof(clc_prop_v1_ipv6) == 126, "clc_prop_v1_ipv6 length");
CLC_VEC_ASSERT(sizeof(clc_prop_smcd_v2) == 224, "clc_prop_smcd_v2 length");
CLC_VEC_ASSERT(sizeof(clc_prop_v1_legacy) == 52, "clc_prop_v1_legacy length");
CLC_VEC_ASSERT(sizeof(clc_accept_v1_fc) == 68, "clc_accept_v1_fc length");
CLC_VEC_ASSERT(sizeof(clc_confirm_v1) == 68, "clc_confirm_v1 length");
CLC_VEC_ASSERT(sizeof(clc_accept_v2_fc) == 160, "clc_accept_v2_fc length");
CLC_VEC_ASSERT(sizeof(clc_accept_v2) == 108, "clc_accept_v2 length");
CLC_VEC_ASSERT(sizeof(clc_confirm_v2) == 108, "clc_confirm_v2 length");
CLC_VEC_ASSERT(sizeof(clc_confirm_v2_fc_1gid) == 180, "clc_confirm_v2_fc_1gid length");
CLC_VEC_ASSERT(sizeof(clc_confirm_v2_fc_2gid) == 196, "clc_confirm_v2_fc_2gid length");
CLC_VEC_ASSERT(sizeof(clc_decline_v1) == 28, "clc_decline_v1 length");
CLC_VEC_ASSERT(sizeof(clc_decline_v1_syncerr) == 28, "clc_decline_v1_syncerr length");
CLC_VEC_ASSERT(sizeof(clc_decline_v2) == 44, "clc_decline_v2 length");

struct clc_vector {
	const char *name;
	const unsigned char *data;
	size_t len;
	int canonical; /* 1: encode(decode(data)) must give data back */
};

#define CLC_VEC(v, c) { #v, v, sizeof(v), c }
static const struct clc_vector clc_vectors[] = {
	CLC_VEC(clc_prop_v1v2_ipv4, 1),	    CLC_VEC(clc_prop_v1_ipv4, 1),
	CLC_VEC(clc_prop_v2_only, 1),	    CLC_VEC(clc_prop_v1_ipv6, 1),
	CLC_VEC(clc_prop_smcd_v2, 1),	    CLC_VEC(clc_prop_v1_legacy, 0),
	CLC_VEC(clc_accept_v1_fc, 1),	    CLC_VEC(clc_confirm_v1, 1),
	CLC_VEC(clc_accept_v2_fc, 1),	    CLC_VEC(clc_accept_v2, 1),
	CLC_VEC(clc_confirm_v2, 1),	    CLC_VEC(clc_confirm_v2_fc_1gid, 1),
	CLC_VEC(clc_confirm_v2_fc_2gid, 1), CLC_VEC(clc_decline_v1, 1),
	CLC_VEC(clc_decline_v1_syncerr, 1), CLC_VEC(clc_decline_v2, 1),
};
#undef CLC_VEC
#define CLC_VECTOR_CNT (sizeof(clc_vectors) / sizeof(clc_vectors[0]))

#endif /* SMCR_TEST_CLC_VECTORS_H */
