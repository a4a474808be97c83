#pragma once
// `empty_cuda_cache`: Ignite's empty_cuda_cache (contrib/engines/common.py) as a component:
// at every trainer EPOCH_COMPLETED a CUDA run hands the caching allocator's unused blocks back
// to the driver (torch.cuda.empty_cache()), so other processes on the GPU see the memory an
// epoch's peak left cached. On a CPU run it registers nothing (Ignite's helper checks
// torch.cuda.is_available() the same way). Loaded by `--preset common`; keeps no state.
//
// Why at::getDeviceAllocator and not c10::cuda::CUDACachingAllocator: the device-generic
// allocator interface needs no CUDA headers, so the host still builds without a CUDA toolkit.

#include "../train_options.hpp"
#include "../training.hpp"

#include <ignite/runtime/participant.hpp>

#include <memory>

namespace ignite::host {

[[nodiscard]] ParticipantSpec empty_cuda_cache_spec();
[[nodiscard]] std::unique_ptr<Component> make_empty_cuda_cache(Training& training, const TrainOptions& options);

}  // namespace ignite::host
