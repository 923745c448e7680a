// SPDX-License-Identifier: GPL-2.0 OR MIT
// The SMC policy of this network namespace (smcr module only): BPF programs the module asks, per
// connection, whether to use SMC or plain TCP (kernel ABI: SMCR_EXT_CMD_POLICY_* in
// kernel/uapi/smcr_ext.h; program contract and rule layout: ebpf/smcr_policy.h).
//
// Two kinds of policy:
//  - the ready-made rules program (embedded here as a libbpf skeleton): an ordered rule list,
//    first match wins, plus a default verdict, kept in its BPF maps;
//  - a user's own object file with a cgroup/connect4 and/or cgroup/connect6 program.
// The module holds the programs (and they their maps) after this process exits. Later calls
// find the rules program's maps again through the program ids the module reports, so nothing is
// pinned in bpffs and a detach leaves nothing behind.
#ifndef SMC_POLICY_H
#define SMC_POLICY_H

#include "smc/result.h"

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

struct smcr_policy_rule;

namespace smc {

class NlSocket;

/// An address prefix of a rule: family 4 or 6, address bytes in network order.
struct PolicyPrefix {
    int family = 0;
    std::array<uint8_t, 16> addr{};
    unsigned plen = 0;
    bool operator==(const PolicyPrefix&) const = default;
};

struct PolicyRule {
    enum class Side : uint8_t { any, client, server };
    Side side = Side::any;
    std::optional<PolicyPrefix> dst;                    ///< peer address
    std::optional<PolicyPrefix> src;                    ///< local address
    std::optional<std::pair<uint16_t, uint16_t>> dport; ///< peer port range, inclusive
    std::optional<std::pair<uint16_t, uint16_t>> sport; ///< local port range
    std::optional<uint32_t> pid;                        ///< process (tgid) calling connect()
    std::optional<uint64_t> cgroup_id; ///< cgroup v2 id of the process calling connect()
    std::string cgroup_path;           ///< for display only (not compared)
    bool smc = false;                  ///< verdict: SMC (true) or plain TCP

    bool operator==(const PolicyRule& o) const;
};

/// Maps a cgroup path to its cgroup v2 id.
using CgroupResolver = std::function<Result<uint64_t>(const std::string&)>;

/// Parses the words of a rule:
///   [client|server] [dst CIDR] [src CIDR] [dport P[-Q]] [sport P[-Q]] [pid N] [cgroup PATH]
///   verdict smc|tcp
/// at least one selector, and the verdict. @resolve: nullptr uses cgroup_id_of().
Result<PolicyRule> parse_policy_rule(std::span<const std::string> words,
                                     const CgroupResolver& resolve = nullptr);
/// The rule as words parse_policy_rule() accepts (cgroup by path if known, else by id).
std::string format_policy_rule(const PolicyRule& r);

/// To and from the BPF map layout (ebpf/smcr_policy.h).
void encode_policy_rule(const PolicyRule& r, smcr_policy_rule& out);
PolicyRule decode_policy_rule(const smcr_policy_rule& raw);

/// cgroup v2 id of @path (absolute, or relative to the cgroup2 mount), via name_to_handle_at.
Result<uint64_t> cgroup_id_of(const std::string& path);
/// The cgroup v2 path (relative to the mount, starting with '/') of @id, "" if not found.
std::string cgroup_path_of(uint64_t id);

struct PolicyState {
    bool attached = false;
    uint32_t prog_id4 = 0, prog_id6 = 0; ///< BPF program ids (0: no program for the family)
    std::string name4, name6;            ///< their names
    bool rules = false;                  ///< it is the rules program (rules/default valid)
    bool default_smc = true;
    std::vector<PolicyRule> rule_list;
};

class Policy {
  public:
    /// not_supported when the module has no SMCR_EXT (stock smc) or no policy commands.
    static Result<Policy> open();

    Policy(Policy&&) noexcept;
    Policy& operator=(Policy&&) noexcept;
    Policy(const Policy&) = delete;
    Policy& operator=(const Policy&) = delete;
    ~Policy();

    Result<PolicyState> state();
    /// Inserts @r before the rule numbered @before (1-based; nullopt: at the end). Attaches the
    /// rules program (default verdict SMC) if no policy is attached.
    Status add(const PolicyRule& r, std::optional<std::size_t> before = std::nullopt);
    /// Deletes rule number @index (1-based).
    Status del(std::size_t index);
    /// Deletes every rule (the default verdict stays).
    Status flush();
    /// Sets the default verdict (attaching the rules program if no policy is attached).
    Status set_default(bool smc);
    /// A read-modify-write of the rule list and default verdict, serialised with every other edit
    /// (as add/del/flush do): @fn gets the current rules and default verdict (none and SMC when
    /// no policy is attached) and edits them; nothing is written if it fails. Attaches the rules
    /// program if no policy is attached. @detach_if_empty: if the edit leaves no rule and the
    /// default SMC, detach the rules program instead (as if it had never been attached).
    using RulesEdit = std::function<Status(std::vector<PolicyRule>& rules, bool& default_smc)>;
    Status edit(const RulesEdit& fn, bool detach_if_empty = false);
    /// Loads the cgroup/connect4 and/or cgroup/connect6 programs of the object file @path and
    /// makes them the policy (replacing any).
    Status attach_object(const std::string& path);
    /// Drops the policy: every connection is offered SMC again.
    Status detach();

  private:
    Policy(std::unique_ptr<NlSocket> sock, int family);
    Status set_fds(int fd4, int fd6);
    Status write_rules(const RulesEdit& edit, bool detach_if_empty = false);
    std::unique_ptr<NlSocket> sock_;
    int family_ = 0;
};

} // namespace smc

#endif // SMC_POLICY_H
