// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: the send side of an SMC-R connection.
 *
 * sendmsg() copies user data into the send buffer ring (tx_prep). A push moves prepared data
 * into the peer's RMBE with one or two RDMA WRITEs (two when the destination ring wraps), each
 * gathering one or two pieces of the send buffer (when the source ring wraps), and then posts a
 * CDC with the new producer cursor; RC ordering makes the data land before the CDC is seen. A push
 * sends at most what the peer has room for and says write_blocked when that was not everything.
 * Send buffer space comes back when the CDC's send completion runs (cdc.c), as upstream.
 *
 * A push also stays inside the link window (wr.c: RDMA WRITE bytes in flight per link, over all
 * its connections). A connection the window holds back waits on the link; the send completion
 * that makes room for it queues its push (smcr_tx_window_wait(), smcr_tx_window_open()).
 *
 * Pushes are deferred while the socket is corked (MSG_MORE, TCP_CORK) and the send buffer has
 * room, and autocorked while a CDC is in flight, little data is prepared (net.smc.
 * autocorking_size), TCP_NODELAY is off and the peer has not yet read all we wrote: the
 * completion of that CDC pushes (smcr_tx_autocork()). Uncorking pushes at once.
 */
#define pr_fmt(fmt) "smcr: " fmt

#include <linux/bvec.h>
#include <linux/sched/signal.h>
#include <linux/tcp.h>
#include <linux/uio.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "data.h"
#include "mib.h"
#include "stats.h"
#include "sysctl.h"

/* ---- write space --------------------------------------------------------------------------- */

/* TCP's "writable" (sk_stream_is_writeable): free space >= half of what is queued. */
bool smcr_tx_writable(const struct smcr_conn *conn)
{
	const struct smcr_buf *sndbuf = READ_ONCE(conn->sndbuf);
	u32 space = atomic_read(&conn->sndbuf_space);

	if (!sndbuf)
		return true;
	if (smcr_dp_test(conn, SMCR_DP_URG_TX_PEND))
		return false;
	return space && 3ULL * space >= sndbuf->len;
}

/* sk->sk_write_space of an SMC-R socket (as sk_stream_write_space, with our writability). */
void smcr_tx_write_space(struct sock *sk)
{
	struct smcr_sock *smc = smcr_sk(sk);
	struct socket *sock = sk->sk_socket;
	struct socket_wq *wq;

	if (!sock || !smcr_tx_writable(&smc->conn))
		return;
	clear_bit(SOCK_NOSPACE, &sock->flags);
	rcu_read_lock();
	wq = rcu_dereference(sk->sk_wq);
	if (skwq_has_sleeper(wq)) {
		smcr_mib_inc(sock_net(sk), SMCR_MIB_TX_WAKE);
		wake_up_interruptible_poll(&wq->wait, EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND);
	}
	if (wq && wq->fasync_list && !(sk->sk_shutdown & SEND_SHUTDOWN))
		sock_wake_async(wq, SOCK_WAKE_SPACE, POLL_OUT);
	rcu_read_unlock();
}

/* Send buffer space came back: wake writers that found it full. */
void smcr_tx_sndbuf_nonfull(struct smcr_sock *smc)
{
	struct socket *sock = smc->sk.sk_socket;

	if (sock && test_bit(SOCK_NOSPACE, &sock->flags))
		smc->sk.sk_write_space(&smc->sk);
}

/* ---- push: RDMA WRITEs and the CDC --------------------------------------------------------- */

/* The least a push writes into a part-open link window (unless that is all there is to send). */
#define SMCR_TX_WINDOW_MIN	(16 * 1024)

/* How much of @len the link window lets go now: @len, less, or 0. */
static u32 smcr_tx_window_allows(struct smcr_conn *conn, u32 len)
{
	u32 win = smcr_wr_tx_window(conn->lnk);

	if (win >= len)
		return len;
	return win >= SMCR_TX_WINDOW_MIN ? win : 0;
}

/*
 * Write what the peer has room for, advancing tx_sent/tx_prod per WRITE added to @ch (posted with
 * the CDC that must follow). [send_lock]
 * Sets *@again when the send queue was full (retry later), *@win_want to what the link window
 * held back (wait for it).
 * Return: bytes written, or a negative errno when nothing could be written.
 */
static int smcr_tx_rdma_writes(struct smcr_sock *smc, bool *again, u32 *win_want,
			       struct smcr_wr_chain *ch)
{
	struct smcr_conn *conn = &smc->conn;
	u32 sb_len = conn->sndbuf->len, rl = conn->peer_rmbe_size;
	u32 to_send = smcr_tx_prepared(conn);
	int space = atomic_read(&conn->peer_rmbe_space);
	u32 lkey, len, allowed, done = 0, src, dst;
	struct ib_sge sge[2];
	bool inl;
	int rc;

	if (!to_send)
		return 0;
	if (space <= 0) {
		conn->local_tx_flags |= SMCR_CDC_WRITE_BLOCKED;
		smcr_stat_rmb(sock_net(&smc->sk), false, SMCR_RMB_FULL_PEER);
		return 0;
	}
	len = min_t(u32, to_send, space);
	if (to_send >= (u32)space)
		conn->local_tx_flags |= SMCR_CDC_WRITE_BLOCKED;	/* ask for an update */
	else
		conn->local_tx_flags &= ~SMCR_CDC_WRITE_BLOCKED;
	allowed = smcr_tx_window_allows(conn, len);
	if (!allowed) {
		*win_want = len;
		return 0;
	}
	len = allowed;

	lkey = smcr_link_local_lkey(conn->lnk);
	inl = len <= smcr_wr_tx_inline_max(conn->lnk);
	while (done < len) {
		/* one WRITE per contiguous piece of the destination ring (at most two) */
		u32 dlen, got = 0;
		int n = 0;

		src = conn->tx_sent.count;
		dst = conn->tx_prod.count;
		dlen = min(len - done, rl - dst);
		while (got < dlen && n < 2) {
			/* one SGE per contiguous piece of the send buffer (at most two) */
			u32 slen = min(dlen - got, sb_len - src);

			/* inline: the device copies from our mapping when the WRITE is posted */
			sge[n].addr = inl ? (uintptr_t)conn->sndbuf->cpu_addr + src :
					    conn->sndbuf->dma_addr + src;
			sge[n].length = slen;
			sge[n].lkey = lkey;
			n++;
			got += slen;
			src += slen;
			if (src >= sb_len)
				src = 0;
		}
		if (WARN_ON_ONCE(got != dlen))
			return done ? done : -EINVAL;
		rc = smcr_wr_rdma_write(conn->lnk, ch, sge, n, conn->peer_rmb_addr + dst,
					conn->peer_rkey, inl);
		if (rc == -EAGAIN) {
			*again = true;
			break;
		}
		if (rc)
			return done ? done : rc;
		smcr_mib_inc(sock_net(&smc->sk), SMCR_MIB_RDMA_WRITE);
		smcr_curs_add(rl, &conn->tx_prod, dlen);
		smcr_curs_add(sb_len, &conn->tx_sent, dlen);
		atomic_sub(dlen, &conn->peer_rmbe_space);
		done += dlen;
	}
	if (done && done == to_send && smcr_dp_test(conn, SMCR_DP_URG_TX_PEND) &&
	    (conn->local_tx_flags & SMCR_CDC_URG_DATA_PENDING))
		/* the last byte written is the urgent one */
		conn->local_tx_flags |= SMCR_CDC_URG_DATA_PRESENT;
	return done;
}

/* Is there anything for a push to do? [send_lock] */
static bool smcr_tx_push_needed(const struct smcr_conn *conn)
{
	u32 prepared = smcr_tx_prepared(conn);

	if (smcr_dp_test(conn, SMCR_DP_CDC_WANTED))
		return true;
	if (prepared && atomic_read(&conn->peer_rmbe_space) > 0)
		return true;
	return !prepared && (smcr_dp_test(conn, SMCR_DP_DONE_PEND) ||
			     smcr_dp_test(conn, SMCR_DP_CLOSE_PEND));
}

/* Retry a push later, from process context. */
static void smcr_tx_retry_later(struct smcr_sock *smc, unsigned long delay)
{
	struct smcr_conn *conn = &smc->conn;

	if (READ_ONCE(conn->killed) || smcr_dp_test(conn, SMCR_DP_FREED))
		return;
	smcr_mib_inc(sock_net(&smc->sk), SMCR_MIB_TX_RETRY);
	sock_hold(&smc->sk);
	if (!queue_delayed_work(smcr_dp_wq, &conn->cons_upd_work, delay))
		sock_put(&smc->sk);
}

/* A push could not get a send slot: try again from process context. */
static void smcr_tx_retry(struct smcr_sock *smc, bool from_work)
{
	struct smcr_conn *conn = &smc->conn;

	if (READ_ONCE(conn->killed) || smcr_dp_test(conn, SMCR_DP_FREED))
		return;
	if (!from_work)
		smcr_mib_inc(sock_net(&smc->sk), SMCR_MIB_TX_RETRY);
	if (!from_work)
		smcr_dp_queue(smc, &conn->tx_work);	/* may wait for a slot */
	else
		smcr_tx_retry_later(smc, SMCR_TX_RETRY_DELAY);
}

/* wr.c: the link window has room for @w's connection again. [sq_lock] */
void smcr_tx_window_open(struct smcr_wr_win_waiter *w)
{
	struct smcr_conn *conn = container_of(w, struct smcr_conn, win_wait);

	/* the waiter's reference goes to the work; a work already queued holds its own */
	if (mod_delayed_work(smcr_dp_wq, &conn->cons_upd_work, 0))
		sock_put(&smcr_conn_sock(conn)->sk);
}

/*
 * The link window has less room than @want bytes of this connection can use: wait on the link
 * for a completion that makes room, holding a socket reference until then.
 */
static void smcr_tx_window_wait(struct smcr_sock *smc, u32 want)
{
	struct smcr_conn *conn = &smc->conn;
	int rc = -EPIPE;

	smcr_mib_inc(sock_net(&smc->sk), SMCR_MIB_TX_LINK_WINDOW);
	sock_hold(&smc->sk);
	/* under send_lock: smcr_conn_free() sets FREED there before it cancels the wait */
	spin_lock_bh(&conn->send_lock);
	if (!smcr_dp_test(conn, SMCR_DP_FREED) && !READ_ONCE(conn->killed))
		rc = smcr_wr_tx_window_wait(conn->lnk, &conn->win_wait, want,
					    min_t(u32, want, SMCR_TX_WINDOW_MIN));
	spin_unlock_bh(&conn->send_lock);
	if (rc <= 0)
		sock_put(&smc->sk);	/* not waiting, or waiting already: not the last one */
	if (rc == -EAGAIN)		/* room came meanwhile, or the link is going */
		smcr_tx_retry_later(smc, 0);
}

/* Cancel a wait for the link window (the connection is being freed). */
void smcr_tx_window_cancel(struct smcr_sock *smc)
{
	if (smc->conn.lnk && smcr_wr_tx_window_cancel(smc->conn.lnk, &smc->conn.win_wait))
		sock_put(&smc->sk);	/* the waiter's; the caller holds another */
}

/**
 * smcr_tx_push() - write prepared data to the peer and send a CDC
 * @smc: socket
 * @may_sleep: process context: wait for a free send slot (else: retry from a work item)
 *
 * Sends a CDC when data was written, when one is wanted (SMCR_DP_CDC_WANTED), or when deferred
 * close flags became due (all data pushed). One pusher at a time (send_lock).
 *
 * Return: 0 or a negative errno.
 */
int smcr_tx_push(struct smcr_sock *smc, bool may_sleep)
{
	struct smcr_conn *conn = &smc->conn;
	struct smcr_wr_chain ch = {};
	struct smcr_wr_tx_slot *slot;
	bool drained = false, again = false;
	u32 win_want = 0;
	int rc, written;
	u8 *buf;

	if (!smcr_dp_test(conn, SMCR_DP_STARTED) || smcr_dp_test(conn, SMCR_DP_FREED) ||
	    READ_ONCE(conn->killed) || smcr_dp_test(conn, SMCR_DP_ABORT_SENT))
		return -EPIPE;

	spin_lock_bh(&conn->send_lock);
	rc = smcr_tx_push_needed(conn);
	if (rc && !smcr_dp_test(conn, SMCR_DP_CDC_WANTED) && smcr_tx_prepared(conn)) {
		/* only data to write: with the link window shut, no slot to take yet */
		u32 want = min_t(u32, smcr_tx_prepared(conn),
				 max(atomic_read(&conn->peer_rmbe_space), 0));

		if (!smcr_tx_window_allows(conn, want))
			win_want = want;
	}
	spin_unlock_bh(&conn->send_lock);
	if (!rc)
		return 0;
	if (win_want) {
		smcr_tx_window_wait(smc, win_want);
		return 0;
	}

	rc = smcr_wr_tx_get_slot(conn->lnk, &slot, &buf, may_sleep);
	if (rc) {
		set_bit(SMCR_DP_CDC_WANTED, &conn->dp_flags);
		smcr_tx_retry(smc, may_sleep);
		return rc;
	}

	spin_lock_bh(&conn->send_lock);
	if (smcr_dp_test(conn, SMCR_DP_FREED) || READ_ONCE(conn->killed)) {
		spin_unlock_bh(&conn->send_lock);
		smcr_wr_tx_put_slot(conn->lnk, slot);
		return -EPIPE;
	}
	if (find_first_zero_bit(&conn->pend_used, SMCR_CDC_PEND_MAX) >= SMCR_CDC_PEND_MAX) {
		/* as many CDCs in flight as we can track: their completion pushes */
		set_bit(SMCR_DP_CDC_WANTED, &conn->dp_flags);
		spin_unlock_bh(&conn->send_lock);
		smcr_wr_tx_put_slot(conn->lnk, slot);
		return 0;
	}
	written = smcr_tx_rdma_writes(smc, &again, &win_want, &ch);
	if (written < 0) {
		spin_unlock_bh(&conn->send_lock);
		smcr_wr_chain_drop(conn->lnk, &ch);
		smcr_wr_tx_put_slot(conn->lnk, slot);
		pr_warn_ratelimited("connection %08x: RDMA WRITE failed: %d\n", conn->token,
				    written);
		smcr_close_abort_local(smc);
		return written;
	}
	if (!smcr_tx_prepared(conn)) {
		drained = true;
		/* close flags wait for the last data */
		if (test_and_clear_bit(SMCR_DP_DONE_PEND, &conn->dp_flags)) {
			conn->local_tx_state |= SMCR_CDC_PEER_DONE_WRITING;
			set_bit(SMCR_DP_CDC_WANTED, &conn->dp_flags);
		}
		if (test_and_clear_bit(SMCR_DP_CLOSE_PEND, &conn->dp_flags)) {
			conn->local_tx_state |= SMCR_CDC_PEER_CONN_CLOSED;
			set_bit(SMCR_DP_CDC_WANTED, &conn->dp_flags);
		}
	}
	if (!written && !smcr_dp_test(conn, SMCR_DP_CDC_WANTED)) {
		spin_unlock_bh(&conn->send_lock);
		smcr_wr_chain_drop(conn->lnk, &ch);	/* empty: nothing was written */
		smcr_wr_tx_put_slot(conn->lnk, slot);
		if (win_want)
			smcr_tx_window_wait(smc, win_want);
		else if (again)	/* send queue full of other WRITEs: soon again */
			smcr_tx_retry_later(smc, 1);
		return 0;
	}
	rc = smcr_cdc_msg_send(smc, slot, buf, &ch);
	if (!rc && written > 0)
		smcr_mib_inc(sock_net(&smc->sk), SMCR_MIB_CDC_TX_DATA);
	if (rc && rc != -EBUSY && rc != -EPIPE)
		set_bit(SMCR_DP_CDC_WANTED, &conn->dp_flags);
	spin_unlock_bh(&conn->send_lock);

	if (rc && rc != -EBUSY && rc != -EPIPE)
		smcr_tx_retry(smc, may_sleep);
	else if (win_want)
		smcr_tx_window_wait(smc, win_want);
	else if (again)
		smcr_tx_retry_later(smc, 1);
	if (drained)
		smcr_close_wake_tx(smc);
	return rc == -EBUSY ? 0 : rc;
}

/* Push from softirq (bh_lock_sock held): not while the user owns the socket (release_cb). */
void smcr_tx_kick(struct smcr_sock *smc)
{
	if (sock_owned_by_user(&smc->sk))
		set_bit(SMCR_DP_TX_DEFERRED, &smc->conn.dp_flags);
	else
		smcr_tx_push(smc, false);
}

static void smcr_tx_push_locked(struct smcr_sock *smc)
{
	struct smcr_conn *conn = &smc->conn;

	lock_sock(&smc->sk);
	if (smcr_dp_test(conn, SMCR_DP_STARTED) && !smcr_dp_test(conn, SMCR_DP_FREED) &&
	    !READ_ONCE(conn->killed))
		smcr_tx_push(smc, true);
	release_sock(&smc->sk);
	sock_put(&smc->sk);	/* the work's reference */
}

/* Push from process context (softirq had no free send slot). */
void smcr_tx_work(struct work_struct *work)
{
	smcr_tx_push_locked(smcr_conn_sock(container_of(work, struct smcr_conn, tx_work)));
}

/* Delayed retry of a push that found no free send slot even after waiting. */
void smcr_tx_retry_work(struct work_struct *work)
{
	struct smcr_conn *conn = container_of(to_delayed_work(work), struct smcr_conn,
					      cons_upd_work);

	smcr_tx_push_locked(smcr_conn_sock(conn));
}

/* ---- sendmsg ------------------------------------------------------------------------------- */

static bool smcr_tx_corked(const struct smcr_sock *smc)
{
	const struct socket *clc = smc->clcsock;

	return clc && clc->sk && (tcp_sk(clc->sk)->nonagle & TCP_NAGLE_CORK);
}

static bool smcr_tx_nodelay(const struct smcr_sock *smc)
{
	const struct socket *clc = smc->clcsock;

	return clc && clc->sk && (tcp_sk(clc->sk)->nonagle & TCP_NAGLE_OFF);
}

/*
 * Autocorking: leave a small send in the buffer while a CDC is in flight; that CDC's completion
 * pushes what gathered meanwhile. An RC send completes only when the peer acknowledged it, so
 * this holds data for up to a round trip: it is Nagle's algorithm more than TCP's autocorking,
 * and we treat it so (upstream corks in every case):
 *  - TCP_NODELAY turns it off, as it turns off Nagle for TCP;
 *  - if the peer has already read everything we wrote (its last CDC said so), the CDC in flight
 *    is no stream to join: a reply in a request/response exchange goes at once.
 * [send_lock]
 */
static bool smcr_tx_autocork(const struct smcr_sock *smc, u32 limit)
{
	const struct smcr_conn *conn = &smc->conn;

	if (!limit || !atomic_read(&conn->cdc_pend) || smcr_tx_prepared(conn) > limit)
		return false;
	if (smcr_tx_nodelay(smc))
		return false;
	return conn->tx_peer_cons.wrap != conn->tx_prod.wrap ||
	       conn->tx_peer_cons.count != conn->tx_prod.count;
}

/* Leave the data in the send buffer for now? [lock_sock] */
static bool smcr_tx_should_cork(struct smcr_sock *smc, int flags, bool *counted)
{
	struct smcr_conn *conn = &smc->conn;
	bool cork;
	u32 limit;

	if (flags & MSG_OOB)
		return false;
	limit = min_t(u32, conn->sndbuf->len / 2,
		      smcr_sysctl_autocorking_size(sock_net(&smc->sk)));
	if (limit && atomic_read(&conn->cdc_pend)) {
		spin_lock_bh(&conn->send_lock);
		cork = smcr_tx_autocork(smc, limit);
		spin_unlock_bh(&conn->send_lock);
		if (cork) {
			smcr_mib_inc(sock_net(&smc->sk), SMCR_MIB_TX_AUTOCORK);
			return true;
		}
	}
	/* corked by the application while there is room */
	if (((flags & MSG_MORE) || smcr_tx_corked(smc)
#ifdef MSG_SENDPAGE_NOTLAST
	     || (flags & MSG_SENDPAGE_NOTLAST)
#endif
	    ) && atomic_read(&conn->sndbuf_space)) {
		if (!*counted) {
			smcr_stat_tech_inc(sock_net(&smc->sk), cork);
			*counted = true;
		}
		return true;
	}
	return false;
}

/* Can we send at all? 0, or the errno for the caller (-EPIPE goes through sk_stream_error). */
static int smcr_tx_check(struct smcr_sock *smc)
{
	struct smcr_conn *conn = &smc->conn;
	struct sock *sk = &smc->sk;

	smcr_close_note_peer(smc);
	if (sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN) || smcr_sent_done_writing(conn) ||
	    smcr_sent_any_close(conn) || READ_ONCE(conn->killed) ||
	    smcr_dp_test(conn, SMCR_DP_FREED) || smcr_dp_test(conn, SMCR_DP_LOCAL_ABORT) ||
	    smcr_peer_any_close(conn))
		return -EPIPE;
	return 0;
}

/* Wait for send buffer space (and for the peer to take our urgent byte). [lock_sock] */
static int smcr_tx_wait(struct smcr_sock *smc, int flags)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct smcr_conn *conn = &smc->conn;
	struct sock *sk = &smc->sk;
	long timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);
	int rc = 0;

	add_wait_queue(sk_sleep(sk), &wait);
	for (;;) {
		sk_set_bit(SOCKWQ_ASYNC_NOSPACE, sk);
		rc = smcr_tx_check(smc);
		if (rc)
			break;
		if (!timeo) {
			if (sk->sk_socket)
				set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
			rc = -EAGAIN;
			break;
		}
		if (signal_pending(current)) {
			rc = sock_intr_errno(timeo);
			break;
		}
		sk_clear_bit(SOCKWQ_ASYNC_NOSPACE, sk);
		if (atomic_read(&conn->sndbuf_space) &&
		    !smcr_dp_test(conn, SMCR_DP_URG_TX_PEND))
			break;
		if (sk->sk_socket)
			set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		sk_wait_event(sk, &timeo,
			      READ_ONCE(sk->sk_err) ||
			      (READ_ONCE(sk->sk_shutdown) & SEND_SHUTDOWN) ||
			      smcr_peer_any_close(conn) || READ_ONCE(conn->killed) ||
			      smcr_dp_test(conn, SMCR_DP_LOCAL_ABORT) ||
			      (atomic_read(&conn->sndbuf_space) &&
			       !smcr_dp_test(conn, SMCR_DP_URG_TX_PEND)),
			      &wait);
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	return rc;
}

/* Copy @len bytes of @msg into the send buffer at tx_prep. [lock_sock] */
static int smcr_tx_copy(struct smcr_conn *conn, struct msghdr *msg, u32 len)
{
	struct smcr_buf *sb = conn->sndbuf;
	struct ib_device *ibdev = conn->lnk->dev->ibdev;
	u32 off, first;
	int rc;

	spin_lock_bh(&conn->send_lock);
	off = conn->tx_prep.count;
	spin_unlock_bh(&conn->send_lock);
	first = min(len, sb->len - off);
	ib_dma_sync_single_for_cpu(ibdev, sb->dma_addr + off, first, DMA_BIDIRECTIONAL);
	rc = memcpy_from_msg((u8 *)sb->cpu_addr + off, msg, first);
	ib_dma_sync_single_for_device(ibdev, sb->dma_addr + off, first, DMA_BIDIRECTIONAL);
	if (rc || first == len)
		return rc;
	ib_dma_sync_single_for_cpu(ibdev, sb->dma_addr, len - first, DMA_BIDIRECTIONAL);
	rc = memcpy_from_msg(sb->cpu_addr, msg, len - first);
	ib_dma_sync_single_for_device(ibdev, sb->dma_addr, len - first, DMA_BIDIRECTIONAL);
	return rc;
}

/**
 * smcr_tx_sendmsg() - sendmsg() of an SMC-R socket
 * @smc: socket, lock_sock() held
 * @msg: the data (any iov_iter type: user memory, pages of splice/sendfile)
 * @len: its length
 *
 * Blocking sockets wait (sk_sndtimeo) until everything is in the send buffer; non-blocking ones
 * return what fit. MSG_OOB: the last byte is urgent (one urgent byte at a time, as upstream).
 *
 * Return: bytes taken, or a negative errno (EPIPE with SIGPIPE unless MSG_NOSIGNAL).
 */
int smcr_tx_sendmsg(struct smcr_sock *smc, struct msghdr *msg, size_t len)
{
	struct smcr_conn *conn = &smc->conn;
	struct sock *sk = &smc->sk;
	struct net *net = sock_net(sk);
	int flags = msg->msg_flags;
	bool cork_counted = false;
	size_t send_done = 0;
	int rc;

	sk_clear_bit(SOCKWQ_ASYNC_NOSPACE, sk);
	if (flags & MSG_OOB)
		smcr_stat_tech_inc(net, urg_data);
#ifdef MSG_SPLICE_PAGES
	if (flags & MSG_SPLICE_PAGES)
		smcr_stat_tech_inc(net, sendpage);	/* 6.12's sendfile/splice (copied) */
#endif
	rc = smcr_tx_check(smc);
	if (rc)
		goto out_err;
	if (len > conn->sndbuf->len)
		smcr_stat_rmb(net, false, SMCR_RMB_SIZE_SMALL);
	if (len > conn->peer_rmbe_size)
		smcr_stat_rmb(net, false, SMCR_RMB_SIZE_SMALL_PEER);

	while (msg_data_left(msg)) {
		u32 space, copylen;

		rc = smcr_tx_check(smc);
		if (rc)
			goto out_partial;
		space = atomic_read(&conn->sndbuf_space);
		if (!space || smcr_dp_test(conn, SMCR_DP_URG_TX_PEND)) {
			if (!space)
				smcr_stat_rmb(net, false, SMCR_RMB_FULL);
			rc = smcr_tx_wait(smc, flags);
			if (rc)
				goto out_partial;
			continue;
		}
		copylen = min_t(size_t, msg_data_left(msg), space);
		smcr_mib_inc(net, SMCR_MIB_TX_COPY);
		rc = smcr_tx_copy(conn, msg, copylen);
		if (rc)
			goto out_partial;

		spin_lock_bh(&conn->send_lock);
		smcr_curs_add(conn->sndbuf->len, &conn->tx_prep, copylen);
		atomic_sub(copylen, &conn->sndbuf_space);
		if ((flags & MSG_OOB) && !msg_data_left(msg)) {
			/* the last byte of this call is urgent */
			set_bit(SMCR_DP_URG_TX_PEND, &conn->dp_flags);
			conn->local_tx_flags |= SMCR_CDC_URG_DATA_PENDING;
		}
		spin_unlock_bh(&conn->send_lock);
		send_done += copylen;

		if (!smcr_tx_should_cork(smc, flags, &cork_counted))
			smcr_tx_push(smc, false);
	}
	rc = send_done;
	goto out;

out_partial:
	if (send_done) {
		rc = send_done;
		goto out;
	}
out_err:
	rc = sk_stream_error(sk, flags, rc);
	if (rc == -EAGAIN)
		sk->sk_write_space(sk);	/* edge-triggered epoll must not miss the next space */
out:
	smcr_stat_payload(net, false, len, rc);
	return rc;
}

#ifdef SMCR_HAVE_SENDPAGE
/* 6.1: sendfile()/splice() into the socket. The page is copied like any sendmsg data. */
ssize_t smcr_tx_sendpage(struct smcr_sock *smc, struct page *page, int offset, size_t size,
			 int flags)
{
	struct bio_vec bvec = { .bv_page = page, .bv_offset = offset, .bv_len = size };
	struct msghdr msg = { .msg_flags = flags };
	ssize_t rc = -EPIPE;

	if (flags & MSG_SENDPAGE_NOTLAST)
		msg.msg_flags |= MSG_MORE;
	iov_iter_bvec(&msg.msg_iter, WRITE, &bvec, 1, size);
	lock_sock(&smc->sk);
	if (smcr_conn_active(smc)) {
		smcr_stat_tech_inc(sock_net(&smc->sk), sendpage);
		rc = smcr_tx_sendmsg(smc, &msg, size);
	}
	release_sock(&smc->sk);
	return rc;
}
#endif

/**
 * smcr_tx_setsockopt() - the user set a TCP option on an SMC-R socket (after the clcsock took it)
 * @smc: socket
 * @level: option level
 * @optname: option
 * @optval: its value
 * @optlen: its length
 *
 * TCP_NODELAY on and TCP_CORK off push what is waiting, as upstream.
 */
void smcr_tx_setsockopt(struct smcr_sock *smc, int level, int optname, sockptr_t optval,
			unsigned int optlen)
{
	struct sock *sk = &smc->sk;
	int val;

	if (level != SOL_TCP || (optname != TCP_NODELAY && optname != TCP_CORK))
		return;
	if (optlen < sizeof(int) || copy_from_sockptr(&val, optval, sizeof(int)))
		return;
	lock_sock(sk);
	if (smcr_conn_active(smc) && !smcr_dp_test(&smc->conn, SMCR_DP_FREED) &&
	    sk->sk_state != SMCR_CLOSED) {
		if (optname == TCP_NODELAY && val) {
			smcr_stat_tech_inc(sock_net(sk), ndly);
			smcr_tx_push(smc, false);
		} else if (optname == TCP_CORK && !val) {
			smcr_stat_tech_inc(sock_net(sk), cork);
			smcr_tx_push(smc, false);
		}
	}
	release_sock(sk);
}
