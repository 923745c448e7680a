// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: the SMC_GEN_NETLINK generic netlink family, upstream's management ABI (uapi linux/smc.h).
 *
 * Same commands, attributes, nesting, attribute order, policies and permissions as net/smc, so
 * smc-tools (smcr/smcd info, linkgroup, device, stats, ueid, seid) works unchanged:
 *  - every GET/DUMP command is a dump and needs no privilege; the changing commands need
 *    CAP_NET_ADMIN (GENL_ADMIN_PERM, as upstream); the family works in every netns;
 *  - SYS_INFO says: SMC v2 (SMC-Rv1 and SMC-Rv2), release SMCR_SYS_RELEASE, no ISMv2, the host
 *    name, no SEID (there is none off s390);
 *  - link groups, links and devices come from the SMC-R core through struct smcr_core_hooks
 *    (netlink.h); SMC-D link groups and devices do not exist here: those dumps are empty;
 *  - STATS / FBACK_STATS: stats.c; UEID / SEID: eid.c; HS_LIMITATION: here.
 */
#define pr_fmt(fmt) "smcr: " fmt

#include <linux/kernel.h>
#include <linux/smc.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "compat.h"
#include "eid.h"
#include "netlink.h"
#include "stats.h"
#include "sysctl.h"

static const struct smcr_core_hooks *smcr_hooks;

/*
 * The core registers its hooks before the netlink families and sock_diag are registered and
 * clears them after those are gone (main.c orders init and exit so), so a reader never sees the
 * hooks change under it.
 */
void smcr_core_hooks_set(const struct smcr_core_hooks *hooks)
{
	WRITE_ONCE(smcr_hooks, hooks);
}

const struct smcr_core_hooks *smcr_core_hooks_get(void)
{
	return READ_ONCE(smcr_hooks);
}

/* ---- SYS_INFO ------------------------------------------------------------------------------- */

static int smcr_nl_get_sys_info(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct smcr_nl_dmp_ctx *ctx = smcr_nl_ctx(cb);
	char host[SMCR_HOSTNAME_LEN + 1];
	struct nlattr *nest;
	void *hdr;

	if (ctx->pos[0])
		return skb->len;
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &smcr_gen_nl_family, NLM_F_MULTI, SMC_NETLINK_GET_SYS_INFO);
	if (!hdr)
		return skb->len;
	nest = nla_nest_start(skb, SMC_GEN_SYS_INFO);
	if (!nest)
		goto cancel_msg;
	memcpy(host, smcr_local_hostname(), SMCR_HOSTNAME_LEN);
	host[SMCR_HOSTNAME_LEN] = '\0';
	if (nla_put_u8(skb, SMC_NLA_SYS_VER, SMCR_SYS_VERSION) ||
	    nla_put_u8(skb, SMC_NLA_SYS_REL, SMCR_SYS_RELEASE) ||
	    nla_put_u8(skb, SMC_NLA_SYS_IS_ISM_V2, 0) ||
	    nla_put_u8(skb, SMC_NLA_SYS_IS_SMCR_V2, 1) ||
	    nla_put_string(skb, SMC_NLA_SYS_LOCAL_HOST, host)) {
		/* no SMC_NLA_SYS_SEID: it is only sent with ISMv2 */
		nla_nest_cancel(skb, nest);
		goto cancel_msg;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	ctx->pos[0] = 1;
	return skb->len;
cancel_msg:
	genlmsg_cancel(skb, hdr);
	return skb->len;
}

/* ---- link groups, links, devices (from the core's hooks) ------------------------------------ */

struct smcr_nl_walk {
	struct sk_buff		*skb;
	struct netlink_callback	*cb;
	int			start;	/* objects sent by earlier calls of the dump */
	int			num;	/* objects seen in this call */
	bool			links;	/* GET_LINK_SMCR: link groups followed by links */
	bool			full;	/* the message buffer is full: stop walking */
};

static void *smcr_nl_msg(struct smcr_nl_walk *w, u8 cmd)
{
	return genlmsg_put(w->skb, NETLINK_CB(w->cb->skb).portid, w->cb->nlh->nlmsg_seq,
			   &smcr_gen_nl_family, NLM_F_MULTI, cmd);
}

/* A string attribute from a fixed-size field that may lack its NUL. */
static int smcr_nl_put_strn(struct sk_buff *skb, int type, const char *s, size_t size)
{
	char buf[IB_DEVICE_NAME_MAX + 1];

	size = min(size, sizeof(buf) - 1);
	memcpy(buf, s, size);
	buf[size] = '\0';
	return nla_put_string(skb, type, buf);
}

/* GIDs are shown as upstream shows them: 8 groups of 4 hex digits. */
static int smcr_nl_put_gid(struct sk_buff *skb, int type, const u8 *gid)
{
	char buf[8 * 5];
	int i;

	for (i = 0; i < 8; i++)
		snprintf(buf + 5 * i, sizeof(buf) - 5 * i, i < 7 ? "%04x:" : "%04x",
			 (gid[2 * i] << 8) | gid[2 * i + 1]);
	return nla_put_string(skb, type, buf);
}

static int smcr_nl_fill_lgr_v2(struct sk_buff *skb, const struct smcr_nl_lgr *lgr)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, SMC_NLA_LGR_R_V2_COMMON);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, SMC_NLA_LGR_V2_VER, lgr->smc_version) ||
	    nla_put_u8(skb, SMC_NLA_LGR_V2_REL, lgr->peer_release) ||
	    nla_put_u8(skb, SMC_NLA_LGR_V2_OS, lgr->peer_os) ||
	    smcr_nl_put_strn(skb, SMC_NLA_LGR_V2_PEER_HOST, lgr->peer_host,
			     SMC_MAX_HOSTNAME_LEN) ||
	    smcr_nl_put_strn(skb, SMC_NLA_LGR_V2_NEG_EID, lgr->neg_eid, SMC_MAX_EID_LEN))
		goto cancel;
	nla_nest_end(skb, nest);

	nest = nla_nest_start(skb, SMC_NLA_LGR_R_V2);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, SMC_NLA_LGR_R_V2_DIRECT, lgr->direct))
		goto cancel;
#ifdef SMCR_HAVE_NL_LGR_V21
	if (nla_put_u8(skb, SMC_NLA_LGR_R_V2_MAX_CONNS, lgr->max_conns) ||
	    nla_put_u8(skb, SMC_NLA_LGR_R_V2_MAX_LINKS, lgr->max_links))
		goto cancel;
#endif
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int smcr_nl_fill_lgr(struct sk_buff *skb, const struct smcr_nl_lgr *lgr)
{
	struct nlattr *nest;
	u32 id;

	nest = nla_nest_start(skb, SMC_GEN_LGR_SMCR);
	if (!nest)
		return -EMSGSIZE;
	memcpy(&id, lgr->id, sizeof(id));
	if (nla_put_u32(skb, SMC_NLA_LGR_R_ID, id) ||
	    nla_put_u32(skb, SMC_NLA_LGR_R_CONNS_NUM, lgr->conns_num) ||
	    nla_put_u8(skb, SMC_NLA_LGR_R_ROLE, lgr->role) ||
	    nla_put_u8(skb, SMC_NLA_LGR_R_TYPE, lgr->type) ||
	    nla_put_u8(skb, SMC_NLA_LGR_R_BUF_TYPE, lgr->buf_type) ||
	    nla_put_u8(skb, SMC_NLA_LGR_R_VLAN_ID, lgr->vlan_id) ||
	    nla_put_u64_64bit(skb, SMC_NLA_LGR_R_NET_COOKIE, lgr->net_cookie,
			      SMC_NLA_LGR_R_PAD) ||
	    smcr_nl_put_strn(skb, SMC_NLA_LGR_R_PNETID, lgr->pnetid, SMCR_PNETID_LEN))
		goto cancel;
#ifdef SMCR_HAVE_NL_LGR_V21
	if (smcr_nla_put_uint(skb, SMC_NLA_LGR_R_SNDBUF_ALLOC, lgr->sndbuf_alloc) ||
	    smcr_nla_put_uint(skb, SMC_NLA_LGR_R_RMB_ALLOC, lgr->rmb_alloc))
		goto cancel;
#endif
	if (lgr->smc_version > 1 && smcr_nl_fill_lgr_v2(skb, lgr))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int smcr_nl_fill_link(struct smcr_nl_walk *w, const struct smcr_nl_link *l)
{
	struct sk_buff *skb = w->skb;
	struct nlattr *nest;
	u32 uid, peer_uid;
	void *hdr;

	hdr = smcr_nl_msg(w, SMC_NETLINK_GET_LINK_SMCR);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, SMC_GEN_LINK_SMCR);
	if (!nest)
		goto cancel_msg;
	memcpy(&uid, l->link_uid, sizeof(uid));
	memcpy(&peer_uid, l->peer_link_uid, sizeof(peer_uid));
	if (nla_put_u8(skb, SMC_NLA_LINK_ID, l->link_id) ||
	    nla_put_u32(skb, SMC_NLA_LINK_STATE, l->state) ||
	    nla_put_u32(skb, SMC_NLA_LINK_CONN_CNT, l->conn_cnt) ||
	    nla_put_u8(skb, SMC_NLA_LINK_IB_PORT, l->ibport) ||
	    nla_put_u32(skb, SMC_NLA_LINK_NET_DEV, l->ndev_ifindex) ||
	    smcr_nl_put_strn(skb, SMC_NLA_LINK_IB_DEV, l->ibname, IB_DEVICE_NAME_MAX - 1) ||
	    nla_put_u32(skb, SMC_NLA_LINK_UID, uid) ||
	    nla_put_u32(skb, SMC_NLA_LINK_PEER_UID, peer_uid) ||
	    smcr_nl_put_gid(skb, SMC_NLA_LINK_GID, l->gid) ||
	    smcr_nl_put_gid(skb, SMC_NLA_LINK_PEER_GID, l->peer_gid)) {
		nla_nest_cancel(skb, nest);
		goto cancel_msg;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
cancel_msg:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/**
 * smcr_nl_put_lgr() - report one link group to a link group / link dump
 * @w: the walk the hook was given
 * @lgr: the link group
 * @links: its usable links (for GET_LINK_SMCR), may be NULL when @n_links is 0
 * @n_links: number of @links
 *
 * Never sleeps. Return: 0 to go on, 1 when the hook must stop walking.
 */
int smcr_nl_put_lgr(struct smcr_nl_walk *w, const struct smcr_nl_lgr *lgr,
		    const struct smcr_nl_link *links, unsigned int n_links)
{
	unsigned int i;
	void *hdr;

	if (w->full)
		return 1;
	if (w->num < w->start) {
		w->num++;
		return 0;
	}
	/* the link group's own message is a GET_LGR_SMCR one in both dumps, as upstream */
	hdr = smcr_nl_msg(w, SMC_NETLINK_GET_LGR_SMCR);
	if (!hdr)
		goto full;
	if (smcr_nl_fill_lgr(w->skb, lgr))
		goto cancel;
	genlmsg_end(w->skb, hdr);
	for (i = 0; w->links && i < n_links; i++)
		if (smcr_nl_fill_link(w, &links[i]))
			goto cancel;	/* drops the link group and its links sent so far */
	w->num++;
	return 0;
cancel:
	genlmsg_cancel(w->skb, hdr);
full:
	w->full = true;
	return 1;
}

static int smcr_nl_fill_dev_port(struct sk_buff *skb, int idx, const struct smcr_nl_dev_port *p)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, SMC_NLA_DEV_PORT + idx);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, SMC_NLA_DEV_PORT_PNET_USR, p->pnet_by_user) ||
	    smcr_nl_put_strn(skb, SMC_NLA_DEV_PORT_PNETID, p->pnetid, SMCR_PNETID_LEN) ||
	    nla_put_u32(skb, SMC_NLA_DEV_PORT_NETDEV, p->ndev_ifindex) ||
	    nla_put_u8(skb, SMC_NLA_DEV_PORT_VALID, 1) ||
	    nla_put_u8(skb, SMC_NLA_DEV_PORT_STATE, p->active) ||
	    nla_put_u32(skb, SMC_NLA_DEV_PORT_LNK_CNT, p->lnk_cnt)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * smcr_nl_put_dev() - report one RDMA device to a GET_DEV_SMCR dump
 * @w: the walk the hook was given
 * @dev: the device
 *
 * Never sleeps. Return: 0 to go on, 1 when the hook must stop walking.
 */
int smcr_nl_put_dev(struct smcr_nl_walk *w, const struct smcr_nl_dev *dev)
{
	struct sk_buff *skb = w->skb;
	struct nlattr *nest;
	void *hdr;
	int i;

	if (w->full)
		return 1;
	if (w->num < w->start) {
		w->num++;
		return 0;
	}
	hdr = smcr_nl_msg(w, SMC_NETLINK_GET_DEV_SMCR);
	if (!hdr)
		goto full;
	nest = nla_nest_start(skb, SMC_GEN_DEV_SMCR);
	if (!nest)
		goto cancel_msg;
	if (nla_put_u8(skb, SMC_NLA_DEV_IS_CRIT, dev->is_crit))
		goto cancel_nest;
	if (dev->has_pci &&
	    (nla_put_u32(skb, SMC_NLA_DEV_PCI_FID, dev->pci_fid) ||
	     nla_put_u16(skb, SMC_NLA_DEV_PCI_CHID, dev->pci_chid) ||
	     nla_put_u16(skb, SMC_NLA_DEV_PCI_VENDOR, dev->pci_vendor) ||
	     nla_put_u16(skb, SMC_NLA_DEV_PCI_DEVICE, dev->pci_device) ||
	     smcr_nl_put_strn(skb, SMC_NLA_DEV_PCI_ID, dev->pci_id, SMC_PCI_ID_STR_LEN - 1)))
		goto cancel_nest;
	if (smcr_nl_put_strn(skb, SMC_NLA_DEV_IB_NAME, dev->ibname, IB_DEVICE_NAME_MAX - 1))
		goto cancel_nest;
	for (i = 0; i < SMCR_MAX_PORTS; i++)
		if (dev->port[i].valid && smcr_nl_fill_dev_port(skb, i, &dev->port[i]))
			goto cancel_nest;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	w->num++;
	return 0;
cancel_nest:
	nla_nest_cancel(skb, nest);
cancel_msg:
	genlmsg_cancel(skb, hdr);
full:
	w->full = true;
	return 1;
}

static int smcr_nl_walk(struct sk_buff *skb, struct netlink_callback *cb, bool links, bool devs)
{
	const struct smcr_core_hooks *hooks = smcr_core_hooks_get();
	struct smcr_nl_dmp_ctx *ctx = smcr_nl_ctx(cb);
	struct smcr_nl_walk w = {
		.skb = skb,
		.cb = cb,
		.start = ctx->pos[0],
		.links = links,
	};

	if (hooks && devs && hooks->walk_devs)
		hooks->walk_devs(sock_net(skb->sk), &w);
	else if (hooks && !devs && hooks->walk_lgrs)
		hooks->walk_lgrs(sock_net(skb->sk), &w);
	ctx->pos[0] = max(w.num, w.start);
	return skb->len;
}

static int smcr_nl_get_lgr(struct sk_buff *skb, struct netlink_callback *cb)
{
	return smcr_nl_walk(skb, cb, false, false);
}

static int smcr_nl_get_link(struct sk_buff *skb, struct netlink_callback *cb)
{
	return smcr_nl_walk(skb, cb, true, false);
}

static int smcr_nl_get_dev(struct sk_buff *skb, struct netlink_callback *cb)
{
	return smcr_nl_walk(skb, cb, false, true);
}

/* SMC-D link groups and ISM devices: none here (as upstream without ISM hardware). */
static int smcr_nl_get_smcd_empty(struct sk_buff *skb, struct netlink_callback *cb)
{
	return skb->len;
}

/* ---- handshake limitation (the netns default of new sockets) -------------------------------- */

int smcr_nl_dump_hs_limitation(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct smcr_nl_dmp_ctx *ctx = smcr_nl_ctx(cb);
	void *hdr;

	if (ctx->pos[0])
		return skb->len;
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &smcr_gen_nl_family, NLM_F_MULTI, SMC_NETLINK_DUMP_HS_LIMITATION);
	if (!hdr)
		return -ENOMEM;
	if (nla_put_u8(skb, SMC_NLA_HS_LIMITATION_ENABLED,
		       smcr_sysctl_limit_hs(sock_net(skb->sk)))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	ctx->pos[0] = 1;
	return skb->len;
}

static int smcr_nl_enable_hs_limitation(struct sk_buff *skb, struct genl_info *info)
{
	smcr_sysctl_set_limit_hs(sock_net(skb->sk), true);
	return 0;
}

static int smcr_nl_disable_hs_limitation(struct sk_buff *skb, struct genl_info *info)
{
	smcr_sysctl_set_limit_hs(sock_net(skb->sk), false);
	return 0;
}

/* ---- the family ----------------------------------------------------------------------------- */

static const struct nla_policy smcr_gen_ueid_policy[SMC_NLA_EID_TABLE_MAX + 1] = {
	[SMC_NLA_EID_TABLE_UNSPEC]	= { .type = NLA_UNSPEC },
	[SMC_NLA_EID_TABLE_ENTRY]	= { .type = NLA_STRING, .len = SMC_MAX_EID_LEN },
};

/* Commands without a policy of their own reject every attribute (as upstream). */
#define SMCR_GEN_MAXATTR	1
static const struct nla_policy smcr_gen_nl_policy[SMCR_GEN_MAXATTR + 1] = {
	[SMCR_GEN_MAXATTR]	= { .type = NLA_REJECT },
};

static const struct genl_ops smcr_gen_nl_ops[] = {
	/* dumps: no privilege needed */
	{ .cmd = SMC_NETLINK_GET_SYS_INFO,	.dumpit = smcr_nl_get_sys_info },
	{ .cmd = SMC_NETLINK_GET_LGR_SMCR,	.dumpit = smcr_nl_get_lgr },
	{ .cmd = SMC_NETLINK_GET_LINK_SMCR,	.dumpit = smcr_nl_get_link },
	{ .cmd = SMC_NETLINK_GET_LGR_SMCD,	.dumpit = smcr_nl_get_smcd_empty },
	{ .cmd = SMC_NETLINK_GET_DEV_SMCD,	.dumpit = smcr_nl_get_smcd_empty },
	{ .cmd = SMC_NETLINK_GET_DEV_SMCR,	.dumpit = smcr_nl_get_dev },
	{ .cmd = SMC_NETLINK_GET_STATS,		.dumpit = smcr_nl_get_stats },
	{ .cmd = SMC_NETLINK_GET_FBACK_STATS,	.dumpit = smcr_nl_get_fback_stats },
	{ .cmd = SMC_NETLINK_DUMP_UEID,		.dumpit = smcr_nl_dump_ueid },
	{
		.cmd = SMC_NETLINK_ADD_UEID,
		.flags = GENL_ADMIN_PERM,
		.doit = smcr_nl_add_ueid,
		.policy = smcr_gen_ueid_policy,
	},
	{
		.cmd = SMC_NETLINK_REMOVE_UEID,
		.flags = GENL_ADMIN_PERM,
		.doit = smcr_nl_remove_ueid,
		.policy = smcr_gen_ueid_policy,
	},
	{
		.cmd = SMC_NETLINK_FLUSH_UEID,
		.flags = GENL_ADMIN_PERM,
		.doit = smcr_nl_flush_ueid,
	},
	{ .cmd = SMC_NETLINK_DUMP_SEID,		.dumpit = smcr_nl_dump_seid },
	{
		.cmd = SMC_NETLINK_ENABLE_SEID,
		.flags = GENL_ADMIN_PERM,
		.doit = smcr_nl_enable_seid,
	},
	{
		.cmd = SMC_NETLINK_DISABLE_SEID,
		.flags = GENL_ADMIN_PERM,
		.doit = smcr_nl_disable_seid,
	},
	{ .cmd = SMC_NETLINK_DUMP_HS_LIMITATION, .dumpit = smcr_nl_dump_hs_limitation },
	{
		.cmd = SMC_NETLINK_ENABLE_HS_LIMITATION,
		.flags = GENL_ADMIN_PERM,
		.doit = smcr_nl_enable_hs_limitation,
	},
	{
		.cmd = SMC_NETLINK_DISABLE_HS_LIMITATION,
		.flags = GENL_ADMIN_PERM,
		.doit = smcr_nl_disable_hs_limitation,
	},
};

struct genl_family smcr_gen_nl_family __ro_after_init = {
	.hdrsize	= 0,
	.name		= SMC_GENL_FAMILY_NAME,		/* "SMC_GEN_NETLINK" */
	.version	= SMC_GENL_FAMILY_VERSION,
	.maxattr	= SMCR_GEN_MAXATTR,
	.policy		= smcr_gen_nl_policy,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.ops		= smcr_gen_nl_ops,
	.n_ops		= ARRAY_SIZE(smcr_gen_nl_ops),
	.resv_start_op	= SMC_NETLINK_DISABLE_HS_LIMITATION + 1,
};

int smcr_netlink_init(void)
{
	BUILD_BUG_ON(sizeof(struct smcr_nl_dmp_ctx) > sizeof_field(struct netlink_callback, ctx));
	return genl_register_family(&smcr_gen_nl_family);
}

void smcr_netlink_exit(void)
{
	genl_unregister_family(&smcr_gen_nl_family);
}
