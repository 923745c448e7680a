// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libFuzzer target for the CLC decoders (kernel/wire/clc.c).
 *
 * For every input: all decoders run on it (memory safety is checked by the sanitizers), their
 * verdicts must agree with each other, and whatever decodes must re-encode, decode again and
 * re-encode to the same bytes (encode/decode consistency). The encoders are also run with a
 * capacity taken from the input, into a buffer of exactly that size, to catch writes past @cap.
 *
 * Built as a real libFuzzer binary with clang, and as a plain replay program (fuzz_replay.c)
 * with any compiler so CI runs the corpus as a test.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "clc_fuzz: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                           \
			abort();                                                     \
		}                                                                    \
	} while (0)

static int encode_msg(const struct smcr_clc_msg *m, uint8_t *buf, size_t cap)
{
	switch (m->hdr.type) {
	case SMCR_CLC_PROPOSAL:
		return smcr_clc_encode_proposal(&m->prop, buf, cap);
	case SMCR_CLC_ACCEPT:
	case SMCR_CLC_CONFIRM:
		return smcr_clc_encode_accept_confirm(&m->ac, buf, cap);
	default:
		return smcr_clc_encode_decline(&m->decl, buf, cap);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t enc1[SMCR_CLC_MAX_LEN], enc2[SMCR_CLC_MAX_LEN];
	static struct smcr_clc_msg msg, msg2;
	struct smcr_clc_proposal prop;
	struct smcr_clc_accept_confirm ac;
	struct smcr_clc_decline decl;
	struct smcr_clc_hdr hdr;
	int rc, rc_hdr, rc_p, rc_a, rc_d, len1, len2;
	size_t cap;
	uint8_t *small;

	rc_hdr = smcr_clc_parse_hdr(data, size, &hdr);
	rc = smcr_clc_decode(data, size, &msg);
	rc_p = smcr_clc_decode_proposal(data, size, &prop);
	rc_a = smcr_clc_decode_accept_confirm(data, size, &ac);
	rc_d = smcr_clc_decode_decline(data, size, &decl);

	CHECK(rc_hdr == 0 || rc_hdr == -EPROTO);
	CHECK(rc == 0 || rc == -EPROTO || rc == -EOPNOTSUPP);
	/* A full decode implies a valid header whose length is the buffer size. */
	if (rc != -EPROTO)
		CHECK(rc_hdr == 0 && hdr.length == size && hdr.type == msg.hdr.type);
	/* At most one typed decoder accepts, and it is the one the dispatcher picked. */
	CHECK((rc_p == 0) + (rc_a == 0) + (rc_d == 0) <= 1);
	CHECK((rc_p == 0) == (rc == 0 && msg.hdr.type == SMCR_CLC_PROPOSAL));
	CHECK((rc_d == 0) == (rc == 0 && msg.hdr.type == SMCR_CLC_DECLINE));
	CHECK((rc_a == 0) == (rc == 0 && (msg.hdr.type == SMCR_CLC_ACCEPT ||
					  msg.hdr.type == SMCR_CLC_CONFIRM)));
	CHECK((rc_a == -EOPNOTSUPP) == (rc == -EOPNOTSUPP));
	if (rc == -EOPNOTSUPP)
		CHECK(msg.hdr.typev1 == SMCR_CLC_TYPE_D);
	if (rc)
		return 0;

	/* Decoded values are always in range, so encoding must succeed ... */
	len1 = encode_msg(&msg, enc1, sizeof(enc1));
	CHECK(len1 > 0 && (size_t)len1 <= SMCR_CLC_MAX_LEN);
	/* ... decode again ... */
	CHECK(smcr_clc_decode(enc1, (size_t)len1, &msg2) == 0);
	CHECK(msg2.hdr.type == msg.hdr.type && msg2.hdr.version == msg.hdr.version);
	/* ... and be a fixed point from there on. */
	len2 = encode_msg(&msg2, enc2, sizeof(enc2));
	CHECK(len2 == len1 && !memcmp(enc1, enc2, (size_t)len1));

	/* Encoding into a buffer of exactly @cap bytes: ASan flags any write past it. */
	cap = size ? data[size - 1] % ((size_t)len1 + 1) : 0;
	small = malloc(cap ? cap : 1);
	CHECK(small);
	rc = encode_msg(&msg, small, cap);
	CHECK(cap < (size_t)len1 ? rc == -ENOSPC : rc == len1);
	free(small);
	return 0;
}
