#pragma once
/// @file plateau_scheduler.hpp
/// Ignite's ReduceLROnPlateauScheduler: torch's ReduceLROnPlateau on an evaluator's metric
/// (mode min, factor 0.1, patience 10, threshold 1e-4 rel, cooldown 0, min_lr 0, eps 1e-8 by
/// default), attached to the evaluator's COMPLETED. Reduction per group: new = max(old *
/// factor, min_lr), applied only when old - new > eps. History goes to the trainer's
/// state.param_history when a trainer is given.
///
/// Decisions: LibTorch's ReduceLROnPlateauScheduler keeps its state private and in float
/// (notes E19), so this one is ours, in double, with torch's state keys under `scheduler`
/// (factor, default_min_lr, min_lrs, patience, cooldown, eps, last_epoch, _last_lr,
/// mode_worse, mode, threshold, threshold_mode, best, cooldown_counter, num_bad_epochs). A
/// NaN metric counts as a bad epoch (torch's comparisons are false for NaN).

#include <ignite/core/handlers/param_scheduler.hpp>

namespace ignite {

/// torch's ReduceLROnPlateau arguments (its defaults).
struct PlateauOptions {
    std::string mode = "min";            ///< min | max
    double factor = 0.1;                 ///< < 1
    std::int64_t patience = 10;          ///< >= 0
    double threshold = 1e-4;             ///< >= 0
    std::string threshold_mode = "rel";  ///< rel | abs
    std::int64_t cooldown = 0;           ///< >= 0
    double min_lr = 0;                   ///< the floor of every scheduled group
    double eps = 1e-8;
};

class ReduceLROnPlateauScheduler : public ParamScheduler {
public:
    /// Throws ValueError (torch's messages) for factor >= 1, an unknown mode or threshold_mode,
    /// a negative patience or cooldown.
    ReduceLROnPlateauScheduler(torch::optim::Optimizer& optimizer, std::string metric_name, Engine* trainer = nullptr,
                               bool save_history = false, std::optional<std::int64_t> param_group_index = std::nullopt,
                               PlateauOptions options = {});

    using ParamScheduler::operator();
    /// On the evaluator: steps with `engine->state.metrics[metric_name]` (ValueError with
    /// Ignite's message when absent), then records into the trainer's history.
    void operator()(Engine* engine, std::string_view name = {}) override;
    /// torch's step(metric): reduces the lr of the scheduled groups after `patience` bad
    /// epochs; then the base call (history, event_index).
    void step(double metric, Engine* history_engine = nullptr, std::string_view name = {});
    /// The groups' current values (Ignite's get_param).
    [[nodiscard]] std::vector<double> get_param() const override { return current_values(); }

    [[nodiscard]] Dict state_dict() const override;
    void load_state_dict(const Dict& state) override;

    /// Registers on `evaluator`'s COMPLETED (kept alive by the engine).
    static RemovableEventHandle attach(Engine& evaluator, std::shared_ptr<ReduceLROnPlateauScheduler> scheduler);

    /// Ignite's simulate_values(num_events, metric_values, init_lr, ...) on a fake SGD.
    [[nodiscard]] static std::vector<std::vector<double>> simulate_values(std::int64_t num_events,
                                                                          const std::vector<double>& metric_values,
                                                                          double init_lr, PlateauOptions options = {});

private:
    [[nodiscard]] bool is_better(double a, double best) const;
    std::string metric_name_;
    Engine* trainer_;
    PlateauOptions o_;
    double best_;
    std::int64_t last_epoch_ = 0, cooldown_counter_ = 0, num_bad_epochs_ = 0;
};

}  // namespace ignite
