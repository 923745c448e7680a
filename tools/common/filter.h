// SPDX-License-Identifier: GPL-2.0 OR MIT
// smcss's socket filter, a subset of ss(8)'s language:
//
//   FILTER  := OR
//   OR      := AND { ("or" | "||") AND }
//   AND     := UNARY { ["and" | "&&"] UNARY }
//   UNARY   := ("not" | "!") UNARY | "(" OR ")" | PRIMARY
//   PRIMARY := "state" STATE | "exclude" STATE | "mode" MODE | "reason" REASON
//            | ("sport" | "dport") [OP] PORT | ("src" | "dst") [OP] ADDR
//   STATE   := an SMC state (ACTIVE, LISTEN, PEERCLOSEWAIT1 ...; any case)
//            | all | connected | listening | closing
//   MODE    := smcr | smcd | smc (R or D) | tcp | fallback (the same as tcp)
//   REASON  := a reason name (PEERNOSMC ...): the local fallback reason or the peer's diagnosis
//   OP      := = | == | eq | != | ne | < | lt | > | gt | <= | le | >= | ge
//   PORT    := [:]NUMBER
//   ADDR    := IPV4[/PLEN][:PORT] | [IPV6][:PORT] | IPV6[/PLEN] | *[:PORT] | :PORT
#ifndef SMCTOOL_FILTER_H
#define SMCTOOL_FILTER_H

#include "smc/types.h"

#include <memory>
#include <span>
#include <string>

namespace smctool {

class FilterNode;

class SockFilter {
  public:
    /// An empty argument list matches everything. Throws a usage ToolError on syntax errors.
    static SockFilter parse(std::span<const std::string> args);

    SockFilter();
    SockFilter(SockFilter&&) noexcept;
    SockFilter& operator=(SockFilter&&) noexcept;
    ~SockFilter();

    [[nodiscard]] bool matches(const smc::Socket& s) const;
    /// True if the expression selects states itself (then smcss adds no default state filter).
    [[nodiscard]] bool mentions_state() const { return mentions_state_; }
    /// The expression in canonical form, for messages and tests.
    [[nodiscard]] std::string describe() const;

  private:
    std::unique_ptr<FilterNode> root_;
    bool mentions_state_ = false;
};

/// The state groups smcss uses: LISTEN only (-l), everything (-a), the default (connected: all
/// but LISTEN, INIT and CLOSED).
enum class StateScope { connected, listening, all };
bool in_scope(uint8_t state, StateScope scope);

} // namespace smctool

#endif // SMCTOOL_FILTER_H
