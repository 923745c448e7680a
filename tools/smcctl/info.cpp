// SPDX-License-Identifier: GPL-2.0 OR MIT
// smcctl info: the loaded SMC implementation and what it reports (GET_SYS_INFO), plus the RDMA
// devices SMC-R can use (any RDMA device, not only IBM RoCE Express cards).
#include "cli.h"
#include "format.h"
#include "json.h"
#include "smc/ext.h"
#include "smc/gen_netlink.h"
#include "smc/system.h"
#include "smcctl.h"

#include <array>
#include <iostream>
#include <optional>

namespace smcctl {

namespace {

std::string yes_no(bool b) {
    return b ? "yes" : "no";
}

int show(Ctx& ctx) {
    ctx.expect_end();
    const smc::Provider p = smc::probe_provider();
    auto nl = smc::SmcNetlink::open();
    if (!nl) {
        smctool::fail(nl.error().message);
    }
    auto info = nl->sys_info();
    if (!info) {
        smctool::fail(info.error().message);
    }
    auto devs = nl->devices_smcr();
    std::optional<smc::ExtInfo> ext;
    if (auto e = smc::SmcrExt::open()) {
        if (auto i = e->info()) {
            ext = *i;
        }
    }
    if (ctx.json) {
        smctool::json j = {{"module", p.module}, {"implementation", smc::provider_description(p)}};
        j["sys_info"] = smctool::sys_info_json(*info);
        if (ext) {
            j["smcr"] = {{"version", ext->version},
                         {"sockets", ext->sockets},
                         {"smcr_data", ext->smcr_data},
                         {"smcr_v2", ext->smcr_v2}};
        }
        if (devs) {
            smctool::json a = smctool::json::array();
            for (const auto& d : *devs) {
                a.push_back(smctool::device_json(d));
            }
            j["smcr_devices"] = a;
        }
        smctool::print_json(std::cout, j, ctx.pretty);
        return smctool::kExitOk;
    }
    smctool::Table t({{""}, {""}});
    t.add({"implementation", smc::provider_description(p)});
    if (ext) {
        t.add({"smcr module", "version " + ext->version + ", " + std::to_string(ext->sockets) +
                                  " AF_SMC sockets in this netns; SMC-R data path " +
                                  (ext->smcr_data ? "yes" : "no (every connection falls back)") +
                                  ", SMC-Rv2 " + yes_no(ext->smcr_v2)});
    }
    t.add(
        {"SMC version", "v" + std::to_string(info->version) + "." + std::to_string(info->release)});
    t.add({"host name", info->hostname.empty() ? "-" : info->hostname});
    if (info->smcr_v2) {
        t.add({"SMC-Rv2 capable", yes_no(*info->smcr_v2)});
    }
    t.add({"ISMv2 (SMC-Dv2)", yes_no(info->ism_v2)});
    t.add({"SEID", info->seid.empty() ? "-" : info->seid});
    if (devs) {
        std::string list;
        for (const auto& d : *devs) {
            for (const auto& port : d.ports) {
                if (!port.valid) {
                    continue;
                }
                list += (list.empty() ? "" : ", ") + d.ib_name + " port " +
                        std::to_string(port.port) + " (" + (port.active ? "active" : "inactive") +
                        (port.netdev.empty() ? "" : ", " + port.netdev) +
                        (port.pnetid.empty() ? "" : ", PNET " + port.pnetid) + ")";
            }
        }
        t.add({"SMC-R devices", list.empty() ? "none" : list});
    }
    t.print(std::cout, false);
    return smctool::kExitOk;
}

constexpr auto kCommands = std::to_array<Command>({
    {"show", show, ""},
});

} // namespace

std::span<const Command> info_commands() {
    return kCommands;
}

} // namespace smcctl
