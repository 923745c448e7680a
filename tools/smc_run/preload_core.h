// SPDX-License-Identifier: GPL-2.0 OR MIT
// The logic of libsmc-preload.so and smc_run, free of global state so that it can be unit-tested:
// which socket() calls become AF_SMC, the buffer-size syntax, the settings the library reads from
// its environment, and one socket() call with the real functions passed in.
//
// Header-only parts use nothing from the C++ runtime library (no exceptions, no allocation): the
// preload library links without libstdc++ and must not throw into a C program.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <sys/socket.h>

namespace smcrun {

inline constexpr int kAfSmc = 43;         // AF_SMC
inline constexpr int kSmcProtoSmc = 0;    // SMCPROTO_SMC: AF_SMC socket with IPv4 addressing
inline constexpr int kSmcProtoSmc6 = 1;   // SMCPROTO_SMC6: the same with IPv6 addressing
inline constexpr int kSockTypeMask = 0xf; // the type without SOCK_NONBLOCK / SOCK_CLOEXEC

struct Triple {
    int domain;
    int type;
    int protocol;
};

/// The AF_SMC equivalent of socket(domain, type, protocol), or false if the call is not a TCP
/// socket: domain AF_INET or AF_INET6, (type & 0xf) == SOCK_STREAM, protocol 0 or IPPROTO_TCP.
/// The type is passed on unchanged (SOCK_NONBLOCK, SOCK_CLOEXEC and any other flag bits).
bool convert(int domain, int type, int protocol, Triple* out) noexcept;

/// Parses a buffer size: decimal digits with an optional K/k (x1024) or M/m (x1048576) suffix,
/// no sign, no spaces; the result must lie in [1, kMaxSize]. On error returns false and, if
/// `why` is not null, points it at a static sentence.
inline constexpr std::int64_t kMaxSize = 0x7fffffff / 2; // the kernel doubles SO_{SND,RCV}BUF
bool parse_size(const char* text, std::int64_t* out, const char** why) noexcept;

/// What libsmc-preload.so does, from its environment (smc_run sets these):
///   SMC_DEBUG   non-empty and not starting with '0': one stderr line per converted socket
///   SMC_SNDBUF  SO_SNDBUF for converted sockets (parse_size syntax)
///   SMC_RCVBUF  SO_RCVBUF for converted sockets
struct Settings {
    bool debug = false;
    int sndbuf = 0; // 0: leave the kernel's default (net.smc.wmem)
    int rcvbuf = 0; // 0: net.smc.rmem
};
using GetEnv = const char* (*)(const char*);
/// Reads the settings; a malformed SMC_SNDBUF / SMC_RCVBUF is ignored with a warning (through
/// `log`).
Settings settings_from_env(GetEnv getenv_fn, void (*log)(const char* line));

/// The functions one conversion uses (the real libc ones in the library, fakes in the tests).
struct Ops {
    int (*socket)(int, int, int);
    int (*setsockopt)(int, int, int, const void*, socklen_t);
    void (*log)(const char* line); // a complete line without '\n'
};

/// Shared state across calls: set once AF_SMC has been found missing (EAFNOSUPPORT), after which
/// eligible sockets go straight to the original call (no second failing syscall, no module
/// autoload request per socket).
struct State {
    std::atomic<bool> smc_unavailable{false};
};

/// One interposed socket() call. Eligible calls try AF_SMC first; if the kernel has no AF_SMC
/// (EAFNOSUPPORT) or refuses this protocol (EPROTONOSUPPORT, ESOCKTNOSUPPORT) or the call is
/// denied by policy (EACCES, EPERM), the original call is made instead, so the program keeps
/// working over TCP. Other errors (EMFILE, ENOMEM, ...) are returned as they are. Converted
/// sockets get SO_SNDBUF / SO_RCVBUF from the settings; a failure there is logged, not returned.
/// errno is left as the caller had it on success, and as the returned failure set it otherwise.
int create_socket(int domain, int type, int protocol, const Settings& settings, const Ops& ops,
                  State& state) noexcept;

/// Short names for messages: "AF_INET", "SOCK_STREAM|SOCK_NONBLOCK", "EAFNOSUPPORT".
/// Write into buf (always NUL-terminated), return buf.
const char* domain_name(int domain, char* buf, std::size_t len) noexcept;
const char* type_name(int type, char* buf, std::size_t len) noexcept;
const char* errno_name(int err) noexcept;

} // namespace smcrun
