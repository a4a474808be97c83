#include <ignite/core/handlers/lr_scheduler.hpp>

#include <ignite/core/errors.hpp>
#include <ignite/core/handlers/piecewise_linear_scheduler.hpp>
#include <ignite/core/optimizer_params.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

namespace ignite {

std::shared_ptr<LRScheduler> LRScheduler::exponential(torch::optim::Optimizer& optimizer, double gamma,
                                                      bool save_history) {
    return std::make_shared<LRScheduler>(optimizer, Kind::exponential, gamma, 1, std::vector<std::int64_t>{},
                                         save_history);
}

std::shared_ptr<LRScheduler> LRScheduler::step(torch::optim::Optimizer& optimizer, std::int64_t step_size, double gamma,
                                               bool save_history) {
    return std::make_shared<LRScheduler>(optimizer, Kind::step, gamma, step_size, std::vector<std::int64_t>{},
                                         save_history);
}

std::shared_ptr<LRScheduler> LRScheduler::multistep(torch::optim::Optimizer& optimizer,
                                                    std::vector<std::int64_t> milestones, double gamma,
                                                    bool save_history) {
    return std::make_shared<LRScheduler>(optimizer, Kind::multistep, gamma, 1, std::move(milestones), save_history);
}

LRScheduler::LRScheduler(torch::optim::Optimizer& optimizer, Kind kind, double gamma, std::int64_t step_size,
                         std::vector<std::int64_t> milestones, bool save_history)
    : ParamScheduler(optimizer, "lr", save_history),
      kind_(kind),
      gamma_(gamma),
      step_size_(step_size),
      milestones_(std::move(milestones)) {
    if (kind_ == Kind::step && step_size_ < 1)
        throw ValueError(fmt::format("Argument step_size should be >= 1, but given {}", step_size_));
    if (kind_ == Kind::multistep) {
        if (milestones_.empty()) throw ValueError("Argument milestones should hold at least one milestone");
        for (std::size_t i = 0; i < milestones_.size(); ++i) {
            if (milestones_[i] < 1 || (i > 0 && milestones_[i] < milestones_[i - 1])) {
                throw ValueError(fmt::format("Argument milestones should be increasing integers >= 1, but given {}",
                                             fmt::join(milestones_, ",")));
            }
        }
    }
    // torch's constructor: base_lrs from the groups, then its initial step (last_epoch 0),
    // which leaves every lr as it is for these three (no milestone 0).
    base_lrs_ = current_values();
    last_lrs_ = base_lrs_;
}

double LRScheduler::factor() const {
    switch (kind_) {
        case Kind::exponential: return gamma_;
        case Kind::step: return (last_epoch_ == 0 || last_epoch_ % step_size_ != 0) ? 1.0 : gamma_;
        case Kind::multistep: {
            const auto n = std::count(milestones_.begin(), milestones_.end(), last_epoch_);
            return n == 0 ? 1.0 : std::pow(gamma_, static_cast<double>(n));
        }
    }
    return 1.0;
}

std::vector<double> LRScheduler::get_param() const {
    const double f = factor();
    std::vector<double> out;
    // torch returns the group's lr itself when nothing changes: no multiplication by 1.
    for (double lr : last_lrs_) out.push_back(f == 1.0 ? lr : lr * f);
    return out;
}

void LRScheduler::operator()(Engine* engine, std::string_view name) {
    auto values = get_param();
    ParamScheduler::operator()(engine, name);
    last_lrs_ = std::move(values);
    ++last_epoch_;
}

Dict LRScheduler::state_dict() const {
    Dict d = ParamScheduler::state_dict();
    Dict t;
    if (kind_ == Kind::step) t.set("step_size", step_size_);
    if (kind_ == Kind::multistep) {
        c10::Dict<std::int64_t, std::int64_t> counter;  // torch's Counter
        for (auto m : milestones_) counter.insert_or_assign(m, counter.contains(m) ? counter.at(m) + 1 : 1);
        t.set("milestones", counter);
    }
    t.set("gamma", gamma_);
    t.set("base_lrs", c10::List<double>(base_lrs_));
    t.set("last_epoch", last_epoch_);
    t.set("_step_count", std::int64_t{1});
    t.set("_is_initial", false);
    t.set("_get_lr_called_within_step", false);
    t.set("_last_lr", c10::List<double>(last_lrs_));
    d.set("lr_scheduler", t.to_torch());
    return d;
}

void LRScheduler::load_state_dict(const Dict& state) {
    const auto base = read_base(state);
    const auto& inner = required(state, "lr_scheduler");
    if (!inner.isGenericDict()) throw TypeError("state attribute 'lr_scheduler' should be a dictionary");
    const Dict t(inner.toGenericDict());
    auto doubles = [&](const char* key) {
        const auto& v = required(t, key);
        if (!v.isList()) throw TypeError(fmt::format("state attribute '{}' should be a list", key));
        std::vector<double> out;
        for (const auto& x : v.toList().vec()) out.push_back(value_as<double>(x, key));
        return out;
    };
    const auto gamma = value_as<double>(required(t, "gamma"), "gamma");
    const auto last_epoch = value_as<std::int64_t>(required(t, "last_epoch"), "last_epoch");
    auto base_lrs = doubles("base_lrs");
    auto last_lrs = doubles("_last_lr");
    std::int64_t step_size = step_size_;
    std::vector<std::int64_t> milestones = milestones_;
    if (kind_ == Kind::step) step_size = value_as<std::int64_t>(required(t, "step_size"), "step_size");
    if (kind_ == Kind::multistep) {
        const auto& m = required(t, "milestones");
        if (!m.isGenericDict()) throw TypeError("state attribute 'milestones' should be a {milestone: count} dict");
        milestones.clear();
        for (const auto& item : m.toGenericDict())
            for (std::int64_t k = 0; k < value_as<std::int64_t>(item.value(), "milestones"); ++k)
                milestones.push_back(value_as<std::int64_t>(item.key(), "milestones"));
        std::sort(milestones.begin(), milestones.end());
    }
    const auto groups = current_values().size();
    if (base_lrs.size() != groups || last_lrs.size() != groups) {
        throw ValueError(fmt::format("the state_dict's lr_scheduler has {} learning rates, the optimizer {} groups",
                                     last_lrs.size(), groups));
    }
    if (step_size < 1) throw ValueError(fmt::format("state_dict step_size must be >= 1, got {}", step_size));
    commit_base(base);
    gamma_ = gamma;
    last_epoch_ = last_epoch;
    base_lrs_ = std::move(base_lrs);
    last_lrs_ = std::move(last_lrs);
    step_size_ = step_size;
    milestones_ = std::move(milestones);
}

std::shared_ptr<ConcatScheduler> create_lr_scheduler_with_warmup(std::shared_ptr<ParamScheduler> scheduler,
                                                                 double warmup_start_value,
                                                                 std::int64_t warmup_duration,
                                                                 std::optional<double> warmup_end_value,
                                                                 bool save_history) {
    if (!scheduler) throw ValueError("create_lr_scheduler_with_warmup needs a scheduler");
    if (warmup_duration <= 1) {
        throw ValueError(
            fmt::format("Argument warmup_duration should be at least 2 events, but given {}", warmup_duration));
    }
    auto& optimizer = scheduler->optimizer();
    const auto& param = scheduler->param_name();
    auto* torch_style = dynamic_cast<LRScheduler*>(scheduler.get());
    if (torch_style) torch_style->advance_last_epoch();
    std::vector<std::shared_ptr<ParamScheduler>> warmups;
    std::vector<std::pair<std::int64_t, double>> mv;
    const auto first = scheduler->get_param();
    auto& groups = optimizer.param_groups();
    for (std::size_t i = 0; i < groups.size(); ++i) {
        const double group_value = *param_slot(groups[i].options(), param);
        const double end = warmup_end_value.value_or(group_value);
        mv = {{0, warmup_start_value}, {warmup_duration - 1, end}};
        if (torch_style) {
            if (group_value != end) mv.emplace_back(warmup_duration, group_value);
        } else {
            const double init = first.size() == groups.size() ? first[i] : first.front();
            if (init == end) {
                if (warmup_duration > 2) {
                    const double d = (end - warmup_start_value) / static_cast<double>(warmup_duration - 1);
                    mv.back() = {warmup_duration - 2, end - d};
                } else {
                    mv.pop_back();
                }
            }
        }
        warmups.push_back(std::make_shared<PiecewiseLinear>(optimizer, param, mv, save_history,
                                                            static_cast<std::int64_t>(i)));
    }
    auto warmup = std::make_shared<ParamGroupScheduler>(std::move(warmups), std::vector<std::string>{}, save_history);
    return std::make_shared<ConcatScheduler>(std::vector<std::shared_ptr<BaseParamScheduler>>{warmup, scheduler},
                                             std::vector<std::int64_t>{mv.back().first + 1}, save_history);
}

}  // namespace ignite
