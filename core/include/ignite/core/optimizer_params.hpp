#pragma once
/// @file optimizer_params.hpp
/// The optimizer's scalar hyper-parameters by name, whatever LibTorch optimizer it is: the one
/// place that knows which options class has which of them. The parameter schedulers, the
/// host's ABI calls (param_group_*) and the optimizer's checkpoint state all reach a parameter
/// group's "lr", "momentum" or "weight_decay" through here (Python's param_group["lr"]).

#include <torch/optim/optimizer.h>

#include <string>
#include <string_view>

namespace ignite {

/// A pointer to hyper-parameter `key` ("lr", "momentum", "weight_decay") in one parameter
/// group's options, or nullptr when this optimizer has no such parameter (Adam, AdamW and
/// Adagrad have no momentum). SGD, Adam, AdamW, RMSprop and Adagrad are known.
[[nodiscard]] double* param_slot(torch::optim::OptimizerOptions& options, std::string_view key);

/// The optimizer's type as users name it ("SGD", "Adam", ...; "an unknown optimizer" otherwise).
[[nodiscard]] std::string optimizer_name(const torch::optim::OptimizerOptions& options);

/// Which of the known optimizers have `key`, for messages ("SGD, RMSprop").
[[nodiscard]] std::string optimizers_with(std::string_view key);

}  // namespace ignite
