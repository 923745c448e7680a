// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: LLC (Link Layer Control) on one link of a link group with a single link: CONFIRM_LINK
 * (first contact, both roles), TEST_LINK (both ways), DELETE_LINK, CONFIRM_RKEY / DELETE_RKEY
 * (both ways; with one link there is nothing to store), ADD_LINK (rejected: "no alternate
 * path") and REQ_ADD_LINK (answered). Messages are encoded and decoded by wire/llc.c, in the
 * link group's version (SMC-Rv2: types 0x2X with a 16-bit little-endian length).
 *
 * Receive: smcr_llc_rx() runs in softirq context. Responses (and TEST_LINK answers) are matched
 * there with the one local flow that waits for them; requests are copied onto a queue that a work
 * item processes in order, in process context (it may sleep to send the answer). That worker is
 * the only remote flow; our own requests (smcr_llc_exchange()) are serialised by flow_lock. Like
 * upstream, a response of the type the local flow waits for is taken as its answer; others are
 * counted and dropped.
 *
 * Malformed messages (rejected by the codec) and messages that fit no flow are counted, logged
 * (rate limited) and dropped, as upstream drops them; none of them takes the link down (upstream
 * only ends the link group for unknown types, which the receive demultiplexer already drops).
 */
#define pr_fmt(fmt) "smcr: " fmt

#include <linux/slab.h>
#include <linux/workqueue.h>

#include "core.h"
#include "link_int.h"
#include "mib.h"
#include "sysctl.h"

#define SMCR_LLC_RXQ_MAX	64	/* requests queued for the worker; more are dropped */

struct smcr_llc_qe {
	struct list_head	list;
	u32			len;
	u8			buf[];
};

struct smcr_llc_counters {
	atomic64_t	rx_requests;
	atomic64_t	rx_responses;
	atomic64_t	rx_malformed;
	atomic64_t	rx_unexpected;
	atomic64_t	rx_dropped;
	atomic64_t	tl_sent;
	atomic64_t	tl_answered;
	atomic64_t	tl_echoed;
	atomic64_t	add_link_rejected;
	atomic64_t	rkey_answered;
	atomic64_t	req_add_link_answered;
	atomic64_t	delete_link_rcvd;
};

/**
 * struct smcr_llc - LLC state of a link (lnk->llc)
 * @lnk: the link
 * @lock: protects the fields marked [lock]; taken in softirq and process context
 * @rxq: [lock] requests for the worker; @rxq_len: [lock] their number
 * @dead: [lock] being destroyed: nothing is queued any more
 * @rx_work: the worker (remote flow)
 * @wq: waiters for a response, the first CONFIRM_LINK, a TEST_LINK answer, link down
 * @flow_lock: our own requests, one at a time (local flow)
 * @want_type: [lock] response type the local flow waits for (0: none)
 * @resp: [lock] that response
 * @first_cl: [lock] client: the server's CONFIRM_LINK request, for smcr_llc_clnt_confirm_link()
 * @tl_lock: one TEST_LINK at a time
 * @tl_work: sends TEST_LINK on an idle link
 * @tl_time: idle time before a TEST_LINK (jiffies, 0: never), fixed when the link came up
 * @tl_pending: [lock] a TEST_LINK of ours is unanswered; @tl_answered: [lock] its answer came
 * @tl_seq: numbers our TEST_LINKs (user data; the peer echoes it)
 * @cnt: counters
 */
struct smcr_llc {
	struct smcr_link	*lnk;
	spinlock_t		lock;
	struct list_head	rxq;
	unsigned int		rxq_len;
	bool			dead;
	struct work_struct	rx_work;
	wait_queue_head_t	wq;
	struct mutex		flow_lock;
	u8			want_type;
	struct smcr_llc_qe	*resp;
	struct smcr_llc_qe	*first_cl;
	struct mutex		tl_lock;
	struct delayed_work	tl_work;
	unsigned long		tl_time;
	bool			tl_pending;
	bool			tl_answered;
	u32			tl_seq;
	struct smcr_llc_counters cnt;
};

static bool smcr_llc_link_ok(const struct smcr_link *lnk)
{
	enum smcr_link_state st = READ_ONCE(lnk->state);

	return st != SMCR_LNK_DOWN && st != SMCR_LNK_UNUSED;
}

static bool smcr_llc_is_server(const struct smcr_link *lnk)
{
	return lnk->lgr->role == SMCR_ROLE_SERVER;
}

static void smcr_llc_mib_badmsg(const struct smcr_link *lnk)
{
	if (lnk->lgr->net)
		smcr_mib_inc(lnk->lgr->net, SMCR_MIB_LLC_BADMSG);
}

void smcr_llc_wake(struct smcr_link *lnk)
{
	struct smcr_llc *llc = lnk->llc;

	if (llc)
		wake_up_all(&llc->wq);
}

/* ---- send ------------------------------------------------------------------------------------ */

/* Encode @msg in the link group's LLC version and send it; no completion wait. May sleep. */
static int smcr_llc_send(struct smcr_link *lnk, struct smcr_llc_msg *msg)
{
	struct smcr_wr_tx_slot *slot;
	u8 *buf;
	int len, rc;

	msg->hdr.version = lnk->lgr->smc_version >= 2 ? SMCR_LLC_V2 : SMCR_LLC_V1;
	len = smcr_llc_msg_len(msg);
	if (len < 0)
		return len;
	if (len > SMCR_LLC_MSG_LEN) {
		buf = kmalloc(len, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
		rc = smcr_llc_encode(msg, buf, len);
		if (rc > 0)
			rc = smcr_wr_tx_send_v2(lnk, buf, rc);
		kfree(buf);
		return rc;
	}
	rc = smcr_wr_tx_get_slot(lnk, &slot, &buf, true);
	if (rc)
		return rc;
	len = smcr_llc_encode(msg, buf, SMCR_WR_BUF_SIZE);
	if (len < 0) {
		smcr_wr_tx_put_slot(lnk, slot);
		return len;
	}
	return smcr_wr_tx_send(lnk, slot, len, NULL, NULL);
}

/* A send whose completion somebody waits for; whoever lets go last frees it. */
struct smcr_llc_sent {
	refcount_t		refs;
	struct completion	done;
	enum ib_wc_status	status;
};

static void smcr_llc_sent_put(struct smcr_llc_sent *s)
{
	if (refcount_dec_and_test(&s->refs))
		kfree(s);
}

static void smcr_llc_sent_done(struct smcr_link *lnk, struct smcr_wr_tx_slot *slot,
			       enum ib_wc_status status, void *ctx)
{
	struct smcr_llc_sent *s = ctx;

	s->status = status;
	complete(&s->done);
	smcr_llc_sent_put(s);
}

/* Send a message of at most 44 bytes and wait (at most @timeout) until it is on the wire. */
static int smcr_llc_send_wait(struct smcr_link *lnk, struct smcr_llc_msg *msg,
			      unsigned long timeout)
{
	struct smcr_wr_tx_slot *slot;
	struct smcr_llc_sent *s;
	int len, rc;
	u8 *buf;

	msg->hdr.version = lnk->lgr->smc_version >= 2 ? SMCR_LLC_V2 : SMCR_LLC_V1;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	refcount_set(&s->refs, 2);
	init_completion(&s->done);
	rc = smcr_wr_tx_get_slot(lnk, &slot, &buf, true);
	if (rc)
		goto err;
	len = smcr_llc_encode(msg, buf, SMCR_WR_BUF_SIZE);
	if (len < 0) {
		smcr_wr_tx_put_slot(lnk, slot);
		rc = len;
		goto err;
	}
	rc = smcr_wr_tx_send(lnk, slot, len, smcr_llc_sent_done, s);
	if (rc)
		goto err;
	if (!wait_for_completion_timeout(&s->done, timeout))
		rc = -ETIMEDOUT;
	else if (s->status != IB_WC_SUCCESS)
		rc = -EIO;
	smcr_llc_sent_put(s);
	return rc;
err:
	kfree(s);
	return rc;
}

/*
 * Send @req and wait for the response of its type; decode it into @resp. Caller holds
 * flow_lock. Return: 0, -ETIMEDOUT, -ENOLINK (link down meanwhile), -EPROTO, or a send error.
 */
static int smcr_llc_request(struct smcr_link *lnk, struct smcr_llc_msg *req,
			    struct smcr_llc_msg *resp, unsigned long timeout)
{
	struct smcr_llc *llc = lnk->llc;
	struct smcr_llc_qe *qe;
	int rc;

	lockdep_assert_held(&llc->flow_lock);
	spin_lock_bh(&llc->lock);
	qe = llc->resp;		/* a late answer to an earlier request */
	llc->resp = NULL;
	llc->want_type = req->hdr.type;
	spin_unlock_bh(&llc->lock);
	kfree(qe);

	rc = smcr_llc_send(lnk, req);
	if (!rc)
		wait_event_timeout(llc->wq, READ_ONCE(llc->resp) || !smcr_llc_link_ok(lnk),
				   timeout);
	spin_lock_bh(&llc->lock);
	qe = llc->resp;
	llc->resp = NULL;
	llc->want_type = 0;
	spin_unlock_bh(&llc->lock);
	if (rc) {
		kfree(qe);
		return rc;
	}
	if (!qe)
		return smcr_llc_link_ok(lnk) ? -ETIMEDOUT : -ENOLINK;
	rc = smcr_llc_decode(qe->buf, qe->len, resp) ? -EPROTO : 0;
	kfree(qe);
	return rc;
}

/**
 * smcr_llc_exchange() - send a request and wait for the peer's response of the same type
 * @lnk: link
 * @req: the request (version set from the link group)
 * @resp: out: the decoded response (its list pointers are not usable)
 * @timeout: jiffies
 *
 * One at a time per link. Process context.
 *
 * Return: 0 or a negative errno (see smcr_llc_request()).
 */
int smcr_llc_exchange(struct smcr_link *lnk, struct smcr_llc_msg *req,
		      struct smcr_llc_msg *resp, unsigned long timeout)
{
	struct smcr_llc *llc = lnk->llc;
	int rc;

	if (!llc)
		return -ENOLINK;
	mutex_lock(&llc->flow_lock);
	rc = smcr_llc_request(lnk, req, resp, timeout);
	mutex_unlock(&llc->flow_lock);
	return rc;
}

/* ---- link activation, TEST_LINK -------------------------------------------------------------- */

static void smcr_llc_fill_confirm_link(struct smcr_link *lnk, struct smcr_llc_msg *msg, bool resp)
{
	struct smcr_llc_confirm_link *cl = &msg->confirm_link;

	memset(msg, 0, sizeof(*msg));
	msg->hdr.type = SMCR_LLC_CONFIRM_LINK;
	msg->hdr.flags = SMCR_LLC_FLAG_NO_RMBE_EYEC | (resp ? SMCR_LLC_FLAG_RESP : 0);
	memcpy(cl->sender_mac, lnk->mac, sizeof(cl->sender_mac));
	memcpy(cl->sender_gid, lnk->gid, sizeof(cl->sender_gid));
	cl->sender_qpn = lnk->qpn;
	cl->link_num = lnk->link_id;
	memcpy(cl->link_uid, lnk->link_uid, sizeof(cl->link_uid));
	cl->max_links = SMCR_LLC_ADD_LNK_MAX_LINKS;
	if (lnk->lgr->smc_version >= 2 && lnk->lgr->release >= 1) {
		/* v2.1: what the CLC handshake agreed on, as Linux sends it */
		cl->max_links = lnk->lgr->max_links;
		cl->max_conns = lnk->lgr->max_conns;
	}
}

/* CONFIRM_LINK done: ACTIVATING -> ACTIVE, and the TEST_LINK timer starts. */
static int smcr_llc_activate(struct smcr_link *lnk)
{
	struct smcr_llc *llc = lnk->llc;
	int tl;

	if (cmpxchg(&lnk->state, SMCR_LNK_ACTIVATING, SMCR_LNK_ACTIVE) != SMCR_LNK_ACTIVATING)
		return -ENOLINK;
	tl = lnk->lgr->net ? smcr_sysctl_testlink_time(lnk->lgr->net) : SMCR_TESTLINK_DEFAULT;
	llc->tl_time = tl > 0 ? tl : 0;
	if (llc->tl_time)
		queue_delayed_work(system_unbound_wq, &llc->tl_work, llc->tl_time);
	pr_info_ratelimited("link %*phN up: %s port %u QP %u, peer QP %u link %*phN\n", 4,
			    lnk->link_uid, dev_name(&lnk->dev->ibdev->dev), lnk->port, lnk->qpn,
			    lnk->peer.qpn, 4, lnk->peer_link_uid);
	return 0;
}

/* ACTIVATING from INACTIVE (or already ACTIVATING); anything else cannot be confirmed. */
static int smcr_llc_start_activation(struct smcr_link *lnk)
{
	enum smcr_link_state old = cmpxchg(&lnk->state, SMCR_LNK_INACTIVE, SMCR_LNK_ACTIVATING);

	return old == SMCR_LNK_INACTIVE || old == SMCR_LNK_ACTIVATING ? 0 : -ENOLINK;
}

/**
 * smcr_llc_srv_confirm_link() - server, first contact: CONFIRM_LINK request, wait for the answer
 * @lnk: link, QP in RTS
 *
 * Return: 0 with the link ACTIVE; -ETIMEDOUT (no answer within SMCR_LLC_WAIT_FIRST), -EOPNOTSUPP
 * (the client needs RMBE eyecatchers), or another negative errno.
 */
int smcr_llc_srv_confirm_link(struct smcr_link *lnk)
{
	struct smcr_llc_msg req, resp;
	int rc;

	if (!lnk->llc || !smcr_link_sendable(lnk))
		return -ENOTCONN;
	rc = smcr_llc_start_activation(lnk);
	if (rc)
		return rc;
	smcr_llc_fill_confirm_link(lnk, &req, false);
	rc = smcr_llc_exchange(lnk, &req, &resp, SMCR_LLC_WAIT_FIRST);
	if (rc)
		return rc;
	if (!(resp.hdr.flags & SMCR_LLC_FLAG_NO_RMBE_EYEC))
		return -EOPNOTSUPP;
	memcpy(lnk->peer_link_uid, resp.confirm_link.link_uid, sizeof(lnk->peer_link_uid));
	return smcr_llc_activate(lnk);
}

/**
 * smcr_llc_clnt_confirm_link() - client, first contact: take the server's CONFIRM_LINK
 * @lnk: link, QP in RTR; its RMB registrations may still be pending
 *
 * Waits SMCR_LLC_WAIT_FIRST_CLNT for the request (it may also have come before the call),
 * adopts the server's link id, moves the QP to RTS (which completes the RMB registrations) and
 * answers.
 *
 * Return: 0 with the link ACTIVE; -ETIMEDOUT, -EOPNOTSUPP (server needs RMBE eyecatchers),
 * -ENOLINK (link down), or another negative errno.
 */
int smcr_llc_clnt_confirm_link(struct smcr_link *lnk)
{
	struct smcr_llc *llc = lnk->llc;
	struct smcr_llc_msg req, resp;
	struct smcr_llc_qe *qe;
	int rc;

	if (!llc)
		return -ENOLINK;
	rc = smcr_llc_start_activation(lnk);
	if (rc)
		return rc;
	wait_event_timeout(llc->wq, READ_ONCE(llc->first_cl) || !smcr_llc_link_ok(lnk),
			   SMCR_LLC_WAIT_FIRST_CLNT);
	spin_lock_bh(&llc->lock);
	qe = llc->first_cl;
	llc->first_cl = NULL;
	spin_unlock_bh(&llc->lock);
	if (!qe)
		return smcr_llc_link_ok(lnk) ? -ETIMEDOUT : -ENOLINK;
	rc = smcr_llc_decode(qe->buf, qe->len, &req);
	kfree(qe);
	if (rc)
		return -EPROTO;
	if (!(req.hdr.flags & SMCR_LLC_FLAG_NO_RMBE_EYEC))
		return -EOPNOTSUPP;
	lnk->link_id = req.confirm_link.link_num;	/* the server assigns it */
	smcr_link_set_uid(lnk);
	memcpy(lnk->peer_link_uid, req.confirm_link.link_uid, sizeof(lnk->peer_link_uid));
	rc = smcr_link_rts(lnk);
	if (rc)
		return rc;
	smcr_llc_fill_confirm_link(lnk, &resp, true);
	rc = smcr_llc_send(lnk, &resp);
	if (rc)
		return rc;
	return smcr_llc_activate(lnk);
}

/**
 * smcr_llc_test_link() - send a TEST_LINK and wait for the answer
 * @lnk: link
 * @timeout: jiffies
 *
 * Return: 0, -ETIMEDOUT, -ENOLINK, or a send error.
 */
int smcr_llc_test_link(struct smcr_link *lnk, unsigned long timeout)
{
	struct smcr_llc *llc = lnk->llc;
	struct smcr_llc_msg msg = {};
	bool answered;
	int rc;

	if (!llc)
		return -ENOLINK;
	mutex_lock(&llc->tl_lock);
	spin_lock_bh(&llc->lock);
	llc->tl_pending = true;
	llc->tl_answered = false;
	spin_unlock_bh(&llc->lock);
	msg.hdr.type = SMCR_LLC_TEST_LINK;
	smcr_put_be32(msg.test_link.user_data, ++llc->tl_seq);
	rc = smcr_llc_send(lnk, &msg);
	if (!rc) {
		atomic64_inc(&llc->cnt.tl_sent);
		wait_event_timeout(llc->wq, READ_ONCE(llc->tl_answered) || !smcr_llc_link_ok(lnk),
				   timeout);
	}
	spin_lock_bh(&llc->lock);
	answered = llc->tl_answered;
	llc->tl_pending = false;
	spin_unlock_bh(&llc->lock);
	mutex_unlock(&llc->tl_lock);
	if (rc)
		return rc;
	if (!answered)
		return smcr_llc_link_ok(lnk) ? -ETIMEDOUT : -ENOLINK;
	atomic64_inc(&llc->cnt.tl_answered);
	return 0;
}

/* Idle for tl_time: TEST_LINK; no answer within SMCR_LLC_WAIT takes the link down. */
static void smcr_llc_tl_work(struct work_struct *work)
{
	struct smcr_llc *llc = container_of(to_delayed_work(work), struct smcr_llc, tl_work);
	struct smcr_link *lnk = llc->lnk;
	unsigned long expire;
	int rc;

	if (READ_ONCE(lnk->state) != SMCR_LNK_ACTIVE || !llc->tl_time)
		return;
	expire = smcr_wr_rx_tstamp(lnk) + llc->tl_time;
	if (time_before(jiffies, expire)) {
		queue_delayed_work(system_unbound_wq, &llc->tl_work, expire - jiffies);
		return;
	}
	rc = smcr_llc_test_link(lnk, SMCR_LLC_WAIT);
	if (READ_ONCE(lnk->state) != SMCR_LNK_ACTIVE)
		return;
	if (rc) {
		pr_warn_ratelimited("link %*phN: TEST_LINK not answered (%d), link down\n", 4,
				    lnk->link_uid, rc);
		smcr_link_down(lnk);
		return;
	}
	queue_delayed_work(system_unbound_wq, &llc->tl_work, llc->tl_time);
}

/* ---- our other requests ---------------------------------------------------------------------- */

static int smcr_llc_rkey_result(const struct smcr_llc_msg *resp)
{
	if (!(resp->hdr.flags & SMCR_LLC_FLAG_RKEY_NEG))
		return 0;
	return resp->hdr.flags & SMCR_LLC_FLAG_RKEY_RETRY ? -EAGAIN : -EREMOTEIO;
}

/**
 * smcr_llc_confirm_rkey() - announce a new RMB of an existing link group to the peer
 * @lnk: active link
 * @rmb: registered RMB (its rkey and address on this link; no other links)
 *
 * Return: 0; -EREMOTEIO or -EAGAIN (peer refused, or refused for now); -ETIMEDOUT; -ENOLINK.
 */
int smcr_llc_confirm_rkey(struct smcr_link *lnk, struct smcr_buf *rmb)
{
	struct smcr_llc_msg req = {}, resp;
	int rc;

	if (READ_ONCE(lnk->state) != SMCR_LNK_ACTIVE)
		return -ENOLINK;
	req.hdr.type = SMCR_LLC_CONFIRM_RKEY;
	req.confirm_rkey.num_rkeys = 0;
	req.confirm_rkey.rmb_key = rmb->rkey;
	req.confirm_rkey.rmb_vaddr = rmb->dma_addr;
	rc = smcr_llc_exchange(lnk, &req, &resp, SMCR_LLC_WAIT);
	return rc ? rc : smcr_llc_rkey_result(&resp);
}

/**
 * smcr_llc_delete_rkey() - tell the peer an RMB's rkey is no longer valid
 * @lnk: active link
 * @rmb: the RMB
 *
 * Return: as smcr_llc_confirm_rkey().
 */
int smcr_llc_delete_rkey(struct smcr_link *lnk, struct smcr_buf *rmb)
{
	struct smcr_llc_msg req = {}, resp;
	u32 rkey = rmb->rkey;
	int rc;

	if (READ_ONCE(lnk->state) != SMCR_LNK_ACTIVE)
		return -ENOLINK;
	req.hdr.type = SMCR_LLC_DELETE_RKEY;
	req.delete_rkey.num_rkeys = 1;
	req.delete_rkey.rkeys = &rkey;
	rc = smcr_llc_exchange(lnk, &req, &resp, SMCR_LLC_WAIT);
	return rc ? rc : smcr_llc_rkey_result(&resp);
}

/**
 * smcr_llc_delete_link() - tell the peer the link group ends (DELETE_LINK, all links)
 * @lnk: link
 * @orderly: orderly end (linger expiry, unload) or not
 * @reason: SMCR_LLC_DEL_*
 *
 * Best effort before teardown: waits at most SMCR_LLC_WAIT for the send to complete, not for
 * an answer. Process context.
 */
void smcr_llc_delete_link(struct smcr_link *lnk, bool orderly, u32 reason)
{
	struct smcr_llc_msg msg = {};
	int rc;

	if (!lnk->llc || !smcr_link_sendable(lnk))
		return;
	msg.hdr.type = SMCR_LLC_DELETE_LINK;
	msg.hdr.flags = SMCR_LLC_FLAG_DEL_LINK_ALL | (orderly ? SMCR_LLC_FLAG_DEL_LINK_ORDERLY : 0);
	msg.delete_link.reason = reason;
	rc = smcr_llc_send_wait(lnk, &msg, SMCR_LLC_WAIT);
	if (rc)
		pr_debug("link %*phN: DELETE_LINK not sent: %d\n", 4, lnk->link_uid, rc);
}

/* ---- the peer's requests (worker) ------------------------------------------------------------ */

static void smcr_llc_answer(struct smcr_link *lnk, struct smcr_llc_msg *msg, const char *what)
{
	int rc = smcr_llc_send(lnk, msg);

	if (rc)
		pr_debug("link %*phN: cannot answer %s: %d\n", 4, lnk->link_uid, what, rc);
}

static void smcr_llc_unexpected(struct smcr_llc *llc, const struct smcr_llc_msg *msg)
{
	atomic64_inc(&llc->cnt.rx_unexpected);
	pr_debug("link %*phN: unexpected LLC %s (flags %#x) dropped\n", 4, llc->lnk->link_uid,
		 smcr_llc_type_name(msg->hdr.type), msg->hdr.flags);
}

/* We run one link per group: every ADD_LINK of a server gets "rejected, no alternate path". */
static void smcr_llc_rx_add_link(struct smcr_llc *llc, struct smcr_llc_msg *msg)
{
	struct smcr_link *lnk = llc->lnk;
	struct smcr_llc_add_link *al = &msg->add_link;

	if (smcr_llc_is_server(lnk)) {
		/* a v1 client's invitation: we do not add links */
		smcr_llc_unexpected(llc, msg);
		return;
	}
	msg->hdr.flags |= SMCR_LLC_FLAG_RESP | SMCR_LLC_FLAG_ADD_LNK_REJ;
	/* v2 has no room for the reason (Linux's v2 reject carries 0) */
	al->reject_reason = lnk->lgr->smc_version >= 2 ? 0 : SMCR_LLC_REJ_RSN_NO_ALT_PATH;
	al->has_v2_ext = false;
	al->v2_direct = false;
	al->num_rkeys = 0;
	al->rt = NULL;
	atomic64_inc(&llc->cnt.add_link_rejected);
	smcr_llc_answer(lnk, msg, "ADD_LINK");
}

static void smcr_llc_rx_delete_link(struct smcr_llc *llc, struct smcr_llc_msg *msg)
{
	struct smcr_link *lnk = llc->lnk;
	bool all = msg->hdr.flags & SMCR_LLC_FLAG_DEL_LINK_ALL;
	struct smcr_llc_msg out = {};

	atomic64_inc(&llc->cnt.delete_link_rcvd);
	if (!all && msg->delete_link.link_num != lnk->link_id) {
		/* not our link: a client says so, a server ignores it (upstream) */
		if (!smcr_llc_is_server(lnk)) {
			msg->hdr.flags |= SMCR_LLC_FLAG_RESP;
			msg->delete_link.reason = SMCR_LLC_DEL_NOLNK;
			smcr_llc_answer(lnk, msg, "DELETE_LINK");
		}
		return;
	}
	pr_info_ratelimited("link %*phN: peer deleted %s (reason %#x)\n", 4, lnk->link_uid,
			    all ? "the link group" : "the link", msg->delete_link.reason);
	if (smcr_llc_is_server(lnk)) {
		if (all) {
			/* a server ends the group with its own DELETE_LINK (upstream) */
			out.hdr.type = SMCR_LLC_DELETE_LINK;
			out.hdr.flags = SMCR_LLC_FLAG_DEL_LINK_ALL | SMCR_LLC_FLAG_DEL_LINK_ORDERLY;
			out.delete_link.reason = msg->delete_link.reason;
			smcr_llc_send_wait(lnk, &out, SMCR_LLC_WAIT);
		} else {
			/* sent back, the request starts the client's side of the deletion */
			smcr_llc_send_wait(lnk, msg, SMCR_LLC_WAIT);
		}
	} else if (!all) {
		msg->hdr.flags |= SMCR_LLC_FLAG_RESP;
		msg->delete_link.reason = 0;
		smcr_llc_send_wait(lnk, msg, SMCR_LLC_WAIT);
	}
	smcr_link_down(lnk);
}

/* With one link there is no rtoken to keep: the CLC messages carry this link's. */
static void smcr_llc_rx_confirm_rkey(struct smcr_llc *llc, const struct smcr_llc_msg *msg)
{
	struct smcr_llc_msg out = {};

	out.hdr.type = SMCR_LLC_CONFIRM_RKEY;
	out.hdr.flags = SMCR_LLC_FLAG_RESP;
	if (msg->confirm_rkey.num_rkeys > SMCR_LLC_RKEYS_PER_MSG)	/* as upstream */
		out.hdr.flags |= SMCR_LLC_FLAG_RKEY_NEG | SMCR_LLC_FLAG_RKEY_RETRY;
	out.confirm_rkey.rmb_key = msg->confirm_rkey.rmb_key;
	out.confirm_rkey.rmb_vaddr = msg->confirm_rkey.rmb_vaddr;
	atomic64_inc(&llc->cnt.rkey_answered);
	smcr_llc_answer(llc->lnk, &out, "CONFIRM_RKEY");
}

static void smcr_llc_rx_delete_rkey(struct smcr_llc *llc, const struct smcr_llc_qe *qe,
				    const struct smcr_llc_msg *msg)
{
	u32 rkeys[SMCR_LLC_DEL_RKEY_MAX] = {};
	struct smcr_llc_msg out = {};
	unsigned int i, n = 0;

	out.hdr.type = SMCR_LLC_DELETE_RKEY;
	out.hdr.flags = SMCR_LLC_FLAG_RESP;
	if (llc->lnk->lgr->smc_version < 2) {
		/* v1 echoes the rkeys; none is unknown to us (nothing was stored) */
		n = min_t(unsigned int, msg->delete_rkey.num_rkeys, SMCR_LLC_DEL_RKEY_MAX);
		for (i = 0; i < n; i++)
			smcr_llc_get_rkey(qe->buf, msg, i, &rkeys[i]);
	}
	out.delete_rkey.num_rkeys = n;
	out.delete_rkey.rkeys = rkeys;
	atomic64_inc(&llc->cnt.rkey_answered);
	smcr_llc_answer(llc->lnk, &out, "DELETE_RKEY");
}

static void smcr_llc_rx_request(struct smcr_llc *llc, struct smcr_llc_qe *qe)
{
	struct smcr_link *lnk = llc->lnk;
	struct smcr_llc_msg msg, out = {};

	atomic64_inc(&llc->cnt.rx_requests);
	if (smcr_llc_decode(qe->buf, qe->len, &msg)) {
		atomic64_inc(&llc->cnt.rx_malformed);
		smcr_llc_mib_badmsg(lnk);
		pr_warn_ratelimited("link %*phN: malformed LLC message (type %#x, %u bytes) dropped\n",
				    4, lnk->link_uid, qe->buf[0], qe->len);
		goto out;
	}
	if (!smcr_llc_link_ok(lnk))
		goto out;
	switch (msg.hdr.type) {
	case SMCR_LLC_TEST_LINK:
		msg.hdr.flags |= SMCR_LLC_FLAG_RESP;
		atomic64_inc(&llc->cnt.tl_echoed);
		smcr_llc_answer(lnk, &msg, "TEST_LINK");
		break;
	case SMCR_LLC_CONFIRM_LINK:
		if (smcr_llc_is_server(lnk) || READ_ONCE(lnk->state) == SMCR_LNK_ACTIVE) {
			smcr_llc_unexpected(llc, &msg);
			break;
		}
		/* the first contact's request: smcr_llc_clnt_confirm_link() takes it */
		spin_lock_bh(&llc->lock);
		swap(llc->first_cl, qe);
		spin_unlock_bh(&llc->lock);
		wake_up_all(&llc->wq);
		break;
	case SMCR_LLC_ADD_LINK:
		smcr_llc_rx_add_link(llc, &msg);
		break;
	case SMCR_LLC_DELETE_LINK:
		smcr_llc_rx_delete_link(llc, &msg);
		break;
	case SMCR_LLC_CONFIRM_RKEY:
		smcr_llc_rx_confirm_rkey(llc, &msg);
		break;
	case SMCR_LLC_DELETE_RKEY:
		smcr_llc_rx_delete_rkey(llc, qe, &msg);
		break;
	case SMCR_LLC_REQ_ADD_LINK:
		if (!smcr_llc_is_server(lnk)) {
			smcr_llc_unexpected(llc, &msg);
			break;
		}
		/* a client suggests a second link; the answer ends its flow, we add none */
		out.hdr.type = SMCR_LLC_REQ_ADD_LINK;
		out.hdr.flags = SMCR_LLC_FLAG_RESP;
		atomic64_inc(&llc->cnt.req_add_link_answered);
		smcr_llc_answer(lnk, &out, "REQ_ADD_LINK");
		break;
	default:	/* continuations outside an ADD_LINK / CONFIRM_RKEY flow */
		smcr_llc_unexpected(llc, &msg);
		break;
	}
out:
	kfree(qe);
}

static void smcr_llc_rx_work(struct work_struct *work)
{
	struct smcr_llc *llc = container_of(work, struct smcr_llc, rx_work);
	struct smcr_llc_qe *qe;

	for (;;) {
		spin_lock_bh(&llc->lock);
		qe = list_first_entry_or_null(&llc->rxq, struct smcr_llc_qe, list);
		if (qe) {
			list_del(&qe->list);
			llc->rxq_len--;
		}
		spin_unlock_bh(&llc->lock);
		if (!qe)
			break;
		smcr_llc_rx_request(llc, qe);
	}
}

/* ---- receive (softirq) ---------------------------------------------------------------------- */

/* A response: the local flow's answer, or a TEST_LINK answer, or nothing we asked for. */
static void smcr_llc_rx_response(struct smcr_llc *llc, struct smcr_llc_qe *qe, u8 type)
{
	bool taken = false;

	atomic64_inc(&llc->cnt.rx_responses);
	spin_lock_bh(&llc->lock);
	if (type == SMCR_LLC_TEST_LINK) {
		if (llc->tl_pending) {
			llc->tl_answered = true;
			taken = true;
		}
	} else if (llc->want_type == type && !llc->resp) {
		llc->resp = qe;
		qe = NULL;
		taken = true;
	}
	spin_unlock_bh(&llc->lock);
	if (taken)
		wake_up_all(&llc->wq);
	else
		atomic64_inc(&llc->cnt.rx_unexpected);
	kfree(qe);
}

/**
 * smcr_llc_rx() - an LLC message arrived (wr.c, softirq context)
 * @lnk: link
 * @buf: the message, contiguous (v2 spill-over already put together)
 * @len: bytes received
 */
void smcr_llc_rx(struct smcr_link *lnk, const u8 *buf, u32 len)
{
	struct smcr_llc *llc = lnk->llc;
	struct smcr_llc_qe *qe;
	struct smcr_llc_hdr hdr;

	if (!llc)
		return;
	if (smcr_llc_parse_hdr(buf, len, &hdr)) {
		atomic64_inc(&llc->cnt.rx_malformed);
		smcr_llc_mib_badmsg(lnk);
		pr_warn_ratelimited("link %*phN: LLC message with a bad header (%#x, %u bytes) dropped\n",
				    4, lnk->link_uid, len ? buf[0] : 0, len);
		return;
	}
	qe = kmalloc(struct_size(qe, buf, hdr.length), GFP_ATOMIC);
	if (!qe) {
		atomic64_inc(&llc->cnt.rx_dropped);
		return;
	}
	qe->len = hdr.length;
	memcpy(qe->buf, buf, hdr.length);
	if (hdr.flags & SMCR_LLC_FLAG_RESP) {
		smcr_llc_rx_response(llc, qe, hdr.type);
		return;
	}
	spin_lock_bh(&llc->lock);
	if (llc->dead || llc->rxq_len >= SMCR_LLC_RXQ_MAX) {
		spin_unlock_bh(&llc->lock);
		atomic64_inc(&llc->cnt.rx_dropped);
		kfree(qe);
		return;
	}
	list_add_tail(&qe->list, &llc->rxq);
	llc->rxq_len++;
	spin_unlock_bh(&llc->lock);
	queue_work(system_highpri_wq, &llc->rx_work);
}

/* ---- set up, tear down ----------------------------------------------------------------------- */

int smcr_llc_create(struct smcr_link *lnk)
{
	struct smcr_llc *llc = kzalloc(sizeof(*llc), GFP_KERNEL);

	if (!llc)
		return -ENOMEM;
	llc->lnk = lnk;
	spin_lock_init(&llc->lock);
	INIT_LIST_HEAD(&llc->rxq);
	INIT_WORK(&llc->rx_work, smcr_llc_rx_work);
	init_waitqueue_head(&llc->wq);
	mutex_init(&llc->flow_lock);
	mutex_init(&llc->tl_lock);
	INIT_DELAYED_WORK(&llc->tl_work, smcr_llc_tl_work);
	lnk->llc = llc;
	return 0;
}

/* After the CQs are gone (smcr_llc_rx() cannot run any more). */
void smcr_llc_destroy(struct smcr_link *lnk)
{
	struct smcr_llc *llc = lnk->llc;
	struct smcr_llc_qe *qe, *tmp;

	if (!llc)
		return;
	spin_lock_bh(&llc->lock);
	llc->dead = true;
	spin_unlock_bh(&llc->lock);
	wake_up_all(&llc->wq);
	cancel_work_sync(&llc->rx_work);
	cancel_delayed_work_sync(&llc->tl_work);
	list_for_each_entry_safe(qe, tmp, &llc->rxq, list) {
		list_del(&qe->list);
		kfree(qe);
	}
	kfree(llc->resp);
	kfree(llc->first_cl);
	lnk->llc = NULL;
	kfree(llc);
}

void smcr_llc_get_stats(const struct smcr_link *lnk, struct smcr_llc_stats *st)
{
	const struct smcr_llc *llc = lnk->llc;

	memset(st, 0, sizeof(*st));
	if (!llc)
		return;
	st->rx_requests = atomic64_read(&llc->cnt.rx_requests);
	st->rx_responses = atomic64_read(&llc->cnt.rx_responses);
	st->rx_malformed = atomic64_read(&llc->cnt.rx_malformed);
	st->rx_unexpected = atomic64_read(&llc->cnt.rx_unexpected);
	st->rx_dropped = atomic64_read(&llc->cnt.rx_dropped);
	st->tl_sent = atomic64_read(&llc->cnt.tl_sent);
	st->tl_answered = atomic64_read(&llc->cnt.tl_answered);
	st->tl_echoed = atomic64_read(&llc->cnt.tl_echoed);
	st->add_link_rejected = atomic64_read(&llc->cnt.add_link_rejected);
	st->rkey_answered = atomic64_read(&llc->cnt.rkey_answered);
	st->req_add_link_answered = atomic64_read(&llc->cnt.req_add_link_answered);
	st->delete_link_rcvd = atomic64_read(&llc->cnt.delete_link_rcvd);
}
