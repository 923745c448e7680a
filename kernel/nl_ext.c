// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: our own generic netlink family SMCR_EXT (user ABI in uapi/smcr_ext.h).
 *
 * Kept apart from SMC_GEN_NETLINK so that upstream's family stays exactly upstream's.
 */
#define pr_fmt(fmt) "smcr: " fmt

#include <linux/module.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "main.h"
#include "mib.h"
#include "netlink.h"
#include "policy.h"
#include "smcr.h"
#include "stats.h"
#include "uapi/smcr_ext.h"

/* What this build does; bits are added as the data path arrives. */
#define SMCR_EXT_FEATURES	(SMCR_EXT_F_SMCR_DATA | SMCR_EXT_F_POLICY)

static struct genl_family smcr_ext_nl_family;

static int smcr_ext_reset_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);

	smcr_stats_reset(net);
	smcr_mib_reset(net);
	return 0;
}

static void *smcr_ext_msg(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &smcr_ext_nl_family, NLM_F_MULTI, cmd);
}

static int smcr_ext_get_mib(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct smcr_nl_dmp_ctx *ctx = smcr_nl_ctx(cb);
	struct net *net = sock_net(skb->sk);
	struct nlattr *mib, *entry;
	void *hdr;
	int f;

	if (ctx->pos[0])
		return skb->len;
	hdr = smcr_ext_msg(skb, cb, SMCR_EXT_CMD_GET_MIB);
	if (!hdr)
		return -EMSGSIZE;
	mib = nla_nest_start(skb, SMCR_EXT_A_MIB);
	if (!mib)
		goto cancel;
	for (f = 0; f < SMCR_MIB_MAX; f++) {
		entry = nla_nest_start(skb, SMCR_EXT_A_MIB_ENTRY);
		if (!entry ||
		    nla_put_string(skb, SMCR_EXT_A_MIB_NAME, smcr_mib_name(f)) ||
		    nla_put_u64_64bit(skb, SMCR_EXT_A_MIB_VALUE, smcr_mib_read(net, f),
				      SMCR_EXT_A_PAD))
			goto cancel;
		nla_nest_end(skb, entry);
	}
	nla_nest_end(skb, mib);
	genlmsg_end(skb, hdr);
	ctx->pos[0] = 1;
	return skb->len;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int smcr_ext_get_info(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct smcr_nl_dmp_ctx *ctx = smcr_nl_ctx(cb);
	void *hdr;

	if (ctx->pos[0])
		return skb->len;
	hdr = smcr_ext_msg(skb, cb, SMCR_EXT_CMD_GET_INFO);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, SMCR_EXT_A_VERSION, SMCR_MODULE_VERSION) ||
	    nla_put_u32(skb, SMCR_EXT_A_SOCKS, smcr_sock_count(sock_net(skb->sk))) ||
	    nla_put_u32(skb, SMCR_EXT_A_FEATURES, SMCR_EXT_FEATURES)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	ctx->pos[0] = 1;
	return skb->len;
}

static int smcr_ext_policy_get(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct smcr_nl_dmp_ctx *ctx = smcr_nl_ctx(cb);
	void *hdr;

	if (ctx->pos[0])
		return skb->len;
	hdr = smcr_ext_msg(skb, cb, SMCR_EXT_CMD_POLICY_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (smcr_policy_nl_fill(skb, sock_net(skb->sk))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	ctx->pos[0] = 1;
	return skb->len;
}

/* Requests carry no attributes ... */
static const struct nla_policy smcr_ext_policy[SMCR_EXT_A_MAX + 1] = {
	[SMCR_EXT_A_PAD ... SMCR_EXT_A_MAX] = { .type = NLA_REJECT },
};

/* ... except POLICY_SET: the program file descriptors */
static const struct nla_policy smcr_ext_policy_set[SMCR_EXT_A_MAX + 1] = {
	[SMCR_EXT_A_PAD ... SMCR_EXT_A_MAX] = { .type = NLA_REJECT },
	[SMCR_EXT_A_POLICY_FD4]	= { .type = NLA_S32 },
	[SMCR_EXT_A_POLICY_FD6]	= { .type = NLA_S32 },
};

static const struct genl_ops smcr_ext_ops[] = {
	{
		.cmd = SMCR_EXT_CMD_RESET_STATS,
		.flags = GENL_UNS_ADMIN_PERM,	/* CAP_NET_ADMIN over the netns */
		.doit = smcr_ext_reset_stats,
	},
	{ .cmd = SMCR_EXT_CMD_GET_MIB,	.dumpit = smcr_ext_get_mib },
	{ .cmd = SMCR_EXT_CMD_GET_INFO,	.dumpit = smcr_ext_get_info },
	{
		.cmd = SMCR_EXT_CMD_POLICY_SET,
		.flags = GENL_UNS_ADMIN_PERM,
		.doit = smcr_policy_nl_set,
		.policy = smcr_ext_policy_set,
		.maxattr = SMCR_EXT_A_MAX,
	},
	{
		.cmd = SMCR_EXT_CMD_POLICY_CLEAR,
		.flags = GENL_UNS_ADMIN_PERM,
		.doit = smcr_policy_nl_clear,
	},
	{ .cmd = SMCR_EXT_CMD_POLICY_GET, .dumpit = smcr_ext_policy_get },
};

static struct genl_family smcr_ext_nl_family __ro_after_init = {
	.name		= SMCR_EXT_FAMILY_NAME,
	.version	= SMCR_EXT_FAMILY_VERSION,
	.maxattr	= SMCR_EXT_A_MAX,
	.policy		= smcr_ext_policy,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.ops		= smcr_ext_ops,
	.n_ops		= ARRAY_SIZE(smcr_ext_ops),
	.resv_start_op	= SMCR_EXT_CMD_MAX + 1,
};

int smcr_nl_ext_init(void)
{
	return genl_register_family(&smcr_ext_nl_family);
}

void smcr_nl_ext_exit(void)
{
	genl_unregister_family(&smcr_ext_nl_family);
}
