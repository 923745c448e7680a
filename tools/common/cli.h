// SPDX-License-Identifier: GPL-2.0 OR MIT
// Command-line plumbing shared by the tools: iproute2-style word matching (exact, then unique
// prefix; "Unknown command 'x'; did you mean 'y'?"), the fatal-error exception caught in main, and
// strict number parsing.
#ifndef SMCTOOL_CLI_H
#define SMCTOOL_CLI_H

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace smctool {

/// Exit codes of every tool.
enum ExitCode : int {
    kExitOk = 0,
    kExitFailure = 1, ///< the kernel refused, an interface is missing, ...
    kExitUsage = 2,   ///< bad command line
};

/// A fatal error with the message to print (prefixed by the tool's name) and the exit code.
class ToolError : public std::runtime_error {
  public:
    ToolError(const std::string& msg, int code) : std::runtime_error(msg), code_(code) {}
    [[nodiscard]] int code() const { return code_; }

  private:
    int code_;
};

/// Usage error (exit 2).
[[noreturn]] void usage_error(const std::string& msg);
/// Runtime failure (exit 1).
[[noreturn]] void fail(const std::string& msg);

/// Levenshtein distance.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The choice closest to @word by edit distance, if it is close enough to be a plausible typo
/// (distance ≤ 2, or ≤ a third of the word).
std::optional<std::string> suggest(std::string_view word,
                                   std::span<const std::string_view> choices);

/// Resolves @word against @choices: an exact match, else the only choice it is a prefix of.
/// Throws a usage ToolError otherwise: "Unknown <what> 'x'<where>; did you mean 'y'?" (or the
/// list of choices), "Ambiguous <what> 'x'<where>: could be 'a' or 'b'". @where is e.g.
/// " for 'ueid'".
std::string match_word(std::string_view word, std::span<const std::string_view> choices,
                       std::string_view what, std::string_view where = {});

/// Decimal unsigned integer, all of @s; nullopt otherwise.
std::optional<uint64_t> parse_u64(std::string_view s);
/// Like parse_u64 but with an optional K/M/G suffix (powers of 1024).
std::optional<uint64_t> parse_size(std::string_view s);
/// Positive decimal seconds ("1", "0.5").
std::optional<double> parse_seconds(std::string_view s);

/// "a, b or c".
std::string join_or(std::span<const std::string_view> words);

} // namespace smctool

#endif // SMCTOOL_CLI_H
