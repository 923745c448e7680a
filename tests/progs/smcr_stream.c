// SPDX-License-Identifier: GPL-2.0
/*
 * smcr_stream: one verified, paced stream that reports exactly how it ended — for tests that
 * break a connection on purpose (hostile peer, link loss) and check the error the application
 * sees and that everything delivered before it was intact.
 *
 *   smcr_stream server [--port P] [--addr A] [--bytes N] [--seed S] [common]
 *       accept one connection and read it to its end, verifying every byte against the pattern
 *       of seed S. With --bytes, EOF must come exactly after N bytes.
 *   smcr_stream client --addr A --port P [--bytes N] [--chunk N] [--interval-ms M] [--seed S]
 *       [common]
 *       send the pattern in writes of --chunk bytes (default 64K), sleeping --interval-ms
 *       (default 0) after each; --bytes 0 (default) sends until an error.
 *   common: [--family smc|tcp] [-4|-6] [--timeout S]
 *
 * Last line: "RESULT ok role=R bytes=N secs=T csum=X" or
 *            "RESULT fail site=send|recv|verify|... errno=ENAME role=R bytes=N secs=T csum=X
 *             msg=..." — bytes/csum (CRC32C) cover everything sent, or received and verified,
 *            before the end. A server also prints "PROGRESS bytes=N" about once a second.
 * Exit codes as smcr_xfer (common.h).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

#define CHUNK_MAX (1u << 20)

static struct {
	struct fam fam;
	const char *addr;
	uint16_t port;
	uint64_t bytes;
	uint64_t chunk;
	uint64_t interval_ms;
	uint64_t seed;
	double timeout;
} C = { .fam = { .smc = true, .af = AF_INET }, .chunk = 64 * 1024, .seed = 1,
	.timeout = DEFAULT_TIMEOUT_S };

static uint64_t g_bytes;
static uint32_t g_csum;
static double g_t0;

static void finish(int code, const char *role, const char *site, int err, const char *msg)
{
	if (code == EXIT_OK)
		printf("RESULT ok role=%s bytes=%llu secs=%.2f csum=%08x\n", role,
		       (unsigned long long)g_bytes, now_s() - g_t0, g_csum);
	else
		printf("RESULT fail site=%s errno=%s role=%s bytes=%llu secs=%.2f csum=%08x msg=%s\n",
		       site, errname(err), role, (unsigned long long)g_bytes, now_s() - g_t0, g_csum,
		       msg);
	exit(code);
}

static int run_server(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1, lfd, fd;
	double last = 0;
	size_t bad;
	ssize_t n;
	char *buf;

	if (make_sockaddr(C.fam.af, C.addr, C.port, &ss, &len))
		die_fail(EXIT_USAGE, "usage", EINVAL, "bad --addr");
	lfd = fam_socket(&C.fam, 0);
	if (lfd < 0)
		die_fail(EXIT_SETUP, "socket", errno, "socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&ss, len) || listen(lfd, 4))
		die_fail(EXIT_SETUP, "bind", errno, "bind/listen");
	len = sizeof(ss);
	if (getsockname(lfd, (struct sockaddr *)&ss, &len))
		die_fail(EXIT_SETUP, "getsockname", errno, "getsockname");
	printf("READY %u\n", sockaddr_port(&ss));
	if (wait_fd(lfd, POLLIN, now_ns() + (int64_t)(C.timeout * 1e9)) <= 0)
		die_fail(EXIT_CONNECT, "accept", ETIMEDOUT, "no connection");
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die_fail(EXIT_CONNECT, "accept", errno, "accept");
	close(lfd);
	set_sock_timeouts(fd, C.timeout);
	buf = malloc(CHUNK_MAX);
	if (!buf)
		die_fail(EXIT_SETUP, "malloc", ENOMEM, "malloc");
	g_t0 = now_s();
	for (;;) {
		n = recv(fd, buf, CHUNK_MAX, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			finish(io_errno_exit(errno), "server", "recv", errno, "recv failed");
		}
		if (n == 0)
			break;
		bad = pat_verify(C.seed, g_bytes, buf, (size_t)n);
		if (bad != (size_t)n) {
			g_bytes += bad;
			finish(EXIT_MISMATCH, "server", "verify", 0, "data mismatch");
		}
		g_csum = crc32c(g_csum, buf, (size_t)n);
		g_bytes += (uint64_t)n;
		if (now_s() - last >= 1.0) {
			last = now_s();
			printf("PROGRESS bytes=%llu\n", (unsigned long long)g_bytes);
		}
	}
	if (C.bytes && g_bytes != C.bytes)
		finish(EXIT_IO, "server", "eof", 0, "early EOF");
	finish(EXIT_OK, "server", NULL, 0, NULL);
	return 0;
}

static int run_client(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	size_t want = 1;
	ssize_t n;
	char *buf;
	int fd;

	if (!C.addr || !C.port)
		die_fail(EXIT_USAGE, "usage", EINVAL, "client needs --addr and --port");
	if (make_sockaddr(C.fam.af, C.addr, C.port, &ss, &len))
		die_fail(EXIT_USAGE, "usage", EINVAL, "bad --addr");
	fd = fam_socket(&C.fam, 0);
	if (fd < 0)
		die_fail(EXIT_SETUP, "socket", errno, "socket");
	if (connect_timeout(fd, (struct sockaddr *)&ss, len, C.timeout))
		die_fail(EXIT_CONNECT, "connect", errno, "connect");
	set_sock_timeouts(fd, C.timeout);
	buf = malloc(C.chunk);
	if (!buf)
		die_fail(EXIT_SETUP, "malloc", ENOMEM, "malloc");
	g_t0 = now_s();
	while (!C.bytes || g_bytes < C.bytes) {
		want = C.chunk;
		if (C.bytes && C.bytes - g_bytes < want)
			want = (size_t)(C.bytes - g_bytes);
		pat_fill(C.seed, g_bytes, buf, want);
		n = send(fd, buf, want, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			finish(io_errno_exit(errno), "client", "send", errno, "send failed");
		}
		g_csum = crc32c(g_csum, buf, (size_t)n);
		g_bytes += (uint64_t)n;
		if (C.interval_ms)
			sleep_ms((unsigned)C.interval_ms);
	}
	if (shutdown(fd, SHUT_WR))
		finish(EXIT_IO, "client", "shutdown", errno, "shutdown failed");
	/* the server closes after EOF: wait for it, so a reset after the data still counts */
	for (;;) {
		n = recv(fd, buf, C.chunk, 0);
		if (n == 0)
			break;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			finish(io_errno_exit(errno), "client", "recv", errno, "waiting for EOF");
		finish(EXIT_SEMANTICS, "client", "recv", 0, "server sent data");
	}
	finish(EXIT_OK, "client", NULL, 0, NULL);
	return 0;
}

int main(int argc, char **argv)
{
	enum { O_FAMILY = 256, O_ADDR, O_PORT, O_BYTES, O_CHUNK, O_INTERVAL, O_SEED, O_TIMEOUT };
	static const struct option lo[] = {
		{ "family", required_argument, 0, O_FAMILY },
		{ "addr", required_argument, 0, O_ADDR },
		{ "port", required_argument, 0, O_PORT },
		{ "bytes", required_argument, 0, O_BYTES },
		{ "chunk", required_argument, 0, O_CHUNK },
		{ "interval-ms", required_argument, 0, O_INTERVAL },
		{ "seed", required_argument, 0, O_SEED },
		{ "timeout", required_argument, 0, O_TIMEOUT },
		{ 0, 0, 0, 0 },
	};
	const char *mode;
	int c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ignore_sigpipe();
	if (argc < 2) {
		fprintf(stderr, "usage: smcr_stream server|client [options] (see the source)\n");
		return EXIT_USAGE;
	}
	mode = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "46", lo, NULL)) != -1) {
		switch (c) {
		case '4': C.fam.af = AF_INET; break;
		case '6': C.fam.af = AF_INET6; break;
		case O_FAMILY:
			if (parse_family(optarg, &C.fam.smc))
				die_fail(EXIT_USAGE, "usage", EINVAL, "bad --family");
			break;
		case O_ADDR: C.addr = optarg; break;
		case O_PORT:
			if (parse_port(optarg, &C.port))
				die_fail(EXIT_USAGE, "usage", EINVAL, "bad --port");
			break;
		case O_BYTES:
			if (parse_size(optarg, &C.bytes))
				die_fail(EXIT_USAGE, "usage", EINVAL, "bad --bytes");
			break;
		case O_CHUNK:
			if (parse_size(optarg, &C.chunk) || !C.chunk || C.chunk > CHUNK_MAX)
				die_fail(EXIT_USAGE, "usage", EINVAL, "bad --chunk");
			break;
		case O_INTERVAL:
			if (parse_u64(optarg, &C.interval_ms) || C.interval_ms > 60000)
				die_fail(EXIT_USAGE, "usage", EINVAL, "bad --interval-ms");
			break;
		case O_SEED:
			if (parse_u64(optarg, &C.seed))
				die_fail(EXIT_USAGE, "usage", EINVAL, "bad --seed");
			break;
		case O_TIMEOUT:
			if (parse_double(optarg, &C.timeout) || C.timeout <= 0)
				die_fail(EXIT_USAGE, "usage", EINVAL, "bad --timeout");
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (!strcmp(mode, "server"))
		return run_server();
	if (!strcmp(mode, "client"))
		return run_client();
	die_fail(EXIT_USAGE, "usage", EINVAL, "mode must be server or client");
}
