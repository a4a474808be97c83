#pragma once
// `checkpoint`: Ignite's Checkpoint + DiskSaver for `ignite-host train`, a component
// (participant.hpp) that is a thin shell over core's ignite::Checkpoint
// (core/include/ignite/core/handlers/checkpoint.hpp): core decides which files are kept, names
// them, keeps `_saved` and fires SAVED_CHECKPOINT; this shell says WHEN to save, WHAT the file
// holds (the host's assembled checkpoint: model, optimizer, trainer with its RNG states,
// ignite_host, every participant's state) and WHERE (a durable write into its folder).
//
// Decision record (issue 20 §6; it was a shared-library plugin until then):
//  - A component, not a plugin: plugins include only the SDK, so a plugin cannot use core's
//    Checkpoint, and two copies of Ignite's policy would drift. Name, options, state key
//    (`checkpointer`, Ignite's Checkpoint.state_dict()), files and messages are the plugin's;
//    a `.so` given by path may still replace it (tests/mirror_saver_fixture_plugin.cpp saves
//    through the ABI's checkpoint_bytes as before).
//  - When: `every` K > 0 saves at every K-th trainer ITERATION_COMPLETED, 0 at every trainer
//    EPOCH_COMPLETED; with `score_name` at the evaluator's COMPLETED, scored by
//    score_sign * evaluator.state.metrics[score_name]. The global step is Ignite's (the
//    trainer's iteration without a score, none with one) unless `global_step_transform` names
//    another (`trainer`: Ignite's global_step_from_engine(trainer)). Without a score it also
//    saves when the trainer is terminated (on_terminate) and, with every K, at COMPLETED when
//    the last save was earlier (on_completed): every finished run leaves its final weights.
//  - Never lose a checkpoint (core's order): the new file is written durably, and only then
//    is the worst one deleted and `_saved` updated.
//  - The folder has an owner (issue 17): a relative `dirname` lies inside --output-dir, which
//    the host locks; an absolute one outside it is locked here (FolderLock). A resumed run
//    adopts this policy's earlier files that verify; a new run refuses a folder holding them.
//  - A trainer terminated for bad weights (a NaN loss) is never saved: the last good file
//    stays the newest.
//  - Ignite's last_checkpoint is published as the string attribute state.last_checkpoint of
//    the engine the checkpointer is attached to.

#include <ignite/runtime/bridge.hpp>
#include <ignite/runtime/participant.hpp>

#include <memory>

namespace ignite::host {

struct Training;
struct TrainOptions;

/// The component's name and its state key (Ignite's key for include_self).
inline constexpr const char* kCheckpointName = "checkpoint";
inline constexpr const char* kCheckpointerKey = "checkpointer";

/// The spec: Ignite's option names, state_key checkpointer, rank 0, the checkpoint band, the
/// event checkpoint.SAVED_CHECKPOINT.
[[nodiscard]] ParticipantSpec checkpoint_spec();

/// A checkpointer saving what `plugins` assembles (PluginHost::checkpoint_value); `plugins`
/// must outlive it. A host without a checkpoint source (dry-run) gets it refused at init,
/// one line naming `ignite-host train`.
[[nodiscard]] std::unique_ptr<Component> make_checkpoint_component(PluginHost& plugins);

/// The same for `ignite-host train` (components.cpp's row) (PluginHost::checkpoint_value); `plugins`
/// must outlive it.
[[nodiscard]] std::unique_ptr<Component> make_checkpoint(Training& training, const TrainOptions& options,
                                                         PluginHost& plugins);

}  // namespace ignite::host
