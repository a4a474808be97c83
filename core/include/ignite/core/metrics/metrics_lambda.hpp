#pragma once
/// @file metrics_lambda.hpp
/// ignite::MetricsLambda: Ignite's `MetricsLambda(f, *metrics)` — a metric whose value is a
/// function of other metrics' values, for library users: `MetricsLambda::make([](auto& v) {
/// ... }, {precision, recall})`. The command line's `--metric "f1 = ..."` builds one from
/// an expression (metrics/expression.hpp).
///
/// Decision record: attaching the lambda feeds every metric it is made of, each through
/// its own output transform, once per iteration even when it appears several times (Fbeta
/// over Precision and Recall inside a ClassificationReport that also uses them): the
/// distinct leaves are collected at construction. A leaf attached on its own as well is
/// fed by both (Ignite does the same when a user attaches both). statistics_parts() are the
/// leaves' parts in leaf order (metric.hpp's decision record).

#include <ignite/core/metric.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ignite {

class MetricsLambda : public Metric {
public:
    /// Receives the arguments' compute() values, in order.
    using Function = std::function<c10::IValue(const std::vector<c10::IValue>&)>;

    /// Throws ValueError when `args` is empty or holds a null metric.
    MetricsLambda(Function fn, std::vector<std::shared_ptr<Metric>> args, std::string name = "MetricsLambda");
    static std::shared_ptr<MetricsLambda> make(Function fn, std::vector<std::shared_ptr<Metric>> args,
                                               std::string name = "MetricsLambda") {
        return std::make_shared<MetricsLambda>(std::move(fn), std::move(args), std::move(name));
    }

    /// Resets every leaf.
    void reset() override;
    /// Feeds the output to every leaf (their transforms apply).
    void feed(const c10::IValue& engine_output) override;
    /// Not used: feed() passes the engine's output to the leaves. Throws RuntimeError.
    void update(const c10::IValue& output) override;
    /// fn(the arguments' compute()).
    [[nodiscard]] c10::IValue compute() const override;
    /// The leaves' statistics() concatenated (valid when every leaf sums).
    [[nodiscard]] std::vector<double> statistics() const override;
    /// Splits by the leaves' current statistics() lengths.
    void load_statistics(const std::vector<double>& stats) override;
    [[nodiscard]] std::vector<StatisticsPart> statistics_parts() const override;
    void load_statistics_parts(const std::vector<StatisticsPart>& parts) override;
    [[nodiscard]] std::string name() const override { return name_; }

    /// The distinct non-composite metrics fed by this one, in first-use order.
    [[nodiscard]] const std::vector<std::shared_ptr<Metric>>& leaves() const noexcept { return leaves_; }
    [[nodiscard]] const std::vector<std::shared_ptr<Metric>>& args() const noexcept { return args_; }

private:
    Function fn_;
    std::vector<std::shared_ptr<Metric>> args_;
    std::vector<std::shared_ptr<Metric>> leaves_;
    std::string name_;
};

/// A double value of a metric's result: a number or a one-element tensor. Throws TypeError
/// naming `what` otherwise.
double metric_double(const c10::IValue& v, const std::string& what);
/// A metric's result as a double tensor on the CPU (a number becomes 0-d). Throws TypeError
/// naming `what` for a dict, a string or anything else that is not numeric.
at::Tensor metric_tensor(const c10::IValue& v, const std::string& what);

}  // namespace ignite
