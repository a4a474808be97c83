#pragma once
/// @file cyclical_scheduler.hpp
/// Ignite's CyclicalScheduler (the cycle logic of linear cyclical and cosine annealing) and
/// LinearCyclicalScheduler. Values and state keys as ignite/handlers/param_scheduler.py v0.5.3.
///
/// A call first runs the cycle logic: at event_index == cycle_size (end of the cycle proper)
/// start_value *= start_value_mult; at event_index == cycle_size + warmup_duration the cycle
/// restarts: event_index = 0, cycle_size = int(cycle_size * cycle_mult), warmup_duration =
/// int(warmup_duration * cycle_mult), cycle += 1, end_value *= end_value_mult. Past
/// cycle_size (the warm-up back to start_value) the value is end + (start - end) * (t -
/// cycle_size) / warmup_duration.
///
/// Decision: Ignite divides by zero once cycle_size * cycle_mult truncates to 0; here
/// cycle_mult <= 0 is refused at construction and a restart to an empty cycle throws
/// ValueError naming cycle_mult.

#include <ignite/core/handlers/param_scheduler.hpp>

namespace ignite {

class CyclicalScheduler : public ParamScheduler {
public:
    /// Throws ValueError for cycle_size < 2 (Ignite's message), cycle_mult <= 0 or a negative
    /// warmup_duration.
    CyclicalScheduler(torch::optim::Optimizer& optimizer, std::string param_name, double start_value,
                      double end_value, std::int64_t cycle_size, double cycle_mult = 1.0,
                      double start_value_mult = 1.0, double end_value_mult = 1.0, std::int64_t warmup_duration = 0,
                      bool save_history = false, std::optional<std::int64_t> param_group_index = std::nullopt);

    /// Ignite's keys: the base ones, then start_value, end_value, cycle_size, cycle_mult,
    /// cycle, start_value_mult, end_value_mult, warmup_duration, total_cycle_size.
    [[nodiscard]] Dict state_dict() const override;
    /// Every key required; cycle_size >= 1 and a non-negative warmup_duration checked.
    void load_state_dict(const Dict& state) override;

    [[nodiscard]] std::vector<double> get_param() const final;
    [[nodiscard]] std::int64_t cycle() const noexcept { return c_.cycle; }
    [[nodiscard]] std::int64_t cycle_size() const noexcept { return c_.cycle_size; }

protected:
    /// The value inside the cycle proper, at progress event_index / cycle_size.
    [[nodiscard]] virtual double cycle_value(double start, double end, double progress) const = 0;

private:
    struct Cycle {
        double start_value, end_value;
        std::int64_t cycle_size;
        double cycle_mult;
        std::int64_t cycle = 0;
        double start_value_mult, end_value_mult;
        std::int64_t warmup_duration, total_cycle_size;
    };
    /// The cycle logic of a call at event `t`, on a copy (peek) or on this scheduler.
    static void advance(Cycle& c, std::int64_t& t);
    [[nodiscard]] double value(const Cycle& c, std::int64_t t) const;
    void before_call() override;
    [[nodiscard]] std::vector<double> peek() const override;
    Cycle c_;
};

/// Ignite's LinearCyclicalScheduler: start -> end at half cycle -> start, or with monotonic
/// start -> end over the cycle (warmup_duration > 0 requires monotonic, as in Ignite 0.5.3).
class LinearCyclicalScheduler : public CyclicalScheduler {
public:
    LinearCyclicalScheduler(torch::optim::Optimizer& optimizer, std::string param_name, double start_value,
                            double end_value, std::int64_t cycle_size, double cycle_mult = 1.0,
                            double start_value_mult = 1.0, double end_value_mult = 1.0,
                            std::int64_t warmup_duration = 0, bool save_history = false,
                            std::optional<std::int64_t> param_group_index = std::nullopt, bool monotonic = false);

protected:
    [[nodiscard]] double cycle_value(double start, double end, double progress) const override;

private:
    bool monotonic_;
};

}  // namespace ignite
