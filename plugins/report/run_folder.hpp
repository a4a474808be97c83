#pragma once
// A finished (or killed) run's folder as RunData, for `ignite-host report DIR`: what the run
// left behind, read back the way pandas would. The source of truth is metrics.jsonl
// (docs/metrics-jsonl.md): train/val/test lines become per-epoch rows, `resume` lines resume
// segments, a matrix-valued key (confusion_matrix) a matrix; the checkpoint files present
// (DIR/checkpoints/*.pt, the checkpoint plugin's default folder) become saves.
// TensorBoard's per-iteration scalars, when the run wrote them, come in through
// add_scalar_series (the host reads the event files; this library links no TensorBoard reader).

#include "run_data.hpp"

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace ignite_report {

/// A run folder that cannot be read: what() is one line naming the file (and line) and the fix.
struct RunFolderError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Reads `dir`. Throws RunFolderError for a folder without metrics.jsonl, an unreadable file
/// or a line that is not a JSON object with split/epoch/iteration.
[[nodiscard]] RunData load_run_folder(const std::filesystem::path& dir);

/// Adds a per-iteration TensorBoard series: "training/loss" replaces the loss series,
/// "lr/group_<i>" the lr of group i; other tags are ignored. Points are (step, value) in step
/// order and are decimated like the plugin's (IterationSeries).
void add_scalar_series(RunData& run, const std::string& tag, const std::vector<Point>& points);

}  // namespace ignite_report
