/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smcr: the data path of an SMC-R connection — CDC messages (cdc.c), send side (tx.c), receive
 * side (rx.c), close/shutdown/abort state machine (close.c). Private to those four files, plus the
 * entry points the socket layer (af_smcr.c) calls for a socket whose connection is SMC-R.
 *
 * Locking (struct smcr_conn, data-path part):
 *  - lock_sock() (process context) serialises the user calls, the close state machine and the
 *    work items. The connection is freed (smcr_conn_unregister) only under it.
 *  - conn->send_lock (spin_lock_bh in process context, spin_lock in softirq) guards everything
 *    both contexts write: all cursors, CDC sequence numbers, producer/state flags we send and
 *    received, urgent-data state, the pend[] table, and the SMCR_DP_FREED transition. The whole
 *    "RDMA WRITEs + CDC post" of a push happens under it, so there is one pusher at a time and
 *    CDCs leave in sequence-number order.
 *  - softirq (CDC receive, CDC send completion) runs under bh_lock_sock(). When the user owns the
 *    socket, it only updates what send_lock guards and defers pushes to release_cb
 *    (SMCR_DP_TX_DEFERRED) and state transitions to close_work.
 *  - bytes_to_rcv, peer_rmbe_space, sndbuf_space are atomics so that poll() reads them lock-free;
 *    they are changed under send_lock.
 *  Lock order: lock_sock (owner) or bh_lock_sock (slock) before send_lock; never the other way.
 *
 * Lifetime: smcr_conn_start() takes a socket reference for the connection, dropped when the
 * connection is freed (state CLOSED). Each queued work item and each CDC in flight holds a socket
 * reference of its own.
 *
 * Assumptions about wr.c (link layer): smcr_wr_tx_send() either posts the CDC — then @done runs
 * exactly once, also for flushed work requests (error status) — or fails, in which case the slot
 * is released by wr.c and @done never runs. @done may take a new slot (it does not hold wr.c's
 * slot lock). RDMA WRITEs are posted unsignalled on the same send queue as the CDC that follows
 * them, in the same ib_post_send() (smcr_wr_chain); the QP has at least 2 send SGEs and room for
 * 2 WRITEs per CDC slot.
 */
#ifndef SMCR_DATA_H
#define SMCR_DATA_H

#include <linux/net.h>
#include <linux/poll.h>
#include <linux/splice.h>
#include <net/sock.h>

#include "smcr.h"
#include "core.h"
#include "wire/cdc.h"
#include "wire/cursor.h"

/* conn->dp_flags bits */
enum {
	SMCR_DP_STARTED,	/* smcr_conn_start() done: the socket is SMC-R */
	SMCR_DP_FREED,		/* token and buffers given back; no more CDCs [send_lock] */
	SMCR_DP_TX_DEFERRED,	/* push when the socket owner releases the lock (release_cb) */
	SMCR_DP_CDC_WANTED,	/* a CDC must go out (cursor update, state flags) */
	SMCR_DP_URG_TX_PEND,	/* our urgent byte is queued or not yet consumed by the peer */
	SMCR_DP_CLOSE_WAIT_TX,	/* a closer waits for prepared data to be pushed */
	SMCR_DP_DONE_PEND,	/* send peer_done_writing once all prepared data is pushed */
	SMCR_DP_CLOSE_PEND,	/* send peer_conn_closed once all prepared data is pushed */
	SMCR_DP_ABORT_SENT,	/* a CDC with peer_conn_abort went out: nothing more to send */
	SMCR_DP_LOCAL_ABORT,	/* the peer broke the protocol: abort (close_work finishes it) */
	SMCR_DP_RESET_NOTED,	/* the peer's abort became sk_err ECONNRESET (once) */
};

/* conn->urg_state: receive side urgent data; the SKIP bit may accompany VALID and READ */
#define SMCR_URG_NONE		0	/* no urgent data announced */
#define SMCR_URG_NOTYET		1	/* the peer announced urgent data, not arrived yet */
#define SMCR_URG_VALID		2	/* urgent byte arrived, not read with MSG_OOB */
#define SMCR_URG_READ		3	/* urgent byte read with MSG_OOB (or the mark passed) */
#define SMCR_URG_STATE_MASK	0x0f
#define SMCR_URG_SKIP		0x80	/* urgent byte at urg_curs - 1 is excluded from
					 * bytes_to_rcv and must be skipped by normal reads */

#define SMCR_CLOSE_WAIT_TIME	(2 * HZ)	/* upstream SMC_MAX_STREAM_WAIT_TIMEOUT */
#define SMCR_TX_RETRY_DELAY	(HZ / 50)	/* retry a CDC that found no free slot */
#define SMCR_CDC_PEND_MAX	ARRAY_SIZE(((struct smcr_conn *)0)->pend)

extern struct workqueue_struct *smcr_dp_wq;

static inline struct smcr_sock *smcr_conn_sock(struct smcr_conn *conn)
{
	return container_of(conn, struct smcr_sock, conn);
}

static inline bool smcr_dp_test(const struct smcr_conn *conn, int bit)
{
	return test_bit(bit, &conn->dp_flags);
}

/* Queue @work of @smc with a socket reference for it. */
static inline void smcr_dp_queue(struct smcr_sock *smc, struct work_struct *work)
{
	sock_hold(&smc->sk);
	if (!queue_work(smcr_dp_wq, work))
		sock_put(&smc->sk);
}

/* Bytes copied into the send buffer and not yet RDMA-written [send_lock or lock_sock]. */
static inline u32 smcr_tx_prepared(const struct smcr_conn *conn)
{
	return smcr_curs_diff(conn->sndbuf->len, &conn->tx_sent, &conn->tx_prep);
}

static inline bool smcr_peer_any_close(const struct smcr_conn *conn)
{
	return READ_ONCE(conn->peer_rx_state) &
	       (SMCR_CDC_PEER_CONN_CLOSED | SMCR_CDC_PEER_CONN_ABORT);
}

static inline bool smcr_peer_any_close_or_done(const struct smcr_conn *conn)
{
	return READ_ONCE(conn->peer_rx_state) & SMCR_CDC_CONN_STATE_MASK;
}

static inline bool smcr_peer_aborted(const struct smcr_conn *conn)
{
	return READ_ONCE(conn->peer_rx_state) & SMCR_CDC_PEER_CONN_ABORT;
}

/* We sent, or committed to send, a close or an abort. */
static inline bool smcr_sent_any_close(const struct smcr_conn *conn)
{
	return (READ_ONCE(conn->local_tx_state) &
		(SMCR_CDC_PEER_CONN_CLOSED | SMCR_CDC_PEER_CONN_ABORT)) ||
	       smcr_dp_test(conn, SMCR_DP_CLOSE_PEND);
}

static inline bool smcr_sent_done_writing(const struct smcr_conn *conn)
{
	return (READ_ONCE(conn->local_tx_state) & SMCR_CDC_PEER_DONE_WRITING) ||
	       smcr_dp_test(conn, SMCR_DP_DONE_PEND);
}

/* ---- entry points for af_smcr.c ------------------------------------------------------------ */

/* The socket carries an SMC-R connection: its calls go to the data path. */
static inline bool smcr_conn_active(const struct smcr_sock *smc)
{
	return test_bit(SMCR_DP_STARTED, &smc->conn.dp_flags) && !READ_ONCE(smc->use_fallback);
}

int smcr_dp_init(void);			/* module init: the data path workqueue */
void smcr_dp_exit(void);
void smcr_conn_init(struct smcr_sock *smc);	/* at sock allocation (locks, works) */
void smcr_release_cb(struct sock *sk);	/* proto->release_cb */

int smcr_tx_sendmsg(struct smcr_sock *smc, struct msghdr *msg, size_t len);	/* lock_sock */
#ifdef SMCR_HAVE_SENDPAGE
ssize_t smcr_tx_sendpage(struct smcr_sock *smc, struct page *page, int offset, size_t size,
			 int flags);					/* takes lock_sock */
#endif
void smcr_tx_setsockopt(struct smcr_sock *smc, int level, int optname, sockptr_t optval,
			unsigned int optlen);				/* takes lock_sock */
int smcr_rx_recvmsg(struct smcr_sock *smc, struct msghdr *msg, size_t len, int flags);
ssize_t smcr_rx_splice_read(struct smcr_sock *smc, struct pipe_inode_info *pipe, size_t len,
			    unsigned int flags);			/* takes lock_sock */
__poll_t smcr_dp_poll(struct smcr_sock *smc);			/* after sock_poll_wait() */
int smcr_dp_ioctl(struct smcr_sock *smc, unsigned int cmd, unsigned long arg);	/* takes lock */
int smcr_close_shutdown(struct smcr_sock *smc, int how);	/* lock_sock */
void smcr_close_release(struct smcr_sock *smc);		/* lock_sock; socket going away */

/* ---- between the data path files ----------------------------------------------------------- */

/* cdc.c */
int smcr_cdc_msg_send(struct smcr_sock *smc, struct smcr_wr_tx_slot *slot, u8 *buf,
		      struct smcr_wr_chain *ch);
int smcr_cdc_send(struct smcr_sock *smc, bool may_sleep);
void smcr_cdc_wait_pend(struct smcr_sock *smc);

/* tx.c */
int smcr_tx_push(struct smcr_sock *smc, bool may_sleep);
void smcr_tx_kick(struct smcr_sock *smc);
void smcr_tx_work(struct work_struct *work);
void smcr_tx_retry_work(struct work_struct *work);
void smcr_tx_window_open(struct smcr_wr_win_waiter *w);	/* wr.c wakes, sq_lock */
void smcr_tx_window_cancel(struct smcr_sock *smc);
void smcr_tx_write_space(struct sock *sk);
void smcr_tx_sndbuf_nonfull(struct smcr_sock *smc);
bool smcr_tx_writable(const struct smcr_conn *conn);

/* rx.c */
void smcr_rx_cons_update(struct smcr_sock *smc, bool force);

/* close.c */
void smcr_close_work(struct work_struct *work);
void smcr_close_abort_local(struct smcr_sock *smc);
void smcr_conn_free(struct smcr_sock *smc);
void smcr_close_wake_tx(struct smcr_sock *smc);
void smcr_close_note_peer(struct smcr_sock *smc);

#endif /* SMCR_DATA_H */
