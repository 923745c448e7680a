// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "smc/result.h"

#include <cstring>

namespace smc {

Error Error::from_errno(int err, const std::string& what, const std::string& detail) {
    Errc code = Errc::system;
    std::string msg;
    switch (err) {
    case EPERM:
    case EACCES:
        code = Errc::permission;
        msg = "permission denied: " + what + " needs CAP_NET_ADMIN";
        break;
    case EOPNOTSUPP:
        code = Errc::not_supported;
        msg = what + ": not supported by the loaded SMC module";
        break;
    case ENOENT:
    case ENODEV:
    case ENXIO:
        code = Errc::not_found;
        msg = what + ": not found";
        break;
    case EEXIST:
        code = Errc::exists;
        msg = what + ": already exists";
        break;
    case EINVAL:
        code = Errc::invalid;
        msg = what + ": invalid argument";
        break;
    case ERANGE:
    case ENOSPC:
        code = Errc::range;
        msg = what + ": out of range";
        break;
    case EBUSY:
        code = Errc::busy;
        msg = what + ": busy";
        break;
    default:
        msg = what + ": " + std::strerror(err);
        break;
    }
    if (!detail.empty()) {
        msg += " (" + detail + ")";
    }
    return Error{code, err, msg};
}

} // namespace smc
