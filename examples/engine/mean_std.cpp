// Ignite's "compute the mean and std of a dataset" example (ignite-engine-reference.txt)
// in C++: a process function returns per-image channel means of x and x², two Average
// metrics accumulate them, and std = sqrt(E[x²] - E[x]²).
//
// Batches are dicts {"image": (N, C, H, W) tensor}, like a torchvision-style loader's.
// The images are synthetic: seeded normal noise, standardised per channel and rescaled
// so that channel c has mean exactly c and (population) std exactly c + 1 over the data
// set; the program should print mean [0, 1, 2] and std [1, 2, 3] up to float rounding.
//
// One deliberate difference from the reference: it returns
// `torch.mean(data, dim=-1).sum(dim=0)`, a 1-D tensor that Average counts as ONE
// sample per batch, so its "mean" comes out multiplied by the batch size. Here the
// process function returns the (N, C) per-image means, which Average counts as N
// samples, so the result is the true mean even when the last batch is smaller.
#include <ignite/core/engine.hpp>
#include <ignite/core/metrics/average.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include <cstdlib>
#include <exception>
#include <memory>
#include <vector>

namespace {

constexpr std::int64_t kImages = 60;
constexpr std::int64_t kChannels = 3;
constexpr std::int64_t kSide = 8;
constexpr std::int64_t kBatchSize = 16;  // batches of 16, 16, 16, 12

std::vector<double> to_vector(const torch::Tensor& t) {
    const torch::Tensor c = t.to(torch::kDouble).contiguous().cpu();
    return {c.data_ptr<double>(), c.data_ptr<double>() + c.numel()};
}

}  // namespace

int main() try {
    torch::manual_seed(0);
    const torch::Tensor noise = torch::randn({kImages, kChannels, kSide, kSide}, torch::kDouble);
    const std::vector<int64_t> dims = {0, 2, 3};
    const torch::Tensor z =
        (noise - noise.mean(dims, /*keepdim=*/true)) / noise.std(dims, /*unbiased=*/false, /*keepdim=*/true);
    const torch::Tensor c = torch::arange(kChannels, torch::kDouble).reshape({1, kChannels, 1, 1});
    const torch::Tensor images = (z * (c + 1) + c).to(torch::kFloat);

    std::vector<c10::IValue> loader;
    for (std::int64_t i = 0; i < kImages; i += kBatchSize) {
        c10::Dict<std::string, at::Tensor> batch;
        batch.insert("image", images.slice(0, i, i + kBatchSize));
        loader.emplace_back(batch);
    }

    ignite::Engine compute_engine([](ignite::Engine&, const c10::IValue& batch) {
        const torch::Tensor image = batch.toGenericDict().at("image").toTensor();
        const auto b = image.size(0);
        const auto channels = image.size(1);
        const torch::Tensor data = image.reshape({b, channels, -1}).to(torch::kDouble);
        c10::Dict<std::string, at::Tensor> out;
        out.insert("mean", data.mean(-1));             // (N, C): N samples for Average
        out.insert("mean^2", (data * data).mean(-1));  // (N, C)
        return out;
    });

    auto img_mean =
        std::make_shared<ignite::Average>([](const c10::IValue& output) { return output.toGenericDict().at("mean"); });
    img_mean->attach(compute_engine, "mean");
    auto img_mean2 = std::make_shared<ignite::Average>(
        [](const c10::IValue& output) { return output.toGenericDict().at("mean^2"); });
    img_mean2->attach(compute_engine, "mean2");

    ignite::State& state = compute_engine.run(ignite::data::from_values(std::move(loader)));
    const torch::Tensor mean = state.metrics.get<at::Tensor>("mean");
    const torch::Tensor mean2 = state.metrics.get<at::Tensor>("mean2");
    state.metrics.set("std", torch::sqrt(mean2 - mean * mean));

    fmt::print("mean: [{}]\n", fmt::join(to_vector(mean), ", "));
    fmt::print("std: [{}]\n", fmt::join(to_vector(state.metrics.get<at::Tensor>("std")), ", "));
    return EXIT_SUCCESS;
} catch (const std::exception& e) {
    fmt::print(stderr, "mean_std: {}\n", e.what());
    return EXIT_FAILURE;
}
