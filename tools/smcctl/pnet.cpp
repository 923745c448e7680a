// SPDX-License-Identifier: GPL-2.0 OR MIT
// smcctl pnet: the PNET table (SMC_PNETID), per netns.
#include "smc/pnet.h"

#include "cli.h"
#include "format.h"
#include "json.h"
#include "smcctl.h"

#include <array>
#include <iostream>

namespace smcctl {

namespace {

using smctool::fail;
using smctool::usage_error;

smc::PnetTable open_pnet() {
    auto t = smc::PnetTable::open();
    if (!t) {
        fail(t.error().message);
    }
    return std::move(*t);
}

int show(Ctx& ctx) {
    std::string id;
    if (!ctx.done()) {
        id = ctx.next("PNETID");
    }
    ctx.expect_end();
    auto table = open_pnet();
    auto list = table.list(id);
    if (!list) {
        fail(list.error().message);
    }
    if (ctx.json) {
        smctool::json a = smctool::json::array();
        for (const auto& e : *list) {
            a.push_back(smctool::pnet_json(e));
        }
        smctool::print_json(std::cout, a, ctx.pretty);
        return smctool::kExitOk;
    }
    if (list->empty()) {
        return smctool::kExitOk;
    }
    smctool::Table t({{"PNET-ID"}, {"interface"}, {"IB-device"}, {"port", smctool::Align::right}});
    for (const auto& e : *list) {
        t.add({e.pnetid, e.ethname.empty() ? "-" : e.ethname, e.ibname.empty() ? "-" : e.ibname,
               e.ibname.empty() ? "-" : std::to_string(e.ibport)});
    }
    t.print(std::cout);
    return smctool::kExitOk;
}

// add PNETID [interface|dev IFNAME] [ib|ibdev IBDEV [port N]]
int add(Ctx& ctx) {
    smc::PnetEntry e;
    e.pnetid = ctx.next("PNETID");
    static constexpr std::array<std::string_view, 5> kKeys = {"interface", "dev", "ib", "ibdev",
                                                              "port"};
    while (!ctx.done()) {
        const std::string key =
            smctool::match_word(ctx.next("keyword"), kKeys, "keyword", " for 'pnet add'");
        if (key == "interface" || key == "dev") {
            e.ethname = ctx.next("interface name");
        } else if (key == "ib" || key == "ibdev") {
            e.ibname = ctx.next("RDMA device name");
        } else {
            const std::string v = ctx.next("port number");
            auto p = smctool::parse_u64(v);
            if (!p || *p < 1 || *p > 2) {
                usage_error("bad port '" + v + "': RDMA ports are 1 or 2");
            }
            e.ibport = static_cast<uint8_t>(*p);
        }
    }
    if (e.ethname.empty() && e.ibname.empty()) {
        usage_error("smcctl pnet add: give an interface, an RDMA device, or both "
                    "(pnet add PNETID interface IFNAME ib IBDEV [port N])");
    }
    if (e.ibport && e.ibname.empty()) {
        usage_error("smcctl pnet add: 'port' belongs to an RDMA device ('ib IBDEV port N')");
    }
    auto table = open_pnet();
    if (auto st = table.add(e); !st) {
        fail(st.error().message);
    }
    return smctool::kExitOk;
}

int del(Ctx& ctx) {
    const std::string id = ctx.next("PNETID");
    ctx.expect_end();
    auto table = open_pnet();
    if (auto st = table.del(id); !st) {
        fail(st.error().message);
    }
    return smctool::kExitOk;
}

int flush(Ctx& ctx) {
    ctx.expect_end();
    auto table = open_pnet();
    if (auto st = table.flush(); !st) {
        fail(st.error().message);
    }
    return smctool::kExitOk;
}

constexpr auto kCommands = std::to_array<Command>({
    {"show", show, "[PNETID]"},
    {"add", add, "PNETID [interface IFNAME] [ib IBDEV [port N]]"},
    {"del", del, "PNETID"},
    {"flush", flush, ""},
});

} // namespace

std::span<const Command> pnet_commands() {
    return kCommands;
}

} // namespace smcctl
