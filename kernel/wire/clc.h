/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * smcr: CLC (Connection Layer Control) message codec — the handshake SMC runs over the internal
 * TCP connection before any RDMA traffic: Proposal, Accept, Confirm and Decline, in the SMC-R v1
 * (RFC 7609) and SMC v2 formats exactly as Linux net/smc (6.1 and later) sends and accepts them.
 *
 * Pure code shared by the kernel module and userspace (tests, fuzzers, tools): no allocation, no
 * global state, no sleeping, nothing on the stack larger than a few words. Decoders turn a byte
 * buffer into host-order structs; encoders write a struct into a caller buffer.
 *
 * Conventions (also in docs/wire-clc.md):
 *   - Multi-byte numbers in the structs are in host order. Byte strings that are identifiers on
 *     the wire (system id, GIDs, MAC, EIDs, hostname, IPv4/IPv6 prefixes) are kept as raw bytes,
 *     i.e. in network order, so they can be memcpy()d / memcmp()d against kernel objects.
 *   - Return values: 0 (decoders) or the encoded length (encoders) on success, else a negative
 *     errno:
 *       -EPROTO      the bytes are not a well-formed CLC message (any decode failure);
 *       -EOPNOTSUPP  decode_accept_confirm(): a well-formed SMC-D Accept/Confirm (this codec
 *                    decodes SMC-R only); the caller should decline with SMCR_DECL_MODEUNSUPP;
 *       -EINVAL      encode: a struct field is out of range (e.g. more than 8 UEIDs);
 *       -ENOSPC      encode: @cap is smaller than the encoded length (nothing is written).
 *   - Decoders never read outside [buf, buf + len); encoders never write outside [buf, buf + cap).
 *   - A struct filled by a decoder is fully initialised (fields absent from the message are 0);
 *     on failure it is all zeros (except after -EOPNOTSUPP, see below).
 */
#ifndef SMCR_WIRE_CLC_H
#define SMCR_WIRE_CLC_H

#include "wire_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Message types (header byte 4). */
#define SMCR_CLC_PROPOSAL	1
#define SMCR_CLC_ACCEPT		2
#define SMCR_CLC_CONFIRM	3
#define SMCR_CLC_DECLINE	4

/* SMC types offered/chosen (header typev1/typev2 fields). */
#define SMCR_CLC_TYPE_R		0	/* SMC-R */
#define SMCR_CLC_TYPE_D		1	/* SMC-D */
#define SMCR_CLC_TYPE_N		2	/* none */
#define SMCR_CLC_TYPE_B		3	/* both */

/* Protocol versions (header bits 7-4). Decoders accept any version >= 1; >= 2 means v2 layout. */
#define SMCR_CLC_V1		1
#define SMCR_CLC_V2		2
#define SMCR_CLC_VERSION_MAX	15

/* FCE / Decline OS types. */
#define SMCR_CLC_OS_ZOS		1
#define SMCR_CLC_OS_LINUX	2
#define SMCR_CLC_OS_AIX		3

/* Eyecatchers ("SMCR" / "SMCD" in EBCDIC), at the start and in the 4-byte trailer. */
#define SMCR_CLC_EYECATCHER_R	"\xe2\xd4\xc3\xd9"
#define SMCR_CLC_EYECATCHER_D	"\xe2\xd4\xc3\xc4"
#define SMCR_CLC_EYECATCHER_LEN	4

/* Sizes of identifiers. */
#define SMCR_CLC_SYSTEMID_LEN	8
#define SMCR_CLC_GID_LEN	16
#define SMCR_CLC_MAC_LEN	6
#define SMCR_CLC_EID_LEN	32
#define SMCR_CLC_HOSTNAME_LEN	32
#define SMCR_CLC_IPV6_LEN	16

/* Limits. */
#define SMCR_CLC_MAX_V6_PREFIX	8	/* IPv6 prefixes in a Proposal */
#define SMCR_CLC_MAX_UEID	8	/* user EIDs in a Proposal v2 extension */
#define SMCR_CLC_MAX_ISM_V2	8	/* GID/CHID entries in a Proposal SMC-Dv2 extension */
#define SMCR_CLC_MAX_GIDS	8	/* GIDs in a v2 first-contact Confirm (Linux sends <= 2) */
#define SMCR_CLC_DECL_DIAG_V2	4	/* additional diagnosis codes in a v2 Decline */

/* Fixed lengths, header and trailer included. */
#define SMCR_CLC_HDR_LEN		8
#define SMCR_CLC_TRL_LEN		4
#define SMCR_CLC_PROP_BASE_LEN		40	/* header + system id + GID + MAC + iparea_offset */
#define SMCR_CLC_PROP_SMCD_LEN		40	/* SMC-D v1 area: GID, CHID, v2_ext_offset, rsvd */
#define SMCR_CLC_PROP_PREFIX_LEN	8	/* IPv4 prefix area without the IPv6 list */
#define SMCR_CLC_PROP_IPV6_LEN		17	/* one IPv6 prefix + its length */
#define SMCR_CLC_PROP_V2EXT_LEN		40	/* v2 extension without the UEIDs */
#define SMCR_CLC_PROP_SMCDV2_LEN	48	/* SMC-Dv2 extension without its GID/CHID list */
#define SMCR_CLC_PROP_GIDCHID_LEN	10	/* one SMC-Dv2 GID + CHID */
#define SMCR_CLC_AC_V1_LEN		68	/* SMC-R Accept/Confirm v1 */
#define SMCR_CLC_AC_V2_LEN		108	/* SMC-R Accept/Confirm v2, not first contact */
#define SMCR_CLC_ACCEPT_V2_FC_LEN	160	/* SMC-R Accept v2, first contact */
#define SMCR_CLC_CONFIRM_V2_FC_LEN	164	/* SMC-R Confirm v2, first contact, + 16 per GID */
#define SMCR_CLC_SMCD_AC_V1_LEN		48	/* SMC-D Accept/Confirm v1 (recognised only) */
#define SMCR_CLC_SMCD_AC_V2_LEN		78	/* SMC-D Accept/Confirm v2 minimum (recognised only) */
#define SMCR_CLC_DECLINE_V1_LEN		28
#define SMCR_CLC_DECLINE_V2_LEN		44

/* Minimum length of a Proposal: v1 with the prefix area right after the base. */
#define SMCR_CLC_PROP_MIN_LEN \
	(SMCR_CLC_PROP_BASE_LEN + SMCR_CLC_PROP_PREFIX_LEN + SMCR_CLC_TRL_LEN)

/* Largest message the codec handles: a v2 Proposal carrying everything at its maximum. */
#define SMCR_CLC_PROP_MAX_LEN						\
	(SMCR_CLC_PROP_BASE_LEN + SMCR_CLC_PROP_SMCD_LEN +		\
	 SMCR_CLC_PROP_PREFIX_LEN +					\
	 SMCR_CLC_MAX_V6_PREFIX * SMCR_CLC_PROP_IPV6_LEN +		\
	 SMCR_CLC_PROP_V2EXT_LEN + SMCR_CLC_MAX_UEID * SMCR_CLC_EID_LEN +	\
	 SMCR_CLC_PROP_SMCDV2_LEN +					\
	 SMCR_CLC_MAX_ISM_V2 * SMCR_CLC_PROP_GIDCHID_LEN +		\
	 SMCR_CLC_TRL_LEN)						/* = 652 */
#define SMCR_CLC_MAX_LEN	SMCR_CLC_PROP_MAX_LEN

/* Header byte 7: version in bits 7-4, typev2 in bits 3-2, typev1 in bits 1-0. */
#define SMCR_CLC_FIRST_CONTACT	0x08	/* typev2 bit 1 in Accept/Confirm/Decline */

static inline bool smcr_clc_smcr_indicated(u8 smc_type)
{
	return smc_type == SMCR_CLC_TYPE_R || smc_type == SMCR_CLC_TYPE_B;
}

static inline bool smcr_clc_smcd_indicated(u8 smc_type)
{
	return smc_type == SMCR_CLC_TYPE_D || smc_type == SMCR_CLC_TYPE_B;
}

/**
 * struct smcr_clc_hdr - the 8-byte CLC header, decoded.
 * @type: SMCR_CLC_PROPOSAL .. SMCR_CLC_DECLINE.
 * @length: total message length (header and trailer included).
 * @version: protocol version as received (>= 1).
 * @typev1: bits 1-0 of byte 7 (SMCR_CLC_TYPE_*).
 * @typev2: bits 3-2 of byte 7 (SMCR_CLC_TYPE_* in a Proposal; bit 1 is first contact otherwise).
 * @first_contact: first-contact flag; only set for Accept, Confirm and Decline.
 * @smcd_eyecatcher: the message starts with "SMCD" instead of "SMCR".
 */
struct smcr_clc_hdr {
	u8 type;
	u16 length;
	u8 version;
	u8 typev1;
	u8 typev2;
	bool first_contact;
	bool smcd_eyecatcher;
};

/**
 * struct smcr_clc_ipv6_prefix - one IPv6 prefix of a Proposal.
 * @prefix: the prefix bytes (network order).
 * @prefix_len: number of significant bits.
 */
struct smcr_clc_ipv6_prefix {
	u8 prefix[SMCR_CLC_IPV6_LEN];
	u8 prefix_len;
};

/**
 * struct smcr_clc_gid_chid - an ISM GID and its CHID (SMC-D).
 * @gid: ISM GID (host order).
 * @chid: channel id (host order).
 */
struct smcr_clc_gid_chid {
	u64 gid;
	u16 chid;
};

/**
 * struct smcr_clc_proposal - CLC Proposal (client -> server).
 * @version: header version. Encode: 1 or any v2 version (Linux always sends 2). Decode: as
 *	received; >= 2 was parsed with the v2 layout.
 * @typev1: SMC v1 types offered (SMCR_CLC_TYPE_*); N is only valid with version >= 2.
 * @typev2: SMC v2 types offered. Decode of a version-1 Proposal reports N here (the bits have no
 *	v2 meaning then). Encode with version 1 requires N.
 * @sys_id: sender's system id (Linux fills it only when SMC-R v1 is offered, else zeros).
 * @gid: sender's RoCE v1 GID (SMC-R v1).
 * @mac: sender's RoCE MAC (SMC-R v1).
 * @ism_gid: SMC-D v1 ISM GID (0 unless SMC-D v1 offered).
 * @ism_chid: SMC-D v1 ISM CHID.
 * @ipv4_subnet: IP prefix area, present iff @typev1 != N: IPv4 network address, network order.
 * @ipv4_prefix_len: IPv4 prefix length in bits.
 * @ipv6_prefix_cnt: number of valid entries in @ipv6_prefix (<= SMCR_CLC_MAX_V6_PREFIX).
 * @ipv6_prefix: IPv6 prefixes.
 * @has_v2_ext: decode output: the v2 extension was present (version >= 2 and @typev2 != N).
 *	Ignored by encode, which derives it the same way.
 * @eid_cnt: number of valid @ueid entries (<= SMCR_CLC_MAX_UEID). 0 is well-formed (a server
 *	declines with SMCR_DECL_NOUEID).
 * @ism_gid_cnt: number of valid @ism_v2 entries (<= SMCR_CLC_MAX_ISM_V2; SMC-Dv2 only).
 * @release: SMC release (v2 extension flags bits 7-4): 0 for Linux 6.1, 1 for v2.1 kernels.
 * @seid: system EID flag (v2 extension flags bit 0).
 * @roce_gid_v2: client's RoCEv2 GID (IPv4-mapped), when SMC-R v2 offered.
 * @max_conns: v2.1 (release >= 1) preferred connections per link group, else 0.
 * @max_links: v2.1 preferred links per link group, else 0.
 * @feature_mask: v2.1 feature mask, else 0.
 * @ueid: user EIDs, 32 bytes each (upper-case, blank padded).
 * @has_smcd_v2_ext: decode output: the SMC-Dv2 extension was present (@has_v2_ext and SMC-D in
 *	@typev2). Ignored by encode.
 * @system_eid: SMC-Dv2 system EID.
 * @ism_v2: SMC-Dv2 GID/CHID list.
 *
 * Wire layout (offsets absolute): 0 header, 8 sys_id, 16 gid, 32 mac, 38 iparea_offset,
 * 40 SMC-D area (ism gid 8, chid 2, v2_ext_offset 2, reserved 28), 80 IP prefix area (if typev1
 * != N: ipv4 4, len 1, rsvd 2, ipv6 count 1, count x 17), then the v2 extension (40 + 32 per
 * UEID), then the SMC-Dv2 extension (48 + 10 per GID), then the trailer.
 */
struct smcr_clc_proposal {
	u8 version;
	u8 typev1;
	u8 typev2;
	u8 sys_id[SMCR_CLC_SYSTEMID_LEN];
	u8 gid[SMCR_CLC_GID_LEN];
	u8 mac[SMCR_CLC_MAC_LEN];
	u64 ism_gid;
	u16 ism_chid;
	u8 ipv4_subnet[4];
	u8 ipv4_prefix_len;
	u8 ipv6_prefix_cnt;
	struct smcr_clc_ipv6_prefix ipv6_prefix[SMCR_CLC_MAX_V6_PREFIX];
	bool has_v2_ext;
	u8 eid_cnt;
	u8 ism_gid_cnt;
	u8 release;
	bool seid;
	u8 roce_gid_v2[SMCR_CLC_GID_LEN];
	u8 max_conns;
	u8 max_links;
	u16 feature_mask;
	u8 ueid[SMCR_CLC_MAX_UEID][SMCR_CLC_EID_LEN];
	bool has_smcd_v2_ext;
	u8 system_eid[SMCR_CLC_EID_LEN];
	struct smcr_clc_gid_chid ism_v2[SMCR_CLC_MAX_ISM_V2];
};

/**
 * struct smcr_clc_fce - First-Contact Extension of an SMC-R v2 first-contact Accept/Confirm.
 * @v2_direct: the peer is reachable without a gateway (byte 0 bit 7).
 * @os_type: SMCR_CLC_OS_* (byte 1 bits 7-4).
 * @release: SMC release (byte 1 bits 3-0).
 * @hostname: sender's host name, ASCII, blank padded.
 * @max_conns: v2.1 extension (release >= 1): max connections per link group; 0 from 6.1.
 * @max_links: v2.1: max links per link group; 0 from 6.1.
 * @feature_mask: v2.1 feature mask.
 * @vendor_exp_options: v2.1 vendor experimental options.
 *
 * The four v2.1 fields occupy the 16 bytes that 6.1 sends as zeros right after the 36-byte
 * base FCE, so a message is the same length for both releases.
 */
struct smcr_clc_fce {
	bool v2_direct;
	u8 os_type;
	u8 release;
	u8 hostname[SMCR_CLC_HOSTNAME_LEN];
	u8 max_conns;
	u8 max_links;
	u16 feature_mask;
	u32 vendor_exp_options;
};

/**
 * struct smcr_clc_accept_confirm - SMC-R CLC Accept (server) or Confirm (client).
 * @type: SMCR_CLC_ACCEPT or SMCR_CLC_CONFIRM.
 * @version: 1, or >= 2 for the v2 layout (Linux sends 1 or 2).
 * @first_contact: a new link group is being created.
 * @sys_id: sender's system id.
 * @gid: sender's GID (RoCE v1 GID for v1, IPv4-mapped RoCEv2 GID for v2).
 * @mac: sender's MAC.
 * @qpn: sender's QP number (24 bits).
 * @rmb_rkey: rkey of the sender's RMB.
 * @rmbe_idx: index of the RMBE in the RMB (Linux: always 1).
 * @rmbe_alert_token: connection token the peer puts into CDC messages.
 * @rmbe_size: compressed RMBE size (4 bits, size = 2^(n+14)).
 * @qp_mtu: IB MTU enum (4 bits, 1 = 256 .. 5 = 4096).
 * @rmb_dma_addr: address of the RMB used as RDMA WRITE target.
 * @psn: initial packet sequence number (24 bits).
 * @eid: v2: negotiated EID.
 * @fce: v2 first contact: First-Contact Extension.
 * @gid_cnt: v2 first-contact Confirm: number of valid @gid_list entries (<= SMCR_CLC_MAX_GIDS);
 *	always 0 in an Accept.
 * @gid_list: v2 first-contact Confirm: client's RoCEv2 GIDs.
 *
 * Lengths: v1 68; v2 108 (not first contact); v2 first-contact Accept 160; v2 first-contact
 * Confirm 164 + 16 * @gid_cnt. Decoders accept longer v2 messages (the excess is ignored) as
 * Linux does, but never a v1 message other than 68 bytes.
 */
struct smcr_clc_accept_confirm {
	u8 type;
	u8 version;
	bool first_contact;
	u8 sys_id[SMCR_CLC_SYSTEMID_LEN];
	u8 gid[SMCR_CLC_GID_LEN];
	u8 mac[SMCR_CLC_MAC_LEN];
	u32 qpn;
	u32 rmb_rkey;
	u8 rmbe_idx;
	u32 rmbe_alert_token;
	u8 rmbe_size;
	u8 qp_mtu;
	u64 rmb_dma_addr;
	u32 psn;
	u8 eid[SMCR_CLC_EID_LEN];
	struct smcr_clc_fce fce;
	u8 gid_cnt;
	u8 gid_list[SMCR_CLC_MAX_GIDS][SMCR_CLC_GID_LEN];
};

/**
 * struct smcr_clc_decline - CLC Decline (either side).
 * @version: 1 (28 bytes) or >= 2 (44 bytes).
 * @first_contact: decode output: header first-contact bit (peer reports a link group sync error,
 *	the receiver must terminate that link group). Encode ignores it and sets the bit iff
 *	@peer_diagnosis is SMCR_DECL_SYNCERR, as Linux does.
 * @sys_id: sender's system id (zeros when unknown / SMC-D).
 * @peer_diagnosis: reason code, see reason.h.
 * @os_type: SMCR_CLC_OS_* (Linux: 0 in v1, SMCR_CLC_OS_LINUX in v2).
 * @diag_v2: v2 only: additional diagnosis codes (zero from Linux).
 */
struct smcr_clc_decline {
	u8 version;
	bool first_contact;
	u8 sys_id[SMCR_CLC_SYSTEMID_LEN];
	u32 peer_diagnosis;
	u8 os_type;
	u32 diag_v2[SMCR_CLC_DECL_DIAG_V2];
};

/**
 * struct smcr_clc_msg - any decoded CLC message, tagged by @hdr.type.
 * @hdr: the decoded header.
 * @prop: valid if @hdr.type == SMCR_CLC_PROPOSAL.
 * @ac: valid if @hdr.type is SMCR_CLC_ACCEPT or SMCR_CLC_CONFIRM.
 * @decl: valid if @hdr.type == SMCR_CLC_DECLINE.
 */
struct smcr_clc_msg {
	struct smcr_clc_hdr hdr;
	union {
		struct smcr_clc_proposal prop;
		struct smcr_clc_accept_confirm ac;
		struct smcr_clc_decline decl;
	};
};

SMCR_STATIC_ASSERT(SMCR_CLC_MAX_LEN == 652, "CLC maximum length");
SMCR_STATIC_ASSERT(sizeof(struct smcr_clc_proposal) <= 1024, "proposal struct too large");
SMCR_STATIC_ASSERT(sizeof(struct smcr_clc_msg) <= 1536, "CLC msg struct too large");

/**
 * smcr_clc_parse_hdr() - validate and decode the 8-byte header of a CLC message.
 * @buf: at least the first 8 bytes of a message (more is allowed and ignored).
 * @len: number of readable bytes at @buf.
 * @hdr: out: the decoded header (zeroed on error).
 *
 * Meant for peeking at the header on the TCP stream before reading the rest: it checks what can
 * be checked from the header alone, so the caller knows how many bytes to read. Checks: eyecatcher
 * "SMCR" or "SMCD"; type 1..4; version >= 1 (higher versions are accepted, as Linux does);
 * length <= SMCR_CLC_MAX_LEN and plausible for type/version/typev1: Proposal >= 52 (v1) or >= 84
 * (v2); Accept/Confirm with typev1 R: == 68 (v1), >= 108 (v2), >= 160 (v2 first-contact Accept),
 * >= 164 (v2 first-contact Confirm); typev1 D: == 48 (v1) or >= 78 (v2); typev1 N or B rejected;
 * Decline == 28 (v1) or == 44 (v2).
 *
 * Return: 0, or -EPROTO (also when @len < 8).
 */
int smcr_clc_parse_hdr(const void *buf, size_t len, struct smcr_clc_hdr *hdr);

/**
 * smcr_clc_decode() - decode any CLC message, dispatching on its type.
 * @buf: the complete message.
 * @len: number of bytes at @buf; must equal the header's length field.
 * @msg: out: header and the matching union member.
 *
 * Return: 0; -EPROTO if malformed; -EOPNOTSUPP for a well-formed SMC-D Accept/Confirm (then only
 * @msg->hdr is valid).
 */
int smcr_clc_decode(const void *buf, size_t len, struct smcr_clc_msg *msg);

/**
 * smcr_clc_decode_proposal() - decode and validate a complete CLC Proposal.
 * @buf: the complete message.
 * @len: number of bytes at @buf; must equal the header's length field.
 * @prop: out: the Proposal.
 *
 * Applies every rule Linux applies (smc_clc_msg_prop_valid() and the offset helpers) and a few
 * stricter ones that Linux-sent Proposals always satisfy; see docs/wire-clc.md.
 *
 * Return: 0 or -EPROTO.
 */
int smcr_clc_decode_proposal(const void *buf, size_t len, struct smcr_clc_proposal *prop);

/**
 * smcr_clc_decode_accept_confirm() - decode and validate a complete SMC-R Accept or Confirm.
 * @buf: the complete message.
 * @len: number of bytes at @buf; must equal the header's length field.
 * @ac: out: the Accept/Confirm (@ac->type tells which).
 *
 * Return: 0; -EPROTO if malformed; -EOPNOTSUPP if it is a well-formed SMC-D Accept/Confirm
 * (@ac then holds only type, version and first_contact).
 */
int smcr_clc_decode_accept_confirm(const void *buf, size_t len,
				   struct smcr_clc_accept_confirm *ac);

/**
 * smcr_clc_decode_decline() - decode and validate a complete CLC Decline.
 * @buf: the complete message.
 * @len: number of bytes at @buf; must equal the header's length field.
 * @decl: out: the Decline.
 *
 * Like Linux, the trailer and the reserved header bits of a Decline are not checked (a Decline
 * must lead to a fallback, not to a protocol error).
 *
 * Return: 0 or -EPROTO.
 */
int smcr_clc_decode_decline(const void *buf, size_t len, struct smcr_clc_decline *decl);

/**
 * smcr_clc_proposal_len() - encoded length of a Proposal.
 * @prop: the Proposal to encode.
 *
 * Return: length in bytes, or -EINVAL (see smcr_clc_encode_proposal()).
 */
int smcr_clc_proposal_len(const struct smcr_clc_proposal *prop);

/**
 * smcr_clc_encode_proposal() - encode a CLC Proposal the way Linux builds it.
 * @prop: the Proposal. Fields of areas that are not sent are ignored; fields of types that are
 *	not offered are written as given (Linux leaves them zero).
 * @buf: output buffer.
 * @cap: capacity of @buf in bytes (SMCR_CLC_MAX_LEN always suffices).
 *
 * Layout choices match Linux: SMC-D v1 area always present, iparea_offset 40 when typev1 != N
 * (0 otherwise), the v2 extension right after the prefix area (or the SMC-D area), the SMC-Dv2
 * extension right after the UEIDs. Reserved bytes are zero.
 *
 * Return: encoded length; -EINVAL if @prop->version is 0 or > 15, typev1/typev2 > 3, typev1 N
 * with version 1, typev2 not N with version 1, a count above its maximum, @prop->release > 15;
 * -ENOSPC if @cap is too small.
 */
int smcr_clc_encode_proposal(const struct smcr_clc_proposal *prop, void *buf, size_t cap);

/**
 * smcr_clc_accept_confirm_len() - encoded length of an SMC-R Accept/Confirm.
 * @ac: the message to encode.
 *
 * Return: length in bytes, or -EINVAL (see smcr_clc_encode_accept_confirm()).
 */
int smcr_clc_accept_confirm_len(const struct smcr_clc_accept_confirm *ac);

/**
 * smcr_clc_encode_accept_confirm() - encode an SMC-R Accept or Confirm the way Linux does.
 * @ac: the message. v2 fields are ignored for version 1; @ac->fce only written for v2 first
 *	contact; @ac->gid_cnt/@ac->gid_list only for a v2 first-contact Confirm.
 * @buf: output buffer.
 * @cap: capacity of @buf in bytes.
 *
 * Eyecatcher "SMCR", typev1 R, first-contact bit from @ac->first_contact.
 *
 * Return: encoded length; -EINVAL if type is not Accept/Confirm, version is 0 or > 15, qpn or
 * psn does not fit 24 bits, rmbe_size or qp_mtu does not fit 4 bits, fce os_type/release does
 * not fit 4 bits, gid_cnt > SMCR_CLC_MAX_GIDS (Confirm); -ENOSPC if @cap is too small.
 */
int smcr_clc_encode_accept_confirm(const struct smcr_clc_accept_confirm *ac, void *buf,
				   size_t cap);

/**
 * smcr_clc_decline_len() - encoded length of a Decline.
 * @decl: the Decline.
 *
 * Return: 28 (version 1), 44 (version 2..15), or -EINVAL.
 */
int smcr_clc_decline_len(const struct smcr_clc_decline *decl);

/**
 * smcr_clc_encode_decline() - encode a CLC Decline the way Linux does.
 * @decl: the Decline; @decl->first_contact is ignored (derived from the diagnosis).
 * @buf: output buffer.
 * @cap: capacity of @buf in bytes.
 *
 * Return: encoded length; -EINVAL if version is 0 or > 15 or os_type > 15; -ENOSPC if @cap is
 * too small.
 */
int smcr_clc_encode_decline(const struct smcr_clc_decline *decl, void *buf, size_t cap);

/**
 * smcr_clc_type_name() - printable name of a CLC message type.
 * @type: header type byte.
 *
 * Return: "PROPOSAL", "ACCEPT", "CONFIRM", "DECLINE", or "UNKNOWN".
 */
const char *smcr_clc_type_name(u8 type);

#ifdef __cplusplus
}
#endif

#endif /* SMCR_WIRE_CLC_H */
