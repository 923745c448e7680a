// SPDX-License-Identifier: GPL-2.0
/*
 * smcr_xfer: verified stream transfer over AF_SMC (or TCP for comparison).
 *
 * Per connection the client sends a 32-byte header (magic, seed, byte counts,
 * flags), then `bytes` bytes of the seeded pattern stream, then shuts down its
 * write side. The server verifies every byte against the pattern, answers with
 * a 64-byte status record (its verdict, byte count and CRC32C) and closes. With
 * --both the server streams `back` bytes of a second pattern to the client at
 * the same time (sender and receiver are separate threads, so full buffers in
 * one direction never block the other), before the status record.
 */
#include "common.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <unistd.h>
#include <endian.h>

#define HDR_MAGIC 0x534d5831U /* "SMX1" */
#define STS_MAGIC 0x534d5853U /* "SMXS": server status */
#define CST_MAGIC 0x534d5843U /* "SMXC": client status */
#define HDR_VERSION 1
#define HDR_LEN 32
#define STS_LEN 64
#define FLAG_BOTH 0x1
#define S2C_SEED_XOR 0xa5a5a5a5c3c3c3c3ULL
#define MAX_IO_SIZE (256u << 20)
#define RANDOM_IO_MAX (1u << 20)
#define THREAD_STACK (256 * 1024)

struct cfg {
	bool server;
	struct fam fam;
	const char *addr;
	uint16_t port;
	double timeout;
	double accept_timeout;
	bool accept_timeout_set;
	uint64_t bytes;
	bool bytes_set;
	uint64_t back;
	bool back_set;
	size_t wsize; /* 0 = random */
	size_t rsize; /* 0 = random */
	bool both;
	uint64_t conns;
	uint64_t parallel;
	uint64_t count;
	uint64_t seed;
	bool poll_io;
	int verbose;
	uint64_t corrupt_at; /* self-test of the verification: flip one byte we send */
	bool nodelay; /* TCP_NODELAY on the data sockets */
};

static struct cfg C = {
	.fam = { .smc = true, .af = AF_INET },
	.timeout = DEFAULT_TIMEOUT_S,
	.bytes = 1 << 20,
	.wsize = 64 << 10,
	.rsize = 64 << 10,
	.conns = 1,
	.parallel = 1,
	.count = 1,
	.seed = 0x736d6372, /* "smcr" */
	.corrupt_at = UINT64_MAX,
};

/* ---- failure record -------------------------------------------------- */

struct fail {
	int code; /* 0 = no failure */
	char site[32];
	int err;
	char msg[240];
};

__attribute__((format(printf, 5, 6))) static void set_fail(struct fail *f, int code,
							   const char *site, int err,
							   const char *fmt, ...)
{
	va_list ap;

	if (f->code)
		return; /* keep the first failure */
	f->code = code;
	snprintf(f->site, sizeof(f->site), "%s", site);
	f->err = err;
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
}

/* ---- watchdog: backstop in case a socket ignores SO_RCVTIMEO/SO_SNDTIMEO -- */

#define WD_SLOTS 4096
static _Atomic int64_t wd_last[WD_SLOTS];
static const char *wd_what[WD_SLOTS];

static int wd_acquire(const char *what)
{
	for (int i = 0; i < WD_SLOTS; i++) {
		int64_t zero = 0;

		if (atomic_compare_exchange_strong(&wd_last[i], &zero, now_ns())) {
			wd_what[i] = what;
			return i;
		}
	}
	return -1;
}

static void wd_touch(int s)
{
	if (s >= 0)
		atomic_store_explicit(&wd_last[s], now_ns(), memory_order_relaxed);
}

/* Owned but not watched, e.g. while joining a thread that has its own slot. */
static void wd_pause(int s)
{
	if (s >= 0)
		atomic_store(&wd_last[s], -1);
}

static void join_half(pthread_t t, int wd)
{
	wd_pause(wd);
	pthread_join(t, NULL);
	wd_touch(wd);
}

static void wd_release(int s)
{
	if (s >= 0)
		atomic_store(&wd_last[s], 0);
}

static void *wd_thread(void *arg)
{
	int64_t limit = (int64_t)((C.timeout * 1.5 + 5.0) * 1e9);

	(void)arg;
	for (;;) {
		int64_t now;

		sleep_ms(500);
		now = now_ns();
		for (int i = 0; i < WD_SLOTS; i++) {
			int64_t t = atomic_load_explicit(&wd_last[i], memory_order_relaxed);

			if (t > 0 && now - t > limit) {
				print_fail("watchdog", ETIMEDOUT,
					   "%s made no progress for %.1f s (socket timeout not honoured?)",
					   wd_what[i] ? wd_what[i] : "?", (double)(now - t) / 1e9);
				_exit(EXIT_TIMEOUT);
			}
		}
	}
	return NULL;
}

static void start_watchdog(void)
{
	pthread_t t;
	pthread_attr_t a;

	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, THREAD_STACK);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &a, wd_thread, NULL))
		die_fail(EXIT_SETUP, "thread", errno, "cannot start watchdog thread");
	pthread_attr_destroy(&a);
}

/* ---- bounded I/O ------------------------------------------------------ */

struct io {
	int fd;
	int wd;
	bool poll_io;
	double timeout;
};

static int64_t deadline(const struct io *io)
{
	return io->timeout > 0 ? now_ns() + (int64_t)(io->timeout * 1e9) : -1;
}

/* Send all of buf. 0 or -1 (fail set). */
static int io_send_all(struct io *io, const void *buf, size_t n, const char *site, struct fail *f)
{
	const uint8_t *p = buf;

	while (n) {
		ssize_t w = send(io->fd, p, n, MSG_NOSIGNAL);

		if (w < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			if ((e == EAGAIN || e == EWOULDBLOCK) && io->poll_io) {
				int r = wait_fd(io->fd, POLLOUT, deadline(io));

				if (r > 0)
					continue;
				if (r == 0) {
					set_fail(f, EXIT_TIMEOUT, site, ETIMEDOUT,
						 "not writable within %.1f s", io->timeout);
					return -1;
				}
				e = errno;
			}
			if (e == EAGAIN || e == EWOULDBLOCK)
				set_fail(f, EXIT_TIMEOUT, site, e,
					 "send timed out after %.1f s (SO_SNDTIMEO)", io->timeout);
			else
				set_fail(f, EXIT_IO, site, e, "send: %s", strerror(e));
			return -1;
		}
		if (w == 0) {
			set_fail(f, EXIT_SEMANTICS, site, 0, "send returned 0 for %zu bytes", n);
			return -1;
		}
		p += w;
		n -= (size_t)w;
		wd_touch(io->wd);
	}
	return 0;
}

/* One recv. Returns bytes (>0), 0 on EOF, -1 on failure (fail set). */
static ssize_t io_recv(struct io *io, void *buf, size_t n, const char *site, struct fail *f)
{
	for (;;) {
		ssize_t r = recv(io->fd, buf, n, 0);

		if (r >= 0) {
			wd_touch(io->wd);
			return r;
		}
		int e = errno;

		if (e == EINTR)
			continue;
		if ((e == EAGAIN || e == EWOULDBLOCK) && io->poll_io) {
			int p = wait_fd(io->fd, POLLIN | POLLRDHUP, deadline(io));

			if (p > 0)
				continue;
			if (p == 0) {
				set_fail(f, EXIT_TIMEOUT, site, ETIMEDOUT,
					 "no data within %.1f s", io->timeout);
				return -1;
			}
			e = errno;
		}
		if (e == EAGAIN || e == EWOULDBLOCK)
			set_fail(f, EXIT_TIMEOUT, site, e, "recv timed out after %.1f s (SO_RCVTIMEO)",
				 io->timeout);
		else
			set_fail(f, EXIT_IO, site, e, "recv: %s", strerror(e));
		return -1;
	}
}

static int io_recv_exact(struct io *io, void *buf, size_t n, const char *site, struct fail *f)
{
	uint8_t *p = buf;
	size_t got = 0;

	while (got < n) {
		ssize_t r = io_recv(io, p + got, n - got, site, f);

		if (r < 0)
			return -1;
		if (r == 0) {
			set_fail(f, EXIT_IO, site, 0, "unexpected EOF after %zu of %zu bytes", got, n);
			return -1;
		}
		got += (size_t)r;
	}
	return 0;
}

/* ---- wire records ----------------------------------------------------- */

struct hdr {
	uint32_t magic;
	uint16_t version;
	uint16_t flags;
	uint64_t seed;
	uint64_t c2s;
	uint64_t s2c;
};

static void put32(uint8_t *p, uint32_t v) { v = htobe32(v); memcpy(p, &v, 4); }
static void put16(uint8_t *p, uint16_t v) { v = htobe16(v); memcpy(p, &v, 2); }
static void put64(uint8_t *p, uint64_t v) { v = htobe64(v); memcpy(p, &v, 8); }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return be32toh(v); }
static uint16_t get16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return be16toh(v); }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return be64toh(v); }

static void hdr_encode(const struct hdr *h, uint8_t b[HDR_LEN])
{
	put32(b, h->magic);
	put16(b + 4, h->version);
	put16(b + 6, h->flags);
	put64(b + 8, h->seed);
	put64(b + 16, h->c2s);
	put64(b + 24, h->s2c);
}

static void hdr_decode(const uint8_t b[HDR_LEN], struct hdr *h)
{
	h->magic = get32(b);
	h->version = get16(b + 4);
	h->flags = get16(b + 6);
	h->seed = get64(b + 8);
	h->c2s = get64(b + 16);
	h->s2c = get64(b + 24);
}

struct sts {
	uint32_t magic;
	uint8_t code;
	uint64_t rx_bytes;
	uint64_t bad_off;
	uint32_t crc_rx;
	uint32_t crc_tx;
	char site[32];
};

static void sts_encode(const struct sts *s, uint8_t b[STS_LEN])
{
	memset(b, 0, STS_LEN);
	put32(b, s->magic);
	b[4] = s->code;
	put64(b + 8, s->rx_bytes);
	put64(b + 16, s->bad_off);
	put32(b + 24, s->crc_rx);
	put32(b + 28, s->crc_tx);
	memcpy(b + 32, s->site, 31);
}

static void sts_decode(const uint8_t b[STS_LEN], struct sts *s)
{
	s->magic = get32(b);
	s->code = b[4];
	s->rx_bytes = get64(b + 8);
	s->bad_off = get64(b + 16);
	s->crc_rx = get32(b + 24);
	s->crc_tx = get32(b + 28);
	memcpy(s->site, b + 32, 31);
	s->site[31] = '\0';
}

/* ---- stream halves ---------------------------------------------------- */

struct stream {
	struct io io;
	uint64_t seed;
	uint64_t len;        /* bytes to send / expected to receive */
	size_t iosize;       /* 0 = random */
	uint64_t rng_seed;
	const char *site;    /* "send" / "recv" / ... */
	/* results */
	uint64_t done;       /* bytes moved */
	uint32_t crc;
	uint64_t bad_off;    /* first mismatching stream offset, UINT64_MAX if none */
	struct fail fail;
	int shut_on_fail;    /* shutdown(RDWR) the socket on failure to wake the other half */
	uint64_t corrupt_at; /* self-test: flip this stream byte (UINT64_MAX = never) */
	int id;              /* 1 or 2 */
	_Atomic int *winner; /* id of the half that failed first */
};

static void stream_failed(struct stream *s)
{
	int zero = 0;

	if (s->winner)
		atomic_compare_exchange_strong(s->winner, &zero, s->id);
}

/* The failure of a connection whose two halves may both have failed: the first one. */
/* --nodelay: TCP_NODELAY (AF_SMC passes it on; it also turns off SMC-R autocorking) */
static int set_nodelay(int fd)
{
	int one = 1;

	if (!C.nodelay)
		return 0;
	return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static struct fail pick_fail(const struct stream *a, const struct stream *b, int winner)
{
	if (winner == a->id && a->fail.code)
		return a->fail;
	if (winner == b->id && b->fail.code)
		return b->fail;
	return a->fail.code ? a->fail : b->fail;
}

static void stream_send(struct stream *s)
{
	size_t bufsz = s->iosize ? s->iosize : RANDOM_IO_MAX;
	uint8_t *buf = malloc(bufsz);
	struct rng r;

	rng_seed(&r, s->rng_seed);
	s->crc = 0;
	s->done = 0;
	if (!buf) {
		set_fail(&s->fail, EXIT_SETUP, "malloc", ENOMEM, "send buffer of %zu bytes", bufsz);
		goto out;
	}
	while (s->done < s->len) {
		size_t n = s->iosize ? s->iosize : rng_size(&r, RANDOM_IO_MAX);

		if (n > s->len - s->done)
			n = (size_t)(s->len - s->done);
		pat_fill(s->seed, s->done, buf, n);
		if (s->corrupt_at >= s->done && s->corrupt_at - s->done < n)
			buf[s->corrupt_at - s->done] ^= 0x20;
		s->crc = crc32c(s->crc, buf, n);
		if (io_send_all(&s->io, buf, n, s->site, &s->fail))
			break;
		s->done += n;
	}
out:
	free(buf);
	if (s->fail.code) {
		stream_failed(s);
		if (s->shut_on_fail)
			shutdown(s->io.fd, SHUT_RDWR);
	}
}

/*
 * Receive exactly s->len bytes and verify them. After the first mismatch the rest
 * is still drained (counted, CRC'd) so the protocol can complete and report.
 */
static void stream_recv(struct stream *s)
{
	size_t bufsz = s->iosize ? s->iosize : RANDOM_IO_MAX;
	uint8_t *buf = malloc(bufsz);
	struct rng r;

	rng_seed(&r, s->rng_seed);
	s->crc = 0;
	s->done = 0;
	s->bad_off = UINT64_MAX;
	if (!buf) {
		set_fail(&s->fail, EXIT_SETUP, "malloc", ENOMEM, "recv buffer of %zu bytes", bufsz);
		goto out;
	}
	while (s->done < s->len) {
		size_t n = s->iosize ? s->iosize : rng_size(&r, RANDOM_IO_MAX);
		ssize_t got;

		if (n > s->len - s->done)
			n = (size_t)(s->len - s->done);
		got = io_recv(&s->io, buf, n, s->site, &s->fail);
		if (got < 0)
			break;
		if (got == 0) {
			set_fail(&s->fail, EXIT_IO, s->site, 0,
				 "unexpected EOF after %llu of %llu bytes",
				 (unsigned long long)s->done, (unsigned long long)s->len);
			break;
		}
		s->crc = crc32c(s->crc, buf, (size_t)got);
		if (s->bad_off == UINT64_MAX) {
			size_t i = pat_verify(s->seed, s->done, buf, (size_t)got);

			if (i < (size_t)got) {
				s->bad_off = s->done + i;
				set_fail(&s->fail, EXIT_MISMATCH, "verify", 0,
					 "byte %llu: got 0x%02x expected 0x%02x",
					 (unsigned long long)s->bad_off, buf[i],
					 pat_byte(s->seed, s->bad_off));
			}
		}
		s->done += (size_t)got;
	}
out:
	free(buf);
	if (s->fail.code) {
		stream_failed(s);
		if (s->shut_on_fail && s->fail.code != EXIT_MISMATCH)
			shutdown(s->io.fd, SHUT_RDWR);
	}
}

static void *send_thread(void *arg)
{
	struct stream *s = arg;
	int wd = wd_acquire(s->site);

	s->io.wd = wd;
	stream_send(s);
	wd_release(wd);
	return NULL;
}

static void *recv_thread(void *arg)
{
	struct stream *s = arg;
	int wd = wd_acquire(s->site);

	s->io.wd = wd;
	stream_recv(s);
	wd_release(wd);
	return NULL;
}

static int spawn(pthread_t *t, void *(*fn)(void *), void *arg, bool detached)
{
	pthread_attr_t a;
	int r;

	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, THREAD_STACK);
	if (detached)
		pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	r = pthread_create(t, &a, fn, arg);
	pthread_attr_destroy(&a);
	return r;
}

/* ---- aggregated results ----------------------------------------------- */

static pthread_mutex_t agg_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t agg_cond = PTHREAD_COND_INITIALIZER;
static struct {
	uint64_t ok, failed, active;
	uint64_t c2s, s2c;
	uint32_t csum_c2s, csum_s2c;
	struct fail first;
	int64_t t_first, t_last;
} agg;

static void agg_add(uint64_t idx, uint64_t c2s, uint64_t s2c, uint32_t crc_c2s, uint32_t crc_s2c,
		    const struct fail *f, double secs)
{
	pthread_mutex_lock(&agg_lock);
	agg.c2s += c2s;
	agg.s2c += s2c;
	agg.csum_c2s ^= crc_c2s;
	agg.csum_s2c ^= crc_s2c;
	agg.t_last = now_ns();
	if (f->code) {
		agg.failed++;
		if (!agg.first.code)
			agg.first = *f;
	} else {
		agg.ok++;
	}
	if (C.verbose || (f->code && C.server))
		printf("CONN %s idx=%llu c2s=%llu s2c=%llu secs=%.3f csum_c2s=%08x csum_s2c=%08x%s%s%s%s\n",
		       f->code ? "fail" : "ok", (unsigned long long)idx, (unsigned long long)c2s,
		       (unsigned long long)s2c, secs, crc_c2s, crc_s2c,
		       f->code ? " site=" : "", f->code ? f->site : "",
		       f->code ? " msg=" : "", f->code ? f->msg : "");
	fflush(stdout);
	pthread_mutex_unlock(&agg_lock);
}

static int print_result(const char *role, bool stopped)
{
	double secs = agg.t_first && agg.t_last > agg.t_first
			      ? (double)(agg.t_last - agg.t_first) / 1e9
			      : 0.0;
	uint64_t total = agg.c2s + agg.s2c;
	double mbps = secs > 0 ? (double)total * 8.0 / secs / 1e6 : 0.0;

	if (agg.first.code) {
		printf("RESULT fail site=%s errno=%s role=%s conns_ok=%llu conns_failed=%llu msg=%s\n",
		       agg.first.site, agg.first.err ? errname(agg.first.err) : "none", role,
		       (unsigned long long)agg.ok, (unsigned long long)agg.failed, agg.first.msg);
		fflush(stdout);
		return agg.first.code;
	}
	printf("RESULT ok role=%s conns=%llu bytes=%llu c2s=%llu s2c=%llu secs=%.3f mbps=%.1f "
	       "csum=%08x csum_c2s=%08x csum_s2c=%08x%s\n",
	       role, (unsigned long long)agg.ok, (unsigned long long)total,
	       (unsigned long long)agg.c2s, (unsigned long long)agg.s2c, secs, mbps,
	       agg.csum_c2s ^ agg.csum_s2c, agg.csum_c2s, agg.csum_s2c,
	       stopped ? " stopped=signal" : "");
	fflush(stdout);
	return EXIT_OK;
}

/* ---- server ------------------------------------------------------------ */

struct sconn {
	int fd;
	uint64_t idx;
};

static void *server_conn(void *arg)
{
	struct sconn *sc = arg;
	struct io io = { .fd = sc->fd, .poll_io = C.poll_io, .timeout = C.timeout };
	struct fail f = { 0 };
	struct stream rx = { 0 }, tx = { 0 };
	pthread_t txt;
	bool tx_started = false;
	uint8_t hb[HDR_LEN], sb[STS_LEN], cb[STS_LEN], eofb[16];
	struct hdr h;
	struct sts st = { 0 }, cs;
	int64_t t0 = now_ns();
	_Atomic int winner = 0;
	ssize_t r;

	io.wd = wd_acquire("server connection");
	rx.bad_off = UINT64_MAX;
	tx.id = 1;
	rx.id = 2;
	tx.winner = rx.winner = &winner;
	if (io_recv_exact(&io, hb, HDR_LEN, "header", &f))
		goto done;
	hdr_decode(hb, &h);
	if (h.magic != HDR_MAGIC || h.version != HDR_VERSION) {
		set_fail(&f, EXIT_SEMANTICS, "header", 0, "bad header magic 0x%08x version %u",
			 h.magic, h.version);
		goto done;
	}
	if (C.both && !(h.flags & FLAG_BOTH)) {
		set_fail(&f, EXIT_SEMANTICS, "header", 0, "server has --both, client did not ask");
		goto done;
	}
	if (C.bytes_set && h.c2s != C.bytes) {
		set_fail(&f, EXIT_SEMANTICS, "header", 0, "client announces %llu bytes, --bytes %llu",
			 (unsigned long long)h.c2s, (unsigned long long)C.bytes);
		goto done;
	}
	if ((h.flags & FLAG_BOTH) && C.back_set && h.s2c != C.back) {
		set_fail(&f, EXIT_SEMANTICS, "header", 0, "client asks %llu bytes back, --back %llu",
			 (unsigned long long)h.s2c, (unsigned long long)C.back);
		goto done;
	}

	if (h.flags & FLAG_BOTH) {
		tx.io = io;
		tx.seed = h.seed ^ S2C_SEED_XOR;
		tx.len = h.s2c;
		tx.iosize = C.wsize;
		tx.rng_seed = h.seed ^ 0x1111;
		tx.site = "send";
		tx.shut_on_fail = 1;
		tx.corrupt_at = C.corrupt_at;
		int e = spawn(&txt, send_thread, &tx, false);

		if (e) {
			set_fail(&f, EXIT_SETUP, "thread", e, "cannot start sender thread");
			goto done;
		}
		tx_started = true;
	}
	rx.io = io;
	rx.seed = h.seed;
	rx.len = h.c2s;
	rx.iosize = C.rsize;
	rx.rng_seed = h.seed ^ 0x2222;
	rx.site = "recv";
	rx.shut_on_fail = 1;
	stream_recv(&rx);
	if (rx.fail.code && rx.fail.code != EXIT_MISMATCH)
		goto half_failed;
	if (tx_started) {
		join_half(txt, io.wd);
		tx_started = false;
	}
	if (tx.fail.code)
		goto half_failed;
	/* the client's verdict on what we sent follows its data, then EOF */
	if (io_recv_exact(&io, cb, STS_LEN, "client-status", &f))
		goto half_failed;
	sts_decode(cb, &cs);
	if (cs.magic != CST_MAGIC) {
		set_fail(&f, EXIT_SEMANTICS, "client-status", 0,
			 "bad client status magic 0x%08x (more data than announced?)", cs.magic);
		goto half_failed;
	}
	r = io_recv(&io, eofb, sizeof(eofb), "eof", &f);
	if (r < 0)
		goto half_failed;
	if (r > 0) {
		set_fail(&f, EXIT_SEMANTICS, "eof", 0, "%zd extra bytes after the client status", r);
		goto half_failed;
	}

	st.magic = STS_MAGIC;
	st.code = (uint8_t)rx.fail.code;
	st.rx_bytes = rx.done;
	st.bad_off = rx.bad_off;
	st.crc_rx = rx.crc;
	st.crc_tx = tx.crc;
	snprintf(st.site, sizeof(st.site), "%s", rx.fail.code ? rx.fail.site : "ok");
	sts_encode(&st, sb);
	if (io_send_all(&io, sb, STS_LEN, "status", &f))
		goto done;
	if (shutdown(io.fd, SHUT_WR)) {
		set_fail(&f, EXIT_IO, "shutdown", errno, "shutdown(SHUT_WR): %s", strerror(errno));
		goto done;
	}
	if (rx.fail.code) {
		f = rx.fail;
	} else if (cs.code) {
		char site[48];

		snprintf(site, sizeof(site), "client-%s", cs.site);
		set_fail(&f, cs.code, site, 0, "client reports failure code %u at byte %llu",
			 cs.code, (unsigned long long)cs.bad_off);
	} else if (cs.rx_bytes != tx.done || cs.crc_rx != tx.crc) {
		set_fail(&f, EXIT_MISMATCH, "client-status", 0,
			 "client received %llu bytes crc %08x, server sent %llu crc %08x",
			 (unsigned long long)cs.rx_bytes, cs.crc_rx, (unsigned long long)tx.done,
			 tx.crc);
	} else if (cs.crc_tx != rx.crc) {
		set_fail(&f, EXIT_MISMATCH, "client-status", 0,
			 "client sent crc %08x, server received crc %08x", cs.crc_tx, rx.crc);
	}
	goto done;
half_failed:
	if (tx_started) {
		shutdown(io.fd, SHUT_RDWR);
		join_half(txt, io.wd);
		tx_started = false;
	}
	if (!f.code || tx.fail.code || rx.fail.code) {
		struct fail hf = pick_fail(&tx, &rx, atomic_load(&winner));

		if (hf.code)
			f = hf;
	}
done:
	if (tx_started) {
		shutdown(io.fd, SHUT_RDWR);
		join_half(txt, io.wd);
	}
	close(io.fd);
	wd_release(io.wd);
	agg_add(sc->idx, rx.done, tx.done, rx.crc, tx.crc, &f, (double)(now_ns() - t0) / 1e9);
	free(sc);
	pthread_mutex_lock(&agg_lock);
	agg.active--;
	pthread_cond_broadcast(&agg_cond);
	pthread_mutex_unlock(&agg_lock);
	return NULL;
}

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static int run_server(void)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int lfd, one = 1;
	uint64_t accepted = 0;
	int64_t last_accept;
	double atmo = C.accept_timeout_set ? C.accept_timeout : (C.count ? C.timeout : 0);
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t set, old;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	raise_nofile(65536);

	if (make_sockaddr(C.fam.af, C.addr, C.port, &ss, &sl))
		die_fail(EXIT_USAGE, "addr", EINVAL, "bad --addr '%s' for %s", C.addr,
			 C.fam.af == AF_INET6 ? "IPv6" : "IPv4");
	lfd = fam_socket(&C.fam, SOCK_CLOEXEC);
	if (lfd < 0)
		die_fail(EXIT_SETUP, "socket", errno, "socket(%s): %s", fam_name(C.fam.smc),
			 strerror(errno));
	if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
		die_fail(EXIT_SETUP, "setsockopt", errno, "SO_REUSEADDR: %s", strerror(errno));
	if (bind(lfd, (struct sockaddr *)&ss, sl))
		die_fail(EXIT_SETUP, "bind", errno, "bind: %s", strerror(errno));
	if (listen(lfd, 4096))
		die_fail(EXIT_SETUP, "listen", errno, "listen: %s", strerror(errno));
	if (set_nonblock(lfd, true))
		die_fail(EXIT_SETUP, "fcntl", errno, "O_NONBLOCK: %s", strerror(errno));
	sl = sizeof(ss);
	if (getsockname(lfd, (struct sockaddr *)&ss, &sl))
		die_fail(EXIT_SETUP, "getsockname", errno, "getsockname: %s", strerror(errno));
	start_watchdog();
	printf("READY %u\n", sockaddr_port(&ss));
	fflush(stdout);

	/* worker threads must not take SIGINT/SIGTERM: the accept loop polls stop_flag */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);

	last_accept = now_ns();
	while (!stop_flag && (!C.count || accepted < C.count)) {
		int r = wait_fd(lfd, POLLIN, now_ns() + 500 * 1000000LL);
		int fd;

		if (r < 0)
			die_fail(EXIT_SETUP, "poll", errno, "poll(listener): %s", strerror(errno));
		if (r == 0) {
			/* the accept timeout runs only while no connection is in progress */
			pthread_mutex_lock(&agg_lock);
			if (agg.active)
				last_accept = now_ns();
			pthread_mutex_unlock(&agg_lock);
			if (atmo > 0 && (double)(now_ns() - last_accept) / 1e9 > atmo) {
				set_fail(&agg.first, EXIT_TIMEOUT, "accept", ETIMEDOUT,
					 "no connection within %.1f s (%llu of %llu accepted)", atmo,
					 (unsigned long long)accepted, (unsigned long long)C.count);
				break;
			}
			continue;
		}
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
			    errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE)
				die_fail(EXIT_SETUP, "accept", errno, "accept: %s", strerror(errno));
			set_fail(&agg.first, EXIT_CONNECT, "accept", errno, "accept: %s",
				 strerror(errno));
			break;
		}
		last_accept = now_ns();
		if (set_sock_timeouts(fd, C.timeout) || (C.poll_io && set_nonblock(fd, true)) ||
		    set_nodelay(fd))
			die_fail(EXIT_SETUP, "setsockopt", errno, "timeouts/O_NONBLOCK: %s",
				 strerror(errno));
		struct sconn *sc = calloc(1, sizeof(*sc));
		pthread_t t;

		if (!sc)
			die_fail(EXIT_SETUP, "malloc", ENOMEM, "out of memory");
		sc->fd = fd;
		sc->idx = accepted++;
		pthread_mutex_lock(&agg_lock);
		if (!agg.t_first)
			agg.t_first = now_ns();
		agg.active++;
		pthread_mutex_unlock(&agg_lock);
		pthread_sigmask(SIG_BLOCK, &set, &old);
		r = spawn(&t, server_conn, sc, true);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (r)
			die_fail(EXIT_SETUP, "thread", r, "pthread_create: %s", strerror(r));
	}
	close(lfd);
	pthread_mutex_lock(&agg_lock);
	while (agg.active && !stop_flag) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&agg_cond, &agg_lock, &ts);
	}
	pthread_mutex_unlock(&agg_lock);
	pthread_mutex_lock(&agg_lock);
	int rc = print_result("server", stop_flag);
	pthread_mutex_unlock(&agg_lock);
	return rc;
}

/* ---- client ------------------------------------------------------------ */

static struct sockaddr_storage dst;
static socklen_t dst_len;
static _Atomic uint64_t conn_counter;

static void client_conn(uint64_t idx, int wd)
{
	struct io io = { .fd = -1, .wd = wd, .poll_io = C.poll_io, .timeout = C.timeout };
	struct fail f = { 0 };
	struct stream tx = { 0 }, rx = { 0 };
	pthread_t rxt;
	bool rx_started = false;
	uint8_t hb[HDR_LEN], sb[STS_LEN], cb[STS_LEN], eofb[16];
	struct hdr h = { 0 };
	struct sts st, cs = { 0 };
	uint64_t seed = splitmix64(C.seed + idx);
	int64_t t0 = now_ns();
	ssize_t r;
	_Atomic int winner = 0;

	rx.bad_off = UINT64_MAX;
	tx.id = 1;
	rx.id = 2;
	tx.winner = rx.winner = &winner;
	io.fd = fam_socket(&C.fam, SOCK_CLOEXEC);
	if (io.fd < 0) {
		set_fail(&f, EXIT_SETUP, "socket", errno, "socket(%s): %s", fam_name(C.fam.smc),
			 strerror(errno));
		goto done;
	}
	if (set_sock_timeouts(io.fd, C.timeout) || set_nodelay(io.fd)) {
		set_fail(&f, EXIT_SETUP, "setsockopt", errno, "SO_RCVTIMEO/SO_SNDTIMEO/TCP_NODELAY: %s",
			 strerror(errno));
		goto done;
	}
	if (C.poll_io) {
		if (set_nonblock(io.fd, true)) {
			set_fail(&f, EXIT_SETUP, "fcntl", errno, "O_NONBLOCK: %s", strerror(errno));
			goto done;
		}
		if (connect(io.fd, (struct sockaddr *)&dst, dst_len) && errno != EINPROGRESS) {
			set_fail(&f, EXIT_CONNECT, "connect", errno, "connect: %s", strerror(errno));
			goto done;
		}
		int p = wait_fd(io.fd, POLLOUT, now_ns() + (int64_t)(C.timeout * 1e9));
		int err = 0;
		socklen_t el = sizeof(err);

		if (p == 0) {
			set_fail(&f, EXIT_TIMEOUT, "connect", ETIMEDOUT,
				 "connect not complete within %.1f s", C.timeout);
			goto done;
		}
		if (p < 0 || getsockopt(io.fd, SOL_SOCKET, SO_ERROR, &err, &el))
			err = errno;
		if (err) {
			set_fail(&f, EXIT_CONNECT, "connect", err, "connect: %s", strerror(err));
			goto done;
		}
	} else {
		if (connect(io.fd, (struct sockaddr *)&dst, dst_len)) {
			int e = errno;

			/* a blocking connect that hits SO_SNDTIMEO returns EINPROGRESS */
			if (e == EINPROGRESS || e == EAGAIN || e == ETIMEDOUT)
				set_fail(&f, EXIT_TIMEOUT, "connect", e, "connect timed out: %s",
					 strerror(e));
			else
				set_fail(&f, EXIT_CONNECT, "connect", e, "connect: %s", strerror(e));
			goto done;
		}
	}
	wd_touch(wd);

	h.magic = HDR_MAGIC;
	h.version = HDR_VERSION;
	h.flags = C.both ? FLAG_BOTH : 0;
	h.seed = seed;
	h.c2s = C.bytes;
	h.s2c = C.both ? (C.back_set ? C.back : C.bytes) : 0;
	hdr_encode(&h, hb);
	if (io_send_all(&io, hb, HDR_LEN, "header", &f))
		goto done;

	if (C.both) {
		rx.io = io;
		rx.seed = seed ^ S2C_SEED_XOR;
		rx.len = h.s2c;
		rx.iosize = C.rsize;
		rx.rng_seed = seed ^ 0x3333;
		rx.site = "recv";
		rx.shut_on_fail = 1;
		int e = spawn(&rxt, recv_thread, &rx, false);

		if (e) {
			set_fail(&f, EXIT_SETUP, "thread", e, "cannot start receiver thread");
			goto done;
		}
		rx_started = true;
	}
	tx.io = io;
	tx.seed = seed;
	tx.len = C.bytes;
	tx.iosize = C.wsize;
	tx.rng_seed = seed ^ 0x4444;
	tx.site = "send";
	tx.shut_on_fail = 1;
	tx.corrupt_at = C.corrupt_at;
	stream_send(&tx);
	if (tx.fail.code)
		goto half_failed;
	if (rx_started) {
		join_half(rxt, wd);
		rx_started = false;
		if (rx.fail.code && rx.fail.code != EXIT_MISMATCH)
			goto half_failed;
	}
	/* our verdict on what the server sent, then end of our data */
	cs.magic = CST_MAGIC;
	cs.code = (uint8_t)rx.fail.code;
	cs.rx_bytes = rx.done;
	cs.bad_off = rx.bad_off;
	cs.crc_rx = rx.crc;
	cs.crc_tx = tx.crc;
	snprintf(cs.site, sizeof(cs.site), "%s", rx.fail.code ? rx.fail.site : "ok");
	sts_encode(&cs, cb);
	if (io_send_all(&io, cb, STS_LEN, "client-status", &f))
		goto done;
	if (shutdown(io.fd, SHUT_WR)) {
		set_fail(&f, EXIT_IO, "shutdown", errno, "shutdown(SHUT_WR): %s", strerror(errno));
		goto done;
	}
	if (io_recv_exact(&io, sb, STS_LEN, "status", &f))
		goto done;
	sts_decode(sb, &st);
	if (st.magic != STS_MAGIC) {
		set_fail(&f, EXIT_SEMANTICS, "status", 0, "bad status magic 0x%08x", st.magic);
		goto done;
	}
	r = io_recv(&io, eofb, sizeof(eofb), "eof", &f);
	if (r < 0)
		goto done;
	if (r > 0) {
		set_fail(&f, EXIT_SEMANTICS, "eof", 0, "%zd extra bytes after the status record", r);
		goto done;
	}
	if (st.code) {
		char site[48];

		snprintf(site, sizeof(site), "server-%s", st.site);
		set_fail(&f, st.code, site, 0, "server reports failure code %u at byte %llu", st.code,
			 (unsigned long long)st.bad_off);
		goto done;
	}
	if (rx.fail.code) {
		f = rx.fail;
		goto done;
	}
	if (st.rx_bytes != tx.done || st.crc_rx != tx.crc) {
		set_fail(&f, EXIT_MISMATCH, "status", 0,
			 "server received %llu bytes crc %08x, client sent %llu crc %08x",
			 (unsigned long long)st.rx_bytes, st.crc_rx, (unsigned long long)tx.done,
			 tx.crc);
		goto done;
	}
	if (C.both && st.crc_tx != rx.crc) {
		set_fail(&f, EXIT_MISMATCH, "status", 0,
			 "server sent crc %08x, client received crc %08x", st.crc_tx, rx.crc);
		goto done;
	}
	goto done;
half_failed:
	if (rx_started) {
		shutdown(io.fd, SHUT_RDWR);
		join_half(rxt, wd);
		rx_started = false;
	}
	f = pick_fail(&tx, &rx, atomic_load(&winner));
done:
	if (rx_started) {
		shutdown(io.fd, SHUT_RDWR);
		join_half(rxt, wd);
	}
	if (io.fd >= 0)
		close(io.fd);
	agg_add(idx, tx.done, rx.done, tx.crc, rx.crc, &f, (double)(now_ns() - t0) / 1e9);
}

static void *client_worker(void *arg)
{
	int wd = wd_acquire("client connection");

	(void)arg;
	for (uint64_t i = 0; i < C.conns; i++) {
		uint64_t idx = atomic_fetch_add(&conn_counter, 1);
		uint64_t failed_before;

		pthread_mutex_lock(&agg_lock);
		failed_before = agg.failed;
		pthread_mutex_unlock(&agg_lock);
		wd_touch(wd);
		client_conn(idx, wd);
		pthread_mutex_lock(&agg_lock);
		bool failed = agg.failed > failed_before;
		pthread_mutex_unlock(&agg_lock);
		if (failed)
			break; /* stop this worker's sequence after a failure */
	}
	wd_release(wd);
	return NULL;
}

static int run_client(void)
{
	pthread_t *ts;
	uint64_t started = 0;

	if (!C.addr)
		die_fail(EXIT_USAGE, "usage", EINVAL, "client needs --addr");
	if (!C.port)
		die_fail(EXIT_USAGE, "usage", EINVAL, "client needs --port");
	if (make_sockaddr(C.fam.af, C.addr, C.port, &dst, &dst_len))
		die_fail(EXIT_USAGE, "addr", EINVAL, "bad --addr '%s' for %s", C.addr,
			 C.fam.af == AF_INET6 ? "IPv6" : "IPv4");
	raise_nofile((long)C.parallel * 2 + 64);
	start_watchdog();
	ts = calloc(C.parallel, sizeof(*ts));
	if (!ts)
		die_fail(EXIT_SETUP, "malloc", ENOMEM, "out of memory");
	agg.t_first = now_ns();
	for (uint64_t i = 0; i < C.parallel; i++) {
		int r = spawn(&ts[i], client_worker, NULL, false);

		if (r) {
			set_fail(&agg.first, EXIT_SETUP, "thread", r, "pthread_create #%llu: %s",
				 (unsigned long long)i, strerror(r));
			break;
		}
		started++;
	}
	for (uint64_t i = 0; i < started; i++)
		pthread_join(ts[i], NULL);
	free(ts);
	agg.t_last = now_ns();
	return print_result("client", false);
}

/* ---- command line ------------------------------------------------------- */

static void usage(FILE *o)
{
	fprintf(o,
		"Usage:\n"
		"  smcr_xfer server [--port P] [--addr A] [--count N] [--bytes N] [--back N]\n"
		"                   [--wsize N|random] [--rsize N|random] [--both] [common]\n"
		"  smcr_xfer client --addr A --port P [--bytes N] [--back N] [--wsize N|random]\n"
		"                   [--rsize N|random] [--both] [--conns N] [--parallel N]\n"
		"                   [--seed N] [common]\n"
		"Common: [--family smc|tcp] [-4|-6] [--timeout S] [--io block|poll] [--nodelay] [-v]\n"
		"\n"
		"  --family smc|tcp  AF_SMC (default) or plain TCP sockets\n"
		"  -4 / -6           IPv4 (default; SMCPROTO_SMC) or IPv6 (SMCPROTO_SMC6)\n"
		"  --addr A          numeric address: client connects to it, server binds it\n"
		"                    (server default: wildcard)\n"
		"  --port P          server: port to listen on (0 = ephemeral, default)\n"
		"  --bytes N         client: bytes to send per connection (K/M/G suffixes,\n"
		"                    default 1M); server: if given, require exactly this\n"
		"  --back N          --both: bytes the server sends back (default = --bytes);\n"
		"                    server: if given, require exactly this\n"
		"  --wsize N|random  size of each write (default 64K; random = log-uniform\n"
		"                    mix of 1 B .. 1 MiB)\n"
		"  --rsize N|random  size of each read (default 64K)\n"
		"  --both            data flows in both directions at the same time\n"
		"                    (server: require clients to ask for it)\n"
		"  --conns N         client: connections per worker, one after another (1)\n"
		"  --parallel N      client: concurrent workers (1); total = conns x parallel\n"
		"  --count N         server: connections to serve, then exit (1; 0 = forever,\n"
		"                    until SIGINT/SIGTERM)\n"
		"  --seed N          client: base seed of the data patterns\n"
		"  --timeout S       max seconds any single operation may make no progress\n"
		"                    (default 60)\n"
		"  --accept-timeout S  server: max wait for the next connection while none\n"
		"                    is in progress (default: --timeout with --count N,\n"
		"                    forever with --count 0)\n"
		"  --io block|poll   blocking sockets with SO_RCVTIMEO/SO_SNDTIMEO (default),\n"
		"                    or non-blocking sockets driven by poll()\n"
		"  --nodelay         TCP_NODELAY on the data sockets (no autocorking)\n"
		"  -v                one CONN line per connection\n"
		"  --corrupt-at N    self-test of the verification: flip stream byte N of\n"
		"                    what this side sends (the peer must report a mismatch)\n"
		"\n"
		"Output (stdout):\n"
		"  server: READY <port>          once listening\n"
		"  CONN ok|fail idx=I c2s=N s2c=N secs=S csum_c2s=X csum_s2c=X [site=.. msg=..]\n"
		"  RESULT ok role=R conns=N bytes=N c2s=N s2c=N secs=S mbps=M csum=X\n"
		"         csum_c2s=X csum_s2c=X\n"
		"  RESULT fail site=WHERE errno=ENAME role=R conns_ok=N conns_failed=N msg=TEXT\n"
		"  csum = XOR over all connections and directions of the CRC32C of each\n"
		"  stream: client and server print the same value iff the same bytes moved.\n"
		"  mbps = megabits/s of payload (both directions) over the whole run.\n"
		"\n" EXIT_CODES_HELP);
}

static int parse_iosize(const char *s, size_t *out)
{
	uint64_t v;

	if (!strcmp(s, "random")) {
		*out = 0;
		return 0;
	}
	if (parse_size(s, &v) || v == 0 || v > MAX_IO_SIZE)
		return -1;
	*out = (size_t)v;
	return 0;
}

int main(int argc, char **argv)
{
	enum { O_FAMILY = 256, O_ADDR, O_PORT, O_BYTES, O_BACK, O_WSIZE, O_RSIZE, O_BOTH,
	       O_CONNS, O_PARALLEL, O_COUNT, O_SEED, O_TIMEOUT, O_IO, O_ATMO, O_CORRUPT, O_NODELAY };
	static const struct option lo[] = {
		{ "family", required_argument, 0, O_FAMILY },
		{ "addr", required_argument, 0, O_ADDR },
		{ "port", required_argument, 0, O_PORT },
		{ "bytes", required_argument, 0, O_BYTES },
		{ "back", required_argument, 0, O_BACK },
		{ "wsize", required_argument, 0, O_WSIZE },
		{ "rsize", required_argument, 0, O_RSIZE },
		{ "both", no_argument, 0, O_BOTH },
		{ "conns", required_argument, 0, O_CONNS },
		{ "parallel", required_argument, 0, O_PARALLEL },
		{ "count", required_argument, 0, O_COUNT },
		{ "seed", required_argument, 0, O_SEED },
		{ "timeout", required_argument, 0, O_TIMEOUT },
		{ "accept-timeout", required_argument, 0, O_ATMO },
		{ "io", required_argument, 0, O_IO },
		{ "corrupt-at", required_argument, 0, O_CORRUPT },
		{ "nodelay", no_argument, 0, O_NODELAY },
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
		fprintf(stderr, "smcr_xfer: first argument must be 'server' or 'client'\n");
		usage(stderr);
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
		case O_BYTES: bad = parse_size(optarg, &C.bytes); C.bytes_set = true; break;
		case O_BACK: bad = parse_size(optarg, &C.back); C.back_set = true; break;
		case O_WSIZE: bad = parse_iosize(optarg, &C.wsize); break;
		case O_RSIZE: bad = parse_iosize(optarg, &C.rsize); break;
		case O_BOTH: C.both = true; break;
		case O_CONNS: bad = parse_u64(optarg, &C.conns) || !C.conns; break;
		case O_PARALLEL:
			bad = parse_u64(optarg, &C.parallel) || !C.parallel || C.parallel > 100000;
			break;
		case O_COUNT: bad = parse_u64(optarg, &C.count); break;
		case O_SEED: bad = parse_u64(optarg, &C.seed); break;
		case O_CORRUPT: bad = parse_size(optarg, &C.corrupt_at); break;
		case O_NODELAY: C.nodelay = true; break;
		case O_TIMEOUT: bad = parse_double(optarg, &C.timeout) || C.timeout <= 0; break;
		case O_ATMO:
			bad = parse_double(optarg, &C.accept_timeout);
			C.accept_timeout_set = true;
			break;
		case O_IO:
			if (!strcmp(optarg, "poll"))
				C.poll_io = true;
			else if (!strcmp(optarg, "block"))
				C.poll_io = false;
			else
				bad = true;
			break;
		default:
			fprintf(stderr, "smcr_xfer: see --help\n");
			return EXIT_USAGE;
		}
		if (bad) {
			fprintf(stderr, "smcr_xfer: bad value for option: %s\n", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "smcr_xfer: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	return C.server ? run_server() : run_client();
}
