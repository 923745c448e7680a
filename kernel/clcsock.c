// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: the internal TCP socket ("clcsock") of an AF_SMC socket.
 *
 * The clcsock carries the SYN-option rendezvous and the CLC handshake, and becomes the data
 * transport when a connection falls back to TCP. We hook a few of its callbacks:
 *
 *  - a listener's sk_data_ready, to run the accept loop of the AF_SMC listener;
 *  - a client's data_ready/write_space/state_change/error_report, to forward wake-ups to the
 *    AF_SMC socket's wait queue: a poller registered on the AF_SMC socket before a fallback must
 *    keep seeing TCP events after the file was switched to the clcsock.
 *
 * sk_user_data holds the AF_SMC socket with SK_USER_DATA_NOCOPY, so TCP children cloned from a
 * listener do not inherit it. Children do inherit the listener's callback pointers; a hook that
 * finds no user data calls TCP's default callback, and the accept loop resets the child's
 * callbacks before it uses the child. Install and restore run under the write side of
 * sk_callback_lock, the hooks under the read side: after smcr_clcsock_hooks_restore() returns,
 * no hook can reach the AF_SMC socket any more.
 */
#define pr_fmt(fmt) "smcr: " fmt

#include <linux/net.h>
#include <linux/tcp.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "smcr.h"
#include "data.h"
#include "mib.h"
#include "replace.h"

/* TCP's own default callbacks, learned once from a throw-away socket (they are not exported). */
static void (*smcr_tcp_data_ready)(struct sock *sk) __read_mostly;
static void (*smcr_tcp_write_space)(struct sock *sk) __read_mostly;
static void (*smcr_tcp_state_change)(struct sock *sk) __read_mostly;
static void (*smcr_tcp_error_report)(struct sock *sk) __read_mostly;

int smcr_clcsock_defaults_init(void)
{
	struct socket *sock;
	int rc;

	rc = sock_create_kern(&init_net, AF_INET, SOCK_STREAM, IPPROTO_TCP, &sock);
	if (rc)
		return rc;
	smcr_tcp_data_ready = sock->sk->sk_data_ready;
	smcr_tcp_write_space = sock->sk->sk_write_space;
	smcr_tcp_state_change = sock->sk->sk_state_change;
	smcr_tcp_error_report = sock->sk->sk_error_report;
	sock_release(sock);
	return 0;
}

/* Caller holds the read side of clcsk->sk_callback_lock. */
static struct smcr_sock *smcr_clc_user(const struct sock *clcsk)
{
	return __rcu_dereference_sk_user_data_with_flags(clcsk, SK_USER_DATA_NOCOPY);
}

/**
 * smcr_clcsock_create() - create the internal TCP socket of @smc
 * @smc: AF_SMC socket in state INIT
 *
 * The clcsock is created as a user socket in the netns of @smc, so it holds a reference on the
 * netns like any TCP socket (its timers may outlive the AF_SMC socket) and cgroup/LSM hooks see
 * it as the TCP socket it is.
 *
 * Return: 0 or a negative errno.
 */
int smcr_clcsock_create(struct smcr_sock *smc)
{
	int family = smcr_is_v6(smc) ? AF_INET6 : AF_INET;
	struct smcr_replace_bypass bypass;
	struct socket *clc;
	int rc;

	/* a user TCP socket in a net.smc.tcp2smc netns: must not become AF_SMC itself */
	smcr_replace_bypass_begin(&bypass);
	rc = __sock_create(sock_net(&smc->sk), family, SOCK_STREAM, IPPROTO_TCP, &clc, 0);
	smcr_replace_bypass_end(&bypass);
	if (rc)
		return rc;
	/* SMC sockets are bigger than TCP's: start with the same buffer defaults as upstream */
	smc->clcsock = clc;
	return 0;
}

/**
 * smcr_clcsock_release() - restore hooks and release the clcsock of @smc
 * @smc: AF_SMC socket; caller holds lock_sock(&smc->sk) or owns @smc exclusively
 *
 * If the user's file was switched to the clcsock, the file still belongs to the AF_SMC socket's
 * inode (its release brought us here), so the clcsock must forget it before sock_release().
 */
void smcr_clcsock_release(struct smcr_sock *smc)
{
	struct socket *clc = smc->clcsock;

	if (!clc)
		return;
	smcr_clcsock_hooks_restore(smc);
	smc->clcsock = NULL;
	clc->file = NULL;
	sock_release(clc);
}

/* Wake pollers of the AF_SMC socket with @key; fasync users get SIGIO as on the clcsock. */
static void smcr_fwd_wakeup(struct smcr_sock *smc, __poll_t key, int band)
{
	struct socket_wq *wq;

	rcu_read_lock();
	wq = rcu_dereference(smc->sk.sk_wq);
	if (skwq_has_sleeper(wq))
		wake_up_interruptible_poll(&wq->wait, key);
	rcu_read_unlock();
	if (band)
		sk_wake_async(&smc->sk, band == POLL_OUT ? SOCK_WAKE_SPACE : SOCK_WAKE_IO, band);
}

static void smcr_clc_fwd_data_ready(struct sock *clcsk)
{
	struct smcr_sock *smc;

	read_lock_bh(&clcsk->sk_callback_lock);
	smc = smcr_clc_user(clcsk);
	if (smc) {
		smc->hooks.data_ready(clcsk);
		smcr_fwd_wakeup(smc, EPOLLIN | EPOLLPRI | EPOLLRDNORM | EPOLLRDBAND, POLL_IN);
	} else {
		smcr_tcp_data_ready(clcsk);
	}
	read_unlock_bh(&clcsk->sk_callback_lock);
}

static void smcr_clc_fwd_write_space(struct sock *clcsk)
{
	struct smcr_sock *smc;

	read_lock_bh(&clcsk->sk_callback_lock);
	smc = smcr_clc_user(clcsk);
	if (smc) {
		smc->hooks.write_space(clcsk);
		if (sk_stream_is_writeable(clcsk))
			smcr_fwd_wakeup(smc, EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND, POLL_OUT);
	} else {
		smcr_tcp_write_space(clcsk);
	}
	read_unlock_bh(&clcsk->sk_callback_lock);
}

/*
 * The TCP connection under an SMC-R connection was reset: the peer gave up on the handshake after
 * we had finished ours (e.g. its wait for our Confirm ran out under load, and it reset the
 * connection instead of delivering it). Its end of our connection is gone: abort ours now
 * instead of writing into an RMB nobody reads until the link group ends. [softirq]
 */
static void smcr_clc_reset_check(struct smcr_sock *smc, struct sock *clcsk)
{
	if (!smcr_conn_active(smc) || !READ_ONCE(clcsk->sk_err) ||
	    READ_ONCE(clcsk->sk_state) != TCP_CLOSE || smc->sk.sk_state != SMCR_ACTIVE ||
	    test_bit(SMCR_DP_LOCAL_ABORT, &smc->conn.dp_flags))	/* state change, then error */
		return;
	smcr_mib_inc(sock_net(&smc->sk), SMCR_MIB_CLC_RESET);
	pr_info_ratelimited("connection %08x: its TCP connection was reset by the peer, aborting\n",
			    smc->conn.token);
	smcr_close_abort_local(smc);
}

static void smcr_clc_fwd_state_change(struct sock *clcsk)
{
	struct smcr_sock *smc;

	read_lock_bh(&clcsk->sk_callback_lock);
	smc = smcr_clc_user(clcsk);
	if (smc) {
		smc->hooks.state_change(clcsk);
		smcr_clc_reset_check(smc, clcsk);
		smcr_fwd_wakeup(smc, EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLRDHUP |
				     EPOLLRDNORM | EPOLLWRNORM, 0);
	} else {
		smcr_tcp_state_change(clcsk);
	}
	read_unlock_bh(&clcsk->sk_callback_lock);
}

static void smcr_clc_fwd_error_report(struct sock *clcsk)
{
	struct smcr_sock *smc;

	read_lock_bh(&clcsk->sk_callback_lock);
	smc = smcr_clc_user(clcsk);
	if (smc) {
		smc->hooks.error_report(clcsk);
		smcr_clc_reset_check(smc, clcsk);
		smcr_fwd_wakeup(smc, EPOLLERR, POLL_ERR);
	} else {
		smcr_tcp_error_report(clcsk);
	}
	read_unlock_bh(&clcsk->sk_callback_lock);
}

/* A listener's data_ready: TCP has a child ready for accept (or, on a child, data). */
static void smcr_clc_listen_data_ready(struct sock *clcsk)
{
	struct smcr_sock *smc;

	read_lock_bh(&clcsk->sk_callback_lock);
	smc = smcr_clc_user(clcsk);
	if (!smc) {
		/* a TCP child that inherited the listener's callback */
		smcr_tcp_data_ready(clcsk);
	} else {
		smc->hooks.data_ready(clcsk);
		if (clcsk->sk_state == TCP_LISTEN) {
			sock_hold(&smc->sk);
			if (!queue_work(smcr_listen_wq, &smc->listen_work))
				sock_put(&smc->sk);
		}
	}
	read_unlock_bh(&clcsk->sk_callback_lock);
}

static void smcr_hooks_save(struct smcr_sock *smc, struct sock *clcsk)
{
	smc->hooks.data_ready = clcsk->sk_data_ready;
	smc->hooks.write_space = clcsk->sk_write_space;
	smc->hooks.state_change = clcsk->sk_state_change;
	smc->hooks.error_report = clcsk->sk_error_report;
}

/**
 * smcr_clcsock_hooks_install_client() - forward wake-ups of a client clcsock to @smc
 * @smc: AF_SMC socket about to connect
 */
void smcr_clcsock_hooks_install_client(struct smcr_sock *smc)
{
	struct sock *clcsk = smc->clcsock->sk;

	write_lock_bh(&clcsk->sk_callback_lock);
	if (!smc->hooks.installed) {
		smcr_hooks_save(smc, clcsk);
		clcsk->sk_data_ready = smcr_clc_fwd_data_ready;
		clcsk->sk_write_space = smcr_clc_fwd_write_space;
		clcsk->sk_state_change = smcr_clc_fwd_state_change;
		clcsk->sk_error_report = smcr_clc_fwd_error_report;
		__rcu_assign_sk_user_data_with_flags(clcsk, smc, SK_USER_DATA_NOCOPY);
		smc->hooks.installed = 1;
	}
	write_unlock_bh(&clcsk->sk_callback_lock);
}

/**
 * smcr_clcsock_hooks_install_listener() - run @smc's accept loop when TCP has children
 * @smc: AF_SMC socket about to listen
 *
 * Return: 0, or -EBUSY if the clcsock already carries hooks.
 */
int smcr_clcsock_hooks_install_listener(struct smcr_sock *smc)
{
	struct sock *clcsk = smc->clcsock->sk;
	int rc = 0;

	write_lock_bh(&clcsk->sk_callback_lock);
	if (smc->hooks.installed) {
		rc = smc->hooks.listener ? 0 : -EBUSY;
	} else {
		smcr_hooks_save(smc, clcsk);
		clcsk->sk_data_ready = smcr_clc_listen_data_ready;
		__rcu_assign_sk_user_data_with_flags(clcsk, smc, SK_USER_DATA_NOCOPY);
		smc->hooks.installed = 1;
		smc->hooks.listener = 1;
	}
	write_unlock_bh(&clcsk->sk_callback_lock);
	return rc;
}

/**
 * smcr_clcsock_hooks_restore() - give the clcsock its own callbacks back
 * @smc: AF_SMC socket
 *
 * Also used on TCP children taken from a listener: they inherited the listener's hooked
 * data_ready, which is reset to TCP's default here (their user data is already NULL).
 */
void smcr_clcsock_hooks_restore(struct smcr_sock *smc)
{
	struct sock *clcsk = smc->clcsock->sk;

	write_lock_bh(&clcsk->sk_callback_lock);
	if (smc->hooks.installed) {
		clcsk->sk_data_ready = smc->hooks.data_ready;
		clcsk->sk_write_space = smc->hooks.write_space;
		clcsk->sk_state_change = smc->hooks.state_change;
		clcsk->sk_error_report = smc->hooks.error_report;
		rcu_assign_sk_user_data(clcsk, NULL);
		smc->hooks.installed = 0;
		smc->hooks.listener = 0;
	} else if (clcsk->sk_data_ready == smcr_clc_listen_data_ready) {
		clcsk->sk_data_ready = smcr_tcp_data_ready;
	}
	write_unlock_bh(&clcsk->sk_callback_lock);
}

/* Ask for (or stop asking for) SMC in the SYN / SYN-ACK option of the clcsock. */
void smcr_clcsock_set_syn_smc(struct smcr_sock *smc, bool on)
{
	struct sock *clcsk = smc->clcsock->sk;

	lock_sock(clcsk);
	tcp_sk(clcsk)->syn_smc = on;
	release_sock(clcsk);
}

/* After the TCP handshake: did the peer answer with the SMC option? */
bool smcr_clcsock_peer_smc(const struct smcr_sock *smc)
{
	return READ_ONCE(tcp_sk(smc->clcsock->sk)->syn_smc);
}

/* Reset a TCP connection at once (linger 0): used when a handshake cannot be completed. */
void smcr_clcsock_abort(struct socket *clcsock)
{
	struct sock *clcsk = clcsock->sk;

	lock_sock(clcsk);
	sock_set_flag(clcsk, SOCK_LINGER);
	clcsk->sk_lingertime = 0;
	release_sock(clcsk);
}

/* SOL_SOCKET flags a user may set on the AF_SMC socket that matter to the TCP connection. */
#define SMCR_SK_FLAGS_TO_CLC	((1UL << SOCK_URGINLINE) | (1UL << SOCK_KEEPOPEN) | \
				 (1UL << SOCK_LINGER) | (1UL << SOCK_BROADCAST) | \
				 (1UL << SOCK_LOCALROUTE) | (1UL << SOCK_RCVTSTAMP) | \
				 (1UL << SOCK_RCVTSTAMPNS) | (1UL << SOCK_TSTAMP_NEW) | \
				 (1UL << SOCK_DBG))

/* Copy the socket-level options a user may have set on @from to @to; @to is locked here. */
static void smcr_copy_sock_settings(struct sock *from, struct sock *to)
{
	bool keepalive;

	lock_sock(to);
	keepalive = sock_flag(from, SOCK_KEEPOPEN) && !sock_flag(to, SOCK_KEEPOPEN);
	to->sk_flags = (to->sk_flags & ~SMCR_SK_FLAGS_TO_CLC) |
		       (from->sk_flags & SMCR_SK_FLAGS_TO_CLC);
	if (keepalive && to->sk_prot->keepalive)
		to->sk_prot->keepalive(to, 1);
	to->sk_reuse = from->sk_reuse;
	to->sk_reuseport = from->sk_reuseport;
	to->sk_lingertime = from->sk_lingertime;
	WRITE_ONCE(to->sk_rcvtimeo, from->sk_rcvtimeo);
	WRITE_ONCE(to->sk_sndtimeo, from->sk_sndtimeo);
	WRITE_ONCE(to->sk_rcvlowat, from->sk_rcvlowat);
	to->sk_priority = from->sk_priority;
	to->sk_mark = from->sk_mark;
	to->sk_bound_dev_if = from->sk_bound_dev_if;
	to->sk_max_pacing_rate = from->sk_max_pacing_rate;
	to->sk_userlocks = (to->sk_userlocks & ~(SOCK_SNDBUF_LOCK | SOCK_RCVBUF_LOCK)) |
			   (from->sk_userlocks & (SOCK_SNDBUF_LOCK | SOCK_RCVBUF_LOCK));
	if (from->sk_userlocks & SOCK_SNDBUF_LOCK)
		WRITE_ONCE(to->sk_sndbuf, from->sk_sndbuf);
	if (from->sk_userlocks & SOCK_RCVBUF_LOCK)
		WRITE_ONCE(to->sk_rcvbuf, from->sk_rcvbuf);
	release_sock(to);
}

/**
 * smcr_clcsock_copy_settings() - give the clcsock the socket-level options of @smc
 * @smc: socket, lock_sock() held
 *
 * Kernels without SOCK_CUSTOM_SOCKOPT apply SOL_SOCKET options to the AF_SMC sock only; this is
 * called before the clcsock binds, connects, listens or takes over the user's file. Not for a
 * listener's children: their clcsock inherited the listener's options from TCP
 * (smcr_clcsock_inherit_settings() goes the other way for them).
 */
void smcr_clcsock_copy_settings(struct smcr_sock *smc)
{
	if (smc->clcsock && !smc->is_child)
		smcr_copy_sock_settings(&smc->sk, smc->clcsock->sk);
}

/**
 * smcr_clcsock_inherit_settings() - a listener's child takes the options its TCP child inherited
 * @smc: child socket, not yet visible to anybody
 */
void smcr_clcsock_inherit_settings(struct smcr_sock *smc)
{
	smcr_copy_sock_settings(smc->clcsock->sk, &smc->sk);
}
