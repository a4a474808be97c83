#pragma once
/// @file confusion_matrix.hpp
/// ignite::ConfusionMatrix (Ignite's `ignite.metrics.ConfusionMatrix`) and the metrics Ignite
/// derives from it: IoU / JaccardIndex, mIoU, DiceCoefficient, cmAccuracy, cmPrecision,
/// cmRecall, each a MetricsLambda over one ConfusionMatrix.
///
/// Decision record: as in Ignite, the derived metrics cast the matrix to double and add
/// 1e-15 to every denominator, so a class absent from both y and y_pred scores 0, not NaN;
/// `ignore_index` drops that class's entry from the vector (and so from mIoU's mean).
/// num_classes 0 (not Ignite's: it requires the count) takes C from the first update's
/// y_pred (N, C, ...), for a command line that does not know the model's output width.

#include <ignite/core/metric.hpp>
#include <ignite/core/metrics/metrics_lambda.hpp>

#include <ATen/ATen.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ignite {

/// update() takes (y_pred, y): y_pred (N, C, ...) scores (argmax over dim 1 is the
/// prediction), y (N, ...) class indices; targets outside [0, C) are ignored (Ignite's
/// target mask). compute() returns the (C, C) int64 matrix, rows = true class, columns =
/// predicted; with `average` "samples" / "recall" / "precision" a float matrix normalised
/// as Ignite does.
class ConfusionMatrix : public Metric {
public:
    /// Throws ValueError for num_classes == 1 or < 0 (Ignite: "Argument num_classes needs to
    /// be > 1"; 0 means "from the first update") or an average outside {"", "samples",
    /// "recall", "precision"}.
    explicit ConfusionMatrix(std::int64_t num_classes, std::string average = "", OutputTransform output_transform = {});

    void reset() override;
    void update(const c10::IValue& output) override;
    /// Throws RuntimeError "Confusion matrix must have at least one example before it can be
    /// computed." before the first update.
    [[nodiscard]] c10::IValue compute() const override;
    /// {num_examples, the C*C counts row-major} ({num_examples} while C is still unknown).
    [[nodiscard]] std::vector<double> statistics() const override;
    /// Takes 1 + C*C numbers (C inferred when the metric has not seen one).
    void load_statistics(const std::vector<double>& stats) override;
    [[nodiscard]] std::string name() const override { return "ConfusionMatrix"; }

    [[nodiscard]] std::int64_t num_classes() const noexcept { return num_classes_; }
    [[nodiscard]] const std::string& average() const noexcept { return average_; }
    /// The raw int64 counts ((0, 0) while C is unknown).
    [[nodiscard]] const at::Tensor& counts() const noexcept { return matrix_; }

private:
    std::int64_t num_classes_;
    std::string average_;
    at::Tensor matrix_;
    std::int64_t num_examples_ = 0;
};

/// Ignite's IoU(cm, ignore_index): diag / (rowsum + colsum - diag + 1e-15), per class,
/// double. Throws ValueError when cm has an average other than none / "samples", or when
/// ignore_index is outside [0, C) (when C is known).
std::shared_ptr<MetricsLambda> IoU(std::shared_ptr<ConfusionMatrix> cm, std::optional<std::int64_t> ignore_index = {});
/// Ignite's JaccardIndex: IoU.
std::shared_ptr<MetricsLambda> JaccardIndex(std::shared_ptr<ConfusionMatrix> cm,
                                            std::optional<std::int64_t> ignore_index = {});
/// Ignite's mIoU: IoU(...).mean(), a double.
std::shared_ptr<MetricsLambda> mIoU(std::shared_ptr<ConfusionMatrix> cm, std::optional<std::int64_t> ignore_index = {});
/// Ignite's DiceCoefficient: 2 diag / (rowsum + colsum + 1e-15), per class.
std::shared_ptr<MetricsLambda> DiceCoefficient(std::shared_ptr<ConfusionMatrix> cm,
                                               std::optional<std::int64_t> ignore_index = {});
/// Ignite's cmAccuracy: trace / (sum + 1e-15), a double.
std::shared_ptr<MetricsLambda> cmAccuracy(std::shared_ptr<ConfusionMatrix> cm);
/// Ignite's cmPrecision: diag / (colsum + 1e-15); its mean when `average`.
std::shared_ptr<MetricsLambda> cmPrecision(std::shared_ptr<ConfusionMatrix> cm, bool average = true);
/// Ignite's cmRecall: diag / (rowsum + 1e-15); its mean when `average`.
std::shared_ptr<MetricsLambda> cmRecall(std::shared_ptr<ConfusionMatrix> cm, bool average = true);

}  // namespace ignite
