// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * smcr: CLC message codec (see clc.h for the API and docs/wire-clc.md for the rules).
 *
 * Every read is preceded by a bounds check against the message end; every write by a check of
 * the encoded length against the capacity. Offsets are byte positions as on the wire.
 */
#include "clc.h"
#include "reason.h"

/* Header. */
#define HDR_TYPE		4
#define HDR_LENGTH		5
#define HDR_FLAGS		7

/* Proposal: base part. */
#define PROP_SYSID		8
#define PROP_GID		16
#define PROP_MAC		32
#define PROP_IPAREA_OFF		38
/* Proposal: SMC-D v1 area (starts right after the base). */
#define PROP_SMCD		SMCR_CLC_PROP_BASE_LEN
#define PROP_SMCD_GID		(PROP_SMCD + 0)
#define PROP_SMCD_CHID		(PROP_SMCD + 8)
#define PROP_V2EXT_OFF		(PROP_SMCD + 10)
#define PROP_V2EXT_BASE		(PROP_SMCD + 12)	/* v2_ext_offset counts from here */
/* Proposal: IP prefix area, relative to its start. */
#define PFX_IPV4		0
#define PFX_IPV4_LEN		4
#define PFX_IPV6_CNT		7
/* Proposal: v2 extension, relative to its start. */
#define V2X_EID_CNT		0
#define V2X_ISM_GID_CNT		1
#define V2X_FLAGS		3
#define V2X_SMCDV2_OFF		6
#define V2X_SMCDV2_BASE		8			/* smcd_v2_ext_offset counts from here */
#define V2X_ROCE_GID		8
#define V2X_MAX_CONNS		24
#define V2X_MAX_LINKS		25
#define V2X_FEATURE_MASK	26
/* Proposal: SMC-Dv2 extension, relative to its start. */
#define D2X_SYSTEM_EID		0
#define D2X_GIDCHID		48

/* SMC-R Accept/Confirm. */
#define AC_SYSID		8
#define AC_GID			16
#define AC_MAC			32
#define AC_QPN			38
#define AC_RKEY			41
#define AC_RMBE_IDX		45
#define AC_ALERT_TOKEN		46
#define AC_SIZE_MTU		50
#define AC_DMA_ADDR		52
#define AC_PSN			61
#define AC_EID			64			/* v2 */
#define AC_FCE			104			/* v2 first contact */
#define AC_FCE_HOSTNAME		(AC_FCE + 4)
#define AC_FCE_MAX_CONNS	140
#define AC_FCE_MAX_LINKS	141
#define AC_FCE_FEATURE_MASK	142
#define AC_FCE_VENDOR_OPTS	144
#define AC_GID_CNT		156			/* v2 first-contact Confirm */
#define AC_GID_LIST		160

/* Decline. */
#define DECL_SYSID		8
#define DECL_DIAG		16
#define DECL_OS_TYPE		20
#define DECL_DIAG_V2		24

SMCR_STATIC_ASSERT(PROP_V2EXT_BASE == 52, "proposal v2_ext_offset base");
SMCR_STATIC_ASSERT(AC_GID_LIST + SMCR_CLC_TRL_LEN == SMCR_CLC_CONFIRM_V2_FC_LEN, "confirm len");
SMCR_STATIC_ASSERT(AC_GID_CNT + SMCR_CLC_TRL_LEN == SMCR_CLC_ACCEPT_V2_FC_LEN, "accept len");
SMCR_STATIC_ASSERT(AC_EID + SMCR_CLC_EID_LEN + 8 + SMCR_CLC_TRL_LEN == SMCR_CLC_AC_V2_LEN,
		   "accept/confirm v2 len");
SMCR_STATIC_ASSERT(DECL_DIAG_V2 + 4 * SMCR_CLC_DECL_DIAG_V2 + SMCR_CLC_TRL_LEN ==
		   SMCR_CLC_DECLINE_V2_LEN, "decline v2 len");

static bool smcr_clc_is_eyecatcher(const u8 *p, bool *smcd)
{
	if (!memcmp(p, SMCR_CLC_EYECATCHER_R, SMCR_CLC_EYECATCHER_LEN)) {
		*smcd = false;
		return true;
	}
	if (!memcmp(p, SMCR_CLC_EYECATCHER_D, SMCR_CLC_EYECATCHER_LEN)) {
		*smcd = true;
		return true;
	}
	return false;
}

/* The trailer may be either eyecatcher, whatever the message (as Linux accepts). */
static bool smcr_clc_trailer_ok(const u8 *msg, size_t len)
{
	bool smcd;

	return smcr_clc_is_eyecatcher(msg + len - SMCR_CLC_TRL_LEN, &smcd);
}

static void smcr_clc_put_hdr(u8 *p, u8 type, size_t len, u8 version, u8 typev2, u8 typev1)
{
	memcpy(p, SMCR_CLC_EYECATCHER_R, SMCR_CLC_EYECATCHER_LEN);
	p[HDR_TYPE] = type;
	smcr_put_be16(p + HDR_LENGTH, (u16)len);
	p[HDR_FLAGS] = (u8)(version << 4 | (typev2 & 3) << 2 | (typev1 & 3));
}

static void smcr_clc_put_trailer(u8 *p, size_t len)
{
	memcpy(p + len - SMCR_CLC_TRL_LEN, SMCR_CLC_EYECATCHER_R, SMCR_CLC_EYECATCHER_LEN);
}

/* Minimum (or exact) length of a message, from what its header says. 0: invalid combination. */
static size_t smcr_clc_min_len(u8 type, u8 version, u8 typev1, bool fc, bool *exact)
{
	*exact = false;
	switch (type) {
	case SMCR_CLC_PROPOSAL:
		if (version == SMCR_CLC_V1)
			return SMCR_CLC_PROP_MIN_LEN;
		return SMCR_CLC_PROP_BASE_LEN + SMCR_CLC_PROP_SMCD_LEN + SMCR_CLC_TRL_LEN;
	case SMCR_CLC_ACCEPT:
	case SMCR_CLC_CONFIRM:
		if (typev1 == SMCR_CLC_TYPE_R) {
			if (version == SMCR_CLC_V1) {
				*exact = true;
				return SMCR_CLC_AC_V1_LEN;
			}
			if (!fc)
				return SMCR_CLC_AC_V2_LEN;
			return type == SMCR_CLC_ACCEPT ? SMCR_CLC_ACCEPT_V2_FC_LEN :
							 SMCR_CLC_CONFIRM_V2_FC_LEN;
		}
		if (typev1 == SMCR_CLC_TYPE_D) {
			*exact = version == SMCR_CLC_V1;
			return version == SMCR_CLC_V1 ? SMCR_CLC_SMCD_AC_V1_LEN :
							SMCR_CLC_SMCD_AC_V2_LEN;
		}
		return 0;	/* N or B make no sense in an Accept/Confirm */
	case SMCR_CLC_DECLINE:
		*exact = true;
		return version == SMCR_CLC_V1 ? SMCR_CLC_DECLINE_V1_LEN : SMCR_CLC_DECLINE_V2_LEN;
	default:
		return 0;
	}
}

int smcr_clc_parse_hdr(const void *buf, size_t len, struct smcr_clc_hdr *hdr)
{
	const u8 *p = buf;
	bool smcd, fc, exact;
	u8 type, version, typev1, typev2;
	size_t min;
	u16 length;

	memset(hdr, 0, sizeof(*hdr));
	if (!p || len < SMCR_CLC_HDR_LEN)
		return -EPROTO;
	if (!smcr_clc_is_eyecatcher(p, &smcd))
		return -EPROTO;
	type = p[HDR_TYPE];
	length = smcr_get_be16(p + HDR_LENGTH);
	version = p[HDR_FLAGS] >> 4;
	typev2 = (p[HDR_FLAGS] >> 2) & 3;
	typev1 = p[HDR_FLAGS] & 3;
	fc = type != SMCR_CLC_PROPOSAL && (p[HDR_FLAGS] & SMCR_CLC_FIRST_CONTACT);
	if (version < SMCR_CLC_V1 || length > SMCR_CLC_MAX_LEN)
		return -EPROTO;
	min = smcr_clc_min_len(type, version, typev1, fc, &exact);
	if (!min || length < min || (exact && length != min))
		return -EPROTO;

	hdr->type = type;
	hdr->length = length;
	hdr->version = version;
	hdr->typev1 = typev1;
	hdr->typev2 = typev2;
	hdr->first_contact = fc;
	hdr->smcd_eyecatcher = smcd;
	return 0;
}

/* Header checks shared by the full-message decoders: valid header, expected type, exact length. */
static int smcr_clc_check_msg(const void *buf, size_t len, u8 type1, u8 type2,
			      struct smcr_clc_hdr *hdr)
{
	if (smcr_clc_parse_hdr(buf, len, hdr))
		return -EPROTO;
	if (hdr->length != len || (hdr->type != type1 && hdr->type != type2))
		return -EPROTO;
	return 0;
}

/* Proposal ---------------------------------------------------------------------------------- */

static int __smcr_clc_decode_proposal(const void *buf, size_t len,
				      struct smcr_clc_proposal *prop)
{
	const u8 *p = buf;
	struct smcr_clc_hdr hdr;
	size_t end, off, v2x, i;
	bool has_prefix;
	u16 iparea;

	memset(prop, 0, sizeof(*prop));
	if (smcr_clc_check_msg(buf, len, SMCR_CLC_PROPOSAL, SMCR_CLC_PROPOSAL, &hdr))
		return -EPROTO;
	if (!smcr_clc_trailer_ok(p, len))
		return -EPROTO;
	end = len - SMCR_CLC_TRL_LEN;	/* everything below must end exactly here */

	iparea = smcr_get_be16(p + PROP_IPAREA_OFF);
	if (iparea > SMCR_CLC_PROP_SMCD_LEN)
		return -EPROTO;
	prop->version = hdr.version;
	prop->typev1 = hdr.typev1;
	prop->typev2 = hdr.typev2;
	memcpy(prop->sys_id, p + PROP_SYSID, SMCR_CLC_SYSTEMID_LEN);
	memcpy(prop->gid, p + PROP_GID, SMCR_CLC_GID_LEN);
	memcpy(prop->mac, p + PROP_MAC, SMCR_CLC_MAC_LEN);

	if (hdr.version == SMCR_CLC_V1) {
		/* v1: the prefix area follows iparea_offset bytes after the base. */
		if (hdr.typev1 == SMCR_CLC_TYPE_N)
			return -EPROTO;
		if (smcr_clc_smcd_indicated(hdr.typev1) && iparea != SMCR_CLC_PROP_SMCD_LEN)
			return -EPROTO;
		prop->typev2 = SMCR_CLC_TYPE_N;
		has_prefix = true;
		off = SMCR_CLC_PROP_BASE_LEN + iparea;
	} else {
		/* v2: the 40-byte SMC-D area is always there; the prefix area only for typev1 != N. */
		has_prefix = hdr.typev1 != SMCR_CLC_TYPE_N;
		if (has_prefix && iparea != SMCR_CLC_PROP_SMCD_LEN)
			return -EPROTO;
		off = SMCR_CLC_PROP_BASE_LEN + SMCR_CLC_PROP_SMCD_LEN;
	}
	/* Both branches leave off <= 80 and len >= 52 (v1) / 84 (v2) holds from the header check. */
	if (off > end)
		return -EPROTO;
	if (off == SMCR_CLC_PROP_BASE_LEN + SMCR_CLC_PROP_SMCD_LEN) {	/* SMC-D area present */
		prop->ism_gid = smcr_get_be64(p + PROP_SMCD_GID);
		prop->ism_chid = smcr_get_be16(p + PROP_SMCD_CHID);
	}

	if (has_prefix) {
		if (end - off < SMCR_CLC_PROP_PREFIX_LEN)
			return -EPROTO;
		memcpy(prop->ipv4_subnet, p + off + PFX_IPV4, 4);
		prop->ipv4_prefix_len = p[off + PFX_IPV4_LEN];
		prop->ipv6_prefix_cnt = p[off + PFX_IPV6_CNT];
		if (prop->ipv6_prefix_cnt > SMCR_CLC_MAX_V6_PREFIX)
			return -EPROTO;
		off += SMCR_CLC_PROP_PREFIX_LEN;
		if (end - off < (size_t)prop->ipv6_prefix_cnt * SMCR_CLC_PROP_IPV6_LEN)
			return -EPROTO;
		for (i = 0; i < prop->ipv6_prefix_cnt; i++) {
			memcpy(prop->ipv6_prefix[i].prefix, p + off, SMCR_CLC_IPV6_LEN);
			prop->ipv6_prefix[i].prefix_len = p[off + SMCR_CLC_IPV6_LEN];
			off += SMCR_CLC_PROP_IPV6_LEN;
		}
	}

	if (hdr.version == SMCR_CLC_V1 || hdr.typev2 == SMCR_CLC_TYPE_N)
		return off == end ? 0 : -EPROTO;

	/* v2 extension: must start exactly where the previous part ended. */
	if (PROP_V2EXT_BASE + (size_t)smcr_get_be16(p + PROP_V2EXT_OFF) != off)
		return -EPROTO;
	if (end - off < SMCR_CLC_PROP_V2EXT_LEN)
		return -EPROTO;
	v2x = off;
	prop->has_v2_ext = true;
	prop->eid_cnt = p[v2x + V2X_EID_CNT];
	if (prop->eid_cnt > SMCR_CLC_MAX_UEID)
		return -EPROTO;
	prop->release = p[v2x + V2X_FLAGS] >> 4;
	prop->seid = p[v2x + V2X_FLAGS] & 1;
	memcpy(prop->roce_gid_v2, p + v2x + V2X_ROCE_GID, SMCR_CLC_GID_LEN);
	prop->max_conns = p[v2x + V2X_MAX_CONNS];
	prop->max_links = p[v2x + V2X_MAX_LINKS];
	prop->feature_mask = smcr_get_be16(p + v2x + V2X_FEATURE_MASK);
	off += SMCR_CLC_PROP_V2EXT_LEN;
	if (end - off < (size_t)prop->eid_cnt * SMCR_CLC_EID_LEN)
		return -EPROTO;
	for (i = 0; i < prop->eid_cnt; i++) {
		memcpy(prop->ueid[i], p + off, SMCR_CLC_EID_LEN);
		off += SMCR_CLC_EID_LEN;
	}

	if (!smcr_clc_smcd_indicated(hdr.typev2))
		return off == end ? 0 : -EPROTO;

	/* SMC-Dv2 extension: right after the UEIDs. */
	prop->ism_gid_cnt = p[v2x + V2X_ISM_GID_CNT];
	if (prop->ism_gid_cnt > SMCR_CLC_MAX_ISM_V2)
		return -EPROTO;
	if (v2x + V2X_SMCDV2_BASE + (size_t)smcr_get_be16(p + v2x + V2X_SMCDV2_OFF) != off)
		return -EPROTO;
	if (end - off < SMCR_CLC_PROP_SMCDV2_LEN)
		return -EPROTO;
	prop->has_smcd_v2_ext = true;
	memcpy(prop->system_eid, p + off + D2X_SYSTEM_EID, SMCR_CLC_EID_LEN);
	off += D2X_GIDCHID;
	if (end - off < (size_t)prop->ism_gid_cnt * SMCR_CLC_PROP_GIDCHID_LEN)
		return -EPROTO;
	for (i = 0; i < prop->ism_gid_cnt; i++) {
		prop->ism_v2[i].gid = smcr_get_be64(p + off);
		prop->ism_v2[i].chid = smcr_get_be16(p + off + 8);
		off += SMCR_CLC_PROP_GIDCHID_LEN;
	}
	return off == end ? 0 : -EPROTO;
}

int smcr_clc_decode_proposal(const void *buf, size_t len, struct smcr_clc_proposal *prop)
{
	int rc = __smcr_clc_decode_proposal(buf, len, prop);

	if (rc)
		memset(prop, 0, sizeof(*prop));
	return rc;
}

int smcr_clc_proposal_len(const struct smcr_clc_proposal *prop)
{
	size_t len = SMCR_CLC_PROP_BASE_LEN + SMCR_CLC_PROP_SMCD_LEN + SMCR_CLC_TRL_LEN;

	if (prop->version < SMCR_CLC_V1 || prop->version > SMCR_CLC_VERSION_MAX ||
	    prop->typev1 > SMCR_CLC_TYPE_B || prop->typev2 > SMCR_CLC_TYPE_B || prop->release > 15)
		return -EINVAL;
	if (prop->version == SMCR_CLC_V1 &&
	    (prop->typev1 == SMCR_CLC_TYPE_N || prop->typev2 != SMCR_CLC_TYPE_N))
		return -EINVAL;
	if (prop->typev1 != SMCR_CLC_TYPE_N) {
		if (prop->ipv6_prefix_cnt > SMCR_CLC_MAX_V6_PREFIX)
			return -EINVAL;
		len += SMCR_CLC_PROP_PREFIX_LEN +
		       (size_t)prop->ipv6_prefix_cnt * SMCR_CLC_PROP_IPV6_LEN;
	}
	if (prop->typev2 != SMCR_CLC_TYPE_N) {
		if (prop->eid_cnt > SMCR_CLC_MAX_UEID)
			return -EINVAL;
		len += SMCR_CLC_PROP_V2EXT_LEN + (size_t)prop->eid_cnt * SMCR_CLC_EID_LEN;
		if (smcr_clc_smcd_indicated(prop->typev2)) {
			if (prop->ism_gid_cnt > SMCR_CLC_MAX_ISM_V2)
				return -EINVAL;
			len += SMCR_CLC_PROP_SMCDV2_LEN +
			       (size_t)prop->ism_gid_cnt * SMCR_CLC_PROP_GIDCHID_LEN;
		}
	}
	return (int)len;
}

int smcr_clc_encode_proposal(const struct smcr_clc_proposal *prop, void *buf, size_t cap)
{
	u8 *p = buf;
	size_t len, off, v2x, i;
	int rc;

	rc = smcr_clc_proposal_len(prop);
	if (rc < 0)
		return rc;
	len = (size_t)rc;
	if (!p || cap < len)
		return -ENOSPC;
	memset(p, 0, len);

	/* A version-1 header has no typev2: those bits were flag/reserved and are zero. */
	smcr_clc_put_hdr(p, SMCR_CLC_PROPOSAL, len, prop->version,
			 prop->version == SMCR_CLC_V1 ? 0 : prop->typev2, prop->typev1);
	memcpy(p + PROP_SYSID, prop->sys_id, SMCR_CLC_SYSTEMID_LEN);
	memcpy(p + PROP_GID, prop->gid, SMCR_CLC_GID_LEN);
	memcpy(p + PROP_MAC, prop->mac, SMCR_CLC_MAC_LEN);
	smcr_put_be64(p + PROP_SMCD_GID, prop->ism_gid);
	smcr_put_be16(p + PROP_SMCD_CHID, prop->ism_chid);
	off = SMCR_CLC_PROP_BASE_LEN + SMCR_CLC_PROP_SMCD_LEN;

	if (prop->typev1 != SMCR_CLC_TYPE_N) {
		smcr_put_be16(p + PROP_IPAREA_OFF, SMCR_CLC_PROP_SMCD_LEN);
		memcpy(p + off + PFX_IPV4, prop->ipv4_subnet, 4);
		p[off + PFX_IPV4_LEN] = prop->ipv4_prefix_len;
		p[off + PFX_IPV6_CNT] = prop->ipv6_prefix_cnt;
		off += SMCR_CLC_PROP_PREFIX_LEN;
		for (i = 0; i < prop->ipv6_prefix_cnt; i++) {
			memcpy(p + off, prop->ipv6_prefix[i].prefix, SMCR_CLC_IPV6_LEN);
			p[off + SMCR_CLC_IPV6_LEN] = prop->ipv6_prefix[i].prefix_len;
			off += SMCR_CLC_PROP_IPV6_LEN;
		}
	}

	if (prop->typev2 != SMCR_CLC_TYPE_N) {
		v2x = off;
		smcr_put_be16(p + PROP_V2EXT_OFF, (u16)(v2x - PROP_V2EXT_BASE));
		p[v2x + V2X_EID_CNT] = prop->eid_cnt;
		p[v2x + V2X_FLAGS] = (u8)(prop->release << 4 | (prop->seid ? 1 : 0));
		memcpy(p + v2x + V2X_ROCE_GID, prop->roce_gid_v2, SMCR_CLC_GID_LEN);
		p[v2x + V2X_MAX_CONNS] = prop->max_conns;
		p[v2x + V2X_MAX_LINKS] = prop->max_links;
		smcr_put_be16(p + v2x + V2X_FEATURE_MASK, prop->feature_mask);
		off += SMCR_CLC_PROP_V2EXT_LEN;
		for (i = 0; i < prop->eid_cnt; i++) {
			memcpy(p + off, prop->ueid[i], SMCR_CLC_EID_LEN);
			off += SMCR_CLC_EID_LEN;
		}
		if (smcr_clc_smcd_indicated(prop->typev2)) {
			p[v2x + V2X_ISM_GID_CNT] = prop->ism_gid_cnt;
			smcr_put_be16(p + v2x + V2X_SMCDV2_OFF,
				      (u16)(off - v2x - V2X_SMCDV2_BASE));
			memcpy(p + off + D2X_SYSTEM_EID, prop->system_eid, SMCR_CLC_EID_LEN);
			off += D2X_GIDCHID;
			for (i = 0; i < prop->ism_gid_cnt; i++) {
				smcr_put_be64(p + off, prop->ism_v2[i].gid);
				smcr_put_be16(p + off + 8, prop->ism_v2[i].chid);
				off += SMCR_CLC_PROP_GIDCHID_LEN;
			}
		}
	}

	smcr_clc_put_trailer(p, len);
	return rc;
}

/* Accept / Confirm -------------------------------------------------------------------------- */

static int __smcr_clc_decode_accept_confirm(const void *buf, size_t len,
					    struct smcr_clc_accept_confirm *ac)
{
	const u8 *p = buf;
	struct smcr_clc_hdr hdr;
	size_t i;

	memset(ac, 0, sizeof(*ac));
	if (smcr_clc_check_msg(buf, len, SMCR_CLC_ACCEPT, SMCR_CLC_CONFIRM, &hdr))
		return -EPROTO;
	if (!smcr_clc_trailer_ok(p, len))
		return -EPROTO;
	ac->type = hdr.type;
	ac->version = hdr.version;
	ac->first_contact = hdr.first_contact;
	if (hdr.typev1 == SMCR_CLC_TYPE_D)	/* length already checked by the header check */
		return -EOPNOTSUPP;
	if (len < (hdr.version == SMCR_CLC_V1 ? SMCR_CLC_AC_V1_LEN : SMCR_CLC_AC_V2_LEN))
		return -EPROTO;		/* cannot happen after the header check; keeps reads safe */

	memcpy(ac->sys_id, p + AC_SYSID, SMCR_CLC_SYSTEMID_LEN);
	memcpy(ac->gid, p + AC_GID, SMCR_CLC_GID_LEN);
	memcpy(ac->mac, p + AC_MAC, SMCR_CLC_MAC_LEN);
	ac->qpn = smcr_get_be24(p + AC_QPN);
	ac->rmb_rkey = smcr_get_be32(p + AC_RKEY);
	ac->rmbe_idx = p[AC_RMBE_IDX];
	ac->rmbe_alert_token = smcr_get_be32(p + AC_ALERT_TOKEN);
	ac->rmbe_size = p[AC_SIZE_MTU] >> 4;
	ac->qp_mtu = p[AC_SIZE_MTU] & 0x0f;
	ac->rmb_dma_addr = smcr_get_be64(p + AC_DMA_ADDR);
	ac->psn = smcr_get_be24(p + AC_PSN);
	if (hdr.version == SMCR_CLC_V1)
		return 0;

	memcpy(ac->eid, p + AC_EID, SMCR_CLC_EID_LEN);
	if (!hdr.first_contact)
		return 0;

	if (len < SMCR_CLC_ACCEPT_V2_FC_LEN)
		return -EPROTO;
	ac->fce.v2_direct = p[AC_FCE] >> 7;
	ac->fce.os_type = p[AC_FCE + 1] >> 4;
	ac->fce.release = p[AC_FCE + 1] & 0x0f;
	memcpy(ac->fce.hostname, p + AC_FCE_HOSTNAME, SMCR_CLC_HOSTNAME_LEN);
	ac->fce.max_conns = p[AC_FCE_MAX_CONNS];
	ac->fce.max_links = p[AC_FCE_MAX_LINKS];
	ac->fce.feature_mask = smcr_get_be16(p + AC_FCE_FEATURE_MASK);
	ac->fce.vendor_exp_options = smcr_get_be32(p + AC_FCE_VENDOR_OPTS);
	if (hdr.type == SMCR_CLC_ACCEPT)
		return 0;

	if (len < SMCR_CLC_CONFIRM_V2_FC_LEN)
		return -EPROTO;
	ac->gid_cnt = p[AC_GID_CNT];
	if (ac->gid_cnt > SMCR_CLC_MAX_GIDS ||
	    len < SMCR_CLC_CONFIRM_V2_FC_LEN + (size_t)ac->gid_cnt * SMCR_CLC_GID_LEN)
		return -EPROTO;
	for (i = 0; i < ac->gid_cnt; i++)
		memcpy(ac->gid_list[i], p + AC_GID_LIST + i * SMCR_CLC_GID_LEN, SMCR_CLC_GID_LEN);
	return 0;
}

int smcr_clc_decode_accept_confirm(const void *buf, size_t len,
				   struct smcr_clc_accept_confirm *ac)
{
	int rc = __smcr_clc_decode_accept_confirm(buf, len, ac);

	if (rc && rc != -EOPNOTSUPP)
		memset(ac, 0, sizeof(*ac));
	return rc;
}

int smcr_clc_accept_confirm_len(const struct smcr_clc_accept_confirm *ac)
{
	const struct smcr_clc_fce *fce = &ac->fce;

	if ((ac->type != SMCR_CLC_ACCEPT && ac->type != SMCR_CLC_CONFIRM) ||
	    ac->version < SMCR_CLC_V1 || ac->version > SMCR_CLC_VERSION_MAX ||
	    ac->qpn > 0xffffff || ac->psn > 0xffffff || ac->rmbe_size > 15 || ac->qp_mtu > 15)
		return -EINVAL;
	if (ac->version == SMCR_CLC_V1)
		return SMCR_CLC_AC_V1_LEN;
	if (!ac->first_contact)
		return SMCR_CLC_AC_V2_LEN;
	if (fce->os_type > 15 || fce->release > 15)
		return -EINVAL;
	if (ac->type == SMCR_CLC_ACCEPT)
		return SMCR_CLC_ACCEPT_V2_FC_LEN;
	if (ac->gid_cnt > SMCR_CLC_MAX_GIDS)
		return -EINVAL;
	return SMCR_CLC_CONFIRM_V2_FC_LEN + ac->gid_cnt * SMCR_CLC_GID_LEN;
}

int smcr_clc_encode_accept_confirm(const struct smcr_clc_accept_confirm *ac, void *buf,
				   size_t cap)
{
	const struct smcr_clc_fce *fce = &ac->fce;
	u8 *p = buf;
	size_t len, i;
	int rc;

	rc = smcr_clc_accept_confirm_len(ac);
	if (rc < 0)
		return rc;
	len = (size_t)rc;
	if (!p || cap < len)
		return -ENOSPC;
	memset(p, 0, len);

	smcr_clc_put_hdr(p, ac->type, len, ac->version, ac->first_contact ? 2 : 0,
			 SMCR_CLC_TYPE_R);
	memcpy(p + AC_SYSID, ac->sys_id, SMCR_CLC_SYSTEMID_LEN);
	memcpy(p + AC_GID, ac->gid, SMCR_CLC_GID_LEN);
	memcpy(p + AC_MAC, ac->mac, SMCR_CLC_MAC_LEN);
	smcr_put_be24(p + AC_QPN, ac->qpn);
	smcr_put_be32(p + AC_RKEY, ac->rmb_rkey);
	p[AC_RMBE_IDX] = ac->rmbe_idx;
	smcr_put_be32(p + AC_ALERT_TOKEN, ac->rmbe_alert_token);
	p[AC_SIZE_MTU] = (u8)(ac->rmbe_size << 4 | ac->qp_mtu);
	smcr_put_be64(p + AC_DMA_ADDR, ac->rmb_dma_addr);
	smcr_put_be24(p + AC_PSN, ac->psn);
	if (ac->version > SMCR_CLC_V1) {
		memcpy(p + AC_EID, ac->eid, SMCR_CLC_EID_LEN);
		if (ac->first_contact) {
			p[AC_FCE] = fce->v2_direct ? 0x80 : 0;
			p[AC_FCE + 1] = (u8)(fce->os_type << 4 | fce->release);
			memcpy(p + AC_FCE_HOSTNAME, fce->hostname, SMCR_CLC_HOSTNAME_LEN);
			p[AC_FCE_MAX_CONNS] = fce->max_conns;
			p[AC_FCE_MAX_LINKS] = fce->max_links;
			smcr_put_be16(p + AC_FCE_FEATURE_MASK, fce->feature_mask);
			smcr_put_be32(p + AC_FCE_VENDOR_OPTS, fce->vendor_exp_options);
			if (ac->type == SMCR_CLC_CONFIRM) {
				p[AC_GID_CNT] = ac->gid_cnt;
				for (i = 0; i < ac->gid_cnt; i++)
					memcpy(p + AC_GID_LIST + i * SMCR_CLC_GID_LEN,
					       ac->gid_list[i], SMCR_CLC_GID_LEN);
			}
		}
	}
	smcr_clc_put_trailer(p, len);
	return rc;
}

/* Decline ----------------------------------------------------------------------------------- */

static int __smcr_clc_decode_decline(const void *buf, size_t len,
				     struct smcr_clc_decline *decl)
{
	const u8 *p = buf;
	struct smcr_clc_hdr hdr;
	size_t i;

	memset(decl, 0, sizeof(*decl));
	if (smcr_clc_check_msg(buf, len, SMCR_CLC_DECLINE, SMCR_CLC_DECLINE, &hdr))
		return -EPROTO;
	/* The header check pinned len to 28 (v1) or 44 (v2); no trailer check, as Linux. */
	decl->version = hdr.version;
	decl->first_contact = hdr.first_contact;
	memcpy(decl->sys_id, p + DECL_SYSID, SMCR_CLC_SYSTEMID_LEN);
	decl->peer_diagnosis = smcr_get_be32(p + DECL_DIAG);
	decl->os_type = p[DECL_OS_TYPE] >> 4;
	if (len >= SMCR_CLC_DECLINE_V2_LEN) {
		for (i = 0; i < SMCR_CLC_DECL_DIAG_V2; i++)
			decl->diag_v2[i] = smcr_get_be32(p + DECL_DIAG_V2 + 4 * i);
	}
	return 0;
}

int smcr_clc_decode_decline(const void *buf, size_t len, struct smcr_clc_decline *decl)
{
	int rc = __smcr_clc_decode_decline(buf, len, decl);

	if (rc)
		memset(decl, 0, sizeof(*decl));
	return rc;
}

int smcr_clc_decline_len(const struct smcr_clc_decline *decl)
{
	if (decl->version < SMCR_CLC_V1 || decl->version > SMCR_CLC_VERSION_MAX ||
	    decl->os_type > 15)
		return -EINVAL;
	return decl->version == SMCR_CLC_V1 ? SMCR_CLC_DECLINE_V1_LEN : SMCR_CLC_DECLINE_V2_LEN;
}

int smcr_clc_encode_decline(const struct smcr_clc_decline *decl, void *buf, size_t cap)
{
	u8 *p = buf;
	size_t len, i;
	int rc;

	rc = smcr_clc_decline_len(decl);
	if (rc < 0)
		return rc;
	len = (size_t)rc;
	if (!p || cap < len)
		return -ENOSPC;
	memset(p, 0, len);

	smcr_clc_put_hdr(p, SMCR_CLC_DECLINE, len, decl->version,
			 decl->peer_diagnosis == SMCR_DECL_SYNCERR ? 2 : 0, SMCR_CLC_TYPE_R);
	memcpy(p + DECL_SYSID, decl->sys_id, SMCR_CLC_SYSTEMID_LEN);
	smcr_put_be32(p + DECL_DIAG, decl->peer_diagnosis);
	p[DECL_OS_TYPE] = (u8)(decl->os_type << 4);
	if (len == SMCR_CLC_DECLINE_V2_LEN) {
		for (i = 0; i < SMCR_CLC_DECL_DIAG_V2; i++)
			smcr_put_be32(p + DECL_DIAG_V2 + 4 * i, decl->diag_v2[i]);
	}
	smcr_clc_put_trailer(p, len);
	return rc;
}

/* Any message ------------------------------------------------------------------------------- */

int smcr_clc_decode(const void *buf, size_t len, struct smcr_clc_msg *msg)
{
	int rc;

	memset(msg, 0, sizeof(*msg));
	rc = smcr_clc_parse_hdr(buf, len, &msg->hdr);
	if (rc)
		return rc;
	switch (msg->hdr.type) {
	case SMCR_CLC_PROPOSAL:
		rc = smcr_clc_decode_proposal(buf, len, &msg->prop);
		break;
	case SMCR_CLC_ACCEPT:
	case SMCR_CLC_CONFIRM:
		rc = smcr_clc_decode_accept_confirm(buf, len, &msg->ac);
		break;
	default:
		rc = smcr_clc_decode_decline(buf, len, &msg->decl);
		break;
	}
	if (rc && rc != -EOPNOTSUPP)
		memset(msg, 0, sizeof(*msg));
	return rc;
}

const char *smcr_clc_type_name(u8 type)
{
	switch (type) {
	case SMCR_CLC_PROPOSAL:
		return "PROPOSAL";
	case SMCR_CLC_ACCEPT:
		return "ACCEPT";
	case SMCR_CLC_CONFIRM:
		return "CONFIRM";
	case SMCR_CLC_DECLINE:
		return "DECLINE";
	default:
		return "UNKNOWN";
	}
}
