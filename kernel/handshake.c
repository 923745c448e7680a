// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: the CLC handshake on the clcsock, client and server side.
 *
 * The wire format lives in wire/clc.c (pure code, fuzzed in userspace); this file moves the bytes
 * over the TCP connection and decides: SMC, or fallback to TCP with a reason.
 *
 * Rules that keep a bad or foreign peer from costing data:
 *  - the server peeks at the first 8 bytes; if they are not a CLC header, the peer only replayed
 *    the SYN option and speaks its own protocol: nothing was consumed, fall back silently;
 *  - a CLC header that cannot be valid, or a timeout, leaves the stream position unknown: the
 *    connection is reset, never delivered half-read;
 *  - a complete message with a bad body was consumed exactly: answer with a Decline and fall back.
 */
#define pr_fmt(fmt) "smcr: " fmt

#include <linux/net.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <net/sock.h>

#include "smcr.h"
#include "main.h"
#include "wire/clc.h"
#include "wire/reason.h"

/* Receive results besides a message length. */
#define SMCR_CLC_NOT_CLC	(-ENOMSG)	/* stream does not start with a CLC eyecatcher */

static void smcr_count_fallback(struct smcr_sock *smc, u32 reason)
{
	struct net *net = sock_net(&smc->sk);
	enum smcr_mib_field f;

	switch (reason) {
	case SMCR_DECL_PEERNOSMC:
		f = SMCR_MIB_FB_PEERNOSMC;
		break;
	case SMCR_DECL_NOSMCDEV:
	case SMCR_DECL_NOSMCRDEV:
		f = SMCR_MIB_FB_NOSMCDEV;
		break;
	case SMCR_DECL_PEERDECL:
		f = SMCR_MIB_FB_PEERDECL;
		break;
	case SMCR_DECL_OPTUNSUPP:
		f = SMCR_MIB_FB_OPTUNSUPP;
		break;
	case SMCR_DECL_CNFERR:
		f = SMCR_MIB_FB_CLCERR;
		break;
	default:
		f = SMCR_MIB_FB_OTHER;
		break;
	}
	smcr_mib_inc(net, f);
	smcr_mib_inc(net, smc->is_child ? SMCR_MIB_SRV_FALLBACK : SMCR_MIB_CLNT_FALLBACK);
}

/**
 * smcr_fallback() - record the reason, count it, and switch @smc to TCP
 * @smc: socket, lock_sock() held
 * @reason: SMCR_DECL_* code
 */
static void smcr_fallback(struct smcr_sock *smc, u32 reason)
{
	if (!smc->use_fallback)
		smcr_count_fallback(smc, reason);
	smcr_switch_to_fallback(smc, reason);
	smc->sk.sk_state = SMCR_ACTIVE;
}

static int smcr_clc_xmit(struct socket *clc, const void *buf, size_t len)
{
	struct msghdr msg = { .msg_flags = MSG_NOSIGNAL };
	struct kvec vec = { .iov_base = (void *)buf, .iov_len = len };
	long saved = clc->sk->sk_sndtimeo;
	int rc;

	WRITE_ONCE(clc->sk->sk_sndtimeo, SMCR_CLC_SEND_TIME);
	rc = kernel_sendmsg(clc, &msg, &vec, 1, len);
	WRITE_ONCE(clc->sk->sk_sndtimeo, saved);
	if (rc >= 0 && rc != len)
		rc = -EPIPE;
	return rc < 0 ? rc : 0;
}

/**
 * smcr_clc_send_decline() - send a CLC Decline on the clcsock of @smc
 * @smc: socket, lock_sock() held
 * @reason: peer diagnosis to send
 * @version: SMCR_CLC_V1 or SMCR_CLC_V2 (28 or 44 bytes)
 *
 * Return: 0 or a negative errno.
 */
static int smcr_clc_send_decline(struct smcr_sock *smc, u32 reason, u8 version)
{
	struct smcr_clc_decline decl = {
		.version = version >= SMCR_CLC_V2 ? SMCR_CLC_V2 : SMCR_CLC_V1,
		.peer_diagnosis = reason,
		.os_type = version >= SMCR_CLC_V2 ? SMCR_CLC_OS_LINUX : 0,
	};
	u8 buf[SMCR_CLC_DECLINE_V2_LEN];
	int len, rc;

	memcpy(decl.sys_id, smcr_local_systemid, SMCR_CLC_SYSTEMID_LEN);
	len = smcr_clc_encode_decline(&decl, buf, sizeof(buf));
	if (len < 0)
		return len;
	rc = smcr_clc_xmit(smc->clcsock, buf, len);
	if (!rc)
		smcr_mib_inc(sock_net(&smc->sk), SMCR_MIB_DECL_SENT);
	return rc;
}

/* Read exactly @len bytes (or peek them), bounded by @deadline (jiffies). */
static int smcr_clc_read(struct socket *clc, void *buf, size_t len, int flags,
			 unsigned long deadline)
{
	struct msghdr msg = {};
	struct kvec vec = { .iov_base = buf, .iov_len = len };
	long left = (long)(deadline - jiffies);
	long saved = clc->sk->sk_rcvtimeo;
	int rc;

	if (left <= 0)
		return -EAGAIN;
	WRITE_ONCE(clc->sk->sk_rcvtimeo, left);
	rc = kernel_recvmsg(clc, &msg, &vec, 1, len, flags | MSG_WAITALL);
	WRITE_ONCE(clc->sk->sk_rcvtimeo, saved);
	if (rc < 0)
		return rc;
	if (rc != len)
		return rc == 0 ? -ECONNRESET : -EAGAIN;
	return 0;
}

/**
 * smcr_clc_recv() - receive one complete CLC message from the clcsock
 * @smc: socket, lock_sock() held
 * @buf: buffer of SMCR_CLC_MAX_LEN bytes
 * @hdr: out: the validated header
 *
 * Return: the message length; SMCR_CLC_NOT_CLC if the stream does not start with a CLC
 * eyecatcher (nothing consumed); -EPROTO for an invalid header (stream position lost);
 * -EAGAIN on timeout; another negative errno on connection errors.
 */
static int smcr_clc_recv(struct smcr_sock *smc, u8 *buf, struct smcr_clc_hdr *hdr)
{
	unsigned long deadline = jiffies + SMCR_CLC_WAIT_TIME;
	struct socket *clc = smc->clcsock;
	int rc;

	rc = smcr_clc_read(clc, buf, SMCR_CLC_HDR_LEN, MSG_PEEK, deadline);
	if (rc)
		return rc;
	if (memcmp(buf, SMCR_CLC_EYECATCHER_R, SMCR_CLC_EYECATCHER_LEN) &&
	    memcmp(buf, SMCR_CLC_EYECATCHER_D, SMCR_CLC_EYECATCHER_LEN))
		return SMCR_CLC_NOT_CLC;
	if (smcr_clc_parse_hdr(buf, SMCR_CLC_HDR_LEN, hdr))
		return -EPROTO;
	rc = smcr_clc_read(clc, buf, hdr->length, 0, deadline);
	return rc ? rc : hdr->length;
}

/**
 * smcr_connect_handshake() - client side, after the clcsock's TCP connect succeeded
 * @smc: socket in state INIT, lock_sock() held
 *
 * Without a usable RDMA device the client declines before proposing, as Linux does, and both
 * ends continue over TCP.
 *
 * Return: 0 when the socket is usable (SMC or fallback), or a negative errno.
 */
int smcr_connect_handshake(struct smcr_sock *smc)
{
	int rc;

	smcr_mib_inc(sock_net(&smc->sk), SMCR_MIB_CLNT_HS);
	if (smc->use_fallback) {
		smc->sk.sk_state = SMCR_ACTIVE;
		return 0;
	}
	if (!smcr_clcsock_peer_smc(smc)) {
		/* nothing SMC happened on the wire: no Decline */
		smcr_fallback(smc, SMCR_DECL_PEERNOSMC);
		return 0;
	}
	/* no RDMA device layer yet: nothing to propose */
	rc = smcr_clc_send_decline(smc, SMCR_DECL_NOSMCDEV, SMCR_CLC_V1);
	if (rc)
		return rc;
	smcr_fallback(smc, SMCR_DECL_NOSMCDEV);
	return 0;
}

/* Server: the first CLC message of the client arrived (or did not). Returns false to drop. */
static bool smcr_listen_process(struct smcr_sock *child, u8 *buf)
{
	struct net *net = sock_net(&child->sk);
	struct smcr_clc_msg *msg;
	struct smcr_clc_hdr hdr;
	u32 reason;
	u8 version;
	int rc;

	rc = smcr_clc_recv(child, buf, &hdr);
	if (rc == SMCR_CLC_NOT_CLC) {
		/* the peer replayed the SMC option but speaks something else */
		smcr_fallback(child, SMCR_DECL_PEERNOSMC);
		return true;
	}
	if (rc < 0) {
		smcr_mib_inc(net, rc == -EAGAIN ? SMCR_MIB_CLC_TIMEOUT : SMCR_MIB_CLC_PROTOERR);
		return false;
	}

	msg = kmalloc(sizeof(*msg), GFP_KERNEL);
	if (!msg)
		return false;
	rc = smcr_clc_decode(buf, hdr.length, msg);
	version = hdr.version >= SMCR_CLC_V2 ? SMCR_CLC_V2 : SMCR_CLC_V1;
	if (rc == 0 && hdr.type == SMCR_CLC_DECLINE) {
		smcr_mib_inc(net, SMCR_MIB_DECL_RCVD);
		child->peer_diagnosis = msg->decl.peer_diagnosis;
		smcr_fallback(child, SMCR_DECL_PEERDECL);
		kfree(msg);
		return true;
	}
	if (rc == 0 && hdr.type == SMCR_CLC_PROPOSAL) {
		smcr_mib_inc(net, SMCR_MIB_PROP_RCVD);
		/* no RDMA device layer yet: decline whatever was offered */
		reason = SMCR_DECL_NOSMCDEV;
	} else {
		/* consumed exactly, but malformed or out of order */
		smcr_mib_inc(net, SMCR_MIB_CLC_PROTOERR);
		reason = SMCR_DECL_CNFERR;
	}
	kfree(msg);
	if (smcr_clc_send_decline(child, reason, version))
		return false;
	smcr_fallback(child, reason);
	return true;
}

/**
 * smcr_listen_handshake_work() - server side handshake of one child connection
 * @work: &smcr_sock.hs_work of the child
 *
 * Ends by handing the child to the listener's accept queue, or dropping it (connection reset).
 * The work owns the child's base reference.
 */
void smcr_listen_handshake_work(struct work_struct *work)
{
	struct smcr_sock *child = container_of(work, struct smcr_sock, hs_work);
	struct smcr_sock *lsmc = child->listen_smc;
	bool keep = true;
	u8 *buf;

	lock_sock(&child->sk);
	smcr_mib_inc(sock_net(&child->sk), SMCR_MIB_SRV_HS);
	if (READ_ONCE(lsmc->use_fallback)) {
		smcr_fallback(child, READ_ONCE(lsmc->fallback_rsn));
	} else if (!smcr_clcsock_peer_smc(child)) {
		smcr_fallback(child, SMCR_DECL_PEERNOSMC);
	} else {
		buf = kmalloc(SMCR_CLC_MAX_LEN, GFP_KERNEL);
		keep = buf && smcr_listen_process(child, buf);
		kfree(buf);
	}
	release_sock(&child->sk);

	if (keep) {
		smcr_child_enqueue(child);
	} else {
		smcr_mib_inc(sock_net(&child->sk), SMCR_MIB_HS_ABORT);
		smcr_child_drop(child);
	}
}
