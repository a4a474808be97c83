#include "charts.hpp"
#include "svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace ignite_report {

std::string render_timeline(const RunData& run) {
    svg::Frame f;
    f.width = 1240;  // full page width, like the loss chart above it, so its text is not scaled up
    f.height = 150;
    f.top = 46;
    f.bottom = 44;
    std::int64_t last = run.facts.iterations;
    for (const auto& r : run.rows) last = std::max(last, r.iteration);
    for (const auto& c : run.checkpoints) last = std::max(last, c.iteration);
    for (const auto& r : run.resumes) last = std::max(last, r.iteration);
    f.x_lo = 0;
    f.x_hi = static_cast<double>(std::max<std::int64_t>(last, 1));
    f.y_lo = 0;
    f.y_hi = 1;
    std::size_t saves = 0;
    for (const auto& c : run.checkpoints) saves += c.iteration >= 0 ? 1 : 0;
    std::string out = svg::open(f, "timeline", saves + run.resumes.size(), "Timeline of the run");
    const double base = f.top + f.plot_h();
    const double mid = f.top + f.plot_h() / 2;
    // The axis, the training span, epoch ends.
    out += fmt::format("<line class=\"axis\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\"/>\n", svg::coord(f.left),
                       svg::coord(f.width - f.right), svg::coord(base));
    for (const double t : svg::nice_ticks(f.x_lo, f.x_hi, 6)) {
        if (t != std::floor(t)) continue;
        out += fmt::format(
            "<line class=\"axis\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/>"
            "<text class=\"tick\" x=\"{0}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
            svg::coord(f.px(t)), svg::coord(base), svg::coord(base + 5), svg::coord(base + 18), svg::number(t, 8));
    }
    out += fmt::format(
        "<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">trainer iteration "
        "(thin lines: epoch ends)</text>\n",
        svg::coord(f.left + f.plot_w() / 2), svg::coord(f.height - 6));
    for (const auto* r : run.rows_of("train")) {
        out += fmt::format("<line class=\"mark\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/>",
                           svg::coord(f.px(r->iteration)), svg::coord(f.top), svg::coord(base));
    }
    out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"6\" fill=\"#c6dbef\"/>\n", svg::coord(f.left),
                       svg::coord(mid - 3), svg::coord(f.px(f.x_hi) - f.left));
    for (const auto& c : run.checkpoints) {
        if (c.iteration < 0) continue;
        const double x = f.px(static_cast<double>(c.iteration));
        out += fmt::format(
            "<path d=\"M{0} {1}l7 7-7 7-7-7z\" fill=\"#2ca02c\"><title>{2} (iteration {3}, epoch {4})"
            "</title></path>\n",
            svg::coord(x), svg::coord(mid - 7), svg::escape(c.file), c.iteration, c.epoch);
    }
    for (const auto& r : run.resumes) {
        const double x = f.px(static_cast<double>(r.iteration));
        out += fmt::format(
            "<line x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#d62728\" stroke-width=\"2\" "
            "stroke-dasharray=\"5 3\"><title>resumed at iteration {3} from {4}</title></line>"
            "<text class=\"tick\" x=\"{5}\" y=\"{6}\" fill=\"#d62728\">resumed</text>\n",
            svg::coord(x), svg::coord(f.top), svg::coord(base), r.iteration, svg::escape(r.checkpoint),
            svg::coord(x + 4), svg::coord(f.top + 10));
    }
    if (saves == 0 && run.resumes.empty()) out += svg::note(f, "no checkpoint saved, no resume");
    out += svg::legend(f, {{"checkpoint saved", "#2ca02c", "diamond"}, {"resumed", "#d62728", "dash"}});
    return out + "</svg>\n";
}

}  // namespace ignite_report
