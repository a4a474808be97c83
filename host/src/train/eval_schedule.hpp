#pragma once
// When the evaluators run (--eval-every), for `train` and `dry-run` alike: one piece, so the
// two commands cannot drift apart. It runs engines and says so on the console; it writes no
// file (the metrics file is a logger's: it writes each evaluator's line at that engine's
// COMPLETED).

#include <ignite/core/data.hpp>
#include <ignite/core/engine.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ignite::host {

/// One evaluation: `engine` run over `data`, named `split` on the console ("val", "test").
struct EvalRun {
    std::string split;
    ignite::Engine* engine = nullptr;
    ignite::DataPtr data;
    std::string size;  ///< what `data` holds, for the console: "10000 samples", "2 iterations"
};

/// Whether each evaluation says so on the console: dry-run's output is its plugins' own.
enum class EvalLog { per_run, none };

/// Registers the evaluation on `trainer` at EPOCH_COMPLETED, in the host's band (after the
/// loggers have reported the epoch, before checkpoints): every `every` trainer epochs and at
/// the run's last epoch (so the final weights are always evaluated), unless a stop signal
/// came. The runs go in the order given (the validation engine first, as Ignite's examples log
/// the val_evaluator before anything is tested); a stop signal during one ends the evaluation
/// there. With EvalLog::per_run, each run then logs one line, e.g.
/// "ignite-host: epoch 3/5: test accuracy 0.9012, loss 0.2801 (10000 samples, 1.2 s)".
/// `every` 0: never (nothing is registered). The engines and data must outlive the trainer's
/// run.
void schedule_evaluation(ignite::Engine& trainer, std::int64_t every, std::vector<EvalRun> runs,
                         EvalLog log = EvalLog::per_run);

}  // namespace ignite::host
