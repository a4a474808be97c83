#pragma once
// The in-process components ignite-host offers to a run (components.cpp lists them): the
// run's default `jsonl` writer and `lr_schedule`, loaded by --plugin NAME like any plugin.

#include "train_options.hpp"
#include "training.hpp"

#include <ignite/runtime/bridge.hpp>

#include <vector>

namespace ignite::host {

/// Every component's spec, without a run (for `plugins list` / `plugins inspect`).
[[nodiscard]] std::vector<ParticipantSpec> host_component_specs();

/// Offers every component to `plugins` for this run; `training` and `options` must outlive it.
void offer_host_components(PluginHost& plugins, Training& training, const TrainOptions& options);

}  // namespace ignite::host
