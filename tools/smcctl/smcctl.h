// SPDX-License-Identifier: GPL-2.0 OR MIT
// smcctl: OBJECT COMMAND dispatch (iproute2 style). One source file per object, each exporting
// its command table; the first command of a table is what the bare object does.
#ifndef SMCCTL_H
#define SMCCTL_H

#include "smc/gen_netlink.h"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smcctl {

/// Options and the words after OBJECT COMMAND.
struct Ctx {
    bool json = false;
    bool pretty = false;
    bool details = false;
    std::string object;
    std::string command;
    std::vector<std::string> args;
    std::size_t pos = 0;

    [[nodiscard]] bool done() const { return pos >= args.size(); }
    /// The next word; a usage error naming @what if there is none.
    std::string next(std::string_view what);
    /// A usage error if words are left.
    void expect_end() const;
};

using Handler = int (*)(Ctx&);

/// SMC_GEN_NETLINK, or a fatal ToolError with the library's message.
smc::SmcNetlink open_gen_netlink();

struct Command {
    std::string_view name;
    Handler run;
    std::string_view synopsis; ///< arguments, for help: "UEID"
};

struct Object {
    std::string_view name;
    std::span<const Command> commands;
    std::string_view summary;
};

std::span<const Command> info_commands();
std::span<const Command> ueid_commands();
std::span<const Command> seid_commands();
std::span<const Command> pnet_commands();
std::span<const Command> sysctl_commands();
std::span<const Command> hslimit_commands();
std::span<const Command> policy_commands();

} // namespace smcctl

#endif // SMCCTL_H
