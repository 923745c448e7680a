// SPDX-License-Identifier: GPL-2.0 OR MIT
// Words for the numbers the kernel reports: socket states and modes, link group roles and types,
// link states, peer OS, fallback reasons (through kernel/wire/reason.h, the single reason table).
#ifndef SMC_NAMES_H
#define SMC_NAMES_H

#include "smc/types.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace smc {

/// "ACTIVE", "LISTEN", "PEERCLOSEWAIT1" ...; "UNKNOWN(n)" for values the kernel may add.
std::string state_name(uint8_t state);
/// Inverse of state_name (case-insensitive); nullopt if unknown.
std::optional<uint8_t> state_from_name(const std::string& name);

/// "SMCR", "SMCD", "TCP".
std::string mode_name(SockMode mode);

/// "client" / "server".
std::string role_name(uint8_t role);
/// "none", "single", "symmetric", "asymmetric-peer", "asymmetric-local".
std::string lgr_type_name(uint8_t type);
/// "unused", "inactive", "activating", "active".
std::string link_state_name(uint32_t state);
/// "z/OS", "Linux", "AIX", "unknown".
std::string peer_os_name(uint8_t os);
/// "physical", "virtual", "mixed".
std::string buf_type_name(uint8_t type);

/// Short stable name of a reason code ("PEERNOSMC"), or the code in hex if unknown.
std::string reason_name(uint32_t code);
/// One-line explanation, or "unknown reason code 0x...".
std::string reason_text(uint32_t code);
/// True if the reason table knows @code.
bool reason_known(uint32_t code);
/// Name → code, case-insensitive, "SMC_CLC_DECL_" prefix allowed; nullopt if unknown.
std::optional<uint32_t> reason_from_name(const std::string& name);

struct ReasonInfo {
    uint32_t code;
    std::string name;
    std::string text;
    std::string class_name; ///< "resource", "timeout", "config", "sync", "peer", "internal"
};
/// The whole reason table, in code order.
std::vector<ReasonInfo> all_reasons();

/// "PEERNOSMC, peer did not ..." — name and explanation in one phrase.
std::string reason_phrase(uint32_t code);
/// The text smcss prints for a socket's mode: "SMCR", or "TCP (fallback: NAME, text)" with
/// "; peer: NAME, text" when the peer sent a diagnosis different from the local reason; a
/// connection the SMC policy made plain TCP (smcr's reason POLICY) is "TCP (policy: ...)".
std::string mode_description(const Socket& s);

/// shutdown bits as ss prints them: "<->", "<--", "-->", "---".
std::string shutdown_arrows(uint8_t shutdown);

/// 16-byte GID → IPv6 notation; the kernel's "xxxx:xxxx:..." hex form → IPv6 notation.
std::string gid_to_string(const std::array<uint8_t, 16>& gid);
std::string gid_from_kernel(const std::string& hex);

} // namespace smc

#endif // SMC_NAMES_H
