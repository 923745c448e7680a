// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: the PNET table and the SMC_PNETID generic netlink family (see pnet.h).
 *
 * The ABI is upstream's, quirks included, because smc-tools' smc_pnet relies on it:
 *  - ADD needs NAME (else EINVAL); the name may have surrounding blanks, must then be 1..16
 *    alphanumerics and is stored upper-cased (else EINVAL). ETHNAME adds a netdev entry, IBNAME
 *    (+ IBPORT 1..2, default 1; else EINVAL) an RDMA entry, the latter in the initial netns only.
 *    An interface or device that already has an entry is EEXIST; so is a request that added
 *    nothing at all (e.g. NAME alone). A netdev entry added before an invalid IBPORT stays.
 *  - DEL needs NAME and compares it as given (not upper-cased); ENOENT if nothing matched.
 *  - GET with NAME (a "do" request) answers the matching entries in one multipart reply; a dump
 *    lists every entry. Every entry shows NAME, ETHNAME, IBNAME, IBPORT, with "n/a" and 0xff for
 *    the half it does not have.
 *  - FLUSH empties the netns's table. ADD/DEL/FLUSH need CAP_NET_ADMIN (GENL_ADMIN_PERM).
 */
#define pr_fmt(fmt) "smcr: " fmt

#include <linux/ctype.h>
#include <linux/if.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/smc.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <rdma/ib_verbs.h>

#include "netns.h"
#include "pnet.h"

enum smcr_pnet_type {
	SMCR_PNET_ETH = 1,
	SMCR_PNET_IB = 2,
};

/**
 * struct smcr_pnetentry - one entry of a PNET table
 * @pnetid: upper-cased PNET id, NUL-terminated
 * @eth_name: ETH: interface name the entry was added for
 * @ifindex: ETH: interface bound to the entry (0 while no such interface is registered)
 * @ib_name: IB: RDMA device (or parent device) name
 * @ib_port: IB: 1-based port
 */
struct smcr_pnetentry {
	struct list_head	list;
	char			pnetid[SMCR_PNETID_MAXLEN + 1];
	enum smcr_pnet_type	type;
	char			eth_name[IFNAMSIZ + 1];
	int			ifindex;
	char			ib_name[IB_DEVICE_NAME_MAX + 1];
	u8			ib_port;
};

static const struct nla_policy smcr_pnet_policy[SMC_PNETID_MAX + 1] = {
	[SMC_PNETID_NAME]	= { .type = NLA_NUL_STRING, .len = SMCR_PNETID_MAXLEN },
	[SMC_PNETID_ETHNAME]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[SMC_PNETID_IBNAME]	= { .type = NLA_NUL_STRING, .len = IB_DEVICE_NAME_MAX - 1 },
	[SMC_PNETID_IBPORT]	= { .type = NLA_U8 },
};

static struct genl_family smcr_pnet_nl_family;

static struct smcr_pnettable *smcr_pnettable(struct net *net)
{
	return &smcr_net(net)->pnettable;
}

bool smcr_pnetid_is_set(const u8 *pnetid)
{
	return pnetid[0] && pnetid[0] != ' ';
}

bool smcr_pnetid_match(const u8 *a, const u8 *b)
{
	int i;

	for (i = 0; i < SMCR_PNETID_MAXLEN; i++) {
		bool a_end = !a[i] || a[i] == ' ';
		bool b_end = !b[i] || b[i] == ' ';

		if (a_end && b_end)
			return true;
		if (a[i] != b[i])
			return false;
	}
	return true;
}

/*
 * Validate a PNET id as given by the user and store its canonical form in @out (17 bytes):
 * surrounding blanks dropped, 1..16 alphanumerics, upper-cased.
 */
static bool smcr_pnetid_canon(const char *in, char *out)
{
	const char *p = skip_spaces(in);
	size_t len = strlen(p);
	size_t i;

	while (len && isspace(p[len - 1]))
		len--;
	if (!len || len > SMCR_PNETID_MAXLEN)
		return false;
	for (i = 0; i < len; i++) {
		if (!isalnum(p[i]))
			return false;
		out[i] = toupper(p[i]);
	}
	out[len] = '\0';
	return true;
}

static int smcr_pnet_add_eth(struct net *net, const char *eth_name, const char *pnetid)
{
	struct smcr_pnettable *tab = smcr_pnettable(net);
	struct smcr_pnetentry *pe, *e;
	struct net_device *ndev;
	int rc = 0;

	pe = kzalloc(sizeof(*pe), GFP_KERNEL);
	if (!pe)
		return -ENOMEM;
	pe->type = SMCR_PNET_ETH;
	strscpy(pe->pnetid, pnetid, sizeof(pe->pnetid));
	strscpy(pe->eth_name, eth_name, sizeof(pe->eth_name));

	mutex_lock(&tab->lock);
	list_for_each_entry(e, &tab->list, list) {
		if (e->type == SMCR_PNET_ETH && !strncmp(e->eth_name, eth_name, IFNAMSIZ)) {
			rc = -EEXIST;
			goto unlock;
		}
	}
	/*
	 * Bind under the table lock: an unregistration of this interface (notifier, takes the
	 * lock) is then either seen here or unbinds the entry after us.
	 */
	rcu_read_lock();
	ndev = dev_get_by_name_rcu(net, eth_name);
	if (ndev)
		pe->ifindex = ndev->ifindex;
	rcu_read_unlock();
	list_add_tail(&pe->list, &tab->list);
	pe = NULL;
unlock:
	mutex_unlock(&tab->lock);
	kfree(pe);
	return rc;
}

static int smcr_pnet_add_ib(struct net *net, const char *ib_name, u8 port, const char *pnetid)
{
	struct smcr_pnettable *tab = smcr_pnettable(net);
	struct smcr_pnetentry *pe, *e;
	int rc = 0;

	pe = kzalloc(sizeof(*pe), GFP_KERNEL);
	if (!pe)
		return -ENOMEM;
	pe->type = SMCR_PNET_IB;
	strscpy(pe->pnetid, pnetid, sizeof(pe->pnetid));
	strscpy(pe->ib_name, ib_name, sizeof(pe->ib_name));
	pe->ib_port = port;

	mutex_lock(&tab->lock);
	list_for_each_entry(e, &tab->list, list) {
		/* one entry per device, whatever the port (upstream's rule) */
		if (e->type == SMCR_PNET_IB && !strncmp(e->ib_name, ib_name, IB_DEVICE_NAME_MAX)) {
			rc = -EEXIST;
			goto unlock;
		}
	}
	list_add_tail(&pe->list, &tab->list);
	pe = NULL;
unlock:
	mutex_unlock(&tab->lock);
	kfree(pe);
	return rc;
}

static int smcr_pnet_add(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	char ib_buf[IB_DEVICE_NAME_MAX + 1];
	char pnetid[SMCR_PNETID_MAXLEN + 1];
	struct nlattr **tb = info->attrs;
	bool added_eth = false, added_ib = false;
	u8 port = 1;
	int rc;

	if (!tb[SMC_PNETID_NAME] || !smcr_pnetid_canon(nla_data(tb[SMC_PNETID_NAME]), pnetid))
		return -EINVAL;

	if (tb[SMC_PNETID_ETHNAME]) {
		rc = smcr_pnet_add_eth(net, nla_data(tb[SMC_PNETID_ETHNAME]), pnetid);
		if (!rc)
			added_eth = true;
		else if (rc != -EEXIST)
			return rc;
	}
	/* RDMA devices are host-wide: other namespaces take netdev entries only */
	if (!net_eq(net, &init_net))
		return added_eth ? 0 : -EEXIST;

	if (tb[SMC_PNETID_IBNAME]) {
		nla_strscpy(ib_buf, tb[SMC_PNETID_IBNAME], sizeof(ib_buf));
		if (tb[SMC_PNETID_IBPORT]) {
			port = nla_get_u8(tb[SMC_PNETID_IBPORT]);
			if (port < 1 || port > 2)
				return -EINVAL;
		}
		rc = smcr_pnet_add_ib(net, strim(ib_buf), port, pnetid);
		if (!rc)
			added_ib = true;
		else if (rc != -EEXIST)
			return rc;
	}
	return added_eth || added_ib ? 0 : -EEXIST;
}

/* Remove the entries of @pnetid (all entries if NULL). Return: 0, or -ENOENT if none. */
static int smcr_pnet_remove(struct net *net, const u8 *pnetid)
{
	struct smcr_pnettable *tab = smcr_pnettable(net);
	struct smcr_pnetentry *e, *tmp;
	int rc = -ENOENT;

	mutex_lock(&tab->lock);
	list_for_each_entry_safe(e, tmp, &tab->list, list) {
		if (pnetid && !smcr_pnetid_match(e->pnetid, pnetid))
			continue;
		list_del(&e->list);
		kfree(e);
		rc = 0;
	}
	mutex_unlock(&tab->lock);
	return rc;
}

static int smcr_pnet_del(struct sk_buff *skb, struct genl_info *info)
{
	if (!info->attrs[SMC_PNETID_NAME])
		return -EINVAL;
	return smcr_pnet_remove(genl_info_net(info), nla_data(info->attrs[SMC_PNETID_NAME]));
}

static int smcr_pnet_flush(struct sk_buff *skb, struct genl_info *info)
{
	smcr_pnet_remove(genl_info_net(info), NULL);
	return 0;
}

static int smcr_pnet_put_entry(struct sk_buff *skb, u32 portid, u32 seq,
			       const struct smcr_pnetentry *e)
{
	bool eth = e->type == SMCR_PNET_ETH;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &smcr_pnet_nl_family, NLM_F_MULTI, SMC_PNETID_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, SMC_PNETID_NAME, e->pnetid) ||
	    nla_put_string(skb, SMC_PNETID_ETHNAME, eth ? e->eth_name : "n/a") ||
	    nla_put_string(skb, SMC_PNETID_IBNAME, eth ? "n/a" : e->ib_name) ||
	    nla_put_u8(skb, SMC_PNETID_IBPORT, eth ? 0xff : e->ib_port)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * Put the entries of @net (those of @pnetid only, if given) from position @start on.
 * Return: the position to continue at.
 */
static int smcr_pnet_put_table(struct net *net, struct sk_buff *skb, u32 portid, u32 seq,
			       const u8 *pnetid, int start)
{
	struct smcr_pnettable *tab = smcr_pnettable(net);
	struct smcr_pnetentry *e;
	int idx = 0;

	mutex_lock(&tab->lock);
	list_for_each_entry(e, &tab->list, list) {
		if (pnetid && !smcr_pnetid_match(e->pnetid, pnetid))
			continue;
		if (idx++ < start)
			continue;
		if (!net_eq(net, &init_net) && e->type != SMCR_PNET_ETH)
			continue;
		if (smcr_pnet_put_entry(skb, portid, seq, e)) {
			idx--;
			break;
		}
	}
	mutex_unlock(&tab->lock);
	return idx;
}

static int smcr_pnet_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	cb->args[0] = smcr_pnet_put_table(sock_net(skb->sk), skb, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, NULL, cb->args[0]);
	return skb->len;
}

static int smcr_pnet_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	if (!info->attrs[SMC_PNETID_NAME])
		return -EINVAL;
	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	smcr_pnet_put_table(genl_info_net(info), msg, info->snd_portid, info->snd_seq,
			    nla_data(info->attrs[SMC_PNETID_NAME]), 0);
	/* close the multipart answer */
	hdr = nlmsg_put(msg, info->snd_portid, info->snd_seq, NLMSG_DONE, 0, NLM_F_MULTI);
	if (!hdr) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return genlmsg_reply(msg, info);
}

#define SMCR_PNET_VALIDATE	(GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP)

static const struct genl_ops smcr_pnet_ops[] = {
	{
		.cmd = SMC_PNETID_GET,
		.validate = SMCR_PNET_VALIDATE,
		.doit = smcr_pnet_get,		/* unprivileged */
		.dumpit = smcr_pnet_dump,
	},
	{
		.cmd = SMC_PNETID_ADD,
		.validate = SMCR_PNET_VALIDATE,
		.flags = GENL_ADMIN_PERM,
		.doit = smcr_pnet_add,
	},
	{
		.cmd = SMC_PNETID_DEL,
		.validate = SMCR_PNET_VALIDATE,
		.flags = GENL_ADMIN_PERM,
		.doit = smcr_pnet_del,
	},
	{
		.cmd = SMC_PNETID_FLUSH,
		.validate = SMCR_PNET_VALIDATE,
		.flags = GENL_ADMIN_PERM,
		.doit = smcr_pnet_flush,
	},
};

static struct genl_family smcr_pnet_nl_family __ro_after_init = {
	.hdrsize	= 0,
	.name		= SMCR_GENL_FAMILY_NAME,	/* "SMC_PNETID" */
	.version	= SMCR_GENL_FAMILY_VERSION,
	.maxattr	= SMC_PNETID_MAX,
	.policy		= smcr_pnet_policy,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.ops		= smcr_pnet_ops,
	.n_ops		= ARRAY_SIZE(smcr_pnet_ops),
	.resv_start_op	= SMC_PNETID_FLUSH + 1,
};

/* ---- lookups for the device layer ----------------------------------------------------------- */

int smcr_pnet_find_by_ifindex(struct net *net, int ifindex, u8 *pnetid)
{
	struct smcr_pnettable *tab = smcr_pnettable(net);
	struct smcr_pnetentry *e;
	int rc = -ENOENT;

	if (!ifindex)
		return rc;
	mutex_lock(&tab->lock);
	list_for_each_entry(e, &tab->list, list) {
		if (e->type == SMCR_PNET_ETH && e->ifindex == ifindex) {
			memcpy(pnetid, e->pnetid, SMCR_PNETID_MAXLEN);
			rc = 0;
			break;
		}
	}
	mutex_unlock(&tab->lock);
	return rc;
}

int smcr_pnet_find_by_netdev(struct net_device *ndev, u8 *pnetid)
{
	struct net *net;
	int i, ifindex;

	rtnl_lock();
	/* first base device, as upstream: follow the first lower device, level by level */
	for (i = ndev->lower_level; i > 0; i--) {
		struct list_head *iter = &ndev->adj_list.lower;
		struct net_device *lower;

		if (list_empty(iter))
			break;
		iter = iter->next;
		lower = netdev_lower_get_next(ndev, &iter);
		if (!lower)
			break;
		ndev = lower;
	}
	ifindex = ndev->ifindex;
	net = dev_net(ndev);
	rtnl_unlock();
	return smcr_pnet_find_by_ifindex(net, ifindex, pnetid);
}

int smcr_pnet_find_ib(const char *ibname, const char *parent_name, u8 port, u8 *pnetid)
{
	struct smcr_pnettable *tab = smcr_pnettable(&init_net);
	struct smcr_pnetentry *e;
	int rc = -ENOENT;

	mutex_lock(&tab->lock);
	list_for_each_entry(e, &tab->list, list) {
		if (e->type != SMCR_PNET_IB || e->ib_port != port)
			continue;
		if (strncmp(e->ib_name, ibname, IB_DEVICE_NAME_MAX) &&
		    (!parent_name || strncmp(e->ib_name, parent_name, IB_DEVICE_NAME_MAX - 1)))
			continue;
		memcpy(pnetid, e->pnetid, SMCR_PNETID_MAXLEN);
		rc = 0;
		break;
	}
	mutex_unlock(&tab->lock);
	return rc;
}

/* ---- netdev entries follow their interface --------------------------------------------------- */

static int smcr_pnet_netdev_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct smcr_pnettable *tab;
	struct smcr_pnetentry *e;

	if (event != NETDEV_REGISTER && event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	tab = smcr_pnettable(dev_net(dev));
	mutex_lock(&tab->lock);
	list_for_each_entry(e, &tab->list, list) {
		if (e->type != SMCR_PNET_ETH)
			continue;
		if (event == NETDEV_UNREGISTER && e->ifindex == dev->ifindex) {
			e->ifindex = 0;
			break;
		}
		if (event == NETDEV_REGISTER && !e->ifindex &&
		    !strncmp(e->eth_name, dev->name, IFNAMSIZ)) {
			e->ifindex = dev->ifindex;
			break;
		}
	}
	mutex_unlock(&tab->lock);
	return NOTIFY_OK;
}

static struct notifier_block smcr_pnet_notifier = {
	.notifier_call = smcr_pnet_netdev_event,
};

void smcr_pnet_net_init(struct net *net)
{
	struct smcr_pnettable *tab = smcr_pnettable(net);

	mutex_init(&tab->lock);
	INIT_LIST_HEAD(&tab->list);
}

void smcr_pnet_net_exit(struct net *net)
{
	smcr_pnet_remove(net, NULL);
}

int smcr_pnet_init(void)
{
	int rc;

	rc = genl_register_family(&smcr_pnet_nl_family);
	if (rc)
		return rc;
	rc = register_netdevice_notifier(&smcr_pnet_notifier);
	if (rc)
		genl_unregister_family(&smcr_pnet_nl_family);
	return rc;
}

void smcr_pnet_exit(void)
{
	unregister_netdevice_notifier(&smcr_pnet_notifier);
	genl_unregister_family(&smcr_pnet_nl_family);
}
