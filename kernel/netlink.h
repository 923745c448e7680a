/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smcr: the management ABI — generic netlink families SMC_GEN_NETLINK (upstream's, netlink.c),
 * SMC_PNETID (upstream's, pnet.c), SMCR_EXT (ours, nl_ext.c) — and sock_diag (diag.c).
 *
 * The SMC-R core (link groups, links, devices, connections) is not part of these files. It shows
 * itself to the dumps through one table of callbacks, struct smcr_core_hooks, registered with
 * smcr_core_hooks_set(). Without hooks every such dump is empty and succeeds, which is what
 * upstream answers on a host without RDMA devices.
 *
 * A hook fills plain structs (below); netlink.c / diag.c encode them exactly as upstream, so the
 * wire format of the ABI stays in one place.
 */
#ifndef SMCR_NETLINK_H
#define SMCR_NETLINK_H

#include <linux/types.h>
#include <linux/smc.h>
#include <linux/smc_diag.h>
#include <net/genetlink.h>
#include <rdma/ib_verbs.h>

struct net;
struct smcr_sock;

#define SMCR_PNETID_LEN		16	/* SMC_MAX_PNETID_LEN */
#define SMCR_GID_LEN		16
#define SMCR_MAX_PORTS		2	/* ports per RDMA device SMC uses, as upstream */

/* What SMC_NETLINK_GET_SYS_INFO reports about this implementation. */
#define SMCR_SYS_VERSION	2	/* highest SMC version spoken: v2 (SMC-Rv1 and SMC-Rv2) */
#define SMCR_SYS_RELEASE	1	/* SMC release within v2: 1 = v2.1 (max_conns/max_links) */

/* Dump position kept in netlink_callback::ctx, as upstream's (three counters). */
struct smcr_nl_dmp_ctx {
	int pos[3];
};

static inline struct smcr_nl_dmp_ctx *smcr_nl_ctx(struct netlink_callback *cb)
{
	return (struct smcr_nl_dmp_ctx *)cb->ctx;
}

extern struct genl_family smcr_gen_nl_family;

/* ---- link groups, links and devices: what a hook reports ---------------------------------- */

/**
 * struct smcr_nl_lgr - one SMC-R link group (SMC_GEN_LGR_SMCR)
 * @id: link group id (4 bytes, sent as upstream: the bytes read as a host-order u32)
 * @role: 0 client, 1 server
 * @type: upstream's enum smc_lgr_type (NONE, SINGLE, SYMMETRIC, ...)
 * @buf_type: net.smc.smcr_buf_type the link group was created with
 * @vlan_id: VLAN id (upstream sends the low 8 bits)
 * @conns_num: connections in the link group
 * @net_cookie: cookie of the link group's netns
 * @pnetid: PNET id (NUL-terminated, may be empty)
 * @smc_version: 1 or 2; v2 adds the V2_COMMON and V2 nests with the fields below
 * @peer_release: peer's SMC release (v2)
 * @peer_os: peer's OS type (v2)
 * @peer_host: peer's host name, 32 bytes blank padded plus NUL (v2)
 * @neg_eid: negotiated EID, 32 bytes plus NUL (v2)
 * @direct: peer reachable without a gateway (v2)
 * @max_conns: negotiated maximum connections (v2.1; sent on 6.12 builds only)
 * @max_links: negotiated maximum links (v2.1; sent on 6.12 builds only)
 * @sndbuf_alloc: bytes of send buffers allocated (sent on 6.12 builds only)
 * @rmb_alloc: bytes of RMBs allocated (sent on 6.12 builds only)
 */
struct smcr_nl_lgr {
	u8	id[4];
	u8	role;
	u8	type;
	u8	buf_type;
	u8	vlan_id;
	u32	conns_num;
	u64	net_cookie;
	char	pnetid[SMCR_PNETID_LEN + 1];
	u8	smc_version;
	u8	peer_release;
	u8	peer_os;
	char	peer_host[SMC_MAX_HOSTNAME_LEN + 1];
	char	neg_eid[SMC_MAX_EID_LEN + 1];
	bool	direct;
	u8	max_conns;
	u8	max_links;
	u64	sndbuf_alloc;
	u64	rmb_alloc;
};

/**
 * struct smcr_nl_link - one usable link of a link group (SMC_GEN_LINK_SMCR)
 * @link_id: link id within the link group
 * @state: upstream's enum smc_link_state value
 * @conn_cnt: connections on the link
 * @ibport: RDMA port (1-based)
 * @ndev_ifindex: ifindex of the netdev of that port (0 if none)
 * @ibname: RDMA device name
 * @link_uid: local link user id (4 bytes, sent as a host-order u32)
 * @peer_link_uid: peer's link user id
 * @gid: local GID (16 bytes, shown as 8 big-endian 16-bit groups)
 * @peer_gid: peer GID
 */
struct smcr_nl_link {
	u8	link_id;
	u32	state;
	u32	conn_cnt;
	u8	ibport;
	u32	ndev_ifindex;
	char	ibname[IB_DEVICE_NAME_MAX];
	u8	link_uid[4];
	u8	peer_link_uid[4];
	u8	gid[SMCR_GID_LEN];
	u8	peer_gid[SMCR_GID_LEN];
};

/**
 * struct smcr_nl_dev_port - one port of an RDMA device (SMC_NLA_DEV_PORT / PORT2 nest)
 * @valid: the port exists (a missing port is left out of the message)
 * @pnet_by_user: @pnetid comes from the PNET table (not from the hardware)
 * @pnetid: PNET id of the port (may be empty)
 * @ndev_ifindex: ifindex of the port's netdev (0 if none)
 * @active: port state active
 * @lnk_cnt: links using the port
 */
struct smcr_nl_dev_port {
	bool	valid;
	bool	pnet_by_user;
	char	pnetid[SMCR_PNETID_LEN + 1];
	u32	ndev_ifindex;
	bool	active;
	u32	lnk_cnt;
};

/**
 * struct smcr_nl_dev - one RDMA device SMC-R uses (SMC_GEN_DEV_SMCR)
 * @is_crit: the device is the last one of some link group
 * @has_pci: the device has a PCI parent; the pci_* fields are valid
 * @ibname: RDMA device name
 * @port: ports 1 and 2
 */
struct smcr_nl_dev {
	bool	is_crit;
	bool	has_pci;
	u32	pci_fid;
	u16	pci_chid;
	u16	pci_vendor;
	u16	pci_device;
	char	pci_id[SMC_PCI_ID_STR_LEN];
	char	ibname[IB_DEVICE_NAME_MAX];
	struct smcr_nl_dev_port port[SMCR_MAX_PORTS];
};

/*
 * One pass of a link group / device dump. A walk hook calls the matching smcr_nl_put_*() for every
 * object, in a stable order, and stops as soon as a put returns non-zero (the message buffer is
 * full; the dump continues in a later call, where netlink.c skips what was already sent).
 */
struct smcr_nl_walk;

int smcr_nl_put_lgr(struct smcr_nl_walk *w, const struct smcr_nl_lgr *lgr,
		    const struct smcr_nl_link *links, unsigned int n_links);
int smcr_nl_put_dev(struct smcr_nl_walk *w, const struct smcr_nl_dev *dev);

/**
 * struct smcr_core_hooks - how the SMC-R core shows itself to the management ABI
 *
 * Every callback is optional. The walks run in process context with no lock of ours held: they
 * may take the core's mutexes and sleep; smcr_nl_put_*() never sleep, so the core may as well
 * hold a spinlock around them. The diag callbacks run under a read lock and RCU: they must not
 * sleep, nor take lock_sock(). Registered once at init, before the management ABI is
 * registered, and cleared (NULL) at exit after it is gone (main.c orders this).
 *
 * @walk_lgrs: for SMC_NETLINK_GET_LGR_SMCR and GET_LINK_SMCR: call smcr_nl_put_lgr() for every
 *	SMC-R link group with its usable links. @net is the netns of the requester; upstream lists
 *	the link groups of every netns (each one carries its NET_COOKIE), so should we.
 * @walk_devs: for SMC_NETLINK_GET_DEV_SMCR: call smcr_nl_put_dev() for every RDMA device.
 * @diag_conninfo: sock_diag SMC_DIAG_CONNINFO: fill @ci if @smc has an SMC-R connection (its
 *	alert token is non-zero) and return true; called under RCU, @smc is alive.
 * @diag_lgrinfo: sock_diag SMC_DIAG_LGRINFO: fill @li if @smc's connection belongs to a link
 *	group that is still listed, return true.
 */
struct smcr_core_hooks {
	void (*walk_lgrs)(struct net *net, struct smcr_nl_walk *w);
	void (*walk_devs)(struct net *net, struct smcr_nl_walk *w);
	bool (*diag_conninfo)(const struct smcr_sock *smc, struct smc_diag_conninfo *ci);
	bool (*diag_lgrinfo)(const struct smcr_sock *smc, struct smc_diag_lgrinfo *li);
};

void smcr_core_hooks_set(const struct smcr_core_hooks *hooks);
const struct smcr_core_hooks *smcr_core_hooks_get(void);

/* netlink.c: SMC_GEN_NETLINK */
int smcr_netlink_init(void);
void smcr_netlink_exit(void);
int smcr_nl_dump_hs_limitation(struct sk_buff *skb, struct netlink_callback *cb);

/* nl_ext.c: our SMCR_EXT family */
int smcr_nl_ext_init(void);
void smcr_nl_ext_exit(void);

/* diag.c: sock_diag for AF_SMC */
int smcr_diag_init(void);
void smcr_diag_exit(void);

#endif /* SMCR_NETLINK_H */
