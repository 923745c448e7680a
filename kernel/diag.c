// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: sock_diag for AF_SMC (NETLINK_SOCK_DIAG, SOCK_DIAG_BY_FAMILY, family 43), as upstream's
 * smc_diag module answers it, built into smcr.ko (Debian's smc_diag needs the stock smc module).
 *
 * A dump lists every AF_SMC socket of the requester's netns, IPv4 (SMCPROTO_SMC) sockets first,
 * newest first within a family, as upstream. Each is one struct smc_diag_msg:
 *  family AF_SMC, the AF_SMC socket's state, mode (SMC-R, or fallback TCP), shutdown bits, the
 *  socket id of the internal TCP socket (ports, addresses, bound interface) with the AF_SMC
 *  socket's cookie, uid (in the requester's user namespace) and inode;
 * followed by SMC_DIAG_SHUTDOWN and SMC_DIAG_FALLBACK (always), SMC_DIAG_CONNINFO and
 * SMC_DIAG_LGRINFO (when asked for in diag_ext and the socket has an SMC-R connection: from the
 * core's hooks). The request's family and socket id are not filters, as upstream.
 */
#define pr_fmt(fmt) "smcr: " fmt

#include <linux/inet_diag.h>
#include <linux/module.h>
#include <linux/sock_diag.h>
#include <linux/smc_diag.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "netlink.h"
#include "smcr.h"

struct smcr_diag_dump {
	struct sk_buff		*skb;
	struct netlink_callback	*cb;
	struct user_namespace	*user_ns;	/* of the requesting socket */
	const struct smcr_core_hooks *hooks;
	u8			ext;		/* diag_ext of the request */
};

/* Socket id from the internal TCP socket. Under RCU: the clcsock may be released meanwhile. */
static void smcr_diag_sockid(struct smcr_sock *smc, struct smc_diag_msg *r)
{
	struct socket *clc = READ_ONCE(smc->clcsock);
	struct sock *clcsk;

	if (!clc)
		return;
	clcsk = READ_ONCE(clc->sk);
	if (!clcsk)
		return;
	r->id.idiag_sport = htons(clcsk->sk_num);
	r->id.idiag_dport = clcsk->sk_dport;
	r->id.idiag_if = clcsk->sk_bound_dev_if;
	if (smc->sk.sk_protocol == SMCPROTO_SMC) {
		r->id.idiag_src[0] = clcsk->sk_rcv_saddr;
		r->id.idiag_dst[0] = clcsk->sk_daddr;
#if IS_ENABLED(CONFIG_IPV6)
	} else {
		memcpy(r->id.idiag_src, &clcsk->sk_v6_rcv_saddr, sizeof(struct in6_addr));
		memcpy(r->id.idiag_dst, &clcsk->sk_v6_daddr, sizeof(struct in6_addr));
#endif
	}
}

/* One socket. Called by smcr_sock_walk() under its lock and RCU: must not sleep. */
static int smcr_diag_fill(struct smcr_sock *smc, void *arg)
{
	struct smcr_diag_dump *d = arg;
	struct sk_buff *skb = d->skb;
	struct sock *sk = &smc->sk;
	struct smc_diag_fallback fb;
	struct smc_diag_msg *r;
	struct nlmsghdr *nlh;

	nlh = nlmsg_put(skb, NETLINK_CB(d->cb->skb).portid, d->cb->nlh->nlmsg_seq,
			d->cb->nlh->nlmsg_type, sizeof(*r), NLM_F_MULTI);
	if (!nlh)
		return -EMSGSIZE;
	r = nlmsg_data(nlh);
	memset(r, 0, sizeof(*r));
	r->diag_family = sk->sk_family;
	sock_diag_save_cookie(sk, r->id.idiag_cookie);
	smcr_diag_sockid(smc, r);
	r->diag_state = READ_ONCE(sk->sk_state);
	r->diag_mode = READ_ONCE(smc->use_fallback) ? SMC_DIAG_MODE_FALLBACK_TCP :
						       SMC_DIAG_MODE_SMCR;
	r->diag_uid = from_kuid_munged(d->user_ns, sock_i_uid(sk));
	r->diag_inode = sock_i_ino(sk);

	if (nla_put_u8(skb, SMC_DIAG_SHUTDOWN, READ_ONCE(sk->sk_shutdown)))
		goto cancel;
	fb.reason = READ_ONCE(smc->fallback_rsn);
	fb.peer_diagnosis = READ_ONCE(smc->peer_diagnosis);
	if (nla_put(skb, SMC_DIAG_FALLBACK, sizeof(fb), &fb))
		goto cancel;

	if (d->hooks && (d->ext & (1 << (SMC_DIAG_CONNINFO - 1))) && d->hooks->diag_conninfo) {
		struct smc_diag_conninfo ci = {};

		if (d->hooks->diag_conninfo(smc, &ci) &&
		    nla_put(skb, SMC_DIAG_CONNINFO, sizeof(ci), &ci))
			goto cancel;
	}
	if (d->hooks && (d->ext & (1 << (SMC_DIAG_LGRINFO - 1))) && d->hooks->diag_lgrinfo) {
		struct smc_diag_lgrinfo li = {};

		if (d->hooks->diag_lgrinfo(smc, &li) &&
		    nla_put(skb, SMC_DIAG_LGRINFO, sizeof(li), &li))
			goto cancel;
	}
	nlmsg_end(skb, nlh);
	return 0;
cancel:
	nlmsg_cancel(skb, nlh);
	return -EMSGSIZE;
}

static int smcr_diag_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct smcr_diag_dump d = {
		.skb = skb,
		.cb = cb,
		.user_ns = sk_user_ns(NETLINK_CB(cb->skb).sk),
		.hooks = smcr_core_hooks_get(),
	};
	struct net *net = sock_net(skb->sk);
	int pos4 = cb->args[0], pos6 = cb->args[1];	/* sockets of each list already sent */

	/* a request too short to carry diag_ext asks for no extensions */
	if (nlmsg_len(cb->nlh) >= sizeof(struct smc_diag_req))
		d.ext = ((struct smc_diag_req *)nlmsg_data(cb->nlh))->diag_ext;

	if (!smcr_sock_walk(net, SMCPROTO_SMC, &pos4, smcr_diag_fill, &d))
		smcr_sock_walk(net, SMCPROTO_SMC6, &pos6, smcr_diag_fill, &d);
	cb->args[0] = pos4;
	cb->args[1] = pos6;
	return skb->len;
}

static int smcr_diag_handler_dump(struct sk_buff *skb, struct nlmsghdr *h)
{
	struct netlink_dump_control c = {
		.dump = smcr_diag_dump,
		.min_dump_alloc = SKB_WITH_OVERHEAD(32768),
	};

	/* as upstream: only dumps are answered; a single-socket request gets nothing */
	if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY || !(h->nlmsg_flags & NLM_F_DUMP))
		return 0;
	return netlink_dump_start(sock_net(skb->sk)->diag_nlsk, skb, h, &c);
}

static const struct sock_diag_handler smcr_diag_handler = {
	.owner	= THIS_MODULE,
	.family	= AF_SMC,
	.dump	= smcr_diag_handler_dump,
};

int smcr_diag_init(void)
{
	return sock_diag_register(&smcr_diag_handler);
}

void smcr_diag_exit(void)
{
	sock_diag_unregister(&smcr_diag_handler);
}
