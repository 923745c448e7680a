// SPDX-License-Identifier: GPL-2.0 OR MIT
// smc_run's command line (tools/smc_run/run_options.cpp): -d/-r/-t, --policy RULE (libsmc's rule
// words, scoped to the command's cgroup), --policy-default, and the errors.
#include "run_options.h"

#include <gtest/gtest.h>
#include <string>
#include <vector>

using smcrun::RunOptions;

namespace {

RunOptions parse(std::vector<std::string> args) {
    args.insert(args.begin(), "smc_run");
    std::vector<char*> argv;
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    // the strings must outlive the call only (RunOptions keeps an index, not pointers)
    return smcrun::parse_run_options(static_cast<int>(args.size()), argv.data());
}

TEST(SmcRunOptions, WithoutPolicy) {
    const auto o = parse({"-d", "-r", "256K", "--sndbuf", "1M", "iperf3", "-c", "host"});
    ASSERT_EQ(o.action, RunOptions::Action::run) << o.error;
    EXPECT_TRUE(o.debug);
    EXPECT_EQ(o.rcvbuf, 256 * 1024);
    EXPECT_EQ(o.sndbuf, 1024 * 1024);
    EXPECT_FALSE(o.policy) << "no --policy: smc_run execs as it always did";
    EXPECT_TRUE(o.rules.empty());
    EXPECT_EQ(o.command, 6);
}

TEST(SmcRunOptions, OptionsEndAtCommand) {
    const auto o = parse({"prog", "--policy", "dport 1 verdict tcp", "-d"});
    ASSERT_EQ(o.action, RunOptions::Action::run) << o.error;
    EXPECT_EQ(o.command, 1);
    EXPECT_FALSE(o.policy);
    EXPECT_FALSE(o.debug);
}

TEST(SmcRunOptions, PolicyRules) {
    const auto o = parse({"--policy", "dport 5000-5999 verdict tcp", "--policy",
                          " dst 10.0.0.0/8  verdict smc ", "--policy=verdict tcp", "cmd"});
    ASSERT_EQ(o.action, RunOptions::Action::run) << o.error;
    EXPECT_TRUE(o.policy);
    EXPECT_TRUE(o.default_smc);
    EXPECT_EQ(o.command, 6);
    ASSERT_EQ(o.rules.size(), 3U);
    ASSERT_TRUE(o.rules[0].dport);
    EXPECT_EQ(o.rules[0].dport->first, 5000);
    EXPECT_EQ(o.rules[0].dport->second, 5999);
    EXPECT_FALSE(o.rules[0].smc);
    ASSERT_TRUE(o.rules[1].dst);
    EXPECT_EQ(o.rules[1].dst->family, 4);
    EXPECT_EQ(o.rules[1].dst->plen, 8U);
    EXPECT_TRUE(o.rules[1].smc);
    // every rule is scoped to a cgroup (the id comes later); 'verdict tcp' alone is allowed
    for (const auto& r : o.rules) {
        EXPECT_TRUE(r.cgroup_id.has_value());
        EXPECT_EQ(r.side, smc::PolicyRule::Side::any);
    }
    EXPECT_FALSE(o.rules[2].dport || o.rules[2].dst || o.rules[2].src || o.rules[2].sport);
}

TEST(SmcRunOptions, PolicyRulesAndCatchAll) {
    auto o = parse({"--policy", "dport 80 verdict tcp", "--policy-default", "tcp", "cmd"});
    ASSERT_EQ(o.action, RunOptions::Action::run) << o.error;
    EXPECT_FALSE(o.default_smc);
    auto rules = o.policy_rules();
    ASSERT_EQ(rules.size(), 2U);
    smcrun::scope_rules(rules, 4242, "/smc_run.7");
    EXPECT_EQ(smc::format_policy_rule(rules[0]), "dport 80 cgroup /smc_run.7 verdict tcp");
    EXPECT_EQ(smc::format_policy_rule(rules[1]), "cgroup /smc_run.7 verdict tcp");
    EXPECT_EQ(*rules[1].cgroup_id, 4242U);

    // --policy-default alone: one catch-all rule, default smc
    o = parse({"--policy-default", "smc", "cmd"});
    ASSERT_EQ(o.action, RunOptions::Action::run) << o.error;
    EXPECT_TRUE(o.policy);
    rules = o.policy_rules();
    ASSERT_EQ(rules.size(), 1U);
    EXPECT_TRUE(rules[0].smc);

    // the rules round-trip through libsmc's own parser (as 'smcctl policy add' words)
    o = parse({"--policy", "client src 192.168.0.0/16 sport 1000-2000 pid 7 verdict smc", "x"});
    ASSERT_EQ(o.action, RunOptions::Action::run) << o.error;
    rules = o.policy_rules();
    smcrun::scope_rules(rules, 1, "/a");
    EXPECT_EQ(smc::format_policy_rule(rules[0]),
              "client src 192.168.0.0/16 sport 1000-2000 pid 7 cgroup /a verdict smc");
}

struct Bad {
    std::vector<std::string> args;
    const char* want; // a part of the message
};

TEST(SmcRunOptions, Errors) {
    const Bad cases[] = {
        {{"--policy", "dport 99999 verdict tcp", "cmd"}, "not a port"},
        {{"--policy", "dport 80", "cmd"}, "missing 'verdict"},
        {{"--policy", "dport 80 verdict maybe", "cmd"}, "neither smc nor tcp"},
        {{"--policy", "bogus 1 verdict tcp", "cmd"}, "bogus"},
        {{"--policy", "dst 10.0.0.1/8 verdict tcp", "cmd"}, "bits set beyond"},
        {{"--policy", "", "cmd"}, "empty rule"},
        {{"--policy", "   ", "cmd"}, "empty rule"},
        {{"--policy", "cgroup /x verdict tcp", "cmd"}, "'cgroup' is not allowed"},
        {{"--policy", "server sport 80 verdict tcp", "cmd"}, "'server' is not allowed"},
        {{"--policy", "dport 1 dport 2 verdict tcp", "cmd"}, "given twice"},
        {{"--policy-default", "maybe", "cmd"}, "give smc or tcp"},
        {{"--policy"}, "--policy needs a value"},
        {{"--policy-default"}, "--policy-default needs a value"},
        {{"-r"}, "-r needs a value"},
        {{"--sndbuf"}, "--sndbuf needs a value"},
        {{"-r", "12x", "cmd"}, "bad -r"},
        {{"--nope", "cmd"}, "unknown option --nope"},
        {{"-x", "cmd"}, "unknown option -x"},
        {{"--policy", "dport 80 verdict tcp"}, "no command given"},
        {{}, "no command given"},
    };
    for (const auto& c : cases) {
        const auto o = parse(c.args);
        std::string all;
        for (const auto& a : c.args) {
            all += "'" + a + "' ";
        }
        ASSERT_EQ(o.action, RunOptions::Action::error) << all;
        EXPECT_NE(o.error.find(c.want), std::string::npos) << all << "-> " << o.error;
    }
}

TEST(SmcRunOptions, HelpAndVersion) {
    EXPECT_EQ(parse({"-h"}).action, RunOptions::Action::help);
    EXPECT_EQ(parse({"--version", "cmd"}).action, RunOptions::Action::version);
}

} // namespace
