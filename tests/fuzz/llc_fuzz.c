// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libFuzzer target for the LLC codec (kernel/wire/llc.c).
 *
 * For every input: header parser and decoder must agree; every list entry of a decoded message
 * is read through the accessors (the sanitizers check they stay inside the buffer) and the first
 * index past each list is refused; whatever decodes must re-encode, decode again and re-encode
 * to the same bytes (fixed point); the encoder must never write past its capacity.
 *
 * Built as a real libFuzzer binary with clang, and as a plain replay program (fuzz_replay.c
 * is a generic driver) with any compiler so CI runs the corpus as a test.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "llc_fuzz: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                           \
			abort();                                                     \
		}                                                                    \
	} while (0)

/* Room for the longest list any message can carry (u8 / <= 255 counts). */
#define LIST_MAX 256

struct lists {
	struct smcr_llc_rkey_pair pairs[LIST_MAX];
	struct smcr_llc_rtoken rt[LIST_MAX];
	u32 rkeys[LIST_MAX];
	u8 gids[LIST_MAX][SMCR_LLC_GID_LEN];
};

/* Expected number of entries each accessor serves for @m. */
static void list_counts(const struct smcr_llc_msg *m, unsigned int *np, unsigned int *nr,
			unsigned int *nk, unsigned int *ng)
{
	*np = *nr = *nk = *ng = 0;
	switch (m->hdr.type) {
	case SMCR_LLC_ADD_LINK:
		*np = m->add_link.has_v2_ext ? m->add_link.num_rkeys : 0;
		break;
	case SMCR_LLC_ADD_LINK_CONT:
		*np = m->add_link_cont.rt_cnt;
		break;
	case SMCR_LLC_CONFIRM_RKEY:
		*nr = m->confirm_rkey.rt_cnt;
		break;
	case SMCR_LLC_CONFIRM_RKEY_CONT:
		*nr = m->confirm_rkey_cont.rt_cnt;
		break;
	case SMCR_LLC_DELETE_RKEY:
		*nk = m->delete_rkey.num_rkeys;
		break;
	case SMCR_LLC_REQ_ADD_LINK:
		*ng = m->req_add_link.gid_cnt;
		break;
	}
}

/* Read every list entry of a decoded message and point the encoder at the copies. */
static void materialise(const uint8_t *buf, struct smcr_llc_msg *m, struct lists *l)
{
	unsigned int np, nr, nk, ng, i;

	list_counts(m, &np, &nr, &nk, &ng);
	CHECK(np <= LIST_MAX && nr <= LIST_MAX && nk <= LIST_MAX && ng <= LIST_MAX);
	for (i = 0; i < np; i++)
		CHECK(smcr_llc_get_rkey_pair(buf, m, i, &l->pairs[i]) == 0);
	CHECK(smcr_llc_get_rkey_pair(buf, m, np, &l->pairs[0]) == -EINVAL);
	for (i = 0; i < nr; i++) {
		CHECK(smcr_llc_get_rtoken(buf, m, i, &l->rt[i]) == 0);
		CHECK(l->rt[i].link_id != 0);
	}
	CHECK(smcr_llc_get_rtoken(buf, m, nr, &l->rt[0]) == -EINVAL);
	for (i = 0; i < nk; i++)
		CHECK(smcr_llc_get_rkey(buf, m, i, &l->rkeys[i]) == 0);
	CHECK(smcr_llc_get_rkey(buf, m, nk, &l->rkeys[0]) == -EINVAL);
	for (i = 0; i < ng; i++)
		CHECK(smcr_llc_get_gid(buf, m, i, l->gids[i]) == 0);
	CHECK(smcr_llc_get_gid(buf, m, ng, l->gids[0]) == -EINVAL);

	switch (m->hdr.type) {
	case SMCR_LLC_ADD_LINK:
		CHECK(m->add_link.rt == NULL);
		m->add_link.rt = l->pairs;
		break;
	case SMCR_LLC_ADD_LINK_CONT:
		CHECK(m->add_link_cont.rt == NULL);
		m->add_link_cont.rt = l->pairs;
		break;
	case SMCR_LLC_CONFIRM_RKEY:
		CHECK(m->confirm_rkey.rt == NULL);
		m->confirm_rkey.rt = l->rt;
		break;
	case SMCR_LLC_CONFIRM_RKEY_CONT:
		CHECK(m->confirm_rkey_cont.rt == NULL);
		m->confirm_rkey_cont.rt = l->rt;
		break;
	case SMCR_LLC_DELETE_RKEY:
		CHECK(m->delete_rkey.rkeys == NULL);
		m->delete_rkey.rkeys = l->rkeys;
		break;
	case SMCR_LLC_REQ_ADD_LINK:
		CHECK(m->req_add_link.gid == NULL);
		m->req_add_link.gid = (const u8 (*)[SMCR_LLC_GID_LEN])l->gids;
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t enc1[SMCR_LLC_V2_MAX_LEN], enc2[SMCR_LLC_V2_MAX_LEN];
	static struct lists l1, l2;
	static const struct smcr_llc_msg zero;
	struct smcr_llc_msg msg, msg2;
	struct smcr_llc_hdr hdr;
	int rc, rc_hdr, len1, len2;
	uint8_t *small;
	size_t cap;

	rc_hdr = smcr_llc_parse_hdr(data, size, &hdr);
	rc = smcr_llc_decode(data, size, &msg);
	CHECK(rc_hdr == 0 || rc_hdr == -EPROTO);
	CHECK(rc == 0 || rc == -EPROTO);
	if (rc_hdr == 0) {
		CHECK(smcr_llc_type_byte_valid(data[0]));
		CHECK(hdr.length >= SMCR_LLC_MSG_LEN && hdr.length <= size &&
		      hdr.length <= SMCR_LLC_V2_MAX_LEN);
		CHECK(hdr.version == SMCR_LLC_V1 ? hdr.length == SMCR_LLC_MSG_LEN :
						   hdr.version == SMCR_LLC_V2);
	}
	if (rc) {
		CHECK(!memcmp(&msg, &zero, sizeof(msg)));
		return 0;
	}
	/* A full decode implies a valid header, and the same one. */
	CHECK(rc_hdr == 0 && !memcmp(&hdr, &msg.hdr, sizeof(hdr)));

	/* Every list entry readable, then encode ... */
	materialise(data, &msg, &l1);
	len1 = smcr_llc_encode(&msg, enc1, sizeof(enc1));
	CHECK(len1 >= SMCR_LLC_MSG_LEN && len1 <= (int)msg.hdr.length);
	CHECK(smcr_llc_msg_len(&msg) == len1);
	/* ... decode again ... */
	CHECK(smcr_llc_decode(enc1, (size_t)len1, &msg2) == 0);
	CHECK(msg2.hdr.type == msg.hdr.type && msg2.hdr.version == msg.hdr.version &&
	      msg2.hdr.flags == msg.hdr.flags && msg2.hdr.length == len1);
	materialise(enc1, &msg2, &l2);
	/* ... and be a fixed point from there on. */
	len2 = smcr_llc_encode(&msg2, enc2, sizeof(enc2));
	CHECK(len2 == len1 && !memcmp(enc1, enc2, (size_t)len1));

	/* Encoding into a buffer of exactly @cap bytes: ASan flags any write past it. */
	cap = data[size - 1] % ((size_t)len1 + 1);
	small = malloc(cap ? cap : 1);
	CHECK(small);
	rc = smcr_llc_encode(&msg, small, cap);
	CHECK(cap < (size_t)len1 ? rc == -ENOSPC : rc == len1);
	free(small);
	return 0;
}
