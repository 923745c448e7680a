// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: one SMC-R link — its protection domain, send and receive CQs, the RC QP and the QP state
 * machine, DMA mapping of buffers and memory registration of RMBs.
 *
 * QP state is tracked in lnk->qp_state and never read back with ib_query_qp(): Debian 6.1's rxe
 * does not report cur_qp_state. CQs are ib_alloc_cq(IB_POLL_SOFTIRQ) CQs; the RDMA core arms them
 * with IB_CQ_NEXT_COMP (plus IB_CQ_REPORT_MISSED_EVENTS), which 6.1's rxe handles correctly (it is
 * IB_CQ_SOLICITED | IB_CQ_NEXT_COMP that it never fires). Completion handlers run in softirq
 * context (irq_poll); see wr.c.
 *
 * RMB registration: the MR (and so its rkey) exists as soon as smcr_link_reg_rmb() returns, in
 * any QP state from INIT on, because the rkey travels in CLC Accept/Confirm before the QP is
 * ready to send. The IB_WR_REG_MR work request needs a send queue in RTS, so before RTS it is
 * deferred and posted by smcr_link_rts() (before the CONFIRM_LINK exchange, so the peer cannot
 * write into an RMB whose registration has not completed). The address the peer must use is the
 * MR's iova, which ib_map_mr_sg() sets to the first (only) SG entry's DMA address: rmb->dma_addr.
 */
#define pr_fmt(fmt) "smcr: " fmt

#include <linux/random.h>
#include <linux/scatterlist.h>
#include <rdma/ib_verbs.h>

#include "core.h"
#include "ib.h"
#include "link_int.h"

#define SMCR_QP_MIN_RNR_TIMER	5	/* 0.16 ms, upstream */
#define SMCR_QP_TIMEOUT		15	/* 4.096 us << 15 = 134 ms, upstream */
#define SMCR_QP_RETRY_CNT	7
#define SMCR_QP_RNR_RETRY	7	/* 7: retry for ever */
#define SMCR_QP_HOP_LIMIT	1	/* direct peers only (64 would be needed behind a gateway) */
#define SMCR_QP_MAX_SEND_SGE	2	/* RDMA WRITE of a wrapped sndbuf range */

/* A QP state change that worked is remembered; the QP is never asked for its state. */
static int smcr_link_modify_qp(struct smcr_link *lnk, struct ib_qp_attr *attr, int mask,
			       enum smcr_qp_state to)
{
	int rc = ib_modify_qp(lnk->qp, attr, mask);

	if (!rc)
		WRITE_ONCE(lnk->qp_state, to);
	return rc;
}

bool smcr_link_sendable(const struct smcr_link *lnk)
{
	enum smcr_link_state st = READ_ONCE(lnk->state);

	return READ_ONCE(lnk->qp_state) == SMCR_QP_RTS &&
	       (st == SMCR_LNK_INACTIVE || st == SMCR_LNK_ACTIVATING || st == SMCR_LNK_ACTIVE);
}

/**
 * smcr_link_down() - the link failed or was deleted
 * @lnk: link
 *
 * Any context. Marks the link down (sends and LLC flows fail from now on), wakes every thread
 * waiting in wr.c or llc.c, and schedules smcr_lgr_terminate(lgr, false) from a work item (once).
 */
void smcr_link_down(struct smcr_link *lnk)
{
	if (READ_ONCE(lnk->state) == SMCR_LNK_UNUSED)
		return;
	WRITE_ONCE(lnk->state, SMCR_LNK_DOWN);
	smcr_wr_link_down(lnk);
	smcr_llc_wake(lnk);
}

/**
 * smcr_link_flush() - the link group ends: nothing is posted on the link any more, and its QP
 * goes to the error state, so that the sends still in flight complete (flushed) now
 * @lnk: link
 *
 * Without it they would complete only when the QP is destroyed, which waits for the
 * connections, whose close waits for those completions. Process context.
 */
void smcr_link_flush(struct smcr_link *lnk)
{
	struct ib_qp_attr attr = {};
	enum smcr_qp_state qs;

	if (!lnk->qp)
		return;
	smcr_wr_quiesce(lnk);
	qs = READ_ONCE(lnk->qp_state);
	if (qs == SMCR_QP_RESET || qs == SMCR_QP_ERR)
		return;
	attr.qp_state = IB_QPS_ERR;
	smcr_link_modify_qp(lnk, &attr, IB_QP_STATE, SMCR_QP_ERR);
}

/* QP async events; any context. */
static void smcr_link_qp_event(struct ib_event *ev, void *ctx)
{
	struct smcr_link *lnk = ctx;

	switch (ev->event) {
	case IB_EVENT_QP_FATAL:
	case IB_EVENT_QP_REQ_ERR:
	case IB_EVENT_QP_ACCESS_ERR:
	case IB_EVENT_PATH_MIG_ERR:
		pr_warn_ratelimited("link %*phN: QP %u: %s, link down\n", 4, lnk->link_uid, lnk->qpn,
				    ib_event_msg(ev->event));
		smcr_link_down(lnk);
		break;
	default:
		break;
	}
}

/* link user id: link group id + link id, big-endian (like upstream, an opaque identifier) */
void smcr_link_set_uid(struct smcr_link *lnk)
{
	smcr_put_be32(lnk->link_uid, lnk->lgr->id + lnk->link_id);
}

/* The QP we ask for; @inline_max: bytes a request may carry inline (the device may give more). */
static void smcr_link_qp_attr(struct smcr_link *lnk, struct ib_qp_init_attr *qattr,
			      u32 inline_max)
{
	memset(qattr, 0, sizeof(*qattr));
	qattr->event_handler = smcr_link_qp_event;
	qattr->qp_context = lnk;
	qattr->send_cq = lnk->send_cq;
	qattr->recv_cq = lnk->recv_cq;
	qattr->cap.max_send_wr = SMCR_WR_SQ_DEPTH;
	qattr->cap.max_recv_wr = SMCR_WR_RECV_CNT;
	qattr->cap.max_send_sge = SMCR_QP_MAX_SEND_SGE;
	/* v2: a second SGE for the spill-over buffer */
	qattr->cap.max_recv_sge = lnk->lgr->smc_version >= 2 ? 2 : 1;
	qattr->cap.max_inline_data = inline_max;
	qattr->sq_sig_type = IB_SIGNAL_REQ_WR;
	qattr->qp_type = IB_QPT_RC;
}

/**
 * smcr_link_create() - PD, CQs and QP of a new link; the QP ends in INIT with receives posted
 * @lnk: the link (embedded in @lgr; all of it is (re)initialised)
 * @lgr: its link group; @lgr->smc_version and @lgr->net must be set
 * @gid: the local RoCE GID (device, port, index, MAC) to use
 * @link_id: the link id (server: assigned; client: 0, adopted from CONFIRM_LINK)
 *
 * Process context. On failure everything is undone (smcr_link_destroy() stays safe to call).
 *
 * Return: 0 or a negative errno.
 */
int smcr_link_create(struct smcr_link *lnk, struct smcr_lgr *lgr, const struct smcr_ib_gid *gid,
		     u8 link_id)
{
	struct ib_device *ibdev = gid->dev->ibdev;
	struct ib_qp_init_attr qattr = {};
	struct ib_qp_attr attr = {};
	struct ib_port_attr pattr;
	struct ib_qp *qp;
	struct ib_cq *cq;
	struct ib_pd *pd;
	int rc;

	if (gid->index > U8_MAX)	/* the GRH holds an 8-bit sgid_index */
		return -EINVAL;
	memset(lnk, 0, sizeof(*lnk));
	lnk->lgr = lgr;
	lnk->dev = gid->dev;
	lnk->port = gid->port;
	lnk->gid_index = gid->index;
	memcpy(lnk->gid, gid->gid, sizeof(lnk->gid));
	memcpy(lnk->mac, gid->mac, sizeof(lnk->mac));
	lnk->link_id = link_id;
	smcr_link_set_uid(lnk);
	lnk->psn = get_random_u32() & 0xffffff;
	lnk->qp_state = SMCR_QP_RESET;

	rc = ib_query_port(ibdev, lnk->port, &pattr);
	if (rc)
		return rc;
	lnk->mtu = pattr.active_mtu;

	pd = ib_alloc_pd(ibdev, 0);
	if (IS_ERR(pd))
		return PTR_ERR(pd);
	lnk->pd = pd;
	/* device removal waits until this link gave everything back (smcr_link_destroy) */
	smcr_ib_dev_link_hold(lnk->dev);
	lnk->dev_held = true;

	cq = ib_alloc_cq(ibdev, lnk, SMCR_WR_CQ_SIZE, 0, IB_POLL_SOFTIRQ);
	if (IS_ERR(cq)) {
		rc = PTR_ERR(cq);
		goto err;
	}
	lnk->send_cq = cq;
	cq = ib_alloc_cq(ibdev, lnk, SMCR_WR_CQ_SIZE, 0, IB_POLL_SOFTIRQ);
	if (IS_ERR(cq)) {
		rc = PTR_ERR(cq);
		goto err;
	}
	lnk->recv_cq = cq;

	smcr_link_qp_attr(lnk, &qattr, SMCR_WR_INLINE_MAX);
	qp = ib_create_qp(pd, &qattr);
	if (IS_ERR(qp)) {
		/* a device that takes no data inline: every request reads its buffer */
		smcr_link_qp_attr(lnk, &qattr, 0);
		qp = ib_create_qp(pd, &qattr);
	}
	if (IS_ERR(qp)) {
		rc = PTR_ERR(qp);
		goto err;
	}
	lnk->qp = qp;
	lnk->qpn = qp->qp_num;

	attr.qp_state = IB_QPS_INIT;
	attr.pkey_index = 0;
	attr.port_num = lnk->port;
	attr.qp_access_flags = IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_WRITE;
	rc = smcr_link_modify_qp(lnk, &attr, IB_QP_STATE | IB_QP_PKEY_INDEX |
				 IB_QP_ACCESS_FLAGS | IB_QP_PORT, SMCR_QP_INIT);
	if (rc)
		goto err;

	rc = smcr_llc_create(lnk);
	if (rc)
		goto err;
	WRITE_ONCE(lnk->state, SMCR_LNK_INACTIVE);
	rc = smcr_wr_create(lnk);	/* posts the receives */
	if (rc)
		goto err;
	return 0;

err:
	pr_warn_ratelimited("cannot set up a link on %s port %u: %d\n", dev_name(&ibdev->dev),
			    lnk->port, rc);
	smcr_link_destroy(lnk);
	return rc;
}

/**
 * smcr_link_rtr() - connect the QP to the peer's: INIT -> RTR
 * @lnk: link, QP in INIT
 * @peer: the peer's QP data from CLC (copied to @lnk->peer)
 *
 * Return: 0 or a negative errno.
 */
int smcr_link_rtr(struct smcr_link *lnk, const struct smcr_link_peer *peer)
{
	struct ib_qp_attr attr = {};

	if (!lnk->qp || READ_ONCE(lnk->qp_state) != SMCR_QP_INIT)
		return -EINVAL;
	lnk->peer = *peer;
	attr.qp_state = IB_QPS_RTR;
	attr.path_mtu = peer->mtu ? min(lnk->mtu, peer->mtu) : lnk->mtu;
	attr.ah_attr.type = RDMA_AH_ATTR_TYPE_ROCE;
	rdma_ah_set_port_num(&attr.ah_attr, lnk->port);
	rdma_ah_set_grh(&attr.ah_attr, NULL, 0, lnk->gid_index, SMCR_QP_HOP_LIMIT, 0);
	rdma_ah_set_dgid_raw(&attr.ah_attr, lnk->peer.gid);
	memcpy(attr.ah_attr.roce.dmac, lnk->peer.mac, ETH_ALEN);
	attr.dest_qp_num = peer->qpn;
	attr.rq_psn = peer->psn;
	attr.max_dest_rd_atomic = 1;
	attr.min_rnr_timer = SMCR_QP_MIN_RNR_TIMER;
	return smcr_link_modify_qp(lnk, &attr, IB_QP_STATE | IB_QP_AV | IB_QP_PATH_MTU |
				   IB_QP_DEST_QPN | IB_QP_RQ_PSN | IB_QP_MAX_DEST_RD_ATOMIC |
				   IB_QP_MIN_RNR_TIMER, SMCR_QP_RTR);
}

/**
 * smcr_link_rts() - RTR -> RTS; then the RMB registrations that waited for a send queue
 * @lnk: link, QP in RTR
 *
 * Return: 0 or a negative errno (the link is unusable then).
 */
int smcr_link_rts(struct smcr_link *lnk)
{
	struct ib_qp_attr attr = {};
	int rc;

	if (!lnk->qp || READ_ONCE(lnk->qp_state) != SMCR_QP_RTR)
		return -EINVAL;
	attr.qp_state = IB_QPS_RTS;
	attr.timeout = SMCR_QP_TIMEOUT;
	attr.retry_cnt = SMCR_QP_RETRY_CNT;
	attr.rnr_retry = SMCR_QP_RNR_RETRY;
	attr.sq_psn = lnk->psn;
	attr.max_rd_atomic = 1;
	rc = smcr_link_modify_qp(lnk, &attr, IB_QP_STATE | IB_QP_TIMEOUT | IB_QP_RETRY_CNT |
				 IB_QP_SQ_PSN | IB_QP_RNR_RETRY | IB_QP_MAX_QP_RD_ATOMIC,
				 SMCR_QP_RTS);
	if (rc)
		return rc;
	return smcr_wr_reg_deferred(lnk);
}

/**
 * smcr_link_destroy() - tear the link down; safe at any stage of creation and more than once
 * @lnk: link
 *
 * Process context, may sleep (bounded: the send queue gets SMCR_WR_DRAIN_WAIT to flush; 6.1's rxe
 * may never flush). Buffers must have been unregistered and unmapped before (their MRs hold the
 * PD): a PD still in use is leaked with an error message rather than freed.
 */
void smcr_link_destroy(struct smcr_link *lnk)
{
	struct ib_qp_attr attr = {};

	if (!lnk->pd && !lnk->send_cq && !lnk->recv_cq && !lnk->qp && !lnk->wr && !lnk->llc) {
		lnk->state = SMCR_LNK_UNUSED;
		return;
	}
	might_sleep();
	smcr_wr_quiesce(lnk);
	WRITE_ONCE(lnk->state, SMCR_LNK_DOWN);
	smcr_llc_wake(lnk);

	if (lnk->qp) {
		enum smcr_qp_state qs = READ_ONCE(lnk->qp_state);

		if (qs != SMCR_QP_RESET && qs != SMCR_QP_ERR) {
			attr.qp_state = IB_QPS_ERR;
			smcr_link_modify_qp(lnk, &attr, IB_QP_STATE, SMCR_QP_ERR);
		}
		smcr_wr_drain(lnk, SMCR_WR_DRAIN_WAIT);
		ib_destroy_qp(lnk->qp);
		lnk->qp = NULL;
	}
	/* after this no completion handler runs any more */
	if (lnk->send_cq) {
		ib_free_cq(lnk->send_cq);
		lnk->send_cq = NULL;
	}
	if (lnk->recv_cq) {
		ib_free_cq(lnk->recv_cq);
		lnk->recv_cq = NULL;
	}
	smcr_llc_destroy(lnk);
	smcr_wr_destroy(lnk);
	if (lnk->pd) {
		if (atomic_read(&lnk->pd->usecnt))
			pr_err("link %*phN destroyed with %d memory regions registered: PD leaked\n",
			       4, lnk->link_uid, atomic_read(&lnk->pd->usecnt));
		else
			ib_dealloc_pd(lnk->pd);
		lnk->pd = NULL;
	}
	WRITE_ONCE(lnk->qp_state, SMCR_QP_RESET);
	WRITE_ONCE(lnk->state, SMCR_LNK_UNUSED);
	if (lnk->dev_held) {
		lnk->dev_held = false;
		smcr_ib_dev_link_release(lnk->dev);
	}
}

/**
 * smcr_link_map_buf() - DMA-map a send buffer or RMB for the link's device (bidirectional)
 * @lnk: link (created)
 * @buf: buffer; @buf->dma_addr is set (0 means "not mapped" to smcr_link_unmap_buf())
 *
 * Return: 0 or a negative errno.
 */
int smcr_link_map_buf(struct smcr_link *lnk, struct smcr_buf *buf)
{
	struct ib_device *ibdev;
	u64 addr;

	if (!lnk->dev)
		return -ENODEV;
	ibdev = lnk->dev->ibdev;
	addr = ib_dma_map_single(ibdev, buf->cpu_addr, buf->len, DMA_BIDIRECTIONAL);
	if (ib_dma_mapping_error(ibdev, addr))
		return -ENOMEM;
	buf->dma_addr = addr;
	return 0;
}

void smcr_link_unmap_buf(struct smcr_link *lnk, struct smcr_buf *buf)
{
	if (!buf->dma_addr || !lnk->dev)
		return;
	ib_dma_unmap_single(lnk->dev->ibdev, buf->dma_addr, buf->len, DMA_BIDIRECTIONAL);
	buf->dma_addr = 0;
}

/**
 * smcr_link_reg_rmb() - register a mapped RMB for remote write by the peer
 * @lnk: link (QP in INIT, RTR or RTS)
 * @rmb: physically contiguous, mapped RMB
 *
 * Sets @rmb->mr and @rmb->rkey. The peer writes to @rmb->dma_addr (== the MR's iova). If the QP
 * is RTS the registration work request completes before this returns (bounded wait, may sleep);
 * before RTS it is posted by smcr_link_rts().
 *
 * Return: 0 or a negative errno.
 */
int smcr_link_reg_rmb(struct smcr_link *lnk, struct smcr_buf *rmb)
{
	struct scatterlist sg;
	struct ib_mr *mr;
	int pages, n, rc;

	if (!lnk->pd || !rmb->dma_addr || !rmb->len)
		return -EINVAL;
	if (rmb->mr)
		return 0;
	pages = DIV_ROUND_UP(offset_in_page(rmb->dma_addr) + rmb->len, PAGE_SIZE);
	mr = ib_alloc_mr(lnk->pd, IB_MR_TYPE_MEM_REG, pages);
	if (IS_ERR(mr))
		return PTR_ERR(mr);
	sg_init_table(&sg, 1);
	sg_set_buf(&sg, rmb->cpu_addr, rmb->len);
	sg_dma_address(&sg) = rmb->dma_addr;
	sg_dma_len(&sg) = rmb->len;
	n = ib_map_mr_sg(mr, &sg, 1, NULL, PAGE_SIZE);
	if (n != 1 || mr->iova != rmb->dma_addr) {
		rc = n < 0 ? n : -EINVAL;
		goto err;
	}
	rmb->mr = mr;
	rmb->rkey = mr->rkey;
	if (READ_ONCE(lnk->qp_state) == SMCR_QP_RTS)
		rc = smcr_wr_reg_mr(lnk, mr);
	else
		rc = smcr_wr_reg_defer(lnk, rmb);
	if (rc) {
		rmb->mr = NULL;
		rmb->rkey = 0;
		goto err;
	}
	return 0;

err:
	ib_dereg_mr(mr);
	return rc;
}

void smcr_link_unreg_rmb(struct smcr_link *lnk, struct smcr_buf *rmb)
{
	if (!rmb->mr)
		return;
	smcr_wr_reg_undefer(lnk, rmb);
	ib_dereg_mr(rmb->mr);
	rmb->mr = NULL;
	rmb->rkey = 0;
}

/* The PD's local DMA lkey: physically contiguous send buffers need no MR of their own. */
u32 smcr_link_local_lkey(const struct smcr_link *lnk)
{
	return lnk->pd ? lnk->pd->local_dma_lkey : 0;
}
