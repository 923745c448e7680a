// SPDX-License-Identifier: GPL-2.0
/*
 * smcr_tcpcheck: an ordinary TCP program (dynamically linked, nothing about SMC in it) for the
 * net.smc.tcp2smc / IPPROTO_SMC tests. It only ever asks for AF_INET/AF_INET6 sockets and reports
 * what the kernel gave it (SO_DOMAIN, SO_PROTOCOL), so a test can see whether a socket() call was
 * turned into AF_SMC.
 *
 *   smcr_tcpcheck socket FAMILY TYPE PROTOCOL     (numbers) create one socket, report it
 *   smcr_tcpcheck xfer [-4|-6] [--proto N] [--bytes N] [--hold FILE] [--timeout S] [--ulp NAME]
 *       a listener and a client on loopback, N bytes each way, every byte verified; --ulp sets
 *       TCP_ULP on the connected client first and reports the answer
 *   smcr_tcpcheck churn [--secs S] [--proto N]
 *       create and close socket(AF_INET, SOCK_STREAM, N) as fast as possible; count the outcomes
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *ename(int e)
{
	switch (e) {
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case ESOCKTNOSUPPORT: return "ESOCKTNOSUPPORT";
	case EINVAL: return "EINVAL";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOBUFS: return "ENOBUFS";
	case ENOMEM: return "ENOMEM";
	case ECONNREFUSED: return "ECONNREFUSED";
	case ECONNRESET: return "ECONNRESET";
	case EPIPE: return "EPIPE";
	case EAGAIN: return "EAGAIN";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ENOENT: return "ENOENT";
	case ENOTCONN: return "ENOTCONN";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EEXIST: return "EEXIST";
	default: return "other";
	}
}

static int sockopt_int(int fd, int name)
{
	int v = -1;
	socklen_t l = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, name, &v, &l))
		return -1;
	return v;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- socket ------------------------------------------------------------------------------- */

static int cmd_socket(int argc, char **argv)
{
	int fd;

	if (argc != 5) {
		fprintf(stderr, "usage: smcr_tcpcheck socket FAMILY TYPE PROTOCOL\n");
		return 1;
	}
	fd = socket(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
	if (fd < 0) {
		int e = errno;

		printf("SOCKET fail errno=%s (%d)\n", ename(e), e);
		return 2;
	}
	printf("SOCKET ok domain=%d type=%d protocol=%d\n", sockopt_int(fd, SO_DOMAIN),
	       sockopt_int(fd, SO_TYPE), sockopt_int(fd, SO_PROTOCOL));
	close(fd);
	return 0;
}

/* ---- xfer --------------------------------------------------------------------------------- */

/* byte i of stream @seed; FNV-1a 64 of what went through, for the RESULT line */
static inline uint8_t pattern(uint64_t seed, uint64_t i)
{
	uint64_t x = (i / 8 + 1) * 0x9e3779b97f4a7c15ull + seed;

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 29;
	return (uint8_t)(x >> (8 * (i % 8)));
}

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
	while (n--)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

#define FNV_INIT 0xcbf29ce484222325ull

struct stream {
	int fd;
	uint64_t seed, bytes;
	const char *err;	/* NULL: ok */
	int err_no;
	uint64_t sum;
};

/* send @bytes pattern bytes, then shut down the write side */
static void *sender(void *arg)
{
	struct stream *s = arg;
	uint8_t buf[16384];
	uint64_t off = 0;

	s->sum = FNV_INIT;
	while (off < s->bytes) {
		size_t n = s->bytes - off < sizeof(buf) ? s->bytes - off : sizeof(buf);
		size_t i, done;
		ssize_t w;

		for (i = 0; i < n; i++)
			buf[i] = pattern(s->seed, off + i);
		s->sum = fnv(s->sum, buf, n);
		for (done = 0; done < n; done += w) {
			w = send(s->fd, buf + done, n - done, MSG_NOSIGNAL);
			if (w <= 0) {
				s->err = "send";
				s->err_no = w < 0 ? errno : 0;
				return NULL;
			}
		}
		off += n;
	}
	if (shutdown(s->fd, SHUT_WR)) {
		s->err = "shutdown";
		s->err_no = errno;
	}
	return NULL;
}

/* receive until EOF, verifying every byte */
static void receiver(struct stream *s)
{
	uint8_t buf[16384];
	uint64_t off = 0;

	s->sum = FNV_INIT;
	for (;;) {
		ssize_t r = recv(s->fd, buf, sizeof(buf), 0);
		ssize_t i;

		if (r < 0) {
			s->err = "recv";
			s->err_no = errno;
			return;
		}
		if (r == 0)
			break;
		for (i = 0; i < r; i++) {
			if (buf[i] != pattern(s->seed, off + i)) {
				s->err = "verify";
				return;
			}
		}
		s->sum = fnv(s->sum, buf, r);
		off += r;
	}
	if (off != s->bytes)
		s->err = "length";
}

static int fail(const char *site, int e)
{
	printf("RESULT fail site=%s errno=%s (%d)\n", site, ename(e), e);
	return 5;
}

static void set_timeout(int fd, int secs)
{
	struct timeval tv = { .tv_sec = secs };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int cmd_xfer(int argc, char **argv)
{
	int af = AF_INET, proto = 0, timeout = 30, i, lfd, cfd, afd, ldom, cdom, lproto, cproto;
	uint64_t bytes = 1 << 20;
	const char *hold = NULL, *ulp = NULL;
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	struct stream up, down, up_rx, down_rx;
	pthread_t t1, t2;
	double t0;

	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-4"))
			af = AF_INET;
		else if (!strcmp(argv[i], "-6"))
			af = AF_INET6;
		else if (!strcmp(argv[i], "--proto") && i + 1 < argc)
			proto = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--bytes") && i + 1 < argc)
			bytes = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--hold") && i + 1 < argc)
			hold = argv[++i];
		else if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
			timeout = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--ulp") && i + 1 < argc)
			ulp = argv[++i];
		else {
			fprintf(stderr, "usage: smcr_tcpcheck xfer [-4|-6] [--proto N] [--bytes N] [--hold FILE] [--timeout S] [--ulp NAME]\n");
			return 1;
		}
	}

	lfd = socket(af, SOCK_STREAM, proto);
	if (lfd < 0)
		return fail("socket", errno);
	cfd = socket(af, SOCK_STREAM, proto);
	if (cfd < 0)
		return fail("socket", errno);
	/* before connect: a connection that falls back to TCP hands its descriptor to TCP */
	ldom = sockopt_int(lfd, SO_DOMAIN);
	cdom = sockopt_int(cfd, SO_DOMAIN);
	lproto = sockopt_int(lfd, SO_PROTOCOL);
	cproto = sockopt_int(cfd, SO_PROTOCOL);
	printf("SOCKS listener=%d/%d client=%d/%d\n", ldom, lproto, cdom, cproto);
	set_timeout(cfd, timeout);

	if (af == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		sl = sizeof(*a);
	}
	if (bind(lfd, (struct sockaddr *)&ss, sl))
		return fail("bind", errno);
	if (listen(lfd, 4))
		return fail("listen", errno);
	if (getsockname(lfd, (struct sockaddr *)&ss, &sl))
		return fail("getsockname", errno);

	if (hold) {
		struct stat st;
		double end = now() + 120;

		printf("HOLD\n");
		fflush(stdout);
		while (stat(hold, &st)) {
			if (now() > end)
				return fail("hold", ETIMEDOUT);
			usleep(20000);
		}
	}

	if (connect(cfd, (struct sockaddr *)&ss, sl))
		return fail("connect", errno);
	{
		struct pollfd p = { .fd = lfd, .events = POLLIN };

		if (poll(&p, 1, timeout * 1000) != 1)
			return fail("accept", ETIMEDOUT);
	}
	afd = accept(lfd, NULL, NULL);
	if (afd < 0)
		return fail("accept", errno);
	set_timeout(afd, timeout);
	printf("ACCEPTED domain=%d protocol=%d\n", sockopt_int(afd, SO_DOMAIN),
	       sockopt_int(afd, SO_PROTOCOL));
	if (ulp) {
		/* what a kTLS user does after its handshake (no keys: data still flows as is) */
		if (setsockopt(cfd, IPPROTO_TCP, TCP_ULP, ulp, strlen(ulp)))
			printf("ULP fail errno=%s (%d)\n", ename(errno), errno);
		else
			printf("ULP ok\n");
	}

	t0 = now();
	up = (struct stream){ .fd = cfd, .seed = 1, .bytes = bytes };
	down = (struct stream){ .fd = afd, .seed = 2, .bytes = bytes };
	up_rx = (struct stream){ .fd = afd, .seed = 1, .bytes = bytes };
	down_rx = (struct stream){ .fd = cfd, .seed = 2, .bytes = bytes };
	if (pthread_create(&t1, NULL, sender, &up) || pthread_create(&t2, NULL, sender, &down))
		return fail("thread", errno);
	receiver(&up_rx);
	receiver(&down_rx);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	{
		struct stream *all[] = { &up, &down, &up_rx, &down_rx };

		for (i = 0; i < 4; i++) {
			if (all[i]->err) {
				printf("RESULT fail site=%s errno=%s (%d)\n", all[i]->err,
				       ename(all[i]->err_no), all[i]->err_no);
				return 4;
			}
		}
	}
	if (up.sum != up_rx.sum || down.sum != down_rx.sum) {
		printf("RESULT fail site=checksum\n");
		return 4;
	}
	close(afd);
	close(cfd);
	close(lfd);
	printf("RESULT ok bytes=%llu c2s=%016llx s2c=%016llx secs=%.2f listener=%d client=%d\n",
	       (unsigned long long)bytes, (unsigned long long)up.sum,
	       (unsigned long long)down.sum, now() - t0, ldom, cdom);
	return 0;
}

/* ---- churn -------------------------------------------------------------------------------- */

static int cmd_churn(int argc, char **argv)
{
	unsigned long tcp = 0, smc = 0, other = 0, failed = 0, eafnos = 0;
	double secs = 5, end;
	int proto = 0, i;

	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--secs") && i + 1 < argc)
			secs = atof(argv[++i]);
		else if (!strcmp(argv[i], "--proto") && i + 1 < argc)
			proto = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: smcr_tcpcheck churn [--secs S] [--proto N]\n");
			return 1;
		}
	}
	end = now() + secs;
	while (now() < end) {
		int fd = socket(AF_INET, SOCK_STREAM, proto), d;

		if (fd < 0) {
			if (errno == EAFNOSUPPORT)
				eafnos++;
			else
				failed++;
			continue;
		}
		d = sockopt_int(fd, SO_DOMAIN);
		if (d == AF_INET)
			tcp++;
		else if (d == 43)	/* what the kernel reported, not something we asked for */
			smc++;
		else
			other++;
		close(fd);
	}
	printf("RESULT ok tcp=%lu domain43=%lu other=%lu eafnosupport=%lu failed=%lu\n", tcp, smc,
	       other, eafnos, failed);
	return other || failed ? 7 : 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && !strcmp(argv[1], "socket"))
		return cmd_socket(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "xfer"))
		return cmd_xfer(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "churn"))
		return cmd_churn(argc, argv);
	fprintf(stderr, "usage: smcr_tcpcheck socket|xfer|churn ...\n");
	return 1;
}
