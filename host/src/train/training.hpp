#pragma once
// What `ignite-host train` runs: the device, data, model, loaders, optimizer and the
// engines (trainer, evaluator, and with --val-split a validation evaluator), built from the
// options.
//
// Decision (issue 17): the validation set gets an evaluator engine of its own, "validation",
// as Ignite's examples run a train_evaluator and a val_evaluator, rather than the test
// evaluator run on a second loader: each engine keeps its own state.metrics, so a plugin
// attached to "evaluator" (the checkpoint's score_name, the console) sees one run per
// evaluation, on the test split, as without --val-split. Building refuses bad input (device, data, model, batch
// size) before anything is written.

#include "batch_loader.hpp"
#include "dataset.hpp"
#include "models.hpp"
#include "run_failure.hpp"
#include "stop_note.hpp"
#include "train_options.hpp"

#include <ignite/core/data.hpp>
#include <ignite/core/engine.hpp>

#include <c10/core/Device.h>
#include <torch/optim/optimizer.h>

#include <memory>
#include <optional>
#include <string>

namespace ignite::host {

/// The parts of one training run. Handlers registered on the engines point into it, so it
/// never moves; it outlives the plugins attached to its engines.
struct Training {
    /// Sets up LibTorch (threads, seed, malloc) and builds every part, in the order of the
    /// checks (device, data, model, batches). Throws UsageError (exit 2) for bad input.
    explicit Training(const TrainOptions& options);
    Training(const Training&) = delete;
    Training& operator=(const Training&) = delete;

    c10::Device device;
    TrainTestSplit data;
    std::unique_ptr<Model> model;
    ignite::DataPtr train_loader, test_loader;
    /// The validation set's batches (--val-split), null without one.
    ignite::DataPtr val_loader;
    /// train_loader as what it is, to seek() it when a run resumes.
    std::shared_ptr<BatchLoader> train_batches;
    std::unique_ptr<torch::optim::Optimizer> optimizer;
    /// A DeterministicEngine: every pass's data order and random stream are functions of
    /// --seed and the iteration, so a run resumed from a checkpoint is bit-identical.
    std::unique_ptr<ignite::Engine> trainer, evaluator;
    /// The validation evaluator: the evaluator's metrics on data.val; null without --val-split.
    std::unique_ptr<ignite::Engine> validator;
    /// The first exception each engine raised, where it happened (run_failure.hpp); the
    /// validation evaluator's goes into evaluator_failure (both run inside a trainer epoch).
    std::optional<FailureSite> trainer_failure, evaluator_failure;
    /// Which component stopped the trainer and why (stop_note.hpp), for the summary.
    std::optional<StopNote> stop_note;

    /// The model's output shape for two test images ("[2, 10]"), "" when the model
    /// cannot tell; for the message of a failed run.
    std::string output_shape_for_two_samples();
};

}  // namespace ignite::host
