// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "smc/names.h"

#include "reason.h"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <netinet/in.h>
#include <string_view>

namespace smc {

namespace {

struct StateName {
    uint8_t value;
    const char* name;
};

// Socket states of net/smc (enum smc_state); their numbers are ABI through sock_diag.
constexpr std::array<StateName, 12> kStates = {{
    {1, "ACTIVE"},
    {2, "INIT"},
    {7, "CLOSED"},
    {10, "LISTEN"},
    {20, "PEERCLOSEWAIT1"},
    {21, "PEERCLOSEWAIT2"},
    {22, "APPCLOSEWAIT1"},
    {23, "APPCLOSEWAIT2"},
    {24, "APPFINCLOSEWAIT"},
    {25, "PEERFINCLOSEWAIT"},
    {26, "PEERABORTWAIT"},
    {27, "PROCESSABORT"},
}};

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::toupper(static_cast<unsigned char>(x)) ==
                      std::toupper(static_cast<unsigned char>(y));
           });
}

std::string hex32(uint32_t v) {
    std::array<char, 16> buf{};
    std::snprintf(buf.data(), buf.size(), "0x%08x", v);
    return buf.data();
}

} // namespace

std::string state_name(uint8_t state) {
    for (const auto& s : kStates) {
        if (s.value == state) {
            return s.name;
        }
    }
    return "UNKNOWN(" + std::to_string(state) + ")";
}

std::optional<uint8_t> state_from_name(const std::string& name) {
    for (const auto& s : kStates) {
        if (iequals(name, s.name)) {
            return s.value;
        }
    }
    return std::nullopt;
}

std::string mode_name(SockMode mode) {
    switch (mode) {
    case SockMode::smcr:
        return "SMCR";
    case SockMode::smcd:
        return "SMCD";
    case SockMode::fallback_tcp:
        return "TCP";
    }
    return "UNKNOWN";
}

std::string role_name(uint8_t role) {
    return role == 0 ? "client" : role == 1 ? "server" : "role" + std::to_string(role);
}

std::string lgr_type_name(uint8_t type) {
    static constexpr std::array<const char*, 5> kNames = {"none", "single", "symmetric",
                                                          "asymmetric-peer", "asymmetric-local"};
    return type < kNames.size() ? kNames[type] : "type" + std::to_string(type);
}

std::string link_state_name(uint32_t state) {
    static constexpr std::array<const char*, 4> kNames = {"unused", "inactive", "activating",
                                                          "active"};
    return state < kNames.size() ? kNames[state] : "state" + std::to_string(state);
}

std::string peer_os_name(uint8_t os) {
    switch (os) {
    case 1:
        return "z/OS";
    case 2:
        return "Linux";
    case 3:
        return "AIX";
    default:
        return "unknown";
    }
}

std::string buf_type_name(uint8_t type) {
    static constexpr std::array<const char*, 3> kNames = {"physical", "virtual", "mixed"};
    return type < kNames.size() ? kNames[type] : "type" + std::to_string(type);
}

bool reason_known(uint32_t code) {
    return smcr_reason_lookup(code) != nullptr;
}

std::string reason_name(uint32_t code) {
    const char* n = smcr_reason_name(code);
    return n ? n : hex32(code);
}

std::string reason_text(uint32_t code) {
    const char* t = smcr_reason_text(code);
    return t ? t : "unknown reason code " + hex32(code);
}

std::optional<uint32_t> reason_from_name(const std::string& name) {
    std::string upper(name);
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    uint32_t code = 0;
    if (smcr_reason_from_name(upper.c_str(), &code) != 0) {
        return std::nullopt;
    }
    return code;
}

std::vector<ReasonInfo> all_reasons() {
    std::vector<ReasonInfo> out;
    for (std::size_t i = 0; i < smcr_reason_count(); ++i) {
        const smcr_reason_info* r = smcr_reason_at(i);
        const char* cls = smcr_reason_class_name(smcr_reason_class(r->code));
        out.push_back({r->code, r->name, r->text, cls ? cls : "other"});
    }
    return out;
}

std::string reason_phrase(uint32_t code) {
    if (!reason_known(code)) {
        return reason_text(code);
    }
    return reason_name(code) + ", " + reason_text(code);
}

std::string mode_description(const Socket& s) {
    if (s.mode != SockMode::fallback_tcp) {
        return mode_name(s.mode);
    }
    std::string d = "TCP";
    if (s.fallback_reason == 0) {
        return d;
    }
    if (s.fallback_reason == SMCR_DECL_POLICY) {
        return d + " (policy: the SMC policy chose plain TCP)";
    }
    d += " (fallback: " + reason_phrase(s.fallback_reason);
    if (s.peer_diagnosis != 0 && s.peer_diagnosis != s.fallback_reason) {
        d += "; peer: " + reason_phrase(s.peer_diagnosis);
    }
    return d + ")";
}

std::string shutdown_arrows(uint8_t shutdown) {
    // sk_shutdown: RCV_SHUTDOWN 1, SEND_SHUTDOWN 2 (ss draws receive on the left).
    std::string s = "---";
    if (!(shutdown & 1)) {
        s[0] = '<';
    }
    if (!(shutdown & 2)) {
        s[2] = '>';
    }
    return s;
}

std::string gid_to_string(const std::array<uint8_t, 16>& gid) {
    std::array<char, INET6_ADDRSTRLEN> buf{};
    if (!inet_ntop(AF_INET6, gid.data(), buf.data(), buf.size())) {
        return {};
    }
    return buf.data();
}

std::string gid_from_kernel(const std::string& hex) {
    // The kernel prints GIDs as 8 groups of 4 hex digits with ':' (smc_gid_be16_convert).
    std::array<uint8_t, 16> raw{};
    std::size_t n = 0;
    unsigned nibbles = 0;
    unsigned cur = 0;
    for (char c : hex) {
        if (c == ':') {
            continue;
        }
        if (!std::isxdigit(static_cast<unsigned char>(c)) || n >= raw.size()) {
            return hex;
        }
        cur = cur * 16 + static_cast<unsigned>(std::isdigit(static_cast<unsigned char>(c))
                                                   ? c - '0'
                                                   : std::tolower(c) - 'a' + 10);
        if (++nibbles == 2) {
            raw[n++] = static_cast<uint8_t>(cur);
            nibbles = 0;
            cur = 0;
        }
    }
    if (n != raw.size()) {
        return hex;
    }
    return gid_to_string(raw);
}

} // namespace smc
