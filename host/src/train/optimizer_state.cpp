#include "optimizer_state.hpp"

#include <fmt/format.h>
#include <torch/optim/adam.h>
#include <torch/optim/sgd.h>

#include <memory>
#include <stdexcept>

namespace ignite::host {
namespace {

using GenericDict = c10::impl::GenericDict;

GenericDict str_dict() { return GenericDict(c10::StringType::get(), c10::AnyType::get()); }

// The parameters of every group, in PyTorch's numbering.
std::vector<at::Tensor> all_params(torch::optim::Optimizer& optimizer) {
    std::vector<at::Tensor> out;
    for (const auto& g : optimizer.param_groups()) out.insert(out.end(), g.params().begin(), g.params().end());
    return out;
}

GenericDict group_options(const torch::optim::OptimizerOptions& options) {
    auto d = str_dict();
    if (const auto* sgd = dynamic_cast<const torch::optim::SGDOptions*>(&options)) {
        d.insert("lr", sgd->lr());
        d.insert("momentum", sgd->momentum());
        d.insert("dampening", sgd->dampening());
        d.insert("weight_decay", sgd->weight_decay());
        d.insert("nesterov", sgd->nesterov());
        d.insert("maximize", false);
        d.insert("foreach", c10::IValue());
        d.insert("differentiable", false);
        d.insert("fused", c10::IValue());
    } else if (const auto* adam = dynamic_cast<const torch::optim::AdamOptions*>(&options)) {
        d.insert("lr", adam->lr());
        d.insert("betas", c10::ivalue::Tuple::create({std::get<0>(adam->betas()), std::get<1>(adam->betas())}));
        d.insert("eps", adam->eps());
        d.insert("weight_decay", adam->weight_decay());
        d.insert("amsgrad", adam->amsgrad());
        d.insert("maximize", false);
        d.insert("foreach", c10::IValue());
        d.insert("capturable", false);
        d.insert("differentiable", false);
        d.insert("fused", c10::IValue());
    } else {
        throw std::invalid_argument("only SGD and Adam optimizers can be checkpointed");
    }
    return d;
}

double number(const GenericDict& d, const char* key, const std::string& where) {
    if (!d.contains(key)) throw std::invalid_argument(fmt::format("{} has no '{}'", where, key));
    const auto v = d.at(key);
    if (v.isDouble()) return v.toDouble();
    if (v.isInt()) return static_cast<double>(v.toInt());
    throw std::invalid_argument(fmt::format("{}['{}'] is not a number", where, key));
}

at::Tensor tensor(const GenericDict& d, const char* key, const at::Tensor& like, const std::string& where) {
    if (!d.contains(key) || !d.at(key).isTensor()) {
        throw std::invalid_argument(fmt::format("{} has no tensor '{}'", where, key));
    }
    auto t = d.at(key).toTensor();
    if (t.sizes() != like.sizes()) throw std::invalid_argument(fmt::format("{}['{}'] has the wrong shape", where, key));
    return t.to(like.options()).clone();
}

}  // namespace

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
                auto s = str_dict();
                if (const auto* sgd = dynamic_cast<const torch::optim::SGDParamState*>(it->second.get())) {
                    if (sgd->momentum_buffer().defined()) s.insert("momentum_buffer", sgd->momentum_buffer());
                } else if (const auto* adam = dynamic_cast<const torch::optim::AdamParamState*>(it->second.get())) {
                    // PyTorch keeps step as a float32 scalar tensor.
                    s.insert("step", at::scalar_tensor(static_cast<double>(adam->step()), at::kFloat));
                    s.insert("exp_avg", adam->exp_avg());
                    s.insert("exp_avg_sq", adam->exp_avg_sq());
                    if (adam->max_exp_avg_sq().defined()) s.insert("max_exp_avg_sq", adam->max_exp_avg_sq());
                }
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
    const auto groups = d.at("param_groups").toList();
    auto& own_groups = optimizer.param_groups();
    if (groups.size() != own_groups.size()) {
        throw std::invalid_argument(fmt::format("the optimizer state has {} parameter groups, this optimizer {}",
                                                groups.size(), own_groups.size()));
    }
    const auto params = all_params(optimizer);
    const auto state = d.at("state").toGenericDict();
    // Build everything first, then assign: nothing changes on an error.
    std::vector<std::pair<void*, std::unique_ptr<torch::optim::OptimizerParamState>>> new_state;
    std::vector<double> lrs;
    for (std::size_t gi = 0; gi < groups.size(); ++gi) {
        const auto where = fmt::format("param_groups[{}]", gi);
        if (!groups.get(gi).isGenericDict()) throw std::invalid_argument(where + " is not a dict");
        const auto g = groups.get(gi).toGenericDict();
        lrs.push_back(number(g, "lr", where));
        if (!g.contains("params") || !g.at("params").isList() ||
            g.at("params").toList().size() != own_groups[gi].params().size()) {
            throw std::invalid_argument(
                fmt::format("{} does not hold this optimizer's {} parameters", where, own_groups[gi].params().size()));
        }
    }
    const bool adam = dynamic_cast<const torch::optim::AdamOptions*>(&own_groups[0].options()) != nullptr;
    for (const auto& item : state) {
        if (!item.key().isInt() || !item.value().isGenericDict())
            throw std::invalid_argument("optimizer state entries must be {int: dict}");
        const auto i = item.key().toInt();
        if (i < 0 || i >= static_cast<std::int64_t>(params.size())) {
            throw std::invalid_argument(fmt::format("optimizer state names parameter {} of {}", i, params.size()));
        }
        const auto s = item.value().toGenericDict();
        const auto where = fmt::format("optimizer state[{}]", i);
        const auto& p = params[static_cast<std::size_t>(i)];
        if (adam) {
            auto ps = std::make_unique<torch::optim::AdamParamState>();
            const auto step = s.contains("step") && s.at("step").isTensor() ? s.at("step").toTensor().item<double>()
                                                                            : number(s, "step", where);
            ps->step(static_cast<std::int64_t>(step));
            ps->exp_avg(tensor(s, "exp_avg", p, where));
            ps->exp_avg_sq(tensor(s, "exp_avg_sq", p, where));
            if (s.contains("max_exp_avg_sq")) ps->max_exp_avg_sq(tensor(s, "max_exp_avg_sq", p, where));
            new_state.emplace_back(p.unsafeGetTensorImpl(), std::move(ps));
        } else {
            auto ps = std::make_unique<torch::optim::SGDParamState>();
            if (s.contains("momentum_buffer") && s.at("momentum_buffer").isTensor()) {
                ps->momentum_buffer(tensor(s, "momentum_buffer", p, where));
            }
            new_state.emplace_back(p.unsafeGetTensorImpl(), std::move(ps));
        }
    }
    optimizer.state().clear();
    for (auto& [key, ps] : new_state) optimizer.state()[key] = std::move(ps);
    for (std::size_t gi = 0; gi < own_groups.size(); ++gi) own_groups[gi].options().set_lr(lrs[gi]);
}

}  // namespace ignite::host
