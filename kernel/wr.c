// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: work requests of a link — the send slots (48-byte buffers for CDC and LLC messages),
 * RDMA WRITEs, large SMC-Rv2 LLC sends, memory registration, the posted receives and the receive
 * demultiplexer.
 *
 * Contexts: completion handlers run in softirq context (ib_alloc_cq(IB_POLL_SOFTIRQ)); they never
 * sleep. Link failures found there go through smcr_link_down(), which ends the link group from a
 * work item.
 *
 * Send queue accounting: RDMA WRITEs are unsignaled, so the send queue only learns that they are
 * done when a later signaled request completes (an RC send queue completes in order). Every post
 * gets a sequence number; the completion of a signaled request retires everything up to its
 * number. The bytes of RDMA WRITEs are counted the same way: a signaled request carries the byte
 * count posted before it, and its completion retires them.
 *
 * Link window: the bytes of RDMA WRITEs in flight on a link are bounded (module parameter
 * link_tx_window_kb), whatever the connections' buffers add up to. Without it, 16 slots of one
 * CDC each could put 16 x 256 KiB on the wire at 256 KiB buffers; Soft-RoCE recovers a lost
 * packet by go-back-N, resending everything after it, and at 1% loss with 64 streams the send
 * queue then took longer than SMCR_WR_TX_WAIT to complete a single slot. Writers ask
 * smcr_wr_tx_window() how much they may post. One it holds back queues itself on the link
 * (smcr_wr_tx_window_wait()); the completion that retires enough bytes wakes the waiters in
 * the order they came, as many as the room that opened lets post. Waiters only exist while bytes
 * are in flight, and every WRITE is followed by a signaled send, so some completion always comes
 * (or the link goes, and quiescing it wakes them all).
 *
 * One push writes at most half the window. A push that filled it would be retired only by its own
 * CDC's completion, when the last of it is acknowledged: the window would reopen all at once onto
 * an idle link. With at most half per push, the first half's completion makes room while the
 * second is still on the wire (measured: docs/performance.md, "The seventh look").
 *
 * An RDMA WRITE is only reserved if, after it, there is still room for one send per slot that is
 * not in flight plus the large v2 send and the registration; so slot sends always fit, and
 * writers that issue at most two RDMA WRITEs per slot they hold (upstream's pattern, for which
 * the queue is sized 3 x 16 + 2) never see -EAGAIN.
 *
 * Chains: a push's RDMA WRITEs are not posted one by one. smcr_wr_rdma_write() reserves the
 * entry (and the bytes in the link window) and stores the request in the pusher's chain;
 * smcr_wr_tx_send_chain() posts the chain and the CDC after it with one ib_post_send(). A reserved
 * entry counts as taken for everyone else, so the post always fits; sequence numbers are only
 * given when requests reach the queue, so "everything posted before a completed send" stays
 * true. Small WRITEs and the slot sends go inline when the QP allows (link_int.h).
 *
 * Registration barrier: Soft-RoCE's requester, on a retransmission, walks the send queue again from
 * the oldest request not yet completed and executes every local request it meets a second time.
 * A REG_MR that already ran but still waits (completions are in order) for the acknowledgement of
 * a WRITE before it is then applied to an MR that is already valid, which rxe refuses by moving
 * the QP to error ("rxe_reg_fast_mr: ... not free", seen on 6.1 under a 64-connection burst). So
 * a registration closes the slot gate (no new slot can be taken, hence no new CDC, LLC message or
 * RDMA WRITE, since a writer holds a slot), waits until everything posted has completed, posts the
 * REG_MR onto the empty queue and opens the gate when it completed. If the queue does not drain in
 * SMCR_WR_REG_DRAIN_WAIT, the registration is refused (its connection falls back to TCP) rather
 * than posted onto a busy queue, where it could end the link and every connection on it. A pusher turned away while the
 * gate is closed retries from process context, where it waits for the gate like for a free slot.
 *
 * SMC-Rv2 receives: each receive has two SGEs, 44 bytes of its own buffer and the rest of one
 * 8 KiB spill-over buffer shared by all receives of the link (as upstream). A longer message is
 * put together in a scratch buffer before it is handed on (completions of one CQ never run
 * concurrently, so one scratch buffer per link is enough).
 */
#define pr_fmt(fmt) "smcr: " fmt

#include <linux/bitops.h>
#include <linux/moduleparam.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <rdma/ib_verbs.h>

#include "core.h"
#include "link_int.h"
#include "mib.h"
#include "wire/cdc.h"

/* The link window (see the top of the file), KiB; 0: unbounded (as upstream); at least 64. */
static unsigned int smcr_link_tx_window_kb = SMCR_WR_TX_WINDOW_KB;
module_param_named(link_tx_window_kb, smcr_link_tx_window_kb, uint, 0644);
MODULE_PARM_DESC(link_tx_window_kb,
		 "RDMA WRITE bytes in flight per link, KiB (0: no bound; default "
		 __stringify(SMCR_WR_TX_WINDOW_KB) ")");


struct smcr_wr;

/**
 * struct smcr_wr_tx_slot - a send slot (opaque to other files)
 * @cqe: completion, smcr_wr_tx_slot_done()
 * @wr: the link's work request state
 * @idx: slot number, also the buffer index
 * @posted: the send is on the send queue [sq_lock]
 * @seq: its send queue sequence number [sq_lock]
 * @bytes: RDMA WRITE bytes posted before it, sq_bytes at its post [sq_lock]
 * @done, @ctx: what to call on completion
 * @sge, @ibwr: the SEND work request
 */
struct smcr_wr_tx_slot {
	struct ib_cqe		cqe;
	struct smcr_wr		*wr;
	u8			idx;
	bool			posted;
	u64			seq;
	u64			bytes;
	smcr_wr_tx_done_t	done;
	void			*ctx;
	struct ib_sge		sge;
	struct ib_send_wr	ibwr;
};

struct smcr_wr_rx {
	struct ib_cqe		cqe;
	struct ib_sge		sge[2];
	struct ib_recv_wr	ibwr;
};

enum {
	SMCR_WR_OP_IDLE,
	SMCR_WR_OP_POSTED,
	SMCR_WR_OP_OK,
	SMCR_WR_OP_FAILED,
};

/* A signaled request outside the slots that its caller waits for (v2 send, registration). */
struct smcr_wr_op {
	struct mutex		lock;	/* one at a time */
	struct ib_cqe		cqe;
	u64			seq;	/* [sq_lock] */
	u64			bytes;	/* [sq_lock] sq_bytes at its post */
	int			state;	/* SMCR_WR_OP_* */
};

struct smcr_wr_counters {
	atomic64_t	tx_sends;
	atomic64_t	tx_rdma_writes;
	atomic64_t	tx_v2_sends;
	atomic64_t	tx_errors;
	atomic64_t	tx_sq_full;
	atomic64_t	rx_msgs;
	atomic64_t	rx_errors;
	atomic64_t	rx_v2_long;
	atomic64_t	rx_unknown;
};

struct smcr_wr {
	struct smcr_link	*lnk;
	struct ib_device	*ibdev;
	bool			v2;
	bool			tx_inline;	/* slot sends go inline */
	u32			inline_max;	/* RDMA WRITEs up to this size go inline */
	u32			rx_first;	/* bytes of a receive's first SGE */

	/* send slots */
	u8			*tx_bufs;
	u64			tx_dma;
	struct smcr_wr_tx_slot	tx[SMCR_WR_SEND_CNT];
	unsigned long		tx_used;	/* bit per taken slot */
	wait_queue_head_t	tx_wait;	/* free slots, op completions, link down */

	/* send queue accounting; the right to post */
	spinlock_t		sq_lock;
	bool			dead;		/* [sq_lock and rx_lock] quiesced */
	u64			sq_posted;	/* [sq_lock] requests posted */
	u64			sq_done;	/* [sq_lock] seq of the last completed signaled one */
	u64			sq_bytes;	/* [sq_lock] RDMA WRITE bytes posted */
	u64			sq_bytes_done;	/* [sq_lock] ... of them known to be completed */
	u32			sq_reserved;	/* [sq_lock] chained WRITEs not yet posted */
	u64			sq_bytes_reserved;	/* [sq_lock] ... their bytes */
	bool			gate_closed;	/* [sq_lock] a registration drains the queue */
	unsigned int		slots_posted;	/* [sq_lock] slot sends in flight */
	struct list_head	win_waiters;	/* [sq_lock] writers the link window holds back */
	struct ib_cqe		rdma_cqe;	/* unsignaled RDMA WRITEs: error completions */

	struct smcr_wr_op	v2_tx;
	u8			*v2_tx_buf;
	u64			v2_tx_dma;
	struct smcr_wr_op	reg;
	struct smcr_buf		*reg_deferred[SMCR_WR_REG_DEFER_MAX];	/* [reg.lock] */

	/* receive */
	spinlock_t		rx_lock;	/* ib_post_recv() vs quiesce */
	u8			*rx_bufs;
	u64			rx_dma;
	u8			*v2_rx_buf;
	u64			v2_rx_dma;
	u8			*v2_rx_msg;	/* reassembly (completion context) */
	struct smcr_wr_rx	rx[SMCR_WR_RECV_CNT];
	unsigned long		rx_tstamp;	/* jiffies of the last receive */

	/* link down: end the link group from process context, once */
	spinlock_t		down_lock;
	bool			down_sched;	/* [down_lock] */
	struct work_struct	down_work;

	struct smcr_wr_counters	cnt;
};

static bool smcr_wr_tx_ok(const struct smcr_link *lnk)
{
	const struct smcr_wr *wr = lnk->wr;
	enum smcr_link_state st = READ_ONCE(lnk->state);

	return wr && !READ_ONCE(wr->dead) &&
	       (st == SMCR_LNK_INACTIVE || st == SMCR_LNK_ACTIVATING || st == SMCR_LNK_ACTIVE);
}

static void smcr_wr_down_work(struct work_struct *work)
{
	struct smcr_wr *wr = container_of(work, struct smcr_wr, down_work);

	if (wr->lnk->lgr)
		smcr_lgr_terminate(wr->lnk->lgr, false);
}

/* Any context: wake every waiter; end the link group from a work item (once). */
void smcr_wr_link_down(struct smcr_link *lnk)
{
	struct smcr_wr *wr = lnk->wr;
	unsigned long flags;

	if (!wr)
		return;
	wake_up_all(&wr->tx_wait);
	spin_lock_irqsave(&wr->down_lock, flags);
	if (!wr->down_sched) {
		wr->down_sched = true;
		queue_work(system_unbound_wq, &wr->down_work);
	}
	spin_unlock_irqrestore(&wr->down_lock, flags);
}

/* A send-side completion with an error status: the link is lost. */
static void smcr_wr_tx_error(struct smcr_wr *wr, const struct ib_wc *wc)
{
	atomic64_inc(&wr->cnt.tx_errors);
	if (READ_ONCE(wr->dead))
		return;
	if (wc->status != IB_WC_WR_FLUSH_ERR)
		pr_warn_ratelimited("link %*phN: send failed: %s (vendor err %u), link down\n", 4,
				    wr->lnk->link_uid, ib_wc_status_msg(wc->status), wc->vendor_err);
	smcr_link_down(wr->lnk);
}

/* The link window, bytes; 0: unbounded. */
static u64 smcr_wr_win_limit(void)
{
	u64 limit = (u64)READ_ONCE(smcr_link_tx_window_kb) * 1024;

	/* at least room for one full push of the smallest buffer */
	return limit ? max_t(u64, limit, SZ_64K) : 0;
}

/* The most one push may write: half the window (see the top of the file); U32_MAX: unbounded. */
static u32 smcr_wr_win_push_max(void)
{
	u64 limit = smcr_wr_win_limit();

	return limit ? min_t(u64, limit / 2, U32_MAX - 1) : U32_MAX;
}

/* Room in the link window, bytes; U32_MAX when it is unbounded. Caller holds sq_lock. */
static u32 smcr_wr_win_room(const struct smcr_wr *wr)
{
	u64 limit = smcr_wr_win_limit(), used;

	if (!limit)
		return U32_MAX;
	used = wr->sq_bytes - wr->sq_bytes_done + wr->sq_bytes_reserved;
	return used >= limit ? 0 : min_t(u64, limit - used, U32_MAX - 1);
}

/*
 * Wake the writers the link window holds back, oldest first, while the room lets each of them
 * post (it counts as taking its @want, at most one push); @all: every one (the link is going).
 * Caller holds sq_lock.
 */
static void smcr_wr_win_wake(struct smcr_wr *wr, bool all)
{
	u32 room = all ? U32_MAX : smcr_wr_win_room(wr), push_max = smcr_wr_win_push_max();
	struct smcr_wr_win_waiter *w;

	while (!list_empty(&wr->win_waiters)) {
		w = list_first_entry(&wr->win_waiters, struct smcr_wr_win_waiter, node);
		if (room != U32_MAX) {
			if (room < w->need)
				break;
			room -= min3(room, w->want, push_max);
		}
		list_del_init(&w->node);
		w->wake(w);
	}
}

/* Everything posted up to @seq (and @bytes of RDMA WRITEs) has completed. Caller holds sq_lock. */
static void smcr_wr_sq_retire(struct smcr_wr *wr, u64 seq, u64 bytes)
{
	if (seq > wr->sq_done)
		wr->sq_done = seq;
	if (bytes > wr->sq_bytes_done) {
		wr->sq_bytes_done = bytes;
		if (!list_empty(&wr->win_waiters))
			smcr_wr_win_wake(wr, false);
	}
}

/* Send queue entries taken: posted and not known complete, or reserved by a chain. [sq_lock] */
static u64 smcr_wr_sq_used(const struct smcr_wr *wr)
{
	return wr->sq_posted - wr->sq_done + wr->sq_reserved;
}

/*
 * Room for one more RDMA WRITE? It must leave room for a send per slot not in flight and for
 * the two ops. Caller holds sq_lock.
 */
static bool smcr_wr_sq_write_fits(const struct smcr_wr *wr)
{
	u64 keep = SMCR_WR_SEND_CNT - wr->slots_posted + 2;

	return smcr_wr_sq_used(wr) + 1 + keep <= SMCR_WR_SQ_DEPTH;
}

/* Post one send-queue request (not an RDMA WRITE). Caller holds sq_lock. */
static int smcr_wr_sq_post(struct smcr_wr *wr, const struct ib_send_wr *ibwr)
{
	int rc;

	if (wr->dead)
		return -EPIPE;
	if (smcr_wr_sq_used(wr) >= SMCR_WR_SQ_DEPTH)
		return -EAGAIN;
	wr->sq_posted++;
	rc = ib_post_send(wr->lnk->qp, ibwr, NULL);
	if (rc)
		wr->sq_posted--;
	return rc;
}

/* Give back a chain's reservation. Caller holds sq_lock. */
static void smcr_wr_chain_unreserve(struct smcr_wr *wr, struct smcr_wr_chain *ch)
{
	wr->sq_reserved -= ch->n;
	wr->sq_bytes_reserved -= ch->bytes;
	ch->n = 0;
	ch->bytes = 0;
}

/* ---- send slots ------------------------------------------------------------------------------ */

static int smcr_wr_slot_grab(struct smcr_wr *wr)
{
	int i;

	for (i = 0; i < SMCR_WR_SEND_CNT; i++)
		if (!test_and_set_bit_lock(i, &wr->tx_used))
			return i;
	return -1;
}

/* A free slot, unless a registration closed the gate (see the top of the file). */
static int smcr_wr_slot_take(struct smcr_wr *wr)
{
	if (READ_ONCE(wr->gate_closed))
		return -1;
	return smcr_wr_slot_grab(wr);
}

static void smcr_wr_slot_free(struct smcr_wr *wr, struct smcr_wr_tx_slot *slot)
{
	slot->done = NULL;
	slot->ctx = NULL;
	clear_bit_unlock(slot->idx, &wr->tx_used);
	wake_up(&wr->tx_wait);
}

/* Completion of a slot send: retire, tell the owner, free the slot. */
static void smcr_wr_tx_slot_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct smcr_wr_tx_slot *slot = container_of(wc->wr_cqe, struct smcr_wr_tx_slot, cqe);
	struct smcr_wr *wr = slot->wr;
	smcr_wr_tx_done_t done;
	void *ctx;

	spin_lock_bh(&wr->sq_lock);
	smcr_wr_sq_retire(wr, slot->seq, slot->bytes);
	if (slot->posted) {
		slot->posted = false;
		wr->slots_posted--;
	}
	done = slot->done;
	ctx = slot->ctx;
	spin_unlock_bh(&wr->sq_lock);

	if (wc->status != IB_WC_SUCCESS)
		smcr_wr_tx_error(wr, wc);
	if (done)
		done(wr->lnk, slot, wc->status, ctx);
	smcr_wr_slot_free(wr, slot);
}

/**
 * smcr_wr_tx_get_slot() - take a send slot and its zeroed 48-byte buffer
 * @lnk: link
 * @slot: out: the slot
 * @buf: out: its buffer (SMCR_WR_BUF_SIZE bytes)
 * @may_sleep: wait up to SMCR_WR_TX_WAIT for a free slot (process context only)
 *
 * A slot is given back by smcr_wr_tx_send() (after its completion) or smcr_wr_tx_put_slot().
 * Waiting out the whole SMCR_WR_TX_WAIT while no send completed means the link is stuck: it is
 * taken down. If sends did complete, the slots went to others: -EBUSY, the link stays.
 *
 * While a registration has the slot gate closed, no slot is free (see the top of the file).
 *
 * Return: 0; -EBUSY if none is free and @may_sleep is false, or none came to this caller in
 * time; -EPIPE if the link is (or went) down or stuck.
 */
int smcr_wr_tx_get_slot(struct smcr_link *lnk, struct smcr_wr_tx_slot **slot, u8 **buf,
			bool may_sleep)
{
	struct smcr_wr *wr = lnk->wr;
	u64 done_before;
	long left;
	int idx;

	*slot = NULL;
	*buf = NULL;
	if (!smcr_wr_tx_ok(lnk))
		return -EPIPE;
	idx = smcr_wr_slot_take(wr);
	if (idx < 0) {
		if (!may_sleep)
			return -EBUSY;
		spin_lock_bh(&wr->sq_lock);
		done_before = wr->sq_done;
		spin_unlock_bh(&wr->sq_lock);
		left = wait_event_timeout(wr->tx_wait,
					  (idx = smcr_wr_slot_take(wr)) >= 0 || !smcr_wr_tx_ok(lnk),
					  SMCR_WR_TX_WAIT);
		if (idx < 0) {
			bool moved;

			spin_lock_bh(&wr->sq_lock);
			moved = wr->sq_done != done_before;
			spin_unlock_bh(&wr->sq_lock);
			/*
			 * Slots completed meanwhile but others took them first (pushes from
			 * softirq do not wait in line): the link works, this caller tries again.
			 */
			if (!left && moved && smcr_wr_tx_ok(lnk))
				return -EBUSY;
			if (!left) {
				pr_warn_ratelimited("link %*phN: no send slot free for %d s, link down\n",
						    4, lnk->link_uid, SMCR_WR_TX_WAIT / HZ);
				smcr_link_down(lnk);
			}
			return -EPIPE;
		}
	}
	if (!smcr_wr_tx_ok(lnk)) {
		smcr_wr_slot_free(wr, &wr->tx[idx]);
		return -EPIPE;
	}
	*slot = &wr->tx[idx];
	*buf = wr->tx_bufs + idx * SMCR_WR_BUF_SIZE;
	memset(*buf, 0, SMCR_WR_BUF_SIZE);
	return 0;
}

/**
 * smcr_wr_tx_send() - post a signaled SEND of the first @len bytes of @slot's buffer
 * @lnk: link (QP in RTS)
 * @slot: a slot from smcr_wr_tx_get_slot()
 * @len: 1..SMCR_WR_BUF_SIZE
 * @done: called once in softirq context when the send completed (or failed, or was flushed,
 *	including at link teardown); may be NULL. The slot is freed after it returns.
 * @ctx: passed to @done
 *
 * Sends are solicited too, so a peer that arms its CQ for solicited completions only sees them.
 *
 * Return: 0 (@done will be called), or a negative errno: the slot is freed, @done is not called,
 * and a failed post takes the link down.
 */
int smcr_wr_tx_send(struct smcr_link *lnk, struct smcr_wr_tx_slot *slot, u32 len,
		    smcr_wr_tx_done_t done, void *ctx)
{
	return smcr_wr_tx_send_chain(lnk, slot, len, done, ctx, NULL);
}

/*
 * Post @ch's WRITEs and then @slot's send, in one ib_post_send(). Caller holds sq_lock.
 * Return: 0, or the error of the post (then *@written tells how many of the WRITEs went).
 */
static int smcr_wr_chain_post(struct smcr_wr *wr, struct smcr_wr_tx_slot *slot,
			      struct smcr_wr_chain *ch, int *written)
{
	const struct ib_send_wr *bad = NULL;
	struct ib_send_wr *first = &slot->ibwr;
	int i, rc;

	*written = 0;
	slot->ibwr.next = NULL;
	for (i = ch->n - 1; i >= 0; i--) {
		ch->wr[i].wr.next = first;
		first = &ch->wr[i].wr;
	}
	rc = ib_post_send(wr->lnk->qp, first, &bad);
	if (rc) {
		/* the requests before @bad were posted */
		for (i = 0; i < ch->n && bad != &ch->wr[i].wr; i++)
			(*written)++;
		if (!bad)
			*written = 0;
	}
	return rc;
}

/**
 * smcr_wr_tx_send_chain() - post RDMA WRITEs and then a signaled SEND of @slot, at once
 * @lnk: link (QP in RTS)
 * @slot: a slot from smcr_wr_tx_get_slot()
 * @len: 1..SMCR_WR_BUF_SIZE
 * @done: as smcr_wr_tx_send()
 * @ctx: passed to @done
 * @ch: WRITEs reserved by smcr_wr_rdma_write(), or NULL; consumed in any case
 *
 * Return: as smcr_wr_tx_send(). On an error the WRITEs were not posted either (unless the post
 * itself failed part way, which takes the link down).
 */
int smcr_wr_tx_send_chain(struct smcr_link *lnk, struct smcr_wr_tx_slot *slot, u32 len,
			  smcr_wr_tx_done_t done, void *ctx, struct smcr_wr_chain *ch)
{
	struct smcr_wr *wr = lnk->wr;
	struct smcr_wr_chain none = {};
	int rc, written = 0, i;
	u32 wbytes = 0;

	if (!ch)
		ch = &none;
	if (!len || len > SMCR_WR_BUF_SIZE) {
		smcr_wr_chain_drop(lnk, ch);
		smcr_wr_slot_free(wr, slot);
		return -EINVAL;
	}
	if (!smcr_link_sendable(lnk)) {
		smcr_wr_chain_drop(lnk, ch);
		smcr_wr_slot_free(wr, slot);
		return -EPIPE;
	}
	slot->done = done;
	slot->ctx = ctx;
	slot->sge.length = len;
	if (!wr->tx_inline)
		ib_dma_sync_single_for_device(wr->ibdev, wr->tx_dma + slot->idx * SMCR_WR_BUF_SIZE,
					      SMCR_WR_BUF_SIZE, DMA_TO_DEVICE);
	spin_lock_bh(&wr->sq_lock);
	if (wr->dead) {
		rc = -EPIPE;
	} else if (!ch->n) {
		rc = smcr_wr_sq_post(wr, &slot->ibwr);
	} else {
		/* the WRITEs' room is reserved, the send's is kept for every slot not in flight */
		rc = smcr_wr_chain_post(wr, slot, ch, &written);
		if (!rc)
			written = ch->n;
		for (i = 0; i < written; i++)
			wbytes += ch->wr[i].wr.sg_list[0].length +
				  (ch->wr[i].wr.num_sge > 1 ? ch->wr[i].wr.sg_list[1].length : 0);
		wr->sq_posted += written;
		wr->sq_bytes += wbytes;
		if (!rc)
			wr->sq_posted++;	/* the send */
	}
	smcr_wr_chain_unreserve(wr, ch);
	if (!rc) {
		slot->seq = wr->sq_posted;
		slot->bytes = wr->sq_bytes;
		slot->posted = true;
		wr->slots_posted++;
	}
	spin_unlock_bh(&wr->sq_lock);
	if (written)
		atomic64_add(written, &wr->cnt.tx_rdma_writes);
	if (rc) {
		smcr_wr_slot_free(wr, slot);
		if (rc != -EPIPE) {
			pr_warn_ratelimited("link %*phN: cannot post a send: %d, link down\n", 4,
					    lnk->link_uid, rc);
			smcr_link_down(lnk);
		}
		return rc;
	}
	atomic64_inc(&wr->cnt.tx_sends);
	return 0;
}

/* Give back a slot that was not sent. */
void smcr_wr_tx_put_slot(struct smcr_link *lnk, struct smcr_wr_tx_slot *slot)
{
	smcr_wr_slot_free(lnk->wr, slot);
}

/* ---- RDMA WRITE ------------------------------------------------------------------------------ */

/**
 * smcr_wr_tx_window() - how many RDMA WRITE bytes one push may post on the link now
 * @lnk: link
 *
 * The room in the link window, but never more than half of it (see the top of the file). A
 * snapshot: it grows when a signaled request completes. Any context.
 *
 * Return: the bytes, U32_MAX when the window is unbounded.
 */
u32 smcr_wr_tx_window(struct smcr_link *lnk)
{
	struct smcr_wr *wr = lnk->wr;
	u32 room;

	if (!wr)
		return U32_MAX;
	spin_lock_bh(&wr->sq_lock);
	room = smcr_wr_win_room(wr);
	spin_unlock_bh(&wr->sq_lock);
	return min(room, smcr_wr_win_push_max());
}

/**
 * smcr_wr_tx_window_wait() - wait for room in the link window, without blocking
 * @lnk: link
 * @w: the waiter (its node initialised); @w->wake is called once there is room
 * @want: bytes the writer has to write
 * @need: the least room it can use (1..@want)
 *
 * The caller must make sure @w is cancelled (smcr_wr_tx_window_cancel()) before it goes away,
 * unless it was woken. Any context.
 *
 * Return: 1 if @w waits now, 0 if it was already waiting (@want and @need are updated), -EAGAIN
 * if the window has room for it after all, or the link is going (try the push again now).
 */
int smcr_wr_tx_window_wait(struct smcr_link *lnk, struct smcr_wr_win_waiter *w, u32 want,
			   u32 need)
{
	struct smcr_wr *wr = lnk->wr;
	int rc = -EAGAIN;

	if (!wr)
		return rc;
	spin_lock_bh(&wr->sq_lock);
	if (!wr->dead && smcr_wr_win_room(wr) < need) {
		w->want = want;
		w->need = need;
		rc = list_empty(&w->node) ? 1 : 0;
		if (rc)
			list_add_tail(&w->node, &wr->win_waiters);
	}
	spin_unlock_bh(&wr->sq_lock);
	return rc;
}

/* Take @w off the link's waiters. Return: true if it was waiting (it will not be woken). */
bool smcr_wr_tx_window_cancel(struct smcr_link *lnk, struct smcr_wr_win_waiter *w)
{
	struct smcr_wr *wr = lnk->wr;
	bool waited;

	if (!wr)
		return false;
	spin_lock_bh(&wr->sq_lock);
	waited = !list_empty(&w->node);
	if (waited)
		list_del_init(&w->node);
	spin_unlock_bh(&wr->sq_lock);
	return waited;
}

static void smcr_wr_rdma_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct smcr_link *lnk = cq->cq_context;

	/* unsignaled: only failures (flushes included) get here */
	if (wc->status != IB_WC_SUCCESS && lnk->wr)
		smcr_wr_tx_error(lnk->wr, wc);
}

/**
 * smcr_wr_rdma_write() - reserve an unsignaled RDMA WRITE of up to two local SGEs on the send
 *	queue, to be posted with the next send of @ch (smcr_wr_tx_send_chain())
 * @lnk: link (QP in RTS)
 * @ch: the chain (at most SMCR_WR_CHAIN_MAX WRITEs)
 * @sge: 1..2 SGEs (addresses from smcr_link_map_buf(), lkey smcr_link_local_lkey(); inline:
 *	kernel virtual addresses); copied
 * @nsge: number of SGEs
 * @raddr: remote address (the peer's RMB address + offset)
 * @rkey: the peer's rkey
 * @inl: copy the data into the request when posted (at most smcr_wr_tx_inline_max() bytes)
 *
 * The send posted after it (the CDC) is executed after it (RC ordering); its completion also
 * means this write completed. A chain that is not sent must be dropped (smcr_wr_chain_drop()).
 * Any context.
 *
 * Return: 0; -EAGAIN if the send queue has no room now (retry after a send completion);
 * -EPIPE if the link is down; -EINVAL for a bad request.
 */
int smcr_wr_rdma_write(struct smcr_link *lnk, struct smcr_wr_chain *ch, const struct ib_sge *sge,
		       int nsge, u64 raddr, u32 rkey, bool inl)
{
	struct smcr_wr *wr = lnk->wr;
	struct ib_rdma_wr *rwr;
	u32 len;
	int rc = 0;

	if (!wr || nsge < 1 || nsge > 2 || ch->n >= SMCR_WR_CHAIN_MAX)
		return -EINVAL;
	len = sge[0].length + (nsge > 1 ? sge[1].length : 0);
	if (inl && len > wr->inline_max)
		return -EINVAL;
	if (!smcr_link_sendable(lnk))
		return -EPIPE;
	spin_lock_bh(&wr->sq_lock);
	if (wr->dead) {
		rc = -EPIPE;
	} else if (!smcr_wr_sq_write_fits(wr)) {
		rc = -EAGAIN;
	} else {
		wr->sq_reserved++;
		wr->sq_bytes_reserved += len;
	}
	spin_unlock_bh(&wr->sq_lock);
	if (rc == -EAGAIN)
		atomic64_inc(&wr->cnt.tx_sq_full);
	if (rc)
		return rc;

	rwr = &ch->wr[ch->n];
	memset(rwr, 0, sizeof(*rwr));
	memcpy(ch->sge[ch->n], sge, nsge * sizeof(*sge));
	rwr->wr.wr_cqe = &wr->rdma_cqe;
	rwr->wr.opcode = IB_WR_RDMA_WRITE;
	rwr->wr.send_flags = inl ? IB_SEND_INLINE : 0;
	rwr->wr.sg_list = ch->sge[ch->n];
	rwr->wr.num_sge = nsge;
	rwr->remote_addr = raddr;
	rwr->rkey = rkey;
	ch->n++;
	ch->bytes += len;
	return 0;
}

/* Give back the reservation of WRITEs that will not be sent. */
void smcr_wr_chain_drop(struct smcr_link *lnk, struct smcr_wr_chain *ch)
{
	struct smcr_wr *wr = lnk->wr;

	if (!ch->n || !wr)
		return;
	spin_lock_bh(&wr->sq_lock);
	smcr_wr_chain_unreserve(wr, ch);
	spin_unlock_bh(&wr->sq_lock);
}

/* The most bytes an RDMA WRITE may carry inline on @lnk (0: none). */
u32 smcr_wr_tx_inline_max(const struct smcr_link *lnk)
{
	const struct smcr_wr *wr = lnk->wr;

	return wr ? wr->inline_max : 0;
}

/* ---- waited-for requests: large v2 send, memory registration --------------------------------- */

static void smcr_wr_op_done(struct smcr_wr *wr, struct smcr_wr_op *op, const struct ib_wc *wc)
{
	spin_lock_bh(&wr->sq_lock);
	smcr_wr_sq_retire(wr, op->seq, op->bytes);
	spin_unlock_bh(&wr->sq_lock);
	WRITE_ONCE(op->state, wc->status == IB_WC_SUCCESS ? SMCR_WR_OP_OK : SMCR_WR_OP_FAILED);
	if (wc->status != IB_WC_SUCCESS)
		smcr_wr_tx_error(wr, wc);
	wake_up_all(&wr->tx_wait);
}

static void smcr_wr_v2_tx_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct smcr_wr *wr = container_of(wc->wr_cqe, struct smcr_wr, v2_tx.cqe);

	smcr_wr_op_done(wr, &wr->v2_tx, wc);
}

static void smcr_wr_reg_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct smcr_wr *wr = container_of(wc->wr_cqe, struct smcr_wr, reg.cqe);

	smcr_wr_op_done(wr, &wr->reg, wc);
}

static bool smcr_wr_sq_empty(struct smcr_wr *wr)
{
	bool empty;

	spin_lock_bh(&wr->sq_lock);
	empty = wr->sq_done == wr->sq_posted;
	spin_unlock_bh(&wr->sq_lock);
	return empty;
}

/*
 * Take sq_lock once every request posted has completed, or the link is down (then the post
 * fails). Return: false, without sq_lock, if @timeout passed first.
 */
static bool smcr_wr_sq_lock_empty(struct smcr_wr *wr, unsigned long timeout)
{
	unsigned long deadline = jiffies + timeout;
	long left;

	for (;;) {
		left = (long)(deadline - jiffies);
		spin_lock_bh(&wr->sq_lock);
		if (wr->sq_done == wr->sq_posted || !smcr_wr_tx_ok(wr->lnk))
			return true;
		if (left <= 0) {
			spin_unlock_bh(&wr->sq_lock);
			return false;
		}
		spin_unlock_bh(&wr->sq_lock);
		wait_event_timeout(wr->tx_wait, smcr_wr_sq_empty(wr) || !smcr_wr_tx_ok(wr->lnk),
				   left);
	}
}

/*
 * Post @ibwr for @op and wait (bounded) for its completion. Caller holds op->lock. With @alone,
 * the request is only posted onto an empty send queue (bounded wait, see smcr_wr_sq_lock_empty).
 */
static int smcr_wr_op_run(struct smcr_wr *wr, struct smcr_wr_op *op,
			  const struct ib_send_wr *ibwr, unsigned long timeout, bool alone)
{
	struct smcr_link *lnk = wr->lnk;
	long left;
	int rc, st;

	if (!smcr_link_sendable(lnk))
		return -EPIPE;
	if (!alone) {
		spin_lock_bh(&wr->sq_lock);
	} else if (!smcr_wr_sq_lock_empty(wr, SMCR_WR_REG_DRAIN_WAIT)) {
		/*
		 * Posting onto a busy queue is what the barrier exists to avoid (6.1's rxe may run
		 * the request twice on a retransmission and put the QP in error, ending the link
		 * and all its connections): refuse this one request instead; its caller's
		 * connection is declined and falls back to TCP.
		 */
		pr_info_ratelimited("link %*phN: send queue still busy after %u ms, registration refused\n",
				    4, lnk->link_uid, jiffies_to_msecs(SMCR_WR_REG_DRAIN_WAIT));
		if (lnk->lgr->net)
			smcr_mib_inc(lnk->lgr->net, SMCR_MIB_REG_REFUSED);
		return -EBUSY;
	}
	WRITE_ONCE(op->state, SMCR_WR_OP_POSTED);
	rc = smcr_wr_sq_post(wr, ibwr);
	if (!rc) {
		op->seq = wr->sq_posted;
		op->bytes = wr->sq_bytes;
	} else {
		WRITE_ONCE(op->state, SMCR_WR_OP_IDLE);
	}
	spin_unlock_bh(&wr->sq_lock);
	if (rc) {
		if (rc != -EPIPE) {
			pr_warn_ratelimited("link %*phN: cannot post a request: %d, link down\n", 4,
					    lnk->link_uid, rc);
			smcr_link_down(lnk);
		}
		return rc;
	}
	left = wait_event_timeout(wr->tx_wait, READ_ONCE(op->state) != SMCR_WR_OP_POSTED ||
				  !smcr_wr_tx_ok(lnk), timeout);
	st = READ_ONCE(op->state);
	if (st == SMCR_WR_OP_OK)
		return 0;
	if (st == SMCR_WR_OP_FAILED)
		return -EIO;
	if (!left) {
		pr_warn_ratelimited("link %*phN: request not completed in time, link down\n", 4,
				    lnk->link_uid);
		smcr_link_down(lnk);
		return -ETIMEDOUT;
	}
	return -EPIPE;	/* link went down meanwhile; the buffer is never reused then */
}

/**
 * smcr_wr_tx_send_v2() - send an SMC-Rv2 LLC message longer than 44 bytes
 * @lnk: link of a v2 link group (QP in RTS)
 * @msg: the encoded message
 * @len: its length, up to SMCR_LLC_V2_BUF_SIZE
 *
 * One per-link 8 KiB buffer; callers are serialised and each waits (SMCR_LLC_WAIT at most) for
 * its send to complete. Process context.
 *
 * Return: 0 or a negative errno.
 */
int smcr_wr_tx_send_v2(struct smcr_link *lnk, const void *msg, u32 len)
{
	struct smcr_wr *wr = lnk->wr;
	struct ib_send_wr ibwr = {};
	struct ib_sge sge;
	int rc;

	if (!wr || !wr->v2_tx_buf)
		return -EOPNOTSUPP;
	if (!len || len > SMCR_LLC_V2_BUF_SIZE)
		return -EINVAL;
	might_sleep();
	mutex_lock(&wr->v2_tx.lock);
	if (!smcr_link_sendable(lnk)) {
		rc = -EPIPE;
		goto out;
	}
	memcpy(wr->v2_tx_buf, msg, len);
	ib_dma_sync_single_for_device(wr->ibdev, wr->v2_tx_dma, len, DMA_TO_DEVICE);
	sge.addr = wr->v2_tx_dma;
	sge.length = len;
	sge.lkey = lnk->pd->local_dma_lkey;
	ibwr.wr_cqe = &wr->v2_tx.cqe;
	ibwr.sg_list = &sge;
	ibwr.num_sge = 1;
	ibwr.opcode = IB_WR_SEND;
	ibwr.send_flags = IB_SEND_SIGNALED | IB_SEND_SOLICITED;
	rc = smcr_wr_op_run(wr, &wr->v2_tx, &ibwr, SMCR_LLC_WAIT, false);
	if (!rc)
		atomic64_inc(&wr->cnt.tx_v2_sends);
out:
	mutex_unlock(&wr->v2_tx.lock);
	return rc;
}

static void smcr_wr_gate_set(struct smcr_wr *wr, bool closed)
{
	spin_lock_bh(&wr->sq_lock);
	wr->gate_closed = closed;
	spin_unlock_bh(&wr->sq_lock);
	if (!closed)
		wake_up_all(&wr->tx_wait);
}

/* Registration barrier (top of the file): gate closed, queue empty, REG_MR, completion. */
static int __smcr_wr_reg_mr(struct smcr_wr *wr, struct ib_mr *mr)
{
	struct ib_reg_wr rwr = {};
	int rc;

	rwr.wr.wr_cqe = &wr->reg.cqe;
	rwr.wr.opcode = IB_WR_REG_MR;
	rwr.wr.send_flags = IB_SEND_SIGNALED;
	rwr.mr = mr;
	rwr.key = mr->rkey;
	rwr.access = IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_WRITE;
	smcr_wr_gate_set(wr, true);
	rc = smcr_wr_op_run(wr, &wr->reg, &rwr.wr, SMCR_WR_REG_WAIT, true);
	smcr_wr_gate_set(wr, false);
	return rc;
}

/* Register @mr now (QP in RTS) and wait for the completion. Process context. */
int smcr_wr_reg_mr(struct smcr_link *lnk, struct ib_mr *mr)
{
	struct smcr_wr *wr = lnk->wr;
	int rc;

	if (!wr)
		return -ENOLINK;
	mutex_lock(&wr->reg.lock);
	rc = __smcr_wr_reg_mr(wr, mr);
	mutex_unlock(&wr->reg.lock);
	return rc;
}

/* Remember @rmb's MR for registration once the QP is RTS. */
int smcr_wr_reg_defer(struct smcr_link *lnk, struct smcr_buf *rmb)
{
	struct smcr_wr *wr = lnk->wr;
	int i, rc = -ENOSPC;

	if (!wr)
		return -ENOLINK;
	mutex_lock(&wr->reg.lock);
	for (i = 0; i < SMCR_WR_REG_DEFER_MAX; i++) {
		if (!wr->reg_deferred[i]) {
			wr->reg_deferred[i] = rmb;
			rc = 0;
			break;
		}
	}
	mutex_unlock(&wr->reg.lock);
	return rc;
}

void smcr_wr_reg_undefer(struct smcr_link *lnk, struct smcr_buf *rmb)
{
	struct smcr_wr *wr = lnk->wr;
	int i;

	if (!wr)
		return;
	mutex_lock(&wr->reg.lock);
	for (i = 0; i < SMCR_WR_REG_DEFER_MAX; i++)
		if (wr->reg_deferred[i] == rmb)
			wr->reg_deferred[i] = NULL;
	mutex_unlock(&wr->reg.lock);
}

/* The QP just became RTS: post the registrations that waited for it. */
int smcr_wr_reg_deferred(struct smcr_link *lnk)
{
	struct smcr_wr *wr = lnk->wr;
	int i, rc = 0;

	if (!wr)
		return -ENOLINK;
	mutex_lock(&wr->reg.lock);
	for (i = 0; i < SMCR_WR_REG_DEFER_MAX && !rc; i++) {
		struct smcr_buf *rmb = wr->reg_deferred[i];

		if (!rmb)
			continue;
		rc = __smcr_wr_reg_mr(wr, rmb->mr);
		if (!rc)
			wr->reg_deferred[i] = NULL;
	}
	mutex_unlock(&wr->reg.lock);
	return rc;
}

/* ---- receive ------------------------------------------------------------------------------- */

static int smcr_wr_rx_post(struct smcr_wr *wr, unsigned int i)
{
	int rc;

	ib_dma_sync_single_for_device(wr->ibdev, wr->rx_dma + i * SMCR_WR_BUF_SIZE,
				      SMCR_WR_BUF_SIZE, DMA_FROM_DEVICE);
	spin_lock_bh(&wr->rx_lock);
	rc = wr->dead ? -EPIPE : ib_post_recv(wr->lnk->qp, &wr->rx[i].ibwr, NULL);
	spin_unlock_bh(&wr->rx_lock);
	return rc;
}

static void smcr_wr_rx_repost(struct smcr_wr *wr, unsigned int i)
{
	int rc = smcr_wr_rx_post(wr, i);

	if (rc && rc != -EPIPE) {
		pr_warn_ratelimited("link %*phN: cannot post a receive: %d, link down\n", 4,
				    wr->lnk->link_uid, rc);
		smcr_link_down(wr->lnk);
	}
}

/* Hand a received message to its protocol by its first byte. */
static void smcr_wr_rx_demux(struct smcr_wr *wr, const u8 *msg, u32 len)
{
	if (len && msg[0] == SMCR_CDC_MSG_TYPE) {
		smcr_cdc_rx(wr->lnk, msg, len);
	} else if (len && smcr_llc_type_byte_valid(msg[0])) {
		smcr_llc_rx(wr->lnk, msg, len);
	} else {
		atomic64_inc(&wr->cnt.rx_unknown);
		if (wr->lnk->lgr->net)	/* Linux drops them too: it has no handler */
			smcr_mib_inc(wr->lnk->lgr->net, SMCR_MIB_WR_RX_UNKNOWN);
		pr_debug("link %*phN: dropped a message of %u bytes, type %#x\n", 4,
			 wr->lnk->link_uid, len, len ? msg[0] : 0);
	}
}

static void smcr_wr_rx_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct smcr_link *lnk = cq->cq_context;
	struct smcr_wr *wr = lnk->wr;
	unsigned int i = container_of(wc->wr_cqe, struct smcr_wr_rx, cqe) - wr->rx;
	u8 *buf = wr->rx_bufs + i * SMCR_WR_BUF_SIZE;
	u32 len = wc->byte_len;

	if (wc->status != IB_WC_SUCCESS) {
		atomic64_inc(&wr->cnt.rx_errors);
		switch (wc->status) {
		case IB_WC_WR_FLUSH_ERR:
		case IB_WC_RETRY_EXC_ERR:
		case IB_WC_RNR_RETRY_EXC_ERR:
			if (!READ_ONCE(wr->dead))
				smcr_link_down(lnk);
			break;
		default:
			smcr_wr_rx_repost(wr, i);
			break;
		}
		return;
	}
	atomic64_inc(&wr->cnt.rx_msgs);
	WRITE_ONCE(wr->rx_tstamp, jiffies);
	ib_dma_sync_single_for_cpu(wr->ibdev, wr->rx_dma + i * SMCR_WR_BUF_SIZE, SMCR_WR_BUF_SIZE,
				   DMA_FROM_DEVICE);
	if (len <= wr->rx_first) {
		smcr_wr_rx_demux(wr, buf, len);
	} else if (wr->v2 && len <= SMCR_LLC_V2_BUF_SIZE) {
		u32 rest = len - wr->rx_first;

		atomic64_inc(&wr->cnt.rx_v2_long);
		ib_dma_sync_single_for_cpu(wr->ibdev, wr->v2_rx_dma + wr->rx_first, rest,
					   DMA_FROM_DEVICE);
		memcpy(wr->v2_rx_msg, buf, wr->rx_first);
		memcpy(wr->v2_rx_msg + wr->rx_first, wr->v2_rx_buf + wr->rx_first, rest);
		ib_dma_sync_single_for_device(wr->ibdev, wr->v2_rx_dma + wr->rx_first, rest,
					      DMA_FROM_DEVICE);
		smcr_wr_rx_demux(wr, wr->v2_rx_msg, len);
	} else {
		atomic64_inc(&wr->cnt.rx_unknown);	/* cannot happen: the SGEs are smaller */
	}
	smcr_wr_rx_repost(wr, i);
}

/* ---- set up, tear down ----------------------------------------------------------------------- */

static void *smcr_wr_alloc_map(struct smcr_wr *wr, size_t len, enum dma_data_direction dir,
			       u64 *dma)
{
	void *p = kzalloc(len, GFP_KERNEL);

	if (!p)
		return NULL;
	*dma = ib_dma_map_single(wr->ibdev, p, len, dir);
	if (ib_dma_mapping_error(wr->ibdev, *dma)) {
		*dma = 0;
		kfree(p);
		return NULL;
	}
	return p;
}

static void smcr_wr_unmap_free(struct smcr_wr *wr, void *p, size_t len,
			       enum dma_data_direction dir, u64 dma)
{
	if (!p)
		return;
	ib_dma_unmap_single(wr->ibdev, dma, len, dir);
	kfree(p);
}

static void smcr_wr_init_wrs(struct smcr_wr *wr)
{
	struct smcr_link *lnk = wr->lnk;
	u32 lkey = lnk->pd->local_dma_lkey;
	int i;

	for (i = 0; i < SMCR_WR_SEND_CNT; i++) {
		struct smcr_wr_tx_slot *s = &wr->tx[i];

		s->wr = wr;
		s->idx = i;
		s->cqe.done = smcr_wr_tx_slot_done;
		s->sge.addr = wr->tx_inline ? (uintptr_t)(wr->tx_bufs + i * SMCR_WR_BUF_SIZE) :
					      wr->tx_dma + i * SMCR_WR_BUF_SIZE;
		s->sge.length = SMCR_WR_BUF_SIZE;
		s->sge.lkey = lkey;
		s->ibwr.wr_cqe = &s->cqe;
		s->ibwr.sg_list = &s->sge;
		s->ibwr.num_sge = 1;
		s->ibwr.opcode = IB_WR_SEND;
		s->ibwr.send_flags = IB_SEND_SIGNALED | IB_SEND_SOLICITED;
		if (wr->tx_inline)
			s->ibwr.send_flags |= IB_SEND_INLINE;
	}
	for (i = 0; i < SMCR_WR_RECV_CNT; i++) {
		struct smcr_wr_rx *r = &wr->rx[i];

		r->cqe.done = smcr_wr_rx_done;
		r->sge[0].addr = wr->rx_dma + i * SMCR_WR_BUF_SIZE;
		r->sge[0].length = wr->rx_first;
		r->sge[0].lkey = lkey;
		if (wr->v2) {
			/* the spill-over starts where the first SGE ends */
			r->sge[1].addr = wr->v2_rx_dma + wr->rx_first;
			r->sge[1].length = SMCR_LLC_V2_BUF_SIZE - wr->rx_first;
			r->sge[1].lkey = lkey;
		}
		r->ibwr.wr_cqe = &r->cqe;
		r->ibwr.sg_list = r->sge;
		r->ibwr.num_sge = wr->v2 ? 2 : 1;
	}
}

/**
 * smcr_wr_create() - buffers and work requests of a link; posts every receive
 * @lnk: link with PD, CQs and a QP in INIT (called by smcr_link_create())
 *
 * On failure the partial state stays attached to @lnk; smcr_link_destroy() frees it.
 *
 * Return: 0 or a negative errno.
 */
int smcr_wr_create(struct smcr_link *lnk)
{
	struct ib_qp_init_attr qinit = {};
	struct ib_qp_attr qattr = {};
	struct smcr_wr *wr;
	int i, rc;

	wr = kzalloc(sizeof(*wr), GFP_KERNEL);
	if (!wr)
		return -ENOMEM;
	wr->lnk = lnk;
	wr->ibdev = lnk->dev->ibdev;
	wr->v2 = lnk->lgr->smc_version >= 2;
	wr->rx_first = wr->v2 ? SMCR_WR_RX_V2_FIRST : SMCR_WR_BUF_SIZE;
	init_waitqueue_head(&wr->tx_wait);
	spin_lock_init(&wr->sq_lock);
	INIT_LIST_HEAD(&wr->win_waiters);
	spin_lock_init(&wr->rx_lock);
	spin_lock_init(&wr->down_lock);
	INIT_WORK(&wr->down_work, smcr_wr_down_work);
	mutex_init(&wr->v2_tx.lock);
	mutex_init(&wr->reg.lock);
	wr->rdma_cqe.done = smcr_wr_rdma_done;
	wr->v2_tx.cqe.done = smcr_wr_v2_tx_done;
	wr->reg.cqe.done = smcr_wr_reg_done;
	wr->rx_tstamp = jiffies;
	lnk->wr = wr;

	/* what the device takes inline: every slot send, small RDMA WRITEs (link_int.h) */
	if (!ib_query_qp(lnk->qp, &qattr, IB_QP_CAP, &qinit)) {
		wr->tx_inline = qattr.cap.max_inline_data >= SMCR_WR_BUF_SIZE;
		wr->inline_max = min_t(u32, qattr.cap.max_inline_data, SMCR_WR_INLINE_MAX);
	}

	rc = -ENOMEM;
	wr->tx_bufs = smcr_wr_alloc_map(wr, SMCR_WR_SEND_CNT * SMCR_WR_BUF_SIZE, DMA_TO_DEVICE,
					&wr->tx_dma);
	wr->rx_bufs = smcr_wr_alloc_map(wr, SMCR_WR_RECV_CNT * SMCR_WR_BUF_SIZE, DMA_FROM_DEVICE,
					&wr->rx_dma);
	if (!wr->tx_bufs || !wr->rx_bufs)
		return rc;
	if (wr->v2) {
		wr->v2_tx_buf = smcr_wr_alloc_map(wr, SMCR_LLC_V2_BUF_SIZE, DMA_TO_DEVICE,
						  &wr->v2_tx_dma);
		wr->v2_rx_buf = smcr_wr_alloc_map(wr, SMCR_LLC_V2_BUF_SIZE, DMA_FROM_DEVICE,
						  &wr->v2_rx_dma);
		wr->v2_rx_msg = kzalloc(SMCR_LLC_V2_BUF_SIZE, GFP_KERNEL);
		if (!wr->v2_tx_buf || !wr->v2_rx_buf || !wr->v2_rx_msg)
			return rc;
	}
	smcr_wr_init_wrs(wr);
	for (i = 0; i < SMCR_WR_RECV_CNT; i++) {
		rc = smcr_wr_rx_post(wr, i);
		if (rc)
			return rc;
	}
	return 0;
}

/* No thread may be inside (or enter) ib_post_send()/ib_post_recv() on the QP after this. */
void smcr_wr_quiesce(struct smcr_link *lnk)
{
	struct smcr_wr *wr = lnk->wr;
	unsigned long flags;

	if (!wr)
		return;
	spin_lock_irqsave(&wr->down_lock, flags);
	wr->down_sched = true;	/* teardown is under way: no link-down work any more */
	spin_unlock_irqrestore(&wr->down_lock, flags);
	spin_lock_bh(&wr->sq_lock);
	WRITE_ONCE(wr->dead, true);
	smcr_wr_win_wake(wr, true);	/* their pushes find the link gone */
	spin_unlock_bh(&wr->sq_lock);
	spin_lock_bh(&wr->rx_lock);
	spin_unlock_bh(&wr->rx_lock);
	wake_up_all(&wr->tx_wait);
}

static bool smcr_wr_sq_idle(struct smcr_wr *wr)
{
	bool idle;

	spin_lock_bh(&wr->sq_lock);
	idle = !wr->slots_posted && READ_ONCE(wr->v2_tx.state) != SMCR_WR_OP_POSTED &&
	       READ_ONCE(wr->reg.state) != SMCR_WR_OP_POSTED;
	spin_unlock_bh(&wr->sq_lock);
	return idle;
}

/* Wait (at most @timeout) for the signaled sends in flight to complete or be flushed. */
void smcr_wr_drain(struct smcr_link *lnk, unsigned long timeout)
{
	struct smcr_wr *wr = lnk->wr;

	if (wr)
		wait_event_timeout(wr->tx_wait, smcr_wr_sq_idle(wr), timeout);
}

/**
 * smcr_wr_destroy() - free a link's work request state
 * @lnk: link whose QP and CQs are gone (no completion handler can run any more)
 *
 * Slots whose send never completed get their done() callback now, with IB_WC_WR_FLUSH_ERR, in
 * a bottom-half-disabled section like a completion.
 */
void smcr_wr_destroy(struct smcr_link *lnk)
{
	struct smcr_wr *wr = lnk->wr;
	int i;

	if (!wr)
		return;
	smcr_wr_quiesce(lnk);
	if (current_work() != &wr->down_work)
		cancel_work_sync(&wr->down_work);
	local_bh_disable();
	for (i = 0; i < SMCR_WR_SEND_CNT; i++) {
		struct smcr_wr_tx_slot *s = &wr->tx[i];
		smcr_wr_tx_done_t done = s->done;

		if (!s->posted)
			continue;
		s->posted = false;
		s->done = NULL;
		if (done)
			done(lnk, s, IB_WC_WR_FLUSH_ERR, s->ctx);
	}
	local_bh_enable();
	smcr_wr_unmap_free(wr, wr->tx_bufs, SMCR_WR_SEND_CNT * SMCR_WR_BUF_SIZE, DMA_TO_DEVICE,
			   wr->tx_dma);
	smcr_wr_unmap_free(wr, wr->rx_bufs, SMCR_WR_RECV_CNT * SMCR_WR_BUF_SIZE, DMA_FROM_DEVICE,
			   wr->rx_dma);
	smcr_wr_unmap_free(wr, wr->v2_tx_buf, SMCR_LLC_V2_BUF_SIZE, DMA_TO_DEVICE, wr->v2_tx_dma);
	smcr_wr_unmap_free(wr, wr->v2_rx_buf, SMCR_LLC_V2_BUF_SIZE, DMA_FROM_DEVICE,
			   wr->v2_rx_dma);
	kfree(wr->v2_rx_msg);
	lnk->wr = NULL;
	kfree(wr);
}

unsigned long smcr_wr_rx_tstamp(const struct smcr_link *lnk)
{
	const struct smcr_wr *wr = lnk->wr;

	return wr ? READ_ONCE(wr->rx_tstamp) : jiffies;
}

void smcr_wr_get_stats(const struct smcr_link *lnk, struct smcr_wr_stats *st)
{
	const struct smcr_wr *wr = lnk->wr;

	memset(st, 0, sizeof(*st));
	if (!wr)
		return;
	st->tx_sends = atomic64_read(&wr->cnt.tx_sends);
	st->tx_rdma_writes = atomic64_read(&wr->cnt.tx_rdma_writes);
	st->tx_v2_sends = atomic64_read(&wr->cnt.tx_v2_sends);
	st->tx_errors = atomic64_read(&wr->cnt.tx_errors);
	st->tx_sq_full = atomic64_read(&wr->cnt.tx_sq_full);
	st->rx_msgs = atomic64_read(&wr->cnt.rx_msgs);
	st->rx_errors = atomic64_read(&wr->cnt.rx_errors);
	st->rx_v2_long = atomic64_read(&wr->cnt.rx_v2_long);
	st->rx_unknown = atomic64_read(&wr->cnt.rx_unknown);
}

