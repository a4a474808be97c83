#pragma once
// Running a training run that is set up, and saying how it ended.

#include "run_record.hpp"
#include "train_options.hpp"
#include "training.hpp"

#include <ignite/runtime/bridge.hpp>

namespace ignite::host {

/// Runs the trainer for --epochs, stopping after the current iteration on SIGINT/SIGTERM;
/// then shuts the plugins down (loggers flush and close their files), whatever happened.
/// Prints the summary line on stdout and returns 0, or stopped_by_signal(N) for a stop by
/// signal N (logged). Throws RunFailed (exit 1) naming where and why a run failed.
int run_training(const TrainOptions& options, Training& training, PluginHost& plugins, const RunRecord& record);

}  // namespace ignite::host
