// SPDX-License-Identifier: GPL-2.0 OR MIT
// smcctl: configure SMC — UEID and SEID tables, the PNET table, net.smc sysctls, the handshake
// limitation — and show what the module says about itself.
#include "smcctl.h"

#include "cli.h"
#include "smc/result.h"

#include <array>
#include <getopt.h>
#include <iostream>

namespace smcctl {

using smctool::usage_error;

std::string Ctx::next(std::string_view what) {
    if (done()) {
        usage_error("smcctl " + object + " " + command + ": missing " + std::string(what));
    }
    return args[pos++];
}

void Ctx::expect_end() const {
    if (!done()) {
        usage_error("smcctl " + object + " " + command + ": unexpected argument '" + args[pos] +
                    "'");
    }
}

smc::SmcNetlink open_gen_netlink() {
    auto nl = smc::SmcNetlink::open();
    if (!nl) {
        smctool::fail(nl.error().message);
    }
    return std::move(*nl);
}

namespace {

// Objects in help order.
const std::array<Object, 7> kObjects = {{
    {"info", info_commands(), "what the SMC module reports about itself"},
    {"ueid", ueid_commands(), "user EIDs (SMC-Rv2 needs the same one on both hosts)"},
    {"seid", seid_commands(), "the system EID (s390 ISM only)"},
    {"pnet", pnet_commands(), "the PNET table: which RDMA port serves which netdev"},
    {"sysctl", sysctl_commands(), "net.smc.* settings of this network namespace"},
    {"hs-limit", hslimit_commands(), "handshake limitation default of new listeners"},
    {"policy", policy_commands(), "eBPF policy: which connections use SMC (smcr only)"},
}};

constexpr const char* kUsageHead = R"(Usage: smcctl [OPTIONS] OBJECT [COMMAND [ARGUMENTS]]
Configure and inspect SMC in this network namespace.

Options:
  -j, --json      JSON output
  -p, --pretty    indented JSON (implies -j)
  -d, --details   more fields (sysctl ranges and defaults, ...)
  -V, --version   print the version
  -h, --help      this text

Objects and commands (may be abbreviated; the first command is the default):
)";

constexpr const char* kUsageTail = R"(
Examples:
  smcctl ueid add SMCR-TEST           SMC-Rv2 needs a UEID (the same on both hosts)
  smcctl pnet add NET1 interface eth0 ib rxe0 port 1
  smcctl sysctl set wmem 262144
  smcctl policy add dport 5000-5999 verdict tcp   plain TCP to those ports
  smcctl -j info
)";

void print_usage(std::ostream& out) {
    out << kUsageHead;
    for (const auto& o : kObjects) {
        out << "  " << o.name << std::string(10 - o.name.size(), ' ') << o.summary << '\n';
        for (const auto& c : o.commands) {
            out << "      smcctl " << o.name << ' ' << c.name;
            if (!c.synopsis.empty()) {
                out << ' ' << c.synopsis;
            }
            out << '\n';
        }
    }
    out << kUsageTail;
}

void print_object_usage(const Object& o) {
    std::cout << "Usage: smcctl " << o.name << " { ";
    for (std::size_t i = 0; i < o.commands.size(); ++i) {
        std::cout << (i ? " | " : "") << o.commands[i].name;
        if (!o.commands[i].synopsis.empty()) {
            std::cout << ' ' << o.commands[i].synopsis;
        }
    }
    std::cout << " }\n  " << o.summary << '\n';
}

int run(int argc, char** argv) {
    static const auto kLong = std::to_array<option>({{"json", no_argument, nullptr, 'j'},
                                                     {"pretty", no_argument, nullptr, 'p'},
                                                     {"details", no_argument, nullptr, 'd'},
                                                     {"version", no_argument, nullptr, 'V'},
                                                     {"help", no_argument, nullptr, 'h'},
                                                     {nullptr, 0, nullptr, 0}});
    Ctx ctx;
    opterr = 0;
    int c = 0;
    // '+': stop at OBJECT, so values such as "-1" after it are arguments, not options.
    while ((c = getopt_long(argc, argv, "+jpdVh", kLong.data(), nullptr)) != -1) {
        switch (c) {
        case 'j':
            ctx.json = true;
            break;
        case 'p':
            ctx.json = true;
            ctx.pretty = true;
            break;
        case 'd':
            ctx.details = true;
            break;
        case 'V':
            std::cout << "smcctl (smcr toolkit) " SMCR_VERSION "\n";
            return smctool::kExitOk;
        case 'h':
            print_usage(std::cout);
            return smctool::kExitOk;
        default:
            usage_error("unknown option '" + std::string(argv[optind - 1]) +
                        "' (smcctl --help lists them)");
        }
    }
    if (optind >= argc) {
        print_usage(std::cerr);
        return smctool::kExitUsage;
    }
    std::vector<std::string_view> names;
    names.reserve(kObjects.size());
    for (const auto& o : kObjects) {
        names.push_back(o.name);
    }
    if (std::string_view(argv[optind]) == "help") {
        print_usage(std::cout);
        return smctool::kExitOk;
    }
    const std::string obj_name = smctool::match_word(argv[optind], names, "object");
    const Object* obj = nullptr;
    for (const auto& o : kObjects) {
        if (o.name == obj_name) {
            obj = &o;
        }
    }
    ctx.object = obj_name;
    const Command* cmd = &obj->commands.front();
    int next = optind + 1;
    if (next < argc) {
        const std::string_view word = argv[next];
        if (word == "help") {
            print_object_usage(*obj);
            return smctool::kExitOk;
        }
        std::vector<std::string_view> cmds;
        cmds.reserve(obj->commands.size());
        for (const auto& cm : obj->commands) {
            cmds.push_back(cm.name);
        }
        const std::string cmd_name =
            smctool::match_word(word, cmds, "command", " for '" + obj_name + "'");
        for (const auto& cm : obj->commands) {
            if (cm.name == cmd_name) {
                cmd = &cm;
            }
        }
        ++next;
    }
    ctx.command = std::string(cmd->name);
    for (int i = next; i < argc; ++i) {
        ctx.args.emplace_back(argv[i]);
    }
    return cmd->run(ctx);
}

} // namespace
} // namespace smcctl

int main(int argc, char** argv) {
    try {
        return smcctl::run(argc, argv);
    } catch (const smctool::ToolError& e) {
        std::cerr << "smcctl: " << e.what() << '\n';
        return e.code();
    } catch (const smc::BadResultAccess& e) {
        std::cerr << "smcctl: " << e.what() << '\n';
        return smctool::kExitFailure;
    } catch (const std::exception& e) {
        std::cerr << "smcctl: internal error: " << e.what() << '\n';
        return smctool::kExitFailure;
    }
}
