#pragma once
// ignite-host's exit statuses and the one error type for each, so an exit code is chosen by
// what went wrong (the type thrown), never by an integer written where it happened.

#include <stdexcept>

namespace ignite::host {

/// What ignite-host's exit code means (README, "Exit codes"). A run stopped by signal N
/// exits 128 + N (stopped_by_signal).
enum class ExitStatus : int {
    kSuccess = 0,
    kRunFailed = 1,  ///< a run that started failed; the results written so far stay
    kBadInput = 2,   ///< options, config, plugins, data or output folder refused; nothing written
};

/// The process exit code for `status`.
constexpr int exit_code(ExitStatus status) noexcept { return static_cast<int>(status); }

/// The exit code of a run stopped cleanly by signal `signal` (130 for SIGINT, 143 for SIGTERM),
/// as a shell reports a process killed by it.
constexpr int stopped_by_signal(int signal) noexcept { return 128 + signal; }

/// Bad input: printed as one line, exit 2 (ExitStatus::kBadInput).
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
    static constexpr ExitStatus kStatus = ExitStatus::kBadInput;
};

/// A run that started failed: printed as one line, exit 1 (ExitStatus::kRunFailed).
struct RunFailed : std::runtime_error {
    using std::runtime_error::runtime_error;
    static constexpr ExitStatus kStatus = ExitStatus::kRunFailed;
};

}  // namespace ignite::host
