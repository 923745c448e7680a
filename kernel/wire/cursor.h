/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * smcr: ring-buffer cursor arithmetic and 16-bit sequence-number comparison for the SMC-R data
 * path (docs/wire-data.md, "Cursors").
 *
 * An SMC cursor is a position in a ring of `size` bytes (a send buffer or an RMBE): a byte offset
 * `count` plus a 16-bit `wrap` sequence number that is incremented each time the offset passes
 * the end of the ring. Both peers exchange their producer and consumer cursors in every CDC
 * message; the difference between two cursors is the amount of data written, read or free.
 *
 * Everything here is a small branch-light inline meant to be called per CDC message from a
 * softirq: no division, no loop, no state. `size` is the ring size in bytes and must satisfy
 * 0 < size <= SMCR_CURS_SIZE_MAX (SMC-R uses 16 KiB .. 512 KiB, SMC-D up to 1 MiB).
 *
 * Positions are compared with serial-number arithmetic on the wrap counter (the distance between
 * two wraps is taken modulo 2^16 in [-32768, 32767]), so the wrap counter may roll over from
 * 0xffff to 0 at any time — after 64 Ki laps, i.e. every 1 GiB of data through a 16 KiB ring.
 *
 * Trust model: the helpers are exact for cursors with count <= size whose distance is at most
 * `size` bytes, which is every state a correct peer can produce. Cursors received from the peer
 * must be vetted with smcr_curs_check() before they are used for anything else; it tells each
 * hostile case apart (see enum smcr_curs_verdict).
 */
#ifndef SMCR_WIRE_CURSOR_H
#define SMCR_WIRE_CURSOR_H

#include "wire_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest ring size the helpers accept (keeps every signed result inside an int). */
#define SMCR_CURS_SIZE_MAX	0x40000000u

/**
 * struct smcr_cursor - a position in a ring buffer, in host order.
 * @wrap: number of times the position went round the ring, modulo 2^16.
 * @count: byte offset inside the ring. Cursors produced by smcr_curs_add() always have
 *	count < size; a received cursor with count == size is accepted as an alias of
 *	{wrap + 1, 0} (Linux never sends one), count > size is a protocol violation.
 *
 * On the wire (CDC message) a cursor is 8 bytes: 2 reserved, 2 wrap, 4 count, big-endian.
 */
struct smcr_cursor {
	u16 wrap;
	u32 count;
};

/* ---- 16-bit serial numbers (CDC sequence numbers, cursor wraps) ------------------------------ */

/**
 * smcr_seq_diff() - signed distance from @b to @a in 16-bit serial-number arithmetic.
 * @a: later value.
 * @b: earlier value.
 *
 * Return: a - b taken modulo 2^16 and mapped to [-32768, 32767]. A distance of exactly 0x8000
 * maps to -32768, so of two values half the space apart each is "before" the other, as with
 * Linux's (s16) cast.
 */
static inline int smcr_seq_diff(u16 a, u16 b)
{
	unsigned int d = (u16)(a - b);

	return d & 0x8000u ? (int)d - 0x10000 : (int)d;
}

/** smcr_seq_before() - true if @a comes before @b (16-bit serial arithmetic). */
static inline bool smcr_seq_before(u16 a, u16 b)
{
	return smcr_seq_diff(a, b) < 0;
}

/** smcr_seq_after() - true if @a comes after @b (16-bit serial arithmetic). */
static inline bool smcr_seq_after(u16 a, u16 b)
{
	return smcr_seq_before(b, a);
}

/**
 * smcr_cdc_seq_is_old() - should a received CDC message be dropped as old?
 * @rx_seqno: sequence number of the received message.
 * @last_seqno: sequence number of the last message accepted on this connection.
 *
 * Linux drops a CDC message (without failover_validation) whose seqno is before the last one
 * accepted; a message with the same seqno is processed again (harmless: cursors never move
 * backwards and flags are idempotent).
 */
static inline bool smcr_cdc_seq_is_old(u16 rx_seqno, u16 last_seqno)
{
	return smcr_seq_before(rx_seqno, last_seqno);
}

/**
 * smcr_cdc_seq_validation_ok() - check a failover-validation CDC message.
 * @last_seqno: sequence number of the last CDC message accepted on this connection.
 * @val_seqno: seqno of the validation message: the last CDC the peer saw completed.
 *
 * After moving a connection to another link the peer sends a CDC message with the
 * failover_validation flag whose seqno is the last one it knows was delivered. If that is after
 * the last one we accepted, CDC messages were lost and the connection must be aborted (Linux:
 * out_of_sync, abort).
 *
 * Return: true if the connection is still in sync.
 */
static inline bool smcr_cdc_seq_validation_ok(u16 last_seqno, u16 val_seqno)
{
	return !smcr_seq_after(val_seqno, last_seqno);
}

/* ---- cursors ----------------------------------------------------------------------------------- */

/**
 * smcr_curs_valid() - is @curs a possible position in a ring of @size bytes?
 * @size: ring size in bytes.
 * @curs: the cursor.
 *
 * Return: true if 0 < @size <= SMCR_CURS_SIZE_MAX and @curs->count <= @size.
 */
static inline bool smcr_curs_valid(u32 size, const struct smcr_cursor *curs)
{
	return size && size <= SMCR_CURS_SIZE_MAX && curs->count <= size;
}

/**
 * smcr_curs_delta() - exact signed distance in bytes from @from to @to.
 * @size: ring size in bytes.
 * @from: start position.
 * @to: end position.
 *
 * Return: (wrap distance in serial arithmetic) * size + to->count - from->count. Positive when
 * @to is ahead of @from. For valid cursors the magnitude is below 2^47, so it never overflows.
 */
static inline long long smcr_curs_delta(u32 size, const struct smcr_cursor *from,
					const struct smcr_cursor *to)
{
	return (long long)smcr_seq_diff(to->wrap, from->wrap) * size +
	       (long long)to->count - (long long)from->count;
}

/**
 * smcr_curs_add() - advance a cursor by @value bytes (Linux: smc_curs_add()).
 * @size: ring size in bytes.
 * @curs: the cursor, updated in place.
 * @value: number of bytes, at most @size.
 *
 * With @curs->count <= @size and @value <= @size the result is exactly @value bytes ahead, and
 * normalised (count < size) unless both were at their maximum. Every cursor this code produces
 * has count < size; the alias {w, size} of a received cursor is normalised to {w + 1, 0} by
 * smcr_curs_add(size, curs, 0). The wrap counter rolls over from 0xffff to 0.
 */
static inline void smcr_curs_add(u32 size, struct smcr_cursor *curs, u32 value)
{
	u32 count = curs->count + value;

	if (count >= size) {
		count -= size;
		curs->wrap = (u16)(curs->wrap + 1);
	}
	curs->count = count;
}

/**
 * smcr_curs_diff() - bytes from @prev to @next, where @next is not behind @prev.
 * @size: ring size in bytes.
 * @prev: earlier position.
 * @next: later position.
 *
 * The workhorse of the data path: bytes produced (old → new producer cursor), bytes consumed
 * (old → new consumer cursor), data in flight (consumer → producer).
 *
 * Return: the distance, clamped to [0, @size]: 0 if @next is behind @prev, @size if it is more
 * than @size ahead. Equal to Linux's smc_curs_diff() and smc_curs_diff_large() for every pair a
 * correct peer can produce; unlike those, the wrap distance is taken in serial arithmetic, so a
 * wrap roll-over (0xffff → 0) is counted right and no result ever exceeds the ring size.
 */
static inline u32 smcr_curs_diff(u32 size, const struct smcr_cursor *prev,
				 const struct smcr_cursor *next)
{
	long long d = smcr_curs_delta(size, prev, next);

	if (d <= 0)
		return 0;
	return d >= (long long)size ? size : (u32)d;
}

/**
 * smcr_curs_comp() - signed distance from @prev to @next (Linux: smc_curs_comp()).
 * @size: ring size in bytes.
 * @prev: reference position.
 * @next: position compared with @prev.
 *
 * Return: positive if @next is ahead of @prev, negative if behind, 0 if equal; clamped to
 * [-@size, @size]. Linux compares wraps as plain numbers here; we use serial arithmetic, which
 * differs only across a wrap roll-over, where Linux's answer has the wrong sign.
 */
static inline int smcr_curs_comp(u32 size, const struct smcr_cursor *prev,
				 const struct smcr_cursor *next)
{
	long long d = smcr_curs_delta(size, prev, next);

	if (d > (long long)size)
		return (int)size;
	if (d < -(long long)size)
		return -(int)size;
	return (int)d;
}

/** smcr_curs_ahead() - true if @next is strictly ahead of @prev. */
static inline bool smcr_curs_ahead(u32 size, const struct smcr_cursor *prev,
				   const struct smcr_cursor *next)
{
	return smcr_curs_delta(size, prev, next) > 0;
}

/**
 * enum smcr_curs_verdict - what to do with a cursor received from the peer.
 * @SMCR_CURS_OK: @next is 0 .. size bytes ahead of @prev: apply it.
 * @SMCR_CURS_STALE: @next is 1 .. size bytes behind @prev: ignore it and keep @prev. This happens
 *	legitimately after a link failover, when the peer rewinds its producer cursor to the last
 *	completed CDC message and sends the data again; Linux ignores such cursors silently.
 * @SMCR_CURS_BAD_COUNT: @next->count > size (or @prev is invalid, or @size is out of range).
 *	Linux does not check this and would compute amounts larger than the ring; protocol
 *	violation.
 * @SMCR_CURS_OVERRUN: @next is more than size bytes ahead of @prev (the wrap jumped by more than
 *	one, or a whole lap plus more was skipped): the peer claims more data or space than the
 *	ring can hold. Linux accepts it and counts at most one lap; protocol violation.
 * @SMCR_CURS_BACKWARD: @next is more than size bytes behind @prev, which no failover rewind can
 *	explain. Linux ignores it, except that it accepts any cursor with wrap 0 (taking it for a
 *	wrap roll-over); protocol violation.
 *
 * The three violations should lead to a connection abort (CDC with peer_conn_abort).
 */
enum smcr_curs_verdict {
	SMCR_CURS_OK = 0,
	SMCR_CURS_STALE,
	SMCR_CURS_BAD_COUNT,
	SMCR_CURS_OVERRUN,
	SMCR_CURS_BACKWARD,
};

/** smcr_curs_is_violation() - true for the verdicts that must abort the connection. */
static inline bool smcr_curs_is_violation(enum smcr_curs_verdict v)
{
	return v >= SMCR_CURS_BAD_COUNT;
}

/**
 * smcr_curs_check() - vet a cursor received from the peer against the previous one.
 * @size: ring size in bytes (for the producer cursor: our RMBE; for the consumer cursor: the
 *	peer's RMBE).
 * @prev: the last accepted value of this cursor (valid by construction).
 * @next: the received value.
 * @advance: out: on SMCR_CURS_OK the number of bytes @next is ahead of @prev (0 .. @size);
 *	0 otherwise. May be NULL.
 *
 * A producer cursor should additionally be at most @size bytes ahead of our own consumer
 * cursor (smcr_curs_check(size, our_cons, new_prod) == SMCR_CURS_OK), otherwise the peer wrote
 * over data we have not read.
 *
 * Return: the verdict, see enum smcr_curs_verdict.
 */
static inline enum smcr_curs_verdict smcr_curs_check(u32 size, const struct smcr_cursor *prev,
						     const struct smcr_cursor *next, u32 *advance)
{
	long long d;

	if (advance)
		*advance = 0;
	if (!smcr_curs_valid(size, prev) || !smcr_curs_valid(size, next))
		return SMCR_CURS_BAD_COUNT;
	d = smcr_curs_delta(size, prev, next);
	if (d > (long long)size)
		return SMCR_CURS_OVERRUN;
	if (d < -(long long)size)
		return SMCR_CURS_BACKWARD;
	if (d < 0)
		return SMCR_CURS_STALE;
	if (advance)
		*advance = (u32)d;
	return SMCR_CURS_OK;
}

/**
 * smcr_curs_verdict_name() - printable name of a verdict.
 * @v: the verdict.
 *
 * Return: "OK", "STALE", "BAD_COUNT", "OVERRUN", "BACKWARD" or "UNKNOWN".
 */
static inline const char *smcr_curs_verdict_name(enum smcr_curs_verdict v)
{
	switch (v) {
	case SMCR_CURS_OK:
		return "OK";
	case SMCR_CURS_STALE:
		return "STALE";
	case SMCR_CURS_BAD_COUNT:
		return "BAD_COUNT";
	case SMCR_CURS_OVERRUN:
		return "OVERRUN";
	case SMCR_CURS_BACKWARD:
		return "BACKWARD";
	}
	return "UNKNOWN";
}

#ifdef __cplusplus
}
#endif

#endif /* SMCR_WIRE_CURSOR_H */
