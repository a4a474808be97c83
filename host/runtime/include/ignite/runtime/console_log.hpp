#pragma once
// One place that writes the host's and the plugins' log lines to stderr, so they print
// above a progress bar instead of over it.

#include <string_view>

namespace ignite::host {

/// Writes `line` and a newline to stderr and flushes. On a terminal the line starts with
/// "\r\x1b[K", which erases a progress bar's partly drawn line first (the bar redraws at
/// its next update); elsewhere (files, pipes) the line is written as is. Never throws.
void log_line(std::string_view line) noexcept;

}  // namespace ignite::host
