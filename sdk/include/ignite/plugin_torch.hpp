// For plugins that link LibTorch: a borrowed DLPack tensor (a metric's update arguments,
// Engine::borrow_tensor) viewed as an at::Tensor over the same memory, without copying and
// without taking ownership (the view never calls the DLPack deleter; the host frees the
// tensor when the callback returns, so do not keep the view, or clone() it).
//
//   void update(const DLManagedTensor* y_pred, const DLManagedTensor* y) override {
//       const at::Tensor p = ignite::sdk::tensor_view(y_pred, "y_pred");
//       ...
//   }
//
// Include LibTorch's headers through this one: it selects ATen's DLPack header for
// plugin.h (IGNITE_DLPACK_HEADER), which LibTorch 2.x needs.
#pragma once

#ifndef IGNITE_DLPACK_HEADER
#define IGNITE_DLPACK_HEADER "ATen/dlpack.h"
#endif

#include <ignite/plugin.hpp>

#include <ATen/ATen.h>
#include <ATen/DLConvertor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ignite::sdk {
inline namespace v1 {

/// `t` as an ATen tensor sharing its memory (CPU, pinned host or CUDA), never owning it.
/// Throws Error(IGNITE_ERR_TYPE) naming `what` for a device or dtype ATen cannot view.
inline at::Tensor tensor_view(const DLManagedTensor* t, const char* what = "tensor") {
    if (!t) throw Error(IGNITE_ERR_INVALID_ARGUMENT, std::string(what) + " is null");
    const DLTensor& d = t->dl_tensor;
    at::Device device(at::kCPU);
    switch (d.device.device_type) {
        case kDLCPU:
        case kDLCUDAHost:
            break;
        case kDLCUDA:
            device = at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(d.device.device_id));
            break;
        default:
            throw Error(IGNITE_ERR_TYPE, std::string(what) + " is on an unsupported device (DLPack device type " +
                                             std::to_string(d.device.device_type) + ")");
    }
    at::ScalarType type{};
    try {
        type = at::toScalarType(d.dtype);
    } catch (const std::exception&) {
        throw Error(IGNITE_ERR_TYPE, std::string(what) + " has an unsupported DLPack dtype (code " +
                                         std::to_string(d.dtype.code) + ", " + std::to_string(d.dtype.bits) + " bits)");
    }
    std::vector<std::int64_t> sizes(d.shape, d.shape + d.ndim);
    std::vector<std::int64_t> strides(static_cast<std::size_t>(d.ndim));
    if (d.strides) {
        strides.assign(d.strides, d.strides + d.ndim);
    } else {  // compact row-major
        std::int64_t s = 1;
        for (int i = d.ndim - 1; i >= 0; --i) {
            strides[static_cast<std::size_t>(i)] = s;
            s *= sizes[static_cast<std::size_t>(i)];
        }
    }
    void* data = static_cast<char*>(d.data) + d.byte_offset;
    return at::from_blob(data, sizes, strides, at::TensorOptions().dtype(type).device(device));
}

}  // namespace v1
}  // namespace ignite::sdk
