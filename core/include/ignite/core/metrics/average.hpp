#pragma once
/// @file average.hpp
/// ignite::Average: Ignite's `ignite.metrics.Average` (a VariableAccumulation with a
/// sum): the mean of the values the engine outputs.

#include <ignite/core/metric.hpp>

#include <ATen/ATen.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ignite {

/// Averages outputs over samples, with Ignite's rules for what a sample is:
/// - a number (int, double, bool IValue) or a 0-d tensor is one sample;
/// - a 1-D tensor is ONE vector-valued sample (the average is a 1-D tensor);
/// - a tensor with dim >= 2 holds size(0) samples (its rows), summed over dim 0.
/// Accumulates in float64 on `device` (outputs are moved there, as Ignite does). compute()
/// returns a double when every sample was a scalar, else a float64 tensor of the
/// sample's shape. Outputs whose sample shapes do not broadcast together throw
/// RuntimeError with torch's message ("The size of tensor a (3) must match ...").
/// Dict outputs are rejected with TypeError (no required_output_keys).
class Average : public Metric {
public:
    /// `device`: where the accumulator lives (default CPU, like Ignite).
    explicit Average(OutputTransform output_transform = {}, c10::Device device = c10::kCPU);

    void reset() override;
    /// Throws TypeError for anything but a number or a tensor; RuntimeError when the
    /// sample shape does not match the accumulated one.
    void update(const c10::IValue& output) override;
    /// The mean: a double (scalar samples) or a float64 tensor on `device` (attach()
    /// copies it to the CPU before storing it in state.metrics). Throws
    /// RuntimeError "Average must have at least one example before it can be computed."
    [[nodiscard]] c10::IValue compute() const override;
    /// The accumulator flattened (one number for scalar samples), then the sample count.
    [[nodiscard]] std::vector<double> statistics() const override;
    /// Inverse of statistics(). The accumulator keeps its current shape when the sizes
    /// fit; otherwise (this process saw no tensor sample) it becomes 1-D, or 0-d for a
    /// two-element input. Throws ValueError for fewer than two numbers.
    void load_statistics(const std::vector<double>& stats) override;
    [[nodiscard]] std::string name() const override { return "Average"; }
    [[nodiscard]] std::vector<std::string> required_output_keys() const override { return {}; }

    /// Samples counted since reset().
    [[nodiscard]] std::int64_t num_examples() const noexcept { return num_examples_; }
    /// The running sum since reset(), float64 on `device`. Scalar samples are added in
    /// place, so the tensor returned after reset() stays current until the next reset()
    /// (a vector-valued sample replaces it). Reading its value synchronises the device.
    [[nodiscard]] const at::Tensor& accumulator() const noexcept { return accumulator_; }

private:
    c10::Device device_;
    at::Tensor accumulator_;  // float64, 0-d until a vector-valued sample arrives
    std::int64_t num_examples_ = 0;
};

}  // namespace ignite
