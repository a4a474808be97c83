#pragma once
// The optimizer's state in PyTorch's format (Optimizer.state_dict()), so a checkpoint's
// "optimizer" entry loads into a Python torch.optim.SGD / Adam built over the same model's
// parameters, and back:
//   {"state": {i: {"momentum_buffer": T} | {"step": float32 scalar T, "exp_avg": T, "exp_avg_sq": T}},
//    "param_groups": [{"lr": .., ..., "params": [0, 1, ...]}]}
// Parameters are numbered in the order of their groups, as PyTorch numbers them.

#include <ATen/core/ivalue.h>
#include <torch/optim/optimizer.h>

namespace ignite::host {

/// `optimizer`'s state_dict as PyTorch's (SGD and Adam; other optimizers: std::invalid_argument).
/// Tensors are shared with the optimizer (the checkpoint writer copies them).
[[nodiscard]] c10::IValue optimizer_state_dict(torch::optim::Optimizer& optimizer);

/// Restores what optimizer_state_dict gave (or Python's state_dict of the same optimizer type
/// over the same parameters). Throws std::invalid_argument naming what does not fit (group
/// or parameter counts, shapes, missing keys); the optimizer is unchanged then.
void load_optimizer_state_dict(torch::optim::Optimizer& optimizer, const c10::IValue& state);

}  // namespace ignite::host
