#pragma once
/// @file piecewise_linear_scheduler.hpp
/// Ignite's PiecewiseLinear: linear between (milestone, value) pairs, the first value before
/// the first milestone, the last after the last. State keys as Ignite's: the base ones, then
/// values, milestones, _index.

#include <ignite/core/handlers/param_scheduler.hpp>

#include <utility>

namespace ignite {

class PiecewiseLinear : public ParamScheduler {
public:
    /// Throws ValueError (Ignite's messages) for no pair or decreasing milestones.
    PiecewiseLinear(torch::optim::Optimizer& optimizer, std::string param_name,
                    const std::vector<std::pair<std::int64_t, double>>& milestones_values, bool save_history = false,
                    std::optional<std::int64_t> param_group_index = std::nullopt);

    [[nodiscard]] std::vector<double> get_param() const override;
    [[nodiscard]] Dict state_dict() const override;
    void load_state_dict(const Dict& state) override;

private:
    void before_call() override;
    /// Ignite's _get_start_end from segment `index` on: (start, end, v_start, v_end), and the
    /// segment it ended in.
    [[nodiscard]] double value_at(std::int64_t t, std::int64_t& index) const;
    std::vector<double> values_;
    std::vector<std::int64_t> milestones_;
    std::int64_t index_ = 0;
};

}  // namespace ignite
