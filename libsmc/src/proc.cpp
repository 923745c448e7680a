// SPDX-License-Identifier: GPL-2.0 OR MIT
// Socket inode → processes, by reading /proc/PID/fd like ss -p.
#include "smc/diag.h"

#include <array>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <memory>
#include <string_view>
#include <unistd.h>
#include <unordered_map>

namespace smc {

namespace {

struct DirCloser {
    void operator()(DIR* d) const { closedir(d); }
};
using DirPtr = std::unique_ptr<DIR, DirCloser>;

bool all_digits(const char* s) {
    if (!*s) {
        return false;
    }
    for (; *s; ++s) {
        if (*s < '0' || *s > '9') {
            return false;
        }
    }
    return true;
}

std::string read_comm(const std::string& pid_dir) {
    std::ifstream f(pid_dir + "/comm");
    std::string comm;
    std::getline(f, comm);
    return comm;
}

} // namespace

void attach_owners(std::vector<Socket>& sockets) {
    std::unordered_map<uint64_t, Socket*> by_inode;
    for (auto& s : sockets) {
        s.users.clear();
        if (s.inode != 0) {
            by_inode.emplace(s.inode, &s);
        }
    }
    if (by_inode.empty()) {
        return;
    }
    DirPtr proc(opendir("/proc"));
    if (!proc) {
        return;
    }
    while (const dirent* pe = readdir(proc.get())) {
        if (!all_digits(pe->d_name)) {
            continue;
        }
        const std::string pid_dir = std::string("/proc/") + pe->d_name;
        DirPtr fds(opendir((pid_dir + "/fd").c_str()));
        if (!fds) {
            continue; // not ours to read, or gone
        }
        std::string comm;
        while (const dirent* fe = readdir(fds.get())) {
            if (!all_digits(fe->d_name)) {
                continue;
            }
            std::array<char, 64> link{};
            const std::string path = pid_dir + "/fd/" + fe->d_name;
            const ssize_t n = readlink(path.c_str(), link.data(), link.size() - 1);
            // "socket:[12345]"
            if (n < 10 || std::string_view(link.data(), 8) != "socket:[") {
                continue;
            }
            const uint64_t inode = std::strtoull(link.data() + 8, nullptr, 10);
            auto it = by_inode.find(inode);
            if (it == by_inode.end()) {
                continue;
            }
            if (comm.empty()) {
                comm = read_comm(pid_dir);
            }
            it->second->users.push_back(
                ProcessRef{std::atoi(pe->d_name), std::atoi(fe->d_name), comm});
        }
    }
}

} // namespace smc
