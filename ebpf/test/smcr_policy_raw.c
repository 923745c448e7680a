// SPDX-License-Identifier: GPL-2.0
/*
 * smcr_policy_raw: the kernel's own checks of SMCR_EXT_CMD_POLICY_SET, past smcctl (which never
 * sends such programs). Loads tiny programs with bpf(2) and sends their fds over raw generic
 * netlink; every request must fail with EINVAL (EBADF for a closed fd) and the kernel's extended
 * ack message, and the netns's policy must stay as it was. Static, no libbpf, no libnl.
 *
 * Usage: smcr_policy_raw    (prints one "CHECK ok|fail NAME: errno MSG" line per case, then
 *                            "RESULT ok checks=N" or "RESULT fail failed=N"; exit 0 / 1)
 */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../kernel/uapi/smcr_ext.h"

#define BUFSZ 8192

static int g_fail, g_checks;

static int prog_load(enum bpf_prog_type type, enum bpf_attach_type at, int ret)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = ret },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.expected_attach_type = at;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = 2;
	attr.license = (uintptr_t)"GPL";
	return (int)syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
}

struct req {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[256];
};

static void put_attr(struct req *r, uint16_t type, const void *data, uint16_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/* Sends @r; returns the errno of the answer (0: ACK) and copies the extack message to @msg. */
static int transact(int fd, struct req *r, char *msg, size_t msglen, int (*on_msg)(struct nlmsghdr *))
{
	static char buf[BUFSZ];
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	msg[0] = 0;
	if (sendto(fd, r, r->nh.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return errno;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (n < 0)
			return errno;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);
				size_t off = sizeof(*e);
				struct nlattr *a;

				if (!(h->nlmsg_flags & NLM_F_CAPPED))
					off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
				if (h->nlmsg_flags & NLM_F_ACK_TLVS) {
					for (a = (struct nlattr *)((char *)e + NLA_ALIGN(off));
					     (char *)a + NLA_HDRLEN <= (char *)h + h->nlmsg_len &&
					     a->nla_len >= NLA_HDRLEN;
					     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
						if (a->nla_type == NLMSGERR_ATTR_MSG)
							snprintf(msg, msglen, "%s", (char *)a + NLA_HDRLEN);
				}
				return -e->error;
			}
			if (on_msg && on_msg(h))
				return EPROTO;
		}
	}
}

static int g_family;
static int family_cb(struct nlmsghdr *h)
{
	struct genlmsghdr *g = NLMSG_DATA(h);
	struct nlattr *a = (struct nlattr *)((char *)g + GENL_HDRLEN);
	int len = (int)h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

	for (; len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len), a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			g_family = *(uint16_t *)((char *)a + NLA_HDRLEN);
	return 0;
}

static int g_ids;
static int get_cb(struct nlmsghdr *h)
{
	struct genlmsghdr *g = NLMSG_DATA(h);
	struct nlattr *a = (struct nlattr *)((char *)g + GENL_HDRLEN);
	int len = (int)h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

	for (; len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len), a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
		if (a->nla_type == SMCR_EXT_A_POLICY_ID4 || a->nla_type == SMCR_EXT_A_POLICY_ID6)
			g_ids = g_ids * 100000 + (int)*(uint32_t *)((char *)a + NLA_HDRLEN);
	return 0;
}

static void req_init(struct req *r, uint16_t type, uint8_t cmd, uint16_t flags)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->nh.nlmsg_type = type;
	r->nh.nlmsg_flags = NLM_F_REQUEST | flags;
	r->gh.cmd = cmd;
	r->gh.version = 1;
}

/* the policy's program ids, as one number (0: none) */
static int policy_ids(int fd)
{
	struct req r;
	char msg[256];

	req_init(&r, (uint16_t)g_family, SMCR_EXT_CMD_POLICY_GET, NLM_F_DUMP);
	g_ids = 0;
	if (transact(fd, &r, msg, sizeof(msg), get_cb))
		return -1;
	return g_ids;
}

static void expect(int fd, const char *name, uint16_t attr, int pfd, int want_err, const char *want)
{
	struct req r;
	char msg[256];
	int before = policy_ids(fd), err, after;
	int32_t v = pfd;

	req_init(&r, (uint16_t)g_family, SMCR_EXT_CMD_POLICY_SET, NLM_F_ACK);
	if (attr)
		put_attr(&r, attr, &v, sizeof(v));
	err = transact(fd, &r, msg, sizeof(msg), NULL);
	after = policy_ids(fd);
	g_checks++;
	if (err == want_err && strstr(msg, want) && after == before) {
		printf("CHECK ok %s: %s \"%s\"\n", name, strerror(err), msg);
	} else {
		g_fail++;
		printf("CHECK fail %s: %s \"%s\" (want %s \"%s\"), policy %d -> %d\n", name,
		       strerror(err), msg, strerror(want_err), want, before, after);
	}
}

int main(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC), one = 1;
	int filter, bind4, conn6, conn4, pfd[2];
	struct req r;
	char msg[256];

	if (fd < 0 || setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one))) {
		perror("smcr_policy_raw: netlink");
		return 1;
	}
	req_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	put_attr(&r, CTRL_ATTR_FAMILY_NAME, SMCR_EXT_FAMILY_NAME, sizeof(SMCR_EXT_FAMILY_NAME));
	if (transact(fd, &r, msg, sizeof(msg), family_cb) || !g_family) {
		printf("RESULT fail msg=no %s family\n", SMCR_EXT_FAMILY_NAME);
		return 1;
	}
	filter = prog_load(BPF_PROG_TYPE_SOCKET_FILTER, 0, 0);
	bind4 = prog_load(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_BIND, 1);
	conn6 = prog_load(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_CONNECT, 1);
	conn4 = prog_load(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT, 1);
	if (filter < 0 || bind4 < 0 || conn6 < 0 || conn4 < 0 || pipe(pfd)) {
		printf("RESULT fail msg=bpf(BPF_PROG_LOAD): %s\n", strerror(errno));
		return 1;
	}
	expect(fd, "no-fd", 0, -1, EINVAL, "no policy program given");
	expect(fd, "socket-filter", SMCR_EXT_A_POLICY_FD4, filter, EINVAL,
	       "not a BPF program of type cgroup/sock_addr");
	expect(fd, "not-bpf", SMCR_EXT_A_POLICY_FD4, pfd[0], EINVAL,
	       "not a BPF program of type cgroup/sock_addr");
	expect(fd, "closed-fd", SMCR_EXT_A_POLICY_FD4, 999, EBADF, "not an open file descriptor");
	expect(fd, "bind4-as-v4", SMCR_EXT_A_POLICY_FD4, bind4, EINVAL,
	       "IPv4 policy must be loaded as cgroup/connect4");
	expect(fd, "connect6-as-v4", SMCR_EXT_A_POLICY_FD4, conn6, EINVAL,
	       "IPv4 policy must be loaded as cgroup/connect4");
	expect(fd, "connect4-as-v6", SMCR_EXT_A_POLICY_FD6, conn4, EINVAL,
	       "IPv6 policy must be loaded as cgroup/connect6");
	if (g_fail) {
		printf("RESULT fail failed=%d checks=%d\n", g_fail, g_checks);
		return 1;
	}
	printf("RESULT ok checks=%d\n", g_checks);
	return 0;
}
