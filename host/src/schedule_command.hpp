#pragma once
// `ignite-host schedule --simulate N [--plugin-opt lr_schedule.KEY=VALUE ...] [--lr X]`:
// the values the lr_schedule component's schedule takes over N events (Ignite's
// simulate_values), one `event value` line per event (one value per parameter group with
// --groups), without training. The schedule is built by the same code as train's
// (build_schedule), on an SGD optimizer whose groups start at --lr.

#include <string>
#include <vector>

namespace ignite::host {

/// Runs the subcommand on its arguments (after `schedule`). Returns 0; throws UsageError
/// (exit 2, one line naming the option or `lr_schedule.KEY`) for bad input.
int schedule_command(const std::vector<std::string>& args);

}  // namespace ignite::host
