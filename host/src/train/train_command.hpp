#pragma once
// `ignite-host train`: supervised training of a classifier with plugins.

#include <string>
#include <vector>

namespace ignite::host {

/// Runs `ignite-host train ARGS`: parse -> build -> attach -> run. Returns the exit code of a
/// run that ended (0, or stopped_by_signal(N)); throws UsageError / PluginError for bad input
/// (exit 2), RunFailed or another exception for a failed run (exit 1).
int train_command(const std::vector<std::string>& args);

}  // namespace ignite::host
