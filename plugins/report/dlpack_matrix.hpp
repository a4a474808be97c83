#pragma once
// A matrix metric (confusion_matrix) handed over as a DLPack tensor (ABI 1.6 metric_tensor: an
// owned CPU tensor) read into rows of doubles for the page. Header-only, plugin side: the page
// library itself knows nothing of DLPack or the SDK.

#include <ignite/tensor_values.hpp>

#include <cstddef>
#include <vector>

namespace ignite_report {

// A 2-D DLPack tensor (int or float, CPU) as rows of doubles; empty for any other shape.
inline std::vector<std::vector<double>> matrix_of(const DLTensor& t) {
    std::vector<std::vector<double>> out;
    if (t.ndim != 2) return out;
    const auto values = ignite::sdk::tensor_values(t);  // row-major; empty off the CPU
    const auto cols = static_cast<std::size_t>(t.shape[1]);
    for (std::size_t start = 0; cols > 0 && start + cols <= values.size(); start += cols)
        out.emplace_back(values.begin() + static_cast<std::ptrdiff_t>(start),
                         values.begin() + static_cast<std::ptrdiff_t>(start + cols));
    return out;
}

}  // namespace ignite_report
