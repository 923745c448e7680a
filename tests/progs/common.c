// SPDX-License-Identifier: GPL-2.0
/* Shared helpers for the smcr end-to-end test programs. See common.h. */
#include "common.h"

#include <arpa/inet.h>
#include <endian.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* ---- family ---------------------------------------------------------- */

int parse_family(const char *s, bool *smc)
{
	if (!strcmp(s, "smc")) {
		*smc = true;
		return 0;
	}
	if (!strcmp(s, "tcp")) {
		*smc = false;
		return 0;
	}
	return -1;
}

const char *fam_name(bool smc)
{
	return smc ? "smc" : "tcp";
}

int fam_socket(const struct fam *f, int type_flags)
{
	if (f->smc)
		return socket(AF_SMC, SOCK_STREAM | type_flags,
			      f->af == AF_INET6 ? SMCPROTO_SMC6 : SMCPROTO_SMC);
	return socket(f->af, SOCK_STREAM | type_flags, 0);
}

/* ---- addresses -------------------------------------------------------- */

int make_sockaddr(int af, const char *addr, uint16_t port, struct sockaddr_storage *ss,
		  socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (af == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		if (addr && *addr && inet_pton(AF_INET, addr, &sin->sin_addr) != 1)
			return -1;
		*len = sizeof(*sin);
		return 0;
	}
	if (af == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
		char tmp[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
		char *pct;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*len = sizeof(*sin6);
		if (!addr || !*addr)
			return 0;
		if (strlen(addr) >= sizeof(tmp))
			return -1;
		strcpy(tmp, addr);
		pct = strchr(tmp, '%');
		if (pct) {
			char *end;
			unsigned long idx;

			*pct++ = '\0';
			idx = strtoul(pct, &end, 10);
			if (*pct && !*end)
				sin6->sin6_scope_id = (uint32_t)idx;
			else if (!(sin6->sin6_scope_id = if_nametoindex(pct)))
				return -1;
		}
		if (inet_pton(AF_INET6, tmp, &sin6->sin6_addr) != 1)
			return -1;
		return 0;
	}
	return -1;
}

const char *loopback_addr(int af)
{
	return af == AF_INET6 ? "::1" : "127.0.0.1";
}

uint16_t sockaddr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

const char *fmt_sockaddr(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(sin->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(sin6->sin6_port));
	} else {
		snprintf(buf, len, "<family %d>", ss->ss_family);
	}
	return buf;
}

bool sockaddr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr));
	}
	return false;
}

/* ---- numbers ---------------------------------------------------------- */

int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	default:
		return -1;
	}
	if (shift && (!strcmp(end, "iB") || !strcmp(end, "B") || !strcmp(end, "ib")))
		end += strlen(end);
	if (*end)
		return -1;
	if (shift && v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

int parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || v < 0)
		return -1;
	*out = v;
	return 0;
}

int parse_port(const char *s, uint16_t *out)
{
	uint64_t v;

	if (parse_u64(s, &v) || v > 65535)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

/* ---- errors ----------------------------------------------------------- */

const char *errname(int err)
{
	static __thread char buf[16];
	const char *n;

	if (err == 0)
		return "EOF";
	n = strerrorname_np(err);
	if (n)
		return n;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

static void vprint_fail(const char *site, int err, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	for (char *p = msg; *p; p++)
		if (*p == '\n')
			*p = ' ';
	printf("RESULT fail site=%s errno=%s msg=%s\n", site, err ? errname(err) : "none", msg);
	fflush(stdout);
}

void print_fail(const char *site, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint_fail(site, err, fmt, ap);
	va_end(ap);
}

void die_fail(int code, const char *site, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint_fail(site, err, fmt, ap);
	va_end(ap);
	exit(code);
}

int io_errno_exit(int err)
{
	if (err == EAGAIN || err == EWOULDBLOCK || err == ETIMEDOUT)
		return EXIT_TIMEOUT;
	return EXIT_IO;
}

/* ---- time ------------------------------------------------------------- */

int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

double now_s(void)
{
	return (double)now_ns() / 1e9;
}

void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ---- fds -------------------------------------------------------------- */

int set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	fl = on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
	return fcntl(fd, F_SETFL, fl);
}

int set_sock_timeouts(int fd, double secs)
{
	struct timeval tv = { 0, 0 };

	if (secs > 0) {
		tv.tv_sec = (time_t)secs;
		tv.tv_usec = (suseconds_t)((secs - (double)tv.tv_sec) * 1e6);
		if (!tv.tv_sec && !tv.tv_usec)
			tv.tv_usec = 1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		return -1;
	return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

int wait_fd(int fd, short events, int64_t deadline_ns)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		int tmo = -1, r;

		if (deadline_ns >= 0) {
			int64_t left = deadline_ns - now_ns();

			if (left <= 0)
				tmo = 0;
			else
				tmo = (int)((left + 999999) / 1000000);
		}
		r = poll(&p, 1, tmo);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r > 0)
			return p.revents;
		if (deadline_ns >= 0 && now_ns() >= deadline_ns)
			return 0;
	}
}

long raise_nofile(long want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -1;
	if ((long)rl.rlim_cur >= want)
		return (long)rl.rlim_cur;
	if ((long)rl.rlim_max < want) {
		struct rlimit r2 = { (rlim_t)want, (rlim_t)want };

		if (!setrlimit(RLIMIT_NOFILE, &r2))
			return want;
	}
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	getrlimit(RLIMIT_NOFILE, &rl);
	return (long)rl.rlim_cur;
}

int connect_timeout(int fd, const struct sockaddr *sa, socklen_t len, double secs)
{
	int fl = fcntl(fd, F_GETFL), r, err = 0;
	socklen_t el = sizeof(err);
	int64_t deadline = now_ns() + (int64_t)(secs * 1e9);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK))
		return -1;
	r = connect(fd, sa, len);
	if (r && errno != EINPROGRESS) {
		err = errno;
		goto out;
	}
	if (r) {
		r = wait_fd(fd, POLLOUT, secs > 0 ? deadline : -1);
		if (r < 0) {
			err = errno;
			goto out;
		}
		if (r == 0) {
			err = ETIMEDOUT;
			goto out;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el))
			err = errno;
	}
out:
	fcntl(fd, F_SETFL, fl);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

void ignore_sigpipe(void)
{
	signal(SIGPIPE, SIG_IGN);
}

/* ---- pattern ---------------------------------------------------------- */

#define GOLDEN 0x9e3779b97f4a7c15ULL

uint64_t splitmix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t pat_word(uint64_t seed, uint64_t k)
{
	return splitmix64(seed + (k + 1) * GOLDEN);
}

uint8_t pat_byte(uint64_t seed, uint64_t off)
{
	return (uint8_t)(pat_word(seed, off >> 3) >> ((off & 7) * 8));
}

void pat_fill(uint64_t seed, uint64_t off, void *buf, size_t n)
{
	uint8_t *p = buf;

	while (n && (off & 7)) {
		*p++ = pat_byte(seed, off++);
		n--;
	}
	while (n >= 8) {
		uint64_t w = htole64(pat_word(seed, off >> 3));

		memcpy(p, &w, 8);
		p += 8;
		off += 8;
		n -= 8;
	}
	while (n) {
		*p++ = pat_byte(seed, off++);
		n--;
	}
}

size_t pat_verify(uint64_t seed, uint64_t off, const void *buf, size_t n)
{
	const uint8_t *p = buf;
	size_t i = 0;

	while (i < n && ((off + i) & 7)) {
		if (p[i] != pat_byte(seed, off + i))
			return i;
		i++;
	}
	while (n - i >= 8) {
		uint64_t w = htole64(pat_word(seed, (off + i) >> 3)), g;

		memcpy(&g, p + i, 8);
		if (g != w) {
			for (size_t j = 0; j < 8; j++)
				if (p[i + j] != pat_byte(seed, off + i + j))
					return i + j;
		}
		i += 8;
	}
	while (i < n) {
		if (p[i] != pat_byte(seed, off + i))
			return i;
		i++;
	}
	return n;
}

void rng_seed(struct rng *r, uint64_t seed)
{
	r->s = splitmix64(seed ^ 0x5eed5eed5eed5eedULL);
	if (!r->s)
		r->s = 1;
}

uint64_t rng_next(struct rng *r)
{
	uint64_t x = r->s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	r->s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

size_t rng_size(struct rng *r, size_t max)
{
	uint64_t a = rng_next(r);
	unsigned bits = 0;
	size_t lim;

	while (((size_t)1 << bits) < max && bits < 62)
		bits++;
	/* pick an exponent uniformly, then a size below 2^exp: log-uniform-ish */
	lim = (size_t)1 << ((a >> 32) % (bits + 1));
	if (lim > max)
		lim = max;
	return 1 + (size_t)((a & 0xffffffffULL) % lim);
}

/* ---- CRC32C ----------------------------------------------------------- */

static uint32_t crc32c_tab[8][256];
static pthread_once_t crc32c_once = PTHREAD_ONCE_INIT;
static bool crc32c_hw;

static void crc32c_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78U : c >> 1;
		crc32c_tab[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc32c_tab[t][i] = (crc32c_tab[t - 1][i] >> 8) ^
					   crc32c_tab[0][crc32c_tab[t - 1][i] & 0xff];
#if defined(__x86_64__)
	__builtin_cpu_init();
	crc32c_hw = __builtin_cpu_supports("sse4.2");
#endif
}

static uint32_t crc32c_sw(uint32_t c, const uint8_t *p, size_t n)
{
	while (n && ((uintptr_t)p & 7)) {
		c = crc32c_tab[0][(c ^ *p++) & 0xff] ^ (c >> 8);
		n--;
	}
	while (n >= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		w = le64toh(w) ^ c;
		c = crc32c_tab[7][w & 0xff] ^ crc32c_tab[6][(w >> 8) & 0xff] ^
		    crc32c_tab[5][(w >> 16) & 0xff] ^ crc32c_tab[4][(w >> 24) & 0xff] ^
		    crc32c_tab[3][(w >> 32) & 0xff] ^ crc32c_tab[2][(w >> 40) & 0xff] ^
		    crc32c_tab[1][(w >> 48) & 0xff] ^ crc32c_tab[0][w >> 56];
		p += 8;
		n -= 8;
	}
	while (n--)
		c = crc32c_tab[0][(c ^ *p++) & 0xff] ^ (c >> 8);
	return c;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) static uint32_t crc32c_hw_x86(uint32_t c, const uint8_t *p,
								 size_t n)
{
	uint64_t c64 = c;

	while (n && ((uintptr_t)p & 7)) {
		c = __builtin_ia32_crc32qi(c, *p++);
		n--;
	}
	c64 = c;
	while (n >= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		c64 = __builtin_ia32_crc32di(c64, w);
		p += 8;
		n -= 8;
	}
	c = (uint32_t)c64;
	while (n--)
		c = __builtin_ia32_crc32qi(c, *p++);
	return c;
}
#endif

uint32_t crc32c(uint32_t crc, const void *buf, size_t n)
{
	uint32_t c = ~crc;

	pthread_once(&crc32c_once, crc32c_init);
#if defined(__x86_64__)
	if (crc32c_hw)
		return ~crc32c_hw_x86(c, buf, n);
#endif
	return ~crc32c_sw(c, buf, n);
}
