#pragma once
// `ignite-host report DIR [--output FILE]`: the run page (plugins/report) for a run folder,
// from what the run left (metrics.jsonl, checkpoints/), also for runs made without the
// report plugin.

#include <string>
#include <vector>

namespace ignite::host {

/// Runs the subcommand on its arguments (after `report`). Returns the exit code; throws
/// UsageError (exit 2: no metrics.jsonl, an unreadable line, bad arguments) or RunFailed
/// (exit 1: the page could not be written).
int report_command(const std::vector<std::string>& args);

}  // namespace ignite::host
