// SPDX-License-Identifier: GPL-2.0
//
// smcr_bench: stream throughput, request/response latency and connection rate over AF_SMC or TCP.
//
//   smcr_bench server [--port P] [--family smc|tcp] [-6]
//   smcr_bench client ADDR [--port P] [--family smc|tcp] [-6] --test stream|rr|crr
//              [--size BYTES] [--time SECONDS] [--conns N] [--label TEXT] [--json]
//
// Every connection starts with a 16-byte hello (magic, test, message size), so one server serves
// every test. stream: the client writes --size messages for --time seconds, shuts down, and the
// server answers with the byte count it read (checked). rr: --size bytes each way per
// transaction, the server echoes. crr: connect, one rr transaction, close. --conns runs that many
// connections at once (one thread each); results are summed (throughput, rate) or merged
// (latency percentiles). Output: one line of text, or one JSON object with --json.
#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <getopt.h>
#include <mutex>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

constexpr int kAfSmc = 43;
constexpr uint32_t kMagic = 0x534d4342; // "SMCB"
enum class Test : uint32_t { stream = 1, rr = 2, crr = 3 };

struct Hello {
	uint32_t magic;
	uint32_t test;
	uint32_t size;
	uint32_t pad;
};

struct Options {
	bool server = false;
	std::string addr;
	uint16_t port = 5201;
	bool smc = true;
	bool v6 = false;
	Test test = Test::stream;
	size_t size = 65536;
	double seconds = 5.0;
	unsigned conns = 1;
	std::string label;
	bool json = false;
};

using Clock = std::chrono::steady_clock;

[[noreturn]] void die(const char *what)
{
	std::fprintf(stderr, "smcr_bench: %s: %s\n", what, std::strerror(errno));
	std::exit(2);
}

// Owns a file descriptor.
class Fd {
public:
	Fd() = default;
	explicit Fd(int fd) : fd_(fd) {}
	Fd(const Fd &) = delete;
	Fd &operator=(const Fd &) = delete;
	Fd(Fd &&o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
	Fd &operator=(Fd &&o) noexcept
	{
		std::swap(fd_, o.fd_);
		return *this;
	}
	~Fd()
	{
		if (fd_ >= 0)
			::close(fd_);
	}
	int get() const { return fd_; }
	bool ok() const { return fd_ >= 0; }

private:
	int fd_ = -1;
};

bool write_all(int fd, const void *buf, size_t len)
{
	auto p = static_cast<const char *>(buf);
	while (len) {
		ssize_t n = ::send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= static_cast<size_t>(n);
	}
	return true;
}

bool read_all(int fd, void *buf, size_t len)
{
	auto p = static_cast<char *>(buf);
	while (len) {
		ssize_t n = ::recv(fd, p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= static_cast<size_t>(n);
	}
	return true;
}

Fd make_socket(const Options &o)
{
	int fd;

	if (o.smc)
		fd = ::socket(kAfSmc, SOCK_STREAM | SOCK_CLOEXEC, o.v6 ? 1 : 0);
	else
		fd = ::socket(o.v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket");
	return Fd(fd);
}

socklen_t make_addr(const Options &o, const char *host, sockaddr_storage *ss)
{
	std::memset(ss, 0, sizeof(*ss));
	if (o.v6) {
		auto *s6 = reinterpret_cast<sockaddr_in6 *>(ss);
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(o.port);
		if (host && inet_pton(AF_INET6, host, &s6->sin6_addr) != 1) {
			std::fprintf(stderr, "smcr_bench: bad IPv6 address '%s'\n", host);
			std::exit(1);
		}
		if (!host)
			s6->sin6_addr = in6addr_any;
		return sizeof(*s6);
	}
	auto *s4 = reinterpret_cast<sockaddr_in *>(ss);
	s4->sin_family = AF_INET;
	s4->sin_port = htons(o.port);
	if (host && inet_pton(AF_INET, host, &s4->sin_addr) != 1) {
		std::fprintf(stderr, "smcr_bench: bad IPv4 address '%s'\n", host);
		std::exit(1);
	}
	if (!host)
		s4->sin_addr.s_addr = htonl(INADDR_ANY);
	return sizeof(*s4);
}

void set_nodelay(int fd)
{
	int one = 1;

	// AF_SMC passes TCP_NODELAY through (SOL_TCP); failure is harmless for the measurement.
	(void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

// ---- server -------------------------------------------------------------------------------------

void serve_one(Fd c)
{
	Hello h{};

	if (!read_all(c.get(), &h, sizeof(h)) || h.magic != kMagic || h.size == 0 ||
	    h.size > (64u << 20))
		return;
	std::vector<char> buf(std::max<size_t>(h.size, 65536));
	switch (static_cast<Test>(h.test)) {
	case Test::stream: {
		uint64_t total = 0;
		for (;;) {
			ssize_t n = ::recv(c.get(), buf.data(), buf.size(), 0);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			total += static_cast<uint64_t>(n);
		}
		(void)write_all(c.get(), &total, sizeof(total));
		break;
	}
	case Test::rr:
	case Test::crr:
		set_nodelay(c.get());
		while (read_all(c.get(), buf.data(), h.size))
			if (!write_all(c.get(), buf.data(), h.size))
				break;
		break;
	}
}

int run_server(const Options &o)
{
	Fd l = make_socket(o);
	int one = 1;
	sockaddr_storage ss;

	(void)::setsockopt(l.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	socklen_t len = make_addr(o, nullptr, &ss);
	if (::bind(l.get(), reinterpret_cast<sockaddr *>(&ss), len) < 0)
		die("bind");
	if (::listen(l.get(), 1024) < 0)
		die("listen");
	for (;;) {
		int c = ::accept4(l.get(), nullptr, nullptr, SOCK_CLOEXEC);
		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EAGAIN)
				continue;
			die("accept");
		}
		std::thread(serve_one, Fd(c)).detach();
	}
}

// ---- client -------------------------------------------------------------------------------------

struct Result {
	uint64_t bytes = 0;
	uint64_t ops = 0;
	uint64_t errors = 0;
	std::vector<uint32_t> lat_ns; // per transaction (rr, crr)
};

Fd connect_to(const Options &o)
{
	Fd s = make_socket(o);
	sockaddr_storage ss;
	socklen_t len = make_addr(o, o.addr.c_str(), &ss);

	if (::connect(s.get(), reinterpret_cast<sockaddr *>(&ss), len) < 0)
		return Fd();
	return s;
}

bool send_hello(int fd, const Options &o)
{
	Hello h{kMagic, static_cast<uint32_t>(o.test), static_cast<uint32_t>(o.size), 0};

	return write_all(fd, &h, sizeof(h));
}

void client_stream(const Options &o, Clock::time_point end, Result &r)
{
	Fd s = connect_to(o);
	std::vector<char> buf(o.size, 'x');
	uint64_t sent = 0, got = 0;

	if (!s.ok() || !send_hello(s.get(), o)) {
		r.errors++;
		return;
	}
	while (Clock::now() < end) {
		if (!write_all(s.get(), buf.data(), buf.size())) {
			r.errors++;
			return;
		}
		sent += buf.size();
	}
	::shutdown(s.get(), SHUT_WR);
	if (!read_all(s.get(), &got, sizeof(got)) || got != sent) {
		std::fprintf(stderr, "smcr_bench: server counted %" PRIu64 " bytes, sent %" PRIu64 "\n",
			     got, sent);
		r.errors++;
		return;
	}
	r.bytes += sent;
}

bool transact(int fd, std::vector<char> &buf, Result &r)
{
	auto t0 = Clock::now();

	if (!write_all(fd, buf.data(), buf.size()) || !read_all(fd, buf.data(), buf.size()))
		return false;
	auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
	r.lat_ns.push_back(static_cast<uint32_t>(std::min<int64_t>(ns, UINT32_MAX)));
	r.ops++;
	r.bytes += 2 * buf.size();
	return true;
}

void client_rr(const Options &o, Clock::time_point end, Result &r)
{
	Fd s = connect_to(o);
	std::vector<char> buf(o.size, 'r');

	if (!s.ok() || !send_hello(s.get(), o)) {
		r.errors++;
		return;
	}
	set_nodelay(s.get());
	while (Clock::now() < end)
		if (!transact(s.get(), buf, r)) {
			r.errors++;
			return;
		}
}

void client_crr(const Options &o, Clock::time_point end, Result &r)
{
	std::vector<char> buf(o.size, 'c');

	while (Clock::now() < end) {
		auto t0 = Clock::now();
		Fd s = connect_to(o);
		if (!s.ok() || !send_hello(s.get(), o)) {
			r.errors++;
			continue;
		}
		set_nodelay(s.get());
		Result one;
		if (!transact(s.get(), buf, one)) {
			r.errors++;
			continue;
		}
		auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
		r.lat_ns.push_back(static_cast<uint32_t>(std::min<int64_t>(ns, UINT32_MAX)));
		r.ops++;
		r.bytes += one.bytes;
	}
}

double percentile_us(std::vector<uint32_t> &v, double p)
{
	if (v.empty())
		return 0.0;
	size_t k = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
	std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
	return v[k] / 1000.0;
}

const char *test_name(Test t)
{
	switch (t) {
	case Test::stream:
		return "stream";
	case Test::rr:
		return "rr";
	case Test::crr:
		return "crr";
	}
	return "?";
}

int run_client(const Options &o)
{
	std::vector<Result> res(o.conns);
	std::vector<std::thread> th;
	auto start = Clock::now();
	auto end = start + std::chrono::duration_cast<Clock::duration>(
				   std::chrono::duration<double>(o.seconds));

	for (unsigned i = 0; i < o.conns; i++)
		th.emplace_back([&, i] {
			switch (o.test) {
			case Test::stream:
				client_stream(o, end, res[i]);
				break;
			case Test::rr:
				client_rr(o, end, res[i]);
				break;
			case Test::crr:
				client_crr(o, end, res[i]);
				break;
			}
		});
	for (auto &t : th)
		t.join();
	double secs = std::chrono::duration<double>(Clock::now() - start).count();

	Result all;
	for (auto &r : res) {
		all.bytes += r.bytes;
		all.ops += r.ops;
		all.errors += r.errors;
		all.lat_ns.insert(all.lat_ns.end(), r.lat_ns.begin(), r.lat_ns.end());
	}
	double mbps = static_cast<double>(all.bytes) / secs / 1e6;
	double rate = static_cast<double>(all.ops) / secs;
	double p50 = percentile_us(all.lat_ns, 0.50);
	double p99 = percentile_us(all.lat_ns, 0.99);
	const char *fam = o.smc ? "smc" : "tcp";

	if (o.json)
		std::printf("{\"label\":\"%s\",\"family\":\"%s\",\"test\":\"%s\",\"size\":%zu,"
			    "\"conns\":%u,\"seconds\":%.3f,\"bytes\":%" PRIu64 ",\"mbytes_per_s\":%.3f,"
			    "\"ops\":%" PRIu64 ",\"ops_per_s\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f,"
			    "\"errors\":%" PRIu64 "}\n",
			    o.label.c_str(), fam, test_name(o.test), o.size, o.conns, secs, all.bytes,
			    mbps, all.ops, rate, p50, p99, all.errors);
	else if (o.test == Test::stream)
		std::printf("%s %s stream size=%zu conns=%u: %.2f MB/s (%" PRIu64
			    " bytes in %.2f s)%s\n",
			    o.label.c_str(), fam, o.size, o.conns, mbps, all.bytes, secs,
			    all.errors ? " ERRORS" : "");
	else
		std::printf("%s %s %s size=%zu conns=%u: %.1f/s p50 %.1f us p99 %.1f us%s\n",
			    o.label.c_str(), fam, test_name(o.test), o.size, o.conns, rate, p50, p99,
			    all.errors ? " ERRORS" : "");
	return all.errors || all.ops + all.bytes == 0 ? 4 : 0;
}

[[noreturn]] void usage(int rc)
{
	std::fprintf(rc ? stderr : stdout,
		     "usage: smcr_bench server [--port P] [--family smc|tcp] [-6]\n"
		     "       smcr_bench client ADDR [--port P] [--family smc|tcp] [-6]\n"
		     "                  --test stream|rr|crr [--size BYTES] [--time SECONDS]\n"
		     "                  [--conns N] [--label TEXT] [--json]\n"
		     "exit: 0 ok, 1 usage, 2 setup error, 4 transfer errors or nothing measured\n");
	std::exit(rc);
}

size_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = std::strtoull(s, &end, 0);

	if (end == s)
		usage(1);
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	default: break;
	}
	if (*end || v == 0 || v > (64ull << 20))
		usage(1);
	return static_cast<size_t>(v);
}

} // namespace

int main(int argc, char **argv)
{
	Options o;
	static const option longopts[] = {
		{"port", required_argument, nullptr, 'p'}, {"family", required_argument, nullptr, 'f'},
		{"test", required_argument, nullptr, 't'}, {"size", required_argument, nullptr, 's'},
		{"time", required_argument, nullptr, 'T'}, {"conns", required_argument, nullptr, 'c'},
		{"label", required_argument, nullptr, 'l'}, {"json", no_argument, nullptr, 'j'},
		{"help", no_argument, nullptr, 'h'},	  {nullptr, 0, nullptr, 0},
	};

	if (argc < 2)
		usage(1);
	std::string mode = argv[1];
	if (mode == "-h" || mode == "--help")
		usage(0);
	if (mode != "server" && mode != "client")
		usage(1);
	o.server = mode == "server";
	optind = 2;
	for (int c; (c = getopt_long(argc, argv, "6p:f:t:s:T:c:l:jh", longopts, nullptr)) != -1;) {
		switch (c) {
		case '6': o.v6 = true; break;
		case 'p': o.port = static_cast<uint16_t>(std::atoi(optarg)); break;
		case 'f':
			if (std::strcmp(optarg, "smc") && std::strcmp(optarg, "tcp"))
				usage(1);
			o.smc = !std::strcmp(optarg, "smc");
			break;
		case 't':
			if (!std::strcmp(optarg, "stream"))
				o.test = Test::stream;
			else if (!std::strcmp(optarg, "rr"))
				o.test = Test::rr;
			else if (!std::strcmp(optarg, "crr"))
				o.test = Test::crr;
			else
				usage(1);
			break;
		case 's': o.size = parse_size(optarg); break;
		case 'T': o.seconds = std::atof(optarg); break;
		case 'c': o.conns = static_cast<unsigned>(std::atoi(optarg)); break;
		case 'l': o.label = optarg; break;
		case 'j': o.json = true; break;
		case 'h': usage(0);
		default: usage(1);
		}
	}
	if (o.seconds <= 0 || o.conns == 0 || o.conns > 1024 || o.port == 0)
		usage(1);
	if (o.server)
		return run_server(o);
	if (optind != argc - 1)
		usage(1);
	o.addr = argv[optind];
	return run_client(o);
}
