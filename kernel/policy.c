// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: the SMC policy of a network namespace.
 *
 * A policy is one or two ordinary BPF programs of type BPF_PROG_TYPE_CGROUP_SOCK_ADDR, loaded by
 * user space with expected attach type BPF_CGROUP_INET4_CONNECT (asked for IPv4 peers) or
 * BPF_CGROUP_INET6_CONNECT (IPv6 and v4-mapped peers), but attached to no cgroup: user space
 * hands their file descriptors to us (SMCR_EXT_CMD_POLICY_SET) and we run them ourselves with a
 * context we build, struct bpf_sock_addr_kern {sk, uaddr}. That program type exists on every
 * kernel we build for, its verifier rules give the program the peer address and port, the
 * socket, the netns cookie and the current task's pid, uid and cgroup, and bounds its return
 * value to 0/1: 1 means SMC, 0 plain TCP. (6.1 has neither struct_ops for modules nor an SMC
 * hook of its own.)
 *
 * Where it runs (uapi/smcr_ext.h has the user-visible contract):
 *  - client: smcr_connect(), before the clcsock's SYN, in the connecting task;
 *  - server: the child's handshake work (a kernel worker), once TCP accepted a connection whose
 *    SYN offered SMC and before its Proposal is read.
 *
 * Lifetime: the netns holds one reference on each program (and the program on its maps) in
 * smcr_net.policy[], read under RCU. A replace or clear swaps the pointers under smcr_policy_lock,
 * waits for an RCU grace period, then puts the old programs; so does the netns's exit, which
 * also covers module unload.
 *
 * Context helpers: programs of this type may call helpers that look at the current BPF run
 * context (bpf_get_retval/bpf_set_retval, bpf_get_attach_cookie, cgroup local storage). We give
 * them a run context of our own with a zero cookie, and refuse programs that use cgroup storage
 * (there is no cgroup to take it from). sk is the clcsock, locked while the program runs, as
 * the kernel's own connect hook has it, so bpf_setsockopt()/bpf_bind() behave as they do there.
 */
#define pr_fmt(fmt) "smcr: " fmt

#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "compat.h"
#include "mib.h"
#include "netns.h"
#include "policy.h"
#include "smcr.h"
#include "uapi/smcr_ext.h"

#define SMCR_POLICY_V4	0
#define SMCR_POLICY_V6	1

/* serialises replacing the programs of any netns (process context only) */
static DEFINE_MUTEX(smcr_policy_lock);

/* Which program handles @family, or -1 for a family without policy. */
static int smcr_policy_slot(sa_family_t family)
{
	switch (family) {
	case AF_INET:
		return SMCR_POLICY_V4;
	case AF_INET6:
		return SMCR_POLICY_V6;
	default:
		return -1;
	}
}

static bool smcr_policy_present(const struct net *net)
{
	struct smcr_net *sn = smcr_net(net);

	return rcu_access_pointer(sn->policy[SMCR_POLICY_V4]) ||
	       rcu_access_pointer(sn->policy[SMCR_POLICY_V6]);
}

/*
 * Run the program of @net for @addr (a copy the program may scribble on) with @sk as ctx->sk.
 * @sk is locked by the caller. Return: 1 for SMC (also: no program), 0 for plain TCP.
 */
static u32 smcr_policy_run(struct net *net, struct sock *sk, struct sockaddr_storage *addr,
			   int alen)
{
	struct smcr_net *sn = smcr_net(net);
	struct bpf_prog_array_item item = {};
	struct bpf_cg_run_ctx run_ctx = {};
	struct bpf_sock_addr_kern ctx = {};
	struct bpf_run_ctx *old_run_ctx;
	struct bpf_prog *prog;
	int slot;
	u32 ret = 1;

	slot = smcr_policy_slot(addr->ss_family);
	if (slot < 0)
		return 1;
	rcu_read_lock();
	prog = rcu_dereference(sn->policy[slot]);
	if (prog) {
		item.prog = prog;
		run_ctx.prog_item = &item;
		ctx.sk = sk;
		ctx.uaddr = (struct sockaddr *)addr;
		smcr_sock_addr_set_len(&ctx, alen);
		old_run_ctx = bpf_set_run_ctx(&run_ctx.run_ctx);
		ret = bpf_prog_run_pin_on_cpu(prog, &ctx);
		bpf_reset_run_ctx(old_run_ctx);
		smcr_mib_inc(net, SMCR_MIB_POLICY_RUN);
	}
	rcu_read_unlock();
	return ret;
}

/**
 * smcr_policy_connect_tcp() - ask the netns's policy about a client connection
 * @smc: AF_SMC socket in connect(), lock_sock() held, clcsock not connected yet
 * @addr: destination as the user gave it (kernel copy)
 * @alen: its length
 *
 * An address the policy cannot be asked about (other family, too short) gets no verdict here:
 * TCP's connect reports what is wrong with it.
 *
 * Return: true if the policy chose plain TCP.
 */
bool smcr_policy_connect_tcp(struct smcr_sock *smc, const struct sockaddr *addr, int alen)
{
	struct net *net = sock_net(&smc->sk);
	struct sockaddr_storage copy;
	struct sock *clcsk;
	u32 verdict;

	if (!smcr_policy_present(net) || !smc->clcsock)
		return false;
	if (addr->sa_family == AF_INET && alen >= (int)sizeof(struct sockaddr_in))
		alen = sizeof(struct sockaddr_in);
	else if (addr->sa_family == AF_INET6 && alen >= SIN6_LEN_RFC2133)
		alen = min_t(int, alen, sizeof(struct sockaddr_in6));
	else
		return false;
	memset(&copy, 0, sizeof(copy));
	memcpy(&copy, addr, alen);

	clcsk = smc->clcsock->sk;
	lock_sock(clcsk);
	verdict = smcr_policy_run(net, clcsk, &copy, alen);
	release_sock(clcsk);
	if (verdict)
		return false;
	smcr_mib_inc(net, SMCR_MIB_POLICY_TCP_CLNT);
	return true;
}

/**
 * smcr_policy_accept_tcp() - ask the netns's policy about a connection a client offered SMC on
 * @child: listener's child in its handshake work, lock_sock() held, clcsock established
 *
 * Return: true if the policy chose plain TCP.
 */
bool smcr_policy_accept_tcp(struct smcr_sock *child)
{
	struct net *net = sock_net(&child->sk);
	struct sockaddr_storage peer;
	struct sock *clcsk;
	u32 verdict;
	int alen;

	if (!smcr_policy_present(net) || !child->clcsock)
		return false;
	memset(&peer, 0, sizeof(peer));
	alen = kernel_getpeername(child->clcsock, (struct sockaddr *)&peer);
	if (alen < 0)
		return false;	/* already reset: the handshake finds out */

	clcsk = child->clcsock->sk;
	lock_sock(clcsk);
	verdict = smcr_policy_run(net, clcsk, &peer, alen);
	release_sock(clcsk);
	if (verdict)
		return false;
	smcr_mib_inc(net, SMCR_MIB_POLICY_TCP_SRV);
	return true;
}

/* Swap in @progs (NULL entries: none) and put the programs they replace. */
static void smcr_policy_replace(struct net *net, struct bpf_prog *progs[2])
{
	struct smcr_net *sn = smcr_net(net);
	struct bpf_prog *old[2];
	int i;

	mutex_lock(&smcr_policy_lock);
	for (i = 0; i < 2; i++)
		old[i] = rcu_replace_pointer(sn->policy[i], progs[i],
					     lockdep_is_held(&smcr_policy_lock));
	mutex_unlock(&smcr_policy_lock);
	if (!old[0] && !old[1])
		return;
	synchronize_rcu();	/* no run of the old programs is left */
	for (i = 0; i < 2; i++)
		if (old[i])
			bpf_prog_put(old[i]);
}

/* Take the program behind @attr: the right type and attach type, no cgroup storage. */
static struct bpf_prog *smcr_policy_prog_get(struct nlattr *attr, enum bpf_attach_type want,
					     struct netlink_ext_ack *extack)
{
	struct bpf_prog *prog;
	int i;

	prog = bpf_prog_get_type_dev(nla_get_s32(attr), BPF_PROG_TYPE_CGROUP_SOCK_ADDR, false);
	if (IS_ERR(prog)) {
		if (PTR_ERR(prog) == -EBADF)
			NL_SET_ERR_MSG_ATTR(extack, attr, "not an open file descriptor");
		else
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "not a BPF program of type cgroup/sock_addr");
		return prog;
	}
	if (prog->expected_attach_type != want) {
		if (want == BPF_CGROUP_INET4_CONNECT)
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "IPv4 policy must be loaded as cgroup/connect4");
		else
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "IPv6 policy must be loaded as cgroup/connect6");
		goto bad;
	}
	for (i = 0; i < MAX_BPF_CGROUP_STORAGE_TYPE; i++) {
		if (prog->aux->cgroup_storage[i]) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "a policy program cannot use cgroup storage");
			goto bad;
		}
	}
	return prog;
bad:
	bpf_prog_put(prog);
	return ERR_PTR(-EINVAL);
}

int smcr_policy_nl_set(struct sk_buff *skb, struct genl_info *info)
{
	static const enum bpf_attach_type want[2] = {
		BPF_CGROUP_INET4_CONNECT, BPF_CGROUP_INET6_CONNECT
	};
	static const int attr[2] = { SMCR_EXT_A_POLICY_FD4, SMCR_EXT_A_POLICY_FD6 };
	struct bpf_prog *progs[2] = {};
	int i, rc;

	if (!info->attrs[SMCR_EXT_A_POLICY_FD4] && !info->attrs[SMCR_EXT_A_POLICY_FD6]) {
		NL_SET_ERR_MSG(info->extack, "no policy program given (IPv4 or IPv6 fd)");
		return -EINVAL;
	}
	for (i = 0; i < 2; i++) {
		if (!info->attrs[attr[i]])
			continue;
		progs[i] = smcr_policy_prog_get(info->attrs[attr[i]], want[i], info->extack);
		if (IS_ERR(progs[i])) {
			rc = PTR_ERR(progs[i]);
			progs[i] = NULL;
			goto out_put;
		}
	}
	smcr_policy_replace(genl_info_net(info), progs);
	return 0;

out_put:
	for (i = 0; i < 2; i++)
		if (progs[i])
			bpf_prog_put(progs[i]);
	return rc;
}

int smcr_policy_nl_clear(struct sk_buff *skb, struct genl_info *info)
{
	struct bpf_prog *none[2] = {};
	struct net *net = genl_info_net(info);

	if (!smcr_policy_present(net)) {
		NL_SET_ERR_MSG(info->extack, "no SMC policy attached in this network namespace");
		return -ENOENT;
	}
	smcr_policy_replace(net, none);
	return 0;
}

/* POLICY_GET: program ids and names of @net's policy. Return: 0 or -EMSGSIZE. */
int smcr_policy_nl_fill(struct sk_buff *skb, struct net *net)
{
	static const int id_attr[2] = { SMCR_EXT_A_POLICY_ID4, SMCR_EXT_A_POLICY_ID6 };
	static const int name_attr[2] = { SMCR_EXT_A_POLICY_NAME4, SMCR_EXT_A_POLICY_NAME6 };
	struct smcr_net *sn = smcr_net(net);
	struct bpf_prog *prog;
	int i, rc = 0;

	rcu_read_lock();
	for (i = 0; i < 2 && !rc; i++) {
		prog = rcu_dereference(sn->policy[i]);
		if (!prog)
			continue;
		if (nla_put_u32(skb, id_attr[i], prog->aux->id) ||
		    nla_put_string(skb, name_attr[i], prog->aux->name))
			rc = -EMSGSIZE;
	}
	rcu_read_unlock();
	return rc;
}

void smcr_policy_net_exit(struct net *net)
{
	struct bpf_prog *none[2] = {};

	smcr_policy_replace(net, none);
}
