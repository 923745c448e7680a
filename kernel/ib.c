// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: the RDMA device layer.
 *
 * smcr registers as an ib_client and keeps a list of the RoCE devices, their ports' states and
 * the MAC of the netdev behind each port. Connections pick a local port and GID from the GID
 * table on demand (smcr_ib_find_gid()), by Linux's rules: the port is the one the PNET table
 * pairs with the connection's netdev, or else the one whose netdev carries the route; the GID is
 * a RoCE v2 GID IPv4-mapped to the source address (or in its subnet) for SMC-Rv2, a RoCE v1 GID
 * for SMC-Rv1. Soft-RoCE (rxe) only has RoCE v2 GIDs and, on 6.1, no get_netdev op (6.1 does not
 * export ib_device_get_netdev either), so the GID table's netdevs tie a port to its netdev.
 */
#define pr_fmt(fmt) "smcr: " fmt

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <rdma/ib_cache.h>
#include <rdma/ib_verbs.h>

#include "ib.h"
#include "core.h"
#include "main.h"
#include "pnet.h"

#define SMCR_IB_MAX_GIDS	128	/* valid GIDs we look at per device */

DEFINE_MUTEX(smcr_ib_lock);
LIST_HEAD(smcr_ib_devices);

static struct ib_client smcr_ib_client;

static bool smcr_gid_is_v4mapped(const u8 *gid, __be32 *addr)
{
	static const u8 prefix[12] = { [10] = 0xff, [11] = 0xff };

	if (memcmp(gid, prefix, sizeof(prefix)))
		return false;
	memcpy(addr, gid + 12, sizeof(*addr));
	return true;
}

/* Read the valid GIDs of @ibdev into a fresh array; returns the count or a negative errno. */
static ssize_t smcr_ib_gids(struct ib_device *ibdev, struct ib_uverbs_gid_entry **entries)
{
	ssize_t n;

	*entries = kcalloc(SMCR_IB_MAX_GIDS, sizeof(**entries), GFP_KERNEL);
	if (!*entries)
		return -ENOMEM;
	n = rdma_query_gid_table(ibdev, *entries, SMCR_IB_MAX_GIDS);
	if (n < 0) {
		kfree(*entries);
		*entries = NULL;
	}
	return n;
}

/* MAC of the netdev with @ifindex, whatever its netns; false if it is gone. */
static bool smcr_ifindex_mac(int ifindex, struct net *net, u8 *mac)
{
	struct net_device *ndev;
	bool found = false;

	rcu_read_lock();
	ndev = net ? dev_get_by_index_rcu(net, ifindex) : NULL;
	if (ndev && ndev->addr_len == ETH_ALEN) {
		ether_addr_copy(mac, ndev->dev_addr);
		found = true;
	}
	rcu_read_unlock();
	return found;
}

/* Refresh port states and MACs of @dev. Caller holds smcr_ib_lock. */
static void smcr_ib_refresh(struct smcr_ib_dev *dev)
{
	struct ib_uverbs_gid_entry *gids = NULL;
	ssize_t n, i;
	u8 p;

	for (p = 0; p < dev->num_ports; p++) {
		if (ib_get_cached_port_state(dev->ibdev, p + 1, &dev->ports[p].state))
			dev->ports[p].state = IB_PORT_NOP;
		eth_zero_addr(dev->ports[p].mac);
	}
	n = smcr_ib_gids(dev->ibdev, &gids);
	for (i = 0; i < n; i++) {
		u32 port = gids[i].port_num;

		if (port < 1 || port > dev->num_ports || !gids[i].netdev_ifindex ||
		    !is_zero_ether_addr(dev->ports[port - 1].mac))
			continue;
		/* GID netdevs of RoCE devices live in init_net unless moved with the device */
		smcr_ifindex_mac(gids[i].netdev_ifindex, &init_net, dev->ports[port - 1].mac);
	}
	kfree(gids);

	/* the local system id carries the MAC of the first active RoCE port */
	if (is_zero_ether_addr(smcr_local_systemid + 2)) {
		for (p = 0; p < dev->num_ports; p++) {
			if (dev->ports[p].state == IB_PORT_ACTIVE &&
			    !is_zero_ether_addr(dev->ports[p].mac)) {
				memcpy(smcr_local_systemid + 2, dev->ports[p].mac, ETH_ALEN);
				break;
			}
		}
	}
}

static void smcr_ib_port_work(struct work_struct *work)
{
	struct smcr_ib_dev *dev = container_of(work, struct smcr_ib_dev, port_work);
	unsigned long lost = 0;
	unsigned int p;

	mutex_lock(&smcr_ib_lock);
	dev->port_event_mask = 0;
	smcr_ib_refresh(dev);
	for (p = 0; p < dev->num_ports; p++)
		if (dev->ports[p].state != IB_PORT_ACTIVE)
			lost |= BIT(p);
	mutex_unlock(&smcr_ib_lock);
	/* links on a port that is not active any more are lost (upstream: smcr_port_err) */
	for_each_set_bit(p, &lost, SMCR_IB_MAX_PORTS)
		smcr_lgr_terminate_port(dev, p + 1);
}

/* Port and GID events; may run in atomic context. */
static void smcr_ib_event(struct ib_event_handler *handler, struct ib_event *ev)
{
	struct smcr_ib_dev *dev = container_of(handler, struct smcr_ib_dev, event_handler);

	switch (ev->event) {
	case IB_EVENT_PORT_ACTIVE:
	case IB_EVENT_PORT_ERR:
	case IB_EVENT_GID_CHANGE:
	case IB_EVENT_DEVICE_FATAL:
		if (ev->event != IB_EVENT_DEVICE_FATAL && ev->element.port_num >= 1 &&
		    ev->element.port_num <= SMCR_IB_MAX_PORTS)
			set_bit(ev->element.port_num - 1, &dev->port_event_mask);
		schedule_work(&dev->port_work);
		break;
	default:
		break;
	}
}

static int smcr_ib_add(struct ib_device *ibdev)
{
	struct smcr_ib_dev *dev;
	bool roce = false;
	u32 port;

	if (ibdev->node_type != RDMA_NODE_IB_CA)
		return -EOPNOTSUPP;
	rdma_for_each_port(ibdev, port)
		if (rdma_protocol_roce(ibdev, port))
			roce = true;
	if (!roce)
		return -EOPNOTSUPP;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	dev->ibdev = ibdev;
	dev->num_ports = min_t(u32, rdma_end_port(ibdev), SMCR_IB_MAX_PORTS);
	INIT_WORK(&dev->port_work, smcr_ib_port_work);
	atomic_set(&dev->lnk_cnt, 0);
	init_waitqueue_head(&dev->lnks_deleted);
	INIT_IB_EVENT_HANDLER(&dev->event_handler, ibdev, smcr_ib_event);
	ib_register_event_handler(&dev->event_handler);

	mutex_lock(&smcr_ib_lock);
	smcr_ib_refresh(dev);
	list_add_tail(&dev->list, &smcr_ib_devices);
	mutex_unlock(&smcr_ib_lock);
	ib_set_client_data(ibdev, &smcr_ib_client, dev);
	pr_info("RDMA device %s added (%u port%s)\n", dev_name(&ibdev->dev), dev->num_ports,
		dev->num_ports == 1 ? "" : "s");
	return 0;
}

static void smcr_ib_remove(struct ib_device *ibdev, void *client_data)
{
	struct smcr_ib_dev *dev = client_data;

	smcr_lgr_terminate_dev(dev);	/* its link groups end first */
	/*
	 * Their links give the device's resources back when their connections are freed (the
	 * connections' close work does so at once once they are killed): the device may not go
	 * before (upstream waits the same way in smc_smcr_terminate_all()).
	 */
	while (!wait_event_timeout(dev->lnks_deleted, !atomic_read(&dev->lnk_cnt), 10 * HZ))
		pr_warn("RDMA device %s: waiting for %d links to be released\n",
			dev_name(&ibdev->dev), atomic_read(&dev->lnk_cnt));
	ib_unregister_event_handler(&dev->event_handler);
	cancel_work_sync(&dev->port_work);
	mutex_lock(&smcr_ib_lock);
	list_del(&dev->list);
	mutex_unlock(&smcr_ib_lock);
	pr_info("RDMA device %s removed\n", dev_name(&ibdev->dev));
	kfree(dev);
}

static struct ib_client smcr_ib_client = {
	.name	= "smcr",
	.add	= smcr_ib_add,
	.remove	= smcr_ib_remove,
};

/* Is the netdev @ifindex of @net a VLAN device with @vlan_id (0: not a VLAN device)? RCU held. */
static bool smcr_ib_vlan_ok(struct net *net, int ifindex, u16 vlan_id)
{
	struct net_device *ndev = dev_get_by_index_rcu(net, ifindex);

	if (!ndev)
		return false;
	if (!is_vlan_dev(ndev))
		return !vlan_id;
	return vlan_id && vlan_dev_priv(ndev)->vlan_id == vlan_id;
}

/* Does an IPv4 address of netdev @ifindex (in @net) have @saddr in its subnet? RCU held. */
static bool smcr_ib_subnet_ok(struct net *net, int ifindex, __be32 saddr)
{
	struct net_device *ndev = dev_get_by_index_rcu(net, ifindex);
	const struct in_ifaddr *ifa;
	struct in_device *in_dev;

	in_dev = ndev ? __in_dev_get_rcu(ndev) : NULL;
	if (!in_dev)
		return false;
	in_dev_for_each_ifa_rcu(ifa, in_dev)
		if (inet_ifa_match(saddr, ifa))
			return true;
	return false;
}

/*
 * How well GID @e serves query @q: 0 not at all; higher is better. SMC-Rv2: a RoCE v2 GID
 * IPv4-mapped to the source address (3), or to another address of the route's netdev whose subnet
 * holds the source address (2, Linux's rule). SMC-Rv1: a RoCE v1 GID on the route's VLAN (3), or
 * with @q->v1_roce2 a RoCE v2 GID equal to the source address (1, a test substitute).
 */
static int smcr_ib_gid_score(const struct smcr_ib_query *q, const struct ib_uverbs_gid_entry *e)
{
	const u8 *gid = (const u8 *)e->gid;
	__be32 v4;
	int score = 0;

	rcu_read_lock();
	if (q->version >= 2) {
		if (e->gid_type != IB_UVERBS_GID_TYPE_ROCE_V2 || q->family != 4 ||
		    !smcr_gid_is_v4mapped(gid, &v4))
			goto out;
		if (!memcmp(&v4, q->saddr, 4))
			score = 3;
		else if (e->netdev_ifindex == q->route_ifindex &&
			 smcr_ib_subnet_ok(q->net, e->netdev_ifindex, *(const __be32 *)q->saddr))
			score = 2;
	} else {
		if (e->gid_type == IB_UVERBS_GID_TYPE_ROCE_V1) {
			if (smcr_ib_vlan_ok(q->net, e->netdev_ifindex, q->vlan_id))
				score = 3;
		} else if (e->gid_type == IB_UVERBS_GID_TYPE_ROCE_V2 && q->v1_roce2) {
			if (q->family == 4 && smcr_gid_is_v4mapped(gid, &v4) &&
			    !memcmp(&v4, q->saddr, 4))
				score = 1;
			else if (q->family == 6 && !memcmp(gid, q->saddr, 16))
				score = 1;
		}
	}
out:
	rcu_read_unlock();
	return score;
}

/* May port @port of @dev serve @q: PNET id match, or a GID on the route's netdev? */
static bool smcr_ib_port_ok(struct smcr_ib_dev *dev, u8 port, const struct smcr_ib_query *q,
			    const struct ib_uverbs_gid_entry *gids, ssize_t n)
{
	struct device *parent = dev->ibdev->dev.parent;
	u8 pnetid[SMCR_PNETID_MAXLEN];
	ssize_t i;

	if (dev->ports[port - 1].state != IB_PORT_ACTIVE)
		return false;
	if (q->pnet)
		return !smcr_pnet_find_ib(dev_name(&dev->ibdev->dev),
					  parent ? dev_name(parent) : NULL, port, pnetid) &&
		       smcr_pnetid_match(pnetid, q->pnetid);
	/* the RDMA port whose netdev carries the route (rxe has no get_netdev: its GIDs tell) */
	for (i = 0; i < n; i++)
		if (gids[i].port_num == port && gids[i].netdev_ifindex &&
		    (gids[i].netdev_ifindex == q->route_ifindex ||
		     gids[i].netdev_ifindex == q->base_ifindex))
			return true;
	return false;
}

/**
 * smcr_ib_find_gid() - choose the local RDMA port and GID for a connection, as Linux does
 * @q: what the connection needs (see struct smcr_ib_query)
 * @out: filled on success
 *
 * The port: with a PNET id on the connection's (base) netdev, an active port whose PNET id (from
 * the PNET table) matches; otherwise an active port with a GID on the route's netdev. Then the
 * best GID of that port for @q->version (smcr_ib_gid_score()); the first port with one wins.
 * The GID's netdev must be in @q->net (it gives the MAC).
 *
 * Return: 0, or -ENODEV if there is none.
 */
int smcr_ib_find_gid(const struct smcr_ib_query *q, struct smcr_ib_gid *out)
{
	struct ib_uverbs_gid_entry *gids;
	struct smcr_ib_dev *dev;
	int rc = -ENODEV;
	ssize_t n, i;
	u8 port;

	mutex_lock(&smcr_ib_lock);
	list_for_each_entry(dev, &smcr_ib_devices, list) {
		n = smcr_ib_gids(dev->ibdev, &gids);
		for (port = 1; port <= dev->num_ports && rc; port++) {
			int best = 0, score;
			ssize_t pick = -1;

			if (!smcr_ib_port_ok(dev, port, q, gids, n))
				continue;
			for (i = 0; i < n; i++) {
				if (gids[i].port_num != port)
					continue;
				score = smcr_ib_gid_score(q, &gids[i]);
				if (score > best &&
				    smcr_ifindex_mac(gids[i].netdev_ifindex, q->net, out->mac)) {
					best = score;
					pick = i;
				}
			}
			if (pick < 0)
				continue;
			smcr_ifindex_mac(gids[pick].netdev_ifindex, q->net, out->mac);
			out->dev = dev;
			out->port = port;
			out->index = gids[pick].gid_index;
			out->ifindex = gids[pick].netdev_ifindex;
			memcpy(out->gid, gids[pick].gid, sizeof(out->gid));
			rc = 0;
		}
		kfree(gids);
		if (!rc)
			break;
	}
	mutex_unlock(&smcr_ib_lock);
	return rc;
}

/* Number of active RoCE ports, for diagnostics and tests. */
int smcr_ib_count_active(void)
{
	struct smcr_ib_dev *dev;
	int n = 0;
	u8 p;

	mutex_lock(&smcr_ib_lock);
	list_for_each_entry(dev, &smcr_ib_devices, list)
		for (p = 0; p < dev->num_ports; p++)
			n += dev->ports[p].state == IB_PORT_ACTIVE;
	mutex_unlock(&smcr_ib_lock);
	return n;
}

int smcr_ib_init(void)
{
	return ib_register_client(&smcr_ib_client);
}

void smcr_ib_exit(void)
{
	ib_unregister_client(&smcr_ib_client);
}
