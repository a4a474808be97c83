#pragma once
// The plugins of a training run: which are loaded, and the metrics they declare that the
// evaluator computes.

#include "train_options.hpp"
#include "training.hpp"

#include <ignite/runtime/bridge.hpp>

namespace ignite::host {

/// Opens the run's plugins on `training`'s trainer and evaluator: the default progress bar
/// (unless --no-default-plugins; skipped with a warning when not found), then every
/// --plugin in order with its validated --plugin-opt values; attaches each --metric, which a
/// loaded plugin must declare, to the evaluator; then lets the plugins register their
/// handlers (after the metrics, so metrics compute before loggers read them). Throws
/// UsageError or PluginError (exit 2).
void attach_plugins(PluginHost& plugins, Training& training, const TrainOptions& options);

}  // namespace ignite::host
