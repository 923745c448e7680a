// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "run_options.h"

#include "preload_core.h"

#include <array>
#include <cstring>
#include <getopt.h>
#include <sstream>

namespace smcrun {

namespace {

enum LongOnly { kOptPolicy = 1000, kOptPolicyDefault };

} // namespace

smc::Result<smc::PolicyRule> parse_run_rule(const std::string& text) {
    std::vector<std::string> words;
    std::istringstream in(text);
    for (std::string w; in >> w;) {
        words.push_back(w);
    }
    if (words.empty()) {
        return smc::Error::make(smc::Errc::invalid, "empty rule", EINVAL);
    }
    for (const auto& w : words) {
        if (w == "cgroup") {
            return smc::Error::make(smc::Errc::invalid,
                                    "'cgroup' is not allowed: smc_run scopes every rule to the "
                                    "command's own cgroup",
                                    EINVAL);
        }
        if (w == "server") {
            return smc::Error::make(smc::Errc::invalid,
                                    "'server' is not allowed: smc_run's rules select the "
                                    "command's connect() calls, so they match client "
                                    "connections only",
                                    EINVAL);
        }
    }
    // The cgroup does not exist yet: a placeholder id, set by scope_rules().
    words.emplace_back("cgroup");
    words.emplace_back("(command)");
    return smc::parse_policy_rule(
        words, [](const std::string&) -> smc::Result<std::uint64_t> { return std::uint64_t{0}; });
}

void scope_rules(std::vector<smc::PolicyRule>& rules, std::uint64_t id, const std::string& path) {
    for (auto& r : rules) {
        r.cgroup_id = id;
        r.cgroup_path = path;
    }
}

std::vector<smc::PolicyRule> RunOptions::policy_rules() const {
    std::vector<smc::PolicyRule> out = rules;
    smc::PolicyRule all; // every connect() of the command that no rule above matched
    all.cgroup_id = 0;
    all.cgroup_path = "(command)";
    all.smc = default_smc;
    out.push_back(all);
    return out;
}

RunOptions parse_run_options(int argc, char** argv) {
    static const std::array<option, 8> longopts{
        {{"debug", no_argument, nullptr, 'd'},
         {"rcvbuf", required_argument, nullptr, 'r'},
         {"sndbuf", required_argument, nullptr, 't'},
         {"policy", required_argument, nullptr, kOptPolicy},
         {"policy-default", required_argument, nullptr, kOptPolicyDefault},
         {"help", no_argument, nullptr, 'h'},
         {"version", no_argument, nullptr, 'V'},
         {nullptr, 0, nullptr, 0}}};
    RunOptions o;
    auto fail = [&o](std::string msg, bool usage = false) -> RunOptions& {
        o.action = RunOptions::Action::error;
        o.error = std::move(msg);
        o.show_usage = usage;
        return o;
    };
    auto size = [&](const char* opt, const char* text, std::int64_t& out) {
        const char* why = nullptr;
        if (!parse_size(text, &out, &why)) {
            fail(std::string("bad ") + opt + " '" + text + "': " + why);
            return false;
        }
        return true;
    };
    optind = 0; // glibc: start over (the tests parse several command lines)
    opterr = 0;
    int c;
    int longindex = -1;
    // '+': options end at the first non-option, so `smc_run prog -d` passes -d to prog.
    while ((c = getopt_long(argc, argv, "+dr:t:hV", longopts.data(), &longindex)) != -1) {
        switch (c) {
        case 'd':
            o.debug = true;
            break;
        case 'r':
            if (!size("-r", optarg, o.rcvbuf)) {
                return o;
            }
            break;
        case 't':
            if (!size("-t", optarg, o.sndbuf)) {
                return o;
            }
            break;
        case kOptPolicy: {
            auto r = parse_run_rule(optarg);
            if (!r) {
                return fail("bad --policy '" + std::string(optarg) + "': " + r.error().message);
            }
            o.rules.push_back(*r);
            o.policy = true;
            break;
        }
        case kOptPolicyDefault:
            if (std::strcmp(optarg, "smc") != 0 && std::strcmp(optarg, "tcp") != 0) {
                return fail("bad --policy-default '" + std::string(optarg) +
                            "': give smc or tcp");
            }
            o.default_smc = std::strcmp(optarg, "smc") == 0;
            o.policy = true;
            break;
        case 'h':
            o.action = RunOptions::Action::help;
            return o;
        case 'V':
            o.action = RunOptions::Action::version;
            return o;
        default: {
            std::string bad;
            if (optopt >= kOptPolicy) {
                bad = optopt == kOptPolicy ? "--policy" : "--policy-default";
            } else if (optopt) {
                bad = std::string("-") + static_cast<char>(optopt);
            } else {
                bad = argv[optind - 1];
            }
            // getopt_long sets optopt to the option a value is missing for (its val for long
            // ones), 0 for an unknown long option
            const bool needs =
                optopt >= kOptPolicy || (optopt > 0 && std::strchr("rt", optopt) != nullptr);
            if (needs && optopt < kOptPolicy) {
                bad = std::string(argv[optind - 1]).starts_with("--") ? argv[optind - 1] : bad;
            }
            return fail(needs ? "option " + bad + " needs a value" : "unknown option " + bad,
                        true);
        }
        }
    }
    if (optind >= argc) {
        return fail("no command given", true);
    }
    o.command = optind;
    return o;
}

} // namespace smcrun
