#include <ignite/core/handlers/piecewise_linear_scheduler.hpp>

#include <ignite/core/errors.hpp>

#include <fmt/format.h>

namespace ignite {

PiecewiseLinear::PiecewiseLinear(torch::optim::Optimizer& optimizer, std::string param_name,
                                 const std::vector<std::pair<std::int64_t, double>>& milestones_values,
                                 bool save_history, std::optional<std::int64_t> param_group_index)
    : ParamScheduler(optimizer, std::move(param_name), save_history, param_group_index) {
    if (milestones_values.empty())
        throw ValueError("Argument milestones_values should be with at least one value, but given none");
    for (const auto& [m, v] : milestones_values) {
        if (!milestones_.empty() && m < milestones_.back()) {
            throw ValueError(fmt::format(
                "Milestones should be increasing integers, but given {} is smaller than the previous milestone {}", m,
                milestones_.back()));
        }
        milestones_.push_back(m);
        values_.push_back(v);
    }
}

double PiecewiseLinear::value_at(std::int64_t t, std::int64_t& index) const {
    // Ignite's _get_start_end then get_param, expression for expression.
    std::int64_t s = 0, e = 0;
    double vs = 0, ve = 0;
    if (milestones_.front() > t) {
        s = t - 1, e = t, vs = ve = values_.front();
    } else if (milestones_.back() <= t) {
        s = t, e = t + 1, vs = ve = values_.back();
    } else {
        // A cached segment past t (a hand-edited state) restarts the search.
        if (index + 1 >= static_cast<std::int64_t>(milestones_.size()) || milestones_[static_cast<std::size_t>(index)] > t)
            index = 0;
        while (!(milestones_[static_cast<std::size_t>(index)] <= t && t < milestones_[static_cast<std::size_t>(index) + 1]))
            ++index;
        const auto i = static_cast<std::size_t>(index);
        s = milestones_[i], e = milestones_[i + 1], vs = values_[i], ve = values_[i + 1];
    }
    return vs + (ve - vs) * static_cast<double>(t - s) / static_cast<double>(e - s);
}

std::vector<double> PiecewiseLinear::get_param() const {
    std::int64_t index = index_;
    return same(value_at(event_index_, index));
}

void PiecewiseLinear::before_call() {
    // The segment search Ignite caches in _index (part of its state_dict).
    (void)value_at(event_index_, index_);
}

Dict PiecewiseLinear::state_dict() const {
    Dict d = ParamScheduler::state_dict();
    d.set("values", c10::List<double>(values_));
    d.set("milestones", c10::List<std::int64_t>(milestones_));
    d.set("_index", index_);
    return d;
}

void PiecewiseLinear::load_state_dict(const Dict& state) {
    const auto base = read_base(state);
    auto list = [&](const char* key) {
        const auto& v = required(state, key);
        if (!v.isList()) throw TypeError(fmt::format("state attribute '{}' should be a list", key));
        return v.toList().vec();
    };
    std::vector<double> values;
    std::vector<std::int64_t> milestones;
    for (const auto& v : list("values")) values.push_back(value_as<double>(v, "values"));
    for (const auto& v : list("milestones")) milestones.push_back(value_as<std::int64_t>(v, "milestones"));
    const auto index = value_as<std::int64_t>(required(state, "_index"), "_index");
    if (values.empty() || values.size() != milestones.size())
        throw ValueError("state_dict values and milestones should be non-empty lists of one length");
    for (std::size_t i = 1; i < milestones.size(); ++i)
        if (milestones[i] < milestones[i - 1]) throw ValueError("state_dict milestones should be increasing integers");
    if (index < 0 || index >= static_cast<std::int64_t>(milestones.size()))
        throw ValueError(fmt::format("state_dict _index {} is out of range", index));
    commit_base(base);
    values_ = std::move(values);
    milestones_ = std::move(milestones);
    index_ = index;
}

}  // namespace ignite
