#pragma once
// `ignite-host train`: supervised training of a classifier with plugins.

#include <string>
#include <vector>

namespace ignite::host {

/// Runs `ignite-host train ARGS`. Returns the exit code; throws UsageError / PluginError /
/// DatasetError for bad input (exit 2) and other exceptions for a failed run (exit 1).
int train_command(const std::vector<std::string>& args);

}  // namespace ignite::host
