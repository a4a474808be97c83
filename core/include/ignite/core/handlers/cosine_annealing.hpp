#pragma once
/// Ignite's CosineAnnealingScheduler for the learning rate of a LibTorch optimizer.

#include <ignite/core/dict.hpp>
#include <ignite/core/engine.hpp>

#include <torch/optim/optimizer.h>

#include <cstdint>

namespace ignite {

/// Anneals the learning rate of every parameter group of an optimizer from `start_value`
/// to `end_value` along half a cosine over `cycle_size` events, then restarts, exactly as
/// ignite.handlers.CosineAnnealingScheduler (param_name "lr"):
///
///   lr = start + (end - start) / 2 * (1 - cos(pi * event_index / cycle_size))
///
/// Each call sets lr for the current event_index, then advances it; when event_index
/// reaches cycle_size it restarts at 0 with cycle_size *= cycle_mult, start_value *=
/// start_value_mult, end_value *= end_value_mult. Attach it to ITERATION_STARTED (the
/// default of attach()) for per-iteration annealing; a single decay over a whole run is
/// cycle_size = epochs * epoch_length. The optimizer is borrowed: it must outlive every
/// engine the scheduler is attached to. Only the learning rate is scheduled (LibTorch's
/// optimizer options expose lr generically; momentum and others are per-optimizer types).
class CosineAnnealingScheduler {
public:
    /// Throws ValueError (Ignite's message) when cycle_size < 2, and when cycle_mult <= 0.
    CosineAnnealingScheduler(torch::optim::Optimizer& optimizer, double start_value, double end_value,
                             std::int64_t cycle_size, double cycle_mult = 1.0, double start_value_mult = 1.0,
                             double end_value_mult = 1.0);

    /// The value for the current event_index (no side effect).
    [[nodiscard]] double get_param() const;
    /// Sets the learning rate of every parameter group and advances (Ignite's __call__).
    /// Throws ValueError when a restart would shrink cycle_size to 0 (cycle_mult < 1).
    void operator()();
    /// Registers this scheduler (shared: the engine keeps it alive) on `event`.
    static RemovableEventHandle attach(Engine& engine, std::shared_ptr<CosineAnnealingScheduler> scheduler,
                                       const EventSpec& event = Events::ITERATION_STARTED);

    /// Ignite's state_dict keys: event_index, cycle, cycle_size, start_value, end_value.
    [[nodiscard]] Dict state_dict() const;
    /// Restores a state_dict(); throws ValueError naming a missing key or for cycle_size < 1,
    /// TypeError for a mistyped value. Nothing is changed unless every check passes.
    void load_state_dict(const Dict& state);

    [[nodiscard]] std::int64_t event_index() const noexcept { return event_index_; }
    [[nodiscard]] std::int64_t cycle() const noexcept { return cycle_; }

private:
    torch::optim::Optimizer* optimizer_;
    double start_value_, end_value_;
    std::int64_t cycle_size_;
    double cycle_mult_, start_value_mult_, end_value_mult_;
    std::int64_t event_index_ = 0;
    std::int64_t cycle_ = 0;
};

}  // namespace ignite
