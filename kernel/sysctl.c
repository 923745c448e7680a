// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: the net.smc.* sysctl directory of each netns.
 *
 * Debian 6.1's net/smc has autocorking_size, smcr_buf_type, smcr_testlink_time, wmem and rmem;
 * 6.12's adds smcr_max_links_per_lgr, smcr_max_conns_per_lgr and limit_smc_hs; later upstream
 * adds smcr_max_send_wr and smcr_max_recv_wr. We offer all ten on both kernels, with upstream's
 * handlers, ranges and defaults (extra entries are invisible to tools that do not know them).
 *
 * tcp2smc is ours (0/1, default 0): user TCP sockets of the netns are created as AF_SMC
 * (replace.c). Writing 1 fails with EOPNOTSUPP when the socket-creation hook is not installed.
 */
#define pr_fmt(fmt) "smcr: " fmt

#include <linux/slab.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>

#include "compat.h"
#include "replace.h"
#include "sysctl.h"

static int smcr_buf_min = SMCR_BUF_MIN;
static int smcr_buf_max = INT_MAX / 2;
static int smcr_links_min = 1;
static int smcr_links_max = 2;
static int smcr_conns_min = 16;
static int smcr_conns_max = 255;
static int smcr_wr_min = 2;
static int smcr_wr_max = 2048;

/* net.smc.tcp2smc: 0 or 1, and 1 only while the hook is there to act on it */
static int smcr_proc_tcp2smc(SMCR_CTL_TABLE_CONST struct ctl_table *table, int write,
			     void *buffer, size_t *lenp, loff_t *ppos)
{
	int *valp = table->data;
	int val = READ_ONCE(*valp);
	struct ctl_table tmp = {
		.data	= &val,
		.maxlen	= sizeof(int),
		.extra1	= SYSCTL_ZERO,
		.extra2	= SYSCTL_ONE,
	};
	int rc;

	rc = proc_dointvec_minmax(&tmp, write, buffer, lenp, ppos);
	if (rc || !write)
		return rc;
	if (val && !smcr_replace_active())
		return -EOPNOTSUPP;
	WRITE_ONCE(*valp, val);
	return 0;
}

#define SMCR_SYSCTL_FIELD(f)	((void *)offsetof(struct smcr_net_sysctl, f))

/* Template: .data holds the offset of the value in struct smcr_net_sysctl. */
static const struct ctl_table smcr_sysctl_template[] = {
	{
		.procname	= "autocorking_size",
		.data		= SMCR_SYSCTL_FIELD(autocorking_size),
		.maxlen		= sizeof(unsigned int),
		.mode		= 0644,
		.proc_handler	= proc_douintvec,
	},
	{
		.procname	= "smcr_buf_type",
		.data		= SMCR_SYSCTL_FIELD(smcr_buf_type),
		.maxlen		= sizeof(unsigned int),
		.mode		= 0644,
		.proc_handler	= proc_douintvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_TWO,
	},
	{
		.procname	= "smcr_testlink_time",
		.data		= SMCR_SYSCTL_FIELD(smcr_testlink_time),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_jiffies,
	},
	{
		.procname	= "wmem",
		.data		= SMCR_SYSCTL_FIELD(wmem),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &smcr_buf_min,
		.extra2		= &smcr_buf_max,
	},
	{
		.procname	= "rmem",
		.data		= SMCR_SYSCTL_FIELD(rmem),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &smcr_buf_min,
		.extra2		= &smcr_buf_max,
	},
	{
		.procname	= "smcr_max_links_per_lgr",
		.data		= SMCR_SYSCTL_FIELD(smcr_max_links_per_lgr),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &smcr_links_min,
		.extra2		= &smcr_links_max,
	},
	{
		.procname	= "smcr_max_conns_per_lgr",
		.data		= SMCR_SYSCTL_FIELD(smcr_max_conns_per_lgr),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &smcr_conns_min,
		.extra2		= &smcr_conns_max,
	},
	{
		.procname	= "limit_smc_hs",
		.data		= SMCR_SYSCTL_FIELD(limit_smc_hs),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
	{
		.procname	= "smcr_max_send_wr",
		.data		= SMCR_SYSCTL_FIELD(smcr_max_send_wr),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &smcr_wr_min,
		.extra2		= &smcr_wr_max,
	},
	{
		.procname	= "smcr_max_recv_wr",
		.data		= SMCR_SYSCTL_FIELD(smcr_max_recv_wr),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &smcr_wr_min,
		.extra2		= &smcr_wr_max,
	},
	{
		.procname	= "tcp2smc",
		.data		= SMCR_SYSCTL_FIELD(tcp2smc),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= smcr_proc_tcp2smc,
	},
	{ }	/* sentinel (6.1 needs it; 6.12 is given the count, see compat.h) */
};

int smcr_sysctl_net_init(struct net *net)
{
	struct smcr_net *sn = smcr_net(net);
	struct smcr_net_sysctl *v = &sn->sysctl;
	struct ctl_table *tab;
	size_t i;

	v->autocorking_size = SMCR_AUTOCORKING_DEFAULT;
	v->smcr_buf_type = 0;
	v->smcr_testlink_time = SMCR_TESTLINK_DEFAULT;
	v->wmem = SMCR_WMEM_DEFAULT;
	v->rmem = SMCR_RMEM_DEFAULT;
	v->smcr_max_links_per_lgr = SMCR_MAX_LINKS_DEFAULT;
	v->smcr_max_conns_per_lgr = SMCR_MAX_CONNS_DEFAULT;
	v->limit_smc_hs = 0;
	v->smcr_max_send_wr = SMCR_MAX_SEND_WR_DEFAULT;
	v->smcr_max_recv_wr = SMCR_MAX_RECV_WR_DEFAULT;
	v->tcp2smc = 0;

	tab = kmemdup(smcr_sysctl_template, sizeof(smcr_sysctl_template), GFP_KERNEL);
	if (!tab)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(smcr_sysctl_template) - 1; i++)
		tab[i].data = (char *)v + (uintptr_t)smcr_sysctl_template[i].data;

	sn->sysctl_hdr = smcr_register_net_sysctl(net, "net/smc", tab,
						  ARRAY_SIZE(smcr_sysctl_template) - 1);
	if (!sn->sysctl_hdr) {
		kfree(tab);
		return -ENOMEM;
	}
	sn->sysctl_table = tab;
	return 0;
}

void smcr_sysctl_net_exit(struct net *net)
{
	struct smcr_net *sn = smcr_net(net);

	unregister_net_sysctl_table(sn->sysctl_hdr);
	kfree(sn->sysctl_table);
	sn->sysctl_hdr = NULL;
	sn->sysctl_table = NULL;
}
