#pragma once
/// @file lr_scheduler.hpp
/// The exponential / step / multistep learning-rate schedules as Ignite gives them (Ignite's
/// LRScheduler wrapping torch's ExponentialLR, StepLR, MultiStepLR), and Ignite's
/// create_lr_scheduler_with_warmup, which composes a linear warm-up with any scheduler.
///
/// Decisions:
/// - LibTorch has no checkpointable scheduler (notes E19), so these are ours. They reproduce
///   what pytorch-ignite 0.5.3's LRScheduler does with torch 2.x: the chainable form, each
///   call multiplying the last applied lr by gamma^k(last_epoch), then last_epoch += 1, with
///   last_epoch 0 at the first call. So ExponentialLR's first value is lr * gamma (torch's
///   _is_initial is off inside Ignite's call), StepLR's is lr, and the lr changes at
///   last_epoch % step_size == 0 (StepLR) or at each milestone (MultiStepLR).
/// - torch's chainable form reads the optimizer's current lr; ours multiplies the lr this
///   scheduler applied last (`_last_lr` in its state). They agree whenever nothing else writes
///   the lr (Ignite's own use), and ours makes applying the next value at STARTED (the
///   #2441/#2462 fix) idempotent.
/// - State: Ignite's LRScheduler keys (base keys + `lr_scheduler`), whose `lr_scheduler`
///   holds torch's keys (gamma, step_size or milestones as {milestone: count}, base_lrs,
///   last_epoch, _step_count, _is_initial, _get_lr_called_within_step, _last_lr).

#include <ignite/core/handlers/param_scheduler.hpp>

namespace ignite {

/// Ignite's LRScheduler over one of torch's ExponentialLR, StepLR, MultiStepLR (lr of every
/// parameter group).
class LRScheduler : public ParamScheduler {
public:
    enum class Kind { exponential, step, multistep };

    /// torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma) in Ignite's LRScheduler.
    static std::shared_ptr<LRScheduler> exponential(torch::optim::Optimizer& optimizer, double gamma,
                                                    bool save_history = false);
    /// StepLR(optimizer, step_size, gamma=0.1); throws ValueError for step_size < 1.
    static std::shared_ptr<LRScheduler> step(torch::optim::Optimizer& optimizer, std::int64_t step_size,
                                             double gamma = 0.1, bool save_history = false);
    /// MultiStepLR(optimizer, milestones, gamma=0.1); throws ValueError for a milestone < 1
    /// or decreasing milestones (repeats multiply gamma as many times, as torch's Counter).
    static std::shared_ptr<LRScheduler> multistep(torch::optim::Optimizer& optimizer,
                                                  std::vector<std::int64_t> milestones, double gamma = 0.1,
                                                  bool save_history = false);

    LRScheduler(torch::optim::Optimizer& optimizer, Kind kind, double gamma, std::int64_t step_size,
                std::vector<std::int64_t> milestones, bool save_history);

    using ParamScheduler::operator();
    void operator()(Engine* engine, std::string_view name = {}) override;
    [[nodiscard]] std::vector<double> get_param() const override;
    [[nodiscard]] Dict state_dict() const override;
    void load_state_dict(const Dict& state) override;

    [[nodiscard]] Kind kind() const noexcept { return kind_; }
    [[nodiscard]] std::int64_t last_epoch() const noexcept { return last_epoch_; }
    /// create_lr_scheduler_with_warmup's `lr_scheduler.last_epoch += 1` before wrapping.
    void advance_last_epoch() { ++last_epoch_; }

private:
    [[nodiscard]] double factor() const;
    Kind kind_;
    double gamma_;
    std::int64_t step_size_;
    std::vector<std::int64_t> milestones_;
    std::vector<double> base_lrs_, last_lrs_;
    std::int64_t last_epoch_ = 0;
};

/// Ignite's create_lr_scheduler_with_warmup: per parameter group a PiecewiseLinear from
/// warmup_start_value at event 0 to warmup_end_value (default: the group's current value) at
/// event warmup_duration - 1, then `scheduler` (Ignite's milestone rules: a torch-style
/// LRScheduler gets a last point (warmup_duration, its initial lr) when that differs and is
/// advanced one epoch; a scheduler whose first value equals warmup_end_value takes the warm-up's
/// last point). Works for any param_name (Ignite's is lr only). Throws ValueError for
/// warmup_duration < 2 (Ignite's message).
std::shared_ptr<ConcatScheduler> create_lr_scheduler_with_warmup(std::shared_ptr<ParamScheduler> scheduler,
                                                                 double warmup_start_value,
                                                                 std::int64_t warmup_duration,
                                                                 std::optional<double> warmup_end_value = std::nullopt,
                                                                 bool save_history = false);

}  // namespace ignite
