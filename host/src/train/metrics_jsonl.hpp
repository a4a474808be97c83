#pragma once
// metrics.jsonl: one JSON line per trainer epoch and per evaluation, read by people, pandas,
// the bench and GPU-check scripts and the tests. docs/metrics-jsonl.md is its schema (every
// line kind, every key, its unit and when it is written); tests/metrics_jsonl_test.cpp holds
// the two to each other.
//
// Decisions (issue 18):
//  - One fact, one name. A line's "split" names the data its numbers are measured on
//    ("train", "val", "test"); plugins name the engines that ran over it ("trainer",
//    "validation", "evaluator"): kSplitOfEngine below is the one place that maps the two.
//    Every metric is written under its state.metrics name, so the trainer's epoch loss is
//    "avg_loss" in state.metrics, in plugins and in the file alike (it was "loss" here).
//  - One clock: "epoch_seconds" is the trainer's state.times["EPOCH_COMPLETED"] (Ignite's
//    epoch time: EPOCH_STARTED's handlers and the epoch's iterations), the time every plugin
//    reads, not a second stopwatch of the writer's.
//  - "samples_per_second" counts the samples the trainer actually ran this epoch in this
//    process (each batch's real size, summed at ITERATION_COMPLETED), not the training set's
//    size: right with --drop-last, a short last batch and a resume in mid-epoch.
//  - Written by the engines' own events, not by the evaluation schedule: the train line at
//    the trainer's EPOCH_COMPLETED, an evaluator's line at that engine's COMPLETED (none when
//    a stop signal cut its run short), in the loggers' band.

#include "metric_lines.hpp"
#include "result_file.hpp"

#include <ignite/core/engine.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace torch::optim {
class Optimizer;
}

namespace ignite::host {

/// The engines whose lines the file holds, by the name plugins know them by, and the split
/// each line names.
inline constexpr std::pair<const char*, const char*> kSplitOfEngine[] = {
    {"trainer", "train"}, {"validation", "val"}, {"evaluator", "test"}};

/// Writes metrics.jsonl for the engines it is attached to. Not copyable or movable: its
/// handlers point to it, so it must outlive the engines' runs.
class MetricsJsonl {
public:
    /// `file`: the path to write (created or truncated when the trainer starts; appended to
    /// for a resumed run). `resumed_from`: the checkpoint a resumed run continues from;
    /// lines of steps after the trainer's restored iteration then move to
    /// metrics.superseded.jsonl and a resume marker line is written (resumed_lines.hpp).
    MetricsJsonl(std::filesystem::path file, std::optional<std::filesystem::path> resumed_from);
    MetricsJsonl(const MetricsJsonl&) = delete;
    MetricsJsonl& operator=(const MetricsJsonl&) = delete;

    /// Registers the writer's handlers, in the loggers' band, on every engine of `engines`
    /// (name, engine) that kSplitOfEngine names; others are left alone. A "trainer" is
    /// required (std::invalid_argument otherwise). `optimizer` (may be null: no "lr") gives
    /// the train line's learning rate.
    void attach(const std::vector<std::pair<std::string, ignite::Engine*>>& engines,
                const torch::optim::Optimizer* optimizer);

    /// Writes what is queued, fsyncs and closes the file (done at the trainer's COMPLETED;
    /// a later line opens it again to append). Throws ResultWriteError. Idempotent.
    void close();
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

private:
    void start(const ignite::Engine& trainer);
    void train_line(const ignite::Engine& trainer);
    void eval_line(const char* split, const ignite::Engine& evaluator);
    ResultFile& out();

    std::filesystem::path path_;
    std::optional<std::filesystem::path> resumed_from_;
    const ignite::Engine* trainer_ = nullptr;
    const torch::optim::Optimizer* optimizer_ = nullptr;
    std::optional<ResultFile> out_;
    bool started_ = false;
    MetricJson json_;
    std::int64_t samples_ = 0;  // samples the trainer ran since the last train line
};

}  // namespace ignite::host
