#pragma once
// The optimizer's scalar hyper-parameters by name, for the ABI's param_group_* calls: a
// forward to core's ignite::param_slot (ignite/core/optimizer_params.hpp), the one place that
// knows which options class has which of them (the parameter schedulers use it too).

#include <torch/optim/optimizer.h>

#include <string_view>

namespace ignite::host {

/// A pointer to hyper-parameter `key` ("lr", "momentum", "weight_decay": plugin.h's
/// IGNITE_PARAM_*) in one parameter group's options, or nullptr when this optimizer has no
/// such parameter (Adam has no momentum). SGD, Adam, AdamW, RMSprop and Adagrad are known.
[[nodiscard]] double* param_slot(torch::optim::OptimizerOptions& options, std::string_view key);

}  // namespace ignite::host
