#pragma once
// The host's part of what a run leaves behind: its output folder, taken and locked for the
// run. What goes into it is the participants' (metrics.jsonl: the jsonl component,
// components/jsonl.hpp; checkpoints: the checkpoint plugin; ...).

#include "output_folder.hpp"
#include "train_options.hpp"

#include <filesystem>

namespace ignite::host {

/// The run's output folder. Constructing it takes the folder (OutputFolder: created, and
/// locked; with --resume or --overwrite it may hold earlier files). Throws UsageError when
/// the folder cannot be taken.
class RunRecord {
public:
    explicit RunRecord(const TrainOptions& options);
    RunRecord(const RunRecord&) = delete;
    RunRecord& operator=(const RunRecord&) = delete;

    [[nodiscard]] const std::filesystem::path& output_dir() const noexcept { return output_.path(); }

private:
    OutputFolder output_;
};

}  // namespace ignite::host
