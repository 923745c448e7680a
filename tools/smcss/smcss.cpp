// SPDX-License-Identifier: GPL-2.0 OR MIT
// smcss: AF_SMC sockets, like ss(8): state, mode (with the fallback reason in words), addresses,
// owning processes; -d buffers and cursors, -R the SMC-R link; ss-style filters; -j JSON.
#include "cli.h"
#include "filter.h"
#include "format.h"
#include "json.h"
#include "smc/diag.h"
#include "smc/names.h"

#include <array>
#include <getopt.h>
#include <iostream>
#include <string>
#include <sys/socket.h>
#include <vector>

namespace {

using namespace smctool;

constexpr const char* kUsage = R"(Usage: smcss [OPTIONS] [FILTER]
List AF_SMC sockets of this network namespace.

Options:
  -a, --all           all sockets (default: connected ones, not LISTEN, INIT or CLOSED)
  -l, --listening     listening sockets only
  -d, --details       buffers, cursors and flags of each SMC connection (CONNINFO)
  -R, --smcr          the SMC-R link of each socket: device, port, GIDs (LGRINFO)
  -D, --smcd          the SMC-D DMB of each socket (DMBINFO)
  -4, --ipv4          IPv4 sockets only
  -6, --ipv6          IPv6 sockets only
  -n, --no-processes  do not look up owning processes in /proc
  -H, --no-header     no column header
  -j, --json          JSON output (an array of sockets)
  -p, --pretty        indented JSON (implies -j)
  -V, --version       print the version
  -h, --help          this text

Filter (a subset of ss's; combine terms with and, or, not and parentheses):
  state STATE | exclude STATE   STATE: an SMC state (ACTIVE, LISTEN, PEERCLOSEWAIT1, ...),
                                all, connected, listening, closing
  mode smcr|smcd|smc|tcp|fallback
  reason NAME                   fallback reason or peer diagnosis, e.g. reason PEERNOSMC
  sport|dport [OP] [:]PORT      OP: = != < > <= >= (eq ne lt gt le ge)
  src|dst [=|!=] ADDR           1.2.3.4[/24][:80], [fd00::1]:80, fd00::/64, *:80

Examples:
  smcss -a                      every socket
  smcss mode fallback           connections that fell back to TCP, with the reason
  smcss sport = :5201           sockets on local port 5201
  smcss -l                      listeners
  smcss -dR state ACTIVE        SMC connections with buffers and links
)";

struct Options {
    StateScope scope = StateScope::connected;
    unsigned ext = 0;
    bool details = false;
    bool smcr = false;
    bool smcd = false;
    int family = 0;
    bool processes = true;
    bool header = true;
    bool json = false;
    bool pretty = false;
};

std::string users_text(const smc::Socket& s) {
    if (s.users.empty()) {
        return {};
    }
    std::string t = "users:(";
    for (std::size_t i = 0; i < s.users.size(); ++i) {
        const auto& u = s.users[i];
        t += (i ? "," : "") + std::string("(\"") + u.comm + "\",pid=" + std::to_string(u.pid) +
             ",fd=" + std::to_string(u.fd) + ")";
    }
    return t + ")";
}

std::string flags_hex(uint8_t a, uint8_t b) {
    std::array<char, 8> buf{};
    std::snprintf(buf.data(), buf.size(), "%02x/%02x", a, b);
    return buf.data();
}

std::vector<std::string> detail_lines(const smc::Socket& s, const Options& o) {
    std::vector<std::string> out;
    if (o.details) {
        std::string d =
            "shutdown " + smc::shutdown_arrows(s.shutdown) + " cookie " + std::to_string(s.cookie);
        if (s.ifindex) {
            d += " if " + std::to_string(s.ifindex);
        }
        if (s.conn) {
            const auto& c = *s.conn;
            d += " token " + hex8(c.token) + " sndbuf " + format_bufsize(c.sndbuf_size) + " rmbe " +
                 format_bufsize(c.rmbe_size) + " peer-rmbe " + format_bufsize(c.peer_rmbe_size);
            out.push_back(d);
            out.push_back("rx prod " + format_cursor(c.rx_prod) + " cons " +
                          format_cursor(c.rx_cons) + " flags " +
                          flags_hex(c.rx_prod_flags, c.rx_conn_state_flags) + "  tx prod " +
                          format_cursor(c.tx_prod) + " cons " + format_cursor(c.tx_cons) +
                          " flags " + flags_hex(c.tx_prod_flags, c.tx_conn_state_flags) +
                          "  prep " + format_cursor(c.tx_prep) + " sent " +
                          format_cursor(c.tx_sent) + " fin " + format_cursor(c.tx_fin));
        } else {
            out.push_back(d);
        }
    }
    if (o.smcr && s.lgr) {
        const auto& l = *s.lgr;
        out.push_back("link " + l.ib_name + " port " + std::to_string(l.ib_port) + " id " +
                      std::to_string(l.link_id) + " role " + smc::role_name(l.role) + " gid " +
                      l.gid + " peer-gid " + l.peer_gid);
    }
    if (o.smcd && s.dmb) {
        const auto& d = *s.dmb;
        out.push_back("dmb link " + std::to_string(d.link_id) + " gid " + std::to_string(d.my_gid) +
                      " peer-gid " + std::to_string(d.peer_gid) + " token " +
                      std::to_string(d.token) + " peer-token " + std::to_string(d.peer_token));
    }
    return out;
}

Options parse_options(int argc, char** argv, std::vector<std::string>& filter_args) {
    static const auto kLong = std::to_array<option>({{"all", no_argument, nullptr, 'a'},
                                                     {"listening", no_argument, nullptr, 'l'},
                                                     {"details", no_argument, nullptr, 'd'},
                                                     {"smcr", no_argument, nullptr, 'R'},
                                                     {"smcd", no_argument, nullptr, 'D'},
                                                     {"ipv4", no_argument, nullptr, '4'},
                                                     {"ipv6", no_argument, nullptr, '6'},
                                                     {"no-processes", no_argument, nullptr, 'n'},
                                                     {"no-header", no_argument, nullptr, 'H'},
                                                     {"json", no_argument, nullptr, 'j'},
                                                     {"pretty", no_argument, nullptr, 'p'},
                                                     {"version", no_argument, nullptr, 'V'},
                                                     {"help", no_argument, nullptr, 'h'},
                                                     {nullptr, 0, nullptr, 0}});
    Options o;
    opterr = 0;
    int c = 0;
    // '+': options first, then the filter (whose words may start with '-'? no, but "!" may).
    while ((c = getopt_long(argc, argv, "+aldRD46nHjpVh", kLong.data(), nullptr)) != -1) {
        switch (c) {
        case 'a':
            o.scope = StateScope::all;
            break;
        case 'l':
            o.scope = StateScope::listening;
            break;
        case 'd':
            o.details = true;
            o.ext |= smc::kDiagConnInfo;
            break;
        case 'R':
            o.smcr = true;
            o.ext |= smc::kDiagLgrInfo;
            break;
        case 'D':
            o.smcd = true;
            o.ext |= smc::kDiagDmbInfo;
            break;
        case '4':
            o.family = AF_INET;
            break;
        case '6':
            o.family = AF_INET6;
            break;
        case 'n':
            o.processes = false;
            break;
        case 'H':
            o.header = false;
            break;
        case 'p':
            o.pretty = true;
            o.json = true;
            break;
        case 'j':
            o.json = true;
            break;
        case 'V':
            std::cout << "smcss (smcr toolkit) " SMCR_VERSION "\n";
            std::exit(0);
        case 'h':
            std::cout << kUsage;
            std::exit(0);
        default:
            usage_error("unknown option '" + std::string(argv[optind - 1]) +
                        "' (smcss --help lists them)");
        }
    }
    for (int i = optind; i < argc; ++i) {
        filter_args.emplace_back(argv[i]);
    }
    return o;
}

int run(int argc, char** argv) {
    std::vector<std::string> filter_args;
    const Options o = parse_options(argc, argv, filter_args);
    const SockFilter filter = SockFilter::parse(filter_args);

    auto dumped = smc::dump_sockets(o.ext);
    if (!dumped) {
        fail(dumped.error().message);
    }
    std::vector<smc::Socket> sockets;
    for (auto& s : *dumped) {
        if (!filter.mentions_state() && !in_scope(s.state, o.scope)) {
            continue;
        }
        if (o.family && s.family != o.family) {
            continue;
        }
        if (filter.matches(s)) {
            sockets.push_back(std::move(s));
        }
    }
    if (o.processes) {
        smc::attach_owners(sockets);
    }

    if (o.json) {
        json a = json::array();
        for (const auto& s : sockets) {
            a.push_back(socket_json(s));
        }
        print_json(std::cout, a, o.pretty);
        return kExitOk;
    }
    Table t({{"State"},
             {"UID", Align::right},
             {"Inode", Align::right},
             {"Local Address:Port"},
             {"Peer Address:Port"},
             {"Process"},
             {"Mode"}});
    for (const auto& s : sockets) {
        t.add({smc::state_name(s.state), std::to_string(s.uid), std::to_string(s.inode),
               format_endpoint(s.family, s.src, s.sport), format_endpoint(s.family, s.dst, s.dport),
               users_text(s), smc::mode_description(s)},
              detail_lines(s, o));
    }
    t.print(std::cout, o.header);
    return kExitOk;
}

} // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const ToolError& e) {
        std::cerr << "smcss: " << e.what() << '\n';
        return e.code();
    } catch (const smc::BadResultAccess& e) {
        std::cerr << "smcss: " << e.what() << '\n';
        return kExitFailure;
    } catch (const std::exception& e) {
        std::cerr << "smcss: internal error: " << e.what() << '\n';
        return kExitFailure;
    }
}
