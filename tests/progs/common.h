/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers for the smcr end-to-end test programs (tests/progs).
 *
 * Everything here is plain userspace C (gnu11), linked statically; no NSS, no
 * getaddrinfo: addresses are numeric only.
 */
#ifndef SMCR_PROGS_COMMON_H
#define SMCR_PROGS_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>

#ifndef AF_SMC
#define AF_SMC 43
#endif
#ifndef PF_SMC
#define PF_SMC AF_SMC
#endif
#ifndef SMCPROTO_SMC
#define SMCPROTO_SMC 0 /* SMC over IPv4 */
#endif
#ifndef SMCPROTO_SMC6
#define SMCPROTO_SMC6 1 /* SMC over IPv6 */
#endif

/* Exit codes shared by smcr_xfer, smcr_echo, smcr_sockinfo, smcr_wait_listen. */
enum {
	EXIT_OK = 0,        /* everything verified */
	EXIT_USAGE = 1,     /* bad command line */
	EXIT_SETUP = 2,     /* socket()/bind()/listen()/setsockopt()/resources */
	EXIT_CONNECT = 3,   /* connect()/accept() failed */
	EXIT_MISMATCH = 4,  /* data or checksum mismatch (local or reported by peer) */
	EXIT_IO = 5,        /* send/recv error, unexpected EOF, reset */
	EXIT_TIMEOUT = 6,   /* an operation exceeded --timeout (or the watchdog fired) */
	EXIT_SEMANTICS = 7, /* protocol/semantics violation (bad header, extra data...) */
	EXIT_TESTS_FAILED = 10, /* smcr_sockapi: at least one sub-test failed */
};

#define EXIT_CODES_HELP                                                        \
	"Exit codes:\n"                                                        \
	"  0  ok, everything verified\n"                                       \
	"  1  usage error\n"                                                   \
	"  2  setup failure: socket/bind/listen/setsockopt/resources\n"        \
	"     (socket() with EAFNOSUPPORT when AF_SMC is not available)\n"     \
	"  3  connect or accept failed\n"                                      \
	"  4  data or checksum mismatch (local, or reported by the peer)\n"    \
	"  5  I/O error: send/recv failure, reset, unexpected EOF\n"           \
	"  6  timeout: an operation made no progress for --timeout seconds\n"  \
	"  7  unexpected semantics / protocol violation\n"

#define DEFAULT_TIMEOUT_S 60.0

/* ---- socket family selection ---------------------------------------- */

struct fam {
	bool smc; /* AF_SMC instead of AF_INET/AF_INET6 */
	int af;   /* AF_INET or AF_INET6: address family of sockaddrs */
};

/* "smc" / "tcp" -> *smc; returns 0 or -1 */
int parse_family(const char *s, bool *smc);
const char *fam_name(bool smc);
/* socket(AF_SMC, SOCK_STREAM|flags, SMCPROTO_SMC[6]) or socket(af, SOCK_STREAM|flags, 0) */
int fam_socket(const struct fam *f, int type_flags);

/* ---- addresses ------------------------------------------------------ */

/* Numeric address (inet_pton; IPv6 may carry %scope as ifname or index).
 * addr NULL or "" means the wildcard address. Returns 0 or -1. */
int make_sockaddr(int af, const char *addr, uint16_t port, struct sockaddr_storage *ss,
		  socklen_t *len);
const char *loopback_addr(int af);
uint16_t sockaddr_port(const struct sockaddr_storage *ss);
/* "1.2.3.4:5" / "[::1]:5" into buf */
const char *fmt_sockaddr(const struct sockaddr_storage *ss, char *buf, size_t len);
/* Two addresses equal (family, address, port)? */
bool sockaddr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b);

/* ---- number parsing ------------------------------------------------- */

/* Decimal or 0x hex, optional K/M/G/T suffix (powers of 1024), "KiB" also ok. */
int parse_size(const char *s, uint64_t *out);
int parse_u64(const char *s, uint64_t *out);
int parse_double(const char *s, double *out);
int parse_port(const char *s, uint16_t *out);

/* ---- errors / reporting --------------------------------------------- */

/* "ECONNREFUSED"; "EOF" for 0; never NULL. */
const char *errname(int err);

/* Print "RESULT fail site=<site> errno=<name> msg=<msg>" on stdout (flushed). */
void print_fail(const char *site, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* print_fail() then exit(code). */
void die_fail(int code, const char *site, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5), noreturn));
/* errno -> exit code for a failed I/O syscall: ETIMEDOUT/EAGAIN -> EXIT_TIMEOUT, else EXIT_IO */
int io_errno_exit(int err);

/* ---- time ----------------------------------------------------------- */

int64_t now_ns(void);
double now_s(void);
void sleep_ms(unsigned ms);

/* ---- fd helpers ----------------------------------------------------- */

int set_nonblock(int fd, bool on);
/* SO_RCVTIMEO and SO_SNDTIMEO; secs <= 0 clears. Returns 0 or -1. */
int set_sock_timeouts(int fd, double secs);
/* poll() one fd until an event in `events` (or ERR/HUP) or deadline (ns, CLOCK_MONOTONIC;
 * <0 = forever). Returns revents, 0 on timeout, -1 on error (errno). Handles EINTR. */
int wait_fd(int fd, short events, int64_t deadline_ns);
/* Raise RLIMIT_NOFILE soft (and hard if possible) to at least `want`. Returns new soft. */
long raise_nofile(long want);
/* Connect with a bound: non-blocking connect + poll + SO_ERROR, fd's blocking
 * mode is restored afterwards. Returns 0 or -1 with errno (ETIMEDOUT on timeout). */
int connect_timeout(int fd, const struct sockaddr *sa, socklen_t len, double secs);
/* Ignore SIGPIPE process-wide (all programs use MSG_NOSIGNAL anyway). */
void ignore_sigpipe(void);

/* ---- deterministic data --------------------------------------------- */

/*
 * The pattern stream of a seed: byte i of the stream is byte (i % 8) (little
 * endian) of word(i / 8), word(k) = splitmix64(seed + (k + 1) * golden). Random
 * access, so both sides generate / verify any range independently.
 */
void pat_fill(uint64_t seed, uint64_t off, void *buf, size_t n);
/* Returns the index of the first mismatching byte in buf, or n if all match. */
size_t pat_verify(uint64_t seed, uint64_t off, const void *buf, size_t n);
uint8_t pat_byte(uint64_t seed, uint64_t off);
uint64_t splitmix64(uint64_t x);

/* xorshift64* PRNG for sizes etc. */
struct rng {
	uint64_t s;
};
void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
/* log-uniform size in [1, max] */
size_t rng_size(struct rng *r, size_t max);

/* ---- checksum: CRC32C (Castagnoli), as iSCSI/ext4 -------------------- */

/* crc32c(0, "123456789", 9) == 0xe3069283. Chain: crc = crc32c(crc, next, n). */
uint32_t crc32c(uint32_t crc, const void *buf, size_t n);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* SMCR_PROGS_COMMON_H */
