/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * smcr: the decline / fallback reason codes of SMC (the 32-bit "peer diagnosis" of a CLC Decline,
 * also used as the local fallback reason). Values are protocol facts shared with Linux net/smc and
 * smc-tools; the names are the short words Linux uses after its SMC_CLC_DECL_ prefix.
 *
 * One table (reason.c) maps every code to a stable name and a one-line explanation, so the kernel
 * module, the tools and the tests print the same words. Pure code: no allocation, no state.
 */
#ifndef SMCR_WIRE_REASON_H
#define SMCR_WIRE_REASON_H

#include "wire_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Class (top byte) of a reason code. */
#define SMCR_DECL_CLASS_RESOURCE	0x01	/* out of resources */
#define SMCR_DECL_CLASS_TIMEOUT		0x02	/* a timer expired */
#define SMCR_DECL_CLASS_CONFIG		0x03	/* configuration / capability mismatch */
#define SMCR_DECL_CLASS_SYNC		0x04	/* link group out of sync */
#define SMCR_DECL_CLASS_PEER		0x05	/* the peer declined */
#define SMCR_DECL_CLASS_INTERNAL	0x09	/* internal error */

#define SMCR_DECL_MEM		0x01010000u	/* insufficient memory */
#define SMCR_DECL_TIMEOUT_CL	0x02010000u	/* timeout waiting for LLC CONFIRM LINK */
#define SMCR_DECL_TIMEOUT_AL	0x02020000u	/* timeout waiting for LLC ADD LINK */
#define SMCR_DECL_CNFERR	0x03000000u	/* configuration error */
#define SMCR_DECL_PEERNOSMC	0x03010000u	/* peer did not indicate SMC (TCP option) */
#define SMCR_DECL_IPSEC		0x03020000u	/* IPsec in use */
#define SMCR_DECL_NOSMCDEV	0x03030000u	/* no SMC device (R or D) */
#define SMCR_DECL_NOSMCDDEV	0x03030001u	/* no SMC-D device */
#define SMCR_DECL_NOSMCRDEV	0x03030002u	/* no SMC-R device */
#define SMCR_DECL_NOISM2SUPP	0x03030003u	/* no ISMv2 support */
#define SMCR_DECL_NOV2EXT	0x03030004u	/* peer sent no v2 extension */
#define SMCR_DECL_NOV2DEXT	0x03030005u	/* peer sent no SMC-Dv2 extension */
#define SMCR_DECL_NOSEID	0x03030006u	/* no system EID */
#define SMCR_DECL_NOSMCD2DEV	0x03030007u	/* no SMC-Dv2 device */
#define SMCR_DECL_NOUEID	0x03030008u	/* no (matching) user EID */
#define SMCR_DECL_RELEASEERR	0x03030009u	/* release negotiation failed (v2.1) */
#define SMCR_DECL_MAXCONNERR	0x0303000au	/* max-connections negotiation failed (v2.1) */
#define SMCR_DECL_MAXLINKERR	0x0303000bu	/* max-links negotiation failed (v2.1) */
#define SMCR_DECL_MODEUNSUPP	0x03040000u	/* SMC modes do not match */
#define SMCR_DECL_RMBE_EC	0x03050000u	/* peer requires RMBE eyecatchers */
#define SMCR_DECL_OPTUNSUPP	0x03060000u	/* unsupported socket option (fastopen) */
#define SMCR_DECL_DIFFPREFIX	0x03070000u	/* IP prefix / subnet mismatch */
#define SMCR_DECL_GETVLANERR	0x03080000u	/* cannot get VLAN id */
#define SMCR_DECL_ISMVLANERR	0x03090000u	/* cannot register VLAN id on ISM */
#define SMCR_DECL_NOACTLINK	0x030a0000u	/* no active link in the link group */
#define SMCR_DECL_NOSRVLINK	0x030b0000u	/* server's link not found by the client */
#define SMCR_DECL_VERSMISMAT	0x030c0000u	/* SMC version mismatch */
#define SMCR_DECL_MAX_DMB	0x030d0000u	/* SMC-D DMB limit reached */
#define SMCR_DECL_NOROUTE	0x030e0000u	/* SMC-Rv2: no route to the peer */
#define SMCR_DECL_NOINDIRECT	0x030f0000u	/* SMC-Rv2: direct/indirect mismatch */
/*
 * smcr's own code, not upstream's: the local SMC policy (eBPF, SMCR_EXT_CMD_POLICY_SET) chose plain
 * TCP for this connection. Chosen far above upstream's configuration codes; a peer that does not
 * know it shows it as an unknown peer diagnosis.
 */
#define SMCR_DECL_POLICY	0x03f00000u	/* refused by the local SMC policy */
#define SMCR_DECL_SYNCERR	0x04000000u	/* link group out of sync */
#define SMCR_DECL_PEERDECL	0x05000000u	/* the peer sent a Decline */
#define SMCR_DECL_INTERR	0x09990000u	/* internal error */
#define SMCR_DECL_ERR_RTOK	0x09990001u	/* rtoken handling failed */
#define SMCR_DECL_ERR_RDYLNK	0x09990002u	/* making the QP ready failed */
#define SMCR_DECL_ERR_REGBUF	0x09990003u	/* registering RDMA buffers failed */

/**
 * struct smcr_reason_info - one entry of the reason table.
 * @code: the 32-bit reason code (host order).
 * @name: short stable upper-case word, e.g. "PEERNOSMC" (Linux's name without SMC_CLC_DECL_).
 * @text: one-line human explanation, lower case, no trailing period.
 */
struct smcr_reason_info {
	u32 code;
	const char *name;
	const char *text;
};

/**
 * smcr_reason_lookup() - find the table entry of a reason code.
 * @code: reason code in host order.
 *
 * Return: the entry, or NULL if @code is not a known reason.
 */
const struct smcr_reason_info *smcr_reason_lookup(u32 code);

/**
 * smcr_reason_name() - short stable name of a reason code.
 * @code: reason code in host order.
 *
 * Return: e.g. "PEERNOSMC" for 0x03010000, or NULL if @code is unknown.
 */
const char *smcr_reason_name(u32 code);

/**
 * smcr_reason_text() - one-line explanation of a reason code.
 * @code: reason code in host order.
 *
 * Return: e.g. "peer did not indicate SMC in the TCP handshake", or NULL if @code is unknown.
 */
const char *smcr_reason_text(u32 code);

/**
 * smcr_reason_from_name() - reverse lookup by name.
 * @name: a name as returned by smcr_reason_name(); compared case-sensitively. An optional
 *        "SMC_CLC_DECL_" prefix is accepted.
 * @code: out: the reason code.
 *
 * Return: 0, or -ENOENT if no reason has that name (@code untouched), -EINVAL if @name is NULL.
 */
int smcr_reason_from_name(const char *name, u32 *code);

/**
 * smcr_reason_count() - number of entries in the reason table.
 *
 * Return: the count; entries are smcr_reason_at(0) .. smcr_reason_at(count - 1), in ascending
 * code order.
 */
size_t smcr_reason_count(void);

/**
 * smcr_reason_at() - table entry by index, for listing all reasons.
 * @idx: 0 .. smcr_reason_count() - 1.
 *
 * Return: the entry, or NULL if @idx is out of range.
 */
const struct smcr_reason_info *smcr_reason_at(size_t idx);

/**
 * smcr_reason_class() - class byte of a reason code (one of SMCR_DECL_CLASS_*, or other).
 * @code: reason code in host order.
 */
static inline u8 smcr_reason_class(u32 code)
{
	return (u8)(code >> 24);
}

/**
 * smcr_reason_class_name() - name of a reason class.
 * @cls: class byte, see smcr_reason_class().
 *
 * Return: "resource", "timeout", "config", "sync", "peer", "internal", or NULL if unknown.
 */
const char *smcr_reason_class_name(u8 cls);

#ifdef __cplusplus
}
#endif

#endif /* SMCR_WIRE_REASON_H */
