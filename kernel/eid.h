/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smcr: enterprise ids (UEID table, SEID) and the local host name, as SMC-Rv2 uses them.
 *
 * As upstream, the UEID table and the SEID setting are host-wide (one table for every netns):
 * an EID names the "enterprise" a system belongs to, not a network namespace. The SEID (system
 * EID) exists on s390 only; on x86 it is never enabled and the SEID commands fail with
 * EOPNOTSUPP, exactly as upstream on x86.
 */
#ifndef SMCR_EID_H
#define SMCR_EID_H

#include <linux/types.h>
#include <linux/smc.h>

struct sk_buff;
struct genl_info;
struct netlink_callback;

#define SMCR_EID_LEN		SMC_MAX_EID_LEN		/* 32, blank padded */
#define SMCR_HOSTNAME_LEN	SMC_MAX_HOSTNAME_LEN	/* 32, blank padded */

/* Called once at module init / exit. */
void smcr_eid_init(void);
void smcr_eid_exit(void);

/*
 * For the handshake (CLC v2 extension and first-contact extension):
 *  smcr_local_hostname() - the node name at module load, SMCR_HOSTNAME_LEN bytes blank padded
 *                          (not NUL-terminated);
 *  smcr_ueid_count()     - number of UEIDs (0..SMC_MAX_UEID);
 *  smcr_ueid_copy()      - copy up to @max UEIDs (SMCR_EID_LEN bytes each, blank padded) in
 *                          table order, return how many;
 *  smcr_ueid_match()     - is @eid (SMCR_EID_LEN bytes) one of ours;
 *  smcr_seid_enabled()   - may the SEID be offered (never on x86).
 */
const u8 *smcr_local_hostname(void);
int smcr_ueid_count(void);
int smcr_ueid_copy(u8 (*eids)[SMCR_EID_LEN], int max);
bool smcr_ueid_match(const u8 *eid);
bool smcr_seid_enabled(void);

/* SMC_GEN_NETLINK handlers */
int smcr_nl_add_ueid(struct sk_buff *skb, struct genl_info *info);
int smcr_nl_remove_ueid(struct sk_buff *skb, struct genl_info *info);
int smcr_nl_flush_ueid(struct sk_buff *skb, struct genl_info *info);
int smcr_nl_dump_ueid(struct sk_buff *skb, struct netlink_callback *cb);
int smcr_nl_dump_seid(struct sk_buff *skb, struct netlink_callback *cb);
int smcr_nl_enable_seid(struct sk_buff *skb, struct genl_info *info);
int smcr_nl_disable_seid(struct sk_buff *skb, struct genl_info *info);

#endif /* SMCR_EID_H */
