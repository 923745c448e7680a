// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: the RDMA device layer.
 *
 * smcr registers as an ib_client and keeps a list of the RoCE devices, their ports' states and
 * the MAC of the netdev behind each port. Connections pick a local RoCE v2 GID from the GID table
 * on demand (smcr_ib_find_v2_gid()): SMC-Rv2 needs the GID whose IPv4-mapped address is the
 * clcsock's source address, on a netdev of the socket's netns. Soft-RoCE (rxe) only has RoCE v2
 * GIDs and no get_netdev op, so the GID table's netdev is what ties a port to its netdev.
 */
#define pr_fmt(fmt) "smcr: " fmt

#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <rdma/ib_cache.h>
#include <rdma/ib_verbs.h>

#include "ib.h"
#include "core.h"
#include "main.h"

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

/**
 * smcr_ib_find_v2_gid() - find the local RoCE v2 GID for an SMC-Rv2 connection
 * @net: netns of the connection
 * @saddr: the clcsock's IPv4 source address
 * @out: filled on success
 *
 * The GID must be of type RoCE v2, IPv4-mapped to @saddr, on an active port, with its netdev in
 * @net.
 *
 * Return: 0, or -ENODEV if there is none.
 */
int smcr_ib_find_v2_gid(struct net *net, __be32 saddr, struct smcr_ib_gid *out)
{
	struct ib_uverbs_gid_entry *gids;
	struct smcr_ib_dev *dev;
	int rc = -ENODEV;
	ssize_t n, i;

	mutex_lock(&smcr_ib_lock);
	list_for_each_entry(dev, &smcr_ib_devices, list) {
		n = smcr_ib_gids(dev->ibdev, &gids);
		for (i = 0; i < n && rc; i++) {
			u32 port = gids[i].port_num;
			__be32 addr;

			if (gids[i].gid_type != IB_UVERBS_GID_TYPE_ROCE_V2 || port < 1 ||
			    port > dev->num_ports || dev->ports[port - 1].state != IB_PORT_ACTIVE ||
			    !smcr_gid_is_v4mapped((u8 *)gids[i].gid, &addr) || addr != saddr ||
			    !smcr_ifindex_mac(gids[i].netdev_ifindex, net, out->mac))
				continue;
			out->dev = dev;
			out->port = port;
			out->index = gids[i].gid_index;
			out->ifindex = gids[i].netdev_ifindex;
			memcpy(out->gid, gids[i].gid, sizeof(out->gid));
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
