// SPDX-License-Identifier: GPL-2.0
// smcr_jsonq: pick a value out of JSON for shell tests (the VM has no jq).
//
//   smcr_jsonq PATH [FILE]        (FILE defaults to stdin; JSON Lines: PATH is applied per line)
//
// PATH: "." the document; ".key" a member; "[N]" an array element; "[key=value]" the first array
// element whose member "key" prints as "value" ("[k1=v1,k2=v2]": all of them); a trailing "#"
// gives the size of an array or object (or a string's length).
// Example: .fallback_reasons[side=client,name=PEERNOSMC].count
//
// Output: strings without quotes, numbers, true/false/null, objects and arrays as compact JSON.
// Exit: 0 found, 1 not found (a message on stderr), 2 usage or unparsable input.
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace {

using nlohmann::json;

std::string scalar_text(const json& j) {
    if (j.is_string()) {
        return j.get<std::string>();
    }
    return j.dump();
}

// Returns nullptr when the path does not exist; *err says where it broke.
const json* walk(const json& root, const std::string& path, json& scratch, std::string& err) {
    const json* cur = &root;
    std::size_t i = 0;
    if (!path.empty() && path[0] == '.' && (path.size() == 1 || path[1] == '[' || path[1] == '#')) {
        ++i;
    }
    while (i < path.size()) {
        if (path[i] == '#' && i + 1 == path.size()) {
            if (cur->is_array() || cur->is_object()) {
                scratch = cur->size();
            } else if (cur->is_string()) {
                scratch = cur->get<std::string>().size();
            } else {
                err = "'#' of a scalar";
                return nullptr;
            }
            return &scratch;
        }
        if (path[i] == '.') {
            std::size_t end = path.find_first_of(".[#", i + 1);
            const std::string key =
                path.substr(i + 1, end == std::string::npos ? end : end - i - 1);
            if (!cur->is_object() || !cur->contains(key)) {
                err = "no member '" + key + "'";
                return nullptr;
            }
            cur = &(*cur)[key];
            i = end == std::string::npos ? path.size() : end;
        } else if (path[i] == '[') {
            const std::size_t close = path.find(']', i);
            if (close == std::string::npos) {
                throw std::invalid_argument("missing ']' in " + path);
            }
            const std::string sel = path.substr(i + 1, close - i - 1);
            if (!cur->is_array()) {
                err = "[" + sel + "] of a non-array";
                return nullptr;
            }
            if (sel.find('=') == std::string::npos) {
                const std::size_t n = std::stoul(sel);
                if (n >= cur->size()) {
                    err = "index " + sel + " out of range";
                    return nullptr;
                }
                cur = &(*cur)[n];
            } else {
                // key=value[,key=value...]: every condition must hold
                std::vector<std::pair<std::string, std::string>> conds;
                std::istringstream cs(sel);
                std::string c;
                while (std::getline(cs, c, ',')) {
                    const std::size_t eq = c.find('=');
                    if (eq == std::string::npos) {
                        throw std::invalid_argument("bad selector [" + sel + "]");
                    }
                    conds.emplace_back(c.substr(0, eq), c.substr(eq + 1));
                }
                const json* found = nullptr;
                for (const auto& e : *cur) {
                    bool all = e.is_object();
                    for (const auto& [k, v] : conds) {
                        all = all && e.contains(k) && scalar_text(e[k]) == v;
                    }
                    if (all) {
                        found = &e;
                        break;
                    }
                }
                if (!found) {
                    err = "no element with " + sel;
                    return nullptr;
                }
                cur = found;
            }
            i = close + 1;
        } else {
            throw std::invalid_argument("bad path " + path + " at offset " + std::to_string(i));
        }
    }
    return cur;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2 || argc > 3) {
        std::cerr << "usage: smcr_jsonq PATH [FILE]\n";
        return 2;
    }
    const std::string path = argv[1];
    std::stringstream buf;
    if (argc == 3) {
        std::ifstream f(argv[2]);
        if (!f) {
            std::cerr << "smcr_jsonq: cannot read " << argv[2] << '\n';
            return 2;
        }
        buf << f.rdbuf();
    } else {
        buf << std::cin.rdbuf();
    }
    std::vector<json> docs;
    try {
        docs.push_back(json::parse(buf.str()));
    } catch (const json::parse_error&) {
        // JSON Lines
        docs.clear();
        std::istringstream in(buf.str());
        std::string line;
        while (std::getline(in, line)) {
            if (line.find_first_not_of(" \t\r") == std::string::npos) {
                continue;
            }
            try {
                docs.push_back(json::parse(line));
            } catch (const json::parse_error& e) {
                std::cerr << "smcr_jsonq: not JSON: " << e.what() << '\n';
                return 2;
            }
        }
    }
    int rc = 0;
    try {
        for (const auto& d : docs) {
            json scratch;
            std::string err;
            const json* v = walk(d, path, scratch, err);
            if (!v) {
                std::cerr << "smcr_jsonq: " << path << ": " << err << '\n';
                rc = 1;
                continue;
            }
            std::cout << scalar_text(*v) << '\n';
        }
    } catch (const std::exception& e) {
        std::cerr << "smcr_jsonq: " << e.what() << '\n';
        return 2;
    }
    return rc;
}
