// PyTorch's optimizer state_dict for LibTorch's SGD, Adam, AdamW, RMSprop and Adagrad: one
// table of what each kind keeps per parameter, read both ways (optimizer_state.hpp).
#include <ignite/core/optimizer_state.hpp>

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <torch/optim/adagrad.h>
#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <torch/optim/rmsprop.h>
#include <torch/optim/sgd.h>

#include <memory>
#include <stdexcept>

namespace ignite {
namespace {

using GenericDict = c10::impl::GenericDict;
using namespace torch::optim;

GenericDict str_dict() { return GenericDict(c10::StringType::get(), c10::AnyType::get()); }

c10::IValue pair(const std::tuple<double, double>& t) {
    return c10::ivalue::Tuple::create({std::get<0>(t), std::get<1>(t)});
}

// The group keys PyTorch 2.x writes and LibTorch has no option for, at their defaults.
void pytorch_defaults(GenericDict& d, std::initializer_list<const char*> keys) {
    for (const std::string key : keys) {
        if (key == "foreach" || key == "fused") {
            d.insert(key, c10::IValue());
        } else {
            d.insert(key, false);  // maximize, capturable, differentiable
        }
    }
}

// One group's hyper-parameters in PyTorch's order for its class.
GenericDict group_options(const OptimizerOptions& options) {
    auto d = str_dict();
    if (const auto* o = dynamic_cast<const SGDOptions*>(&options)) {
        d.insert("lr", o->lr());
        d.insert("momentum", o->momentum());
        d.insert("dampening", o->dampening());
        d.insert("weight_decay", o->weight_decay());
        d.insert("nesterov", o->nesterov());
        pytorch_defaults(d, {"maximize", "foreach", "differentiable", "fused"});
    } else if (const auto* o = dynamic_cast<const AdamOptions*>(&options)) {
        d.insert("lr", o->lr());
        d.insert("betas", pair(o->betas()));
        d.insert("eps", o->eps());
        d.insert("weight_decay", o->weight_decay());
        d.insert("amsgrad", o->amsgrad());
        pytorch_defaults(d, {"maximize", "foreach", "capturable", "differentiable", "fused"});
        d.insert("decoupled_weight_decay", false);
    } else if (const auto* o = dynamic_cast<const AdamWOptions*>(&options)) {
        d.insert("lr", o->lr());
        d.insert("betas", pair(o->betas()));
        d.insert("eps", o->eps());
        d.insert("weight_decay", o->weight_decay());
        d.insert("amsgrad", o->amsgrad());
        pytorch_defaults(d, {"maximize", "foreach", "capturable", "differentiable", "fused"});
        // PyTorch >= 2.7's AdamW is Adam with this set; without it Python's Adam would load
        // the state as L2-regularised Adam.
        d.insert("decoupled_weight_decay", true);
    } else if (const auto* o = dynamic_cast<const RMSpropOptions*>(&options)) {
        d.insert("lr", o->lr());
        d.insert("momentum", o->momentum());
        d.insert("alpha", o->alpha());
        d.insert("eps", o->eps());
        d.insert("centered", o->centered());
        d.insert("weight_decay", o->weight_decay());
        pytorch_defaults(d, {"capturable", "foreach", "maximize", "differentiable"});
    } else if (const auto* o = dynamic_cast<const AdagradOptions*>(&options)) {
        d.insert("lr", o->lr());
        d.insert("lr_decay", o->lr_decay());
        d.insert("eps", o->eps());
        d.insert("weight_decay", o->weight_decay());
        d.insert("initial_accumulator_value", o->initial_accumulator_value());
        pytorch_defaults(d, {"foreach", "maximize", "differentiable", "fused"});
    } else {
        throw std::invalid_argument(
            "only SGD, Adam, AdamW, RMSprop and Adagrad optimizers have a state in PyTorch's format");
    }
    return d;
}

// PyTorch keeps step as a float32 scalar tensor.
at::Tensor step_tensor(std::int64_t step) { return at::scalar_tensor(static_cast<double>(step), at::kFloat); }

void put(GenericDict& s, const char* key, const at::Tensor& t) {
    if (t.defined()) s.insert(key, t);
}

// One parameter's state as PyTorch names it (empty when the kind keeps none yet).
GenericDict param_state(const OptimizerParamState& state) {
    auto s = str_dict();
    if (const auto* x = dynamic_cast<const SGDParamState*>(&state)) {
        put(s, "momentum_buffer", x->momentum_buffer());
    } else if (const auto* x = dynamic_cast<const AdamParamState*>(&state)) {
        s.insert("step", step_tensor(x->step()));
        put(s, "exp_avg", x->exp_avg());
        put(s, "exp_avg_sq", x->exp_avg_sq());
        put(s, "max_exp_avg_sq", x->max_exp_avg_sq());
    } else if (const auto* x = dynamic_cast<const AdamWParamState*>(&state)) {
        s.insert("step", step_tensor(x->step()));
        put(s, "exp_avg", x->exp_avg());
        put(s, "exp_avg_sq", x->exp_avg_sq());
        put(s, "max_exp_avg_sq", x->max_exp_avg_sq());
    } else if (const auto* x = dynamic_cast<const RMSpropParamState*>(&state)) {
        s.insert("step", step_tensor(x->step()));
        put(s, "square_avg", x->square_avg());
        put(s, "momentum_buffer", x->momentum_buffer());
        put(s, "grad_avg", x->grad_avg());
    } else if (const auto* x = dynamic_cast<const AdagradParamState*>(&state)) {
        s.insert("step", step_tensor(x->step()));
        put(s, "sum", x->sum());
    }
    return s;
}

double number(const GenericDict& d, const char* key, const std::string& where) {
    if (!d.contains(key)) throw std::invalid_argument(fmt::format("{} has no '{}'", where, key));
    const auto v = d.at(key);
    if (v.isDouble()) return v.toDouble();
    if (v.isInt()) return static_cast<double>(v.toInt());
    if (v.isTensor() && v.toTensor().numel() == 1) return v.toTensor().item<double>();
    throw std::invalid_argument(fmt::format("{}['{}'] is not a number", where, key));
}

std::int64_t step_of(const GenericDict& s, const std::string& where) {
    return static_cast<std::int64_t>(number(s, "step", where));
}

// The entry `key` as a copy on the parameter's device and dtype (as PyTorch casts it).
at::Tensor tensor(const GenericDict& d, const char* key, const at::Tensor& like, const std::string& where) {
    if (!d.contains(key) || !d.at(key).isTensor()) {
        throw std::invalid_argument(fmt::format("{} has no tensor '{}'", where, key));
    }
    auto t = d.at(key).toTensor();
    if (t.sizes() != like.sizes()) throw std::invalid_argument(fmt::format("{}['{}'] has the wrong shape", where, key));
    return t.to(like.options()).clone();
}

// The entry `key` when present (undefined otherwise), checked as tensor() checks it.
at::Tensor optional_tensor(const GenericDict& d, const char* key, const at::Tensor& like, const std::string& where) {
    return d.contains(key) && d.at(key).isTensor() ? tensor(d, key, like, where) : at::Tensor();
}

template <typename State>
std::unique_ptr<OptimizerParamState> adam_like(const GenericDict& s, const at::Tensor& p, const std::string& where) {
    auto ps = std::make_unique<State>();
    ps->step(step_of(s, where));
    ps->exp_avg(tensor(s, "exp_avg", p, where));
    ps->exp_avg_sq(tensor(s, "exp_avg_sq", p, where));
    ps->max_exp_avg_sq(optional_tensor(s, "max_exp_avg_sq", p, where));
    return ps;
}

// A parameter's state of `kind` from PyTorch's entry; what LibTorch's step would read
// undefined is required.
std::unique_ptr<OptimizerParamState> load_param_state(const std::string& kind, const OptimizerOptions& options,
                                                      const GenericDict& s, const at::Tensor& p,
                                                      const std::string& where) {
    if (kind == "sgd") {
        auto ps = std::make_unique<SGDParamState>();
        ps->momentum_buffer(optional_tensor(s, "momentum_buffer", p, where));
        return ps;
    }
    if (kind == "adam") return adam_like<AdamParamState>(s, p, where);
    if (kind == "adamw") return adam_like<AdamWParamState>(s, p, where);
    if (kind == "rmsprop") {
        const auto& o = static_cast<const RMSpropOptions&>(options);
        auto ps = std::make_unique<RMSpropParamState>();
        ps->step(step_of(s, where));
        ps->square_avg(tensor(s, "square_avg", p, where));
        if (o.momentum() > 0) ps->momentum_buffer(tensor(s, "momentum_buffer", p, where));
        if (o.centered()) ps->grad_avg(tensor(s, "grad_avg", p, where));
        return ps;
    }
    auto ps = std::make_unique<AdagradParamState>();  // adagrad
    ps->step(step_of(s, where));
    ps->sum(tensor(s, "sum", p, where));
    return ps;
}

// LibTorch's Adagrad needs a state for every parameter from construction on (its step
// refuses a parameter without one): a parameter the loaded state leaves out starts afresh.
std::unique_ptr<OptimizerParamState> fresh_adagrad(const OptimizerOptions& options, const at::Tensor& p) {
    auto ps = std::make_unique<AdagradParamState>();
    ps->sum(at::full_like(p, static_cast<const AdagradOptions&>(options).initial_accumulator_value()));
    return ps;
}

bool true_flag(const GenericDict& g, const char* key) {
    return g.contains(key) && g.at(key).isBool() && g.at(key).toBool();
}

}  // namespace

std::string optimizer_kind(const torch::optim::Optimizer& optimizer) {
    if (optimizer.param_groups().empty()) return "";
    const auto& o = optimizer.param_groups()[0].options();
    if (dynamic_cast<const SGDOptions*>(&o)) return "sgd";
    if (dynamic_cast<const AdamOptions*>(&o)) return "adam";
    if (dynamic_cast<const AdamWOptions*>(&o)) return "adamw";
    if (dynamic_cast<const RMSpropOptions*>(&o)) return "rmsprop";
    if (dynamic_cast<const AdagradOptions*>(&o)) return "adagrad";
    return "";
}

std::string optimizer_kind(const c10::impl::GenericDict& g) {
    if (g.contains("betas") && g.contains("amsgrad")) return true_flag(g, "decoupled_weight_decay") ? "adamw" : "adam";
    if (g.contains("dampening") && g.contains("nesterov")) return "sgd";
    if (g.contains("alpha") && g.contains("centered")) return "rmsprop";
    if (g.contains("lr_decay") && g.contains("initial_accumulator_value")) return "adagrad";
    return "";
}

c10::IValue optimizer_state_dict(torch::optim::Optimizer& optimizer) {
    auto state = GenericDict(c10::IntType::get(), c10::AnyType::get());
    auto groups = c10::impl::GenericList(c10::AnyType::get());
    std::int64_t index = 0;
    for (auto& g : optimizer.param_groups()) {
        auto d = group_options(g.options());
        auto ids = c10::impl::GenericList(c10::IntType::get());
        for (const auto& p : g.params()) {
            const auto it = optimizer.state().find(p.unsafeGetTensorImpl());
            if (it != optimizer.state().end()) {
                auto s = param_state(*it->second);
                if (!s.empty()) state.insert(index, s);
            }
            ids.push_back(index++);
        }
        d.insert("params", ids);
        groups.push_back(d);
    }
    auto out = str_dict();
    out.insert("state", state);
    out.insert("param_groups", groups);
    return out;
}

void load_optimizer_state_dict(torch::optim::Optimizer& optimizer, const c10::IValue& value) {
    if (!value.isGenericDict()) throw std::invalid_argument("the optimizer state is not a dict");
    const auto d = value.toGenericDict();
    if (!d.contains("state") || !d.contains("param_groups") || !d.at("state").isGenericDict() ||
        !d.at("param_groups").isList()) {
        throw std::invalid_argument("the optimizer state needs 'state' (a dict) and 'param_groups' (a list)");
    }
    const auto kind = optimizer_kind(optimizer);
    if (kind.empty()) {
        throw std::invalid_argument(
            "only SGD, Adam, AdamW, RMSprop and Adagrad optimizers have a state in PyTorch's format");
    }
    const auto groups = d.at("param_groups").toList();
    auto& own_groups = optimizer.param_groups();
    if (groups.size() != own_groups.size()) {
        throw std::invalid_argument(fmt::format("the optimizer state has {} parameter groups, this optimizer {}",
                                                groups.size(), own_groups.size()));
    }
    // Parameters in PyTorch's numbering, with the options of their group.
    std::vector<std::pair<at::Tensor, const OptimizerOptions*>> params;
    std::vector<double> lrs;
    for (std::size_t gi = 0; gi < groups.size(); ++gi) {
        const auto where = fmt::format("param_groups[{}]", gi);
        if (!groups.get(gi).isGenericDict()) throw std::invalid_argument(where + " is not a dict");
        const auto g = groups.get(gi).toGenericDict();
        const auto saved_kind = optimizer_kind(g);
        // An AdamW state of PyTorch < 2.7 has no decoupled_weight_decay: it reads as Adam's.
        const bool old_adamw = kind == "adamw" && saved_kind == "adam" && !g.contains("decoupled_weight_decay");
        if (!saved_kind.empty() && saved_kind != kind && !old_adamw) {
            throw std::invalid_argument(
                fmt::format("the optimizer state is {}'s but this optimizer is {}", saved_kind, kind));
        }
        lrs.push_back(number(g, "lr", where));
        if (!g.contains("params") || !g.at("params").isList() ||
            g.at("params").toList().size() != own_groups[gi].params().size()) {
            throw std::invalid_argument(
                fmt::format("{} does not hold this optimizer's {} parameters", where, own_groups[gi].params().size()));
        }
        for (const auto& p : own_groups[gi].params()) params.emplace_back(p, &own_groups[gi].options());
    }
    // Build everything first, then assign: nothing changes on an error.
    std::vector<std::unique_ptr<OptimizerParamState>> new_state(params.size());
    for (const auto& item : d.at("state").toGenericDict()) {
        if (!item.key().isInt() || !item.value().isGenericDict())
            throw std::invalid_argument("optimizer state entries must be {int: dict}");
        const auto i = item.key().toInt();
        if (i < 0 || i >= static_cast<std::int64_t>(params.size())) {
            throw std::invalid_argument(fmt::format("optimizer state names parameter {} of {}", i, params.size()));
        }
        const auto& [p, options] = params[static_cast<std::size_t>(i)];
        new_state[static_cast<std::size_t>(i)] = load_param_state(
            kind, *options, item.value().toGenericDict(), p, fmt::format("optimizer state[{}]", i));
    }
    optimizer.state().clear();
    for (std::size_t i = 0; i < params.size(); ++i) {
        auto& ps = new_state[i];
        if (!ps && kind == "adagrad") ps = fresh_adagrad(*params[i].second, params[i].first);
        if (ps) optimizer.state()[params[i].first.unsafeGetTensorImpl()] = std::move(ps);
    }
    for (std::size_t gi = 0; gi < own_groups.size(); ++gi) own_groups[gi].options().set_lr(lrs[gi]);
}

}  // namespace ignite
