// SPDX-License-Identifier: GPL-2.0 OR MIT
// smcctl policy: the SMC policy of this network namespace (smcr module only) — the rules of the
// ready-made rules program, or a BPF object of the user's own.
#include "smc/policy.h"

#include "cli.h"
#include "json.h"
#include "smc/ext.h"
#include "smcctl.h"

#include <array>
#include <iostream>

namespace smcctl {

namespace {

using smctool::fail;
using smctool::usage_error;

smc::Policy open_policy() {
    auto p = smc::Policy::open();
    if (!p) {
        fail(p.error().message);
    }
    return std::move(*p);
}

smctool::json rule_json(const smc::PolicyRule& r, std::size_t index) {
    smctool::json j;
    j["index"] = index;
    j["rule"] = smc::format_policy_rule(r);
    j["verdict"] = r.smc ? "smc" : "tcp";
    if (r.side != smc::PolicyRule::Side::any) {
        j["side"] = r.side == smc::PolicyRule::Side::client ? "client" : "server";
    }
    if (r.pid) {
        j["pid"] = *r.pid;
    }
    if (r.cgroup_id) {
        j["cgroup_id"] = *r.cgroup_id;
        if (!r.cgroup_path.empty()) {
            j["cgroup"] = r.cgroup_path;
        }
    }
    return j;
}

smctool::json state_json(const smc::PolicyState& s) {
    smctool::json j;
    j["attached"] = s.attached;
    if (!s.attached) {
        return j;
    }
    j["program"] = s.rules ? "rules" : "custom";
    if (s.prog_id4) {
        j["ipv4"] = {{"id", s.prog_id4}, {"name", s.name4}};
    }
    if (s.prog_id6) {
        j["ipv6"] = {{"id", s.prog_id6}, {"name", s.name6}};
    }
    if (s.rules) {
        j["default"] = s.default_smc ? "smc" : "tcp";
        smctool::json a = smctool::json::array();
        for (std::size_t i = 0; i < s.rule_list.size(); ++i) {
            a.push_back(rule_json(s.rule_list[i], i + 1));
        }
        j["rules"] = a;
    }
    return j;
}

smc::PolicyState read_state() {
    auto p = open_policy();
    auto s = p.state();
    if (!s) {
        fail(s.error().message);
    }
    return std::move(*s);
}

void print_rules(const smc::PolicyState& s) {
    for (std::size_t i = 0; i < s.rule_list.size(); ++i) {
        std::cout << (i + 1) << ": " << smc::format_policy_rule(s.rule_list[i]) << '\n';
    }
    std::cout << "default verdict " << (s.default_smc ? "smc" : "tcp") << '\n';
}

int show(Ctx& ctx) {
    ctx.expect_end();
    const smc::PolicyState s = read_state();
    // the policy's counters (SMCR_EXT MIB): runs and TCP verdicts, apart from fallbacks
    smctool::json counters = smctool::json::object();
    if (auto ext = smc::SmcrExt::open()) {
        if (auto mib = ext->mib()) {
            for (const auto& [name, value] : *mib) {
                if (name.starts_with("Policy")) {
                    counters[name] = value;
                }
            }
        }
    }
    if (ctx.json) {
        smctool::json j = state_json(s);
        j["counters"] = counters;
        smctool::print_json(std::cout, j, ctx.pretty);
        return smctool::kExitOk;
    }
    if (!s.attached) {
        std::cout << "no SMC policy: every connection is offered SMC\n";
    } else {
        std::cout << "policy: " << (s.rules ? "rules program" : "custom program");
        if (s.prog_id4) {
            std::cout << ", IPv4 " << s.name4 << " (id " << s.prog_id4 << ")";
        }
        if (s.prog_id6) {
            std::cout << ", IPv6 " << s.name6 << " (id " << s.prog_id6 << ")";
        }
        std::cout << '\n';
        if (s.rules) {
            print_rules(s);
        }
    }
    for (const auto& [name, value] : counters.items()) {
        std::cout << name << ' ' << value.get<uint64_t>() << '\n';
    }
    return smctool::kExitOk;
}

int list(Ctx& ctx) {
    ctx.expect_end();
    const smc::PolicyState s = read_state();
    if (s.attached && !s.rules) {
        fail("the SMC policy is a custom program (" + (s.name4.empty() ? s.name6 : s.name4) +
             "): it has no rules to list ('smcctl policy show' tells more)");
    }
    if (ctx.json) {
        smctool::json j = state_json(s);
        if (!s.attached) {
            j["rules"] = smctool::json::array();
        }
        smctool::print_json(std::cout, j, ctx.pretty);
        return smctool::kExitOk;
    }
    if (!s.attached) {
        std::cout << "no SMC policy: every connection is offered SMC\n";
        return smctool::kExitOk;
    }
    print_rules(s);
    return smctool::kExitOk;
}

// add [before N] RULE...
int add(Ctx& ctx) {
    std::optional<std::size_t> before;
    if (!ctx.done() && ctx.args[ctx.pos] == "before") {
        ++ctx.pos;
        const std::string v = ctx.next("rule number");
        auto n = smctool::parse_u64(v);
        if (!n || *n < 1) {
            usage_error("before: '" + v + "' is not a rule number (1, 2, ...)");
        }
        before = static_cast<std::size_t>(*n);
    }
    const std::vector<std::string> words(ctx.args.begin() + static_cast<std::ptrdiff_t>(ctx.pos),
                                         ctx.args.end());
    if (words.empty()) {
        usage_error("smcctl policy add: missing rule (e.g. 'dst 10.0.0.0/8 dport 5000-5999 "
                    "verdict tcp')");
    }
    auto rule = smc::parse_policy_rule(words);
    if (!rule) {
        if (rule.error().code == smc::Errc::invalid) {
            usage_error(rule.error().message);
        }
        fail(rule.error().message);
    }
    auto p = open_policy();
    if (auto st = p.add(*rule, before); !st) {
        fail(st.error().message);
    }
    return smctool::kExitOk;
}

int del(Ctx& ctx) {
    const std::string v = ctx.next("rule number");
    ctx.expect_end();
    auto n = smctool::parse_u64(v);
    if (!n || *n < 1) {
        usage_error("'" + v + "' is not a rule number ('smcctl policy list' numbers them)");
    }
    auto p = open_policy();
    if (auto st = p.del(static_cast<std::size_t>(*n)); !st) {
        fail(st.error().message);
    }
    return smctool::kExitOk;
}

int flush(Ctx& ctx) {
    ctx.expect_end();
    auto p = open_policy();
    if (auto st = p.flush(); !st) {
        fail(st.error().message);
    }
    return smctool::kExitOk;
}

int set_default(Ctx& ctx) {
    const std::string v = ctx.next("smc or tcp");
    ctx.expect_end();
    if (v != "smc" && v != "tcp") {
        usage_error("default: '" + v + "' is neither smc nor tcp");
    }
    auto p = open_policy();
    if (auto st = p.set_default(v == "smc"); !st) {
        fail(st.error().message);
    }
    return smctool::kExitOk;
}

int attach(Ctx& ctx) {
    const std::string file = ctx.next("FILE.o");
    ctx.expect_end();
    auto p = open_policy();
    if (auto st = p.attach_object(file); !st) {
        fail(st.error().message);
    }
    return smctool::kExitOk;
}

int detach(Ctx& ctx) {
    ctx.expect_end();
    auto p = open_policy();
    if (auto st = p.detach(); !st) {
        fail(st.error().message);
    }
    return smctool::kExitOk;
}

constexpr auto kCommands = std::to_array<Command>({
    {"show", show, ""},
    {"list", list, ""},
    {"add", add,
     "[before N] [client|server] [dst CIDR] [src CIDR] [dport P[-Q]] [sport P[-Q]] [pid PID] "
     "[cgroup PATH] verdict smc|tcp"},
    {"del", del, "N"},
    {"flush", flush, ""},
    {"default", set_default, "smc|tcp"},
    {"attach", attach, "FILE.o"},
    {"detach", detach, ""},
});

} // namespace

std::span<const Command> policy_commands() {
    return kCommands;
}

} // namespace smcctl
