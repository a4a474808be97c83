// Supervised trainer / evaluator factories (Ignite's supervised_training_step and
// supervised_evaluation_step).
//
// Decision: gradient clipping is computed here rather than with LibTorch's
// torch::nn::utils::clip_grad_norm_, which reads the norm back to the CPU (a device sync every
// step); this keeps the coefficient on the device, with PyTorch's formula
// (max_norm / (norm + 1e-6), clamped to 1).
#include <ignite/core/deterministic.hpp>
#include <ignite/core/supervised.hpp>

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <torch/autograd.h>

#include <cmath>
#include <vector>

namespace ignite {

std::pair<at::Tensor, at::Tensor> prepare_batch(const c10::IValue& batch, const std::optional<c10::Device>& device,
                                                bool non_blocking) {
    auto [x, y] = unpack<at::Tensor, at::Tensor>(batch, "the batch given to the default prepare_batch (x, y)");
    // Already there (the CPU case): skip the dispatcher round trip of a no-op to().
    if (device && x.device() != *device) x = x.to(*device, /*non_blocking=*/non_blocking);
    if (device && y.device() != *device) y = y.to(*device, /*non_blocking=*/non_blocking);
    return {x, y};
}

namespace {

std::vector<at::Tensor> gradients(torch::optim::Optimizer& optimizer) {
    std::vector<at::Tensor> out;
    for (auto& group : optimizer.param_groups()) {
        for (auto& p : group.params()) {
            if (p.grad().defined()) out.push_back(p.grad());
        }
    }
    return out;
}

void clip_norm(torch::optim::Optimizer& optimizer, double max_norm) {
    const auto grads = gradients(optimizer);
    if (grads.empty()) return;
    std::vector<at::Tensor> norms;
    norms.reserve(grads.size());
    for (const auto& g : grads) norms.push_back(g.detach().norm(2));
    const auto total = at::stack(norms).norm(2);
    const auto coef = at::clamp_max(max_norm / (total + 1e-6), 1.0);
    for (const auto& g : grads) g.detach().mul_(coef);
}

void clip_value(torch::optim::Optimizer& optimizer, double value) {
    for (const auto& g : gradients(optimizer)) g.detach().clamp_(-value, value);
}

void check_clip(const char* name, const std::optional<double>& v) {
    if (v && !(std::isfinite(*v) && *v > 0)) {
        throw ValueError(fmt::format("{} must be a finite number > 0, got {}", name, *v));
    }
}

}  // namespace

std::unique_ptr<Engine> create_supervised_trainer(SupervisedModel model, torch::optim::Optimizer& optimizer,
                                                  LossFn loss_fn, TrainerOptions options) {
    if (!model.forward || !model.set_training) throw ValueError("create_supervised_trainer needs a model");
    if (!loss_fn) throw ValueError("create_supervised_trainer needs a loss function");
    if (options.gradient_accumulation_steps < 1) {
        throw ValueError(
            fmt::format("Gradient_accumulation_steps must be strictly positive. No gradient accumulation "
                        "if the value set to one (default). Got {}",
                        options.gradient_accumulation_steps));
    }
    check_clip("clip_grad_norm", options.clip_grad_norm);
    check_clip("clip_grad_value", options.clip_grad_value);
    if (options.clip_grad_norm && options.clip_grad_value) {
        throw ValueError("clip_grad_norm and clip_grad_value exclude each other; set one of them");
    }
    const auto steps = options.gradient_accumulation_steps;
    auto step = [model = std::move(model), &optimizer, loss_fn = std::move(loss_fn), options = std::move(options),
                 steps](Engine& engine, const c10::IValue& batch) -> c10::IValue {
        if ((engine.state.iteration - 1) % steps == 0) optimizer.zero_grad();
        model.set_training(true);
        auto [x, y] = options.prepare(batch, options.device, options.non_blocking);
        auto y_pred = model.forward(x);
        auto loss = loss_fn(y_pred, y);
        if (steps > 1) loss = loss / static_cast<double>(steps);
        loss.backward();
        if (engine.state.iteration % steps == 0) {
            if (options.clip_grad_norm) clip_norm(optimizer, *options.clip_grad_norm);
            if (options.clip_grad_value) clip_value(optimizer, *options.clip_grad_value);
            optimizer.step();
        }
        auto reported = (steps > 1 ? loss * static_cast<double>(steps) : loss).detach();
        if (options.output_transform) return options.output_transform(x, y, y_pred.detach(), reported);
        return reported.item<double>();  // Ignite's default: loss.item()
    };
    if (options.deterministic) return std::make_unique<DeterministicEngine>(std::move(step));
    return std::make_unique<Engine>(std::move(step));
}

std::unique_ptr<Engine> create_supervised_evaluator(SupervisedModel model, const MetricList& metrics,
                                                    EvaluatorOptions options) {
    if (!model.forward || !model.set_training) throw ValueError("create_supervised_evaluator needs a model");
    const Priority metrics_priority = options.metrics_priority;  // options move into the step
    auto step = [model = std::move(model), options = std::move(options)](Engine&,
                                                                         const c10::IValue& batch) -> c10::IValue {
        model.set_training(false);
        torch::NoGradGuard no_grad;
        auto [x, y] = options.prepare(batch, options.device, options.non_blocking);
        auto y_pred = model.forward(x);
        if (options.output_transform) return options.output_transform(x, y, y_pred);
        return c10::ivalue::Tuple::create({y_pred, y});
    };
    auto engine = std::make_unique<Engine>(std::move(step));
    for (const auto& [name, metric] : metrics) metric->attach(*engine, name, metrics_priority);
    return engine;
}

}  // namespace ignite
