/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smcr: the RDMA device layer — which RoCE devices and ports exist, their state and GIDs.
 *
 * Devices come and go through the ib_client callbacks; port state follows ib events. The list is
 * protected by smcr_ib_lock (a mutex: lookups may sleep while they read GID tables).
 */
#ifndef SMCR_IB_H
#define SMCR_IB_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <linux/wait.h>
#include <rdma/ib_verbs.h>

#define SMCR_IB_MAX_PORTS	2	/* SMC uses ports 1 and 2 of a device at most */

/**
 * struct smcr_ib_port - one port of an RDMA device, as the device layer last saw it
 * @state: IB_PORT_ACTIVE etc. (updated from port events)
 * @mac: MAC of the netdev behind the port's first RoCE GID (zero if none)
 */
struct smcr_ib_port {
	enum ib_port_state	state;
	u8			mac[ETH_ALEN];
};

/**
 * struct smcr_ib_dev - an RDMA device smcr may use
 * @list: entry on smcr_ib_devices [smcr_ib_lock]
 * @ibdev: the device (valid until our remove callback returns)
 * @event_handler: port events
 * @port_work: refreshes @ports after an event
 * @port_event_mask: bit (port - 1) set for ports with a pending event
 * @num_ports: ports of the device that SMC may use (<= SMCR_IB_MAX_PORTS)
 * @ports: per-port state [smcr_ib_lock]
 */
struct smcr_ib_dev {
	struct list_head	list;
	struct ib_device	*ibdev;
	struct ib_event_handler	event_handler;
	struct work_struct	port_work;
	unsigned long		port_event_mask;
	u8			num_ports;
	struct smcr_ib_port	ports[SMCR_IB_MAX_PORTS];
	atomic_t		lnk_cnt;	/* links holding resources of the device */
	wait_queue_head_t	lnks_deleted;	/* woken when lnk_cnt drops to 0 */
};

/* A link allocated (smcr_link_create) or released (smcr_link_destroy) resources of @dev. */
static inline void smcr_ib_dev_link_hold(struct smcr_ib_dev *dev)
{
	atomic_inc(&dev->lnk_cnt);
}

static inline void smcr_ib_dev_link_release(struct smcr_ib_dev *dev)
{
	if (atomic_dec_and_test(&dev->lnk_cnt))
		wake_up_all(&dev->lnks_deleted);
}

/**
 * struct smcr_ib_gid - a usable local RoCE GID, as chosen for a connection
 * @dev: device; @port: port number (1-based); @gid: the 16-byte GID; @index: GID table index
 * @mac: MAC of the netdev behind the GID; @ifindex: that netdev's ifindex
 */
struct smcr_ib_gid {
	struct smcr_ib_dev	*dev;
	u8			port;
	u8			gid[16];
	u16			index;
	u8			mac[ETH_ALEN];
	int			ifindex;
};

/**
 * struct smcr_ib_query - what a connection needs from the device layer
 * @net: the connection's netns (the GID's netdev must be in it)
 * @route_ifindex: the netdev the route to the peer leaves through
 * @base_ifindex: its base device (the real device of a VLAN; else the same)
 * @vlan_id: VLAN id of the route's netdev, 0 if it is not a VLAN device
 * @pnet: the base netdev has a PNET id (@pnetid): only ports with the same PNET id qualify
 * @pnetid: that PNET id
 * @version: 1 (SMC-Rv1: RoCE v1 GID) or 2 (SMC-Rv2: RoCE v2 GID, IPv4)
 * @family: 4 or 6 (of the source address; 4 also for IPv4-mapped IPv6)
 * @saddr: source address (first 4 bytes for IPv4)
 * @v1_roce2: SMC-Rv1 may use a RoCE v2 GID equal to the source address (test knob)
 */
struct smcr_ib_query {
	struct net		*net;
	int			route_ifindex;
	int			base_ifindex;
	u16			vlan_id;
	bool			pnet;
	u8			pnetid[16];
	u8			version;
	int			family;
	u8			saddr[16];
	bool			v1_roce2;
};

extern struct mutex smcr_ib_lock;
extern struct list_head smcr_ib_devices;

int smcr_ib_init(void);
void smcr_ib_exit(void);
int smcr_ib_find_gid(const struct smcr_ib_query *q, struct smcr_ib_gid *out);
int smcr_ib_count_active(void);

#endif /* SMCR_IB_H */
