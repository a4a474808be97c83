#include <ignite/core/metrics/cohen_kappa.hpp>

#include <fmt/format.h>

#include <cmath>

namespace ignite {

CohenKappa::CohenKappa(std::string weights, std::int64_t num_classes, OutputTransform output_transform)
    : Metric(std::move(output_transform)), weights_(std::move(weights)), label_classes_(num_classes) {
    if (!(weights_.empty() || weights_ == "linear" || weights_ == "quadratic")) {
        throw ValueError("Kappa Weighting type must be None or linear or quadratic.");
    }
    if (num_classes == 1 || num_classes < 0) throw ValueError("Argument num_classes needs to be > 1");
    cm_ = std::make_shared<ConfusionMatrix>(num_classes);
}

void CohenKappa::reset() { cm_->reset(); }

void CohenKappa::update(const c10::IValue& output) {
    auto [y_pred, y] = unpack_pair(output, "CohenKappa");
    if (y_pred.dim() == y.dim()) {
        // Labels: one-hot them so the matrix sees (N, C) "scores" whose argmax is the label.
        const auto c = label_classes_ > 0 ? label_classes_ : 2;
        const at::Tensor labels = y_pred.to(at::kLong).reshape({-1});
        if (labels.numel() > 0 && (labels.min().item<std::int64_t>() < 0 || labels.max().item<std::int64_t>() >= c)) {
            throw ValueError(fmt::format("CohenKappa: y_pred labels must lie in [0, {}) (num_classes {})", c, c));
        }
        y_pred = at::one_hot(labels, c).to(at::kFloat);
        y = y.reshape({-1});
    }
    cm_->update(c10::ivalue::Tuple::create({y_pred, y}));
}

c10::IValue CohenKappa::compute() const {
    if (cm_->statistics()[0] == 0) {
        throw RuntimeError("CohenKappa must have at least one example before it can be computed.");
    }
    return cohen_kappa_from_matrix(cm_->counts(), weights_);
}

double cohen_kappa_from_matrix(const at::Tensor& matrix, const std::string& weights) {
    at::Tensor m = matrix.to(at::kCPU, at::kDouble);
    // sklearn's labels: those present in y_true or y_pred.
    const at::Tensor present = at::logical_or(m.sum(0) > 0, m.sum(1) > 0).nonzero().reshape({-1});
    m = m.index_select(0, present).index_select(1, present);
    const auto k = m.size(0);
    const at::Tensor sum0 = m.sum(0), sum1 = m.sum(1);
    const at::Tensor expected = at::outer(sum1, sum0) / sum0.sum();
    const at::Tensor idx = at::arange(k, at::kDouble);
    const at::Tensor diff = idx.unsqueeze(1) - idx.unsqueeze(0);
    at::Tensor w;
    if (weights.empty()) {
        w = at::ones({k, k}, at::kDouble) - at::eye(k, at::kDouble);
    } else if (weights == "linear") {
        w = diff.abs();
    } else {
        w = diff * diff;
    }
    const double kappa = (w * m).sum().item<double>() / (w * expected).sum().item<double>();
    return 1.0 - kappa;
}

}  // namespace ignite
