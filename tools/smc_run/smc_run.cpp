// SPDX-License-Identifier: GPL-2.0 OR MIT
// smc_run: run a program (and everything it starts) with its TCP sockets turned into AF_SMC
// sockets, through libsmc-preload.so in LD_PRELOAD. See docs/man/smc_run.8.
#include "preload_core.h"

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <getopt.h>
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
         "  -h, --help           this text\n"
         "  -V, --version        version\n"
         "\n"
         "SIZE: bytes, with an optional K or M suffix (256K, 1M).\n"
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

std::int64_t size_arg(const char* opt, const char* text) {
    std::int64_t v;
    const char* why = nullptr;
    if (!smcrun::parse_size(text, &v, &why)) {
        fail(std::string("bad ") + opt + " '" + text + "': " + why);
    }
    return v;
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
    static const std::array<option, 6> longopts{{{"debug", no_argument, nullptr, 'd'},
                                                 {"rcvbuf", required_argument, nullptr, 'r'},
                                                 {"sndbuf", required_argument, nullptr, 't'},
                                                 {"help", no_argument, nullptr, 'h'},
                                                 {"version", no_argument, nullptr, 'V'},
                                                 {nullptr, 0, nullptr, 0}}};
    bool debug = false;
    std::int64_t rcvbuf = 0, sndbuf = 0;
    opterr = 0;
    int c;
    // '+': options end at the first non-option, so `smc_run prog -d` passes -d to prog.
    while ((c = getopt_long(argc, argv, "+dr:t:hV", longopts.data(), nullptr)) != -1) {
        switch (c) {
        case 'd':
            debug = true;
            break;
        case 'r':
            rcvbuf = size_arg("-r", optarg);
            break;
        case 't':
            sndbuf = size_arg("-t", optarg);
            break;
        case 'h':
            usage(std::cout);
            return 0;
        case 'V':
            std::cout << "smc_run (smcr) " << SMCR_VERSION << "\n";
            return 0;
        default: {
            std::string bad = optopt ? std::string("-") + static_cast<char>(optopt)
                                     : std::string(argv[optind - 1]);
            std::cerr << "smc_run: "
                      << (optopt && std::strchr("rt", optopt) ? "option " + bad + " needs a SIZE"
                                                              : "unknown option " + bad)
                      << "\n";
            usage(std::cerr);
            return kExitUsage;
        }
        }
    }
    if (optind >= argc) {
        std::cerr << "smc_run: no command given\n";
        usage(std::cerr);
        return kExitUsage;
    }

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

    execvp(argv[optind], argv + optind);
    const int err = errno;
    std::cerr << "smc_run: cannot run '" << argv[optind] << "': " << std::strerror(err) << "\n";
    return err == ENOENT ? kExitNotFound : kExitNoExec;
}
