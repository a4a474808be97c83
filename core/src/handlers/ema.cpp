#include <ignite/core/handlers/ema.hpp>

#include <ignite/core/errors.hpp>

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <torch/nn/module.h>

#include <algorithm>
#include <exception>

namespace ignite {
namespace {

EMAHandler::NamedTensors named(const torch::OrderedDict<std::string, at::Tensor>& d) {
    EMAHandler::NamedTensors out;
    for (const auto& item : d) out.emplace_back(item.key(), item.value());
    return out;
}

}  // namespace

EmaBuffers ema_buffers_from(const std::string& name) {
    if (name == "copy") return EmaBuffers::copy;
    if (name == "update") return EmaBuffers::update;
    if (name == "ema_train") return EmaBuffers::ema_train;
    throw ValueError(fmt::format("handle_buffers can only be one of 'copy', 'update', 'ema_train', but got {}", name));
}

const char* ema_buffers_name(EmaBuffers b) noexcept {
    switch (b) {
        case EmaBuffers::copy:
            return "copy";
        case EmaBuffers::update:
            return "update";
        case EmaBuffers::ema_train:
            return "ema_train";
    }
    return "copy";
}

EMAHandler::EMAHandler(NamedTensors parameters, NamedTensors buffers, EMAOptions options) : options_(options) {
    if (!(options_.momentum > 0 && options_.momentum < 1))
        throw ValueError(fmt::format("Invalid momentum: {}", options_.momentum));
    // Ignite warms up only when both are given; one alone is ignored there, refused here
    // (a warm-up asked for and silently not done is a worse surprise).
    if (options_.momentum_warmup.has_value() != options_.warmup_iters.has_value())
        throw ValueError("momentum_warmup and warmup_iters go together: give both for a warm-up, or neither");
    if (options_.warmup_iters && *options_.warmup_iters < 1)
        throw ValueError(fmt::format("warmup_iters should be a positive integer, got {}", *options_.warmup_iters));
    const at::NoGradGuard no_grad;
    for (auto& [name, t] : parameters) tracked_.push_back({name, t, t.detach().clone(), false});
    for (auto& [name, t] : buffers) tracked_.push_back({name, t, t.detach().clone(), true});
}

EMAHandler::EMAHandler(torch::nn::Module& model, EMAOptions options)
    : EMAHandler(named(model.named_parameters()), named(model.named_buffers()), options) {}

double EMAHandler::momentum_at(std::int64_t k) const {
    if (!options_.momentum_warmup || !options_.warmup_iters) return options_.momentum;
    // EMAWarmUp.__call__, operation for operation (Python floats are doubles).
    const double w = *options_.momentum_warmup, m = options_.momentum;
    const auto denominator = std::max<std::int64_t>(1, *options_.warmup_iters - 1);
    const double current = w + (m - w) * static_cast<double>(k - 1) / static_cast<double>(denominator);
    return m >= w ? std::min(m, current) : std::max(m, current);
}

void EMAHandler::update(double lambda) {
    const at::NoGradGuard no_grad;
    for (auto& t : tracked_) {
        const auto live = t.live.detach();
        if (!t.buffer) {
            t.ema.mul_(1.0 - lambda).add_(live, lambda);  // Ignite's ema_p.mul_(1 - m).add_(p, alpha=m)
            continue;
        }
        switch (options_.handle_buffers) {
            case EmaBuffers::update:
                // Ignite falls back to a copy where the average cannot be taken (integer buffers,
                // e.g. BatchNorm's num_batches_tracked).
                if (at::isFloatingType(t.ema.scalar_type()) || at::isComplexType(t.ema.scalar_type())) {
                    t.ema.mul_(1.0 - lambda).add_(live, lambda);
                } else {
                    t.ema.copy_(live);
                }
                break;
            case EmaBuffers::copy:
                t.ema.copy_(live);
                break;
            case EmaBuffers::ema_train:
                break;
        }
    }
}

RemovableEventHandle EMAHandler::attach(Engine& engine, const std::string& name, const EventSpec& event,
                                        Priority priority) {
    if (!engine.state.has(name)) engine.state.set(name, options_.momentum);
    const bool warmup = options_.momentum_warmup && options_.warmup_iters;
    return engine.add_event_handler(event, priority, [this, name, warmup](Engine& e) {
        if (warmup) e.state.set(name, momentum_at(++event_index_));  // the attribute attach() was given
        update(e.state.get<double>(name));
    });
}

c10::Dict<std::string, at::Tensor> EMAHandler::ema_state_dict() const {
    c10::Dict<std::string, at::Tensor> d;
    for (const auto& t : tracked_) d.insert(t.name, t.ema);
    return d;
}

void EMAHandler::load_ema_state_dict(const c10::Dict<std::string, at::Tensor>& d) {
    for (const auto& t : tracked_) {
        const auto it = d.find(t.name);
        if (it == d.end()) throw ValueError(fmt::format("the EMA state has no '{}' entry", t.name));
        if (it->value().sizes() != t.ema.sizes()) {
            throw ValueError(fmt::format("the EMA state's '{}' has shape {} where the model's has {}", t.name,
                                         fmt::join(it->value().sizes(), "x"), fmt::join(t.ema.sizes(), "x")));
        }
    }
    if (d.size() != tracked_.size())
        throw ValueError(fmt::format("the EMA state has {} entries where the model has {}", d.size(), tracked_.size()));
    const at::NoGradGuard no_grad;
    for (auto& t : tracked_) t.ema.copy_(d.at(t.name));
}

Dict EMAHandler::state_dict() const {
    Dict d;
    d.set("event_index", event_index_);
    d.set("ema_model", c10::IValue(ema_state_dict()));
    return d;
}

void EMAHandler::load_state_dict(const Dict& state) {
    for (const char* key : {"event_index", "ema_model"}) {
        if (!state.contains(key)) throw ValueError(fmt::format("Required state attribute '{}' is absent", key));
    }
    const auto index = state.get<std::int64_t>("event_index");
    if (index < 0) throw ValueError(fmt::format("event_index should be >= 0, got {}", index));
    const auto& v = state.at("ema_model");
    if (!v.isGenericDict()) throw TypeError("ema_model should be a dict of tensors (a state_dict)");
    c10::Dict<std::string, at::Tensor> d;
    for (const auto& item : v.toGenericDict()) {
        if (!item.key().isString() || !item.value().isTensor())
            throw TypeError("ema_model should be a dict of tensors (a state_dict)");
        d.insert(item.key().toStringRef(), item.value().toTensor());
    }
    load_ema_state_dict(d);
    event_index_ = index;
}

EMAHandler::ModelSwap::ModelSwap(EMAHandler& handler) : handler_(&handler) {
    const at::NoGradGuard no_grad;
    saved_.reserve(handler.tracked_.size());
    for (auto& t : handler.tracked_) {
        saved_.push_back(t.live.detach().clone());
        t.live.detach().copy_(t.ema);
    }
}

EMAHandler::ModelSwap::~ModelSwap() {
    if (handler_ == nullptr) return;
    try {
        const at::NoGradGuard no_grad;
        for (std::size_t i = 0; i < saved_.size(); ++i) handler_->tracked_[i].live.detach().copy_(saved_[i]);
    } catch (...) {
        // A copy back that fails (out of memory) leaves the model with the EMA weights; a
        // destructor cannot report it, and terminating would lose the run's results.
    }
}

}  // namespace ignite
