#include "lr_find_files.hpp"

#include <charts.hpp>
#include <svg.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace ignite::host {

std::string lr_find_csv(const FastaiLRFinder::History& h) {
    std::string out = "lr,loss,smoothed_loss\n";
    for (std::size_t i = 0; i < h.lr.size(); ++i) out += fmt::format("{},{},{}\n", h.lr[i], h.raw_loss[i], h.loss[i]);
    return out;
}

std::string lr_find_html(const FastaiLRFinder::History& h, const LrFindPage& page) {
    namespace r = ignite_report;
    const auto x = [&](double lr) { return page.log_x ? std::log10(lr) : lr; };
    r::LineChart chart;
    chart.name = "lr_find";
    chart.title = "loss against the learning rate";
    chart.x_label = page.log_x ? "learning rate (log10)" : "learning rate";
    chart.y_label = "loss";
    r::LineSeries raw{.label = "loss", .style = r::LineSeries::Style::faint_line, .colour = 0, .counted = false};
    r::LineSeries smoothed{.label = "smoothed loss", .style = r::LineSeries::Style::line, .colour = 0};
    for (std::size_t i = 0; i < h.lr.size(); ++i) {
        raw.points.push_back({x(h.lr[i]), h.raw_loss[i]});
        smoothed.points.push_back({x(h.lr[i]), h.loss[i]});
    }
    chart.series = {raw, smoothed};
    if (page.suggestion) {
        const auto it = std::find(h.lr.begin(), h.lr.end(), *page.suggestion);
        if (it != h.lr.end()) {
            const auto i = static_cast<std::size_t>(it - h.lr.begin());
            chart.highlights.push_back(
                {{x(h.lr[i]), h.loss[i]}, fmt::format("suggested lr {}", r::svg::number(*page.suggestion))});
        }
    }
    return fmt::format(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{0}</title>\n"
        "<style>body{{font-family:system-ui,sans-serif;max-width:760px;margin:2em auto;color:#222}}"
        "svg{{width:100%;height:auto}}</style></head>\n<body>\n<h1>{0}</h1>\n<p>{1}</p>\n{2}\n</body></html>\n",
        r::svg::escape(page.title), r::svg::escape(page.summary), r::render_line_chart(chart));
}

}  // namespace ignite::host
