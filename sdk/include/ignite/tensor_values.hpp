// A DLPack tensor's elements as doubles, for plugins that log what a metric tensor holds
// (Engine::metric_tensor: a confusion matrix's counts, per-class scores). Header-only C++17;
// part of the SDK so the loggers (tensorboard, csv, report) share one reader of dtypes and
// strides instead of each keeping its own.
#pragma once

#include "plugin.h"  // beside this file: DLTensor

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace ignite::sdk {
inline namespace v1 {

/// Whether tensor_values reads this dtype: float32/64, int8..64, uint8, bool (one lane).
inline bool dtype_readable(DLDataType dtype) {
    if (dtype.lanes != 1) return false;
    switch (static_cast<int>(dtype.code)) {
        case kDLFloat:
            return dtype.bits == 64 || dtype.bits == 32;
        case kDLInt:
            return dtype.bits == 64 || dtype.bits == 32 || dtype.bits == 16 || dtype.bits == 8;
        case kDLUInt:
        case 6:  // kDLBool (DLPack >= 0.8; Debian's 0.6 header has no name for it)
            return dtype.bits == 8;
        default:
            return false;
    }
}

namespace detail {
// One element at byte address `p` as a double; NaN for a dtype dtype_readable refuses (complex,
// bfloat16, half). Read with memcpy: a DLPack tensor promises no alignment beyond its dtype's.
inline double element_at(const char* p, DLDataType dtype) {
    const auto read = [p](auto value) {
        std::memcpy(&value, p, sizeof value);
        return static_cast<double>(value);
    };
    switch (static_cast<int>(dtype.code)) {
        case kDLFloat:
            if (dtype.bits == 64) return read(double{});
            if (dtype.bits == 32) return read(float{});
            break;
        case kDLInt:
            if (dtype.bits == 64) return read(std::int64_t{});
            if (dtype.bits == 32) return read(std::int32_t{});
            if (dtype.bits == 16) return read(std::int16_t{});
            if (dtype.bits == 8) return read(std::int8_t{});
            break;
        case kDLUInt:
        case 6:
            if (dtype.bits == 8) return read(std::uint8_t{});
            break;
        default:
            break;
    }
    return std::numeric_limits<double>::quiet_NaN();
}
}  // namespace detail

/// Every element of `t` in row-major order (its strides honoured; a 0-dim tensor gives one),
/// as doubles: an element of a dtype a metric never has is NaN. A tensor not on the CPU gives
/// none (metric_tensor's are always CPU copies).
inline std::vector<double> tensor_values(const DLTensor& t) {
    std::vector<double> out;
    if (t.device.device_type != kDLCPU || t.ndim < 0) return out;
    std::int64_t count = 1;
    for (std::int32_t k = 0; k < t.ndim; ++k) count *= t.shape[k];
    out.reserve(static_cast<std::size_t>(count > 0 ? count : 0));
    const auto* base = static_cast<const char*>(t.data) + t.byte_offset;
    const auto bytes = static_cast<std::int64_t>((t.dtype.bits * t.dtype.lanes + 7) / 8);
    for (std::int64_t flat = 0; flat < count; ++flat) {
        // The element's offset in elements: row-major when there are no strides.
        std::int64_t offset = flat;
        if (t.strides) {
            offset = 0;
            std::int64_t rest = flat;
            for (std::int32_t k = t.ndim - 1; k >= 0; --k) {
                offset += (rest % t.shape[k]) * t.strides[k];
                rest /= t.shape[k];
            }
        }
        out.push_back(detail::element_at(base + offset * bytes, t.dtype));
    }
    return out;
}

}  // namespace v1
}  // namespace ignite::sdk
