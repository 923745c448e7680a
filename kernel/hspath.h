/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smcr: the network path of a connection as the CLC handshake needs it — which netdev the route
 * uses, its PNET id, the addresses for the SMC-Rv1 prefix area — and the local RDMA port/GID for
 * SMC-R v1 or v2 on that path (ib.c chooses).
 */
#ifndef SMCR_HSPATH_H
#define SMCR_HSPATH_H

#include "ib.h"
#include "wire/negotiate.h"

#define SMCR_HS_MAX_IFA	16	/* addresses of the route's netdev we look at */

/**
 * struct smcr_hs_path - the path of one clcsock
 * @q: the device-layer query (version filled per lookup)
 * @inet4: the clcsock is AF_INET (SMC-Rv2 is IPv4 only, as in Linux)
 * @nifa: valid entries in @ifa
 * @ifa: addresses of the route's netdev of the source address's family
 */
struct smcr_hs_path {
	struct smcr_ib_query	q;
	bool			inet4;
	unsigned int		nifa;
	struct smcr_ifaddr	ifa[SMCR_HS_MAX_IFA];
};

/* SMC-R v1 over RoCE v2 GIDs (module parameter v1_roce2_gids), SMC-R v2 offers (smcr_v2) */
extern bool smcr_v1_roce2_gids;
extern bool smcr_v2_enabled;

/**
 * smcr_hs_path_get() - the path of a connected clcsock
 * @clc: the clcsock (connected; process context, may take the RTNL)
 * @path: out
 *
 * Return: 0, or -ENODEV when the socket has no route (no dst) or an unexpected address family.
 */
int smcr_hs_path_get(struct socket *clc, struct smcr_hs_path *path);

/* The local GID for SMC-R @version (1 or 2) on @path; 0 or -ENODEV. */
int smcr_hs_find_gid(struct smcr_hs_path *path, u8 version, struct smcr_ib_gid *gid);

#endif /* SMCR_HSPATH_H */
