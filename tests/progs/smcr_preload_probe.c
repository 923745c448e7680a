// SPDX-License-Identifier: GPL-2.0 OR MIT
// smcr_preload_probe: a dynamically linked program to run under smc_run (LD_PRELOAD does nothing
// to the static test programs). It creates sockets through the ordinary socket() call and reports
// what the kernel made of them, so the tests can see which calls libsmc-preload.so converted.
//
//   smcr_preload_probe kinds            one line per kind of socket:
//                                       NAME domain=D type=T protocol=P nonblock=0|1 cloexec=0|1
//                                       sndbuf=N rcvbuf=N   (or NAME error=ENAME)
//   smcr_preload_probe smc              exit 0 if socket(AF_SMC, SOCK_STREAM, 0) works here
//   smcr_preload_probe echo [-6]        a TCP echo over loopback inside this process: listen,
//                                       connect, 1 MiB each way, verified; prints the domains
//   smcr_preload_probe connect HOST PORT [HOLD]
//                                       connect (IPv4/IPv6 literal), print the socket's line as
//                                       above after connect, keep it open HOLD seconds
//   smcr_preload_probe threads N        N threads call socket() at once (the first use of the
//                                       library from many threads); prints the domains seen
// Exit status 0 on success, 1 on failure (with a message on stderr), 2 on bad usage.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

static int getint(int fd, int level, int opt) {
	int v = -1;
	socklen_t len = sizeof(v);
	if (getsockopt(fd, level, opt, &v, &len) < 0)
		return -1;
	return v;
}

static void describe(const char *name, int fd) {
	int fl = fcntl(fd, F_GETFL), fdfl = fcntl(fd, F_GETFD);
	printf("%s domain=%d type=%d protocol=%d nonblock=%d cloexec=%d sndbuf=%d rcvbuf=%d\n", name,
	       getint(fd, SOL_SOCKET, SO_DOMAIN), getint(fd, SOL_SOCKET, SO_TYPE),
	       getint(fd, SOL_SOCKET, SO_PROTOCOL), (fl & O_NONBLOCK) ? 1 : 0,
	       (fdfl & FD_CLOEXEC) ? 1 : 0, getint(fd, SOL_SOCKET, SO_SNDBUF),
	       getint(fd, SOL_SOCKET, SO_RCVBUF));
}

static int kinds(void) {
	static const struct {
		const char *name;
		int domain, type, protocol;
	} k[] = {
		{"inet_stream_0", AF_INET, SOCK_STREAM, 0},
		{"inet_stream_tcp", AF_INET, SOCK_STREAM, IPPROTO_TCP},
		{"inet_stream_nb_cloexec", AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0},
		{"inet6_stream_0", AF_INET6, SOCK_STREAM, 0},
		{"inet6_stream_tcp_nb", AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, IPPROTO_TCP},
		{"inet6_stream_cloexec", AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0},
		{"inet_dgram_0", AF_INET, SOCK_DGRAM, 0},
		{"inet6_dgram_udp", AF_INET6, SOCK_DGRAM, IPPROTO_UDP},
		{"inet_stream_mptcp", AF_INET, SOCK_STREAM, IPPROTO_MPTCP},
		{"inet_stream_sctp", AF_INET, SOCK_STREAM, IPPROTO_SCTP},
		{"inet_raw_tcp", AF_INET, SOCK_RAW, IPPROTO_TCP},
		{"unix_stream", AF_UNIX, SOCK_STREAM, 0},
		{"unix_dgram", AF_UNIX, SOCK_DGRAM, 0},
		{"unix_seqpacket", AF_UNIX, SOCK_SEQPACKET, 0},
	};
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		errno = 0;
		int fd = socket(k[i].domain, k[i].type, k[i].protocol);
		if (fd < 0) {
			printf("%s error=%s\n", k[i].name, strerrorname_np(errno));
			continue;
		}
		describe(k[i].name, fd);
		close(fd);
	}
	return 0;
}

static int xfer_all(int fd, char *buf, size_t len, int wr) {
	size_t done = 0;
	while (done < len) {
		ssize_t n = wr ? write(fd, buf + done, len - done) : read(fd, buf + done, len - done);
		if (n <= 0) {
			fprintf(stderr, "probe: %s: %s\n", wr ? "write" : "read",
				n < 0 ? strerror(errno) : "early EOF");
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

struct echo_srv {
	int lfd;
	size_t len;
	int rc;
};

static void *echo_server(void *arg) {
	struct echo_srv *s = arg;
	char *buf = malloc(s->len);
	int fd = accept(s->lfd, NULL, NULL);
	s->rc = 1;
	if (fd < 0 || !buf) {
		perror("probe: accept");
	} else {
		if (xfer_all(fd, buf, s->len, 0) == 0 && xfer_all(fd, buf, s->len, 1) == 0)
			s->rc = 0;
		close(fd);
	}
	free(buf);
	return NULL;
}

static int echo(int v6) {
	const size_t len = 1 << 20;
	int family = v6 ? AF_INET6 : AF_INET;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	memset(&ss, 0, sizeof(ss));
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	}
	int lfd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&ss, v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)) < 0 ||
	    listen(lfd, 4) < 0 || getsockname(lfd, (struct sockaddr *)&ss, &sl) < 0) {
		perror("probe: listen");
		return 1;
	}
	describe("listener", lfd);
	struct echo_srv srv = {lfd, len, 1};
	pthread_t th;
	if (pthread_create(&th, NULL, echo_server, &srv) != 0) {
		fprintf(stderr, "probe: pthread_create failed\n");
		return 1;
	}
	int fd = socket(family, SOCK_STREAM, IPPROTO_TCP);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, sl) < 0) {
		perror("probe: connect");
		return 1;
	}
	describe("client", fd);
	char *out = malloc(len), *in = malloc(len);
	if (!out || !in)
		return 1;
	for (size_t i = 0; i < len; i++)
		out[i] = (char)(i * 2654435761u >> 13);
	int rc = xfer_all(fd, out, len, 1) || xfer_all(fd, in, len, 0);
	pthread_join(th, NULL);
	if (!rc && memcmp(out, in, len) != 0) {
		fprintf(stderr, "probe: echoed data differs\n");
		rc = 1;
	}
	if (!rc && !srv.rc)
		printf("echo ok %zu bytes\n", len);
	close(fd);
	close(lfd);
	free(out);
	free(in);
	return rc || srv.rc;
}

static int do_connect(const char *host, const char *port, int hold) {
	struct sockaddr_storage ss;
	socklen_t sl;
	memset(&ss, 0, sizeof(ss));
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((unsigned short)atoi(port));
		sl = sizeof(*a4);
	} else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((unsigned short)atoi(port));
		sl = sizeof(*a6);
	} else {
		fprintf(stderr, "probe: bad address %s\n", host);
		return 2;
	}
	int fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, sl) < 0) {
		perror("probe: connect");
		return 1;
	}
	describe("connected", fd);
	fflush(stdout);
	if (hold > 0)
		sleep((unsigned)hold);
	close(fd);
	return 0;
}

static pthread_barrier_t bar;
static void *thread_main(void *arg) {
	int *dom = arg;
	pthread_barrier_wait(&bar);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	*dom = fd < 0 ? -errno : getint(fd, SOL_SOCKET, SO_DOMAIN);
	if (fd >= 0)
		close(fd);
	return NULL;
}

static int threads(int n) {
	if (n < 1 || n > 256)
		return 2;
	pthread_t th[256];
	int dom[256];
	pthread_barrier_init(&bar, NULL, (unsigned)n);
	for (int i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, thread_main, &dom[i]) != 0)
			return 1;
	int rc = 0;
	for (int i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		printf("thread %d domain=%d\n", i, dom[i]);
		if (dom[i] < 0)
			rc = 1;
	}
	return rc;
}

int main(int argc, char **argv) {
	if (argc >= 2 && !strcmp(argv[1], "kinds"))
		return kinds();
	if (argc >= 2 && !strcmp(argv[1], "smc")) {
		int fd = socket(43, SOCK_STREAM, 0);
		if (fd < 0) {
			printf("AF_SMC: %s\n", strerrorname_np(errno));
			return 1;
		}
		close(fd);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "echo"))
		return echo(argc >= 3 && !strcmp(argv[2], "-6"));
	if (argc >= 4 && !strcmp(argv[1], "connect"))
		return do_connect(argv[2], argv[3], argc >= 5 ? atoi(argv[4]) : 0);
	if (argc >= 3 && !strcmp(argv[1], "threads"))
		return threads(atoi(argv[2]));
	fprintf(stderr, "usage: smcr_preload_probe kinds | smc | echo [-6] | connect HOST PORT [HOLD] | threads N\n");
	return 2;
}
