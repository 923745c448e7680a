// SPDX-License-Identifier: GPL-2.0 OR MIT
// smcctl hs-limit: the handshake limitation default of new listening sockets (per netns).
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
    auto on = nl.hs_limitation();
    if (!on) {
        fail(on.error().message);
    }
    if (ctx.json) {
        smctool::print_json(std::cout, {{"enabled", *on}}, ctx.pretty);
        return smctool::kExitOk;
    }
    std::cout << "handshake limitation " << (*on ? "enabled" : "disabled")
              << (*on ? " (listeners stop offering SMC while their handshake queue is congested)"
                      : "")
              << '\n';
    return smctool::kExitOk;
}

int set(Ctx& ctx, bool enable) {
    ctx.expect_end();
    auto nl = open_gen_netlink();
    if (auto st = nl.hs_limitation_set(enable); !st) {
        fail(st.error().message);
    }
    return smctool::kExitOk;
}

int enable(Ctx& ctx) {
    return set(ctx, true);
}
int disable(Ctx& ctx) {
    return set(ctx, false);
}

constexpr auto kCommands = std::to_array<Command>({
    {"show", show, ""},
    {"enable", enable, ""},
    {"disable", disable, ""},
});

} // namespace

std::span<const Command> hslimit_commands() {
    return kCommands;
}

} // namespace smcctl
