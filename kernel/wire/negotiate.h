/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * smcr: the pure decisions of the CLC handshake that do not depend on kernel objects — IP prefix
 * areas (SMC-R v1) and the choice between SMC-R v1 and v2 — shared by the module and the userspace
 * unit tests like the codecs (no allocation, no global state).
 *
 * The rules are Linux's (net/smc, 6.1 and later), see docs/wire-clc.md:
 *  - A v1 Proposal carries the client's prefixes: for an IPv4 (or IPv4-mapped) source address the
 *    subnet and length of the address of the outgoing netdev that contains it; for IPv6 up to 8
 *    prefixes of the outgoing netdev's addresses, link-local ones left out.
 *  - The server accepts the prefix area if one of its own addresses on the netdev of the
 *    connection has the same prefix length and lies in the proposed subnet: the IPv4 part when
 *    the Proposal lists no IPv6 prefix, else any of the IPv6 prefixes.
 *  - The server prefers SMC-R v2, then v1, and declines with the first reason found.
 */
#ifndef SMCR_WIRE_NEGOTIATE_H
#define SMCR_WIRE_NEGOTIATE_H

#include "wire_types.h"
#include "clc.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct smcr_ifaddr - one local address of a netdev, as the prefix rules need it.
 * @family: 4 or 6.
 * @addr: the address, network order (IPv4 in the first 4 bytes).
 * @prefix_len: its prefix length (0..32 or 0..128).
 */
struct smcr_ifaddr {
	u8 family;
	u8 addr[16];
	u8 prefix_len;
};

/* Is @addr (16 bytes) an IPv6 link-local address (fe80::/10)? */
bool smcr_ipv6_is_linklocal(const u8 *addr);

/* Do the first @plen bits of @a and @b agree? @plen is clamped to 8 * @len. */
bool smcr_prefix_equal(const u8 *a, const u8 *b, unsigned int plen, unsigned int len);

/**
 * smcr_clc_prefix_fill() - fill the prefix area of a Proposal (SMC-R v1) the way Linux does.
 * @prop: Proposal; ipv4_subnet/ipv4_prefix_len/ipv6_prefix_cnt/ipv6_prefix are written.
 * @family: 4 for an IPv4 (or IPv4-mapped) source address, 6 for IPv6.
 * @saddr: the connection's source address (4 bytes for family 4, 16 for 6).
 * @ifa: the addresses of the connection's outgoing netdev.
 * @n: number of entries in @ifa.
 *
 * IPv4: the first IPv4 address of @ifa whose subnet contains @saddr gives subnet and length.
 * IPv6: the prefixes of the first 8 non-link-local IPv6 addresses of @ifa.
 *
 * Return: 0, -ENOENT if there is nothing to announce (Linux: no v1 then), -EINVAL for a bad
 * @family.
 */
int smcr_clc_prefix_fill(struct smcr_clc_proposal *prop, int family, const u8 *saddr,
			 const struct smcr_ifaddr *ifa, unsigned int n);

/**
 * smcr_clc_prefix_match() - does the Proposal's prefix area match one of our addresses?
 * @prop: decoded Proposal with a prefix area (typev1 != N).
 * @ifa: the addresses of the server's netdev for the connection.
 * @n: number of entries in @ifa.
 *
 * Return: true on a match (prefix length equal and address within the proposed prefix).
 */
bool smcr_clc_prefix_match(const struct smcr_clc_proposal *prop, const struct smcr_ifaddr *ifa,
			   unsigned int n);

/**
 * struct smcr_srv_caps - what the server found for one connection, besides the Proposal.
 * @v2_enabled: SMC-R v2 may be used (module setting).
 * @ueid_match: one of the Proposal's UEIDs is in the local table.
 * @v2_dev: a usable local RoCE v2 GID for this connection (IPv4 only).
 * @prefix_match: smcr_clc_prefix_match() said yes (only looked at when v1 is offered).
 * @v1_dev: a usable local GID for SMC-R v1.
 */
struct smcr_srv_caps {
	bool v2_enabled;
	bool ueid_match;
	bool v2_dev;
	bool prefix_match;
	bool v1_dev;
};

/**
 * smcr_srv_choose() - the SMC-R version the server accepts, or the reason it declines.
 * @prop: the decoded Proposal.
 * @caps: what the server found.
 * @reason: out: the Decline reason (SMCR_DECL_*) when 0 is returned.
 *
 * Linux's order: offered versions (v2 needs the v2 extension and at least one UEID; an SMC-D
 * only Proposal is declined with NOSMCDDEV), IP prefix (v1), SMC-R v2 (a UEID match and a
 * device), then SMC-R v1 (prefix match and a device). The first reason found is kept.
 *
 * Return: SMCR_CLC_V2, SMCR_CLC_V1, or 0 (decline with *@reason).
 */
u8 smcr_srv_choose(const struct smcr_clc_proposal *prop, const struct smcr_srv_caps *caps,
		   u32 *reason);

/**
 * smcr_clnt_check_accept() - may the client take this Accept? (Linux's mode/version check)
 * @typev1: SMC types the client offered for v1 (Proposal header).
 * @typev2: SMC types the client offered for v2.
 * @ac_version: the Accept's header version.
 *
 * Return: 0, or SMCR_DECL_MODEUNSUPP if the Accept's SMC-R version was not offered.
 */
u32 smcr_clnt_check_accept(u8 typev1, u8 typev2, u8 ac_version);

/* SMC v2.1 (release 1): connections and links per link group, agreed on first contact */
#define SMCR_V2X_RELEASE	1	/* the release we speak */
#define SMCR_V2X_CONNS_MIN	16	/* fewest connections per group a v2.1 peer may ask for */
#define SMCR_V2X_CONNS_MAX	255
#define SMCR_V2X_LINKS_MIN	1

/**
 * struct smcr_v2x - what a first contact agreed on
 * @release: 0 (v2.0, as Linux 6.1) or 1 (v2.1)
 * @max_conns: connections per link group (release 1), else SMCR_V2X_CONNS_MAX
 * @max_links: links per link group (release 1), else 0 (not negotiated)
 */
struct smcr_v2x {
	u8 release;
	u8 max_conns;
	u8 max_links;
};

/**
 * smcr_v2x_srv_choose() - the server's answer to a v2 Proposal that starts a link group
 * @prop: the Proposal (its v2 extension's release, max_conns, max_links)
 * @max_conns: the most connections per group we allow (net.smc.smcr_max_conns_per_lgr)
 * @max_links: the most links per group we can run
 * @out: what goes into the Accept's First-Contact Extension
 *
 * Release: the lower of both. With release 1, each limit is the lower of both, and too low a
 * result declines, as Linux's v2.1 server does.
 *
 * Return: 0, or SMCR_DECL_MAXCONNERR / SMCR_DECL_MAXLINKERR.
 */
u32 smcr_v2x_srv_choose(const struct smcr_clc_proposal *prop, u8 max_conns, u8 max_links,
			struct smcr_v2x *out);

/**
 * smcr_v2x_clnt_check() - the client checks the First-Contact Extension of an Accept
 * @fce: the Accept's FCE
 * @ours: what our Proposal offered (release, max_conns, max_links)
 * @out: the agreement, to repeat in the Confirm
 *
 * Return: 0; SMCR_DECL_RELEASEERR for a release above ours; SMCR_DECL_MAXLINKERR or
 * SMCR_DECL_MAXCONNERR (release 1) for limits above what we offered or below the minimum.
 */
u32 smcr_v2x_clnt_check(const struct smcr_clc_fce *fce, const struct smcr_v2x *ours,
			struct smcr_v2x *out);

/**
 * smcr_v2x_srv_confirm_check() - the Confirm's FCE must repeat what the server chose
 * @fce: the Confirm's FCE
 * @agreed: the server's choice (smcr_v2x_srv_choose())
 *
 * Return: 0, SMCR_DECL_RELEASEERR, SMCR_DECL_MAXCONNERR or SMCR_DECL_MAXLINKERR.
 */
u32 smcr_v2x_srv_confirm_check(const struct smcr_clc_fce *fce, const struct smcr_v2x *agreed);

#ifdef __cplusplus
}
#endif

#endif /* SMCR_WIRE_NEGOTIATE_H */
