// SPDX-License-Identifier: GPL-2.0
/*
 * smcr_echo: non-blocking epoll echo server and many-client driver.
 *
 * server: non-blocking listener + epoll, accept4(SOCK_NONBLOCK); every byte read
 *         is written back. Level-triggered by default (EPOLLOUT only while output
 *         is pending), --et: edge-triggered with drain loops (read/accept/write
 *         until EAGAIN). A connection ends when the client shuts down its write
 *         side: pending output is flushed, then the server closes.
 * client: one thread drives --clients sockets at once: non-blocking connect ->
 *         EINPROGRESS -> EPOLLOUT -> SO_ERROR, then each client sends --msgs
 *         messages of --msgsize pattern bytes (at most --window messages in
 *         flight) and verifies every echoed byte, then shuts down its write side
 *         and expects EOF.
 */
#include "common.h"

#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define ECHO_BUF (64 * 1024)

static struct {
	bool server;
	struct fam fam;
	const char *addr;
	uint16_t port;
	double timeout;
	bool et;
	uint64_t count;
	uint64_t clients;
	uint64_t msgs;
	uint64_t msgsize;
	uint64_t window;
	uint64_t seed;
	int verbose;
} C = {
	.fam = { .smc = true, .af = AF_INET },
	.timeout = DEFAULT_TIMEOUT_S,
	.count = 0,
	.clients = 200,
	.msgs = 100,
	.msgsize = 1000,
	.window = 1,
	.seed = 0x6563686f, /* "echo" */
};

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* ---- server ------------------------------------------------------------ */

struct sconn {
	int fd;
	uint64_t idx;
	uint8_t buf[ECHO_BUF];
	size_t head, tail; /* pending output buf[head..tail) */
	bool eof;
	bool want_out; /* LT: registered for EPOLLOUT instead of EPOLLIN */
	uint64_t bytes;
	uint32_t crc;
};

static struct {
	uint64_t accepted, closed_ok, failed, bytes;
	uint32_t csum;
	int first_code;
	char first_site[32];
	int first_err;
	char first_msg[200];
	int64_t t_first, t_last;
} S;

static void srv_fail(struct sconn *c, int code, const char *site, int err, const char *msg)
{
	if (!S.first_code) {
		S.first_code = code;
		snprintf(S.first_site, sizeof(S.first_site), "%s", site);
		S.first_err = err;
		snprintf(S.first_msg, sizeof(S.first_msg), "conn %llu: %s",
			 (unsigned long long)c->idx, msg);
	}
	S.failed++;
	if (C.verbose)
		printf("CONN fail idx=%llu bytes=%llu site=%s errno=%s msg=%s\n",
		       (unsigned long long)c->idx, (unsigned long long)c->bytes, site,
		       err ? errname(err) : "none", msg);
}

static void srv_close(int ep, struct sconn *c, bool ok)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	if (ok) {
		S.closed_ok++;
		S.bytes += c->bytes;
		S.csum ^= c->crc;
		if (C.verbose)
			printf("CONN ok idx=%llu bytes=%llu csum=%08x\n", (unsigned long long)c->idx,
			       (unsigned long long)c->bytes, c->crc);
	}
	S.t_last = now_ns();
	free(c);
}

static int srv_mod(int ep, struct sconn *c, uint32_t ev)
{
	struct epoll_event e = { .events = ev, .data.ptr = c };

	return epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e);
}

/* Write pending output. Returns 1 all written, 0 EAGAIN, -1 error (conn closed). */
static int srv_flush(int ep, struct sconn *c)
{
	while (c->head < c->tail) {
		ssize_t w = send(c->fd, c->buf + c->head, c->tail - c->head,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			char m[96];

			snprintf(m, sizeof(m), "send: %s", strerror(errno));
			srv_fail(c, EXIT_IO, "send", errno, m);
			srv_close(ep, c, false);
			return -1;
		}
		c->head += (size_t)w;
	}
	c->head = c->tail = 0;
	return 1;
}

/* Read once into the (empty) buffer. Returns >0 bytes, 0 EOF, -2 EAGAIN, -1 error (closed). */
static ssize_t srv_read(int ep, struct sconn *c)
{
	for (;;) {
		ssize_t r = recv(c->fd, c->buf, sizeof(c->buf), MSG_DONTWAIT);

		if (r > 0) {
			c->crc = crc32c(c->crc, c->buf, (size_t)r);
			c->bytes += (uint64_t)r;
			c->head = 0;
			c->tail = (size_t)r;
			return r;
		}
		if (r == 0) {
			c->eof = true;
			return 0;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return -2;
		char m[96];

		snprintf(m, sizeof(m), "recv: %s", strerror(errno));
		srv_fail(c, EXIT_IO, "recv", errno, m);
		srv_close(ep, c, false);
		return -1;
	}
}

/* Edge-triggered: loop until the operation we wait on returns EAGAIN. */
static void srv_event_et(int ep, struct sconn *c)
{
	for (;;) {
		int f = srv_flush(ep, c);

		if (f < 0)
			return;
		if (f == 0)
			return; /* wait for the EPOLLOUT edge */
		if (c->eof) {
			shutdown(c->fd, SHUT_WR);
			srv_close(ep, c, true);
			return;
		}
		ssize_t r = srv_read(ep, c);

		if (r == -1 || r == -2)
			return; /* closed, or wait for the EPOLLIN edge */
	}
}

/* Level-triggered: one read or one flush per wakeup. */
static void srv_event_lt(int ep, struct sconn *c, uint32_t ev)
{
	if (c->want_out) {
		int f = srv_flush(ep, c);

		if (f <= 0)
			return;
		c->want_out = false;
		if (c->eof) {
			shutdown(c->fd, SHUT_WR);
			srv_close(ep, c, true);
			return;
		}
		srv_mod(ep, c, EPOLLIN | EPOLLRDHUP);
		return;
	}
	if (!(ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
		return;
	ssize_t r = srv_read(ep, c);

	if (r == -1 || r == -2)
		return;
	if (r > 0) {
		int f = srv_flush(ep, c);

		if (f < 0)
			return;
		if (f == 0) {
			c->want_out = true;
			srv_mod(ep, c, EPOLLOUT);
		}
		return;
	}
	/* EOF, nothing pending */
	shutdown(c->fd, SHUT_WR);
	srv_close(ep, c, true);
}

static int run_server(void)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int lfd, ep, one = 1;
	struct epoll_event ev, evs[256];
	uint32_t lflags = EPOLLIN | (C.et ? EPOLLET : 0);
	int64_t last_activity = now_ns();
	bool listening = true;
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	raise_nofile(65536);
	if (make_sockaddr(C.fam.af, C.addr, C.port, &ss, &sl))
		die_fail(EXIT_USAGE, "addr", EINVAL, "bad --addr '%s'", C.addr);
	lfd = fam_socket(&C.fam, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (lfd < 0)
		die_fail(EXIT_SETUP, "socket", errno, "socket(%s): %s", fam_name(C.fam.smc),
			 strerror(errno));
	if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
		die_fail(EXIT_SETUP, "setsockopt", errno, "SO_REUSEADDR: %s", strerror(errno));
	if (bind(lfd, (struct sockaddr *)&ss, sl))
		die_fail(EXIT_SETUP, "bind", errno, "bind: %s", strerror(errno));
	if (listen(lfd, 4096))
		die_fail(EXIT_SETUP, "listen", errno, "listen: %s", strerror(errno));
	sl = sizeof(ss);
	if (getsockname(lfd, (struct sockaddr *)&ss, &sl))
		die_fail(EXIT_SETUP, "getsockname", errno, "getsockname: %s", strerror(errno));
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		die_fail(EXIT_SETUP, "epoll_create", errno, "epoll_create1: %s", strerror(errno));
	ev.events = lflags;
	ev.data.ptr = NULL; /* NULL = listener */
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev))
		die_fail(EXIT_SETUP, "epoll_ctl", errno, "add listener: %s", strerror(errno));
	printf("READY %u\n", sockaddr_port(&ss));
	fflush(stdout);

	while (!stop_flag) {
		uint64_t open_conns = S.accepted - S.closed_ok - S.failed;

		if (C.count && S.accepted >= C.count && !open_conns)
			break;
		int n = epoll_wait(ep, evs, ARRAY_SIZE(evs), 500);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			die_fail(EXIT_SETUP, "epoll_wait", errno, "epoll_wait: %s", strerror(errno));
		}
		if (n == 0) {
			/* idle bound: with --count, or while connections are open */
			if ((C.count || open_conns) &&
			    (double)(now_ns() - last_activity) / 1e9 > C.timeout) {
				char m[160];

				snprintf(m, sizeof(m),
					 "no activity for %.1f s: %llu accepted, %llu open", C.timeout,
					 (unsigned long long)S.accepted, (unsigned long long)open_conns);
				if (!S.first_code) {
					S.first_code = EXIT_TIMEOUT;
					snprintf(S.first_site, sizeof(S.first_site), "%s",
						 S.accepted < C.count ? "accept" : "idle");
					S.first_err = ETIMEDOUT;
					snprintf(S.first_msg, sizeof(S.first_msg), "%s", m);
				}
				break;
			}
			continue;
		}
		last_activity = now_ns();
		for (int i = 0; i < n; i++) {
			struct sconn *c = evs[i].data.ptr;

			if (!c) {
				/* listener: ET drains the accept queue, LT takes one */
				for (;;) {
					if (!listening)
						break;
					int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

					if (fd < 0) {
						if (errno == EINTR || errno == ECONNABORTED)
							continue;
						if (errno == EAGAIN || errno == EWOULDBLOCK)
							break;
						die_fail(errno == EMFILE || errno == ENFILE
								 ? EXIT_SETUP
								 : EXIT_CONNECT,
							 "accept", errno, "accept4: %s", strerror(errno));
					}
					c = calloc(1, sizeof(*c));
					if (!c)
						die_fail(EXIT_SETUP, "malloc", ENOMEM, "out of memory");
					c->fd = fd;
					c->idx = S.accepted++;
					if (!S.t_first)
						S.t_first = now_ns();
					ev.events = C.et ? (EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET)
							 : (EPOLLIN | EPOLLRDHUP);
					ev.data.ptr = c;
					if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
						die_fail(EXIT_SETUP, "epoll_ctl", errno, "add conn: %s",
							 strerror(errno));
					if (C.count && S.accepted >= C.count) {
						epoll_ctl(ep, EPOLL_CTL_DEL, lfd, NULL);
						listening = false;
					}
					if (!C.et)
						break;
				}
				continue;
			}
			if (C.et)
				srv_event_et(ep, c);
			else
				srv_event_lt(ep, c, evs[i].events);
		}
	}
	close(lfd);
	double secs = S.t_first && S.t_last > S.t_first ? (double)(S.t_last - S.t_first) / 1e9 : 0;

	if (S.first_code) {
		printf("RESULT fail site=%s errno=%s role=server conns_ok=%llu conns_failed=%llu "
		       "msg=%s\n",
		       S.first_site, S.first_err ? errname(S.first_err) : "none",
		       (unsigned long long)S.closed_ok, (unsigned long long)S.failed, S.first_msg);
		fflush(stdout);
		return S.first_code;
	}
	printf("RESULT ok role=server mode=%s conns=%llu bytes=%llu secs=%.3f mbps=%.1f csum=%08x%s\n",
	       C.et ? "et" : "lt", (unsigned long long)S.closed_ok, (unsigned long long)S.bytes,
	       secs, secs > 0 ? (double)S.bytes * 2 * 8 / secs / 1e6 : 0.0, S.csum,
	       stop_flag ? " stopped=signal" : "");
	fflush(stdout);
	return EXIT_OK;
}

/* ---- client ------------------------------------------------------------ */

enum cstate { CS_CONNECTING, CS_RUNNING, CS_SHUT, CS_DONE, CS_FAILED };

struct cli {
	int fd;
	uint64_t idx;
	uint64_t seed;
	enum cstate st;
	uint64_t tx, rx, total;
	uint32_t crc;
	bool out_registered; /* LT: EPOLLOUT in the interest set */
};

static struct {
	uint64_t done, failed, connected;
	int first_code;
	char first_site[32];
	int first_err;
	char first_msg[256];
	uint32_t csum;
	uint64_t bytes;
} R;

static uint8_t scratch[ECHO_BUF];

__attribute__((format(printf, 5, 6))) static void cli_fail(struct cli *c, int code,
							   const char *site, int err,
							   const char *fmt, ...)
{
	va_list ap;
	char m[160];

	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	if (!R.first_code) {
		R.first_code = code;
		snprintf(R.first_site, sizeof(R.first_site), "%s", site);
		R.first_err = err;
		snprintf(R.first_msg, sizeof(R.first_msg), "client %llu: %s",
			 (unsigned long long)c->idx, m);
	}
	if (C.verbose)
		printf("CLIENT fail idx=%llu tx=%llu rx=%llu site=%s errno=%s msg=%s\n",
		       (unsigned long long)c->idx, (unsigned long long)c->tx,
		       (unsigned long long)c->rx, site, err ? errname(err) : "none", m);
	c->st = CS_FAILED;
	R.failed++;
	close(c->fd);
	c->fd = -1;
}

static void cli_interest(int ep, struct cli *c, bool want_out)
{
	struct epoll_event e = { .data.ptr = c };

	if (C.et || c->out_registered == want_out)
		return;
	e.events = EPOLLIN | EPOLLRDHUP | (want_out ? EPOLLOUT : 0);
	epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e);
	c->out_registered = want_out;
}

/* Make all the progress possible without blocking. Returns true if anything moved. */
static bool cli_io(int ep, struct cli *c)
{
	bool progress = false, blocked_out = false;

	for (;;) {
		bool moved = false;

		/* send: up to `window` messages ahead of what came back */
		uint64_t allowed = (c->rx / C.msgsize + C.window) * C.msgsize;

		if (allowed > c->total)
			allowed = c->total;
		blocked_out = false;
		while (c->st == CS_RUNNING && c->tx < allowed) {
			size_t n = allowed - c->tx > sizeof(scratch) ? sizeof(scratch)
								     : (size_t)(allowed - c->tx);

			pat_fill(c->seed, c->tx, scratch, n);
			ssize_t w = send(c->fd, scratch, n, MSG_NOSIGNAL | MSG_DONTWAIT);

			if (w < 0) {
				if (errno == EINTR)
					continue;
				if (errno == EAGAIN || errno == EWOULDBLOCK) {
					blocked_out = true;
					break;
				}
				cli_fail(c, EXIT_IO, "send", errno, "send: %s", strerror(errno));
				return true;
			}
			c->crc = crc32c(c->crc, scratch, (size_t)w);
			c->tx += (uint64_t)w;
			moved = true;
		}
		/* receive and verify */
		for (;;) {
			ssize_t r = recv(c->fd, scratch, sizeof(scratch), MSG_DONTWAIT);

			if (r < 0) {
				if (errno == EINTR)
					continue;
				if (errno == EAGAIN || errno == EWOULDBLOCK)
					break;
				cli_fail(c, EXIT_IO, "recv", errno, "recv: %s", strerror(errno));
				return true;
			}
			if (r == 0) {
				if (c->st == CS_SHUT && c->rx == c->total) {
					c->st = CS_DONE;
					R.done++;
					R.bytes += c->total;
					R.csum ^= c->crc;
					epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
					close(c->fd);
					c->fd = -1;
					return true;
				}
				cli_fail(c, EXIT_IO, "recv", 0,
					 "unexpected EOF after %llu of %llu echoed bytes",
					 (unsigned long long)c->rx, (unsigned long long)c->total);
				return true;
			}
			if (c->rx + (uint64_t)r > c->tx) {
				cli_fail(c, EXIT_SEMANTICS, "recv", 0,
					 "received %llu bytes but only %llu were sent",
					 (unsigned long long)(c->rx + (uint64_t)r),
					 (unsigned long long)c->tx);
				return true;
			}
			size_t bad = pat_verify(c->seed, c->rx, scratch, (size_t)r);

			if (bad < (size_t)r) {
				cli_fail(c, EXIT_MISMATCH, "verify", 0,
					 "echoed byte %llu: got 0x%02x expected 0x%02x",
					 (unsigned long long)(c->rx + bad), scratch[bad],
					 pat_byte(c->seed, c->rx + bad));
				return true;
			}
			c->rx += (uint64_t)r;
			moved = true;
		}
		if (c->st == CS_RUNNING && c->rx == c->total) {
			if (shutdown(c->fd, SHUT_WR)) {
				cli_fail(c, EXIT_IO, "shutdown", errno, "shutdown(SHUT_WR): %s",
					 strerror(errno));
				return true;
			}
			c->st = CS_SHUT;
			moved = true;
		}
		if (!moved)
			break;
		progress = true;
	}
	if (c->st == CS_RUNNING)
		cli_interest(ep, c, blocked_out);
	else if (c->st == CS_SHUT)
		cli_interest(ep, c, false);
	return progress;
}

static int run_client(void)
{
	struct sockaddr_storage dst;
	socklen_t dl;
	struct cli *cs;
	int ep;
	struct epoll_event evs[256];
	int64_t t0, last_progress, t_connected = 0;
	uint64_t finished = 0;

	if (!C.addr || !C.port)
		die_fail(EXIT_USAGE, "usage", EINVAL, "client needs --addr and --port");
	if (make_sockaddr(C.fam.af, C.addr, C.port, &dst, &dl))
		die_fail(EXIT_USAGE, "addr", EINVAL, "bad --addr '%s'", C.addr);
	raise_nofile((long)C.clients + 64);
	cs = calloc(C.clients, sizeof(*cs));
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (!cs || ep < 0)
		die_fail(EXIT_SETUP, "setup", errno, "calloc/epoll_create1: %s", strerror(errno));

	t0 = now_ns();
	for (uint64_t i = 0; i < C.clients; i++) {
		struct cli *c = &cs[i];
		struct epoll_event e = { .data.ptr = c };

		c->idx = i;
		c->seed = splitmix64(C.seed + i);
		c->total = C.msgs * C.msgsize;
		c->fd = fam_socket(&C.fam, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (c->fd < 0)
			die_fail(EXIT_SETUP, "socket", errno, "socket(%s) #%llu: %s",
				 fam_name(C.fam.smc), (unsigned long long)i, strerror(errno));
		if (connect(c->fd, (struct sockaddr *)&dst, dl) == 0) {
			c->st = CS_RUNNING; /* immediate success is legal too */
			R.connected++;
		} else if (errno == EINPROGRESS) {
			c->st = CS_CONNECTING;
		} else {
			cli_fail(c, EXIT_CONNECT, "connect", errno, "connect: %s", strerror(errno));
			continue;
		}
		/* connecting: EPOLLOUT signals completion (or failure: EPOLLERR) */
		e.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | (C.et ? EPOLLET : 0);
		c->out_registered = true;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &e))
			die_fail(EXIT_SETUP, "epoll_ctl", errno, "add: %s", strerror(errno));
	}
	if (R.connected == C.clients)
		t_connected = now_ns();
	for (uint64_t i = 0; i < C.clients; i++)
		if (cs[i].st == CS_RUNNING)
			cli_io(ep, &cs[i]);

	last_progress = now_ns();
	for (;;) {
		finished = R.done + R.failed;
		if (finished >= C.clients)
			break;
		int n = epoll_wait(ep, evs, ARRAY_SIZE(evs), 500);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			die_fail(EXIT_SETUP, "epoll_wait", errno, "epoll_wait: %s", strerror(errno));
		}
		for (int i = 0; i < n; i++) {
			struct cli *c = evs[i].data.ptr;

			if (c->st == CS_DONE || c->st == CS_FAILED)
				continue;
			if (c->st == CS_CONNECTING) {
				int err = 0;
				socklen_t el = sizeof(err);

				if (!(evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
					continue;
				if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el))
					err = errno;
				if (err) {
					cli_fail(c, EXIT_CONNECT, "connect", err, "connect: %s",
						 strerror(err));
					last_progress = now_ns();
					continue;
				}
				c->st = CS_RUNNING;
				if (++R.connected == C.clients)
					t_connected = now_ns();
				last_progress = now_ns();
			}
			if (cli_io(ep, c))
				last_progress = now_ns();
		}
		if ((double)(now_ns() - last_progress) / 1e9 > C.timeout) {
			uint64_t by[5] = { 0 };

			for (uint64_t i = 0; i < C.clients; i++)
				by[cs[i].st]++;
			printf("RESULT fail site=timeout errno=ETIMEDOUT role=client done=%llu "
			       "failed=%llu msg=no progress for %.1f s: %llu connecting, %llu running, "
			       "%llu awaiting EOF\n",
			       (unsigned long long)R.done, (unsigned long long)R.failed, C.timeout,
			       (unsigned long long)by[CS_CONNECTING],
			       (unsigned long long)by[CS_RUNNING], (unsigned long long)by[CS_SHUT]);
			fflush(stdout);
			return EXIT_TIMEOUT;
		}
	}
	double secs = (double)(now_ns() - t0) / 1e9;

	if (R.first_code) {
		printf("RESULT fail site=%s errno=%s role=client done=%llu failed=%llu msg=%s\n",
		       R.first_site, R.first_err ? errname(R.first_err) : "none",
		       (unsigned long long)R.done, (unsigned long long)R.failed, R.first_msg);
		fflush(stdout);
		return R.first_code;
	}
	printf("RESULT ok role=client mode=%s clients=%llu msgs=%llu msgsize=%llu bytes=%llu "
	       "secs=%.3f connect_secs=%.3f mbps=%.1f msgs_per_sec=%.0f csum=%08x\n",
	       C.et ? "et" : "lt", (unsigned long long)R.done, (unsigned long long)C.msgs,
	       (unsigned long long)C.msgsize, (unsigned long long)R.bytes, secs,
	       t_connected ? (double)(t_connected - t0) / 1e9 : 0.0,
	       secs > 0 ? (double)R.bytes * 2 * 8 / secs / 1e6 : 0.0,
	       secs > 0 ? (double)(R.done * C.msgs) / secs : 0.0, R.csum);
	fflush(stdout);
	return EXIT_OK;
}

/* ---- command line ------------------------------------------------------- */

static void usage(FILE *o)
{
	fprintf(o,
		"Usage:\n"
		"  smcr_echo server [--port P] [--addr A] [--et] [--count N] [common]\n"
		"  smcr_echo client --addr A --port P [--clients N] [--msgs M] [--msgsize S]\n"
		"                   [--window W] [--et] [--seed N] [common]\n"
		"Common: [--family smc|tcp] [-4|-6] [--timeout S] [-v]\n"
		"\n"
		"  --family smc|tcp  AF_SMC (default) or plain TCP sockets\n"
		"  -4 / -6           IPv4 (default) or IPv6\n"
		"  --et              edge-triggered epoll with drain loops (default: level)\n"
		"  --count N         server: exit after N connections have ended (0 = forever,\n"
		"                    the default; SIGINT/SIGTERM ends it with a RESULT line)\n"
		"  --clients N       client: concurrent connections, all driven by one thread\n"
		"                    (default 200)\n"
		"  --msgs M          client: messages per connection (default 100)\n"
		"  --msgsize S       client: bytes per message (default 1000; K/M suffixes)\n"
		"  --window W        client: messages in flight per connection (default 1 =\n"
		"                    ping-pong)\n"
		"  --timeout S       fail when nothing at all progresses for S seconds (60)\n"
		"  -v                per-connection CONN/CLIENT lines\n"
		"\n"
		"Output (stdout):\n"
		"  server: READY <port>    once listening\n"
		"  RESULT ok role=server mode=lt|et conns=N bytes=N secs=S mbps=M csum=X\n"
		"  RESULT ok role=client mode=lt|et clients=N msgs=M msgsize=S bytes=N secs=S\n"
		"         connect_secs=S mbps=M msgs_per_sec=R csum=X\n"
		"  RESULT fail site=WHERE errno=ENAME role=R ... msg=TEXT\n"
		"  bytes = payload per direction, mbps = megabits/s of both directions;\n"
		"  csum = XOR over connections of the CRC32C\n"
		"  of each connection's stream (server and client must print the same).\n"
		"\n" EXIT_CODES_HELP);
}

int main(int argc, char **argv)
{
	enum { O_FAMILY = 256, O_ADDR, O_PORT, O_ET, O_COUNT, O_CLIENTS, O_MSGS, O_MSGSIZE,
	       O_WINDOW, O_SEED, O_TIMEOUT };
	static const struct option lo[] = {
		{ "family", required_argument, 0, O_FAMILY },
		{ "addr", required_argument, 0, O_ADDR },
		{ "port", required_argument, 0, O_PORT },
		{ "et", no_argument, 0, O_ET },
		{ "count", required_argument, 0, O_COUNT },
		{ "clients", required_argument, 0, O_CLIENTS },
		{ "msgs", required_argument, 0, O_MSGS },
		{ "msgsize", required_argument, 0, O_MSGSIZE },
		{ "window", required_argument, 0, O_WINDOW },
		{ "seed", required_argument, 0, O_SEED },
		{ "timeout", required_argument, 0, O_TIMEOUT },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	int c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ignore_sigpipe();
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	if (!strcmp(argv[1], "server"))
		C.server = true;
	else if (strcmp(argv[1], "client")) {
		fprintf(stderr, "smcr_echo: first argument must be 'server' or 'client'\n");
		return EXIT_USAGE;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "46vh", lo, NULL)) != -1) {
		bool bad = false;

		switch (c) {
		case '4': C.fam.af = AF_INET; break;
		case '6': C.fam.af = AF_INET6; break;
		case 'v': C.verbose++; break;
		case 'h': usage(stdout); return EXIT_OK;
		case O_FAMILY: bad = parse_family(optarg, &C.fam.smc); break;
		case O_ADDR: C.addr = optarg; break;
		case O_PORT: bad = parse_port(optarg, &C.port); break;
		case O_ET: C.et = true; break;
		case O_COUNT: bad = parse_u64(optarg, &C.count); break;
		case O_CLIENTS: bad = parse_u64(optarg, &C.clients) || !C.clients ||
				      C.clients > 1000000; break;
		case O_MSGS: bad = parse_u64(optarg, &C.msgs); break;
		case O_MSGSIZE: bad = parse_size(optarg, &C.msgsize) || !C.msgsize; break;
		case O_WINDOW: bad = parse_u64(optarg, &C.window) || !C.window; break;
		case O_SEED: bad = parse_u64(optarg, &C.seed); break;
		case O_TIMEOUT: bad = parse_double(optarg, &C.timeout) || C.timeout <= 0; break;
		default:
			fprintf(stderr, "smcr_echo: see --help\n");
			return EXIT_USAGE;
		}
		if (bad) {
			fprintf(stderr, "smcr_echo: bad value for option: %s\n", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "smcr_echo: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	return C.server ? run_server() : run_client();
}
