// SPDX-License-Identifier: GPL-2.0 OR MIT
// Result<T>: a value or an Error, the expected-type of libsmc (std::expected is not in GCC 12).
//
// Every call that talks to the kernel returns a Result. Three ways to handle one:
//
//     auto lgrs = nl.link_groups();             // propagate
//     if (!lgrs) return lgrs.error();
//
//     auto mib = smc::read_mib();               // handle one kind, propagate the rest
//     if (!mib && mib.error().code != smc::Errc::not_supported) return mib.error();
//
//     for (const auto& l : nl.links().value())  // inline: throws BadResultAccess on error,
//         ...                                   // which only main() catches
//
// Error::message is a complete sentence for a user ("permission denied: changing the UEID table
// needs CAP_NET_ADMIN"); tools print it as is, prefixed by their name.
#ifndef SMC_RESULT_H
#define SMC_RESULT_H

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace smc {

/// What went wrong, coarse enough for a caller to branch on.
enum class Errc {
    permission,    ///< EPERM / EACCES: the change needs CAP_NET_ADMIN (or root for /proc/sys)
    not_loaded,    ///< no SMC module at all (AF_SMC not registered)
    not_supported, ///< the loaded module lacks this interface or command
    not_found,     ///< ENOENT and friends: no such entry / sysctl / device
    exists,        ///< EEXIST: the entry is already there
    invalid,       ///< bad argument (checked here or rejected by the kernel with EINVAL)
    range,         ///< value out of range / table full (ERANGE, ENOSPC)
    busy,          ///< EBUSY
    system,        ///< any other errno
    protocol,      ///< the kernel's answer could not be parsed
};

struct Error {
    Errc code = Errc::system;
    int sys_errno = 0;   ///< the errno behind it, 0 if none
    std::string message; ///< complete, user-facing sentence (no trailing period, no newline)

    /// errno → Error; @what names the action ("changing the UEID table"), @detail is appended to
    /// the generic text for that errno (may be empty).
    static Error from_errno(int err, const std::string& what, const std::string& detail = {});
    static Error make(Errc code, std::string message, int err = 0) {
        return Error{code, err, std::move(message)};
    }
};

/// Thrown by Result::value() on an error result: a programming shortcut for tools, caught in main.
class BadResultAccess : public std::runtime_error {
  public:
    explicit BadResultAccess(Error e) : std::runtime_error(e.message), error_(std::move(e)) {}
    [[nodiscard]] const Error& error() const { return error_; }

  private:
    Error error_;
};

/// The value of a Result that only reports success.
struct Unit {};

template <class T> class [[nodiscard]] Result {
  public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {} // NOLINT: implicit by design
    Result(Error error)
        : v_(std::in_place_index<1>, std::move(error)) {} // NOLINT: implicit by design

    [[nodiscard]] bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & {
        check();
        return std::get<0>(v_);
    }
    [[nodiscard]] const T& value() const& {
        check();
        return std::get<0>(v_);
    }
    T&& value() && {
        check();
        return std::get<0>(std::move(v_));
    }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    /// The error; only valid when !ok().
    [[nodiscard]] const Error& error() const { return std::get<1>(v_); }

  private:
    void check() const {
        if (v_.index() != 0) {
            throw BadResultAccess(std::get<1>(v_));
        }
    }
    std::variant<T, Error> v_;
};

using Status = Result<Unit>;

inline Status ok() {
    return Unit{};
}

} // namespace smc

#endif // SMC_RESULT_H
