// SPDX-License-Identifier: GPL-2.0 OR MIT
// smc_run: run a program (and everything it starts) with its TCP sockets turned into AF_SMC
// sockets, through libsmc-preload.so in LD_PRELOAD. See docs/man/smc_run.8.
#include "policy_run.h"
#include "preload_core.h"
#include "run_options.h"

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#ifndef SMCR_VERSION
#define SMCR_VERSION "unknown"
#endif
#ifndef SMCR_PRELOAD_RELDIR
#define SMCR_PRELOAD_RELDIR "../lib" // from the directory of smc_run to the library's
#endif
#ifndef SMCR_PRELOAD_INSTALLED
#define SMCR_PRELOAD_INSTALLED "/usr/local/lib/libsmc-preload.so"
#endif

namespace {

constexpr const char* kLibName = "libsmc-preload.so";
// Exit statuses, as env(1), nice(1) and timeout(1) use them.
constexpr int kExitUsage = 125;    // smc_run itself failed (bad option, no library)
constexpr int kExitNoExec = 126;   // the command was found but could not be run
constexpr int kExitNotFound = 127; // the command was not found

void usage(std::ostream& o) {
    o << "Usage: smc_run [OPTION]... COMMAND [ARG]...\n"
         "Run COMMAND with its TCP sockets (and those of every process it starts) created as\n"
         "AF_SMC sockets. Without AF_SMC in the kernel the program runs over TCP unchanged.\n"
         "\n"
         "  -d, --debug          one line on stderr per socket converted (or not converted)\n"
         "  -r, --rcvbuf SIZE    SO_RCVBUF on converted sockets (SMC receive buffer = SIZE)\n"
         "  -t, --sndbuf SIZE    SO_SNDBUF on converted sockets (SMC send buffer = SIZE)\n"
         "      --policy RULE    an SMC policy rule for COMMAND's connections only (repeatable;\n"
         "                       the words of 'smcctl policy add', e.g. 'dport 5000 verdict tcp')\n"
         "      --policy-default smc|tcp  for COMMAND's connections no RULE matches (smc)\n"
         "  -h, --help           this text\n"
         "  -V, --version        version\n"
         "\n"
         "SIZE: bytes, with an optional K or M suffix (256K, 1M).\n"
         "--policy needs root, cgroup v2 and the smcr module: COMMAND runs in a cgroup of its own\n"
         "and the rules apply to connect() calls made there, not to accepted connections.\n"
         "The library is found through SMC_PRELOAD_LIB, then next to smc_run (" SMCR_PRELOAD_RELDIR
         "), then at " SMCR_PRELOAD_INSTALLED ".\n"
         "Exit status: COMMAND's, or 125 (smc_run failed), 126 (COMMAND not executable), 127 "
         "(COMMAND\n"
         "not found).\n";
}

[[noreturn]] void fail(const std::string& msg) {
    std::cerr << "smc_run: " << msg << "\n";
    std::exit(kExitUsage);
}

bool is_file(const std::string& p) {
    struct stat st {};
    return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string self_dir() {
    std::vector<char> buf(4096);
    ssize_t n = readlink("/proc/self/exe", buf.data(), buf.size() - 1);
    if (n <= 0) {
        return {};
    }
    std::string p(buf.data(), static_cast<std::size_t>(n));
    auto slash = p.rfind('/');
    return slash == std::string::npos ? std::string{} : p.substr(0, slash);
}

std::string canonical(const std::string& p) {
    std::error_code ec;
    auto c = std::filesystem::canonical(p, ec);
    return ec ? p : c.string();
}

std::string find_library() {
    if (const char* o = std::getenv("SMC_PRELOAD_LIB"); o && *o) {
        std::string p(o);
        if (p[0] != '/') {
            fail("SMC_PRELOAD_LIB must be an absolute path (got '" + p + "')");
        }
        if (!is_file(p)) {
            fail("SMC_PRELOAD_LIB=" + p + ": no such file");
        }
        return canonical(p);
    }
    std::vector<std::string> tried;
    if (std::string d = self_dir(); !d.empty()) {
        std::string p = d + "/" SMCR_PRELOAD_RELDIR "/" + kLibName;
        if (is_file(p)) {
            return canonical(p);
        }
        tried.push_back(p);
    }
    if (is_file(SMCR_PRELOAD_INSTALLED)) {
        return SMCR_PRELOAD_INSTALLED;
    }
    tried.emplace_back(SMCR_PRELOAD_INSTALLED);
    std::string msg = std::string("cannot find ") + kLibName + " (looked at";
    for (const auto& t : tried) {
        msg += " " + t;
    }
    fail(msg + "); set SMC_PRELOAD_LIB to its path");
}

// The kernel silently caps SO_SNDBUF / SO_RCVBUF at net.core.wmem_max / rmem_max for unprivileged
// callers: say so rather than let a size be ignored without a word.
void warn_cap(const char* opt, std::int64_t v, const char* sysctl) {
    std::ifstream f(std::string("/proc/sys/net/core/") + sysctl);
    std::int64_t max = 0;
    if (f >> max && max > 0 && v > max) {
        std::cerr << "smc_run: warning: " << opt << " " << v << " exceeds net.core." << sysctl
                  << " (" << max << "); the kernel will cap it (raise it with sysctl -w net.core."
                  << sysctl << "=" << v << ")\n";
    }
}

// LD_PRELOAD with our library first, keeping whatever was there (without a second copy of ours).
std::string preload_value(const std::string& lib) {
    const char* old = std::getenv("LD_PRELOAD");
    std::string out = lib;
    if (!old) {
        return out;
    }
    std::string cur;
    auto flush = [&] {
        if (!cur.empty() && cur != lib && canonical(cur) != lib) {
            out += ":" + cur;
        }
        cur.clear();
    };
    for (const char* p = old; *p; ++p) {
        if (*p == ':' || *p == ' ') {
            flush();
        } else {
            cur += *p;
        }
    }
    flush();
    return out;
}

} // namespace

int main(int argc, char** argv) {
    const smcrun::RunOptions o = smcrun::parse_run_options(argc, argv);
    switch (o.action) {
    case smcrun::RunOptions::Action::help:
        usage(std::cout);
        return 0;
    case smcrun::RunOptions::Action::version:
        std::cout << "smc_run (smcr) " << SMCR_VERSION << "\n";
        return 0;
    case smcrun::RunOptions::Action::error:
        std::cerr << "smc_run: " << o.error << "\n";
        if (o.show_usage) {
            usage(std::cerr);
        }
        return kExitUsage;
    case smcrun::RunOptions::Action::run:
        break;
    }
    const bool debug = o.debug;
    const std::int64_t rcvbuf = o.rcvbuf, sndbuf = o.sndbuf;

    std::string lib = find_library();
    if (lib.find_first_of(": ") != std::string::npos) {
        fail("the library path '" + lib + "' contains ':' or ' ', which LD_PRELOAD cannot carry");
    }
    if (sndbuf) {
        warn_cap("-t", sndbuf, "wmem_max");
    }
    if (rcvbuf) {
        warn_cap("-r", rcvbuf, "rmem_max");
    }

    if (setenv("LD_PRELOAD", preload_value(lib).c_str(), 1) != 0) {
        fail(std::string("setenv: ") + std::strerror(errno));
    }
    if (debug) {
        setenv("SMC_DEBUG", "1", 1);
    }
    if (sndbuf) {
        setenv("SMC_SNDBUF", std::to_string(sndbuf).c_str(), 1);
    }
    if (rcvbuf) {
        setenv("SMC_RCVBUF", std::to_string(rcvbuf).c_str(), 1);
    }
    if (debug) {
        std::cerr << "smc_run: LD_PRELOAD=" << std::getenv("LD_PRELOAD") << "\n";
    }

    if (o.policy) {
        // a child in a cgroup of its own, rules for it while it runs (policy_run.cpp)
        return smcrun::run_with_policy(o, argv + o.command);
    }
    // without --policy: nothing to undo afterwards, so smc_run becomes COMMAND
    execvp(argv[o.command], argv + o.command);
    const int err = errno;
    std::cerr << "smc_run: cannot run '" << argv[o.command] << "': " << std::strerror(err) << "\n";
    return err == ENOENT ? kExitNotFound : kExitNoExec;
}
