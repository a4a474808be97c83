// The SDK's two exception types: Error (a failed host call, or a plugin failing with a
// status on purpose) and RunError (an engine's exception as EXCEPTION_RAISED reports it).
// Part of <ignite/plugin.hpp>; header-only C++17.
#pragma once

#include <ignite/plugin.h>

#include <stdexcept>
#include <string>

namespace ignite::sdk {
inline namespace v1 {

/// A failed host call, carrying the host's status and message. Thrown by the wrappers
/// below; caught by the boundary trampolines, so plugin code may let it propagate (or
/// throw one itself to fail with a specific status).
class Error : public std::runtime_error {
public:
    Error(ignite_status status, const std::string& message) : std::runtime_error(message), status_(status) {}
    [[nodiscard]] ignite_status status() const noexcept { return status_; }

private:
    ignite_status status_;
};

/// The exception an engine raised, as the host describes it ("Kind: message"): what an
/// EXCEPTION_RAISED handler taking std::exception_ptr receives.
class RunError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace v1
}  // namespace ignite::sdk
