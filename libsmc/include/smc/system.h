// SPDX-License-Identifier: GPL-2.0 OR MIT
// Which SMC implementation is loaded, if any.
#ifndef SMC_SYSTEM_H
#define SMC_SYSTEM_H

#include <string>

namespace smc {

struct Provider {
    bool af_smc = false;   ///< socket(AF_SMC, SOCK_STREAM, 0) works
    std::string module;    ///< "smcr" (ours), "smc" (stock Linux), "" (built in, or none)
    bool smc_diag = false; ///< /sys/module/smc_diag exists (stock's sock_diag handler)
};

Provider probe_provider();

/// "smcr (this project's module)", "smc (Linux's stock module)", "none" ...
std::string provider_description(const Provider& p);

} // namespace smc

#endif // SMC_SYSTEM_H
