// SPDX-License-Identifier: GPL-2.0 OR MIT
// smcctl seid: the system EID, which exists only with an ISMv2 device (s390).
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
    auto s = nl.seid();
    if (!s) {
        fail(s.error().message);
    }
    if (ctx.json) {
        smctool::json j = {{"present", s->present},
                           {"seid", s->present ? smctool::json(s->seid) : smctool::json(nullptr)},
                           {"enabled", s->enabled}};
        smctool::print_json(std::cout, j, ctx.pretty);
        return smctool::kExitOk;
    }
    if (!s->present) {
        std::cout << "no SEID (a system EID exists only with an ISMv2 device, on s390)\n";
    } else {
        std::cout << s->seid << (s->enabled ? " (enabled)" : " (disabled)") << '\n';
    }
    return smctool::kExitOk;
}

int set(Ctx& ctx, bool enable) {
    ctx.expect_end();
    auto nl = open_gen_netlink();
    auto st = enable ? nl.seid_enable() : nl.seid_disable();
    if (!st) {
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

std::span<const Command> seid_commands() {
    return kCommands;
}

} // namespace smcctl
