// SPDX-License-Identifier: GPL-2.0 OR MIT
// JSON shapes of libsmc's types, defined once for every tool (keys are snake_case words, values
// decoded: names next to codes, addresses as strings, sizes in bytes).
#ifndef SMCTOOL_JSON_H
#define SMCTOOL_JSON_H

#include "smc/types.h"

#include <iosfwd>
#include <nlohmann/json.hpp>

namespace smctool {

// Keys keep the order they are written in (easier to read with -p).
using json = nlohmann::ordered_json;

/// {"code": 50397184, "name": "PEERNOSMC", "text": "..."}
json reason_json(uint32_t code);
json socket_json(const smc::Socket& s);
json link_group_json(const smc::LinkGroup& g);
json link_json(const smc::Link& l);
json device_json(const smc::Device& d);
json sys_info_json(const smc::SysInfo& i);
json pnet_json(const smc::PnetEntry& e);
/// "default" is the one of @module (smc::Provider::module): smcr.ko's where it has its own.
json sysctl_json(const smc::SysctlEntry& e, const std::string& module = "");
/// {"8K": n, "16K": n, ...}
json histogram_json(const smc::Histogram& h);

/// Compact (one line) or pretty (-p: indented) output, newline-terminated.
void print_json(std::ostream& out, const json& j, bool pretty);

} // namespace smctool

#endif // SMCTOOL_JSON_H
