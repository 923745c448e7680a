// SPDX-License-Identifier: GPL-2.0 OR MIT
// smc_run / libsmc-preload.so logic (tools/smc_run/preload_core.h): which socket() calls become
// AF_SMC, the SIZE syntax, the environment, and one interposed call against fake socket() and
// setsockopt() (fallback when AF_SMC is missing, errno, buffer options on converted sockets only).
#include "preload_core.h"

#include <cerrno>
#include <gtest/gtest.h>
#include <map>
#include <netinet/in.h>
#include <string>
#include <vector>

using namespace smcrun;

namespace {

constexpr int kFlags = SOCK_NONBLOCK | SOCK_CLOEXEC;

TEST(SmcRunConvert, TcpBecomesSmc) {
    struct Case {
        int domain, type, protocol, want_protocol;
    } const cases[] = {
        {AF_INET, SOCK_STREAM, 0, kSmcProtoSmc},
        {AF_INET, SOCK_STREAM, IPPROTO_TCP, kSmcProtoSmc},
        {AF_INET6, SOCK_STREAM, 0, kSmcProtoSmc6},
        {AF_INET6, SOCK_STREAM, IPPROTO_TCP, kSmcProtoSmc6},
        {AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0, kSmcProtoSmc},
        {AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP, kSmcProtoSmc},
        {AF_INET6, SOCK_STREAM | kFlags, 0, kSmcProtoSmc6},
        {AF_INET6, SOCK_STREAM | kFlags, IPPROTO_TCP, kSmcProtoSmc6},
    };
    for (const auto& c : cases) {
        Triple t{-1, -1, -1};
        ASSERT_TRUE(convert(c.domain, c.type, c.protocol, &t))
            << c.domain << " " << c.type << " " << c.protocol;
        EXPECT_EQ(t.domain, kAfSmc);
        EXPECT_EQ(t.type, c.type) << "type and its flags are kept";
        EXPECT_EQ(t.protocol, c.want_protocol);
    }
}

TEST(SmcRunConvert, EverythingElseUntouched) {
    struct Case {
        int domain, type, protocol;
    } const cases[] = {
        {AF_UNIX, SOCK_STREAM, 0},
        {AF_UNIX, SOCK_DGRAM, 0},
        {AF_UNIX, SOCK_SEQPACKET | kFlags, 0},
        {AF_INET, SOCK_DGRAM, 0},
        {AF_INET, SOCK_DGRAM, IPPROTO_UDP},
        {AF_INET6, SOCK_DGRAM | kFlags, 0},
        {AF_INET, SOCK_STREAM, IPPROTO_SCTP},
        {AF_INET6, SOCK_STREAM, IPPROTO_SCTP},
        {AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP},
        {AF_INET, SOCK_STREAM, IPPROTO_MPTCP},
        {AF_INET, SOCK_STREAM, 256 /* IPPROTO_SMC: already SMC on 6.11+ */},
        {AF_INET, SOCK_RAW, IPPROTO_TCP},
        {AF_INET6, SOCK_RAW, 0},
        {AF_INET, SOCK_STREAM, IPPROTO_UDP},
        {AF_PACKET, SOCK_STREAM, 0},
        {AF_NETLINK, SOCK_RAW, 0},
        {kAfSmc, SOCK_STREAM, kSmcProtoSmc},
        {kAfSmc, SOCK_STREAM, kSmcProtoSmc6},
        {AF_INET, SOCK_SEQPACKET, 0},
        {AF_INET, SOCK_DCCP, 0},
        {-1, SOCK_STREAM, 0},
        {AF_INET, SOCK_STREAM, -1},
    };
    for (const auto& c : cases) {
        Triple t{-7, -7, -7};
        EXPECT_FALSE(convert(c.domain, c.type, c.protocol, &t))
            << c.domain << " " << c.type << " " << c.protocol;
        EXPECT_EQ(t.domain, -7) << "output untouched";
    }
}

TEST(SmcRunSize, Accepted) {
    struct Case {
        const char* text;
        std::int64_t want;
    } const cases[] = {
        {"1", 1},
        {"65536", 65536},
        {"16k", 16384},
        {"16K", 16384},
        {"1m", 1048576},
        {"1M", 1048576},
        {"0001", 1},
        {"1023M", 1023LL << 20},
        {"1073741823", 1073741823},
        {"1048575K", 1048575LL * 1024},
    };
    for (const auto& c : cases) {
        std::int64_t v = -1;
        const char* why = "unset";
        EXPECT_TRUE(parse_size(c.text, &v, &why)) << c.text << ": " << why;
        EXPECT_EQ(v, c.want) << c.text;
    }
}

TEST(SmcRunSize, Rejected) {
    const char* const cases[] = {
        "",         "0",   "0K",   "K",     "-1",         "+1",
        " 1",       "1 ",  "1KB",  "1k2",   "1G",         "1.5M",
        "x",        "1MM", "0x10", "1024M", "1073741824", "99999999999999999999999",
        "1048576K",
    };
    for (const char* c : cases) {
        std::int64_t v = -1;
        const char* why = nullptr;
        EXPECT_FALSE(parse_size(c, &v, &why)) << "'" << c << "'";
        EXPECT_NE(why, nullptr) << c;
        EXPECT_EQ(v, -1) << c;
    }
    EXPECT_FALSE(parse_size(nullptr, nullptr, nullptr));
}

// ---- environment
// ----------------------------------------------------------------------------------

std::map<std::string, std::string>* g_env;
std::vector<std::string>* g_log;

const char* fake_getenv(const char* name) {
    auto it = g_env->find(name);
    return it == g_env->end() ? nullptr : it->second.c_str();
}
void fake_log(const char* line) {
    g_log->push_back(line);
}

struct Env : ::testing::Test {
    std::map<std::string, std::string> env;
    std::vector<std::string> log;
    void SetUp() override {
        g_env = &env;
        g_log = &log;
    }
};

TEST_F(Env, Defaults) {
    Settings s = settings_from_env(fake_getenv, fake_log);
    EXPECT_FALSE(s.debug);
    EXPECT_EQ(s.sndbuf, 0);
    EXPECT_EQ(s.rcvbuf, 0);
    EXPECT_TRUE(log.empty());
}

TEST_F(Env, Values) {
    env = {{"SMC_DEBUG", "1"}, {"SMC_SNDBUF", "256K"}, {"SMC_RCVBUF", "1048576"}};
    Settings s = settings_from_env(fake_getenv, fake_log);
    EXPECT_TRUE(s.debug);
    EXPECT_EQ(s.sndbuf, 262144);
    EXPECT_EQ(s.rcvbuf, 1048576);
    EXPECT_TRUE(log.empty());
}

TEST_F(Env, DebugSpellings) {
    for (auto [v, want] : std::vector<std::pair<const char*, bool>>{
             {"", false}, {"0", false}, {"0x", false}, {"1", true}, {"yes", true}}) {
        env = {{"SMC_DEBUG", v}};
        EXPECT_EQ(settings_from_env(fake_getenv, fake_log).debug, want) << "'" << v << "'";
    }
}

TEST_F(Env, MalformedSizeIgnoredWithWarning) {
    env = {{"SMC_SNDBUF", "lots"}, {"SMC_RCVBUF", "64K"}};
    Settings s = settings_from_env(fake_getenv, fake_log);
    EXPECT_EQ(s.sndbuf, 0);
    EXPECT_EQ(s.rcvbuf, 65536);
    ASSERT_EQ(log.size(), 1u);
    EXPECT_NE(log[0].find("SMC_SNDBUF"), std::string::npos) << log[0];
}

// ---- one interposed call against fakes
// ------------------------------------------------------------

struct Call {
    int domain, type, protocol;
};
struct Opt {
    int fd, level, name, value;
};
struct Fake {
    std::vector<Call> calls;
    std::vector<Opt> opts;
    int smc_errno = 0;   // AF_SMC socket() fails with this if non-zero
    int other_errno = 0; // any other socket() fails with this if non-zero
    int setsockopt_errno = 0;
    int next_fd = 10;
};
Fake* g_fake;

int fake_socket(int d, int t, int p) {
    g_fake->calls.push_back({d, t, p});
    int err = d == kAfSmc ? g_fake->smc_errno : g_fake->other_errno;
    if (err) {
        errno = err;
        return -1;
    }
    errno = 12345; // a successful call may clobber errno; the interposer must restore it
    return g_fake->next_fd++;
}
int fake_setsockopt(int fd, int level, int name, const void* v, socklen_t len) {
    EXPECT_EQ(len, sizeof(int));
    g_fake->opts.push_back({fd, level, name, *static_cast<const int*>(v)});
    if (g_fake->setsockopt_errno) {
        errno = g_fake->setsockopt_errno;
        return -1;
    }
    return 0;
}

struct Interpose : Env {
    Fake fake;
    State state;
    Settings settings;
    Ops ops{fake_socket, fake_setsockopt, fake_log};
    void SetUp() override {
        Env::SetUp();
        g_fake = &fake;
    }
    int call(int d, int t, int p) {
        errno = 77; // the caller's errno
        return create_socket(d, t, p, settings, ops, state);
    }
};

TEST_F(Interpose, ConvertedWithFlagsAndErrnoKept) {
    int fd = call(AF_INET6, SOCK_STREAM | kFlags, IPPROTO_TCP);
    EXPECT_EQ(fd, 10);
    EXPECT_EQ(errno, 77);
    ASSERT_EQ(fake.calls.size(), 1u);
    EXPECT_EQ(fake.calls[0].domain, kAfSmc);
    EXPECT_EQ(fake.calls[0].type, SOCK_STREAM | kFlags);
    EXPECT_EQ(fake.calls[0].protocol, kSmcProtoSmc6);
    EXPECT_TRUE(fake.opts.empty()) << "no sizes configured, no setsockopt";
    EXPECT_TRUE(log.empty()) << "quiet without SMC_DEBUG";
}

TEST_F(Interpose, NotEligiblePassesThroughUntouched) {
    settings.sndbuf = settings.rcvbuf = 65536;
    settings.debug = true;
    for (auto c : std::vector<Call>{{AF_UNIX, SOCK_STREAM, 0},
                                    {AF_INET, SOCK_DGRAM, 0},
                                    {AF_INET, SOCK_STREAM, IPPROTO_SCTP},
                                    {AF_INET6, SOCK_RAW, IPPROTO_TCP}}) {
        fake.calls.clear();
        call(c.domain, c.type, c.protocol);
        ASSERT_EQ(fake.calls.size(), 1u);
        EXPECT_EQ(fake.calls[0].domain, c.domain);
        EXPECT_EQ(fake.calls[0].type, c.type);
        EXPECT_EQ(fake.calls[0].protocol, c.protocol);
    }
    EXPECT_TRUE(fake.opts.empty()) << "buffer sizes only on converted sockets";
    EXPECT_TRUE(log.empty()) << "nothing to say about sockets we do not touch";
}

TEST_F(Interpose, NotEligibleErrorIsTheCallersError) {
    fake.other_errno = EPROTONOSUPPORT;
    EXPECT_EQ(call(AF_INET, SOCK_STREAM, IPPROTO_SCTP), -1);
    EXPECT_EQ(errno, EPROTONOSUPPORT);
}

TEST_F(Interpose, BufferSizesOnConvertedSockets) {
    settings.sndbuf = 131072;
    settings.rcvbuf = 32768;
    settings.debug = true;
    int fd = call(AF_INET, SOCK_STREAM, 0);
    ASSERT_EQ(fake.opts.size(), 2u);
    EXPECT_EQ(fake.opts[0].fd, fd);
    EXPECT_EQ(fake.opts[0].level, SOL_SOCKET);
    EXPECT_EQ(fake.opts[0].name, SO_SNDBUF);
    EXPECT_EQ(fake.opts[0].value, 131072);
    EXPECT_EQ(fake.opts[1].name, SO_RCVBUF);
    EXPECT_EQ(fake.opts[1].value, 32768);
    EXPECT_EQ(errno, 77);
    ASSERT_EQ(log.size(), 1u) << "one line per conversion";
    EXPECT_NE(log[0].find("AF_SMC"), std::string::npos) << log[0];
    EXPECT_NE(log[0].find("SO_SNDBUF 131072"), std::string::npos) << log[0];
    EXPECT_NE(log[0].find("SO_RCVBUF 32768"), std::string::npos) << log[0];
}

TEST_F(Interpose, BufferSizeFailureIsReportedNotFatal) {
    settings.sndbuf = 65536;
    fake.setsockopt_errno = ENOBUFS;
    int fd = call(AF_INET, SOCK_STREAM, 0);
    EXPECT_EQ(fd, 10);
    EXPECT_EQ(errno, 77);
    ASSERT_EQ(log.size(), 1u) << "reported even without SMC_DEBUG";
    EXPECT_NE(log[0].find("ENOBUFS"), std::string::npos) << log[0];
}

TEST_F(Interpose, NoAfSmcFallsBackOnceThenGoesStraightToTcp) {
    fake.smc_errno = EAFNOSUPPORT;
    settings.sndbuf = 65536;
    settings.debug = true;
    int fd = call(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    EXPECT_EQ(fd, 10);
    EXPECT_EQ(errno, 77) << "the failed AF_SMC attempt leaves no trace in errno";
    ASSERT_EQ(fake.calls.size(), 2u);
    EXPECT_EQ(fake.calls[0].domain, kAfSmc);
    EXPECT_EQ(fake.calls[1].domain, AF_INET);
    EXPECT_EQ(fake.calls[1].type, SOCK_STREAM | SOCK_NONBLOCK);
    EXPECT_EQ(fake.calls[1].protocol, 0);
    EXPECT_TRUE(fake.opts.empty()) << "a TCP socket keeps TCP's own buffer tuning";
    ASSERT_EQ(log.size(), 1u);
    EXPECT_NE(log[0].find("EAFNOSUPPORT"), std::string::npos) << log[0];
    EXPECT_TRUE(state.smc_unavailable.load());

    // later sockets: no second AF_SMC attempt
    fake.calls.clear();
    EXPECT_EQ(call(AF_INET6, SOCK_STREAM, IPPROTO_TCP), 11);
    ASSERT_EQ(fake.calls.size(), 1u);
    EXPECT_EQ(fake.calls[0].domain, AF_INET6);
    EXPECT_EQ(fake.calls[0].protocol, IPPROTO_TCP);
    EXPECT_EQ(log.size(), 2u);
}

TEST_F(Interpose, OtherRefusalsFallBackEachTime) {
    for (int err : {EPROTONOSUPPORT, ESOCKTNOSUPPORT, EACCES, EPERM}) {
        fake = Fake{};
        fake.smc_errno = err;
        EXPECT_EQ(call(AF_INET, SOCK_STREAM, 0), 10) << err;
        ASSERT_EQ(fake.calls.size(), 2u) << err;
        EXPECT_EQ(fake.calls[1].domain, AF_INET);
        EXPECT_FALSE(state.smc_unavailable.load()) << "only EAFNOSUPPORT is remembered";
    }
}

TEST_F(Interpose, ResourceErrorsAreReturned) {
    for (int err : {EMFILE, ENFILE, ENOMEM, ENOBUFS}) {
        fake = Fake{};
        fake.smc_errno = err;
        EXPECT_EQ(call(AF_INET, SOCK_STREAM, 0), -1);
        EXPECT_EQ(errno, err);
        EXPECT_EQ(fake.calls.size(), 1u) << "no TCP retry for " << err;
    }
}

TEST_F(Interpose, FallbackFailureReportsTheOriginalError) {
    fake.smc_errno = EAFNOSUPPORT;
    fake.other_errno = EMFILE;
    EXPECT_EQ(call(AF_INET, SOCK_STREAM, 0), -1);
    EXPECT_EQ(errno, EMFILE);
}

TEST(SmcRunNames, Messages) {
    char b[96];
    EXPECT_STREQ(domain_name(AF_INET6, b, sizeof b), "AF_INET6");
    EXPECT_STREQ(domain_name(99, b, sizeof b), "99");
    EXPECT_STREQ(type_name(SOCK_STREAM | kFlags, b, sizeof b),
                 "SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC");
    EXPECT_STREQ(type_name(SOCK_DGRAM, b, sizeof b), "SOCK_DGRAM");
    char tiny[4];
    EXPECT_STREQ(type_name(SOCK_STREAM | kFlags, tiny, sizeof tiny), "SOC");
    EXPECT_STREQ(errno_name(EAFNOSUPPORT), "EAFNOSUPPORT");
}

} // namespace
