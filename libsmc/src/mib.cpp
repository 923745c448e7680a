// SPDX-License-Identifier: GPL-2.0 OR MIT
// /proc/net/smcr_stat, the smcr module's counters.
#include "smc/mib.h"

#include <cerrno>
#include <fstream>
#include <sstream>

namespace smc {

MibCounters parse_mib(const std::string& text) {
    MibCounters out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream l(line);
        std::string name;
        uint64_t value = 0;
        std::string rest;
        if ((l >> name >> value) && !(l >> rest)) {
            out.emplace_back(name, value);
        }
    }
    return out;
}

Result<MibCounters> read_mib(const std::string& path) {
    std::ifstream f(path);
    if (!f) {
        return Error::make(Errc::not_supported,
                           "no " + path + ": the smcr module's counters exist only with smcr",
                           ENOENT);
    }
    std::stringstream ss;
    ss << f.rdbuf();
    return parse_mib(ss.str());
}

} // namespace smc
