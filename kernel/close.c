// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: closing an SMC-R connection — shutdown(), close(), passive close on the peer's
 * connection-state flags, aborts — with upstream's socket states (smcr.h, upstream-smc.md §2.8):
 *
 *   active close:   ACTIVE -> PEERCLOSEWAIT1 [-> PEERCLOSEWAIT2 on done_writing] -> CLOSED
 *   shutdown(WR):   ACTIVE -> PEERCLOSEWAIT1,  APPCLOSEWAIT1 -> APPCLOSEWAIT2
 *   passive close:  ACTIVE -> APPCLOSEWAIT1 -> (close) CLOSED or PEERFINCLOSEWAIT -> CLOSED
 *   after our shutdown(WR) the peer closes: PEERCLOSEWAIT1/2 -> APPFINCLOSEWAIT -> (close) CLOSED
 *   peer abort:     -> PROCESSABORT (our close answers with an abort) or CLOSED
 *   kill / protocol violation: -> CLOSED at once (ECONNABORTED)
 *
 * peer_done_writing and peer_conn_closed follow the last data: a close or shutdown that finds
 * data not yet pushed (the peer's RMBE full) waits for it up to 2 s or SO_LINGER, and if that is
 * not enough the flag is sent when the last byte goes out (TCP delivers data written before
 * close() too). An abort (unread data in our RMB at close, SO_LINGER {1, 0}) drops unsent data and
 * goes out at once, like a TCP RST.
 *
 * A connection is given back (smcr_conn_unregister) when it reaches CLOSED and the socket is
 * released or was never accepted, or at once on kill/abort; the clcsock goes with the released
 * socket.
 */
#define pr_fmt(fmt) "smcr: " fmt

#include <linux/sched/signal.h>
#include <net/sock.h>

#include "data.h"
#include "mib.h"

/* The peer's connection-state flags as the user sees them. [lock_sock or bh_lock_sock unowned] */
void smcr_close_note_peer(struct smcr_sock *smc)
{
	struct smcr_conn *conn = &smc->conn;
	struct sock *sk = &smc->sk;
	u8 st = READ_ONCE(conn->peer_rx_state);

	if (!(st & SMCR_CDC_CONN_STATE_MASK))
		return;
	if (!(sk->sk_shutdown & RCV_SHUTDOWN))
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | RCV_SHUTDOWN);
	if (!sock_flag(sk, SOCK_DONE))
		sock_set_flag(sk, SOCK_DONE);
	if ((st & SMCR_CDC_PEER_CONN_ABORT) &&
	    !test_and_set_bit(SMCR_DP_RESET_NOTED, &conn->dp_flags) && !sk->sk_err)
		WRITE_ONCE(sk->sk_err, ECONNRESET);
}

/* Data was pushed: a closer waiting for the send buffer to drain may go on. */
void smcr_close_wake_tx(struct smcr_sock *smc)
{
	if (smcr_dp_test(&smc->conn, SMCR_DP_CLOSE_WAIT_TX))
		smc->sk.sk_state_change(&smc->sk);
}

static u32 smcr_close_prepared(struct smcr_conn *conn)
{
	u32 prepared = 0;

	spin_lock_bh(&conn->send_lock);
	if (!smcr_dp_test(conn, SMCR_DP_FREED))
		prepared = smcr_tx_prepared(conn);
	spin_unlock_bh(&conn->send_lock);
	return prepared;
}

static bool smcr_close_broken(const struct smcr_sock *smc)
{
	const struct smcr_conn *conn = &smc->conn;

	return READ_ONCE(conn->killed) || smcr_dp_test(conn, SMCR_DP_LOCAL_ABORT) ||
	       smcr_dp_test(conn, SMCR_DP_FREED) || smcr_peer_aborted(conn);
}

/* Wait up to @timeout for prepared data to be pushed. [lock_sock, released while waiting] */
static void smcr_close_stream_wait(struct smcr_sock *smc, long timeout)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct smcr_conn *conn = &smc->conn;
	struct sock *sk = &smc->sk;

	if (!timeout || !smcr_close_prepared(conn))
		return;
	set_bit(SMCR_DP_CLOSE_WAIT_TX, &conn->dp_flags);
	add_wait_queue(sk_sleep(sk), &wait);
	while (!signal_pending(current) && timeout) {
		if (sk_wait_event(sk, &timeout,
				  !smcr_close_prepared(conn) || smcr_close_broken(smc) ||
				  smcr_peer_any_close(conn),
				  &wait))
			break;
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	clear_bit(SMCR_DP_CLOSE_WAIT_TX, &conn->dp_flags);
}

/* Send peer_conn_abort now; unsent data is dropped (a TCP RST). */
static int smcr_close_send_abort(struct smcr_sock *smc, bool may_sleep)
{
	struct smcr_conn *conn = &smc->conn;
	u32 dropped;

	spin_lock_bh(&conn->send_lock);
	if (smcr_dp_test(conn, SMCR_DP_FREED)) {
		spin_unlock_bh(&conn->send_lock);
		return -EPIPE;
	}
	conn->local_tx_state |= SMCR_CDC_PEER_CONN_ABORT;
	clear_bit(SMCR_DP_DONE_PEND, &conn->dp_flags);
	clear_bit(SMCR_DP_CLOSE_PEND, &conn->dp_flags);
	dropped = smcr_tx_prepared(conn);
	conn->tx_prep = conn->tx_sent;
	atomic_add(dropped, &conn->sndbuf_space);
	conn->local_tx_flags &= ~(SMCR_CDC_URG_DATA_PENDING | SMCR_CDC_URG_DATA_PRESENT);
	spin_unlock_bh(&conn->send_lock);
	return smcr_cdc_send(smc, may_sleep);
}

/*
 * Our last word on the connection: peer_conn_closed after the last data, or peer_conn_abort if
 * data we did not read is left (as upstream; TCP resets then too) or SO_LINGER {1, 0} asks for it.
 */
static int smcr_close_final(struct smcr_sock *smc, bool abortive)
{
	struct smcr_conn *conn = &smc->conn;

	if (abortive || atomic_read(&conn->bytes_to_rcv) || smcr_peer_aborted(conn))
		return smcr_close_send_abort(smc, true);
	if (smcr_peer_any_close(conn)) {
		/* the peer closed: it takes no more data, answer at once */
		spin_lock_bh(&conn->send_lock);
		conn->local_tx_state |= SMCR_CDC_PEER_CONN_CLOSED;
		atomic_add(smcr_tx_prepared(conn), &conn->sndbuf_space);
		conn->tx_prep = conn->tx_sent;
		clear_bit(SMCR_DP_CLOSE_PEND, &conn->dp_flags);
		spin_unlock_bh(&conn->send_lock);
		return smcr_cdc_send(smc, true);
	}
	set_bit(SMCR_DP_CLOSE_PEND, &conn->dp_flags);
	return smcr_tx_push(smc, true);
}

/* shutdown(SHUT_WR): peer_done_writing after the last data. */
static int smcr_close_wr(struct smcr_sock *smc)
{
	set_bit(SMCR_DP_DONE_PEND, &smc->conn.dp_flags);
	return smcr_tx_push(smc, true);
}

static long smcr_close_timeout(const struct sock *sk)
{
	if (sock_flag(sk, SOCK_LINGER) && !(current->flags & PF_EXITING))
		return sk->sk_lingertime;
	return SMCR_CLOSE_WAIT_TIME;
}

/* SO_LINGER {1, 0}: close() resets the connection. */
static bool smcr_close_abortive(const struct sock *sk)
{
	return sock_flag(sk, SOCK_LINGER) && !sk->sk_lingertime;
}

/**
 * smcr_conn_free() - give the connection back: token, buffers, link group reference
 * @smc: socket, lock_sock() held; the caller holds a socket reference
 *
 * Waits for the completions of CDCs still in flight, so that no RDMA WRITE reads a send buffer
 * that another connection already uses. Once only.
 */
void smcr_conn_free(struct smcr_sock *smc)
{
	struct smcr_conn *conn = &smc->conn;

	spin_lock_bh(&conn->send_lock);
	if (!smcr_dp_test(conn, SMCR_DP_STARTED) ||
	    test_and_set_bit(SMCR_DP_FREED, &conn->dp_flags)) {
		spin_unlock_bh(&conn->send_lock);
		return;
	}
	spin_unlock_bh(&conn->send_lock);

	/* no longer waits for the link window (smcr_tx_window_wait() checks FREED under send_lock) */
	smcr_tx_window_cancel(smc);
	/* queued works find the connection freed; take their references back if they never run */
	if (cancel_delayed_work(&conn->cons_upd_work))
		sock_put(&smc->sk);
	if (cancel_work(&conn->tx_work))
		sock_put(&smc->sk);
	smcr_cdc_wait_pend(smc);
	pr_debug("connection %08x freed in state %d\n", conn->token, smc->sk.sk_state);
	smcr_conn_unregister(smc);
	smcr_mib_inc(sock_net(&smc->sk), SMCR_MIB_CONN_FREE);
	smc->sk.sk_state_change(&smc->sk);
	sock_put(&smc->sk);	/* the connection's reference (smcr_conn_start()) */
}

/*
 * CLOSED with close flags still waiting for data that will never go (the peer closed or
 * aborted meanwhile): send them now, without the data, so the peer is not left waiting.
 */
static void smcr_close_flush_pending(struct smcr_sock *smc)
{
	struct smcr_conn *conn = &smc->conn;
	bool send = false;

	spin_lock_bh(&conn->send_lock);
	if (!smcr_dp_test(conn, SMCR_DP_FREED) && !READ_ONCE(conn->killed) &&
	    !smcr_dp_test(conn, SMCR_DP_ABORT_SENT)) {
		if (test_and_clear_bit(SMCR_DP_DONE_PEND, &conn->dp_flags)) {
			conn->local_tx_state |= SMCR_CDC_PEER_DONE_WRITING;
			send = true;
		}
		if (test_and_clear_bit(SMCR_DP_CLOSE_PEND, &conn->dp_flags)) {
			conn->local_tx_state |= SMCR_CDC_PEER_CONN_CLOSED;
			send = true;
		}
		if (send) {
			atomic_add(smcr_tx_prepared(conn), &conn->sndbuf_space);
			conn->tx_prep = conn->tx_sent;
		}
	}
	spin_unlock_bh(&conn->send_lock);
	if (send)
		smcr_cdc_send(smc, true);
}

/* CLOSED: give back what may go. [lock_sock] */
static void smcr_close_maybe_free(struct smcr_sock *smc)
{
	struct sock *sk = &smc->sk;

	if (sk->sk_state != SMCR_CLOSED)
		return;
	smcr_close_flush_pending(smc);
	if (sock_flag(sk, SOCK_DEAD) || !sk->sk_socket)
		smcr_conn_free(smc);
	if (sock_flag(sk, SOCK_DEAD) && smc->clcsock) {
		kernel_sock_shutdown(smc->clcsock, SHUT_RDWR);
		smcr_clcsock_release(smc);
	}
}

/* The connection cannot go on (link group gone, peer broke the protocol). [lock_sock] */
static void smcr_close_active_abort(struct smcr_sock *smc)
{
	struct smcr_conn *conn = &smc->conn;
	struct sock *sk = &smc->sk;

	if (!sk->sk_err)
		WRITE_ONCE(sk->sk_err, ECONNABORTED);
	if (!READ_ONCE(conn->killed) && !smcr_dp_test(conn, SMCR_DP_ABORT_SENT) &&
	    !smcr_dp_test(conn, SMCR_DP_FREED))
		smcr_close_send_abort(smc, true);	/* tell the peer if the link still works */
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	switch (sk->sk_state) {
	case SMCR_INIT:
	case SMCR_CLOSED:
		break;
	default:
		sk->sk_state = SMCR_CLOSED;
		break;
	}
	smcr_conn_free(smc);
}

/**
 * smcr_close_active() - the application closes (close(), shutdown(SHUT_RDWR))
 * @smc: socket, lock_sock() held (released while waiting for data to drain)
 *
 * Return: 0 or the error of sending the closing CDC.
 */
static int smcr_close_active(struct smcr_sock *smc)
{
	struct smcr_conn *conn = &smc->conn;
	struct sock *sk = &smc->sk;
	bool abortive = smcr_close_abortive(sk);
	long timeout = smcr_close_timeout(sk);
	int old_state, rc = 0;

	if (READ_ONCE(conn->killed) || smcr_dp_test(conn, SMCR_DP_LOCAL_ABORT)) {
		old_state = sk->sk_state;
		smcr_close_active_abort(smc);
		goto out;
	}
again:
	old_state = sk->sk_state;
	switch (old_state) {
	case SMCR_INIT:
		sk->sk_state = SMCR_CLOSED;
		break;
	case SMCR_ACTIVE:
		if (!abortive)
			smcr_close_stream_wait(smc, timeout);
		if (sk->sk_state != SMCR_ACTIVE)
			goto again;	/* the peer moved first while we waited */
		rc = smcr_close_final(smc, abortive);
		sk->sk_state = SMCR_PEERCLOSEWAIT1;
		/* our TCP closes first, so the peer's avoids TIME_WAIT (as upstream) */
		if (smc->clcsock)
			kernel_sock_shutdown(smc->clcsock, SHUT_RDWR);
		break;
	case SMCR_APPCLOSEWAIT1:
	case SMCR_APPCLOSEWAIT2:
		if (!abortive && !smcr_peer_any_close(conn)) {
			smcr_close_stream_wait(smc, timeout);
			if (sk->sk_state != old_state)
				goto again;
		}
		rc = smcr_close_final(smc, abortive);
		sk->sk_state = smcr_peer_any_close(conn) ? SMCR_CLOSED : SMCR_PEERFINCLOSEWAIT;
		break;
	case SMCR_APPFINCLOSEWAIT:
		/* we shut down writing, the peer closed: answer its close */
		if (!smcr_sent_any_close(conn))
			rc = smcr_close_final(smc, abortive);
		sk->sk_state = SMCR_CLOSED;
		break;
	case SMCR_PEERCLOSEWAIT1:
	case SMCR_PEERCLOSEWAIT2:
		/* after shutdown(SHUT_WR): now the close itself; the peer's close ends it */
		if (!smcr_sent_any_close(conn))
			rc = smcr_close_final(smc, abortive);
		break;
	case SMCR_PROCESSABORT:
		/* the peer aborted: answer with an abort */
		if (!smcr_dp_test(conn, SMCR_DP_ABORT_SENT))
			smcr_close_send_abort(smc, true);
		sk->sk_state = SMCR_CLOSED;
		break;
	case SMCR_PEERFINCLOSEWAIT:
	case SMCR_PEERABORTWAIT:
	case SMCR_CLOSED:
		break;
	}
out:
	pr_debug("connection %08x active close: state %d -> %d\n", conn->token, old_state,
		 sk->sk_state);
	if (old_state != sk->sk_state)
		sk->sk_state_change(sk);
	return rc;
}

/* shutdown(SHUT_WR). [lock_sock] */
static int smcr_close_shutdown_write(struct smcr_sock *smc)
{
	struct sock *sk = &smc->sk;
	int old_state, rc = 0;

again:
	old_state = sk->sk_state;
	switch (old_state) {
	case SMCR_ACTIVE:
		smcr_close_stream_wait(smc, smcr_close_timeout(sk));
		if (sk->sk_state != SMCR_ACTIVE)
			goto again;
		rc = smcr_close_wr(smc);
		sk->sk_state = SMCR_PEERCLOSEWAIT1;
		break;
	case SMCR_APPCLOSEWAIT1:
		if (!smcr_peer_any_close(&smc->conn)) {
			smcr_close_stream_wait(smc, smcr_close_timeout(sk));
			if (sk->sk_state != SMCR_APPCLOSEWAIT1)
				goto again;
		}
		rc = smcr_close_wr(smc);
		sk->sk_state = SMCR_APPCLOSEWAIT2;
		break;
	default:
		break;
	}
	if (old_state != sk->sk_state)
		sk->sk_state_change(sk);
	return rc;
}

/**
 * smcr_close_shutdown() - shutdown() of an SMC-R socket
 * @smc: socket, lock_sock() held
 * @how: SHUT_RD, SHUT_WR or SHUT_RDWR
 *
 * Return: 0 or a negative errno (-ENOTCONN when the connection is not open).
 */
int smcr_close_shutdown(struct smcr_sock *smc, int how)
{
	struct sock *sk = &smc->sk;
	bool clc_shutdown = true;
	int old_state, rc;

	switch (sk->sk_state) {
	case SMCR_ACTIVE:
	case SMCR_PEERCLOSEWAIT1:
	case SMCR_PEERCLOSEWAIT2:
	case SMCR_APPCLOSEWAIT1:
	case SMCR_APPCLOSEWAIT2:
	case SMCR_APPFINCLOSEWAIT:
		break;
	default:
		return -ENOTCONN;
	}
	switch (how) {
	case SHUT_RDWR:
		old_state = sk->sk_state;
		rc = smcr_close_active(smc);
		if (old_state == SMCR_ACTIVE && sk->sk_state == SMCR_PEERCLOSEWAIT1)
			clc_shutdown = false;	/* done by smcr_close_active() */
		break;
	case SHUT_WR:
		rc = smcr_close_shutdown_write(smc);
		break;
	default:
		rc = 0;	/* SHUT_RD: the peer is not involved */
		break;
	}
	if (clc_shutdown && smc->clcsock)
		kernel_sock_shutdown(smc->clcsock, how);
	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | (how + 1));
	sk->sk_state_change(sk);
	return rc < 0 && rc != -EPIPE ? rc : 0;
}

/**
 * smcr_close_release() - the socket is closed by its user (or a listener drops its child)
 * @smc: socket, lock_sock() held
 *
 * Runs the active close; the connection and the clcsock go now if it reached CLOSED, else when
 * the peer's answer brings it there (close_work).
 */
void smcr_close_release(struct smcr_sock *smc)
{
	struct sock *sk = &smc->sk;

	smcr_close_active(smc);
	sock_set_flag(sk, SOCK_DEAD);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	smcr_close_maybe_free(smc);
}

/* The peer aborted. [lock_sock] */
static void smcr_close_passive_abort(struct smcr_sock *smc)
{
	struct sock *sk = &smc->sk;

	switch (sk->sk_state) {
	case SMCR_ACTIVE:
	case SMCR_APPCLOSEWAIT1:
	case SMCR_APPCLOSEWAIT2:
	case SMCR_APPFINCLOSEWAIT:
		/* our application's close answers with an abort */
		sk->sk_state = SMCR_PROCESSABORT;
		break;
	case SMCR_PEERCLOSEWAIT1:
	case SMCR_PEERCLOSEWAIT2:
		if (smcr_sent_any_close(&smc->conn) || sock_flag(sk, SOCK_DEAD)) {
			sk->sk_state = SMCR_CLOSED;
		} else {
			/* only shut down for writing: the close will answer */
			sk->sk_state = SMCR_PROCESSABORT;
		}
		break;
	case SMCR_PEERFINCLOSEWAIT:
	case SMCR_PEERABORTWAIT:
		sk->sk_state = SMCR_CLOSED;
		break;
	default:
		break;
	}
}

/**
 * smcr_close_work() - the peer's connection-state flags arrived, or the connection broke
 * @work: &smcr_conn.close_work
 */
void smcr_close_work(struct work_struct *work)
{
	struct smcr_conn *conn = container_of(work, struct smcr_conn, close_work);
	struct smcr_sock *smc = smcr_conn_sock(conn);
	struct sock *sk = &smc->sk;
	int old_state;
	u8 rx;

	lock_sock(sk);
	if (!smcr_dp_test(conn, SMCR_DP_STARTED) || READ_ONCE(smc->use_fallback))
		goto out;
	old_state = sk->sk_state;
	if (smcr_dp_test(conn, SMCR_DP_FREED)) {
		smcr_close_maybe_free(smc);
		goto out;
	}
	if (READ_ONCE(conn->killed) || smcr_dp_test(conn, SMCR_DP_LOCAL_ABORT)) {
		smcr_close_active_abort(smc);
		goto wakeup;
	}
	smcr_close_note_peer(smc);
	rx = READ_ONCE(conn->peer_rx_state);
	if (rx & SMCR_CDC_PEER_CONN_ABORT) {
		smcr_close_passive_abort(smc);
		goto wakeup;
	}

	switch (sk->sk_state) {
	case SMCR_ACTIVE:
		sk->sk_state = SMCR_APPCLOSEWAIT1;
		break;
	case SMCR_PEERCLOSEWAIT1:
		if (rx & SMCR_CDC_PEER_DONE_WRITING)
			sk->sk_state = SMCR_PEERCLOSEWAIT2;
		fallthrough;
	case SMCR_PEERCLOSEWAIT2:
		if (!smcr_peer_any_close(conn))
			break;
		if (sock_flag(sk, SOCK_DEAD) && smcr_sent_any_close(conn))
			sk->sk_state = SMCR_CLOSED;		/* we had closed: done */
		else
			sk->sk_state = SMCR_APPFINCLOSEWAIT;	/* only shut down: wait for close */
		break;
	case SMCR_PEERFINCLOSEWAIT:
		if (smcr_peer_any_close(conn))
			sk->sk_state = SMCR_CLOSED;
		break;
	default:
		break;
	}

wakeup:
	pr_debug("connection %08x peer flags %02x: state %d -> %d%s\n", conn->token,
		 READ_ONCE(conn->peer_rx_state), old_state, sk->sk_state,
		 sock_flag(sk, SOCK_DEAD) ? " (released)" : "");
	sk->sk_data_ready(sk);
	sk->sk_state_change(sk);	/* writers and closers: sock_def_wakeup wakes everybody */
	smcr_close_maybe_free(smc);
out:
	release_sock(sk);
	sock_put(sk);	/* the work's reference */
}

/**
 * smcr_close_abort_local() - the peer broke the protocol (or RDMA failed): abort the connection
 * @smc: socket; any context
 */
void smcr_close_abort_local(struct smcr_sock *smc)
{
	struct smcr_conn *conn = &smc->conn;
	struct sock *sk = &smc->sk;

	if (test_and_set_bit(SMCR_DP_LOCAL_ABORT, &conn->dp_flags))
		return;
	pr_warn_ratelimited("connection %08x: protocol violation, aborted\n", conn->token);
	if (!sk->sk_err)
		WRITE_ONCE(sk->sk_err, ECONNABORTED);
	smcr_close_send_abort(smc, false);	/* at once if a send slot is free */
	smcr_dp_queue(smc, &conn->close_work);
	sk->sk_state_change(sk);
	sk->sk_data_ready(sk);
	sk_error_report(sk);
}
