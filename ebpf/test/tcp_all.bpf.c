// SPDX-License-Identifier: GPL-2.0
/* Test policy (VM suite "policy"): a user's own program, plain TCP for every connection. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("cgroup/connect4")
int all_tcp4(struct bpf_sock_addr *ctx)
{
	return 0;
}

SEC("cgroup/connect6")
int all_tcp6(struct bpf_sock_addr *ctx)
{
	return 0;
}
