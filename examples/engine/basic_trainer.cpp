// Ignite's basic trainer (ignite-engine-reference.txt, "Engine" example) in C++: an
// Engine whose process function takes a typed (inputs, targets) batch, does one SGD step
// and returns the batch loss, and a handler that logs every 100 iterations. The body of
// main() after the setup reads like the documentation's Python, line for line.
//
// The problem is a synthetic linear regression (y = x·w + b + noise, seeded), so the
// program is self-contained and its result reproducible. It prints the loss over the
// whole data set before and after training so tests/examples_test.cpp can check that
// training helps.
//
// Usage: basic_trainer [epochs]   (default 5)
#include <ignite/core/engine.hpp>

#include <fmt/format.h>
#include <torch/torch.h>

#include <cstdlib>
#include <exception>
#include <string>
#include <tuple>
#include <vector>

using ignite::Engine;
using ignite::Events;

namespace {

constexpr std::int64_t kSamples = 2560;
constexpr std::int64_t kBatchSize = 8;  // 320 iterations per epoch
constexpr std::int64_t kFeatures = 4;

}  // namespace

int main(int argc, char** argv) try {
    const std::int64_t epochs = argc > 1 ? std::stoll(argv[1]) : 5;
    // The model is tiny: one thread avoids intra-op thread hand-offs that cost more than
    // the arithmetic.
    torch::set_num_threads(1);
    torch::manual_seed(0);

    const torch::Tensor x = torch::randn({kSamples, kFeatures});
    const torch::Tensor w = torch::tensor({{1.5F}, {-2.0F}, {0.5F}, {3.0F}});
    const torch::Tensor y = x.matmul(w) + 0.7 + 0.1 * torch::randn({kSamples, 1});

    // The "data loader": a list of (x, y) batches, as a Python list of tuples.
    using Batch = std::tuple<torch::Tensor, torch::Tensor>;
    std::vector<Batch> data_loader;
    for (std::int64_t i = 0; i < kSamples; i += kBatchSize) {
        data_loader.emplace_back(x.slice(0, i, i + kBatchSize), y.slice(0, i, i + kBatchSize));
    }

    torch::nn::Linear model(kFeatures, 1);
    torch::optim::SGD optimizer(model->parameters(), torch::optim::SGDOptions(0.01));
    torch::nn::MSELoss criterion;

    auto dataset_loss = [&] {
        torch::NoGradGuard no_grad;
        return criterion(model(x), y).item<double>();
    };
    fmt::print("initial loss: {}\n", dataset_loss());

    // From here on, the documentation's Python line by line.
    auto update_model = [&](Engine& /*engine*/, const Batch& batch) {
        const auto& [inputs, targets] = batch;
        optimizer.zero_grad();
        auto outputs = model(inputs);
        auto loss = criterion(outputs, targets);
        loss.backward();
        optimizer.step();
        return loss.item<double>();
    };

    Engine trainer(update_model);

    trainer.on(Events::ITERATION_COMPLETED.every(100), [&](Engine& engine) {
        auto batch_loss = ignite::unpack<double>(engine.state.output);
        auto lr = optimizer.param_groups()[0].options().get_lr();
        auto e = engine.state.epoch;
        auto n = *engine.state.max_epochs;
        auto i = engine.state.iteration;
        fmt::print("Epoch {}/{} : {} - batch loss: {}, lr: {}\n", e, n, i, batch_loss, lr);
    });

    const ignite::State& state = trainer.run(data_loader, /*max_epochs=*/epochs);
    fmt::print("iterations: {}\n", state.iteration);
    fmt::print("final loss: {}\n", dataset_loss());
    return EXIT_SUCCESS;
} catch (const std::exception& e) {
    fmt::print(stderr, "basic_trainer: {}\n", e.what());
    return EXIT_FAILURE;
}
