#pragma once
// One place that writes the host's and the plugins' log lines to stderr, and the terminal's
// status area under them (ABI 1.7 set_status: progress bars), so a log line never lands on a
// bar and a bar never overwrites a log line. stderr is one per process, so this is too.
//
// Drawing: the area's lines are written after the last log line with the cursor left at the
// end of the last one. Before a log line (or a new area) the area is erased: back to the
// area's first line ("\r", cursor up n-1) and clear to the end of the screen ("\x1b[J").
// Lines are cut to the terminal's width, so one never wraps and the count stays exact.
//
// Every line has a level and a source (issue 19 §4: batch jobs): `ignite-host` for the host's
// own lines ("ignite-host: warning: ..." gives both), the plugin's name for a plugin's (ABI
// log). set_log_min_level drops the lines below a level (--quiet: warnings and errors only);
// set_log_format(json) writes each line as one JSON object {"level","source","message","time"}
// (time: UTC, ISO 8601 with milliseconds) and never draws the status area, so stderr is JSON
// lines and nothing else.

#include <cstddef>
#include <string_view>

namespace ignite::host {

enum class LogLevel : int { debug = 0, info = 1, warning = 2, error = 3 };
enum class LogFormat { text, json };

/// Writes `line` and a newline to stderr and flushes, above the status area when it is
/// drawn. On a terminal the line starts with "\r\x1b[K" even without an area, which erases
/// a partly drawn line of a plugin that draws by itself; elsewhere (files, pipes) the line
/// is written as is. A host line reads "ignite-host: [warning: |error: ]MESSAGE": its level
/// and source come from that prefix (info without one). Never throws.
void log_line(std::string_view line) noexcept;
/// log_line with the level given (a line that must pass --quiet, e.g. why a run stopped).
void log_line(std::string_view line, LogLevel level) noexcept;
/// A plugin's line (ABI log): "[SOURCE] MESSAGE", "[SOURCE] warning: MESSAGE" from warning up.
void log_plugin_line(LogLevel level, std::string_view source, std::string_view message) noexcept;

/// Lines below `level` are dropped (default: none). --quiet sets warning.
void set_log_min_level(LogLevel level) noexcept;
/// Text (default) or JSON lines; json also stops drawing the status area.
void set_log_format(LogFormat format) noexcept;

/// Replaces the status lines of slot `slot` (one per participant; slots show in ascending
/// order) with `text`, '\n' separating lines; empty text removes them. Redraws the area
/// when it is drawn; otherwise only remembers the text. Never throws.
void set_status_lines(std::size_t slot, std::string_view text) noexcept;

/// Whether the area is drawn: by default when stderr is a terminal.
[[nodiscard]] bool status_area_drawn() noexcept;
void set_status_area_drawn(bool drawn) noexcept;

/// Erases the area and forgets every slot's lines (a run's end: what follows on the
/// terminal, e.g. the summary on stdout, starts on a clean line). Never throws.
void clear_status_area() noexcept;

}  // namespace ignite::host
