#pragma once
/// @file cohen_kappa.hpp
/// ignite::CohenKappa: Ignite's `CohenKappa(weights=None|"linear"|"quadratic")`, which
/// calls sklearn's cohen_kappa_score(y_true, y_pred, weights) on the epoch's labels.
///
/// Decision record: sklearn's kappa depends on the labels only through their confusion
/// matrix, so the metric keeps a ConfusionMatrix (summable statistics, no gathering, unlike
/// Ignite's EpochMetric) and computes sklearn's formula from it in double:
/// kappa = 1 - sum(W * O) / sum(W * E), E = outer(row sums, column sums) / n, W 0 on the
/// diagonal and 1 off it (none), |i - j| (linear) or (i - j)^2 (quadratic), where i, j
/// count only the labels present in y or y_pred (sklearn's label set), so an absent class
/// changes neither the matrix nor the distances. Input: y_pred (N, C) scores (argmax) and y
/// (N,) indices, or y_pred and y (N,) labels in [0, num_classes) (Ignite 0.5.3's binary
/// case: num_classes 2).

#include <ignite/core/metric.hpp>
#include <ignite/core/metrics/confusion_matrix.hpp>

#include <memory>
#include <string>
#include <vector>

namespace ignite {

class CohenKappa final : public Metric {
public:
    /// `weights`: "" (none), "linear" or "quadratic"; anything else throws ValueError "Kappa
    /// Weighting type must be None or linear or quadratic.". num_classes: the label count for
    /// label inputs (0: 2, binary) and for score inputs (0: y_pred's C).
    explicit CohenKappa(std::string weights = "", std::int64_t num_classes = 0, OutputTransform output_transform = {});

    void reset() override;
    void update(const c10::IValue& output) override;
    /// Throws RuntimeError before the first update.
    [[nodiscard]] c10::IValue compute() const override;
    [[nodiscard]] std::vector<double> statistics() const override { return cm_->statistics(); }
    void load_statistics(const std::vector<double>& stats) override { cm_->load_statistics(stats); }
    [[nodiscard]] std::string name() const override { return "CohenKappa"; }

private:
    std::string weights_;
    std::int64_t label_classes_;
    std::shared_ptr<ConfusionMatrix> cm_;
};

/// sklearn's kappa from a confusion matrix (rows y_true, columns y_pred).
double cohen_kappa_from_matrix(const at::Tensor& matrix, const std::string& weights);

}  // namespace ignite
