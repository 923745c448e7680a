/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smcr: the SMC policy of a netns (policy.c): BPF programs that choose, per connection, between
 * SMC and plain TCP. User ABI in uapi/smcr_ext.h (SMCR_EXT_CMD_POLICY_*).
 */
#ifndef SMCR_POLICY_H
#define SMCR_POLICY_H

#include <linux/types.h>
#include <linux/socket.h>
#include <net/genetlink.h>

struct smcr_sock;

/* Client, in connect() before the SYN. True: this connection is to be plain TCP. */
bool smcr_policy_connect_tcp(struct smcr_sock *smc, const struct sockaddr *addr, int alen);
/* Server, a child whose peer offered SMC, before its Proposal is read. True: decline to TCP. */
bool smcr_policy_accept_tcp(struct smcr_sock *child);

/* SMCR_EXT commands (nl_ext.c) */
int smcr_policy_nl_set(struct sk_buff *skb, struct genl_info *info);
int smcr_policy_nl_clear(struct sk_buff *skb, struct genl_info *info);
int smcr_policy_nl_fill(struct sk_buff *skb, struct net *net);

/* netns.c */
void smcr_policy_net_exit(struct net *net);

#endif /* SMCR_POLICY_H */
