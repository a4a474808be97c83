#pragma once
// What a training run writes: metrics.jsonl in its output folder (one train line per epoch,
// per evaluation a val line (with --val-split) then a test line) and a log line per
// evaluated split.

#include "metric_lines.hpp"
#include "output_folder.hpp"
#include "result_file.hpp"
#include "train_options.hpp"
#include "training.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>

namespace ignite::host {

/// The run's results. Constructing it takes the output folder (OutputFolder: created or
/// emptied, and locked) and opens metrics.jsonl: from then on the run writes its outputs.
/// With --resume the folder may hold the earlier run's files and metrics.jsonl is appended
/// to; epochs_completed() counts from the trainer's epoch at construction.
/// Registers its handlers on `training`'s trainer (epoch timing, and at EPOCH_COMPLETED,
/// priority 50, the train line, the evaluation every --eval-every epochs and its val and
/// test lines); `training` and `options` must outlive the run. Throws UsageError when the folder
/// cannot be taken, ResultWriteError when the file cannot be created.
/// `resumed_from` (the checkpoint a resumed run was restored from): lines of steps after the
/// trainer's iteration move to metrics.superseded.jsonl and a marker line is written
/// (resumed_lines.hpp).
class RunRecord {
public:
    RunRecord(const TrainOptions& options, Training& training,
              const std::optional<std::filesystem::path>& resumed_from = std::nullopt);
    RunRecord(const RunRecord&) = delete;
    RunRecord& operator=(const RunRecord&) = delete;

    /// Trainer epochs completed so far.
    std::int64_t epochs_completed() const { return epochs_completed_; }
    /// metrics.jsonl, to close (and check) at the end of the run.
    ResultFile& metrics_file() { return metrics_out_; }

private:
    void epoch_completed(ignite::Engine& trainer);
    void evaluate(ignite::Engine& trainer);
    /// Runs `evaluator` over `loader` and writes its `split` line; false when a stop signal
    /// cut it short (nothing written).
    bool evaluate_split(ignite::Engine& trainer, ignite::Engine& evaluator, const ignite::DataPtr& loader,
                        const char* split, std::int64_t samples);

    const TrainOptions& options_;
    Training& training_;
    OutputFolder output_;
    std::int64_t superseded_ = 0;  // lines moved aside before metrics_out_ opened (resumed runs)
    ResultFile metrics_out_;
    MetricJson json_;
    std::int64_t epochs_completed_ = 0;
    std::chrono::steady_clock::time_point epoch_start_ = std::chrono::steady_clock::now();
};

}  // namespace ignite::host
