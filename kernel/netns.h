/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smcr: per network namespace state (one struct smcr_net per netns, via net_generic).
 *
 * Everything a netns owns lives here: our MIB counters (mib.c), the upstream statistics and
 * fallback-reason table (stats.c), the net.smc.* sysctl values (sysctl.c), the handshake
 * limitation default (netlink.c / sysctl.c) and the PNET table (pnet.c). netns.c creates and
 * destroys it in that order; a netns that is visible to anybody has all of it.
 */
#ifndef SMCR_NETNS_H
#define SMCR_NETNS_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

struct smcr_mib;
struct smcr_stats;
struct ctl_table_header;
struct ctl_table;

/* distinct reason codes kept per direction, as upstream */
#define SMCR_MAX_FBACK_RSN	30

/* One reason code and how often it caused a fallback. */
struct smcr_fback_entry {
	u32	code;		/* 0: unused slot */
	u16	count;		/* wraps at 65536, as upstream's counter */
};

/**
 * struct smcr_fback_stats - fallback reasons of one netns (SMC_NETLINK_GET_FBACK_STATS)
 * @srv: reason codes of server-side fallbacks, in the order they first occurred
 * @clnt: the same for client sockets
 * @srv_cnt: all server-side fallbacks (also those beyond the 30 distinct codes)
 * @clnt_cnt: all client-side fallbacks
 */
struct smcr_fback_stats {
	struct smcr_fback_entry	srv[SMCR_MAX_FBACK_RSN];
	struct smcr_fback_entry	clnt[SMCR_MAX_FBACK_RSN];
	u64			srv_cnt;
	u64			clnt_cnt;
};

/**
 * struct smcr_net_sysctl - the net.smc.* values of one netns (sysctl.c; read with READ_ONCE)
 *
 * Names, ranges and defaults are upstream's; see sysctl.c for which ones the module acts on.
 */
struct smcr_net_sysctl {
	unsigned int	autocorking_size;
	unsigned int	smcr_buf_type;
	int		smcr_testlink_time;	/* jiffies */
	int		wmem;
	int		rmem;
	int		smcr_max_links_per_lgr;
	int		smcr_max_conns_per_lgr;
	int		limit_smc_hs;		/* also the HS_LIMITATION commands */
	int		smcr_max_send_wr;
	int		smcr_max_recv_wr;
	int		tcp2smc;		/* ours: TCP sockets become AF_SMC (replace.c) */
};

/**
 * struct smcr_pnettable - the PNET table of one netns (pnet.c)
 * @lock: protects @list; taken in process context only
 * @list: struct smcr_pnetentry, in the order they were added
 */
struct smcr_pnettable {
	struct mutex		lock;
	struct list_head	list;
};

struct bpf_prog;

struct smcr_net {
	struct smcr_mib __percpu	*mib;		/* /proc/net/smcr_stat (mib.c) */
	struct smcr_stats __percpu	*stats;		/* upstream GET_STATS (stats.c) */
	spinlock_t			fback_lock;	/* protects fback */
	struct smcr_fback_stats		fback;		/* upstream GET_FBACK_STATS */
	struct smcr_net_sysctl		sysctl;		/* net.smc.* */
	struct ctl_table_header		*sysctl_hdr;
	struct ctl_table		*sysctl_table;
	struct smcr_pnettable		pnettable;	/* SMC_PNETID (pnet.c) */
	struct bpf_prog __rcu		*policy[2];	/* SMC policy, [0] IPv4 [1] IPv6 (policy.c) */
};

extern unsigned int smcr_net_id;

static inline struct smcr_net *smcr_net(const struct net *net)
{
	return net_generic(net, smcr_net_id);
}

int smcr_pernet_init(void);
void smcr_pernet_exit(void);

#endif /* SMCR_NETNS_H */
