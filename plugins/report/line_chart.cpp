#include "charts.hpp"
#include "svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace ignite_report {

namespace {

struct Range {
    double lo = INFINITY, hi = -INFINITY;
    void add(double v) {
        if (!std::isfinite(v)) return;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    [[nodiscard]] bool empty() const { return lo > hi; }
};

std::string polyline(const svg::Frame& f, const std::vector<Point>& pts, const char* colour, const char* extra) {
    // A non-finite value breaks the line: TensorBoard draws no segment through it either.
    std::string out, d;
    bool pen_down = false;
    for (const auto& p : pts) {
        if (!std::isfinite(p.y) || (f.log_y && p.y <= 0)) {
            pen_down = false;
            continue;
        }
        d += fmt::format("{}{} {}", pen_down ? "L" : "M", svg::coord(f.px(p.x)), svg::coord(f.py(p.y)));
        pen_down = true;
    }
    if (d.empty()) return out;
    return fmt::format(
        "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.8\" stroke-linejoin=\"round\"{}/>\n", d, colour,
        extra);
}

std::string dots(const svg::Frame& f, const std::vector<Point>& pts, const char* colour) {
    std::string out;
    for (const auto& p : pts) {
        if (!std::isfinite(p.y) || (f.log_y && p.y <= 0)) continue;
        out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"{}\" stroke=\"#fff\" stroke-width=\"1\"/>",
                           svg::coord(f.px(p.x)), svg::coord(f.py(p.y)), colour);
    }
    return out.empty() ? out : out + "\n";
}

}  // namespace

std::string render_line_chart(const LineChart& chart) {
    svg::Frame f;
    f.width = chart.width;
    f.height = chart.height;
    Range xr, yr;
    std::size_t counted = 0;
    bool all_positive = true;
    for (const auto& s : chart.series) {
        for (const auto& p : s.points) {
            xr.add(p.x);
            yr.add(p.y);
            if (std::isfinite(p.y) && p.y <= 0) all_positive = false;
            if (s.counted && std::isfinite(p.y)) ++counted;
        }
    }
    std::string out = svg::open(f, chart.name, counted, chart.title);
    if (xr.empty() || yr.empty()) {
        f.x_lo = 0;
        f.x_hi = 1;
        out += svg::axes(f, chart.x_label, chart.y_label, chart.integer_x);
        return out + svg::note(f, "no data yet") + "</svg>\n";
    }
    // A log axis only when a linear one would flatten most of the curve into the floor
    // (a loss falling by more than 1000x), and the axis says so.
    f.log_y = chart.log_y && all_positive && yr.hi / yr.lo > 1000;
    const std::string y_label = f.log_y ? chart.y_label + " (log scale)" : chart.y_label;
    f.x_lo = xr.lo;
    f.x_hi = xr.hi;
    if (f.x_hi == f.x_lo) {  // one point: centre it
        f.x_lo -= 1;
        f.x_hi += 1;
    }
    if (chart.integer_x) {
        f.x_lo = std::floor(f.x_lo) - 0.25;
        f.x_hi = std::ceil(f.x_hi) + 0.25;
    }
    if (f.log_y) {
        f.y_lo = std::pow(10, std::floor(std::log10(yr.lo)));
        f.y_hi = std::pow(10, std::ceil(std::log10(yr.hi)));
    } else {
        double pad = (yr.hi - yr.lo) * 0.06;
        if (pad == 0) pad = yr.hi == 0 ? 1 : std::fabs(yr.hi) * 0.1;
        f.y_lo = yr.lo - pad;
        f.y_hi = yr.hi + pad;
        // Start at zero when the data is close to it: a loss or a rate reads best from 0.
        if (yr.lo >= 0 && yr.lo < (yr.hi - yr.lo) * 0.5) f.y_lo = 0;
        const auto ticks = svg::nice_ticks(f.y_lo, f.y_hi, 5);
        if (ticks.size() >= 2) {  // extend to the outer ticks so the frame ends on a label
            const double step = ticks[1] - ticks[0];
            f.y_lo = std::min(f.y_lo, ticks.front() - (ticks.front() > f.y_lo ? step : 0));
            f.y_hi = std::max(f.y_hi, ticks.back() + (ticks.back() < f.y_hi ? step : 0));
        }
    }
    out += svg::axes(f, chart.x_label, y_label, chart.integer_x);
    for (const double m : chart.x_marks) {
        if (m < f.x_lo || m > f.x_hi) continue;
        out += fmt::format("<line class=\"mark\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/>\n", svg::coord(f.px(m)),
                           svg::coord(f.top), svg::coord(f.top + f.plot_h()));
    }
    for (const double m : chart.resume_marks) {
        if (m < f.x_lo || m > f.x_hi) continue;
        out += fmt::format(
            "<line x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#d62728\" stroke-width=\"1.5\" "
            "stroke-dasharray=\"5 3\"/><text class=\"tick\" x=\"{3}\" y=\"{4}\" fill=\"#d62728\">"
            "resumed</text>\n",
            svg::coord(f.px(m)), svg::coord(f.top), svg::coord(f.top + f.plot_h()), svg::coord(f.px(m) + 4),
            svg::coord(f.top + 12));
    }
    std::vector<svg::LegendEntry> legend;
    for (const auto& s : chart.series) {
        const char* c = svg::colour(s.colour);
        using S = LineSeries::Style;
        switch (s.style) {
            case S::faint_line:
                out += polyline(f, s.points, c, " stroke-opacity=\"0.3\"");
                break;
            case S::line:
                out += polyline(f, s.points, c, "");
                break;
            case S::dots:
                out += dots(f, s.points, c);
                break;
            case S::line_dots:
                out += polyline(f, s.points, c, "") + dots(f, s.points, c);
                break;
        }
        if (!s.label.empty())
            legend.push_back({s.label, c, s.style == S::faint_line ? "faint" : s.style == S::dots ? "dot" : "line"});
    }
    for (const auto& h : chart.highlights) {
        if (!std::isfinite(h.at.y)) continue;
        const double x = f.px(h.at.x), y = f.py(h.at.y);
        const bool right_half = x > f.left + f.plot_w() * 0.6;
        const bool low = y > f.top + f.plot_h() * 0.5;
        out += fmt::format(
            "<circle class=\"best\" cx=\"{}\" cy=\"{}\" r=\"7\"/>"
            "<text class=\"bestlabel\" x=\"{}\" y=\"{}\" text-anchor=\"{}\">{}</text>\n",
            svg::coord(x), svg::coord(y), svg::coord(x + (right_half ? -10 : 10)), svg::coord(y + (low ? -10 : 18)),
            right_half ? "end" : "start", svg::escape(h.label));
        if (std::none_of(legend.begin(), legend.end(), [](const auto& e) { return e.kind == "ring"; }))
            legend.push_back({"best", "#d62728", "ring"});
    }
    out += svg::legend(f, legend);
    return out + "</svg>\n";
}

}  // namespace ignite_report
