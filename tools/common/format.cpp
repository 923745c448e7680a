// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "format.h"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cmath>
#include <cstdio>
#include <netinet/in.h>
#include <ostream>
#include <sys/socket.h>

namespace smctool {

namespace {
std::string one_decimal(double v, const char* unit) {
    std::array<char, 32> buf{};
    std::snprintf(buf.data(), buf.size(), "%.1f %s", v, unit);
    return buf.data();
}
} // namespace

std::string format_bytes(uint64_t bytes) {
    static constexpr std::array<const char*, 6> kUnits = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (bytes < 1024) {
        return std::to_string(bytes) + " B";
    }
    double v = static_cast<double>(bytes) / 1024.0;
    std::size_t u = 0;
    while (v >= 1024.0 && u + 1 < kUnits.size()) {
        v /= 1024.0;
        ++u;
    }
    // 1023.96 KiB would print as "1024.0 KiB": move up instead.
    if (v >= 1023.95 && u + 1 < kUnits.size()) {
        v /= 1024.0;
        ++u;
    }
    return one_decimal(v, kUnits[u]);
}

std::string format_size(uint64_t bytes, bool exact) {
    return exact ? std::to_string(bytes) : format_bytes(bytes);
}

std::string format_byte_rate(double bytes_per_s) {
    if (bytes_per_s < 0) {
        bytes_per_s = 0;
    }
    return format_bytes(static_cast<uint64_t>(std::llround(bytes_per_s))) + "/s";
}

std::string format_rate(double per_s) {
    std::array<char, 32> buf{};
    if (per_s < 0) {
        per_s = 0;
    }
    if (per_s == 0) {
        return "0";
    }
    if (per_s < 10) {
        std::snprintf(buf.data(), buf.size(), "%.1f", per_s);
    } else if (per_s < 1e4) {
        std::snprintf(buf.data(), buf.size(), "%.0f", per_s);
    } else if (per_s < 999950) {
        std::snprintf(buf.data(), buf.size(), "%.1fk", per_s / 1e3);
    } else {
        std::snprintf(buf.data(), buf.size(), "%.1fM", per_s / 1e6);
    }
    return buf.data();
}

std::string format_bufsize(uint64_t bytes) {
    if (bytes != 0 && (bytes & (bytes - 1)) == 0 && bytes >= 1024) {
        if (bytes >= (1ULL << 20)) {
            return std::to_string(bytes >> 20) + "M";
        }
        return std::to_string(bytes >> 10) + "K";
    }
    return format_bytes(bytes);
}

const std::array<const char*, smc::kHistBuckets>& histogram_labels() {
    static constexpr std::array<const char*, smc::kHistBuckets> kLabels = {
        "8K", "16K", "32K", "64K", "128K", "256K", "512K", "1M", ">1M"};
    return kLabels;
}

std::string format_addr(int family, const std::array<uint8_t, 16>& addr) {
    const bool zero = std::all_of(addr.begin(), addr.end(), [](uint8_t b) { return b == 0; });
    if (zero) {
        return "*";
    }
    std::array<char, INET6_ADDRSTRLEN> buf{};
    inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr.data(), buf.data(), buf.size());
    return buf.data();
}

std::string format_endpoint(int family, const std::array<uint8_t, 16>& addr, uint16_t port) {
    std::string a = format_addr(family, addr);
    if (family == AF_INET6 && a != "*") {
        a = "[" + a + "]";
    }
    return a + ":" + (port ? std::to_string(port) : "*");
}

std::string hex8(uint32_t v) {
    std::array<char, 16> buf{};
    std::snprintf(buf.data(), buf.size(), "%08x", v);
    return buf.data();
}

std::string format_cursor(const smc::DiagCursor& c) {
    return std::to_string(c.wrap) + ":" + std::to_string(c.count);
}

void Table::print(std::ostream& out, bool header) const {
    std::vector<std::size_t> width(cols_.size(), 0);
    for (std::size_t i = 0; i < cols_.size(); ++i) {
        if (header) {
            width[i] = cols_[i].header.size();
        }
    }
    for (const auto& r : rows_) {
        for (std::size_t i = 0; i < r.cells.size() && i < width.size(); ++i) {
            width[i] = std::max(width[i], r.cells[i].size());
        }
    }
    auto line = [&](const std::vector<std::string>& cells) {
        std::string s = indent_;
        for (std::size_t i = 0; i < cols_.size(); ++i) {
            const std::string& c = i < cells.size() ? cells[i] : std::string();
            const bool last = i + 1 == cols_.size();
            const std::size_t pad = width[i] > c.size() ? width[i] - c.size() : 0;
            if (cols_[i].align == Align::right) {
                s += std::string(pad, ' ') + c;
            } else {
                s += c;
                if (!last) {
                    s += std::string(pad, ' ');
                }
            }
            if (!last) {
                s += "  ";
            }
        }
        while (!s.empty() && s.back() == ' ') {
            s.pop_back();
        }
        out << s << '\n';
    };
    if (header) {
        std::vector<std::string> h;
        for (const auto& c : cols_) {
            h.push_back(c.header);
        }
        line(h);
    }
    for (const auto& r : rows_) {
        line(r.cells);
        for (const auto& d : r.details) {
            out << indent_ << '\t' << d << '\n';
        }
    }
}

} // namespace smctool
