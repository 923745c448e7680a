/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smcr: net.smc.* sysctls of a netns, with upstream's names, ranges and defaults (but for the
 * buffer sizes: see SMCR_WMEM_DEFAULT).
 *
 * Accessors for the data path (each a READ_ONCE of the netns's value). Whether the module acts on
 * a value today is said next to it; docs/abi.md keeps the same list.
 */
#ifndef SMCR_SYSCTL_H
#define SMCR_SYSCTL_H

#include "netns.h"

#define SMCR_AUTOCORKING_DEFAULT	(64 * 1024)
#define SMCR_TESTLINK_DEFAULT		(30 * HZ)
#define SMCR_BUF_MIN			(16 * 1024)	/* smallest buffer SMC-R uses */
/*
 * Send buffer and RMB of a connection: 256 KiB each (as Alibaba's SMC-R kernels), where upstream
 * has 64 KiB. A stream moves at most one RMB per round trip of the consumer cursor, and its send
 * buffer frees only when the peer's ACK is back, so the two are its window: on any link whose
 * round trip is not small against the time the link needs for the window, they bound it
 * (docs/performance.md, "The fifth look").
 */
#define SMCR_WMEM_DEFAULT		(256 * 1024)
#define SMCR_RMEM_DEFAULT		(256 * 1024)
#define SMCR_MAX_LINKS_DEFAULT		2
#define SMCR_MAX_CONNS_DEFAULT		255
#define SMCR_MAX_SEND_WR_DEFAULT	16
#define SMCR_MAX_RECV_WR_DEFAULT	48

static inline const struct smcr_net_sysctl *smcr_sysctl(const struct net *net)
{
	return &smcr_net(net)->sysctl;
}

/* bytes before small sends are corked; 0 disables autocorking (data path: not yet) */
static inline unsigned int smcr_sysctl_autocorking_size(const struct net *net)
{
	return READ_ONCE(smcr_sysctl(net)->autocorking_size);
}

/* 0 physically contiguous RMBs, 1 virtually contiguous, 2 mixed (device layer: not yet) */
static inline unsigned int smcr_sysctl_buf_type(const struct net *net)
{
	return READ_ONCE(smcr_sysctl(net)->smcr_buf_type);
}

/* jiffies between LLC TEST LINKs on an idle link, 0 disables them (LLC: not yet) */
static inline int smcr_sysctl_testlink_time(const struct net *net)
{
	return READ_ONCE(smcr_sysctl(net)->smcr_testlink_time);
}

/* initial sk_sndbuf / sk_rcvbuf of new AF_SMC sockets are twice these (used now) */
static inline int smcr_sysctl_wmem(const struct net *net)
{
	return READ_ONCE(smcr_sysctl(net)->wmem);
}

static inline int smcr_sysctl_rmem(const struct net *net)
{
	return READ_ONCE(smcr_sysctl(net)->rmem);
}

/* v2.1 negotiation: links per link group 1..2, connections per link group 16..255 (not yet) */
static inline int smcr_sysctl_max_links(const struct net *net)
{
	return READ_ONCE(smcr_sysctl(net)->smcr_max_links_per_lgr);
}

static inline int smcr_sysctl_max_conns(const struct net *net)
{
	return READ_ONCE(smcr_sysctl(net)->smcr_max_conns_per_lgr);
}

/* handshake limitation default of new AF_SMC sockets (used now) */
static inline bool smcr_sysctl_limit_hs(const struct net *net)
{
	return READ_ONCE(smcr_sysctl(net)->limit_smc_hs);
}

static inline void smcr_sysctl_set_limit_hs(struct net *net, bool on)
{
	WRITE_ONCE(smcr_net(net)->sysctl.limit_smc_hs, on);
}

/* work requests per link QP, 2..2048 (device layer: not yet) */
static inline int smcr_sysctl_max_send_wr(const struct net *net)
{
	return READ_ONCE(smcr_sysctl(net)->smcr_max_send_wr);
}

static inline int smcr_sysctl_max_recv_wr(const struct net *net)
{
	return READ_ONCE(smcr_sysctl(net)->smcr_max_recv_wr);
}

/* ours, not upstream's: user TCP sockets of this netns are created as AF_SMC (replace.c) */
static inline bool smcr_sysctl_tcp2smc(const struct net *net)
{
	return READ_ONCE(smcr_sysctl(net)->tcp2smc);
}

/* netns.c; the directory net/smc collides with a loaded stock module's: main.c registers AF_SMC
 * (which then fails with a clear message) before the per-netns state */
int smcr_sysctl_net_init(struct net *net);
void smcr_sysctl_net_exit(struct net *net);

#endif /* SMCR_SYSCTL_H */
