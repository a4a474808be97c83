#include "charts.hpp"
#include "svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace ignite_report {

std::string render_heatmap(const MatrixValue& m) {
    const std::size_t n = m.rows.size();
    std::size_t cols = 0;
    for (const auto& r : m.rows) cols = std::max(cols, r.size());
    // Cells of 44 px up to 10 classes, smaller beyond so 100 classes still fit the page width.
    const double cell = n <= 10 ? 44 : std::max(6.0, 560.0 / static_cast<double>(std::max(n, cols)));
    svg::Frame f;
    f.left = 84;
    f.top = 58;
    f.right = 16;
    f.bottom = 20;
    f.width = std::max(420.0, f.left + cell * static_cast<double>(cols) + f.right);
    f.height = f.top + cell * static_cast<double>(n) + f.bottom + 24;
    const std::string title =
        fmt::format("{}: {}, epoch {}", m.name, m.split == "val" ? "validation" : m.split, m.epoch);
    std::string out = svg::open(f, "confusion-matrix", n * cols, title);
    const bool labels = cell >= 18;
    out += fmt::format("<text class=\"label\" x=\"{}\" y=\"38\" text-anchor=\"middle\">predicted class</text>\n",
                       svg::coord(f.left + cell * static_cast<double>(cols) / 2));
    out += fmt::format(
        "<text class=\"label\" transform=\"translate(16 {}) rotate(-90)\" text-anchor=\"middle\">true class</text>\n",
        svg::coord(f.top + cell * static_cast<double>(n) / 2));
    for (std::size_t i = 0; i < n; ++i) {
        double row_sum = 0;
        for (const double v : m.rows[i]) row_sum += std::isfinite(v) ? v : 0;
        const double y = f.top + cell * static_cast<double>(i);
        if (labels) {
            out += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                               svg::coord(f.left - 6), svg::coord(y + cell / 2 + 4), i);
        }
        for (std::size_t j = 0; j < m.rows[i].size(); ++j) {
            const double v = m.rows[i][j];
            const double share = row_sum > 0 && std::isfinite(v) ? v / row_sum : 0;
            // White (0) to the palette's blue (1): the share of the true class's samples.
            const int r = static_cast<int>(std::lround(255 - share * (255 - 31)));
            const int g = static_cast<int>(std::lround(255 - share * (255 - 119)));
            const int b = static_cast<int>(std::lround(255 - share * (255 - 180)));
            const double x = f.left + cell * static_cast<double>(j);
            out += fmt::format(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"rgb({},{},{})\" "
                "stroke=\"#ddd\" stroke-width=\"0.5\"><title>true {} predicted {}: {} ({:.1f}% of "
                "class {})</title></rect>",
                svg::coord(x), svg::coord(y), svg::coord(cell), svg::coord(cell), r, g, b, i, j, svg::number(v, 8),
                share * 100, i);
            if (labels) {
                out +=
                    fmt::format("<text class=\"cell\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{}\">{}</text>",
                                svg::coord(x + cell / 2), svg::coord(y + cell / 2 + 4), share > 0.55 ? "#fff" : "#222",
                                svg::number(v, 6));
            }
        }
        out += "\n";
    }
    if (labels) {
        for (std::size_t j = 0; j < cols; ++j) {
            out += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                               svg::coord(f.left + cell * (static_cast<double>(j) + 0.5)), svg::coord(f.top - 6), j);
        }
    }
    out += fmt::format(
        "<text class=\"tick\" x=\"{}\" y=\"{}\">shade: share of the true class's samples "
        "(the diagonal is each class's recall)</text>\n",
        svg::coord(f.left), svg::coord(f.height - 10));
    return out + "</svg>\n";
}

}  // namespace ignite_report
