// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: the ready-made SMC policy program, driven by the maps of smcr_policy.h (filled by
 * libsmc, `smcctl policy add|del|default`). Two programs, one per address family (the verifier
 * gives an IPv4 connect program user_ip4 only and an IPv6 one user_ip6 only); they share the maps.
 * Loaded as cgroup/connect4 and cgroup/connect6 but never attached to a cgroup: the smcr module
 * runs them (kernel/policy.c). Return 1: SMC, 0: plain TCP.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "smcr_policy.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * SMCR_POLICY_MAX_RULES);
	__type(key, __u32);
	__type(value, struct smcr_policy_rule);
} smcr_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} smcr_state SEC(".maps");

struct smcr_walk {
	struct smcr_policy_conn conn;
	__u32 base;		/* first rule of the active set */
	__u32 verdict;
};

static long smcr_try_rule(__u32 i, void *data)
{
	struct smcr_walk *w = data;
	struct smcr_policy_rule *r;
	__u32 key = w->base + i;

	r = bpf_map_lookup_elem(&smcr_rules, &key);
	if (!r)
		return 1;
	if (!smcr_policy_rule_matches(r, &w->conn))
		return 0;
	w->verdict = r->verdict ? 1 : 0;
	return 1;	/* first match wins */
}

static __always_inline int smcr_decide(struct bpf_sock_addr *ctx, struct smcr_walk *w)
{
	struct bpf_sock *sk = ctx->sk;
	__u32 zero = 0, *state, s, count;
	__u64 pid_tgid;

	state = bpf_map_lookup_elem(&smcr_state, &zero);
	if (!state)
		return 1;
	s = *state;
	w->verdict = SMCR_POLICY_STATE_DEFAULT(s);
	count = SMCR_POLICY_STATE_COUNT(s);
	if (count > SMCR_POLICY_MAX_RULES)
		count = SMCR_POLICY_MAX_RULES;
	w->base = SMCR_POLICY_STATE_SET(s) * SMCR_POLICY_MAX_RULES;

	/* the module passes the clcsock: not connected yet on the client, established on the server */
	if (sk) {
		w->conn.server = sk->state != BPF_TCP_CLOSE;
		w->conn.sport = sk->src_port;
	}
	w->conn.dport = __builtin_bswap16((__u16)ctx->user_port);
	pid_tgid = bpf_get_current_pid_tgid();
	w->conn.pid = pid_tgid >> 32;
	w->conn.cgroup_id = bpf_get_current_cgroup_id();
	smcr_policy_unmap(&w->conn);

	bpf_loop(count, smcr_try_rule, w, 0);
	/* the callback wrote it through the stack: bound it for the verifier (0 or 1 already) */
	return w->verdict & 1;
}

SEC("cgroup/connect4")
int smcr_rules4(struct bpf_sock_addr *ctx)
{
	struct smcr_walk w = {};
	struct bpf_sock *sk = ctx->sk;

	w.conn.family = 4;
	w.conn.dst[0] = ctx->user_ip4;
	if (sk)
		w.conn.src[0] = sk->src_ip4;
	return smcr_decide(ctx, &w);
}

SEC("cgroup/connect6")
int smcr_rules6(struct bpf_sock_addr *ctx)
{
	struct smcr_walk w = {};
	struct bpf_sock *sk = ctx->sk;

	w.conn.family = 6;
	w.conn.dst[0] = ctx->user_ip6[0];
	w.conn.dst[1] = ctx->user_ip6[1];
	w.conn.dst[2] = ctx->user_ip6[2];
	w.conn.dst[3] = ctx->user_ip6[3];
	if (sk) {
		w.conn.src[0] = sk->src_ip6[0];
		w.conn.src[1] = sk->src_ip6[1];
		w.conn.src[2] = sk->src_ip6[2];
		w.conn.src[3] = sk->src_ip6[3];
	}
	return smcr_decide(ctx, &w);
}
