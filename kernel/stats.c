// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: upstream SMC statistics of a netns and their netlink encoding
 * (SMC_NETLINK_GET_STATS, SMC_NETLINK_GET_FBACK_STATS).
 *
 * Attribute layout and order are upstream's (uapi linux/smc.h): a STATS nest holding the SMC-D
 * then the SMC-R technology nest and the two handshake error counters; each fallback table entry
 * is a message of its own, server and client entries interleaved, the two totals only in the
 * first message of a dump.
 */
#define pr_fmt(fmt) "smcr: " fmt

#include <linux/slab.h>
#include <linux/smc.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "compat.h"
#include "netlink.h"
#include "stats.h"

int smcr_stats_net_init(struct net *net)
{
	struct smcr_net *sn = smcr_net(net);

	BUILD_BUG_ON(sizeof(struct smcr_stats) % sizeof(u64));
	sn->stats = alloc_percpu(struct smcr_stats);
	if (!sn->stats)
		return -ENOMEM;
	spin_lock_init(&sn->fback_lock);
	memset(&sn->fback, 0, sizeof(sn->fback));
	return 0;
}

void smcr_stats_net_exit(struct net *net)
{
	struct smcr_net *sn = smcr_net(net);

	free_percpu(sn->stats);
	sn->stats = NULL;
}

/* Count one more fallback for @reason in @tab: its slot, or the first free one of 30. */
static void smcr_fback_count(struct smcr_fback_entry *tab, u32 reason)
{
	int i;

	for (i = 0; i < SMCR_MAX_FBACK_RSN; i++) {
		if (tab[i].code == reason || !tab[i].code) {
			tab[i].code = reason;
			tab[i].count++;
			return;
		}
	}
	/* a 31st distinct reason is only counted in the total, as upstream */
}

/**
 * smcr_stat_fallback() - a socket switched to TCP
 * @net: its netns
 * @server: a listener's child (server side) rather than a connecting socket
 * @reason: local reason code (SMCR_DECL_*); 0 is not a reason and is not counted
 */
void smcr_stat_fallback(const struct net *net, bool server, u32 reason)
{
	struct smcr_net *sn = smcr_net(net);

	if (!reason)
		return;
	spin_lock_bh(&sn->fback_lock);
	if (server) {
		smcr_fback_count(sn->fback.srv, reason);
		sn->fback.srv_cnt++;
	} else {
		smcr_fback_count(sn->fback.clnt, reason);
		sn->fback.clnt_cnt++;
	}
	spin_unlock_bh(&sn->fback_lock);
}

/*
 * Zero the statistics and the fallback table of @net (SMCR_EXT reset). Per-CPU increments racing
 * with the reset may survive it or be lost.
 */
void smcr_stats_reset(const struct net *net)
{
	struct smcr_net *sn = smcr_net(net);
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(sn->stats, cpu), 0, sizeof(struct smcr_stats));
	spin_lock_bh(&sn->fback_lock);
	memset(&sn->fback, 0, sizeof(sn->fback));
	spin_unlock_bh(&sn->fback_lock);
}

/* ---- GET_STATS ------------------------------------------------------------------------------ */

static int smcr_put_u64(struct sk_buff *skb, int type, u64 val)
{
	/* every 64-bit statistic uses pad attribute 0, whatever the nest */
	return nla_put_u64_64bit(skb, type, val, 0);
}

/* One RMB event nest, members in upstream's order. */
static int smcr_nl_put_rmb(struct sk_buff *skb, int type, const u64 *ev)
{
	static const struct {
		int attr;
		enum smcr_stats_rmb_event ev;
	} order[] = {
		{ SMC_NLA_STATS_RMB_REUSE_CNT,		SMCR_RMB_REUSE },
		{ SMC_NLA_STATS_RMB_SIZE_SM_PEER_CNT,	SMCR_RMB_SIZE_SMALL_PEER },
		{ SMC_NLA_STATS_RMB_SIZE_SM_CNT,	SMCR_RMB_SIZE_SMALL },
		{ SMC_NLA_STATS_RMB_FULL_PEER_CNT,	SMCR_RMB_FULL_PEER },
		{ SMC_NLA_STATS_RMB_FULL_CNT,		SMCR_RMB_FULL },
		{ SMC_NLA_STATS_RMB_ALLOC_CNT,		SMCR_RMB_ALLOC },
		{ SMC_NLA_STATS_RMB_DGRADE_CNT,		SMCR_RMB_DGRADE },
	};
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		if (smcr_put_u64(skb, order[i].attr, ev[order[i].ev])) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* One histogram nest: attribute i + 1 is bucket i (SMC_NLA_STATS_PLOAD_8K = 1 ...). */
static int smcr_nl_put_hist(struct sk_buff *skb, int type, const u64 *buckets)
{
	struct nlattr *nest;
	int i;

	BUILD_BUG_ON((int)SMC_NLA_STATS_PLOAD_G_1024K != (int)SMCR_BUF_MAX);
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < SMCR_BUF_MAX; i++) {
		if (smcr_put_u64(skb, SMC_NLA_STATS_PLOAD_8K + i, buckets[i])) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int smcr_nl_put_tech(struct sk_buff *skb, int type, const struct smcr_stats_tech *t)
{
	/* the plain counters, in the order upstream sends them (u64, or uint where marked) */
	const struct {
		int attr;
		u64 val;
		bool uint;
	} counters[] = {
		{ SMC_NLA_STATS_T_CLNT_V1_SUCC,		t->clnt_v1_succ },
		{ SMC_NLA_STATS_T_CLNT_V2_SUCC,		t->clnt_v2_succ },
		{ SMC_NLA_STATS_T_SRV_V1_SUCC,		t->srv_v1_succ },
		{ SMC_NLA_STATS_T_SRV_V2_SUCC,		t->srv_v2_succ },
		{ SMC_NLA_STATS_T_RX_BYTES,		t->rx_bytes },
		{ SMC_NLA_STATS_T_TX_BYTES,		t->tx_bytes },
#ifdef SMCR_HAVE_NL_RMB_USAGE
		{ SMC_NLA_STATS_T_RX_RMB_USAGE,		t->rx_rmbuse, true },
		{ SMC_NLA_STATS_T_TX_RMB_USAGE,		t->tx_rmbuse, true },
#endif
		{ SMC_NLA_STATS_T_RX_CNT,		t->rx_cnt },
		{ SMC_NLA_STATS_T_TX_CNT,		t->tx_cnt },
		{ SMC_NLA_STATS_T_SENDPAGE_CNT,		t->sendpage },
		{ SMC_NLA_STATS_T_CORK_CNT,		t->cork },
		{ SMC_NLA_STATS_T_NDLY_CNT,		t->ndly },
		{ SMC_NLA_STATS_T_SPLICE_CNT,		t->splice },
		{ SMC_NLA_STATS_T_URG_DATA_CNT,		t->urg_data },
	};
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (smcr_nl_put_rmb(skb, SMC_NLA_STATS_T_TX_RMB_STATS, t->rmb_tx) ||
	    smcr_nl_put_rmb(skb, SMC_NLA_STATS_T_RX_RMB_STATS, t->rmb_rx) ||
	    smcr_nl_put_hist(skb, SMC_NLA_STATS_T_TXPLOAD_SIZE, t->tx_pd) ||
	    smcr_nl_put_hist(skb, SMC_NLA_STATS_T_RXPLOAD_SIZE, t->rx_pd) ||
	    smcr_nl_put_hist(skb, SMC_NLA_STATS_T_TX_RMB_SIZE, t->tx_rmbsize) ||
	    smcr_nl_put_hist(skb, SMC_NLA_STATS_T_RX_RMB_SIZE, t->rx_rmbsize))
		goto cancel;
	for (i = 0; i < ARRAY_SIZE(counters); i++) {
		int attr = counters[i].attr;
		int rc = counters[i].uint ? smcr_nla_put_uint(skb, attr, counters[i].val) :
					    smcr_put_u64(skb, attr, counters[i].val);

		if (rc)
			goto cancel;
	}
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* Sum the per-CPU statistics of @net into @sum (zeroed by the caller). */
static void smcr_stats_sum(const struct net *net, struct smcr_stats *sum)
{
	struct smcr_stats __percpu *pcpu = smcr_stats_of(net);
	const size_t n = sizeof(*sum) / sizeof(u64);
	u64 *dst = (u64 *)sum;
	int cpu;
	size_t i;

	for_each_possible_cpu(cpu) {
		const u64 *src = (const u64 *)per_cpu_ptr(pcpu, cpu);

		for (i = 0; i < n; i++)
			dst[i] += READ_ONCE(src[i]);
	}
}

/* SMC_NETLINK_GET_STATS: one message, or nothing when it does not fit (as upstream). */
int smcr_nl_get_stats(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct smcr_nl_dmp_ctx *ctx = smcr_nl_ctx(cb);
	struct smcr_stats *sum;
	struct nlattr *nest;
	void *hdr;

	if (ctx->pos[0])
		return skb->len;
	sum = kzalloc(sizeof(*sum), GFP_KERNEL);
	if (!sum)
		return skb->len;
	smcr_stats_sum(sock_net(skb->sk), sum);

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &smcr_gen_nl_family, NLM_F_MULTI, SMC_NETLINK_GET_STATS);
	if (!hdr)
		goto out;
	nest = nla_nest_start(skb, SMC_GEN_STATS);
	if (!nest)
		goto cancel_msg;
	if (smcr_nl_put_tech(skb, SMC_NLA_STATS_SMCD_TECH, &sum->tech[SMCR_TECH_D]) ||
	    smcr_nl_put_tech(skb, SMC_NLA_STATS_SMCR_TECH, &sum->tech[SMCR_TECH_R]) ||
	    smcr_put_u64(skb, SMC_NLA_STATS_CLNT_HS_ERR_CNT, sum->clnt_hs_err) ||
	    smcr_put_u64(skb, SMC_NLA_STATS_SRV_HS_ERR_CNT, sum->srv_hs_err)) {
		nla_nest_cancel(skb, nest);
		goto cancel_msg;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	ctx->pos[0] = 1;
	goto out;
cancel_msg:
	genlmsg_cancel(skb, hdr);
out:
	kfree(sum);
	return skb->len;
}

/* ---- GET_FBACK_STATS ------------------------------------------------------------------------ */

/*
 * Put entry @k of the server or client table as one message. The first message of a dump also
 * carries both totals (ctx->pos[2] remembers that they were sent).
 * Return: 0, -ENODATA for an unused slot, -EMSGSIZE when the buffer is full.
 */
static int smcr_nl_put_fback(struct sk_buff *skb, struct netlink_callback *cb,
			     const struct smcr_fback_stats *fb, int k, bool server)
{
	const struct smcr_fback_entry *e = server ? &fb->srv[k] : &fb->clnt[k];
	struct smcr_nl_dmp_ctx *ctx = smcr_nl_ctx(cb);
	struct nlattr *nest;
	void *hdr;

	if (!e->code)
		return -ENODATA;
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &smcr_gen_nl_family, NLM_F_MULTI, SMC_NETLINK_GET_FBACK_STATS);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, SMC_GEN_FBACK_STATS);
	if (!nest)
		goto cancel_msg;
	if (nla_put_u8(skb, SMC_NLA_FBACK_STATS_TYPE, server))
		goto cancel_nest;
	if (!ctx->pos[2] &&
	    (nla_put_u64_64bit(skb, SMC_NLA_FBACK_STATS_SRV_CNT, fb->srv_cnt,
			       SMC_NLA_FBACK_STATS_PAD) ||
	     nla_put_u64_64bit(skb, SMC_NLA_FBACK_STATS_CLNT_CNT, fb->clnt_cnt,
			       SMC_NLA_FBACK_STATS_PAD)))
		goto cancel_nest;
	if (nla_put_u32(skb, SMC_NLA_FBACK_STATS_RSN_CODE, e->code) ||
	    nla_put_u16(skb, SMC_NLA_FBACK_STATS_RSN_CNT, e->count))
		goto cancel_nest;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	ctx->pos[2] = 1;
	return 0;
cancel_nest:
	nla_nest_cancel(skb, nest);
cancel_msg:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/*
 * SMC_NETLINK_GET_FBACK_STATS: slot k of the server table, then slot k of the client table, for
 * k = 0, 1, ... until both slots are unused. pos[0] is the slot to resume at, pos[1] says that its
 * server entry was already sent.
 */
int smcr_nl_get_fback_stats(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct smcr_net *sn = smcr_net(sock_net(skb->sk));
	struct smcr_nl_dmp_ctx *ctx = smcr_nl_ctx(cb);
	bool srv_sent = ctx->pos[1];
	int k, rc_srv, rc_clnt;

	spin_lock_bh(&sn->fback_lock);
	for (k = ctx->pos[0]; k < SMCR_MAX_FBACK_RSN; k++) {
		rc_srv = 0;
		if (!srv_sent) {
			rc_srv = smcr_nl_put_fback(skb, cb, &sn->fback, k, true);
			if (rc_srv && rc_srv != -ENODATA)
				break;
		}
		srv_sent = false;
		rc_clnt = smcr_nl_put_fback(skb, cb, &sn->fback, k, false);
		if (rc_clnt && rc_clnt != -ENODATA) {
			srv_sent = true;
			break;
		}
		if (rc_srv == -ENODATA && rc_clnt == -ENODATA)
			break;
	}
	spin_unlock_bh(&sn->fback_lock);
	ctx->pos[0] = k;
	ctx->pos[1] = srv_sent;
	return skb->len;
}
