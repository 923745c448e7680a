// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libFuzzer target for the CDC codec (kernel/wire/cdc.c) and the cursor helpers
 * (kernel/wire/cursor.h).
 *
 * For every input: the decoder's verdict must match the acceptance rule; whatever decodes must
 * re-encode to the same significant bytes and be a fixed point; the encoder must never write
 * past its capacity. The decoded cursors (and a ring size taken from the input) then drive the
 * cursor helpers, whose results must agree with each other and with smcr_curs_check().
 *
 * Built as a real libFuzzer binary with clang, and as a plain replay program (fuzz_replay.c
 * is a generic driver) with any compiler so CI runs the corpus as a test.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cdc.h"
#include "cursor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "cdc_fuzz: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                           \
			abort();                                                     \
		}                                                                    \
	} while (0)

/* Ring sizes SMC uses, plus odd ones and the limits. */
static const uint32_t ring_sizes[] = {
	16384, 32768, 65536, 131072, 262144, 524288, 1048576, 1, 2, 3, 1000, 65537,
	SMCR_CURS_SIZE_MAX, SMCR_CURS_SIZE_MAX - 1, 0, SMCR_CURS_SIZE_MAX + 1,
};

static void check_cursors(uint32_t size, const struct smcr_cursor *a, const struct smcr_cursor *b)
{
	enum smcr_curs_verdict v;
	long long d;
	uint32_t diff, adv = 12345;
	int comp;

	v = smcr_curs_check(size, a, b, &adv);
	CHECK(v >= SMCR_CURS_OK && v <= SMCR_CURS_BACKWARD);
	if (v != SMCR_CURS_OK)
		CHECK(adv == 0);
	if (!smcr_curs_valid(size, a) || !smcr_curs_valid(size, b)) {
		CHECK(v == SMCR_CURS_BAD_COUNT);
		return;
	}
	d = smcr_curs_delta(size, a, b);
	/* Antisymmetric, except exactly half the wrap space apart: then each is behind the other. */
	if ((uint16_t)(b->wrap - a->wrap) != 0x8000)
		CHECK(d == -smcr_curs_delta(size, b, a));
	else
		CHECK(v == SMCR_CURS_BACKWARD &&
		      smcr_curs_check(size, b, a, NULL) == SMCR_CURS_BACKWARD);
	diff = smcr_curs_diff(size, a, b);
	comp = smcr_curs_comp(size, a, b);
	CHECK(diff <= size);
	CHECK(comp >= -(int)size && comp <= (int)size);
	CHECK(smcr_curs_ahead(size, a, b) == (d > 0));
	switch (v) {
	case SMCR_CURS_OK:
		CHECK(d >= 0 && d <= size && adv == d && diff == adv && comp == (int)adv);
		break;
	case SMCR_CURS_STALE:
		CHECK(d < 0 && d >= -(long long)size && diff == 0 && comp == d);
		break;
	case SMCR_CURS_OVERRUN:
		CHECK(d > size && diff == size && comp == (int)size);
		break;
	case SMCR_CURS_BACKWARD:
		CHECK(d < -(long long)size && diff == 0 && comp == -(int)size);
		break;
	default:
		CHECK(0);
	}
	/* Advancing a valid cursor by up to a ring lands exactly that far ahead, normalised. */
	{
		struct smcr_cursor c = *a;
		uint32_t step = diff;

		smcr_curs_add(size, &c, step);
		CHECK(c.count <= size);
		if (a->count < size || step < size)
			CHECK(c.count < size);
		CHECK(smcr_curs_check(size, a, &c, &adv) == SMCR_CURS_OK && adv == step);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t prod_rsvd[] = { 8, 9, 16, 17 };
	struct smcr_cdc_msg msg, msg2;
	uint8_t enc[SMCR_CDC_MSG_LEN], enc2[SMCR_CDC_MSG_LEN];
	uint8_t *small;
	size_t i, cap;
	bool want;
	int rc;

	rc = smcr_cdc_decode(data, size, &msg);
	want = size >= SMCR_CDC_MIN_RX_LEN && data[0] == SMCR_CDC_MSG_TYPE &&
	       data[1] == SMCR_CDC_MSG_LEN;
	CHECK(rc == (want ? 0 : -EPROTO));
	if (rc) {
		static const struct smcr_cdc_msg zero;

		CHECK(!memcmp(&msg, &zero, sizeof(msg)));
	}

	/* The cursor helpers, on whatever cursors the input holds (decoded or not). */
	if (size >= 18) {
		struct smcr_cursor a, b;
		uint32_t ring = ring_sizes[data[size - 1] % (sizeof(ring_sizes) / sizeof(ring_sizes[0]))];

		a.wrap = (uint16_t)(data[2] << 8 | data[3]);
		a.count = (uint32_t)data[4] << 24 | (uint32_t)data[5] << 16 | data[6] << 8 | data[7];
		b.wrap = (uint16_t)(data[10] << 8 | data[11]);
		b.count = (uint32_t)data[12] << 24 | (uint32_t)data[13] << 16 | data[14] << 8 |
			  data[15];
		/* Small counts are more interesting than huge ones: fold them into the ring. */
		if (ring && (data[16] & 1)) {
			a.count %= ring + 1;
			b.count %= ring + 1;
		}
		check_cursors(ring, &a, &b);
		check_cursors(ring, &b, &a);
		CHECK(smcr_seq_before(a.wrap, b.wrap) == smcr_seq_after(b.wrap, a.wrap));
		CHECK(smcr_seq_diff(a.wrap, b.wrap) == (int16_t)(uint16_t)(a.wrap - b.wrap));
		CHECK(smcr_cdc_seq_validation_ok(a.wrap, b.wrap) == !smcr_seq_after(b.wrap, a.wrap));
	}
	if (rc)
		return 0;

	/* Re-encode: the significant bytes come back, reserved ones are zero. */
	CHECK(smcr_cdc_encode(&msg, enc, sizeof(enc)) == SMCR_CDC_MSG_LEN);
	for (i = 0; i < SMCR_CDC_MIN_RX_LEN; i++) {
		uint8_t want_b = data[i];

		if (i == 24)
			want_b &= SMCR_CDC_PROD_FLAGS_MASK;
		if (i == 25)
			want_b &= SMCR_CDC_CONN_STATE_MASK;
		if (memchr(prod_rsvd, (int)i, sizeof(prod_rsvd)))
			want_b = 0;
		CHECK(enc[i] == want_b);
	}
	for (; i < SMCR_CDC_MSG_LEN; i++)
		CHECK(enc[i] == 0);
	CHECK(smcr_cdc_decode(enc, sizeof(enc), &msg2) == 0);
	CHECK(!memcmp(&msg, &msg2, sizeof(msg)));
	CHECK(smcr_cdc_encode(&msg2, enc2, sizeof(enc2)) == SMCR_CDC_MSG_LEN);
	CHECK(!memcmp(enc, enc2, sizeof(enc)));

	/* Encoding into a buffer of exactly @cap bytes: ASan flags any write past it. */
	cap = data[size - 1] % (SMCR_CDC_MSG_LEN + 1);
	small = malloc(cap ? cap : 1);
	CHECK(small);
	rc = smcr_cdc_encode(&msg, small, cap);
	CHECK(cap < SMCR_CDC_MSG_LEN ? rc == -ENOSPC : rc == SMCR_CDC_MSG_LEN);
	free(small);
	return 0;
}
