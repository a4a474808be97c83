#include <ignite/core/metrics/loss.hpp>

#include <ATen/ATen.h>
#include <fmt/format.h>

namespace ignite {

Loss::Loss(LossFn loss_fn, OutputTransform output_transform)
    : Metric(std::move(output_transform)), loss_fn_(std::move(loss_fn)) {
    if (!loss_fn_) throw ValueError("Loss needs a loss function");
    reset();
}

void Loss::reset() {
    sum_ = at::Tensor();
    num_examples_ = 0;
}

void Loss::update(const c10::IValue& output) {
    auto [y_pred, y] = unpack_pair(output, "Loss");
    const auto loss = loss_fn_(y_pred, y).detach();
    if (loss.dim() != 0 && loss.numel() != 1) throw ValueError("loss_fn did not return the average loss.");
    const auto n = y.dim() == 0 ? 1 : y.size(0);
    const auto weighted = loss.reshape({}).to(at::kDouble) * static_cast<double>(n);
    sum_ = sum_.defined() ? sum_ + weighted : weighted;
    num_examples_ += n;
}

c10::IValue Loss::compute() const {
    if (num_examples_ == 0) {
        throw RuntimeError("Loss must have at least one example before it can be computed.");
    }
    return sum_.item<double>() / static_cast<double>(num_examples_);
}

std::vector<double> Loss::statistics() const {
    return {sum_.defined() ? sum_.item<double>() : 0.0, static_cast<double>(num_examples_)};
}

void Loss::load_statistics(const std::vector<double>& stats) {
    if (stats.size() != 2) {
        throw ValueError(fmt::format("Loss.load_statistics expects {{sum, count}}, got {} numbers", stats.size()));
    }
    sum_ = at::scalar_tensor(stats[0], at::kDouble);
    num_examples_ = static_cast<std::int64_t>(stats[1]);
}

}  // namespace ignite
