// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: the SMC-R core shown to the management ABI — struct smcr_core_hooks (netlink.h) filled
 * from the real link groups (lgr.c), RDMA devices (ib.c) and connections (struct smcr_conn).
 *
 * Field semantics follow upstream net/smc (smc_core.c netlink dumps, smc_diag.c):
 *  - CONNINFO: token = our alert token; rx_prod/rx_cons = the cursors of the last CDC received
 *    (peer's producer in our RMB, peer's consumer of its RMBE); tx_prod/tx_cons = what we send
 *    (our producer in the peer's RMBE, our consumer of our RMB); tx_prep/sent/fin = sndbuf.
 *  - LGRINFO: role, the link's id, RDMA device name, port and GIDs as 8 groups of 4 hex digits.
 *
 * Lifetime: the diag hooks run under RCU and never sleep. conn->lgr is cleared before the
 * connection drops its link group reference, and the link group's destroy work waits for an RCU
 * grace period before it frees the link group, its buffers and link (lgr.c), so what conn->lgr
 * pointed to stays readable for the rest of our RCU read-side section.
 */
#include <linux/kernel.h>
#include <linux/pci.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <rdma/ib_cache.h>
#include <rdma/ib_verbs.h>

#include "smcr.h"
#include "core.h"
#include "data.h"
#include "ib.h"
#include "netlink.h"
#include "pnet.h"
#include "report.h"

#define SMCR_REP_MAX_GIDS	128
#define SMCR_REP_MAX_DEVS	16

/* upstream's values (net/smc/smc_core.h, not UAPI): roles and enum smc_link_state */
#define SMCR_REP_CLNT		0
#define SMCR_REP_SERV		1
#define SMCR_REP_LNK_UNUSED	0
#define SMCR_REP_LNK_INACTIVE	1
#define SMCR_REP_LNK_ACTIVATING	2
#define SMCR_REP_LNK_ACTIVE	3

/* ---- helpers -------------------------------------------------------------------------------- */

/* ifindex of the netdev behind @port of @ibdev (first GID of the port that has one), or 0. */
static u32 smcr_rep_port_ifindex(struct ib_device *ibdev, u8 port)
{
	struct ib_uverbs_gid_entry *gids;
	ssize_t n, i;
	u32 ifindex = 0;

	gids = kcalloc(SMCR_REP_MAX_GIDS, sizeof(*gids), GFP_KERNEL);
	if (!gids)
		return 0;
	n = rdma_query_gid_table(ibdev, gids, SMCR_REP_MAX_GIDS);
	for (i = 0; i < n; i++) {
		if (gids[i].port_num == port && gids[i].netdev_ifindex) {
			ifindex = gids[i].netdev_ifindex;
			break;
		}
	}
	kfree(gids);
	return ifindex;
}

/* PNET id of an RDMA port: the table's RDMA entry (by user), else that of its netdev. */
static bool smcr_rep_port_pnetid(struct net *net, struct ib_device *ibdev, u8 port, u32 ifindex,
				 char *out)
{
	struct device *parent = ibdev->dev.parent;
	u8 pnetid[SMCR_PNETID_MAXLEN];
	bool by_user = false;

	memset(out, 0, SMCR_PNETID_LEN + 1);
	if (!smcr_pnet_find_ib(dev_name(&ibdev->dev), parent ? dev_name(parent) : NULL, port,
			       pnetid))
		by_user = true;
	else if (!ifindex || smcr_pnet_find_by_ifindex(net, ifindex, pnetid))
		return false;
	memcpy(out, pnetid, min_t(size_t, SMCR_PNETID_MAXLEN, SMCR_PNETID_LEN));
	return by_user;
}

static void smcr_rep_gid_str(u8 *buf, size_t size, const u8 *gid)
{
	int i, off = 0;

	for (i = 0; i < 8 && off < size; i++)
		off += scnprintf(buf + off, size - off, i < 7 ? "%04x:" : "%04x",
				 (gid[2 * i] << 8) | gid[2 * i + 1]);
}

static u32 smcr_rep_link_state(enum smcr_link_state st)
{
	switch (st) {
	case SMCR_LNK_INACTIVE:
		return SMCR_REP_LNK_INACTIVE;
	case SMCR_LNK_ACTIVATING:
		return SMCR_REP_LNK_ACTIVATING;
	case SMCR_LNK_ACTIVE:
		return SMCR_REP_LNK_ACTIVE;
	case SMCR_LNK_DOWN:
		return SMCR_REP_LNK_INACTIVE;
	default:
		return SMCR_REP_LNK_UNUSED;
	}
}

static bool smcr_rep_link_usable(const struct smcr_link *lnk)
{
	enum smcr_link_state st = READ_ONCE(lnk->state);

	return lnk->dev && (st == SMCR_LNK_ACTIVATING || st == SMCR_LNK_ACTIVE);
}

/* Link groups on the list, each with a reference; NULL if there are none (or no memory). */
static struct smcr_lgr **smcr_rep_lgrs_get(unsigned int *count)
{
	struct smcr_lgr **arr = NULL, *lgr;
	unsigned int n = 0;

	mutex_lock(&smcr_lgr_lock);
	list_for_each_entry(lgr, &smcr_lgr_list, list)
		n++;
	if (n)
		arr = kcalloc(n, sizeof(*arr), GFP_KERNEL);
	n = 0;
	if (arr) {
		list_for_each_entry(lgr, &smcr_lgr_list, list) {
			refcount_inc(&lgr->refs);
			arr[n++] = lgr;
		}
	}
	mutex_unlock(&smcr_lgr_lock);
	*count = n;
	return arr;
}

static void smcr_rep_lgrs_put(struct smcr_lgr **arr, unsigned int count)
{
	unsigned int i;

	for (i = 0; i < count; i++)
		smcr_lgr_put(arr[i]);
	kfree(arr);
}

static u64 smcr_rep_pool_bytes(struct smcr_lgr *lgr, bool rmb)
{
	struct smcr_buf *buf;
	u64 sum = 0;
	int i;

	mutex_lock(&lgr->bufs_lock);
	for (i = 0; i < SMCR_BUF_CLASSES; i++)
		list_for_each_entry(buf, rmb ? &lgr->rmbs[i] : &lgr->sndbufs[i], list)
			sum += buf->len;
	mutex_unlock(&lgr->bufs_lock);
	return sum;
}

/* ---- netlink: link groups and links --------------------------------------------------------- */

static void smcr_rep_fill_lgr(struct smcr_lgr *lgr, struct smcr_nl_lgr *nl,
			      struct smcr_nl_link *nlnk, unsigned int *n_links)
{
	struct smcr_link *lnk = &lgr->lnk;
	u32 conns, ifindex = 0;

	memset(nl, 0, sizeof(*nl));
	memcpy(nl->id, &lgr->id, sizeof(nl->id));
	nl->role = lgr->role == SMCR_ROLE_SERVER ? SMCR_REP_SERV : SMCR_REP_CLNT;
	nl->type = 1;		/* SMC_LGR_SINGLE: one link per group */
	nl->buf_type = 0;	/* SMCR_PHYS_CONT_BUFS: physically contiguous buffers */
	nl->vlan_id = 0;
	read_lock_bh(&lgr->conns_lock);
	conns = lgr->conns_num;
	read_unlock_bh(&lgr->conns_lock);
	nl->conns_num = conns;
	nl->net_cookie = lgr->net->net_cookie;
	nl->smc_version = lgr->smc_version;
	nl->peer_release = lgr->peer_release;
	nl->peer_os = lgr->peer_os;
	memcpy(nl->peer_host, lgr->peer_hostname, min(sizeof(lgr->peer_hostname),
						       sizeof(nl->peer_host) - 1));
	memcpy(nl->neg_eid, lgr->negotiated_eid, min(sizeof(lgr->negotiated_eid),
						      sizeof(nl->neg_eid) - 1));
	nl->direct = true;	/* handshake.c refuses peers behind a gateway */
	nl->max_conns = lgr->max_conns;
	nl->max_links = 1;	/* ADD_LINK is rejected */
	nl->sndbuf_alloc = smcr_rep_pool_bytes(lgr, false);
	nl->rmb_alloc = smcr_rep_pool_bytes(lgr, true);

	*n_links = 0;
	if (!lnk->dev)
		return;
	ifindex = smcr_rep_port_ifindex(lnk->dev->ibdev, lnk->port);
	smcr_rep_port_pnetid(lgr->net, lnk->dev->ibdev, lnk->port, ifindex, nl->pnetid);
	if (!smcr_rep_link_usable(lnk))
		return;
	memset(nlnk, 0, sizeof(*nlnk));
	nlnk->link_id = lnk->link_id;
	nlnk->state = smcr_rep_link_state(READ_ONCE(lnk->state));
	nlnk->conn_cnt = conns;
	nlnk->ibport = lnk->port;
	nlnk->ndev_ifindex = ifindex;
	strscpy(nlnk->ibname, dev_name(&lnk->dev->ibdev->dev), sizeof(nlnk->ibname));
	memcpy(nlnk->link_uid, lnk->link_uid, sizeof(nlnk->link_uid));
	memcpy(nlnk->peer_link_uid, lnk->peer_link_uid, sizeof(nlnk->peer_link_uid));
	memcpy(nlnk->gid, lnk->gid, sizeof(nlnk->gid));
	memcpy(nlnk->peer_gid, lnk->peer.gid, sizeof(nlnk->peer_gid));
	*n_links = 1;
}

static void smcr_rep_walk_lgrs(struct net *net, struct smcr_nl_walk *w)
{
	struct smcr_nl_lgr *nl;
	struct smcr_nl_link *nlnk;
	struct smcr_lgr **arr;
	unsigned int count, i, n_links;

	nl = kzalloc(sizeof(*nl), GFP_KERNEL);
	nlnk = kzalloc(sizeof(*nlnk), GFP_KERNEL);
	arr = smcr_rep_lgrs_get(&count);
	if (!nl || !nlnk)
		goto out;
	for (i = 0; i < count; i++) {
		smcr_rep_fill_lgr(arr[i], nl, nlnk, &n_links);
		if (smcr_nl_put_lgr(w, nl, nlnk, n_links))
			break;
	}
out:
	smcr_rep_lgrs_put(arr, count);
	kfree(nlnk);
	kfree(nl);
}

/* ---- netlink: devices ----------------------------------------------------------------------- */

struct smcr_rep_dev {
	struct smcr_ib_dev	*key;
	struct ib_device	*ibdev;
	u8			num_ports;
	enum ib_port_state	state[SMCR_IB_MAX_PORTS];
	u32			lnk_cnt[SMCR_IB_MAX_PORTS];
	bool			is_crit;
};

static void smcr_rep_walk_devs(struct net *net, struct smcr_nl_walk *w)
{
	struct smcr_rep_dev *devs;
	struct smcr_nl_dev *nl;
	struct smcr_ib_dev *dev;
	struct smcr_lgr *lgr;
	unsigned int n = 0, i;
	u8 p;

	devs = kcalloc(SMCR_REP_MAX_DEVS, sizeof(*devs), GFP_KERNEL);
	nl = kzalloc(sizeof(*nl), GFP_KERNEL);
	if (!devs || !nl)
		goto out;

	mutex_lock(&smcr_ib_lock);
	list_for_each_entry(dev, &smcr_ib_devices, list) {
		if (n == SMCR_REP_MAX_DEVS)
			break;
		if (!ib_device_try_get(dev->ibdev))
			continue;
		devs[n].key = dev;
		devs[n].ibdev = dev->ibdev;
		devs[n].num_ports = min_t(u8, dev->num_ports, SMCR_MAX_PORTS);
		for (p = 0; p < devs[n].num_ports; p++)
			devs[n].state[p] = dev->ports[p].state;
		n++;
	}
	mutex_unlock(&smcr_ib_lock);

	/* links per device port; the device pointers are only compared here */
	mutex_lock(&smcr_lgr_lock);
	list_for_each_entry(lgr, &smcr_lgr_list, list) {
		if (!smcr_rep_link_usable(&lgr->lnk))
			continue;
		for (i = 0; i < n; i++) {
			if (devs[i].key != lgr->lnk.dev)
				continue;
			if (lgr->lnk.port >= 1 && lgr->lnk.port <= devs[i].num_ports)
				devs[i].lnk_cnt[lgr->lnk.port - 1]++;
			devs[i].is_crit = true;	/* the only link of its group */
		}
	}
	mutex_unlock(&smcr_lgr_lock);

	for (i = 0; i < n; i++) {
		struct ib_device *ibdev = devs[i].ibdev;
		struct device *parent = ibdev->dev.parent;

		memset(nl, 0, sizeof(*nl));
		nl->is_crit = devs[i].is_crit;
		strscpy(nl->ibname, dev_name(&ibdev->dev), sizeof(nl->ibname));
		if (parent && dev_is_pci(parent)) {
			struct pci_dev *pdev = to_pci_dev(parent);

			nl->has_pci = true;
			nl->pci_vendor = pdev->vendor;
			nl->pci_device = pdev->device;
			strscpy(nl->pci_id, pci_name(pdev), sizeof(nl->pci_id));
		}
		for (p = 0; p < devs[i].num_ports; p++) {
			struct smcr_nl_dev_port *np = &nl->port[p];

			np->valid = true;
			np->ndev_ifindex = smcr_rep_port_ifindex(ibdev, p + 1);
			np->pnet_by_user = smcr_rep_port_pnetid(&init_net, ibdev, p + 1,
								np->ndev_ifindex, np->pnetid);
			np->active = devs[i].state[p] == IB_PORT_ACTIVE;
			np->lnk_cnt = devs[i].lnk_cnt[p];
		}
		if (smcr_nl_put_dev(w, nl))
			break;
	}
out:
	for (i = 0; i < n; i++)
		ib_device_put(devs[i].ibdev);
	kfree(nl);
	kfree(devs);
}

/* ---- sock_diag ------------------------------------------------------------------------------ */

static void smcr_rep_curs(struct smc_diag_cursor *out, const struct smcr_cursor *c)
{
	out->wrap = READ_ONCE(c->wrap);
	out->count = READ_ONCE(c->count);
}

static bool smcr_rep_diag_conninfo(const struct smcr_sock *smc, struct smc_diag_conninfo *ci)
{
	const struct smcr_conn *conn = &smc->conn;
	struct smcr_buf *buf;
	bool ok = false;

	if (!smcr_conn_active(smc))
		return false;
	rcu_read_lock();
	if (!READ_ONCE(conn->lgr) || !READ_ONCE(conn->token))
		goto out;
	ci->token = conn->token;
	buf = READ_ONCE(conn->sndbuf);
	ci->sndbuf_size = buf ? buf->len : 0;
	buf = READ_ONCE(conn->rmb);
	ci->rmbe_size = buf ? buf->len : 0;
	ci->peer_rmbe_size = conn->peer_rmbe_size;
	/* what the peer told us in its last CDC */
	smcr_rep_curs(&ci->rx_prod, &conn->rx_prod);
	smcr_rep_curs(&ci->rx_cons, &conn->tx_peer_cons);
	/* what we tell the peer */
	smcr_rep_curs(&ci->tx_prod, &conn->tx_prod);
	smcr_rep_curs(&ci->tx_cons, &conn->rx_cons);
	/* wire flag bytes: the same bit layout as upstream's in-memory bitfields */
	ci->rx_prod_flags = READ_ONCE(conn->peer_rx_flags);
	ci->rx_conn_state_flags = READ_ONCE(conn->peer_rx_state);
	ci->tx_prod_flags = READ_ONCE(conn->local_tx_flags);
	ci->tx_conn_state_flags = READ_ONCE(conn->local_tx_state);
	smcr_rep_curs(&ci->tx_prep, &conn->tx_prep);
	smcr_rep_curs(&ci->tx_sent, &conn->tx_sent);
	smcr_rep_curs(&ci->tx_fin, &conn->tx_fin);
	ok = true;
out:
	rcu_read_unlock();
	return ok;
}

static bool smcr_rep_diag_lgrinfo(const struct smcr_sock *smc, struct smc_diag_lgrinfo *li)
{
	const struct smcr_conn *conn = &smc->conn;
	struct smcr_lgr *lgr;
	struct smcr_link *lnk;
	bool ok = false;

	if (!smcr_conn_active(smc))
		return false;
	rcu_read_lock();
	lgr = READ_ONCE(conn->lgr);
	if (!lgr)
		goto out;
	lnk = READ_ONCE(conn->lnk);
	if (!lnk)
		lnk = &lgr->lnk;
	if (!lnk->dev)
		goto out;
	li->role = lgr->role == SMCR_ROLE_SERVER ? SMCR_REP_SERV : SMCR_REP_CLNT;
	li->lnk[0].link_id = lnk->link_id;
	li->lnk[0].ibport = lnk->port;
	strscpy(li->lnk[0].ibname, dev_name(&lnk->dev->ibdev->dev), sizeof(li->lnk[0].ibname));
	smcr_rep_gid_str(li->lnk[0].gid, sizeof(li->lnk[0].gid), lnk->gid);
	smcr_rep_gid_str(li->lnk[0].peer_gid, sizeof(li->lnk[0].peer_gid), lnk->peer.gid);
	ok = true;
out:
	rcu_read_unlock();
	return ok;
}

static const struct smcr_core_hooks smcr_report_hooks = {
	.walk_lgrs	= smcr_rep_walk_lgrs,
	.walk_devs	= smcr_rep_walk_devs,
	.diag_conninfo	= smcr_rep_diag_conninfo,
	.diag_lgrinfo	= smcr_rep_diag_lgrinfo,
};

void smcr_report_init(void)
{
	smcr_core_hooks_set(&smcr_report_hooks);
}

void smcr_report_exit(void)
{
	smcr_core_hooks_set(NULL);
}
