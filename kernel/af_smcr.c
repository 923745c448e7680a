// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: the AF_SMC socket layer.
 *
 * Every AF_SMC socket owns an internal TCP socket, the clcsock (clcsock.c). Until a connection is
 * established it is the clcsock that binds, listens and connects; the CLC handshake
 * (handshake.c) then decides between SMC-R and a fallback to TCP.
 *
 * Fallback: the user's file is switched to the clcsock (smcr_switch_to_fallback()), so every later
 * system call goes straight to TCP with TCP's exact semantics and cost. Calls that were already
 * inside our proto_ops when that happened see use_fallback and are handed to the clcsock too.
 * The file keeps the AF_SMC socket's inode, so close() still releases the AF_SMC socket, which
 * releases the clcsock.
 */
#define pr_fmt(fmt) "smcr: " fmt

#include <linux/module.h>
#include <linux/net.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/tcp.h>
#include <linux/sockios.h>
#include <linux/smc.h>
#include <asm/ioctls.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "smcr.h"
#include "data.h"
#include "policy.h"
#include "stats.h"
#include "sysctl.h"
#include "wire/reason.h"

struct workqueue_struct *smcr_hs_wq;
struct workqueue_struct *smcr_listen_wq;

static const struct proto_ops smcr_sock_ops;

/* ---- the list of live socks (management ABI: sock_diag, SMCR_EXT) ---------------------------- */

static DEFINE_RWLOCK(smcr_socks_lock);
static HLIST_HEAD(smcr_socks4);		/* SMCPROTO_SMC */
static HLIST_HEAD(smcr_socks6);		/* SMCPROTO_SMC6 */

static struct hlist_head *smcr_socks_head(int protocol)
{
	return protocol == SMCPROTO_SMC6 ? &smcr_socks6 : &smcr_socks4;
}

static void smcr_sock_link(struct smcr_sock *smc)
{
	write_lock_bh(&smcr_socks_lock);
	hlist_add_head(&smc->sock_node, smcr_socks_head(smc->sk.sk_protocol));
	write_unlock_bh(&smcr_socks_lock);
}

/* Off the list: on release (as upstream hides released sockets) and, at the latest, on destruct. */
static void smcr_sock_unlink(struct smcr_sock *smc)
{
	write_lock_bh(&smcr_socks_lock);
	if (!hlist_unhashed(&smc->sock_node))
		hlist_del_init(&smc->sock_node);
	write_unlock_bh(&smcr_socks_lock);
}

int smcr_sock_walk(struct net *net, int protocol, int *pos,
		   int (*fn)(struct smcr_sock *smc, void *arg), void *arg)
{
	struct smcr_sock *smc;
	int num = 0, rc = 0;

	read_lock_bh(&smcr_socks_lock);
	rcu_read_lock();	/* what fn reads through the sock (its clcsock) is freed after RCU */
	hlist_for_each_entry(smc, smcr_socks_head(protocol), sock_node) {
		if (!net_eq(sock_net(&smc->sk), net))
			continue;
		if (num < *pos) {
			num++;
			continue;
		}
		rc = fn(smc, arg);
		if (rc)
			break;
		num++;
	}
	rcu_read_unlock();
	read_unlock_bh(&smcr_socks_lock);
	*pos = num;
	return rc;
}

unsigned int smcr_sock_count(struct net *net)
{
	struct smcr_sock *smc;
	unsigned int n = 0;

	read_lock_bh(&smcr_socks_lock);
	hlist_for_each_entry(smc, &smcr_socks4, sock_node)
		n += net_eq(sock_net(&smc->sk), net);
	hlist_for_each_entry(smc, &smcr_socks6, sock_node)
		n += net_eq(sock_net(&smc->sk), net);
	read_unlock_bh(&smcr_socks_lock);
	return n;
}

static void smcr_destruct(struct sock *sk)
{
	WARN_ON_ONCE(smcr_sk(sk)->clcsock);
	smcr_sock_unlink(smcr_sk(sk));
}

static void smcr_connect_work(struct work_struct *work);
static void smcr_listen_work(struct work_struct *work);

/**
 * smcr_sock_alloc() - allocate and initialise an AF_SMC sock
 * @net: network namespace
 * @sock: the socket to attach to, or NULL for a listener's child
 * @protocol: SMCPROTO_SMC or SMCPROTO_SMC6
 * @kern: created by the kernel (no netns reference)
 *
 * Return: the new sock with one reference, or NULL.
 */
struct smcr_sock *smcr_sock_alloc(struct net *net, struct socket *sock, int protocol, bool kern)
{
	struct proto *prot = protocol == SMCPROTO_SMC6 ? &smcr_proto6 : &smcr_proto;
	struct smcr_sock *smc;
	struct sock *sk;

	sk = sk_alloc(net, PF_SMC, GFP_KERNEL, prot, kern);
	if (!sk)
		return NULL;
	sock_init_data(sock, sk);
	sk->sk_state = SMCR_INIT;
	sk->sk_destruct = smcr_destruct;
	sk->sk_protocol = protocol;

	/* net.smc.wmem / rmem: initial buffer sizes, twice the sysctl as upstream */
	WRITE_ONCE(sk->sk_sndbuf, 2 * smcr_sysctl_wmem(net));
	WRITE_ONCE(sk->sk_rcvbuf, 2 * smcr_sysctl_rmem(net));

	smc = smcr_sk(sk);
	smc->limit_smc_hs = smcr_sysctl_limit_hs(net);	/* SMC_LIMIT_HS default of the netns */
	INIT_HLIST_NODE(&smc->sock_node);
	INIT_WORK(&smc->connect_work, smcr_connect_work);
	INIT_WORK(&smc->listen_work, smcr_listen_work);
	INIT_WORK(&smc->hs_work, smcr_listen_handshake_work);
	spin_lock_init(&smc->accept_lock);
	INIT_LIST_HEAD(&smc->accept_q);
	INIT_LIST_HEAD(&smc->hs_q);
	INIT_LIST_HEAD(&smc->accept_list);
	smcr_conn_init(smc);	/* SMC-R data path: locks and works (cdc.c) */
	smcr_sock_link(smc);
	smcr_mib_inc(net, SMCR_MIB_SOCKCREATE);
	return smc;
}

/* Point the user's file at the clcsock: from now on TCP serves every system call. */
static void smcr_swap_file(struct smcr_sock *smc)
{
	struct socket *sock = smc->sk.sk_socket;
	struct socket *clc = smc->clcsock;

	if (smc->file_swapped || !sock || !sock->file || !clc)
		return;
	smcr_clcsock_copy_settings(smc);
	clc->file = sock->file;
	/* SIGIO owners registered so far move along with the file */
	clc->wq.fasync_list = sock->wq.fasync_list;
	sock->wq.fasync_list = NULL;
	smp_wmb(); /* use_fallback and clcsock before the new private_data */
	WRITE_ONCE(sock->file->private_data, clc);
	smc->file_swapped = true;
}

/**
 * smcr_switch_to_fallback() - carry this connection over plain TCP from now on
 * @smc: socket, lock_sock() held
 * @reason: SMCR_DECL_* code kept for diagnostics (0: the TCP connect itself failed)
 *
 * Return: 0.
 */
int smcr_switch_to_fallback(struct smcr_sock *smc, u32 reason)
{
	if (!smc->use_fallback) {
		smc->fallback_rsn = reason;
		WRITE_ONCE(smc->use_fallback, true);
		/*
		 * upstream's GET_FBACK_STATS: every fallback, once per socket (0 is no reason);
		 * a policy verdict is no fallback and is counted apart (policy.c)
		 */
		if (reason != SMCR_DECL_POLICY)
			smcr_stat_fallback(sock_net(&smc->sk), smc->is_child, reason);
	}
	smcr_swap_file(smc);
	/* pollers of the AF_SMC socket re-poll and now reach TCP */
	smc->sk.sk_state_change(&smc->sk);
	return 0;
}

/* The clcsock of a socket in fallback, for calls that raced with the switch; else NULL. */
static struct socket *smcr_fallback_sock(const struct smcr_sock *smc)
{
	if (!READ_ONCE(smc->use_fallback))
		return NULL;
	smp_rmb();
	return smc->clcsock;
}

/* ---- listener children ---------------------------------------------------------------- */

/* Release a child that never reached accept(): reset its TCP connection and free it. */
static void __smcr_child_free(struct smcr_sock *child)
{
	struct smcr_sock *lsmc = child->listen_smc;

	lock_sock(&child->sk);
	if (smcr_conn_active(child)) {
		/* SMC-R: close the connection; its CLOSED state releases the clcsock */
		smcr_close_release(child);
	} else {
		child->sk.sk_state = SMCR_CLOSED;
		if (child->clcsock) {
			smcr_clcsock_abort(child->clcsock);
			smcr_clcsock_release(child);
		}
	}
	release_sock(&child->sk);
	sock_set_flag(&child->sk, SOCK_DEAD);
	child->listen_smc = NULL;
	sock_put(&lsmc->sk);	/* the child's reference on its listener */
	sock_put(&child->sk);	/* the child's base reference */
}

/**
 * smcr_child_drop() - a child's handshake failed: take it off the listener and free it
 * @child: child owned by its handshake work
 */
void smcr_child_drop(struct smcr_sock *child)
{
	struct smcr_sock *lsmc = child->listen_smc;

	spin_lock(&lsmc->accept_lock);
	list_del_init(&child->accept_list);
	lsmc->pending--;
	spin_unlock(&lsmc->accept_lock);
	__smcr_child_free(child);
}

/**
 * smcr_child_enqueue() - a child finished its handshake: make it available to accept()
 * @child: child owned by its handshake work; its base reference moves to the accept queue
 */
void smcr_child_enqueue(struct smcr_sock *child)
{
	struct smcr_sock *lsmc = child->listen_smc;
	struct sock *lsk = &lsmc->sk;
	bool closed;

	spin_lock(&lsmc->accept_lock);
	closed = READ_ONCE(lsk->sk_state) != SMCR_LISTEN;
	if (!closed)
		list_move_tail(&child->accept_list, &lsmc->accept_q);
	spin_unlock(&lsmc->accept_lock);
	if (closed) {
		smcr_child_drop(child);
		return;
	}
	lsk->sk_data_ready(lsk);
}

static struct smcr_sock *smcr_accept_dequeue(struct smcr_sock *lsmc)
{
	struct smcr_sock *child;

	spin_lock(&lsmc->accept_lock);
	child = list_first_entry_or_null(&lsmc->accept_q, struct smcr_sock, accept_list);
	if (child) {
		list_del_init(&child->accept_list);
		lsmc->pending--;
	}
	spin_unlock(&lsmc->accept_lock);
	return child;
}

static void smcr_listen_kick(struct smcr_sock *lsmc)
{
	sock_hold(&lsmc->sk);
	if (!queue_work(smcr_listen_wq, &lsmc->listen_work))
		sock_put(&lsmc->sk);
}

static bool smcr_listen_full(struct smcr_sock *lsmc)
{
	bool full;

	spin_lock(&lsmc->accept_lock);
	full = lsmc->pending >= max_t(u32, READ_ONCE(lsmc->sk.sk_max_ack_backlog), 1);
	spin_unlock(&lsmc->accept_lock);
	return full;
}

/* Take the TCP children of the listening clcsock and start one handshake for each. */
static void smcr_listen_work(struct work_struct *work)
{
	struct smcr_sock *lsmc = container_of(work, struct smcr_sock, listen_work);
	struct sock *lsk = &lsmc->sk;
	struct socket *newclc;
	struct smcr_sock *child;

	lock_sock(lsk);
	while (lsk->sk_state == SMCR_LISTEN && !smcr_listen_full(lsmc)) {
		if (kernel_accept(lsmc->clcsock, &newclc, O_NONBLOCK))
			break;
		child = smcr_sock_alloc(sock_net(lsk), NULL, lsk->sk_protocol,
					!lsk->sk_net_refcnt);
		if (!child) {
			smcr_clcsock_abort(newclc);
			sock_release(newclc);
			continue;
		}
		child->clcsock = newclc;
		child->is_child = true;
		/* the TCP child inherited the listener's data_ready hook */
		smcr_clcsock_hooks_restore(child);
		/* and its handshake-limitation hook (SMC_LIMIT_HS), only meant for listeners */
		WRITE_ONCE(tcp_sk(newclc->sk)->smc_hs_congested, NULL);
		smcr_clcsock_inherit_settings(child);
		child->sk.sk_uid = lsk->sk_uid;
		sock_hold(lsk);
		child->listen_smc = lsmc;

		spin_lock(&lsmc->accept_lock);
		list_add_tail(&child->accept_list, &lsmc->hs_q);
		lsmc->pending++;
		spin_unlock(&lsmc->accept_lock);
		queue_work(smcr_hs_wq, &child->hs_work);
	}
	release_sock(lsk);
	sock_put(lsk);
}

/* Listener closes: children still queued for accept() are reset, as TCP does. */
static void smcr_listen_drain(struct smcr_sock *lsmc)
{
	struct smcr_sock *child, *tmp;
	LIST_HEAD(dead);

	spin_lock(&lsmc->accept_lock);
	list_splice_init(&lsmc->accept_q, &dead);
	list_for_each_entry(child, &dead, accept_list)
		lsmc->pending--;
	spin_unlock(&lsmc->accept_lock);

	list_for_each_entry_safe(child, tmp, &dead, accept_list) {
		list_del_init(&child->accept_list);
		__smcr_child_free(child);
	}
	/* children still in their handshake find the listener closed and drop themselves */
}

/* ---- proto_ops ------------------------------------------------------------------------ */

static int smcr_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct smcr_sock *smc;
	bool was_listening;

	if (!sk)
		return 0;
	smc = smcr_sk(sk);

	lock_sock(sk);
	if (smc->connect_nonblock && smc->clcsock)
		/* wakes connect_work out of its wait for the TCP handshake */
		kernel_sock_shutdown(smc->clcsock, SHUT_RDWR);
	release_sock(sk);
	if (cancel_work_sync(&smc->connect_work))
		sock_put(sk);	/* the queued work's reference */

	lock_sock(sk);
	was_listening = sk->sk_state == SMCR_LISTEN;
	if (smcr_conn_active(smc)) {
		/* SMC-R: the close protocol decides when connection and clcsock go (close.c) */
		smcr_close_release(smc);
	} else {
		spin_lock(&smc->accept_lock);
		sk->sk_state = SMCR_CLOSED;	/* under accept_lock: children stop enqueueing */
		spin_unlock(&smc->accept_lock);
		sk->sk_shutdown = SHUTDOWN_MASK;
		smcr_clcsock_release(smc);
	}
	smcr_sock_unlink(smc);
	sock_orphan(sk);
	sock->sk = NULL;
	release_sock(sk);

	if (was_listening) {
		if (cancel_work_sync(&smc->listen_work))
			sock_put(sk);
		smcr_listen_drain(smc);
	}
	sock_put(sk);	/* the socket's reference */
	return 0;
}

static int smcr_bind(struct socket *sock, struct sockaddr *uaddr, int addr_len)
{
	struct sock *sk = sock->sk;
	struct smcr_sock *smc = smcr_sk(sk);
	int rc = -EINVAL;

	lock_sock(sk);
	if (sk->sk_state == SMCR_INIT && !smc->connect_nonblock && smc->clcsock) {
		smcr_clcsock_copy_settings(smc);
		rc = kernel_bind(smc->clcsock, uaddr, addr_len);
	}
	release_sock(sk);
	return rc;
}

/* Wait (with the socket locked) until a non-blocking connect in progress has finished. */
static int smcr_wait_connect_done(struct smcr_sock *smc, long timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct sock *sk = &smc->sk;
	int rc = 0;

	add_wait_queue(sk_sleep(sk), &wait);
	while (smc->connect_nonblock) {
		if (!timeo) {
			rc = -EINPROGRESS;
			break;
		}
		if (signal_pending(current)) {
			rc = sock_intr_errno(timeo);
			break;
		}
		sk_wait_event(sk, &timeo, !smc->connect_nonblock, &wait);
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	return rc;
}

/* Outcome of a connect that connect_work finished, as a repeated blocking connect reports it. */
static int smcr_connect_result(struct smcr_sock *smc)
{
	struct sock *sk = &smc->sk;

	if (sk->sk_err)
		return sock_error(sk);
	if (smc->use_fallback && !smc->fallback_rsn && smc->clcsock)
		/* the TCP connect itself failed */
		return sock_error(smc->clcsock->sk) ? : -ECONNABORTED;
	return sk->sk_state == SMCR_ACTIVE ? 0 : -ECONNABORTED;
}

static int smcr_connect(struct socket *sock, struct sockaddr *addr, int alen, int flags)
{
	struct sock *sk = sock->sk;
	struct smcr_sock *smc = smcr_sk(sk);
	struct socket *clc;
	int rc;

	if (alen < (int)sizeof(addr->sa_family))
		return -EINVAL;

	lock_sock(sk);
	clc = smcr_fallback_sock(smc);
	if (clc) {
		release_sock(sk);
		return clc->ops->connect(clc, addr, alen, flags);
	}
	if (smc->connect_nonblock) {
		if (flags & O_NONBLOCK) {
			rc = -EALREADY;
			goto out;
		}
		rc = smcr_wait_connect_done(smc, sock_sndtimeo(sk, false));
		if (!rc)
			rc = smcr_connect_result(smc);
		goto out;
	}
	switch (sk->sk_state) {
	case SMCR_INIT:
		break;
	case SMCR_ACTIVE:
		rc = -EISCONN;
		goto out;
	default:
		rc = -EINVAL;
		goto out;
	}

	if (smcr_policy_connect_tcp(smc, addr, alen)) {
		/* the SMC policy chose TCP: no SMC option in the SYN, TCP from the start */
		smcr_switch_to_fallback(smc, SMCR_DECL_POLICY);
		clc = smc->clcsock;
		release_sock(sk);
		rc = clc->ops->connect(clc, addr, alen, flags);
		if (!rc || rc == -EINPROGRESS) {
			/* as any fallback: the AF_SMC socket (sock_diag) is no longer INIT */
			lock_sock(sk);
			if (sk->sk_state == SMCR_INIT)
				sk->sk_state = SMCR_ACTIVE;
			release_sock(sk);
		}
		return rc;
	}
	smcr_clcsock_copy_settings(smc);
	smcr_clcsock_set_syn_smc(smc, true);
	smcr_clcsock_hooks_install_client(smc);
	rc = kernel_connect(smc->clcsock, addr, alen, flags & O_NONBLOCK);
	if (rc == 0) {
		rc = smcr_connect_handshake(smc);
		if (rc) {
			sk->sk_state = SMCR_CLOSED;
			kernel_sock_shutdown(smc->clcsock, SHUT_RDWR);
		} else {
			sock->state = SS_CONNECTED;
		}
	} else if (rc == -EINPROGRESS || rc == -EINTR || rc == -ERESTARTSYS) {
		/* TCP goes on in the background; connect_work finishes the job */
		smc->connect_nonblock = true;
		sock_hold(sk);
		if (!queue_work(smcr_hs_wq, &smc->connect_work))
			sock_put(sk);
	} else {
		smcr_mib_inc(sock_net(sk), SMCR_MIB_CONNECT_FAIL);
	}
out:
	release_sock(sk);
	return rc;
}

static void smcr_connect_work(struct work_struct *work)
{
	struct smcr_sock *smc = container_of(work, struct smcr_sock, connect_work);
	long timeo = MAX_SCHEDULE_TIMEOUT;
	struct sock *sk = &smc->sk;
	struct sock *clcsk;
	bool established;
	int rc;

	lock_sock(sk);
	if (sk->sk_state != SMCR_INIT || !smc->clcsock)
		goto out;
	clcsk = smc->clcsock->sk;
	release_sock(sk);

	lock_sock(clcsk);
	if (!clcsk->sk_err && ((1 << clcsk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)))
		sk_stream_wait_connect(clcsk, &timeo);
	established = (1 << clcsk->sk_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT);
	release_sock(clcsk);

	lock_sock(sk);
	if (sk->sk_state != SMCR_INIT || !smc->clcsock)
		goto out;	/* released meanwhile */
	if (!established) {
		/* TCP failed: the user reads TCP's error (SO_ERROR, poll) from the clcsock */
		smcr_mib_inc(sock_net(sk), SMCR_MIB_CONNECT_FAIL);
		sk->sk_state = SMCR_CLOSED;
		smcr_switch_to_fallback(smc, 0);
		goto out;
	}
	rc = smcr_connect_handshake(smc);
	if (rc) {
		sk->sk_err = -rc;
		sk->sk_state = SMCR_CLOSED;
		kernel_sock_shutdown(smc->clcsock, SHUT_RDWR);
		sk_error_report(sk);
	} else if (sk->sk_socket) {
		sk->sk_socket->state = SS_CONNECTED;
	}
out:
	smc->connect_nonblock = false;
	sk->sk_state_change(sk);
	release_sock(sk);
	sock_put(sk);
}

/*
 * SMC_LIMIT_HS on a listener: TCP asks this (softirq, listener's clcsock) before it answers a SYN
 * carrying the SMC option. True makes the SYN-ACK go without the option, so the connection is
 * plain TCP from the start (PEERNOSMC on both sides, no CLC exchange for the server). We say
 * "congested" while the handshake workqueue has work waiting for a worker (upstream's test) or
 * the listener already holds backlog connections in handshake or waiting for accept().
 */
static bool smcr_hs_congested(const struct sock *clcsk)
{
	struct sock *sk = (struct sock *)clcsk;	/* for its callback lock */
	struct smcr_sock *lsmc;
	bool congested = true;

	read_lock_bh(&sk->sk_callback_lock);
	lsmc = __rcu_dereference_sk_user_data_with_flags(sk, SK_USER_DATA_NOCOPY);
	if (lsmc)	/* hooks installed: lsmc stays alive while we hold the lock */
		congested = workqueue_congested(WORK_CPU_UNBOUND, smcr_hs_wq) ||
			    READ_ONCE(lsmc->pending) >=
			    max_t(u32, READ_ONCE(lsmc->sk.sk_max_ack_backlog), 1);
	read_unlock_bh(&sk->sk_callback_lock);
	return congested;
}

static int smcr_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	struct smcr_sock *smc = smcr_sk(sk);
	int rc = -EINVAL;

	lock_sock(sk);
	if ((sk->sk_state != SMCR_INIT && sk->sk_state != SMCR_LISTEN) ||
	    smc->connect_nonblock || !smc->clcsock)
		goto out;

	if (sk->sk_state == SMCR_LISTEN) {
		/* listen() again only changes the backlog, as with TCP */
		rc = kernel_listen(smc->clcsock, backlog);
		if (!rc)
			WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
		goto out;
	}

	smcr_clcsock_copy_settings(smc);
	smcr_clcsock_set_syn_smc(smc, !smc->use_fallback);
	rc = smcr_clcsock_hooks_install_listener(smc);
	if (rc)
		goto out;
	/* SMC_LIMIT_HS as it is when listen() is called (as upstream) */
	WRITE_ONCE(tcp_sk(smc->clcsock->sk)->smc_hs_congested,
		   smc->limit_smc_hs ? smcr_hs_congested : NULL);
	rc = kernel_listen(smc->clcsock, backlog);
	if (rc) {
		smcr_clcsock_hooks_restore(smc);
		goto out;
	}
	WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
	sk->sk_ack_backlog = 0;
	sk->sk_state = SMCR_LISTEN;
	/* children may already be waiting in TCP */
	smcr_listen_kick(smc);
out:
	release_sock(sk);
	return rc;
}

static int smcr_accept(SMCR_ACCEPT_ARGS)
{
	struct sock *lsk = sock->sk;
	struct smcr_sock *lsmc = smcr_sk(lsk);
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct smcr_sock *child = NULL;
	bool was_full;
	long timeo;
	int rc = 0;

	sock_hold(lsk);
	lock_sock(lsk);
	if (lsk->sk_state != SMCR_LISTEN) {
		rc = -EINVAL;
		goto out;
	}
	timeo = sock_rcvtimeo(lsk, SMCR_ACCEPT_FLAGS & O_NONBLOCK);
	add_wait_queue_exclusive(sk_sleep(lsk), &wait);
	for (;;) {
		was_full = smcr_listen_full(lsmc);
		child = smcr_accept_dequeue(lsmc);
		if (child)
			break;
		if (!timeo) {
			rc = -EAGAIN;
			break;
		}
		if (signal_pending(current)) {
			rc = sock_intr_errno(timeo);
			break;
		}
		sk_wait_event(lsk, &timeo, !list_empty(&lsmc->accept_q) ||
			      lsk->sk_state != SMCR_LISTEN, &wait);
		if (lsk->sk_state != SMCR_LISTEN) {
			rc = -EINVAL;
			break;
		}
	}
	remove_wait_queue(sk_sleep(lsk), &wait);
	if (!child)
		goto out;

	if (was_full)
		smcr_listen_kick(lsmc);	/* room again for TCP's waiting children */
	sock_put(lsk);			/* the child's reference on its listener */
	child->listen_smc = NULL;

	lock_sock(&child->sk);
	sock_graft(&child->sk, newsock);
	newsock->state = SS_CONNECTED;
	smcr_want_sol_socket(newsock);
	if (child->use_fallback)
		smcr_swap_file(child);
	release_sock(&child->sk);
	smcr_mib_inc(sock_net(lsk), SMCR_MIB_ACCEPTED);
out:
	release_sock(lsk);
	sock_put(lsk);
	return rc;
}

static int smcr_getname(struct socket *sock, struct sockaddr *addr, int peer)
{
	struct smcr_sock *smc = smcr_sk(sock->sk);
	struct socket *clc = smc->clcsock;

	if (!clc)
		return -EBADF;
	return clc->ops->getname(clc, addr, peer);
}

static __poll_t smcr_poll(struct file *file, struct socket *sock, poll_table *wait)
{
	struct sock *sk = sock->sk;
	struct smcr_sock *smc;
	struct socket *clc;
	__poll_t mask = 0;

	if (!sk)
		return EPOLLNVAL;
	smc = smcr_sk(sk);
	/*
	 * Register first, then look at the state: a connect that completes (and switches to TCP,
	 * waking this queue) between the two must not leave the poller registered with a stale
	 * answer — with edge-triggered epoll no other wake-up would come. Wake-ups of the clcsock
	 * reach this queue too (clcsock.c), and tcp_poll() registers on the clcsock's own.
	 */
	sock_poll_wait(file, sock, wait);
	clc = smcr_fallback_sock(smc);
	if (clc)
		return clc->ops->poll(file, clc, wait);

	if (READ_ONCE(sk->sk_state) == SMCR_LISTEN) {
		if (!list_empty_careful(&smc->accept_q))
			mask |= EPOLLIN | EPOLLRDNORM;
		return mask;
	}
	if (smcr_conn_active(smc))
		return smcr_dp_poll(smc);
	if (READ_ONCE(sk->sk_err))
		mask |= EPOLLERR;
	if (READ_ONCE(sk->sk_state) == SMCR_CLOSED)
		mask |= EPOLLHUP;
	else if (READ_ONCE(sk->sk_state) == SMCR_INIT && !READ_ONCE(smc->connect_nonblock))
		/* as an unconnected TCP socket */
		mask |= EPOLLOUT | EPOLLWRNORM | EPOLLHUP;
	return mask;
}

static int smcr_shutdown(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;
	struct smcr_sock *smc = smcr_sk(sk);
	struct socket *clc;
	int rc = -ENOTCONN;

	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	lock_sock(sk);
	clc = smcr_fallback_sock(smc);
	if (clc) {
		release_sock(sk);
		return clc->ops->shutdown(clc, how);
	}
	if (smcr_conn_active(smc)) {
		rc = smcr_close_shutdown(smc, how);
		release_sock(sk);
		return rc;
	}
	if (sk->sk_state == SMCR_LISTEN && smc->clcsock) {
		/* as TCP: shutting down a listener stops it; accept() then fails */
		rc = kernel_sock_shutdown(smc->clcsock, how);
		if (!rc && how != SHUT_WR) {
			smcr_clcsock_hooks_restore(smc);
			spin_lock(&smc->accept_lock);
			sk->sk_state = SMCR_CLOSED;
			spin_unlock(&smc->accept_lock);
			sk->sk_state_change(sk);
		}
	}
	release_sock(sk);
	if (sk->sk_state == SMCR_CLOSED && !rc)
		smcr_listen_drain(smc);
	return rc;
}

/* Socket options that SMC cannot carry: set before connect, they make the socket plain TCP. */
static bool smcr_tcp_only_opt(int level, int optname)
{
	if (level != SOL_TCP)
		return false;
	switch (optname) {
	case TCP_ULP:
	case TCP_FASTOPEN:
	case TCP_FASTOPEN_CONNECT:
	case TCP_FASTOPEN_KEY:
	case TCP_FASTOPEN_NO_COOKIE:
		return true;
	}
	return false;
}

/* SOL_SMC options (upstream: SMC_LIMIT_HS only). */
static int smcr_setsockopt_smc(struct socket *sock, int optname, sockptr_t optval,
			       unsigned int optlen)
{
	struct sock *sk = sock->sk;
	int val;

	if (optname != SMC_LIMIT_HS)
		return -EOPNOTSUPP;
	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(int)))
		return -EFAULT;
	lock_sock(sk);
	smcr_sk(sk)->limit_smc_hs = !!val;	/* takes effect at the next listen() */
	release_sock(sk);
	return 0;
}

static int smcr_getsockopt_smc(struct socket *sock, int optname, char __user *optval,
			       int __user *optlen)
{
	int val, len;

	if (get_user(len, optlen))
		return -EFAULT;
	len = min_t(int, len, sizeof(int));
	if (len < 0)
		return -EINVAL;
	if (optname != SMC_LIMIT_HS)
		return -EOPNOTSUPP;
	val = READ_ONCE(smcr_sk(sock->sk)->limit_smc_hs);
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}

static int smcr_setsockopt(struct socket *sock, int level, int optname, sockptr_t optval,
			   unsigned int optlen)
{
	struct sock *sk = sock->sk;
	struct smcr_sock *smc = smcr_sk(sk);
	struct socket *clc = smc->clcsock;	/* stable until release */
	int rc;

	if (level == SOL_SMC)
		return smcr_setsockopt_smc(sock, optname, optval, optlen);
	if (!clc)
		return -EBADF;
	if (level == SOL_SOCKET) {
		/* TCP's answer is the user's answer; mirror the option on the AF_SMC sock */
		rc = sock_setsockopt(clc, level, optname, optval, optlen);
		if (!rc)
			sock_setsockopt(sock, level, optname, optval, optlen);
		return rc;
	}
	if (!clc->ops->setsockopt)
		return -EOPNOTSUPP;
	rc = clc->ops->setsockopt(clc, level, optname, optval, optlen);
	if (!rc)
		smcr_tx_setsockopt(smc, level, optname, optval, optlen);	/* NODELAY, CORK */
	if (rc || !smcr_tcp_only_opt(level, optname))
		return rc;

	lock_sock(sk);
	if (!smc->use_fallback) {
		if (sk->sk_state == SMCR_INIT && !smc->connect_nonblock) {
			smcr_mib_inc(sock_net(sk), SMCR_MIB_FB_OPTUNSUPP);
			smcr_switch_to_fallback(smc, SMCR_DECL_OPTUNSUPP);
		} else {
			/*
			 * As upstream: too late to fall back, and the option cannot apply to an
			 * SMC connection (a TCP_ULP "tls" on the clcsock would let kTLS users
			 * believe their data is encrypted while it goes over RDMA in the clear).
			 */
			rc = -EINVAL;
		}
	}
	release_sock(sk);
	return rc;
}

static int smcr_getsockopt(struct socket *sock, int level, int optname, char __user *optval,
			   int __user *optlen)
{
	struct smcr_sock *smc = smcr_sk(sock->sk);
	struct socket *clc = smc->clcsock;

	if (level == SOL_SMC)
		return smcr_getsockopt_smc(sock, optname, optval, optlen);
	if (!clc)
		return -EBADF;
	if (!clc->ops->getsockopt)
		return -EOPNOTSUPP;
	return clc->ops->getsockopt(clc, level, optname, optval, optlen);
}

static int smcr_sendmsg(struct socket *sock, struct msghdr *msg, size_t len)
{
	struct sock *sk = sock->sk;
	struct smcr_sock *smc = smcr_sk(sk);
	struct socket *clc;
	int rc = -EPIPE;

	lock_sock(sk);
	if ((msg->msg_flags & MSG_FASTOPEN) && !smc->use_fallback) {
		if (sk->sk_state != SMCR_INIT || smc->connect_nonblock) {
			release_sock(sk);
			return -EINVAL;
		}
		smcr_mib_inc(sock_net(sk), SMCR_MIB_FB_OPTUNSUPP);
		smcr_switch_to_fallback(smc, SMCR_DECL_OPTUNSUPP);
	}
	clc = smcr_fallback_sock(smc);
	if (clc) {
		release_sock(sk);
		return clc->ops->sendmsg(clc, msg, len);
	}
	if (smcr_conn_active(smc)) {
		rc = smcr_tx_sendmsg(smc, msg, len);
		release_sock(sk);
		return rc;
	}
	if (sk->sk_state == SMCR_INIT && smc->connect_nonblock)
		rc = -EAGAIN;
	if (rc == -EPIPE)
		rc = sk_stream_error(sk, msg->msg_flags, rc);
	release_sock(sk);
	return rc;
}

static int smcr_recvmsg(struct socket *sock, struct msghdr *msg, size_t len, int flags)
{
	struct smcr_sock *smc = smcr_sk(sock->sk);
	struct socket *clc = smcr_fallback_sock(smc);

	int rc;

	if (clc)
		return clc->ops->recvmsg(clc, msg, len, flags);
	if (smcr_conn_active(smc)) {
		lock_sock(sock->sk);
		rc = smcr_rx_recvmsg(smc, msg, len, flags);
		release_sock(sock->sk);
		return rc;
	}
	return -ENOTCONN;
}

static ssize_t smcr_splice_read(struct socket *sock, loff_t *ppos, struct pipe_inode_info *pipe,
				size_t len, unsigned int flags)
{
	struct smcr_sock *smc = smcr_sk(sock->sk);
	struct socket *clc = smcr_fallback_sock(smc);

	if (clc)
		return clc->ops->splice_read(clc, ppos, pipe, len, flags);
	if (smcr_conn_active(smc)) {
		if (sock->file && (sock->file->f_flags & O_NONBLOCK))
			flags |= SPLICE_F_NONBLOCK;
		return smcr_rx_splice_read(smc, pipe, len, flags);
	}
	return -ENOTCONN;
}

#ifdef SMCR_HAVE_SENDPAGE
static ssize_t smcr_sendpage(struct socket *sock, struct page *page, int offset, size_t size,
			     int flags)
{
	struct smcr_sock *smc = smcr_sk(sock->sk);
	struct socket *clc = smcr_fallback_sock(smc);

	if (clc)
		return clc->ops->sendpage(clc, page, offset, size, flags);
	if (smcr_conn_active(smc))
		return smcr_tx_sendpage(smc, page, offset, size, flags);
	return -ENOTCONN;
}
#endif

static int smcr_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	struct sock *sk = sock->sk;
	struct smcr_sock *smc = smcr_sk(sk);
	struct socket *clc = smcr_fallback_sock(smc);

	if (clc)
		return clc->ops->ioctl(clc, cmd, arg);
	if (smcr_conn_active(smc))
		return smcr_dp_ioctl(smc, cmd, arg);
	switch (cmd) {
	case SIOCINQ:
	case SIOCOUTQ:
	case SIOCOUTQNSD:
		if (READ_ONCE(sk->sk_state) == SMCR_LISTEN)
			return -EINVAL;
		return put_user(0, (int __user *)arg);
	case SIOCATMARK:
		return put_user(0, (int __user *)arg);
	}
	return -ENOIOCTLCMD;
}

static const struct proto_ops smcr_sock_ops = {
	.family		= PF_SMC,
	.owner		= THIS_MODULE,
	.release	= smcr_release,
	.bind		= smcr_bind,
	.connect	= smcr_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= smcr_accept,
	.getname	= smcr_getname,
	.poll		= smcr_poll,
	.ioctl		= smcr_ioctl,
	.listen		= smcr_listen,
	.shutdown	= smcr_shutdown,
	.setsockopt	= smcr_setsockopt,
	.getsockopt	= smcr_getsockopt,
	.sendmsg	= smcr_sendmsg,
	.recvmsg	= smcr_recvmsg,
	.mmap		= sock_no_mmap,
#ifdef SMCR_HAVE_SENDPAGE
	.sendpage	= smcr_sendpage,
#endif
	.splice_read	= smcr_splice_read,
};

/* Set once module init cannot fail any more (smcr_af_ready()). */
static bool smcr_af_is_ready;

static int smcr_create(struct net *net, struct socket *sock, int protocol, int kern)
{
	struct smcr_sock *smc;
	int rc;

	/*
	 * The family is registered before the management ABI; a socket created before init has
	 * finished would outlive a failing init. Until then there is no AF_SMC.
	 */
	if (!smp_load_acquire(&smcr_af_is_ready))
		return -EAFNOSUPPORT;
	if (sock->type != SOCK_STREAM)
		return -ESOCKTNOSUPPORT;
	if (protocol != SMCPROTO_SMC && protocol != SMCPROTO_SMC6)
		return -EPROTONOSUPPORT;

	sock->state = SS_UNCONNECTED;
	sock->ops = &smcr_sock_ops;
	smc = smcr_sock_alloc(net, sock, protocol, kern);
	if (!smc)
		return -ENOBUFS;
	rc = smcr_clcsock_create(smc);
	if (rc) {
		sock_orphan(&smc->sk);
		sock->sk = NULL;
		sock_put(&smc->sk);
		return rc;
	}
	/* SOL_SOCKET options must reach the clcsock too (smcr_setsockopt) */
	smcr_want_sol_socket(sock);
	return 0;
}

const struct net_proto_family smcr_family_ops = {
	.family	= PF_SMC,
	.owner	= THIS_MODULE,
	.create	= smcr_create,
};

struct proto smcr_proto = {
	.name		= "SMC",
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct smcr_sock),
	.release_cb	= smcr_release_cb,
};

struct proto smcr_proto6 = {
	.name		= "SMC6",
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct smcr_sock),
	.release_cb	= smcr_release_cb,
};

int smcr_af_init(void)
{
	int rc;

	smcr_hs_wq = alloc_workqueue("smcr_hs", WQ_UNBOUND, 0);
	smcr_listen_wq = alloc_workqueue("smcr_listen", 0, 0);
	rc = -ENOMEM;
	if (!smcr_hs_wq || !smcr_listen_wq || smcr_dp_init())
		goto out_wq;

	rc = proto_register(&smcr_proto, 1);
	if (rc)
		goto out_wq;
	rc = proto_register(&smcr_proto6, 1);
	if (rc)
		goto out_proto;
	rc = sock_register(&smcr_family_ops);
	if (rc) {
		if (rc == -EEXIST)
			pr_err("address family AF_SMC (43) is already registered, most likely by the stock 'smc' module; unload it first (rmmod smc_diag smc)\n");
		goto out_proto6;
	}
	return 0;

out_proto6:
	proto_unregister(&smcr_proto6);
out_proto:
	proto_unregister(&smcr_proto);
out_wq:
	if (smcr_dp_wq)
		smcr_dp_exit();
	if (smcr_listen_wq)
		destroy_workqueue(smcr_listen_wq);
	if (smcr_hs_wq)
		destroy_workqueue(smcr_hs_wq);
	return rc;
}

/* Module init has succeeded: AF_SMC sockets may be created from now on. */
void smcr_af_ready(void)
{
	smp_store_release(&smcr_af_is_ready, true);
}

void smcr_af_exit(void)
{
	sock_unregister(PF_SMC);
	/* handshakes of children whose listener is gone end within SMCR_CLC_WAIT_TIME */
	destroy_workqueue(smcr_hs_wq);
	destroy_workqueue(smcr_listen_wq);
	smcr_dp_exit();	/* data path works of the last sockets */
	synchronize_net();
	rcu_barrier();	/* sockets freed through RCU go back to our slabs first */
	proto_unregister(&smcr_proto6);
	proto_unregister(&smcr_proto);
}
