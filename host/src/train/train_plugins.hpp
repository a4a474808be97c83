#pragma once
// The plugins of a training run: which are loaded, and the metrics they declare that the
// evaluator computes.

#include "train_options.hpp"
#include "training.hpp"

#include <ignite/runtime/bridge.hpp>

#include <filesystem>
#include <optional>

namespace ignite::host {

/// Opens the run's plugins on `training`'s trainer and evaluator (the evaluator only when it
/// runs: --eval-every > 0), offering the host's components: the default progress bar (unless
/// --no-default-plugins; skipped with a warning when not found), the lr_schedule component
/// with --lr-schedule cosine (its start_value defaulting to --lr), then every --plugin in order
/// with its validated --plugin-opt values; attaches each --metric, which a loaded plugin must declare, to the evaluator, and
/// declares the evaluator's metrics (has_metric). The caller then sets the run's facts and
/// calls plugins.init(), so the plugins register their handlers after the metrics (metrics
/// compute before loggers read them). Throws UsageError or PluginError (exit 2).
void open_plugins(PluginHost& plugins, Training& training, const TrainOptions& options);

/// The checkpoint plugin's folder: its `dirname` option, a relative one inside --output-dir
/// (as the plugin resolves it: plugins/checkpoint); nullopt when the plugin is not loaded.
std::optional<std::filesystem::path> checkpoint_folder(const PluginHost& plugins, const TrainOptions& options);

}  // namespace ignite::host
