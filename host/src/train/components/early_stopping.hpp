#pragma once
// `early_stopping`: Ignite's EarlyStopping (core/.../handlers/early_stopping.hpp) as a component
// of `ignite-host train`: it scores each evaluation by an evaluator metric and stops the
// trainer after `patience` evaluations without improvement.
//
// Decision record (issue 20 §2):
//  - Options carry Ignite 0.5.5's argument names (patience, threshold, threshold_mode,
//    cumulative, mode) and accept 0.5.3's (min_delta, cumulative_delta), which win when both
//    are given (Ignite's rule); `metric` names the evaluator metric (the score; mode min for a
//    loss), `nan` the NaN policy (stop, skip, ignite), `restore_best_weights` Keras' option.
//  - The score is read on the validation evaluator when the run has one (--val-split), else
//    on the evaluator: stopping on the test set would choose the model by its test score.
//    The handler runs at that engine's COMPLETED in the handlers band: after the metrics,
//    before the loggers and the checkpoint, so a checkpoint saved at that epoch holds the
//    handler's new state (and, when it stops, the restored best weights).
//  - No reset at the trainer's STARTED (Ignite's attach): a resumed run fires STARTED after
//    loading the state, which a reset would lose. A new run builds a new handler.
//  - Its state (key early_stopping) is Ignite 0.5.5's {counter, best_score, threshold_mode},
//    plus best_weights (the model's state_dict at the best score) with restore_best_weights,
//    so that a resumed run restores the same weights. A checkpoint with a best score but no
//    best_weights cannot be resumed with restore_best_weights (the weights are gone): refused.

#include "../train_options.hpp"
#include "../training.hpp"

#include <ignite/runtime/participant.hpp>

#include <memory>

namespace ignite::host {

inline constexpr const char* kEarlyStoppingName = "early_stopping";

[[nodiscard]] ParticipantSpec early_stopping_spec();
[[nodiscard]] std::unique_ptr<Component> make_early_stopping(Training& training, const TrainOptions& options);

}  // namespace ignite::host
