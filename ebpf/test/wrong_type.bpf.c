// SPDX-License-Identifier: GPL-2.0
/* Test policy: a sock_addr program of the wrong attach type (bind, not connect). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("cgroup/bind4")
int bind4(struct bpf_sock_addr *ctx)
{
	return 1;
}
