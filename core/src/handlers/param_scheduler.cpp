#include <ignite/core/handlers/param_scheduler.hpp>

#include <ignite/core/errors.hpp>
#include <ignite/core/optimizer_params.hpp>

#include <torch/optim/sgd.h>

#include <fmt/format.h>

#include <set>

namespace ignite {
namespace {

// engine.state.param_history[name] (created on first use), a list of per-group lists.
void record_history(Engine& engine, const std::string& name, const std::vector<double>& values) {
    auto& state = engine.state;
    if (!state.has("param_history") || state.attr("param_history").isNone())
        state.set("param_history", c10::impl::GenericDict(c10::StringType::get(), c10::AnyType::get()));
    auto history = state.attr("param_history").toGenericDict();  // shares the dict's storage
    if (!history.contains(name)) history.insert(name, c10::impl::GenericList(c10::AnyType::get()));
    auto list = history.at(name).toList();
    c10::impl::GenericList row(c10::FloatType::get());
    for (double v : values) row.push_back(v);
    list.push_back(row);
}

std::vector<c10::IValue> as_list(const c10::IValue& v, std::string_view what) {
    if (!v.isList() && !v.isTuple())
        throw TypeError(fmt::format("state attribute '{}' should be a list, but given {}", what, v.tagKind()));
    if (v.isTuple()) return v.toTupleRef().elements().vec();
    return v.toList().vec();
}

}  // namespace

// ---- BaseParamScheduler ----

RemovableEventHandle BaseParamScheduler::attach(Engine& engine, std::shared_ptr<BaseParamScheduler> scheduler,
                                                const EventSpec& event) {
    if (!scheduler) throw ValueError("ParamScheduler::attach needs a scheduler");
    // #2441/#2462: the optimizer holds the schedule's first value from now on, and again at
    // STARTED, after a resumed run loaded the scheduler's state.
    scheduler->apply_next();
    engine.add_event_handler(Events::STARTED, [s = scheduler] { s->apply_next(); });
    return engine.add_event_handler(event, [s = std::move(scheduler)](Engine& e) { (*s)(&e); });
}

// ---- ParamScheduler ----

ParamScheduler::ParamScheduler(torch::optim::Optimizer& optimizer, std::string param_name, bool save_history,
                               std::optional<std::int64_t> param_group_index)
    : optimizer_(&optimizer),
      param_name_(std::move(param_name)),
      save_history_(save_history),
      param_group_index_(param_group_index) {
    auto& groups = optimizer_->param_groups();
    if (groups.empty()) throw ValueError("the optimizer has no parameter group to schedule");
    if (param_group_index_ &&
        (*param_group_index_ < 0 || *param_group_index_ >= static_cast<std::int64_t>(groups.size()))) {
        throw ValueError(fmt::format("Argument param_group_index should be in [0, {}), but given {}", groups.size(),
                                     *param_group_index_));
    }
    for (auto& g : groups) {
        if (!param_slot(g.options(), param_name_)) {
            throw ValueError(fmt::format("param_name '{}': {} has no {} (the optimizers that have it: {})",
                                         param_name_, optimizer_name(g.options()), param_name_,
                                         optimizers_with(param_name_)));
        }
    }
}

std::size_t ParamScheduler::group_count() const {
    return param_group_index_ ? 1 : optimizer_->param_groups().size();
}

void ParamScheduler::write(const std::vector<double>& values) {
    auto& groups = optimizer_->param_groups();
    const std::size_t n = group_count();
    if (values.size() != 1 && values.size() != n)
        throw ValueError(fmt::format("size of value is different than optimizer_param_groups {} != {}", values.size(), n));
    for (std::size_t i = 0; i < n; ++i) {
        auto& g = groups[param_group_index_ ? static_cast<std::size_t>(*param_group_index_) : i];
        *param_slot(g.options(), param_name_) = values.size() == 1 ? values[0] : values[i];
    }
}

std::vector<double> ParamScheduler::current_values() const {
    auto& groups = optimizer_->param_groups();
    std::vector<double> out;
    for (std::size_t i = 0; i < group_count(); ++i) {
        auto& g = groups[param_group_index_ ? static_cast<std::size_t>(*param_group_index_) : i];
        out.push_back(*param_slot(g.options(), param_name_));
    }
    return out;
}

void ParamScheduler::operator()(Engine* engine, std::string_view name) {
    before_call();
    write(get_param());
    if (save_history_ && engine) record_history(*engine, name.empty() ? param_name_ : std::string(name), current_values());
    ++event_index_;
}

std::vector<double> ParamScheduler::next_param() const { return peek(); }

void ParamScheduler::apply_next() { write(peek()); }

const c10::IValue& ParamScheduler::required(const Dict& state, std::string_view key) {
    const auto* v = state.find(key);
    if (!v) {
        throw ValueError(fmt::format("Required state attribute '{}' is absent in provided state_dict", key));
    }
    return *v;
}

Dict ParamScheduler::state_dict() const {
    Dict d;
    d.set("event_index", event_index_);
    d.set("param_name", param_name_);
    d.set("save_history", save_history_);
    d.set("param_group_index", param_group_index_ ? c10::IValue(*param_group_index_) : c10::IValue());
    return d;
}

ParamScheduler::Base ParamScheduler::read_base(const Dict& state) const {
    Base b{};
    b.event_index = value_as<std::int64_t>(required(state, "event_index"), "event_index");
    const auto name = value_as<std::string>(required(state, "param_name"), "param_name");
    b.save_history = value_as<bool>(required(state, "save_history"), "save_history");
    const auto& pgi = required(state, "param_group_index");
    if (!pgi.isNone()) b.param_group_index = value_as<std::int64_t>(pgi, "param_group_index");
    if (name != param_name_) {
        throw ValueError(fmt::format("the state_dict schedules '{}' but this scheduler schedules '{}'", name,
                                     param_name_));
    }
    if (b.param_group_index != param_group_index_) {
        throw ValueError(fmt::format("the state_dict schedules parameter group {} but this scheduler {}",
                                     b.param_group_index ? std::to_string(*b.param_group_index) : "None (all)",
                                     param_group_index_ ? std::to_string(*param_group_index_) : "None (all)"));
    }
    if (b.event_index < 0) throw ValueError(fmt::format("state_dict event_index must be >= 0, got {}", b.event_index));
    return b;
}

void ParamScheduler::commit_base(const Base& b) {
    event_index_ = b.event_index;
    save_history_ = b.save_history;
}

void ParamScheduler::load_state_dict(const Dict& state) { commit_base(read_base(state)); }

// ---- ParamGroupScheduler ----

ParamGroupScheduler::ParamGroupScheduler(std::vector<std::shared_ptr<ParamScheduler>> schedulers,
                                         std::vector<std::string> names, bool save_history)
    : schedulers_(std::move(schedulers)), names_(std::move(names)) {
    if (schedulers_.empty()) throw ValueError("Argument schedulers should be a non-empty list of parameter schedulers");
    for (const auto& s : schedulers_)
        if (!s) throw ValueError("Argument schedulers should be a list/tuple of parameter schedulers, given a null one");
    if (names_.empty())
        for (const auto& s : schedulers_) names_.push_back(s->param_name());
    if (names_.size() != schedulers_.size())
        throw ValueError(fmt::format("{} should be equal {}", schedulers_.size(), names_.size()));
    set_save_history(save_history);
}

void ParamGroupScheduler::set_save_history(bool value) {
    for (auto& s : schedulers_) s->set_save_history(value);
}

void ParamGroupScheduler::operator()(Engine* engine, std::string_view) {
    for (std::size_t i = 0; i < schedulers_.size(); ++i) (*schedulers_[i])(engine, names_[i]);
}

std::vector<double> ParamGroupScheduler::next_param() const {
    std::vector<double> out;
    for (const auto& s : schedulers_) {
        const auto v = s->next_param();
        out.insert(out.end(), v.begin(), v.end());
    }
    return out;
}

void ParamGroupScheduler::apply_next() {
    for (auto& s : schedulers_) s->apply_next();
}

std::vector<double> ParamGroupScheduler::current_values() const {
    std::vector<double> out;
    for (const auto& s : schedulers_) {
        const auto v = s->current_values();
        out.insert(out.end(), v.begin(), v.end());
    }
    return out;
}

Dict ParamGroupScheduler::state_dict() const {
    c10::impl::GenericList list(c10::AnyType::get());
    for (std::size_t i = 0; i < schedulers_.size(); ++i)
        list.push_back(c10::ivalue::Tuple::create(names_[i], c10::IValue(schedulers_[i]->state_dict().to_torch())));
    Dict d;
    d.set("schedulers", list);
    return d;
}

void ParamGroupScheduler::load_state_dict(const Dict& state) {
    const auto sds = as_list(ParamScheduler::required(state, "schedulers"), "schedulers");
    if (sds.size() != schedulers_.size()) {
        throw ValueError(fmt::format(
            "Input state_dict contains {} state_dicts of param group schedulers, but {} needed", sds.size(),
            schedulers_.size()));
    }
    // Check every child on a copy of its state first: a bad entry changes nothing.
    std::vector<Dict> children;
    for (std::size_t i = 0; i < sds.size(); ++i) {
        const auto pair = as_list(sds[i], "schedulers");
        if (pair.size() != 2) throw ValueError("state attribute 'schedulers' should hold (name, state_dict) pairs");
        const auto n = value_as<std::string>(pair[0], "schedulers name");
        if (n != names_[i]) {
            throw ValueError(fmt::format(
                "Name of scheduler from input state dict does not correspond to required one, {} vs {}", n, names_[i]));
        }
        if (!pair[1].isGenericDict()) throw TypeError("state attribute 'schedulers' should hold state_dicts");
        children.emplace_back(pair[1].toGenericDict());
    }
    std::vector<Dict> before;
    for (const auto& s : schedulers_) before.push_back(s->state_dict());
    try {
        for (std::size_t i = 0; i < children.size(); ++i) schedulers_[i]->load_state_dict(children[i]);
    } catch (...) {
        for (std::size_t i = 0; i < before.size(); ++i) schedulers_[i]->load_state_dict(before[i]);
        throw;
    }
}

// ---- ConcatScheduler ----

ConcatScheduler::ConcatScheduler(std::vector<std::shared_ptr<BaseParamScheduler>> schedulers,
                                 std::vector<std::int64_t> durations, bool save_history)
    : schedulers_(std::move(schedulers)), durations_(std::move(durations)), save_history_(save_history) {
    if (schedulers_.size() < 2) {
        throw ValueError(fmt::format(
            "Argument schedulers should be of more than one parameter schedulers, but given {}", schedulers_.size()));
    }
    for (std::size_t i = 0; i < schedulers_.size(); ++i) {
        if (!schedulers_[i])
            throw ValueError(fmt::format("Value at index {} of schedulers should be a parameter scheduler", i));
    }
    if (schedulers_.size() != durations_.size() + 1) {
        throw ValueError(fmt::format("Incorrect number schedulers or duration values, given {} and {}",
                                     schedulers_.size(), durations_.size()));
    }
    for (auto d : durations_)
        if (d < 0) throw ValueError(fmt::format("Argument durations should be non-negative integers, but given {}", d));
    for (const auto& s : schedulers_) {
        if (&s->optimizer() != &schedulers_.front()->optimizer())
            throw ValueError("schedulers should be related to same optimizer");
        if (s->param_name() != schedulers_.front()->param_name())
            throw ValueError("schedulers should be related to same param_name");
    }
    set_save_history(save_history);
    setup_scheduler();
}

void ConcatScheduler::set_save_history(bool value) {
    save_history_ = value;
    for (auto& s : schedulers_) s->set_save_history(value);
}

void ConcatScheduler::setup_scheduler() {
    current_duration_ = scheduler_index_ < static_cast<std::int64_t>(durations_.size())
                            ? durations_[static_cast<std::size_t>(scheduler_index_)]
                            : -1;
}

void ConcatScheduler::operator()(Engine* engine, std::string_view name) {
    if (current_duration_ == 0) {
        ++scheduler_index_;
        setup_scheduler();
    }
    (*schedulers_[static_cast<std::size_t>(scheduler_index_)])(engine, name);
    --current_duration_;
}

std::vector<double> ConcatScheduler::next_param() const {
    const auto i = static_cast<std::size_t>(scheduler_index_ + (current_duration_ == 0 ? 1 : 0));
    return schedulers_[i]->next_param();
}

void ConcatScheduler::apply_next() {
    const auto i = static_cast<std::size_t>(scheduler_index_ + (current_duration_ == 0 ? 1 : 0));
    schedulers_[i]->apply_next();
}

std::vector<double> ConcatScheduler::current_values() const {
    return schedulers_[static_cast<std::size_t>(scheduler_index_)]->current_values();
}

Dict ConcatScheduler::state_dict() const {
    Dict d;
    d.set("event_index", event_index_);
    d.set("param_name", param_name());
    d.set("save_history", save_history_);
    d.set("param_group_index", c10::IValue());
    d.set("_current_duration", current_duration_);
    d.set("durations", c10::List<std::int64_t>(durations_));
    d.set("_scheduler_index", scheduler_index_);
    c10::impl::GenericList list(c10::AnyType::get());
    for (const auto& s : schedulers_) list.push_back(c10::IValue(s->state_dict().to_torch()));
    d.set("schedulers", list);
    return d;
}

void ConcatScheduler::load_state_dict(const Dict& state) {
    const auto sds = as_list(ParamScheduler::required(state, "schedulers"), "schedulers");
    if (sds.size() != schedulers_.size()) {
        throw ValueError(fmt::format(
            "Input state_dict contains {} state_dicts of concatenated schedulers, but {} needed", sds.size(),
            schedulers_.size()));
    }
    for (const char* key : {"event_index", "param_name", "save_history", "param_group_index", "_current_duration",
                            "durations", "_scheduler_index"})
        (void)ParamScheduler::required(state, key);
    const auto event_index = value_as<std::int64_t>(state.at("event_index"), "event_index");
    const auto save_history = value_as<bool>(state.at("save_history"), "save_history");
    const auto current_duration = value_as<std::int64_t>(state.at("_current_duration"), "_current_duration");
    const auto scheduler_index = value_as<std::int64_t>(state.at("_scheduler_index"), "_scheduler_index");
    std::vector<std::int64_t> durations;
    for (const auto& v : as_list(state.at("durations"), "durations")) durations.push_back(value_as<std::int64_t>(v, "durations"));
    if (durations != durations_) throw ValueError("the state_dict's durations differ from this ConcatScheduler's");
    if (scheduler_index < 0 || scheduler_index >= static_cast<std::int64_t>(schedulers_.size()))
        throw ValueError(fmt::format("state_dict _scheduler_index {} is out of range", scheduler_index));
    std::vector<Dict> before;
    for (const auto& s : schedulers_) before.push_back(s->state_dict());
    try {
        for (std::size_t i = 0; i < sds.size(); ++i) {
            if (!sds[i].isGenericDict()) throw TypeError("state attribute 'schedulers' should hold state_dicts");
            schedulers_[i]->load_state_dict(Dict(sds[i].toGenericDict()));
        }
    } catch (...) {
        for (std::size_t i = 0; i < before.size(); ++i) schedulers_[i]->load_state_dict(before[i]);
        throw;
    }
    event_index_ = event_index;
    save_history_ = save_history;
    current_duration_ = current_duration;
    scheduler_index_ = scheduler_index;
}

// ---- simulate_values ----

std::vector<std::vector<double>> simulate_values(BaseParamScheduler& scheduler, std::int64_t num_events) {
    if (num_events < 0) throw ValueError(fmt::format("num_events should be >= 0, but given {}", num_events));
    const Dict saved = scheduler.state_dict();
    const bool history = scheduler.save_history();
    auto& groups = scheduler.optimizer().param_groups();
    std::vector<double> values;
    for (auto& g : groups) values.push_back(*param_slot(g.options(), scheduler.param_name()));
    std::vector<std::vector<double>> out;
    scheduler.set_save_history(false);
    for (std::int64_t i = 0; i < num_events; ++i) {
        scheduler(nullptr);
        std::vector<double> row{static_cast<double>(i)};
        const auto v = scheduler.current_values();
        row.insert(row.end(), v.begin(), v.end());
        out.push_back(std::move(row));
    }
    scheduler.load_state_dict(saved);
    scheduler.set_save_history(history);
    for (std::size_t i = 0; i < groups.size(); ++i) *param_slot(groups[i].options(), scheduler.param_name()) = values[i];
    return out;
}

std::vector<std::vector<double>> simulate_values(
    std::int64_t num_events, const std::function<std::shared_ptr<BaseParamScheduler>(torch::optim::Optimizer&)>& make,
    double lr, std::int64_t groups) {
    if (groups < 1) throw ValueError(fmt::format("groups should be >= 1, but given {}", groups));
    std::vector<torch::optim::OptimizerParamGroup> pgs;
    for (std::int64_t i = 0; i < groups; ++i) pgs.emplace_back(std::vector<at::Tensor>{torch::zeros({1}, torch::requires_grad())});
    torch::optim::SGD optimizer(pgs, torch::optim::SGDOptions(lr));
    auto scheduler = make(optimizer);
    if (!scheduler) throw ValueError("simulate_values: the factory gave no scheduler");
    return simulate_values(*scheduler, num_events);
}

}  // namespace ignite
