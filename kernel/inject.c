// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: fault injection — a test facility that lets our module act as a hostile SMC-R peer.
 *
 * Off by default. Root arms a one-shot fault by writing to /sys/kernel/debug/smcr/inject (mode
 * 0600, debugfs is root-only anyway):
 *
 *   FAULT [port=N]     N: the TCP port (local or remote) of the target connection; without it,
 *                      any SMC-R connection of the writer's network namespace
 *   off                disarm
 *
 * CDC faults change the next CDC the target connection sends (its own state is left alone):
 *   cdc_prod_beyond     producer cursor count beyond the peer's RMBE
 *   cdc_prod_backwards  producer cursor two laps behind
 *   cdc_cons_beyond     consumer cursor count beyond our RMB (the peer's view: beyond its RMBE)
 *   cdc_short           only the first 20 bytes of the CDC are sent
 * Handshake faults change the next server handshake (port=N: of the listening port):
 *   srv_drop_confirm    the server resets the connection after the client's Confirm arrived,
 *                       as if its wait had run out: the client already runs SMC-R
 * Faults sent at once, as an extra message on the target connection's link:
 *   cdc_bad_token       a CDC whose alert token the peer does not know
 *   llc_unknown         a 44-byte LLC message of an unknown type
 *   llc_bad_len         a TEST_LINK request whose length field is 20
 *   llc_malformed       a DELETE_RKEY request that announces 200 rkeys
 *
 * Reading the file shows the armed fault, how many were applied and the last one. The hook in
 * the CDC send path is a static branch, patched in only while a CDC fault is armed.
 */
#define pr_fmt(fmt) "smcr: " fmt

#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "data.h"
#include "inject.h"
#include "wire/llc.h"

DEFINE_STATIC_KEY_FALSE(smcr_inject_key);

enum smcr_inject_fault {
	SMCR_INJ_NONE,
	SMCR_INJ_CDC_PROD_BEYOND,
	SMCR_INJ_CDC_PROD_BACKWARDS,
	SMCR_INJ_CDC_CONS_BEYOND,
	SMCR_INJ_CDC_SHORT,
	SMCR_INJ_SRV_DROP_CONFIRM,	/* a handshake fault: needs no connection to arm */
	SMCR_INJ_CDC_BAD_TOKEN,		/* from here on: sent at once */
	SMCR_INJ_LLC_UNKNOWN,
	SMCR_INJ_LLC_BAD_LEN,
	SMCR_INJ_LLC_MALFORMED,
	SMCR_INJ_MAX
};

#define SMCR_INJ_FIRST_NOW	SMCR_INJ_CDC_BAD_TOKEN
#define SMCR_INJ_BEYOND		4096		/* cursor count this far past the ring */
#define SMCR_INJ_SHORT_LEN	20		/* bytes of a "cdc_short" CDC */
#define SMCR_INJ_TOKEN_FLIP	0x40000000u	/* tokens are small counters: this one is unknown */
#define SMCR_INJ_LLC_UNKNOWN_TYPE 0x0c		/* no LLC type, in v1 or v2 */

static const char * const smcr_inject_names[SMCR_INJ_MAX] = {
	[SMCR_INJ_NONE]			= "none",
	[SMCR_INJ_CDC_PROD_BEYOND]	= "cdc_prod_beyond",
	[SMCR_INJ_CDC_PROD_BACKWARDS]	= "cdc_prod_backwards",
	[SMCR_INJ_CDC_CONS_BEYOND]	= "cdc_cons_beyond",
	[SMCR_INJ_CDC_SHORT]		= "cdc_short",
	[SMCR_INJ_SRV_DROP_CONFIRM]	= "srv_drop_confirm",
	[SMCR_INJ_CDC_BAD_TOKEN]	= "cdc_bad_token",
	[SMCR_INJ_LLC_UNKNOWN]		= "llc_unknown",
	[SMCR_INJ_LLC_BAD_LEN]		= "llc_bad_len",
	[SMCR_INJ_LLC_MALFORMED]	= "llc_malformed",
};

static DEFINE_MUTEX(smcr_inject_mutex);		/* writers, static key changes */
static DEFINE_SPINLOCK(smcr_inject_lock);		/* the fields below */
static enum smcr_inject_fault smcr_inject_fault;	/* armed CDC fault */
static u32 smcr_inject_token;				/* its connection (0: any) */
static u16 smcr_inject_port;				/* handshake faults: local port */
static unsigned long smcr_inject_fired;			/* faults applied or sent */
static char smcr_inject_last[64];			/* the last one */
static struct dentry *smcr_inject_dir;

/* Patch the hook out again once nothing is armed (static keys change in process context). */
static void smcr_inject_off_fn(struct work_struct *work)
{
	bool armed;

	mutex_lock(&smcr_inject_mutex);
	spin_lock_bh(&smcr_inject_lock);
	armed = smcr_inject_fault != SMCR_INJ_NONE;
	spin_unlock_bh(&smcr_inject_lock);
	if (!armed && static_key_enabled(&smcr_inject_key))
		static_branch_disable(&smcr_inject_key);
	mutex_unlock(&smcr_inject_mutex);
}

static DECLARE_WORK(smcr_inject_off_work, smcr_inject_off_fn);

/* Count an applied fault. Caller holds smcr_inject_lock. */
static void smcr_inject_note(enum smcr_inject_fault f, u32 token)
{
	smcr_inject_fired++;
	snprintf(smcr_inject_last, sizeof(smcr_inject_last), "%s connection %08x",
		 smcr_inject_names[f], token);
}

u32 smcr_inject_cdc(struct smcr_conn *conn, struct smcr_cdc_msg *msg)
{
	enum smcr_inject_fault f;
	unsigned long flags;

	spin_lock_irqsave(&smcr_inject_lock, flags);
	f = smcr_inject_fault;
	if (f == SMCR_INJ_NONE || f == SMCR_INJ_SRV_DROP_CONFIRM ||
	    (smcr_inject_token && smcr_inject_token != conn->token)) {
		spin_unlock_irqrestore(&smcr_inject_lock, flags);
		return SMCR_CDC_MSG_LEN;
	}
	smcr_inject_fault = SMCR_INJ_NONE;
	smcr_inject_note(f, conn->token);
	spin_unlock_irqrestore(&smcr_inject_lock, flags);
	schedule_work(&smcr_inject_off_work);

	pr_info("inject: %s on connection %08x (peer token %08x)\n", smcr_inject_names[f],
		conn->token, conn->peer_token);
	switch (f) {
	case SMCR_INJ_CDC_PROD_BEYOND:
		msg->prod.count = conn->peer_rmbe_size + SMCR_INJ_BEYOND;
		break;
	case SMCR_INJ_CDC_PROD_BACKWARDS:
		msg->prod.wrap -= 2;
		break;
	case SMCR_INJ_CDC_CONS_BEYOND:
		msg->cons.count = conn->rmb->len + SMCR_INJ_BEYOND;
		break;
	case SMCR_INJ_CDC_SHORT:
		return SMCR_INJ_SHORT_LEN;
	default:
		break;
	}
	return SMCR_CDC_MSG_LEN;
}

bool smcr_inject_srv_drop(u16 lport)
{
	bool hit;

	spin_lock_bh(&smcr_inject_lock);
	hit = smcr_inject_fault == SMCR_INJ_SRV_DROP_CONFIRM &&
	      (!smcr_inject_port || smcr_inject_port == lport);
	if (hit) {
		smcr_inject_fault = SMCR_INJ_NONE;
		smcr_inject_note(SMCR_INJ_SRV_DROP_CONFIRM, 0);
	}
	spin_unlock_bh(&smcr_inject_lock);
	if (hit) {
		schedule_work(&smcr_inject_off_work);
		pr_info("inject: srv_drop_confirm on port %u\n", lport);
	}
	return hit;
}

/* ---- faults sent at once ------------------------------------------------------------------- */

/* Build the message of fault @f for @conn in @buf (SMCR_WR_BUF_SIZE bytes, zeroed). */
static int smcr_inject_build(struct smcr_conn *conn, enum smcr_inject_fault f, u8 *buf)
{
	u8 version = conn->lgr->smc_version >= 2 ? SMCR_LLC_V2 : SMCR_LLC_V1;
	struct smcr_llc_msg llc = {};
	struct smcr_cdc_msg cdc = {};
	u32 rkey = 0x5a5a5a5a;
	int len;

	switch (f) {
	case SMCR_INJ_CDC_BAD_TOKEN:
		spin_lock_bh(&conn->send_lock);
		cdc.seqno = conn->tx_seqno;
		cdc.prod = conn->tx_prod;
		cdc.cons = conn->rx_cons;
		spin_unlock_bh(&conn->send_lock);
		cdc.token = conn->peer_token ^ SMCR_INJ_TOKEN_FLIP;
		return smcr_cdc_encode(&cdc, buf, SMCR_WR_BUF_SIZE);
	case SMCR_INJ_LLC_UNKNOWN:
		memset(buf, 0xa5, SMCR_LLC_MSG_LEN);
		buf[0] = SMCR_INJ_LLC_UNKNOWN_TYPE;
		buf[1] = SMCR_LLC_MSG_LEN;
		buf[2] = 0;
		return SMCR_LLC_MSG_LEN;
	case SMCR_INJ_LLC_BAD_LEN:
		llc.hdr.version = version;
		llc.hdr.type = SMCR_LLC_TEST_LINK;
		len = smcr_llc_encode(&llc, buf, SMCR_WR_BUF_SIZE);
		if (len != SMCR_LLC_MSG_LEN)
			return len < 0 ? len : -EINVAL;
		buf[1] = SMCR_INJ_SHORT_LEN;	/* v1: the length byte; v2: le16 over bytes 1-2 */
		if (version == SMCR_LLC_V2)
			buf[2] = 0;
		return SMCR_LLC_MSG_LEN;
	case SMCR_INJ_LLC_MALFORMED:
		llc.hdr.version = version;
		llc.hdr.type = SMCR_LLC_DELETE_RKEY;
		llc.delete_rkey.num_rkeys = 1;
		llc.delete_rkey.rkeys = &rkey;
		len = smcr_llc_encode(&llc, buf, SMCR_WR_BUF_SIZE);
		if (len != SMCR_LLC_MSG_LEN)
			return len < 0 ? len : -EINVAL;
		buf[4] = 200;			/* the rkey count: far more than the message holds */
		return SMCR_LLC_MSG_LEN;
	default:
		return -EINVAL;
	}
}

/* Send fault @f now, as an extra message on @smc's link. Process context. */
static int smcr_inject_send_now(struct smcr_sock *smc, enum smcr_inject_fault f)
{
	struct smcr_conn *conn = &smc->conn;
	struct sock *sk = &smc->sk;
	struct smcr_wr_tx_slot *slot;
	u8 *buf;
	int rc;

	lock_sock(sk);	/* the connection (and so its link group and link) stays */
	if (!smcr_conn_active(smc) || READ_ONCE(conn->killed) ||
	    smcr_dp_test(conn, SMCR_DP_FREED)) {
		rc = -ENOTCONN;
		goto out;
	}
	rc = smcr_wr_tx_get_slot(conn->lnk, &slot, &buf, true);
	if (rc)
		goto out;
	rc = smcr_inject_build(conn, f, buf);
	if (rc < 0) {
		smcr_wr_tx_put_slot(conn->lnk, slot);
		goto out;
	}
	rc = smcr_wr_tx_send(conn->lnk, slot, rc, NULL, NULL);
	if (!rc) {
		spin_lock_bh(&smcr_inject_lock);
		smcr_inject_note(f, conn->token);
		spin_unlock_bh(&smcr_inject_lock);
		pr_info("inject: %s sent on the link of connection %08x (peer token %08x)\n",
			smcr_inject_names[f], conn->token, conn->peer_token);
	}
out:
	release_sock(sk);
	return rc;
}

/* ---- the debugfs file ---------------------------------------------------------------------- */

struct smcr_inject_find {
	u16			port;	/* 0: any */
	struct smcr_sock	*smc;	/* found, with a reference */
};

/* smcr_sock_walk() callback (under its lock and RCU). */
static int smcr_inject_match(struct smcr_sock *smc, void *arg)
{
	struct smcr_inject_find *find = arg;
	struct socket *clc;
	struct sock *clcsk;

	if (!smcr_conn_active(smc) || READ_ONCE(smc->conn.killed))
		return 0;
	if (find->port) {
		clc = READ_ONCE(smc->clcsock);
		clcsk = clc ? READ_ONCE(clc->sk) : NULL;
		if (!clcsk || (clcsk->sk_num != find->port && ntohs(clcsk->sk_dport) != find->port))
			return 0;
	}
	sock_hold(&smc->sk);
	find->smc = smc;
	return 1;
}

static struct smcr_sock *smcr_inject_find_conn(struct net *net, u16 port)
{
	struct smcr_inject_find find = { .port = port };
	int pos = 0;

	smcr_sock_walk(net, SMCPROTO_SMC, &pos, smcr_inject_match, &find);
	if (!find.smc) {
		pos = 0;
		smcr_sock_walk(net, SMCPROTO_SMC6, &pos, smcr_inject_match, &find);
	}
	return find.smc;
}

static ssize_t smcr_inject_write(struct file *file, const char __user *ubuf, size_t count,
				 loff_t *ppos)
{
	enum smcr_inject_fault f = SMCR_INJ_MAX;
	struct smcr_sock *smc = NULL;
	char buf[96], *p, *word;
	u16 port = 0;
	int i, rc = 0;

	if (!count || count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	p = strim(buf);
	word = strsep(&p, " \t");
	if (!strcmp(word, "off")) {
		f = SMCR_INJ_NONE;
	} else {
		for (i = SMCR_INJ_NONE + 1; i < SMCR_INJ_MAX; i++)
			if (!strcmp(word, smcr_inject_names[i]))
				f = i;
	}
	if (f == SMCR_INJ_MAX)
		return -EINVAL;
	while (p && (word = strsep(&p, " \t"))) {
		if (!*word)
			continue;
		if (strncmp(word, "port=", 5) || kstrtou16(word + 5, 0, &port) || !port)
			return -EINVAL;
	}

	mutex_lock(&smcr_inject_mutex);
	if (f != SMCR_INJ_NONE && f != SMCR_INJ_SRV_DROP_CONFIRM) {
		smc = smcr_inject_find_conn(current->nsproxy->net_ns, port);
		if (!smc) {
			rc = -ENOENT;	/* no SMC-R connection (on that port) */
			goto out;
		}
	}
	if (f >= SMCR_INJ_FIRST_NOW) {
		rc = smcr_inject_send_now(smc, f);
		goto out;
	}
	spin_lock_bh(&smcr_inject_lock);
	smcr_inject_fault = f;
	smcr_inject_token = port && smc ? smc->conn.token : 0;
	smcr_inject_port = f == SMCR_INJ_SRV_DROP_CONFIRM ? port : 0;
	spin_unlock_bh(&smcr_inject_lock);
	if (f != SMCR_INJ_NONE && !static_key_enabled(&smcr_inject_key))
		static_branch_enable(&smcr_inject_key);
	else if (f == SMCR_INJ_NONE && static_key_enabled(&smcr_inject_key))
		static_branch_disable(&smcr_inject_key);
out:
	mutex_unlock(&smcr_inject_mutex);
	if (smc)
		sock_put(&smc->sk);
	return rc ? rc : count;
}

static ssize_t smcr_inject_read(struct file *file, char __user *ubuf, size_t count,
				loff_t *ppos)
{
	char buf[512];
	int len, i;

	spin_lock_bh(&smcr_inject_lock);
	len = scnprintf(buf, sizeof(buf), "armed %s", smcr_inject_names[smcr_inject_fault]);
	if (smcr_inject_fault != SMCR_INJ_NONE && smcr_inject_token)
		len += scnprintf(buf + len, sizeof(buf) - len, " connection %08x",
				 smcr_inject_token);
	len += scnprintf(buf + len, sizeof(buf) - len, "\nfired %lu\nlast %s\nfaults",
			 smcr_inject_fired, smcr_inject_last[0] ? smcr_inject_last : "none");
	spin_unlock_bh(&smcr_inject_lock);
	for (i = SMCR_INJ_NONE + 1; i < SMCR_INJ_MAX; i++)
		len += scnprintf(buf + len, sizeof(buf) - len, " %s", smcr_inject_names[i]);
	len += scnprintf(buf + len, sizeof(buf) - len, "\n");
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations smcr_inject_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.read	= smcr_inject_read,
	.write	= smcr_inject_write,
	.llseek	= default_llseek,
};

void smcr_inject_init(void)
{
	/* a test facility: without debugfs the module works, there is just nothing to arm */
	smcr_inject_dir = debugfs_create_dir("smcr", NULL);
	debugfs_create_file("inject", 0600, smcr_inject_dir, NULL, &smcr_inject_fops);
}

void smcr_inject_exit(void)
{
	debugfs_remove_recursive(smcr_inject_dir);
	smcr_inject_dir = NULL;
	spin_lock_bh(&smcr_inject_lock);
	smcr_inject_fault = SMCR_INJ_NONE;
	spin_unlock_bh(&smcr_inject_lock);
	cancel_work_sync(&smcr_inject_off_work);
	if (static_key_enabled(&smcr_inject_key))
		static_branch_disable(&smcr_inject_key);
}
