/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * smcr: LLC (Link Layer Control) message codec — the control messages SMC-R peers exchange with
 * RDMA SENDs on each link's QP to confirm, add and delete links and to announce and withdraw the
 * rkeys of RMBs, in the v1 (RFC 7609) and SMC-Rv2 formats exactly as Linux net/smc (6.1 and
 * later) sends and accepts them.
 *
 * Pure code shared by the kernel module and userspace (tests, fuzzers): no allocation, no global
 * state, no sleeping, a few words of stack. See docs/wire-data.md.
 *
 * Header (4 bytes):
 *   byte 0   bits 7-4 version nibble (0 = v1, 2 = v2), bits 3-0 message type
 *   v1:      byte 1 length (always 44), byte 2 bits 3-0 ADD_LINK reject reason, byte 3 flags
 *   v2:      bytes 1-2 length 44..8192 in *host* order (little-endian on x86 Linux; we always
 *            read and write little-endian), byte 3 flags
 * v1 messages are exactly 44 bytes. v2 messages are at least 44; those with a list (ADD_LINK
 * with its v2 extension, REQ_ADD_LINK, CONFIRM_RKEY, DELETE_RKEY) may be longer, up to 8 KiB.
 *
 * Lists (rkeys, rtokens, GIDs) are not copied into the decoded struct — a v2 message can carry
 * 255 of them. The decoder validates them and records where they are; read entry i with the
 * smcr_llc_get_*() accessors on the same buffer. The encoder takes them from a caller array.
 *
 * Conventions as in clc.h: decoders return 0 or -EPROTO and leave the output struct all zero on
 * failure; encoders return the encoded length, -EINVAL for a field out of range or -ENOSPC when
 * the buffer is too small (nothing written then). Neither ever touches memory outside
 * [buf, buf + len/cap).
 */
#ifndef SMCR_WIRE_LLC_H
#define SMCR_WIRE_LLC_H

#include "wire_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Message types (low nibble of byte 0). */
#define SMCR_LLC_CONFIRM_LINK		0x01
#define SMCR_LLC_ADD_LINK		0x02
#define SMCR_LLC_ADD_LINK_CONT		0x03	/* v1 only */
#define SMCR_LLC_DELETE_LINK		0x04
#define SMCR_LLC_REQ_ADD_LINK		0x05	/* v2 only */
#define SMCR_LLC_CONFIRM_RKEY		0x06
#define SMCR_LLC_TEST_LINK		0x07
#define SMCR_LLC_CONFIRM_RKEY_CONT	0x08	/* v1 only */
#define SMCR_LLC_DELETE_RKEY		0x09

/* Protocol versions as kept in struct smcr_llc_hdr (the wire nibble is 0 for v1, 2 for v2). */
#define SMCR_LLC_V1			1
#define SMCR_LLC_V2			2
#define SMCR_LLC_V2_NIBBLE		0x20	/* byte 0 of a v2 message: 0x20 | type */

/* Lengths. */
#define SMCR_LLC_HDR_LEN		4
#define SMCR_LLC_MSG_LEN		44	/* every v1 message; minimum of v2 */
#define SMCR_LLC_V2_MAX_LEN		8192	/* Linux's v2 receive buffer */
#define SMCR_LLC_ADD_LINK_EXT_LEN	28	/* v2 ADD_LINK extension before its rkey list */
#define SMCR_LLC_RKEY_PAIR_LEN		16	/* rkey, new rkey, new vaddr */
#define SMCR_LLC_RTOKEN_LEN		13	/* link id (or count), rkey, vaddr */
#define SMCR_LLC_GID_LEN		16
#define SMCR_LLC_MAC_LEN		6
#define SMCR_LLC_LINK_UID_LEN		4
#define SMCR_LLC_USER_DATA_LEN		16

/* Limits. */
#define SMCR_LLC_RKEYS_PER_MSG		3	/* rtokens in a v1 CONFIRM_RKEY (own + 2) */
#define SMCR_LLC_RKEYS_PER_CONT_MSG	2	/* rkey pairs in an ADD_LINK_CONT */
#define SMCR_LLC_RTOKENS_PER_CONT_MSG	3	/* rtokens in a CONFIRM_RKEY_CONT */
#define SMCR_LLC_DEL_RKEY_MAX		8	/* rkeys in a v1 DELETE_RKEY */
#define SMCR_LLC_RKEYS_PER_MSG_V2	255	/* rkey pairs in a v2 ADD_LINK extension */
#define SMCR_LLC_ADD_LNK_MAX_LINKS	2	/* max_links Linux puts in CONFIRM_LINK */

/* Flags (byte 3). */
#define SMCR_LLC_FLAG_RESP		0x80	/* any type: this is the response */
#define SMCR_LLC_FLAG_NO_RMBE_EYEC	0x03	/* CONFIRM_LINK: no RMBE eyecatchers (required) */
#define SMCR_LLC_FLAG_ADD_LNK_REJ	0x40	/* ADD_LINK response: rejected */
#define SMCR_LLC_FLAG_DEL_LINK_ALL	0x40	/* DELETE_LINK: all links, i.e. the link group */
#define SMCR_LLC_FLAG_DEL_LINK_ORDERLY	0x20	/* DELETE_LINK: orderly */
#define SMCR_LLC_FLAG_RKEY_NEG		0x20	/* CONFIRM/DELETE_RKEY response: failed */
#define SMCR_LLC_FLAG_RKEY_RETRY	0x10	/* CONFIRM_RKEY negative response: retry later */

/* ADD_LINK reject reason (v1 header byte 2, bits 3-0). */
#define SMCR_LLC_REJ_RSN_NO_ALT_PATH	1

/* DELETE_LINK reason codes. */
#define SMCR_LLC_DEL_LOST_PATH		0x00010000u	/* request: path lost */
#define SMCR_LLC_DEL_OP_INIT_TERM	0x00020000u	/* request: operator initiated */
#define SMCR_LLC_DEL_PROG_INIT_TERM	0x00030000u	/* request: program initiated */
#define SMCR_LLC_DEL_PROT_VIOL		0x00040000u	/* request: protocol violation */
#define SMCR_LLC_DEL_NO_ASYM_NEEDED	0x00050000u	/* request: asymmetric link not needed */
#define SMCR_LLC_DEL_NOLNK		0x00100000u	/* response: unknown link id */
#define SMCR_LLC_DEL_NOLGR		0x00200000u	/* response: unknown link group */

/* IB path MTU enum values allowed in ADD_LINK (256 .. 4096 bytes). */
#define SMCR_LLC_MTU_MIN		1
#define SMCR_LLC_MTU_MAX		5

/**
 * struct smcr_llc_hdr - the 4-byte LLC header, decoded.
 * @type: SMCR_LLC_CONFIRM_LINK .. SMCR_LLC_DELETE_RKEY.
 * @version: SMCR_LLC_V1 or SMCR_LLC_V2.
 * @length: decode: the message length (44 for v1, the length field for v2). Ignored by the
 *	encoder, which computes it.
 * @flags: byte 3 as received / to send (SMCR_LLC_FLAG_*; bits without a meaning for the type
 *	are kept as they are, Linux ignores them).
 */
struct smcr_llc_hdr {
	u8 type;
	u8 version;
	u16 length;
	u8 flags;
};

/**
 * struct smcr_llc_rkey_pair - one RMB in ADD_LINK_CONT / the v2 ADD_LINK extension.
 * @rmb_key: rkey of the RMB on the link the message travels on (identifies the RMB).
 * @rmb_key_new: rkey of the same RMB on the new link.
 * @rmb_vaddr_new: address of the RMB on the new link.
 */
struct smcr_llc_rkey_pair {
	u32 rmb_key;
	u32 rmb_key_new;
	u64 rmb_vaddr_new;
};

/**
 * struct smcr_llc_rtoken - an RMB's rkey on another link (CONFIRM_RKEY and its continuation).
 * @link_id: the link the rkey is for (never 0).
 * @rmb_key: rkey.
 * @rmb_vaddr: RMB address.
 */
struct smcr_llc_rtoken {
	u8 link_id;
	u32 rmb_key;
	u64 rmb_vaddr;
};

/**
 * struct smcr_llc_confirm_link - CONFIRM_LINK (0x01): the server names the link, the client
 * confirms it; both carry their QP data. Flag SMCR_LLC_FLAG_NO_RMBE_EYEC is required by Linux
 * (either of its two bits); its absence is a handshake failure, not a malformed message.
 * @sender_mac: sender's RoCE MAC.
 * @sender_gid: sender's GID.
 * @sender_qpn: sender's QP number (24 bits).
 * @link_num: link id assigned by the server (never 0).
 * @link_uid: sender's link user id (link group id + link id on Linux).
 * @max_links: Linux sends SMCR_LLC_ADD_LNK_MAX_LINKS, or with release >= 1 (v2.1) the
 *	negotiated links per group; receivers ignore it.
 * @max_conns: v2.1 (release >= 1): the negotiated connections per group, else 0.
 */
struct smcr_llc_confirm_link {
	u8 sender_mac[SMCR_LLC_MAC_LEN];
	u8 sender_gid[SMCR_LLC_GID_LEN];
	u32 sender_qpn;
	u8 link_num;
	u8 link_uid[SMCR_LLC_LINK_UID_LEN];
	u8 max_links;
	u8 max_conns;
};

/**
 * struct smcr_llc_add_link - ADD_LINK (0x02) request or response, with the v2 extension.
 * @sender_mac: sender's MAC for the new link.
 * @sender_gid: sender's GID for the new link.
 * @sender_qpn: QP number of the new link (24 bits).
 * @link_num: id of the new link. 0 only in a v1 request without a new link (a client inviting
 *	the server to start ADD_LINK); otherwise never 0.
 * @qp_mtu: IB MTU enum of the new link (4 bits); 1..5 whenever @link_num != 0.
 * @initial_psn: initial packet sequence number of the new QP (24 bits).
 * @reject_reason: v1 only (header byte 2 bits 3-0): reason of a reject (flag
 *	SMCR_LLC_FLAG_ADD_LNK_REJ), SMCR_LLC_REJ_RSN_NO_ALT_PATH. v2 has no room for it (Linux's
 *	v2 reject carries 0); must be 0 to encode a v2 message.
 * @has_v2_ext: v2 only: the extension follows the 44-byte base (length > 44).
 * @v2_direct: extension: the peer is reachable without a gateway.
 * @client_target_gid: extension: GID of the new link the rkeys are for.
 * @num_rkeys: extension: number of rkey pairs (<= SMCR_LLC_RKEYS_PER_MSG_V2), all present.
 *	On the wire a 16-bit field in host order (little-endian from x86 Linux).
 * @rt_off: decode: offset of the first rkey pair in the message. Ignored by the encoder.
 * @rt: encode: @num_rkeys pairs (may be NULL if 0). Decoders set NULL; read the pairs with
 *	smcr_llc_get_rkey_pair().
 */
struct smcr_llc_add_link {
	u8 sender_mac[SMCR_LLC_MAC_LEN];
	u8 sender_gid[SMCR_LLC_GID_LEN];
	u32 sender_qpn;
	u8 link_num;
	u8 qp_mtu;
	u32 initial_psn;
	u8 reject_reason;
	bool has_v2_ext;
	bool v2_direct;
	u8 client_target_gid[SMCR_LLC_GID_LEN];
	u16 num_rkeys;
	u16 rt_off;
	const struct smcr_llc_rkey_pair *rt;
};

/**
 * struct smcr_llc_add_link_cont - ADD_LINK_CONT (0x03, v1 only): rkeys of the RMBs for a new
 * link, two per message, sent alternately by both sides until neither has any left.
 * @link_num: id of the new link (never 0).
 * @num_rkeys: rkey pairs the sender still has to send, including this message's.
 * @rt_cnt: decode: pairs present in this message, min(@num_rkeys, 2). Ignored by the encoder.
 * @rt_off: decode: offset of the first pair. Ignored by the encoder.
 * @rt: encode: min(@num_rkeys, 2) pairs. Decoders set NULL; use smcr_llc_get_rkey_pair().
 */
struct smcr_llc_add_link_cont {
	u8 link_num;
	u8 num_rkeys;
	u8 rt_cnt;
	u16 rt_off;
	const struct smcr_llc_rkey_pair *rt;
};

/**
 * struct smcr_llc_delete_link - DELETE_LINK (0x04).
 * @link_num: link to delete; ignored with SMCR_LLC_FLAG_DEL_LINK_ALL (Linux sends 0 then). A
 *	request for an unknown id (0 included) is well-formed: it is answered with reason
 *	SMCR_LLC_DEL_NOLNK.
 * @reason: SMCR_LLC_DEL_* (0 in a positive response).
 */
struct smcr_llc_delete_link {
	u8 link_num;
	u32 reason;
};

/**
 * struct smcr_llc_req_add_link - REQ_ADD_LINK (0x25, v2 only): the client invites the server
 * to add a link and lists its GIDs; the response echoes the type with no GIDs.
 * @gid_cnt: number of GIDs (Linux sends 2; 0 in the response).
 * @gid_off: decode: offset of the first GID. Ignored by the encoder.
 * @gid: encode: @gid_cnt GIDs (may be NULL if 0). Decoders set NULL; use smcr_llc_get_gid().
 */
struct smcr_llc_req_add_link {
	u8 gid_cnt;
	u16 gid_off;
	const u8 (*gid)[SMCR_LLC_GID_LEN];
};

/**
 * struct smcr_llc_confirm_rkey - CONFIRM_RKEY (0x06): a new RMB's rkeys on every link.
 * @num_rkeys: number of rtokens for *other* links (byte 4, the first rtoken's link-id byte).
 *	v1: this message holds at most 2 of them, more would follow in CONFIRM_RKEY_CONT (Linux
 *	never sends more than 2 and answers more than 3 with RKEY_NEG|RKEY_RETRY, which is the
 *	caller's decision: any value decodes). v2: all of them are in this message.
 * @rmb_key: rkey of the RMB on the link this message travels on.
 * @rmb_vaddr: its address.
 * @rt_cnt: decode: rtokens present here: v1 min(@num_rkeys, 2), v2 @num_rkeys. Ignored by the
 *	encoder, which derives it the same way.
 * @rt_off: decode: offset of the first further rtoken. Ignored by the encoder.
 * @rt: encode: the @rt_cnt further rtokens (link ids never 0). Decoders set NULL; use
 *	smcr_llc_get_rtoken().
 */
struct smcr_llc_confirm_rkey {
	u8 num_rkeys;
	u32 rmb_key;
	u64 rmb_vaddr;
	u8 rt_cnt;
	u16 rt_off;
	const struct smcr_llc_rtoken *rt;
};

/**
 * struct smcr_llc_confirm_rkey_cont - CONFIRM_RKEY_CONT (0x08, v1 only; Linux accepts it and
 * ignores its content, and never sends it).
 * @num_rkeys: rtokens still to come, including this message's.
 * @rt_cnt: decode: rtokens present, min(@num_rkeys, 3). Ignored by the encoder.
 * @rt_off: decode: offset of the first rtoken. Ignored by the encoder.
 * @rt: encode: min(@num_rkeys, 3) rtokens (link ids never 0). Decoders set NULL.
 */
struct smcr_llc_confirm_rkey_cont {
	u8 num_rkeys;
	u8 rt_cnt;
	u16 rt_off;
	const struct smcr_llc_rtoken *rt;
};

/**
 * struct smcr_llc_test_link - TEST_LINK (0x07): keepalive, echoed with SMCR_LLC_FLAG_RESP.
 * @user_data: opaque, echoed.
 */
struct smcr_llc_test_link {
	u8 user_data[SMCR_LLC_USER_DATA_LEN];
};

/**
 * struct smcr_llc_delete_rkey - DELETE_RKEY (0x09): RMBs given up by the sender.
 * @num_rkeys: number of rkeys, all present: v1 at most SMCR_LLC_DEL_RKEY_MAX, v2 as many as the
 *	length allows (Linux sends 1, in a 44-byte message in both versions).
 * @err_mask: response: v1 bit (7 - i) set if rkey i was unknown; v2 the number of unknown
 *	rkeys. 0 in requests.
 * @rk_off: decode: offset of the first rkey. Ignored by the encoder.
 * @rkeys: encode: @num_rkeys rkeys (may be NULL if 0). Decoders set NULL; use
 *	smcr_llc_get_rkey().
 */
struct smcr_llc_delete_rkey {
	u8 num_rkeys;
	u8 err_mask;
	u16 rk_off;
	const u32 *rkeys;
};

/**
 * struct smcr_llc_msg - any LLC message, tagged by @hdr.type.
 * @hdr: the header.
 * @confirm_link: SMCR_LLC_CONFIRM_LINK.
 * @add_link: SMCR_LLC_ADD_LINK.
 * @add_link_cont: SMCR_LLC_ADD_LINK_CONT.
 * @delete_link: SMCR_LLC_DELETE_LINK.
 * @req_add_link: SMCR_LLC_REQ_ADD_LINK.
 * @confirm_rkey: SMCR_LLC_CONFIRM_RKEY.
 * @confirm_rkey_cont: SMCR_LLC_CONFIRM_RKEY_CONT.
 * @test_link: SMCR_LLC_TEST_LINK.
 * @delete_rkey: SMCR_LLC_DELETE_RKEY.
 *
 * Small (about 100 bytes): fine on any stack.
 */
struct smcr_llc_msg {
	struct smcr_llc_hdr hdr;
	union {
		struct smcr_llc_confirm_link confirm_link;
		struct smcr_llc_add_link add_link;
		struct smcr_llc_add_link_cont add_link_cont;
		struct smcr_llc_delete_link delete_link;
		struct smcr_llc_req_add_link req_add_link;
		struct smcr_llc_confirm_rkey confirm_rkey;
		struct smcr_llc_confirm_rkey_cont confirm_rkey_cont;
		struct smcr_llc_test_link test_link;
		struct smcr_llc_delete_rkey delete_rkey;
	};
};

SMCR_STATIC_ASSERT(sizeof(struct smcr_llc_msg) <= 128, "LLC msg struct too large");

/**
 * smcr_llc_type_byte_valid() - is @b a byte 0 Linux's receive demultiplexer delivers to LLC?
 * @b: first byte of a received message.
 *
 * v1: 0x01..0x04, 0x06..0x09 (no v1 REQ_ADD_LINK); v2: 0x21, 0x22, 0x24..0x27, 0x29 (no v2
 * continuation messages). 0xFE is CDC; anything else is dropped.
 */
bool smcr_llc_type_byte_valid(u8 b);

/**
 * smcr_llc_parse_hdr() - validate and decode the 4-byte header of a received LLC message.
 * @buf: the received bytes.
 * @len: number of bytes received.
 * @hdr: out: the header (zeroed on error).
 *
 * Checks: @len >= 44; byte 0 is a valid type byte (smcr_llc_type_byte_valid()); v1: length byte
 * == 44; v2: 44 <= length <= 8192 and length <= @len. Bytes beyond the message length are not
 * part of the message (Linux ignores them too).
 *
 * Return: 0 or -EPROTO.
 */
int smcr_llc_parse_hdr(const void *buf, size_t len, struct smcr_llc_hdr *hdr);

/**
 * smcr_llc_decode() - decode and validate any LLC message, dispatching on its type.
 * @buf: the received message, contiguous (with Linux-style two-SGE v2 receive buffers, put the
 *	first 44 bytes in front of the spill-over part, as Linux does itself).
 * @len: number of bytes received.
 * @msg: out: header and the matching union member (all zero on error).
 *
 * Header checks as smcr_llc_parse_hdr(), then per type: every list must fit in the message
 * length; v1 DELETE_RKEY num_rkeys <= 8; v2 ADD_LINK is exactly 44 bytes (no extension) or has
 * the whole 28-byte extension, num_rkeys <= 255; CONFIRM_LINK and ADD_LINK_CONT link ids and
 * the link ids of present rtokens are not 0; ADD_LINK link id 0 only in a v1 request, qp_mtu
 * 1..5 for a non-zero link id. Reserved bytes and bits are ignored. Anything in a v2 message
 * beyond what its type and counts describe is ignored.
 *
 * Return: 0 or -EPROTO.
 */
int smcr_llc_decode(const void *buf, size_t len, struct smcr_llc_msg *msg);

/**
 * smcr_llc_msg_len() - encoded length of an LLC message.
 * @msg: the message to encode.
 *
 * v1: 44. v2: 44, or more for lists that do not fit: ADD_LINK with extension 72 + 16 per pair,
 * REQ_ADD_LINK 28 + 16 per GID, CONFIRM_RKEY 17 + 13 per further rtoken, DELETE_RKEY 8 + 4 per
 * rkey (each at least 44).
 *
 * Return: length in bytes, or -EINVAL (see smcr_llc_encode()).
 */
int smcr_llc_msg_len(const struct smcr_llc_msg *msg);

/**
 * smcr_llc_encode() - encode an LLC message the way Linux builds it.
 * @msg: the message; @msg->hdr.length is ignored.
 * @buf: output buffer.
 * @cap: capacity of @buf (SMCR_LLC_V2_MAX_LEN always suffices).
 *
 * Writes the header (v2 length little-endian), the body, the lists from the caller's arrays and
 * zeros in every reserved byte.
 *
 * Return: encoded length; -EINVAL if the version or type is invalid (v2-only/v1-only types
 * included), a 24-bit or 4-bit field overflows, a rule of smcr_llc_decode() is broken, or a
 * list pointer is NULL while its count is not 0; -ENOSPC if @cap is too small.
 */
int smcr_llc_encode(const struct smcr_llc_msg *msg, void *buf, size_t cap);

/**
 * smcr_llc_get_rkey_pair() - entry @i of the rkey list of a decoded ADD_LINK (v2 extension) or
 * ADD_LINK_CONT.
 * @buf: the buffer @msg was decoded from.
 * @msg: the decoded message.
 * @i: index, below num_rkeys (ADD_LINK) or rt_cnt (ADD_LINK_CONT).
 * @rp: out: the entry.
 *
 * Return: 0, or -EINVAL for another type or an index out of range.
 */
int smcr_llc_get_rkey_pair(const void *buf, const struct smcr_llc_msg *msg, unsigned int i,
			   struct smcr_llc_rkey_pair *rp);

/**
 * smcr_llc_get_rtoken() - further rtoken @i of a decoded CONFIRM_RKEY, or rtoken @i of a
 * CONFIRM_RKEY_CONT.
 * @buf: the buffer @msg was decoded from.
 * @msg: the decoded message.
 * @i: index, below rt_cnt.
 * @rt: out: the rtoken.
 *
 * Return: 0, or -EINVAL for another type or an index out of range.
 */
int smcr_llc_get_rtoken(const void *buf, const struct smcr_llc_msg *msg, unsigned int i,
			struct smcr_llc_rtoken *rt);

/**
 * smcr_llc_get_rkey() - rkey @i of a decoded DELETE_RKEY.
 * @buf: the buffer @msg was decoded from.
 * @msg: the decoded message.
 * @i: index, below num_rkeys.
 * @rkey: out: the rkey.
 *
 * Return: 0, or -EINVAL for another type or an index out of range.
 */
int smcr_llc_get_rkey(const void *buf, const struct smcr_llc_msg *msg, unsigned int i,
		      u32 *rkey);

/**
 * smcr_llc_get_gid() - GID @i of a decoded REQ_ADD_LINK.
 * @buf: the buffer @msg was decoded from.
 * @msg: the decoded message.
 * @i: index, below gid_cnt.
 * @gid: out: SMCR_LLC_GID_LEN bytes.
 *
 * Return: 0, or -EINVAL for another type or an index out of range.
 */
int smcr_llc_get_gid(const void *buf, const struct smcr_llc_msg *msg, unsigned int i, u8 *gid);

/**
 * smcr_llc_type_name() - printable name of an LLC message type.
 * @type: the type (low nibble of byte 0).
 *
 * Return: "CONFIRM_LINK", "ADD_LINK", ..., or "UNKNOWN".
 */
const char *smcr_llc_type_name(u8 type);

#ifdef __cplusplus
}
#endif

#endif /* SMCR_WIRE_LLC_H */
