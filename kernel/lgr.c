// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: link groups — creation, reuse by later connections, lingering, teardown — connection
 * tokens, and the send-buffer / RMB pools of a link group.
 *
 * Lifetime: a link group holds one reference for being on smcr_lgr_list and one per connection.
 * When the last connection goes, the group lingers SMCR_LGR_LINGER for reuse, then leaves the list
 * (telling the peer with DELETE_LINK) and is freed when the last reference drops. Teardown sleeps
 * (QP drain, MR deregistration), so the final free always runs from a work item.
 */
#define pr_fmt(fmt) "smcr: " fmt

#include <linux/gfp.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <net/sock.h>

#include "smcr.h"
#include "core.h"
#include "mib.h"
#include "wire/llc.h"

DEFINE_MUTEX(smcr_lgr_lock);
LIST_HEAD(smcr_lgr_list);

static atomic_t smcr_lgr_id_ctr = ATOMIC_INIT(0);
static atomic_t smcr_token_ctr = ATOMIC_INIT(0);
static struct workqueue_struct *smcr_lgr_wq;

static struct smcr_lgr *smcr_lgr_of_work(struct work_struct *work)
{
	return container_of(to_delayed_work(work), struct smcr_lgr, free_work);
}

static void smcr_buf_free(struct smcr_lgr *lgr, struct smcr_buf *buf)
{
	if (buf->is_rmb)
		smcr_link_unreg_rmb(&lgr->lnk, buf);
	smcr_link_unmap_buf(&lgr->lnk, buf);
	if (buf->cpu_addr)
		free_pages((unsigned long)buf->cpu_addr, get_order(buf->len));
	kfree(buf);
}

static void smcr_lgr_free_bufs(struct smcr_lgr *lgr)
{
	struct smcr_buf *buf, *tmp;
	int i;

	for (i = 0; i < SMCR_BUF_CLASSES; i++) {
		list_for_each_entry_safe(buf, tmp, &lgr->sndbufs[i], list) {
			list_del(&buf->list);
			smcr_buf_free(lgr, buf);
		}
		list_for_each_entry_safe(buf, tmp, &lgr->rmbs[i], list) {
			list_del(&buf->list);
			smcr_buf_free(lgr, buf);
		}
	}
}

/* The last reference is gone: tear down link and buffers (process context). */
static void smcr_lgr_destroy_work(struct work_struct *work)
{
	struct smcr_lgr *lgr = container_of(work, struct smcr_lgr, destroy_work);

	/* sock_diag (report.c) reads conn->lgr, its link and buffers under RCU only */
	synchronize_rcu();
	cancel_delayed_work_sync(&lgr->free_work);
	smcr_lgr_free_bufs(lgr);
	smcr_link_destroy(&lgr->lnk);
	put_net(lgr->net);
	kfree(lgr);
}

/**
 * smcr_lgr_put() - drop a reference on @lgr; the last one frees it from a work item
 * @lgr: link group
 */
void smcr_lgr_put(struct smcr_lgr *lgr)
{
	if (!refcount_dec_and_test(&lgr->refs))
		return;
	queue_work(smcr_lgr_wq, &lgr->destroy_work);
}

/* Take @lgr off the list (once). Caller holds smcr_lgr_lock. Returns true if it did. */
static bool __smcr_lgr_unlist(struct smcr_lgr *lgr)
{
	if (lgr->terminating)
		return false;
	lgr->terminating = true;
	list_del_init(&lgr->list);
	return true;
}

/* Linger timer expired: if still unused, end the group orderly. */
static void smcr_lgr_linger_work(struct work_struct *work)
{
	struct smcr_lgr *lgr = smcr_lgr_of_work(work);
	bool unlisted = false;

	mutex_lock(&smcr_lgr_lock);
	write_lock_bh(&lgr->conns_lock);
	if (!lgr->conns_num)
		unlisted = __smcr_lgr_unlist(lgr);
	write_unlock_bh(&lgr->conns_lock);
	mutex_unlock(&smcr_lgr_lock);
	if (!unlisted)
		return;
	if (lgr->lnk.state == SMCR_LNK_ACTIVE)
		smcr_llc_delete_link(&lgr->lnk, true, SMCR_LLC_DEL_PROG_INIT_TERM);
	smcr_lgr_put(lgr);	/* the list's reference */
}

/**
 * smcr_lgr_create() - a new link group (first contact), on the list, with one link to set up
 * @net: netns of the connection
 * @role: our role
 * @peer_systemid: the peer's system id (8 bytes)
 * @smc_version: 1 (SMC-Rv1) or 2 (SMC-Rv2): the LLC format and QP layout of the group
 *
 * Return: the group with two references (the list's and the caller's), or NULL.
 */
struct smcr_lgr *smcr_lgr_create(struct net *net, enum smcr_role role, const u8 *peer_systemid,
				 u8 smc_version)
{
	struct smcr_lgr *lgr;
	int i;

	lgr = kzalloc(sizeof(*lgr), GFP_KERNEL);
	if (!lgr)
		return NULL;
	refcount_set(&lgr->refs, 2);
	lgr->net = get_net(net);
	lgr->role = role;
	lgr->smc_version = smc_version >= 2 ? 2 : 1;
	lgr->max_conns = SMCR_MAX_CONNS_PER_LGR;	/* v2.1 negotiation may lower it */
	lgr->max_links = SMCR_LLC_ADD_LNK_MAX_LINKS;	/* what Linux announces before v2.1 */
	lgr->id = (u32)atomic_add_return(256, &smcr_lgr_id_ctr);
	memcpy(lgr->peer_systemid, peer_systemid, sizeof(lgr->peer_systemid));
	rwlock_init(&lgr->conns_lock);
	lgr->conns = RB_ROOT;
	mutex_init(&lgr->bufs_lock);
	for (i = 0; i < SMCR_BUF_CLASSES; i++) {
		INIT_LIST_HEAD(&lgr->sndbufs[i]);
		INIT_LIST_HEAD(&lgr->rmbs[i]);
	}
	INIT_DELAYED_WORK(&lgr->free_work, smcr_lgr_linger_work);
	INIT_WORK(&lgr->destroy_work, smcr_lgr_destroy_work);
	INIT_LIST_HEAD(&lgr->list);
	mutex_lock(&smcr_lgr_lock);
	list_add(&lgr->list, &smcr_lgr_list);
	mutex_unlock(&smcr_lgr_lock);
	return lgr;
}

/**
 * smcr_lgr_find() - a link group a new connection may join
 * @net: netns
 * @role: our role
 * @peer_systemid: peer's system id
 * @peer_gid: peer's GID on the link
 * @peer_qpn: client only: the QP number from the server's Accept (0: do not check)
 * @smc_version: 1 or 2: groups of the other version do not qualify
 * @peer_mac: SMC-Rv1: the peer's MAC must match too (as Linux); NULL for v2
 *
 * Return: the group with a reference held, or NULL.
 */
struct smcr_lgr *smcr_lgr_find(struct net *net, enum smcr_role role, const u8 *peer_systemid,
			       const u8 *peer_gid, u32 peer_qpn, u8 smc_version, const u8 *peer_mac)
{
	struct smcr_lgr *lgr, *found = NULL;

	mutex_lock(&smcr_lgr_lock);
	list_for_each_entry(lgr, &smcr_lgr_list, list) {
		if (lgr->terminating || !net_eq(lgr->net, net) || lgr->role != role ||
		    lgr->lnk.state != SMCR_LNK_ACTIVE ||
		    memcmp(lgr->peer_systemid, peer_systemid, sizeof(lgr->peer_systemid)) ||
		    memcmp(lgr->lnk.peer.gid, peer_gid, sizeof(lgr->lnk.peer.gid)) ||
		    (peer_qpn && lgr->lnk.peer.qpn != peer_qpn) ||
		    lgr->smc_version != (smc_version >= 2 ? 2 : 1) ||
		    (peer_mac && memcmp(lgr->lnk.peer.mac, peer_mac, ETH_ALEN)))
			continue;
		read_lock_bh(&lgr->conns_lock);
		if (lgr->conns_num < lgr->max_conns) {
			refcount_inc(&lgr->refs);
			found = lgr;
		}
		read_unlock_bh(&lgr->conns_lock);
		if (found)
			break;
	}
	mutex_unlock(&smcr_lgr_lock);
	return found;
}

static struct smcr_sock *__smcr_lgr_lookup(struct smcr_lgr *lgr, u32 token)
{
	struct rb_node *node = lgr->conns.rb_node;

	while (node) {
		struct smcr_sock *smc = rb_entry(node, struct smcr_sock, conn.node);

		if (token < smc->conn.token)
			node = node->rb_left;
		else if (token > smc->conn.token)
			node = node->rb_right;
		else
			return smc;
	}
	return NULL;
}

/**
 * smcr_lgr_find_conn() - the connection with alert token @token (softirq-safe)
 * @lgr: link group
 * @token: our alert token, as the peer put it in a CDC
 *
 * Return: the socket with a reference held (sock_put() it), or NULL.
 */
struct smcr_sock *smcr_lgr_find_conn(struct smcr_lgr *lgr, u32 token)
{
	struct smcr_sock *smc;

	read_lock_bh(&lgr->conns_lock);
	smc = __smcr_lgr_lookup(lgr, token);
	if (smc)
		sock_hold(&smc->sk);
	read_unlock_bh(&lgr->conns_lock);
	return smc;
}

/**
 * smcr_conn_register() - give @smc a token in @lgr; @smc takes over the caller's lgr reference
 * @smc: socket whose conn is being set up
 * @lgr: link group (a reference held by the caller moves to the connection)
 *
 * Return: 0, or -EBUSY if the group is full or terminating (the reference is dropped then).
 */
int smcr_conn_register(struct smcr_sock *smc, struct smcr_lgr *lgr)
{
	struct smcr_conn *conn = &smc->conn;
	struct rb_node **link, *parent;
	int rc = 0;

	write_lock_bh(&lgr->conns_lock);
	if (lgr->terminating || lgr->conns_num >= lgr->max_conns) {
		rc = -EBUSY;
		goto out;
	}
	do {
		conn->token = (u32)atomic_inc_return(&smcr_token_ctr);
	} while (!conn->token || __smcr_lgr_lookup(lgr, conn->token));

	link = &lgr->conns.rb_node;
	parent = NULL;
	while (*link) {
		struct smcr_sock *cur = rb_entry(*link, struct smcr_sock, conn.node);

		parent = *link;
		link = conn->token < cur->conn.token ? &(*link)->rb_left : &(*link)->rb_right;
	}
	rb_link_node(&conn->node, parent, link);
	rb_insert_color(&conn->node, &lgr->conns);
	lgr->conns_num++;
	conn->lgr = lgr;
	conn->lnk = &lgr->lnk;
out:
	write_unlock_bh(&lgr->conns_lock);
	if (rc)
		smcr_lgr_put(lgr);
	else
		cancel_delayed_work(&lgr->free_work);	/* no longer idle */
	return rc;
}

static void smcr_buf_put(struct smcr_lgr *lgr, struct smcr_buf *buf)
{
	if (!buf)
		return;
	mutex_lock(&lgr->bufs_lock);
	if (!buf->retired)	/* a retired RMB stays taken until the group ends */
		buf->used = false;
	mutex_unlock(&lgr->bufs_lock);
}

/**
 * smcr_conn_unregister() - the connection is over: give back token and buffers
 * @smc: socket; its conn was registered
 */
void smcr_conn_unregister(struct smcr_sock *smc)
{
	struct smcr_conn *conn = &smc->conn;
	struct smcr_lgr *lgr = conn->lgr;
	bool idle;

	if (!lgr)
		return;
	write_lock_bh(&lgr->conns_lock);
	rb_erase(&conn->node, &lgr->conns);
	RB_CLEAR_NODE(&conn->node);
	idle = !--lgr->conns_num;
	write_unlock_bh(&lgr->conns_lock);

	smcr_buf_put(lgr, conn->sndbuf);
	smcr_buf_put(lgr, conn->rmb);
	conn->sndbuf = NULL;
	conn->rmb = NULL;
	conn->lgr = NULL;
	conn->lnk = NULL;
	if (idle && !lgr->terminating)
		mod_delayed_work(smcr_lgr_wq, &lgr->free_work, SMCR_LGR_LINGER);
	smcr_lgr_put(lgr);
}

/* Size class for @bytes: the smallest 16 KiB << n that holds them, 0..SMCR_BUF_CLASSES-1. */
static u8 smcr_size_class(int bytes)
{
	int n = bytes <= SMCR_BUF_MIN ? 0 : order_base_2(DIV_ROUND_UP(bytes, SMCR_BUF_MIN));

	return min_t(int, n, SMCR_BUF_CLASSES - 1);
}

static struct smcr_buf *smcr_buf_new(struct smcr_lgr *lgr, bool is_rmb, u8 class)
{
	u32 len = SMCR_BUF_MIN << class;
	struct smcr_buf *buf;
	struct page *pages;

	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return NULL;
	pages = alloc_pages(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY | __GFP_NOMEMALLOC |
			    __GFP_ZERO, get_order(len));
	if (!pages)
		goto err;
	buf->cpu_addr = page_address(pages);
	buf->len = len;
	buf->size_class = class;
	buf->is_rmb = is_rmb;
	if (smcr_link_map_buf(&lgr->lnk, buf))
		goto err_pages;
	if (is_rmb && smcr_link_reg_rmb(&lgr->lnk, buf))
		goto err_map;
	return buf;

err_map:
	smcr_link_unmap_buf(&lgr->lnk, buf);
err_pages:
	free_pages((unsigned long)buf->cpu_addr, get_order(len));
err:
	kfree(buf);
	return NULL;
}

/**
 * smcr_buf_get() - a send buffer or RMB of about @bytes for a connection of @lgr
 * @lgr: link group (its link is set up to the point of memory registration)
 * @is_rmb: RMB (registered for remote write) or send buffer
 * @bytes: wanted size; a smaller class is used if memory is short
 *
 * A free buffer of the class is reused; otherwise a new one is allocated, downgrading the size on
 * allocation failure like upstream.
 *
 * Return: the buffer marked used, or NULL.
 */
struct smcr_buf *smcr_buf_get(struct smcr_lgr *lgr, bool is_rmb, int bytes)
{
	struct smcr_buf *buf;
	int class;

	mutex_lock(&lgr->bufs_lock);
	for (class = smcr_size_class(bytes); class >= 0; class--) {
		struct list_head *pool = is_rmb ? &lgr->rmbs[class] : &lgr->sndbufs[class];

		list_for_each_entry(buf, pool, list) {
			if (!buf->used) {
				buf->used = true;
				goto out;
			}
		}
		buf = smcr_buf_new(lgr, is_rmb, class);
		if (buf) {
			buf->used = true;
			list_add(&buf->list, pool);
			goto out;
		}
	}
	buf = NULL;
out:
	mutex_unlock(&lgr->bufs_lock);
	return buf;
}

/**
 * smcr_lgr_terminate() - the link group cannot go on (link down, peer deleted it, device gone)
 * @lgr: link group
 * @notify_peer: send DELETE_LINK first
 *
 * Every connection is killed (ECONNABORTED); the group leaves the list and is freed once the
 * connections have let go of it. May sleep.
 */
void smcr_lgr_terminate(struct smcr_lgr *lgr, bool notify_peer)
{
	struct smcr_sock **victims;
	struct rb_node *node;
	bool unlisted;
	int n = 0, i;

	mutex_lock(&smcr_lgr_lock);
	unlisted = __smcr_lgr_unlist(lgr);
	mutex_unlock(&smcr_lgr_lock);
	if (!unlisted)
		return;	/* somebody else is terminating it */
	cancel_delayed_work(&lgr->free_work);
	if (lgr->net)
		smcr_mib_inc(lgr->net, SMCR_MIB_LGR_TERM);

	if (notify_peer && lgr->lnk.state == SMCR_LNK_ACTIVE)
		smcr_llc_delete_link(&lgr->lnk, false, SMCR_LLC_DEL_LOST_PATH);
	smcr_link_down(&lgr->lnk);	/* wakes waiters for send slots and LLC responses */
	smcr_link_flush(&lgr->lnk);	/* CDCs in flight complete now: their connections can go */

	victims = kcalloc(SMCR_MAX_CONNS_PER_LGR, sizeof(*victims), GFP_KERNEL);
	read_lock_bh(&lgr->conns_lock);
	for (node = rb_first(&lgr->conns); node && victims; node = rb_next(node)) {
		victims[n] = rb_entry(node, struct smcr_sock, conn.node);
		sock_hold(&victims[n]->sk);
		n++;
	}
	read_unlock_bh(&lgr->conns_lock);
	for (i = 0; i < n; i++) {
		if (lgr->net && !READ_ONCE(victims[i]->conn.killed))
			smcr_mib_inc(lgr->net, SMCR_MIB_CONN_KILLED);
		smcr_conn_kill(victims[i], ECONNABORTED);
		sock_put(&victims[i]->sk);
	}
	kfree(victims);
	smcr_lgr_put(lgr);	/* the list's reference */
}

/* End the link groups on @dev port @port (0: any port; @dev NULL: every link group). */
static void smcr_lgr_terminate_where(struct smcr_ib_dev *dev, u8 port, bool notify_peer)
{
	struct smcr_lgr *lgr;

	for (;;) {
		mutex_lock(&smcr_lgr_lock);
		list_for_each_entry(lgr, &smcr_lgr_list, list)
			if (!dev || (lgr->lnk.dev == dev && (!port || lgr->lnk.port == port)))
				break;
		if (list_entry_is_head(lgr, &smcr_lgr_list, list)) {
			mutex_unlock(&smcr_lgr_lock);
			break;
		}
		refcount_inc(&lgr->refs);
		mutex_unlock(&smcr_lgr_lock);
		smcr_lgr_terminate(lgr, notify_peer);
		smcr_lgr_put(lgr);
	}
}

/* End every link group on @dev (device removal) or all of them (@dev NULL: module unload). */
void smcr_lgr_terminate_dev(struct smcr_ib_dev *dev)
{
	smcr_lgr_terminate_where(dev, 0, true);
	flush_workqueue(smcr_lgr_wq);
}

/*
 * Port @port of @dev is no longer active (e.g. its netdev went down): its links are lost, and
 * with one link per group so are their link groups (upstream: smcr_port_err()). The peer cannot
 * be told over this port. Process context.
 */
void smcr_lgr_terminate_port(struct smcr_ib_dev *dev, u8 port)
{
	smcr_lgr_terminate_where(dev, port, false);
}

int smcr_lgr_init(void)
{
	smcr_lgr_wq = alloc_workqueue("smcr_lgr", WQ_UNBOUND, 0);
	return smcr_lgr_wq ? 0 : -ENOMEM;
}

void smcr_lgr_exit(void)
{
	smcr_lgr_terminate_dev(NULL);
	destroy_workqueue(smcr_lgr_wq);
}
