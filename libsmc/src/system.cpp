// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "smc/system.h"

#include <cerrno>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef AF_SMC
#define AF_SMC 43
#endif

namespace smc {

namespace {
bool exists(const char* path) {
    struct stat st {};
    return stat(path, &st) == 0;
}
} // namespace

Provider probe_provider() {
    Provider p;
    int fd = socket(AF_SMC, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0) {
        close(fd);
        p.af_smc = true;
    } else {
        // EAFNOSUPPORT: nobody registered the family; anything else (EMFILE, EPERM by seccomp...)
        // means it exists.
        p.af_smc = errno != EAFNOSUPPORT;
    }
    if (exists("/sys/module/smcr")) {
        p.module = "smcr";
    } else if (exists("/sys/module/smc")) {
        p.module = "smc";
    }
    p.smc_diag = exists("/sys/module/smc_diag");
    return p;
}

std::string provider_description(const Provider& p) {
    if (p.module == "smcr") {
        return "smcr (this project's module)";
    }
    if (p.module == "smc") {
        return "smc (Linux's stock module)";
    }
    return p.af_smc ? "a built-in SMC implementation" : "none";
}

} // namespace smc
