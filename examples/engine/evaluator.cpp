// Ignite's evaluator example (ignite-engine-reference.txt) in C++: an Engine whose
// process function predicts under no_grad and returns std::make_tuple(y_pred, y), with
// Accuracy attached as "val_acc".
//
// The model has fixed weights so the accuracy can be checked by hand: a Linear(2, 3)
// with W = [[1, 0], [0, 1], [-1, -1]] and no bias scores a point (a, b) as
// (a, b, -a - b), so it predicts class argmax(a, b, -a - b). Of the ten labelled points
// below, seven are predicted correctly: val_acc = 0.7.
#include <ignite/core/engine.hpp>
#include <ignite/core/metrics/accuracy.hpp>
#include <ignite/core/supervised.hpp>

#include <fmt/format.h>
#include <torch/torch.h>

#include <cstdlib>
#include <exception>
#include <memory>
#include <optional>
#include <tuple>
#include <vector>

using ignite::Engine;

namespace {

struct Sample {
    float a, b;
    std::int64_t label;
};

// Prediction in the comment; "x" marks the three wrong ones.
const std::vector<Sample> kSamples = {
    {2.0F, 1.0F, 0},    // 0
    {1.0F, 3.0F, 1},    // 1
    {-2.0F, -1.0F, 2},  // 2
    {0.5F, -3.0F, 2},   // 2
    {3.0F, 4.0F, 0},    // 1 x
    {-1.0F, 2.0F, 1},   // 1
    {4.0F, -1.0F, 0},   // 0
    {-3.0F, -3.0F, 1},  // 2 x
    {1.0F, 0.0F, 0},    // 0
    {0.0F, -2.0F, 0},   // 2 x
};
constexpr std::size_t kBatchSize = 4;  // batches of 4, 4, 2

}  // namespace

int main() try {
    torch::nn::Linear model(torch::nn::LinearOptions(2, 3).bias(false));
    {
        torch::NoGradGuard no_grad;
        model->weight.copy_(torch::tensor({{1.0F, 0.0F}, {0.0F, 1.0F}, {-1.0F, -1.0F}}));
    }

    std::vector<c10::IValue> val_dataloader;
    for (std::size_t i = 0; i < kSamples.size(); i += kBatchSize) {
        std::vector<float> xs;
        std::vector<std::int64_t> ys;
        for (std::size_t j = i; j < std::min(i + kBatchSize, kSamples.size()); ++j) {
            xs.insert(xs.end(), {kSamples[j].a, kSamples[j].b});
            ys.push_back(kSamples[j].label);
        }
        const auto n = static_cast<std::int64_t>(ys.size());
        val_dataloader.emplace_back(c10::ivalue::Tuple::create({torch::tensor(xs).reshape({n, 2}), torch::tensor(ys)}));
    }

    const std::optional<c10::Device> device = torch::kCPU;
    const bool non_blocking = false;

    // The documentation's Python, line for line.
    auto predict_on_batch = [&](Engine& /*engine*/, const c10::IValue& batch) {
        model->eval();
        torch::NoGradGuard no_grad;
        auto [x, y] = ignite::prepare_batch(batch, device, non_blocking);
        auto y_pred = model(x);
        return std::make_tuple(y_pred, y);
    };

    Engine evaluator(predict_on_batch);
    // The engine's handlers hold the metric (shared_ptr), so it lives as long as they do.
    auto accuracy = std::make_shared<ignite::Accuracy>();
    accuracy->attach(evaluator, "val_acc");

    const ignite::State& state = evaluator.run(val_dataloader);
    fmt::print("val_acc: {}\n", state.metrics.get<double>("val_acc"));
    const auto stats = accuracy->statistics();
    fmt::print("correct: {} of {}\n", stats.at(0), stats.at(1));
    return EXIT_SUCCESS;
} catch (const std::exception& e) {
    fmt::print(stderr, "evaluator: {}\n", e.what());
    return EXIT_FAILURE;
}
