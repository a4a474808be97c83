#pragma once
/// @file running_average.hpp
/// ignite::RunningAverage: Ignite's `RunningAverage(src=None, alpha=0.98, output_transform)`,
/// the exponential moving average v1 = x1, vt = alpha v(t-1) + (1 - alpha) xt of either the
/// engine's output (output mode: xt = the transformed output, a number or a tensor, whose
/// dtype the average keeps, as torch arithmetic does) or another metric (src mode: xt =
/// src.compute() after each update, then src.reset()).
///
/// Attach it with a running usage, as Ignite's default RunningBatchWise:
/// `avg->attach(trainer, "running_loss", MetricUsage::running_batch_wise())` (Ignite's
/// `epoch_bound=True` is MetricUsage::single_epoch_running_batch_wise()).
///
/// Decision record: distributed, Ignite all-reduces the output at every update (output mode)
/// or reduces the src metric inside its compute; either way the value is already global when
/// computed, so statistics_parts() is one `none` part holding {has value, value...}: the one
/// collective skips it.

#include <ignite/core/metric.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ignite {

class RunningAverage final : public Metric {
public:
    /// Throws ValueError "Argument alpha should be a float between 0.0 and 1.0." unless
    /// 0 < alpha <= 1, and "Argument output_transform should be None if src is a Metric."
    /// when both are given.
    explicit RunningAverage(std::shared_ptr<Metric> src = nullptr, double alpha = 0.98,
                            OutputTransform output_transform = {});

    /// Forgets the average (and resets src).
    void reset() override;
    /// src mode: feeds src, then updates from it; output mode: Metric::feed.
    void feed(const c10::IValue& engine_output) override;
    void update(const c10::IValue& output) override;
    /// The average: a double (0-d results become numbers when attached); None before the
    /// first update (Ignite returns None too).
    [[nodiscard]] c10::IValue compute() const override;
    /// {1, value...} once updated, {0} before.
    [[nodiscard]] std::vector<double> statistics() const override;
    void load_statistics(const std::vector<double>& stats) override;
    [[nodiscard]] std::vector<StatisticsPart> statistics_parts() const override {
        return {{StatisticsReduction::none, statistics()}};
    }
    [[nodiscard]] std::string name() const override { return "RunningAverage"; }
    /// No dict unpacking: the output is averaged as it is.
    [[nodiscard]] std::vector<std::string> required_output_keys() const override { return {}; }

    [[nodiscard]] double alpha() const noexcept { return alpha_; }

private:
    std::shared_ptr<Metric> src_;
    double alpha_;
    std::optional<at::Tensor> value_;
};

}  // namespace ignite
