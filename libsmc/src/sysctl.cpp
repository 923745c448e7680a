// SPDX-License-Identifier: GPL-2.0 OR MIT
// net.smc.* through /proc/sys/net/smc (per network namespace).
#include "smc/sysctl.h"

#include "smc/system.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <memory>
#include <sstream>
#include <unistd.h>

namespace smc {

namespace {

constexpr const char* kDir = "/proc/sys/net/smc";
constexpr const char* kPrefix = "net.smc.";

// Upstream names, ranges and defaults (Documentation/networking/smc-sysctl.rst), plus smcr.ko's
// tcp2smc and its own buffer defaults (256 KiB where upstream has 64). A kernel has a subset of
// them; smcctl shows what the kernel has.
constexpr std::array<SysctlInfo, 12> kKnown = {{
    {"autocorking_size", true, 0, 4294967295LL, "65536", "bytes",
     "writes smaller than this wait for more data before going out (0 disables autocorking)",
     nullptr},
    {"hs_ctrl", false, 0, 0, "", "",
     "name of the BPF handshake control (smc_hs_ctrl) used in this namespace", nullptr},
    {"limit_smc_hs", true, 0, 1, "0", "",
     "handshake limitation default of new listening sockets (1 = limit)", nullptr},
    {"rmem", true, 16384, 1073741823LL, "65536", "bytes",
     "initial receive buffer (RMB) size of SMC sockets (used up to 512 KiB for SMC-R)", "262144"},
    {"smcr_buf_type", true, 0, 2, "0", "",
     "SMC-R buffer memory: 0 physically contiguous, 1 virtually contiguous, 2 mixed", nullptr},
    {"smcr_max_conns_per_lgr", true, 16, 255, "255", "connections",
     "most connections per SMC-R link group offered in SMCv2.1 negotiation", nullptr},
    {"smcr_max_links_per_lgr", true, 1, 2, "2", "links",
     "most links per SMC-R link group offered in SMCv2.1 negotiation", nullptr},
    {"smcr_max_recv_wr", true, 2, 2048, "48", "work requests",
     "receive work requests per SMC-R link", nullptr},
    {"smcr_max_send_wr", true, 2, 2048, "16", "work requests", "send work requests per SMC-R link",
     nullptr},
    {"smcr_testlink_time", true, 0, 2147483, "30", "seconds",
     "idle time before an SMC-R link is checked with LLC TEST LINK (0 disables)", nullptr},
    {"tcp2smc", true, 0, 1, "0", "",
     "smcr.ko only: 1 = TCP sockets programs create in this namespace are SMC sockets", nullptr},
    {"wmem", true, 16384, 1073741823LL, "65536", "bytes",
     "initial send buffer size of SMC sockets (used up to 512 KiB for SMC-R)", "262144"},
}};

struct DirCloser {
    void operator()(DIR* d) const { closedir(d); }
};

std::string trim(std::string s) {
    const auto not_space = [](unsigned char c) { return !std::isspace(c); };
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
    s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
    return s;
}

std::string path_of(const std::string& short_name) {
    return std::string(kDir) + "/" + short_name;
}

bool valid_short_name(const std::string& n) {
    return !n.empty() && n.find('/') == std::string::npos && n != "." && n != "..";
}

Error no_dir_error() {
    if (!probe_provider().af_smc) {
        return Error::make(Errc::not_loaded, "no SMC module loaded (AF_SMC family not registered)",
                           ENOENT);
    }
    return Error::make(
        Errc::not_supported,
        "the loaded SMC module has no net.smc sysctls (no " + std::string(kDir) + ")", ENOENT);
}

} // namespace

std::span<const SysctlInfo> known_sysctls() {
    return kKnown;
}

std::string sysctl_short_name(const std::string& name) {
    std::string n = name;
    std::replace(n.begin(), n.end(), '/', '.');
    if (n.rfind(kPrefix, 0) == 0) {
        n = n.substr(std::strlen(kPrefix));
    }
    return n;
}

const char* sysctl_default(const SysctlInfo& info, const std::string& module) {
    if (module == "smcr" && info.smcr_default != nullptr) {
        return info.smcr_default;
    }
    return info.default_value;
}

const SysctlInfo* sysctl_info(const std::string& name) {
    const std::string n = sysctl_short_name(name);
    for (const auto& k : kKnown) {
        if (n == k.name) {
            return &k;
        }
    }
    return nullptr;
}

Result<std::vector<SysctlEntry>> sysctl_list() {
    std::unique_ptr<DIR, DirCloser> dir(opendir(kDir));
    if (!dir) {
        return no_dir_error();
    }
    std::vector<SysctlEntry> out;
    while (const dirent* e = readdir(dir.get())) {
        if (e->d_name[0] == '.') {
            continue;
        }
        auto v = sysctl_get(e->d_name);
        if (v) {
            out.push_back(*v);
        }
    }
    std::sort(out.begin(), out.end(),
              [](const SysctlEntry& a, const SysctlEntry& b) { return a.name < b.name; });
    return out;
}

Result<SysctlEntry> sysctl_get(const std::string& name) {
    const std::string n = sysctl_short_name(name);
    const std::string full = kPrefix + n;
    if (!valid_short_name(n)) {
        return Error::make(Errc::invalid, "invalid sysctl name '" + name + "'");
    }
    std::ifstream f(path_of(n));
    if (!f) {
        const int err = errno;
        if (access(kDir, F_OK) != 0) {
            return no_dir_error();
        }
        if (err == EACCES || err == EPERM) {
            return Error::make(Errc::permission, "permission denied: reading " + full, err);
        }
        return Error::make(Errc::not_found, full + " does not exist on this kernel", ENOENT);
    }
    std::stringstream ss;
    ss << f.rdbuf();
    return SysctlEntry{full, trim(ss.str()), sysctl_info(n)};
}

Status sysctl_check(const std::string& name, const std::string& value) {
    const SysctlInfo* info = sysctl_info(name);
    const std::string full = kPrefix + sysctl_short_name(name);
    if (!info || !info->numeric) {
        return ok();
    }
    const std::string range = std::to_string(info->min) + " .. " + std::to_string(info->max) +
                              (info->unit[0] ? std::string(" ") + info->unit : "");
    int64_t v = 0;
    const char* first = value.data();
    const char* last = value.data() + value.size();
    auto [ptr, ec] = std::from_chars(first, last, v);
    if (ec == std::errc::result_out_of_range) {
        return Error::make(Errc::range,
                           "value " + value + " out of range for " + full + ": " + range);
    }
    if (ec != std::errc() || ptr != last) {
        return Error::make(Errc::invalid, "invalid value '" + value + "' for " + full +
                                              ": expected an integer in " + range);
    }
    if (v < info->min || v > info->max) {
        return Error::make(Errc::range,
                           "value " + value + " out of range for " + full + ": " + range);
    }
    return ok();
}

Status sysctl_set(const std::string& name, const std::string& value) {
    const std::string n = sysctl_short_name(name);
    const std::string full = kPrefix + n;
    if (!valid_short_name(n)) {
        return Error::make(Errc::invalid, "invalid sysctl name '" + name + "'");
    }
    if (access(kDir, F_OK) != 0) {
        return no_dir_error();
    }
    if (access(path_of(n).c_str(), F_OK) != 0) {
        return Error::make(Errc::not_found, full + " does not exist on this kernel", ENOENT);
    }
    if (auto st = sysctl_check(n, value); !st) {
        return st;
    }
    const int fd = ::open(path_of(n).c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        if (err == EACCES || err == EPERM) {
            return Error::make(Errc::permission,
                               "permission denied: changing " + full +
                                   " needs root (CAP_NET_ADMIN over this network namespace)",
                               err);
        }
        return Error::from_errno(err, "changing " + full);
    }
    const std::string line = value + "\n";
    const ssize_t n_written = ::write(fd, line.data(), line.size());
    const int err = errno;
    ::close(fd);
    if (n_written < 0) {
        if (err == EINVAL) {
            return Error::make(Errc::range,
                               "the kernel rejected '" + value + "' for " + full +
                                   " (out of range or malformed)",
                               err);
        }
        return Error::from_errno(err, "changing " + full);
    }
    return ok();
}

} // namespace smc
