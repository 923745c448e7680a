/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smcr: the PNET table (generic netlink family SMC_PNETID, as upstream).
 *
 * A PNET id ("physical network id", up to 16 upper-case alphanumerics) names the physical network
 * a port is cabled to. SMC-R only pairs the netdev of a TCP connection with an RDMA port that has
 * the same PNET id (or, when neither has one, with any port: upstream's rule, applied by the
 * device layer). On x86 there are no hardware PNET ids: they come from this table only.
 *
 * Entries, per network namespace:
 *  - netdev entries ("ETH"): an interface name and its PNET id. The interface does not have to
 *    exist yet: the entry binds to the interface of that name when it registers (and survives a
 *    rename of the bound interface, as upstream's device reference does).
 *  - RDMA entries ("IB"): a device name, a port (1..2) and the PNET id. Only the initial netns
 *    takes them (RDMA devices are host-wide, as upstream). The device does not have to exist.
 */
#ifndef SMCR_PNET_H
#define SMCR_PNET_H

#include <linux/types.h>

struct net;
struct net_device;

#define SMCR_PNETID_MAXLEN	16

/**
 * smcr_pnet_find_by_ifindex() - PNET id of a netdev from the table of @net
 * @net: the netdev's netns
 * @ifindex: the netdev (no lower-device resolution: pass the base device)
 * @pnetid: out, SMCR_PNETID_MAXLEN bytes, NUL padded (not terminated when 16 long)
 *
 * May sleep. Return: 0, or -ENOENT if the table names no PNET id for @ifindex.
 */
int smcr_pnet_find_by_ifindex(struct net *net, int ifindex, u8 *pnetid);

/**
 * smcr_pnet_find_by_netdev() - PNET id of the netdev a socket leaves through
 * @ndev: any netdev; stacked devices (VLAN, macvlan, bond...) are resolved to their first base
 *	device, as upstream does; the caller holds a reference on @ndev
 * @pnetid: out, as above
 *
 * Takes the RTNL to walk the lower devices: call from process context without RTNL held.
 * Return: 0, or -ENOENT.
 */
int smcr_pnet_find_by_netdev(struct net_device *ndev, u8 *pnetid);

/**
 * smcr_pnet_find_ib() - PNET id the table gives an RDMA device port
 * @ibname: device name (e.g. "rxe0")
 * @parent_name: name of the device's parent (e.g. its PCI address), or NULL; upstream matches
 *	either name
 * @port: 1-based port
 * @pnetid: out, as above
 *
 * RDMA entries live in the initial netns's table only. May sleep. Return: 0, or -ENOENT.
 */
int smcr_pnet_find_ib(const char *ibname, const char *parent_name, u8 port, u8 *pnetid);

/* Is a PNET id set (not empty, not blank)? Do two PNET ids match (blank/NUL padding ignored)? */
bool smcr_pnetid_is_set(const u8 *pnetid);
bool smcr_pnetid_match(const u8 *a, const u8 *b);

/* module / netns setup */
int smcr_pnet_init(void);
void smcr_pnet_exit(void);
void smcr_pnet_net_init(struct net *net);
void smcr_pnet_net_exit(struct net *net);

#endif /* SMCR_PNET_H */
