#pragma once
/// @file supervised.hpp
/// Ignite's create_supervised_trainer / create_supervised_evaluator.

#include <ignite/core/engine.hpp>
#include <ignite/core/metric.hpp>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include <concepts>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ignite {

/// A model as the factories need it: forward, and train()/eval(). Built from any
/// torch::nn module holder with supervised_model(), or by hand for other model kinds.
struct SupervisedModel {
    std::function<at::Tensor(const at::Tensor&)> forward;
    std::function<void(bool)> set_training;  ///< true: model.train(), false: model.eval()
};

/// Adapts a torch::nn module holder (e.g. torch::nn::Linear, a TORCH_MODULE) whose
/// forward takes one tensor. The holder is shared: the model is not copied.
template <typename Holder>
SupervisedModel supervised_model(Holder module) {
    return SupervisedModel{[module](const at::Tensor& x) mutable { return module->forward(x); },
                           [module](bool on) mutable { module->train(on); }};
}

/// Types create_supervised_trainer / evaluator take as a model without supervised_model():
/// a torch::nn module holder (torch::nn::Linear, a TORCH_MODULE) or a std::shared_ptr to a
/// module, whose forward takes one tensor.
template <typename M>
concept ModuleLike = requires(M m, const at::Tensor& x) {
    { m->forward(x) } -> std::convertible_to<at::Tensor>;
    m->train(true);
};

/// (x, y) from a batch, on `device` when given (Ignite's _prepare_batch).
using PrepareBatch = std::function<std::pair<at::Tensor, at::Tensor>(
    const c10::IValue& batch, const std::optional<c10::Device>& device, bool non_blocking)>;

/// The default PrepareBatch: the batch is a tuple or list (x, y) of tensors (see unpack()),
/// moved to `device` with `non_blocking`. Throws TypeError naming what the batch is otherwise.
std::pair<at::Tensor, at::Tensor> prepare_batch(const c10::IValue& batch, const std::optional<c10::Device>& device,
                                                bool non_blocking);

using LossFn = std::function<at::Tensor(const at::Tensor& y_pred, const at::Tensor& y)>;

/// create_supervised_trainer's keyword arguments, for designated initializers:
/// `{.device = torch::kCUDA, .non_blocking = true}`.
struct TrainerOptions {
    std::optional<c10::Device> device;  ///< where batches go; the model is not moved (as in Ignite)
    bool non_blocking = false;
    PrepareBatch prepare = prepare_batch;
    /// (x, y, y_pred, loss) -> state.output, y_pred and loss detached. Default: Ignite's
    /// loss.item(), a double. That waits for the device every iteration; return `loss`
    /// (the tensor) to avoid the sync, and read it when needed (value_as<double>).
    std::function<c10::IValue(const at::Tensor&, const at::Tensor&, const at::Tensor&, const at::Tensor&)>
        output_transform;
    /// Ignite's gradient_accumulation_steps: zero_grad / step every N iterations, loss / N.
    /// The last window of a run that is not a multiple of N is never stepped (as in Ignite).
    std::int64_t gradient_accumulation_steps = 1;
    /// Before each optimizer step, scale the gradients of the optimizer's parameters so their
    /// total 2-norm is at most this (torch.nn.utils.clip_grad_norm_(params, max_norm)).
    /// Not in Ignite's factory, which users extend by hand for it. With accumulation, the
    /// window's summed gradient is clipped, once, as the step sees it.
    std::optional<double> clip_grad_norm;
    /// Before each optimizer step, clamp every gradient element to [-v, v]
    /// (torch.nn.utils.clip_grad_value_). Excludes clip_grad_norm.
    std::optional<double> clip_grad_value;
    /// true: the trainer is a DeterministicEngine (deterministic.hpp), as in Ignite.
    bool deterministic = false;
};

/// create_supervised_evaluator's keyword arguments (designated initializers, as above).
struct EvaluatorOptions {
    std::optional<c10::Device> device;
    bool non_blocking = false;
    PrepareBatch prepare = prepare_batch;
    /// (x, y, y_pred) -> state.output. Default: (y_pred, y), what metrics expect.
    std::function<c10::IValue(const at::Tensor&, const at::Tensor&, const at::Tensor&)> output_transform;
    /// The priority the metrics attach with (Metric::attach): Ignite's registration order by
    /// default; a run's host passes Priority::metrics so they compute before other bands.
    Priority metrics_priority{};
};

/// Metrics by name, attached in the order given (Ignite keeps its dict's order):
/// `{{"accuracy", std::make_shared<Accuracy>()}, {"loss", std::make_shared<Loss>(fn)}}`.
using MetricList = std::vector<std::pair<std::string, std::shared_ptr<Metric>>>;

/// A trainer whose process function runs model.train(), forward, loss, backward and the
/// optimizer step (Ignite's supervised_training_step). `optimizer` must outlive the
/// engine. Throws ValueError for gradient_accumulation_steps < 1, a clip value that is not
/// a finite number > 0, or both clip_grad_norm and clip_grad_value.
std::unique_ptr<Engine> create_supervised_trainer(SupervisedModel model, torch::optim::Optimizer& optimizer,
                                                  LossFn loss_fn, TrainerOptions options = {});
/// The same for a module holder, shared with the caller (not copied):
/// `create_supervised_trainer(model, optimizer, torch::nn::MSELoss())`.
template <ModuleLike M>
std::unique_ptr<Engine> create_supervised_trainer(M model, torch::optim::Optimizer& optimizer, LossFn loss_fn,
                                                  TrainerOptions options = {}) {
    return create_supervised_trainer(supervised_model(std::move(model)), optimizer, std::move(loss_fn),
                                     std::move(options));
}

/// An evaluator running model.eval() and forward under no-grad; `metrics` are attached
/// epoch-wise under their names, in order (Ignite's create_supervised_evaluator).
std::unique_ptr<Engine> create_supervised_evaluator(SupervisedModel model, const MetricList& metrics = {},
                                                    EvaluatorOptions options = {});
/// The same for a module holder, shared with the caller (not copied).
template <ModuleLike M>
std::unique_ptr<Engine> create_supervised_evaluator(M model, const MetricList& metrics = {},
                                                    EvaluatorOptions options = {}) {
    return create_supervised_evaluator(supervised_model(std::move(model)), metrics, std::move(options));
}

}  // namespace ignite
