// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "cli.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

namespace smctool {

void usage_error(const std::string& msg) {
    throw ToolError(msg, kExitUsage);
}
void fail(const std::string& msg) {
    throw ToolError(msg, kExitFailure);
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

std::optional<std::string> suggest(std::string_view word,
                                   std::span<const std::string_view> choices) {
    std::optional<std::string> best;
    std::size_t best_d = 0;
    for (auto c : choices) {
        const std::size_t d = edit_distance(word, c);
        if (!best || d < best_d) {
            best = std::string(c);
            best_d = d;
        }
    }
    const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
    if (!best || best_d > limit || best_d >= word.size()) {
        return std::nullopt;
    }
    return best;
}

std::string join_or(std::span<const std::string_view> words) {
    std::string s;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i > 0) {
            s += i + 1 == words.size() ? " or " : ", ";
        }
        s += "'" + std::string(words[i]) + "'";
    }
    return s;
}

std::string match_word(std::string_view word, std::span<const std::string_view> choices,
                       std::string_view what, std::string_view where) {
    std::vector<std::string_view> prefixed;
    for (auto c : choices) {
        if (c == word) {
            return std::string(c);
        }
        if (!word.empty() && c.substr(0, word.size()) == word) {
            prefixed.push_back(c);
        }
    }
    if (prefixed.size() == 1) {
        return std::string(prefixed.front());
    }
    if (prefixed.size() > 1) {
        usage_error("Ambiguous " + std::string(what) + " '" + std::string(word) + "'" +
                    std::string(where) + ": could be " + join_or(prefixed));
    }
    std::string msg =
        "Unknown " + std::string(what) + " '" + std::string(word) + "'" + std::string(where);
    if (auto s = suggest(word, choices)) {
        msg += "; did you mean '" + *s + "'?";
    } else {
        msg += "; expected " + join_or(choices);
    }
    usage_error(msg);
}

std::optional<uint64_t> parse_u64(std::string_view s) {
    uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
        return std::nullopt;
    }
    return v;
}

std::optional<uint64_t> parse_size(std::string_view s) {
    uint64_t mult = 1;
    if (!s.empty()) {
        switch (s.back()) {
        case 'k':
        case 'K':
            mult = 1ULL << 10;
            break;
        case 'm':
        case 'M':
            mult = 1ULL << 20;
            break;
        case 'g':
        case 'G':
            mult = 1ULL << 30;
            break;
        default:
            break;
        }
        if (mult != 1) {
            s.remove_suffix(1);
        }
    }
    auto v = parse_u64(s);
    if (!v || *v > UINT64_MAX / mult) {
        return std::nullopt;
    }
    return *v * mult;
}

std::optional<double> parse_seconds(std::string_view s) {
    const std::string str(s);
    char* end = nullptr;
    const double v = std::strtod(str.c_str(), &end);
    if (str.empty() || end != str.c_str() + str.size() || !(v > 0) || v > 86400) {
        return std::nullopt;
    }
    return v;
}

} // namespace smctool
