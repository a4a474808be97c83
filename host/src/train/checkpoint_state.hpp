#pragma once
// What `ignite-host train` saves in a checkpoint, and how a run is restored from one. One
// dict, laid out as Ignite's Checkpoint lays out `to_save`, so Python's
// torch.load(weights_only=True) and Ignite's Checkpoint.load_objects read it:
//   "model":        the model's state_dict (PyTorch names: fc1.weight, ...)
//   "optimizer":    PyTorch's optimizer state_dict (ignite/core/optimizer_state.hpp)
//   "trainer":      the trainer's state_dict (Ignite's, plus "rng_states": DeterministicEngine)
//   "ignite_host":  {"format": 1, "model", "dataset", "train_samples" (the training split after
//                    --limit), "val_samples" (held out of it by --val-split), "batch_size",
//                    "seed", "optimizer", "lr_schedule", "epochs", "drop_last", "shuffle"}: what
//                    a resume checks, so a checkpoint never silently continues another run
//                    ("lr_schedule" and "epochs" are records: the schedule checks its own state).
//   "input_transform": {"scale", "mean", "std"}: the model's input is (x * scale - mean) / std
//                    of the raw pixels x (0..255 for Fashion-MNIST); a top-level entry of
//                    plain floats so Python reads it as ckpt["input_transform"]["mean"].
//                    Decision: its own entry, not inside ignite_host, because it is for
//                    whoever uses the model, not a resume check.
//   STATE_KEY:      then each participant's state (a plugin's uint8 tensor or the value of
//                   its JSON state, a component's value), added by PluginHost; e.g.
//                   "lr_scheduler", Ignite's CosineAnnealingScheduler state_dict, from the
//                   lr_schedule component (--lr-schedule cosine, the default;
//                   components/lr_schedule.hpp).

#include "train_options.hpp"
#include "training.hpp"

#include <ignite/runtime/bridge.hpp>

#include <ATen/core/ivalue.h>

#include <string>
#include <vector>

namespace ignite::host {

/// The keys of the host's own entries above, in that order (participants may not use them as
/// state_key). One table in checkpoint_state.cpp gives these, checkpoint_entries and what
/// restore_checkpoint restores.
[[nodiscard]] const std::vector<std::string>& host_checkpoint_keys();

/// The host's entries of `training` now (without the plugins' states, which PluginHost
/// adds: PluginHost::set_checkpoint_source).
[[nodiscard]] c10::impl::GenericDict checkpoint_entries(const TrainOptions& options, Training& training);

/// Checks that `checkpoint` (from checkpoint::load) belongs to a run with these options:
/// same model, dataset, dataset size, validation split, batch size, optimizer, seed, drop-last
/// and shuffle (its ignite_host entry), then that its entries fit this run: model shapes,
/// optimizer kind and parameter count, the trainer's epoch_length, and, when `plugins` opened
/// the lr_schedule component, its cycle (LrSchedule::check_resume: a run with the schedule
/// needs its entry). A checkpoint without ignite_host (Python Ignite's Checkpoint({"model",
/// "optimizer", "trainer"})) is checked by its entries only, and one line says which options
/// could not be checked. Throws UsageError (exit 2) naming the file, the first difference and
/// the fix; call it after plugins.open() and before anything is written (the plugins' init).
void check_resumable(const std::string& path, const c10::IValue& checkpoint, const TrainOptions& options,
                     Training& training, const PluginHost& plugins);

/// Restores model, optimizer, trainer and the participants' states from `checkpoint` and
/// seeks the training loader to the trainer's iteration, so the next trainer->run continues
/// where the checkpoint was taken. Call after the plugins' init. Throws UsageError naming the
/// file and the entry that does not fit (nothing meaningful is left half-restored: the run
/// does not start).
void restore_checkpoint(const std::string& path, const c10::IValue& checkpoint, Training& training,
                        PluginHost& plugins);

/// The trainer's iteration stored inside `checkpoint`, or -1 when it holds none.
[[nodiscard]] std::int64_t checkpoint_iteration(const c10::IValue& checkpoint);

}  // namespace ignite::host
