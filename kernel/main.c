// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: module init and exit.
 *
 * smcr registers the AF_SMC (43) address family, so it cannot be loaded while Debian's stock
 * "smc" module is loaded (and the stock module cannot be loaded while smcr is): the kernel has
 * exactly one owner per address family. The init path says so in dmesg and returns -EEXIST.
 */
#define pr_fmt(fmt) "smcr: " fmt

#include <linux/module.h>
#include <linux/random.h>
#include <linux/tcp.h>
#include <net/tcp.h>
#include <net/genetlink.h>
#include <linux/smc.h>

#include "smcr.h"
#include "main.h"
#include "eid.h"
#include "netlink.h"
#include "netns.h"
#include "pnet.h"
#include "uapi/smcr_ext.h"
#include "ib.h"
#include "core.h"
#include "report.h"
#include "replace.h"
#include "inject.h"

u8 smcr_local_systemid[SMCR_SYSTEMID_LEN];

/*
 * Init order: per-netns state, the RDMA device layer, then AF_SMC (its EEXIST tells that the stock module is loaded),
 * then the management ABI (PNET table family, SMC_GEN_NETLINK, SMCR_EXT, sock_diag). AF_SMC
 * sockets can only be created once everything is in place (smcr_af_ready()), so a failing init
 * never leaves a socket behind. Exit goes the other way. An SMC-R core that registers
 * smcr_core_hooks (netlink.h) must do so before the management ABI is registered and clear them
 * after it is gone.
 */
static int __init smcr_init(void)
{
	int rc;

	get_random_bytes(smcr_local_systemid, 2);

	rc = smcr_clcsock_defaults_init();
	if (rc)
		return rc;
	/*
	 * First, before anything else registers names (sysctls, genl families): this is where a
	 * loaded stock smc module makes us fail cleanly. No socket can be created before
	 * smcr_af_ready().
	 */
	rc = smcr_af_init();
	if (rc)
		return rc;
	smcr_eid_init();
	rc = smcr_pernet_init();
	if (rc)
		goto out_eid;
	rc = smcr_lgr_init();
	if (rc)
		goto out_pernet;
	rc = smcr_ib_init();
	if (rc)
		goto out_lgr;
	rc = smcr_pnet_init();
	if (rc)
		goto out_ib;
	smcr_report_init();	/* hooks before the management ABI registers */
	rc = smcr_netlink_init();
	if (rc)
		goto out_pnet;
	rc = smcr_nl_ext_init();
	if (rc)
		goto out_netlink;
	rc = smcr_diag_init();
	if (rc)
		goto out_ext;

	/* make TCP carry the SMC SYN option for sockets that ask for it (tp->syn_smc) */
	static_branch_enable(&tcp_have_smc);
	smcr_inject_init();	/* test facility; cannot fail */
	smcr_af_ready();
	/* last: TCP sockets may become AF_SMC from now on (net.smc.tcp2smc, IPPROTO_SMC) */
	smcr_replace_init();
	pr_info("AF_SMC registered (SMC-R, wire-compatible with Linux net/smc)\n");
	return 0;

out_ext:
	smcr_nl_ext_exit();
out_netlink:
	smcr_netlink_exit();
out_pnet:
	smcr_report_exit();
	smcr_pnet_exit();
out_ib:
	smcr_ib_exit();
out_lgr:
	smcr_lgr_exit();
out_pernet:
	smcr_pernet_exit();
out_eid:
	smcr_eid_exit();
	smcr_af_exit();
	return rc;
}

static void __exit smcr_exit(void)
{
	smcr_replace_exit();	/* first: no socket() is turned into AF_SMC any more */
	static_branch_disable(&tcp_have_smc);
	smcr_inject_exit();
	smcr_diag_exit();
	smcr_nl_ext_exit();
	smcr_netlink_exit();
	smcr_report_exit();	/* hooks after the management ABI is gone */
	smcr_pnet_exit();
	smcr_af_exit();
	smcr_lgr_exit();	/* lingering link groups end before their devices */
	smcr_ib_exit();
	smcr_pernet_exit();
	smcr_eid_exit();
	pr_info("unloaded\n");
}

module_init(smcr_init);
module_exit(smcr_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("smcr: Shared Memory Communications over RDMA (AF_SMC)");
MODULE_VERSION(SMCR_MODULE_VERSION);
MODULE_ALIAS_NETPROTO(PF_SMC);
/* the management ABI autoloads us as it would the stock smc / smc_diag modules */
MODULE_ALIAS_GENL_FAMILY(SMC_GENL_FAMILY_NAME);
MODULE_ALIAS_GENL_FAMILY(SMCR_GENL_FAMILY_NAME);
MODULE_ALIAS_GENL_FAMILY(SMCR_EXT_FAMILY_NAME);
MODULE_ALIAS_NET_PF_PROTO_TYPE(PF_NETLINK, NETLINK_SOCK_DIAG, 43 /* AF_SMC */);
