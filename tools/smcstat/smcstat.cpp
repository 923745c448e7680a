// SPDX-License-Identifier: GPL-2.0 OR MIT
// smcstat: SMC statistics of this network namespace — connections, fallback reasons in words,
// data counters and histograms, link groups, links, devices; a live view with rates; reset.
#include "cli.h"
#include "format.h"
#include "json.h"
#include "smc/ext.h"
#include "smc/gen_netlink.h"
#include "smc/mib.h"
#include "smc/names.h"
#include "stats.h"

#include <array>
#include <chrono>
#include <ctime>
#include <getopt.h>
#include <iostream>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <vector>

namespace {

using namespace smctool;

constexpr const char* kUsage = R"(Usage: smcstat [OPTIONS] [show | reset | reasons]
SMC statistics of this network namespace.

Commands:
  show      connections, fallback reasons, data counters, link groups, links, devices (default)
  reset     zero the counters of this netns (needs the smcr module and CAP_NET_ADMIN)
  reasons   every fallback / decline reason with its name and explanation

Options:
  -d, --details       buffer statistics, size histograms, special calls, link details
  -a, --all           also rows and sections that are all zero (SMC-D, unused sides)
  -e, --exact         exact byte counts instead of KiB/MiB/GiB
  -w, --watch SECONDS live view: one line of rates per interval
  -c, --count N       with -w: stop after N lines
  -j, --json          JSON output (with -w: one object per line)
  -p, --pretty        indented JSON (implies -j)
  -V, --version       print the version
  -h, --help          this text
)";

struct Options {
    bool details = false;
    bool all = false;
    bool exact = false;
    double watch = 0;
    uint64_t count = 0;
    bool json = false;
    bool pretty = false;
    std::string command = "show";
};

double now_seconds() {
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

std::string wall_clock() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    std::array<char, 16> buf{};
    std::strftime(buf.data(), buf.size(), "%H:%M:%S", &tm);
    return buf.data();
}

/// Reads every source; @full adds link groups, links and devices.
Snapshot read_snapshot(bool full) {
    Snapshot s;
    s.time = now_seconds();
    auto nl = smc::SmcNetlink::open();
    if (nl) {
        auto record = [&](const char* key, auto&& result, auto& dest) {
            if (result) {
                dest = std::move(*result);
            } else {
                s.errors[key] = result.error().message;
            }
        };
        record("stats", nl->stats(), s.stats);
        record("fallbacks", nl->fallback_stats(), s.fallbacks);
        if (full) {
            record("link_groups", nl->link_groups(), s.link_groups);
            record("links", nl->links(), s.links);
            record("devices", nl->devices_smcr(), s.devices);
        }
    } else {
        if (nl.error().code == smc::Errc::not_loaded) {
            fail(nl.error().message);
        }
        s.errors["smc_gen_netlink"] = nl.error().message;
    }
    if (auto mib = smc::read_mib()) {
        s.mib = std::move(*mib);
    }
    if (!s.stats && !s.fallbacks && !s.mib) {
        fail(s.errors.begin()->second);
    }
    return s;
}

// ---- text
// ------------------------------------------------------------------------------------------

void print_connections(const Snapshot& s, const Options& o) {
    const Summary sum = summarize(s);
    Table t({{"Connections"},
             {"client", Align::right},
             {"server", Align::right},
             {"total", Align::right}});
    auto row = [&](const char* label, uint64_t c, uint64_t v, bool always) {
        if (always || o.all || c || v) {
            t.add({std::string("  ") + label, std::to_string(c), std::to_string(v),
                   std::to_string(c + v)});
        }
    };
    if (s.stats) {
        row("SMC-R v1", sum.client.smcr_v1, sum.server.smcr_v1, false);
        row("SMC-R v2", sum.client.smcr_v2, sum.server.smcr_v2, false);
        row("SMC-D v1", sum.client.smcd_v1, sum.server.smcd_v1, false);
        row("SMC-D v2", sum.client.smcd_v2, sum.server.smcd_v2, false);
        row("SMC", sum.client.smc(), sum.server.smc(), true);
        row("handshake errors", sum.client.hs_errors, sum.server.hs_errors, true);
    }
    row("TCP fallbacks", sum.client.fallbacks, sum.server.fallbacks, true);
    if (s.mib) {
        row("TCP by policy", sum.client.policy_tcp, sum.server.policy_tcp, true);
    }
    if (s.stats) {
        row("total handled", sum.client.total(), sum.server.total(), true);
    }
    t.print(std::cout);
    if (sum.from_mib) {
        std::cout << "  (fallbacks from /proc/net/smcr_stat; no SMC_GEN_NETLINK statistics)\n";
    }
}

void print_reasons(const Snapshot& s) {
    if (!s.fallbacks) {
        return;
    }
    const auto ranked = rank_reasons(*s.fallbacks);
    std::cout << "\nTCP fallback reasons";
    if (ranked.empty()) {
        std::cout << ": none\n";
        return;
    }
    std::cout << " (most frequent first)\n";
    Table t({{"count", Align::right}, {"side"}, {"reason"}, {"explanation"}}, "  ");
    for (const auto& r : ranked) {
        t.add({std::to_string(r.count), r.server ? "server" : "client", smc::reason_name(r.code),
               smc::reason_text(r.code)});
    }
    t.print(std::cout);
}

bool tech_used(const smc::TechStats& t) {
    return t.rx_bytes || t.tx_bytes || t.rx_calls || t.tx_calls || t.clnt_v1_succ ||
           t.clnt_v2_succ || t.srv_v1_succ || t.srv_v2_succ || t.rx_buf.alloc || t.tx_buf.alloc;
}

void print_tech(const char* name, const smc::TechStats& t, const Options& o) {
    if (!o.all && !tech_used(t) && std::string(name) != "SMC-R") {
        return;
    }
    std::cout << '\n';
    Table d({{std::string(name) + " data"}, {"RX", Align::right}, {"TX", Align::right}});
    auto num = [](uint64_t v) { return std::to_string(v); };
    d.add({"  bytes", format_size(t.rx_bytes, o.exact), format_size(t.tx_bytes, o.exact)});
    d.add({"  requests", num(t.rx_calls), num(t.tx_calls)});
    d.add({"  buffer full", num(t.rx_buf.full), num(t.tx_buf.full)});
    d.add({"  peer buffer full", "-", num(t.tx_buf.peer_full)});
    d.add({"  buffer too small", num(t.rx_buf.size_small), num(t.tx_buf.size_small)});
    d.add({"  peer buffer too small", "-", num(t.tx_buf.peer_size_small)});
    if (o.details) {
        d.add({"  buffers allocated", num(t.rx_buf.alloc), num(t.tx_buf.alloc)});
        d.add({"  buffers reused", num(t.rx_buf.reuse), num(t.tx_buf.reuse)});
        d.add({"  buffers downgraded", num(t.rx_buf.downgrade), num(t.tx_buf.downgrade)});
        if (t.rx_buf_usage || t.tx_buf_usage) {
            d.add({"  buffer memory in use", format_size(t.rx_buf_usage.value_or(0), o.exact),
                   format_size(t.tx_buf_usage.value_or(0), o.exact)});
        }
    }
    d.print(std::cout);
    if (o.details) {
        std::vector<Table::Column> cols = {{""}};
        for (const char* l : histogram_labels()) {
            cols.push_back({l, Align::right});
        }
        auto hist = [&](const char* title, const smc::Histogram& rx, const smc::Histogram& tx) {
            Table h(cols, "  ");
            std::vector<std::string> r{"RX"}, x{"TX"};
            for (std::size_t i = 0; i < rx.size(); ++i) {
                r.push_back(num(rx[i]));
                x.push_back(num(tx[i]));
            }
            h.add(r);
            h.add(x);
            std::cout << "  " << title << '\n';
            h.print(std::cout);
        };
        hist("request sizes", t.rx_payload, t.tx_payload);
        hist("buffer sizes", t.rx_buf_size, t.tx_buf_size);
    }
    if (o.details || t.sendpage || t.splice || t.cork || t.nodelay || t.urgent) {
        std::cout << "  special calls: sendpage " << t.sendpage << ", splice " << t.splice
                  << ", cork " << t.cork << ", nodelay " << t.nodelay << ", urgent data "
                  << t.urgent << '\n';
    }
}

void print_link_groups(const Snapshot& s, const Options& o) {
    if (!s.link_groups) {
        return;
    }
    std::cout << "\nLink groups (SMC-R)";
    if (s.link_groups->empty()) {
        std::cout << ": none\n";
        return;
    }
    std::cout << '\n';
    std::vector<Table::Column> cols = {{"LG-ID"},
                                       {"role"},
                                       {"type"},
                                       {"conns", Align::right},
                                       {"VLAN", Align::right},
                                       {"PNET-ID"},
                                       {"version"},
                                       {"peer host"},
                                       {"peer OS"},
                                       {"EID"}};
    if (o.details) {
        cols.push_back({"buffers"});
        cols.push_back({"sndbuf", Align::right});
        cols.push_back({"RMB", Align::right});
    }
    Table t(cols, "  ");
    for (const auto& g : *s.link_groups) {
        std::vector<std::string> r = {
            hex8(g.id),
            smc::role_name(g.role),
            smc::lgr_type_name(g.type),
            std::to_string(g.conns),
            std::to_string(g.vlan),
            g.pnetid.empty() ? "-" : g.pnetid,
            g.v2 ? "v" + std::to_string(g.v2->version) + "." + std::to_string(g.v2->release) : "v1",
            g.v2 && !g.v2->peer_host.empty() ? g.v2->peer_host : "-",
            g.v2 ? smc::peer_os_name(g.v2->peer_os) : "-",
            g.v2 && !g.v2->negotiated_eid.empty() ? g.v2->negotiated_eid : "-"};
        if (o.details) {
            r.push_back(g.buf_type ? smc::buf_type_name(*g.buf_type) : "-");
            r.push_back(g.sndbuf_alloc ? format_size(*g.sndbuf_alloc, o.exact) : "-");
            r.push_back(g.rmb_alloc ? format_size(*g.rmb_alloc, o.exact) : "-");
        }
        t.add(r);
    }
    t.print(std::cout);
}

void print_links(const Snapshot& s, const Options& o) {
    if (!s.links) {
        return;
    }
    std::cout << "\nLinks";
    if (s.links->empty()) {
        std::cout << ": none\n";
        return;
    }
    std::cout << '\n';
    std::vector<Table::Column> cols = {{"LG-ID"},
                                       {"link", Align::right},
                                       {"state"},
                                       {"conns", Align::right},
                                       {"netdev"},
                                       {"IB-dev"},
                                       {"port", Align::right},
                                       {"GID"},
                                       {"peer GID"}};
    if (o.details) {
        cols.push_back({"UID"});
        cols.push_back({"peer UID"});
    }
    Table t(cols, "  ");
    for (const auto& l : *s.links) {
        std::vector<std::string> r = {hex8(l.lgr_id),
                                      std::to_string(l.id),
                                      smc::link_state_name(l.state),
                                      std::to_string(l.conns),
                                      l.netdev.empty() ? "if" + std::to_string(l.netdev_ifindex)
                                                       : l.netdev,
                                      l.ib_dev,
                                      std::to_string(l.ib_port),
                                      l.gid,
                                      l.peer_gid};
        if (o.details) {
            r.push_back(hex8(l.uid));
            r.push_back(hex8(l.peer_uid));
        }
        t.add(r);
    }
    t.print(std::cout);
}

void print_devices(const Snapshot& s) {
    if (!s.devices) {
        return;
    }
    std::cout << "\nDevices (SMC-R)";
    if (s.devices->empty()) {
        std::cout << ": none\n";
        return;
    }
    std::cout << '\n';
    Table t({{"IB-dev"},
             {"port", Align::right},
             {"state"},
             {"netdev"},
             {"links", Align::right},
             {"PNET-ID"},
             {"critical"}},
            "  ");
    for (const auto& d : *s.devices) {
        for (const auto& p : d.ports) {
            if (!p.valid) {
                continue;
            }
            t.add({d.ib_name, std::to_string(p.port), p.active ? "active" : "inactive",
                   p.netdev.empty() ? "-" : p.netdev, std::to_string(p.links),
                   p.pnetid.empty() ? "-" : p.pnetid + (p.pnetid_by_user ? " (user)" : ""),
                   d.critical ? "yes" : "no"});
        }
    }
    t.print(std::cout);
}

void print_mib(const Snapshot& s) {
    if (!s.mib) {
        return;
    }
    std::cout << "\nsmcr module counters (/proc/net/smcr_stat)\n";
    Table t({{"counter"}, {"value", Align::right}, {"counter"}, {"value", Align::right}}, "  ");
    const auto& m = *s.mib;
    for (std::size_t i = 0; i < m.size(); i += 2) {
        std::vector<std::string> r = {m[i].first, std::to_string(m[i].second)};
        if (i + 1 < m.size()) {
            r.push_back(m[i + 1].first);
            r.push_back(std::to_string(m[i + 1].second));
        }
        t.add(r);
    }
    t.print(std::cout, false);
}

int cmd_show(const Options& o) {
    const Snapshot s = read_snapshot(true);
    if (o.json) {
        print_json(std::cout, snapshot_json(s), o.pretty);
        return kExitOk;
    }
    print_connections(s, o);
    print_reasons(s);
    if (s.stats) {
        print_tech("SMC-R", s.stats->smcr, o);
        print_tech("SMC-D", s.stats->smcd, o);
    }
    print_link_groups(s, o);
    print_links(s, o);
    print_devices(s);
    print_mib(s);
    for (const auto& [what, msg] : s.errors) {
        std::cerr << "smcstat: note: " << msg << '\n';
        if (what == "smc_gen_netlink") {
            break; // the other sources share this cause
        }
    }
    return kExitOk;
}

/// One line of the live view: fixed widths, so lines printed apart stay aligned.
std::string watch_line(const std::vector<std::string>& cells) {
    static constexpr std::array<std::size_t, 9> kWidth = {8, 7, 6, 10, 8, 13, 13, 9, 9};
    std::string s;
    for (std::size_t i = 0; i < cells.size() && i < kWidth.size(); ++i) {
        const std::string& c = cells[i];
        const std::size_t pad = kWidth[i] > c.size() ? kWidth[i] - c.size() : 0;
        if (i == 0) {
            s += c + std::string(pad, ' ');
        } else {
            s += "  " + std::string(pad, ' ') + c;
        }
    }
    return s;
}

int cmd_watch(const Options& o) {
    Snapshot prev = read_snapshot(false);
    if (!o.json) {
        std::cout << "every " << o.watch << " s, per second (Ctrl-C stops)\n";
    }
    auto next = std::chrono::steady_clock::now();
    const auto step = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(o.watch));
    for (uint64_t n = 0; o.count == 0 || n < o.count; ++n) {
        next += step;
        std::this_thread::sleep_until(next);
        Snapshot cur = read_snapshot(false);
        const Rates r = compute_rates(prev, cur);
        if (o.json) {
            print_json(std::cout, rates_json(r, summarize(cur), wall_clock()), o.pretty);
        } else {
            if (n % 20 == 0) {
                std::cout << watch_line({"time", "conn", "smc", "fallback", "hs-err", "rx", "tx",
                                         "rx req", "tx req"})
                          << '\n';
            }
            std::cout << watch_line({wall_clock(), format_rate(r.connections), format_rate(r.smc),
                                     format_rate(r.fallbacks), format_rate(r.hs_errors),
                                     format_byte_rate(r.rx_bytes), format_byte_rate(r.tx_bytes),
                                     format_rate(r.rx_calls), format_rate(r.tx_calls)})
                      << '\n';
        }
        std::cout.flush();
        prev = std::move(cur);
    }
    return kExitOk;
}

int cmd_reset() {
    auto ext = smc::SmcrExt::open();
    if (!ext) {
        fail("reset: " + ext.error().message);
    }
    if (auto st = ext->reset_stats(); !st) {
        fail("reset: " + st.error().message);
    }
    return kExitOk;
}

int cmd_reasons(const Options& o) {
    const auto reasons = smc::all_reasons();
    if (o.json) {
        json a = json::array();
        for (const auto& r : reasons) {
            a.push_back(
                {{"code", r.code}, {"name", r.name}, {"class", r.class_name}, {"text", r.text}});
        }
        print_json(std::cout, a, o.pretty);
        return kExitOk;
    }
    Table t({{"code"}, {"name"}, {"class"}, {"explanation"}});
    for (const auto& r : reasons) {
        std::array<char, 16> code{};
        std::snprintf(code.data(), code.size(), "0x%08x", r.code);
        t.add({code.data(), r.name, r.class_name, r.text});
    }
    t.print(std::cout);
    return kExitOk;
}

Options parse_options(int argc, char** argv) {
    static const auto kLong = std::to_array<option>({{"details", no_argument, nullptr, 'd'},
                                                     {"all", no_argument, nullptr, 'a'},
                                                     {"exact", no_argument, nullptr, 'e'},
                                                     {"watch", required_argument, nullptr, 'w'},
                                                     {"count", required_argument, nullptr, 'c'},
                                                     {"json", no_argument, nullptr, 'j'},
                                                     {"pretty", no_argument, nullptr, 'p'},
                                                     {"version", no_argument, nullptr, 'V'},
                                                     {"help", no_argument, nullptr, 'h'},
                                                     {nullptr, 0, nullptr, 0}});
    Options o;
    opterr = 0;
    int c = 0;
    while ((c = getopt_long(argc, argv, "daew:c:jpVh", kLong.data(), nullptr)) != -1) {
        switch (c) {
        case 'd':
            o.details = true;
            break;
        case 'a':
            o.all = true;
            break;
        case 'e':
            o.exact = true;
            break;
        case 'w': {
            auto v = parse_seconds(optarg);
            if (!v) {
                usage_error("-w wants a positive number of seconds, not '" + std::string(optarg) +
                            "'");
            }
            o.watch = *v;
            break;
        }
        case 'c': {
            auto v = parse_u64(optarg);
            if (!v || *v == 0) {
                usage_error("-c wants a positive count, not '" + std::string(optarg) + "'");
            }
            o.count = *v;
            break;
        }
        case 'p':
            o.pretty = true;
            o.json = true;
            break;
        case 'j':
            o.json = true;
            break;
        case 'V':
            std::cout << "smcstat (smcr toolkit) " SMCR_VERSION "\n";
            std::exit(0);
        case 'h':
            std::cout << kUsage;
            std::exit(0);
        default:
            if (optopt == 'w' || optopt == 'c') {
                usage_error(std::string("-") + static_cast<char>(optopt) + " needs a value");
            }
            usage_error("unknown option '" + std::string(argv[optind - 1]) +
                        "' (smcstat --help lists them)");
        }
    }
    if (optind < argc) {
        static constexpr std::array<std::string_view, 3> kCmds = {"show", "reset", "reasons"};
        o.command = match_word(argv[optind], kCmds, "command");
        if (optind + 1 < argc) {
            usage_error("unexpected argument '" + std::string(argv[optind + 1]) + "'");
        }
    }
    if (o.count != 0 && o.watch <= 0) {
        usage_error("-c counts -w samples; give -w SECONDS too");
    }
    return o;
}

int run(int argc, char** argv) {
    const Options o = parse_options(argc, argv);
    if (o.command == "reset") {
        return cmd_reset();
    }
    if (o.command == "reasons") {
        return cmd_reasons(o);
    }
    return o.watch > 0 ? cmd_watch(o) : cmd_show(o);
}

} // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const ToolError& e) {
        std::cerr << "smcstat: " << e.what() << '\n';
        return e.code();
    } catch (const smc::BadResultAccess& e) {
        std::cerr << "smcstat: " << e.what() << '\n';
        return kExitFailure;
    } catch (const std::exception& e) {
        std::cerr << "smcstat: internal error: " << e.what() << '\n';
        return kExitFailure;
    }
}
