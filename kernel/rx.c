// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: the receive side of an SMC-R connection — recvmsg() from the RMB ring, urgent data,
 * splice_read(), consumer-cursor updates (the "window updates" of SMC), poll() and ioctl().
 *
 * The peer writes into our RMB and tells us its producer cursor (rx_prod); bytes_to_rcv is what
 * lies between our consumer cursor (rx_cons) and rx_prod, less an urgent byte waiting to be
 * skipped. Reading advances rx_cons; the peer learns it from the next CDC we send, which we send
 * when upstream would: enough was consumed and the peer is short of space or blocked, the peer
 * asked, or urgent data was consumed.
 *
 * Reads stop at the urgent mark as TCP's do: the urgent byte is the first byte of a later read
 * (SO_OOBINLINE) or skipped there (otherwise), and SIOCATMARK tells when the mark is next.
 */
#define pr_fmt(fmt) "smcr: " fmt

#include <linux/fs.h>
#include <linux/sched/signal.h>
#include <linux/sockios.h>
#include <linux/uio.h>
#include <asm/ioctls.h>
#include <net/sock.h>
#include <linux/pipe_fs_i.h>
#include <linux/splice.h>

#include "data.h"
#include "mib.h"
#include "stats.h"

/* SOCK_MIN_SNDBUF / 2 as upstream computes it: the smallest consumer-update step. */
#define SMCR_RMBE_UPD_MIN	((2048 + SKB_DATA_ALIGN(sizeof(struct sk_buff))))

/* ---- consumer cursor updates --------------------------------------------------------------- */

/**
 * smcr_rx_cons_update() - tell the peer how far we read, if it needs to know now
 * @smc: socket, lock_sock() held
 * @force: send regardless of the thresholds (urgent data was consumed)
 */
void smcr_rx_cons_update(struct smcr_sock *smc, bool force)
{
	struct smcr_conn *conn = &smc->conn;
	u32 len, to_confirm, peer_free, limit;
	bool send;

	spin_lock_bh(&conn->send_lock);
	if (smcr_dp_test(conn, SMCR_DP_FREED)) {
		spin_unlock_bh(&conn->send_lock);
		return;
	}
	len = conn->rmb->len;
	to_confirm = smcr_curs_diff(len, &conn->rx_cons_sent, &conn->rx_cons);
	/* room in our RMB as the peer sees it: our last announced consumer cursor */
	peer_free = len - smcr_curs_diff(len, &conn->rx_cons_sent, &conn->rx_prod);
	limit = max_t(u32, len / 10, SMCR_RMBE_UPD_MIN);
	send = force || (conn->peer_rx_flags & SMCR_CDC_CONS_CURS_UPD_REQ) ||
	       (to_confirm > limit &&
		(peer_free <= len / 2 || (conn->peer_rx_flags & SMCR_CDC_WRITE_BLOCKED)));
	if (send)
		conn->peer_rx_flags &= ~SMCR_CDC_CONS_CURS_UPD_REQ;
	if ((conn->peer_rx_flags & SMCR_CDC_WRITE_BLOCKED) && !atomic_read(&conn->bytes_to_rcv))
		conn->peer_rx_flags &= ~SMCR_CDC_WRITE_BLOCKED;
	spin_unlock_bh(&conn->send_lock);
	if (send)
		smcr_cdc_send(smc, false);
}

/* ---- urgent data --------------------------------------------------------------------------- */

/*
 * An urgent byte that is to be skipped sits at @cons: step over it. [lock_sock]
 * Return: true if it did.
 */
static bool smcr_rx_skip_urg(struct smcr_conn *conn)
{
	bool skipped = false;
	u32 len;

	spin_lock_bh(&conn->send_lock);
	len = conn->rmb->len;
	if ((conn->urg_state & SMCR_URG_SKIP) &&
	    smcr_curs_diff(len, &conn->rx_cons, &conn->urg_curs) == 1) {
		smcr_curs_add(len, &conn->rx_cons, 1);
		conn->urg_state &= ~SMCR_URG_SKIP;
		skipped = true;
	}
	spin_unlock_bh(&conn->send_lock);
	return skipped;
}

/* recvmsg(MSG_OOB). [lock_sock] */
static int smcr_rx_recv_urg(struct smcr_sock *smc, struct msghdr *msg, size_t len, int flags)
{
	struct smcr_conn *conn = &smc->conn;
	struct sock *sk = &smc->sk;
	u8 state, byte;
	int rc = 0;

	if (sock_flag(sk, SOCK_URGINLINE))
		return -EINVAL;
	spin_lock_bh(&conn->send_lock);
	state = conn->urg_state & SMCR_URG_STATE_MASK;
	byte = conn->urg_rx_byte;
	if (state == SMCR_URG_VALID && !(flags & MSG_PEEK) && len)
		conn->urg_state = SMCR_URG_READ | (conn->urg_state & SMCR_URG_SKIP);
	spin_unlock_bh(&conn->send_lock);

	if (state == SMCR_URG_NONE || state == SMCR_URG_READ)
		return -EINVAL;
	if (state == SMCR_URG_NOTYET) {
		if (sk->sk_state == SMCR_CLOSED || (sk->sk_shutdown & RCV_SHUTDOWN))
			return 0;
		return -EAGAIN;
	}
	msg->msg_flags |= MSG_OOB;
	if (!len) {
		msg->msg_flags |= MSG_TRUNC;
		return 0;
	}
	if (!(flags & MSG_TRUNC))
		rc = memcpy_to_msg(msg, &byte, 1);
	if (rc)
		return -EFAULT;
	/* the byte is consumed: step over it now if it is next, and tell the peer */
	if (!(flags & MSG_PEEK) && !smcr_dp_test(conn, SMCR_DP_FREED)) {
		smcr_rx_skip_urg(conn);
		smcr_rx_cons_update(smc, true);
	}
	return 1;
}

/* ---- recvmsg ------------------------------------------------------------------------------- */

/* Copy @len bytes of the RMB ring at @off into @msg or pipe pages. [lock_sock] */
static int smcr_rx_copy(struct smcr_conn *conn, struct msghdr *msg, u32 off, u32 len)
{
	struct smcr_buf *rmb = conn->rmb;
	struct ib_device *ibdev = conn->lnk->dev->ibdev;
	u32 first = min(len, rmb->len - off);
	int rc;

	ib_dma_sync_single_for_cpu(ibdev, rmb->dma_addr + off, first, DMA_BIDIRECTIONAL);
	rc = memcpy_to_msg(msg, (u8 *)rmb->cpu_addr + off, first);
	ib_dma_sync_single_for_device(ibdev, rmb->dma_addr + off, first, DMA_BIDIRECTIONAL);
	if (rc || first == len)
		return rc;
	ib_dma_sync_single_for_cpu(ibdev, rmb->dma_addr, len - first, DMA_BIDIRECTIONAL);
	rc = memcpy_to_msg(msg, rmb->cpu_addr, len - first);
	ib_dma_sync_single_for_device(ibdev, rmb->dma_addr, len - first, DMA_BIDIRECTIONAL);
	return rc;
}

/* The peer will send no more: EOF once the data is read. */
static bool smcr_rx_eof(const struct smcr_sock *smc)
{
	const struct smcr_conn *conn = &smc->conn;

	return (READ_ONCE(smc->sk.sk_shutdown) & RCV_SHUTDOWN) ||
	       smcr_peer_any_close_or_done(conn) || READ_ONCE(conn->killed) ||
	       smcr_dp_test(conn, SMCR_DP_LOCAL_ABORT) || smcr_dp_test(conn, SMCR_DP_FREED);
}

/*
 * Data beyond @peeked? Taken under send_lock: a CDC that brings the last data and the close flag
 * is applied as a whole under it, so a reader that saw the close cannot miss that data.
 */
static bool smcr_rx_more(struct smcr_conn *conn, u32 peeked)
{
	bool more;

	spin_lock_bh(&conn->send_lock);
	more = (u32)atomic_read(&conn->bytes_to_rcv) > peeked;
	spin_unlock_bh(&conn->send_lock);
	return more;
}

/* An urgent byte to be skipped is the next byte to read. */
static bool smcr_rx_urg_next(struct smcr_conn *conn)
{
	bool next = false;

	if (!(READ_ONCE(conn->urg_state) & SMCR_URG_SKIP))
		return false;
	spin_lock_bh(&conn->send_lock);
	if ((conn->urg_state & SMCR_URG_SKIP) && !smcr_dp_test(conn, SMCR_DP_FREED))
		next = smcr_curs_diff(conn->rmb->len, &conn->rx_cons, &conn->urg_curs) == 1;
	spin_unlock_bh(&conn->send_lock);
	return next;
}

/* Wait for data beyond @peeked (or an urgent byte to skip), EOF or an error. [lock_sock] */
static void smcr_rx_wait(struct smcr_sock *smc, long *timeo, u32 peeked, bool urg)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct smcr_conn *conn = &smc->conn;
	struct sock *sk = &smc->sk;

	sk_set_bit(SOCKWQ_ASYNC_WAITDATA, sk);
	add_wait_queue(sk_sleep(sk), &wait);
	sk_wait_event(sk, timeo,
		      READ_ONCE(sk->sk_err) || smcr_rx_eof(smc) ||
		      (u32)atomic_read(&conn->bytes_to_rcv) > peeked ||
		      (urg && smcr_rx_urg_next(conn)),
		      &wait);
	remove_wait_queue(sk_sleep(sk), &wait);
	sk_clear_bit(SOCKWQ_ASYNC_WAITDATA, sk);
}

/*
 * The receive loop of recvmsg() and splice_read(). [lock_sock]
 * @once: return as soon as something was read (splice).
 */
static int smcr_rx_read(struct smcr_sock *smc, struct msghdr *msg, size_t len, int flags,
			bool once)
{
	struct smcr_conn *conn = &smc->conn;
	struct sock *sk = &smc->sk;
	u32 peeked = 0, peek_off = 0;	/* MSG_PEEK: counted bytes / raw ring bytes passed */
	size_t read_done = 0;
	long timeo;
	int target, rc;

	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);

	while (read_done < len) {
		struct smcr_cursor cons, urg;
		u32 avail, rmb_len, copylen, d = 0;
		bool skip_pend, at_mark, urg_passed;

		if (read_done >= target || (once && read_done))
			break;
		if (smcr_dp_test(conn, SMCR_DP_FREED)) {
			/* an abort may have freed the connection before we looked: report it */
			if (!read_done && sk->sk_err)
				return sock_error(sk);
			break;
		}

		spin_lock_bh(&conn->send_lock);
		rmb_len = conn->rmb->len;
		cons = conn->rx_cons;
		urg = conn->urg_curs;
		skip_pend = conn->urg_state & SMCR_URG_SKIP;
		at_mark = skip_pend ||
			  (conn->urg_state & SMCR_URG_STATE_MASK) == SMCR_URG_VALID;
		avail = atomic_read(&conn->bytes_to_rcv);
		spin_unlock_bh(&conn->send_lock);
		smcr_curs_add(rmb_len, &cons, peek_off);
		avail = avail > peeked ? avail - peeked : 0;

		if (at_mark) {
			/* d - 1 bytes lie before the urgent byte; d == 1: it is next */
			d = smcr_curs_diff(rmb_len, &cons, &urg);
			if (d == 1 && read_done)
				break;	/* as TCP: the mark starts the next read */
			if (d == 1 && skip_pend) {
				if (flags & MSG_PEEK) {
					peek_off++;	/* step over it in our private position */
				} else if (smcr_rx_skip_urg(conn)) {
					/* the sender waits for it to be consumed */
					smcr_rx_cons_update(smc, true);
				}
				continue;
			}
			if (d > 1)
				avail = min(avail, d - 1);
		}

		if (!avail) {
			if (read_done) {
				if (smcr_rx_eof(smc) && smcr_rx_more(conn, peeked))
					continue;	/* data came with the close */
				if (sk->sk_err || smcr_rx_eof(smc) || !timeo ||
				    signal_pending(current))
					break;
			} else {
				if (sk->sk_err)
					return sock_error(sk);
				if (smcr_rx_eof(smc) || sk->sk_state == SMCR_CLOSED) {
					if (smcr_rx_more(conn, peeked))
						continue;	/* data came with the close */
					break;
				}
				if (signal_pending(current))
					return sock_intr_errno(timeo);
				if (!timeo)
					return -EAGAIN;
			}
			smcr_rx_wait(smc, &timeo, peeked, !(flags & MSG_PEEK));
			continue;
		}

		if (atomic_read(&conn->bytes_to_rcv) == rmb_len)
			smcr_stat_rmb(sock_net(sk), true, SMCR_RMB_FULL);

		copylen = min_t(size_t, len - read_done, avail);
		if (!(flags & MSG_TRUNC)) {
			smcr_mib_inc(sock_net(&smc->sk), SMCR_MIB_RX_COPY);
			rc = smcr_rx_copy(conn, msg, cons.count, copylen);
			if (rc)
				return read_done ? read_done : -EFAULT;
		}
		read_done += copylen;
		if (flags & MSG_PEEK) {
			peeked += copylen;
			peek_off += copylen;
			continue;
		}

		spin_lock_bh(&conn->send_lock);
		/* an urgent byte known and still ahead of the read position ... */
		urg_passed = (conn->urg_state & SMCR_URG_STATE_MASK) >= SMCR_URG_VALID &&
			     smcr_curs_ahead(rmb_len, &conn->rx_cons, &conn->urg_curs);
		smcr_curs_add(rmb_len, &conn->rx_cons, copylen);
		atomic_sub(copylen, &conn->bytes_to_rcv);
		/* ... and now read (SO_OOBINLINE): the mark passed */
		urg_passed = urg_passed &&
			     !smcr_curs_ahead(rmb_len, &conn->rx_cons, &conn->urg_curs);
		if (urg_passed)
			conn->urg_state = SMCR_URG_READ | (conn->urg_state & SMCR_URG_SKIP);
		spin_unlock_bh(&conn->send_lock);
		/* the sender waits for its urgent byte to be consumed: tell it at once */
		smcr_rx_cons_update(smc, urg_passed);
	}
	return read_done;
}

/**
 * smcr_rx_recvmsg() - recvmsg() of an SMC-R socket
 * @smc: socket, lock_sock() held
 * @msg: destination
 * @len: bytes wanted
 * @flags: MSG_PEEK, MSG_WAITALL, MSG_DONTWAIT, MSG_OOB, MSG_TRUNC
 *
 * Return: bytes read, 0 at EOF, or a negative errno (the pending socket error first, as TCP).
 */
int smcr_rx_recvmsg(struct smcr_sock *smc, struct msghdr *msg, size_t len, int flags)
{
	struct sock *sk = &smc->sk;
	int rc;

	if (flags & MSG_ERRQUEUE)
		return -EINVAL;
	if (sk->sk_state == SMCR_LISTEN)
		return -ENOTCONN;
	if (flags & MSG_OOB) {
		rc = smcr_rx_recv_urg(smc, msg, len, flags);
	} else {
		smcr_close_note_peer(smc);	/* a reset not yet reported is reported now */
		rc = smcr_rx_read(smc, msg, len, flags, false);
	}
	smcr_stat_payload(sock_net(sk), true, len, rc);
	return rc;
}

/* ---- splice_read --------------------------------------------------------------------------- */

#define SMCR_SPLICE_PAGES	16

static void smcr_rx_spd_release(struct splice_pipe_desc *spd, unsigned int i)
{
	put_page(spd->pages[i]);
}

static const struct pipe_buf_operations smcr_rx_pipe_ops = {
	.release	= generic_pipe_buf_release,
	.get		= generic_pipe_buf_get,
};

/**
 * smcr_rx_splice_read() - splice() from an SMC-R socket into a pipe
 * @smc: socket
 * @pipe: the pipe (locked by the caller, with room for at least one buffer)
 * @len: bytes wanted
 * @flags: SPLICE_F_*
 *
 * The data is copied into fresh pages (upstream lends the RMB pages instead and delays the
 * consumer cursor until the pipe lets go of them; copying keeps the RMB free for the peer). At
 * most as much is read as the pipe has room for, so nothing read is ever dropped.
 *
 * Return: bytes spliced, 0 at EOF, or a negative errno.
 */
ssize_t smcr_rx_splice_read(struct smcr_sock *smc, struct pipe_inode_info *pipe, size_t len,
			    unsigned int flags)
{
	struct page *pages[SMCR_SPLICE_PAGES];
	struct partial_page partial[SMCR_SPLICE_PAGES];
	struct bio_vec bvec[SMCR_SPLICE_PAGES];
	struct splice_pipe_desc spd = {
		.pages = pages,
		.partial = partial,
		.nr_pages_max = SMCR_SPLICE_PAGES,
		.ops = &smcr_rx_pipe_ops,
		.spd_release = smcr_rx_spd_release,
	};
	struct msghdr msg = {};
	struct sock *sk = &smc->sk;
	unsigned int room, npages, i;
	ssize_t rc;
	size_t left;

	room = pipe->max_usage - pipe_occupancy(pipe->head, pipe->tail);
	if (!room)
		return -EAGAIN;
	npages = min_t(size_t, min_t(unsigned int, room, SMCR_SPLICE_PAGES),
		       DIV_ROUND_UP(len, PAGE_SIZE));
	len = min_t(size_t, len, (size_t)npages * PAGE_SIZE);
	for (i = 0; i < npages; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		if (!pages[i])
			break;
		bvec[i].bv_page = pages[i];
		bvec[i].bv_offset = 0;
		bvec[i].bv_len = PAGE_SIZE;
	}
	if (!i)
		return -ENOMEM;
	npages = i;
	len = min_t(size_t, len, (size_t)npages * PAGE_SIZE);
	iov_iter_bvec(&msg.msg_iter, READ, bvec, npages, len);

	lock_sock(sk);
	if (!smcr_conn_active(smc)) {
		rc = -ENOTCONN;
	} else {
		smcr_stat_tech_inc(sock_net(sk), splice);
		rc = smcr_rx_read(smc, &msg, len,
				  (flags & SPLICE_F_NONBLOCK) ? MSG_DONTWAIT : 0, true);
	}
	release_sock(sk);

	if (rc > 0) {
		for (i = 0, left = rc; left; i++) {
			partial[i].offset = 0;
			partial[i].len = min_t(size_t, left, PAGE_SIZE);
			partial[i].private = 0;
			left -= partial[i].len;
		}
		spd.nr_pages = i;
		for (; i < npages; i++)
			put_page(pages[i]);
		rc = splice_to_pipe(pipe, &spd);	/* room was checked: takes everything */
	} else {
		for (i = 0; i < npages; i++)
			put_page(pages[i]);
	}
	return rc;
}

/* ---- poll and ioctl ------------------------------------------------------------------------ */

/**
 * smcr_dp_poll() - poll() mask of an SMC-R socket (TCP's rules)
 * @smc: socket; the caller did sock_poll_wait()
 *
 * Return: the mask.
 */
__poll_t smcr_dp_poll(struct smcr_sock *smc)
{
	struct smcr_conn *conn = &smc->conn;
	struct sock *sk = &smc->sk;
	u8 state = READ_ONCE(sk->sk_state);
	u8 shutdown = READ_ONCE(sk->sk_shutdown);
	__poll_t mask = 0;
	int target;

	if (READ_ONCE(sk->sk_err))
		mask |= EPOLLERR;
	if (shutdown == SHUTDOWN_MASK || state == SMCR_CLOSED || smcr_peer_aborted(conn) ||
	    READ_ONCE(conn->killed))
		mask |= EPOLLHUP;
	if ((shutdown & RCV_SHUTDOWN) || smcr_rx_eof(smc))
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;

	target = sock_rcvlowat(sk, 0, INT_MAX);
	if (atomic_read(&conn->bytes_to_rcv) >= target ||
	    (atomic_read(&conn->bytes_to_rcv) && smcr_rx_eof(smc)))
		mask |= EPOLLIN | EPOLLRDNORM;
	if ((READ_ONCE(conn->urg_state) & SMCR_URG_STATE_MASK) == SMCR_URG_VALID)
		mask |= EPOLLPRI;

	if ((shutdown & SEND_SHUTDOWN) || smcr_sent_done_writing(conn) ||
	    smcr_sent_any_close(conn) || smcr_peer_any_close(conn) ||
	    READ_ONCE(conn->killed) || state == SMCR_CLOSED) {
		/* writing fails at once: EPOLLOUT, as TCP says for a shut down socket */
		mask |= EPOLLOUT | EPOLLWRNORM;
	} else if (smcr_tx_writable(conn)) {
		mask |= EPOLLOUT | EPOLLWRNORM;
	} else {
		sk_set_bit(SOCKWQ_ASYNC_NOSPACE, sk);
		if (sk->sk_socket)
			set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		smp_mb__after_atomic();	/* race with the completion that frees space */
		if (smcr_tx_writable(conn))
			mask |= EPOLLOUT | EPOLLWRNORM;
	}
	return mask;
}

/**
 * smcr_dp_ioctl() - SIOCINQ, SIOCOUTQ, SIOCOUTQNSD, SIOCATMARK of an SMC-R socket
 * @smc: socket
 * @cmd: ioctl
 * @arg: user pointer to an int
 *
 * Return: 0, a negative errno, or -ENOIOCTLCMD for anything else.
 */
int smcr_dp_ioctl(struct smcr_sock *smc, unsigned int cmd, unsigned long arg)
{
	struct smcr_conn *conn = &smc->conn;
	struct sock *sk = &smc->sk;
	int answ = 0;

	switch (cmd) {
	case SIOCINQ:
	case SIOCOUTQ:
	case SIOCOUTQNSD:
	case SIOCATMARK:
		break;
	default:
		return -ENOIOCTLCMD;
	}
	lock_sock(sk);
	if (sk->sk_state == SMCR_LISTEN) {
		release_sock(sk);
		return -EINVAL;
	}
	if (sk->sk_state != SMCR_INIT && sk->sk_state != SMCR_CLOSED &&
	    !smcr_dp_test(conn, SMCR_DP_FREED)) {
		spin_lock_bh(&conn->send_lock);
		switch (cmd) {
		case SIOCINQ:
			answ = atomic_read(&conn->bytes_to_rcv);
			break;
		case SIOCOUTQ:	/* in the send buffer, sent or not */
			answ = conn->sndbuf->len - atomic_read(&conn->sndbuf_space);
			break;
		case SIOCOUTQNSD:	/* in the send buffer, not sent */
			answ = smcr_tx_prepared(conn);
			break;
		case SIOCATMARK:
			answ = (conn->urg_state & SMCR_URG_STATE_MASK) != SMCR_URG_NONE &&
			       smcr_curs_diff(conn->rmb->len, &conn->rx_cons,
					      &conn->urg_curs) == 1;
			break;
		}
		spin_unlock_bh(&conn->send_lock);
	}
	release_sock(sk);
	return put_user(answ, (int __user *)arg);
}
