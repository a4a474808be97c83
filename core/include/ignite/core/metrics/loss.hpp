#pragma once
/// @file loss.hpp
/// Ignite's Loss metric: the average of a loss function over samples.

#include <ignite/core/metric.hpp>

#include <ATen/core/Tensor.h>

#include <functional>

namespace ignite {

/// Average of `loss_fn(y_pred, y)` weighted by batch size (Ignite's Loss with the default
/// batch_size = len(y)). The loss function must return the batch MEAN (as torch's
/// default reduction does). Input: (y_pred, y) after output_transform.
class Loss : public Metric {
public:
    using LossFn = std::function<at::Tensor(const at::Tensor& y_pred, const at::Tensor& y)>;
    /// Throws ValueError when loss_fn is empty.
    explicit Loss(LossFn loss_fn, OutputTransform output_transform = {});
    void reset() override;
    /// Throws ValueError when the loss is not a scalar ("loss_fn did not return the
    /// average loss.", Ignite's words).
    void update(const c10::IValue& output) override;
    /// The average as a double; RuntimeError before the first update.
    [[nodiscard]] c10::IValue compute() const override;
    /// {sum of loss * batch size, number of samples}.
    [[nodiscard]] std::vector<double> statistics() const override;
    void load_statistics(const std::vector<double>& stats) override;
    [[nodiscard]] std::string name() const override { return "Loss"; }

private:
    LossFn loss_fn_;
    at::Tensor sum_;  // on the outputs' device: no sync per update
    std::int64_t num_examples_ = 0;
};

}  // namespace ignite
