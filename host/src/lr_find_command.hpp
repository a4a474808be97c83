#pragma once
// `ignite-host lr-find [train options] [--start-lr --end-lr --num-iter --step-mode --smooth-f
// --diverge-th --history --output FILE]`: Ignite's FastaiLRFinder range test
// (core/include/ignite/core/handlers/lr_finder.hpp) on the run `train` would build with the same
// options (model, data, optimizer, seed), writing the loss-vs-lr curve as CSV (FILE, default
// lr_find.csv) and an HTML page beside it (FILE with .html), and printing the suggested lr.
//
// Decision: the options that build a run are `train`'s own, parsed by train's parser, so the
// two never drift; those that only matter to a training run (plugins, --resume, --output-dir,
// --metric, ...) are refused by name rather than silently ignored. The model and optimizer are
// restored when the test ends (the finder's scope), although the process ends right after:
// the subcommand is the library's use, not a copy of it.

#include <string>
#include <vector>

namespace ignite::host {

/// Runs the subcommand on its arguments (after `lr-find`). Returns 0 (suggestion printed), or
/// throws UsageError (exit 2: bad options, data, model) or RunFailed (exit 1: the test failed,
/// a file could not be written, or the curve gives no suggestion; the files are still written).
int lr_find_command(const std::vector<std::string>& args);

}  // namespace ignite::host
