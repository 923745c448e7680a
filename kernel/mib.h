/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smcr: per-netns MIB counters. One enum, one name table (mib.c), read in
 * /proc/net/smcr_stat as "Name value" lines. Names are stable: tests and tools grep them.
 */
#ifndef SMCR_MIB_H
#define SMCR_MIB_H

#include <linux/percpu.h>
#include <net/net_namespace.h>

enum smcr_mib_field {
	SMCR_MIB_SOCKCREATE,		/* AF_SMC sockets created */
	SMCR_MIB_CLNT_HS,		/* client handshakes started (TCP connected) */
	SMCR_MIB_SRV_HS,		/* server handshakes started (child accepted from TCP) */
	SMCR_MIB_CLNT_FALLBACK,		/* client connections that fell back to TCP */
	SMCR_MIB_SRV_FALLBACK,		/* server connections that fell back to TCP */
	SMCR_MIB_FB_PEERNOSMC,		/* fallback: peer sent no SMC option in SYN/SYN-ACK */
	SMCR_MIB_FB_NOSMCDEV,		/* fallback: no usable SMC device */
	SMCR_MIB_FB_PEERDECL,		/* fallback: the peer declined */
	SMCR_MIB_FB_OPTUNSUPP,		/* fallback: TCP option SMC cannot carry (fastopen, ulp) */
	SMCR_MIB_FB_CLCERR,		/* fallback after a malformed CLC message of the peer */
	SMCR_MIB_FB_OTHER,		/* fallback for any other reason */
	SMCR_MIB_DECL_SENT,		/* CLC Declines sent */
	SMCR_MIB_DECL_RCVD,		/* CLC Declines received */
	SMCR_MIB_PROP_RCVD,		/* CLC Proposals received */
	SMCR_MIB_CLC_PROTOERR,		/* CLC messages rejected by the decoder */
	SMCR_MIB_CLC_TIMEOUT,		/* waited too long for a CLC message */
	SMCR_MIB_HS_ABORT,		/* handshakes aborted (connection reset, not delivered) */
	SMCR_MIB_CONNECT_FAIL,		/* TCP connect of the clcsock failed */
	SMCR_MIB_ACCEPTED,		/* connections handed to accept() */
	SMCR_MIB_MAX
};

struct smcr_mib {
	unsigned long mibs[SMCR_MIB_MAX];
};

struct smcr_net {
	struct smcr_mib __percpu *mib;
};

struct smcr_net *smcr_net(const struct net *net);

static inline void smcr_mib_inc(const struct net *net, enum smcr_mib_field f)
{
	struct smcr_net *sn = smcr_net(net);

	if (likely(sn && sn->mib))
		this_cpu_inc(sn->mib->mibs[f]);
}

int smcr_pernet_init(void);
void smcr_pernet_exit(void);

#endif /* SMCR_MIB_H */
