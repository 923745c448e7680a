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

#endif /* SMCR_COMPAT_H */
