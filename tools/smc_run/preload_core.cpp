// SPDX-License-Identifier: GPL-2.0 OR MIT
// See preload_core.h. No exceptions, no allocation, no static constructors: this file is linked
// into libsmc-preload.so, which runs inside arbitrary programs.
#include "preload_core.h"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <netinet/in.h>

namespace smcrun {

bool convert(int domain, int type, int protocol, Triple* out) noexcept {
    if (domain != AF_INET && domain != AF_INET6) {
        return false;
    }
    if ((type & kSockTypeMask) != SOCK_STREAM) {
        return false;
    }
    if (protocol != 0 && protocol != IPPROTO_TCP) {
        return false;
    }
    out->domain = kAfSmc;
    out->type = type;
    out->protocol = domain == AF_INET6 ? kSmcProtoSmc6 : kSmcProtoSmc;
    return true;
}

bool parse_size(const char* text, std::int64_t* out, const char** why) noexcept {
    const char* dummy;
    if (!why) {
        why = &dummy;
    }
    if (!text || !*text) {
        *why = "empty size";
        return false;
    }
    std::int64_t v = 0;
    const char* p = text;
    if (*p < '0' || *p > '9') {
        *why = "a size is a number of bytes with an optional K or M suffix (e.g. 65536, 256K, 1M)";
        return false;
    }
    for (; *p >= '0' && *p <= '9'; ++p) {
        v = v * 10 + (*p - '0');
        if (v > kMaxSize) {
            *why = "size too large (at most 1073741823 bytes)";
            return false;
        }
    }
    std::int64_t mult = 1;
    if (*p == 'k' || *p == 'K') {
        mult = 1024, ++p;
    } else if (*p == 'm' || *p == 'M') {
        mult = std::int64_t{1024} * 1024, ++p;
    }
    if (*p) {
        *why = "a size is a number of bytes with an optional K or M suffix (e.g. 65536, 256K, 1M)";
        return false;
    }
    if (v > kMaxSize / mult) {
        *why = "size too large (at most 1073741823 bytes)";
        return false;
    }
    v *= mult;
    if (v == 0) {
        *why = "size must be at least 1 byte";
        return false;
    }
    *out = v;
    return true;
}

namespace {

int size_from_env(GetEnv getenv_fn, const char* name, void (*log)(const char*)) {
    const char* s = getenv_fn(name);
    if (!s || !*s) {
        return 0;
    }
    std::int64_t v;
    const char* why = nullptr;
    if (!parse_size(s, &v, &why)) {
        if (log) {
            std::array<char, 256> line{};
            std::snprintf(line.data(), line.size(), "ignoring %s='%.40s': %s", name, s, why);
            log(line.data());
        }
        return 0;
    }
    return static_cast<int>(v);
}

bool fallback_errno(int err) {
    switch (err) {
    case EAFNOSUPPORT:
    case EPROTONOSUPPORT:
    case ESOCKTNOSUPPORT:
    case EACCES:
    case EPERM:
        return true;
    default:
        return false;
    }
}

void log_call(const Ops& ops, const char* what, int domain, int type, int protocol,
              const char* rest) {
    if (!ops.log) {
        return;
    }
    std::array<char, 32> d{};
    std::array<char, 96> t{};
    std::array<char, 320> line{};
    std::snprintf(line.data(), line.size(), "socket(%s, %s, %d): %s%s",
                  domain_name(domain, d.data(), d.size()), type_name(type, t.data(), t.size()),
                  protocol, what, rest);
    ops.log(line.data());
}

} // namespace

Settings settings_from_env(GetEnv getenv_fn, void (*log)(const char*)) {
    Settings s;
    const char* d = getenv_fn("SMC_DEBUG");
    s.debug = d && *d && *d != '0';
    s.sndbuf = size_from_env(getenv_fn, "SMC_SNDBUF", log);
    s.rcvbuf = size_from_env(getenv_fn, "SMC_RCVBUF", log);
    return s;
}

int create_socket(int domain, int type, int protocol, const Settings& settings, const Ops& ops,
                  State& state) noexcept {
    const int saved = errno;
    Triple smc;
    if (!convert(domain, type, protocol, &smc)) {
        return ops.socket(domain, type, protocol);
    }

    if (state.smc_unavailable.load(std::memory_order_relaxed)) {
        if (settings.debug) {
            log_call(ops, "not converted, AF_SMC unavailable", domain, type, protocol, "");
        }
        return ops.socket(domain, type, protocol);
    }

    int fd = ops.socket(smc.domain, smc.type, smc.protocol);
    if (fd < 0) {
        const int err = errno;
        if (!fallback_errno(err)) {
            return fd; // errno as AF_SMC set it (e.g. EMFILE): TCP would fail the same way
        }
        if (err == EAFNOSUPPORT) {
            state.smc_unavailable.store(true, std::memory_order_relaxed);
        }
        if (settings.debug) {
            std::array<char, 96> rest{};
            std::snprintf(rest.data(), rest.size(), " (%s), using the original call",
                          errno_name(err));
            log_call(ops, "AF_SMC failed", domain, type, protocol, rest.data());
        }
        fd = ops.socket(domain, type, protocol);
        if (fd >= 0) {
            errno = saved; // the failed AF_SMC attempt leaves no trace
        }
        return fd;
    }

    // Buffer sizes on converted sockets only: SMC sizes its send buffer and RMB from them.
    struct Buf {
        int opt;
        int value;
        const char* name;
    };
    const std::array<Buf, 2> bufs{
        {{SO_SNDBUF, settings.sndbuf, "SO_SNDBUF"}, {SO_RCVBUF, settings.rcvbuf, "SO_RCVBUF"}}};
    std::array<char, 160> extra{};
    std::size_t used = 0;
    for (const auto& b : bufs) {
        if (b.value <= 0) {
            continue;
        }
        const int rc = ops.setsockopt(fd, SOL_SOCKET, b.opt, &b.value, sizeof b.value);
        const int err = rc == 0 ? 0 : errno;
        int n = 0;
        if (rc == 0) {
            n = std::snprintf(extra.data() + used, extra.size() - used, ", %s %d", b.name, b.value);
        } else {
            n = std::snprintf(extra.data() + used, extra.size() - used, ", %s %d failed (%s)",
                              b.name, b.value, errno_name(err));
        }
        if (n > 0 && static_cast<std::size_t>(n) < extra.size() - used) {
            used += static_cast<std::size_t>(n);
        }
        // A failure here is reported, not fatal: the socket works with the default size.
        if (rc != 0 && ops.log && !settings.debug) {
            std::array<char, 160> line{};
            std::snprintf(line.data(), line.size(), "setting %s to %d on fd %d failed: %s", b.name,
                          b.value, fd, errno_name(err));
            ops.log(line.data());
        }
    }
    if (settings.debug) {
        std::array<char, 96> what{};
        std::snprintf(what.data(), what.size(), "fd %d is AF_SMC (%s)", fd,
                      smc.protocol == kSmcProtoSmc6 ? "SMCPROTO_SMC6" : "SMCPROTO_SMC");
        log_call(ops, what.data(), domain, type, protocol, extra.data());
    }
    errno = saved;
    return fd;
}

const char* domain_name(int domain, char* buf, std::size_t len) noexcept {
    switch (domain) {
    case AF_INET:
        return std::snprintf(buf, len, "AF_INET"), buf;
    case AF_INET6:
        return std::snprintf(buf, len, "AF_INET6"), buf;
    case AF_UNIX:
        return std::snprintf(buf, len, "AF_UNIX"), buf;
    case kAfSmc:
        return std::snprintf(buf, len, "AF_SMC"), buf;
    default:
        return std::snprintf(buf, len, "%d", domain), buf;
    }
}

const char* type_name(int type, char* buf, std::size_t len) noexcept {
    const int base = type & kSockTypeMask;
    const char* b = base == SOCK_STREAM      ? "SOCK_STREAM"
                    : base == SOCK_DGRAM     ? "SOCK_DGRAM"
                    : base == SOCK_RAW       ? "SOCK_RAW"
                    : base == SOCK_SEQPACKET ? "SOCK_SEQPACKET"
                                             : nullptr;
    int n = b ? std::snprintf(buf, len, "%s", b) : std::snprintf(buf, len, "%d", base);
    const int rest = type & ~(kSockTypeMask | SOCK_NONBLOCK | SOCK_CLOEXEC);
    auto add = [&](const char* s) {
        if (n >= 0 && static_cast<std::size_t>(n) < len) {
            n += std::snprintf(buf + n, len - static_cast<std::size_t>(n), "%s", s);
        }
    };
    if (type & SOCK_NONBLOCK) {
        add("|SOCK_NONBLOCK");
    }
    if (type & SOCK_CLOEXEC) {
        add("|SOCK_CLOEXEC");
    }
    if (rest && n >= 0 && static_cast<std::size_t>(n) < len) {
        std::snprintf(buf + n, len - static_cast<std::size_t>(n), "|0x%x", rest);
    }
    return buf;
}

const char* errno_name(int err) noexcept {
    const char* n = strerrorname_np(err); // glibc 2.32: "EAFNOSUPPORT"
    return n ? n : "unknown error";
}

} // namespace smcrun
