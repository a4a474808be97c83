#pragma once
/// @file checkpoint_policy.hpp
/// Ignite's Checkpoint policy (ignite/handlers/checkpoint.py, v0.5.3), without I/O: which
/// checkpoints are kept (n_saved, priorities, ties), their file names, and the `_saved` list.
/// ignite::Checkpoint (checkpoint.hpp) and ignite-host's `checkpoint` component build on it;
/// it is plain C++ so tests run it alone.
//
// One deliberate difference from Ignite: plan() only DECIDES; the caller writes the new file
// durably and only then commit()s, which drops the worst file(s) from the list and says which
// to delete. Ignite deletes the worst file before writing the new one, so a failed save can
// leave none (n_saved=1) and `_saved` naming a file never written.

#include <ATen/core/ivalue.h>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace ignite::checkpoint {

/// One kept checkpoint (Ignite's Checkpoint.Item).
struct Item {
    double priority = 0;
    bool integral = true;  ///< an int priority (iteration/epoch), printed without decimals
    std::string filename;  ///< a name inside the checkpoint folder
    friend bool operator==(const Item&, const Item&) = default;
    /// "(PRIORITY, 'FILENAME')", as Python prints the pair (for test failures and logs).
    friend std::ostream& operator<<(std::ostream& out, const Item& item) {
        return out << "(" << item.priority << ", '" << item.filename << "')";
    }
};

struct PolicyOptions {
    std::string filename_prefix;  ///< Ignite's filename_prefix ("" = none)
    /// Ignite's {name}: the saved object's key when there is one ("model"), else "checkpoint".
    std::string name = "checkpoint";
    std::string score_name;    ///< "" = no score: the priority is the global step (iteration)
    /// A score without a score_name (Ignite: a score_function alone): names end in _{score}.
    bool scored_without_name = false;
    std::int64_t n_saved = 1;  ///< 0 = keep every file (Ignite's n_saved=None)
    bool greater_or_equal = false;
    /// With a score_name: whether the default file names carry the global step (Ignite: when
    /// a global_step_transform is given), as in best_checkpoint_3_accuracy=0.7700.pt; without
    /// one the step is always in the name (it is the priority).
    bool scored_names_have_step = false;
    /// Ignite's filename_pattern ("" = its default pattern): Python format fields
    /// {filename_prefix} {name} {score} {score_name} {global_step} {ext}; a field that is not
    /// set renders "None", as str.format does with Ignite's None.
    std::string filename_pattern;
};

/// What saving a checkpoint now would do.
struct Plan {
    std::string filename;             ///< the file to write
    std::vector<Item> saved;          ///< `_saved` once the file is written
    std::vector<std::string> remove;  ///< files to delete once it is written (never `filename`)
};

class Policy {
public:
    /// Throws std::invalid_argument when filename_pattern names another field or has an
    /// unmatched brace, or when the names (pattern or prefix) have a '/', are "." or "..",
    /// or are hidden (start with '.').
    explicit Policy(PolicyOptions options);

    /// Ignite's __call__ up to the save: nullopt when the priority does not make it into the
    /// kept list (list full and priority < the worst kept one, or <= without
    /// greater_or_equal; NaN never does once the list is full). `global_step` is part of the
    /// name when given (Ignite: always without a score: the iteration).
    [[nodiscard]] std::optional<Plan> plan(double priority, bool integral,
                                           std::optional<std::int64_t> global_step) const;
    /// The plan's file is durably written: `_saved` becomes plan.saved.
    void commit(const Plan& plan) { saved_ = plan.saved; }

    /// Ignite's file name: {prefix}_{name}_{global_step}_{score_name}={score}.pt with each part
    /// only when set.
    [[nodiscard]] std::string filename(double priority, bool integral, std::optional<std::int64_t> global_step) const;
    /// The priority (and global step) a file name of this policy encodes, for adopting an
    /// earlier run's files; nullopt for any other name (and for every name when a
    /// filename_pattern holds neither {score} with a score_name nor {global_step}).
    [[nodiscard]] std::optional<Item> parse(std::string_view filename) const;

    /// Ignite's `_saved`, worst first (stable by insertion among equal priorities).
    [[nodiscard]] const std::vector<Item>& saved() const noexcept { return saved_; }
    /// Replaces `_saved` (adopted files or a loaded state), sorted as Ignite keeps it.
    void set_saved(std::vector<Item> items);

    /// Ignite's Checkpoint.state_dict(), {"_saved": [(priority, filename), ...]}: an int
    /// priority as a Python int, any other as a float, each pair a tuple.
    [[nodiscard]] static c10::IValue state_value(const std::vector<Item>& items);
    /// The inverse, also of Python's state_dict read back (pairs as tuples or lists, a None
    /// priority as NaN) and of the JSON state the checkpoint plugin saved (pairs as lists).
    /// Throws std::invalid_argument for anything else, and for a file name with '/'.
    [[nodiscard]] static std::vector<Item> from_state_value(const c10::IValue& state);
    /// The "i|d PRIORITY FILENAME" lines the checkpoint plugin saved before 1.1 (as bytes).
    /// Throws std::invalid_argument for a malformed line.
    [[nodiscard]] static std::vector<Item> decode_text(std::string_view text);

    /// Python's f"{p}" for an int priority, f"{p:.4f}" otherwise.
    [[nodiscard]] static std::string priority_text(double priority, bool integral);

private:
    [[nodiscard]] std::string render_pattern(double priority, bool integral,
                                             std::optional<std::int64_t> global_step) const;
    [[nodiscard]] std::optional<Item> parse_pattern(std::string_view filename) const;

    PolicyOptions options_;
    std::vector<Item> saved_;
};

}  // namespace ignite::checkpoint
