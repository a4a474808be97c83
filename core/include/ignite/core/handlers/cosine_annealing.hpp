#pragma once
/// @file cosine_annealing.hpp
/// Ignite's CosineAnnealingScheduler: any scheduled parameter (lr, momentum, weight_decay) of
/// a LibTorch optimizer's parameter groups, along half a cosine per cycle:
///
///   value = start + (end - start) / 2 * (1 - cos(pi * event_index / cycle_size))
///
/// with the cycle logic of cyclical_scheduler.hpp (cycle_mult, start_value_mult,
/// end_value_mult, warmup_duration). Without warm-up the end value is never emitted (Ignite
/// restarts at start_value). Attach it to ITERATION_STARTED (attach()'s default) for
/// per-iteration annealing; one decay over a whole run is cycle_size = epochs * epoch_length.
///
///     auto s = std::make_shared<ignite::CosineAnnealingScheduler>(optimizer, "lr", 0.1, 0.0, 1000);
///     ignite::BaseParamScheduler::attach(trainer, s);

#include <ignite/core/handlers/cyclical_scheduler.hpp>

namespace ignite {

class CosineAnnealingScheduler : public CyclicalScheduler {
public:
    using CyclicalScheduler::CyclicalScheduler;

protected:
    [[nodiscard]] double cycle_value(double start, double end, double progress) const override;
};

}  // namespace ignite
