#pragma once
// How ignite-host writes to the terminal (issue 19 §4), shared by train and dry-run:
//   --tty auto|always|never   the status area (progress bars) under the log lines: auto draws it
//                             when stderr is a terminal; always forces it (a test, a pager that
//                             shows escape codes); never prints plain lines instead
//   --quiet                   warnings, errors and the summary only: no bar, no info lines
//   --log-format text|json    json: every host and plugin log line on stderr as one JSON object
//                             {"level","source","message","time"}, for batch jobs; no bar
// Applied as soon as the command line is parsed, so every later line (a refused option's
// error included) follows them.

#include <ignite/core/engine.hpp>

#include <boost/program_options.hpp>

namespace ignite::host {

/// The three options, for a command's options_description.
boost::program_options::options_description console_options_description();

/// Applies them to the process's console log. Throws UsageError for a value not offered.
void apply_console_options(const boost::program_options::variables_map& vm);

/// Sends `engine`'s UserWarnings (core prints them to stderr by itself) through the log as
/// warnings, so they land above the bars and follow --log-format.
void log_warnings_of(ignite::Engine& engine);

}  // namespace ignite::host
