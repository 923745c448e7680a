// SPDX-License-Identifier: GPL-2.0 OR MIT
// The SMC policy: rule parsing and encoding, the rules program (libbpf skeleton), user objects,
// and the SMCR_EXT policy commands.
#include "smc/policy.h"

#include "nl.h"
#include "smc/system.h"
#include "smcr_ext.h"
#include "smcr_policy.h"
#include "smcr_rules.skel.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cerrno>
#include <charconv>
#include <cstdarg>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace smc {

namespace {

constexpr const char* kRulesName4 = "smcr_rules4";
constexpr const char* kRulesName6 = "smcr_rules6";
constexpr const char* kRulesMap = "smcr_rules";
constexpr const char* kStateMap = "smcr_state";
constexpr const char* kLockFile = "/run/smcr-policy.lock";

// ---- parsing ---------------------------------------------------------------------------------

Error bad(const std::string& msg) {
    return Error::make(Errc::invalid, msg, EINVAL);
}

std::optional<uint32_t> parse_uint(const std::string& s, uint64_t max) {
    uint64_t v = 0;
    const char* end = s.data() + s.size();
    auto [p, ec] = std::from_chars(s.data(), end, v);
    if (s.empty() || ec != std::errc() || p != end || v > max) {
        return std::nullopt;
    }
    return static_cast<uint32_t>(v);
}

Result<PolicyPrefix> parse_prefix(const std::string& word, const std::string& what) {
    PolicyPrefix p;
    std::string addr = word;
    std::optional<uint32_t> plen;
    if (auto slash = word.find('/'); slash != std::string::npos) {
        addr = word.substr(0, slash);
        plen = parse_uint(word.substr(slash + 1), 128);
        if (!plen) {
            return bad(what + ": bad prefix length in '" + word + "'");
        }
    }
    if (inet_pton(AF_INET, addr.c_str(), p.addr.data()) == 1) {
        p.family = 4;
    } else if (inet_pton(AF_INET6, addr.c_str(), p.addr.data()) == 1) {
        p.family = 6;
    } else {
        return bad(what + ": '" + word + "' is not an IPv4 or IPv6 address or prefix");
    }
    const unsigned max = p.family == 4 ? 32 : 128;
    p.plen = plen.value_or(max);
    if (p.plen > max) {
        return bad(what + ": prefix length " + std::to_string(p.plen) + " is longer than " +
                   std::to_string(max));
    }
    for (unsigned bit = p.plen; bit < max; ++bit) {
        if (p.addr[bit / 8] & (0x80 >> (bit % 8))) {
            return bad(what + ": '" + word + "' has bits set beyond its prefix length");
        }
    }
    return p;
}

Result<std::pair<uint16_t, uint16_t>> parse_ports(const std::string& word,
                                                  const std::string& what) {
    std::string lo = word;
    std::string hi = word;
    if (auto dash = word.find('-'); dash != std::string::npos) {
        lo = word.substr(0, dash);
        hi = word.substr(dash + 1);
    }
    auto l = parse_uint(lo, 65535);
    auto h = parse_uint(hi, 65535);
    if (!l || !h) {
        return bad(what + ": '" + word + "' is not a port (0-65535) or a range LO-HI");
    }
    if (*l > *h) {
        return bad(what + ": empty port range '" + word + "'");
    }
    return std::make_pair(static_cast<uint16_t>(*l), static_cast<uint16_t>(*h));
}

std::string prefix_text(const PolicyPrefix& p) {
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(p.family == 4 ? AF_INET : AF_INET6, p.addr.data(), buf, sizeof(buf));
    const unsigned max = p.family == 4 ? 32 : 128;
    return p.plen == max ? std::string(buf) : std::string(buf) + "/" + std::to_string(p.plen);
}

std::string ports_text(const std::pair<uint16_t, uint16_t>& r) {
    return r.first == r.second ? std::to_string(r.first)
                               : std::to_string(r.first) + "-" + std::to_string(r.second);
}

// ---- small RAII helpers ----------------------------------------------------------------------

class Fd {
  public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    Fd& operator=(Fd&& o) noexcept {
        if (this != &o) {
            reset();
            fd_ = std::exchange(o.fd_, -1);
        }
        return *this;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }
    void reset() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = -1;
    }
    [[nodiscard]] int get() const { return fd_; }

  private:
    int fd_ = -1;
};

// libbpf's messages while loading, for the error text (verifier log included).
std::string g_bpf_log;
int capture_print(enum libbpf_print_level level, const char* fmt, va_list ap) {
    if (level == LIBBPF_DEBUG) {
        return 0;
    }
    va_list ap2;
    va_copy(ap2, ap);
    const int n = vsnprintf(nullptr, 0, fmt, ap);
    if (n > 0 && g_bpf_log.size() < (1U << 20)) {
        std::string buf(static_cast<std::size_t>(n) + 1, '\0');
        vsnprintf(buf.data(), buf.size(), fmt, ap2);
        buf.resize(static_cast<std::size_t>(n));
        g_bpf_log += buf;
    }
    va_end(ap2);
    return n;
}

class LogCapture {
  public:
    LogCapture() {
        g_bpf_log.clear();
        old_ = libbpf_set_print(capture_print);
    }
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;
    ~LogCapture() { libbpf_set_print(old_); }
    // The last lines of what libbpf said (the verifier's verdict is at the end of its log).
    static std::string tail(std::size_t lines = 12) {
        std::vector<std::string> all;
        std::istringstream in(g_bpf_log);
        for (std::string l; std::getline(in, l);) {
            if (!l.empty()) {
                all.push_back(l);
            }
        }
        std::string out;
        for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) {
            out += "\n  " + all[i];
        }
        return out;
    }

  private:
    libbpf_print_fn_t old_ = nullptr;
};

Error bpf_error(int err, const std::string& what) {
    if (err == EPERM || err == EACCES) {
        return Error::make(Errc::permission,
                           "permission denied: " + what + " needs CAP_BPF and CAP_NET_ADMIN (root)",
                           err);
    }
    return Error::make(Errc::system, what + ": " + std::strerror(err), err);
}

// Serialises read-modify-write of the rules between smcctl processes.
class RulesLock {
  public:
    RulesLock() {
        fd_ = Fd(::open(kLockFile, O_RDWR | O_CREAT | O_CLOEXEC, 0600));
        if (fd_.get() >= 0) {
            ::flock(fd_.get(), LOCK_EX);
        }
    }

  private:
    Fd fd_;
};

struct RulesMaps {
    Fd rules;
    Fd state;
};

// The maps of the attached program with id @prog_id, if it is the rules program.
Result<std::optional<RulesMaps>> find_rules_maps(uint32_t prog_id) {
    Fd prog(bpf_prog_get_fd_by_id(prog_id));
    if (prog.get() < 0) {
        return bpf_error(errno, "opening the attached policy program");
    }
    std::array<uint32_t, 16> map_ids{};
    bpf_prog_info info{};
    info.nr_map_ids = map_ids.size();
    info.map_ids = reinterpret_cast<uintptr_t>(map_ids.data());
    uint32_t len = sizeof(info);
    if (bpf_obj_get_info_by_fd(prog.get(), &info, &len) != 0) {
        return bpf_error(errno, "reading the attached policy program");
    }
    if (std::string(info.name) != kRulesName4 && std::string(info.name) != kRulesName6) {
        return std::optional<RulesMaps>{};
    }
    RulesMaps maps;
    for (uint32_t i = 0; i < std::min<uint32_t>(info.nr_map_ids, map_ids.size()); ++i) {
        Fd m(bpf_map_get_fd_by_id(map_ids[i]));
        if (m.get() < 0) {
            return bpf_error(errno, "opening the rules program's maps");
        }
        bpf_map_info mi{};
        uint32_t mlen = sizeof(mi);
        if (bpf_obj_get_info_by_fd(m.get(), &mi, &mlen) != 0) {
            return bpf_error(errno, "reading the rules program's maps");
        }
        if (std::string(mi.name) == kRulesMap && mi.value_size == sizeof(smcr_policy_rule) &&
            mi.max_entries == 2 * SMCR_POLICY_MAX_RULES) {
            maps.rules = std::move(m);
        } else if (std::string(mi.name) == kStateMap && mi.value_size == sizeof(uint32_t)) {
            maps.state = std::move(m);
        }
    }
    if (maps.rules.get() < 0 || maps.state.get() < 0) {
        return std::optional<RulesMaps>{};
    }
    return std::optional<RulesMaps>(std::move(maps));
}

Result<uint32_t> read_state(const RulesMaps& m) {
    uint32_t key = 0;
    uint32_t s = 0;
    if (bpf_map_lookup_elem(m.state.get(), &key, &s) != 0) {
        return bpf_error(errno, "reading the policy rules");
    }
    return s;
}

Result<std::vector<PolicyRule>> read_rules(const RulesMaps& m, uint32_t s) {
    std::vector<PolicyRule> out;
    const uint32_t base = SMCR_POLICY_STATE_SET(s) * SMCR_POLICY_MAX_RULES;
    const uint32_t n = std::min<uint32_t>(SMCR_POLICY_STATE_COUNT(s), SMCR_POLICY_MAX_RULES);
    for (uint32_t i = 0; i < n; ++i) {
        uint32_t key = base + i;
        smcr_policy_rule raw{};
        if (bpf_map_lookup_elem(m.rules.get(), &key, &raw) != 0) {
            return bpf_error(errno, "reading the policy rules");
        }
        out.push_back(decode_policy_rule(raw));
    }
    return out;
}

// Writes @rules into the inactive set, then switches to it with one 32-bit write.
Status write_rules_to(const RulesMaps& m, uint32_t s, const std::vector<PolicyRule>& rules,
                      bool default_smc) {
    const uint32_t set = SMCR_POLICY_STATE_SET(s) ^ 1U;
    for (std::size_t i = 0; i < rules.size(); ++i) {
        uint32_t key = set * SMCR_POLICY_MAX_RULES + static_cast<uint32_t>(i);
        smcr_policy_rule raw{};
        encode_policy_rule(rules[i], raw);
        if (bpf_map_update_elem(m.rules.get(), &key, &raw, BPF_ANY) != 0) {
            return bpf_error(errno, "writing the policy rules");
        }
    }
    uint32_t key = 0;
    uint32_t ns = SMCR_POLICY_STATE(set, default_smc ? 1 : 0, rules.size());
    if (bpf_map_update_elem(m.state.get(), &key, &ns, BPF_ANY) != 0) {
        return bpf_error(errno, "writing the policy rules");
    }
    return ok();
}

Error command_error(const NlStatus& st, const std::string& what) {
    if (st.err == EOPNOTSUPP) {
        return Error::make(Errc::not_supported,
                           "not supported by this module: it has no SMC policy commands", st.err);
    }
    return Error::from_errno(st.err, what, st.ext_msg);
}

std::optional<std::string> cgroup2_mount() {
    std::ifstream in("/proc/self/mountinfo");
    for (std::string line; std::getline(in, line);) {
        // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS ... - FSTYPE SOURCE SUPEROPTS
        const auto sep = line.find(" - ");
        if (sep == std::string::npos) {
            continue;
        }
        std::istringstream rest(line.substr(sep + 3));
        std::string fstype;
        rest >> fstype;
        if (fstype != "cgroup2") {
            continue;
        }
        std::istringstream head(line.substr(0, sep));
        std::string id, parent, dev, root, mnt;
        head >> id >> parent >> dev >> root >> mnt;
        return mnt;
    }
    return std::nullopt;
}

std::optional<uint64_t> handle_id(const std::string& path) {
    struct {
        file_handle fh;
        uint64_t id;
    } h{};
    h.fh.handle_bytes = sizeof(uint64_t);
    int mount_id = 0;
    if (name_to_handle_at(AT_FDCWD, path.c_str(), &h.fh, &mount_id, 0) != 0 ||
        h.fh.handle_bytes != sizeof(uint64_t)) {
        return std::nullopt;
    }
    uint64_t id = 0;
    std::memcpy(&id, h.fh.f_handle, sizeof(id));
    return id;
}

std::string rules_text(std::size_t n) {
    return std::to_string(n) + (n == 1 ? " rule" : " rules");
}

} // namespace

// ---- rules: text and map layout --------------------------------------------------------------

bool PolicyRule::operator==(const PolicyRule& o) const {
    return side == o.side && dst == o.dst && src == o.src && dport == o.dport && sport == o.sport &&
           pid == o.pid && cgroup_id == o.cgroup_id && smc == o.smc;
}

Result<PolicyRule> parse_policy_rule(std::span<const std::string> words,
                                     const CgroupResolver& resolve) {
    PolicyRule r;
    bool have_verdict = false;
    bool have_selector = false;
    auto value = [&](std::size_t& i, const std::string& key) -> Result<std::string> {
        if (i + 1 >= words.size()) {
            return bad("rule: '" + key + "' needs a value");
        }
        return words[++i];
    };
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string& w = words[i];
        if (w == "client" || w == "server") {
            if (r.side != PolicyRule::Side::any) {
                return bad("rule: give client or server once");
            }
            r.side = w == "client" ? PolicyRule::Side::client : PolicyRule::Side::server;
            have_selector = true;
            continue;
        }
        auto v = value(i, w);
        if (!v) {
            return v.error();
        }
        auto once = [&](bool set) -> Status {
            return set ? Status(bad("rule: '" + w + "' given twice")) : ok();
        };
        if (w == "dst" || w == "src") {
            auto& field = w == "dst" ? r.dst : r.src;
            if (auto st = once(field.has_value()); !st) {
                return st.error();
            }
            auto p = parse_prefix(*v, w);
            if (!p) {
                return p.error();
            }
            field = *p;
        } else if (w == "dport" || w == "sport") {
            auto& field = w == "dport" ? r.dport : r.sport;
            if (auto st = once(field.has_value()); !st) {
                return st.error();
            }
            auto p = parse_ports(*v, w);
            if (!p) {
                return p.error();
            }
            field = *p;
        } else if (w == "pid") {
            if (auto st = once(r.pid.has_value()); !st) {
                return st.error();
            }
            auto p = parse_uint(*v, 0x3fffffff);
            if (!p || *p == 0) {
                return bad("pid: '" + *v + "' is not a process id");
            }
            r.pid = *p;
        } else if (w == "cgroup") {
            if (auto st = once(r.cgroup_id.has_value()); !st) {
                return st.error();
            }
            auto id = resolve ? resolve(*v) : cgroup_id_of(*v);
            if (!id) {
                return id.error();
            }
            r.cgroup_id = *id;
            r.cgroup_path = *v;
        } else if (w == "verdict") {
            if (have_verdict) {
                return bad("rule: 'verdict' given twice");
            }
            if (*v != "smc" && *v != "tcp") {
                return bad("verdict: '" + *v + "' is neither smc nor tcp");
            }
            r.smc = *v == "smc";
            have_verdict = true;
            continue;
        } else {
            return bad("rule: unknown word '" + w +
                       "' (expected client, server, dst, src, dport, sport, pid, cgroup, verdict)");
        }
        have_selector = true;
    }
    if (!have_verdict) {
        return bad("rule: missing 'verdict smc|tcp'");
    }
    if (!have_selector) {
        return bad("rule: no selector (dst, src, dport, sport, pid, cgroup, client or server); "
                   "use 'smcctl policy default' for all connections");
    }
    if (r.dst && r.src && r.dst->family != r.src->family) {
        return bad("rule: dst and src are of different address families");
    }
    if (r.side == PolicyRule::Side::server && (r.pid || r.cgroup_id)) {
        return bad("rule: pid and cgroup select the process calling connect(), so they never "
                   "match server connections");
    }
    return r;
}

std::string format_policy_rule(const PolicyRule& r) {
    std::string s;
    auto add = [&](const std::string& w) { s += (s.empty() ? "" : " ") + w; };
    if (r.side != PolicyRule::Side::any) {
        add(r.side == PolicyRule::Side::client ? "client" : "server");
    }
    if (r.dst) {
        add("dst " + prefix_text(*r.dst));
    }
    if (r.src) {
        add("src " + prefix_text(*r.src));
    }
    if (r.dport) {
        add("dport " + ports_text(*r.dport));
    }
    if (r.sport) {
        add("sport " + ports_text(*r.sport));
    }
    if (r.pid) {
        add("pid " + std::to_string(*r.pid));
    }
    if (r.cgroup_id) {
        add("cgroup " +
            (r.cgroup_path.empty() ? "id:" + std::to_string(*r.cgroup_id) : r.cgroup_path));
    }
    add(std::string("verdict ") + (r.smc ? "smc" : "tcp"));
    return s;
}

void encode_policy_rule(const PolicyRule& r, smcr_policy_rule& out) {
    out = smcr_policy_rule{};
    if (r.side == PolicyRule::Side::client) {
        out.match |= SMCR_PM_CLIENT;
    } else if (r.side == PolicyRule::Side::server) {
        out.match |= SMCR_PM_SERVER;
    }
    if (r.dst) {
        out.match |= SMCR_PM_DST;
        out.family = static_cast<uint8_t>(r.dst->family);
        out.dst_plen = static_cast<uint8_t>(r.dst->plen);
        std::memcpy(out.dst, r.dst->addr.data(), r.dst->family == 4 ? 4 : 16);
    }
    if (r.src) {
        out.match |= SMCR_PM_SRC;
        out.family = static_cast<uint8_t>(r.src->family);
        out.src_plen = static_cast<uint8_t>(r.src->plen);
        std::memcpy(out.src, r.src->addr.data(), r.src->family == 4 ? 4 : 16);
    }
    if (r.dport) {
        out.match |= SMCR_PM_DPORT;
        out.dport_lo = r.dport->first;
        out.dport_hi = r.dport->second;
    }
    if (r.sport) {
        out.match |= SMCR_PM_SPORT;
        out.sport_lo = r.sport->first;
        out.sport_hi = r.sport->second;
    }
    if (r.pid) {
        out.match |= SMCR_PM_PID;
        out.pid = *r.pid;
    }
    if (r.cgroup_id) {
        out.match |= SMCR_PM_CGROUP;
        out.cgroup_id = *r.cgroup_id;
    }
    out.verdict = r.smc ? SMCR_POLICY_VERDICT_SMC : SMCR_POLICY_VERDICT_TCP;
}

PolicyRule decode_policy_rule(const smcr_policy_rule& raw) {
    PolicyRule r;
    if (raw.match & SMCR_PM_CLIENT) {
        r.side = PolicyRule::Side::client;
    } else if (raw.match & SMCR_PM_SERVER) {
        r.side = PolicyRule::Side::server;
    }
    auto prefix = [&](const uint32_t* a, uint8_t plen) {
        PolicyPrefix p;
        p.family = raw.family == 4 ? 4 : 6;
        p.plen = plen;
        std::memcpy(p.addr.data(), a, p.family == 4 ? 4 : 16);
        return p;
    };
    if (raw.match & SMCR_PM_DST) {
        r.dst = prefix(raw.dst, raw.dst_plen);
    }
    if (raw.match & SMCR_PM_SRC) {
        r.src = prefix(raw.src, raw.src_plen);
    }
    if (raw.match & SMCR_PM_DPORT) {
        r.dport = std::make_pair(raw.dport_lo, raw.dport_hi);
    }
    if (raw.match & SMCR_PM_SPORT) {
        r.sport = std::make_pair(raw.sport_lo, raw.sport_hi);
    }
    if (raw.match & SMCR_PM_PID) {
        r.pid = raw.pid;
    }
    if (raw.match & SMCR_PM_CGROUP) {
        r.cgroup_id = raw.cgroup_id;
        r.cgroup_path = cgroup_path_of(raw.cgroup_id);
    }
    r.smc = raw.verdict == SMCR_POLICY_VERDICT_SMC;
    return r;
}

Result<uint64_t> cgroup_id_of(const std::string& path) {
    const auto mnt = cgroup2_mount();
    if (!mnt) {
        return Error::make(Errc::not_found, "cgroup: no cgroup2 file system is mounted", ENOENT);
    }
    std::string full = path;
    if (path.rfind(*mnt + "/", 0) != 0 && path != *mnt) {
        full = *mnt + (path.starts_with("/") ? "" : "/") + path;
    }
    struct stat st {};
    if (stat(full.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        return Error::make(Errc::not_found,
                           "cgroup: '" + path + "' is not a cgroup (no " + full + ")", ENOENT);
    }
    auto id = handle_id(full);
    if (!id) {
        return Error::make(Errc::system, "cgroup: cannot read the id of " + full, errno);
    }
    return *id;
}

std::string cgroup_path_of(uint64_t id) {
    const auto mnt = cgroup2_mount();
    if (!mnt) {
        return {};
    }
    if (handle_id(*mnt) == id) {
        return "/";
    }
    std::error_code ec;
    namespace fs = std::filesystem;
    for (auto it = fs::recursive_directory_iterator(
             *mnt, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_directory(ec) && handle_id(it->path()) == id) {
            return it->path().string().substr(mnt->size());
        }
    }
    return {};
}

// ---- the module's policy commands ------------------------------------------------------------

Policy::Policy(std::unique_ptr<NlSocket> sock, int family)
    : sock_(std::move(sock)), family_(family) {}
Policy::Policy(Policy&&) noexcept = default;
Policy& Policy::operator=(Policy&&) noexcept = default;
Policy::~Policy() = default;

Result<Policy> Policy::open() {
    auto sock = NlSocket::connect(NETLINK_GENERIC);
    if (!sock) {
        return sock.error();
    }
    auto family = (*sock)->resolve_family(SMCR_EXT_FAMILY_NAME);
    if (!family) {
        return missing_family_error(SMCR_EXT_FAMILY_NAME);
    }
    return Policy(std::move(*sock), *family);
}

Result<PolicyState> Policy::state() {
    NlMsgPtr msg =
        genl_request(family_, SMCR_EXT_FAMILY_VERSION, SMCR_EXT_CMD_POLICY_GET, NLM_F_DUMP);
    if (!msg) {
        return Error::make(Errc::system, "out of memory", ENOMEM);
    }
    PolicyState ps;
    NlStatus st = sock_->transact(msg.get(), [&](nlmsghdr* nlh) {
        const Attrs a = Attrs::of_genl(nlh);
        ps.prog_id4 = a.u32(SMCR_EXT_A_POLICY_ID4).value_or(0);
        ps.prog_id6 = a.u32(SMCR_EXT_A_POLICY_ID6).value_or(0);
        ps.name4 = a.str(SMCR_EXT_A_POLICY_NAME4).value_or("");
        ps.name6 = a.str(SMCR_EXT_A_POLICY_NAME6).value_or("");
    });
    if (st.err != 0) {
        return command_error(st, "reading the SMC policy");
    }
    ps.attached = ps.prog_id4 != 0 || ps.prog_id6 != 0;
    if (!ps.attached) {
        return ps;
    }
    auto maps = find_rules_maps(ps.prog_id4 ? ps.prog_id4 : ps.prog_id6);
    if (!maps) {
        return maps.error();
    }
    if (!*maps) {
        return ps;
    }
    auto s = read_state(**maps);
    if (!s) {
        return s.error();
    }
    auto rules = read_rules(**maps, *s);
    if (!rules) {
        return rules.error();
    }
    ps.rules = true;
    ps.default_smc = SMCR_POLICY_STATE_DEFAULT(*s) != 0;
    ps.rule_list = std::move(*rules);
    return ps;
}

Status Policy::set_fds(int fd4, int fd6) {
    NlMsgPtr msg = genl_request(family_, SMCR_EXT_FAMILY_VERSION, SMCR_EXT_CMD_POLICY_SET, 0);
    if (!msg || (fd4 >= 0 && nla_put_s32(msg.get(), SMCR_EXT_A_POLICY_FD4, fd4) < 0) ||
        (fd6 >= 0 && nla_put_s32(msg.get(), SMCR_EXT_A_POLICY_FD6, fd6) < 0)) {
        return Error::make(Errc::system, "out of memory", ENOMEM);
    }
    NlStatus st = sock_->transact(msg.get(), [](nlmsghdr*) {});
    if (st.err != 0) {
        return command_error(st, "attaching the SMC policy");
    }
    return ok();
}

Status Policy::write_rules(const RulesEdit& edit, bool detach_if_empty) {
    RulesLock lock;
    auto ps = state();
    if (!ps) {
        return ps.error();
    }
    if (ps->attached && !ps->rules) {
        return Error::make(Errc::busy,
                           "the SMC policy of this network namespace is a program of its own (" +
                               (ps->name4.empty() ? ps->name6 : ps->name4) +
                               "), not the rules program; 'smcctl policy detach' it first",
                           EBUSY);
    }
    std::vector<PolicyRule> rules = ps->rule_list;
    bool default_smc = ps->attached ? ps->default_smc : true;
    if (auto st = edit(rules, default_smc); !st) {
        return st;
    }
    if (rules.size() > SMCR_POLICY_MAX_RULES) {
        return Error::make(Errc::range,
                           "the rules program holds at most " +
                               std::to_string(SMCR_POLICY_MAX_RULES) + " rules",
                           ENOSPC);
    }
    if (detach_if_empty && rules.empty() && default_smc) {
        if (!ps->attached) {
            return ok();
        }
        auto st = detach();
        return st || st.error().code == Errc::not_found ? ok() : st;
    }
    if (ps->attached) {
        auto maps = find_rules_maps(ps->prog_id4 ? ps->prog_id4 : ps->prog_id6);
        if (!maps) {
            return maps.error();
        }
        if (!*maps) {
            return Error::make(Errc::busy, "the SMC policy changed meanwhile; try again", EBUSY);
        }
        auto s = read_state(**maps);
        if (!s) {
            return s.error();
        }
        return write_rules_to(**maps, *s, rules, default_smc);
    }

    // No policy yet: load the rules program, fill its maps, then attach it.
    LogCapture log;
    std::unique_ptr<smcr_rules, void (*)(smcr_rules*)> skel(smcr_rules__open_and_load(),
                                                            smcr_rules__destroy);
    if (!skel) {
        const int err = errno;
        Error e = bpf_error(err, "loading the SMC policy rules program");
        e.message += LogCapture::tail();
        return e;
    }
    RulesMaps maps{Fd(dup(bpf_map__fd(skel->maps.smcr_rules))),
                   Fd(dup(bpf_map__fd(skel->maps.smcr_state)))};
    if (maps.rules.get() < 0 || maps.state.get() < 0) {
        return bpf_error(errno, "loading the SMC policy rules program");
    }
    if (auto st = write_rules_to(maps, 0, rules, default_smc); !st) {
        return st;
    }
    return set_fds(bpf_program__fd(skel->progs.smcr_rules4),
                   bpf_program__fd(skel->progs.smcr_rules6));
}

Status Policy::add(const PolicyRule& r, std::optional<std::size_t> before) {
    return write_rules([&](std::vector<PolicyRule>& rules, bool&) -> Status {
        std::size_t at = rules.size();
        if (before) {
            if (*before < 1 || *before > rules.size() + 1) {
                return Error::make(Errc::range,
                                   "there is no rule " + std::to_string(*before) + " (" +
                                       rules_text(rules.size()) + ")",
                                   ERANGE);
            }
            at = *before - 1;
        }
        rules.insert(rules.begin() + static_cast<std::ptrdiff_t>(at), r);
        return ok();
    });
}

Status Policy::del(std::size_t index) {
    return write_rules([&](std::vector<PolicyRule>& rules, bool&) -> Status {
        if (index < 1 || index > rules.size()) {
            return Error::make(Errc::not_found,
                               "there is no rule " + std::to_string(index) + " (" +
                                   rules_text(rules.size()) + ")",
                               ENOENT);
        }
        rules.erase(rules.begin() + static_cast<std::ptrdiff_t>(index - 1));
        return ok();
    });
}

Status Policy::flush() {
    return write_rules([](std::vector<PolicyRule>& rules, bool&) -> Status {
        rules.clear();
        return ok();
    });
}

Status Policy::set_default(bool smc) {
    return write_rules([smc](std::vector<PolicyRule>&, bool& default_smc) -> Status {
        default_smc = smc;
        return ok();
    });
}

Status Policy::edit(const RulesEdit& fn, bool detach_if_empty) {
    return write_rules(fn, detach_if_empty);
}

Status Policy::attach_object(const std::string& path) {
    LogCapture log;
    std::unique_ptr<bpf_object, void (*)(bpf_object*)> obj(
        bpf_object__open_file(path.c_str(), nullptr), bpf_object__close);
    if (!obj) {
        const int err = errno;
        char why[128] = {};
        libbpf_strerror(err, why, sizeof(why)); // also libbpf's own codes (not an ELF file, ...)
        Error e = Error::make(Errc::invalid, "cannot open BPF object " + path + ": " + why, err);
        e.message += LogCapture::tail(4);
        return e;
    }
    bpf_program* p4 = nullptr;
    bpf_program* p6 = nullptr;
    bpf_program* prog = nullptr;
    bpf_object__for_each_program(prog, obj.get()) {
        const bool sock_addr = bpf_program__type(prog) == BPF_PROG_TYPE_CGROUP_SOCK_ADDR;
        const auto at = bpf_program__expected_attach_type(prog);
        bpf_program** slot = nullptr;
        if (sock_addr && at == BPF_CGROUP_INET4_CONNECT) {
            slot = &p4;
        } else if (sock_addr && at == BPF_CGROUP_INET6_CONNECT) {
            slot = &p6;
        }
        if (!slot) {
            bpf_program__set_autoload(prog, false);
            continue;
        }
        if (*slot) {
            return Error::make(Errc::invalid,
                               path + " has more than one " +
                                   (slot == &p4 ? "cgroup/connect4" : "cgroup/connect6") +
                                   " program (" + bpf_program__name(*slot) + ", " +
                                   bpf_program__name(prog) + ")",
                               EINVAL);
        }
        *slot = prog;
    }
    if (!p4 && !p6) {
        return Error::make(Errc::invalid,
                           path + " has no SEC(\"cgroup/connect4\") or SEC(\"cgroup/connect6\") "
                                  "program, which an SMC policy must be",
                           EINVAL);
    }
    if (bpf_object__load(obj.get()) != 0) {
        const int err = errno;
        Error e = bpf_error(err, "loading " + path);
        if (err != EPERM && err != EACCES) {
            e.code = Errc::invalid;
            e.message = "the kernel refused the programs of " + path + " (" + std::strerror(err) +
                        "); libbpf said:";
        }
        e.message += LogCapture::tail();
        return e;
    }
    return set_fds(p4 ? bpf_program__fd(p4) : -1, p6 ? bpf_program__fd(p6) : -1);
}

Status Policy::detach() {
    NlMsgPtr msg = genl_request(family_, SMCR_EXT_FAMILY_VERSION, SMCR_EXT_CMD_POLICY_CLEAR, 0);
    if (!msg) {
        return Error::make(Errc::system, "out of memory", ENOMEM);
    }
    NlStatus st = sock_->transact(msg.get(), [](nlmsghdr*) {});
    if (st.err == ENOENT) {
        return Error::make(Errc::not_found, "no SMC policy is attached in this network namespace",
                           ENOENT);
    }
    if (st.err != 0) {
        return command_error(st, "detaching the SMC policy");
    }
    return ok();
}

} // namespace smc
