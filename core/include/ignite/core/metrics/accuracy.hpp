#pragma once
/// @file accuracy.hpp
/// ignite::Accuracy: Ignite's `ignite.metrics.Accuracy` — the fraction of samples
/// predicted correctly, for binary, multiclass and multilabel outputs.

#include <ignite/core/metric.hpp>

#include <ATen/ATen.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ignite {

/// update() takes a tuple or list (y_pred, y) of tensors, or a dict with keys "y_pred"
/// and "y" (through attach()). The case is inferred per update, as Ignite does:
/// - binary: y_pred and y of the same shape (N, ...) holding only 0s and 1s (or y_pred
///   of shape (N, 1, ...)); each element is a sample;
/// - multiclass: y_pred (N, C, ...) scores, y (N, ...) class indices; the prediction is
///   argmax over dim 1;
/// - multilabel (constructed with is_multilabel = true): y_pred and y (N, C, ...) of
///   0s and 1s with C > 1; a sample is correct only when all C labels match.
/// Errors (Ignite's messages): ValueError for incompatible shapes (naming both), for
/// non-0/1 values in the binary/multilabel cases, and for a changed number of classes;
/// RuntimeError when the case changes between updates; TypeError for a non-pair input.
class Accuracy : public Metric {
public:
    explicit Accuracy(OutputTransform output_transform = {}, bool is_multilabel = false);

    void reset() override;
    void update(const c10::IValue& output) override;
    /// correct / total as a double. Throws RuntimeError "Accuracy must have at least one
    /// example before it can be computed." before the first update.
    [[nodiscard]] c10::IValue compute() const override;
    /// {correct, total}.
    [[nodiscard]] std::vector<double> statistics() const override;
    /// Takes {correct, total}; throws ValueError for any other length.
    void load_statistics(const std::vector<double>& stats) override;
    [[nodiscard]] std::string name() const override { return "Accuracy"; }

private:
    enum class Type : std::uint8_t { kUnknown, kBinary, kMulticlass, kMultilabel };
    void check_shape(const at::Tensor& y_pred, const at::Tensor& y) const;
    void check_type(const at::Tensor& y_pred, const at::Tensor& y);

    bool is_multilabel_;
    Type type_ = Type::kUnknown;
    std::int64_t num_classes_ = 0;
    // Kept as a tensor on the outputs' device so a multiclass update does not sync a GPU.
    at::Tensor num_correct_;
    std::int64_t num_examples_ = 0;
};

}  // namespace ignite
