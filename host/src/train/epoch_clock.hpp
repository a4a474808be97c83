#pragma once
// The trainer's epoch clock on a GPU. The engine times an epoch (state.times
// ["EPOCH_COMPLETED"], which metrics.jsonl's epoch_seconds and every plugin read) up to its
// last iteration's handlers; on CUDA the host only queues the steps, so without a wait the
// clock would stop while the device still works through the epoch's last batches, and
// samples_per_second would count queued work as done. One device synchronisation at the
// end of each epoch costs nothing: the epoch's mean loss (avg_loss) reads the device right
// after anyway.

#include <ignite/core/engine.hpp>

#include <c10/core/Device.h>

namespace ignite::host {

/// On a CUDA `device`, makes `trainer` wait for the device at the end of each epoch's last
/// iteration (ITERATION_COMPLETED, inside the epoch's time); on other devices does nothing.
void stop_epoch_clock_on_device(ignite::Engine& trainer, const c10::Device& device);

}  // namespace ignite::host
