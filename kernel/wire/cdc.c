// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * smcr: CDC message codec (see cdc.h for the API and docs/wire-data.md for the rules).
 */
#include "cdc.h"

/* Byte offsets on the wire. */
#define CDC_TYPE	0
#define CDC_LEN		1
#define CDC_SEQNO	2
#define CDC_TOKEN	4
#define CDC_PROD	8	/* reserved 2, wrap 2, count 4 */
#define CDC_CONS	16
#define CDC_CURS_WRAP	2	/* inside a cursor */
#define CDC_CURS_COUNT	4
#define CDC_PROD_FLAGS	24
#define CDC_CONN_FLAGS	25
#define CDC_RESERVED	26

SMCR_STATIC_ASSERT(CDC_RESERVED == SMCR_CDC_MIN_RX_LEN, "CDC minimum receive length");
SMCR_STATIC_ASSERT(CDC_RESERVED + 18 == SMCR_CDC_MSG_LEN, "CDC message length");
SMCR_STATIC_ASSERT(sizeof(struct smcr_cdc_msg) <= 32, "CDC host struct too large");

static void smcr_cdc_get_curs(const u8 *p, struct smcr_cursor *curs)
{
	curs->wrap = smcr_get_be16(p + CDC_CURS_WRAP);
	curs->count = smcr_get_be32(p + CDC_CURS_COUNT);
}

static void smcr_cdc_put_curs(u8 *p, const struct smcr_cursor *curs)
{
	smcr_put_be16(p + CDC_CURS_WRAP, curs->wrap);
	smcr_put_be32(p + CDC_CURS_COUNT, curs->count);
}

int smcr_cdc_decode(const void *buf, size_t len, struct smcr_cdc_msg *msg)
{
	const u8 *p = buf;

	memset(msg, 0, sizeof(*msg));
	if (!p || len < SMCR_CDC_MIN_RX_LEN)
		return -EPROTO;
	if (p[CDC_TYPE] != SMCR_CDC_MSG_TYPE || p[CDC_LEN] != SMCR_CDC_MSG_LEN)
		return -EPROTO;
	msg->seqno = smcr_get_be16(p + CDC_SEQNO);
	msg->token = smcr_get_be32(p + CDC_TOKEN);
	smcr_cdc_get_curs(p + CDC_PROD, &msg->prod);
	smcr_cdc_get_curs(p + CDC_CONS, &msg->cons);
	msg->prod_flags = p[CDC_PROD_FLAGS] & SMCR_CDC_PROD_FLAGS_MASK;
	msg->conn_state_flags = p[CDC_CONN_FLAGS] & SMCR_CDC_CONN_STATE_MASK;
	return 0;
}

int smcr_cdc_encode(const struct smcr_cdc_msg *msg, void *buf, size_t cap)
{
	u8 *p = buf;

	if ((msg->prod_flags & ~SMCR_CDC_PROD_FLAGS_MASK) ||
	    (msg->conn_state_flags & ~SMCR_CDC_CONN_STATE_MASK))
		return -EINVAL;
	if (!p || cap < SMCR_CDC_MSG_LEN)
		return -ENOSPC;
	memset(p, 0, SMCR_CDC_MSG_LEN);
	p[CDC_TYPE] = SMCR_CDC_MSG_TYPE;
	p[CDC_LEN] = SMCR_CDC_MSG_LEN;
	smcr_put_be16(p + CDC_SEQNO, msg->seqno);
	smcr_put_be32(p + CDC_TOKEN, msg->token);
	smcr_cdc_put_curs(p + CDC_PROD, &msg->prod);
	smcr_cdc_put_curs(p + CDC_CONS, &msg->cons);
	p[CDC_PROD_FLAGS] = msg->prod_flags;
	p[CDC_CONN_FLAGS] = msg->conn_state_flags;
	return SMCR_CDC_MSG_LEN;
}
