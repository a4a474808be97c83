#pragma once
/// @file time_limit.hpp
/// Ignite's TimeLimit: stops the run once it has used its time budget, a budget that here
/// survives a restart.
///
/// Decision record (issue 20 §2):
///  - Ignite's clock starts at construction and is lost with the process, so a resumed run
///    gets a fresh budget. Here the seconds used are state (state_dict's `elapsed`): a run
///    resumed from a checkpoint goes on spending the same budget. `limit_sec` is an argument,
///    not state, so a resumed run may be given a larger one to continue.
///  - The check is Ignite's: elapsed > limit_sec (strict), typically at ITERATION_COMPLETED;
///    the stop is terminate(TerminateReason::handler): the weights are fine, so a
///    checkpointer saves them at TERMINATE and the run can be resumed.
///  - The clock is injectable (seconds, monotonic) so that tests spend a budget without
///    sleeping; by default std::chrono::steady_clock.

#include <ignite/core/dict.hpp>
#include <ignite/core/engine.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace ignite {

class TimeLimit {
public:
    /// Seconds on a monotonic clock.
    using Clock = std::function<double()>;

    /// Throws ValueError for limit_sec <= 0 (Ignite's "Argument limit_sec should be a
    /// positive integer."). The clock starts now (Ignite's rule).
    explicit TimeLimit(std::int64_t limit_sec = 28800, Clock clock = {});

    /// Terminates `engine` (TerminateReason::handler) once elapsed() > limit_sec, logging one line.
    void operator()(Engine& engine);
    /// Registers this handler (shared) on `engine`'s `event`.
    static RemovableEventHandle attach(const std::shared_ptr<TimeLimit>& handler, Engine& engine,
                                       const EventSpec& event = Events::ITERATION_COMPLETED,
                                       Priority priority = Priority{});

    /// Seconds used: those of the runs before (load_state_dict) plus this one's since construction.
    [[nodiscard]] double elapsed() const;
    [[nodiscard]] std::int64_t limit_sec() const noexcept { return limit_sec_; }
    /// Whether this handler terminated the engine.
    [[nodiscard]] bool stopped() const noexcept { return stopped_; }

    /// {elapsed, limit_sec}: the seconds used so far and the budget they were spent against.
    [[nodiscard]] Dict state_dict() const;
    /// Takes `elapsed` (a number >= 0) as the seconds used before this run; limit_sec stays
    /// this handler's. Throws ValueError for a missing key or a negative / non-finite value,
    /// TypeError for a mistyped one; nothing changes then.
    void load_state_dict(const Dict& state);

    /// Where its one line goes; default: standard error.
    std::function<void(const std::string&)> log;

private:
    std::int64_t limit_sec_;
    Clock clock_;
    double start_;
    double before_ = 0.0;
    bool stopped_ = false;
};

}  // namespace ignite
