/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smcr: per-netns MIB counters. One enum, one name table (mib.c), read in
 * /proc/net/smcr_stat as "Name value" lines. Names are stable: tests and tools grep them.
 */
#ifndef SMCR_MIB_H
#define SMCR_MIB_H

#include <linux/percpu.h>
#include <net/net_namespace.h>

#include "netns.h"	/* struct smcr_net, smcr_net() */

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
	SMCR_MIB_CONN_START,		/* SMC-R connections that started carrying data */
	SMCR_MIB_CONN_FREE,		/* SMC-R connections given back (closed, aborted, killed) */
	SMCR_MIB_CDC_BADMSG,		/* received CDC messages that failed to decode */
	SMCR_MIB_CDC_NOCONN,		/* received CDC messages for an unknown token (dropped) */
	SMCR_MIB_CDC_OLDSEQ,		/* received CDC messages with an old sequence number */
	SMCR_MIB_CDC_PROTOERR,		/* connections aborted for a bad cursor, sequence number or
					 * a malformed CDC */
	SMCR_MIB_WR_RX_UNKNOWN,		/* received messages of no known type (dropped) */
	SMCR_MIB_LLC_BADMSG,		/* LLC messages with a bad header or fields (dropped) */
	SMCR_MIB_LGR_TERM,		/* link groups ended abnormally (link or device lost,
					 * port down, DELETE_LINK of the peer) */
	SMCR_MIB_CONN_KILLED,		/* connections aborted because their link group ended */
	SMCR_MIB_TCP2SMC,		/* TCP socket() calls turned into AF_SMC (net.smc.tcp2smc) */
	SMCR_MIB_IPPROTO_SMC,		/* socket(AF_INET[6], SOCK_STREAM, IPPROTO_SMC) calls */
	SMCR_MIB_POLICY_RUN,		/* SMC policy program runs (policy.c) */
	SMCR_MIB_POLICY_TCP_CLNT,	/* client connections made plain TCP by the policy */
	SMCR_MIB_POLICY_TCP_SRV,	/* server connections the policy declined to plain TCP */
	/* data path (the performance pass: CDCs per byte, WRITEs per CDC, wake-ups per request) */
	SMCR_MIB_CDC_TX,		/* CDC messages posted */
	SMCR_MIB_CDC_TX_DATA,		/* ... of them carrying new data (producer cursor moved) */
	SMCR_MIB_CDC_RX,		/* CDC messages applied to a connection */
	SMCR_MIB_RDMA_WRITE,		/* RDMA WRITEs posted */
	SMCR_MIB_TX_AUTOCORK,		/* sendmsg() pushes left to the CDC completion (autocork) */
	SMCR_MIB_TX_COMPL_PUSH,		/* pushes run from a CDC send completion */
	SMCR_MIB_TX_RETRY,		/* pushes retried later (no send slot, send queue full) */
	SMCR_MIB_RX_WAKE,		/* readers woken for new data (a sleeper was there) */
	SMCR_MIB_TX_WAKE,		/* writers woken for send buffer space */
	SMCR_MIB_RX_COPY,		/* recvmsg() copies out of the RMB */
	SMCR_MIB_TX_COPY,		/* sendmsg() copies into the send buffer */
	SMCR_MIB_CLC_RESET,		/* SMC-R connections aborted: their TCP connection was reset */
	SMCR_MIB_REG_REFUSED,		/* RMB registrations refused: the send queue did not drain
					   (SMCR_WR_REG_DRAIN_WAIT); the connection fell back */
	SMCR_MIB_TX_LINK_WINDOW,	/* pushes the link window held back until a completion (wr.c) */
	SMCR_MIB_MAX
};

struct smcr_mib {
	unsigned long mibs[SMCR_MIB_MAX];
};

static inline void smcr_mib_inc(const struct net *net, enum smcr_mib_field f)
{
	struct smcr_net *sn = smcr_net(net);

	if (likely(sn && sn->mib))
		this_cpu_inc(sn->mib->mibs[f]);
}

/* per-netns part, called from netns.c */
int smcr_mib_net_init(struct net *net);
void smcr_mib_net_exit(struct net *net);

/* read side, for the SMCR_EXT netlink family (nl_ext.c) */
const char *smcr_mib_name(enum smcr_mib_field f);
u64 smcr_mib_read(const struct net *net, enum smcr_mib_field f);
void smcr_mib_reset(const struct net *net);

#endif /* SMCR_MIB_H */
