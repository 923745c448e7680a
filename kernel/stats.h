/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smcr: the upstream SMC statistics of a netns (SMC_NETLINK_GET_STATS, GET_FBACK_STATS).
 *
 * The counters have upstream's meaning and histogram buckets, so smc-tools ("smcr stats") reads
 * the same numbers from us as from net/smc. They are per-CPU u64; the increment helpers below
 * are cheap enough for the data path and may be called from any context (including softirq).
 * Only the SMC-R half is ever counted (the module has no SMC-D); the SMC-D half is reported as
 * zeros, as upstream does on a host without ISM.
 *
 * Wired today: fallbacks by reason (smcr_stat_fallback(), from smcr_switch_to_fallback()) and
 * handshake errors (smcr_stat_hs_err(), from handshake.c). Everything else waits for the data
 * path; docs/abi.md lists which helper belongs where.
 */
#ifndef SMCR_STATS_H
#define SMCR_STATS_H

#include <linux/bitops.h>
#include <linux/minmax.h>
#include <linux/percpu.h>
#include <linux/types.h>

#include "netns.h"

struct sk_buff;
struct netlink_callback;

/* Index of a technology in struct smcr_stats (upstream's SMC_TYPE_R / SMC_TYPE_D values). */
enum smcr_tech {
	SMCR_TECH_R = 0,
	SMCR_TECH_D = 1,
	SMCR_TECH_MAX
};

/* Size buckets of the histograms: <= 8K, <= 16K, ... <= 1024K, > 1024K. */
enum smcr_stats_bucket {
	SMCR_BUF_8K,
	SMCR_BUF_16K,
	SMCR_BUF_32K,
	SMCR_BUF_64K,
	SMCR_BUF_128K,
	SMCR_BUF_256K,
	SMCR_BUF_512K,
	SMCR_BUF_1024K,
	SMCR_BUF_G_1024K,
	SMCR_BUF_MAX
};

/* Buffer events (SMC_NLA_STATS_T_{TX,RX}_RMB_STATS); tx = send buffer, rx = RMB. */
enum smcr_stats_rmb_event {
	SMCR_RMB_SIZE_SMALL_PEER,	/* peer's RMB smaller than our send would need */
	SMCR_RMB_SIZE_SMALL,		/* own buffer smaller than the request */
	SMCR_RMB_FULL_PEER,		/* peer's RMB full, sender had to wait */
	SMCR_RMB_FULL,			/* own buffer full */
	SMCR_RMB_REUSE,			/* buffer taken from the link group's free list */
	SMCR_RMB_ALLOC,			/* buffer newly allocated */
	SMCR_RMB_DGRADE,		/* allocation succeeded only with a smaller size */
	SMCR_RMB_EVENT_MAX
};

struct smcr_stats_tech {
	u64	tx_rmbsize[SMCR_BUF_MAX];	/* send buffer sizes allocated */
	u64	rx_rmbsize[SMCR_BUF_MAX];	/* RMB sizes allocated */
	u64	tx_pd[SMCR_BUF_MAX];		/* send calls by requested length */
	u64	rx_pd[SMCR_BUF_MAX];		/* receive calls by requested length */
	u64	rmb_tx[SMCR_RMB_EVENT_MAX];
	u64	rmb_rx[SMCR_RMB_EVENT_MAX];
	u64	clnt_v1_succ;
	u64	clnt_v2_succ;
	u64	srv_v1_succ;
	u64	srv_v2_succ;
	u64	sendpage;
	u64	urg_data;
	u64	splice;
	u64	cork;
	u64	ndly;
	u64	rx_bytes;
	u64	tx_bytes;
	u64	rx_cnt;
	u64	tx_cnt;
	u64	rx_rmbuse;	/* bytes of RMBs in use (a gauge: adds and subtracts) */
	u64	tx_rmbuse;	/* bytes of send buffers in use */
};

/* Per-CPU statistics of a netns; only u64 members (they are summed as an array of u64). */
struct smcr_stats {
	struct smcr_stats_tech	tech[SMCR_TECH_MAX];
	u64			clnt_hs_err;
	u64			srv_hs_err;
};

static inline struct smcr_stats __percpu *smcr_stats_of(const struct net *net)
{
	return smcr_net(net)->stats;
}

/* Histogram bucket of a length > 0 (upstream's rule: one bucket per power of two above 8K). */
static inline unsigned int smcr_stat_bucket(u64 len)
{
	return min_t(unsigned int, fls64((len - 1) >> 13), SMCR_BUF_MAX - 1);
}

/*
 * smcr_stat_tech_inc() - count one event of the SMC-R technology by field name:
 * sendpage, urg_data, splice, cork, ndly (TCP_NODELAY/TCP_CORK pushes), ...
 */
#define smcr_stat_tech_inc(net, field) \
	this_cpu_inc(smcr_stats_of(net)->tech[SMCR_TECH_R].field)

/**
 * smcr_stat_payload() - one send or receive call on an SMC-R connection
 * @net: netns of the socket
 * @is_rx: receive (true) or send call
 * @len: bytes the caller asked to move
 * @rc: the call's result (bytes moved, or a negative errno)
 *
 * Counts the call; when @rc > 0 and @len > 0 also the histogram of @len and @rc bytes.
 */
static inline void smcr_stat_payload(const struct net *net, bool is_rx, s64 len, s64 rc)
{
	struct smcr_stats __percpu *s = smcr_stats_of(net);

	if (is_rx) {
		this_cpu_inc(s->tech[SMCR_TECH_R].rx_cnt);
		if (rc <= 0 || len <= 0)
			return;
		this_cpu_inc(s->tech[SMCR_TECH_R].rx_pd[smcr_stat_bucket(len)]);
		this_cpu_add(s->tech[SMCR_TECH_R].rx_bytes, rc);
	} else {
		this_cpu_inc(s->tech[SMCR_TECH_R].tx_cnt);
		if (rc <= 0 || len <= 0)
			return;
		this_cpu_inc(s->tech[SMCR_TECH_R].tx_pd[smcr_stat_bucket(len)]);
		this_cpu_add(s->tech[SMCR_TECH_R].tx_bytes, rc);
	}
}

/* A send buffer (@is_rx false) or RMB (@is_rx true) of @len bytes was set up for a connection. */
static inline void smcr_stat_rmb_size(const struct net *net, bool is_rx, s64 len)
{
	struct smcr_stats __percpu *s = smcr_stats_of(net);

	if (len <= 0)
		return;
	if (is_rx)
		this_cpu_inc(s->tech[SMCR_TECH_R].rx_rmbsize[smcr_stat_bucket(len)]);
	else
		this_cpu_inc(s->tech[SMCR_TECH_R].tx_rmbsize[smcr_stat_bucket(len)]);
}

/* One buffer event (enum smcr_stats_rmb_event) of a send buffer or RMB. */
static inline void smcr_stat_rmb(const struct net *net, bool is_rx, enum smcr_stats_rmb_event ev)
{
	struct smcr_stats __percpu *s = smcr_stats_of(net);

	if (is_rx)
		this_cpu_inc(s->tech[SMCR_TECH_R].rmb_rx[ev]);
	else
		this_cpu_inc(s->tech[SMCR_TECH_R].rmb_tx[ev]);
}

/* Buffer bytes in use changed by @delta (negative when a buffer is given back). */
static inline void smcr_stat_rmb_usage(const struct net *net, bool is_rx, s64 delta)
{
	struct smcr_stats __percpu *s = smcr_stats_of(net);

	if (is_rx)
		this_cpu_add(s->tech[SMCR_TECH_R].rx_rmbuse, delta);
	else
		this_cpu_add(s->tech[SMCR_TECH_R].tx_rmbuse, delta);
}

/* A client connection reached SMC-R (the Accept's version tells v1 or v2). */
static inline void smcr_stat_clnt_succ(const struct net *net, bool v2)
{
	if (v2)
		this_cpu_inc(smcr_stats_of(net)->tech[SMCR_TECH_R].clnt_v2_succ);
	else
		this_cpu_inc(smcr_stats_of(net)->tech[SMCR_TECH_R].clnt_v1_succ);
}

/* A server connection reached SMC-R. */
static inline void smcr_stat_srv_succ(const struct net *net, bool v2)
{
	if (v2)
		this_cpu_inc(smcr_stats_of(net)->tech[SMCR_TECH_R].srv_v2_succ);
	else
		this_cpu_inc(smcr_stats_of(net)->tech[SMCR_TECH_R].srv_v1_succ);
}

/* A handshake failed without a fallback being possible (the connection was not delivered). */
static inline void smcr_stat_hs_err(const struct net *net, bool server)
{
	if (server)
		this_cpu_inc(smcr_stats_of(net)->srv_hs_err);
	else
		this_cpu_inc(smcr_stats_of(net)->clnt_hs_err);
}

void smcr_stat_fallback(const struct net *net, bool server, u32 reason);
void smcr_stats_reset(const struct net *net);

/* netns.c */
int smcr_stats_net_init(struct net *net);
void smcr_stats_net_exit(struct net *net);

/* SMC_GEN_NETLINK dumps */
int smcr_nl_get_stats(struct sk_buff *skb, struct netlink_callback *cb);
int smcr_nl_get_fback_stats(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* SMCR_STATS_H */
