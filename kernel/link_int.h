/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smcr: what link.c, wr.c and llc.c share beyond core.h. Not for other files: everything the
 * rest of the module may call is in core.h.
 *
 * Teardown order (smcr_link_destroy()): the link is marked down and every waiter in wr/llc is
 * woken; wr stops posting (smcr_wr_quiesce(), so no thread can be inside ib_post_*() on the QP
 * any more); the QP goes to ERR and the send queue gets a bounded chance to flush; then QP, CQs
 * (no completion handler runs after that), llc (its work items) and wr (send slots whose
 * completion never came get their done() callback with IB_WC_WR_FLUSH_ERR, buffers) go.
 */
#ifndef SMCR_LINK_INT_H
#define SMCR_LINK_INT_H

#include "core.h"
#include "wire/llc.h"

/*
 * Send queue: every send slot may be preceded by two RDMA WRITEs (upstream's 3 x 16), plus one
 * large v2 LLC send and one memory registration, which have their own serialisation.
 */
#define SMCR_WR_SQ_DEPTH	(3 * SMCR_WR_SEND_CNT + 2)
#define SMCR_WR_CQ_SIZE		64	/* >= SQ depth, >= receive count */
/*
 * Data a request may carry inline, asked of the device at QP creation: every slot send (a CDC or
 * an LLC message, at most SMCR_WR_BUF_SIZE) and RDMA WRITEs up to this size are copied into the
 * work request when posted, so the device (or Soft-RoCE's requester) does not read the buffer
 * through its DMA mapping or memory key. Upstream asks for 44 bytes (the CDC).
 */
#define SMCR_WR_INLINE_MAX	128
#define SMCR_WR_RX_V2_FIRST	SMCR_LLC_MSG_LEN	/* v2: the first SGE takes 44 bytes */
/*
 * Memory registration completion. Upstream waits 5 s; a REG_MR completes only after every WRITE
 * and CDC posted before it, and under emulation with 6.1's rxe and 20 busy connections that
 * once took longer (CI: link down, 16 connections aborted). Only failure detection gets slower.
 */
#define SMCR_WR_REG_WAIT	(10 * HZ)
#define SMCR_WR_REG_DRAIN_WAIT	(2 * HZ)	/* registration: for the send queue to empty */
#define SMCR_WR_DRAIN_WAIT	(HZ / 2)	/* sends flushing after QP -> ERR, at most */
#define SMCR_WR_REG_DEFER_MAX	8	/* RMBs registered before the QP is RTS */

/* link.c */
bool smcr_link_sendable(const struct smcr_link *lnk);	/* QP RTS, link not down */
void smcr_link_set_uid(struct smcr_link *lnk);

/* wr.c */
void smcr_wr_quiesce(struct smcr_link *lnk);		/* no more ib_post_*() on the QP */
void smcr_wr_drain(struct smcr_link *lnk, unsigned long timeout);
void smcr_wr_link_down(struct smcr_link *lnk);		/* wake waiters, schedule lgr terminate */
unsigned long smcr_wr_rx_tstamp(const struct smcr_link *lnk);
int smcr_wr_reg_mr(struct smcr_link *lnk, struct ib_mr *mr);
int smcr_wr_reg_defer(struct smcr_link *lnk, struct smcr_buf *rmb);
void smcr_wr_reg_undefer(struct smcr_link *lnk, struct smcr_buf *rmb);
int smcr_wr_reg_deferred(struct smcr_link *lnk);	/* the QP just became RTS */

/**
 * struct smcr_wr_stats - counters of one link's work requests (read with smcr_wr_get_stats())
 * @tx_sends: slot sends posted; @tx_rdma_writes: RDMA WRITEs posted; @tx_v2_sends: large v2 sends
 * @tx_errors: send completions with an error status (flushes included)
 * @tx_sq_full: RDMA WRITEs refused because the send queue had no room (-EAGAIN)
 * @rx_msgs: receive completions with data; @rx_errors: receive completions with an error status
 * @rx_v2_long: messages longer than the first SGE (v2 spill-over)
 * @rx_unknown: messages with a first byte that is neither CDC nor LLC (dropped)
 */
struct smcr_wr_stats {
	u64	tx_sends;
	u64	tx_rdma_writes;
	u64	tx_v2_sends;
	u64	tx_errors;
	u64	tx_sq_full;
	u64	rx_msgs;
	u64	rx_errors;
	u64	rx_v2_long;
	u64	rx_unknown;
};

void smcr_wr_get_stats(const struct smcr_link *lnk, struct smcr_wr_stats *st);

/* llc.c */
void smcr_llc_wake(struct smcr_link *lnk);
int smcr_llc_test_link(struct smcr_link *lnk, unsigned long timeout);
int smcr_llc_exchange(struct smcr_link *lnk, struct smcr_llc_msg *req,
		      struct smcr_llc_msg *resp, unsigned long timeout);

/**
 * struct smcr_llc_stats - counters of one link's LLC (read with smcr_llc_get_stats())
 * @rx_requests: requests handed to the worker; @rx_responses: responses received
 * @rx_malformed: messages the codec rejected (dropped); @rx_unexpected: well-formed messages
 *	that fit no flow (dropped); @rx_dropped: queue full or no memory
 * @tl_sent: our TEST_LINKs; @tl_answered: answers to them; @tl_echoed: the peer's we answered
 * @add_link_rejected: ADD_LINK requests we rejected; @rkey_answered: CONFIRM/DELETE_RKEY
 *	requests we answered; @req_add_link_answered: REQ_ADD_LINK requests we answered
 * @delete_link_rcvd: DELETE_LINK requests from the peer
 */
struct smcr_llc_stats {
	u64	rx_requests;
	u64	rx_responses;
	u64	rx_malformed;
	u64	rx_unexpected;
	u64	rx_dropped;
	u64	tl_sent;
	u64	tl_answered;
	u64	tl_echoed;
	u64	add_link_rejected;
	u64	rkey_answered;
	u64	req_add_link_answered;
	u64	delete_link_rcvd;
};

void smcr_llc_get_stats(const struct smcr_link *lnk, struct smcr_llc_stats *st);

#endif /* SMCR_LINK_INT_H */
