/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * smcr: CDC (Connection Data Control) message codec — the 44-byte message each side sends with
 * an RDMA SEND after its RDMA WRITEs, carrying its producer and consumer cursors, flow-control
 * flags and the close protocol, byte-compatible with Linux net/smc (6.1 and later).
 *
 * Pure code shared by the kernel module and userspace (tests, fuzzers): no allocation, no global
 * state, no sleeping, a few words of stack. See docs/wire-data.md.
 *
 * Wire layout (all numbers big-endian):
 *   0  type 0xFE          1  length 44           2  sequence number (2)
 *   4  alert token (4) of the receiver's connection
 *   8  producer cursor: reserved (2), wrap (2), count (4)
 *  16  consumer cursor: reserved (2), wrap (2), count (4)
 *  24  producer flags     25 connection-state flags   26 reserved (18)
 *
 * Conventions as in clc.h: decoders return 0 or -EPROTO and leave the output struct all zero on
 * failure; encoders return the encoded length, -EINVAL for a field out of range or -ENOSPC when
 * the buffer is too small (nothing written then). Neither ever touches memory outside
 * [buf, buf + len/cap).
 */
#ifndef SMCR_WIRE_CDC_H
#define SMCR_WIRE_CDC_H

#include "wire_types.h"
#include "cursor.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SMCR_CDC_MSG_TYPE	0xFE	/* byte 0; LLC types are 0x01..0x29 */
#define SMCR_CDC_MSG_LEN	44	/* bytes sent, and the value of the length byte */
/*
 * Receivers need only the bytes before the reserved area: Linux accepts a work completion of
 * at least 26 bytes (offsetof(struct smc_cdc_msg, reserved)) whose length byte says 44.
 */
#define SMCR_CDC_MIN_RX_LEN	26

/* Producer flags (byte 24). */
#define SMCR_CDC_WRITE_BLOCKED		0x80	/* sender has data but no space in our RMBE */
#define SMCR_CDC_URG_DATA_PENDING	0x40	/* urgent (MSG_OOB) data is on its way */
#define SMCR_CDC_URG_DATA_PRESENT	0x20	/* the byte before the producer cursor is urgent */
#define SMCR_CDC_CONS_CURS_UPD_REQ	0x10	/* please send your consumer cursor now */
#define SMCR_CDC_FAILOVER_VALIDATION	0x08	/* seqno check after a link switch, see below */
#define SMCR_CDC_PROD_FLAGS_MASK	0xf8	/* bits 2-0 are reserved */

/* Connection-state flags (byte 25). */
#define SMCR_CDC_PEER_DONE_WRITING	0x80	/* sender shut down its write side */
#define SMCR_CDC_PEER_CONN_CLOSED	0x40	/* orderly close */
#define SMCR_CDC_PEER_CONN_ABORT	0x20	/* abnormal close (like a TCP RST) */
#define SMCR_CDC_CONN_STATE_MASK	0xe0	/* bits 4-0 are reserved */

/**
 * struct smcr_cdc_msg - a CDC message, host order.
 * @seqno: per-connection sequence number, +1 for each message sent (16-bit, wraps).
 * @token: alert token of the receiving connection (from the receiver's CLC Accept/Confirm).
 * @prod: producer cursor: how far the sender has written into the receiver's RMBE.
 * @cons: consumer cursor: how far the sender's application has read its own RMBE.
 * @prod_flags: SMCR_CDC_WRITE_BLOCKED .. SMCR_CDC_FAILOVER_VALIDATION.
 * @conn_state_flags: SMCR_CDC_PEER_DONE_WRITING .. SMCR_CDC_PEER_CONN_ABORT.
 *
 * A message with SMCR_CDC_FAILOVER_VALIDATION carries only a meaningful @seqno (the last message
 * the sender saw completed) and @token: Linux builds it in a reused send buffer without clearing
 * it, so its cursors and other flags are leftovers and must not be applied. Check it with
 * smcr_cdc_seq_validation_ok() instead of the normal seqno test.
 */
struct smcr_cdc_msg {
	u16 seqno;
	u32 token;
	struct smcr_cursor prod;
	struct smcr_cursor cons;
	u8 prod_flags;
	u8 conn_state_flags;
};

/**
 * smcr_cdc_decode() - decode and validate a received CDC message.
 * @buf: the received bytes.
 * @len: number of bytes received (the work completion's byte count).
 * @msg: out: the message (all zero on error).
 *
 * Rules, as Linux's receive path: @len >= SMCR_CDC_MIN_RX_LEN (26), byte 0 == 0xFE, the length
 * byte == 44. Bytes beyond 26 (the reserved area, possibly missing, possibly stale data from
 * a reused send buffer), the cursors' reserved halves and the reserved flag bits are ignored;
 * bytes beyond 44 too. Cursor plausibility is the caller's job (smcr_curs_check()).
 *
 * Return: 0 or -EPROTO.
 */
int smcr_cdc_decode(const void *buf, size_t len, struct smcr_cdc_msg *msg);

/**
 * smcr_cdc_encode() - encode a CDC message the way Linux sends it.
 * @msg: the message.
 * @buf: output buffer.
 * @cap: capacity of @buf; SMCR_CDC_MSG_LEN suffices.
 *
 * Writes exactly 44 bytes: type, length, the fields of @msg, and zeros in every reserved
 * byte and bit.
 *
 * Return: SMCR_CDC_MSG_LEN; -EINVAL if @msg->prod_flags or @msg->conn_state_flags has a reserved
 * bit set; -ENOSPC if @cap < 44 (nothing written).
 */
int smcr_cdc_encode(const struct smcr_cdc_msg *msg, void *buf, size_t cap);

/** smcr_cdc_is_validation() - the message is a failover-validation message. */
static inline bool smcr_cdc_is_validation(const struct smcr_cdc_msg *msg)
{
	return msg->prod_flags & SMCR_CDC_FAILOVER_VALIDATION;
}

/** smcr_cdc_any_close() - the peer closed or aborted the connection. */
static inline bool smcr_cdc_any_close(const struct smcr_cdc_msg *msg)
{
	return msg->conn_state_flags & (SMCR_CDC_PEER_CONN_CLOSED | SMCR_CDC_PEER_CONN_ABORT);
}

/** smcr_cdc_any_close_or_done() - the peer will send no more data. */
static inline bool smcr_cdc_any_close_or_done(const struct smcr_cdc_msg *msg)
{
	return msg->conn_state_flags & (SMCR_CDC_PEER_CONN_CLOSED | SMCR_CDC_PEER_CONN_ABORT |
					SMCR_CDC_PEER_DONE_WRITING);
}

#ifdef __cplusplus
}
#endif

#endif /* SMCR_WIRE_CDC_H */
