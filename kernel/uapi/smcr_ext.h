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
 * Requests carry no attributes; an attribute in a request is rejected (EINVAL).
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
	__SMCR_EXT_A_MAX,
	SMCR_EXT_A_MAX = __SMCR_EXT_A_MAX - 1
};

/* SMCR_EXT_A_FEATURES bits: what this build of the module does. */
#define SMCR_EXT_F_SMCR_DATA	(1U << 0)	/* moves data over SMC-R (else: falls back) */
#define SMCR_EXT_F_SMCR_V2	(1U << 1)	/* proposes/accepts SMC-Rv2 */

#endif /* SMCR_UAPI_EXT_H */
