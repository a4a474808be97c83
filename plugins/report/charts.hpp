#pragma once
// The chart kinds of the page, one file each: line_chart.cpp (loss, metrics, lr, throughput),
// heatmap_chart.cpp (confusion matrix), timeline_chart.cpp (checkpoint saves and resumes).
// Each returns one inline <svg> carrying data-chart="NAME" data-points="N" (N: the data points
// it plots from the run; a smoothed copy of a series is not counted again), so tests and
// scripts can count what a page shows without a browser.

#include "run_data.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace ignite_report {

struct LineSeries {
    std::string label;
    std::vector<Point> points;  ///< non-finite y: a gap in the line, no marker
    enum class Style { line, faint_line, dots, line_dots } style = Style::line;
    std::size_t colour = 0;  ///< palette index
    bool counted = true;     ///< counts towards data-points (false for a smoothed copy)
};

struct Highlight {
    Point at;
    std::string label;  ///< e.g. "best 0.912 (epoch 3)"
};

struct LineChart {
    std::string name;  ///< data-chart
    std::string title;
    std::string x_label, y_label;
    std::vector<LineSeries> series;
    std::vector<Highlight> highlights;  ///< marked with a ring and a label
    bool integer_x = false;             ///< x is epochs: ticks on whole numbers
    bool log_y = false;                 ///< allowed: used when every y is > 0 and they span > 1000x
    std::vector<double> x_marks;        ///< light vertical lines (epoch ends on an iteration axis)
    std::vector<double> resume_marks;   ///< red dashed lines labelled "resumed" (where a resumed run went on)
    double width = 640, height = 260;   ///< the viewBox; the page scales it to its column
};

[[nodiscard]] std::string render_line_chart(const LineChart& chart);

/// The matrix as a heat map (each row shaded by its share of the row's samples: recall), counts
/// written in the cells. data-points = rows x columns.
[[nodiscard]] std::string render_heatmap(const MatrixValue& m);

/// Checkpoint saves and resumes over the trainer's iterations, epoch ends marked.
/// data-points = saves + resumes.
[[nodiscard]] std::string render_timeline(const RunData& run);

}  // namespace ignite_report
