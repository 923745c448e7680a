// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: the MIB counters of a netns with their single name table, shown in /proc/net/smcr_stat.
 * (The per-netns state itself is set up in netns.c.)
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/netns/generic.h>

#include "mib.h"

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
	[SMCR_MIB_CONN_START]		= "SmcrConnStart",
	[SMCR_MIB_CONN_FREE]		= "SmcrConnFree",
	[SMCR_MIB_CDC_BADMSG]		= "CdcBadMsg",
	[SMCR_MIB_CDC_NOCONN]		= "CdcUnknownToken",
	[SMCR_MIB_CDC_OLDSEQ]		= "CdcOldSeq",
	[SMCR_MIB_CDC_PROTOERR]		= "CdcProtoAbort",
	[SMCR_MIB_TCP2SMC]		= "Tcp2SmcConvert",
	[SMCR_MIB_IPPROTO_SMC]		= "IpprotoSmcCreate",
	[SMCR_MIB_POLICY_RUN]		= "PolicyRun",
	[SMCR_MIB_POLICY_TCP_CLNT]	= "PolicyTcpClnt",
	[SMCR_MIB_POLICY_TCP_SRV]	= "PolicyTcpSrv",
	[SMCR_MIB_WR_RX_UNKNOWN]	= "RxUnknownType",
	[SMCR_MIB_LLC_BADMSG]		= "LlcBadMsg",
	[SMCR_MIB_LGR_TERM]		= "LgrTerminated",
	[SMCR_MIB_CONN_KILLED]		= "SmcrConnKilled",
	[SMCR_MIB_CDC_TX]		= "CdcTx",
	[SMCR_MIB_CDC_TX_DATA]		= "CdcTxData",
	[SMCR_MIB_CDC_RX]		= "CdcRx",
	[SMCR_MIB_RDMA_WRITE]		= "RdmaWrite",
	[SMCR_MIB_TX_AUTOCORK]		= "TxAutocork",
	[SMCR_MIB_TX_COMPL_PUSH]	= "TxComplPush",
	[SMCR_MIB_TX_RETRY]		= "TxRetry",
	[SMCR_MIB_RX_WAKE]		= "RxWake",
	[SMCR_MIB_TX_WAKE]		= "TxWake",
	[SMCR_MIB_RX_COPY]		= "RxCopy",
	[SMCR_MIB_TX_COPY]		= "TxCopy",
	[SMCR_MIB_CLC_RESET]		= "ClcResetAbort",
	[SMCR_MIB_REG_REFUSED]		= "RegRefused",
	[SMCR_MIB_TX_LINK_WINDOW]	= "TxLinkWindowFull",
};

const char *smcr_mib_name(enum smcr_mib_field f)
{
	return f < SMCR_MIB_MAX ? smcr_mib_names[f] : NULL;
}

/* Sum of one counter over all CPUs. */
u64 smcr_mib_read(const struct net *net, enum smcr_mib_field f)
{
	struct smcr_net *sn = smcr_net(net);
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(sn->mib, cpu)->mibs[f]);
	return sum;
}

/*
 * Zero every counter of @net (SMCR_EXT reset). Increments racing with the reset on other CPUs may
 * survive it or be lost; the counters are statistics, not accounting.
 */
void smcr_mib_reset(const struct net *net)
{
	struct smcr_net *sn = smcr_net(net);
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(sn->mib, cpu), 0, sizeof(struct smcr_mib));
}

static int smcr_stat_show(struct seq_file *seq, void *v)
{
	const struct net *net = seq_file_single_net(seq);
	int f;

	for (f = 0; f < SMCR_MIB_MAX; f++)
		seq_printf(seq, "%s %llu\n", smcr_mib_names[f], smcr_mib_read(net, f));
	return 0;
}

int smcr_mib_net_init(struct net *net)
{
	struct smcr_net *sn = smcr_net(net);

	BUILD_BUG_ON(ARRAY_SIZE(smcr_mib_names) != SMCR_MIB_MAX);
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

void smcr_mib_net_exit(struct net *net)
{
	struct smcr_net *sn = smcr_net(net);

	remove_proc_entry("smcr_stat", net->proc_net);
	free_percpu(sn->mib);
	sn->mib = NULL;
}
