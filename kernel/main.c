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

#include "smcr.h"
#include "main.h"
#include "ib.h"

u8 smcr_local_systemid[SMCR_SYSTEMID_LEN];

static int __init smcr_init(void)
{
	int rc;

	get_random_bytes(smcr_local_systemid, 2);

	rc = smcr_clcsock_defaults_init();
	if (rc)
		return rc;
	rc = smcr_pernet_init();
	if (rc)
		return rc;
	rc = smcr_ib_init();
	if (rc)
		goto out_pernet;
	rc = smcr_af_init();
	if (rc)
		goto out_ib;

	/* make TCP carry the SMC SYN option for sockets that ask for it (tp->syn_smc) */
	static_branch_enable(&tcp_have_smc);
	pr_info("AF_SMC registered (SMC-R, wire-compatible with Linux net/smc)\n");
	return 0;

out_ib:
	smcr_ib_exit();
out_pernet:
	smcr_pernet_exit();
	return rc;
}

static void __exit smcr_exit(void)
{
	static_branch_disable(&tcp_have_smc);
	smcr_af_exit();
	smcr_ib_exit();
	smcr_pernet_exit();
	pr_info("unloaded\n");
}

module_init(smcr_init);
module_exit(smcr_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("smcr: Shared Memory Communications over RDMA (AF_SMC)");
MODULE_VERSION("0.1.0");
MODULE_ALIAS_NETPROTO(PF_SMC);
