/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Hand-written LLC messages, byte by byte from the wire tables (docs/wire-data.md, upstream
 * reference §3.7), NOT produced by our encoder: the independent truth the codec is tested
 * against. Plain C so the corpus generator (tests/fuzz) can use them too.
 *
 * Each is what Linux 6.1 sends in the situation named next to it (reserved bytes zero; v2
 * length little-endian as x86 Linux writes it), so encode(fields) must reproduce it byte for
 * byte. Expected field values live in llc_test.cpp.
 */
#ifndef SMCR_TEST_LLC_VECTORS_H
#define SMCR_TEST_LLC_VECTORS_H

#include <stddef.h> /* NOLINT(modernize-deprecated-headers): also compiled as C */

#ifdef __cplusplus
#define LLC_VEC_ASSERT(e, m) static_assert(e, m)
#else
#define LLC_VEC_ASSERT(e, m) _Static_assert(e, m)
#endif

#define L_Z4 0, 0, 0, 0
#define L_Z8 L_Z4, L_Z4
#define L_Z9 L_Z8, 0
#define L_Z13 L_Z8, L_Z4, 0
#define L_Z16 L_Z8, L_Z8
#define L_Z20 L_Z16, L_Z4
#define L_Z24 L_Z16, L_Z8
#define L_Z26 L_Z24, 0, 0
#define L_Z28 L_Z24, L_Z4
#define L_Z32 L_Z16, L_Z16
#define L_Z35 L_Z32, 0, 0, 0
#define L_Z36 L_Z32, L_Z4
#define L_Z40 L_Z32, L_Z8

/* MACs 02:00:5e:00:53:xx and the matching link-local RoCE v1 GIDs (documentation ranges). */
#define L_MAC(x) 0x02, 0x00, 0x5e, 0x00, 0x53, (x)
#define L_GID1(x) 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x53, (x)
/* IPv4-mapped RoCEv2 GIDs ::ffff:a.b.c.d */
#define L_GID2(a, b, c, d) 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, (a), (b), (c), (d)
#define L_GID2_C L_GID2(192, 0, 2, 1)
#define L_GID2_S L_GID2(192, 0, 2, 2)
#define L_GID2_C2 L_GID2(198, 51, 100, 1)
#define L_GID2_S2 L_GID2(198, 51, 100, 2)

/* rkey pair i: rmb_key 0x000010ii, rmb_key_new 0x000020ii, rmb_vaddr_new 0x00007f000010ii00 */
#define L_PAIR(i) 0x00, 0x00, 0x10, (i), 0x00, 0x00, 0x20, (i), \
	0x00, 0x00, 0x7f, 0x00, 0x00, 0x10, (i), 0x00
/* rtoken: link id, rmb_key 0x00003cii, rmb_vaddr 0x00007f000030ii00 */
#define L_RTOK(id, i) (id), 0x00, 0x00, 0x3c, (i), 0x00, 0x00, 0x7f, 0x00, 0x00, 0x30, (i), 0x00
/* rkey i of a DELETE_RKEY: 0x000040ii */
#define L_RKEY(i) 0x00, 0x00, 0x40, (i)
/* TEST_LINK user data 0x01 .. 0x10 */
#define L_USER_DATA 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16

/* ---- v1 ------------------------------------------------------------------------------------ */

/* CONFIRM_LINK request, server -> client: qpn 0x000123, link 1, uid 00000101, max links 2. */
static const unsigned char llc_confirm_link_req[] = {
	0x01, 0x2c, 0x00, 0x03,		/* type, length, rsvd, flags: no RMBE eyecatcher */
	L_MAC(0x02), L_GID1(0x02),
	0x00, 0x01, 0x23,		/* qpn */
	0x01,				/* link id */
	0x00, 0x00, 0x01, 0x01,		/* link uid */
	0x02,				/* max links */
	L_Z9,
};

/* CONFIRM_LINK response, client -> server: qpn 0x000456, link 1, uid 00000201. */
static const unsigned char llc_confirm_link_resp[] = {
	0x01, 0x2c, 0x00, 0x83,
	L_MAC(0x01), L_GID1(0x01),
	0x00, 0x04, 0x56, 0x01, 0x00, 0x00, 0x02, 0x01, 0x02,
	L_Z9,
};

/* ADD_LINK request, server: new link 2, qpn 0x000234, mtu 3 (1024), psn 0x123456. */
static const unsigned char llc_add_link_req[] = {
	0x02, 0x2c, 0x00, 0x00,
	L_MAC(0x12), 0x00, 0x00, L_GID1(0x12),
	0x00, 0x02, 0x34,		/* qpn */
	0x02,				/* link id */
	0x03,				/* qp mtu */
	0x12, 0x34, 0x56,		/* initial psn */
	L_Z8,
};

/* ADD_LINK reject: the client echoes the request with RESP|REJ and reason 1 (no alt path). */
static const unsigned char llc_add_link_reject[] = {
	0x02, 0x2c, 0x01, 0xc0,
	L_MAC(0x12), 0x00, 0x00, L_GID1(0x12),
	0x00, 0x02, 0x34, 0x02, 0x03, 0x12, 0x34, 0x56,
	L_Z8,
};

/* ADD_LINK invitation, client request without a new link: link 0, qpn/mtu/psn 0. */
static const unsigned char llc_add_link_invite[] = {
	0x02, 0x2c, 0x00, 0x00,
	L_MAC(0x11), 0x00, 0x00, L_GID1(0x11),
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	L_Z8,
};

/* ADD_LINK response accepting link 2: client qpn 0x000567, mtu 3, psn 0x654321. */
static const unsigned char llc_add_link_resp[] = {
	0x02, 0x2c, 0x00, 0x80,
	L_MAC(0x11), 0x00, 0x00, L_GID1(0x11),
	0x00, 0x05, 0x67, 0x02, 0x03, 0x65, 0x43, 0x21,
	L_Z8,
};

/* ADD_LINK_CONT, server: link 2, 3 rkeys still to send, pairs 1 and 2 in this message. */
static const unsigned char llc_add_link_cont[] = {
	0x03, 0x2c, 0x00, 0x00,
	0x02, 0x03, 0x00, 0x00,		/* link id, num rkeys, rsvd */
	L_PAIR(1), L_PAIR(2),
	L_Z4,
};

/* ADD_LINK_CONT, client (RESP flag): link 2, one rkey left, pair 3. */
static const unsigned char llc_add_link_cont_resp[] = {
	0x03, 0x2c, 0x00, 0x80,
	0x02, 0x01, 0x00, 0x00,
	L_PAIR(3), L_Z16,
	L_Z4,
};

/* DELETE_LINK all links, orderly, reason 0x00020000 (operator initiated), link id 0. */
static const unsigned char llc_delete_link_all[] = {
	0x04, 0x2c, 0x00, 0x60,
	0x00,				/* link id */
	0x00, 0x02, 0x00, 0x00,		/* reason */
	L_Z35,
};

/* DELETE_LINK response for unknown link 7: reason 0x00100000 (no link). */
static const unsigned char llc_delete_link_nolnk[] = {
	0x04, 0x2c, 0x00, 0x80,
	0x07, 0x00, 0x10, 0x00, 0x00,
	L_Z35,
};

/* CONFIRM_RKEY: 1 further rtoken; own rkey 0x1a2b @ 0x00007f1234567000, link 2 in rtoken 1. */
static const unsigned char llc_confirm_rkey[] = {
	0x06, 0x2c, 0x00, 0x00,
	0x01,					/* num further rtokens */
	0x00, 0x00, 0x1a, 0x2b,			/* rkey */
	0x00, 0x00, 0x7f, 0x12, 0x34, 0x56, 0x70, 0x00,	/* vaddr */
	L_RTOK(0x02, 0x01),
	L_Z13,
	0x00,
};

/* The negative response to it: RESP|RKEY_NEG|RKEY_RETRY, body echoed. */
static const unsigned char llc_confirm_rkey_neg[] = {
	0x06, 0x2c, 0x00, 0xb0,
	0x01, 0x00, 0x00, 0x1a, 0x2b, 0x00, 0x00, 0x7f, 0x12, 0x34, 0x56, 0x70, 0x00,
	L_RTOK(0x02, 0x01),
	L_Z13,
	0x00,
};

/* TEST_LINK request with user data 01..10. */
static const unsigned char llc_test_link[] = {
	0x07, 0x2c, 0x00, 0x00,
	L_USER_DATA,
	L_Z24,
};

/* TEST_LINK response (echo). */
static const unsigned char llc_test_link_resp[] = {
	0x07, 0x2c, 0x00, 0x80,
	L_USER_DATA,
	L_Z24,
};

/* CONFIRM_RKEY_CONT: one rtoken left, for link 3. */
static const unsigned char llc_confirm_rkey_cont[] = {
	0x08, 0x2c, 0x00, 0x00,
	0x01,
	L_RTOK(0x03, 0x02),
	L_Z26,
};

/* DELETE_RKEY request for rkey 0x1a2b. */
static const unsigned char llc_delete_rkey[] = {
	0x09, 0x2c, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00,		/* num rkeys, error mask, rsvd */
	0x00, 0x00, 0x1a, 0x2b,
	L_Z28,
	L_Z4,
};

/* DELETE_RKEY response, 2 rkeys, the second unknown: RESP|NEG, error mask 0x40. */
static const unsigned char llc_delete_rkey_err[] = {
	0x09, 0x2c, 0x00, 0xa0,
	0x02, 0x40, 0x00, 0x00,
	0x00, 0x00, 0x1a, 0x2b, 0x00, 0x00, 0x3c, 0x4d,
	L_Z24,
	L_Z4,
};

/* ---- v2 ------------------------------------------------------------------------------------ */

/* CONFIRM_LINK v2 request (0x21): length 44 little-endian. */
static const unsigned char llc_confirm_link_v2[] = {
	0x21, 0x2c, 0x00, 0x03,
	L_MAC(0x02), L_GID2_S,
	0x00, 0x01, 0x23, 0x01, 0x00, 0x00, 0x01, 0x01, 0x02,
	L_Z9,
};

/*
 * ADD_LINK v2 request (0x22), server: link 2, qpn 0x000234, mtu 5, psn 0x123456, extension
 * v2_direct, target GID ::ffff:198.51.100.2, 2 rkey pairs: 44 + 28 + 32 = 104 (0x68).
 */
static const unsigned char llc_add_link_v2_req[] = {
	0x22, 0x68, 0x00, 0x00,
	L_MAC(0x12), 0x00, 0x00, L_GID2_S2,
	0x00, 0x02, 0x34, 0x02, 0x05, 0x12, 0x34, 0x56,
	L_Z8,
	0x80, 0x00,			/* v2_direct, rsvd */
	L_GID2_S2,			/* target GID */
	L_Z8,
	0x02, 0x00,			/* num rkeys, little-endian */
	L_PAIR(1), L_PAIR(2),
};

/* ADD_LINK v2 response, client via gateway: link 2, 1 rkey pair: 44 + 28 + 16 = 88 (0x58). */
static const unsigned char llc_add_link_v2_resp[] = {
	0x22, 0x58, 0x00, 0x80,
	L_MAC(0x11), 0x00, 0x00, L_GID2_C2,
	0x00, 0x05, 0x67, 0x02, 0x05, 0x65, 0x43, 0x21,
	L_Z8,
	0x00, 0x00, L_GID2_C2, L_Z8,
	0x01, 0x00,
	L_PAIR(7),
};

/* ADD_LINK v2 reject: 44 bytes, no extension, no reason (byte 2 is the length's high byte). */
static const unsigned char llc_add_link_v2_reject[] = {
	0x22, 0x2c, 0x00, 0xc0,
	L_MAC(0x12), 0x00, 0x00, L_GID2_S2,
	0x00, 0x02, 0x34, 0x02, 0x05, 0x12, 0x34, 0x56,
	L_Z8,
};

/* ADD_LINK v2 request with 20 rkey pairs: 44 + 28 + 320 = 392 = 0x0188 (high length byte 1). */
static const unsigned char llc_add_link_v2_many[] = {
	0x22, 0x88, 0x01, 0x00,
	L_MAC(0x12), 0x00, 0x00, L_GID2_S2,
	0x00, 0x02, 0x34, 0x02, 0x05, 0x12, 0x34, 0x56,
	L_Z8,
	0x80, 0x00, L_GID2_S2, L_Z8,
	0x14, 0x00,
	L_PAIR(1), L_PAIR(2), L_PAIR(3), L_PAIR(4), L_PAIR(5),
	L_PAIR(6), L_PAIR(7), L_PAIR(8), L_PAIR(9), L_PAIR(10),
	L_PAIR(11), L_PAIR(12), L_PAIR(13), L_PAIR(14), L_PAIR(15),
	L_PAIR(16), L_PAIR(17), L_PAIR(18), L_PAIR(19), L_PAIR(20),
};

/* DELETE_LINK v2 (0x24): all links, not orderly, reason 0x00030000 (program initiated). */
static const unsigned char llc_delete_link_v2[] = {
	0x24, 0x2c, 0x00, 0x40,
	0x00, 0x00, 0x03, 0x00, 0x00,
	L_Z35,
};

/* REQ_ADD_LINK v2 (0x25), client: 2 GIDs, 28 + 32 = 60 (0x3c). */
static const unsigned char llc_req_add_link_v2[] = {
	0x25, 0x3c, 0x00, 0x00,
	L_Z20,
	0x02, 0x00, 0x00, 0x00,		/* gid count, rsvd */
	L_GID2_C, L_GID2_C2,
};

/* REQ_ADD_LINK v2 response: 44 bytes, body cleared. */
static const unsigned char llc_req_add_link_v2_resp[] = {
	0x25, 0x2c, 0x00, 0x80,
	L_Z40,
};

/* CONFIRM_RKEY v2 (0x26) as Linux sends it: 44 bytes, one further rtoken (link 2). */
static const unsigned char llc_confirm_rkey_v2[] = {
	0x26, 0x2c, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x1a, 0x2b, 0x00, 0x00, 0x7f, 0x12, 0x34, 0x56, 0x70, 0x00,
	L_RTOK(0x02, 0x01),
	L_Z13,
	0x00,
};

/* CONFIRM_RKEY v2 with 3 further rtokens (links 2, 3, 4): 17 + 39 = 56 (0x38). */
static const unsigned char llc_confirm_rkey_v2_long[] = {
	0x26, 0x38, 0x00, 0x00,
	0x03, 0x00, 0x00, 0x1a, 0x2b, 0x00, 0x00, 0x7f, 0x12, 0x34, 0x56, 0x70, 0x00,
	L_RTOK(0x02, 0x01), L_RTOK(0x03, 0x02), L_RTOK(0x04, 0x03),
};

/* TEST_LINK v2 (0x27). */
static const unsigned char llc_test_link_v2[] = {
	0x27, 0x2c, 0x00, 0x00,
	L_USER_DATA,
	L_Z24,
};

/* DELETE_RKEY v2 (0x29) as Linux sends it: 44 bytes, one rkey. */
static const unsigned char llc_delete_rkey_v2[] = {
	0x29, 0x2c, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x1a, 0x2b,
	L_Z32,
};

/* DELETE_RKEY v2 response, the rkey was unknown: NEG, 1 invalid rkey, rkey list cleared. */
static const unsigned char llc_delete_rkey_v2_resp[] = {
	0x29, 0x2c, 0x00, 0xa0,
	0x01, 0x01, 0x00, 0x00,
	L_Z36,
};

/* DELETE_RKEY v2 with 12 rkeys: 8 + 48 = 56 (0x38). */
static const unsigned char llc_delete_rkey_v2_many[] = {
	0x29, 0x38, 0x00, 0x00,
	0x0c, 0x00, 0x00, 0x00,
	L_RKEY(1), L_RKEY(2), L_RKEY(3), L_RKEY(4), L_RKEY(5), L_RKEY(6),
	L_RKEY(7), L_RKEY(8), L_RKEY(9), L_RKEY(10), L_RKEY(11), L_RKEY(12),
};

LLC_VEC_ASSERT(sizeof(llc_confirm_link_req) == 44, "llc_confirm_link_req");
LLC_VEC_ASSERT(sizeof(llc_confirm_link_resp) == 44, "llc_confirm_link_resp");
LLC_VEC_ASSERT(sizeof(llc_add_link_req) == 44, "llc_add_link_req");
LLC_VEC_ASSERT(sizeof(llc_add_link_reject) == 44, "llc_add_link_reject");
LLC_VEC_ASSERT(sizeof(llc_add_link_invite) == 44, "llc_add_link_invite");
LLC_VEC_ASSERT(sizeof(llc_add_link_resp) == 44, "llc_add_link_resp");
LLC_VEC_ASSERT(sizeof(llc_add_link_cont) == 44, "llc_add_link_cont");
LLC_VEC_ASSERT(sizeof(llc_add_link_cont_resp) == 44, "llc_add_link_cont_resp");
LLC_VEC_ASSERT(sizeof(llc_delete_link_all) == 44, "llc_delete_link_all");
LLC_VEC_ASSERT(sizeof(llc_delete_link_nolnk) == 44, "llc_delete_link_nolnk");
LLC_VEC_ASSERT(sizeof(llc_confirm_rkey) == 44, "llc_confirm_rkey");
LLC_VEC_ASSERT(sizeof(llc_confirm_rkey_neg) == 44, "llc_confirm_rkey_neg");
LLC_VEC_ASSERT(sizeof(llc_test_link) == 44, "llc_test_link");
LLC_VEC_ASSERT(sizeof(llc_test_link_resp) == 44, "llc_test_link_resp");
LLC_VEC_ASSERT(sizeof(llc_confirm_rkey_cont) == 44, "llc_confirm_rkey_cont");
LLC_VEC_ASSERT(sizeof(llc_delete_rkey) == 44, "llc_delete_rkey");
LLC_VEC_ASSERT(sizeof(llc_delete_rkey_err) == 44, "llc_delete_rkey_err");
LLC_VEC_ASSERT(sizeof(llc_confirm_link_v2) == 44, "llc_confirm_link_v2");
LLC_VEC_ASSERT(sizeof(llc_add_link_v2_req) == 0x68, "llc_add_link_v2_req");
LLC_VEC_ASSERT(sizeof(llc_add_link_v2_resp) == 0x58, "llc_add_link_v2_resp");
LLC_VEC_ASSERT(sizeof(llc_add_link_v2_reject) == 44, "llc_add_link_v2_reject");
LLC_VEC_ASSERT(sizeof(llc_add_link_v2_many) == 0x188, "llc_add_link_v2_many");
LLC_VEC_ASSERT(sizeof(llc_delete_link_v2) == 44, "llc_delete_link_v2");
LLC_VEC_ASSERT(sizeof(llc_req_add_link_v2) == 0x3c, "llc_req_add_link_v2");
LLC_VEC_ASSERT(sizeof(llc_req_add_link_v2_resp) == 44, "llc_req_add_link_v2_resp");
LLC_VEC_ASSERT(sizeof(llc_confirm_rkey_v2) == 44, "llc_confirm_rkey_v2");
LLC_VEC_ASSERT(sizeof(llc_confirm_rkey_v2_long) == 0x38, "llc_confirm_rkey_v2_long");
LLC_VEC_ASSERT(sizeof(llc_test_link_v2) == 44, "llc_test_link_v2");
LLC_VEC_ASSERT(sizeof(llc_delete_rkey_v2) == 44, "llc_delete_rkey_v2");
LLC_VEC_ASSERT(sizeof(llc_delete_rkey_v2_resp) == 44, "llc_delete_rkey_v2_resp");
LLC_VEC_ASSERT(sizeof(llc_delete_rkey_v2_many) == 0x38, "llc_delete_rkey_v2_many");

struct llc_vector {
	const char *name;
	const unsigned char *data;
	size_t len;
};

#define LLC_VEC(a) { #a, a, sizeof(a) }

static const struct llc_vector llc_vectors[] = {
	LLC_VEC(llc_confirm_link_req),	  LLC_VEC(llc_confirm_link_resp),
	LLC_VEC(llc_add_link_req),	  LLC_VEC(llc_add_link_reject),
	LLC_VEC(llc_add_link_invite),	  LLC_VEC(llc_add_link_resp),
	LLC_VEC(llc_add_link_cont),	  LLC_VEC(llc_add_link_cont_resp),
	LLC_VEC(llc_delete_link_all),	  LLC_VEC(llc_delete_link_nolnk),
	LLC_VEC(llc_confirm_rkey),	  LLC_VEC(llc_confirm_rkey_neg),
	LLC_VEC(llc_test_link),		  LLC_VEC(llc_test_link_resp),
	LLC_VEC(llc_confirm_rkey_cont),	  LLC_VEC(llc_delete_rkey),
	LLC_VEC(llc_delete_rkey_err),	  LLC_VEC(llc_confirm_link_v2),
	LLC_VEC(llc_add_link_v2_req),	  LLC_VEC(llc_add_link_v2_resp),
	LLC_VEC(llc_add_link_v2_reject),  LLC_VEC(llc_add_link_v2_many),
	LLC_VEC(llc_delete_link_v2),	  LLC_VEC(llc_req_add_link_v2),
	LLC_VEC(llc_req_add_link_v2_resp), LLC_VEC(llc_confirm_rkey_v2),
	LLC_VEC(llc_confirm_rkey_v2_long), LLC_VEC(llc_test_link_v2),
	LLC_VEC(llc_delete_rkey_v2),	  LLC_VEC(llc_delete_rkey_v2_resp),
	LLC_VEC(llc_delete_rkey_v2_many),
};

#define LLC_VECTOR_CNT (sizeof(llc_vectors) / sizeof(llc_vectors[0]))

#endif /* SMCR_TEST_LLC_VECTORS_H */
