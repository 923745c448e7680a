/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * smcr: the ready-made SMC policy ("rules program", smcr_rules.bpf.c) — its map layout and its
 * matching logic, shared by the BPF program, by libsmc (which fills the maps) and by the unit
 * tests (which run the same matching code in user space).
 *
 * Maps:
 *  - smcr_rules: array of 2 * SMCR_POLICY_MAX_RULES struct smcr_policy_rule, two sets;
 *  - smcr_state: array of one __u32: the active set, its rule count and the default verdict
 *    (SMCR_POLICY_STATE_*). Writers fill the inactive set, then switch with one 32-bit write, so
 *    a running program never sees a half-written rule list.
 *
 * Rules are tried in order; the first that matches gives the verdict; none: the default.
 * "dst"/"dport" is the peer (the destination of a connect(), the client of an accepted
 * connection), "src"/"sport" the local end (bound address/port on the client: 0 unless bound).
 * pid and cgroup rules look at the task calling connect() and so match client connections only
 * (the server side runs in a kernel worker).
 */
#ifndef SMCR_EBPF_POLICY_H
#define SMCR_EBPF_POLICY_H

#include <linux/types.h>

#define SMCR_POLICY_MAX_RULES	64

#define SMCR_POLICY_VERDICT_TCP	0
#define SMCR_POLICY_VERDICT_SMC	1

/* struct smcr_policy_rule.match: which fields must match */
#define SMCR_PM_DST	(1U << 0)	/* dst/dst_plen */
#define SMCR_PM_SRC	(1U << 1)	/* src/src_plen */
#define SMCR_PM_DPORT	(1U << 2)	/* dport_lo..dport_hi */
#define SMCR_PM_SPORT	(1U << 3)	/* sport_lo..sport_hi */
#define SMCR_PM_PID	(1U << 4)	/* tgid of the connecting task */
#define SMCR_PM_CGROUP	(1U << 5)	/* cgroup v2 id of the connecting task */
#define SMCR_PM_CLIENT	(1U << 6)	/* client connections only */
#define SMCR_PM_SERVER	(1U << 7)	/* server connections only */
#define SMCR_PM_ALL	0xffU

struct smcr_policy_rule {
	__u32 match;		/* SMCR_PM_* */
	__u8 family;		/* 4, 6, or 0: the family of dst/src (0 without address) */
	__u8 verdict;		/* SMCR_POLICY_VERDICT_* */
	__u8 dst_plen;		/* prefix length in bits */
	__u8 src_plen;
	__u16 dport_lo, dport_hi;	/* host order, inclusive */
	__u16 sport_lo, sport_hi;
	__u32 dst[4];		/* network order; IPv4 in dst[0] */
	__u32 src[4];
	__u32 pid;
	__u32 pad;
	__u64 cgroup_id;
};

/* smcr_state's value */
#define SMCR_POLICY_STATE_COUNT(s)	((s) & 0xffU)
#define SMCR_POLICY_STATE_DEFAULT(s)	(((s) >> 8) & 1U)
#define SMCR_POLICY_STATE_SET(s)	(((s) >> 16) & 1U)
#define SMCR_POLICY_STATE(set, dflt, count) \
	((((__u32)(set) & 1U) << 16) | (((__u32)(dflt) & 1U) << 8) | ((__u32)(count) & 0xffU))

/* One connection, as the program sees it (addresses in network order, ports in host order). */
struct smcr_policy_conn {
	__u8 family;		/* 4 or 6 (v4-mapped IPv6 peers are IPv4 here) */
	__u8 server;		/* 1: accepted connection, 0: connect() */
	__u16 dport, sport;
	__u32 dst[4], src[4];
	__u32 pid;
	__u64 cgroup_id;
};

#ifdef __bpf__
#define SMCR_POLICY_HTONL(x)	__builtin_bswap32(x)	/* BPF target is little endian here */
#define SMCR_POLICY_INLINE	static __always_inline
#else
#include <arpa/inet.h>
#define SMCR_POLICY_HTONL(x)	htonl(x)
#define SMCR_POLICY_INLINE	static inline
#endif

/* Does @addr lie in @net/@plen? @words: 1 for IPv4, 4 for IPv6. */
SMCR_POLICY_INLINE int smcr_policy_prefix_match(const __u32 *addr, const __u32 *net, __u32 plen,
						int words)
{
	int i;

	for (i = 0; i < 4; i++) {
		__u32 bits, mask;

		if (i >= words || plen <= 32U * (__u32)i)
			break;
		bits = plen - 32U * (__u32)i;
		mask = bits >= 32 ? 0xffffffffU : SMCR_POLICY_HTONL(~0U << (32 - bits));
		if ((addr[i] & mask) != (net[i] & mask))
			return 0;
	}
	return 1;
}

SMCR_POLICY_INLINE int smcr_policy_rule_matches(const struct smcr_policy_rule *r,
						const struct smcr_policy_conn *c)
{
	int words = c->family == 4 ? 1 : 4;

	if ((r->match & SMCR_PM_CLIENT) && c->server)
		return 0;
	if ((r->match & SMCR_PM_SERVER) && !c->server)
		return 0;
	if ((r->match & (SMCR_PM_DST | SMCR_PM_SRC)) && r->family != c->family)
		return 0;
	if ((r->match & SMCR_PM_DST) && !smcr_policy_prefix_match(c->dst, r->dst, r->dst_plen, words))
		return 0;
	if ((r->match & SMCR_PM_SRC) && !smcr_policy_prefix_match(c->src, r->src, r->src_plen, words))
		return 0;
	if ((r->match & SMCR_PM_DPORT) && (c->dport < r->dport_lo || c->dport > r->dport_hi))
		return 0;
	if ((r->match & SMCR_PM_SPORT) && (c->sport < r->sport_lo || c->sport > r->sport_hi))
		return 0;
	/* the task is the connecting one on the client only */
	if ((r->match & SMCR_PM_PID) && (c->server || c->pid != r->pid))
		return 0;
	if ((r->match & SMCR_PM_CGROUP) && (c->server || c->cgroup_id != r->cgroup_id))
		return 0;
	return 1;
}

/* IPv4-mapped IPv6 (::ffff:a.b.c.d) to IPv4, in place: the rules of IPv4 apply to them. */
SMCR_POLICY_INLINE void smcr_policy_unmap(struct smcr_policy_conn *c)
{
	if (c->family == 6 && c->dst[0] == 0 && c->dst[1] == 0 &&
	    c->dst[2] == SMCR_POLICY_HTONL(0x0000ffffU)) {
		c->family = 4;
		c->dst[0] = c->dst[3];
		c->dst[1] = c->dst[2] = c->dst[3] = 0;
		/* the local address is mapped alike (or unspecified on an unbound client) */
		c->src[0] = c->src[3];
		c->src[1] = c->src[2] = c->src[3] = 0;
	}
}

#endif /* SMCR_EBPF_POLICY_H */
