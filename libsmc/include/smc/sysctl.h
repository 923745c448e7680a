// SPDX-License-Identifier: GPL-2.0 OR MIT
// net.smc.* sysctls of the current network namespace, through /proc/sys/net/smc.
#ifndef SMC_SYSCTL_H
#define SMC_SYSCTL_H

#include "smc/result.h"
#include "smc/types.h"

#include <span>
#include <string>
#include <vector>

namespace smc {

/// Every net.smc.* sysctl libsmc knows (upstream names, ranges and defaults).
std::span<const SysctlInfo> known_sysctls();

/// Accepts "wmem", "net.smc.wmem" or "net/smc/wmem"; returns the short name ("wmem").
std::string sysctl_short_name(const std::string& name);

/// The entry of a known sysctl, nullptr if unknown. Takes any form sysctl_short_name() accepts.
const SysctlInfo* sysctl_info(const std::string& name);

/// The default of @info under the SMC module @module ("smcr", "smc", "" as Provider::module):
/// smcr.ko's own where it differs, else upstream's ("" when libsmc knows none).
const char* sysctl_default(const SysctlInfo& info, const std::string& module);

/// All sysctls present in /proc/sys/net/smc (sorted by name). not_loaded if the directory is
/// missing.
Result<std::vector<SysctlEntry>> sysctl_list();
Result<SysctlEntry> sysctl_get(const std::string& name);

/// Checks @value against what libsmc knows of @name: invalid (not a number) or range errors with
/// the valid range in the message. Sysctls libsmc does not know pass.
Status sysctl_check(const std::string& name, const std::string& value);

/// sysctl_check(), then writes. Errors: not_found (no such sysctl on this kernel), range,
/// invalid, permission (needs root in the netns' user namespace).
Status sysctl_set(const std::string& name, const std::string& value);

} // namespace smc

#endif // SMC_SYSCTL_H
