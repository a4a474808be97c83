#include "tfevents_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace ignite::tfevents {

const std::vector<double>& default_bins() {
    static const std::vector<double> edges = [] {
        std::vector<double> pos, out;
        for (double v = 1e-12; v < 1e20; v *= 1.1) pos.push_back(v);  // torch's loop, same rounding
        out.reserve(2 * pos.size() + 1);
        for (auto it = pos.rbegin(); it != pos.rend(); ++it) out.push_back(-*it);
        out.push_back(0.0);
        out.insert(out.end(), pos.begin(), pos.end());
        return out;
    }();
    return edges;
}

HistogramBuilder::HistogramBuilder() : counts_(default_bins().size() - 1, 0) {}

void HistogramBuilder::add(double x, std::uint64_t count) {
    if (!std::isfinite(x) || count == 0) return;
    const auto& e = default_bins();
    if (num_ == 0) {
        min_ = max_ = x;
    } else {
        min_ = std::min(min_, x);
        max_ = std::max(max_, x);
    }
    num_ += count;
    sum_ += x * static_cast<double>(count);
    sum_squares_ += x * x * static_cast<double>(count);
    if (x < e.front() || x > e.back()) return;  // numpy.histogram drops what is outside the edges
    // numpy: bucket i holds [e_i, e_i+1), the last bucket also its right edge.
    std::size_t i = static_cast<std::size_t>(std::upper_bound(e.begin(), e.end(), x) - e.begin());
    i = i == e.size() ? counts_.size() - 1 : i - 1;
    counts_[i] += count;
}

void HistogramBuilder::add(const float* values, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) add(static_cast<double>(values[i]));
}
void HistogramBuilder::add(const double* values, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) add(values[i]);
}

std::optional<Histogram> HistogramBuilder::finish() const {
    if (num_ == 0) return std::nullopt;
    const auto& e = default_bins();
    std::size_t first = counts_.size(), last = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        if (counts_[i] == 0) continue;
        first = std::min(first, i);
        last = i;
    }
    Histogram h;
    h.min = min_;
    h.max = max_;
    h.num = static_cast<double>(num_);
    h.sum = sum_;
    h.sum_squares = sum_squares_;
    if (first == counts_.size()) {  // every finite value beyond +-1e20: no bucket to show
        h.bucket_limit = {e.back()};
        h.bucket = {0};
        return h;
    }
    // make_histogram: counts[start-1 : end] (or [0] + counts[:end] when start is 0) and
    // limits[start : end+1], where end = last + 1.
    if (first > 0) {
        for (std::size_t i = first - 1; i <= last; ++i) h.bucket.push_back(static_cast<double>(counts_[i]));
    } else {
        h.bucket.push_back(0);
        for (std::size_t i = 0; i <= last; ++i) h.bucket.push_back(static_cast<double>(counts_[i]));
    }
    for (std::size_t i = first; i <= last + 1; ++i) h.bucket_limit.push_back(e[i]);
    return h;
}

}  // namespace ignite::tfevents
