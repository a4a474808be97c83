#pragma once
// `time_limit`: Ignite's TimeLimit (core/.../handlers/time_limit.hpp) on the trainer: stops the
// run after limit_sec seconds, counted across restarts.
//
// Decision record (issue 20 §2): it checks at every trainer ITERATION_COMPLETED in the
// handlers band and stops with TerminateReason::handler, so the checkpoint plugin (when
// loaded, without score_name: its on_terminate) saves the stopped state, and --resume auto
// continues from it. The seconds used are its state (key time_limit: {elapsed, limit_sec}),
// so a resumed run spends what is left of the budget; give a larger limit_sec to go on.

#include "../train_options.hpp"
#include "../training.hpp"

#include <ignite/runtime/participant.hpp>

#include <memory>

namespace ignite::host {

inline constexpr const char* kTimeLimitName = "time_limit";

[[nodiscard]] ParticipantSpec time_limit_spec();
[[nodiscard]] std::unique_ptr<Component> make_time_limit(Training& training, const TrainOptions& options);

}  // namespace ignite::host
