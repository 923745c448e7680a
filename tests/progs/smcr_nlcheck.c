// SPDX-License-Identifier: GPL-2.0
/*
 * smcr_nlcheck - checks the SMC management ABI over raw netlink (no libnl): the generic netlink
 * families SMC_GEN_NETLINK and SMC_PNETID, sock_diag for AF_SMC, and smcr's own SMCR_EXT.
 *
 * It is meant to be run against smcr.ko AND against Debian's stock smc.ko: checks print
 * "PASS name" / "FAIL name: why"; the "abi" suite also prints a transcript ("T ..." lines) of
 * everything the kernel answered (families, operations and their flags, policies, every reply's
 * attribute tree, every error code), in which only what legitimately differs between runs is
 * masked. Two implementations with the same ABI print the same transcript; the VM scenario
 * compares them line by line.
 *
 * Usage: smcr_nlcheck [--as-nobody] COMMAND [ARGS]
 *   abi                     conformance suite (root; leaves UEID/PNET/HS state empty/off)
 *   unpriv                  as nobody: every dump works, every change is EPERM
 *   fback                   print the fallback-reason table and handshake error counters
 *   expect-fback [srv=CODE:N|clnt=CODE:N|total_srv=N|total_clnt=N|hs_clnt=N|hs_srv=N]...
 *   diag                    print every AF_SMC socket of this netns
 *   diag-count N            open N AF_SMC sockets (v4 and v6), each must be listed exactly once
 *                           (a dump of many parts); then N rounds of dumps racing socket churn
 *   ueid dump|flush|add NAME|del NAME
 *   pnet dump|flush|add NAME [eth DEV] [ib DEV [PORT]]|del NAME|get NAME
 *   hs dump|enable|disable  handshake limitation (netns default)
 *   sockopt-hs              print SMC_LIMIT_HS of a new AF_SMC socket
 *   sysinfo | stats         print SYS_INFO / GET_STATS replies
 *   reset | mib | info      SMCR_EXT commands (smcr only)
 * Exit: 0 all checks passed / command worked, 1 usage, 2 setup error, 10 a check failed.
 */
#include "common.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/genetlink.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/smc.h>
#include <linux/smc_diag.h>
#include <linux/sock_diag.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SOL_SMC
#define SOL_SMC 286
#endif
#ifndef SMC_LIMIT_HS
#define SMC_LIMIT_HS 1
#endif
#define NOBODY_ID 65534

/* SMCR_EXT (kernel/uapi/smcr_ext.h; values repeated so this file stays self-contained) */
#define EXT_NAME "SMCR_EXT"
#define EXT_CMD_RESET 1
#define EXT_CMD_GET_MIB 2
#define EXT_CMD_GET_INFO 3
#define EXT_A_MIB 2
#define EXT_A_MIB_ENTRY 3
#define EXT_A_MIB_NAME 4
#define EXT_A_MIB_VALUE 5
#define EXT_A_VERSION 6
#define EXT_A_SOCKS 7

static int g_fail, g_pass;

static void check(bool ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void check(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		g_pass++;
		printf("PASS %s\n", name);
		return;
	}
	g_fail++;
	printf("FAIL %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static const char *rcname(int rc)
{
	static char buf[32];

	if (!rc)
		return "0";
	snprintf(buf, sizeof(buf), "%s", errname(-rc));
	return buf;
}

/* ---- netlink plumbing ------------------------------------------------------------------------ */

struct nl {
	int fd;
	uint32_t seq;
};

static int nl_open(struct nl *nl, int proto)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1;

	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);
	if (nl->fd < 0)
		return -errno;
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(nl->fd);
		return -errno;
	}
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	set_sock_timeouts(nl->fd, 10);
	nl->seq = 1000;
	return 0;
}

static void nl_close(struct nl *nl)
{
	close(nl->fd);
}

struct msg {
	union {
		struct nlmsghdr h;
		char buf[16384];
	};
};

static void msg_init(struct msg *m, uint16_t type, uint16_t flags)
{
	memset(&m->h, 0, sizeof(m->h));
	m->h.nlmsg_len = NLMSG_LENGTH(0);
	m->h.nlmsg_type = type;
	m->h.nlmsg_flags = NLM_F_REQUEST | flags;
}

static void *msg_tail(struct msg *m)
{
	return m->buf + NLMSG_ALIGN(m->h.nlmsg_len);
}

static void msg_data(struct msg *m, const void *data, size_t len)
{
	memcpy(msg_tail(m), data, len);
	m->h.nlmsg_len = NLMSG_ALIGN(m->h.nlmsg_len) + len;
}

static void msg_genl(struct msg *m, uint16_t family, uint8_t cmd, uint8_t version, uint16_t flags)
{
	struct genlmsghdr g = { .cmd = cmd, .version = version };

	msg_init(m, family, flags);
	msg_data(m, &g, sizeof(g));
}

static void msg_attr(struct msg *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = msg_tail(m);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	m->h.nlmsg_len = NLMSG_ALIGN(m->h.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void msg_str(struct msg *m, uint16_t type, const char *s)
{
	msg_attr(m, type, s, strlen(s) + 1);
}

static void msg_u8(struct msg *m, uint16_t type, uint8_t v)
{
	msg_attr(m, type, &v, 1);
}

/* One received message; return non-zero to stop (and report that value). */
typedef int (*nl_cb)(const struct nlmsghdr *h, void *arg);

/*
 * Send @m and collect the answer: every data message goes to @cb; a dump ends with NLMSG_DONE,
 * a request with its ACK/error. Return: 0 or -errno (of the request, or of the transport).
 */
static int nl_xfer(struct nl *nl, struct msg *m, nl_cb cb, void *arg)
{
	static char rbuf[65536];
	bool dump = m->h.nlmsg_flags & NLM_F_DUMP;
	uint32_t seq = ++nl->seq;

	m->h.nlmsg_seq = seq;
	if (!dump)
		m->h.nlmsg_flags |= NLM_F_ACK;
	if (send(nl->fd, m->buf, m->h.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(nl->fd, rbuf, sizeof(rbuf), 0);
		struct nlmsghdr *h;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				return e->error;
			}
			if (h->nlmsg_type == NLMSG_DONE) {
				int err = 0;

				if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
					memcpy(&err, NLMSG_DATA(h), sizeof(int));
				return err;
			}
			if (cb)
				cb(h, arg);
		}
	}
}

/* ---- attribute helpers ----------------------------------------------------------------------- */

#define ATTR_FOREACH(a, data, len)                                                   \
	for (struct nlattr *a = (struct nlattr *)(data); (len) >= (int)NLA_HDRLEN && \
	     a->nla_len >= NLA_HDRLEN && a->nla_len <= (len);                       \
	     (len) -= NLA_ALIGN(a->nla_len), a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))

static void *nla_data_(const struct nlattr *a)
{
	return (char *)a + NLA_HDRLEN;
}

static int nla_len_(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

static int nla_type_(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}

/* Attribute @type among @data/@len (first level), or NULL. */
static struct nlattr *nla_find_(void *data, int len, int type)
{
	ATTR_FOREACH(a, data, len)
		if (nla_type_(a) == type)
			return a;
	return NULL;
}

static uint64_t nla_uint(const struct nlattr *a)
{
	uint64_t v = 0;

	switch (nla_len_(a)) {
	case 1: v = *(uint8_t *)nla_data_(a); break;
	case 2: v = *(uint16_t *)nla_data_(a); break;
	case 4: v = *(uint32_t *)nla_data_(a); break;
	case 8: memcpy(&v, nla_data_(a), 8); break;
	}
	return v;
}

static void *genl_attrs(const struct nlmsghdr *h, int *len)
{
	*len = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	return (char *)NLMSG_DATA(h) + GENL_HDRLEN;
}

/* ---- transcript ------------------------------------------------------------------------------ */

/* Paths ("1.2") whose values are masked in the transcript (they legitimately differ). */
static const char *const *g_mask;

static bool masked(const char *path)
{
	for (const char *const *p = g_mask; p && *p; p++)
		if (!strcmp(*p, path))
			return true;
	return false;
}

static bool printable(const char *s, int len)
{
	if (len < 1 || s[len - 1])
		return false;
	for (int i = 0; i < len - 1; i++)
		if (!isprint((unsigned char)s[i]))
			return false;
	return true;
}

/* One line per attribute: "T <label> <path> <type-of-value>=<value>", nests recursively. */
static void print_attrs(const char *label, const char *prefix, void *data, int len)
{
	ATTR_FOREACH(a, data, len) {
		char path[128];
		int l = nla_len_(a);

		snprintf(path, sizeof(path), "%s%s%d", prefix, *prefix ? "." : "", nla_type_(a));
		if (a->nla_type & NLA_F_NESTED) {
			printf("T %s %s nest\n", label, path);
			print_attrs(label, path, nla_data_(a), l);
			continue;
		}
		if (masked(path)) {
			printf("T %s %s len=%d (masked)\n", label, path, l);
		} else if (printable(nla_data_(a), l) && l > 2) {
			printf("T %s %s str=\"%s\"\n", label, path, (char *)nla_data_(a));
		} else if (l == 1 || l == 2 || l == 4 || l == 8) {
			printf("T %s %s u%d=%llu\n", label, path, l * 8,
			       (unsigned long long)nla_uint(a));
		} else {
			printf("T %s %s len=%d hex=", label, path, l);
			for (int i = 0; i < l && i < 64; i++)
				printf("%02x", ((uint8_t *)nla_data_(a))[i]);
			printf("\n");
		}
	}
}

struct dump_ctx {
	const char *label;
	int msgs;
	bool print;
};

static int print_genl_msg(const struct nlmsghdr *h, void *arg)
{
	struct dump_ctx *d = arg;
	const struct genlmsghdr *g = NLMSG_DATA(h);
	int len;
	void *attrs = genl_attrs(h, &len);

	d->msgs++;
	if (d->print) {
		printf("T %s msg cmd=%u version=%u\n", d->label, g->cmd, g->version);
		print_attrs(d->label, "", attrs, len);
	}
	return 0;
}

/* ---- generic netlink families ------------------------------------------------------------------ */

struct family {
	uint16_t id;
	uint32_t version, hdrsize, maxattr;
	int n_ops;
	uint32_t op_id[64], op_flags[64];
};

static int family_cb(const struct nlmsghdr *h, void *arg)
{
	struct family *f = arg;
	int len;
	void *attrs = genl_attrs(h, &len);

	ATTR_FOREACH(a, attrs, len) {
		switch (nla_type_(a)) {
		case CTRL_ATTR_FAMILY_ID: f->id = nla_uint(a); break;
		case CTRL_ATTR_VERSION: f->version = nla_uint(a); break;
		case CTRL_ATTR_HDRSIZE: f->hdrsize = nla_uint(a); break;
		case CTRL_ATTR_MAXATTR: f->maxattr = nla_uint(a); break;
		case CTRL_ATTR_OPS: {
			int olen = nla_len_(a);

			ATTR_FOREACH(op, nla_data_(a), olen) {
				int l2 = nla_len_(op);
				struct nlattr *id = nla_find_(nla_data_(op), l2, CTRL_ATTR_OP_ID);
				struct nlattr *fl = nla_find_(nla_data_(op), l2, CTRL_ATTR_OP_FLAGS);

				if (f->n_ops < 64 && id) {
					f->op_id[f->n_ops] = nla_uint(id);
					f->op_flags[f->n_ops++] = fl ? nla_uint(fl) : 0;
				}
			}
			break;
		}
		}
	}
	return 0;
}

static int resolve_family(struct nl *nl, const char *name, struct family *f)
{
	struct msg m;

	memset(f, 0, sizeof(*f));
	msg_genl(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	msg_str(&m, CTRL_ATTR_FAMILY_NAME, name);
	return nl_xfer(nl, &m, family_cb, f);
}

static const char *const policy_mask[] = { "1", NULL };	/* CTRL_ATTR_FAMILY_ID */

/* Family, operations with their flags and the policy of every operation, as transcript lines. */
static void print_family(struct nl *nl, const char *name, const struct family *f)
{
	struct dump_ctx d = { .label = "policy", .print = true };
	struct msg m;
	int rc;

	printf("T family %s version=%u hdrsize=%u maxattr=%u ops=%d\n", name, f->version,
	       f->hdrsize, f->maxattr, f->n_ops);
	for (int i = 0; i < f->n_ops; i++)
		printf("T family %s op=%u flags=0x%x\n", name, f->op_id[i], f->op_flags[i]);
	msg_genl(&m, GENL_ID_CTRL, CTRL_CMD_GETPOLICY, 1, NLM_F_DUMP);
	msg_str(&m, CTRL_ATTR_FAMILY_NAME, name);
	g_mask = policy_mask;	/* the family id is assigned at registration */
	rc = nl_xfer(nl, &m, print_genl_msg, &d);
	g_mask = NULL;
	printf("T family %s policy rc=%s msgs=%d\n", name, rcname(rc), d.msgs);
}

/* A SMC_GEN_NETLINK / SMC_PNETID request; prints "T <label> rc=.. msgs=.." (+ the replies). */
static int genl_req(struct nl *nl, const struct family *f, uint8_t cmd, uint16_t flags,
		    const char *label, bool print, void (*add)(struct msg *m, const void *arg),
		    const void *arg, int *msgs)
{
	struct dump_ctx d = { .label = label, .print = print };
	struct msg m;
	int rc;

	msg_genl(&m, f->id, cmd, 1, flags);
	if (add)
		add(&m, arg);
	rc = nl_xfer(nl, &m, print_genl_msg, &d);
	if (label)
		printf("T %s rc=%s msgs=%d\n", label, rcname(rc), d.msgs);
	if (msgs)
		*msgs = d.msgs;
	return rc;
}

/* ---- UEID helpers ------------------------------------------------------------------------------ */

/* The attribute as smc-tools sends it: the name blank padded to 32, plus NUL. */
static void add_ueid_padded(struct msg *m, const void *arg)
{
	char buf[SMC_MAX_EID_LEN + 1];

	memset(buf, ' ', SMC_MAX_EID_LEN);
	memcpy(buf, arg, strnlen(arg, SMC_MAX_EID_LEN));
	buf[SMC_MAX_EID_LEN] = 0;
	msg_attr(m, SMC_NLA_EID_TABLE_ENTRY, buf, sizeof(buf));
}

/* Raw: the string as given (with its NUL). */
static void add_ueid_raw(struct msg *m, const void *arg)
{
	msg_str(m, SMC_NLA_EID_TABLE_ENTRY, arg);
}

static void add_attr2(struct msg *m, const void *arg)
{
	(void)arg;
	msg_u8(m, 2, 1);
}

static void add_attr1(struct msg *m, const void *arg)
{
	(void)arg;
	msg_u8(m, 1, 1);
}

static void add_ueid_and_attr2(struct msg *m, const void *arg)
{
	add_ueid_padded(m, arg);
	msg_u8(m, 2, 1);
}

/* ---- PNET helpers ------------------------------------------------------------------------------ */

struct pnet_req {
	const char *name, *eth, *ib;
	int port; /* -1: no IBPORT attribute */
};

static void add_pnet(struct msg *m, const void *arg)
{
	const struct pnet_req *p = arg;

	if (p->name)
		msg_str(m, SMC_PNETID_NAME, p->name);
	if (p->eth)
		msg_str(m, SMC_PNETID_ETHNAME, p->eth);
	if (p->ib)
		msg_str(m, SMC_PNETID_IBNAME, p->ib);
	if (p->port >= 0)
		msg_u8(m, SMC_PNETID_IBPORT, p->port);
}

static int pnet_req(struct nl *nl, const struct family *f, uint8_t cmd, uint16_t flags,
		    const char *label, bool print, const char *name, const char *eth,
		    const char *ib, int port, int *msgs)
{
	struct pnet_req p = { name, eth, ib, port };

	return genl_req(nl, f, cmd, flags, label, print, add_pnet, &p, msgs);
}

/* ---- sock_diag ---------------------------------------------------------------------------------- */

struct diag_entry {
	struct smc_diag_msg m;
	bool have_shutdown, have_fallback, have_conninfo, have_lgrinfo;
	uint8_t shutdown;
	struct smc_diag_fallback fb;
};

struct diag_list {
	int n;
	struct diag_entry e[256];
};

static int diag_cb(const struct nlmsghdr *h, void *arg)
{
	struct diag_list *l = arg;
	struct diag_entry *e;
	int len;

	if (l->n >= 256 || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct smc_diag_msg)))
		return 0;
	e = &l->e[l->n++];
	memset(e, 0, sizeof(*e));
	memcpy(&e->m, NLMSG_DATA(h), sizeof(e->m));
	len = h->nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(sizeof(struct smc_diag_msg)));
	ATTR_FOREACH(a, (char *)NLMSG_DATA(h) + NLMSG_ALIGN(sizeof(struct smc_diag_msg)), len) {
		switch (nla_type_(a)) {
		case SMC_DIAG_SHUTDOWN:
			e->have_shutdown = true;
			e->shutdown = nla_uint(a);
			break;
		case SMC_DIAG_FALLBACK:
			e->have_fallback = nla_len_(a) == sizeof(e->fb);
			memcpy(&e->fb, nla_data_(a), sizeof(e->fb));
			break;
		case SMC_DIAG_CONNINFO:
			e->have_conninfo = true;
			break;
		case SMC_DIAG_LGRINFO:
			e->have_lgrinfo = true;
			break;
		}
	}
	return 0;
}

static int diag_dump(struct diag_list *l, uint8_t ext)
{
	struct smc_diag_req req = { .diag_family = AF_SMC, .diag_ext = ext };
	struct nl nl;
	struct msg m;
	int rc;

	l->n = 0;
	rc = nl_open(&nl, NETLINK_SOCK_DIAG);
	if (rc)
		return rc;
	msg_init(&m, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP);
	msg_data(&m, &req, sizeof(req));
	rc = nl_xfer(&nl, &m, diag_cb, l);
	nl_close(&nl);
	return rc;
}

static void print_diag_entry(const char *name, const struct diag_entry *e)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	int af = e->m.id.idiag_src[1] || e->m.id.idiag_src[2] || e->m.id.idiag_src[3] ||
			 e->m.id.idiag_dst[1] ? AF_INET6 : AF_INET;

	inet_ntop(af, e->m.id.idiag_src, src, sizeof(src));
	inet_ntop(af, e->m.id.idiag_dst, dst, sizeof(dst));
	printf("sock %s family=%u state=%u mode=%u shutdown=%u src=%s sport=%u dst=%s dport=%u "
	       "if=%u uid=%u inode=%llu rsn=0x%08x peer=0x%08x%s%s\n", name, e->m.diag_family,
	       e->m.diag_state, e->m.diag_mode, e->have_shutdown ? e->shutdown : 255, src,
	       ntohs(e->m.id.idiag_sport), dst, ntohs(e->m.id.idiag_dport), e->m.id.idiag_if,
	       e->m.diag_uid, (unsigned long long)e->m.diag_inode, e->fb.reason,
	       e->fb.peer_diagnosis, e->have_conninfo ? " conninfo" : "",
	       e->have_lgrinfo ? " lgrinfo" : "");
}

/* ---- stats ----------------------------------------------------------------------------------- */

struct fback {
	int n_srv, n_clnt;
	uint32_t srv_code[64], clnt_code[64];
	uint32_t srv_cnt[64], clnt_cnt[64];
	uint64_t total_srv, total_clnt;
	int totals_seen;
	uint64_t hs_clnt, hs_srv;
};

static int fback_cb(const struct nlmsghdr *h, void *arg)
{
	struct fback *fb = arg;
	struct nlattr *nest, *t, *a;
	int len;
	void *attrs = genl_attrs(h, &len);

	nest = nla_find_(attrs, len, SMC_GEN_FBACK_STATS);
	if (!nest)
		return 0;
	len = nla_len_(nest);
	t = nla_find_(nla_data_(nest), len, SMC_NLA_FBACK_STATS_TYPE);
	if ((a = nla_find_(nla_data_(nest), len, SMC_NLA_FBACK_STATS_SRV_CNT))) {
		fb->total_srv = nla_uint(a);
		fb->totals_seen++;
	}
	if ((a = nla_find_(nla_data_(nest), len, SMC_NLA_FBACK_STATS_CLNT_CNT)))
		fb->total_clnt = nla_uint(a);
	a = nla_find_(nla_data_(nest), len, SMC_NLA_FBACK_STATS_RSN_CODE);
	if (!t || !a)
		return 0;
	if (nla_uint(t)) {
		fb->srv_code[fb->n_srv] = nla_uint(a);
		a = nla_find_(nla_data_(nest), len, SMC_NLA_FBACK_STATS_RSN_CNT);
		fb->srv_cnt[fb->n_srv++] = a ? nla_uint(a) : 0;
	} else {
		fb->clnt_code[fb->n_clnt] = nla_uint(a);
		a = nla_find_(nla_data_(nest), len, SMC_NLA_FBACK_STATS_RSN_CNT);
		fb->clnt_cnt[fb->n_clnt++] = a ? nla_uint(a) : 0;
	}
	return 0;
}

static int stats_cb(const struct nlmsghdr *h, void *arg)
{
	struct fback *fb = arg;
	struct nlattr *nest, *a;
	int len;
	void *attrs = genl_attrs(h, &len);

	nest = nla_find_(attrs, len, SMC_GEN_STATS);
	if (!nest)
		return 0;
	len = nla_len_(nest);
	if ((a = nla_find_(nla_data_(nest), len, SMC_NLA_STATS_CLNT_HS_ERR_CNT)))
		fb->hs_clnt = nla_uint(a);
	if ((a = nla_find_(nla_data_(nest), len, SMC_NLA_STATS_SRV_HS_ERR_CNT)))
		fb->hs_srv = nla_uint(a);
	return 0;
}

static int read_fback(struct nl *nl, const struct family *f, struct fback *fb)
{
	struct msg m;
	int rc;

	memset(fb, 0, sizeof(*fb));
	msg_genl(&m, f->id, SMC_NETLINK_GET_FBACK_STATS, 1, NLM_F_DUMP);
	rc = nl_xfer(nl, &m, fback_cb, fb);
	if (rc)
		return rc;
	msg_genl(&m, f->id, SMC_NETLINK_GET_STATS, 1, NLM_F_DUMP);
	return nl_xfer(nl, &m, stats_cb, fb);
}

/* ---- the sockets the abi suite looks at with sock_diag ---------------------------------------- */

struct tsock {
	const char *name;
	int fd;
	ino_t ino;
	struct sockaddr_storage local, peer;
	bool has_peer;
};

static int tsock_fill(struct tsock *t, const char *name, int fd)
{
	struct stat st;
	socklen_t l = sizeof(t->local);

	t->name = name;
	t->fd = fd;
	if (fd < 0 || fstat(fd, &st))
		return -1;
	t->ino = st.st_ino;
	memset(&t->local, 0, sizeof(t->local));
	memset(&t->peer, 0, sizeof(t->peer));
	getsockname(fd, (struct sockaddr *)&t->local, &l);
	l = sizeof(t->peer);
	t->has_peer = !getpeername(fd, (struct sockaddr *)&t->peer, &l);
	return 0;
}

static int listen_on(int domain, int proto, const char *addr, int af)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = socket(domain, SOCK_STREAM | SOCK_CLOEXEC, proto);

	if (fd < 0)
		return -1;
	make_sockaddr(af, addr, 0, &ss, &len);
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 8)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int connect_to(int domain, int proto, int lfd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd = socket(domain, SOCK_STREAM | SOCK_CLOEXEC, proto);

	if (fd < 0)
		return -1;
	getsockname(lfd, (struct sockaddr *)&ss, &len);
	if (connect_timeout(fd, (struct sockaddr *)&ss, len, 10)) {
		close(fd);
		return -1;
	}
	return fd;
}

static uint16_t ss_port(const struct sockaddr_storage *ss)
{
	return sockaddr_port(ss);
}

/* Does the diag entry carry this socket's identity (ports, addresses, uid, inode)? */
static bool diag_matches(const struct diag_entry *e, const struct tsock *t)
{
	const void *src, *dst;
	size_t alen;

	if (ntohs(e->m.id.idiag_sport) != ss_port(&t->local))
		return false;
	if (ntohs(e->m.id.idiag_dport) != (t->has_peer ? ss_port(&t->peer) : 0))
		return false;
	if (e->m.diag_uid != getuid())
		return false;
	if (t->local.ss_family == AF_INET) {
		src = &((struct sockaddr_in *)&t->local)->sin_addr;
		dst = &((struct sockaddr_in *)&t->peer)->sin_addr;
		alen = 4;
	} else {
		src = &((struct sockaddr_in6 *)&t->local)->sin6_addr;
		dst = &((struct sockaddr_in6 *)&t->peer)->sin6_addr;
		alen = 16;
	}
	if (memcmp(e->m.id.idiag_src, src, alen))
		return false;
	if (t->has_peer && memcmp(e->m.id.idiag_dst, dst, alen))
		return false;
	return true;
}

/*
 * Open AF_SMC sockets in known states (listeners v4/v6, a client and its accepted peer that fell
 * back after declining, a client of a plain TCP server, an unbound v6 socket), dump them with
 * sock_diag and check every field; the transcript lists them in the order the kernel sent them.
 */
static void suite_diag(void)
{
	struct tsock t[8];
	int n = 0, tl4, tcp_acc = -1, rc;
	struct diag_list *l = calloc(1, sizeof(*l));
	bool seen[8] = { false };

	memset(t, 0, sizeof(t));
	tsock_fill(&t[n++], "listen4", listen_on(AF_SMC, SMCPROTO_SMC, "127.0.0.1", AF_INET));
	tsock_fill(&t[n++], "client4", connect_to(AF_SMC, SMCPROTO_SMC, t[0].fd));
	tsock_fill(&t[n++], "accept4", accept4(t[0].fd, NULL, NULL, SOCK_CLOEXEC));
	tl4 = listen_on(AF_INET, 0, "127.0.0.1", AF_INET);
	tsock_fill(&t[n++], "client4_tcpsrv", connect_to(AF_SMC, SMCPROTO_SMC, tl4));
	tcp_acc = accept4(tl4, NULL, NULL, SOCK_CLOEXEC);
	tsock_fill(&t[n++], "listen6", listen_on(AF_SMC, SMCPROTO_SMC6, "::1", AF_INET6));
	tsock_fill(&t[n++], "unbound6", socket(AF_SMC, SOCK_STREAM | SOCK_CLOEXEC, SMCPROTO_SMC6));
	for (int i = 0; i < n; i++)
		check(t[i].fd >= 0, "diag.setup", "%s: %s", t[i].name, strerror(errno));

	rc = diag_dump(l, 0xff);
	check(!rc, "diag.dump", "sock_diag dump: %s", rcname(rc));
	printf("T diag rc=%s\n", rcname(rc));
	for (int i = 0; i < l->n; i++) {
		struct diag_entry *e = &l->e[i];
		int k;

		for (k = 0; k < n; k++)
			if (t[k].ino == e->m.diag_inode)
				break;
		if (k == n) {
			printf("T diag other state=%u mode=%u\n", e->m.diag_state, e->m.diag_mode);
			continue;
		}
		seen[k] = true;
		printf("T diag %s family=%u state=%u mode=%u shutdown=%s fallback=%s rsn=0x%08x "
		       "peer=0x%08x if=%u conninfo=%d lgrinfo=%d\n", t[k].name, e->m.diag_family,
		       e->m.diag_state, e->m.diag_mode, e->have_shutdown ? "yes" : "no",
		       e->have_fallback ? "yes" : "no", e->fb.reason, e->fb.peer_diagnosis,
		       e->m.id.idiag_if, e->have_conninfo, e->have_lgrinfo);
		check(diag_matches(e, &t[k]), "diag.identity", "%s: ports/addresses/uid differ",
		      t[k].name);
		check(e->m.diag_family == AF_SMC, "diag.family", "%s: %u", t[k].name,
		      e->m.diag_family);
		check(e->have_shutdown && e->have_fallback, "diag.attrs",
		      "%s: SHUTDOWN and FALLBACK must always be there", t[k].name);
	}
	for (int k = 0; k < n; k++)
		check(seen[k], "diag.listed", "%s (inode %lu) not in the dump", t[k].name,
		      (unsigned long)t[k].ino);
	/* the expected states/modes/reasons, upstream's values */
	for (int i = 0; i < l->n; i++) {
		struct diag_entry *e = &l->e[i];
		static const struct {
			const char *name;
			uint8_t state, mode;
			uint32_t rsn, peer;
		} want[] = {
			{ "listen4", 10, 0, 0, 0 },
			{ "client4", 1, 1, 0x03030000, 0 },
			{ "accept4", 1, 1, 0x05000000, 0x03030000 },
			{ "client4_tcpsrv", 1, 1, 0x03010000, 0 },
			{ "listen6", 10, 0, 0, 0 },
			{ "unbound6", 2, 0, 0, 0 },
		};

		for (int k = 0; k < n; k++) {
			if (t[k].ino != e->m.diag_inode)
				continue;
			for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
				if (strcmp(want[w].name, t[k].name))
					continue;
				check(e->m.diag_state == want[w].state && e->m.diag_mode == want[w].mode &&
				      e->fb.reason == want[w].rsn && e->fb.peer_diagnosis == want[w].peer,
				      "diag.values", "%s: state %u mode %u rsn 0x%x peer 0x%x, want %u %u "
				      "0x%x 0x%x", t[k].name, e->m.diag_state, e->m.diag_mode,
				      e->fb.reason, e->fb.peer_diagnosis, want[w].state, want[w].mode,
				      want[w].rsn, want[w].peer);
			}
		}
	}
	/* closed sockets leave the list */
	for (int k = 0; k < n; k++)
		if (t[k].fd >= 0)
			close(t[k].fd);
	close(tl4);
	if (tcp_acc >= 0)
		close(tcp_acc);
	rc = diag_dump(l, 0);
	for (int i = 0; i < l->n; i++)
		for (int k = 0; k < n; k++)
			check(t[k].ino != l->e[i].m.diag_inode, "diag.closed", "%s still listed",
			      t[k].name);
	free(l);
}

/* ---- the conformance suite ---------------------------------------------------------------------- */

static const char *const sysinfo_mask[] = { "1.2", NULL };	/* SMC_NLA_SYS_REL */

static void suite_gen(struct nl *nl, const struct family *f)
{
	static const struct {
		uint8_t cmd;
		const char *name;
	} dumps[] = {
		{ SMC_NETLINK_GET_SYS_INFO, "sys_info" },
		{ SMC_NETLINK_GET_LGR_SMCR, "lgr_smcr" },
		{ SMC_NETLINK_GET_LINK_SMCR, "link_smcr" },
		{ SMC_NETLINK_GET_LGR_SMCD, "lgr_smcd" },
		{ SMC_NETLINK_GET_DEV_SMCD, "dev_smcd" },
		{ SMC_NETLINK_GET_DEV_SMCR, "dev_smcr" },
		{ SMC_NETLINK_GET_STATS, "stats" },
		{ SMC_NETLINK_GET_FBACK_STATS, "fback_stats" },
		{ SMC_NETLINK_DUMP_UEID, "dump_ueid" },
		{ SMC_NETLINK_DUMP_SEID, "dump_seid" },
		{ SMC_NETLINK_DUMP_HS_LIMITATION, "dump_hs" },
	};
	char label[64];
	int rc, msgs;

	/* every dump works and its replies are printed */
	for (size_t i = 0; i < sizeof(dumps) / sizeof(dumps[0]); i++) {
		snprintf(label, sizeof(label), "gen.%s", dumps[i].name);
		g_mask = dumps[i].cmd == SMC_NETLINK_GET_SYS_INFO ? sysinfo_mask : NULL;
		rc = genl_req(nl, f, dumps[i].cmd, NLM_F_DUMP, label, true, NULL, NULL, &msgs);
		g_mask = NULL;
		check(!rc, label, "dump: %s", rcname(rc));
	}
	/* a dump-only command asked as "do", an unknown command, attributes where none belong */
	genl_req(nl, f, SMC_NETLINK_GET_SYS_INFO, 0, "gen.sys_info_do", false, NULL, NULL, NULL);
	genl_req(nl, f, SMC_NETLINK_DISABLE_HS_LIMITATION + 1, NLM_F_DUMP, "gen.cmd19_dump", false,
		 NULL, NULL, NULL);
	genl_req(nl, f, SMC_NETLINK_DISABLE_HS_LIMITATION + 1, 0, "gen.cmd19_do", false, NULL,
		 NULL, NULL);
	genl_req(nl, f, SMC_NETLINK_GET_STATS, NLM_F_DUMP, "gen.stats_attr1", false, add_attr1,
		 NULL, NULL);
	genl_req(nl, f, SMC_NETLINK_GET_STATS, NLM_F_DUMP, "gen.stats_attr2", false, add_attr2,
		 NULL, NULL);
	genl_req(nl, f, SMC_NETLINK_FLUSH_UEID, 0, "gen.flush_attr1", false, add_attr1, NULL, NULL);

	/* SYS_INFO contents */
	{
		struct utsname u;
		char host[SMC_MAX_HOSTNAME_LEN + 1];

		uname(&u);
		memset(host, ' ', SMC_MAX_HOSTNAME_LEN);
		memcpy(host, u.nodename, strnlen(u.nodename, SMC_MAX_HOSTNAME_LEN));
		host[SMC_MAX_HOSTNAME_LEN] = 0;
		printf("T sysinfo expect host=\"%s\"\n", host);
	}

	/* UEID: smc-tools' encoding (32 blank-padded chars + NUL) and every error upstream has */
	genl_req(nl, f, SMC_NETLINK_FLUSH_UEID, 0, "ueid.flush", false, NULL, NULL, NULL);
	rc = genl_req(nl, f, SMC_NETLINK_ADD_UEID, 0, "ueid.add_good", false, add_ueid_padded,
		      "SMCR-TEST.1", NULL);
	check(!rc, "ueid.add", "%s", rcname(rc));
	rc = genl_req(nl, f, SMC_NETLINK_ADD_UEID, 0, "ueid.add_dup", false, add_ueid_padded,
		      "SMCR-TEST.1", NULL);
	check(rc == -EEXIST, "ueid.add_dup", "%s, want EEXIST", rcname(rc));
	genl_req(nl, f, SMC_NETLINK_ADD_UEID, 0, "ueid.add_lower", false, add_ueid_padded,
		 "smcr", NULL);
	genl_req(nl, f, SMC_NETLINK_ADD_UEID, 0, "ueid.add_first_dot", false, add_ueid_padded,
		 ".ABC", NULL);
	genl_req(nl, f, SMC_NETLINK_ADD_UEID, 0, "ueid.add_underscore", false, add_ueid_padded,
		 "A_B", NULL);
	genl_req(nl, f, SMC_NETLINK_ADD_UEID, 0, "ueid.add_inner_blank", false, add_ueid_padded,
		 "A B", NULL);
	genl_req(nl, f, SMC_NETLINK_ADD_UEID, 0, "ueid.add_blank", false, add_ueid_padded, "",
		 NULL);
	rc = genl_req(nl, f, SMC_NETLINK_ADD_UEID, 0, "ueid.add_unpadded", false, add_ueid_raw,
		      "SHORT", NULL);
	check(rc == -EINVAL, "ueid.add_unpadded", "%s, want EINVAL", rcname(rc));
	genl_req(nl, f, SMC_NETLINK_ADD_UEID, 0, "ueid.add_33", false, add_ueid_raw,
		 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", NULL);
	genl_req(nl, f, SMC_NETLINK_ADD_UEID, 0, "ueid.add_32_exact", false, add_ueid_raw,
		 "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", NULL);
	genl_req(nl, f, SMC_NETLINK_ADD_UEID, 0, "ueid.add_noattr", false, NULL, NULL, NULL);
	genl_req(nl, f, SMC_NETLINK_ADD_UEID, 0, "ueid.add_extra_attr", false, add_ueid_and_attr2,
		 "EXTRA", NULL);
	genl_req(nl, f, SMC_NETLINK_ADD_UEID, 0, "ueid.add_2", false, add_ueid_padded, "UEID2",
		 NULL);
	genl_req(nl, f, SMC_NETLINK_ADD_UEID, 0, "ueid.add_3", false, add_ueid_padded, "3", NULL);
	rc = genl_req(nl, f, SMC_NETLINK_ADD_UEID, 0, "ueid.add_5th", false, add_ueid_padded,
		      "FIFTH", NULL);
	check(rc == -ERANGE, "ueid.max4", "5th UEID: %s, want ERANGE", rcname(rc));
	genl_req(nl, f, SMC_NETLINK_DUMP_UEID, NLM_F_DUMP, "ueid.dump4", true, NULL, NULL, &msgs);
	check(msgs == 4, "ueid.dump", "%d entries, want 4", msgs);
	rc = genl_req(nl, f, SMC_NETLINK_REMOVE_UEID, 0, "ueid.remove_missing", false,
		      add_ueid_padded, "NOTTHERE", NULL);
	check(rc == -ENOENT, "ueid.remove_missing", "%s, want ENOENT", rcname(rc));
	genl_req(nl, f, SMC_NETLINK_REMOVE_UEID, 0, "ueid.remove_unpadded", false, add_ueid_raw,
		 "UEID2", NULL);
	genl_req(nl, f, SMC_NETLINK_REMOVE_UEID, 0, "ueid.remove_noattr", false, NULL, NULL, NULL);
	rc = genl_req(nl, f, SMC_NETLINK_REMOVE_UEID, 0, "ueid.remove", false, add_ueid_padded,
		      "UEID2", NULL);
	check(!rc, "ueid.remove", "%s", rcname(rc));
	genl_req(nl, f, SMC_NETLINK_DUMP_UEID, NLM_F_DUMP, "ueid.dump3", true, NULL, NULL, NULL);
	rc = genl_req(nl, f, SMC_NETLINK_FLUSH_UEID, 0, "ueid.flush2", false, NULL, NULL, NULL);
	check(!rc, "ueid.flush", "%s", rcname(rc));
	genl_req(nl, f, SMC_NETLINK_DUMP_UEID, NLM_F_DUMP, "ueid.dump0", true, NULL, NULL, &msgs);
	check(msgs == 0, "ueid.flushed", "%d entries left", msgs);
	genl_req(nl, f, SMC_NETLINK_FLUSH_UEID, 0, "ueid.flush_empty", false, NULL, NULL, NULL);

	/* SEID: nothing off s390 */
	rc = genl_req(nl, f, SMC_NETLINK_ENABLE_SEID, 0, "seid.enable", false, NULL, NULL, NULL);
	check(rc == -EOPNOTSUPP, "seid.enable", "%s, want EOPNOTSUPP", rcname(rc));
	rc = genl_req(nl, f, SMC_NETLINK_DISABLE_SEID, 0, "seid.disable", false, NULL, NULL, NULL);
	check(rc == -EOPNOTSUPP, "seid.disable", "%s, want EOPNOTSUPP", rcname(rc));

	/* handshake limitation: netns default, inherited by new sockets, per-socket option */
	{
		int fd, v, plen;
		socklen_t len;

		genl_req(nl, f, SMC_NETLINK_ENABLE_HS_LIMITATION, 0, "hs.enable", false, NULL, NULL,
			 NULL);
		genl_req(nl, f, SMC_NETLINK_DUMP_HS_LIMITATION, NLM_F_DUMP, "hs.dump_on", true, NULL,
			 NULL, NULL);
		fd = socket(AF_SMC, SOCK_STREAM | SOCK_CLOEXEC, SMCPROTO_SMC);
		v = -1;
		len = sizeof(v);
		rc = getsockopt(fd, SOL_SMC, SMC_LIMIT_HS, &v, &len) ? -errno : 0;
		printf("T hs.sockopt_on rc=%s val=%d len=%u\n", rcname(rc), v, len);
		check(!rc && v == 1, "hs.inherit", "new socket: rc %s val %d, want 1", rcname(rc), v);
		genl_req(nl, f, SMC_NETLINK_DISABLE_HS_LIMITATION, 0, "hs.disable", false, NULL,
			 NULL, NULL);
		genl_req(nl, f, SMC_NETLINK_DUMP_HS_LIMITATION, NLM_F_DUMP, "hs.dump_off", true,
			 NULL, NULL, NULL);
		/* the socket keeps what it got */
		len = sizeof(v);
		rc = getsockopt(fd, SOL_SMC, SMC_LIMIT_HS, &v, &len) ? -errno : 0;
		printf("T hs.sockopt_kept rc=%s val=%d\n", rcname(rc), v);
		v = 0;
		rc = setsockopt(fd, SOL_SMC, SMC_LIMIT_HS, &v, sizeof(v)) ? -errno : 0;
		len = sizeof(v);
		v = -1;
		getsockopt(fd, SOL_SMC, SMC_LIMIT_HS, &v, &len);
		printf("T hs.sockopt_set0 rc=%s val=%d\n", rcname(rc), v);
		v = 7;
		rc = setsockopt(fd, SOL_SMC, SMC_LIMIT_HS, &v, sizeof(v)) ? -errno : 0;
		len = sizeof(v);
		v = -1;
		getsockopt(fd, SOL_SMC, SMC_LIMIT_HS, &v, &len);
		printf("T hs.sockopt_set7 rc=%s val=%d\n", rcname(rc), v);
		check(v == 1, "hs.sockopt", "set 7, read %d, want 1", v);
		plen = 2;
		rc = setsockopt(fd, SOL_SMC, SMC_LIMIT_HS, &v, plen) ? -errno : 0;
		printf("T hs.sockopt_short rc=%s\n", rcname(rc));
		rc = setsockopt(fd, SOL_SMC, 2, &v, sizeof(v)) ? -errno : 0;
		printf("T hs.sockopt_unknown_set rc=%s\n", rcname(rc));
		len = sizeof(v);
		rc = getsockopt(fd, SOL_SMC, 2, &v, &len) ? -errno : 0;
		printf("T hs.sockopt_unknown_get rc=%s\n", rcname(rc));
		{
			uint8_t b = 0xee;

			len = 1;
			rc = getsockopt(fd, SOL_SMC, SMC_LIMIT_HS, &b, &len) ? -errno : 0;
			printf("T hs.sockopt_get1 rc=%s len=%u val=%u\n", rcname(rc), len, b);
		}
		close(fd);
		fd = socket(AF_SMC, SOCK_STREAM | SOCK_CLOEXEC, SMCPROTO_SMC6);
		len = sizeof(v);
		v = -1;
		rc = getsockopt(fd, SOL_SMC, SMC_LIMIT_HS, &v, &len) ? -errno : 0;
		printf("T hs.sockopt_off rc=%s val=%d\n", rcname(rc), v);
		check(!rc && v == 0, "hs.default_off", "rc %s val %d", rcname(rc), v);
		close(fd);
	}
}

static void suite_pnet(struct nl *nl, const struct family *f, const char *dev)
{
	int rc, msgs;

	pnet_req(nl, f, SMC_PNETID_FLUSH, 0, "pnet.flush", false, NULL, NULL, NULL, -1, NULL);
	rc = pnet_req(nl, f, SMC_PNETID_ADD, 0, "pnet.add_eth", false, "net1", dev, NULL, -1,
		      NULL);
	check(!rc, "pnet.add_eth", "%s", rcname(rc));
	rc = pnet_req(nl, f, SMC_PNETID_ADD, 0, "pnet.add_eth_dup", false, "OTHER", dev, NULL, -1,
		      NULL);
	check(rc == -EEXIST, "pnet.add_eth_dup", "%s, want EEXIST", rcname(rc));
	pnet_req(nl, f, SMC_PNETID_ADD, 0, "pnet.add_eth_absent", false, " net2 ", "nosuchdev9",
		 NULL, -1, NULL);
	rc = pnet_req(nl, f, SMC_PNETID_ADD, 0, "pnet.add_noname", false, NULL, "nosuch8", NULL,
		      -1, NULL);
	check(rc == -EINVAL, "pnet.add_noname", "%s, want EINVAL", rcname(rc));
	rc = pnet_req(nl, f, SMC_PNETID_ADD, 0, "pnet.add_badname", false, "AB-C", "nosuch7",
		      NULL, -1, NULL);
	check(rc == -EINVAL, "pnet.add_badname", "%s, want EINVAL", rcname(rc));
	pnet_req(nl, f, SMC_PNETID_ADD, 0, "pnet.add_17", false, "ABCDEFGHIJKLMNOPQ", "nosuch6",
		 NULL, -1, NULL);
	pnet_req(nl, f, SMC_PNETID_ADD, 0, "pnet.add_16", false, "ABCDEFGHIJKLMNOP", "nosuch5",
		 NULL, -1, NULL);
	pnet_req(nl, f, SMC_PNETID_ADD, 0, "pnet.add_blankname", false, "   ", "nosuch4", NULL,
		 -1, NULL);
	pnet_req(nl, f, SMC_PNETID_ADD, 0, "pnet.add_nameonly", false, "LONELY", NULL, NULL, -1,
		 NULL);
	pnet_req(nl, f, SMC_PNETID_ADD, 0, "pnet.add_ethname_long", false, "LONG",
		 "abcdefghijklmnop", NULL, -1, NULL);
	rc = pnet_req(nl, f, SMC_PNETID_ADD, 0, "pnet.add_ib", false, "NETIB", NULL, "smcrtest0",
		      1, NULL);
	check(!rc, "pnet.add_ib", "%s", rcname(rc));
	pnet_req(nl, f, SMC_PNETID_ADD, 0, "pnet.add_ib_dup_port2", false, "NETIB2", NULL,
		 "smcrtest0", 2, NULL);
	pnet_req(nl, f, SMC_PNETID_ADD, 0, "pnet.add_ib_defport", false, "NETIB3", NULL,
		 " smcrtest1 ", -1, NULL);
	rc = pnet_req(nl, f, SMC_PNETID_ADD, 0, "pnet.add_ib_port0", false, "NETIB4", NULL,
		      "smcrtest2", 0, NULL);
	check(rc == -EINVAL, "pnet.add_ib_port0", "%s, want EINVAL", rcname(rc));
	rc = pnet_req(nl, f, SMC_PNETID_ADD, 0, "pnet.add_ib_port3", false, "NETIB4", NULL,
		      "smcrtest2", 3, NULL);
	check(rc == -EINVAL, "pnet.add_ib_port3", "%s, want EINVAL", rcname(rc));
	pnet_req(nl, f, SMC_PNETID_ADD, 0, "pnet.add_eth_then_badport", false, "NETX",
		 "nosuch3", "smcrtest3", 9, NULL);
	pnet_req(nl, f, SMC_PNETID_GET, NLM_F_DUMP, "pnet.dump", true, NULL, NULL, NULL, -1,
		 &msgs);
	check(msgs >= 3, "pnet.dump", "%d entries", msgs);
	pnet_req(nl, f, SMC_PNETID_GET, 0, "pnet.get_net1", true, "NET1", NULL, NULL, -1, NULL);
	pnet_req(nl, f, SMC_PNETID_GET, 0, "pnet.get_lower", true, "net1", NULL, NULL, -1, NULL);
	pnet_req(nl, f, SMC_PNETID_GET, 0, "pnet.get_noname", false, NULL, NULL, NULL, -1, NULL);
	pnet_req(nl, f, SMC_PNETID_GET, NLM_F_DUMP, "pnet.dump_with_name", false, "NET1", NULL,
		 NULL, -1, &msgs);
	rc = pnet_req(nl, f, SMC_PNETID_DEL, 0, "pnet.del_lower", false, "net1", NULL, NULL, -1,
		      NULL);
	check(rc == -ENOENT, "pnet.del_as_given", "%s, want ENOENT", rcname(rc));
	rc = pnet_req(nl, f, SMC_PNETID_DEL, 0, "pnet.del", false, "NET1", NULL, NULL, -1, NULL);
	check(!rc, "pnet.del", "%s", rcname(rc));
	pnet_req(nl, f, SMC_PNETID_DEL, 0, "pnet.del_again", false, "NET1", NULL, NULL, -1, NULL);
	pnet_req(nl, f, SMC_PNETID_DEL, 0, "pnet.del_noname", false, NULL, NULL, NULL, -1, NULL);
	pnet_req(nl, f, SMC_PNETID_DEL, 0, "pnet.del_ib", false, "NETIB", NULL, NULL, -1, NULL);
	pnet_req(nl, f, SMC_PNETID_GET, NLM_F_DUMP, "pnet.dump2", true, NULL, NULL, NULL, -1,
		 NULL);
	rc = pnet_req(nl, f, SMC_PNETID_FLUSH, 0, "pnet.flush2", false, NULL, NULL, NULL, -1,
		      NULL);
	check(!rc, "pnet.flush", "%s", rcname(rc));
	pnet_req(nl, f, SMC_PNETID_GET, NLM_F_DUMP, "pnet.dump_empty", true, NULL, NULL, NULL, -1,
		 &msgs);
	check(msgs == 0, "pnet.flushed", "%d entries left", msgs);
}

static int open_gen(struct nl *nl, struct family *gen, struct family *pnet)
{
	int rc = nl_open(nl, NETLINK_GENERIC);

	if (rc) {
		printf("RESULT fail site=netlink errno=%s\n", rcname(rc));
		return 2;
	}
	rc = resolve_family(nl, SMC_GENL_FAMILY_NAME, gen);
	if (rc) {
		printf("RESULT fail site=family errno=%s msg=%s not registered\n", rcname(rc),
		       SMC_GENL_FAMILY_NAME);
		return 2;
	}
	if (pnet && resolve_family(nl, SMCR_GENL_FAMILY_NAME, pnet)) {
		printf("RESULT fail site=family msg=%s not registered\n", SMCR_GENL_FAMILY_NAME);
		return 2;
	}
	return 0;
}

static int finish(void)
{
	if (g_fail) {
		printf("RESULT fail checks=%d failed=%d\n", g_pass + g_fail, g_fail);
		return EXIT_TESTS_FAILED;
	}
	printf("RESULT ok checks=%d\n", g_pass);
	return 0;
}

static int cmd_abi(const char *dev)
{
	struct family gen, pnet;
	struct nl nl;
	int rc = open_gen(&nl, &gen, &pnet);

	if (rc)
		return rc;
	print_family(&nl, SMC_GENL_FAMILY_NAME, &gen);
	print_family(&nl, SMCR_GENL_FAMILY_NAME, &pnet);
	check(gen.version == 1 && gen.n_ops == 18, "family.gen", "version %u, %d ops",
	      gen.version, gen.n_ops);
	check(pnet.version == 1 && pnet.n_ops == 4, "family.pnet", "version %u, %d ops",
	      pnet.version, pnet.n_ops);
	suite_gen(&nl, &gen);
	suite_pnet(&nl, &pnet, dev);
	suite_diag();
	nl_close(&nl);
	return finish();
}

/* As nobody: dumps work, changes are refused. */
static int cmd_unpriv(void)
{
	static const uint8_t change[] = {
		SMC_NETLINK_ADD_UEID, SMC_NETLINK_REMOVE_UEID, SMC_NETLINK_FLUSH_UEID,
		SMC_NETLINK_ENABLE_SEID, SMC_NETLINK_DISABLE_SEID,
		SMC_NETLINK_ENABLE_HS_LIMITATION, SMC_NETLINK_DISABLE_HS_LIMITATION,
	};
	struct family gen, pnet;
	struct diag_list *l;
	struct nl nl;
	char label[64];
	int rc = open_gen(&nl, &gen, &pnet);

	if (rc)
		return rc;
	check(geteuid() != 0, "unpriv.uid", "running as root");
	for (uint8_t cmd = SMC_NETLINK_GET_SYS_INFO; cmd <= SMC_NETLINK_DISABLE_HS_LIMITATION;
	     cmd++) {
		bool is_change = memchr(change, cmd, sizeof(change));

		snprintf(label, sizeof(label), "unpriv.gen%u", cmd);
		rc = genl_req(&nl, &gen, cmd, is_change ? 0 : NLM_F_DUMP, label, false,
			      cmd == SMC_NETLINK_ADD_UEID || cmd == SMC_NETLINK_REMOVE_UEID ?
			      add_ueid_padded : NULL, "NOBODY", NULL);
		if (is_change)
			check(rc == -EPERM, label, "%s, want EPERM", rcname(rc));
		else
			check(!rc, label, "dump as nobody: %s", rcname(rc));
	}
	rc = pnet_req(&nl, &pnet, SMC_PNETID_GET, NLM_F_DUMP, "unpriv.pnet_dump", false, NULL,
		      NULL, NULL, -1, NULL);
	check(!rc, "unpriv.pnet_dump", "%s", rcname(rc));
	rc = pnet_req(&nl, &pnet, SMC_PNETID_GET, 0, "unpriv.pnet_get", false, "ANY", NULL, NULL,
		      -1, NULL);
	check(!rc, "unpriv.pnet_get", "%s", rcname(rc));
	rc = pnet_req(&nl, &pnet, SMC_PNETID_ADD, 0, "unpriv.pnet_add", false, "NOBODY", "lo",
		      NULL, -1, NULL);
	check(rc == -EPERM, "unpriv.pnet_add", "%s, want EPERM", rcname(rc));
	rc = pnet_req(&nl, &pnet, SMC_PNETID_DEL, 0, "unpriv.pnet_del", false, "NOBODY", NULL,
		      NULL, -1, NULL);
	check(rc == -EPERM, "unpriv.pnet_del", "%s, want EPERM", rcname(rc));
	rc = pnet_req(&nl, &pnet, SMC_PNETID_FLUSH, 0, "unpriv.pnet_flush", false, NULL, NULL,
		      NULL, -1, NULL);
	check(rc == -EPERM, "unpriv.pnet_flush", "%s, want EPERM", rcname(rc));
	l = calloc(1, sizeof(*l));
	rc = diag_dump(l, 0xff);
	printf("T unpriv.diag rc=%s\n", rcname(rc));
	check(!rc, "unpriv.diag", "sock_diag as nobody: %s", rcname(rc));
	free(l);
	nl_close(&nl);
	return finish();
}

/* ---- small commands ------------------------------------------------------------------------------ */

static int cmd_fback(void)
{
	struct family gen;
	struct fback fb;
	struct nl nl;
	int rc = open_gen(&nl, &gen, NULL);

	if (rc)
		return rc;
	rc = read_fback(&nl, &gen, &fb);
	if (rc) {
		printf("RESULT fail site=dump errno=%s\n", rcname(rc));
		return 2;
	}
	for (int i = 0; i < fb.n_srv; i++)
		printf("fback srv 0x%08x %u\n", fb.srv_code[i], fb.srv_cnt[i]);
	for (int i = 0; i < fb.n_clnt; i++)
		printf("fback clnt 0x%08x %u\n", fb.clnt_code[i], fb.clnt_cnt[i]);
	printf("fback_total srv %llu clnt %llu\n", (unsigned long long)fb.total_srv,
	       (unsigned long long)fb.total_clnt);
	printf("hs_err clnt %llu srv %llu\n", (unsigned long long)fb.hs_clnt,
	       (unsigned long long)fb.hs_srv);
	nl_close(&nl);
	return 0;
}

/* expect-fback srv=0x05000000:3 clnt=0x03030000:3 total_srv=3 ... (unlisted codes must be 0) */
static int cmd_expect_fback(int argc, char **argv)
{
	struct family gen;
	struct fback fb;
	struct nl nl;
	int rc = open_gen(&nl, &gen, NULL), n_srv = 0, n_clnt = 0;

	if (rc)
		return rc;
	rc = read_fback(&nl, &gen, &fb);
	check(!rc, "fback.dump", "%s", rcname(rc));
	check(fb.totals_seen <= 1, "fback.totals_once", "totals in %d messages",
	      fb.totals_seen);
	for (int i = 0; i < argc; i++) {
		unsigned long code = 0, want = 0;
		char what[16];

		if (sscanf(argv[i], "%15[a-z_]=%lx:%lu", what, &code, &want) == 3) {
			bool srv = !strcmp(what, "srv");
			int n = srv ? fb.n_srv : fb.n_clnt;
			uint32_t got = 0;

			for (int k = 0; k < n; k++)
				if ((srv ? fb.srv_code[k] : fb.clnt_code[k]) == code)
					got = srv ? fb.srv_cnt[k] : fb.clnt_cnt[k];
			srv ? n_srv++ : n_clnt++;
			check(got == want, argv[i], "%s 0x%08lx: %u, want %lu", what, code, got,
			      want);
		} else if (sscanf(argv[i], "%15[a-z_]=%lu", what, &want) == 2) {
			uint64_t got = !strcmp(what, "total_srv") ? fb.total_srv :
				       !strcmp(what, "total_clnt") ? fb.total_clnt :
				       !strcmp(what, "hs_clnt") ? fb.hs_clnt :
				       !strcmp(what, "hs_srv") ? fb.hs_srv : ~0ULL;

			check(got == want, argv[i], "%s: %llu, want %lu", what,
			      (unsigned long long)got, want);
		} else {
			fprintf(stderr, "expect-fback: bad argument %s\n", argv[i]);
			return 1;
		}
	}
	check(fb.n_srv == n_srv, "fback.srv_codes", "%d server codes, %d expected", fb.n_srv,
	      n_srv);
	check(fb.n_clnt == n_clnt, "fback.clnt_codes", "%d client codes, %d expected", fb.n_clnt,
	      n_clnt);
	nl_close(&nl);
	return finish();
}

static int cmd_diag(void)
{
	struct diag_list *l = calloc(1, sizeof(*l));
	char name[16];
	int rc = diag_dump(l, 0xff);

	if (rc) {
		printf("RESULT fail site=diag errno=%s\n", rcname(rc));
		return 2;
	}
	for (int i = 0; i < l->n; i++) {
		snprintf(name, sizeof(name), "%d", i);
		print_diag_entry(name, &l->e[i]);
	}
	printf("RESULT ok socks=%d\n", l->n);
	free(l);
	return 0;
}

/*
 * Many sockets: the dump needs several message buffers, each socket must still come exactly once.
 * Then dumps race with sockets being created and closed in another process.
 */
static int cmd_diag_count(int n)
{
	struct diag_list *l;
	struct stat st;
	ino_t *ino;
	int *fd, *seen, rc;
	pid_t pid;

	raise_nofile(n + 64);
	ino = calloc(n, sizeof(*ino));
	fd = calloc(n, sizeof(*fd));
	seen = calloc(n, sizeof(*seen));
	l = calloc(1, sizeof(*l));
	if (!ino || !fd || !seen || !l)
		return 2;
	for (int i = 0; i < n; i++) {
		fd[i] = socket(AF_SMC, SOCK_STREAM | SOCK_CLOEXEC, i % 2 ? SMCPROTO_SMC6 : SMCPROTO_SMC);
		if (fd[i] < 0 || fstat(fd[i], &st)) {
			printf("RESULT fail site=socket errno=%s\n", errname(errno));
			return 2;
		}
		ino[i] = st.st_ino;
	}
	/* a private dump: the list of 256 entries is too small, count by inode instead */
	{
		struct smc_diag_req req = { .diag_family = AF_SMC };
		static char rbuf[65536];
		struct nl nl;
		struct msg m;
		int total = 0, parts = 0;
		bool done = false;

		if (nl_open(&nl, NETLINK_SOCK_DIAG))
			return 2;
		msg_init(&m, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP);
		msg_data(&m, &req, sizeof(req));
		m.h.nlmsg_seq = ++nl.seq;
		if (send(nl.fd, m.buf, m.h.nlmsg_len, 0) < 0)
			return 2;
		while (!done) {
			/* at most 32 KiB per part (min_dump_alloc): 600 sockets need several */
			ssize_t got = recv(nl.fd, rbuf, sizeof(rbuf), 0);

			if (got <= 0)
				break;
			parts++;
			for (struct nlmsghdr *h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, (size_t)got);
			     h = NLMSG_NEXT(h, got)) {
				const struct smc_diag_msg *dm = NLMSG_DATA(h);

				if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
					done = true;
					break;
				}
				total++;
				for (int i = 0; i < n; i++)
					if (ino[i] == dm->diag_inode)
						seen[i]++;
			}
		}
		nl_close(&nl);
		check(done, "diag_count.done", "dump did not end");
		check(parts > 1, "diag_count.parts", "%d sockets came in %d part(s)", total, parts);
		printf("diag_count sockets=%d parts=%d\n", total, parts);
	}
	for (int i = 0; i < n; i++)
		check(seen[i] == 1, "diag_count.once", "socket %d (inode %lu) listed %d times", i,
		      (unsigned long)ino[i], seen[i]);
	for (int i = 0; i < n; i++)
		close(fd[i]);

	/* churn: a child creates, connects nothing, closes; we dump meanwhile */
	pid = fork();
	if (pid == 0) {
		for (int r = 0;; r++) {	/* until killed */
			int s1 = socket(AF_SMC, SOCK_STREAM, r % 2 ? SMCPROTO_SMC6 : SMCPROTO_SMC);

			if (s1 >= 0)
				close(s1);
		}
	}
	for (int r = 0; r < n / 10 + 10; r++) {
		rc = diag_dump(l, 0xff);
		if (rc) {
			check(false, "diag_count.churn", "dump %d: %s", r, rcname(rc));
			break;
		}
	}
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	free(l);
	free(ino);
	free(fd);
	free(seen);
	return finish();
}

/* Print data messages as transcript lines; used by the small table commands. */
static int cmd_simple(uint8_t cmd, uint16_t flags, const char *label,
		      void (*add)(struct msg *m, const void *arg), const void *arg, bool pnet)
{
	struct family gen, pn;
	struct nl nl;
	int rc = open_gen(&nl, &gen, pnet ? &pn : NULL);

	if (rc)
		return rc;
	rc = genl_req(&nl, pnet ? &pn : &gen, cmd, flags, label, true, add, arg, NULL);
	nl_close(&nl);
	if (rc) {
		printf("RESULT fail errno=%s\n", rcname(rc));
		return 3;
	}
	printf("RESULT ok\n");
	return 0;
}

static int cmd_pnet(int argc, char **argv)
{
	struct pnet_req p = { .port = -1 };

	if (argc < 1)
		return 1;
	if (!strcmp(argv[0], "dump"))
		return cmd_simple(SMC_PNETID_GET, NLM_F_DUMP, "pnet", NULL, NULL, true);
	if (!strcmp(argv[0], "flush"))
		return cmd_simple(SMC_PNETID_FLUSH, 0, "pnet", NULL, NULL, true);
	if (argc < 2)
		return 1;
	p.name = argv[1];
	if (!strcmp(argv[0], "get"))
		return cmd_simple(SMC_PNETID_GET, 0, "pnet", add_pnet, &p, true);
	if (!strcmp(argv[0], "del"))
		return cmd_simple(SMC_PNETID_DEL, 0, "pnet", add_pnet, &p, true);
	if (strcmp(argv[0], "add"))
		return 1;
	for (int i = 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "eth")) {
			p.eth = argv[i + 1];
		} else if (!strcmp(argv[i], "ib")) {
			p.ib = argv[i + 1];
			if (i + 2 < argc && isdigit((unsigned char)argv[i + 2][0]))
				p.port = atoi(argv[++i + 1]);
		}
	}
	return cmd_simple(SMC_PNETID_ADD, 0, "pnet", add_pnet, &p, true);
}

static int cmd_ueid(int argc, char **argv)
{
	if (argc < 1)
		return 1;
	if (!strcmp(argv[0], "dump"))
		return cmd_simple(SMC_NETLINK_DUMP_UEID, NLM_F_DUMP, "ueid", NULL, NULL, false);
	if (!strcmp(argv[0], "flush"))
		return cmd_simple(SMC_NETLINK_FLUSH_UEID, 0, "ueid", NULL, NULL, false);
	if (argc < 2)
		return 1;
	if (!strcmp(argv[0], "add"))
		return cmd_simple(SMC_NETLINK_ADD_UEID, 0, "ueid", add_ueid_padded, argv[1], false);
	if (!strcmp(argv[0], "del"))
		return cmd_simple(SMC_NETLINK_REMOVE_UEID, 0, "ueid", add_ueid_padded, argv[1],
				  false);
	return 1;
}

static int cmd_hs(const char *what)
{
	if (!strcmp(what, "dump"))
		return cmd_simple(SMC_NETLINK_DUMP_HS_LIMITATION, NLM_F_DUMP, "hs", NULL, NULL,
				  false);
	if (!strcmp(what, "enable"))
		return cmd_simple(SMC_NETLINK_ENABLE_HS_LIMITATION, 0, "hs", NULL, NULL, false);
	if (!strcmp(what, "disable"))
		return cmd_simple(SMC_NETLINK_DISABLE_HS_LIMITATION, 0, "hs", NULL, NULL, false);
	return 1;
}

static int cmd_sockopt_hs(void)
{
	int fd = socket(AF_SMC, SOCK_STREAM | SOCK_CLOEXEC, SMCPROTO_SMC), v = -1;
	socklen_t len = sizeof(v);

	if (fd < 0 || getsockopt(fd, SOL_SMC, SMC_LIMIT_HS, &v, &len)) {
		printf("RESULT fail errno=%s\n", errname(errno));
		return 2;
	}
	printf("limit_hs %d\n", v);
	close(fd);
	return 0;
}

/* SMCR_EXT: reset (do), mib and info (dumps). */
static int cmd_ext(uint8_t cmd)
{
	struct dump_ctx d = { .label = "ext", .print = cmd == EXT_CMD_GET_INFO };
	struct family ext;
	struct nl nl;
	struct msg m;
	int rc;

	rc = nl_open(&nl, NETLINK_GENERIC);
	if (!rc)
		rc = resolve_family(&nl, EXT_NAME, &ext);
	if (rc) {
		printf("RESULT fail site=family errno=%s\n", rcname(rc));
		return 2;
	}
	msg_genl(&m, ext.id, cmd, 1, cmd == EXT_CMD_RESET ? 0 : NLM_F_DUMP);
	if (cmd == EXT_CMD_GET_MIB) {
		/* "Name value" lines, as /proc/net/smcr_stat */
		static char rbuf[65536];

		m.h.nlmsg_seq = ++nl.seq;
		send(nl.fd, m.buf, m.h.nlmsg_len, 0);
		for (bool done = false; !done;) {
			ssize_t n = recv(nl.fd, rbuf, sizeof(rbuf), 0);

			if (n <= 0)
				break;
			for (struct nlmsghdr *h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, (size_t)n);
			     h = NLMSG_NEXT(h, n)) {
				struct nlattr *mib;
				int len;
				void *attrs;

				if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
					done = true;
					break;
				}
				attrs = genl_attrs(h, &len);
				mib = nla_find_(attrs, len, EXT_A_MIB);
				if (!mib)
					continue;
				len = nla_len_(mib);
				ATTR_FOREACH(e, nla_data_(mib), len) {
					int el = nla_len_(e);
					struct nlattr *nm = nla_find_(nla_data_(e), el, EXT_A_MIB_NAME);
					struct nlattr *v = nla_find_(nla_data_(e), el, EXT_A_MIB_VALUE);

					if (nm && v)
						printf("%s %llu\n", (char *)nla_data_(nm),
						       (unsigned long long)nla_uint(v));
				}
			}
		}
		rc = 0;
	} else {
		rc = nl_xfer(&nl, &m, print_genl_msg, &d);
	}
	nl_close(&nl);
	if (rc) {
		printf("RESULT fail errno=%s\n", rcname(rc));
		return 3;
	}
	printf("RESULT ok\n");
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: smcr_nlcheck [--as-nobody] abi [NETDEV] | unpriv | fback | "
		"expect-fback ARGS | diag | ueid ... | pnet ... | hs dump|enable|disable | "
		"sockopt-hs | sysinfo | stats | reset | mib | info\n");
}

int main(int argc, char **argv)
{
	const char *cmd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "--as-nobody")) {
		if (setgroups(0, NULL) || setgid(NOBODY_ID) || setuid(NOBODY_ID)) {
			printf("RESULT fail site=setuid errno=%s\n", errname(errno));
			return 2;
		}
		argc--;
		argv++;
	}
	if (argc < 2) {
		usage();
		return 1;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "abi"))
		return cmd_abi(argc > 2 ? argv[2] : "lo");
	if (!strcmp(cmd, "unpriv"))
		return cmd_unpriv();
	if (!strcmp(cmd, "fback"))
		return cmd_fback();
	if (!strcmp(cmd, "expect-fback"))
		return cmd_expect_fback(argc - 2, argv + 2);
	if (!strcmp(cmd, "diag"))
		return cmd_diag();
	if (!strcmp(cmd, "diag-count") && argc > 2)
		return cmd_diag_count(atoi(argv[2]));
	if (!strcmp(cmd, "ueid"))
		return cmd_ueid(argc - 2, argv + 2);
	if (!strcmp(cmd, "pnet"))
		return cmd_pnet(argc - 2, argv + 2);
	if (!strcmp(cmd, "hs") && argc > 2)
		return cmd_hs(argv[2]);
	if (!strcmp(cmd, "sockopt-hs"))
		return cmd_sockopt_hs();
	if (!strcmp(cmd, "sysinfo"))
		return cmd_simple(SMC_NETLINK_GET_SYS_INFO, NLM_F_DUMP, "sysinfo", NULL, NULL,
				  false);
	if (!strcmp(cmd, "stats"))
		return cmd_simple(SMC_NETLINK_GET_STATS, NLM_F_DUMP, "stats", NULL, NULL, false);
	if (!strcmp(cmd, "reset"))
		return cmd_ext(EXT_CMD_RESET);
	if (!strcmp(cmd, "mib"))
		return cmd_ext(EXT_CMD_GET_MIB);
	if (!strcmp(cmd, "info"))
		return cmd_ext(EXT_CMD_GET_INFO);
	usage();
	return 1;
}
