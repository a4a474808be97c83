#include "smoothing.hpp"

#include <algorithm>
#include <cmath>

namespace ignite_report {

std::vector<double> tensorboard_smooth(const std::vector<double>& y, double weight) {
    // TensorBoard compares with ==, so a series holding a NaN is never "constant".
    const bool constant = !y.empty() && std::all_of(y.begin(), y.end(), [&](double v) { return v == y.front(); });
    std::vector<double> out;
    out.reserve(y.size());
    double last = 0;
    int accumulated = 0;
    for (const double v : y) {
        if (constant || !std::isfinite(v)) {
            out.push_back(v);
            continue;
        }
        last = last * weight + (1 - weight) * v;
        ++accumulated;
        const double debias = weight == 1 ? 1 : 1 - std::pow(weight, accumulated);
        out.push_back(last / debias);
    }
    return out;
}

}  // namespace ignite_report
