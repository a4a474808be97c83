#pragma once
/// @file lr_finder.hpp
/// Ignite's FastaiLRFinder: the learning-rate range test.
///
/// Decision record (issue 20 §4):
///  - Python's `with finder.attach(trainer, to_save) as t: t.run(data)` is a scope here:
///    `auto attached = finder.attach(trainer, optimizer, model_tensors, options);
///    trainer.run(data, ...);` and when `attached` goes, the handlers are removed and the model's
///    tensors, the optimizer (state and parameter groups), the trainer's state and torch's CPU
///    random generator are put back bit for bit (Ignite restores through a temporary file and
///    leaves the generator advanced).
///  - By default each loss is recorded with the learning rate that PRODUCED it, and the first
///    iteration runs at start_lr: iteration k (from 1) runs at point k-1 of the schedule
///    (exp: start * (end/start)^((k-1)/num_iter), linear: start + (end-start)(k-1)/num_iter),
///    so the curve goes from start_lr to end_lr over num_iter + 1 points, as many iterations as
///    Ignite runs. Ignite 0.5.3 records the rate of the NEXT iteration (notes E16: its last
///    entry is past end_lr) and runs the first iteration at a rate derived from the optimizer's
///    own (exp) or at the optimizer's own (linear). LrHistory::ignite reproduces that, rates
///    applied and recorded, for conformance; the losses, the smoothing, the stop and the index
///    of the suggestion are the same in both.
///  - lr_suggestion() computes as Ignite does, in float32 (its torch.tensor of the losses), so
///    it picks the same index whatever the rounding.

#include <ignite/core/engine.hpp>

#include <ATen/core/Tensor.h>
#include <ATen/core/ivalue.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace torch::nn {
class Module;
}
namespace torch::optim {
class Optimizer;
}

namespace ignite {

enum class LrStepMode { exp, linear };
/// Which learning rate the history pairs with each loss (see the decision record).
enum class LrHistory {
    applied,  ///< the rate the iteration ran with; the first iteration at start_lr (default)
    ignite    ///< Ignite 0.5.3's: the rate of the next iteration, the first run as Ignite runs it
};

/// "exp"/"linear" and "applied"/"ignite"; throw ValueError naming what is allowed.
[[nodiscard]] LrStepMode lr_step_mode_from(const std::string& name);
[[nodiscard]] LrHistory lr_history_from(const std::string& name);

/// FastaiLRFinder.attach's arguments, by Ignite's names.
struct LrFinderOptions {
    /// Iterations of the test (Ignite runs num_iter + 1 unless the data ends first); default:
    /// the run's epoch_length x max_epochs (or max_iters). A larger one raises max_epochs.
    std::optional<std::int64_t> num_iter;
    /// Default: each parameter group's learning rate when the run starts.
    std::optional<double> start_lr;
    double end_lr = 10.0;
    LrStepMode step_mode = LrStepMode::exp;
    double smooth_f = 0.05;   ///< in [0, 1): loss = smooth_f * loss + (1 - smooth_f) * previous
    double diverge_th = 5.0;  ///< >= 1: stop when the smoothed loss exceeds diverge_th x the best
    LrHistory history = LrHistory::applied;
    /// The loss from engine.state.output; default: a double, or a tensor of one element.
    std::function<double(const c10::IValue&)> output_transform;
};

class FastaiLRFinder {
public:
    /// What the range test recorded, one entry per iteration.
    struct History {
        std::vector<double> lr;        ///< parameter group 0's (see LrHistory)
        std::vector<double> loss;      ///< the smoothed loss (Ignite's history["loss"])
        std::vector<double> raw_loss;  ///< the loss as the iteration gave it
    };

    /// The test attached to one trainer; detaches and restores everything when it goes.
    class Attached {
    public:
        Attached(Attached&&) noexcept;
        Attached& operator=(Attached&&) = delete;
        Attached(const Attached&) = delete;
        Attached& operator=(const Attached&) = delete;
        ~Attached();
        [[nodiscard]] Engine& trainer() const noexcept;

    private:
        friend class FastaiLRFinder;
        struct Saved;
        explicit Attached(std::unique_ptr<Saved> saved);
        std::unique_ptr<Saved> saved_;
    };

    /// Checks the options (Ignite's ValueErrors: smooth_f in [0, 1), diverge_th >= 1,
    /// num_iter > 0, start_lr < end_lr for every group) and registers the test on `trainer`:
    /// at STARTED it sets up the schedule, at ITERATION_STARTED / ITERATION_COMPLETED it
    /// applies rates, records losses and stops the run (after num_iter + 1 iterations, or when
    /// the loss diverged). `model_tensors` are the model's parameters and buffers (live, sharing
    /// storage), restored afterwards with the optimizer, the trainer's state and the CPU
    /// generator. `optimizer`, `trainer` and the tensors must outlive the returned scope.
    [[nodiscard]] Attached attach(Engine& trainer, torch::optim::Optimizer& optimizer,
                                  std::vector<at::Tensor> model_tensors, LrFinderOptions options = {});
    /// The same for a module (its parameters and buffers).
    [[nodiscard]] Attached attach(Engine& trainer, torch::optim::Optimizer& optimizer, torch::nn::Module& model,
                                  LrFinderOptions options = {});

    [[nodiscard]] const History& get_results() const noexcept { return history_; }
    /// True when the last test stopped because the loss diverged (else Ignite warns "Run
    /// completed without loss diverging": raise end_lr or lower diverge_th).
    [[nodiscard]] bool diverged() const noexcept { return diverged_; }
    /// Ignite's rule: the rate at the steepest descent of the loss before its minimum.
    /// Throws RuntimeError before a test, and with Ignite's message ("... should be somehow
    /// U-shaped ...") when fewer than 3 losses precede the minimum.
    [[nodiscard]] double lr_suggestion() const;
    /// The same for every parameter group.
    [[nodiscard]] std::vector<double> lr_suggestions() const;
    /// Sets each parameter group's rate to its suggestion; RuntimeError when the group counts
    /// differ (Ignite's message).
    void apply_suggested_lr(torch::optim::Optimizer& optimizer) const;

    // ---- the policy, without an engine (tested alone) ------------------------------------
    /// Point `index` (from 0) of the schedule from `start` to `end` over `num_iter` steps:
    /// Ignite's _ExponentialLR (exp, not capped) / PiecewiseLinear (linear, `end` from
    /// num_iter on) formulas, operation for operation.
    [[nodiscard]] static double schedule_lr(LrStepMode mode, double start, double end, std::int64_t num_iter,
                                            std::int64_t index);
    /// The index into the losses lr_suggestion picks: losses up to the (first) minimum, the
    /// argmin of 0.5 * (l[i+1] - l[i-1]) in float32, plus one. Throws RuntimeError (Ignite's
    /// message) with fewer than 3 such losses.
    [[nodiscard]] static std::size_t suggestion_index(const std::vector<double>& smoothed_losses);

private:
    struct Run;
    History history_;
    std::vector<std::vector<double>> group_lrs_;  // per iteration, every group's recorded rate
    bool diverged_ = false;
};

}  // namespace ignite
