// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * smcr: LLC message codec (see llc.h for the API and docs/wire-data.md for the rules).
 *
 * Decoding is two steps: the bytes are parsed into the host struct with every length and count
 * checked against the message length, then the struct goes through the same rule check the
 * encoder applies before writing, so that whatever we accept we can also send and vice versa.
 */
#include "llc.h"

/* Header. */
#define HDR_TYPE		0
#define HDR_LEN			1	/* v1: u8; v2: le16 over bytes 1-2 */
#define HDR_REJ_RSN		2	/* v1: bits 3-0 */
#define HDR_FLAGS		3

/* CONFIRM_LINK. */
#define CL_MAC			4
#define CL_GID			10
#define CL_QPN			26
#define CL_LINK_NUM		29
#define CL_LINK_UID		30
#define CL_MAX_LINKS		34
#define CL_MAX_CONNS		35

/* ADD_LINK, and its v2 extension relative to AL_EXT. */
#define AL_MAC			4
#define AL_GID			12
#define AL_QPN			28
#define AL_LINK_NUM		31
#define AL_MTU			32	/* bits 3-0 */
#define AL_PSN			33
#define AL_EXT			44
#define ALX_FLAGS		0	/* bit 7: v2_direct */
#define ALX_TARGET_GID		2
#define ALX_NUM_RKEYS		26	/* le16 */
#define ALX_RT			28
#define ALX_V2_DIRECT		0x80

/* ADD_LINK_CONT. */
#define ALC_LINK_NUM		4
#define ALC_NUM_RKEYS		5
#define ALC_RT			8

/* DELETE_LINK. */
#define DL_LINK_NUM		4
#define DL_REASON		5

/* REQ_ADD_LINK (v2). */
#define RAL_GID_CNT		24
#define RAL_GID			28

/* CONFIRM_RKEY: rtoken 0 (count byte, rkey, vaddr), then the further rtokens. */
#define CR_NUM_RKEYS		4
#define CR_RKEY			5
#define CR_VADDR		9
#define CR_RT			17

/* CONFIRM_RKEY_CONT. */
#define CRC_NUM_RKEYS		4
#define CRC_RT			5

/* TEST_LINK. */
#define TL_USER_DATA		4

/* DELETE_RKEY. */
#define DR_NUM_RKEYS		4
#define DR_ERR_MASK		5
#define DR_RKEYS		8

/* Inside list entries. */
#define RT_LINK_ID		0
#define RT_RKEY			1
#define RT_VADDR		5
#define RP_RKEY			0
#define RP_RKEY_NEW		4
#define RP_VADDR_NEW		8

SMCR_STATIC_ASSERT(CL_MAX_LINKS + 1 + 9 == SMCR_LLC_MSG_LEN, "CONFIRM_LINK layout");
SMCR_STATIC_ASSERT(AL_PSN + 3 + 8 == AL_EXT && AL_EXT == SMCR_LLC_MSG_LEN, "ADD_LINK layout");
SMCR_STATIC_ASSERT(ALX_RT == SMCR_LLC_ADD_LINK_EXT_LEN, "ADD_LINK v2 extension layout");
SMCR_STATIC_ASSERT(ALC_RT + SMCR_LLC_RKEYS_PER_CONT_MSG * SMCR_LLC_RKEY_PAIR_LEN + 4 ==
		   SMCR_LLC_MSG_LEN, "ADD_LINK_CONT layout");
SMCR_STATIC_ASSERT(DL_REASON + 4 + 35 == SMCR_LLC_MSG_LEN, "DELETE_LINK layout");
SMCR_STATIC_ASSERT(CR_RT == SMCR_LLC_HDR_LEN + SMCR_LLC_RTOKEN_LEN, "CONFIRM_RKEY layout");
SMCR_STATIC_ASSERT(SMCR_LLC_HDR_LEN + SMCR_LLC_RKEYS_PER_MSG * SMCR_LLC_RTOKEN_LEN + 1 ==
		   SMCR_LLC_MSG_LEN, "CONFIRM_RKEY length");
SMCR_STATIC_ASSERT(CRC_RT + SMCR_LLC_RTOKENS_PER_CONT_MSG * SMCR_LLC_RTOKEN_LEN ==
		   SMCR_LLC_MSG_LEN, "CONFIRM_RKEY_CONT layout");
SMCR_STATIC_ASSERT(TL_USER_DATA + SMCR_LLC_USER_DATA_LEN + 24 == SMCR_LLC_MSG_LEN,
		   "TEST_LINK layout");
SMCR_STATIC_ASSERT(DR_RKEYS + SMCR_LLC_DEL_RKEY_MAX * 4 + 4 == SMCR_LLC_MSG_LEN,
		   "DELETE_RKEY layout");
/* The largest v2 message the encoder can produce fits the 8 KiB receive buffer. */
SMCR_STATIC_ASSERT(AL_EXT + ALX_RT + SMCR_LLC_RKEYS_PER_MSG_V2 * SMCR_LLC_RKEY_PAIR_LEN <=
		   SMCR_LLC_V2_MAX_LEN, "ADD_LINK v2 maximum");
SMCR_STATIC_ASSERT(RAL_GID + 255 * SMCR_LLC_GID_LEN <= SMCR_LLC_V2_MAX_LEN, "REQ_ADD_LINK max");

static unsigned int smcr_llc_min(unsigned int a, unsigned int b)
{
	return a < b ? a : b;
}

bool smcr_llc_type_byte_valid(u8 b)
{
	switch (b) {
	case SMCR_LLC_CONFIRM_LINK:
	case SMCR_LLC_ADD_LINK:
	case SMCR_LLC_ADD_LINK_CONT:
	case SMCR_LLC_DELETE_LINK:
	case SMCR_LLC_CONFIRM_RKEY:
	case SMCR_LLC_TEST_LINK:
	case SMCR_LLC_CONFIRM_RKEY_CONT:
	case SMCR_LLC_DELETE_RKEY:
	case SMCR_LLC_V2_NIBBLE | SMCR_LLC_CONFIRM_LINK:
	case SMCR_LLC_V2_NIBBLE | SMCR_LLC_ADD_LINK:
	case SMCR_LLC_V2_NIBBLE | SMCR_LLC_DELETE_LINK:
	case SMCR_LLC_V2_NIBBLE | SMCR_LLC_REQ_ADD_LINK:
	case SMCR_LLC_V2_NIBBLE | SMCR_LLC_CONFIRM_RKEY:
	case SMCR_LLC_V2_NIBBLE | SMCR_LLC_TEST_LINK:
	case SMCR_LLC_V2_NIBBLE | SMCR_LLC_DELETE_RKEY:
		return true;
	default:
		return false;
	}
}

/* Version and type of the host struct form a valid type byte. */
static bool smcr_llc_version_type_ok(u8 version, u8 type)
{
	if (type > 0x0f)
		return false;
	if (version == SMCR_LLC_V1)
		return smcr_llc_type_byte_valid(type);
	if (version == SMCR_LLC_V2)
		return smcr_llc_type_byte_valid(SMCR_LLC_V2_NIBBLE | type);
	return false;
}

/* Further rtokens present in a CONFIRM_RKEY: v1 has room for two, v2 carries all. */
static unsigned int smcr_llc_confirm_rkey_present(u8 version, u8 num_rkeys)
{
	return version == SMCR_LLC_V1 ? smcr_llc_min(num_rkeys, SMCR_LLC_RKEYS_PER_MSG - 1) :
					num_rkeys;
}

/*
 * The rules both directions share, on the host struct (lists excepted). Return: true if ok.
 */
static bool smcr_llc_rules_ok(const struct smcr_llc_msg *msg)
{
	const struct smcr_llc_add_link *al = &msg->add_link;
	bool v1 = msg->hdr.version == SMCR_LLC_V1;

	if (!smcr_llc_version_type_ok(msg->hdr.version, msg->hdr.type))
		return false;
	switch (msg->hdr.type) {
	case SMCR_LLC_CONFIRM_LINK:
		return msg->confirm_link.link_num && msg->confirm_link.sender_qpn <= 0xffffff;
	case SMCR_LLC_ADD_LINK:
		if (al->sender_qpn > 0xffffff || al->initial_psn > 0xffffff || al->qp_mtu > 0x0f ||
		    al->reject_reason > 0x0f || (!v1 && al->reject_reason))
			return false;
		if (!al->link_num) {
			/* Only a v1 client's invitation carries no new link. */
			if (!v1 || (msg->hdr.flags & SMCR_LLC_FLAG_RESP))
				return false;
		} else if (al->qp_mtu < SMCR_LLC_MTU_MIN || al->qp_mtu > SMCR_LLC_MTU_MAX) {
			return false;
		}
		if (al->has_v2_ext)
			return !v1 && al->num_rkeys <= SMCR_LLC_RKEYS_PER_MSG_V2;
		return !al->num_rkeys && !al->v2_direct;
	case SMCR_LLC_ADD_LINK_CONT:
		return msg->add_link_cont.link_num;
	case SMCR_LLC_DELETE_RKEY:
		return !v1 || msg->delete_rkey.num_rkeys <= SMCR_LLC_DEL_RKEY_MAX;
	default:
		return true;
	}
}

/* Decode -------------------------------------------------------------------------------------- */

int smcr_llc_parse_hdr(const void *buf, size_t len, struct smcr_llc_hdr *hdr)
{
	const u8 *p = buf;
	u16 length;

	memset(hdr, 0, sizeof(*hdr));
	if (!p || len < SMCR_LLC_MSG_LEN || !smcr_llc_type_byte_valid(p[HDR_TYPE]))
		return -EPROTO;
	if (p[HDR_TYPE] & SMCR_LLC_V2_NIBBLE) {
		length = smcr_get_le16(p + HDR_LEN);
		if (length < SMCR_LLC_MSG_LEN || length > SMCR_LLC_V2_MAX_LEN || length > len)
			return -EPROTO;
		hdr->version = SMCR_LLC_V2;
	} else {
		if (p[HDR_LEN] != SMCR_LLC_MSG_LEN)
			return -EPROTO;
		length = SMCR_LLC_MSG_LEN;
		hdr->version = SMCR_LLC_V1;
	}
	hdr->type = p[HDR_TYPE] & 0x0f;
	hdr->length = length;
	hdr->flags = p[HDR_FLAGS];
	return 0;
}

/* Read an rtoken / rkey pair at @p. */
static void smcr_llc_read_rtoken(const u8 *p, struct smcr_llc_rtoken *rt)
{
	rt->link_id = p[RT_LINK_ID];
	rt->rmb_key = smcr_get_be32(p + RT_RKEY);
	rt->rmb_vaddr = smcr_get_be64(p + RT_VADDR);
}

static void smcr_llc_read_rkey_pair(const u8 *p, struct smcr_llc_rkey_pair *rp)
{
	rp->rmb_key = smcr_get_be32(p + RP_RKEY);
	rp->rmb_key_new = smcr_get_be32(p + RP_RKEY_NEW);
	rp->rmb_vaddr_new = smcr_get_be64(p + RP_VADDR_NEW);
}

/* @cnt rtokens at @p (already bounds-checked): none may name link 0. */
static bool smcr_llc_rtoken_ids_ok(const u8 *p, unsigned int cnt)
{
	unsigned int i;

	for (i = 0; i < cnt; i++)
		if (!p[i * SMCR_LLC_RTOKEN_LEN + RT_LINK_ID])
			return false;
	return true;
}

static int smcr_llc_decode_add_link(const u8 *p, size_t end, struct smcr_llc_msg *msg)
{
	struct smcr_llc_add_link *al = &msg->add_link;

	memcpy(al->sender_mac, p + AL_MAC, SMCR_LLC_MAC_LEN);
	memcpy(al->sender_gid, p + AL_GID, SMCR_LLC_GID_LEN);
	al->sender_qpn = smcr_get_be24(p + AL_QPN);
	al->link_num = p[AL_LINK_NUM];
	al->qp_mtu = p[AL_MTU] & 0x0f;
	al->initial_psn = smcr_get_be24(p + AL_PSN);
	if (msg->hdr.version == SMCR_LLC_V1) {
		al->reject_reason = p[HDR_REJ_RSN] & 0x0f;
		return 0;
	}
	if (end == SMCR_LLC_MSG_LEN)
		return 0;	/* v2 without extension: a reject, or no rkeys to pass */
	if (end < AL_EXT + ALX_RT)
		return -EPROTO;
	al->has_v2_ext = true;
	al->v2_direct = p[AL_EXT + ALX_FLAGS] & ALX_V2_DIRECT;
	memcpy(al->client_target_gid, p + AL_EXT + ALX_TARGET_GID, SMCR_LLC_GID_LEN);
	al->num_rkeys = smcr_get_le16(p + AL_EXT + ALX_NUM_RKEYS);
	if (al->num_rkeys > SMCR_LLC_RKEYS_PER_MSG_V2 ||
	    end - (AL_EXT + ALX_RT) < (size_t)al->num_rkeys * SMCR_LLC_RKEY_PAIR_LEN)
		return -EPROTO;
	al->rt_off = AL_EXT + ALX_RT;
	return 0;
}

static int smcr_llc_decode_body(const u8 *p, size_t end, struct smcr_llc_msg *msg)
{
	unsigned int n;

	switch (msg->hdr.type) {
	case SMCR_LLC_CONFIRM_LINK: {
		struct smcr_llc_confirm_link *cl = &msg->confirm_link;

		memcpy(cl->sender_mac, p + CL_MAC, SMCR_LLC_MAC_LEN);
		memcpy(cl->sender_gid, p + CL_GID, SMCR_LLC_GID_LEN);
		cl->sender_qpn = smcr_get_be24(p + CL_QPN);
		cl->link_num = p[CL_LINK_NUM];
		memcpy(cl->link_uid, p + CL_LINK_UID, SMCR_LLC_LINK_UID_LEN);
		cl->max_links = p[CL_MAX_LINKS];
		cl->max_conns = p[CL_MAX_CONNS];
		return 0;
	}
	case SMCR_LLC_ADD_LINK:
		return smcr_llc_decode_add_link(p, end, msg);
	case SMCR_LLC_ADD_LINK_CONT: {
		struct smcr_llc_add_link_cont *alc = &msg->add_link_cont;

		alc->link_num = p[ALC_LINK_NUM];
		alc->num_rkeys = p[ALC_NUM_RKEYS];
		alc->rt_cnt = (u8)smcr_llc_min(alc->num_rkeys, SMCR_LLC_RKEYS_PER_CONT_MSG);
		alc->rt_off = ALC_RT;
		return 0;
	}
	case SMCR_LLC_DELETE_LINK:
		msg->delete_link.link_num = p[DL_LINK_NUM];
		msg->delete_link.reason = smcr_get_be32(p + DL_REASON);
		return 0;
	case SMCR_LLC_REQ_ADD_LINK:
		n = p[RAL_GID_CNT];
		if (end - RAL_GID < (size_t)n * SMCR_LLC_GID_LEN)
			return -EPROTO;
		msg->req_add_link.gid_cnt = (u8)n;
		msg->req_add_link.gid_off = RAL_GID;
		return 0;
	case SMCR_LLC_CONFIRM_RKEY: {
		struct smcr_llc_confirm_rkey *cr = &msg->confirm_rkey;

		cr->num_rkeys = p[CR_NUM_RKEYS];
		cr->rmb_key = smcr_get_be32(p + CR_RKEY);
		cr->rmb_vaddr = smcr_get_be64(p + CR_VADDR);
		n = smcr_llc_confirm_rkey_present(msg->hdr.version, cr->num_rkeys);
		if (end - CR_RT < (size_t)n * SMCR_LLC_RTOKEN_LEN ||
		    !smcr_llc_rtoken_ids_ok(p + CR_RT, n))
			return -EPROTO;
		cr->rt_cnt = (u8)n;
		cr->rt_off = CR_RT;
		return 0;
	}
	case SMCR_LLC_CONFIRM_RKEY_CONT: {
		struct smcr_llc_confirm_rkey_cont *crc = &msg->confirm_rkey_cont;

		crc->num_rkeys = p[CRC_NUM_RKEYS];
		n = smcr_llc_min(crc->num_rkeys, SMCR_LLC_RTOKENS_PER_CONT_MSG);
		if (!smcr_llc_rtoken_ids_ok(p + CRC_RT, n))
			return -EPROTO;
		crc->rt_cnt = (u8)n;
		crc->rt_off = CRC_RT;
		return 0;
	}
	case SMCR_LLC_TEST_LINK:
		memcpy(msg->test_link.user_data, p + TL_USER_DATA, SMCR_LLC_USER_DATA_LEN);
		return 0;
	case SMCR_LLC_DELETE_RKEY: {
		struct smcr_llc_delete_rkey *dr = &msg->delete_rkey;

		dr->num_rkeys = p[DR_NUM_RKEYS];
		dr->err_mask = p[DR_ERR_MASK];
		if (end - DR_RKEYS < (size_t)dr->num_rkeys * 4)
			return -EPROTO;
		dr->rk_off = DR_RKEYS;
		return 0;
	}
	default:
		return -EPROTO;	/* unreachable: the header check admits known types only */
	}
}

int smcr_llc_decode(const void *buf, size_t len, struct smcr_llc_msg *msg)
{
	int rc;

	memset(msg, 0, sizeof(*msg));
	rc = smcr_llc_parse_hdr(buf, len, &msg->hdr);
	if (!rc)
		rc = smcr_llc_decode_body(buf, msg->hdr.length, msg);
	if (!rc && !smcr_llc_rules_ok(msg))
		rc = -EPROTO;
	if (rc)
		memset(msg, 0, sizeof(*msg));
	return rc;
}

/* Encode -------------------------------------------------------------------------------------- */

/* The caller's lists: present when counted, no rtoken for link 0. Return: true if ok. */
static bool smcr_llc_tx_lists_ok(const struct smcr_llc_msg *msg)
{
	const struct smcr_llc_rtoken *rt = NULL;
	unsigned int i, n = 0;

	switch (msg->hdr.type) {
	case SMCR_LLC_ADD_LINK:
		return !msg->add_link.has_v2_ext || !msg->add_link.num_rkeys || msg->add_link.rt;
	case SMCR_LLC_ADD_LINK_CONT:
		return !msg->add_link_cont.num_rkeys || msg->add_link_cont.rt;
	case SMCR_LLC_REQ_ADD_LINK:
		return !msg->req_add_link.gid_cnt || msg->req_add_link.gid;
	case SMCR_LLC_DELETE_RKEY:
		return !msg->delete_rkey.num_rkeys || msg->delete_rkey.rkeys;
	case SMCR_LLC_CONFIRM_RKEY:
		n = smcr_llc_confirm_rkey_present(msg->hdr.version, msg->confirm_rkey.num_rkeys);
		rt = msg->confirm_rkey.rt;
		break;
	case SMCR_LLC_CONFIRM_RKEY_CONT:
		n = smcr_llc_min(msg->confirm_rkey_cont.num_rkeys, SMCR_LLC_RTOKENS_PER_CONT_MSG);
		rt = msg->confirm_rkey_cont.rt;
		break;
	default:
		return true;
	}
	if (n && !rt)
		return false;
	for (i = 0; i < n; i++)
		if (!rt[i].link_id)
			return false;
	return true;
}

/* v2 length: at least 44, more when the lists need it. */
static size_t smcr_llc_v2_len(size_t need)
{
	return need < SMCR_LLC_MSG_LEN ? SMCR_LLC_MSG_LEN : need;
}

int smcr_llc_msg_len(const struct smcr_llc_msg *msg)
{
	if (!smcr_llc_rules_ok(msg) || !smcr_llc_tx_lists_ok(msg))
		return -EINVAL;
	if (msg->hdr.version == SMCR_LLC_V1)
		return SMCR_LLC_MSG_LEN;
	switch (msg->hdr.type) {
	case SMCR_LLC_ADD_LINK:
		if (!msg->add_link.has_v2_ext)
			return SMCR_LLC_MSG_LEN;
		return AL_EXT + ALX_RT + msg->add_link.num_rkeys * SMCR_LLC_RKEY_PAIR_LEN;
	case SMCR_LLC_REQ_ADD_LINK:
		return (int)smcr_llc_v2_len(RAL_GID +
					    (size_t)msg->req_add_link.gid_cnt * SMCR_LLC_GID_LEN);
	case SMCR_LLC_CONFIRM_RKEY:
		return (int)smcr_llc_v2_len(CR_RT + (size_t)msg->confirm_rkey.num_rkeys *
						    SMCR_LLC_RTOKEN_LEN);
	case SMCR_LLC_DELETE_RKEY:
		return (int)smcr_llc_v2_len(DR_RKEYS + (size_t)msg->delete_rkey.num_rkeys * 4);
	default:
		return SMCR_LLC_MSG_LEN;
	}
}

static void smcr_llc_write_rtokens(u8 *p, const struct smcr_llc_rtoken *rt, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++, p += SMCR_LLC_RTOKEN_LEN) {
		p[RT_LINK_ID] = rt[i].link_id;
		smcr_put_be32(p + RT_RKEY, rt[i].rmb_key);
		smcr_put_be64(p + RT_VADDR, rt[i].rmb_vaddr);
	}
}

static void smcr_llc_write_rkey_pairs(u8 *p, const struct smcr_llc_rkey_pair *rp,
				      unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++, p += SMCR_LLC_RKEY_PAIR_LEN) {
		smcr_put_be32(p + RP_RKEY, rp[i].rmb_key);
		smcr_put_be32(p + RP_RKEY_NEW, rp[i].rmb_key_new);
		smcr_put_be64(p + RP_VADDR_NEW, rp[i].rmb_vaddr_new);
	}
}

static void smcr_llc_encode_add_link(const struct smcr_llc_msg *msg, u8 *p)
{
	const struct smcr_llc_add_link *al = &msg->add_link;

	memcpy(p + AL_MAC, al->sender_mac, SMCR_LLC_MAC_LEN);
	memcpy(p + AL_GID, al->sender_gid, SMCR_LLC_GID_LEN);
	smcr_put_be24(p + AL_QPN, al->sender_qpn);
	p[AL_LINK_NUM] = al->link_num;
	p[AL_MTU] = al->qp_mtu;
	smcr_put_be24(p + AL_PSN, al->initial_psn);
	if (msg->hdr.version == SMCR_LLC_V1)
		p[HDR_REJ_RSN] = al->reject_reason;
	if (!al->has_v2_ext)
		return;
	p[AL_EXT + ALX_FLAGS] = al->v2_direct ? ALX_V2_DIRECT : 0;
	memcpy(p + AL_EXT + ALX_TARGET_GID, al->client_target_gid, SMCR_LLC_GID_LEN);
	smcr_put_le16(p + AL_EXT + ALX_NUM_RKEYS, al->num_rkeys);
	if (al->num_rkeys)
		smcr_llc_write_rkey_pairs(p + AL_EXT + ALX_RT, al->rt, al->num_rkeys);
}

static void smcr_llc_encode_body(const struct smcr_llc_msg *msg, u8 *p)
{
	unsigned int i, n;

	switch (msg->hdr.type) {
	case SMCR_LLC_CONFIRM_LINK: {
		const struct smcr_llc_confirm_link *cl = &msg->confirm_link;

		memcpy(p + CL_MAC, cl->sender_mac, SMCR_LLC_MAC_LEN);
		memcpy(p + CL_GID, cl->sender_gid, SMCR_LLC_GID_LEN);
		smcr_put_be24(p + CL_QPN, cl->sender_qpn);
		p[CL_LINK_NUM] = cl->link_num;
		memcpy(p + CL_LINK_UID, cl->link_uid, SMCR_LLC_LINK_UID_LEN);
		p[CL_MAX_LINKS] = cl->max_links;
		p[CL_MAX_CONNS] = cl->max_conns;
		break;
	}
	case SMCR_LLC_ADD_LINK:
		smcr_llc_encode_add_link(msg, p);
		break;
	case SMCR_LLC_ADD_LINK_CONT: {
		const struct smcr_llc_add_link_cont *alc = &msg->add_link_cont;

		p[ALC_LINK_NUM] = alc->link_num;
		p[ALC_NUM_RKEYS] = alc->num_rkeys;
		n = smcr_llc_min(alc->num_rkeys, SMCR_LLC_RKEYS_PER_CONT_MSG);
		if (n)
			smcr_llc_write_rkey_pairs(p + ALC_RT, alc->rt, n);
		break;
	}
	case SMCR_LLC_DELETE_LINK:
		p[DL_LINK_NUM] = msg->delete_link.link_num;
		smcr_put_be32(p + DL_REASON, msg->delete_link.reason);
		break;
	case SMCR_LLC_REQ_ADD_LINK:
		p[RAL_GID_CNT] = msg->req_add_link.gid_cnt;
		for (i = 0; i < msg->req_add_link.gid_cnt; i++)
			memcpy(p + RAL_GID + i * SMCR_LLC_GID_LEN, msg->req_add_link.gid[i],
			       SMCR_LLC_GID_LEN);
		break;
	case SMCR_LLC_CONFIRM_RKEY: {
		const struct smcr_llc_confirm_rkey *cr = &msg->confirm_rkey;

		p[CR_NUM_RKEYS] = cr->num_rkeys;
		smcr_put_be32(p + CR_RKEY, cr->rmb_key);
		smcr_put_be64(p + CR_VADDR, cr->rmb_vaddr);
		n = smcr_llc_confirm_rkey_present(msg->hdr.version, cr->num_rkeys);
		if (n)
			smcr_llc_write_rtokens(p + CR_RT, cr->rt, n);
		break;
	}
	case SMCR_LLC_CONFIRM_RKEY_CONT: {
		const struct smcr_llc_confirm_rkey_cont *crc = &msg->confirm_rkey_cont;

		p[CRC_NUM_RKEYS] = crc->num_rkeys;
		n = smcr_llc_min(crc->num_rkeys, SMCR_LLC_RTOKENS_PER_CONT_MSG);
		if (n)
			smcr_llc_write_rtokens(p + CRC_RT, crc->rt, n);
		break;
	}
	case SMCR_LLC_TEST_LINK:
		memcpy(p + TL_USER_DATA, msg->test_link.user_data, SMCR_LLC_USER_DATA_LEN);
		break;
	case SMCR_LLC_DELETE_RKEY:
		p[DR_NUM_RKEYS] = msg->delete_rkey.num_rkeys;
		p[DR_ERR_MASK] = msg->delete_rkey.err_mask;
		for (i = 0; i < msg->delete_rkey.num_rkeys; i++)
			smcr_put_be32(p + DR_RKEYS + 4 * i, msg->delete_rkey.rkeys[i]);
		break;
	}
}

int smcr_llc_encode(const struct smcr_llc_msg *msg, void *buf, size_t cap)
{
	u8 *p = buf;
	size_t len;
	int rc;

	rc = smcr_llc_msg_len(msg);
	if (rc < 0)
		return rc;
	len = (size_t)rc;
	if (!p || cap < len)
		return -ENOSPC;
	memset(p, 0, len);
	if (msg->hdr.version == SMCR_LLC_V2) {
		p[HDR_TYPE] = SMCR_LLC_V2_NIBBLE | msg->hdr.type;
		smcr_put_le16(p + HDR_LEN, (u16)len);
	} else {
		p[HDR_TYPE] = msg->hdr.type;
		p[HDR_LEN] = SMCR_LLC_MSG_LEN;
	}
	p[HDR_FLAGS] = msg->hdr.flags;
	smcr_llc_encode_body(msg, p);
	return rc;
}

/* List accessors ------------------------------------------------------------------------------ */

int smcr_llc_get_rkey_pair(const void *buf, const struct smcr_llc_msg *msg, unsigned int i,
			   struct smcr_llc_rkey_pair *rp)
{
	const u8 *p = buf;
	unsigned int off;

	if (msg->hdr.type == SMCR_LLC_ADD_LINK && msg->add_link.has_v2_ext &&
	    i < msg->add_link.num_rkeys)
		off = msg->add_link.rt_off;
	else if (msg->hdr.type == SMCR_LLC_ADD_LINK_CONT && i < msg->add_link_cont.rt_cnt)
		off = msg->add_link_cont.rt_off;
	else
		return -EINVAL;
	smcr_llc_read_rkey_pair(p + off + i * SMCR_LLC_RKEY_PAIR_LEN, rp);
	return 0;
}

int smcr_llc_get_rtoken(const void *buf, const struct smcr_llc_msg *msg, unsigned int i,
			struct smcr_llc_rtoken *rt)
{
	const u8 *p = buf;
	unsigned int off;

	if (msg->hdr.type == SMCR_LLC_CONFIRM_RKEY && i < msg->confirm_rkey.rt_cnt)
		off = msg->confirm_rkey.rt_off;
	else if (msg->hdr.type == SMCR_LLC_CONFIRM_RKEY_CONT && i < msg->confirm_rkey_cont.rt_cnt)
		off = msg->confirm_rkey_cont.rt_off;
	else
		return -EINVAL;
	smcr_llc_read_rtoken(p + off + i * SMCR_LLC_RTOKEN_LEN, rt);
	return 0;
}

int smcr_llc_get_rkey(const void *buf, const struct smcr_llc_msg *msg, unsigned int i,
		      u32 *rkey)
{
	const u8 *p = buf;

	if (msg->hdr.type != SMCR_LLC_DELETE_RKEY || i >= msg->delete_rkey.num_rkeys)
		return -EINVAL;
	*rkey = smcr_get_be32(p + msg->delete_rkey.rk_off + 4 * i);
	return 0;
}

int smcr_llc_get_gid(const void *buf, const struct smcr_llc_msg *msg, unsigned int i, u8 *gid)
{
	const u8 *p = buf;

	if (msg->hdr.type != SMCR_LLC_REQ_ADD_LINK || i >= msg->req_add_link.gid_cnt)
		return -EINVAL;
	memcpy(gid, p + msg->req_add_link.gid_off + i * SMCR_LLC_GID_LEN, SMCR_LLC_GID_LEN);
	return 0;
}

const char *smcr_llc_type_name(u8 type)
{
	switch (type) {
	case SMCR_LLC_CONFIRM_LINK:
		return "CONFIRM_LINK";
	case SMCR_LLC_ADD_LINK:
		return "ADD_LINK";
	case SMCR_LLC_ADD_LINK_CONT:
		return "ADD_LINK_CONT";
	case SMCR_LLC_DELETE_LINK:
		return "DELETE_LINK";
	case SMCR_LLC_REQ_ADD_LINK:
		return "REQ_ADD_LINK";
	case SMCR_LLC_CONFIRM_RKEY:
		return "CONFIRM_RKEY";
	case SMCR_LLC_TEST_LINK:
		return "TEST_LINK";
	case SMCR_LLC_CONFIRM_RKEY_CONT:
		return "CONFIRM_RKEY_CONT";
	case SMCR_LLC_DELETE_RKEY:
		return "DELETE_RKEY";
	default:
		return "UNKNOWN";
	}
}
