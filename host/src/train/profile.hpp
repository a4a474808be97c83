#pragma once
// Where a run's time goes (issue 20 §3): every handler call of every engine, timed through
// core's HandlerObserver, plus data loading and the process function, for profile.json
// (docs/profile.md) and the report's "where time goes" table. Always on.
//
// Decisions:
// - What is measured is the content of Ignite's HandlersTimeProfiler and BasicTimeProfiler:
//   per (engine, handler, event) calls / total / mean / max, the handler being the plugin or
//   component that registered it (Engine::label_handlers; the host's own unlabelled handlers
//   are "host"), and per engine "dataflow" (from the end of GET_BATCH_STARTED's handlers to
//   GET_BATCH_COMPLETED firing: the data source's next()) and "processing" (from the end of
//   ITERATION_STARTED's handlers to ITERATION_COMPLETED firing: the process function). Unlike
//   Ignite's profilers nothing is wrapped at STARTED or preallocated by max_epochs *
//   epoch_length: it works with an unknown epoch length and keeps O(rows) memory.
// - Timing is inclusive: a handler that runs another engine (the host's evaluation at the
//   trainer's EPOCH_COMPLETED) includes that engine's rows. Percentages are of the run's wall
//   time, so nested rows overlap their parent's share; docs/profile.md says so.
// - Cheap per call (bench/profile_overhead): std::chrono::steady_clock read once per handler
//   call and once per dispatch (a handler's start is the previous handler's end or the
//   dispatch's start), no allocation, no lookup by string. A handler's row is found by the address of its label (core gives the
//   observer a view of the label stored with the handler, stable while it is registered) and
//   the event id, in a small open-addressed table filled on the first call; the label's text
//   is compared on a hit, so a handler removed and another registered at the same address
//   with another label gets its own row. The event observer (Engine::set_event_observer)
//   gives dataflow and processing their start and end times.
// - Policy without I/O: profile_json() is the file's text; train_run writes it (durably).

#include <ignite/core/engine.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ignite::host {

/// Calls, total, mean and max of one kind of timed call, in seconds.
struct TimeStat {
    std::int64_t calls = 0;
    double total = 0.0;
    double max = 0.0;

    void add(double seconds) noexcept {
        ++calls;
        total += seconds;
        if (seconds > max) max = seconds;
    }
    [[nodiscard]] double mean() const noexcept { return calls > 0 ? total / static_cast<double>(calls) : 0.0; }
};

/// One handler's row: the participant that registered it, on one event.
struct HandlerTimes {
    std::string handler;  ///< plugin or component name; "host" for the host's unlabelled handlers
    std::string event;    ///< the event's name ("EPOCH_COMPLETED", "tbptt.TIME_ITERATION_COMPLETED")
    TimeStat stat;
};

/// Everything timed on one engine.
struct EngineTimes {
    std::string engine;  ///< the run's name for it: trainer, evaluator, validation
    TimeStat dataflow;
    TimeStat processing;
    std::vector<HandlerTimes> handlers;  ///< in the order of their first call
};

/// The observer of one engine. Single-threaded like the engine it watches.
class EngineProfiler final : public ignite::HandlerObserver {
public:
    explicit EngineProfiler(std::string engine_name);

    void begin(std::string_view label, const ignite::FiredEvent& event) noexcept override;
    void end(std::string_view label, const ignite::FiredEvent& event) noexcept override;
    /// The engine's event observer: every dispatch starts here (dataflow and processing).
    void fired(const ignite::FiredEvent& event) noexcept;

    [[nodiscard]] const EngineTimes& times() const noexcept { return times_; }

private:
    using Clock = std::chrono::steady_clock;
    static constexpr std::size_t kBuckets = 256;  // power of two; rows beyond half of it go uncached
    static constexpr std::size_t kMaxDepth = 64;  // nested dispatches deeper than this are not timed

    struct Bucket {
        const char* data = nullptr;
        std::uint32_t size = 0;
        ignite::EventId event = -1;
        std::uint32_t row = 0;
    };
    struct Frame {
        std::uint32_t row;
        Clock::time_point t0;
    };

    std::uint32_t row_of(std::string_view label, const ignite::FiredEvent& event);
    std::uint32_t add_row(std::string_view label, const ignite::FiredEvent& event);

    EngineTimes times_;
    std::array<Bucket, kBuckets> buckets_{};
    std::size_t cached_ = 0;
    std::array<Frame, kMaxDepth> stack_{};
    std::size_t depth_ = 0;       // frames in use (may exceed kMaxDepth: those are not timed)
    Clock::time_point batch_mark_{};  // GET_BATCH_STARTED's handlers ended (or it fired)
    Clock::time_point iteration_mark_{};  // ITERATION_STARTED's handlers ended (or it fired)
    Clock::time_point stamp_{};  // the last clock read: a dispatch's start or a handler's end
    bool stamp_valid_ = false;   // stamp_ is what came right before the next begin() (no handler ran since)
};

/// The profilers of a run's engines, and the run's wall clock.
class RunProfiler {
public:
    /// Watches `engine` under `name` from its next dispatch on: sets its handler observer and
    /// its event observer (replacing any; the profiler needs both: a handler's start is taken
    /// from its dispatch's start, so the event observer must not be replaced afterwards).
    void watch(std::string name, ignite::Engine& engine);
    /// Starts the wall clock (the run's start).
    void start() noexcept { start_ = std::chrono::steady_clock::now(); }
    [[nodiscard]] double wall_seconds() const noexcept;
    [[nodiscard]] std::vector<EngineTimes> times() const;

private:
    std::vector<std::shared_ptr<EngineProfiler>> engines_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

/// The run as profile.json records it, besides the engines' times.
struct ProfileRun {
    /// How the run ended as far as it is known: "completed", "terminated", "failed", "stopped"
    /// (a signal), "in progress".
    std::string outcome;
    double wall_seconds = 0.0;
    /// Every participant the run loaded, in load order (one that registered no handler too).
    std::vector<std::string> participants;
};

/// profile.json's text (docs/profile.md): {"version":1,"outcome","wall_seconds","participants",
/// "engines":[{"engine","dataflow","processing","handlers":[{"handler","event",stats}]}]},
/// stats being "calls", "total", "mean", "max" (seconds).
[[nodiscard]] std::string profile_json(const std::vector<EngineTimes>& engines, const ProfileRun& run);

}  // namespace ignite::host
