// SPDX-License-Identifier: GPL-2.0 OR MIT
// libsmc-preload.so: LD_PRELOAD library that turns a program's TCP sockets into AF_SMC sockets.
//
// Only socket() is interposed (AF_SMC is a kernel socket family: connect, accept, setsockopt, ...
// work on it directly). The rules and the fallback are in preload_core.cpp. Design points:
//  - no global constructors or destructors: nothing runs at load time, so loading the library
//    cannot deadlock or run before the C library is ready; all state is constant-initialised;
//  - the first socket() call (from any thread) resolves the next socket() with
//    dlsym(RTLD_NEXT) and reads the environment, exactly once (pthread_once); if dlsym finds
//    nothing, the raw system call is used;
//  - errno is preserved across a successful call;
//  - no C++ runtime: built with -fno-exceptions -fno-rtti and linked without libstdc++.
#include "preload_core.h"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace {

using SocketFn = int (*)(int, int, int);

constinit pthread_once_t g_once = PTHREAD_ONCE_INIT;
constinit std::atomic<SocketFn> g_real{nullptr};
constinit smcrun::Settings g_settings{};
constinit smcrun::State g_state{};

// One line to stderr with one write(2), so lines from several threads or processes do not mix.
void log_line(const char* line) {
    const int saved = errno;
    std::array<char, 512> buf{};
    int n = std::snprintf(buf.data(), buf.size(), "smc_run[%d]: %s\n", static_cast<int>(getpid()),
                          line);
    if (n > 0) {
        if (static_cast<std::size_t>(n) >= buf.size()) {
            n = static_cast<int>(buf.size()) - 1;
            buf[n - 1] = '\n';
        }
        ssize_t w = write(STDERR_FILENO, buf.data(), static_cast<std::size_t>(n));
        (void)w;
    }
    errno = saved;
}

int raw_socket(int domain, int type, int protocol) {
    return static_cast<int>(syscall(SYS_socket, domain, type, protocol));
}

const char* env(const char* name) {
    return std::getenv(name);
}

void init_once() {
    void* sym = dlsym(RTLD_NEXT, "socket");
    SocketFn real = sym ? reinterpret_cast<SocketFn>(sym) : raw_socket;
    g_settings = smcrun::settings_from_env(env, log_line);
    if (g_settings.debug && !sym) {
        log_line("dlsym(RTLD_NEXT, \"socket\") found nothing; using the system call");
    }
    g_real.store(real, std::memory_order_release);
}

} // namespace

extern "C" __attribute__((visibility("default"))) int socket(int domain, int type,
                                                             int protocol) noexcept {
    const int saved = errno;
    pthread_once(&g_once, init_once);
    errno = saved;
    const smcrun::Ops ops{g_real.load(std::memory_order_acquire), ::setsockopt, log_line};
    return smcrun::create_socket(domain, type, protocol, g_settings, ops, g_state);
}
