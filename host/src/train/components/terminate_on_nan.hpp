#pragma once
// `terminate_on_nan`: Ignite's TerminateOnNan (core/.../handlers/terminate_on_nan.hpp) on the
// trainer's output (the loss), loaded by default by `ignite-host train`, as Ignite's
// setup_common_training_handlers does (stop_on_nan=True).
//
// Decision record (issue 20 §2): it checks at every trainer ITERATION_COMPLETED in the
// handlers band, so it runs before any logger or checkpoint of that iteration, and
// terminates with TerminateReason::bad_weights: the checkpoint plugin then refuses to save
// the weights (the last good file stays the newest, so --resume auto never picks a NaN model)
// and ignite-host fails the run (exit 1) with one line naming the iteration and the value.
// No options (Ignite's output_transform is a Python callable; the host's output is the loss
// tensor) and no state.

#include "../train_options.hpp"
#include "../training.hpp"

#include <ignite/runtime/participant.hpp>

#include <memory>

namespace ignite::host {

inline constexpr const char* kTerminateOnNanName = "terminate_on_nan";

[[nodiscard]] ParticipantSpec terminate_on_nan_spec();
[[nodiscard]] std::unique_ptr<Component> make_terminate_on_nan(Training& training, const TrainOptions& options);

}  // namespace ignite::host
