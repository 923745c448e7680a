/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Hand-written CDC messages, byte by byte from the wire table (docs/wire-data.md, upstream
 * reference §3.6), NOT produced by our encoder: the independent truth the codec is tested
 * against. Plain C so the corpus generator (tests/fuzz) can use them too.
 *
 * Every vector is exactly what Linux sends for the fields listed next to it (reserved bytes
 * zero), so encode(fields) must reproduce it byte for byte.
 */
#ifndef SMCR_TEST_CDC_VECTORS_H
#define SMCR_TEST_CDC_VECTORS_H

#include <stddef.h> /* NOLINT(modernize-deprecated-headers): also compiled as C */

#define CDC_Z2 0, 0
#define CDC_RSVD18 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0

/* seqno 1, token 5, prod {0, 0x1000}, cons {0, 0}, no flags: the first data notification. */
static const unsigned char cdc_first_data[] = {
	0xfe, 0x2c, 0x00, 0x01,		/* type, length 44, seqno 1 */
	0x00, 0x00, 0x00, 0x05,		/* token */
	CDC_Z2, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,	/* prod: rsvd, wrap 0, count 4096 */
	CDC_Z2, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* cons: rsvd, wrap 0, count 0 */
	0x00, 0x00,			/* producer flags, connection state */
	CDC_RSVD18,
};

/*
 * seqno 0x1234, token 0xdeadbeef, prod {3, 16383} (last byte of a 16 KiB ring), cons {2, 8192},
 * write_blocked + cons_curs_upd_req.
 */
static const unsigned char cdc_blocked_upd_req[] = {
	0xfe, 0x2c, 0x12, 0x34,
	0xde, 0xad, 0xbe, 0xef,
	CDC_Z2, 0x00, 0x03, 0x00, 0x00, 0x3f, 0xff,
	CDC_Z2, 0x00, 0x02, 0x00, 0x00, 0x20, 0x00,
	0x90, 0x00,
	CDC_RSVD18,
};

/*
 * seqno 0xffff, token 0x01020304, prod {0xffff, 0x7ffff} (last byte of a 512 KiB ring before
 * the wrap counter rolls over), cons {0xfffe, 0x40000}, urg_data_pending + urg_data_present.
 */
static const unsigned char cdc_urgent_wrap_max[] = {
	0xfe, 0x2c, 0xff, 0xff,
	0x01, 0x02, 0x03, 0x04,
	CDC_Z2, 0xff, 0xff, 0x00, 0x07, 0xff, 0xff,
	CDC_Z2, 0xff, 0xfe, 0x00, 0x04, 0x00, 0x00,
	0x60, 0x00,
	CDC_RSVD18,
};

/* seqno 0x8000, token 7, prod {0x0100, 0x10000}, cons {0x00ff, 0xffff}, peer_done_writing. */
static const unsigned char cdc_done_writing[] = {
	0xfe, 0x2c, 0x80, 0x00,
	0x00, 0x00, 0x00, 0x07,
	CDC_Z2, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00,
	CDC_Z2, 0x00, 0xff, 0x00, 0x00, 0xff, 0xff,
	0x00, 0x80,
	CDC_RSVD18,
};

/* seqno 2, token 0x80000001, prod {1, 0}, cons {1, 0}, peer_conn_closed. */
static const unsigned char cdc_closed[] = {
	0xfe, 0x2c, 0x00, 0x02,
	0x80, 0x00, 0x00, 0x01,
	CDC_Z2, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	CDC_Z2, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x40,
	CDC_RSVD18,
};

/* seqno 0x0100, token 3, prod {0, 10}, cons {0, 20}, write_blocked + peer_conn_abort. */
static const unsigned char cdc_abort[] = {
	0xfe, 0x2c, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x03,
	CDC_Z2, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a,
	CDC_Z2, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14,
	0x80, 0x20,
	CDC_RSVD18,
};

/* Failover validation: seqno 0x0042 (last completed), token 9, cursors zero, flag 0x08. */
static const unsigned char cdc_failover_validation[] = {
	0xfe, 0x2c, 0x00, 0x42,
	0x00, 0x00, 0x00, 0x09,
	CDC_Z2, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	CDC_Z2, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x08, 0x00,
	CDC_RSVD18,
};

/* Every defined flag bit at once; seqno 0x7fff, token 0xffffffff, cursors {0x1234, 0x56789}. */
static const unsigned char cdc_all_flags[] = {
	0xfe, 0x2c, 0x7f, 0xff,
	0xff, 0xff, 0xff, 0xff,
	CDC_Z2, 0x12, 0x34, 0x00, 0x05, 0x67, 0x89,
	CDC_Z2, 0x12, 0x34, 0x00, 0x05, 0x67, 0x89,
	0xf8, 0xe0,
	CDC_RSVD18,
};

struct cdc_vector {
	const char *name;
	const unsigned char *data;
	size_t len;
};

#define CDC_VEC(a) { #a, a, sizeof(a) }

static const struct cdc_vector cdc_vectors[] = {
	CDC_VEC(cdc_first_data),	 CDC_VEC(cdc_blocked_upd_req), CDC_VEC(cdc_urgent_wrap_max),
	CDC_VEC(cdc_done_writing),	 CDC_VEC(cdc_closed),	       CDC_VEC(cdc_abort),
	CDC_VEC(cdc_failover_validation), CDC_VEC(cdc_all_flags),
};

#define CDC_VECTOR_CNT (sizeof(cdc_vectors) / sizeof(cdc_vectors[0]))

#endif /* SMCR_TEST_CDC_VECTORS_H */
