#pragma once
/// @file optimizer_state.hpp
/// A LibTorch optimizer's state in PyTorch's format (`Optimizer.state_dict()`), so a
/// checkpoint's "optimizer" entry loads into the same Python `torch.optim` class built over
/// the same model's parameters (`optimizer.load_state_dict(ckpt["optimizer"])`), and a Python
/// state loads here:
///
///     {"state": {i: {...per parameter...}}, "param_groups": [{"lr": .., ..., "params": [0, 1, ...]}]}
///
/// | optimizer | per-parameter state (PyTorch's names)                                   |
/// |-----------|-------------------------------------------------------------------------|
/// | SGD       | `momentum_buffer` (once a step ran with momentum > 0)                   |
/// | Adam      | `step`, `exp_avg`, `exp_avg_sq` (+ `max_exp_avg_sq` with amsgrad)       |
/// | AdamW     | the same as Adam; its group says `"decoupled_weight_decay": True`       |
/// | RMSprop   | `step`, `square_avg` (+ `momentum_buffer` with momentum, `grad_avg` centered) |
/// | Adagrad   | `step`, `sum` (from construction on, as PyTorch's)                      |
///
/// `step` is a float32 scalar tensor, as PyTorch keeps it; parameters are numbered in the
/// order of their groups, as PyTorch numbers them. The group entries are PyTorch 2.x's keys
/// (with `maximize`, `foreach`, ... at their defaults: LibTorch has no such options).
///
/// Decision: loading restores the per-parameter state and each group's `lr` (what a learning
/// rate schedule changed), not the groups' other hyper-parameters: the optimizer as the
/// program built it (momentum, weight decay, betas) stands, so a resumed run's command line
/// means what it says. Python's load_state_dict replaces them all; set them after loading
/// for that.

#include <ATen/core/ivalue.h>
#include <torch/optim/optimizer.h>

#include <string>

namespace ignite {

/// "sgd", "adam", "adamw", "rmsprop" or "adagrad" for LibTorch's optimizer of that kind, ""
/// for any other (which optimizer_state_dict refuses).
[[nodiscard]] std::string optimizer_kind(const torch::optim::Optimizer& optimizer);

/// The same names from a PyTorch state_dict's first parameter group (its keys say the kind:
/// only SGD has dampening, Adam and AdamW betas, told apart by decoupled_weight_decay, which
/// PyTorch >= 2.7 writes; an older AdamW's reads as "adam"), "" when none fits.
[[nodiscard]] std::string optimizer_kind(const c10::impl::GenericDict& param_group);

/// `optimizer`'s state_dict as PyTorch's (SGD, Adam, AdamW, RMSprop, Adagrad; another
/// optimizer: std::invalid_argument). Tensors are shared with the optimizer (a checkpoint
/// writer copies them).
[[nodiscard]] c10::IValue optimizer_state_dict(torch::optim::Optimizer& optimizer);

/// Restores what optimizer_state_dict gave (or Python's state_dict of the same optimizer type
/// over the same parameters): the per-parameter state and each group's lr. Throws
/// std::invalid_argument naming what does not fit (the kind, group or parameter counts,
/// shapes, missing keys); the optimizer is unchanged then.
void load_optimizer_state_dict(torch::optim::Optimizer& optimizer, const c10::IValue& state);

}  // namespace ignite
