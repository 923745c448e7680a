// SPDX-License-Identifier: GPL-2.0 OR MIT
// smcstat's model: one snapshot of every counter source, the connection summary derived from it,
// fallback reasons ranked, rates between two snapshots, and the JSON of all that. Pure functions
// of their inputs (unit-tested); reading the kernel is smcstat.cpp's job.
#ifndef SMCTOOL_STATS_H
#define SMCTOOL_STATS_H

#include "json.h"
#include "smc/mib.h"
#include "smc/types.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace smctool {

/// Everything smcstat reads at one point in time. A source that could not be read is nullopt and
/// has its error message in errors (keyed "stats", "fallbacks", "link_groups", ...).
struct Snapshot {
    double time = 0; ///< seconds, monotonic
    std::optional<smc::Stats> stats;
    std::optional<smc::FallbackStats> fallbacks;
    std::optional<smc::MibCounters> mib;
    std::optional<std::vector<smc::LinkGroup>> link_groups;
    std::optional<std::vector<smc::Link>> links;
    std::optional<std::vector<smc::Device>> devices;
    std::map<std::string, std::string> errors;
};

/// Connections handled, per side (client = connect(), server = accept()).
struct SideCounts {
    uint64_t smcr_v1 = 0;
    uint64_t smcr_v2 = 0;
    uint64_t smcd_v1 = 0;
    uint64_t smcd_v2 = 0;
    uint64_t hs_errors = 0;
    uint64_t fallbacks = 0;
    uint64_t policy_tcp = 0; ///< made plain TCP by the SMC policy (smcr; not fallbacks)
    [[nodiscard]] uint64_t smc() const { return smcr_v1 + smcr_v2 + smcd_v1 + smcd_v2; }
    /// Everything the side handled: SMC successes + handshake errors + TCP fallbacks + policy.
    [[nodiscard]] uint64_t total() const { return smc() + hs_errors + fallbacks + policy_tcp; }
};

struct Summary {
    SideCounts client;
    SideCounts server;
    bool from_mib = false; ///< fallbacks came from /proc/net/smcr_stat (no GET_FBACK_STATS)
};

Summary summarize(const Snapshot& s);

struct RankedReason {
    bool server = false;
    uint32_t code = 0;
    uint64_t count = 0;
};

/// Both sides' reasons, most frequent first (then client before server, then by code).
std::vector<RankedReason> rank_reasons(const smc::FallbackStats& f);

/// Per-second rates between two snapshots. A counter that went down (reset) counts from zero.
struct Rates {
    double interval = 0;
    double connections = 0; ///< everything handled, both sides
    double smc = 0;
    double fallbacks = 0;
    double hs_errors = 0;
    double rx_bytes = 0; ///< SMC-R + SMC-D
    double tx_bytes = 0;
    double rx_calls = 0;
    double tx_calls = 0;
};

Rates compute_rates(const Snapshot& prev, const Snapshot& cur);

/// Counter difference that survives a reset in between (then the new value is the delta).
uint64_t counter_delta(uint64_t prev, uint64_t cur);

/// The whole snapshot as smcstat -j prints it.
json snapshot_json(const Snapshot& s);
/// One -w sample: time, interval, rates and the totals they came from.
json rates_json(const Rates& r, const Summary& totals, const std::string& timestamp);

} // namespace smctool

#endif // SMCTOOL_STATS_H
