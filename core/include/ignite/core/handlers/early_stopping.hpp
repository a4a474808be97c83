#pragma once
/// @file early_stopping.hpp
/// Ignite's EarlyStopping: stops the trainer when an evaluator's score stops improving.
///
/// Decision record (issue 20 §2):
///  - Arguments are Ignite 0.5.5's (threshold, threshold_mode, cumulative, mode); 0.5.3's
///    names (min_delta, cumulative_delta) are the same numbers, so a caller maps them (the
///    host's component accepts both spellings). Without a NaN score the decisions are Ignite's
///    formula exactly (tested against pytorch-ignite 0.5.3 in tests/early_stopping_test.cpp).
///  - A NaN score: Ignite counts it as an improvement (its comparisons are false), losing the
///    best score (notes E13). Here NanPolicy says what it does: `stop` (default: the run is
///    stopped, the model gives no number any more), `skip` (the evaluation is ignored, the
///    counter unchanged), `ignite` (Ignite's behaviour, for replaying an Ignite run).
///  - state_dict() is 0.5.5's {counter, best_score, threshold_mode}; load_state_dict() takes
///    0.5.5's and 0.5.3/0.5.4's {counter, best_score} (0.5.5 itself refuses the older one, E14).
///    A state saved with another threshold_mode is refused: it would change what the best
///    score means mid-run.
///  - Best weights (keep_best_weights): an in-memory copy of the tensors a caller names, taken
///    at every improvement and copied back when the handler stops the run (before
///    terminate(), so a checkpoint saved at TERMINATE holds them) or by restore_best_weights().
///    Not the checkpoint plugin's best file: that file depends on its to_save, score_name,
///    n_saved and rotation, and may hold another metric's best; a copy is always the weights
///    of this handler's best score. Its cost is one copy of the weights; best_weights() and
///    set_best_weights() let a caller checkpoint it, so a resumed run still restores them.

#include <ignite/core/dict.hpp>
#include <ignite/core/engine.hpp>

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ignite {

class EarlyStopping {
public:
    enum class ThresholdMode { abs, rel };
    enum class Mode { min, max };
    /// What a NaN score does (see the decision record).
    enum class NanPolicy { stop, skip, ignite };
    /// score_function(evaluator): higher is better in Mode::max, lower in Mode::min.
    using ScoreFunction = std::function<double(Engine&)>;
    /// Tensors sharing storage with a model (PyTorch's state_dict: parameters and buffers).
    using NamedTensors = std::vector<std::pair<std::string, at::Tensor>>;

    /// Ignite's keyword arguments after `trainer`.
    struct Options {
        double threshold = 0.0;   ///< 0.5.3's min_delta
        bool cumulative = false;  ///< 0.5.3's cumulative_delta
        ThresholdMode threshold_mode = ThresholdMode::abs;
        Mode mode = Mode::max;
        NanPolicy nan = NanPolicy::stop;
    };

    /// Throws Ignite's ValueError for patience < 1 ("Argument patience should be positive
    /// integer.") and threshold < 0 (also NaN), TypeError for an empty score_function. The
    /// trainer is borrowed: it must outlive the handler's calls.
    EarlyStopping(std::int64_t patience, ScoreFunction score_function, Engine& trainer, Options options);
    EarlyStopping(std::int64_t patience, ScoreFunction score_function, Engine& trainer)
        : EarlyStopping(patience, std::move(score_function), trainer, Options{}) {}

    /// Ignite's __call__: scores `engine` (the evaluator) and terminates the trainer
    /// (TerminateReason::handler) after `patience` calls without improvement.
    void operator()(Engine& engine);
    /// Ignite 0.5.4's reset(): counter 0, no best score (and no best weights).
    void reset();
    /// Ignite 0.5.4's attach(): `handler` on `engine`'s `event`, and reset() on
    /// `reset_engine` (null: `engine`) at `reset_event`. Returns the handler's registration.
    static RemovableEventHandle attach(const std::shared_ptr<EarlyStopping>& handler, Engine& engine,
                                       const EventSpec& event = Events::COMPLETED, Engine* reset_engine = nullptr,
                                       const EventSpec& reset_event = Events::STARTED);

    /// {counter, best_score (None before the first score), threshold_mode}: Ignite 0.5.5's.
    [[nodiscard]] Dict state_dict() const;
    /// Takes 0.5.5's state or 0.5.3's {counter, best_score} (0.5.4's min_delta_mode is read as
    /// threshold_mode). Throws ValueError naming a missing key, for a negative counter or a
    /// threshold_mode other than this handler's; TypeError for a mistyped value. Nothing
    /// changes unless every check passes.
    void load_state_dict(const Dict& state);

    /// Keep a copy of `tensors()` at every improvement (see the decision record).
    void keep_best_weights(std::function<NamedTensors()> tensors);
    /// Copies the kept weights back into the tensors; false when none are kept.
    bool restore_best_weights();
    /// The kept copy (empty when none); set_best_weights() replaces it (a resumed run).
    [[nodiscard]] const NamedTensors& best_weights() const noexcept { return best_weights_; }
    void set_best_weights(NamedTensors weights) { best_weights_ = std::move(weights); }

    [[nodiscard]] std::int64_t counter() const noexcept { return counter_; }
    [[nodiscard]] std::optional<double> best_score() const noexcept { return best_score_; }
    [[nodiscard]] std::int64_t patience() const noexcept { return patience_; }
    [[nodiscard]] const Options& options() const noexcept { return options_; }
    /// Whether this handler terminated the trainer, and why ("no improvement in 3
    /// evaluations", "the score was NaN"); "" when it did not.
    [[nodiscard]] const std::string& stop_cause() const noexcept { return stop_cause_; }

    /// Where its one-line messages go (the stop); default: standard error.
    std::function<void(const std::string&)> log;

private:
    void stop(std::string cause);

    std::int64_t patience_;
    ScoreFunction score_function_;
    Engine* trainer_;
    Options options_;
    std::int64_t counter_ = 0;
    std::optional<double> best_score_;
    std::function<NamedTensors()> tensors_;
    NamedTensors best_weights_;
    std::string stop_cause_;
};

/// "abs" / "rel", "min" / "max", "stop" / "skip" / "ignite" (Ignite's strings); parse_*
/// throw ValueError listing the allowed values.
[[nodiscard]] const char* to_string(EarlyStopping::ThresholdMode m) noexcept;
[[nodiscard]] const char* to_string(EarlyStopping::Mode m) noexcept;
[[nodiscard]] const char* to_string(EarlyStopping::NanPolicy p) noexcept;
[[nodiscard]] EarlyStopping::ThresholdMode parse_threshold_mode(const std::string& s);
[[nodiscard]] EarlyStopping::Mode parse_mode(const std::string& s);
[[nodiscard]] EarlyStopping::NanPolicy parse_nan_policy(const std::string& s);

}  // namespace ignite
