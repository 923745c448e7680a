/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smcr: SMC-R core objects — link groups, links, RDMA buffers, the SMC-R side of a connection —
 * and the contracts between the files that own them:
 *
 *   lgr.c        link groups: create/find/reuse/linger/free; connection tokens; buffer pools
 *   handshake.c  CLC v1/v2 Proposal/Accept/Confirm; drives lgr.c and link.c for a new connection
 *   hspath.c     the clcsock's route/netdev/PNET id/prefixes; ib.c picks the RoCE port and GID
 *   link.c       PD, CQs, RC QP and its state machine; RMB memory registration
 *   wr.c         work requests: 48-byte send/receive buffer pools, posting, completions, RX demux
 *   llc.c        LLC protocol on a link: CONFIRM_LINK, TEST_LINK, DELETE_LINK, CONFIRM/DELETE_RKEY,
 *                ADD_LINK (rejected: one link per group), REQ_ADD_LINK
 *   cdc.c tx.c rx.c close.c   the data path of an SMC-R connection
 *
 * Locking overview: smcr_lgr_lock (mutex) guards the global list of link groups; lgr->conns_lock
 * (rwlock, _bh) the token tree, read by CDC receive in softirq context; lgr->bufs_lock (mutex) the
 * buffer pools. A connection's data-path state is guarded by its socket lock (bh_lock_sock from
 * completion context, lock_sock from process context) as noted per field.
 */
#ifndef SMCR_CORE_H
#define SMCR_CORE_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/interrupt.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <rdma/ib_verbs.h>

#include "ib.h"
#include "wire/cursor.h"

struct smcr_sock;
struct smcr_link;
struct smcr_lgr;

/* ---- constants ------------------------------------------------------------------------------ */

#define SMCR_WR_BUF_SIZE	48	/* one CDC or v1 LLC message per work request buffer */
#define SMCR_WR_SEND_CNT	16	/* send slots per link (upstream 6.1) */
#define SMCR_WR_RECV_CNT	48	/* posted receives per link */
#define SMCR_LLC_V2_BUF_SIZE	8192	/* SMC-Rv2 LLC messages, received through a second SGE */
#define SMCR_WR_TX_WAIT		(10 * HZ)	/* wait for a free send slot */
#define SMCR_WR_TX_WINDOW_KB	256	/* RDMA WRITE bytes in flight per link (wr.c) */
#define SMCR_LLC_WAIT_FIRST	(2 * HZ)	/* server waits for the CONFIRM_LINK response */
#define SMCR_LLC_WAIT_FIRST_CLNT (4 * HZ)	/* client waits for the CONFIRM_LINK request */
#define SMCR_LLC_WAIT		(2 * HZ)	/* any other LLC response */
#define SMCR_LGR_LINGER		(600 * HZ)	/* an unused link group is kept this long */
#define SMCR_MAX_CONNS_PER_LGR	255
#define SMCR_BUF_CLASSES	6	/* 16 KiB << 0..5 = 16 KiB .. 512 KiB */
#define SMCR_BUF_MIN		(16 * 1024)

enum smcr_role {
	SMCR_ROLE_CLIENT,
	SMCR_ROLE_SERVER,
};

/* ---- RDMA WRITEs posted with the send that follows them (wr.c) ------------------------------- */

/* one push: a WRITE per contiguous piece of the peer's RMBE */
#define SMCR_WR_CHAIN_MAX	2

/**
 * struct smcr_wr_chain - RDMA WRITEs that go onto the send queue with the next slot send
 * @wr: the WRITEs, in order (their room on the send queue is reserved)
 * @sge: their SGEs (up to two each)
 * @n: how many
 * @bytes: their bytes
 *
 * One ib_post_send() then carries the WRITEs and the CDC: the device (Soft-RoCE's requester) is
 * kicked once per push instead of once per request. Zero-initialise before use.
 */
struct smcr_wr_chain {
	struct ib_rdma_wr	wr[SMCR_WR_CHAIN_MAX];
	struct ib_sge		sge[SMCR_WR_CHAIN_MAX][2];
	int			n;
	u32			bytes;
};

/* ---- RDMA buffers (lgr.c allocates, link.c registers RMBs) ------------------------------------- */

/**
 * struct smcr_buf - a send buffer or an RMB (receive buffer the peer writes into)
 * @list: entry in its link group's pool [lgr->bufs_lock]
 * @cpu_addr: kernel address; physically contiguous
 * @len: size in bytes (16 KiB << @size_class)
 * @size_class: the compressed size sent in CLC (len = 16 KiB << size_class)
 * @dma_addr: ib_dma_map_single() address on the link's device
 * @mr: RMB only: memory region registered for remote write (link.c)
 * @rkey: RMB only: @mr's rkey, sent to the peer in CLC Accept/Confirm
 * @is_rmb: RMB (true) or send buffer
 * @used: owned by a connection [lgr->bufs_lock]
 * @rkey_announced: RMB only: the peer knows @rkey (CLC of its first use, or CONFIRM_RKEY)
 */
struct smcr_buf {
	struct list_head	list;
	void			*cpu_addr;
	u32			len;
	u8			size_class;
	u64			dma_addr;
	struct ib_mr		*mr;
	u32			rkey;
	bool			is_rmb;
	bool			used;
	bool			rkey_announced;
	bool			retired;	/* a peer may still write into it: never reused */
};

/* ---- links (link.c, wr.c, llc.c) ----------------------------------------------------------------- */

enum smcr_link_state {
	SMCR_LNK_UNUSED,	/* not created, or destroyed */
	SMCR_LNK_INACTIVE,	/* QP exists, not yet confirmed */
	SMCR_LNK_ACTIVATING,	/* CONFIRM_LINK in progress */
	SMCR_LNK_ACTIVE,	/* carries LLC and CDC */
	SMCR_LNK_DOWN,		/* failed or deleted; waiting for teardown */
};

/* QP state as we last set it: Debian 6.1's rxe does not report cur_qp_state in ib_query_qp() */
enum smcr_qp_state {
	SMCR_QP_RESET,
	SMCR_QP_INIT,
	SMCR_QP_RTR,
	SMCR_QP_RTS,
	SMCR_QP_ERR,
};

/**
 * struct smcr_link_peer - what a link needs to know about the peer's end (from CLC)
 * @qpn: peer QP number; @psn: peer's initial packet sequence number
 * @gid: peer RoCE GID (v1 GID for SMC-Rv1, v2 GID for SMC-Rv2); @mac: peer MAC (next hop)
 * @mtu: path MTU (IB_MTU_*), min(local, peer)
 */
struct smcr_link_peer {
	u32	qpn;
	u32	psn;
	u8	gid[16];
	u8	mac[ETH_ALEN];
	enum ib_mtu mtu;
};

struct smcr_wr_tx_slot;
typedef void (*smcr_wr_tx_done_t)(struct smcr_link *lnk, struct smcr_wr_tx_slot *slot,
				  enum ib_wc_status status, void *ctx);

/**
 * struct smcr_wr_win_waiter - a writer the link window holds back (wr.c)
 * @node: on the link's list while waiting [sq_lock]; empty (list_del_init) otherwise
 * @want: bytes it has to write [sq_lock]
 * @need: the least room it can use, at most @want [sq_lock]
 * @wake: called with sq_lock held (softirq or process context, must not sleep) once the window
 *	has @need bytes of room or the link is going away; @node is already off the list
 */
struct smcr_wr_win_waiter {
	struct list_head	node;
	u32			want;
	u32			need;
	void			(*wake)(struct smcr_wr_win_waiter *w);
};

/**
 * struct smcr_link - one RC QP between two hosts, part of a link group
 *
 * Fields above the line are set by link.c at create time and then read-only; those below belong
 * to the file named in their comment.
 */
struct smcr_link {
	struct smcr_lgr		*lgr;
	struct smcr_ib_dev	*dev;
	bool			dev_held;		/* counted in dev->lnk_cnt */
	u8			port;
	u16			gid_index;
	u8			gid[16];
	u8			mac[ETH_ALEN];
	u8			link_id;		/* assigned by the server */
	u8			link_uid[4];		/* lgr id + link id */
	u8			peer_link_uid[4];
	u32			qpn;			/* our QP number */
	u32			psn;			/* our initial PSN (random, 24 bits) */
	enum ib_mtu		mtu;			/* our active path MTU */
	struct smcr_link_peer	peer;
	/* ------------------------------------------------------------------------------------- */
	enum smcr_link_state	state;			/* link.c / llc.c */
	enum smcr_qp_state	qp_state;		/* link.c */
	struct ib_pd		*pd;			/* link.c */
	struct ib_cq		*send_cq;		/* link.c */
	struct ib_cq		*recv_cq;		/* link.c */
	struct ib_qp		*qp;			/* link.c */
	void			*wr;			/* wr.c private: buffer pools, slots */
	void			*llc;			/* llc.c private: flows, waiters, timers */
};

/* ---- link groups (lgr.c) -------------------------------------------------------------------------- */

/**
 * struct smcr_lgr - a link group: the links and connections between two hosts in one role
 * @list: on smcr_lgr_list [smcr_lgr_lock]
 * @refs: one per connection, one for the list while not terminating, plus temporary holders
 * @net: network namespace (link groups are per netns)
 * @id: link group id (unique on this host, multiple of 256: low byte is the link id)
 * @role: our role
 * @smc_version: 1 (SMC-Rv1: v1 LLC, keyed by peer system id + GID + MAC) or 2 (SMC-Rv2)
 * @peer_systemid: the peer's system id from CLC
 * @peer_os, @peer_release, @peer_hostname: the peer's First Contact Extension
 * @release: the SMC release negotiated for the group (v2: 0 or 1 = v2.1; v1: 0)
 * @max_conns: connections allowed in the group (v2.1 negotiation; else SMCR_MAX_CONNS_PER_LGR)
 * @max_links: links per group as negotiated (v2.1) or announced; always 1 in practice
 * @negotiated_eid: the UEID both ends agreed on
 * @lnk: the link (one per group for now: ADD_LINK requests are rejected)
 * @conns_lock: protects @conns and @conns_num
 * @conns: connections by our alert token (struct smcr_conn.node)
 * @conns_num: number of connections
 * @bufs_lock: protects the pools
 * @sndbufs, @rmbs: buffer pools by size class
 * @free_work: linger timer: ends the group when it stayed unused
 * @destroy_work: frees the group after its last reference (teardown sleeps)
 * @terminating: no new connections; tearing down
 */
struct smcr_lgr {
	struct list_head	list;
	refcount_t		refs;
	struct net		*net;
	u32			id;
	enum smcr_role		role;
	u8			smc_version;
	u8			peer_systemid[8];
	u8			peer_os;
	u8			peer_release;
	u8			release;
	u8			max_conns;
	u8			max_links;
	u8			peer_hostname[32];
	u8			negotiated_eid[32];
	struct smcr_link	lnk;
	rwlock_t		conns_lock;
	struct rb_root		conns;
	u16			conns_num;
	struct mutex		bufs_lock;
	struct list_head	sndbufs[SMCR_BUF_CLASSES];
	struct list_head	rmbs[SMCR_BUF_CLASSES];
	struct delayed_work	free_work;
	struct work_struct	destroy_work;
	bool			terminating;
};

/* ---- the SMC-R part of a connection (embedded in struct smcr_sock) ----------------------------- */

/**
 * struct smcr_conn - an SMC-R connection
 *
 * Set by the handshake (handshake.c/lgr.c) before the connection is active, then read-only:
 * @lgr, @lnk, @node, @token, @peer_token, @sndbuf, @rmb, @peer_rmb_addr, @peer_rkey,
 * @peer_rmbe_size.
 * Everything else belongs to the data path (cdc.c, tx.c, rx.c, close.c), which documents its
 * locking; it is zero until smcr_conn_start().
 */
struct smcr_conn {
	struct smcr_lgr		*lgr;
	struct smcr_link	*lnk;
	struct rb_node		node;
	u32			token;		/* our alert token: the peer puts it in its CDCs */
	u32			peer_token;	/* the peer's: we put it in ours */
	struct smcr_buf		*sndbuf;
	struct smcr_buf		*rmb;
	u64			peer_rmb_addr;	/* RDMA WRITE target base (peer's RMBE) */
	u32			peer_rkey;
	u32			peer_rmbe_size;
	/* ---- data path (cdc.c tx.c rx.c close.c) ---- */
	spinlock_t		send_lock;	/* CDC sequence numbers and send ordering */
	u16			tx_seqno;	/* next CDC seqno to send */
	u16			rx_seqno;	/* last CDC seqno accepted */
	struct smcr_cursor	tx_prep;	/* sndbuf: end of data copied in by sendmsg */
	struct smcr_cursor	tx_sent;	/* sndbuf: end of data RDMA-written */
	struct smcr_cursor	tx_fin;		/* sndbuf: end of data whose write completed */
	struct smcr_cursor	tx_prod;	/* peer RMBE: our producer cursor (sent in CDC) */
	struct smcr_cursor	tx_peer_cons;	/* peer RMBE: peer's consumer cursor (its ack) */
	struct smcr_cursor	rx_prod;	/* our RMB: peer's producer cursor (from CDC) */
	struct smcr_cursor	rx_cons;	/* our RMB: what our reader consumed */
	struct smcr_cursor	rx_cons_sent;	/* our RMB: consumer cursor last sent to the peer */
	struct smcr_cursor	urg_curs;	/* urgent byte position in our RMB */
	atomic_t		bytes_to_rcv;	/* in our RMB, not yet read */
	atomic_t		peer_rmbe_space;/* free space in the peer's RMBE */
	atomic_t		sndbuf_space;	/* free space in our sndbuf */
	u8			local_tx_flags;	/* producer flags we send (SMCR_CDC_*) */
	u8			local_tx_state;	/* connection-state flags we sent */
	u8			peer_rx_flags;	/* producer flags from the last CDC */
	u8			peer_rx_state;	/* connection-state flags from the peer (sticky) */
	u8			urg_state;
	char			urg_rx_byte;
	bool			killed;		/* link group gone: ECONNABORTED */
	struct work_struct	tx_work;	/* push data out of softirq context */
	struct work_struct	close_work;	/* passive close processing */
	struct delayed_work	cons_upd_work;	/* delayed consumer-cursor update */
	struct smcr_wr_win_waiter win_wait;	/* the link window is shut for us (tx.c) */
	/* data path private (kernel/data.h documents them) */
	unsigned long		dp_flags;	/* SMCR_DP_* bits, atomic bitops */
	atomic_t		cdc_pend;	/* CDCs posted whose completion has not run */
	wait_queue_head_t	cdc_pend_wq;	/* woken when cdc_pend drops to 0 */
	unsigned long		pend_used;	/* bitmap of pend[] (set under send_lock) */
	struct smcr_cdc_pend {
		struct smcr_sock	*smc;
		struct smcr_cursor	sent;	/* tx_sent when the CDC was posted */
	} pend[16];			/* one per CDC in flight (completion context) */
};

/* ---- lgr.c ------------------------------------------------------------------------------------ */
extern struct mutex smcr_lgr_lock;
extern struct list_head smcr_lgr_list;
int smcr_lgr_init(void);
void smcr_lgr_exit(void);
struct smcr_lgr *smcr_lgr_create(struct net *net, enum smcr_role role, const u8 *peer_systemid,
				 u8 smc_version);
struct smcr_lgr *smcr_lgr_find(struct net *net, enum smcr_role role, const u8 *peer_systemid,
			       const u8 *peer_gid, u32 peer_qpn, u8 smc_version, const u8 *peer_mac);
void smcr_lgr_put(struct smcr_lgr *lgr);
int smcr_conn_register(struct smcr_sock *smc, struct smcr_lgr *lgr);
struct smcr_buf *smcr_buf_get(struct smcr_lgr *lgr, bool is_rmb, int bytes);
void smcr_lgr_terminate_dev(struct smcr_ib_dev *dev);	/* NULL: every group */
void smcr_lgr_terminate_port(struct smcr_ib_dev *dev, u8 port);	/* port went down */
struct smcr_sock *smcr_lgr_find_conn(struct smcr_lgr *lgr, u32 token);	/* holds the sock */
void smcr_lgr_terminate(struct smcr_lgr *lgr, bool notify_peer);	/* link down / fatal */
void smcr_conn_unregister(struct smcr_sock *smc);	/* returns buffers, drops lgr ref */

/* ---- link.c ----------------------------------------------------------------------------------- */
int smcr_link_create(struct smcr_link *lnk, struct smcr_lgr *lgr, const struct smcr_ib_gid *gid,
		     u8 link_id);
int smcr_link_rtr(struct smcr_link *lnk, const struct smcr_link_peer *peer);
int smcr_link_rts(struct smcr_link *lnk);
void smcr_link_destroy(struct smcr_link *lnk);		/* may sleep */
int smcr_link_map_buf(struct smcr_link *lnk, struct smcr_buf *buf);	/* DMA map */
void smcr_link_unmap_buf(struct smcr_link *lnk, struct smcr_buf *buf);
int smcr_link_reg_rmb(struct smcr_link *lnk, struct smcr_buf *rmb);	/* MR for remote write */
void smcr_link_unreg_rmb(struct smcr_link *lnk, struct smcr_buf *rmb);
u32 smcr_link_local_lkey(const struct smcr_link *lnk);	/* lkey for sndbuf SGEs */
void smcr_link_down(struct smcr_link *lnk);	/* any context: fail it, wake waiters, terminate lgr */
void smcr_link_flush(struct smcr_link *lnk);	/* lgr ends: QP to error, in-flight sends complete */

/* ---- wr.c ------------------------------------------------------------------------------------- */
int smcr_wr_create(struct smcr_link *lnk);		/* pools; posts receives */
void smcr_wr_destroy(struct smcr_link *lnk);
int smcr_wr_tx_get_slot(struct smcr_link *lnk, struct smcr_wr_tx_slot **slot, u8 **buf,
			bool may_sleep);
int smcr_wr_tx_send(struct smcr_link *lnk, struct smcr_wr_tx_slot *slot, u32 len,
		    smcr_wr_tx_done_t done, void *ctx);
int smcr_wr_tx_send_chain(struct smcr_link *lnk, struct smcr_wr_tx_slot *slot, u32 len,
			  smcr_wr_tx_done_t done, void *ctx, struct smcr_wr_chain *ch);
void smcr_wr_tx_put_slot(struct smcr_link *lnk, struct smcr_wr_tx_slot *slot);
int smcr_wr_rdma_write(struct smcr_link *lnk, struct smcr_wr_chain *ch, const struct ib_sge *sge,
		       int nsge, u64 raddr, u32 rkey, bool inl);
void smcr_wr_chain_drop(struct smcr_link *lnk, struct smcr_wr_chain *ch);
u32 smcr_wr_tx_inline_max(const struct smcr_link *lnk);
u32 smcr_wr_tx_window(struct smcr_link *lnk);
int smcr_wr_tx_window_wait(struct smcr_link *lnk, struct smcr_wr_win_waiter *w, u32 want,
			   u32 need);
bool smcr_wr_tx_window_cancel(struct smcr_link *lnk, struct smcr_wr_win_waiter *w);
int smcr_wr_tx_send_v2(struct smcr_link *lnk, const void *msg, u32 len);	/* v2 LLC > 44 B */

/* ---- llc.c ------------------------------------------------------------------------------------ */
int smcr_llc_create(struct smcr_link *lnk);
void smcr_llc_destroy(struct smcr_link *lnk);
void smcr_llc_rx(struct smcr_link *lnk, const u8 *buf, u32 len);	/* from wr.c, softirq */
int smcr_llc_srv_confirm_link(struct smcr_link *lnk);
int smcr_llc_clnt_confirm_link(struct smcr_link *lnk);
int smcr_llc_confirm_rkey(struct smcr_link *lnk, struct smcr_buf *rmb);
int smcr_llc_delete_rkey(struct smcr_link *lnk, struct smcr_buf *rmb);
void smcr_llc_delete_link(struct smcr_link *lnk, bool orderly, u32 reason);

/* ---- cdc.c / tx.c / rx.c / close.c (data path) ------------------------------------------------ */
void smcr_cdc_rx(struct smcr_link *lnk, const u8 *buf, u32 len);	/* from wr.c, softirq */
int smcr_conn_start(struct smcr_sock *smc);		/* after a successful handshake */
void smcr_conn_kill(struct smcr_sock *smc, int err);	/* the link group went away */

#endif /* SMCR_CORE_H */
