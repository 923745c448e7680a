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
#include "stats.h"
#include "sysctl.h"
#include "wire/clc.h"
#include "wire/reason.h"
#include "core.h"
#include "eid.h"
#include "ib.h"
#include "hspath.h"
#include "inject.h"
#include "policy.h"
#include "wire/negotiate.h"

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
	case SMCR_DECL_POLICY:
		return;	/* not a fallback: counted by the policy (policy.c) */
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

/* ---- SMC-R v1 and v2: Proposal / Accept / Confirm --------------------------------------------- */

/*
 * SMC-R is offered and accepted by default, as upstream does. rdma=0 makes smcr behave like a
 * host without RDMA devices (decline, fall back to TCP), e.g. to rule out the data path.
 */
static bool smcr_rdma_enabled = true;

/*
 * First contacts are serialised per role, as upstream does: a burst of connections to a new peer
 * then creates one link group, and the others wait for its link to be confirmed and join it,
 * instead of each creating a group of its own. Joining an existing group does not hold these.
 */
static DEFINE_MUTEX(smcr_clnt_lgr_pending);
static DEFINE_MUTEX(smcr_srv_lgr_pending);
module_param_named(rdma, smcr_rdma_enabled, bool, 0644);
MODULE_PARM_DESC(rdma, "Offer and accept SMC-R (default: on; 0 = behave as a host without RDMA devices)");

/* Send buffer and RMB for a new connection of @lgr, and the connection's token in it. */
static u32 smcr_conn_setup(struct smcr_sock *smc, struct smcr_lgr *lgr)
{
	struct smcr_conn *conn = &smc->conn;

	if (smcr_conn_register(smc, lgr))
		return SMCR_DECL_SYNCERR;	/* group full or going away: the caller's ref is gone */
	conn->sndbuf = smcr_buf_get(lgr, false, READ_ONCE(smc->sk.sk_sndbuf) / 2);
	conn->rmb = smcr_buf_get(lgr, true, READ_ONCE(smc->sk.sk_rcvbuf) / 2);
	if (!conn->sndbuf || !conn->rmb)
		return SMCR_DECL_MEM;
	return 0;
}

/* Undo a connection set up by the handshake; a first-contact group goes with it. */
static void smcr_conn_abandon(struct smcr_sock *smc, bool first_contact)
{
	struct smcr_lgr *lgr = smc->conn.lgr;

	if (!lgr)
		return;
	if (first_contact)
		refcount_inc(&lgr->refs);
	smcr_conn_unregister(smc);
	if (first_contact) {
		smcr_lgr_terminate(lgr, false);
		smcr_lgr_put(lgr);
	}
}

/* Fill the fields of an Accept or Confirm that describe our end of the connection. */
static void smcr_fill_accept_confirm(struct smcr_sock *smc, struct smcr_clc_accept_confirm *ac,
				     u8 type, bool first_contact, enum ib_mtu mtu)
{
	struct smcr_conn *conn = &smc->conn;
	struct smcr_link *lnk = conn->lnk;

	ac->type = type;
	ac->version = conn->lgr->smc_version >= 2 ? SMCR_CLC_V2 : SMCR_CLC_V1;
	ac->first_contact = first_contact;
	memcpy(ac->sys_id, smcr_local_systemid, SMCR_CLC_SYSTEMID_LEN);
	memcpy(ac->gid, lnk->gid, SMCR_CLC_GID_LEN);
	memcpy(ac->mac, lnk->mac, SMCR_CLC_MAC_LEN);
	ac->qpn = lnk->qpn;
	ac->rmb_rkey = conn->rmb->rkey;
	ac->rmbe_idx = 1;
	ac->rmbe_alert_token = conn->token;
	ac->rmbe_size = conn->rmb->size_class;
	ac->qp_mtu = mtu;
	ac->rmb_dma_addr = conn->rmb->dma_addr;
	ac->psn = lnk->psn;
	if (ac->version < SMCR_CLC_V2)
		return;		/* v1: 68 bytes, no EID, no First Contact Extension */
	memcpy(ac->eid, conn->lgr->negotiated_eid, SMCR_CLC_EID_LEN);
	if (first_contact) {
		ac->fce.v2_direct = true;
		ac->fce.os_type = SMCR_CLC_OS_LINUX;
		ac->fce.release = conn->lgr->release;
		memcpy(ac->fce.hostname, smcr_local_hostname(), SMCR_CLC_HOSTNAME_LEN);
		if (conn->lgr->release >= 1) {
			ac->fce.max_conns = conn->lgr->max_conns;
			ac->fce.max_links = conn->lgr->max_links;
		}
	}
}

/* Connections per link group we offer or allow (v2.1): the sysctl, within 16..255. */
static u8 smcr_v2x_our_conns(const struct net *net)
{
	return clamp_t(int, smcr_sysctl_max_conns(net), SMCR_V2X_CONNS_MIN, SMCR_V2X_CONNS_MAX);
}

/* Record a first contact's v2.1 agreement in its new link group. */
static void smcr_lgr_set_v2x(struct smcr_lgr *lgr, const struct smcr_v2x *v2x)
{
	lgr->release = v2x->release;
	if (v2x->release >= 1) {
		lgr->max_conns = v2x->max_conns;
		lgr->max_links = v2x->max_links;
	}
}

/* The peer's end of the connection, from its Accept or Confirm. */
static void smcr_take_peer_conn(struct smcr_sock *smc, const struct smcr_clc_accept_confirm *ac)
{
	struct smcr_conn *conn = &smc->conn;

	conn->peer_token = ac->rmbe_alert_token;
	conn->peer_rkey = ac->rmb_rkey;
	conn->peer_rmb_addr = ac->rmb_dma_addr;
	conn->peer_rmbe_size = SMCR_BUF_MIN << min_t(u8, ac->rmbe_size, SMCR_BUF_CLASSES - 1);
}

static void smcr_link_peer_from(struct smcr_link_peer *peer,
				const struct smcr_clc_accept_confirm *ac, enum ib_mtu local_mtu)
{
	peer->qpn = ac->qpn;
	peer->psn = ac->psn;
	memcpy(peer->gid, ac->gid, sizeof(peer->gid));
	memcpy(peer->mac, ac->mac, sizeof(peer->mac));
	peer->mtu = min_t(enum ib_mtu, local_mtu, ac->qp_mtu ? ac->qp_mtu : IB_MTU_1024);
}

static int smcr_clc_send_ac(struct smcr_sock *smc, const struct smcr_clc_accept_confirm *ac)
{
	u8 *buf;
	int len, rc;

	buf = kmalloc(SMCR_CLC_MAX_LEN, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	len = smcr_clc_encode_accept_confirm(ac, buf, SMCR_CLC_MAX_LEN);
	rc = len < 0 ? len : smcr_clc_xmit(smc->clcsock, buf, len);
	kfree(buf);
	return rc;
}

/*
 * Receive the peer's next CLC message, which must be @type or a Decline.
 * Return: 0 with @msg filled; SMCR_DECL_PEERDECL if the peer declined (@msg->decl valid);
 * another positive reason if the message was wrong (we must decline); negative errno otherwise.
 */
static int smcr_clc_expect(struct smcr_sock *smc, u8 *buf, struct smcr_clc_msg *msg, u8 type)
{
	struct smcr_clc_hdr hdr;
	int rc;

	rc = smcr_clc_recv(smc, buf, &hdr);
	if (rc == SMCR_CLC_NOT_CLC)
		return -EPROTO;
	if (rc < 0)
		return rc;
	rc = smcr_clc_decode(buf, hdr.length, msg);
	if (rc == -EOPNOTSUPP)
		return SMCR_DECL_MODEUNSUPP;	/* an SMC-D Accept/Confirm */
	if (rc) {
		smcr_mib_inc(sock_net(&smc->sk), SMCR_MIB_CLC_PROTOERR);
		return SMCR_DECL_CNFERR;
	}
	if (hdr.type == SMCR_CLC_DECLINE) {
		smcr_mib_inc(sock_net(&smc->sk), SMCR_MIB_DECL_RCVD);
		smc->peer_diagnosis = msg->decl.peer_diagnosis;
		return SMCR_DECL_PEERDECL;
	}
	if (hdr.type != type) {
		smcr_mib_inc(sock_net(&smc->sk), SMCR_MIB_CLC_PROTOERR);
		return SMCR_DECL_CNFERR;
	}
	return 0;	/* the caller checks the version */
}

/* Give up on SMC-R for this connection: tell the peer (unless it declined) and use TCP. */
static int smcr_decline_fallback(struct smcr_sock *smc, u32 reason, u8 version)
{
	if (reason != SMCR_DECL_PEERDECL) {
		int rc = smcr_clc_send_decline(smc, reason, version);

		if (rc)
			return rc;
	}
	smcr_fallback(smc, reason);
	return 0;
}

/*
 * The local GIDs a client can propose for @smc: SMC-Rv2 (IPv4 clcsock, a UEID, a RoCE v2 GID) and
 * SMC-Rv1 (a RoCE v1 GID and a prefix area). Fills the offer part of @prop.
 *
 * Return: 0; -ENODEV if neither can be offered; SMCR_DECL_CNFERR if only v1 was possible but the
 * netdev has no prefix to announce (Linux then declines with CNFERR).
 */
static int smcr_clnt_offer(struct smcr_sock *smc, struct smcr_hs_path *path,
			   struct smcr_clc_proposal *prop, struct smcr_ib_gid *gid_v1,
			   struct smcr_ib_gid *gid_v2)
{
	bool v1, v2;

	if (!READ_ONCE(smcr_rdma_enabled) || smcr_hs_path_get(smc->clcsock, path))
		return -ENODEV;
	v2 = READ_ONCE(smcr_v2_enabled) && path->inet4 && !smcr_is_v6(smc) &&
	     smcr_ueid_count() && !smcr_hs_find_gid(path, SMCR_CLC_V2, gid_v2);
	v1 = !smcr_hs_find_gid(path, SMCR_CLC_V1, gid_v1);
	if (v1 && smcr_clc_prefix_fill(prop, path->q.family, path->q.saddr, path->ifa,
				       path->nifa)) {
		if (!v2)
			return SMCR_DECL_CNFERR;
		v1 = false;
	}
	if (!v1 && !v2)
		return -ENODEV;

	prop->version = SMCR_CLC_V2;	/* Linux always sends a version 2 header */
	prop->typev1 = v1 ? SMCR_CLC_TYPE_R : SMCR_CLC_TYPE_N;
	prop->typev2 = v2 ? SMCR_CLC_TYPE_R : SMCR_CLC_TYPE_N;
	memcpy(prop->sys_id, smcr_local_systemid, SMCR_CLC_SYSTEMID_LEN);
	if (v1) {
		memcpy(prop->gid, gid_v1->gid, SMCR_CLC_GID_LEN);
		memcpy(prop->mac, gid_v1->mac, SMCR_CLC_MAC_LEN);
	}
	if (v2) {
		prop->has_v2_ext = true;
		prop->eid_cnt = smcr_ueid_copy(prop->ueid, SMCR_CLC_MAX_UEID);
		memcpy(prop->roce_gid_v2, gid_v2->gid, SMCR_CLC_GID_LEN);
		/* v2.1: our groups have one link (a v2.1 server then sends no ADD_LINK, and a v2.1
		 * client does not wait for one) and as many connections as the sysctl allows
		 */
		prop->release = SMCR_V2X_RELEASE;
		prop->max_conns = smcr_v2x_our_conns(sock_net(&smc->sk));
		prop->max_links = SMCR_V2X_LINKS_MIN;
	}
	return 0;
}

/**
 * smcr_clnt_rdma() - client side of SMC-R (v2 preferred, v1) after the TCP connect
 * @smc: socket, lock_sock() held, peer offered SMC
 *
 * Return: 0 when the socket is usable (SMC-R, or a fallback that has been agreed with the peer),
 * -ENODEV when SMC-R cannot be offered at all (nothing was sent), another negative errno on
 * connection errors.
 */
static int smcr_clnt_rdma(struct smcr_sock *smc)
{
	struct smcr_clc_proposal *prop = NULL;
	struct smcr_clc_msg *msg = NULL;
	struct smcr_hs_path *path = NULL;
	struct smcr_ib_gid *gids = NULL, *gid;
	struct smcr_link_peer peer;
	bool first_contact_locked = false;
	u8 version = SMCR_CLC_V1;	/* of our Declines until the Accept tells (as Linux on x86) */
	struct smcr_v2x v2x = {};
	struct smcr_lgr *lgr;
	bool first_contact;
	u8 *buf = NULL;
	u32 reason;
	int rc, len;

	rc = -ENOMEM;
	prop = kzalloc(sizeof(*prop), GFP_KERNEL);
	msg = kzalloc(sizeof(*msg), GFP_KERNEL);
	path = kzalloc(sizeof(*path), GFP_KERNEL);
	gids = kcalloc(2, sizeof(*gids), GFP_KERNEL);	/* [0] v1, [1] v2 */
	buf = kmalloc(SMCR_CLC_MAX_LEN, GFP_KERNEL);
	if (!prop || !msg || !path || !gids || !buf)
		goto out;

	rc = smcr_clnt_offer(smc, path, prop, &gids[0], &gids[1]);
	if (rc > 0) {
		rc = smcr_decline_fallback(smc, rc, version);
		goto out;
	}
	if (rc)
		goto out;
	len = smcr_clc_encode_proposal(prop, buf, SMCR_CLC_MAX_LEN);
	if (len < 0) {
		rc = len;
		goto out;
	}
	rc = smcr_clc_xmit(smc->clcsock, buf, len);
	if (rc)
		goto out;

	rc = smcr_clc_expect(smc, buf, msg, SMCR_CLC_ACCEPT);
	if (rc < 0)
		goto out;
	if (rc) {
		rc = smcr_decline_fallback(smc, rc, version);
		goto out;
	}
	version = msg->ac.version >= SMCR_CLC_V2 ? SMCR_CLC_V2 : SMCR_CLC_V1;
	reason = smcr_clnt_check_accept(prop->typev1, prop->typev2, msg->ac.version);
	if (reason) {
		rc = smcr_decline_fallback(smc, reason, version);
		goto out;
	}
	gid = version == SMCR_CLC_V2 ? &gids[1] : &gids[0];
	first_contact = msg->ac.first_contact;
	if (version == SMCR_CLC_V2 && !smcr_ueid_match(msg->ac.eid)) {
		rc = smcr_decline_fallback(smc, SMCR_DECL_NOUEID, version);
		goto out;
	}
	if (version == SMCR_CLC_V2 && first_contact && !msg->ac.fce.v2_direct) {
		/* the peer is behind a gateway: routing over RoCE v2 is not implemented */
		rc = smcr_decline_fallback(smc, SMCR_DECL_NOINDIRECT, version);
		goto out;
	}
	if (version == SMCR_CLC_V2 && first_contact) {
		struct smcr_v2x offered = {
			.release = prop->release,
			.max_conns = prop->max_conns,
			.max_links = prop->max_links,
		};

		reason = smcr_v2x_clnt_check(&msg->ac.fce, &offered, &v2x);
		if (reason) {
			rc = smcr_decline_fallback(smc, reason, version);
			goto out;
		}
	}

	mutex_lock(&smcr_clnt_lgr_pending);
	first_contact_locked = first_contact;
	if (first_contact) {
		lgr = smcr_lgr_create(sock_net(&smc->sk), SMCR_ROLE_CLIENT, msg->ac.sys_id, version);
		reason = SMCR_DECL_MEM;
		if (!lgr)
			goto decline;
		if (version == SMCR_CLC_V2) {
			memcpy(lgr->negotiated_eid, msg->ac.eid, SMCR_CLC_EID_LEN);
			lgr->peer_os = msg->ac.fce.os_type;
			lgr->peer_release = msg->ac.fce.release;
			memcpy(lgr->peer_hostname, msg->ac.fce.hostname,
			       sizeof(lgr->peer_hostname));
			smcr_lgr_set_v2x(lgr, &v2x);
		}
		if (smcr_link_create(&lgr->lnk, lgr, gid, 0)) {
			smcr_lgr_terminate(lgr, false);
			smcr_lgr_put(lgr);
			goto decline;
		}
	} else {
		/* v1 groups are keyed by the peer's system id, GID and MAC; v2 by system id and GID */
		lgr = smcr_lgr_find(sock_net(&smc->sk), SMCR_ROLE_CLIENT, msg->ac.sys_id,
				    msg->ac.gid, msg->ac.qpn, version,
				    version == SMCR_CLC_V1 ? msg->ac.mac : NULL);
		mutex_unlock(&smcr_clnt_lgr_pending);
		reason = SMCR_DECL_SYNCERR;
		if (!lgr)
			goto decline;
	}
	reason = smcr_conn_setup(smc, lgr);
	if (reason)
		goto decline_conn;
	smcr_take_peer_conn(smc, &msg->ac);

	reason = SMCR_DECL_ERR_RDYLNK;
	if (first_contact) {
		smcr_link_peer_from(&peer, &msg->ac, lgr->lnk.mtu);
		if (smcr_link_rtr(&lgr->lnk, &peer))
			goto decline_conn;
	}
	/*
	 * No CONFIRM_RKEY for a new RMB: it announces the rkey on the group's *other* links, and
	 * our groups have one (ADD_LINK is rejected); the CLC Confirm carries it for this one.
	 * Skipping it keeps a burst of new connections from queueing one LLC round trip each.
	 */
	smc->conn.rmb->rkey_announced = true;

	/* our end, for the server */
	memset(&msg->ac, 0, sizeof(msg->ac));
	smcr_fill_accept_confirm(smc, &msg->ac, SMCR_CLC_CONFIRM, first_contact,
				 lgr->lnk.peer.mtu ? lgr->lnk.peer.mtu : lgr->lnk.mtu);
	if (first_contact && version == SMCR_CLC_V2) {
		msg->ac.gid_cnt = 1;
		memcpy(msg->ac.gid_list[0], lgr->lnk.gid, SMCR_CLC_GID_LEN);
	}
	rc = smcr_clc_send_ac(smc, &msg->ac);
	if (rc) {
		smcr_conn_abandon(smc, first_contact);
		goto out_unlock;
	}
	if (first_contact) {
		reason = SMCR_DECL_TIMEOUT_CL;
		if (smcr_llc_clnt_confirm_link(&lgr->lnk))
			goto decline_conn;
		mutex_unlock(&smcr_clnt_lgr_pending);
		first_contact_locked = false;
		first_contact = false;	/* the group is established: errors no longer end it */
	}
	rc = smcr_conn_start(smc);
	if (rc) {
		reason = SMCR_DECL_INTERR;
		goto decline_conn;
	}
	smcr_stat_clnt_succ(sock_net(&smc->sk), version == SMCR_CLC_V2);
	goto out;

decline_conn:
	smcr_conn_abandon(smc, first_contact);
decline:
	rc = smcr_decline_fallback(smc, reason, version);
out_unlock:
	if (first_contact_locked)
		mutex_unlock(&smcr_clnt_lgr_pending);
out:
	kfree(buf);
	kfree(gids);
	kfree(path);
	kfree(msg);
	kfree(prop);
	return rc;
}

/*
 * What the server has for this Proposal: UEID match, RoCE v2 GID (IPv4 only), prefix match and
 * RoCE v1 GID; then the version to accept (smcr_srv_choose()). Returns the version, 0 with
 * *@reason set to decline.
 */
static u8 smcr_srv_find(struct smcr_sock *child, const struct smcr_clc_proposal *prop,
			struct smcr_hs_path *path, struct smcr_ib_gid *gid, const u8 **eid,
			u32 *reason)
{
	struct smcr_srv_caps caps = {};
	bool have_path;
	u8 version;
	int i;

	have_path = READ_ONCE(smcr_rdma_enabled) && !smcr_hs_path_get(child->clcsock, path);
	caps.v2_enabled = READ_ONCE(smcr_v2_enabled);
	*eid = NULL;
	for (i = 0; i < prop->eid_cnt && !*eid; i++)
		if (smcr_ueid_match(prop->ueid[i]))
			*eid = prop->ueid[i];
	caps.ueid_match = *eid;
	if (have_path && prop->typev1 != SMCR_CLC_TYPE_N)
		caps.prefix_match = smcr_clc_prefix_match(prop, path->ifa, path->nifa);
	if (have_path && caps.v2_enabled && caps.ueid_match && path->inet4 &&
	    !smcr_is_v6(child) && smcr_clc_smcr_indicated(prop->typev2))
		caps.v2_dev = !smcr_hs_find_gid(path, SMCR_CLC_V2, gid);
	version = smcr_srv_choose(prop, &caps, reason);
	if (!version && have_path && caps.prefix_match && smcr_clc_smcr_indicated(prop->typev1)) {
		/* v1 is the choice unless there is no v1 device: look now, choose again */
		caps.v1_dev = !smcr_hs_find_gid(path, SMCR_CLC_V1, gid);
		version = smcr_srv_choose(prop, &caps, reason);
	}
	return version;
}

/**
 * smcr_srv_rdma() - server side of SMC-R (v2 preferred, v1) after a valid Proposal
 * @child: the new connection, lock_sock() held
 * @buf: CLC buffer (SMCR_CLC_MAX_LEN bytes)
 * @prop: the client's Proposal
 *
 * Return: 0 when @child is usable (SMC-R or an agreed fallback), a negative errno when the
 * connection must be dropped.
 */
static int smcr_srv_rdma(struct smcr_sock *child, u8 *buf, const struct smcr_clc_proposal *prop)
{
	/* Declines go out in the Proposal's version, as Linux's server sends them */
	u8 decl_version = prop->version >= SMCR_CLC_V2 ? SMCR_CLC_V2 : SMCR_CLC_V1;
	struct smcr_hs_path *path;
	struct smcr_clc_msg *msg;
	struct smcr_link_peer peer;
	struct smcr_ib_gid gid;
	struct smcr_lgr *lgr;
	bool first_contact = false;
	struct smcr_v2x v2x = {};
	bool locked = false;
	const u8 *eid = NULL;
	const u8 *peer_gid;
	u8 version;
	u32 reason;
	int rc;

	msg = kzalloc(sizeof(*msg), GFP_KERNEL);
	path = kzalloc(sizeof(*path), GFP_KERNEL);
	if (!msg || !path) {
		kfree(path);
		kfree(msg);
		return -ENOMEM;
	}

	/* what the client offers and what we have */
	version = smcr_srv_find(child, prop, path, &gid, &eid, &reason);
	if (!version)
		goto decline;
	peer_gid = version == SMCR_CLC_V2 ? prop->roce_gid_v2 : prop->gid;

	mutex_lock(&smcr_srv_lgr_pending);
	locked = true;
	lgr = smcr_lgr_find(sock_net(&child->sk), SMCR_ROLE_SERVER, prop->sys_id, peer_gid, 0,
			    version, version == SMCR_CLC_V1 ? prop->mac : NULL);
	if (lgr && (lgr->lnk.dev != gid.dev || lgr->lnk.port != gid.port)) {
		smcr_lgr_put(lgr);
		lgr = NULL;
	}
	if (lgr) {
		mutex_unlock(&smcr_srv_lgr_pending);
		locked = false;
	} else {
		first_contact = true;	/* smcr_srv_lgr_pending held until the link is confirmed */
		if (version == SMCR_CLC_V2) {
			reason = smcr_v2x_srv_choose(prop, smcr_v2x_our_conns(sock_net(&child->sk)),
						     SMCR_V2X_LINKS_MIN, &v2x);
			if (reason)
				goto decline;
		}
		reason = SMCR_DECL_MEM;
		lgr = smcr_lgr_create(sock_net(&child->sk), SMCR_ROLE_SERVER, prop->sys_id,
				      version);
		if (!lgr)
			goto decline;
		if (version == SMCR_CLC_V2)
			smcr_lgr_set_v2x(lgr, &v2x);
		if (eid && version == SMCR_CLC_V2)
			memcpy(lgr->negotiated_eid, eid, SMCR_CLC_EID_LEN);
		if (smcr_link_create(&lgr->lnk, lgr, &gid, 1)) {
			smcr_lgr_terminate(lgr, false);
			smcr_lgr_put(lgr);
			goto decline;
		}
	}
	reason = smcr_conn_setup(child, lgr);
	if (reason)
		goto decline_conn;
	child->conn.rmb->rkey_announced = true;	/* one link: no CONFIRM_RKEY (see client) */

	smcr_fill_accept_confirm(child, &msg->ac, SMCR_CLC_ACCEPT, first_contact, lgr->lnk.mtu);
	rc = smcr_clc_send_ac(child, &msg->ac);
	if (rc)
		goto drop;
	/*
	 * The client has our RMB's address and rkey now. Should this handshake still fail (its
	 * Confirm comes too late, say), the client may already write into the RMB before it learns
	 * of the reset: never hand that RMB to another connection of this (surviving) group.
	 */
	child->conn.rmb->retired = true;

	rc = smcr_clc_expect(child, buf, msg, SMCR_CLC_CONFIRM);
	if (rc < 0)
		goto drop;
	if (rc == SMCR_DECL_PEERDECL && msg->decl.first_contact && !first_contact) {
		/*
		 * The client does not know the group we reused (its link went down): a Decline with
		 * the first-contact bit, Linux's sync error. End the group here too, so the next
		 * connection starts a new one instead of running into the same decline.
		 */
		struct smcr_lgr *stale = child->conn.lgr;

		refcount_inc(&stale->refs);
		smcr_conn_abandon(child, false);
		smcr_lgr_terminate(stale, false);
		smcr_lgr_put(stale);
		reason = rc;
		goto decline;
	}
	if (rc) {
		reason = rc;
		goto decline_conn;
	}
	if (smcr_inject_armed() && smcr_inject_srv_drop(child->clcsock->sk->sk_num)) {
		rc = -ETIMEDOUT;	/* test facility: as if the Confirm had come too late */
		goto drop;
	}
	reason = SMCR_DECL_VERSMISMAT;
	if ((msg->ac.version >= SMCR_CLC_V2) != (version == SMCR_CLC_V2))
		goto decline_conn;
	reason = SMCR_DECL_SYNCERR;
	if (!first_contact && msg->ac.qpn != lgr->lnk.peer.qpn)
		goto decline_conn;
	smcr_take_peer_conn(child, &msg->ac);
	if (first_contact) {
		if (version == SMCR_CLC_V2) {
			/* a v2.1 client repeats what we chose */
			reason = smcr_v2x_srv_confirm_check(&msg->ac.fce, &v2x);
			if (reason)
				goto decline_conn;
			lgr->peer_os = msg->ac.fce.os_type;
			lgr->peer_release = msg->ac.fce.release;
			memcpy(lgr->peer_hostname, msg->ac.fce.hostname,
			       sizeof(lgr->peer_hostname));
		}
		smcr_link_peer_from(&peer, &msg->ac, lgr->lnk.mtu);
		reason = SMCR_DECL_ERR_RDYLNK;
		if (smcr_link_rtr(&lgr->lnk, &peer) || smcr_link_rts(&lgr->lnk))
			goto decline_conn;
		reason = SMCR_DECL_TIMEOUT_CL;
		if (smcr_llc_srv_confirm_link(&lgr->lnk))
			goto decline_conn;
		mutex_unlock(&smcr_srv_lgr_pending);
		locked = false;
		first_contact = false;	/* the group is established: errors no longer end it */
	}
	reason = SMCR_DECL_INTERR;
	if (smcr_conn_start(child))
		goto decline_conn;
	child->conn.rmb->retired = false;	/* the connection owns it: normal reuse after it */
	smcr_stat_srv_succ(sock_net(&child->sk), version == SMCR_CLC_V2);
	kfree(path);
	kfree(msg);
	return 0;

decline_conn:
	smcr_conn_abandon(child, first_contact);
decline:
	if (locked)
		mutex_unlock(&smcr_srv_lgr_pending);
	kfree(path);
	kfree(msg);
	return smcr_decline_fallback(child, reason, decl_version);
drop:
	smcr_conn_abandon(child, first_contact);
	if (locked)
		mutex_unlock(&smcr_srv_lgr_pending);
	kfree(path);
	kfree(msg);
	return rc;
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
	rc = smcr_clnt_rdma(smc);
	if (rc != -ENODEV)
		return rc;
	/* no usable device (or no UEID): decline before proposing, as Linux does */
	rc = smcr_clc_send_decline(smc, SMCR_DECL_NOSMCDEV, SMCR_CLC_V1);
	if (rc) {
		/* upstream's client handshake error: no fallback possible */
		smcr_stat_hs_err(sock_net(&smc->sk), false);
		return rc;
	}
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
	if (rc == 0 && hdr.type == SMCR_CLC_PROPOSAL && smcr_policy_accept_tcp(child)) {
		/* the SMC policy chose TCP for this peer: decline its Proposal */
		smcr_mib_inc(net, SMCR_MIB_PROP_RCVD);
		reason = SMCR_DECL_POLICY;
	} else if (rc == 0 && hdr.type == SMCR_CLC_PROPOSAL) {
		smcr_mib_inc(net, SMCR_MIB_PROP_RCVD);
		rc = smcr_srv_rdma(child, buf, &msg->prop);
		kfree(msg);
		return rc >= 0;
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
		smcr_stat_hs_err(sock_net(&child->sk), true);	/* upstream's server hs error */
		smcr_child_drop(child);
	}
}
