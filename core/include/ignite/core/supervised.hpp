#pragma once
/// @file supervised.hpp
/// Ignite's create_supervised_trainer / create_supervised_evaluator.

#include <ignite/core/engine.hpp>
#include <ignite/core/metric.hpp>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

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

/// (x, y) from a batch, on `device` when given (Ignite's _prepare_batch).
using PrepareBatch = std::function<std::pair<at::Tensor, at::Tensor>(
    const c10::IValue& batch, const std::optional<c10::Device>& device, bool non_blocking)>;

/// The default PrepareBatch: the batch is a tuple or list (x, y) of tensors, moved to
/// `device` with `non_blocking`. Throws TypeError naming what the batch is otherwise.
std::pair<at::Tensor, at::Tensor> prepare_batch(const c10::IValue& batch, const std::optional<c10::Device>& device,
                                                bool non_blocking);

using LossFn = std::function<at::Tensor(const at::Tensor& y_pred, const at::Tensor& y)>;

struct TrainerOptions {
    std::optional<c10::Device> device;  ///< where batches go; the model is not moved (as in Ignite)
    bool non_blocking = false;
    PrepareBatch prepare = prepare_batch;
    /// (x, y, y_pred, loss) -> state.output. Default: the detached loss tensor. Ignite's
    /// default is loss.item(), which waits for the device every iteration; the tensor
    /// form costs nothing until someone reads it (value_as<double> does).
    std::function<c10::IValue(const at::Tensor&, const at::Tensor&, const at::Tensor&, const at::Tensor&)>
        output_transform;
    /// Ignite's gradient_accumulation_steps: zero_grad / step every N iterations, loss / N.
    std::int64_t gradient_accumulation_steps = 1;
    /// true: the trainer is a DeterministicEngine (deterministic.hpp), as in Ignite.
    bool deterministic = false;
};

struct EvaluatorOptions {
    std::optional<c10::Device> device;
    bool non_blocking = false;
    PrepareBatch prepare = prepare_batch;
    /// (x, y, y_pred) -> state.output. Default: (y_pred, y), what metrics expect.
    std::function<c10::IValue(const at::Tensor&, const at::Tensor&, const at::Tensor&)> output_transform;
};

/// A trainer whose process function runs model.train(), forward, loss, backward and the
/// optimizer step (Ignite's supervised_training_step). `optimizer` must outlive the
/// engine. Throws ValueError for gradient_accumulation_steps < 1.
std::unique_ptr<Engine> create_supervised_trainer(SupervisedModel model, torch::optim::Optimizer& optimizer,
                                                  LossFn loss_fn, TrainerOptions options = {});

/// An evaluator running model.eval() and forward under no-grad; `metrics` are attached
/// epoch-wise under their names (Ignite's create_supervised_evaluator).
std::unique_ptr<Engine> create_supervised_evaluator(SupervisedModel model,
                                                    const std::map<std::string, std::shared_ptr<Metric>>& metrics = {},
                                                    EvaluatorOptions options = {});

}  // namespace ignite
