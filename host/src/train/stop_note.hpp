#pragma once
// Who stopped a run's trainer, when and why, in words, for the run's summary line and its
// error line: a component that terminates the trainer (early_stopping, terminate_on_nan,
// time_limit) writes it, the first one only (the first reason is the one that stopped it,
// as Engine::terminate_reason keeps the first reason). Plugins are named by the runtime
// instead (PluginHost::termination).

#include <cstdint>
#include <optional>
#include <string>

namespace ignite::host {

struct StopNote {
    std::string who;   ///< the component, e.g. "early_stopping"
    std::string what;  ///< why, e.g. "no improvement in 3 evaluations; best accuracy 0.81 at epoch 2"
    std::int64_t epoch = 0, iteration = 0;
};

/// Sets `note` unless a stop was noted before.
inline void note_stop(std::optional<StopNote>& note, StopNote stop) {
    if (!note) note = std::move(stop);
}

}  // namespace ignite::host
