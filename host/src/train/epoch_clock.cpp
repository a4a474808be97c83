#include "epoch_clock.hpp"

#include <torch/cuda.h>

namespace ignite::host {

void stop_epoch_clock_on_device(ignite::Engine& trainer, const c10::Device& device) {
    if (!device.is_cuda()) return;
    const auto index = device.has_index() ? device.index() : -1;
    const auto last_of_epoch = [](ignite::Engine& e, std::int64_t iteration) {
        return e.state.epoch_length && *e.state.epoch_length > 0 && iteration % *e.state.epoch_length == 0;
    };
    // After the loggers' band: whatever they queue for the step is waited for too.
    trainer.add_event_handler(ignite::Events::ITERATION_COMPLETED({.event_filter = last_of_epoch}),
                              ignite::Priority::host, [index] { torch::cuda::synchronize(index); });
}

}  // namespace ignite::host
