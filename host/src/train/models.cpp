#include "models.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <filesystem>
#include <stdexcept>

namespace ignite::host {
namespace {

struct MlpImpl : torch::nn::Module {
    MlpImpl(std::int64_t in, std::int64_t classes)
        : fc1(register_module("fc1", torch::nn::Linear(in, 256))),
          fc2(register_module("fc2", torch::nn::Linear(256, classes))) {}
    at::Tensor forward(const at::Tensor& x) { return fc2(torch::relu(fc1(x.flatten(1)))); }
    torch::nn::Linear fc1, fc2;
};
TORCH_MODULE(Mlp);

// Two conv+pool blocks and two fully connected layers, unpadded: 28 -> 26 -> 13 -> 11 -> 5.
struct CnnImpl : torch::nn::Module {
    explicit CnnImpl(std::int64_t classes)
        : conv1(register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 32, 3)))),
          conv2(register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(32, 64, 3)))),
          fc1(register_module("fc1", torch::nn::Linear(64 * 5 * 5, 128))),
          fc2(register_module("fc2", torch::nn::Linear(128, classes))) {}
    at::Tensor forward(const at::Tensor& x) {
        auto h = torch::max_pool2d(torch::relu(conv1(x)), 2);
        h = torch::max_pool2d(torch::relu(conv2(h)), 2);
        return fc2(torch::relu(fc1(h.flatten(1))));
    }
    torch::nn::Conv2d conv1, conv2;
    torch::nn::Linear fc1, fc2;
};
TORCH_MODULE(Cnn);

std::int64_t count(const std::vector<at::Tensor>& params) {
    std::int64_t n = 0;
    for (const auto& p : params) n += p.numel();
    return n;
}

template <typename Holder>
class NativeModel final : public Model {
public:
    NativeModel(Holder m, std::string label) : m_(std::move(m)), label_(std::move(label)) {}
    at::Tensor forward(const at::Tensor& x) override { return m_->forward(x); }
    std::vector<at::Tensor> parameters() override { return m_->parameters(); }
    void train(bool on) override { m_->train(on); }
    void to(const c10::Device& d) override { m_->to(d); }
    std::vector<std::pair<std::string, at::Tensor>> named_parameters() override {
        std::vector<std::pair<std::string, at::Tensor>> out;
        for (const auto& item : m_->named_parameters(/*recurse=*/true)) out.emplace_back(item.key(), item.value());
        return out;
    }
    c10::Dict<std::string, at::Tensor> state_dict() override {
        c10::Dict<std::string, at::Tensor> out;
        // PyTorch's order: each module's parameters then its buffers, modules in order.
        for (const auto& item : m_->named_parameters(/*recurse=*/true)) out.insert(item.key(), item.value());
        for (const auto& item : m_->named_buffers(/*recurse=*/true)) out.insert(item.key(), item.value());
        return out;
    }
    std::string describe() override { return fmt::format("{} ({} parameters)", label_, count(parameters())); }

private:
    Holder m_;
    std::string label_;
};

class ScriptedModel final : public Model {
public:
    explicit ScriptedModel(const std::string& path) : path_(path) {
        try {
            m_ = torch::jit::load(path);
        } catch (const std::exception& e) {
            std::string msg = e.what();
            msg = msg.substr(0, msg.find('\n'));
            throw std::invalid_argument(fmt::format("--model '{}' is not a loadable TorchScript file: {}", path, msg));
        }
        // Trained through its parameters: a module scripted with frozen tensors (e.g.
        // built in C++ without requires_grad) would otherwise have nothing to optimise.
        for (auto p : m_.parameters()) {
            if (p.is_floating_point()) p.requires_grad_(true);
        }
    }
    at::Tensor forward(const at::Tensor& x) override { return m_.forward({x}).toTensor(); }
    std::vector<at::Tensor> parameters() override {
        std::vector<at::Tensor> out;
        for (const auto& p : m_.parameters()) out.push_back(p);
        return out;
    }
    void train(bool on) override { m_.train(on); }
    void to(const c10::Device& d) override { m_.to(d); }
    std::vector<std::pair<std::string, at::Tensor>> named_parameters() override {
        std::vector<std::pair<std::string, at::Tensor>> out;
        for (const auto& item : m_.named_parameters(/*recurse=*/true)) out.emplace_back(item.name, item.value);
        return out;
    }
    c10::Dict<std::string, at::Tensor> state_dict() override {
        c10::Dict<std::string, at::Tensor> out;
        for (const auto& item : m_.named_parameters(/*recurse=*/true)) out.insert(item.name, item.value);
        for (const auto& item : m_.named_buffers(/*recurse=*/true)) out.insert(item.name, item.value);
        return out;
    }
    std::string describe() override {
        return fmt::format("torchscript {} ({} parameters)", path_, count(parameters()));
    }

private:
    torch::jit::Module m_;
    std::string path_;
};

}  // namespace

void load_model_state(Model& model, const c10::Dict<std::string, at::Tensor>& state) {
    auto own = model.state_dict();
    // Everything is checked before anything is copied.
    for (const auto& item : own) {
        const auto it = state.find(item.key());
        if (it == state.end()) throw std::invalid_argument(fmt::format("the model's '{}' is missing", item.key()));
        if (it->value().sizes() != item.value().sizes()) {
            throw std::invalid_argument(fmt::format("'{}' has shape {} but the model's is {}", item.key(),
                                                    fmt::join(it->value().sizes(), "x"),
                                                    fmt::join(item.value().sizes(), "x")));
        }
    }
    for (const auto& item : state) {
        if (own.find(item.key()) == own.end()) {
            throw std::invalid_argument(fmt::format("'{}' is not an entry of this model", item.key()));
        }
    }
    at::NoGradGuard no_grad;
    for (const auto& item : own) item.value().copy_(state.at(item.key()));
}

std::unique_ptr<Model> make_model(const std::string& name, std::int64_t image_hw, std::int64_t classes) {
    if (name == "mlp" || name == "cnn") {
        if (image_hw != 28) {
            throw std::invalid_argument(
                fmt::format("model '{}' takes 28x28 images but the dataset has {}x{}; use a "
                            "TorchScript model (--model file.pt) for other sizes",
                            name, image_hw, image_hw));
        }
        if (name == "mlp") return std::make_unique<NativeModel<Mlp>>(Mlp(28 * 28, classes), "mlp 784-256-10");
        return std::make_unique<NativeModel<Cnn>>(Cnn(classes), "cnn conv32-conv64-fc128-fc10");
    }
    if (std::filesystem::exists(name)) return std::make_unique<ScriptedModel>(name);
    throw std::invalid_argument(
        fmt::format("unknown --model '{}': use mlp, cnn or the path of a TorchScript file", name));
}

}  // namespace ignite::host
