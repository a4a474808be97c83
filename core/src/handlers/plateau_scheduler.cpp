#include <ignite/core/handlers/plateau_scheduler.hpp>

#include <ignite/core/errors.hpp>

#include <torch/optim/sgd.h>

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace ignite {
namespace {

double worse(const std::string& mode) {
    return mode == "min" ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
}

void check(const PlateauOptions& o) {
    if (o.factor >= 1.0) throw ValueError("Factor should be < 1.0.");
    if (o.mode != "min" && o.mode != "max") throw ValueError("mode " + o.mode + " is unknown!");
    if (o.threshold_mode != "rel" && o.threshold_mode != "abs")
        throw ValueError("threshold mode " + o.threshold_mode + " is unknown!");
    if (o.patience < 0) throw ValueError(fmt::format("patience should be >= 0, but given {}", o.patience));
    if (o.cooldown < 0) throw ValueError(fmt::format("cooldown should be >= 0, but given {}", o.cooldown));
}

}  // namespace

ReduceLROnPlateauScheduler::ReduceLROnPlateauScheduler(torch::optim::Optimizer& optimizer, std::string metric_name,
                                                       Engine* trainer, bool save_history,
                                                       std::optional<std::int64_t> param_group_index,
                                                       PlateauOptions options)
    : ParamScheduler(optimizer, "lr", save_history, param_group_index),
      metric_name_(std::move(metric_name)),
      trainer_(trainer),
      o_(std::move(options)) {
    check(o_);
    best_ = worse(o_.mode);
}

bool ReduceLROnPlateauScheduler::is_better(double a, double best) const {
    // torch's _is_better, term for term.
    if (o_.mode == "min" && o_.threshold_mode == "rel") return a < best * (1.0 - o_.threshold);
    if (o_.mode == "min") return a < best - o_.threshold;
    if (o_.threshold_mode == "rel") return a > best * (o_.threshold + 1.0);
    return a > best + o_.threshold;
}

void ReduceLROnPlateauScheduler::step(double current, Engine* history_engine, std::string_view name) {
    last_epoch_ += 1;
    if (is_better(current, best_)) {
        best_ = current;
        num_bad_epochs_ = 0;
    } else {
        num_bad_epochs_ += 1;
    }
    if (cooldown_counter_ > 0) {
        cooldown_counter_ -= 1;
        num_bad_epochs_ = 0;
    }
    if (num_bad_epochs_ > o_.patience) {
        auto values = current_values();
        for (auto& v : values) {
            const double new_lr = std::max(v * o_.factor, o_.min_lr);
            if (v - new_lr > o_.eps) v = new_lr;
        }
        write(values);
        cooldown_counter_ = o_.cooldown;
        num_bad_epochs_ = 0;
    }
    ParamScheduler::operator()(history_engine, name);  // writes get_param() (unchanged), history, event_index
}

void ReduceLROnPlateauScheduler::operator()(Engine* engine, std::string_view name) {
    const auto* v = engine ? engine->state.metrics.find(metric_name_) : nullptr;
    if (v == nullptr) {
        throw ValueError(fmt::format(
            "Argument engine should have in its 'state', attribute 'metrics' which itself has the metric {}.",
            metric_name_));
    }
    step(value_as<double>(*v, metric_name_), trainer_, name);
}

RemovableEventHandle ReduceLROnPlateauScheduler::attach(Engine& evaluator,
                                                        std::shared_ptr<ReduceLROnPlateauScheduler> scheduler) {
    if (!scheduler) throw ValueError("ReduceLROnPlateauScheduler::attach needs a scheduler");
    return evaluator.add_event_handler(Events::COMPLETED, [s = std::move(scheduler)](Engine& e) { (*s)(&e); });
}

Dict ReduceLROnPlateauScheduler::state_dict() const {
    Dict d = ParamScheduler::state_dict();
    d.set("metric_name", metric_name_);
    Dict t;
    t.set("factor", o_.factor);
    t.set("default_min_lr", o_.min_lr);
    t.set("min_lrs", c10::List<double>(std::vector<double>(current_values().size(), o_.min_lr)));
    t.set("patience", o_.patience);
    t.set("cooldown", o_.cooldown);
    t.set("eps", o_.eps);
    t.set("last_epoch", last_epoch_);
    t.set("_last_lr", c10::List<double>(current_values()));
    t.set("mode_worse", worse(o_.mode));
    t.set("mode", o_.mode);
    t.set("threshold", o_.threshold);
    t.set("threshold_mode", o_.threshold_mode);
    t.set("best", best_);
    t.set("cooldown_counter", cooldown_counter_);
    t.set("num_bad_epochs", num_bad_epochs_);
    d.set("scheduler", t.to_torch());
    return d;
}

void ReduceLROnPlateauScheduler::load_state_dict(const Dict& state) {
    const auto base = read_base(state);
    const auto metric = value_as<std::string>(required(state, "metric_name"), "metric_name");
    const auto& inner = required(state, "scheduler");
    if (!inner.isGenericDict()) throw TypeError("state attribute 'scheduler' should be a dictionary");
    const Dict t(inner.toGenericDict());
    PlateauOptions o;
    o.factor = value_as<double>(required(t, "factor"), "factor");
    o.patience = value_as<std::int64_t>(required(t, "patience"), "patience");
    o.cooldown = value_as<std::int64_t>(required(t, "cooldown"), "cooldown");
    o.eps = value_as<double>(required(t, "eps"), "eps");
    o.mode = value_as<std::string>(required(t, "mode"), "mode");
    o.threshold = value_as<double>(required(t, "threshold"), "threshold");
    o.threshold_mode = value_as<std::string>(required(t, "threshold_mode"), "threshold_mode");
    const auto& dml = required(t, "default_min_lr");
    o.min_lr = dml.isNone() ? o_.min_lr : value_as<double>(dml, "default_min_lr");
    const auto best = value_as<double>(required(t, "best"), "best");
    const auto last_epoch = value_as<std::int64_t>(required(t, "last_epoch"), "last_epoch");
    const auto cooldown_counter = value_as<std::int64_t>(required(t, "cooldown_counter"), "cooldown_counter");
    const auto num_bad = value_as<std::int64_t>(required(t, "num_bad_epochs"), "num_bad_epochs");
    check(o);
    if (metric != metric_name_)
        throw ValueError(fmt::format("the state_dict watches metric '{}' but this scheduler '{}'", metric, metric_name_));
    commit_base(base);
    o_ = o;
    best_ = best;
    last_epoch_ = last_epoch;
    cooldown_counter_ = cooldown_counter;
    num_bad_epochs_ = num_bad;
}

std::vector<std::vector<double>> ReduceLROnPlateauScheduler::simulate_values(std::int64_t num_events,
                                                                             const std::vector<double>& metric_values,
                                                                             double init_lr, PlateauOptions options) {
    if (static_cast<std::int64_t>(metric_values.size()) != num_events) {
        throw ValueError(fmt::format(
            "Length of argument metric_values should be equal to num_events. {} != {}", metric_values.size(),
            num_events));
    }
    torch::optim::SGD optimizer(std::vector<at::Tensor>{torch::zeros({1}, torch::requires_grad())},
                                torch::optim::SGDOptions(init_lr));
    ReduceLROnPlateauScheduler s(optimizer, "metric", nullptr, false, std::nullopt, std::move(options));
    std::vector<std::vector<double>> out;
    for (std::int64_t i = 0; i < num_events; ++i) {
        s.step(metric_values[static_cast<std::size_t>(i)]);
        out.push_back({static_cast<double>(i), s.current_values().front()});
    }
    return out;
}

}  // namespace ignite
