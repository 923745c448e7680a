// SPDX-License-Identifier: GPL-2.0 OR MIT
// smcctl ueid: the user EID table (global, not per netns; at most 4 entries).
#include "cli.h"
#include "json.h"
#include "smc/gen_netlink.h"
#include "smcctl.h"

#include <array>
#include <iostream>

namespace smcctl {

namespace {

using smctool::fail;

int show(Ctx& ctx) {
    ctx.expect_end();
    auto nl = open_gen_netlink();
    auto list = nl.ueids();
    if (!list) {
        fail(list.error().message);
    }
    if (ctx.json) {
        smctool::print_json(std::cout, smctool::json(*list), ctx.pretty);
        return smctool::kExitOk;
    }
    for (const auto& u : *list) {
        std::cout << u << '\n';
    }
    return smctool::kExitOk;
}

int add(Ctx& ctx) {
    const std::string ueid = ctx.next("UEID");
    ctx.expect_end();
    auto nl = open_gen_netlink();
    if (auto st = nl.ueid_add(ueid); !st) {
        fail(st.error().message);
    }
    return smctool::kExitOk;
}

int del(Ctx& ctx) {
    const std::string ueid = ctx.next("UEID");
    ctx.expect_end();
    auto nl = open_gen_netlink();
    if (auto st = nl.ueid_del(ueid); !st) {
        fail(st.error().message);
    }
    return smctool::kExitOk;
}

int flush(Ctx& ctx) {
    ctx.expect_end();
    auto nl = open_gen_netlink();
    if (auto st = nl.ueid_flush(); !st) {
        fail(st.error().message);
    }
    return smctool::kExitOk;
}

constexpr auto kCommands = std::to_array<Command>({
    {"show", show, ""},
    {"add", add, "UEID"},
    {"del", del, "UEID"},
    {"flush", flush, ""},
});

} // namespace

std::span<const Command> ueid_commands() {
    return kCommands;
}

} // namespace smcctl
