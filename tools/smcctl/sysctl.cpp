// SPDX-License-Identifier: GPL-2.0 OR MIT
// smcctl sysctl: net.smc.* of this netns, with the valid ranges libsmc knows.
#include "smc/sysctl.h"

#include "cli.h"
#include "format.h"
#include "json.h"
#include "smc/system.h"
#include "smcctl.h"

#include <array>
#include <iostream>

namespace smcctl {

namespace {

using smctool::fail;

std::string range_text(const smc::SysctlInfo* i) {
    if (!i || !i->numeric) {
        return "-";
    }
    return std::to_string(i->min) + ".." + std::to_string(i->max) +
           (i->unit[0] ? std::string(" ") + i->unit : "");
}

/// "unknown sysctl 'x'; did you mean 'net.smc.y'?" from the names present on this kernel.
[[noreturn]] void unknown(const std::string& name, const smc::Error& err) {
    auto present = smc::sysctl_list();
    if (present && err.code == smc::Errc::not_found) {
        std::vector<std::string> shorts;
        for (const auto& e : *present) {
            shorts.push_back(smc::sysctl_short_name(e.name));
        }
        std::vector<std::string_view> views(shorts.begin(), shorts.end());
        if (auto s = smctool::suggest(smc::sysctl_short_name(name), views)) {
            fail(err.message + "; did you mean 'net.smc." + *s + "'?");
        }
    }
    fail(err.message);
}

int show(Ctx& ctx) {
    std::vector<smc::SysctlEntry> entries;
    if (!ctx.done()) {
        const std::string name = ctx.next("NAME");
        ctx.expect_end();
        auto e = smc::sysctl_get(name);
        if (!e) {
            unknown(name, e.error());
        }
        entries.push_back(*e);
    } else {
        auto all = smc::sysctl_list();
        if (!all) {
            fail(all.error().message);
        }
        entries = std::move(*all);
    }
    const std::string module = smc::probe_provider().module;
    if (ctx.json) {
        smctool::json a = smctool::json::array();
        for (const auto& e : entries) {
            a.push_back(smctool::sysctl_json(e, module));
        }
        smctool::print_json(std::cout, a, ctx.pretty);
        return smctool::kExitOk;
    }
    if (!ctx.details) {
        for (const auto& e : entries) {
            std::cout << e.name << " = " << e.value << '\n';
        }
        return smctool::kExitOk;
    }
    smctool::Table t(
        {{"name"}, {"value", smctool::Align::right}, {"range"}, {"default"}, {"description"}});
    for (const auto& e : entries) {
        t.add({e.name, e.value, range_text(e.info),
               e.info && smc::sysctl_default(*e.info, module)[0] != '\0'
                   ? smc::sysctl_default(*e.info, module)
                   : "-",
               e.info ? e.info->description : ""});
    }
    t.print(std::cout);
    return smctool::kExitOk;
}

int set(Ctx& ctx) {
    const std::string name = ctx.next("NAME");
    const std::string value = ctx.next("VALUE");
    ctx.expect_end();
    if (auto st = smc::sysctl_set(name, value); !st) {
        if (st.error().code == smc::Errc::not_found) {
            unknown(name, st.error());
        }
        fail(st.error().message);
    }
    return smctool::kExitOk;
}

constexpr auto kCommands = std::to_array<Command>({
    {"show", show, "[NAME]"},
    {"set", set, "NAME VALUE"},
});

} // namespace

std::span<const Command> sysctl_commands() {
    return kCommands;
}

} // namespace smcctl
