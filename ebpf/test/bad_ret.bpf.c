// SPDX-License-Identifier: GPL-2.0
/* Test policy: the verifier must refuse it (return value not bounded to 0/1). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("cgroup/connect4")
int bad_ret4(struct bpf_sock_addr *ctx)
{
	return ctx->user_port;
}
