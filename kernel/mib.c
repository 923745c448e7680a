// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: per-netns state (pernet_operations) and the MIB counters with their single name table.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/netns/generic.h>

#include "mib.h"

static unsigned int smcr_net_id __read_mostly;

static const char * const smcr_mib_names[SMCR_MIB_MAX] = {
	[SMCR_MIB_SOCKCREATE]		= "SockCreate",
	[SMCR_MIB_CLNT_HS]		= "ClntHandshake",
	[SMCR_MIB_SRV_HS]		= "SrvHandshake",
	[SMCR_MIB_CLNT_FALLBACK]	= "ClntFallback",
	[SMCR_MIB_SRV_FALLBACK]		= "SrvFallback",
	[SMCR_MIB_FB_PEERNOSMC]		= "FallbackPeerNoSmc",
	[SMCR_MIB_FB_NOSMCDEV]		= "FallbackNoSmcDev",
	[SMCR_MIB_FB_PEERDECL]		= "FallbackPeerDecline",
	[SMCR_MIB_FB_OPTUNSUPP]		= "FallbackOptUnsupp",
	[SMCR_MIB_FB_CLCERR]		= "FallbackClcError",
	[SMCR_MIB_FB_OTHER]		= "FallbackOther",
	[SMCR_MIB_DECL_SENT]		= "DeclineSent",
	[SMCR_MIB_DECL_RCVD]		= "DeclineRcvd",
	[SMCR_MIB_PROP_RCVD]		= "ProposalRcvd",
	[SMCR_MIB_CLC_PROTOERR]		= "ClcProtoError",
	[SMCR_MIB_CLC_TIMEOUT]		= "ClcTimeout",
	[SMCR_MIB_HS_ABORT]		= "HandshakeAbort",
	[SMCR_MIB_CONNECT_FAIL]		= "ConnectFail",
	[SMCR_MIB_ACCEPTED]		= "Accepted",
};

struct smcr_net *smcr_net(const struct net *net)
{
	return net_generic(net, smcr_net_id);
}

static int smcr_stat_show(struct seq_file *seq, void *v)
{
	struct smcr_net *sn = smcr_net(seq_file_single_net(seq));
	int f, cpu;

	for (f = 0; f < SMCR_MIB_MAX; f++) {
		unsigned long sum = 0;

		for_each_possible_cpu(cpu)
			sum += per_cpu_ptr(sn->mib, cpu)->mibs[f];
		seq_printf(seq, "%s %lu\n", smcr_mib_names[f], sum);
	}
	return 0;
}

static int __net_init smcr_net_init(struct net *net)
{
	struct smcr_net *sn = smcr_net(net);

	sn->mib = alloc_percpu(struct smcr_mib);
	if (!sn->mib)
		return -ENOMEM;
	if (!proc_create_net_single("smcr_stat", 0444, net->proc_net, smcr_stat_show, NULL)) {
		free_percpu(sn->mib);
		sn->mib = NULL;
		return -ENOMEM;
	}
	return 0;
}

static void __net_exit smcr_net_exit(struct net *net)
{
	struct smcr_net *sn = smcr_net(net);

	remove_proc_entry("smcr_stat", net->proc_net);
	free_percpu(sn->mib);
	sn->mib = NULL;
}

static struct pernet_operations smcr_net_ops = {
	.init = smcr_net_init,
	.exit = smcr_net_exit,
	.id   = &smcr_net_id,
	.size = sizeof(struct smcr_net),
};

int smcr_pernet_init(void)
{
	BUILD_BUG_ON(ARRAY_SIZE(smcr_mib_names) != SMCR_MIB_MAX);
	return register_pernet_subsys(&smcr_net_ops);
}

void smcr_pernet_exit(void)
{
	unregister_pernet_subsys(&smcr_net_ops);
}
