#include <ignite/core/metrics/running_average.hpp>

#include <ignite/core/metrics/metrics_lambda.hpp>

#include <ATen/ATen.h>
#include <fmt/format.h>

namespace ignite {

RunningAverage::RunningAverage(std::shared_ptr<Metric> src, double alpha, OutputTransform output_transform)
    : Metric(output_transform), src_(std::move(src)), alpha_(alpha) {
    if (!(alpha > 0.0 && alpha <= 1.0)) throw ValueError("Argument alpha should be a float between 0.0 and 1.0.");
    if (src_ && output_transform) {
        throw ValueError("Argument output_transform should be None if src is a Metric.");
    }
}

void RunningAverage::reset() {
    value_.reset();
    if (src_) src_->reset();
}

void RunningAverage::feed(const c10::IValue& engine_output) {
    if (src_) {
        src_->feed(engine_output);
        update(c10::IValue());
        return;
    }
    Metric::feed(engine_output);
}

void RunningAverage::update(const c10::IValue& output) {
    at::Tensor x;
    if (src_) {
        x = metric_tensor(src_->compute(), "RunningAverage's src value");
        src_->reset();
    } else if (output.isTensor()) {
        // Ignite: output.detach().to(device, copy=True); the dtype stays (a float32 loss
        // averages in float32, as in Python). The device stays too: a CUDA loss is averaged
        // on the GPU without a synchronisation per iteration (compute() hands the tensor;
        // attached, Metric::completed copies it to the CPU).
        x = output.toTensor().detach().clone();
    } else {
        x = metric_tensor(output, "RunningAverage's input (the engine output)");
    }
    if (!value_) {
        value_ = x;
    } else {
        value_ = *value_ * alpha_ + (1.0 - alpha_) * x;
    }
}

c10::IValue RunningAverage::compute() const {
    if (!value_) return c10::IValue();
    return *value_;
}

std::vector<double> RunningAverage::statistics() const {
    if (!value_) return {0.0};
    std::vector<double> out{1.0};
    const at::Tensor flat = value_->to(at::kDouble).reshape({-1}).contiguous();
    out.insert(out.end(), flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel());
    return out;
}

void RunningAverage::load_statistics(const std::vector<double>& stats) {
    if (stats.empty()) throw ValueError("RunningAverage.load_statistics: expected {has value, value...}, got none");
    if (stats[0] == 0) {
        value_.reset();
        return;
    }
    at::Tensor v = at::tensor(std::vector<double>(stats.begin() + 1, stats.end()), at::kDouble);
    if (value_ && value_->numel() == v.numel()) v = v.reshape(value_->sizes()).to(value_->scalar_type());
    else if (v.numel() == 1) v = v.reshape({});
    value_ = v;
}

}  // namespace ignite
