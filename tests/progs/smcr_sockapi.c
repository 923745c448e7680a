// SPDX-License-Identifier: GPL-2.0
/*
 * smcr_sockapi: socket-API conformance suite for AF_SMC, measured against what
 * Linux TCP does. Creates both ends itself (client family --client, server
 * family --server, so smc<->tcp runs the fallback path), runs every sub-test in
 * a forked child bounded by --timeout, prints PASS/FAIL/SKIP per sub-test and a
 * final "N passed, N failed[, N skipped]" line.
 */
#include "common.h"

#include <fcntl.h>
#include <getopt.h>
#include <linux/sockios.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

enum { T_PASS = 0, T_FAIL = 1, T_SKIP = 2 };

static struct {
	struct fam cf, sf; /* client and server socket families */
	int af;
	const char *addr;
	struct sockaddr_storage sa; /* addr, port 0 */
	socklen_t salen;
	double test_timeout;
	double op_timeout;
	bool no_fork;
	bool verbose;
	int srv_ns;  /* --server-netns: server-side sockets are created in this netns */
	int orig_ns; /* our own netns, to switch back */
} X = {
	.cf = { .smc = true, .af = AF_INET },
	.sf = { .smc = true, .af = AF_INET },
	.af = AF_INET,
	.test_timeout = 30.0,
	.srv_ns = -1,
	.orig_ns = -1,
};

static char reason[512];

#define FAIL(...)                                                                      \
	do {                                                                           \
		int _n = snprintf(reason, sizeof(reason), "line %d: ", __LINE__);      \
		snprintf(reason + _n, sizeof(reason) - (size_t)_n, __VA_ARGS__);       \
		return T_FAIL;                                                         \
	} while (0)
#define SKIP(...)                                                                      \
	do {                                                                           \
		snprintf(reason, sizeof(reason), __VA_ARGS__);                         \
		return T_SKIP;                                                         \
	} while (0)
#define CHECK(cond, ...)                                                               \
	do {                                                                           \
		if (!(cond))                                                           \
			FAIL(__VA_ARGS__);                                             \
	} while (0)
/* a syscall that must succeed */
#define SYS(expr)                                                                      \
	do {                                                                           \
		if ((long)(expr) < 0)                                                  \
			FAIL("%s: %s", #expr, errname(errno));                         \
	} while (0)
/* a syscall that must fail with errno e */
#define SYS_ERR(expr, e)                                                               \
	do {                                                                           \
		errno = 0;                                                             \
		long _r = (long)(expr);                                                \
		if (_r >= 0)                                                           \
			FAIL("%s returned %ld, expected -1 %s", #expr, _r, errname(e)); \
		if (errno != (e))                                                      \
			FAIL("%s: errno %s, expected %s", #expr, errname(errno),         \
			     errname(e));                                              \
	} while (0)
/* helper returning <0 already filled reason */
#define H(expr)                                                                        \
	do {                                                                           \
		if ((long)(expr) < 0)                                                  \
			return T_FAIL;                                                 \
	} while (0)

__attribute__((format(printf, 1, 2))) static int hfail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	return -1;
}

static int64_t op_deadline(void)
{
	return now_ns() + (int64_t)(X.op_timeout * 1e9);
}

/* ---- socket helpers ----------------------------------------------------- */

/* Server-side sockets are created inside --server-netns (a socket keeps its netns). */
static int enter_srv_ns(bool server)
{
	if (server && X.srv_ns >= 0 && setns(X.srv_ns, CLONE_NEWNET))
		return hfail("setns(--server-netns): %s", errname(errno));
	return 0;
}

static void leave_srv_ns(bool server)
{
	if (server && X.srv_ns >= 0 && setns(X.orig_ns, CLONE_NEWNET)) {
		fprintf(stderr, "smcr_sockapi: cannot return to the original netns: %s\n",
			errname(errno));
		_exit(3);
	}
}

static int mk_sock(const struct fam *f, int flags, const char *who)
{
	bool server = f == &X.sf;
	int fd;

	if (enter_srv_ns(server))
		return -1;
	fd = fam_socket(f, flags | SOCK_CLOEXEC);
	int e = errno;

	leave_srv_ns(server);
	errno = e;
	if (fd < 0)
		return hfail("socket(%s, %s): %s", fam_name(f->smc), who, errname(errno));
	if (set_sock_timeouts(fd, X.op_timeout)) {
		int e = errno;

		close(fd);
		return hfail("SO_RCVTIMEO/SO_SNDTIMEO on %s socket: %s", who, errname(e));
	}
	return fd;
}

static int cli_sock(void) { return mk_sock(&X.cf, 0, "client"); }
static int srv_sock(void) { return mk_sock(&X.sf, 0, "server"); }

/* Listening server socket on addr:0; *bound receives the real address. */
static int mk_listener(struct sockaddr_storage *bound, bool reuse)
{
	struct sockaddr_storage tmp;
	socklen_t bl = sizeof(tmp);
	int one = 1, fd = srv_sock();

	if (fd < 0)
		return -1;
	if (reuse && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
		return hfail("SO_REUSEADDR: %s", errname(errno));
	if (bind(fd, (struct sockaddr *)&X.sa, X.salen))
		return hfail("bind(listener): %s", errname(errno));
	if (listen(fd, 128))
		return hfail("listen: %s", errname(errno));
	if (getsockname(fd, (struct sockaddr *)(bound ? bound : &tmp), &bl))
		return hfail("getsockname(listener): %s", errname(errno));
	return fd;
}

static socklen_t salen_of(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

/* Wait (bounded) for a pending connection, then accept4(flags). */
static int accept_bounded(int lfd, int flags)
{
	int r = wait_fd(lfd, POLLIN, op_deadline()), fd;

	if (r < 0)
		return hfail("poll(listener): %s", errname(errno));
	if (r == 0)
		return hfail("no connection pending within %.0f s", X.op_timeout);
	fd = accept4(lfd, NULL, NULL, flags | SOCK_CLOEXEC);
	if (fd < 0)
		return hfail("accept4: %s", errname(errno));
	if (set_sock_timeouts(fd, X.op_timeout))
		return hfail("timeouts on accepted socket: %s", errname(errno));
	return fd;
}

static int connect_to(int fd, const struct sockaddr_storage *to)
{
	if (connect(fd, (const struct sockaddr *)to, salen_of(to)))
		return hfail("connect: %s", errname(errno));
	return 0;
}

/* A connected pair: *c client family, *s server family (accepted). */
static int mk_pair(int *c, int *s)
{
	struct sockaddr_storage la;
	int lfd = mk_listener(&la, false);

	if (lfd < 0)
		return -1;
	*c = cli_sock();
	if (*c < 0)
		return -1;
	if (connect_to(*c, &la))
		return -1;
	*s = accept_bounded(lfd, 0);
	close(lfd);
	return *s < 0 ? -1 : 0;
}

/* An address on which nobody listens: a bound, non-listening TCP socket holds the port. */
static int closed_port(struct sockaddr_storage *out, int *holder)
{
	socklen_t l = sizeof(*out);
	int fd;

	if (enter_srv_ns(true))
		return -1;
	fd = socket(X.af, SOCK_STREAM | SOCK_CLOEXEC, 0);
	leave_srv_ns(true);
	if (fd < 0)
		return hfail("socket(tcp): %s", errname(errno));
	if (bind(fd, (struct sockaddr *)&X.sa, X.salen) ||
	    getsockname(fd, (struct sockaddr *)out, &l))
		return hfail("bind/getsockname port holder: %s", errname(errno));
	*holder = fd;
	return 0;
}

/* Receive exactly n bytes (fd may be non-blocking: poll is used). */
static int recv_all(int fd, void *buf, size_t n)
{
	uint8_t *p = buf;
	size_t got = 0;
	int64_t dl = op_deadline();

	while (got < n) {
		ssize_t r = recv(fd, p + got, n - got, MSG_DONTWAIT);

		if (r > 0) {
			got += (size_t)r;
			dl = op_deadline();
			continue;
		}
		if (r == 0)
			return hfail("EOF after %zu of %zu bytes", got, n);
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return hfail("recv after %zu of %zu bytes: %s", got, n, errname(errno));
		int pr = wait_fd(fd, POLLIN, dl);

		if (pr == 0)
			return hfail("timeout after %zu of %zu bytes", got, n);
		if (pr < 0)
			return hfail("poll: %s", errname(errno));
	}
	return 0;
}

static int expect_data(int fd, const void *want, size_t n)
{
	uint8_t *buf = malloc(n ? n : 1);
	int r;

	if (!buf)
		return hfail("malloc");
	r = recv_all(fd, buf, n);
	if (!r && memcmp(buf, want, n))
		r = hfail("received data differs from what was sent");
	free(buf);
	return r;
}

/* Wait for EOF (recv == 0) within the op timeout; data before EOF is an error. */
static int expect_eof(int fd)
{
	char b[64];
	int pr = wait_fd(fd, POLLIN | POLLRDHUP, op_deadline());
	ssize_t r;

	if (pr <= 0)
		return hfail("no EOF within %.0f s", X.op_timeout);
	r = recv(fd, b, sizeof(b), MSG_DONTWAIT);
	if (r < 0)
		return hfail("recv expecting EOF: %s", errname(errno));
	if (r > 0)
		return hfail("recv expecting EOF returned %zd bytes", r);
	return 0;
}

static int get_int(int fd, int level, int opt, int *val)
{
	socklen_t l = sizeof(*val);

	*val = -12345;
	if (getsockopt(fd, level, opt, val, &l))
		return hfail("getsockopt(%d,%d): %s", level, opt, errname(errno));
	if (l != sizeof(*val))
		return hfail("getsockopt(%d,%d) optlen %u", level, opt, l);
	return 0;
}

static int set_int(int fd, int level, int opt, int val)
{
	if (setsockopt(fd, level, opt, &val, sizeof(val)))
		return hfail("setsockopt(%d,%d,%d): %s", level, opt, val, errname(errno));
	return 0;
}

static int inq(int fd)
{
	int v = -1;

	if (ioctl(fd, SIOCINQ, &v))
		return -1;
	return v;
}

/* Poll until SIOCINQ == n (data may arrive in pieces). */
static int wait_inq(int fd, int n)
{
	int64_t dl = op_deadline();
	int v;

	while ((v = inq(fd)) != n) {
		if (v < 0)
			return hfail("ioctl(SIOCINQ): %s", errname(errno));
		if (v > n)
			return hfail("SIOCINQ %d, expected %d", v, n);
		if (now_ns() > dl)
			return hfail("SIOCINQ stuck at %d, expected %d", v, n);
		sleep_ms(5);
	}
	return 0;
}

static short poll_now(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int r = poll(&p, 1, ms);

	return r > 0 ? p.revents : (short)(r < 0 ? -1 : 0);
}

static void fill(void *buf, size_t n, uint64_t seed) { pat_fill(seed, 0, buf, n); }

/* ---- background threads -------------------------------------------------- */

struct bg {
	pthread_t t;
	int fd;
	uint64_t seed;
	size_t total;
	size_t chunk;
	unsigned delay_ms;
	/* results */
	int ok;
	char err[200];
	ssize_t ret;
	_Atomic int64_t t_ret;
};

/* send `total` pattern bytes in `chunk`-sized sends with delay_ms between them */
static void *bg_send(void *arg)
{
	struct bg *b = arg;
	uint8_t *buf = malloc(b->chunk);
	size_t off = 0;

	b->ok = 0;
	if (!buf) {
		snprintf(b->err, sizeof(b->err), "malloc");
		return NULL;
	}
	while (off < b->total) {
		size_t n = b->total - off < b->chunk ? b->total - off : b->chunk;

		if (b->delay_ms && off)
			sleep_ms(b->delay_ms);
		pat_fill(b->seed, off, buf, n);
		for (size_t done = 0; done < n;) {
			ssize_t w = send(b->fd, buf + done, n - done, MSG_NOSIGNAL);

			if (w < 0) {
				snprintf(b->err, sizeof(b->err), "send at %zu: %s", off + done,
					 errname(errno));
				free(buf);
				return NULL;
			}
			done += (size_t)w;
		}
		off += n;
	}
	free(buf);
	b->ok = 1;
	return NULL;
}

/* receive exactly `total` pattern bytes and verify */
static void *bg_recv(void *arg)
{
	struct bg *b = arg;
	size_t cap = 256 * 1024, off = 0;
	uint8_t *buf = malloc(cap);

	b->ok = 0;
	if (!buf) {
		snprintf(b->err, sizeof(b->err), "malloc");
		return NULL;
	}
	while (off < b->total) {
		size_t want = b->total - off < cap ? b->total - off : cap;
		ssize_t r = recv(b->fd, buf, want, 0);

		if (r <= 0) {
			snprintf(b->err, sizeof(b->err), "recv at %zu of %zu: %s", off, b->total,
				 r == 0 ? "EOF" : errname(errno));
			free(buf);
			return NULL;
		}
		size_t bad = pat_verify(b->seed, off, buf, (size_t)r);

		if (bad < (size_t)r) {
			snprintf(b->err, sizeof(b->err), "mismatch at byte %zu", off + bad);
			free(buf);
			return NULL;
		}
		off += (size_t)r;
	}
	free(buf);
	b->ok = 1;
	return NULL;
}

/* block in recv, note when it returns */
static void *bg_block_recv(void *arg)
{
	struct bg *b = arg;
	char c;

	b->ret = recv(b->fd, &c, 1, 0);
	if (b->ret < 0)
		snprintf(b->err, sizeof(b->err), "%s", errname(errno));
	b->t_ret = now_ns();
	return NULL;
}

static int bg_start(struct bg *b, void *(*fn)(void *))
{
	int r = pthread_create(&b->t, NULL, fn, b);

	if (r)
		return hfail("pthread_create: %s", errname(r));
	return 0;
}

static int bg_join(struct bg *b, const char *what)
{
	pthread_join(b->t, NULL);
	if (!b->ok)
		return hfail("%s thread: %s", what, b->err);
	return 0;
}

/* ===================================================================== */
/* sub-tests                                                               */
/* ===================================================================== */

static int t_sockopt_defaults(void)
{
	int c, s, l, v;
	struct sockaddr_storage la;

	H(c = cli_sock());
	H(s = srv_sock());
	int fds[2] = { c, s };
	const struct fam *fams[2] = { &X.cf, &X.sf };

	for (int i = 0; i < 2; i++) {
		H(get_int(fds[i], SOL_SOCKET, SO_TYPE, &v));
		CHECK(v == SOCK_STREAM, "SO_TYPE %d, expected SOCK_STREAM", v);
		H(get_int(fds[i], SOL_SOCKET, SO_ERROR, &v));
		CHECK(v == 0, "SO_ERROR on a fresh socket: %s", errname(v));
		H(get_int(fds[i], SOL_SOCKET, SO_ACCEPTCONN, &v));
		CHECK(v == 0, "SO_ACCEPTCONN %d on a fresh socket", v);
		H(get_int(fds[i], SOL_SOCKET, SO_DOMAIN, &v));
		int want = fams[i]->smc ? AF_SMC : X.af;

		CHECK(v == want, "SO_DOMAIN %d, expected %d", v, want);
	}
	H(l = mk_listener(&la, false));
	H(get_int(l, SOL_SOCKET, SO_ACCEPTCONN, &v));
	CHECK(v == 1, "SO_ACCEPTCONN %d on a listener", v);
	H(get_int(l, SOL_SOCKET, SO_ERROR, &v));
	CHECK(v == 0, "SO_ERROR on a listener: %s", errname(v));
	return T_PASS;
}

static int t_connect_accept_blocking(void)
{
	struct sockaddr_storage la, peer, cname;
	socklen_t pl = sizeof(peer), cl = sizeof(cname);
	int l, c, s;
	char buf[5];

	H(l = mk_listener(&la, false));
	H(c = cli_sock());
	SYS(connect(c, (struct sockaddr *)&la, salen_of(&la)));
	/* blocking accept, bounded by SO_RCVTIMEO on the listener */
	SYS(s = accept(l, (struct sockaddr *)&peer, &pl));
	SYS(getsockname(c, (struct sockaddr *)&cname, &cl));
	CHECK(pl == salen_of(&la), "accept addrlen %u", pl);
	CHECK(sockaddr_equal(&peer, &cname), "accept peer address is not the client's name");
	SYS(send(c, "ping", 4, 0));
	H(expect_data(s, "ping", 4));
	SYS(send(s, "pong!", 5, 0));
	SYS(recv(c, buf, 5, MSG_WAITALL));
	CHECK(!memcmp(buf, "pong!", 5), "reply differs");
	return T_PASS;
}

static int t_connect_nonblock(void)
{
	struct sockaddr_storage la;
	int l, c, s, v, r;
	short ev;

	H(l = mk_listener(&la, false));
	H(c = mk_sock(&X.cf, SOCK_NONBLOCK, "client"));
	r = connect(c, (struct sockaddr *)&la, salen_of(&la));
	CHECK(r == 0 || errno == EINPROGRESS, "non-blocking connect: %s, expected EINPROGRESS",
	      errname(errno));
	ev = (short)wait_fd(c, POLLOUT, op_deadline());
	CHECK(ev > 0, "no POLLOUT within %.0f s", X.op_timeout);
	CHECK(ev & POLLOUT, "revents 0x%x without POLLOUT", ev);
	CHECK(!(ev & (POLLERR | POLLHUP)), "revents 0x%x has POLLERR/POLLHUP", ev);
	H(get_int(c, SOL_SOCKET, SO_ERROR, &v));
	CHECK(v == 0, "SO_ERROR %s after connect completed", errname(v));
	/* Linux TCP: the second connect reports completion (0) or EISCONN, the third EISCONN */
	r = connect(c, (struct sockaddr *)&la, salen_of(&la));
	CHECK(r == 0 || errno == EISCONN, "second connect: %s, expected 0 or EISCONN",
	      errname(errno));
	SYS_ERR(connect(c, (struct sockaddr *)&la, salen_of(&la)), EISCONN);
	H(s = accept_bounded(l, 0));
	SYS(send(c, "hello", 5, MSG_NOSIGNAL));
	H(expect_data(s, "hello", 5));
	SYS(send(s, "world", 5, MSG_NOSIGNAL));
	H(expect_data(c, "world", 5));
	return T_PASS;
}

static int t_connect_nonblock_refused(void)
{
	struct sockaddr_storage to;
	int holder, c, v, r;

	H(closed_port(&to, &holder));
	H(c = mk_sock(&X.cf, SOCK_NONBLOCK, "client"));
	r = connect(c, (struct sockaddr *)&to, salen_of(&to));
	if (r == 0)
		FAIL("non-blocking connect to a closed port succeeded");
	if (errno == ECONNREFUSED)
		return T_PASS; /* refused synchronously: also what TCP may do */
	CHECK(errno == EINPROGRESS, "connect: %s, expected EINPROGRESS or ECONNREFUSED",
	      errname(errno));
	short ev = (short)wait_fd(c, POLLOUT, op_deadline());

	CHECK(ev > 0, "no poll event within %.0f s", X.op_timeout);
	CHECK(ev & POLLERR, "revents 0x%x without POLLERR", ev);
	H(get_int(c, SOL_SOCKET, SO_ERROR, &v));
	CHECK(v == ECONNREFUSED, "SO_ERROR %s, expected ECONNREFUSED", errname(v));
	H(get_int(c, SOL_SOCKET, SO_ERROR, &v));
	CHECK(v == 0, "SO_ERROR not cleared by reading it: %s", errname(v));
	return T_PASS;
}

static int t_connect_refused(void)
{
	struct sockaddr_storage to;
	int holder, c;

	H(closed_port(&to, &holder));
	H(c = cli_sock());
	SYS_ERR(connect(c, (struct sockaddr *)&to, salen_of(&to)), ECONNREFUSED);
	return T_PASS;
}

static int t_accept4_flags(void)
{
	struct sockaddr_storage la;
	int l, c1, c2, c3, s1, s2, s3, fl;
	char b;

	H(l = mk_listener(&la, false));
	H(c1 = cli_sock());
	H(connect_to(c1, &la));
	H(s1 = accept_bounded(l, SOCK_NONBLOCK | SOCK_CLOEXEC));
	SYS(fl = fcntl(s1, F_GETFL));
	CHECK(fl & O_NONBLOCK, "accept4(SOCK_NONBLOCK): O_NONBLOCK not set");
	SYS(fl = fcntl(s1, F_GETFD));
	CHECK(fl & FD_CLOEXEC, "accept4(SOCK_CLOEXEC): FD_CLOEXEC not set");
	SYS_ERR(recv(s1, &b, 1, 0), EAGAIN);

	H(c2 = cli_sock());
	H(connect_to(c2, &la));
	H(wait_fd(l, POLLIN, op_deadline()) > 0 ? 0 : hfail("no 2nd connection"));
	SYS(s2 = accept4(l, NULL, NULL, 0));
	SYS(fl = fcntl(s2, F_GETFL));
	CHECK(!(fl & O_NONBLOCK), "accept4(0): O_NONBLOCK set");
	SYS(fl = fcntl(s2, F_GETFD));
	CHECK(!(fl & FD_CLOEXEC), "accept4(0): FD_CLOEXEC set");

	/* Linux: accept() does not inherit O_NONBLOCK from the listener */
	SYS(set_nonblock(l, true));
	H(c3 = cli_sock());
	H(connect_to(c3, &la));
	H(wait_fd(l, POLLIN, op_deadline()) > 0 ? 0 : hfail("no 3rd connection"));
	SYS(s3 = accept(l, NULL, NULL));
	SYS(fl = fcntl(s3, F_GETFL));
	CHECK(!(fl & O_NONBLOCK), "accept() on a non-blocking listener gave a non-blocking socket");
	SYS(send(c3, "x", 1, 0));
	H(expect_data(s3, "x", 1));
	return T_PASS;
}

static int t_accept_nonblock_eagain(void)
{
	struct sockaddr_storage la;
	int l;

	H(l = mk_listener(&la, false));
	SYS(set_nonblock(l, true));
	SYS_ERR(accept(l, NULL, NULL), EAGAIN);
	SYS_ERR(accept4(l, NULL, NULL, SOCK_NONBLOCK), EAGAIN);
	return T_PASS;
}

static int t_accept_rcvtimeo(void)
{
	struct sockaddr_storage la;
	int l;
	int64_t t0;
	double el;

	H(l = mk_listener(&la, false));
	SYS(set_sock_timeouts(l, 0.3));
	t0 = now_ns();
	SYS_ERR(accept(l, NULL, NULL), EAGAIN);
	el = (double)(now_ns() - t0) / 1e9;
	CHECK(el >= 0.25 && el < 3.0, "blocking accept with SO_RCVTIMEO 0.3 s returned after %.3f s",
	      el);
	return T_PASS;
}

static int t_listen_poll(void)
{
	struct sockaddr_storage la;
	int l, c, s;
	short ev;

	H(l = mk_listener(&la, false));
	ev = poll_now(l, POLLIN, 0);
	CHECK(ev == 0, "idle listener poll revents 0x%x", ev);
	H(c = cli_sock());
	H(connect_to(c, &la));
	ev = (short)wait_fd(l, POLLIN, op_deadline());
	CHECK(ev > 0 && (ev & POLLIN), "listener not readable with a pending connection (0x%x)", ev);
	SYS(s = accept(l, NULL, NULL));
	ev = poll_now(l, POLLIN, 50);
	CHECK(ev == 0, "listener still readable after accept (0x%x)", ev);
	(void)s;
	return T_PASS;
}

static int t_listen_select(void)
{
	struct sockaddr_storage la;
	int l, c, r;
	fd_set rs;
	struct timeval tv = { 0, 0 };

	H(l = mk_listener(&la, false));
	FD_ZERO(&rs);
	FD_SET(l, &rs);
	SYS(r = select(l + 1, &rs, NULL, NULL, &tv));
	CHECK(r == 0, "select: idle listener readable");
	H(c = cli_sock());
	H(connect_to(c, &la));
	FD_ZERO(&rs);
	FD_SET(l, &rs);
	tv.tv_sec = (time_t)X.op_timeout;
	SYS(r = select(l + 1, &rs, NULL, NULL, &tv));
	CHECK(r == 1 && FD_ISSET(l, &rs), "select: listener not readable with a pending connection");
	SYS(accept(l, NULL, NULL));
	return T_PASS;
}

static int t_listen_epoll(void)
{
	struct sockaddr_storage la;
	int l, c1, c2, ep, n;
	struct epoll_event ev = { .events = EPOLLIN }, out[4];

	H(l = mk_listener(&la, false));
	SYS(ep = epoll_create1(0));
	SYS(epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev));
	SYS(n = epoll_wait(ep, out, 4, 0));
	CHECK(n == 0, "idle listener reported by epoll");
	H(c1 = cli_sock());
	H(connect_to(c1, &la));
	SYS(n = epoll_wait(ep, out, 4, (int)(X.op_timeout * 1000)));
	CHECK(n == 1 && (out[0].events & EPOLLIN), "epoll: no EPOLLIN for pending connection");
	/* level-triggered: still reported until accepted */
	SYS(n = epoll_wait(ep, out, 4, 0));
	CHECK(n == 1, "epoll LT: pending connection not reported again");
	SYS(accept(l, NULL, NULL));
	SYS(n = epoll_wait(ep, out, 4, 50));
	CHECK(n == 0, "epoll: listener reported after accept");
	/* edge-triggered: once per new connection */
	ev.events = EPOLLIN | EPOLLET;
	SYS(epoll_ctl(ep, EPOLL_CTL_MOD, l, &ev));
	H(c2 = cli_sock());
	H(connect_to(c2, &la));
	SYS(n = epoll_wait(ep, out, 4, (int)(X.op_timeout * 1000)));
	CHECK(n == 1, "epoll ET: no event for a new connection");
	SYS(n = epoll_wait(ep, out, 4, 100));
	CHECK(n == 0, "epoll ET: event reported twice for one connection");
	SYS(accept(l, NULL, NULL));
	return T_PASS;
}

static int t_send_recv(void)
{
	int c, s;
	uint8_t a[1000], b[1000];

	H(mk_pair(&c, &s));
	fill(a, sizeof(a), 1);
	fill(b, sizeof(b), 2);
	ssize_t w = send(c, a, sizeof(a), 0);

	CHECK(w == (ssize_t)sizeof(a), "send returned %zd (%s)", w, errname(errno));
	H(expect_data(s, a, sizeof(a)));
	w = send(s, b, sizeof(b), 0);
	CHECK(w == (ssize_t)sizeof(b), "send returned %zd (%s)", w, errname(errno));
	H(expect_data(c, b, sizeof(b)));
	return T_PASS;
}

static int t_sendto_recvfrom(void)
{
	int c, s;
	uint8_t a[300], got[300];
	struct sockaddr_storage from;
	socklen_t fl = sizeof(from);
	ssize_t r;

	H(mk_pair(&c, &s));
	fill(a, sizeof(a), 3);
	r = sendto(c, a, sizeof(a), 0, NULL, 0);
	CHECK(r == (ssize_t)sizeof(a), "sendto returned %zd (%s)", r, errname(errno));
	memset(&from, 0xaa, sizeof(from));
	r = recvfrom(s, got, sizeof(got), MSG_WAITALL, (struct sockaddr *)&from, &fl);
	CHECK(r == (ssize_t)sizeof(got), "recvfrom returned %zd (%s)", r, errname(errno));
	CHECK(!memcmp(a, got, sizeof(a)), "data differs");
	/* stream sockets report no source address: addrlen 0, like TCP */
	CHECK(fl == 0, "recvfrom addrlen %u, expected 0 (TCP behaviour)", fl);
	r = sendto(s, a, 10, 0, NULL, 0);
	CHECK(r == 10, "sendto (server) returned %zd", r);
	fl = sizeof(from);
	r = recvfrom(c, got, 10, MSG_WAITALL, NULL, NULL);
	CHECK(r == 10 && !memcmp(a, got, 10), "recvfrom (client) returned %zd", r);
	return T_PASS;
}

static int t_sendmsg_recvmsg(void)
{
	int c, s;
	uint8_t a[1017], got[1017];
	struct iovec siov[4] = {
		{ a, 10 }, { a + 10, 0 }, { a + 10, 1000 }, { a + 1010, 7 },
	};
	struct iovec riov[3] = { { got, 1 }, { got + 1, 500 }, { got + 501, 516 } };
	struct msghdr sm = { .msg_iov = siov, .msg_iovlen = 4 };
	struct msghdr rm = { .msg_iov = riov, .msg_iovlen = 3 };
	ssize_t r;

	H(mk_pair(&c, &s));
	fill(a, sizeof(a), 4);
	memset(got, 0, sizeof(got));
	r = sendmsg(c, &sm, MSG_NOSIGNAL);
	CHECK(r == (ssize_t)sizeof(a), "sendmsg returned %zd (%s)", r, errname(errno));
	r = recvmsg(s, &rm, MSG_WAITALL);
	CHECK(r == (ssize_t)sizeof(got), "recvmsg(MSG_WAITALL) returned %zd (%s)", r,
	      errname(errno));
	CHECK(!memcmp(a, got, sizeof(a)), "scattered data differs");
	CHECK(rm.msg_flags == 0, "recvmsg msg_flags 0x%x", rm.msg_flags);
	CHECK(rm.msg_controllen == 0, "recvmsg msg_controllen %zu", (size_t)rm.msg_controllen);
	return T_PASS;
}

/* readv until all iovecs are full */
static int readv_full(int fd, struct iovec *iov, int cnt)
{
	int64_t dl = op_deadline();

	while (cnt) {
		ssize_t r = readv(fd, iov, cnt);

		if (r < 0)
			return hfail("readv: %s", errname(errno));
		if (r == 0)
			return hfail("readv: EOF");
		while (r > 0 && cnt) {
			size_t k = (size_t)r < iov->iov_len ? (size_t)r : iov->iov_len;

			iov->iov_base = (uint8_t *)iov->iov_base + k;
			iov->iov_len -= k;
			r -= (ssize_t)k;
			if (!iov->iov_len) {
				iov++;
				cnt--;
			}
		}
		while (cnt && !iov->iov_len) {
			iov++;
			cnt--;
		}
		if (now_ns() > dl)
			return hfail("readv: timeout");
	}
	return 0;
}

static int t_readv_writev(void)
{
	int c, s;
	uint8_t a[2000], got[2000];
	struct iovec wv[3] = { { a, 1 }, { a + 1, 1500 }, { a + 1501, 499 } };
	struct iovec rv[4] = { { got, 700 }, { got + 700, 700 }, { got + 1400, 1 },
			       { got + 1401, 599 } };
	ssize_t r;

	H(mk_pair(&c, &s));
	fill(a, sizeof(a), 5);
	r = writev(c, wv, 3);
	CHECK(r == (ssize_t)sizeof(a), "writev returned %zd (%s)", r, errname(errno));
	H(readv_full(s, rv, 4));
	CHECK(!memcmp(a, got, sizeof(a)), "data differs");
	return T_PASS;
}

static int t_read_write(void)
{
	int c, s;
	uint8_t a[4096];
	ssize_t r;

	H(mk_pair(&c, &s));
	fill(a, sizeof(a), 6);
	r = write(s, a, sizeof(a));
	CHECK(r == (ssize_t)sizeof(a), "write returned %zd (%s)", r, errname(errno));
	uint8_t got[4096];
	size_t off = 0;

	while (off < sizeof(got)) {
		r = read(c, got + off, sizeof(got) - off);
		CHECK(r > 0, "read returned %zd (%s)", r, errname(errno));
		off += (size_t)r;
	}
	CHECK(!memcmp(a, got, sizeof(a)), "data differs");
	r = write(c, a, 1);
	CHECK(r == 1, "write(1) returned %zd", r);
	H(expect_data(s, a, 1));
	return T_PASS;
}

static int t_msg_peek(void)
{
	int c, s;
	uint8_t a[100], got[200];
	ssize_t r;
	int64_t dl;

	H(mk_pair(&c, &s));
	fill(a, sizeof(a), 7);
	SYS(send(s, a, sizeof(a), 0));
	dl = op_deadline();
	do {
		r = recv(c, got, sizeof(got), MSG_PEEK);
		CHECK(r > 0, "recv(MSG_PEEK) returned %zd (%s)", r, errname(errno));
		if (r < 100)
			sleep_ms(5);
	} while (r < 100 && now_ns() < dl);
	CHECK(r == 100, "MSG_PEEK sees %zd bytes, expected 100", r);
	CHECK(!memcmp(got, a, 100), "peeked data differs");
	CHECK(inq(c) == 100, "SIOCINQ %d after peek, expected 100", inq(c));
	memset(got, 0, sizeof(got));
	r = recv(c, got, 30, MSG_PEEK);
	CHECK(r == 30 && !memcmp(got, a, 30), "second peek returned %zd / differs", r);
	r = recv(c, got, 50, 0);
	CHECK(r == 50 && !memcmp(got, a, 50), "recv after peek returned %zd / differs", r);
	r = recv(c, got, 200, MSG_PEEK);
	CHECK(r == 50 && !memcmp(got, a + 50, 50), "peek of the rest returned %zd / differs", r);
	r = recv(c, got, 200, 0);
	CHECK(r == 50 && !memcmp(got, a + 50, 50), "final recv returned %zd / differs", r);
	SYS_ERR(recv(c, got, 1, MSG_PEEK | MSG_DONTWAIT), EAGAIN);
	return T_PASS;
}

static int t_msg_dontwait(void)
{
	int c, s;
	char b[8];
	int64_t t0;
	ssize_t r;

	H(mk_pair(&c, &s));
	t0 = now_ns();
	SYS_ERR(recv(c, b, sizeof(b), MSG_DONTWAIT), EAGAIN);
	CHECK(now_ns() - t0 < 500000000LL, "MSG_DONTWAIT blocked for %.3f s",
	      (double)(now_ns() - t0) / 1e9);
	SYS(send(s, "abc", 3, 0));
	CHECK(wait_fd(c, POLLIN, op_deadline()) > 0, "data never became readable");
	r = recv(c, b, sizeof(b), MSG_DONTWAIT);
	CHECK(r >= 1 && r <= 3 && !memcmp(b, "abc", (size_t)r), "recv(MSG_DONTWAIT) returned %zd",
	      r);
	return T_PASS;
}

static int t_msg_waitall(void)
{
	int c, s;
	struct bg b = { .total = 4000, .chunk = 1000, .delay_ms = 50, .seed = 8 };
	uint8_t got[4000];
	ssize_t r;

	H(mk_pair(&c, &s));
	b.fd = s;
	H(bg_start(&b, bg_send));
	r = recv(c, got, sizeof(got), MSG_WAITALL);
	H(bg_join(&b, "sender"));
	CHECK(r == (ssize_t)sizeof(got), "recv(MSG_WAITALL) returned %zd (%s), expected 4000", r,
	      errname(errno));
	CHECK(pat_verify(8, 0, got, sizeof(got)) == sizeof(got), "data differs");
	return T_PASS;
}

static int t_shutdown_wr(void)
{
	int c, s;
	char b[8];

	H(mk_pair(&c, &s));
	SYS(send(c, "last", 4, 0));
	SYS(shutdown(c, SHUT_WR));
	H(expect_data(s, "last", 4));
	H(expect_eof(s));
	/* the other direction still works */
	SYS(send(s, "reply", 5, MSG_NOSIGNAL));
	H(expect_data(c, "reply", 5));
	/* and EOF stays EOF */
	CHECK(recv(s, b, sizeof(b), MSG_DONTWAIT) == 0, "second recv after EOF is not 0");
	SYS_ERR(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
	SYS(shutdown(s, SHUT_WR));
	H(expect_eof(c));
	return T_PASS;
}

static int t_shutdown_rd(void)
{
	int c, s;
	uint8_t a[100], got[200];
	ssize_t r;
	int64_t t0;
	short ev;

	H(mk_pair(&c, &s));
	fill(a, sizeof(a), 9);
	SYS(send(s, a, sizeof(a), 0));
	H(wait_inq(c, 100));
	SYS(shutdown(c, SHUT_RD));
	/* Linux TCP: data queued before SHUT_RD can still be read, then EOF at once */
	r = recv(c, got, sizeof(got), 0);
	CHECK(r == 100 && !memcmp(got, a, 100), "recv after SHUT_RD returned %zd (%s)", r,
	      errname(errno));
	t0 = now_ns();
	r = recv(c, got, sizeof(got), 0);
	CHECK(r == 0, "recv on drained SHUT_RD socket returned %zd (%s), expected 0", r,
	      errname(errno));
	CHECK(now_ns() - t0 < 1000000000LL, "recv after SHUT_RD blocked %.3f s",
	      (double)(now_ns() - t0) / 1e9);
	ev = poll_now(c, POLLIN | POLLRDHUP | POLLOUT, 0);
	CHECK((ev & (POLLIN | POLLRDHUP)) == (POLLIN | POLLRDHUP),
	      "poll after SHUT_RD revents 0x%x, expected POLLIN|POLLRDHUP", ev);
	/* the write direction is unaffected */
	SYS(send(c, "still", 5, MSG_NOSIGNAL));
	H(expect_data(s, "still", 5));
	return T_PASS;
}

static int t_shutdown_rdwr(void)
{
	int c, s;
	char b[4];

	H(mk_pair(&c, &s));
	SYS(shutdown(c, SHUT_RDWR));
	H(expect_eof(s));
	CHECK(recv(c, b, sizeof(b), 0) == 0, "recv after own SHUT_RDWR is not 0");
	SYS_ERR(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
	return T_PASS;
}

static int t_unconnected_ops(void)
{
	int c;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char b[4];
	ssize_t r;

	H(c = cli_sock());
	SYS_ERR(shutdown(c, SHUT_WR), ENOTCONN);
	SYS_ERR(getpeername(c, (struct sockaddr *)&ss, &sl), ENOTCONN);
	SYS_ERR(recv(c, b, sizeof(b), 0), ENOTCONN);
	/* Linux TCP says EPIPE, POSIX (and net/smc) ENOTCONN: both accepted */
	r = send(c, "x", 1, MSG_NOSIGNAL);
	CHECK(r < 0 && (errno == EPIPE || errno == ENOTCONN),
	      "send on an unconnected socket returned %zd (%s), expected EPIPE or ENOTCONN", r,
	      errname(errno));
	return T_PASS;
}

static int t_poll_readiness(void)
{
	int c, s;
	short ev;
	char b[8];

	H(mk_pair(&c, &s));
	ev = poll_now(c, POLLIN | POLLOUT | POLLRDHUP, 0);
	CHECK(ev == POLLOUT, "fresh connection revents 0x%x, expected POLLOUT only", ev);
	SYS(send(s, "z", 1, 0));
	ev = (short)wait_fd(c, POLLIN, op_deadline());
	CHECK(ev == POLLIN, "after peer send revents 0x%x, expected POLLIN", ev);
	CHECK(recv(c, b, sizeof(b), 0) == 1, "recv != 1");
	ev = poll_now(c, POLLIN, 0);
	CHECK(ev == 0, "after draining revents 0x%x, expected 0", ev);
	SYS(close(s));
	ev = (short)wait_fd(c, POLLIN | POLLRDHUP, op_deadline());
	CHECK((ev & (POLLIN | POLLRDHUP)) == (POLLIN | POLLRDHUP),
	      "after peer close revents 0x%x, expected POLLIN|POLLRDHUP", ev);
	CHECK(recv(c, b, sizeof(b), 0) == 0, "recv after peer close is not EOF");
	ev = poll_now(c, POLLIN, 0);
	CHECK(ev & POLLIN, "EOF no longer readable (0x%x)", ev);
	return T_PASS;
}

static int t_select_readiness(void)
{
	int c, s, r;
	fd_set rs, ws;
	struct timeval tv;
	char b[8];

	H(mk_pair(&c, &s));
	FD_ZERO(&rs);
	FD_ZERO(&ws);
	FD_SET(c, &rs);
	FD_SET(c, &ws);
	tv = (struct timeval){ 0, 0 };
	SYS(r = select(c + 1, &rs, &ws, NULL, &tv));
	CHECK(r == 1 && FD_ISSET(c, &ws) && !FD_ISSET(c, &rs),
	      "fresh connection: select %d, read %d write %d", r, FD_ISSET(c, &rs),
	      FD_ISSET(c, &ws));
	SYS(send(s, "y", 1, 0));
	FD_ZERO(&rs);
	FD_SET(c, &rs);
	tv = (struct timeval){ (time_t)X.op_timeout, 0 };
	SYS(r = select(c + 1, &rs, NULL, NULL, &tv));
	CHECK(r == 1 && FD_ISSET(c, &rs), "not readable after peer send");
	CHECK(recv(c, b, sizeof(b), 0) == 1, "recv != 1");
	FD_ZERO(&rs);
	FD_SET(c, &rs);
	tv = (struct timeval){ 0, 50000 };
	SYS(r = select(c + 1, &rs, NULL, NULL, &tv));
	CHECK(r == 0, "readable after draining");
	SYS(shutdown(s, SHUT_WR));
	FD_ZERO(&rs);
	FD_SET(c, &rs);
	tv = (struct timeval){ (time_t)X.op_timeout, 0 };
	SYS(r = select(c + 1, &rs, NULL, NULL, &tv));
	CHECK(r == 1 && FD_ISSET(c, &rs), "not readable after peer shutdown");
	return T_PASS;
}

static int t_epoll_lt(void)
{
	int c, s, ep, n;
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT }, out[2];
	char b[16];
	int tmo = (int)(X.op_timeout * 1000);

	H(mk_pair(&c, &s));
	SYS(ep = epoll_create1(0));
	SYS(epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev));
	SYS(n = epoll_wait(ep, out, 2, tmo));
	CHECK(n == 1 && out[0].events == EPOLLOUT, "fresh: %d events 0x%x, expected EPOLLOUT", n,
	      n ? out[0].events : 0);
	SYS(send(s, "0123456789", 10, 0));
	int64_t dl = op_deadline();

	do {
		SYS(n = epoll_wait(ep, out, 2, tmo));
	} while (n == 1 && !(out[0].events & EPOLLIN) && now_ns() < dl);
	CHECK(n == 1 && out[0].events == (EPOLLIN | EPOLLOUT),
	      "after data: %d events 0x%x, expected EPOLLIN|EPOLLOUT", n, n ? out[0].events : 0);
	/* level-triggered: reported again while unread */
	SYS(n = epoll_wait(ep, out, 2, 0));
	CHECK(n == 1 && (out[0].events & EPOLLIN), "LT: EPOLLIN not repeated");
	H(recv_all(c, b, 10));
	SYS(n = epoll_wait(ep, out, 2, 0));
	CHECK(n == 1 && out[0].events == EPOLLOUT, "after drain: 0x%x, expected EPOLLOUT",
	      n ? out[0].events : 0);
	/* only EPOLLIN of interest: nothing while idle */
	ev.events = EPOLLIN;
	SYS(epoll_ctl(ep, EPOLL_CTL_MOD, c, &ev));
	SYS(n = epoll_wait(ep, out, 2, 50));
	CHECK(n == 0, "idle socket reported for EPOLLIN (0x%x)", n ? out[0].events : 0);
	return T_PASS;
}

static int t_epoll_et(void)
{
	int c, s, ep, n;
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET }, out[2];
	char b[32];
	int tmo = (int)(X.op_timeout * 1000);

	H(mk_pair(&c, &s));
	SYS(ep = epoll_create1(0));
	SYS(epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev));
	SYS(n = epoll_wait(ep, out, 2, 0));
	CHECK(n == 0, "ET: event on an idle socket (0x%x)", n ? out[0].events : 0);
	SYS(send(s, "first", 5, 0));
	SYS(n = epoll_wait(ep, out, 2, tmo));
	CHECK(n == 1 && (out[0].events & EPOLLIN), "ET: no EPOLLIN after data arrived");
	SYS(n = epoll_wait(ep, out, 2, 200));
	CHECK(n == 0, "ET: EPOLLIN reported again without new data (0x%x)", n ? out[0].events : 0);
	SYS(send(s, "second", 6, 0));
	SYS(n = epoll_wait(ep, out, 2, tmo));
	CHECK(n == 1 && (out[0].events & EPOLLIN), "ET: no EPOLLIN for the second arrival");
	H(recv_all(c, b, 11));
	CHECK(!memcmp(b, "firstsecond", 11), "data differs");
	SYS(n = epoll_wait(ep, out, 2, 100));
	CHECK(n == 0, "ET: event after draining (0x%x)", n ? out[0].events : 0);
	/* EPOLLOUT edge: once when armed, not again while nothing changes */
	ev.events = EPOLLOUT | EPOLLET;
	SYS(epoll_ctl(ep, EPOLL_CTL_MOD, c, &ev));
	SYS(n = epoll_wait(ep, out, 2, tmo));
	CHECK(n == 1 && (out[0].events & EPOLLOUT), "ET: no EPOLLOUT when armed");
	SYS(n = epoll_wait(ep, out, 2, 100));
	CHECK(n == 0, "ET: EPOLLOUT repeated (0x%x)", n ? out[0].events : 0);
	return T_PASS;
}

static int t_epoll_rdhup_hup(void)
{
	int c, s, ep, n;
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP }, out[2];
	int tmo = (int)(X.op_timeout * 1000);

	H(mk_pair(&c, &s));
	SYS(ep = epoll_create1(0));
	SYS(epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev));
	SYS(shutdown(s, SHUT_WR));
	SYS(n = epoll_wait(ep, out, 2, tmo));
	CHECK(n == 1 && (out[0].events & (EPOLLIN | EPOLLRDHUP)) == (EPOLLIN | EPOLLRDHUP),
	      "after peer SHUT_WR: 0x%x, expected EPOLLIN|EPOLLRDHUP", n ? out[0].events : 0);
	CHECK(!(out[0].events & (EPOLLHUP | EPOLLERR)), "after peer SHUT_WR: unexpected 0x%x",
	      out[0].events);
	/* both directions shut down: EPOLLHUP */
	SYS(shutdown(c, SHUT_WR));
	int64_t dl = op_deadline();

	do {
		SYS(n = epoll_wait(ep, out, 2, tmo));
	} while (n == 1 && !(out[0].events & EPOLLHUP) && now_ns() < dl && (sleep_ms(10), 1));
	CHECK(n == 1 && (out[0].events & EPOLLHUP), "after both shut down: 0x%x, no EPOLLHUP",
	      n ? out[0].events : 0);
	return T_PASS;
}

static int t_sendfile(void)
{
	int c, s, mfd;
	size_t len = (1 << 20) + 123;
	uint8_t *a = malloc(len);
	struct bg b = { .seed = 10 };
	off_t off = 0;

	CHECK(a, "malloc");
	H(mk_pair(&c, &s));
	SYS(mfd = memfd_create("smcr_sendfile", MFD_CLOEXEC));
	pat_fill(10, 0, a, len);
	CHECK(write(mfd, a, len) == (ssize_t)len, "write memfd");
	b.fd = s;
	b.total = len;
	H(bg_start(&b, bg_recv));
	while ((size_t)off < len) {
		ssize_t r = sendfile(c, mfd, &off, len - (size_t)off);

		if (r <= 0) {
			shutdown(c, SHUT_RDWR);
			pthread_join(b.t, NULL);
			FAIL("sendfile at %lld: %zd (%s)", (long long)off, r, errname(errno));
		}
	}
	H(bg_join(&b, "receiver"));
	/* with an offset pointer: *off advances, the file position does not */
	off_t pos = lseek(mfd, 0, SEEK_CUR);

	off = 1000;
	size_t want = 5000, got = 0;

	while (got < want) {
		ssize_t r = sendfile(c, mfd, &off, want - got);

		CHECK(r > 0, "sendfile(offset): %zd (%s)", r, errname(errno));
		got += (size_t)r;
	}
	CHECK(off == 6000, "offset advanced to %lld, expected 6000", (long long)off);
	CHECK(lseek(mfd, 0, SEEK_CUR) == pos, "file position changed by sendfile with offset");
	H(expect_data(s, a + 1000, 5000));
	free(a);
	return T_PASS;
}

static int t_splice_sock_to_file(void)
{
	int c, s, mfd, p[2];
	size_t len = 256 * 1024 + 77, moved = 0;
	struct bg b = { .seed = 11, .chunk = 32768 };
	loff_t foff = 0;
	uint8_t *got = malloc(len);

	CHECK(got, "malloc");
	H(mk_pair(&c, &s));
	SYS(mfd = memfd_create("smcr_splice", MFD_CLOEXEC));
	SYS(pipe(p));
	b.fd = s;
	b.total = len;
	H(bg_start(&b, bg_send));
	while (moved < len) {
		ssize_t in = splice(c, NULL, p[1], NULL, len - moved, SPLICE_F_MOVE);

		if (in <= 0) {
			shutdown(c, SHUT_RDWR);
			pthread_join(b.t, NULL);
			FAIL("splice(socket -> pipe) at %zu: %zd (%s)", moved, in,
			     in ? errname(errno) : "EOF");
		}
		for (ssize_t left = in; left > 0;) {
			ssize_t out = splice(p[0], NULL, mfd, &foff, (size_t)left, SPLICE_F_MOVE);

			CHECK(out > 0, "splice(pipe -> file): %zd (%s)", out, errname(errno));
			left -= out;
		}
		moved += (size_t)in;
	}
	H(bg_join(&b, "sender"));
	CHECK(foff == (loff_t)len, "file offset %lld, expected %zu", (long long)foff, len);
	CHECK(pread(mfd, got, len, 0) == (ssize_t)len, "pread");
	size_t bad = pat_verify(11, 0, got, len);

	CHECK(bad == len, "file content differs at byte %zu", bad);
	free(got);
	return T_PASS;
}

static int t_splice_pipe_to_sock(void)
{
	int c, s, p[2];
	size_t len = 256 * 1024 + 5, off = 0;
	struct bg b = { .seed = 12 };
	uint8_t chunk[16384];

	H(mk_pair(&c, &s));
	SYS(pipe(p));
	b.fd = s;
	b.total = len;
	H(bg_start(&b, bg_recv));
	while (off < len) {
		size_t n = len - off < sizeof(chunk) ? len - off : sizeof(chunk);

		pat_fill(12, off, chunk, n);
		CHECK(write(p[1], chunk, n) == (ssize_t)n, "write pipe");
		for (size_t left = n; left > 0;) {
			ssize_t r = splice(p[0], NULL, c, NULL, left, SPLICE_F_MOVE);

			if (r <= 0) {
				shutdown(c, SHUT_RDWR);
				pthread_join(b.t, NULL);
				FAIL("splice(pipe -> socket) at %zu: %zd (%s)", off, r,
				     errname(errno));
			}
			left -= (size_t)r;
		}
		off += n;
	}
	H(bg_join(&b, "receiver"));
	return T_PASS;
}

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	struct sockaddr_storage x = *a, y = *b;

	if (x.ss_family == AF_INET)
		((struct sockaddr_in *)&x)->sin_port = ((struct sockaddr_in *)&y)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&x)->sin6_port = ((struct sockaddr_in6 *)&y)->sin6_port = 0;
	return sockaddr_equal(&x, &y);
}

static int t_getsockname_getpeername(void)
{
	struct sockaddr_storage la, cn, cp, sn, sp, un;
	socklen_t l;
	int lfd, c, s;
	char b1[64], b2[64];
	socklen_t want = X.af == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);

	H(lfd = mk_listener(&la, false));
	CHECK(la.ss_family == X.af, "listener name family %d, expected %d", la.ss_family, X.af);
	CHECK(sockaddr_port(&la) != 0, "listener bound to port 0");
	CHECK(same_addr(&la, &X.sa), "listener bound to %s", fmt_sockaddr(&la, b1, sizeof(b1)));
	H(c = cli_sock());
	l = sizeof(un);
	memset(&un, 0xff, sizeof(un));
	SYS(getsockname(c, (struct sockaddr *)&un, &l));
	CHECK(l == want && un.ss_family == X.af, "unbound getsockname: len %u family %d", l,
	      un.ss_family);
	CHECK(sockaddr_port(&un) == 0, "unbound socket has port %u", sockaddr_port(&un));
	H(connect_to(c, &la));
	H(s = accept_bounded(lfd, 0));

	l = sizeof(cn);
	SYS(getsockname(c, (struct sockaddr *)&cn, &l));
	CHECK(l == want && cn.ss_family == X.af, "client name: len %u family %d", l, cn.ss_family);
	CHECK(sockaddr_port(&cn) != 0, "client name has port 0");
	if (X.srv_ns < 0) /* same host: the client uses the same local address */
		CHECK(same_addr(&cn, &X.sa), "client name %s", fmt_sockaddr(&cn, b1, sizeof(b1)));
	l = sizeof(cp);
	SYS(getpeername(c, (struct sockaddr *)&cp, &l));
	CHECK(l == want && cp.ss_family == X.af, "client peer: len %u family %d", l, cp.ss_family);
	CHECK(sockaddr_equal(&cp, &la), "client peer %s != listener %s",
	      fmt_sockaddr(&cp, b1, sizeof(b1)), fmt_sockaddr(&la, b2, sizeof(b2)));
	l = sizeof(sn);
	SYS(getsockname(s, (struct sockaddr *)&sn, &l));
	CHECK(l == want && sn.ss_family == X.af, "server name: len %u family %d", l, sn.ss_family);
	CHECK(sockaddr_equal(&sn, &la), "accepted name %s != listener %s",
	      fmt_sockaddr(&sn, b1, sizeof(b1)), fmt_sockaddr(&la, b2, sizeof(b2)));
	l = sizeof(sp);
	SYS(getpeername(s, (struct sockaddr *)&sp, &l));
	CHECK(l == want && sp.ss_family == X.af, "server peer: len %u family %d", l, sp.ss_family);
	CHECK(sockaddr_equal(&sp, &cn), "accepted peer %s != client name %s",
	      fmt_sockaddr(&sp, b1, sizeof(b1)), fmt_sockaddr(&cn, b2, sizeof(b2)));
	/* a short buffer: truncated, but the full length is reported */
	struct sockaddr_storage tiny;

	l = 4;
	SYS(getsockname(c, (struct sockaddr *)&tiny, &l));
	CHECK(l == want, "getsockname with short buffer reports len %u, expected %u", l, want);
	return T_PASS;
}

static int t_tcp_nodelay(void)
{
	int c, s, v, pre;
	struct sockaddr_storage la;
	int lfd;

	/* set before connect: must survive the connection setup */
	H(lfd = mk_listener(&la, false));
	H(pre = cli_sock());
	H(set_int(pre, IPPROTO_TCP, TCP_NODELAY, 1));
	H(connect_to(pre, &la));
	H(get_int(pre, IPPROTO_TCP, TCP_NODELAY, &v));
	CHECK(v == 1, "TCP_NODELAY set before connect reads %d after", v);
	close(lfd);

	H(mk_pair(&c, &s));
	int fds[2] = { c, s };

	for (int i = 0; i < 2; i++) {
		H(get_int(fds[i], IPPROTO_TCP, TCP_NODELAY, &v));
		CHECK(v == 0, "default TCP_NODELAY %d", v);
		H(set_int(fds[i], IPPROTO_TCP, TCP_NODELAY, 1));
		H(get_int(fds[i], IPPROTO_TCP, TCP_NODELAY, &v));
		CHECK(v == 1, "TCP_NODELAY reads %d after set 1", v);
		H(set_int(fds[i], IPPROTO_TCP, TCP_NODELAY, 0));
		H(get_int(fds[i], IPPROTO_TCP, TCP_NODELAY, &v));
		CHECK(v == 0, "TCP_NODELAY reads %d after set 0", v);
	}
	SYS(send(c, "n", 1, 0));
	H(expect_data(s, "n", 1));
	return T_PASS;
}

static int t_tcp_cork(void)
{
	int c, s, v;

	H(mk_pair(&c, &s));
	H(get_int(c, IPPROTO_TCP, TCP_CORK, &v));
	CHECK(v == 0, "default TCP_CORK %d", v);
	H(set_int(c, IPPROTO_TCP, TCP_CORK, 1));
	H(get_int(c, IPPROTO_TCP, TCP_CORK, &v));
	CHECK(v == 1, "TCP_CORK reads %d after set 1", v);
	SYS(send(c, "corked!!!!", 10, 0));
	H(set_int(c, IPPROTO_TCP, TCP_CORK, 0));
	H(get_int(c, IPPROTO_TCP, TCP_CORK, &v));
	CHECK(v == 0, "TCP_CORK reads %d after set 0", v);
	H(expect_data(s, "corked!!!!", 10));
	return T_PASS;
}

static int t_keepalive(void)
{
	int c, s, v;

	H(mk_pair(&c, &s));
	int fds[2] = { c, s };

	for (int i = 0; i < 2; i++) {
		H(get_int(fds[i], SOL_SOCKET, SO_KEEPALIVE, &v));
		CHECK(v == 0, "default SO_KEEPALIVE %d", v);
		H(set_int(fds[i], SOL_SOCKET, SO_KEEPALIVE, 1));
		H(get_int(fds[i], SOL_SOCKET, SO_KEEPALIVE, &v));
		CHECK(v == 1, "SO_KEEPALIVE reads %d after set 1", v);
		H(set_int(fds[i], IPPROTO_TCP, TCP_KEEPIDLE, 37));
		H(get_int(fds[i], IPPROTO_TCP, TCP_KEEPIDLE, &v));
		CHECK(v == 37, "TCP_KEEPIDLE reads %d after set 37", v);
		H(set_int(fds[i], IPPROTO_TCP, TCP_KEEPINTVL, 7));
		H(get_int(fds[i], IPPROTO_TCP, TCP_KEEPINTVL, &v));
		CHECK(v == 7, "TCP_KEEPINTVL reads %d after set 7", v);
		H(set_int(fds[i], IPPROTO_TCP, TCP_KEEPCNT, 3));
		H(get_int(fds[i], IPPROTO_TCP, TCP_KEEPCNT, &v));
		CHECK(v == 3, "TCP_KEEPCNT reads %d after set 3", v);
		SYS_ERR(setsockopt(fds[i], IPPROTO_TCP, TCP_KEEPIDLE, &(int){ 0 }, sizeof(int)),
			EINVAL);
		H(set_int(fds[i], SOL_SOCKET, SO_KEEPALIVE, 0));
		H(get_int(fds[i], SOL_SOCKET, SO_KEEPALIVE, &v));
		CHECK(v == 0, "SO_KEEPALIVE reads %d after set 0", v);
	}
	SYS(send(c, "k", 1, 0));
	H(expect_data(s, "k", 1));
	return T_PASS;
}

static int t_so_bufsizes(void)
{
	int c, s, f, v;

	H(f = cli_sock());
	H(mk_pair(&c, &s));
	int fds[3] = { f, c, s };

	for (int i = 0; i < 3; i++) {
		H(get_int(fds[i], SOL_SOCKET, SO_RCVBUF, &v));
		CHECK(v > 0, "default SO_RCVBUF %d", v);
		H(get_int(fds[i], SOL_SOCKET, SO_SNDBUF, &v));
		CHECK(v > 0, "default SO_SNDBUF %d", v);
		H(set_int(fds[i], SOL_SOCKET, SO_RCVBUF, 65536));
		H(get_int(fds[i], SOL_SOCKET, SO_RCVBUF, &v));
		CHECK(v >= 65536, "SO_RCVBUF reads %d after set 65536", v);
		H(set_int(fds[i], SOL_SOCKET, SO_SNDBUF, 98304));
		H(get_int(fds[i], SOL_SOCKET, SO_SNDBUF, &v));
		CHECK(v >= 98304, "SO_SNDBUF reads %d after set 98304", v);
	}
	SYS(send(c, "b", 1, 0));
	H(expect_data(s, "b", 1));
	return T_PASS;
}

static int t_so_reuseaddr(void)
{
	struct sockaddr_storage la;
	int l, c, s, l2, c2, s2, v;

	H(l = mk_listener(&la, true));
	H(get_int(l, SOL_SOCKET, SO_REUSEADDR, &v));
	CHECK(v == 1, "SO_REUSEADDR reads %d", v);
	H(c = cli_sock());
	H(connect_to(c, &la));
	H(s = accept_bounded(l, 0));
	SYS(send(c, "r", 1, 0));
	H(expect_data(s, "r", 1));
	/* server closes first: the TIME_WAIT (if any) is on the server port */
	SYS(close(s));
	H(expect_eof(c));
	SYS(close(c));
	SYS(close(l));
	sleep_ms(50);
	H(l2 = srv_sock());
	H(set_int(l2, SOL_SOCKET, SO_REUSEADDR, 1));
	SYS(bind(l2, (struct sockaddr *)&la, salen_of(&la)));
	SYS(listen(l2, 16));
	H(c2 = cli_sock());
	H(connect_to(c2, &la));
	H(s2 = accept_bounded(l2, 0));
	SYS(send(s2, "again", 5, 0));
	H(expect_data(c2, "again", 5));
	return T_PASS;
}

static int t_tcp_info(void)
{
	int c, s;
	struct tcp_info ti;
	socklen_t l;

	H(mk_pair(&c, &s));
	SYS(send(c, "info", 4, 0));
	H(expect_data(s, "info", 4));
	int fds[2] = { c, s };

	for (int i = 0; i < 2; i++) {
		memset(&ti, 0xee, sizeof(ti));
		l = sizeof(ti);
		SYS(getsockopt(fds[i], IPPROTO_TCP, TCP_INFO, &ti, &l));
		CHECK(l >= offsetof(struct tcp_info, tcpi_rcv_space),
		      "TCP_INFO length %u too short", l);
		CHECK(ti.tcpi_state == 1 /* TCP_ESTABLISHED */, "tcpi_state %u, expected 1",
		      ti.tcpi_state);
		CHECK(ti.tcpi_snd_mss > 0 && ti.tcpi_snd_mss <= 65536, "tcpi_snd_mss %u",
		      ti.tcpi_snd_mss);
		CHECK(ti.tcpi_rto > 0, "tcpi_rto %u", ti.tcpi_rto);
	}
	return T_PASS;
}

static int t_siocinq(void)
{
	int c, s, v, l;
	uint8_t a[1234], got[1234];
	struct sockaddr_storage la;

	H(mk_pair(&c, &s));
	CHECK(inq(c) == 0, "SIOCINQ %d on an idle connection", inq(c));
	fill(a, sizeof(a), 13);
	SYS(send(s, a, sizeof(a), 0));
	H(wait_inq(c, 1234));
	CHECK(recv(c, got, 234, 0) == 234, "recv 234");
	v = inq(c);
	CHECK(v == 1000, "SIOCINQ %d after reading 234 of 1234", v);
	H(recv_all(c, got + 234, 1000));
	CHECK(!memcmp(a, got, sizeof(a)), "data differs");
	CHECK(inq(c) == 0, "SIOCINQ %d after draining", inq(c));
	H(l = mk_listener(&la, false));
	SYS_ERR(ioctl(l, SIOCINQ, &v), EINVAL);
	return T_PASS;
}

static int t_siocoutq_full(void)
{
	int c, s, v;
	size_t sent = 0, cap = 512u << 20;
	uint8_t *buf = malloc(65536);
	short ev;
	int64_t dl;

	CHECK(buf, "malloc");
	H(mk_pair(&c, &s));
	SYS(ioctl(c, SIOCOUTQ, &v));
	CHECK(v == 0, "SIOCOUTQ %d on an idle connection", v);
	SYS(set_nonblock(c, true));
	for (;;) {
		pat_fill(14, sent, buf, 65536);
		ssize_t w = send(c, buf, 65536, MSG_NOSIGNAL);

		if (w < 0) {
			CHECK(errno == EAGAIN, "send: %s, expected EAGAIN eventually", errname(errno));
			/*
			 * The send buffer may be full of data already written into the peer's
			 * RMB, whose completion gives the space back (SIOCOUTQ counts the send
			 * buffer, as upstream's): full for good only once the RMB is full too,
			 * i.e. when no POLLOUT follows.
			 */
			ev = poll_now(c, POLLOUT, 300);
			CHECK(ev >= 0, "poll: %s", errname(errno));
			if (!(ev & POLLOUT))
				break;
			continue;
		}
		sent += (size_t)w;
		CHECK(sent < cap, "no EAGAIN after %zu bytes to a non-reading peer", sent);
	}
	SYS(ioctl(c, SIOCOUTQ, &v));
	CHECK(v > 0, "SIOCOUTQ %d with unread data queued", v);
	/* peer drains everything: writable again, queue empties */
	struct bg b = { .fd = s, .total = sent, .seed = 14 };

	bg_recv(&b);
	CHECK(b.ok, "drain: %s", b.err);
	ev = (short)wait_fd(c, POLLOUT, op_deadline());
	CHECK(ev & POLLOUT, "not writable after the peer drained (0x%x)", ev);
	dl = op_deadline();
	do {
		SYS(ioctl(c, SIOCOUTQ, &v));
		if (v)
			sleep_ms(5);
	} while (v && now_ns() < dl);
	CHECK(v == 0, "SIOCOUTQ stuck at %d after the peer read everything", v);
	free(buf);
	return T_PASS;
}

static int t_linger0_reset(void)
{
	int c, s;
	struct linger lg = { 1, 0 }, rd;
	socklen_t l = sizeof(rd);
	char b[8];
	ssize_t r;

	H(mk_pair(&c, &s));
	SYS(send(c, "x", 1, 0));
	H(expect_data(s, "x", 1));
	SYS(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	SYS(getsockopt(c, SOL_SOCKET, SO_LINGER, &rd, &l));
	CHECK(rd.l_onoff == 1 && rd.l_linger == 0, "SO_LINGER reads {%d,%d}", rd.l_onoff,
	      rd.l_linger);
	SYS(close(c));
	CHECK(wait_fd(s, POLLIN, op_deadline()) > 0, "peer saw nothing after abortive close");
	r = recv(s, b, sizeof(b), 0);
	CHECK(r < 0 && errno == ECONNRESET, "peer recv after SO_LINGER{1,0} close: %zd (%s), "
	      "expected ECONNRESET", r, r < 0 ? errname(errno) : "data/EOF");
	return T_PASS;
}

static int t_linger_close_unread(void)
{
	int c, s;
	struct linger lg = { 1, 2 };
	uint8_t *buf = malloc(65536);
	size_t sent = 0;
	int64_t t0;
	double el;

	CHECK(buf, "malloc");
	memset(buf, 'L', 65536);
	H(mk_pair(&c, &s));
	SYS(set_nonblock(c, true));
	for (;;) {
		ssize_t w = send(c, buf, 65536, MSG_NOSIGNAL);

		if (w < 0) {
			CHECK(errno == EAGAIN, "send: %s", errname(errno));
			break;
		}
		sent += (size_t)w;
		CHECK(sent < (512u << 20), "no EAGAIN");
	}
	SYS(set_nonblock(c, false));
	SYS(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	t0 = now_ns();
	SYS(close(c));
	el = (double)(now_ns() - t0) / 1e9;
	CHECK(el < 5.0, "close with SO_LINGER{1,2} and unread data took %.2f s", el);
	snprintf(reason, sizeof(reason), "close took %.2f s, %zu bytes unread", el, sent);
	free(buf);
	return T_PASS;
}

static int t_bind_addrinuse(void)
{
	struct sockaddr_storage la;
	int l, b1, b2;

	H(l = mk_listener(&la, false));
	H(b1 = srv_sock());
	SYS_ERR(bind(b1, (struct sockaddr *)&la, salen_of(&la)), EADDRINUSE);
	if (X.srv_ns < 0) { /* a client-family socket in the same netns */
		H(b2 = cli_sock());
		SYS_ERR(bind(b2, (struct sockaddr *)&la, salen_of(&la)), EADDRINUSE);
	}
	/* SO_REUSEADDR does not allow sharing a listening port */
	H(set_int(b1, SOL_SOCKET, SO_REUSEADDR, 1));
	SYS_ERR(bind(b1, (struct sockaddr *)&la, salen_of(&la)), EADDRINUSE);
	return T_PASS;
}

static int t_fcntl_nonblock(void)
{
	int c, s, fl;
	char b[4];
	int64_t t0;
	double el;

	H(mk_pair(&c, &s));
	SYS(fl = fcntl(c, F_GETFL));
	CHECK(!(fl & O_NONBLOCK), "connected socket starts non-blocking");
	SYS(fcntl(c, F_SETFL, fl | O_NONBLOCK));
	SYS_ERR(recv(c, b, 1, 0), EAGAIN);
	SYS(fcntl(c, F_SETFL, fl & ~O_NONBLOCK));
	SYS(set_sock_timeouts(c, 0.3));
	t0 = now_ns();
	SYS_ERR(recv(c, b, 1, 0), EAGAIN);
	el = (double)(now_ns() - t0) / 1e9;
	CHECK(el >= 0.25, "blocking again, but recv returned after %.3f s (SO_RCVTIMEO 0.3)", el);
	SYS(send(s, "nb", 2, 0));
	SYS(set_sock_timeouts(c, X.op_timeout));
	CHECK(recv(c, b, 2, MSG_WAITALL) == 2 && !memcmp(b, "nb", 2), "blocking recv of data");
	return T_PASS;
}

static int t_fionbio(void)
{
	int c, s, on = 1, fl;
	char b[4];

	H(mk_pair(&c, &s));
	SYS(ioctl(c, FIONBIO, &on));
	SYS(fl = fcntl(c, F_GETFL));
	CHECK(fl & O_NONBLOCK, "FIONBIO 1 did not set O_NONBLOCK");
	SYS_ERR(recv(c, b, 1, 0), EAGAIN);
	on = 0;
	SYS(ioctl(c, FIONBIO, &on));
	SYS(fl = fcntl(c, F_GETFL));
	CHECK(!(fl & O_NONBLOCK), "FIONBIO 0 did not clear O_NONBLOCK");
	SYS(send(s, "f", 1, 0));
	CHECK(recv(c, b, 1, 0) == 1, "blocking recv after FIONBIO 0");
	return T_PASS;
}

static int one_waitall(int from, int to, uint64_t seed, size_t len)
{
	struct bg b = { .fd = from, .total = len, .chunk = 65536, .seed = seed };
	uint8_t *got = malloc(len);
	ssize_t r;

	if (!got)
		return hfail("malloc");
	/* SO_RCVTIMEO is one budget for the whole MSG_WAITALL call: allow the test's bound */
	if (set_sock_timeouts(to, X.test_timeout))
		return hfail("SO_RCVTIMEO: %s", errname(errno));
	H(bg_start(&b, bg_send));
	r = recv(to, got, len, MSG_WAITALL);
	if (r != (ssize_t)len) {
		int e = errno;

		shutdown(from, SHUT_RDWR);
		pthread_join(b.t, NULL);
		return hfail("recv(MSG_WAITALL, %zu) returned %zd (%s)", len, r, errname(e));
	}
	H(bg_join(&b, "sender"));
	size_t bad = pat_verify(seed, 0, got, len);

	free(got);
	if (bad != len)
		return hfail("mismatch at byte %zu", bad);
	return 0;
}

static int t_large_waitall(void)
{
	int c, s;

	H(mk_pair(&c, &s));
	H(one_waitall(c, s, 15, 8u << 20));
	H(one_waitall(s, c, 16, 8u << 20));
	return T_PASS;
}

static int t_small_writes(void)
{
	int c, s;
	struct bg b = { .total = 10000, .chunk = 1, .seed = 17 };
	uint8_t got[10000];

	H(mk_pair(&c, &s));
	b.fd = c;
	H(bg_start(&b, bg_send));
	H(recv_all(s, got, sizeof(got)));
	H(bg_join(&b, "sender"));
	size_t bad = pat_verify(17, 0, got, sizeof(got));

	CHECK(bad == sizeof(got), "byte %zu out of order / wrong", bad);
	CHECK(recv(s, got, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN, "extra data after 10000 bytes");
	return T_PASS;
}

static int t_close_wakes_recv(void)
{
	int c, s;
	struct bg b = { 0 };
	int64_t t_close;

	H(mk_pair(&c, &s));
	b.fd = s;
	b.t_ret = 0;
	H(bg_start(&b, bg_block_recv));
	sleep_ms(200);
	CHECK(b.t_ret == 0, "recv returned before the peer closed (%zd)", b.ret);
	t_close = now_ns();
	SYS(close(c));
	pthread_join(b.t, NULL);
	CHECK(b.ret == 0, "blocked recv returned %zd (%s), expected 0", b.ret, b.err);
	CHECK(b.t_ret - t_close < 3000000000LL, "recv woke %.3f s after close",
	      (double)(b.t_ret - t_close) / 1e9);
	return T_PASS;
}

static int t_recv_timeout(void)
{
	int c, s;
	char b[4];
	int64_t t0;
	double el;

	H(mk_pair(&c, &s));
	SYS(set_sock_timeouts(c, 0.2));
	t0 = now_ns();
	SYS_ERR(recv(c, b, sizeof(b), 0), EAGAIN);
	el = (double)(now_ns() - t0) / 1e9;
	CHECK(el >= 0.15 && el < 3.0, "SO_RCVTIMEO 0.2 s: recv returned after %.3f s", el);
	return T_PASS;
}

static int t_send_timeout(void)
{
	int c, s;
	size_t chunk = 1u << 20, total = 0;
	uint8_t *buf = calloc(1, chunk);

	CHECK(buf, "malloc");
	H(mk_pair(&c, &s));
	SYS(set_sock_timeouts(c, 0.2));
	for (;;) {
		int64_t t0 = now_ns();
		ssize_t w = send(c, buf, chunk, MSG_NOSIGNAL);
		double el = (double)(now_ns() - t0) / 1e9;

		CHECK(el < 3.0, "blocking send with SO_SNDTIMEO 0.2 s took %.3f s", el);
		if (w < 0) {
			CHECK(errno == EAGAIN, "send: %s, expected EAGAIN", errname(errno));
			break;
		}
		total += (size_t)w;
		if ((size_t)w < chunk)
			break; /* partial send after the timeout: also TCP behaviour */
		CHECK(total < (512u << 20), "send never blocked");
	}
	free(buf);
	return T_PASS;
}

static int t_send_after_peer_close(void)
{
	int c, s;
	int64_t dl;
	ssize_t r = 0;

	H(mk_pair(&c, &s));
	SYS(close(s));
	H(expect_eof(c));
	dl = op_deadline();
	for (int i = 0; now_ns() < dl; i++) {
		r = send(c, "p", 1, MSG_NOSIGNAL);
		if (r < 0)
			break;
		sleep_ms(20);
	}
	CHECK(r < 0, "send to a closed peer kept succeeding");
	CHECK(errno == EPIPE || errno == ECONNRESET, "send to a closed peer: %s, expected "
	      "EPIPE or ECONNRESET", errname(errno));
	return T_PASS;
}

static int t_accept_many(void)
{
	enum { N = 64 };
	struct sockaddr_storage la, cn, peer;
	int l, cs[N];
	uint16_t ports[N];
	bool seen[N] = { false };

	H(l = mk_listener(&la, false));
	for (int i = 0; i < N; i++) {
		socklen_t sl = sizeof(cn);

		H(cs[i] = cli_sock());
		H(connect_to(cs[i], &la));
		SYS(getsockname(cs[i], (struct sockaddr *)&cn, &sl));
		ports[i] = sockaddr_port(&cn);
	}
	for (int i = 0; i < N; i++) {
		socklen_t pl = sizeof(peer);
		int s;

		CHECK(wait_fd(l, POLLIN, op_deadline()) > 0, "only %d of %d connections pending",
		      i, N);
		SYS(s = accept(l, (struct sockaddr *)&peer, &pl));
		int k = 0;

		while (k < N && ports[k] != sockaddr_port(&peer))
			k++;
		CHECK(k < N && !seen[k], "accepted an unknown or duplicate peer port %u",
		      sockaddr_port(&peer));
		seen[k] = true;
		close(s);
	}
	return T_PASS;
}

/* ---- registry ------------------------------------------------------------ */

struct test {
	const char *name;
	int (*fn)(void);
	const char *desc;
};

static const struct test tests[] = {
	{ "sockopt_defaults", t_sockopt_defaults, "SO_TYPE, SO_ERROR=0, SO_DOMAIN, SO_ACCEPTCONN" },
	{ "connect_accept_blocking", t_connect_accept_blocking, "blocking connect/accept, peer addr" },
	{ "connect_nonblock", t_connect_nonblock, "EINPROGRESS, POLLOUT, SO_ERROR 0, EISCONN" },
	{ "connect_nonblock_refused", t_connect_nonblock_refused, "POLLERR, SO_ERROR ECONNREFUSED" },
	{ "connect_refused", t_connect_refused, "blocking connect to closed port: ECONNREFUSED" },
	{ "accept4_flags", t_accept4_flags, "SOCK_NONBLOCK/SOCK_CLOEXEC, no O_NONBLOCK inheritance" },
	{ "accept_nonblock_eagain", t_accept_nonblock_eagain, "non-blocking accept: EAGAIN" },
	{ "accept_rcvtimeo", t_accept_rcvtimeo, "blocking accept honours SO_RCVTIMEO" },
	{ "listen_poll", t_listen_poll, "listener POLLIN when a connection is pending" },
	{ "listen_select", t_listen_select, "listener readable in select" },
	{ "listen_epoll", t_listen_epoll, "listener EPOLLIN, LT and ET" },
	{ "send_recv", t_send_recv, "send/recv both directions" },
	{ "sendto_recvfrom", t_sendto_recvfrom, "sendto/recvfrom, addrlen 0" },
	{ "sendmsg_recvmsg", t_sendmsg_recvmsg, "iovecs, MSG_WAITALL, msg_flags" },
	{ "readv_writev", t_readv_writev, "readv/writev" },
	{ "read_write", t_read_write, "read/write" },
	{ "msg_peek", t_msg_peek, "MSG_PEEK leaves data queued" },
	{ "msg_dontwait", t_msg_dontwait, "MSG_DONTWAIT on empty socket: EAGAIN" },
	{ "msg_waitall", t_msg_waitall, "MSG_WAITALL gathers several sends" },
	{ "shutdown_wr", t_shutdown_wr, "peer SHUT_WR: EOF, other direction works, EPIPE" },
	{ "shutdown_rd", t_shutdown_rd, "SHUT_RD: queued data, then EOF; POLLRDHUP; can send" },
	{ "shutdown_rdwr", t_shutdown_rdwr, "SHUT_RDWR: peer EOF, own EOF, EPIPE" },
	{ "unconnected_ops", t_unconnected_ops, "ENOTCONN for shutdown/getpeername/recv" },
	{ "poll_readiness", t_poll_readiness, "POLLOUT, POLLIN, POLLRDHUP after close" },
	{ "select_readiness", t_select_readiness, "select read/write sets" },
	{ "epoll_lt", t_epoll_lt, "level-triggered EPOLLIN/EPOLLOUT" },
	{ "epoll_et", t_epoll_et, "edge-triggered: once per arrival" },
	{ "epoll_rdhup_hup", t_epoll_rdhup_hup, "EPOLLRDHUP after peer SHUT_WR, EPOLLHUP" },
	{ "sendfile", t_sendfile, "sendfile from a memfd, with offset pointer" },
	{ "splice_sock_to_file", t_splice_sock_to_file, "splice socket -> pipe -> file" },
	{ "splice_pipe_to_sock", t_splice_pipe_to_sock, "splice pipe -> socket" },
	{ "getsockname_getpeername", t_getsockname_getpeername, "names, ports, families" },
	{ "tcp_nodelay", t_tcp_nodelay, "TCP_NODELAY set/get, before connect too" },
	{ "tcp_cork", t_tcp_cork, "TCP_CORK set/get, data flows after uncork" },
	{ "keepalive", t_keepalive, "SO_KEEPALIVE, TCP_KEEPIDLE/INTVL/CNT" },
	{ "so_bufsizes", t_so_bufsizes, "SO_RCVBUF/SO_SNDBUF >= requested" },
	{ "so_reuseaddr", t_so_reuseaddr, "SO_REUSEADDR re-bind after close" },
	{ "tcp_info", t_tcp_info, "TCP_INFO state ESTABLISHED, mss, rto" },
	{ "siocinq", t_siocinq, "SIOCINQ counts readable bytes; EINVAL on listener" },
	{ "siocoutq_full", t_siocoutq_full, "EAGAIN, no POLLOUT, SIOCOUTQ>0, then drains to 0" },
	{ "linger0_reset", t_linger0_reset, "SO_LINGER{1,0} close: peer ECONNRESET" },
	{ "linger_close_unread", t_linger_close_unread, "SO_LINGER{1,2} close returns in bound" },
	{ "bind_addrinuse", t_bind_addrinuse, "bind to a listening port: EADDRINUSE" },
	{ "fcntl_nonblock", t_fcntl_nonblock, "O_NONBLOCK toggling after connect" },
	{ "fionbio", t_fionbio, "ioctl FIONBIO" },
	{ "large_waitall", t_large_waitall, "8 MiB each way, blocking, MSG_WAITALL" },
	{ "small_writes", t_small_writes, "10000 x 1 byte, in order" },
	{ "close_wakes_recv", t_close_wakes_recv, "peer close wakes a blocked recv with 0" },
	{ "recv_timeout", t_recv_timeout, "SO_RCVTIMEO: EAGAIN after the timeout" },
	{ "send_timeout", t_send_timeout, "SO_SNDTIMEO bounds a blocked send" },
	{ "send_after_peer_close", t_send_after_peer_close, "EPIPE/ECONNRESET eventually" },
	{ "accept_many", t_accept_many, "64 pending connections, all accepted" },
};

/* ---- runner --------------------------------------------------------------- */

struct outcome {
	int code;
	char reason[512];
};

static void run_one(const struct test *t, struct outcome *o)
{
	int p[2];
	pid_t pid;
	int64_t dl;

	if (X.no_fork) {
		reason[0] = '\0';
		o->code = t->fn();
		snprintf(o->reason, sizeof(o->reason), "%s", reason);
		return;
	}
	if (pipe(p)) {
		o->code = T_FAIL;
		snprintf(o->reason, sizeof(o->reason), "pipe: %s", errname(errno));
		return;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		o->code = T_FAIL;
		snprintf(o->reason, sizeof(o->reason), "fork: %s", errname(errno));
		close(p[0]);
		close(p[1]);
		return;
	}
	if (pid == 0) {
		struct outcome r = { 0 };

		close(p[0]);
		reason[0] = '\0';
		r.code = t->fn();
		snprintf(r.reason, sizeof(r.reason), "%s", reason);
		if (write(p[1], &r, sizeof(r)) != (ssize_t)sizeof(r))
			_exit(3);
		_exit(0);
	}
	close(p[1]);
	dl = now_ns() + (int64_t)(X.test_timeout * 1e9);
	int ev = wait_fd(p[0], POLLIN, dl);
	ssize_t n = 0;

	if (ev > 0)
		n = read(p[0], o, sizeof(*o));
	close(p[0]);
	if (ev > 0 && n == (ssize_t)sizeof(*o)) {
		int st;

		/* the child exits right after reporting; don't wait forever for it */
		for (int i = 0; i < 500 && waitpid(pid, &st, WNOHANG) == 0; i++)
			sleep_ms(10);
		kill(pid, SIGKILL);
		waitpid(pid, &st, WNOHANG);
		return;
	}
	kill(pid, SIGKILL);
	int st = 0;
	pid_t w = 0;

	for (int i = 0; i < 500 && (w = waitpid(pid, &st, WNOHANG)) == 0; i++)
		sleep_ms(10);
	o->code = T_FAIL;
	if (ev == 0)
		snprintf(o->reason, sizeof(o->reason), "timeout: no result within %.0f s%s",
			 X.test_timeout, w == 0 ? " (child unkillable: stuck in the kernel?)" : "");
	else if (w > 0 && WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL)
		snprintf(o->reason, sizeof(o->reason), "crashed: signal %d", WTERMSIG(st));
	else
		snprintf(o->reason, sizeof(o->reason), "child died without a result");
}

static void usage(FILE *o)
{
	fprintf(o,
		"Usage: smcr_sockapi [--client smc|tcp] [--server smc|tcp] [--family smc|tcp]\n"
		"                    [-4|-6] [--addr A] [--timeout S] [--list]\n"
		"                    [--only NAME[,NAME...]] [--no-fork] [--server-netns PATH] [-v]\n"
		"\n"
		"Socket-API conformance suite; creates both ends itself. Every sub-test runs\n"
		"in its own child process, killed after --timeout S (default 30) seconds;\n"
		"single socket operations inside are bounded by min(10, S/3) seconds.\n"
		"\n"
		"  --client F     family of connecting sockets (default smc)\n"
		"  --server F     family of listening/accepted sockets (default smc)\n"
		"  --family F     both\n"
		"  -4 / -6        IPv4 (default) / IPv6\n"
		"  --addr A       numeric local address to use (default 127.0.0.1 / ::1)\n"
		"  --list         print the sub-test names and exit\n"
		"  --only LIST    run only these sub-tests (comma separated)\n"
		"  --no-fork      run sub-tests in-process (debugging; no timeout)\n"
		"  --server-netns PATH  create the server-side sockets in the network\n"
		"                 namespace PATH (/var/run/netns/NAME, /proc/PID/ns/net),\n"
		"                 the client side in ours: both ends in one process, yet a\n"
		"                 real network path between them (e.g. veth + RDMA devices,\n"
		"                 so SMC-R is used instead of the loopback fallback).\n"
		"                 Needs --addr: the server's address in that namespace.\n"
		"\n"
		"Output: one line per sub-test: 'PASS name[: note]', 'FAIL name: reason' or\n"
		"'SKIP name: reason', then the final line 'N passed, N failed[, N skipped]'.\n"
		"\n"
		"Exit codes: 0 all passed (skips allowed), 1 usage, 2 setup: the requested\n"
		"family cannot create sockets (e.g. AF_SMC: EAFNOSUPPORT), 10 some sub-tests\n"
		"failed.\n");
}

int main(int argc, char **argv)
{
	enum { O_CLIENT = 256, O_SERVER, O_FAMILY, O_ADDR, O_TIMEOUT, O_LIST, O_ONLY, O_NOFORK,
	       O_NETNS };
	static const struct option lo[] = {
		{ "client", required_argument, 0, O_CLIENT },
		{ "server", required_argument, 0, O_SERVER },
		{ "family", required_argument, 0, O_FAMILY },
		{ "addr", required_argument, 0, O_ADDR },
		{ "timeout", required_argument, 0, O_TIMEOUT },
		{ "list", no_argument, 0, O_LIST },
		{ "only", required_argument, 0, O_ONLY },
		{ "no-fork", no_argument, 0, O_NOFORK },
		{ "server-netns", required_argument, 0, O_NETNS },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *only = NULL, *netns = NULL;
	bool list = false;
	bool sel[ARRAY_SIZE(tests)];
	int c, passed = 0, failed = 0, skipped = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ignore_sigpipe();
	while ((c = getopt_long(argc, argv, "46vh", lo, NULL)) != -1) {
		bool bad = false;

		switch (c) {
		case '4': X.af = AF_INET; break;
		case '6': X.af = AF_INET6; break;
		case 'v': X.verbose = true; break;
		case 'h': usage(stdout); return EXIT_OK;
		case O_CLIENT: bad = parse_family(optarg, &X.cf.smc); break;
		case O_SERVER: bad = parse_family(optarg, &X.sf.smc); break;
		case O_FAMILY:
			bad = parse_family(optarg, &X.cf.smc);
			X.sf.smc = X.cf.smc;
			break;
		case O_ADDR: X.addr = optarg; break;
		case O_TIMEOUT: bad = parse_double(optarg, &X.test_timeout) || X.test_timeout < 1;
			break;
		case O_LIST: list = true; break;
		case O_ONLY: only = optarg; break;
		case O_NOFORK: X.no_fork = true; break;
		case O_NETNS: netns = optarg; break;
		default:
			fprintf(stderr, "smcr_sockapi: see --help\n");
			return EXIT_USAGE;
		}
		if (bad) {
			fprintf(stderr, "smcr_sockapi: bad value for option: %s\n", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "smcr_sockapi: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (list) {
		for (size_t i = 0; i < ARRAY_SIZE(tests); i++)
			printf("%-26s %s\n", tests[i].name, tests[i].desc);
		return EXIT_OK;
	}
	for (size_t i = 0; i < ARRAY_SIZE(tests); i++)
		sel[i] = only == NULL;
	if (only) {
		char *dup = strdup(only), *save = NULL;

		for (char *tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			size_t i = 0;

			while (i < ARRAY_SIZE(tests) && strcmp(tests[i].name, tok))
				i++;
			if (i == ARRAY_SIZE(tests)) {
				fprintf(stderr, "smcr_sockapi: unknown sub-test '%s' (see --list)\n",
					tok);
				return EXIT_USAGE;
			}
			sel[i] = true;
		}
		free(dup);
	}
	if (netns) {
		if (!X.addr) {
			fprintf(stderr, "smcr_sockapi: --server-netns needs --addr (the server's "
					"address in that namespace)\n");
			return EXIT_USAGE;
		}
		X.srv_ns = open(netns, O_RDONLY | O_CLOEXEC);
		X.orig_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (X.srv_ns < 0 || X.orig_ns < 0) {
			fprintf(stderr, "smcr_sockapi: cannot open %s: %s\n",
				X.srv_ns < 0 ? netns : "/proc/self/ns/net", strerror(errno));
			return EXIT_SETUP;
		}
	}
	X.cf.af = X.sf.af = X.af;
	X.op_timeout = X.test_timeout / 3 < 10 ? X.test_timeout / 3 : 10;
	bool addr_given = X.addr != NULL;

	if (!X.addr)
		X.addr = loopback_addr(X.af);
	if (make_sockaddr(X.af, X.addr, 0, &X.sa, &X.salen)) {
		fprintf(stderr, "smcr_sockapi: bad --addr '%s'\n", X.addr);
		return EXIT_USAGE;
	}
	printf("# smcr_sockapi client=%s server=%s %s addr=%s%s%s\n", fam_name(X.cf.smc),
	       fam_name(X.sf.smc), X.af == AF_INET6 ? "ipv6" : "ipv4", X.addr,
	       netns ? " server-netns=" : "", netns ? netns : "");

	/* preflight: without --addr, a host without (IPv6) loopback is a skip, not a failure */
	if (!addr_given) {
		int fd = socket(X.af, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0 || bind(fd, (struct sockaddr *)&X.sa, X.salen)) {
			printf("SKIP preflight: no usable %s loopback (%s)\n", X.addr, errname(errno));
			printf("0 passed, 0 failed, 1 skipped\n");
			return EXIT_OK;
		}
		close(fd);
	}
	/* preflight: can the requested families create sockets at all? */
	const struct fam *fs[2] = { &X.cf, &X.sf };

	for (int i = 0; i < 2; i++) {
		if (enter_srv_ns(i == 1)) {
			printf("FAIL preflight: %s\n0 passed, 1 failed\n", reason);
			return EXIT_SETUP;
		}
		int fd = fam_socket(fs[i], SOCK_CLOEXEC);
		int e = errno;

		leave_srv_ns(i == 1);
		if (fd < 0) {
			printf("FAIL preflight: socket(%s) for the %s side: %s (%s)\n",
			       fam_name(fs[i]->smc), i ? "server" : "client", errname(e), strerror(e));
			printf("0 passed, 1 failed\n");
			return EXIT_SETUP;
		}
		close(fd);
	}

	for (size_t i = 0; i < ARRAY_SIZE(tests); i++) {
		struct outcome o = { 0 };
		int64_t t0;

		if (!sel[i])
			continue;
		t0 = now_ns();
		run_one(&tests[i], &o);
		double el = (double)(now_ns() - t0) / 1e9;

		switch (o.code) {
		case T_PASS:
			passed++;
			if (o.reason[0])
				printf("PASS %s: %s\n", tests[i].name, o.reason);
			else if (X.verbose)
				printf("PASS %s (%.3f s)\n", tests[i].name, el);
			else
				printf("PASS %s\n", tests[i].name);
			break;
		case T_SKIP:
			skipped++;
			printf("SKIP %s: %s\n", tests[i].name, o.reason);
			break;
		default:
			failed++;
			printf("FAIL %s: %s\n", tests[i].name, o.reason[0] ? o.reason : "(no reason)");
			break;
		}
	}
	if (skipped)
		printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
	else
		printf("%d passed, %d failed\n", passed, failed);
	return failed ? EXIT_TESTS_FAILED : EXIT_OK;
}
