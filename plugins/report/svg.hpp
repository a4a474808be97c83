#pragma once
// What every chart shares: text escaping, number labels, "nice" axis ticks, the palette, and
// the frame (title, axes with ticks and labels, legend) of an x/y chart.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ignite_report::svg {

/// `s` safe inside HTML/SVG text and attribute values.
[[nodiscard]] std::string escape(std::string_view s);
/// A number for a label: up to `digits` significant digits, no trailing zeros, "—" when not finite.
[[nodiscard]] std::string number(double v, int digits = 4);
/// A number for an SVG coordinate (fixed, 1 decimal).
[[nodiscard]] std::string coord(double v);
/// Tick values covering [lo, hi] at 1/2/5 x 10^k steps (Heckbert's nice numbers), about `count` of them.
[[nodiscard]] std::vector<double> nice_ticks(double lo, double hi, int count = 5);
/// The i-th colour of the palette (Tableau 10, readable on white and for most colour-blind readers).
[[nodiscard]] const char* colour(std::size_t i);

/// Maps data to pixels inside a chart's plot area.
struct Frame {
    double width = 640, height = 260;
    double left = 64, right = 16, top = 46, bottom = 46;
    double x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;
    bool log_y = false;

    [[nodiscard]] double px(double x) const;
    [[nodiscard]] double py(double y) const;
    [[nodiscard]] double plot_w() const { return width - left - right; }
    [[nodiscard]] double plot_h() const { return height - top - bottom; }
};

struct LegendEntry {
    std::string label;
    std::string colour;
    std::string kind;  ///< "line", "faint", "dot", "diamond", "dash"
};

/// The <svg ...> opening tag with the test hooks data-chart / data-points, a <title>, and the
/// chart's visible title.
[[nodiscard]] std::string open(const Frame& f, std::string_view chart, std::size_t points, std::string_view title);
/// Grid lines, axes, tick labels and the axis labels; integer_x: ticks on whole numbers only.
[[nodiscard]] std::string axes(const Frame& f, std::string_view x_label, std::string_view y_label, bool integer_x);
/// A legend in one row above the plot area, right-aligned.
[[nodiscard]] std::string legend(const Frame& f, const std::vector<LegendEntry>& entries);
/// Text centred in the plot area (e.g. "no data yet").
[[nodiscard]] std::string note(const Frame& f, std::string_view text);

}  // namespace ignite_report::svg
