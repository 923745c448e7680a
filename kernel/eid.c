// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: the UEID table, the SEID setting and the local host name (see eid.h).
 *
 * UEID rules (upstream's, they are ABI): the attribute carries exactly 32 characters plus a NUL
 * (tools pad with blanks); trailing blanks are padding; what remains must start with an upper-case
 * letter or a digit and consist of upper-case letters, digits, '.' and '-'. At most SMC_MAX_UEID
 * entries. Errors: EINVAL (attribute missing, wrong length, bad characters), ERANGE (table full),
 * EEXIST (already there), ENOENT (remove: not there). Flush always succeeds.
 */
#define pr_fmt(fmt) "smcr: " fmt

#include <linux/ctype.h>
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/utsname.h>
#include <net/genetlink.h>

#include "eid.h"
#include "netlink.h"

struct smcr_ueid {
	struct list_head	list;
	u8			eid[SMCR_EID_LEN];
};

static DEFINE_RWLOCK(smcr_eid_lock);	/* protects the list and the count */
static LIST_HEAD(smcr_ueids);
static int smcr_ueid_cnt;

static u8 smcr_hostname[SMCR_HOSTNAME_LEN];

void smcr_eid_init(void)
{
	const char *node = utsname()->nodename;

	memset(smcr_hostname, ' ', sizeof(smcr_hostname));
	memcpy(smcr_hostname, node, min(strlen(node), sizeof(smcr_hostname)));
}

static void smcr_ueid_flush(void)
{
	struct smcr_ueid *u, *tmp;
	LIST_HEAD(dead);

	write_lock_bh(&smcr_eid_lock);
	list_splice_init(&smcr_ueids, &dead);
	smcr_ueid_cnt = 0;
	write_unlock_bh(&smcr_eid_lock);
	list_for_each_entry_safe(u, tmp, &dead, list)
		kfree(u);
}

void smcr_eid_exit(void)
{
	smcr_ueid_flush();
}

const u8 *smcr_local_hostname(void)
{
	return smcr_hostname;
}

int smcr_ueid_count(void)
{
	int n;

	read_lock_bh(&smcr_eid_lock);
	n = smcr_ueid_cnt;
	read_unlock_bh(&smcr_eid_lock);
	return n;
}

int smcr_ueid_copy(u8 (*eids)[SMCR_EID_LEN], int max)
{
	struct smcr_ueid *u;
	int n = 0;

	read_lock_bh(&smcr_eid_lock);
	list_for_each_entry(u, &smcr_ueids, list) {
		if (n >= max)
			break;
		memcpy(eids[n++], u->eid, SMCR_EID_LEN);
	}
	read_unlock_bh(&smcr_eid_lock);
	return n;
}

bool smcr_ueid_match(const u8 *eid)
{
	struct smcr_ueid *u;
	bool found = false;

	read_lock_bh(&smcr_eid_lock);
	list_for_each_entry(u, &smcr_ueids, list) {
		if (!memcmp(u->eid, eid, SMCR_EID_LEN)) {
			found = true;
			break;
		}
	}
	read_unlock_bh(&smcr_eid_lock);
	return found;
}

bool smcr_seid_enabled(void)
{
	return false;	/* no SEID off s390 */
}

/* Upstream's character rules for a 32-byte blank-padded UEID (see the top of this file). */
static bool smcr_ueid_valid(const u8 *eid)
{
	int end = SMCR_EID_LEN - 1, i;

	while (end >= 0 && isspace(eid[end]))
		end--;
	if (end < 0)
		return false;
	if (!isalnum(eid[0]) || islower(eid[0]))
		return false;
	for (i = 0; i <= end; i++) {
		if (isalnum(eid[i]) && !islower(eid[i]))
			continue;
		if (eid[i] != '.' && eid[i] != '-')
			return false;
	}
	return true;
}

/* The UEID attribute of a request, or NULL if it is missing or not exactly 32 chars + NUL. */
static const u8 *smcr_nl_ueid_attr(struct genl_info *info)
{
	const struct nlattr *a = info->attrs[SMC_NLA_EID_TABLE_ENTRY];

	if (!a || nla_len(a) != SMCR_EID_LEN + 1)
		return NULL;
	return nla_data(a);
}

int smcr_nl_add_ueid(struct sk_buff *skb, struct genl_info *info)
{
	const u8 *eid = smcr_nl_ueid_attr(info);
	struct smcr_ueid *u, *old;
	int rc = 0;

	if (!eid || !smcr_ueid_valid(eid))
		return -EINVAL;
	u = kzalloc(sizeof(*u), GFP_KERNEL);
	if (!u)
		return -ENOMEM;
	memcpy(u->eid, eid, SMCR_EID_LEN);

	write_lock_bh(&smcr_eid_lock);
	if (smcr_ueid_cnt >= SMC_MAX_UEID) {
		rc = -ERANGE;
		goto unlock;
	}
	list_for_each_entry(old, &smcr_ueids, list) {
		if (!memcmp(old->eid, eid, SMCR_EID_LEN)) {
			rc = -EEXIST;
			goto unlock;
		}
	}
	list_add_tail(&u->list, &smcr_ueids);
	smcr_ueid_cnt++;
	u = NULL;
unlock:
	write_unlock_bh(&smcr_eid_lock);
	kfree(u);
	return rc;
}

int smcr_nl_remove_ueid(struct sk_buff *skb, struct genl_info *info)
{
	const u8 *eid = smcr_nl_ueid_attr(info);
	struct smcr_ueid *u, *found = NULL;

	if (!eid)
		return -EINVAL;
	write_lock_bh(&smcr_eid_lock);
	list_for_each_entry(u, &smcr_ueids, list) {
		if (!memcmp(u->eid, eid, SMCR_EID_LEN)) {
			list_del(&u->list);
			smcr_ueid_cnt--;
			found = u;
			break;
		}
	}
	write_unlock_bh(&smcr_eid_lock);
	kfree(found);
	/* upstream re-enables the SEID when the last UEID goes, on s390 only */
	return found ? 0 : -ENOENT;
}

int smcr_nl_flush_ueid(struct sk_buff *skb, struct genl_info *info)
{
	smcr_ueid_flush();
	return 0;
}

/* SMC_NETLINK_DUMP_UEID: one message per UEID, the entry as a 32-character string. */
int smcr_nl_dump_ueid(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct smcr_nl_dmp_ctx *ctx = smcr_nl_ctx(cb);
	char str[SMCR_EID_LEN + 1];
	struct smcr_ueid *u;
	int idx = 0;
	void *hdr;

	read_lock_bh(&smcr_eid_lock);
	list_for_each_entry(u, &smcr_ueids, list) {
		if (idx < ctx->pos[0]) {
			idx++;
			continue;
		}
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				  &smcr_gen_nl_family, NLM_F_MULTI, SMC_NETLINK_DUMP_UEID);
		if (!hdr)
			break;
		memcpy(str, u->eid, SMCR_EID_LEN);
		str[SMCR_EID_LEN] = '\0';
		if (nla_put_string(skb, SMC_NLA_EID_TABLE_ENTRY, str)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		idx++;
	}
	read_unlock_bh(&smcr_eid_lock);
	ctx->pos[0] = idx;
	return skb->len;
}

/* SMC_NETLINK_DUMP_SEID: without ISMv2 (always, off s390) one message without attributes. */
int smcr_nl_dump_seid(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct smcr_nl_dmp_ctx *ctx = smcr_nl_ctx(cb);
	void *hdr;

	if (ctx->pos[0])
		return skb->len;
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &smcr_gen_nl_family, NLM_F_MULTI, SMC_NETLINK_DUMP_SEID);
	if (!hdr)
		return -ENOMEM;
	genlmsg_end(skb, hdr);
	ctx->pos[0] = 1;
	return skb->len;
}

int smcr_nl_enable_seid(struct sk_buff *skb, struct genl_info *info)
{
	return -EOPNOTSUPP;	/* SEID exists on s390 only */
}

int smcr_nl_disable_seid(struct sk_buff *skb, struct genl_info *info)
{
	return -EOPNOTSUPP;
}
