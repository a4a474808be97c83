#pragma once
// Histograms binned as torch.utils.tensorboard's add_histogram(bins="tensorflow") and its
// make_histogram (torch/utils/tensorboard/{writer,summary}.py), so our histograms look like
// the ones PyTorch users know:
//  - edges: -1e20..-1e-12, 0, 1e-12*1.1^k..(< 1e20), made by the same repeated multiply;
//  - numpy.histogram's buckets: [e_i, e_i+1), the last one closed; values outside dropped;
//  - only the range from the first to the last non-empty bucket is kept, plus one empty
//    bucket before it (TensorBoard shows right edges only, so the left edge needs it);
//  - min, max, num, sum, sum_squares over the values.
// Differences, on purpose: counts are exact integers held as doubles (exact to 2^53, where a
// float32 count loses exactness beyond 2^24); a non-finite value is left out of everything
// (make_histogram would fail on it: TensorBoard's histograms reject them), and a tensor with
// no finite value gives no histogram.
// A constant tensor (all values equal) gives the two buckets make_histogram gives: an empty
// one ending at the value's bucket's left edge, and the value's bucket holding every count;
// TensorBoard draws it as one bar.
#include "tfevents_encoder.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace ignite::tfevents {

/// The default edges (torch's SummaryWriter.default_bins), computed once.
const std::vector<double>& default_bins();

/// Accumulates values into the default bins; finish() makes the HistogramProto.
class HistogramBuilder {
public:
    HistogramBuilder();
    /// Adds `count` copies of `x` (non-finite x is ignored).
    void add(double x, std::uint64_t count = 1);
    void add(const float* values, std::size_t n);
    void add(const double* values, std::size_t n);
    /// The histogram, or nullopt when no finite value was added.
    [[nodiscard]] std::optional<Histogram> finish() const;

private:
    std::vector<std::uint64_t> counts_;  // one per bucket between consecutive edges
    std::uint64_t num_ = 0;
    double min_ = 0, max_ = 0, sum_ = 0, sum_squares_ = 0;
};

}  // namespace ignite::tfevents
