#pragma once
// `timer`: Ignite's Timer (core/include/ignite/core/handlers/timer.hpp) on the trainer, as
// FBResearchLogger attaches its two timers: data loading (resumed at GET_BATCH_STARTED, paused
// and stepped at GET_BATCH_COMPLETED) and processing (resumed at ITERATION_STARTED, paused and
// stepped at ITERATION_COMPLETED), both reset at EPOCH_STARTED.
//
// Decisions:
// - Where the values go: the trainer's state.metrics, as `data_time` and `iter_time` (seconds;
//   per iteration with average=true, Ignite's Timer(average=True), else the epoch's total),
//   set at each trainer EPOCH_COMPLETED in the handlers band, before the loggers: so every
//   logger writes them as it writes any trainer metric (metrics.jsonl's train lines,
//   TensorBoard's training/data_time, metrics.csv, the report's per-epoch values). Not
//   state.times: Ignite keeps only its own EPOCH_COMPLETED/COMPLETED durations there.
// - Reset AND paused at EPOCH_STARTED: Ignite's reset() leaves the timer running, so
//   FBResearchLogger's iteration timer also counts the epoch's first batch load; here each
//   timer counts only its own intervals, and data_time + iter_time never exceed the epoch.
// - The resume handlers run last on their event and the pause handlers first (the extreme
//   priorities), so data_time is the data source's next() and iter_time the process function,
//   without the other participants' handlers (those are in profile.json).
// - No state, as Ignite's Timer: a resumed run measures its own epochs.

#include <ignite/runtime/participant.hpp>

#include <memory>

namespace ignite::host {

struct Training;
struct TrainOptions;

inline constexpr const char* kTimerName = "timer";

[[nodiscard]] ParticipantSpec timer_spec();
[[nodiscard]] std::unique_ptr<Component> make_timer(Training& training, const TrainOptions& options);

}  // namespace ignite::host
