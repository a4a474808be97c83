#pragma once
/// @file timer.hpp
/// Ignite's Timer (ignite.handlers.Timer): measures the (average) time between events.
///
/// Decisions:
/// - Header-only and exactly Ignite's arithmetic (timing.py): reset() starts a running timer
///   at zero, pause() adds the time since the last start/resume, resume() restarts the clock
///   only when paused, step() counts, value() = (total + running part) / (max(steps, 1) when
///   `average`, else 1). Steps are a double as in Ignite (step_count = 0.0).
/// - The clock is a parameter (seconds as a double, std::chrono::steady_clock by default, as
///   Ignite's perf_counter): tests drive a fake clock and compare with Ignite's Timer driven by
///   the same fake perf_counter, so they are not timed tests.
/// - attach() takes the timer as a shared_ptr that the engine's handlers keep alive, like the
///   schedulers here (Ignite's engine holds its bound methods, hence the timer, the same way).
/// - No state_dict: Ignite's Timer has none (a resumed run starts its timers again).

#include <ignite/core/engine.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

namespace ignite {

class Timer {
public:
    /// A clock: seconds since any fixed origin.
    using Clock = std::function<double()>;
    /// std::chrono::steady_clock in seconds (Ignite uses time.perf_counter).
    [[nodiscard]] static double steady_seconds() noexcept {
        return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    }

    /// Ignite's Timer(average=False). The timer starts running at construction (Ignite calls
    /// reset() in __init__).
    explicit Timer(bool average = false, Clock clock = &Timer::steady_seconds)
        : average_(average), clock_(std::move(clock)) {
        reset();
    }

    /// Ignite's attach(engine, start=STARTED, pause=COMPLETED, resume=None, step=None):
    /// reset at `start`, pause at `pause`, and, when given, resume at `resume` and step at
    /// `step`. Returns the timer. Throws ValueError as add_event_handler does (e.g. an event
    /// the engine does not have).
    static std::shared_ptr<Timer> attach(Engine& engine, std::shared_ptr<Timer> timer,
                                         const EventSpec& start = Events::STARTED,
                                         const EventSpec& pause = Events::COMPLETED,
                                         const std::optional<EventSpec>& resume = std::nullopt,
                                         const std::optional<EventSpec>& step = std::nullopt) {
        if (!timer) throw ValueError("Timer::attach needs a timer");
        engine.add_event_handler(start, [timer] { timer->reset(); });
        engine.add_event_handler(pause, [timer] { timer->pause(); });
        if (resume) engine.add_event_handler(*resume, [timer] { timer->resume(); });
        if (step) engine.add_event_handler(*step, [timer] { timer->step(); });
        return timer;
    }

    /// Zero, running, no steps.
    Timer& reset() {
        t0_ = clock_();
        total_ = 0.0;
        step_count_ = 0.0;
        running_ = true;
        return *this;
    }
    /// Adds the time since the last reset/resume to the total; nothing when already paused.
    void pause() {
        if (!running_) return;
        total_ += clock_() - t0_;
        running_ = false;
    }
    /// Starts measuring again; nothing when running (the running interval is not restarted).
    void resume() {
        if (running_) return;
        running_ = true;
        t0_ = clock_();
    }
    /// Counts one step (the denominator of an average timer).
    void step() noexcept { step_count_ += 1.0; }
    /// Seconds measured (the running interval included), divided by max(steps, 1) when average.
    [[nodiscard]] double value() const {
        double total = total_;
        if (running_) total += clock_() - t0_;
        return total / (average_ ? std::max(step_count_, 1.0) : 1.0);
    }

    [[nodiscard]] double total() const noexcept { return total_; }  ///< paused intervals only
    [[nodiscard]] double step_count() const noexcept { return step_count_; }
    [[nodiscard]] bool running() const noexcept { return running_; }
    [[nodiscard]] bool average() const noexcept { return average_; }

private:
    bool average_;
    Clock clock_;
    double t0_ = 0.0;
    double total_ = 0.0;
    double step_count_ = 0.0;
    bool running_ = true;
};

}  // namespace ignite
