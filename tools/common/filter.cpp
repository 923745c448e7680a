// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "filter.h"

#include "cli.h"
#include "smc/names.h"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cctype>
#include <optional>
#include <sys/socket.h>
#include <vector>

namespace smctool {

// ---- expression tree
// -----------------------------------------------------------------------------

class FilterNode {
  public:
    FilterNode() = default;
    FilterNode(const FilterNode&) = delete;
    FilterNode& operator=(const FilterNode&) = delete;
    FilterNode(FilterNode&&) = delete;
    FilterNode& operator=(FilterNode&&) = delete;
    virtual ~FilterNode() = default;
    [[nodiscard]] virtual bool eval(const smc::Socket& s) const = 0;
    [[nodiscard]] virtual std::string text() const = 0;
};

namespace {

using NodePtr = std::unique_ptr<FilterNode>;

constexpr std::array<uint8_t, 3> kNotConnected = {2 /*INIT*/, 7 /*CLOSED*/, 10 /*LISTEN*/};

class AndNode : public FilterNode {
  public:
    AndNode(NodePtr a, NodePtr b) : a_(std::move(a)), b_(std::move(b)) {}
    [[nodiscard]] bool eval(const smc::Socket& s) const override {
        return a_->eval(s) && b_->eval(s);
    }
    [[nodiscard]] std::string text() const override {
        return "(" + a_->text() + " and " + b_->text() + ")";
    }

  private:
    NodePtr a_, b_;
};

class OrNode : public FilterNode {
  public:
    OrNode(NodePtr a, NodePtr b) : a_(std::move(a)), b_(std::move(b)) {}
    [[nodiscard]] bool eval(const smc::Socket& s) const override {
        return a_->eval(s) || b_->eval(s);
    }
    [[nodiscard]] std::string text() const override {
        return "(" + a_->text() + " or " + b_->text() + ")";
    }

  private:
    NodePtr a_, b_;
};

class NotNode : public FilterNode {
  public:
    explicit NotNode(NodePtr a) : a_(std::move(a)) {}
    [[nodiscard]] bool eval(const smc::Socket& s) const override { return !a_->eval(s); }
    [[nodiscard]] std::string text() const override { return "not " + a_->text(); }

  private:
    NodePtr a_;
};

class TrueNode : public FilterNode {
  public:
    [[nodiscard]] bool eval(const smc::Socket& /*s*/) const override { return true; }
    [[nodiscard]] std::string text() const override { return "all"; }
};

class StateNode : public FilterNode {
  public:
    StateNode(std::string name, std::vector<uint8_t> states, bool connected, bool all)
        : name_(std::move(name)), states_(std::move(states)), connected_(connected), all_(all) {}
    [[nodiscard]] bool eval(const smc::Socket& s) const override {
        if (all_) {
            return true;
        }
        if (connected_) {
            return in_scope(s.state, StateScope::connected);
        }
        return std::find(states_.begin(), states_.end(), s.state) != states_.end();
    }
    [[nodiscard]] std::string text() const override { return "state " + name_; }

  private:
    std::string name_;
    std::vector<uint8_t> states_;
    bool connected_;
    bool all_;
};

enum class ModeSel { smcr, smcd, smc, tcp };

class ModeNode : public FilterNode {
  public:
    explicit ModeNode(ModeSel m) : m_(m) {}
    [[nodiscard]] bool eval(const smc::Socket& s) const override {
        switch (m_) {
        case ModeSel::smcr:
            return s.mode == smc::SockMode::smcr;
        case ModeSel::smcd:
            return s.mode == smc::SockMode::smcd;
        case ModeSel::smc:
            return s.mode != smc::SockMode::fallback_tcp;
        case ModeSel::tcp:
            return s.mode == smc::SockMode::fallback_tcp;
        }
        return false;
    }
    [[nodiscard]] std::string text() const override {
        static constexpr std::array<const char*, 4> kNames = {"smcr", "smcd", "smc", "tcp"};
        return std::string("mode ") + kNames[static_cast<std::size_t>(m_)];
    }

  private:
    ModeSel m_;
};

class ReasonNode : public FilterNode {
  public:
    explicit ReasonNode(uint32_t code) : code_(code) {}
    [[nodiscard]] bool eval(const smc::Socket& s) const override {
        return s.mode == smc::SockMode::fallback_tcp &&
               (s.fallback_reason == code_ || s.peer_diagnosis == code_);
    }
    [[nodiscard]] std::string text() const override { return "reason " + smc::reason_name(code_); }

  private:
    uint32_t code_;
};

enum class Op { eq, ne, lt, gt, le, ge };

const char* op_text(Op op) {
    static constexpr std::array<const char*, 6> kOps = {"=", "!=", "<", ">", "<=", ">="};
    return kOps[static_cast<std::size_t>(op)];
}

bool compare(uint32_t a, Op op, uint32_t b) {
    switch (op) {
    case Op::eq:
        return a == b;
    case Op::ne:
        return a != b;
    case Op::lt:
        return a < b;
    case Op::gt:
        return a > b;
    case Op::le:
        return a <= b;
    case Op::ge:
        return a >= b;
    }
    return false;
}

class PortNode : public FilterNode {
  public:
    PortNode(bool src, Op op, uint16_t port) : src_(src), op_(op), port_(port) {}
    [[nodiscard]] bool eval(const smc::Socket& s) const override {
        return compare(src_ ? s.sport : s.dport, op_, port_);
    }
    [[nodiscard]] std::string text() const override {
        return std::string(src_ ? "sport " : "dport ") + op_text(op_) + " :" +
               std::to_string(port_);
    }

  private:
    bool src_;
    Op op_;
    uint16_t port_;
};

struct AddrSpec {
    int family = 0; ///< 0: any (only a port was given)
    std::array<uint8_t, 16> addr{};
    unsigned plen = 0; ///< prefix bits compared; 0 = any address
    std::optional<uint16_t> port;
    std::string text;
};

bool prefix_match(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& p,
                  unsigned plen) {
    for (unsigned i = 0; i < plen / 8; ++i) {
        if (a[i] != p[i]) {
            return false;
        }
    }
    if (plen % 8) {
        const auto mask = static_cast<uint8_t>(0xff << (8 - plen % 8));
        if ((a[plen / 8] & mask) != (p[plen / 8] & mask)) {
            return false;
        }
    }
    return true;
}

class AddrNode : public FilterNode {
  public:
    AddrNode(bool src, bool negate, AddrSpec spec)
        : src_(src), negate_(negate), spec_(std::move(spec)) {}
    [[nodiscard]] bool eval(const smc::Socket& s) const override {
        bool m = true;
        if (spec_.family != 0 && spec_.plen > 0) {
            m = s.family == spec_.family &&
                prefix_match(src_ ? s.src : s.dst, spec_.addr, spec_.plen);
        } else if (spec_.family != 0) {
            m = s.family == spec_.family;
        }
        if (m && spec_.port) {
            m = (src_ ? s.sport : s.dport) == *spec_.port;
        }
        return negate_ ? !m : m;
    }
    [[nodiscard]] std::string text() const override {
        return std::string(src_ ? "src " : "dst ") + (negate_ ? "!= " : "") + spec_.text;
    }

  private:
    bool src_;
    bool negate_;
    AddrSpec spec_;
};

// ---- parser
// --------------------------------------------------------------------------------------

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::optional<Op> parse_op(const std::string& t) {
    static const std::array<std::pair<const char*, Op>, 12> kOps = {{{"=", Op::eq},
                                                                     {"==", Op::eq},
                                                                     {"eq", Op::eq},
                                                                     {"!=", Op::ne},
                                                                     {"ne", Op::ne},
                                                                     {"neq", Op::ne},
                                                                     {"<", Op::lt},
                                                                     {"lt", Op::lt},
                                                                     {">", Op::gt},
                                                                     {"gt", Op::gt},
                                                                     {"<=", Op::le},
                                                                     {">=", Op::ge}}};
    for (const auto& [w, op] : kOps) {
        if (t == w) {
            return op;
        }
    }
    if (t == "le") {
        return Op::le;
    }
    if (t == "ge") {
        return Op::ge;
    }
    return std::nullopt;
}

std::optional<uint16_t> parse_port(std::string t) {
    if (!t.empty() && t[0] == ':') {
        t.erase(0, 1);
    }
    auto v = parse_u64(t);
    if (!v || *v > 65535) {
        return std::nullopt;
    }
    return static_cast<uint16_t>(*v);
}

std::optional<AddrSpec> parse_addr(const std::string& t) {
    AddrSpec spec;
    spec.text = t;
    std::string host = t;
    std::string port;
    if (!t.empty() && t[0] == '[') {
        const auto close = t.find(']');
        if (close == std::string::npos) {
            return std::nullopt;
        }
        host = t.substr(1, close - 1);
        if (close + 1 < t.size()) {
            if (t[close + 1] != ':') {
                return std::nullopt;
            }
            port = t.substr(close + 2);
        }
    } else if (std::count(t.begin(), t.end(), ':') == 1) {
        const auto colon = t.find(':');
        host = t.substr(0, colon);
        port = t.substr(colon + 1);
    }
    if (!port.empty() || (t.size() > 1 && t.back() == ':')) {
        auto p = parse_port(port);
        if (!p) {
            return std::nullopt;
        }
        spec.port = *p;
    }
    if (host.empty() || host == "*") {
        return spec;
    }
    unsigned max = 32;
    std::string a = host;
    std::optional<unsigned> plen;
    if (const auto slash = host.find('/'); slash != std::string::npos) {
        a = host.substr(0, slash);
        auto p = parse_u64(host.substr(slash + 1));
        if (!p) {
            return std::nullopt;
        }
        plen = static_cast<unsigned>(*p);
    }
    if (inet_pton(AF_INET, a.c_str(), spec.addr.data()) == 1) {
        spec.family = AF_INET;
    } else if (inet_pton(AF_INET6, a.c_str(), spec.addr.data()) == 1) {
        spec.family = AF_INET6;
        max = 128;
    } else {
        return std::nullopt;
    }
    if (plen && *plen > max) {
        return std::nullopt;
    }
    spec.plen = plen.value_or(max);
    return spec;
}

class Parser {
  public:
    explicit Parser(std::vector<std::string> tokens) : t_(std::move(tokens)) {}

    NodePtr parse_all() {
        if (t_.empty()) {
            return std::make_unique<TrueNode>();
        }
        NodePtr n = parse_or();
        if (pos_ < t_.size()) {
            err("unexpected '" + t_[pos_] + "'");
        }
        return n;
    }
    [[nodiscard]] bool mentions_state() const { return state_seen_; }

  private:
    [[noreturn]] static void err(const std::string& msg) {
        usage_error("bad filter: " + msg + " (see smcss --help)");
    }
    [[nodiscard]] bool at_end() const { return pos_ >= t_.size(); }
    [[nodiscard]] const std::string& peek() const { return t_[pos_]; }
    std::string next(const char* what) {
        if (at_end()) {
            err(std::string("missing ") + what);
        }
        return t_[pos_++];
    }

    NodePtr parse_or() {
        NodePtr n = parse_and();
        while (!at_end() && (peek() == "or" || peek() == "||")) {
            ++pos_;
            n = std::make_unique<OrNode>(std::move(n), parse_and());
        }
        return n;
    }

    NodePtr parse_and() {
        NodePtr n = parse_unary();
        while (!at_end() && peek() != "or" && peek() != "||" && peek() != ")") {
            if (peek() == "and" || peek() == "&&") {
                ++pos_;
            }
            n = std::make_unique<AndNode>(std::move(n), parse_unary());
        }
        return n;
    }

    NodePtr parse_unary() {
        const std::string tok = next("expression");
        if (tok == "not" || tok == "!") {
            return std::make_unique<NotNode>(parse_unary());
        }
        if (tok == "(") {
            NodePtr n = parse_or();
            if (next("')'") != ")") {
                err("missing ')'");
            }
            return n;
        }
        return parse_primary(tok);
    }

    NodePtr parse_state(bool exclude) {
        state_seen_ = true;
        const std::string word = next("state name");
        const std::string w = lower(word);
        NodePtr n;
        if (w == "all") {
            n = std::make_unique<StateNode>(w, std::vector<uint8_t>{}, false, true);
        } else if (w == "connected") {
            n = std::make_unique<StateNode>(w, std::vector<uint8_t>{}, true, false);
        } else if (w == "listening" || w == "listen") {
            n = std::make_unique<StateNode>("LISTEN", std::vector<uint8_t>{10}, false, false);
        } else if (w == "closing") {
            n = std::make_unique<StateNode>(w, std::vector<uint8_t>{20, 21, 22, 23, 24, 25, 26, 27},
                                            false, false);
        } else if (auto st = smc::state_from_name(word)) {
            n = std::make_unique<StateNode>(smc::state_name(*st), std::vector<uint8_t>{*st}, false,
                                            false);
        } else {
            static constexpr std::array<std::string_view, 16> kWords = {"all",
                                                                        "connected",
                                                                        "listening",
                                                                        "closing",
                                                                        "ACTIVE",
                                                                        "INIT",
                                                                        "CLOSED",
                                                                        "LISTEN",
                                                                        "PEERCLOSEWAIT1",
                                                                        "PEERCLOSEWAIT2",
                                                                        "APPCLOSEWAIT1",
                                                                        "APPCLOSEWAIT2",
                                                                        "APPFINCLOSEWAIT",
                                                                        "PEERFINCLOSEWAIT",
                                                                        "PEERABORTWAIT",
                                                                        "PROCESSABORT"};
            std::string msg = "unknown state '" + word + "'";
            if (auto s = suggest(word, kWords)) {
                msg += "; did you mean '" + *s + "'?";
            }
            err(msg);
        }
        if (exclude) {
            return std::make_unique<NotNode>(std::move(n));
        }
        return n;
    }

    NodePtr parse_primary(const std::string& tok) {
        const std::string kw = lower(tok);
        if (kw == "state") {
            return parse_state(false);
        }
        if (kw == "exclude" || kw == "excl") {
            return parse_state(true);
        }
        if (kw == "mode") {
            const std::string m = lower(next("mode"));
            if (m == "smcr") {
                return std::make_unique<ModeNode>(ModeSel::smcr);
            }
            if (m == "smcd") {
                return std::make_unique<ModeNode>(ModeSel::smcd);
            }
            if (m == "smc") {
                return std::make_unique<ModeNode>(ModeSel::smc);
            }
            if (m == "tcp" || m == "fallback") {
                return std::make_unique<ModeNode>(ModeSel::tcp);
            }
            err("unknown mode '" + m + "'; expected smcr, smcd, smc, tcp or fallback");
        }
        if (kw == "reason") {
            const std::string r = next("reason name");
            auto code = smc::reason_from_name(r);
            if (!code) {
                err("unknown reason '" + r + "' (smcstat reasons lists them)");
            }
            return std::make_unique<ReasonNode>(*code);
        }
        if (kw == "sport" || kw == "dport") {
            Op op = Op::eq;
            std::string v = next("port");
            if (auto o = parse_op(v)) {
                op = *o;
                v = next("port");
            }
            auto p = parse_port(v);
            if (!p) {
                err("bad port '" + v + "'");
            }
            return std::make_unique<PortNode>(kw == "sport", op, *p);
        }
        if (kw == "src" || kw == "dst") {
            std::string v = next("address");
            bool negate = false;
            if (auto o = parse_op(v)) {
                if (*o != Op::eq && *o != Op::ne) {
                    err("addresses compare with = or != only");
                }
                negate = *o == Op::ne;
                v = next("address");
            }
            auto a = parse_addr(v);
            if (!a) {
                err("bad address '" + v + "'");
            }
            return std::make_unique<AddrNode>(kw == "src", negate, *a);
        }
        static constexpr std::array<std::string_view, 9> kKeys = {
            "state", "exclude", "mode", "reason", "sport", "dport", "src", "dst", "not"};
        std::string msg = "unknown keyword '" + tok + "'";
        if (auto s = suggest(kw, kKeys)) {
            msg += "; did you mean '" + *s + "'?";
        }
        err(msg);
    }

    std::vector<std::string> t_;
    std::size_t pos_ = 0;
    bool state_seen_ = false;
};

std::vector<std::string> tokenize(std::span<const std::string> args) {
    std::vector<std::string> out;
    for (const auto& a : args) {
        std::string cur;
        for (char c : a) {
            if (c == '(' || c == ')') {
                if (!cur.empty()) {
                    out.push_back(cur);
                    cur.clear();
                }
                out.emplace_back(1, c);
            } else {
                cur += c;
            }
        }
        if (!cur.empty()) {
            out.push_back(cur);
        }
    }
    return out;
}

} // namespace

bool in_scope(uint8_t state, StateScope scope) {
    switch (scope) {
    case StateScope::all:
        return true;
    case StateScope::listening:
        return state == 10;
    case StateScope::connected:
        return std::find(kNotConnected.begin(), kNotConnected.end(), state) == kNotConnected.end();
    }
    return true;
}

SockFilter::SockFilter() : root_(std::make_unique<TrueNode>()) {}
SockFilter::SockFilter(SockFilter&&) noexcept = default;
SockFilter& SockFilter::operator=(SockFilter&&) noexcept = default;
SockFilter::~SockFilter() = default;

SockFilter SockFilter::parse(std::span<const std::string> args) {
    Parser p(tokenize(args));
    SockFilter f;
    f.root_ = p.parse_all();
    f.mentions_state_ = p.mentions_state();
    return f;
}

bool SockFilter::matches(const smc::Socket& s) const {
    return root_->eval(s);
}

std::string SockFilter::describe() const {
    return root_->text();
}

} // namespace smctool
