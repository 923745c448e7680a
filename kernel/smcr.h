/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smcr: private header of the module.
 *
 * Order: wire and ABI constants, socket states, the socket structure (with lock notes), accessors,
 * inline helpers, then prototypes grouped by the file that owns them.
 */
#ifndef SMCR_H
#define SMCR_H

#include <linux/socket.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <net/sock.h>
#include <net/inet_connection_sock.h>

#include "compat.h"
#include "core.h"
#include "mib.h"

#ifndef AF_SMC
#define AF_SMC			43
#endif
#ifndef PF_SMC
#define PF_SMC			AF_SMC
#endif
#define SMCPROTO_SMC		0	/* SMC over IPv4 clcsock */
#define SMCPROTO_SMC6		1	/* SMC over IPv6 clcsock */

/* Socket states, numbered as upstream so that sock_diag and tools show the same values. */
enum smcr_state {
	SMCR_ACTIVE		= 1,
	SMCR_INIT		= 2,
	SMCR_CLOSED		= 7,
	SMCR_LISTEN		= 10,	/* == TCP_LISTEN, which SO_ACCEPTCONN tests */
	SMCR_PEERCLOSEWAIT1	= 20,
	SMCR_PEERCLOSEWAIT2	= 21,
	SMCR_APPFINCLOSEWAIT	= 24,
	SMCR_APPCLOSEWAIT1	= 22,
	SMCR_APPCLOSEWAIT2	= 23,
	SMCR_PEERFINCLOSEWAIT	= 25,
	SMCR_PEERABORTWAIT	= 26,
	SMCR_PROCESSABORT	= 27,
};

#define SMCR_CLC_WAIT_TIME	(6 * HZ)	/* as upstream: wait for a CLC message */
#define SMCR_CLC_SEND_TIME	(2 * HZ)	/* bound on sending one CLC message */

/*
 * struct smcr_clc_hooks - the callbacks of the internal TCP socket that we replaced.
 *
 * One struct, one install path and one restore path (smcr_clcsock_hooks_*() in clcsock.c). All
 * changes happen under the clcsock's sk_callback_lock (write side); the hooks read
 * sk_user_data under the read side, so after a restore no hook can see this socket any more.
 */
struct smcr_clc_hooks {
	void (*data_ready)(struct sock *sk);
	void (*write_space)(struct sock *sk);
	void (*state_change)(struct sock *sk);
	void (*error_report)(struct sock *sk);
	const struct inet_connection_sock_af_ops *ori_af_ops;	/* listener only */
	struct inet_connection_sock_af_ops af_ops;		/* listener only */
	u8 installed:1,
	   listener:1;
};

/**
 * struct smcr_sock - an AF_SMC socket.
 *
 * Locking: fields marked [sk] are protected by lock_sock(&smc->sk); [q] by the listener's
 * accept_lock; [once] are written once before the socket is visible to anybody else.
 */
struct smcr_sock {
	struct sock		sk;		/* must be first */
	struct socket		*clcsock;	/* [sk] internal TCP socket; NULL once released */
	struct smcr_clc_hooks	hooks;		/* [clcsock sk_callback_lock] */

	/* fallback to TCP */
	u32			fallback_rsn;	/* [sk] local reason code (0: none) */
	u32			peer_diagnosis;	/* [sk] reason the peer sent in its Decline */
	bool			use_fallback;	/* [sk] data goes over clcsock as plain TCP */
	bool			file_swapped;	/* [sk] the user's file now points at clcsock */
	bool			connect_nonblock; /* [sk] connect_work owns the handshake */
	bool			is_child;	/* [once] created by a listener */
	bool			limit_smc_hs;	/* [sk] SOL_SMC/SMC_LIMIT_HS (netns default) */

	/* management ABI: every live AF_SMC sock is on one list, for sock_diag (diag.c) */
	struct hlist_node	sock_node;	/* [smcr_socks_lock] */

	struct work_struct	connect_work;	/* client: finish a non-blocking connect */

	/* SMC-R: link group, buffers, cursors (core.h); unused after a fallback */
	struct smcr_conn	conn;

	/* listener side */
	struct work_struct	listen_work;	/* accept TCP children of the clcsock */
	spinlock_t		accept_lock;	/* protects accept_q, hs_q, pending */
	struct list_head	accept_q;	/* [q] children ready for accept() */
	struct list_head	hs_q;		/* [q] children in their handshake */
	unsigned int		pending;	/* [q] entries on accept_q + hs_q */

	/* child side */
	struct smcr_sock	*listen_smc;	/* [once] listener (holds a reference) */
	struct list_head	accept_list;	/* [q] entry on listener's accept_q or hs_q */
	struct work_struct	hs_work;	/* server handshake of this child */
};

static inline struct smcr_sock *smcr_sk(const struct sock *sk)
{
	return (struct smcr_sock *)sk;
}

static inline bool smcr_is_v6(const struct smcr_sock *smc)
{
	return smc->sk.sk_protocol == SMCPROTO_SMC6;
}

/* af_smcr.c */
extern struct proto smcr_proto;
extern struct proto smcr_proto6;
extern const struct net_proto_family smcr_family_ops;
extern struct workqueue_struct *smcr_hs_wq;	/* handshakes and connect completion */
extern struct workqueue_struct *smcr_listen_wq;	/* accept loops of listeners */
struct smcr_sock *smcr_sock_alloc(struct net *net, struct socket *sock, int protocol,
				  bool kern);
int smcr_switch_to_fallback(struct smcr_sock *smc, u32 reason);
void smcr_child_enqueue(struct smcr_sock *child);
void smcr_child_drop(struct smcr_sock *child);
int smcr_af_init(void);
void smcr_af_ready(void);
void smcr_af_exit(void);

/*
 * af_smcr.c: the list of live AF_SMC socks (management ABI). smcr_sock_walk() calls @fn for the
 * socks of @net on the list of @protocol (SMCPROTO_SMC/SMCPROTO_SMC6), newest first, skipping the
 * first *@pos; it stops at the first non-zero return of @fn and stores in *@pos how many socks are
 * done. @fn runs under the list's read lock and rcu_read_lock(): it must not sleep.
 */
int smcr_sock_walk(struct net *net, int protocol, int *pos,
		   int (*fn)(struct smcr_sock *smc, void *arg), void *arg);
unsigned int smcr_sock_count(struct net *net);

/* clcsock.c: the internal TCP socket and the callbacks we hook on it */
int smcr_clcsock_defaults_init(void);
int smcr_clcsock_create(struct smcr_sock *smc);
void smcr_clcsock_release(struct smcr_sock *smc);
void smcr_clcsock_hooks_install_client(struct smcr_sock *smc);
int smcr_clcsock_hooks_install_listener(struct smcr_sock *smc);
void smcr_clcsock_hooks_restore(struct smcr_sock *smc);
void smcr_clcsock_set_syn_smc(struct smcr_sock *smc, bool on);
bool smcr_clcsock_peer_smc(const struct smcr_sock *smc);
void smcr_clcsock_abort(struct socket *clcsock);
void smcr_clcsock_copy_settings(struct smcr_sock *smc);
void smcr_clcsock_inherit_settings(struct smcr_sock *smc);

/* handshake.c: CLC exchange on the clcsock */
int smcr_connect_handshake(struct smcr_sock *smc);
void smcr_listen_handshake_work(struct work_struct *work);

#endif /* SMCR_H */
