/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note OR MIT */
/*
 * smcr: user ABI of the module's own generic netlink family "SMCR_EXT" (version 1).
 *
 * Upstream's families (SMC_GEN_NETLINK, SMC_PNETID) and sock_diag stay exactly upstream's; what
 * only this module offers lives here. Stock Linux has no such family (resolving the name fails
 * with ENOENT). All state is per network namespace: the caller's.
 *
 * Commands:
 *  SMCR_EXT_CMD_RESET_STATS (do, no attributes, CAP_NET_ADMIN over the netns):
 *	zero the netns's upstream statistics (SMC_NETLINK_GET_STATS), its fallback-reason table
 *	(SMC_NETLINK_GET_FBACK_STATS) and the module's counters (/proc/net/smcr_stat).
 *  SMCR_EXT_CMD_GET_MIB (dump, unprivileged): one message with SMCR_EXT_A_MIB, a nest of
 *	SMCR_EXT_A_MIB_ENTRY nests {SMCR_EXT_A_MIB_NAME string, SMCR_EXT_A_MIB_VALUE u64}, in the
 *	order of /proc/net/smcr_stat (same names).
 *  SMCR_EXT_CMD_GET_INFO (dump, unprivileged): one message with SMCR_EXT_A_VERSION (module
 *	version string), SMCR_EXT_A_SOCKS (u32, AF_SMC sockets open in the netns, including
 *	connections still in their handshake) and SMCR_EXT_A_FEATURES (u32, SMCR_EXT_F_* bits).
 *
 *  SMCR_EXT_CMD_POLICY_SET (do, CAP_NET_ADMIN over the netns): make the netns's SMC policy the
 *	BPF programs given by file descriptor: SMCR_EXT_A_POLICY_FD4 (s32, BPF_PROG_TYPE_CGROUP_SOCK_ADDR
 *	loaded with expected attach type BPF_CGROUP_INET4_CONNECT, asked for IPv4 peers) and/or
 *	SMCR_EXT_A_POLICY_FD6 (the same with BPF_CGROUP_INET6_CONNECT, asked for IPv6 and v4-mapped
 *	peers); at least one. Replaces any policy of the netns as a whole (a family without a program
 *	has no policy). The module keeps a reference on the programs (and so on their maps) until
 *	they are replaced or cleared, the netns goes, or the module is unloaded. A program of another
 *	type or attach type, or one that uses cgroup storage, is refused with EINVAL and an extended
 *	ack message; nothing changes then.
 *  SMCR_EXT_CMD_POLICY_CLEAR (do, CAP_NET_ADMIN over the netns): drop the netns's policy; every
 *	connection is offered SMC again (ENOENT if there was none).
 *  SMCR_EXT_CMD_POLICY_GET (dump, unprivileged): one message; with a policy attached, for each
 *	family with a program SMCR_EXT_A_POLICY_ID4/ID6 (u32 BPF program id) and
 *	SMCR_EXT_A_POLICY_NAME4/NAME6 (string, the program's name).
 *
 * The policy program runs (with a struct bpf_sock_addr context, return 1: SMC, 0: plain TCP):
 *  - on the client in connect(), before the SYN: user_ip4/user_ip6/user_port = the destination,
 *    sk = the internal TCP socket (not yet connected: src_* set only if bound), and the
 *    bpf_get_current_* helpers describe the task calling connect(). TCP: the SYN carries no SMC
 *    option, the socket is plain TCP at once (fallback reason SMCR_DECL_POLICY, no CLC).
 *  - on the server when a client offered SMC (its SYN had the SMC option) and its connection
 *    leaves TCP's accept queue: user_* = the peer, sk = the accepted TCP socket (src_* = local
 *    address and port, state ESTABLISHED), and the current task is a kernel worker (the
 *    bpf_get_current_* helpers do not describe the listening process). TCP: the client's
 *    Proposal is answered with a Decline SMCR_DECL_POLICY, both ends continue over TCP.
 * Writes of the program to the context are ignored. Policy verdicts are not fallbacks: they are
 * counted apart (counters PolicyTcpClnt / PolicyTcpSrv of SMCR_EXT_CMD_GET_MIB), not in the
 * upstream fallback statistics.
 *
 * Other requests carry no attributes; an attribute in such a request is rejected (EINVAL).
 */
#ifndef SMCR_UAPI_EXT_H
#define SMCR_UAPI_EXT_H

#define SMCR_EXT_FAMILY_NAME	"SMCR_EXT"
#define SMCR_EXT_FAMILY_VERSION	1

enum {
	SMCR_EXT_CMD_UNSPEC,
	SMCR_EXT_CMD_RESET_STATS,	/* 1 */
	SMCR_EXT_CMD_GET_MIB,		/* 2 */
	SMCR_EXT_CMD_GET_INFO,		/* 3 */
	SMCR_EXT_CMD_POLICY_SET,	/* 4 */
	SMCR_EXT_CMD_POLICY_CLEAR,	/* 5 */
	SMCR_EXT_CMD_POLICY_GET,	/* 6 */
	__SMCR_EXT_CMD_MAX,
	SMCR_EXT_CMD_MAX = __SMCR_EXT_CMD_MAX - 1
};

enum {
	SMCR_EXT_A_UNSPEC,
	SMCR_EXT_A_PAD,			/* padding of 64-bit values */
	SMCR_EXT_A_MIB,			/* nest of SMCR_EXT_A_MIB_ENTRY */
	SMCR_EXT_A_MIB_ENTRY,		/* nest */
	SMCR_EXT_A_MIB_NAME,		/* string */
	SMCR_EXT_A_MIB_VALUE,		/* u64 */
	SMCR_EXT_A_VERSION,		/* string */
	SMCR_EXT_A_SOCKS,		/* u32 */
	SMCR_EXT_A_FEATURES,		/* u32, SMCR_EXT_F_* */
	SMCR_EXT_A_POLICY_FD4,		/* s32, request: IPv4 policy program */
	SMCR_EXT_A_POLICY_FD6,		/* s32, request: IPv6 policy program */
	SMCR_EXT_A_POLICY_ID4,		/* u32, BPF program id */
	SMCR_EXT_A_POLICY_ID6,		/* u32 */
	SMCR_EXT_A_POLICY_NAME4,	/* string, BPF program name */
	SMCR_EXT_A_POLICY_NAME6,	/* string */
	__SMCR_EXT_A_MAX,
	SMCR_EXT_A_MAX = __SMCR_EXT_A_MAX - 1
};

/* SMCR_EXT_A_FEATURES bits: what this build of the module does. */
#define SMCR_EXT_F_SMCR_DATA	(1U << 0)	/* moves data over SMC-R (else: falls back) */
#define SMCR_EXT_F_SMCR_V2	(1U << 1)	/* proposes/accepts SMC-Rv2 */
#define SMCR_EXT_F_POLICY	(1U << 2)	/* SMCR_EXT_CMD_POLICY_* (eBPF selection) */

#endif /* SMCR_UAPI_EXT_H */
