// SPDX-License-Identifier: GPL-2.0 OR MIT
// The smcr module's own counters, /proc/net/smcr_stat (per netns, "Name value" per line; the
// names are defined once in kernel/mib.c). Only our module has them.
#ifndef SMC_MIB_H
#define SMC_MIB_H

#include "smc/result.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace smc {

using MibCounters = std::vector<std::pair<std::string, uint64_t>>; ///< in the kernel's order

/// not_supported when the file does not exist (stock smc, or no module).
Result<MibCounters> read_mib(const std::string& path = "/proc/net/smcr_stat");

/// Parses the file's text; lines that are not "Name number" are skipped.
MibCounters parse_mib(const std::string& text);

} // namespace smc

#endif // SMC_MIB_H
