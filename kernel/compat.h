/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smcr: every difference between the kernels we build for (Debian 6.1 and 6.12) lives here, so
 * that the rest of the module has no version checks.
 */
#ifndef SMCR_COMPAT_H
#define SMCR_COMPAT_H

#include <linux/version.h>
#include <linux/net.h>
#include <net/sock.h>

/* 6.10 folded accept()'s flags/kern arguments into struct proto_accept_arg. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define SMCR_ACCEPT_ARGS	struct socket *sock, struct socket *newsock, \
				struct proto_accept_arg *arg
#define SMCR_ACCEPT_FLAGS	(arg->flags)
#define SMCR_ACCEPT_KERN	(arg->kern)
#else
#define SMCR_ACCEPT_ARGS	struct socket *sock, struct socket *newsock, \
				int flags, bool kern
#define SMCR_ACCEPT_FLAGS	(flags)
#define SMCR_ACCEPT_KERN	(kern)
#endif

/* proto_ops.sendpage went away in 6.5 (MSG_SPLICE_PAGES through sendmsg instead). */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)
#define SMCR_HAVE_SENDPAGE	1
#endif

/*
 * 6.4 added SOCK_CUSTOM_SOCKOPT: with it SOL_SOCKET options reach our setsockopt and are mirrored
 * on the clcsock at once. Before, the core applies them to the AF_SMC sock only, and we copy them
 * to the clcsock when it starts to matter (bind, connect, listen, fallback).
 */
#ifdef SOCK_CUSTOM_SOCKOPT
#define SMCR_HAVE_CUSTOM_SOCKOPT	1
static inline void smcr_want_sol_socket(struct socket *sock)
{
	set_bit(SOCK_CUSTOM_SOCKOPT, &sock->flags);
}
#else
static inline void smcr_want_sol_socket(struct socket *sock)
{
}
#endif

/*
 * Management ABI (netlink.c, stats.c, sysctl.c).
 *
 * 6.12's uapi linux/smc.h appends attributes 6.1's lacks: the statistics' buffer usage
 * (SMC_NLA_STATS_T_{RX,TX}_RMB_USAGE) and, for SMC-R link groups, the v2.1 maxima
 * (SMC_NLA_LGR_R_V2_MAX_{CONNS,LINKS}) and allocated buffer bytes (SMC_NLA_LGR_R_{SNDBUF,RMB}_ALLOC).
 * A build sends them where its kernel's own smc module does, so tools see the same attribute
 * set from us as from the stock module of that kernel. (Upstream added them between 6.1 and
 * 6.12; 6.12 is the first kernel we build for that has them.)
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define SMCR_HAVE_NL_RMB_USAGE	1
#define SMCR_HAVE_NL_LGR_V21	1
#endif

/*
 * Variable-width unsigned attribute ("uint": 4 bytes when the value fits, else 8), which 6.12's
 * smc module uses for the attributes above. 6.1 has no such type (nor those attributes).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
#define smcr_nla_put_uint(skb, type, val)	nla_put_uint(skb, type, val)
#else
#define smcr_nla_put_uint(skb, type, val)	nla_put_u64_64bit(skb, type, val, 0)
#endif

/*
 * 6.6 made net sysctl tables sized (register_net_sysctl_sz, no sentinel needed); 6.1 walks the
 * table up to its empty sentinel. Our tables keep the sentinel and pass the count without it.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define smcr_register_net_sysctl(net, path, table, n) \
	register_net_sysctl_sz(net, path, table, n)
#else
#define smcr_register_net_sysctl(net, path, table, n) \
	register_net_sysctl(net, path, table)
#endif

/*
 * 6.11 made proc_handler take a const table. Our own handlers (sysctl.c) are written against
 * this macro.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define SMCR_CTL_TABLE_CONST	const
#else
#define SMCR_CTL_TABLE_CONST
#endif

/* IPPROTO_SMC (256) is in 6.11's uapi linux/in.h (replace.c registers it on both kernels). */
#ifndef IPPROTO_SMC
#define IPPROTO_SMC		256
#endif

/*
 * SMC policy (policy.c): the context of a BPF_PROG_TYPE_CGROUP_SOCK_ADDR program. 6.7 added
 * struct bpf_sock_addr_kern.uaddrlen (the address length, which programs of AF_UNIX hooks may
 * change); 6.1's context has no length.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
#define smcr_sock_addr_set_len(ctx, len)	((ctx)->uaddrlen = (len))
#else
#define smcr_sock_addr_set_len(ctx, len)	do { (void)(len); } while (0)
#endif

#endif /* SMCR_COMPAT_H */
