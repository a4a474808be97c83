#pragma once
/// @file checkpoint.hpp
/// Ignite's Checkpoint, DiskSaver, Checkpoint::load_objects and global_step_from_engine
/// (ignite/handlers/checkpoint.py, v0.5.3) for programs that use the engine as a library.
/// Where Ignite needs two lines of Python, this needs two of C++:
///
///     ignite::Checkpoint handler({{"model", model}, {"trainer", trainer}},
///                                ignite::DiskSaver("/tmp/models", {.require_empty = false}), {.n_saved = 2});
///     trainer.add_event_handler(ignite::Events::EPOCH_COMPLETED, handler);
///
/// and a resume is `ignite::Checkpoint::load_objects({{"model", model}, {"trainer", trainer}}, path);`.
/// The files are torch's format (checkpoint_file.hpp): Python's torch.load(weights_only=True)
/// and Ignite's own Checkpoint.load_objects read them, and load_objects reads Python's.
///
/// Decision record:
///  - Semantics are Ignite 0.5.3's, replayed line for line against it in
///    tests/checkpoint_handler_test.cpp: which files are kept (n_saved, priorities, ties,
///    greater_or_equal), their names (filename_prefix, filename_pattern, `.4f` scores), the
///    `_saved` state (include_self, state_dict/load_state_dict, reset), last_checkpoint (the
///    best kept file, not the newest) and CheckpointEvents::SAVED_CHECKPOINT after each save.
///  - One difference, on purpose: Ignite deletes the worst file BEFORE writing the new one, so
///    a failed save (disk full, a killed process) can leave no checkpoint at all (n_saved=1)
///    and `_saved` naming a file never written. Here the new file is written first (durably,
///    by DiskSaver), and only then is `_saved` updated and the worst file removed: a save that
///    throws changes nothing. The trace of a successful run is the same.
///  - to_save holds Checkpointable values: anything with Ignite's state_dict /
///    load_state_dict, made implicitly from a torch::nn::Module (its named parameters and
///    buffers, as PyTorch's state_dict), an Engine, a Checkpoint, any object whose
///    state_dict() returns a Dict (CosineAnnealingScheduler...), or from two callables (the
///    hook for what has no such method here, e.g. an optimizer in PyTorch's format).
///  - The handler is a shared handle: `add_event_handler(event, handler)` copies it, and the
///    copy and `handler` are one checkpointer (last_checkpoint, state_dict agree).
///  - Not here: save_on_rank (one process writes; ignite-host's component does placement) and
///    DDP unwrapping (LibTorch modules are not wrapped).

#include <ignite/core/dict.hpp>
#include <ignite/core/engine.hpp>
#include <ignite/core/events.hpp>
#include <ignite/core/handlers/checkpoint_policy.hpp>

#include <ATen/core/ivalue.h>
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <concepts>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace ignite {

class Checkpoint;

/// Ignite's CheckpointEvents.
struct CheckpointEvents {
    /// Fired on the engine a Checkpoint is called with, after each file is written (Ignite
    /// 0.5.3's SAVED_CHECKPOINT). Registered on that engine at the first call; its name is
    /// "checkpoint.SAVED_CHECKPOINT", as ignite-host's checkpoint participant's.
    static Event saved_checkpoint();
};

/// One object of to_save / to_load: how to read its state_dict and how to load one.
class Checkpointable {
public:
    using SaveFn = std::function<c10::IValue()>;
    /// `strict` is load_objects' (PyTorch's load_state_dict(strict=...)); objects other than
    /// modules may ignore it, as Ignite passes it to modules only.
    using LoadFn = std::function<void(const c10::IValue& state, bool strict)>;

    /// From two callables: the hook for any other object (e.g. an optimizer in PyTorch's
    /// format). `load` may be empty for an object that is only saved.
    Checkpointable(SaveFn save, LoadFn load);
    /// A module: its named_parameters() and named_buffers(), detached, as PyTorch's
    /// state_dict() (an OrderedDict of tensors in Python). Loading copies into the module's
    /// tensors; strict: the names must be exactly the module's (TypeError naming the missing
    /// and unexpected ones); a shape that differs is always an error. Borrowed: the module
    /// must outlive this.
    Checkpointable(torch::nn::Module& module);  // NOLINT(google-explicit-constructor)
    template <class M>
    Checkpointable(torch::nn::ModuleHolder<M>& module)  // NOLINT(google-explicit-constructor): torch::nn::Linear...
        : Checkpointable(static_cast<torch::nn::Module&>(*module)) {}
    template <class M>
    requires std::derived_from<M, torch::nn::Module> Checkpointable(const std::shared_ptr<M>& module)  // NOLINT
        : Checkpointable(static_cast<torch::nn::Module&>(*module)) {
        keep_ = module;
    }
    /// Anything with `Dict state_dict() const` and `load_state_dict(const Dict&)`: an Engine
    /// (Ignite's Engine.state_dict), a Checkpoint, a CosineAnnealingScheduler. Borrowed.
    template <class T>
    requires(!std::derived_from<T, torch::nn::Module> && requires(T& t, const Dict& d) {
        { t.state_dict() } -> std::convertible_to<Dict>;
        t.load_state_dict(d);
    }) Checkpointable(T& object)  // NOLINT(google-explicit-constructor)
        : Checkpointable(
              [p = &object] { return dict_value(p->state_dict()); },
              [p = &object](const c10::IValue& v, bool) { p->load_state_dict(value_dict(v)); }) {}

    [[nodiscard]] c10::IValue state_dict() const { return save_(); }
    /// Throws ValueError when the object cannot be loaded (no load callable).
    void load_state_dict(const c10::IValue& state, bool strict = true) const;

    /// A Dict as a checkpoint value (checkpoint::to_value) and back (checkpoint::to_dict).
    [[nodiscard]] static c10::IValue dict_value(const Dict& d);
    [[nodiscard]] static Dict value_dict(const c10::IValue& v);

private:
    SaveFn save_;
    LoadFn load_;
    std::shared_ptr<void> keep_;  // a module given by shared_ptr stays alive
};

/// Ignite's to_save / to_load: names to objects, in order (a Python dict keeps its order).
using ToSave = std::vector<std::pair<std::string, Checkpointable>>;

/// Ignite's save_handler metadata.
struct SaveMetadata {
    std::string basename;    ///< "{filename_prefix}_{name}" (no "_" without a prefix)
    std::string score_name;  ///< "" when none
    double priority = 0;
};

/// Ignite's BaseSaveHandler: writes a checkpoint under a file name and removes one.
class BaseSaveHandler {
public:
    virtual ~BaseSaveHandler() = default;
    /// Writes `checkpoint` as `filename`. Throw to fail the save: the Checkpoint then keeps
    /// its files and `_saved` as they were.
    virtual void operator()(const c10::IValue& checkpoint, const std::string& filename,
                            const SaveMetadata& metadata) = 0;
    /// Removes a file this handler wrote (one that rotates out of `_saved`).
    virtual void remove(const std::string& filename) = 0;
    /// Where `filename` lies, for Checkpoint::last_checkpoint (DiskSaver: dirname/filename).
    [[nodiscard]] virtual std::string location(const std::string& filename) const { return filename; }
};

/// DiskSaver's keyword arguments (Ignite's defaults).
struct DiskSaverOptions {
    /// Writes durably (checkpoint::save: temporary in the folder, fsync, rename, fsync of the
    /// folder), so a crash leaves the old file or the new one, never a torn one. Ignite's
    /// atomic=True is a temporary and a rename without fsync. false: written in place.
    bool atomic = true;
    bool create_dir = true;     ///< creates dirname (with parents) when missing
    bool require_empty = true;  ///< refuses a dirname that already holds a `.pt` file
};

/// Ignite's DiskSaver: the files go into `dirname` as torch.save would write them.
class DiskSaver final : public BaseSaveHandler {
public:
    /// Throws ValueError (Ignite's messages) when dirname is missing and create_dir is false,
    /// or when require_empty and it holds a `.pt` file; io::WriteError when it cannot be
    /// created.
    explicit DiskSaver(std::filesystem::path dirname, DiskSaverOptions options = {});
    /// Throws checkpoint::FileError for a value outside the file format, io::WriteError
    /// when writing fails; with atomic the earlier file of that name is then untouched.
    void operator()(const c10::IValue& checkpoint, const std::string& filename, const SaveMetadata& metadata) override;
    /// Deletes dirname/filename (nothing when it is already gone).
    void remove(const std::string& filename) override;
    [[nodiscard]] std::string location(const std::string& filename) const override;
    [[nodiscard]] const std::filesystem::path& dirname() const noexcept { return dirname_; }

private:
    std::filesystem::path dirname_;
    DiskSaverOptions options_;
};

/// A checkpoint's score: an int prints as itself in file names ("=3"), any other number
/// with 4 decimals ("=0.7700"), as Ignite's f"{p}" / f"{p:.4f}".
struct Score {
    double value = 0;
    bool integral = false;
    template <class T>
    requires std::is_arithmetic_v<T> Score(T v)  // NOLINT(google-explicit-constructor)
        : value(static_cast<double>(v)), integral(std::is_integral_v<T>) {}
};

/// Ignite's Checkpoint keyword arguments, in its order (designated initializers:
/// `{.n_saved = 2, .score_name = "accuracy"}` is out of order; write them in this order).
struct CheckpointOptions {
    std::string filename_prefix;
    /// The priority of a checkpoint (higher is better); empty: the global step.
    std::function<Score(Engine&)> score_function;
    /// Named in file names; alone (no score_function) it scores by
    /// score_sign * engine.state.metrics[score_name] (Ignite's get_default_score_fn).
    std::string score_name;
    /// Files kept; nullopt keeps every file (Ignite's None). Must be >= 1.
    std::optional<std::int64_t> n_saved = 1;
    /// (engine, event) -> the global step in file names (and, without a score, the priority);
    /// global_step_from_engine(trainer) gives the trainer's counter of the event.
    std::function<std::int64_t(Engine&, Event)> global_step_transform;
    /// Python str.format fields {filename_prefix} {name} {score} {score_name} {global_step}
    /// {ext}; "" is Ignite's default pattern.
    std::string filename_pattern;
    /// Adds this checkpointer's state_dict under "checkpointer" to each file.
    bool include_self = false;
    /// A score equal to the worst kept one replaces it (default: the first equal ones stay).
    bool greater_or_equal = false;
    /// The sign of the default score function (1: higher metric is better, -1: lower).
    double score_sign = 1.0;
};

/// Ignite's global_step_from_engine: the counter `engine` has for the event (or for
/// `custom_event` when given): iteration for ITERATION_* and GET_BATCH_*, epoch for EPOCH_*,
/// STARTED and COMPLETED, a custom event's mapped attribute. `engine` is borrowed.
[[nodiscard]] std::function<std::int64_t(Engine&, Event)> global_step_from_engine(
    Engine& engine, std::optional<Event> custom_event = std::nullopt);

/// Ignite's Checkpoint handler (see the file comment).
class Checkpoint {
public:
    /// Throws ValueError (Ignite's messages) for an empty to_save, a key used twice, a key
    /// "checkpointer" with include_self, n_saved < 1, a bad filename_pattern or names that are
    /// not plain file names.
    Checkpoint(ToSave to_save, std::shared_ptr<BaseSaveHandler> save_handler, CheckpointOptions options = {});
    /// A save handler by value (DiskSaver(...)), shared from then on.
    template <class S>
    requires std::derived_from<std::decay_t<S>, BaseSaveHandler> Checkpoint(ToSave to_save, S&& save_handler,
                                                                          CheckpointOptions options = {})
        : Checkpoint(std::move(to_save), std::make_shared<std::decay_t<S>>(std::forward<S>(save_handler)),
                     std::move(options)) {}
    /// A folder: Ignite's `Checkpoint(to_save, "path")`, a DiskSaver(path) with create_dir.
    Checkpoint(ToSave to_save, const std::filesystem::path& dirname, CheckpointOptions options = {});

    /// Ignite's __call__: saves when the priority makes it into the kept list, then fires
    /// SAVED_CHECKPOINT on `engine`. Throws ValueError when a transform or score function
    /// fails Ignite's checks, and what the save handler throws (nothing is changed then).
    void operator()(Engine& engine) const;

    /// Ignite's last_checkpoint: the save handler's location of the best kept file (the
    /// latest among equals); nullopt while nothing is kept.
    [[nodiscard]] std::optional<std::string> last_checkpoint() const;
    /// Ignite's `_saved`, worst first.
    [[nodiscard]] std::vector<checkpoint::Item> saved() const;
    /// {"_saved": [(priority, filename), ...]}; during a save (a to_save object's state_dict,
    /// include_self) it already lists the file being written, as Ignite's does.
    [[nodiscard]] Dict state_dict() const;
    /// Restores `_saved`; throws ValueError without "_saved", TypeError for a malformed one.
    void load_state_dict(const Dict& state) const;
    /// Forgets `_saved` (Ignite's reset(), for several runs).
    void reset() const;
    /// The save handler.
    [[nodiscard]] const std::shared_ptr<BaseSaveHandler>& save_handler() const noexcept;

    /// Ignite's load_objects: loads each object of `to_load` from `checkpoint` (a value read
    /// by checkpoint::load, or Python's torch.save'd dict). With one object whose key the
    /// checkpoint lacks, the whole checkpoint is that object's state (a file of one
    /// object). Otherwise every key must be present: ValueError naming the first missing.
    /// `strict` goes to modules. Throws TypeError for a checkpoint that is not a dict.
    static void load_objects(const ToSave& to_load, const c10::IValue& checkpoint, bool strict = true);
    /// The same from a file (checkpoint::load: CRC-checked; checkpoint::FileError).
    static void load_objects(const ToSave& to_load, const std::filesystem::path& path, bool strict = true);
    static void load_objects(const ToSave& to_load, const char* path, bool strict = true) {
        load_objects(to_load, std::filesystem::path(path), strict);
    }
    static void load_objects(const ToSave& to_load, const std::string& path, bool strict = true) {
        load_objects(to_load, std::filesystem::path(path), strict);
    }

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace ignite
