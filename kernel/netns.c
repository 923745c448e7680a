// SPDX-License-Identifier: GPL-2.0
/*
 * smcr: per network namespace state (struct smcr_net, netns.h): created when a netns appears
 * (or, for the existing ones, when the module loads) and destroyed with it.
 *
 * Order: PNET table (cannot fail), MIB counters + /proc/net/smcr_stat, upstream statistics,
 * net.smc.* sysctls. The netns's network devices are gone before its exit runs (device pernet
 * operations exit first), so no PNET notifier call can race with the table's teardown.
 */
#include <linux/module.h>
#include <net/net_namespace.h>

#include "mib.h"
#include "netns.h"
#include "pnet.h"
#include "policy.h"
#include "stats.h"
#include "sysctl.h"

unsigned int smcr_net_id __read_mostly;

static int __net_init smcr_net_init(struct net *net)
{
	int rc;

	smcr_pnet_net_init(net);
	rc = smcr_mib_net_init(net);
	if (rc)
		return rc;
	rc = smcr_stats_net_init(net);
	if (rc)
		goto out_mib;
	rc = smcr_sysctl_net_init(net);
	if (rc)
		goto out_stats;
	return 0;

out_stats:
	smcr_stats_net_exit(net);
out_mib:
	smcr_mib_net_exit(net);
	return rc;
}

static void __net_exit smcr_net_exit(struct net *net)
{
	smcr_policy_net_exit(net);
	smcr_sysctl_net_exit(net);
	smcr_stats_net_exit(net);
	smcr_mib_net_exit(net);
	smcr_pnet_net_exit(net);
}

static struct pernet_operations smcr_net_ops = {
	.init = smcr_net_init,
	.exit = smcr_net_exit,
	.id   = &smcr_net_id,
	.size = sizeof(struct smcr_net),
};

int smcr_pernet_init(void)
{
	return register_pernet_subsys(&smcr_net_ops);
}

void smcr_pernet_exit(void)
{
	unregister_pernet_subsys(&smcr_net_ops);
}
