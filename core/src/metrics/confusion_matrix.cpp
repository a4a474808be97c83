#include <ignite/core/metrics/confusion_matrix.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <utility>

namespace ignite {
namespace {

std::string shape(const at::Tensor& t) { return fmt::format("torch.Size([{}])", fmt::join(t.sizes(), ", ")); }

// Ignite's cm.to(torch.double) for the derived metrics.
at::Tensor as_double(const c10::IValue& v) { return v.toTensor().to(at::kCPU, at::kDouble); }

void check_cm(const std::shared_ptr<ConfusionMatrix>& cm, const char* what) {
    if (!cm) throw TypeError(fmt::format("Argument cm of {} should be instance of ConfusionMatrix, but given null", what));
}

void check_ignore_index(const ConfusionMatrix& cm, std::optional<std::int64_t> ignore_index) {
    if (!ignore_index) return;
    const auto c = cm.num_classes();
    if (*ignore_index < 0 || (c > 0 && *ignore_index >= c)) {
        throw ValueError(fmt::format("ignore_index should be integer and in the range of [0, {}), but given {}",
                                     c > 0 ? std::to_string(c) : std::string("num_classes"), *ignore_index));
    }
}

// Ignite's ignore_index_fn: the vector without entry `ignore`.
at::Tensor drop_index(const at::Tensor& v, std::int64_t ignore, const char* what) {
    if (ignore >= v.size(0)) {
        throw ValueError(fmt::format("ignore_index {} is larger than the length of {} vector {}", ignore, what, v.size(0)));
    }
    return at::cat({v.slice(0, 0, ignore), v.slice(0, ignore + 1)});
}

}  // namespace

ConfusionMatrix::ConfusionMatrix(std::int64_t num_classes, std::string average, OutputTransform output_transform)
    : Metric(std::move(output_transform)), num_classes_(num_classes), average_(std::move(average)) {
    if (!(average_.empty() || average_ == "samples" || average_ == "recall" || average_ == "precision")) {
        throw ValueError("Argument average can None or one of 'samples', 'recall', 'precision'");
    }
    if (num_classes_ == 1 || num_classes_ < 0) throw ValueError("Argument num_classes needs to be > 1");
    reset();
}

void ConfusionMatrix::reset() {
    matrix_ = at::zeros({num_classes_, num_classes_}, at::kLong);
    num_examples_ = 0;
}

void ConfusionMatrix::update(const c10::IValue& output) {
    auto [y_pred, y] = unpack_pair(output, "ConfusionMatrix");
    if (y_pred.dim() < 2) {
        throw ValueError(fmt::format("y_pred must have shape (batch_size, num_classes (currently set to {}), ...), "
                                     "but given {}",
                                     num_classes_, shape(y_pred)));
    }
    if (num_classes_ == 0) {
        if (y_pred.size(1) < 2) throw ValueError("Argument num_classes needs to be > 1");
        num_classes_ = y_pred.size(1);
        matrix_ = at::zeros({num_classes_, num_classes_}, at::kLong);
    }
    if (y_pred.size(1) != num_classes_) {
        throw ValueError(
            fmt::format("y_pred does not have correct number of classes: {} vs {}", y_pred.size(1), num_classes_));
    }
    if (y.dim() + 1 != y_pred.dim()) {
        throw ValueError(fmt::format("y_pred must have shape (batch_size, num_classes (currently set to {}), ...) and "
                                     "y must have shape of (batch_size, ...), but given {} vs {}.",
                                     num_classes_, shape(y), shape(y_pred)));
    }
    std::vector<std::int64_t> pred_shape(y_pred.sizes().begin(), y_pred.sizes().end());
    pred_shape.erase(pred_shape.begin() + 1);
    if (!(y.sizes() == at::IntArrayRef(pred_shape))) throw ValueError("y and y_pred must have compatible shapes.");

    num_examples_ += y_pred.size(0);
    at::Tensor pred = at::argmax(y_pred, 1).flatten().to(at::kCPU, at::kLong);
    at::Tensor target = y.flatten().to(at::kCPU, at::kLong);
    const at::Tensor mask = at::logical_and(target >= 0, target < num_classes_);
    target = target.index({mask});
    pred = pred.index({mask});
    const at::Tensor indices = num_classes_ * target + pred;
    matrix_ += at::bincount(indices, {}, num_classes_ * num_classes_).reshape({num_classes_, num_classes_});
}

c10::IValue ConfusionMatrix::compute() const {
    if (num_examples_ == 0) {
        throw RuntimeError("Confusion matrix must have at least one example before it can be computed.");
    }
    if (average_.empty()) return matrix_.clone();
    const at::Tensor m = matrix_.to(at::kFloat);
    if (average_ == "samples") return m / static_cast<double>(num_examples_);
    if (average_ == "recall") return m / (m.sum(1).unsqueeze(1) + 1e-15);
    return m / (m.sum(0) + 1e-15);  // precision
}

std::vector<double> ConfusionMatrix::statistics() const {
    std::vector<double> out{static_cast<double>(num_examples_)};
    const at::Tensor flat = matrix_.flatten().to(at::kDouble).contiguous();
    out.insert(out.end(), flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel());
    return out;
}

void ConfusionMatrix::load_statistics(const std::vector<double>& stats) {
    if (stats.empty()) throw ValueError("ConfusionMatrix.load_statistics: expected {num_examples, C*C counts}, got none");
    auto c = num_classes_;
    if (c == 0) {
        c = static_cast<std::int64_t>(std::llround(std::sqrt(static_cast<double>(stats.size() - 1))));
        if (stats.size() == 1) c = 0;
    }
    if (static_cast<std::size_t>(c * c) + 1 != stats.size()) {
        throw ValueError(fmt::format("ConfusionMatrix.load_statistics: expected {} numbers (1 + {}x{}), got {}",
                                     c * c + 1, c, c, stats.size()));
    }
    num_classes_ = c;
    num_examples_ = static_cast<std::int64_t>(stats[0]);
    matrix_ = at::tensor(std::vector<double>(stats.begin() + 1, stats.end()), at::kDouble)
                  .to(at::kLong)
                  .reshape({c, c});
}

std::shared_ptr<MetricsLambda> IoU(std::shared_ptr<ConfusionMatrix> cm, std::optional<std::int64_t> ignore_index) {
    check_cm(cm, "IoU");
    if (!(cm->average().empty() || cm->average() == "samples")) {
        throw ValueError("ConfusionMatrix should have average attribute either None or 'samples'");
    }
    check_ignore_index(*cm, ignore_index);
    return MetricsLambda::make(
        [ignore_index](const std::vector<c10::IValue>& v) -> c10::IValue {
            const at::Tensor m = as_double(v[0]);
            const at::Tensor diag = m.diag();
            at::Tensor iou = diag / (m.sum(1) + m.sum(0) - diag + 1e-15);
            if (ignore_index) iou = drop_index(iou, *ignore_index, "IoU");
            return iou;
        },
        {std::move(cm)}, "IoU");
}

std::shared_ptr<MetricsLambda> JaccardIndex(std::shared_ptr<ConfusionMatrix> cm, std::optional<std::int64_t> ignore_index) {
    return IoU(std::move(cm), ignore_index);
}

std::shared_ptr<MetricsLambda> mIoU(std::shared_ptr<ConfusionMatrix> cm, std::optional<std::int64_t> ignore_index) {
    return MetricsLambda::make(
        [](const std::vector<c10::IValue>& v) -> c10::IValue { return v[0].toTensor().mean().item<double>(); },
        {IoU(std::move(cm), ignore_index)}, "mIoU");
}

std::shared_ptr<MetricsLambda> DiceCoefficient(std::shared_ptr<ConfusionMatrix> cm,
                                               std::optional<std::int64_t> ignore_index) {
    check_cm(cm, "DiceCoefficient");
    check_ignore_index(*cm, ignore_index);
    return MetricsLambda::make(
        [ignore_index](const std::vector<c10::IValue>& v) -> c10::IValue {
            const at::Tensor m = as_double(v[0]);
            at::Tensor dice = 2.0 * m.diag() / (m.sum(1) + m.sum(0) + 1e-15);
            if (ignore_index) dice = drop_index(dice, *ignore_index, "Dice");
            return dice;
        },
        {std::move(cm)}, "DiceCoefficient");
}

std::shared_ptr<MetricsLambda> cmAccuracy(std::shared_ptr<ConfusionMatrix> cm) {
    check_cm(cm, "cmAccuracy");
    return MetricsLambda::make(
        [](const std::vector<c10::IValue>& v) -> c10::IValue {
            const at::Tensor m = as_double(v[0]);
            return (m.diag().sum() / (m.sum() + 1e-15)).item<double>();
        },
        {std::move(cm)}, "cmAccuracy");
}

std::shared_ptr<MetricsLambda> cmPrecision(std::shared_ptr<ConfusionMatrix> cm, bool average) {
    check_cm(cm, "cmPrecision");
    return MetricsLambda::make(
        [average](const std::vector<c10::IValue>& v) -> c10::IValue {
            const at::Tensor m = as_double(v[0]);
            const at::Tensor p = m.diag() / (m.sum(0) + 1e-15);
            return average ? c10::IValue(p.mean().item<double>()) : c10::IValue(p);
        },
        {std::move(cm)}, "cmPrecision");
}

std::shared_ptr<MetricsLambda> cmRecall(std::shared_ptr<ConfusionMatrix> cm, bool average) {
    check_cm(cm, "cmRecall");
    return MetricsLambda::make(
        [average](const std::vector<c10::IValue>& v) -> c10::IValue {
            const at::Tensor m = as_double(v[0]);
            const at::Tensor r = m.diag() / (m.sum(1) + 1e-15);
            return average ? c10::IValue(r.mean().item<double>()) : c10::IValue(r);
        },
        {std::move(cm)}, "cmRecall");
}

}  // namespace ignite
