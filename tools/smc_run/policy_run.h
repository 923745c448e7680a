// SPDX-License-Identifier: GPL-2.0 OR MIT
// smc_run --policy (policy_run.cpp): COMMAND in a cgroup of its own with SMC policy rules for it.
#ifndef SMCRUN_POLICY_RUN_H
#define SMCRUN_POLICY_RUN_H

#include "run_options.h"

namespace smcrun {

/// Runs @cmd (argv, nullptr-terminated; LD_PRELOAD and the SMC_* variables already set) with
/// @o's rules; returns the exit status for smc_run: COMMAND's, 128+N if a signal N killed it,
/// 125 if smc_run failed before running it, 126/127 if it could not be run.
int run_with_policy(const RunOptions& o, char** cmd);

} // namespace smcrun

#endif // SMCRUN_POLICY_RUN_H
