#include <ignite/core/metrics/average.hpp>

#include <fmt/format.h>

#include <utility>

namespace ignite {

Average::Average(OutputTransform output_transform, c10::Device device)
    : Metric(std::move(output_transform)), device_(device) {
    reset();
}

void Average::reset() {
    accumulator_ = at::zeros({}, at::TensorOptions().dtype(at::kDouble).device(device_));
    num_examples_ = 0;
}

void Average::update(const c10::IValue& output) {
    at::Tensor x;
    std::int64_t n = 1;
    if (output.isDouble()) {
        x = at::scalar_tensor(output.toDouble(), accumulator_.options());
    } else if (output.isInt()) {
        x = at::scalar_tensor(static_cast<double>(output.toInt()), accumulator_.options());
    } else if (output.isBool()) {
        x = at::scalar_tensor(output.toBool() ? 1.0 : 0.0, accumulator_.options());
    } else if (output.isTensor()) {
        // Only the copies that are needed: a trainer's loss is already detached and on the
        // accumulator's device, and add_ below promotes float to the double accumulator.
        x = output.toTensor();
        if (x.requires_grad()) x = x.detach();
        if (x.device() != accumulator_.device()) x = x.to(accumulator_.device());
        // Ignite: rows are samples only from 2-D up; a 1-D tensor is one vector sample.
        if (x.dim() > 1) {
            n = x.size(0);
            x = x.sum(0);
        }
    } else {
        throw TypeError(fmt::format("Output should be a number or torch.Tensor, but given {}", output.tagKind()));
    }
    try {
        // Out of place when shapes differ, as Ignite: the first vector sample broadcasts
        // the 0-d accumulator. In place otherwise: one allocation less per iteration.
        if (accumulator_.sizes() == x.sizes()) {
            accumulator_.add_(x);
        } else {
            accumulator_ = accumulator_ + x.to(at::kDouble);
        }
    } catch (const c10::Error& e) {
        throw RuntimeError(e.what_without_backtrace());
    }
    num_examples_ += n;
}

c10::IValue Average::compute() const {
    if (num_examples_ < 1) {
        throw RuntimeError("Average must have at least one example before it can be computed.");
    }
    at::Tensor mean = accumulator_ / static_cast<double>(num_examples_);
    if (mean.dim() == 0) return mean.item<double>();
    return mean;
}

std::vector<double> Average::statistics() const {
    const at::Tensor flat = accumulator_.reshape({-1}).cpu().contiguous();
    std::vector<double> out(flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel());
    out.push_back(static_cast<double>(num_examples_));
    return out;
}

void Average::load_statistics(const std::vector<double>& stats) {
    if (stats.size() < 2) {
        throw ValueError(
            fmt::format("Average.load_statistics: expected the accumulator and the count (at least "
                        "2 numbers), got {}",
                        stats.size()));
    }
    const auto n = static_cast<std::int64_t>(stats.size()) - 1;
    at::Tensor values = at::tensor(at::ArrayRef<double>(stats.data(), static_cast<std::size_t>(n)),
                                   at::TensorOptions().dtype(at::kDouble));
    if (n == accumulator_.numel()) {
        values = values.reshape(accumulator_.sizes());
    } else if (n == 1) {
        values = values.reshape({});
    }
    accumulator_ = values.to(device_);
    num_examples_ = static_cast<std::int64_t>(stats.back());
}

}  // namespace ignite
