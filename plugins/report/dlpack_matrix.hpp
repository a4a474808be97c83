#pragma once
// A matrix metric (confusion_matrix) handed over as a DLPack tensor (ABI 1.6 metric_tensor: an
// owned CPU tensor) read into rows of doubles for the page. Header-only, plugin side: the page
// library itself knows nothing of DLPack or the SDK.

#include <ignite/plugin.h>

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace ignite_report {

// A 2-D DLPack tensor (int or float, CPU) as rows of doubles; empty for any other shape.
inline std::vector<std::vector<double>> matrix_of(const DLTensor& t) {
    std::vector<std::vector<double>> out;
    if (t.ndim != 2 || t.device.device_type != kDLCPU) return out;
    const auto rows = t.shape[0], cols = t.shape[1];
    const auto rs = t.strides ? t.strides[0] : cols, cs = t.strides ? t.strides[1] : 1;
    const auto* base = static_cast<const char*>(t.data) + t.byte_offset;
    for (std::int64_t i = 0; i < rows; ++i) {
        std::vector<double> row;
        for (std::int64_t j = 0; j < cols; ++j) {
            const auto k = i * rs + j * cs;
            double v = std::numeric_limits<double>::quiet_NaN();
            if (t.dtype.code == kDLFloat && t.dtype.bits == 64)
                v = reinterpret_cast<const double*>(base)[k];
            else if (t.dtype.code == kDLFloat && t.dtype.bits == 32)
                v = reinterpret_cast<const float*>(base)[k];
            else if (t.dtype.code == kDLInt && t.dtype.bits == 64)
                v = double(reinterpret_cast<const std::int64_t*>(base)[k]);
            else if (t.dtype.code == kDLInt && t.dtype.bits == 32)
                v = reinterpret_cast<const std::int32_t*>(base)[k];
            row.push_back(v);
        }
        out.push_back(std::move(row));
    }
    return out;
}

}  // namespace ignite_report
