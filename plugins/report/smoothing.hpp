#pragma once
// TensorBoard's scalar smoothing, exactly as its dashboard computes it (tensorboard's
// scalar card / vz_line_chart2 `resmoothDataset`), so the page's smoothed loss is the curve a
// user sees in TensorBoard with the default slider (0.6):
//   last = 0, n = 0; for each y: if the series is constant or y is not finite, s = y;
//   else last = last*w + (1-w)*y, n += 1, s = last / (1 - w^n)   (the debiased EMA).
// Non-finite points pass through unsmoothed and do not advance the average.

#include <vector>

namespace ignite_report {

inline constexpr double kTensorBoardSmoothing = 0.6;

[[nodiscard]] std::vector<double> tensorboard_smooth(const std::vector<double>& y,
                                                     double weight = kTensorBoardSmoothing);

}  // namespace ignite_report
