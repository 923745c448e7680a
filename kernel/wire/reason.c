// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * smcr: the table of decline / fallback reason codes (see reason.h).
 */
#include "reason.h"

/* Sorted by code: smcr_reason_lookup() relies on it (binary search). */
static const struct smcr_reason_info smcr_reasons[] = {
	{ SMCR_DECL_MEM,	"MEM",		"insufficient memory resources" },
	{ SMCR_DECL_TIMEOUT_CL,	"TIMEOUT_CL",	"timeout waiting for LLC CONFIRM LINK" },
	{ SMCR_DECL_TIMEOUT_AL,	"TIMEOUT_AL",	"timeout waiting for LLC ADD LINK" },
	{ SMCR_DECL_CNFERR,	"CNFERR",	"configuration error (e.g. no IP prefix for the route)" },
	{ SMCR_DECL_PEERNOSMC,	"PEERNOSMC",	"peer did not indicate SMC in the TCP handshake" },
	{ SMCR_DECL_IPSEC,	"IPSEC",	"IPsec is used on the connection" },
	{ SMCR_DECL_NOSMCDEV,	"NOSMCDEV",	"no usable SMC device (SMC-R or SMC-D)" },
	{ SMCR_DECL_NOSMCDDEV,	"NOSMCDDEV",	"no usable SMC-D device" },
	{ SMCR_DECL_NOSMCRDEV,	"NOSMCRDEV",	"no usable SMC-R (RoCE) device" },
	{ SMCR_DECL_NOISM2SUPP,	"NOISM2SUPP",	"no ISMv2 support" },
	{ SMCR_DECL_NOV2EXT,	"NOV2EXT",	"peer sent no SMC v2 extension" },
	{ SMCR_DECL_NOV2DEXT,	"NOV2DEXT",	"peer sent no SMC-Dv2 extension" },
	{ SMCR_DECL_NOSEID,	"NOSEID",	"no system EID available" },
	{ SMCR_DECL_NOSMCD2DEV,	"NOSMCD2DEV",	"no usable SMC-Dv2 device" },
	{ SMCR_DECL_NOUEID,	"NOUEID",	"no matching user EID" },
	{ SMCR_DECL_RELEASEERR,	"RELEASEERR",	"SMC release negotiation failed" },
	{ SMCR_DECL_MAXCONNERR,	"MAXCONNERR",	"max connections per link group negotiation failed" },
	{ SMCR_DECL_MAXLINKERR,	"MAXLINKERR",	"max links per link group negotiation failed" },
	{ SMCR_DECL_MODEUNSUPP,	"MODEUNSUPP",	"SMC modes of both sides do not match" },
	{ SMCR_DECL_RMBE_EC,	"RMBE_EC",	"peer requires RMBE eyecatchers" },
	{ SMCR_DECL_OPTUNSUPP,	"OPTUNSUPP",	"socket option not supported with SMC (TCP fastopen)" },
	{ SMCR_DECL_DIFFPREFIX,	"DIFFPREFIX",	"peers are not in the same IP subnet" },
	{ SMCR_DECL_GETVLANERR,	"GETVLANERR",	"cannot determine the VLAN id of the device" },
	{ SMCR_DECL_ISMVLANERR,	"ISMVLANERR",	"cannot register the VLAN id on the ISM device" },
	{ SMCR_DECL_NOACTLINK,	"NOACTLINK",	"no active link in the link group" },
	{ SMCR_DECL_NOSRVLINK,	"NOSRVLINK",	"client found no link to the server's link group" },
	{ SMCR_DECL_VERSMISMAT,	"VERSMISMAT",	"SMC version mismatch" },
	{ SMCR_DECL_MAX_DMB,	"MAX_DMB",	"SMC-D DMB limit reached" },
	{ SMCR_DECL_NOROUTE,	"NOROUTE",	"SMC-Rv2: no route to the peer" },
	{ SMCR_DECL_NOINDIRECT,	"NOINDIRECT",	"SMC-Rv2: direct/indirect route mismatch" },
	{ SMCR_DECL_POLICY,	"POLICY",	"plain TCP chosen by the SMC policy (eBPF)" },
	{ SMCR_DECL_SYNCERR,	"SYNCERR",	"link group out of sync" },
	{ SMCR_DECL_PEERDECL,	"PEERDECL",	"peer declined during the handshake" },
	{ SMCR_DECL_INTERR,	"INTERR",	"internal error" },
	{ SMCR_DECL_ERR_RTOK,	"ERR_RTOK",	"internal error: rtoken handling failed" },
	{ SMCR_DECL_ERR_RDYLNK,	"ERR_RDYLNK",	"internal error: making the link ready failed" },
	{ SMCR_DECL_ERR_REGBUF,	"ERR_REGBUF",	"internal error: registering RDMA buffers failed" },
};

#define SMCR_REASON_CNT (sizeof(smcr_reasons) / sizeof(smcr_reasons[0]))

const struct smcr_reason_info *smcr_reason_lookup(u32 code)
{
	size_t lo = 0, hi = SMCR_REASON_CNT;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (smcr_reasons[mid].code == code)
			return &smcr_reasons[mid];
		if (smcr_reasons[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *smcr_reason_name(u32 code)
{
	const struct smcr_reason_info *r = smcr_reason_lookup(code);

	return r ? r->name : NULL;
}

const char *smcr_reason_text(u32 code)
{
	const struct smcr_reason_info *r = smcr_reason_lookup(code);

	return r ? r->text : NULL;
}

int smcr_reason_from_name(const char *name, u32 *code)
{
	static const char prefix[] = "SMC_CLC_DECL_";
	size_t i;

	if (!name || !code)
		return -EINVAL;
	if (!strncmp(name, prefix, sizeof(prefix) - 1))
		name += sizeof(prefix) - 1;
	for (i = 0; i < SMCR_REASON_CNT; i++) {
		if (!strcmp(smcr_reasons[i].name, name)) {
			*code = smcr_reasons[i].code;
			return 0;
		}
	}
	return -ENOENT;
}

size_t smcr_reason_count(void)
{
	return SMCR_REASON_CNT;
}

const struct smcr_reason_info *smcr_reason_at(size_t idx)
{
	return idx < SMCR_REASON_CNT ? &smcr_reasons[idx] : NULL;
}

const char *smcr_reason_class_name(u8 cls)
{
	switch (cls) {
	case SMCR_DECL_CLASS_RESOURCE:
		return "resource";
	case SMCR_DECL_CLASS_TIMEOUT:
		return "timeout";
	case SMCR_DECL_CLASS_CONFIG:
		return "config";
	case SMCR_DECL_CLASS_SYNC:
		return "sync";
	case SMCR_DECL_CLASS_PEER:
		return "peer";
	case SMCR_DECL_CLASS_INTERNAL:
		return "internal";
	default:
		return NULL;
	}
}
