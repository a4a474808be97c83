#pragma once
// What `ignite-host lr-find` writes, as text, without I/O (tested alone): the loss-vs-lr curve
// as CSV and as a small self-contained HTML page with one SVG chart (plugins/report's chart
// library, ignite_report_page, which the host may link: README "Layout").

#include <ignite/core/handlers/lr_finder.hpp>

#include <optional>
#include <string>

namespace ignite::host {

/// The curve as CSV for pandas.read_csv: the header `lr,loss,smoothed_loss`, then one row per
/// iteration (the lr that produced the loss, or Ignite's with --history ignite; numbers in their
/// shortest round-trip form; nan / inf as pandas reads them).
[[nodiscard]] std::string lr_find_csv(const FastaiLRFinder::History& history);

/// What the page says besides the curve.
struct LrFindPage {
    std::string title;                 ///< e.g. "lr-find: mlp on fashion-mnist"
    std::string summary;               ///< one line: iterations, schedule, stop, suggestion
    bool log_x = true;                 ///< exp mode: x is log10(lr)
    std::optional<double> suggestion;  ///< marked on the smoothed curve
};

/// One HTML file (no network): the title, the summary and the chart (raw loss faint, smoothed
/// loss drawn, the suggestion ringed). The chart carries data-chart="lr_find" data-points="N".
[[nodiscard]] std::string lr_find_html(const FastaiLRFinder::History& history, const LrFindPage& page);

}  // namespace ignite::host
