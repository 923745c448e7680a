// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: CDC messages of an SMC-R connection — sending (with the completion that gives send buffer
 * space back), receiving (cursor checks, flow control, urgent data, close flags) — and the start,
 * kill and lock-release hooks of a connection. See data.h for the locking rules.
 *
 * Every cursor the peer sends is vetted with smcr_curs_check() before anything is derived from
 * it: a cursor beyond the ring, moving backwards by more than a failover rewind, jumping by more
 * than one lap, or a producer cursor that would overwrite data we have not read, aborts this
 * connection (ECONNABORTED, abort CDC to the peer). Stale cursors are ignored, as upstream does.
 */
#define pr_fmt(fmt) "smcr: " fmt

#include <linux/workqueue.h>
#include <net/sock.h>

#include "data.h"
#include "inject.h"
#include "mib.h"

#define SMCR_CDC_TOKEN_OFF	4	/* the alert token's offset in a CDC */

struct workqueue_struct *smcr_dp_wq;

/* ---- send ------------------------------------------------------------------------------------ */

/*
 * Completion of a CDC send (wr.c, softirq). RC send queues complete in order, and the RDMA
 * WRITEs posted before this CDC are done: the send buffer up to the tx_sent recorded for it can
 * be reused.
 */
static void smcr_cdc_tx_done(struct smcr_link *lnk, struct smcr_wr_tx_slot *slot,
			     enum ib_wc_status status, void *ctx)
{
	struct smcr_cdc_pend *pend = ctx;
	struct smcr_sock *smc = pend->smc;
	struct smcr_conn *conn = &smc->conn;
	struct sock *sk = &smc->sk;
	unsigned int idx = pend - conn->pend;
	bool freed, last;

	bh_lock_sock(sk);
	spin_lock(&conn->send_lock);
	freed = smcr_dp_test(conn, SMCR_DP_FREED);
	if (status == IB_WC_SUCCESS && !freed) {
		u32 len = conn->sndbuf->len;

		if (smcr_curs_ahead(len, &conn->tx_fin, &pend->sent)) {
			atomic_add(smcr_curs_diff(len, &conn->tx_fin, &pend->sent),
				   &conn->sndbuf_space);
			conn->tx_fin = pend->sent;
		}
	}
	pend->smc = NULL;
	clear_bit(idx, &conn->pend_used);
	spin_unlock(&conn->send_lock);

	last = atomic_dec_and_test(&conn->cdc_pend);
	if (!freed && status == IB_WC_SUCCESS) {
		/* autocorked data and CDCs that found no free pend entry go out now */
		if (last || smcr_dp_test(conn, SMCR_DP_CDC_WANTED)) {
			smcr_mib_inc(sock_net(sk), SMCR_MIB_TX_COMPL_PUSH);
			smcr_tx_kick(smc);
		}
		smcr_tx_sndbuf_nonfull(smc);
	}
	if (last)
		wake_up_all(&conn->cdc_pend_wq);
	bh_unlock_sock(sk);
	sock_put(sk);	/* the reference of this CDC */
}

/**
 * smcr_cdc_msg_send() - post a CDC with the connection's current state
 * @smc: socket; conn->send_lock held
 * @slot: a send slot from smcr_wr_tx_get_slot(); consumed (sent or given back) in any case
 * @buf: the slot's buffer
 * @ch: RDMA WRITEs to post ahead of the CDC, or NULL; consumed (posted or dropped) in any case
 *
 * Return: 0, -EBUSY if SMCR_CDC_PEND_MAX CDCs of this connection are in flight, -EPIPE if the
 * connection is gone, or the error of smcr_wr_tx_send().
 */
int smcr_cdc_msg_send(struct smcr_sock *smc, struct smcr_wr_tx_slot *slot, u8 *buf,
		      struct smcr_wr_chain *ch)
{
	struct smcr_conn *conn = &smc->conn;
	struct smcr_cdc_msg msg = {};
	u32 wire_len = SMCR_CDC_MSG_LEN;
	struct smcr_cdc_pend *pend;
	unsigned int idx;
	int rc;

	lockdep_assert_held(&conn->send_lock);
	if (smcr_dp_test(conn, SMCR_DP_FREED) || READ_ONCE(conn->killed) ||
	    smcr_dp_test(conn, SMCR_DP_ABORT_SENT)) {
		if (ch)
			smcr_wr_chain_drop(conn->lnk, ch);
		smcr_wr_tx_put_slot(conn->lnk, slot);
		return -EPIPE;
	}
	idx = find_first_zero_bit(&conn->pend_used, SMCR_CDC_PEND_MAX);
	if (idx >= SMCR_CDC_PEND_MAX) {
		if (ch)
			smcr_wr_chain_drop(conn->lnk, ch);
		smcr_wr_tx_put_slot(conn->lnk, slot);
		set_bit(SMCR_DP_CDC_WANTED, &conn->dp_flags);	/* a completion retries */
		return -EBUSY;
	}

	msg.seqno = conn->tx_seqno;
	msg.token = conn->peer_token;
	msg.prod = conn->tx_prod;
	msg.cons = conn->rx_cons;
	msg.prod_flags = conn->local_tx_flags & SMCR_CDC_PROD_FLAGS_MASK;
	msg.conn_state_flags = conn->local_tx_state & SMCR_CDC_CONN_STATE_MASK;
	if (smcr_inject_armed())	/* test facility (inject.c): a hostile peer's CDC */
		wire_len = smcr_inject_cdc(conn, &msg);
	rc = smcr_cdc_encode(&msg, buf, SMCR_WR_BUF_SIZE);
	if (WARN_ON_ONCE(rc != SMCR_CDC_MSG_LEN)) {
		if (ch)
			smcr_wr_chain_drop(conn->lnk, ch);
		smcr_wr_tx_put_slot(conn->lnk, slot);
		return -EINVAL;
	}

	pend = &conn->pend[idx];
	pend->smc = smc;
	pend->sent = conn->tx_sent;
	set_bit(idx, &conn->pend_used);
	sock_hold(&smc->sk);
	atomic_inc(&conn->cdc_pend);
	rc = smcr_wr_tx_send_chain(conn->lnk, slot, wire_len, smcr_cdc_tx_done, pend, ch);
	if (rc) {
		/* not posted: wr.c released the slot, the completion will not run */
		pend->smc = NULL;
		clear_bit(idx, &conn->pend_used);
		atomic_dec(&conn->cdc_pend);
		sock_put(&smc->sk);	/* not the last one: the caller holds the socket */
		return rc;
	}

	smcr_mib_inc(sock_net(&smc->sk), SMCR_MIB_CDC_TX);
	conn->tx_seqno++;
	conn->rx_cons_sent = conn->rx_cons;
	clear_bit(SMCR_DP_CDC_WANTED, &conn->dp_flags);
	if (conn->local_tx_flags & SMCR_CDC_URG_DATA_PRESENT)
		conn->local_tx_flags &= ~(SMCR_CDC_URG_DATA_PRESENT | SMCR_CDC_URG_DATA_PENDING);
	if (conn->local_tx_state & SMCR_CDC_PEER_CONN_ABORT)
		set_bit(SMCR_DP_ABORT_SENT, &conn->dp_flags);
	return 0;
}

/**
 * smcr_cdc_send() - send a CDC now (consumer cursor update, state flags), with pending data
 * @smc: socket
 * @may_sleep: process context: may wait for a free send slot
 *
 * Data prepared in the send buffer goes along (a push), so the CDC carries the newest producer
 * cursor. If it cannot go now, SMCR_DP_CDC_WANTED makes a later push send it.
 *
 * Return: 0 or a negative errno.
 */
int smcr_cdc_send(struct smcr_sock *smc, bool may_sleep)
{
	set_bit(SMCR_DP_CDC_WANTED, &smc->conn.dp_flags);
	return smcr_tx_push(smc, may_sleep);
}

/* Wait until the completions of all CDCs of @smc have run (before its buffers are reused). */
void smcr_cdc_wait_pend(struct smcr_sock *smc)
{
	struct smcr_conn *conn = &smc->conn;
	int rounds = 0;

	while (atomic_read(&conn->cdc_pend)) {
		if (wait_event_timeout(conn->cdc_pend_wq, !atomic_read(&conn->cdc_pend), 10 * HZ))
			break;
		if (READ_ONCE(conn->killed) && ++rounds >= 1) {
			/* the link is gone and its send queue was not flushed to us: give up */
			pr_warn_ratelimited("connection %08x: %d CDC completions lost\n",
					    conn->token, atomic_read(&conn->cdc_pend));
			break;
		}
		pr_warn_ratelimited("connection %08x: waiting for %d CDC completions\n",
				    conn->token, atomic_read(&conn->cdc_pend));
	}
}

/* ---- receive ------------------------------------------------------------------------------- */

/* What a received CDC asks for, decided under send_lock and acted upon after it. */
struct smcr_cdc_rx_acts {
	bool data_ready;	/* new data: wake readers */
	bool sigurg;		/* urgent data arrived */
	bool push;		/* peer space grew or a CDC is wanted */
	bool write_space;	/* urgent byte confirmed: writers may go on */
	bool state;		/* new connection-state flags: close machinery */
	bool violation;		/* protocol violation: abort */
};

/* Urgent data arrived with the producer cursor @prod; @adv bytes are new. [send_lock] */
static void smcr_cdc_urg_arrival(struct smcr_sock *smc, const struct smcr_cursor *prod, u32 *adv)
{
	struct smcr_conn *conn = &smc->conn;
	u32 len = conn->rmb->len;
	u32 pos = prod->count ? prod->count - 1 : len - 1;
	u8 *base = conn->rmb->cpu_addr;

	/* an urgent byte that was waiting to be skipped becomes ordinary data (TCP does so) */
	if (conn->urg_state & SMCR_URG_SKIP)
		atomic_inc(&conn->bytes_to_rcv);
	ib_dma_sync_single_for_cpu(conn->lnk->dev->ibdev, conn->rmb->dma_addr + pos, 1,
				   DMA_BIDIRECTIONAL);
	conn->urg_rx_byte = READ_ONCE(base[pos]);
	conn->urg_curs = *prod;
	if (sock_flag(&smc->sk, SOCK_URGINLINE)) {
		conn->urg_state = SMCR_URG_VALID;
	} else {
		conn->urg_state = SMCR_URG_VALID | SMCR_URG_SKIP;
		(*adv)--;	/* the urgent byte is not ordinary data */
	}
}

/* Apply a CDC message to the connection. [bh_lock_sock, takes send_lock] */
static void smcr_cdc_rx_apply(struct smcr_sock *smc, const struct smcr_cdc_msg *msg,
			      struct smcr_cdc_rx_acts *acts)
{
	struct smcr_conn *conn = &smc->conn;
	struct smcr_cursor prod = msg->prod, cons = msg->cons;
	enum smcr_curs_verdict v;
	u32 adv_prod = 0, adv_cons = 0;
	u32 rmb_len;
	u8 new_state;

	spin_lock(&conn->send_lock);
	if (smcr_dp_test(conn, SMCR_DP_FREED) || !conn->rmb ||
	    smcr_dp_test(conn, SMCR_DP_LOCAL_ABORT))
		goto out;
	rmb_len = conn->rmb->len;

	if (smcr_cdc_is_validation(msg)) {
		/* failover check of the peer: only the sequence number means anything */
		if (!smcr_cdc_seq_validation_ok(conn->rx_seqno, msg->seqno))
			acts->violation = true;
		goto out;
	}
	if (smcr_cdc_seq_is_old(msg->seqno, conn->rx_seqno)) {
		smcr_mib_inc(sock_net(&smc->sk), SMCR_MIB_CDC_OLDSEQ);
		goto out;
	}

	/* producer cursor: how far the peer has written into our RMB */
	v = smcr_curs_check(rmb_len, &conn->rx_prod, &prod, &adv_prod);
	if (smcr_curs_is_violation(v))
		goto violation;
	if (v == SMCR_CURS_OK && adv_prod) {
		/* never more than one RMB ahead of what we have read */
		if (smcr_curs_check(rmb_len, &conn->rx_cons, &prod, NULL) != SMCR_CURS_OK)
			goto violation;
		smcr_curs_add(rmb_len, &prod, 0);	/* {w, len} -> {w + 1, 0} */
	}

	/* consumer cursor: how far the peer has read the data we wrote into its RMBE */
	if (!smcr_dp_test(conn, SMCR_DP_STARTED) || !conn->peer_rmbe_size) {
		/* we have not sent anything yet: the peer cannot have consumed anything */
		if (cons.wrap != conn->tx_peer_cons.wrap || cons.count != conn->tx_peer_cons.count)
			goto violation;
	} else {
		v = smcr_curs_check(conn->peer_rmbe_size, &conn->tx_peer_cons, &cons, &adv_cons);
		if (smcr_curs_is_violation(v))
			goto violation;
		if (v == SMCR_CURS_OK && adv_cons) {
			/* it cannot have read more than we wrote */
			if (smcr_curs_check(conn->peer_rmbe_size, &cons, &conn->tx_prod, NULL) !=
			    SMCR_CURS_OK)
				goto violation;
			smcr_curs_add(conn->peer_rmbe_size, &cons, 0);
		}
	}

	/* the message is good: take it */
	conn->rx_seqno = msg->seqno;
	conn->peer_rx_flags = msg->prod_flags;
	new_state = msg->conn_state_flags & ~conn->peer_rx_state;
	if (new_state) {
		WRITE_ONCE(conn->peer_rx_state, conn->peer_rx_state | new_state);
		acts->state = true;
	}

	if (adv_cons) {
		int space = atomic_read(&conn->peer_rmbe_space) + adv_cons;

		conn->tx_peer_cons = cons;
		atomic_set(&conn->peer_rmbe_space, min_t(int, space, conn->peer_rmbe_size));
		acts->push = true;
		if (smcr_dp_test(conn, SMCR_DP_URG_TX_PEND) &&
		    !(conn->local_tx_flags & SMCR_CDC_URG_DATA_PENDING) &&
		    atomic_read(&conn->peer_rmbe_space) == conn->peer_rmbe_size) {
			/* the peer read everything up to our urgent byte: more may follow */
			clear_bit(SMCR_DP_URG_TX_PEND, &conn->dp_flags);
			acts->write_space = true;
		}
	}

	if (adv_prod) {
		conn->rx_prod = prod;
		if (msg->prod_flags & SMCR_CDC_URG_DATA_PRESENT) {
			smcr_cdc_urg_arrival(smc, &prod, &adv_prod);
			acts->sigurg = true;
		}
		atomic_add(adv_prod, &conn->bytes_to_rcv);
		acts->data_ready = true;
	} else if (msg->prod_flags & (SMCR_CDC_WRITE_BLOCKED | SMCR_CDC_CONS_CURS_UPD_REQ |
				      SMCR_CDC_URG_DATA_PENDING)) {
		if ((msg->prod_flags & SMCR_CDC_URG_DATA_PENDING) &&
		    (conn->urg_state & SMCR_URG_STATE_MASK) != SMCR_URG_VALID)
			conn->urg_state = SMCR_URG_NOTYET | (conn->urg_state & SMCR_URG_SKIP);
		/* the peer wants our consumer cursor now */
		set_bit(SMCR_DP_CDC_WANTED, &conn->dp_flags);
		acts->push = true;
	}
	goto out;

violation:
	acts->violation = true;
out:
	spin_unlock(&conn->send_lock);
}

/* Is anyone waiting on @sk (for the wake-up counters)? */
static bool smcr_sk_has_sleeper(struct sock *sk)
{
	bool ret;

	rcu_read_lock();
	ret = skwq_has_sleeper(rcu_dereference(sk->sk_wq));
	rcu_read_unlock();
	return ret;
}

/* A CDC for @smc arrived. [softirq, bh_lock_sock held] */
static void smcr_cdc_rx_msg(struct smcr_sock *smc, const struct smcr_cdc_msg *msg)
{
	struct smcr_cdc_rx_acts acts = {};
	struct smcr_conn *conn = &smc->conn;
	struct sock *sk = &smc->sk;

	if (READ_ONCE(conn->killed))
		return;
	smcr_cdc_rx_apply(smc, msg, &acts);

	if (acts.violation) {
		smcr_mib_inc(sock_net(sk), SMCR_MIB_CDC_PROTOERR);
		smcr_close_abort_local(smc);
		return;
	}
	smcr_mib_inc(sock_net(sk), SMCR_MIB_CDC_RX);
	if (acts.sigurg)
		sk_send_sigurg(sk);
	if (acts.data_ready) {
		if (smcr_sk_has_sleeper(sk))
			smcr_mib_inc(sock_net(sk), SMCR_MIB_RX_WAKE);
		sk->sk_data_ready(sk);
	}
	if (acts.push && smcr_dp_test(conn, SMCR_DP_STARTED)) {
		smcr_tx_kick(smc);
		smcr_close_wake_tx(smc);
	}
	if (acts.write_space)
		sk->sk_write_space(sk);
	if (acts.state) {
		/* as TCP: EOF and the reset are seen at once unless the user holds the socket */
		if (!sock_owned_by_user(sk))
			smcr_close_note_peer(smc);
		smcr_dp_queue(smc, &conn->close_work);
		sk->sk_data_ready(sk);
		sk->sk_write_space(sk);
		sk->sk_state_change(sk);
	}
}

/* A malformed CDC of @len bytes for the connection with token @token: abort it. [softirq] */
static void smcr_cdc_rx_bad(struct smcr_link *lnk, u32 token, u32 len)
{
	struct smcr_sock *smc = smcr_lgr_find_conn(lnk->lgr, token);

	if (!smc) {
		smcr_mib_inc(lnk->lgr->net, SMCR_MIB_CDC_NOCONN);
		return;
	}
	pr_warn_ratelimited("connection %08x: malformed CDC (%u bytes)\n", token, len);
	bh_lock_sock(&smc->sk);
	if (!READ_ONCE(smc->conn.killed) &&
	    !test_bit(SMCR_DP_LOCAL_ABORT, &smc->conn.dp_flags)) {
		smcr_mib_inc(lnk->lgr->net, SMCR_MIB_CDC_PROTOERR);
		smcr_close_abort_local(smc);
	}
	bh_unlock_sock(&smc->sk);
	sock_put(&smc->sk);	/* smcr_lgr_find_conn()'s */
}

/**
 * smcr_cdc_rx() - a CDC message arrived on @lnk (wr.c, softirq)
 * @lnk: the link
 * @buf: the received bytes
 * @len: their number
 */
void smcr_cdc_rx(struct smcr_link *lnk, const u8 *buf, u32 len)
{
	struct smcr_cdc_msg msg;
	struct smcr_sock *smc;
	struct net *net = lnk->lgr->net;

	/*
	 * Every CDC is exactly 44 bytes (Linux's receive path takes 26..44; every sender, Linux
	 * included, sends 44). A malformed one that still names one of our connections aborts
	 * that connection: its cursors cannot be trusted any more.
	 */
	if (len != SMCR_CDC_MSG_LEN || smcr_cdc_decode(buf, len, &msg)) {
		smcr_mib_inc(net, SMCR_MIB_CDC_BADMSG);
		if (len >= SMCR_CDC_TOKEN_OFF + 4)
			smcr_cdc_rx_bad(lnk, smcr_get_be32(buf + SMCR_CDC_TOKEN_OFF), len);
		return;
	}
	smc = smcr_lgr_find_conn(lnk->lgr, msg.token);
	if (!smc) {
		/* also legitimate: a late CDC for a connection we gave back already */
		smcr_mib_inc(net, SMCR_MIB_CDC_NOCONN);
		pr_debug("link %*phN: CDC for unknown token %08x dropped\n", 4, lnk->link_uid,
			 msg.token);
		return;
	}
	bh_lock_sock(&smc->sk);
	smcr_cdc_rx_msg(smc, &msg);
	bh_unlock_sock(&smc->sk);
	sock_put(&smc->sk);	/* smcr_lgr_find_conn()'s */
}

/* ---- connection start, kill, lock release ------------------------------------------------- */

/**
 * smcr_conn_init() - prepare the data path part of a new socket (its connection is not set up)
 * @smc: freshly allocated socket (zeroed)
 *
 * Locks and work items are ready from the start, so a CDC that arrives while the handshake is
 * still finishing (the peer may send as soon as it knows our token) finds them initialised.
 */
void smcr_conn_init(struct smcr_sock *smc)
{
	struct smcr_conn *conn = &smc->conn;

	spin_lock_init(&conn->send_lock);
	init_waitqueue_head(&conn->cdc_pend_wq);
	INIT_WORK(&conn->tx_work, smcr_tx_work);
	INIT_WORK(&conn->close_work, smcr_close_work);
	INIT_DELAYED_WORK(&conn->cons_upd_work, smcr_tx_retry_work);
	INIT_LIST_HEAD(&conn->win_wait.node);
	conn->win_wait.wake = smcr_tx_window_open;
}

/**
 * smcr_conn_start() - the handshake is complete: the connection carries data from now on
 * @smc: socket, lock_sock() held; the handshake fields of its conn are set
 *
 * Return: 0.
 */
int smcr_conn_start(struct smcr_sock *smc)
{
	struct smcr_conn *conn = &smc->conn;
	struct sock *sk = &smc->sk;

	if (WARN_ON_ONCE(!conn->lgr || !conn->sndbuf || !conn->rmb || !conn->peer_rmbe_size))
		return -EINVAL;

	/* receive-side state may already hold what early CDCs brought: keep it */
	spin_lock_bh(&conn->send_lock);
	conn->tx_seqno = 1;	/* upstream's first CDC carries sequence number 1 */
	atomic_set(&conn->peer_rmbe_space, conn->peer_rmbe_size);
	atomic_set(&conn->sndbuf_space, conn->sndbuf->len);
	set_bit(SMCR_DP_STARTED, &conn->dp_flags);
	spin_unlock_bh(&conn->send_lock);

	sock_hold(sk);	/* the connection's reference, dropped by smcr_conn_free() */
	sk->sk_write_space = smcr_tx_write_space;
	WRITE_ONCE(sk->sk_sndbuf, 2 * conn->sndbuf->len);
	WRITE_ONCE(sk->sk_rcvbuf, 2 * conn->rmb->len);
	if (sk->sk_state == SMCR_INIT)
		sk->sk_state = SMCR_ACTIVE;
	smcr_mib_inc(sock_net(sk), SMCR_MIB_CONN_START);
	pr_debug("connection %08x started (peer token %08x, sndbuf %u, rmb %u, peer rmbe %u)\n",
		 conn->token, conn->peer_token, conn->sndbuf->len, conn->rmb->len,
		 conn->peer_rmbe_size);

	/* early CDCs may have asked for our consumer cursor, or closed already */
	if (smcr_dp_test(conn, SMCR_DP_CDC_WANTED))
		smcr_tx_push(smc, false);
	if (READ_ONCE(conn->peer_rx_state) & SMCR_CDC_CONN_STATE_MASK)
		smcr_dp_queue(smc, &conn->close_work);
	return 0;
}

/**
 * smcr_conn_kill() - the link group of @smc went away (lgr.c)
 * @smc: socket (the caller holds a reference)
 * @err: error for the user, ECONNABORTED
 *
 * No CDC is sent any more; the user sees @err; close_work moves the socket to CLOSED and gives
 * the connection back. Any context.
 */
void smcr_conn_kill(struct smcr_sock *smc, int err)
{
	struct smcr_conn *conn = &smc->conn;
	struct sock *sk = &smc->sk;

	if (READ_ONCE(conn->killed))
		return;
	WRITE_ONCE(conn->killed, true);
	if (!sk->sk_err)
		WRITE_ONCE(sk->sk_err, err ? err : ECONNABORTED);
	smcr_dp_queue(smc, &conn->close_work);
	sk->sk_state_change(sk);
	sk->sk_data_ready(sk);
	sk->sk_write_space(sk);
	sk_error_report(sk);
}

/* proto->release_cb: softirq left work for the owner of the socket lock. */
void smcr_release_cb(struct sock *sk)
{
	struct smcr_sock *smc = smcr_sk(sk);
	struct smcr_conn *conn = &smc->conn;

	if (!test_bit(SMCR_DP_STARTED, &conn->dp_flags))
		return;
	if (test_and_clear_bit(SMCR_DP_TX_DEFERRED, &conn->dp_flags))
		smcr_tx_push(smc, false);	/* release_sock() holds the slock: no sleeping */
}

int smcr_dp_init(void)
{
	smcr_dp_wq = alloc_workqueue("smcr_dp", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	return smcr_dp_wq ? 0 : -ENOMEM;
}

void smcr_dp_exit(void)
{
	destroy_workqueue(smcr_dp_wq);
}
