// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: the network path of a clcsock for the CLC handshake (see hspath.h).
 */
#define pr_fmt(fmt) "smcr: " fmt

#include <linux/if_vlan.h>
#include <linux/inetdevice.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <net/addrconf.h>
#include <net/dst.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "hspath.h"
#include "pnet.h"

bool smcr_v1_roce2_gids;
module_param_named(v1_roce2_gids, smcr_v1_roce2_gids, bool, 0644);
MODULE_PARM_DESC(v1_roce2_gids,
		 "Let SMC-Rv1 use a RoCE v2 GID equal to the source address when no RoCE v1 GID exists (testing over Soft-RoCE; not interoperable with stock Linux; default: off)");

bool smcr_v2_enabled = true;
module_param_named(smcr_v2, smcr_v2_enabled, bool, 0644);
MODULE_PARM_DESC(smcr_v2, "Offer and accept SMC-Rv2 (default: on; off forces SMC-Rv1)");

/* The addresses of @ndev of @family (4 or 6) into @path->ifa. */
static void smcr_hs_path_addrs(struct net_device *ndev, int family, struct smcr_hs_path *path)
{
	path->nifa = 0;
	if (family == 4) {
		const struct in_ifaddr *ifa;
		struct in_device *in_dev;

		rcu_read_lock();
		in_dev = __in_dev_get_rcu(ndev);
		if (in_dev) {
			in_dev_for_each_ifa_rcu(ifa, in_dev) {
				struct smcr_ifaddr *e = &path->ifa[path->nifa];

				if (path->nifa == SMCR_HS_MAX_IFA)
					break;
				memset(e, 0, sizeof(*e));
				e->family = 4;
				memcpy(e->addr, &ifa->ifa_address, 4);
				e->prefix_len = ifa->ifa_prefixlen;
				path->nifa++;
			}
		}
		rcu_read_unlock();
		return;
	}
#if IS_ENABLED(CONFIG_IPV6)
	{
		struct inet6_ifaddr *ifa;
		struct inet6_dev *idev;

		rcu_read_lock();
		idev = __in6_dev_get(ndev);
		if (idev) {
			read_lock_bh(&idev->lock);
			list_for_each_entry(ifa, &idev->addr_list, if_list) {
				struct smcr_ifaddr *e = &path->ifa[path->nifa];

				if (path->nifa == SMCR_HS_MAX_IFA)
					break;
				memset(e, 0, sizeof(*e));
				e->family = 6;
				memcpy(e->addr, &ifa->addr, 16);
				e->prefix_len = ifa->prefix_len;
				path->nifa++;
			}
			read_unlock_bh(&idev->lock);
		}
		rcu_read_unlock();
	}
#endif
}

int smcr_hs_path_get(struct socket *clc, struct smcr_hs_path *path)
{
	struct sockaddr_storage ss;
	struct net_device *ndev;
	struct dst_entry *dst;
	int rc = -ENODEV;

	memset(path, 0, sizeof(*path));
	path->q.net = sock_net(clc->sk);
	path->q.v1_roce2 = READ_ONCE(smcr_v1_roce2_gids);
	if (kernel_getsockname(clc, (struct sockaddr *)&ss) < 0)
		return -ENODEV;
	if (ss.ss_family == AF_INET) {
		path->q.family = 4;
		path->inet4 = true;
		memcpy(path->q.saddr, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	} else if (ss.ss_family == AF_INET6) {
		const struct in6_addr *a = &((struct sockaddr_in6 *)&ss)->sin6_addr;

		if (ipv6_addr_v4mapped(a)) {	/* an IPv4 peer: IPv4 prefix, as Linux */
			path->q.family = 4;
			memcpy(path->q.saddr, &a->s6_addr32[3], 4);
		} else {
			path->q.family = 6;
			memcpy(path->q.saddr, a, 16);
		}
	} else {
		return -ENODEV;
	}

	dst = sk_dst_get(clc->sk);
	if (!dst)
		return -ENODEV;
	ndev = dst->dev;
	if (!ndev)
		goto out;
	dev_hold(ndev);
	path->q.route_ifindex = ndev->ifindex;
	path->q.base_ifindex = ndev->ifindex;
	if (is_vlan_dev(ndev)) {
		path->q.vlan_id = vlan_dev_priv(ndev)->vlan_id;
		path->q.base_ifindex = vlan_dev_priv(ndev)->real_dev->ifindex;
	}
	path->q.pnet = !smcr_pnet_find_by_netdev(ndev, path->q.pnetid);
	smcr_hs_path_addrs(ndev, path->q.family, path);
	dev_put(ndev);
	rc = 0;
out:
	dst_release(dst);
	return rc;
}

int smcr_hs_find_gid(struct smcr_hs_path *path, u8 version, struct smcr_ib_gid *gid)
{
	path->q.version = version;
	return smcr_ib_find_gid(&path->q, gid);
}
