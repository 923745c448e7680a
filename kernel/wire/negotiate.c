// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * smcr: IP prefix areas and SMC-R version choice (see negotiate.h and docs/wire-clc.md).
 */
#include "negotiate.h"
#include "reason.h"

bool smcr_ipv6_is_linklocal(const u8 *addr)
{
	return addr[0] == 0xfe && (addr[1] & 0xc0) == 0x80;
}

bool smcr_prefix_equal(const u8 *a, const u8 *b, unsigned int plen, unsigned int len)
{
	unsigned int bytes, bits;

	if (plen > 8 * len)
		plen = 8 * len;
	bytes = plen / 8;
	bits = plen % 8;
	if (bytes && memcmp(a, b, bytes))
		return false;
	if (bits) {
		u8 mask = (u8)(0xff << (8 - bits));

		if ((a[bytes] ^ b[bytes]) & mask)
			return false;
	}
	return true;
}

/* @out = the first @plen bits of @in, the rest zero (@len bytes). */
static void smcr_prefix_of(u8 *out, const u8 *in, unsigned int plen, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++) {
		if (plen >= 8 * (i + 1))
			out[i] = in[i];
		else if (plen > 8 * i)
			out[i] = in[i] & (u8)(0xff << (8 - (plen - 8 * i)));
		else
			out[i] = 0;
	}
}

int smcr_clc_prefix_fill(struct smcr_clc_proposal *prop, int family, const u8 *saddr,
			 const struct smcr_ifaddr *ifa, unsigned int n)
{
	unsigned int i, cnt = 0;

	memset(prop->ipv4_subnet, 0, sizeof(prop->ipv4_subnet));
	prop->ipv4_prefix_len = 0;
	prop->ipv6_prefix_cnt = 0;
	memset(prop->ipv6_prefix, 0, sizeof(prop->ipv6_prefix));

	if (family == 4) {
		for (i = 0; i < n; i++) {
			if (ifa[i].family != 4 || ifa[i].prefix_len > 32 ||
			    !smcr_prefix_equal(saddr, ifa[i].addr, ifa[i].prefix_len, 4))
				continue;
			smcr_prefix_of(prop->ipv4_subnet, ifa[i].addr, ifa[i].prefix_len, 4);
			prop->ipv4_prefix_len = ifa[i].prefix_len;
			return 0;
		}
		return -ENOENT;
	}
	if (family != 6)
		return -EINVAL;
	for (i = 0; i < n && cnt < SMCR_CLC_MAX_V6_PREFIX; i++) {
		if (ifa[i].family != 6 || ifa[i].prefix_len > 128 ||
		    smcr_ipv6_is_linklocal(ifa[i].addr))
			continue;
		smcr_prefix_of(prop->ipv6_prefix[cnt].prefix, ifa[i].addr, ifa[i].prefix_len, 16);
		prop->ipv6_prefix[cnt].prefix_len = ifa[i].prefix_len;
		cnt++;
	}
	prop->ipv6_prefix_cnt = (u8)cnt;
	return cnt ? 0 : -ENOENT;
}

bool smcr_clc_prefix_match(const struct smcr_clc_proposal *prop, const struct smcr_ifaddr *ifa,
			   unsigned int n)
{
	unsigned int i, j, max;

	if (!prop->ipv6_prefix_cnt) {
		for (i = 0; i < n; i++)
			if (ifa[i].family == 4 && ifa[i].prefix_len == prop->ipv4_prefix_len &&
			    smcr_prefix_equal(prop->ipv4_subnet, ifa[i].addr, ifa[i].prefix_len, 4))
				return true;
		return false;
	}
	max = prop->ipv6_prefix_cnt < SMCR_CLC_MAX_V6_PREFIX ? prop->ipv6_prefix_cnt :
							       SMCR_CLC_MAX_V6_PREFIX;
	for (i = 0; i < n; i++) {
		if (ifa[i].family != 6 || smcr_ipv6_is_linklocal(ifa[i].addr))
			continue;
		for (j = 0; j < max; j++)
			if (ifa[i].prefix_len == prop->ipv6_prefix[j].prefix_len &&
			    smcr_prefix_equal(ifa[i].addr, prop->ipv6_prefix[j].prefix,
					      ifa[i].prefix_len, 16))
				return true;
	}
	return false;
}

u8 smcr_srv_choose(const struct smcr_clc_proposal *prop, const struct smcr_srv_caps *caps,
		   u32 *reason)
{
	bool v1 = smcr_clc_smcr_indicated(prop->typev1);
	bool v2 = prop->version >= SMCR_CLC_V2 && smcr_clc_smcr_indicated(prop->typev2);
	u32 rc = 0;

	/* versions offered (Linux's listen_v2_check: its reason only counts if nothing is left) */
	if (v2 && !prop->has_v2_ext) {
		v2 = false;
		rc = SMCR_DECL_NOV2EXT;
	} else if (v2 && !prop->eid_cnt) {
		v2 = false;
		rc = SMCR_DECL_NOUEID;
	}
	if (!v1 && !v2) {
		if (smcr_clc_smcd_indicated(prop->typev1) ||
		    (prop->version >= SMCR_CLC_V2 && smcr_clc_smcd_indicated(prop->typev2)))
			*reason = SMCR_DECL_NOSMCDDEV;	/* SMC-D only: we have no ISM device */
		else
			*reason = rc ? rc : SMCR_DECL_PEERNOSMC;
		return 0;
	}
	rc = 0;

	/* the prefix check comes first and its reason sticks */
	if (prop->typev1 != SMCR_CLC_TYPE_N && !caps->prefix_match)
		rc = SMCR_DECL_DIFFPREFIX;

	if (v2 && caps->v2_enabled && caps->ueid_match) {
		if (caps->v2_dev)
			return SMCR_CLC_V2;
		if (!rc)
			rc = SMCR_DECL_NOSMCRDEV;
	}
	if (rc == SMCR_DECL_DIFFPREFIX) {
		*reason = rc;
		return 0;
	}
	if (v1 && caps->v1_dev)
		return SMCR_CLC_V1;
	*reason = rc ? rc : SMCR_DECL_NOSMCDEV;
	return 0;
}

u32 smcr_clnt_check_accept(u8 typev1, u8 typev2, u8 ac_version)
{
	if (ac_version >= SMCR_CLC_V2)
		return smcr_clc_smcr_indicated(typev2) ? 0 : SMCR_DECL_MODEUNSUPP;
	return smcr_clc_smcr_indicated(typev1) ? 0 : SMCR_DECL_MODEUNSUPP;
}

/* ---- SMC v2.1: release, connections and links per link group -------------------------------- */

static u8 smcr_min_u8(u8 a, u8 b)
{
	return a < b ? a : b;
}

u32 smcr_v2x_srv_choose(const struct smcr_clc_proposal *prop, u8 max_conns, u8 max_links,
			struct smcr_v2x *out)
{
	out->release = smcr_min_u8(prop->release, SMCR_V2X_RELEASE);
	out->max_conns = SMCR_V2X_CONNS_MAX;
	out->max_links = 0;
	if (out->release < 1)
		return 0;
	out->max_conns = smcr_min_u8(prop->max_conns, max_conns);
	if (out->max_conns < SMCR_V2X_CONNS_MIN)
		return SMCR_DECL_MAXCONNERR;
	out->max_links = smcr_min_u8(prop->max_links, max_links);
	if (out->max_links < SMCR_V2X_LINKS_MIN)
		return SMCR_DECL_MAXLINKERR;
	return 0;
}

u32 smcr_v2x_clnt_check(const struct smcr_clc_fce *fce, const struct smcr_v2x *ours,
			struct smcr_v2x *out)
{
	if (fce->release > ours->release)
		return SMCR_DECL_RELEASEERR;
	out->release = fce->release;
	out->max_conns = SMCR_V2X_CONNS_MAX;
	out->max_links = 0;
	if (out->release < 1)
		return 0;
	if (fce->max_links > ours->max_links || fce->max_links < SMCR_V2X_LINKS_MIN)
		return SMCR_DECL_MAXLINKERR;
	if (fce->max_conns > ours->max_conns || fce->max_conns < SMCR_V2X_CONNS_MIN)
		return SMCR_DECL_MAXCONNERR;
	out->max_conns = fce->max_conns;
	out->max_links = fce->max_links;
	return 0;
}

u32 smcr_v2x_srv_confirm_check(const struct smcr_clc_fce *fce, const struct smcr_v2x *agreed)
{
	if (fce->release != agreed->release)
		return SMCR_DECL_RELEASEERR;
	if (agreed->release < 1)
		return 0;
	if (fce->max_conns != agreed->max_conns)
		return SMCR_DECL_MAXCONNERR;
	if (fce->max_links != agreed->max_links)
		return SMCR_DECL_MAXLINKERR;
	return 0;
}
