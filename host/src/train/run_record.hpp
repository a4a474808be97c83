#pragma once
// What a training run writes into its output folder: the folder itself (taken and locked for
// the run) and metrics.jsonl (metrics_jsonl.hpp). The evaluation schedule is not here
// (eval_schedule.hpp): this only records what the engines did.

#include "metrics_jsonl.hpp"
#include "output_folder.hpp"
#include "train_options.hpp"
#include "training.hpp"

#include <filesystem>
#include <optional>

namespace ignite::host {

/// The run's results. Constructing it takes the output folder (OutputFolder: created, and
/// locked; with --resume or --overwrite it may hold earlier files) and attaches the
/// metrics.jsonl writer to `training`'s engines (the evaluators only when they run:
/// --eval-every > 0); the file is written from the trainer's start on. `training` must
/// outlive the run. Throws UsageError when the folder cannot be taken.
/// `resumed_from` (the checkpoint a resumed run was restored from): see MetricsJsonl.
class RunRecord {
public:
    RunRecord(const TrainOptions& options, Training& training,
              const std::optional<std::filesystem::path>& resumed_from = std::nullopt);
    RunRecord(const RunRecord&) = delete;
    RunRecord& operator=(const RunRecord&) = delete;

    [[nodiscard]] const std::filesystem::path& output_dir() const noexcept { return output_.path(); }
    /// metrics.jsonl, to close (and check) at the end of the run.
    MetricsJsonl& metrics_file() { return metrics_; }

private:
    OutputFolder output_;
    MetricsJsonl metrics_;
};

}  // namespace ignite::host
