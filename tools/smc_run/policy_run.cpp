// SPDX-License-Identifier: GPL-2.0 OR MIT
// smc_run --policy: run COMMAND in a cgroup v2 of its own, with SMC policy rules scoped to that
// cgroup at the front of the netns's rule list for as long as it runs (docs/man/smc_run.8).
//
// The order makes every failure one that happens before COMMAND runs, and leaves nothing behind:
//   1. the module's policy commands and the current policy (our smcr.ko; rules, not a program of
//      the user's own);
//   2. the cgroup (next to smc_run's own cgroup, or at the top of the cgroup2 mount);
//   3. fork: the child waits on a socket for the go-ahead; the parent moves it into the cgroup
//      and inserts the rules, then lets it exec COMMAND (or kills it if anything failed);
//   4. the parent forwards signals, waits, removes exactly its rules (by value and the cgroup's
//      id, in one locked edit, so rules others added meanwhile stay) and the cgroup, and exits
//      with COMMAND's status.
#include "policy_run.h"

#include "smc/policy.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace smcrun {

namespace {

constexpr int kExitFail = 125;
constexpr std::array<int, 6> kForwarded{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};

volatile sig_atomic_t g_child = 0;

// Forwards a signal sent to smc_run. One the kernel sent to the whole process group (a
// terminal's ^C, ^\, hangup: si_code SI_KERNEL) reached the child already: not twice.
void forward(int sig, siginfo_t* info, void*) {
    const int saved = errno;
    if (g_child > 0 && (!info || info->si_code != SI_KERNEL)) {
        kill(static_cast<pid_t>(g_child), sig);
    }
    errno = saved;
}

std::string errtext(int err) {
    return std::strerror(err);
}

// The mount point of the cgroup2 file system, "" if none.
std::string cgroup2_mount() {
    std::ifstream in("/proc/self/mountinfo");
    for (std::string line; std::getline(in, line);) {
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
        if (root == "/") {
            return mnt;
        }
    }
    return {};
}

// smc_run's own cgroup v2 path ("/..." relative to the mount), "" if unknown.
std::string own_cgroup() {
    std::ifstream in("/proc/self/cgroup");
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("0::/")) {
            std::string p = line.substr(3);
            return p == "/" ? std::string{} : p;
        }
    }
    return {};
}

bool write_file(const std::string& path, const std::string& text, int* err) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        *err = errno;
        return false;
    }
    const ssize_t n = ::write(fd, text.data(), text.size());
    *err = n < 0 ? errno : 0;
    ::close(fd);
    return n == static_cast<ssize_t>(text.size());
}

std::vector<pid_t> procs_of(const std::string& cg) {
    std::vector<pid_t> out;
    std::ifstream in(cg + "/cgroup.procs");
    for (long p; in >> p;) {
        out.push_back(static_cast<pid_t>(p));
    }
    return out;
}

struct Cgroup {
    std::string mount;  // the cgroup2 mount point
    std::string parent; // full path of the directory it was made in
    std::string path;   // full path
    std::string rel;    // path relative to the mount ("/..."), as rules show it
    std::uint64_t id = 0;
};

// Makes the command's cgroup: next to smc_run's own cgroup if that is writable (the command
// stays under the limits it would have had), else at the top of the hierarchy.
bool make_cgroup(Cgroup& cg, std::string& why) {
    cg.mount = cgroup2_mount();
    if (cg.mount.empty()) {
        why = "--policy needs a cgroup v2 file system and none is mounted (e.g. mount -t cgroup2 "
              "none /sys/fs/cgroup)";
        return false;
    }
    const std::string name = "smc_run." + std::to_string(getpid());
    std::vector<std::string> parents;
    if (const std::string own = own_cgroup(); !own.empty()) {
        parents.push_back(own);
    }
    parents.emplace_back("");
    int err = 0;
    for (const auto& rel_parent : parents) {
        const std::string dir = cg.mount + rel_parent;
        if (rel_parent.size() && access(dir.c_str(), W_OK) != 0) {
            continue;
        }
        if (::mkdir((dir + "/" + name).c_str(), 0755) == 0) {
            cg.parent = dir;
            cg.path = dir + "/" + name;
            cg.rel = rel_parent + "/" + name;
            auto id = smc::cgroup_id_of(cg.path);
            if (!id) {
                why = "cannot read the id of cgroup " + cg.path + ": " + id.error().message;
                ::rmdir(cg.path.c_str());
                return false;
            }
            cg.id = *id;
            return true;
        }
        err = errno;
    }
    if (err == EACCES || err == EPERM || err == EROFS) {
        why = "--policy needs root: cannot create a cgroup in " + cg.mount + ": " + errtext(err);
    } else {
        why = "cannot create a cgroup " + name + " in " + cg.mount + ": " + errtext(err);
    }
    return false;
}

// Moves what is left in the cgroup (processes COMMAND started that outlive it) to the cgroup it
// was made in, then removes it. Returns "" or what went wrong.
std::string remove_cgroup(const Cgroup& cg, bool debug) {
    std::size_t moved = 0;
    for (int round = 0; round < 20; ++round) {
        const auto pids = procs_of(cg.path);
        if (pids.empty()) {
            break;
        }
        for (pid_t p : pids) {
            int err = 0;
            if (write_file(cg.parent + "/cgroup.procs", std::to_string(p), &err) || err == ESRCH) {
                ++moved;
            }
        }
    }
    if (moved) {
        std::cerr << "smc_run: " << moved << " process(es) COMMAND started are still running; "
                  << "moved them out of " << cg.path << " (the --policy rules no longer apply "
                  << "to them)\n";
    }
    // A process that has just exited may keep the cgroup busy for a moment.
    int err = 0;
    for (int i = 0; i < 100; ++i) {
        if (::rmdir(cg.path.c_str()) == 0 || errno == ENOENT) {
            if (debug) {
                std::cerr << "smc_run: removed cgroup " << cg.path << "\n";
            }
            return {};
        }
        err = errno;
        if (err != EBUSY) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return "cannot remove cgroup " + cg.path + ": " + errtext(err) + " (rmdir it by hand)";
}

std::string rules_text(const std::vector<smc::PolicyRule>& rules) {
    std::string s;
    for (const auto& r : rules) {
        s += "\n  " + smc::format_policy_rule(r);
    }
    return s;
}

} // namespace

int run_with_policy(const RunOptions& o, char** cmd) {
    auto fail = [](const std::string& msg) {
        std::cerr << "smc_run: " << msg << "\n";
        return kExitFail;
    };

    // 1. the policy: our module, and rules (not a program of the user's own) to add to
    auto policy = smc::Policy::open();
    if (!policy) {
        return fail("--policy needs the smcr module (stock smc.ko has no SMC policy): " +
                    policy.error().message);
    }
    auto before = policy->state();
    if (!before) {
        return fail("--policy: " + before.error().message +
                    (before.error().code == smc::Errc::not_supported
                         ? " (it needs the smcr module; stock smc.ko has no SMC policy)"
                         : ""));
    }
    if (before->attached && !before->rules) {
        return fail("--policy: the SMC policy of this network namespace is a program of its own (" +
                    (before->name4.empty() ? before->name6 : before->name4) +
                    "), which holds no rules; smc_run cannot add its rules to it");
    }

    // 2. the cgroup, and the rules scoped to it
    Cgroup cg;
    std::string why;
    if (!make_cgroup(cg, why)) {
        return fail(why);
    }
    std::vector<smc::PolicyRule> ours = o.policy_rules();
    scope_rules(ours, cg.id, cg.rel);

    // 3. the child, held until the cgroup and the rules are in place
    sigset_t forwarded, old;
    sigemptyset(&forwarded);
    for (int s : kForwarded) {
        sigaddset(&forwarded, s);
    }
    sigprocmask(SIG_BLOCK, &forwarded, &old);
    struct sigaction sa {};
    sa.sa_sigaction = forward;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    std::array<struct sigaction, kForwarded.size()> saved{};
    for (std::size_t i = 0; i < kForwarded.size(); ++i) {
        sigaction(kForwarded[i], &sa, &saved[i]);
    }
    std::array<int, 2> sv{-1, -1};
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv.data()) != 0) {
        const int err = errno;
        ::rmdir(cg.path.c_str());
        return fail("socketpair: " + errtext(err));
    }
    const pid_t child = fork();
    if (child < 0) {
        const int err = errno;
        ::rmdir(cg.path.c_str());
        return fail("fork: " + errtext(err));
    }
    if (child == 0) {
        for (std::size_t i = 0; i < kForwarded.size(); ++i) {
            sigaction(kForwarded[i], &saved[i], nullptr);
        }
        sigprocmask(SIG_SETMASK, &old, nullptr);
        ::close(sv[0]);
        char go = 0;
        ssize_t n;
        do {
            n = ::read(sv[1], &go, 1);
        } while (n < 0 && errno == EINTR);
        if (n != 1 || go != 'g') {
            _exit(kExitFail); // the parent failed and says why
        }
        ::close(sv[1]);
        execvp(cmd[0], cmd);
        const int err = errno;
        std::cerr << "smc_run: cannot run '" << cmd[0] << "': " << std::strerror(err) << "\n";
        _exit(err == ENOENT ? 127 : 126);
    }
    ::close(sv[1]);
    g_child = child;
    sigprocmask(SIG_SETMASK, &old, nullptr);

    auto abort_child = [&](const std::string& msg) {
        kill(child, SIGKILL);
        ::close(sv[0]);
        int st = 0;
        while (waitpid(child, &st, 0) < 0 && errno == EINTR) {
        }
        g_child = 0;
        ::rmdir(cg.path.c_str());
        return fail(msg);
    };

    int err = 0;
    if (!write_file(cg.path + "/cgroup.procs", std::to_string(child), &err)) {
        return abort_child("cannot move the command into cgroup " + cg.path + ": " +
                           errtext(err));
    }
    const bool had_policy = before->attached;
    auto added = policy->edit([&](std::vector<smc::PolicyRule>& rules, bool&) -> smc::Status {
        rules.insert(rules.begin(), ours.begin(), ours.end());
        return smc::ok();
    });
    if (!added) {
        return abort_child("--policy: " + added.error().message);
    }
    if (o.debug) {
        std::cerr << "smc_run: cgroup " << cg.path << " (id " << cg.id
                  << "), rules added at the front:" << rules_text(ours) << "\n";
    }
    const char go = 'g';
    if (::send(sv[0], &go, 1, MSG_NOSIGNAL) != 1) {
        // the child is gone (killed by a signal while we prepared): its status is reported below
    }
    ::close(sv[0]);

    // 4. wait, then take back what we added
    int status = 0;
    pid_t w;
    do {
        w = waitpid(child, &status, 0);
    } while (w < 0 && errno == EINTR);
    g_child = 0;

    int rc = kExitFail;
    if (w == child && WIFEXITED(status)) {
        rc = WEXITSTATUS(status);
    } else if (w == child && WIFSIGNALED(status)) {
        rc = 128 + WTERMSIG(status);
    }

    std::size_t missing = 0;
    auto removed = policy->edit(
        [&](std::vector<smc::PolicyRule>& rules, bool&) -> smc::Status {
            missing = 0;
            for (const auto& mine : ours) {
                // operator== compares the cgroup id (unique while the cgroup exists), not paths
                auto it = std::find(rules.begin(), rules.end(), mine);
                if (it == rules.end()) {
                    ++missing;
                } else {
                    rules.erase(it);
                }
            }
            return smc::ok();
        },
        !had_policy);
    if (!removed) {
        std::cerr << "smc_run: cannot remove the --policy rules of cgroup " << cg.rel << ": "
                  << removed.error().message << " ('smcctl policy list' shows them)\n";
    } else if (missing) {
        std::cerr << "smc_run: warning: " << missing
                  << " of the --policy rules were removed by someone else meanwhile\n";
    } else if (o.debug) {
        std::cerr << "smc_run: removed the --policy rules\n";
    }
    if (const std::string e = remove_cgroup(cg, o.debug); !e.empty()) {
        std::cerr << "smc_run: " << e << "\n";
    }
    return rc;
}

} // namespace smcrun
