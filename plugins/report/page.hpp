#pragma once
// The run as one self-contained HTML page (issue 19 §3): render_page(RunData) -> the file's text.
//
// Decision record
// - Charts are inline SVG written by this C++ (svg.hpp, one file per chart kind: charts.hpp),
//   not a vendored JS library. The page must open from a crashed run's folder, offline, in any
//   browser, years later: no script means no network, no console errors, nothing to vendor and
//   update (a chart library is 50-500 kB of someone else's code inside every run folder), and
//   the same bytes for the same run (tests diff them). What we lose, hover/zoom, matters less
//   for a page read at a glance; each point carries an SVG <title> tooltip and the exact numbers
//   are in the tables. Fonts: the system font stack only.
// - The views, in the order a user looks (notes/ignite-handlers-loggers.md §6): the header
//   (outcome, why, who, wall time, epochs, best validation metric, final metrics, command line,
//   plugins, seed, device, resumes); loss per iteration, raw (faint) and smoothed exactly as
//   TensorBoard (smoothing.hpp), with validation/test loss at each epoch end on the SAME
//   iteration axis (Ignite's TensorBoard setup puts them on epochs: Ignite #519, #3257); each
//   evaluation metric per epoch with its best point ringed; lr per parameter group; the
//   per-epoch table (fastai's Recorder: epoch | losses | metrics | time); throughput; the
//   confusion matrix with per-class precision/recall/F1; checkpoint saves and resumes.
// - Without per-iteration data (a run folder with only metrics.jsonl) the loss and lr charts
//   draw the per-epoch values at each epoch's last iteration and say so in the legend: the
//   same charts, fewer points.
// - "Best" is the highest value, except for a metric whose name says it is an error (loss,
//   error, mse, mae, rmse, nll): the lowest. Validation means the `val` split when the run has
//   one, else `test` (ignite-host's evaluator; Ignite's examples call it the validation set).
// - Every <svg> carries data-chart/data-points (charts.hpp) so tests count what is drawn.

#include "run_data.hpp"

#include <string>

namespace ignite_report {

/// The whole page (UTF-8 HTML5, no external resource). Never throws on odd data: a missing
/// or non-finite number is shown as "—" and a chart without data says "no data yet".
[[nodiscard]] std::string render_page(const RunData& run);

/// Whether lower values of metric `name` are better (loss, error, mse, mae, rmse, nll).
[[nodiscard]] bool lower_is_better(const std::string& name);

/// The <meta name="generator"> of a page the plugin wrote while the run went (facts.live), so
/// `ignite-host report` can tell it from its own and never replace it silently.
inline constexpr const char* kPluginGenerator = "ignite report plugin (live)";
inline constexpr const char* kFolderGenerator = "ignite-host report";

/// The page's file name in a run's output folder.
inline constexpr const char* kPageFileName = "report.html";

}  // namespace ignite_report
