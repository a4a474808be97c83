#pragma once
/// @file precision_recall.hpp
/// ignite::Precision and ignite::Recall (Ignite's `ignite.metrics.Precision` / `Recall`) for
/// binary and multiclass outputs, with Ignite's `average` choices, and Fbeta and
/// ClassificationReport over them (MetricsLambda, as Ignite builds them).
///
/// Decision record: the counts are kept in double on the CPU (Ignite's `_double_dtype`
/// accumulators on its default device), so values equal Ignite's bit for bit on the same
/// predictions; eps 1e-20 in Precision/Recall, 1e-15 in Fbeta, as Ignite. Multilabel input
/// (is_multilabel, average "samples") is not offered yet: ValueError says so.

#include <ignite/core/metric.hpp>
#include <ignite/core/metrics/metrics_lambda.hpp>

#include <ATen/ATen.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ignite {

/// Ignite's `average` argument.
enum class Average : std::uint8_t {
    False,     ///< per class (multiclass); one number for binary data (Ignite's default)
    None,      ///< per class, binary data too (two entries)
    Macro,     ///< the unweighted mean over classes (Ignite's True and 'macro')
    Micro,     ///< counts of all classes together
    Weighted,  ///< the mean weighted by each class's support
};
/// "false" / "none" / "true" / "macro" / "micro" / "weighted" (case as written) to an
/// Average; throws ValueError with Ignite's message for anything else.
Average parse_average(const std::string& text);

/// The shared machinery of Precision and Recall (Ignite's _BasePrecisionRecall).
/// update() takes (y_pred, y): binary — same shapes (N, ...) (or y_pred (N, 1, ...)) of 0s
/// and 1s; multiclass — y_pred (N, C, ...) scores, y (N, ...) indices < C.
class PrecisionRecall : public Metric {
public:
    void reset() override;
    void update(const c10::IValue& output) override;
    /// A double for Macro / Micro / Weighted (and binary False), otherwise a 1-D double
    /// tensor per class. Throws RuntimeError "<Name> must have at least one example before
    /// it can be computed." before the first update.
    [[nodiscard]] c10::IValue compute() const override;
    /// {updates, numerator (k), denominator (k), weight (k)}.
    [[nodiscard]] std::vector<double> statistics() const override;
    void load_statistics(const std::vector<double>& stats) override;

    [[nodiscard]] Average average() const noexcept { return average_; }

protected:
    PrecisionRecall(bool precision, Average average, OutputTransform output_transform);

private:
    enum class Type : std::uint8_t { kUnknown, kBinary, kMulticlass };
    void check(const at::Tensor& y_pred, const at::Tensor& y);

    bool precision_;
    Average average_;
    Type type_ = Type::kUnknown;
    std::int64_t num_classes_ = 0;
    std::int64_t updates_ = 0;
    at::Tensor numerator_, denominator_, weight_;
};

class Precision final : public PrecisionRecall {
public:
    explicit Precision(Average average = Average::False, OutputTransform output_transform = {})
        : PrecisionRecall(true, average, std::move(output_transform)) {}
    [[nodiscard]] std::string name() const override { return "Precision"; }
};

class Recall final : public PrecisionRecall {
public:
    explicit Recall(Average average = Average::False, OutputTransform output_transform = {})
        : PrecisionRecall(false, average, std::move(output_transform)) {}
    [[nodiscard]] std::string name() const override { return "Recall"; }
};

/// Ignite's Fbeta(beta, average, precision, recall, output_transform):
/// (1 + beta^2) P R / (beta^2 P + R + 1e-15) per class, its mean (a double) when `average`.
/// Missing precision / recall are made with Average::False and `output_transform`. Throws
/// ValueError for beta <= 0 ("Beta should be a positive integer, but given B"), for a given
/// precision or recall whose average is not False, and for an output_transform given with
/// both of them.
std::shared_ptr<MetricsLambda> Fbeta(double beta, bool average = true, std::shared_ptr<Precision> precision = nullptr,
                                     std::shared_ptr<Recall> recall = nullptr, OutputTransform output_transform = {});

/// Ignite's ClassificationReport(beta, output_dict, labels): for each class (named by
/// `labels` or "0", "1", ...) {"precision", "recall", "f<beta>-score"}, then "macro avg" with
/// the means. output_dict: a dict (str -> dict of str -> double); otherwise Ignite's JSON
/// string of it (Python's json.dumps layout). `beta` prints as Python prints the number
/// ("f1-score" for an int 1, "f2.5-score").
std::shared_ptr<MetricsLambda> ClassificationReport(double beta = 1, bool output_dict = false,
                                                    std::vector<std::string> labels = {},
                                                    OutputTransform output_transform = {});

}  // namespace ignite
