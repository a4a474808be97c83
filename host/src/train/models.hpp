#pragma once
// Models ignite-host trains: built-in `mlp` (784-256-10) and `cnn`, or a TorchScript file.

#include <ATen/core/Dict.h>
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ignite::host {

/// A trainable classifier: logits [N, classes] from images [N, 1, H, W].
class Model {
public:
    virtual ~Model() = default;
    virtual at::Tensor forward(const at::Tensor& x) = 0;
    /// Parameters the optimizer updates (shared storage with the model).
    virtual std::vector<at::Tensor> parameters() = 0;
    /// The same parameters under their module paths ("fc1.weight"), in PyTorch's order.
    virtual std::vector<std::pair<std::string, at::Tensor>> named_parameters() = 0;
    /// model.train() / model.eval().
    virtual void train(bool on) = 0;
    virtual void to(const c10::Device& device) = 0;
    /// PyTorch's state_dict: parameters and buffers under their module paths ("fc1.weight"),
    /// in registration order, sharing storage with the model (on its device).
    virtual c10::Dict<std::string, at::Tensor> state_dict() = 0;
    /// One line, e.g. "mlp 784-256-10 (203,530 parameters)".
    [[nodiscard]] virtual std::string describe() = 0;
};

/// "mlp", "cnn", or a path to a TorchScript file (*.pt) whose forward maps images to
/// logits. `image_hw` is the images' side (28 for Fashion-MNIST): the built-in models
/// are sized for 28x28 and refuse other sizes. Throws std::invalid_argument with a
/// one-line message for an unknown name, a wrong image size or an unloadable file.
/// Copies `state` into `model` (PyTorch's load_state_dict with strict=True). Throws
/// std::invalid_argument naming the first missing, unexpected or mis-shaped entry; the
/// model is unchanged then.
void load_model_state(Model& model, const c10::Dict<std::string, at::Tensor>& state);

std::unique_ptr<Model> make_model(const std::string& name_or_path, std::int64_t image_hw, std::int64_t classes);

}  // namespace ignite::host
