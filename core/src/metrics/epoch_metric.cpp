#include <ignite/core/metrics/epoch_metric.hpp>

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <numeric>

namespace ignite {
namespace {

std::string shape(const at::Tensor& t) { return fmt::format("torch.Size([{}])", fmt::join(t.sizes(), ", ")); }

// sklearn's _binary_clf_curve: for each distinct score, from the highest, the cumulated
// true and false positives at or above it.
struct Curve {
    std::vector<double> tps, fps;
};
Curve binary_clf_curve(const std::vector<double>& scores, const std::vector<double>& targets) {
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
    Curve c;
    double tp = 0, fp = 0;
    for (std::size_t i = 0; i < order.size(); ++i) {
        const double y = targets[order[i]];
        tp += y;
        fp += 1.0 - y;
        // The last sample of a run of equal scores closes one threshold.
        if (i + 1 == order.size() || scores[order[i + 1]] != scores[order[i]]) {
            c.tps.push_back(tp);
            c.fps.push_back(fp);
        }
    }
    return c;
}

void check_two_classes(const std::vector<double>& targets, const char* what) {
    for (const double y : targets) {
        if (y != 0.0 && y != 1.0) {
            throw ValueError(fmt::format("{}: y must hold 0s and 1s (binary targets), but holds {}", what, y));
        }
    }
}

}  // namespace

void EpochMetric::reset() {
    scores_.clear();
    targets_.clear();
}

void EpochMetric::update(const c10::IValue& output) {
    auto [y_pred, y] = unpack_pair(output, name().c_str());
    // Ignite's EpochMetric._check_shape: (N,) or (N, C); (N, 1) squeezed.
    if (y_pred.dim() != 1 && y_pred.dim() != 2) {
        throw ValueError(fmt::format("Predictions should be of shape (batch_size, n_targets) or (batch_size, ), but "
                                     "given {}",
                                     shape(y_pred)));
    }
    if (y.dim() != 1 && y.dim() != 2) {
        throw ValueError(
            fmt::format("Targets should be of shape (batch_size, n_targets) or (batch_size, ), but given {}", shape(y)));
    }
    if (y_pred.dim() == 2 && y_pred.size(1) == 1) y_pred = y_pred.squeeze(-1);
    if (y.dim() == 2 && y.size(1) == 1) y = y.squeeze(-1);
    if (y_pred.dim() != 1 || y.dim() != 1) {
        throw ValueError(fmt::format("{} takes binary data: y_pred (N,) or (N, 1) scores and y (N,) of 0s and 1s, but "
                                     "given {} vs {}",
                                     name(), shape(y_pred), shape(y)));
    }
    if (y_pred.size(0) != y.size(0)) {
        throw ValueError(
            fmt::format("y and y_pred must have the same batch size, but given {} vs {}", shape(y), shape(y_pred)));
    }
    const at::Tensor p = y_pred.to(at::kCPU, at::kDouble).contiguous();
    const at::Tensor t = y.to(at::kCPU, at::kDouble).contiguous();
    scores_.insert(scores_.end(), p.data_ptr<double>(), p.data_ptr<double>() + p.numel());
    targets_.insert(targets_.end(), t.data_ptr<double>(), t.data_ptr<double>() + t.numel());
}

c10::IValue EpochMetric::compute() const {
    if (scores_.empty()) throw RuntimeError("EpochMetric must have at least one example before it can be computed.");
    return compute_on(scores_, targets_);
}

std::vector<double> EpochMetric::statistics() const {
    std::vector<double> out;
    out.reserve(2 * scores_.size());
    for (std::size_t i = 0; i < scores_.size(); ++i) {
        out.push_back(scores_[i]);
        out.push_back(targets_[i]);
    }
    return out;
}

void EpochMetric::load_statistics(const std::vector<double>& stats) {
    if (stats.size() % 2 != 0) {
        throw ValueError(fmt::format("{}.load_statistics: expected (score, target) pairs, got {} numbers", name(),
                                     stats.size()));
    }
    reset();
    for (std::size_t i = 0; i < stats.size(); i += 2) {
        scores_.push_back(stats[i]);
        targets_.push_back(stats[i + 1]);
    }
}

double roc_auc_score(const std::vector<double>& scores, const std::vector<double>& targets) {
    check_two_classes(targets, "ROC_AUC");
    const auto positives = std::count(targets.begin(), targets.end(), 1.0);
    if (positives == 0 || positives == static_cast<std::ptrdiff_t>(targets.size())) {
        throw ValueError("Only one class present in y_true. ROC AUC score is not defined in that case.");
    }
    const Curve c = binary_clf_curve(scores, targets);
    const double p = c.tps.back(), n = c.fps.back();
    double area = 0, prev_fpr = 0, prev_tpr = 0;
    for (std::size_t i = 0; i < c.tps.size(); ++i) {
        const double fpr = c.fps[i] / n, tpr = c.tps[i] / p;
        area += (fpr - prev_fpr) * (tpr + prev_tpr) / 2.0;
        prev_fpr = fpr;
        prev_tpr = tpr;
    }
    return area;
}

double average_precision_score(const std::vector<double>& scores, const std::vector<double>& targets) {
    check_two_classes(targets, "AveragePrecision");
    const Curve c = binary_clf_curve(scores, targets);
    const double p = c.tps.back();
    if (p == 0) {
        throw ValueError("No positive class found in y_true: average precision is not defined (sklearn warns and "
                         "returns a meaningless value)");
    }
    double ap = 0, prev_recall = 0;
    for (std::size_t i = 0; i < c.tps.size(); ++i) {
        const double precision = c.tps[i] / (c.tps[i] + c.fps[i]);
        const double recall = c.tps[i] / p;
        ap += (recall - prev_recall) * precision;
        prev_recall = recall;
    }
    return ap;
}

double ROC_AUC::compute_on(const std::vector<double>& scores, const std::vector<double>& targets) const {
    return roc_auc_score(scores, targets);
}

double AveragePrecision::compute_on(const std::vector<double>& scores, const std::vector<double>& targets) const {
    return average_precision_score(scores, targets);
}

}  // namespace ignite
