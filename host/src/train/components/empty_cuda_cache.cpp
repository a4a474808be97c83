#include "empty_cuda_cache.hpp"

#include "cli_common.hpp"

#include <ignite/core/engine.hpp>

#include <c10/core/CachingDeviceAllocator.h>

#include <stdexcept>

namespace ignite::host {
namespace {

class EmptyCudaCache final : public Component {
public:
    explicit EmptyCudaCache(const Training& training) : training_(training) {}

    void init(RunContext& run) override {
        auto* trainer = run.engine("trainer");
        if (trainer == nullptr) throw std::runtime_error("empty_cuda_cache runs on the trainer, and this run has none");
        if (!training_.device.is_cuda()) return;
        const auto label = trainer->label_handlers("empty_cuda_cache");
        trainer->add_event_handler(ignite::Events::EPOCH_COMPLETED, ignite::Priority::host,
                                   [] { c10::getDeviceAllocator(c10::DeviceType::CUDA)->emptyCache(); });
    }

private:
    const Training& training_;
};

}  // namespace

ParticipantSpec empty_cuda_cache_spec() {
    ParticipantSpec spec;
    spec.name = "empty_cuda_cache";
    spec.version = kVersion;
    spec.description =
        "on a CUDA run, empties the CUDA caching allocator at every trainer epoch end (Ignite's empty_cuda_cache)";
    spec.placement = Placement::every_rank;
    spec.priority_band = ignite::Priority::host.value;
    spec.kind = ParticipantKind::component;
    return spec;
}

std::unique_ptr<Component> make_empty_cuda_cache(Training& training, const TrainOptions&) {
    return std::make_unique<EmptyCudaCache>(training);
}

}  // namespace ignite::host
