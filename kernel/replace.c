// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: TCP sockets created as AF_SMC sockets.
 *
 *  - net.smc.tcp2smc = 1 (per netns, default 0): socket(AF_INET[6], SOCK_STREAM, 0 or IPPROTO_TCP)
 *    made by a user task of that netns creates an AF_SMC socket instead;
 *  - socket(AF_INET[6], SOCK_STREAM, IPPROTO_SMC (256)) creates an AF_SMC socket in every netns,
 *    as upstream Linux has allowed since 6.11.
 *
 * Mechanism: a kretprobe on __sock_create(net, family, type, protocol, res, kern), the one
 * function every socket creation goes through, on 6.1 and 6.12 alike. Its entry handler rewrites
 * the family argument to AF_SMC and the protocol to SMCPROTO_SMC / SMCPROTO_SMC6 before the
 * function body runs, so the kernel itself then does the rest: LSM check of the AF_SMC socket,
 * the lookup of our net_proto_family (which takes the module reference every AF_SMC socket holds)
 * and smcr_create(). The probe sits on the function's ftrace call site; the registers the
 * handler changed are restored from pt_regs on the way back (as they are after an int3 probe).
 * The return half exists only to drop the module reference the entry took for a converted
 * creation; for every other socket the entry handler declines the return hook.
 *
 * What is never converted: kernel sockets (kern != 0), other types and protocols, sockets of a
 * netns with tcp2smc = 0 (unless IPPROTO_SMC), sockets already open, and our own clcsock (a user
 * socket of the AF_SMC socket's netns: converting it would recurse), which is created inside a
 * smcr_replace_bypass bracket. docs/design.md lists the user-visible differences and the limits.
 *
 * Unload: a converted creation holds a module reference from the rewrite until __sock_create()
 * returns, so rmmod cannot start in between (it gets EAGAIN, as with a socket open); once module
 * exit has begun, try_module_get() fails and sockets stay TCP. Exit removes the probe first;
 * unregister_kretprobe() waits for handlers still running.
 */
#define pr_fmt(fmt) "smcr: " fmt

#include <linux/atomic.h>
#include <linux/in.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <net/net_namespace.h>

#include "smcr.h"
#include "mib.h"
#include "replace.h"
#include "sysctl.h"

/* ---- tasks creating sockets that must stay TCP (our clcsock) ------------------------------- */

static LIST_HEAD(smcr_bypass_list);
static DEFINE_SPINLOCK(smcr_bypass_lock);
static atomic_t smcr_bypass_count = ATOMIC_INIT(0);

void smcr_replace_bypass_begin(struct smcr_replace_bypass *b)
{
	b->task = current;
	spin_lock(&smcr_bypass_lock);
	list_add(&b->node, &smcr_bypass_list);
	atomic_inc(&smcr_bypass_count);
	spin_unlock(&smcr_bypass_lock);
}

void smcr_replace_bypass_end(struct smcr_replace_bypass *b)
{
	spin_lock(&smcr_bypass_lock);
	list_del(&b->node);
	atomic_dec(&smcr_bypass_count);
	spin_unlock(&smcr_bypass_lock);
}

/* Is the current task inside a bypass bracket? (Its own begin is ordered before its own call.) */
static bool smcr_replace_bypassed(void)
{
	struct smcr_replace_bypass *b;
	bool found = false;

	if (!atomic_read(&smcr_bypass_count))
		return false;
	spin_lock(&smcr_bypass_lock);
	list_for_each_entry(b, &smcr_bypass_list, node) {
		if (b->task == current) {
			found = true;
			break;
		}
	}
	spin_unlock(&smcr_bypass_lock);
	return found;
}

/* ---- the hook ------------------------------------------------------------------------------ */

#ifdef CONFIG_X86_64
/* __sock_create(struct net *net, int family, int type, int protocol, struct socket **res, int kern) */
#define SMCR_ARG_NET(regs)	((struct net *)(regs)->di)
#define SMCR_ARG_FAMILY(regs)	((int)(regs)->si)
#define SMCR_ARG_TYPE(regs)	((int)(regs)->dx)
#define SMCR_ARG_PROTO(regs)	((int)(regs)->cx)
#define SMCR_ARG_KERN(regs)	((int)(regs)->r9)
#define SMCR_SET_FAMILY(regs, v)	((regs)->si = (unsigned long)(v))
#define SMCR_SET_PROTO(regs, v)		((regs)->cx = (unsigned long)(v))
#define SMCR_HAVE_HOOK		1
#endif

#ifdef SMCR_HAVE_HOOK
/*
 * At most this many converted creations in __sock_create() at once (each holds a kretprobe
 * instance until it returns); beyond, the kernel skips our entry handler and the socket stays
 * what the program asked for. Reported below, never silent.
 */
#define SMCR_REPLACE_MAXACTIVE	1024

static struct kretprobe smcr_sock_create_rp;
static int smcr_replace_missed;	/* rp.nmissed already reported */

/*
 * Entry of __sock_create(). Return 0 (and hold a module reference until the function returns)
 * when the socket is turned into AF_SMC, 1 otherwise (no return hook).
 */
static int smcr_sock_create_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	int family = SMCR_ARG_FAMILY(regs);
	int protocol = SMCR_ARG_PROTO(regs);
	enum smcr_mib_field what;
	struct net *net;
	int missed;

	if (SMCR_ARG_KERN(regs) || SMCR_ARG_TYPE(regs) != SOCK_STREAM ||
	    (family != AF_INET && family != AF_INET6))
		return 1;
	net = SMCR_ARG_NET(regs);
	if (protocol == IPPROTO_SMC)
		what = SMCR_MIB_IPPROTO_SMC;
	else if ((protocol == 0 || protocol == IPPROTO_TCP) && smcr_sysctl_tcp2smc(net))
		what = SMCR_MIB_TCP2SMC;
	else
		return 1;
	if (smcr_replace_bypassed())
		return 1;
	/*
	 * Held until __sock_create() returns: rmmod cannot begin between this rewrite and the
	 * AF_SMC family lookup (whose own module reference would fail once the module is going).
	 * Fails once module exit has begun: the socket then stays TCP.
	 */
	if (!try_module_get(THIS_MODULE))
		return 1;
	SMCR_SET_FAMILY(regs, AF_SMC);
	SMCR_SET_PROTO(regs, family == AF_INET6 ? SMCPROTO_SMC6 : SMCPROTO_SMC);
	smcr_mib_inc(net, what);

	missed = READ_ONCE(smcr_sock_create_rp.nmissed);
	if (unlikely(missed != READ_ONCE(smcr_replace_missed))) {
		WRITE_ONCE(smcr_replace_missed, missed);
		pr_warn_ratelimited("more than %d sockets were being created at once; %d socket creations so far were not checked for conversion to AF_SMC\n",
				    SMCR_REPLACE_MAXACTIVE, missed);
	}
	return 0;
}
NOKPROBE_SYMBOL(smcr_sock_create_entry);

/* Return of a converted __sock_create(): the socket, if any, holds its own module reference. */
static int smcr_sock_create_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	module_put(THIS_MODULE);
	return 0;
}
NOKPROBE_SYMBOL(smcr_sock_create_ret);

static struct kretprobe smcr_sock_create_rp = {
	.kp.symbol_name	= "__sock_create",
	.entry_handler	= smcr_sock_create_entry,
	.handler	= smcr_sock_create_ret,
	.maxactive	= SMCR_REPLACE_MAXACTIVE,
};
#endif

static bool smcr_replace_on;

bool smcr_replace_active(void)
{
	return READ_ONCE(smcr_replace_on);
}

/*
 * Without the hook, AF_SMC works as before; net.smc.tcp2smc then refuses 1 (EOPNOTSUPP) and
 * IPPROTO_SMC stays unknown to AF_INET (EPROTONOSUPPORT), so nobody is misled.
 */
void smcr_replace_init(void)
{
#ifdef SMCR_HAVE_HOOK
	int rc = register_kretprobe(&smcr_sock_create_rp);

	if (rc) {
		pr_warn("cannot hook socket creation (register_kretprobe(__sock_create): %d): net.smc.tcp2smc and IPPROTO_SMC are not available\n",
			rc);
		return;
	}
	WRITE_ONCE(smcr_replace_on, true);
#else
	pr_info("net.smc.tcp2smc and IPPROTO_SMC are not available on this architecture\n");
#endif
}

void smcr_replace_exit(void)
{
#ifdef SMCR_HAVE_HOOK
	if (!smcr_replace_on)
		return;
	/*
	 * No converted creation is in flight (each holds a module reference, and exit runs only
	 * when there are none); this waits for handlers still running, e.g. the one that just
	 * dropped the last reference.
	 */
	unregister_kretprobe(&smcr_sock_create_rp);
	WRITE_ONCE(smcr_replace_on, false);
#endif
}
