#pragma once
/// @file epoch_metric.hpp
/// Whole-epoch metrics (Ignite's EpochMetric family): every prediction and target of the
/// epoch is kept and the value computed once, at compute(). ROC_AUC and AveragePrecision are
/// sklearn's `roc_auc_score` and `average_precision_score` (which Ignite calls), computed
/// here in C++ for binary data.
///
/// Decision record:
///  - Gathered, not summed: statistics_parts() is one `concatenate` part, the (score,
///    target) pairs interleaved, so the distributed issue's one all_gather gives rank 0 the
///    whole epoch (Ignite: all_gather, compute on rank 0, broadcast). Memory grows with the
///    epoch (Ignite #978): 16 bytes per sample.
///  - Binary only (y_pred (N,) or (N, 1) scores, y (N,) or (N, 1) of 0 and 1): the host's
///    multiclass outputs would need sklearn's multi_class argument, which Ignite's ROC_AUC
///    does not pass either. A (N, C > 1) y_pred is refused with ValueError.
///  - sklearn's definitions exactly: ties in scores form one threshold; ROC AUC by the
///    trapezoidal rule over (fpr, tpr) from (0, 0); average precision step-wise,
///    sum_k (R_k - R_{k-1}) P_k over decreasing thresholds (not interpolated). One class
///    only in y: ValueError with sklearn's message.

#include <ignite/core/metric.hpp>

#include <string>
#include <vector>

namespace ignite {

/// The gathering base: update() appends, compute() calls compute_on().
class EpochMetric : public Metric {
public:
    void reset() override;
    void update(const c10::IValue& output) override;
    /// Throws RuntimeError "EpochMetric must have at least one example before it can be
    /// computed." when empty.
    [[nodiscard]] c10::IValue compute() const override;
    /// The (score, target) pairs interleaved.
    [[nodiscard]] std::vector<double> statistics() const override;
    void load_statistics(const std::vector<double>& stats) override;
    [[nodiscard]] std::vector<StatisticsPart> statistics_parts() const override {
        return {{StatisticsReduction::concatenate, statistics()}};
    }

    [[nodiscard]] const std::vector<double>& scores() const noexcept { return scores_; }
    [[nodiscard]] const std::vector<double>& targets() const noexcept { return targets_; }

protected:
    explicit EpochMetric(OutputTransform output_transform) : Metric(std::move(output_transform)) {}
    [[nodiscard]] virtual double compute_on(const std::vector<double>& scores,
                                            const std::vector<double>& targets) const = 0;

private:
    std::vector<double> scores_, targets_;
};

/// Ignite's ROC_AUC: sklearn's roc_auc_score on the epoch's binary scores.
class ROC_AUC final : public EpochMetric {
public:
    explicit ROC_AUC(OutputTransform output_transform = {}) : EpochMetric(std::move(output_transform)) {}
    [[nodiscard]] std::string name() const override { return "ROC_AUC"; }

protected:
    [[nodiscard]] double compute_on(const std::vector<double>& scores, const std::vector<double>& targets) const override;
};

/// Ignite's AveragePrecision: sklearn's average_precision_score (step-wise).
class AveragePrecision final : public EpochMetric {
public:
    explicit AveragePrecision(OutputTransform output_transform = {}) : EpochMetric(std::move(output_transform)) {}
    [[nodiscard]] std::string name() const override { return "AveragePrecision"; }

protected:
    [[nodiscard]] double compute_on(const std::vector<double>& scores, const std::vector<double>& targets) const override;
};

/// sklearn's roc_auc_score(y_true, y_score) for binary targets (positive label 1).
double roc_auc_score(const std::vector<double>& scores, const std::vector<double>& targets);
/// sklearn's average_precision_score(y_true, y_score) for binary targets.
double average_precision_score(const std::vector<double>& scores, const std::vector<double>& targets);

}  // namespace ignite
