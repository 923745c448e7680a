// SPDX-License-Identifier: GPL-2.0 OR MIT
// smc_run's command line (docs/man/smc_run.8), parsed apart from main() so that the unit tests
// can run it. The --policy rules are parsed by libsmc's rule parser (the words of
// 'smcctl policy add'), with the command's cgroup added by smc_run.
#ifndef SMCRUN_RUN_OPTIONS_H
#define SMCRUN_RUN_OPTIONS_H

#include "smc/policy.h"

#include <cstdint>
#include <string>
#include <vector>

namespace smcrun {

struct RunOptions {
    enum class Action { run, help, version, error };
    Action action = Action::run;
    std::string error; ///< Action::error: what was wrong (without "smc_run: ")
    bool show_usage = false; ///< Action::error: print the usage after the message

    bool debug = false;
    std::int64_t rcvbuf = 0, sndbuf = 0;
    /// --policy rules in order, each with a cgroup selector whose id is still 0: smc_run fills
    /// in the id and path of the command's cgroup once it exists.
    std::vector<smc::PolicyRule> rules;
    bool policy = false;          ///< --policy or --policy-default given
    bool default_smc = true;      ///< --policy-default
    int command = 0;              ///< argv index of COMMAND (Action::run)

    [[nodiscard]] std::vector<smc::PolicyRule> policy_rules() const; ///< rules + the catch-all
};

/// Parses argv (getopt_long, '+': options end at COMMAND). Uses getopt's global state; resets it.
RunOptions parse_run_options(int argc, char** argv);

/// One --policy value: its words (split at white space) as a rule scoped to a cgroup.
smc::Result<smc::PolicyRule> parse_run_rule(const std::string& text);

/// The rule with the cgroup selector set to @id / @path.
void scope_rules(std::vector<smc::PolicyRule>& rules, std::uint64_t id, const std::string& path);

} // namespace smcrun

#endif // SMCRUN_RUN_OPTIONS_H
