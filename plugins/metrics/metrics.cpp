// metrics: classification and regression metrics for the evaluator (plugin ABI 1.2).
//
//   ignite-host train --plugin metrics --metric f1_macro --metric confusion_matrix ...
//
// Metrics (the state.metrics keys):
//   precision_macro  precision_micro  precision_weighted
//   recall_macro     recall_micro     recall_weighted
//   f1_macro         f1_micro         f1_weighted
//   confusion_matrix (C x C counts, rows = true class, columns = predicted class)
//   top_k_accuracy   (option metrics.k, default 5)
//   mse  mae
//
// Inputs: classification metrics take y_pred (N, C) logits/scores (the prediction is the
// argmax over dim 1; C >= 2 is the number of classes, fixed after the first update) and y
// (N,) integer class indices in [0, C). mse/mae take y_pred and y of the same shape and, as
// Ignite's MeanSquaredError/MeanAbsoluteError, divide the summed errors by the number of
// samples N = y.shape[0].
//
// Definitions follow Ignite (Precision/Recall/Fbeta with average=True/'micro'/'weighted').
// From the confusion matrix M: tp_c = M[c][c], predicted_c = column sum, support_c = row sum.
//   precision_c = tp_c / predicted_c, or 0 when the class is never predicted;
//   recall_c    = tp_c / support_c,   or 0 when the class has no samples;
//   f1_c        = 2 p_c r_c / (p_c + r_c), or 0 when p_c + r_c = 0.
//   *_macro     = mean over ALL C classes, the undefined ones counting 0 (as Ignite, which
//                 divides by (denominator + eps) and warns; sklearn's zero_division=0);
//   *_weighted  = sum_c support_c * x_c / sum_c support_c (a class without samples weighs 0);
//   *_micro     = global counts: precision = sum tp / sum predicted, recall = sum tp /
//                 sum support (both equal accuracy for single-label multiclass), f1 =
//                 2 P R / (P + R) of those.
// Sufficient statistics (summable across processes): the C x C confusion-matrix counts
// (row-major) for every classification metric but top-k, {correct, N} for top-k, {sum of
// squared (mse) / absolute (mae) errors, N} for regression.
//
// Tensors arrive BORROWED (DLPack): they are viewed as at::Tensor (ignite/plugin_torch.hpp:
// no ownership, no deleter call) and only read during update.
#include <ignite/plugin_torch.hpp>

#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using ignite::sdk::Error;
using ignite::sdk::tensor_view;

std::string shape(const at::Tensor& t) {
    std::string s = "(";
    for (std::int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
    return s + (t.dim() == 1 ? ",)" : ")");
}

std::string not_computable(const char* metric) {
    return std::string(metric) + " must have at least one example before it can be computed.";
}

// (y_pred (N, C) scores, y (N,) class indices) checked; y returned as int64.
std::pair<at::Tensor, at::Tensor> classification_input(const DLManagedTensor* p, const DLManagedTensor* t,
                                                       const char* metric) {
    const at::Tensor y_pred = tensor_view(p, "y_pred");
    at::Tensor y = tensor_view(t, "y");
    if (y_pred.dim() != 2 || y_pred.size(1) < 2 || y.dim() != 1 || y.size(0) != y_pred.size(0)) {
        throw Error(IGNITE_ERR_INVALID_ARGUMENT, std::string(metric) +
                                                     " expects y_pred of shape (N, C) scores with C >= 2 and y of "
                                                     "shape (N,) class indices, but given y_pred " +
                                                     shape(y_pred) + " and y " + shape(y));
    }
    if (at::isFloatingType(y.scalar_type()) || y.scalar_type() == at::kBool) {
        throw Error(IGNITE_ERR_TYPE, std::string(metric) + " expects integer class indices in y, but given " +
                                         std::string(c10::toString(y.scalar_type())));
    }
    y = y.to(at::kLong);
    const std::int64_t classes = y_pred.size(1);
    if (y.numel() > 0 && ((y < 0) | (y >= classes)).any().item<bool>()) {
        throw Error(IGNITE_ERR_INVALID_ARGUMENT, std::string(metric) + ": y has class indices outside [0, " +
                                                     std::to_string(classes) + ") (y_pred has " +
                                                     std::to_string(classes) + " classes)");
    }
    return {y_pred, y};
}

// ---- confusion-matrix metrics ------------------------------------------------------------

enum class Score { kPrecision, kRecall, kF1, kMatrix };
enum class Average { kMacro, kMicro, kWeighted, kNone };

class ConfusionMetric : public ignite::sdk::Metric {
public:
    ConfusionMetric(const char* name, Score score, Average average) : name_(name), score_(score), average_(average) {}

    void reset() override {
        cm_ = at::Tensor();
        k_ = 0;
    }

    void update(const DLManagedTensor* p, const DLManagedTensor* t) override {
        auto [y_pred, y] = classification_input(p, t, name_);
        const std::int64_t classes = y_pred.size(1);
        if (k_ != 0 && classes != k_) {
            throw Error(IGNITE_ERR_INVALID_ARGUMENT, std::string(name_) + ": y_pred has " + std::to_string(classes) +
                                                         " classes, but previous updates had " + std::to_string(k_));
        }
        if (!cm_.defined()) {
            k_ = classes;
            cm_ = at::zeros({k_ * k_}, at::TensorOptions().dtype(at::kLong).device(y_pred.device()));
        }
        const at::Tensor pred = y_pred.argmax(1);
        const at::Tensor index = y * k_ + pred;  // row = true class, column = predicted
        cm_ += at::bincount(index, {}, k_ * k_).to(cm_.device());
    }

    [[nodiscard]] std::vector<double> compute() const override {
        const auto m = statistics();
        double total = 0;
        for (double v : m) total += v;
        if (k_ == 0 || total == 0) throw Error(IGNITE_ERR_STATE, not_computable(name_));
        if (score_ == Score::kMatrix) return m;
        const auto k = static_cast<std::size_t>(k_);
        std::vector<double> tp(k), predicted(k), support(k);
        for (std::size_t r = 0; r < k; ++r) {
            for (std::size_t c = 0; c < k; ++c) {
                const double v = m[r * k + c];
                support[r] += v;
                predicted[c] += v;
                if (r == c) tp[r] = v;
            }
        }
        auto precision = [&](std::size_t c) { return predicted[c] > 0 ? tp[c] / predicted[c] : 0.0; };
        auto recall = [&](std::size_t c) { return support[c] > 0 ? tp[c] / support[c] : 0.0; };
        auto f1 = [](double p, double r) { return p + r > 0 ? 2 * p * r / (p + r) : 0.0; };
        auto per_class = [&](std::size_t c) {
            switch (score_) {
                case Score::kPrecision:
                    return precision(c);
                case Score::kRecall:
                    return recall(c);
                default:
                    return f1(precision(c), recall(c));
            }
        };
        if (average_ == Average::kMicro) {
            double sum_tp = 0, sum_pred = 0, sum_support = 0;
            for (std::size_t c = 0; c < k; ++c) {
                sum_tp += tp[c];
                sum_pred += predicted[c];
                sum_support += support[c];
            }
            const double p = sum_pred > 0 ? sum_tp / sum_pred : 0.0;
            const double r = sum_support > 0 ? sum_tp / sum_support : 0.0;
            return {score_ == Score::kPrecision ? p : score_ == Score::kRecall ? r : f1(p, r)};
        }
        double acc = 0;
        for (std::size_t c = 0; c < k; ++c) acc += (average_ == Average::kWeighted ? support[c] : 1.0) * per_class(c);
        return {acc / (average_ == Average::kWeighted ? total : static_cast<double>(k))};
    }

    [[nodiscard]] std::vector<double> statistics() const override {
        if (!cm_.defined()) return {};
        const at::Tensor c = cm_.to(at::kCPU, at::kDouble).contiguous();
        return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
    }

    void load_statistics(const std::vector<double>& stats) override {
        if (stats.empty()) {
            reset();
            return;
        }
        const auto k = static_cast<std::int64_t>(std::llround(std::sqrt(static_cast<double>(stats.size()))));
        if (k < 2 || static_cast<std::size_t>(k * k) != stats.size()) {
            throw Error(IGNITE_ERR_INVALID_ARGUMENT, std::string(name_) +
                                                         ": load_statistics takes C*C confusion-matrix "
                                                         "counts (C >= 2), but given " +
                                                         std::to_string(stats.size()) + " numbers");
        }
        const at::Device device = cm_.defined() ? cm_.device() : at::Device(at::kCPU);
        cm_ = at::tensor(stats, at::TensorOptions().dtype(at::kDouble)).round().to(device, at::kLong);
        k_ = k;
    }

private:
    const char* name_;
    Score score_;
    Average average_;
    at::Tensor cm_;  // k*k counts on the inputs' device (no sync per update)
    std::int64_t k_ = 0;
};

// ---- top-k accuracy -------------------------------------------------------------------------

class TopKAccuracy : public ignite::sdk::Metric {
public:
    explicit TopKAccuracy(std::int64_t k) : k_(k) {}
    void reset() override {
        correct_ = at::Tensor();
        total_ = 0;
    }
    void update(const DLManagedTensor* p, const DLManagedTensor* t) override {
        auto [y_pred, y] = classification_input(p, t, "top_k_accuracy");
        // Checked here, not at init: the number of classes is first known at an update.
        // Refused rather than clamped, as Ignite's TopKCategoricalAccuracy (topk raises).
        if (k_ > y_pred.size(1)) {
            const auto classes = std::to_string(y_pred.size(1));
            throw Error(IGNITE_ERR_INVALID_ARGUMENT,
                        "top_k_accuracy: metrics.k=" + std::to_string(k_) + " exceeds the " + classes +
                            " classes of y_pred; set --plugin-opt metrics.k=K with K <= " + classes);
        }
        const at::Tensor top = std::get<1>(y_pred.topk(k_, 1));
        const at::Tensor hit = (top == y.unsqueeze(1)).any(1).sum();
        correct_ = correct_.defined() ? correct_ + hit : hit;
        total_ += y.size(0);
    }
    [[nodiscard]] std::vector<double> compute() const override {
        if (total_ == 0) throw Error(IGNITE_ERR_STATE, not_computable("TopKCategoricalAccuracy"));
        const auto s = statistics();
        return {s[0] / s[1]};
    }
    [[nodiscard]] std::vector<double> statistics() const override {
        return {correct_.defined() ? correct_.item<double>() : 0.0, static_cast<double>(total_)};
    }
    void load_statistics(const std::vector<double>& stats) override {
        if (stats.size() != 2) {
            throw Error(IGNITE_ERR_INVALID_ARGUMENT,
                        "top_k_accuracy: load_statistics takes {correct, total}, but "
                        "given " +
                            std::to_string(stats.size()) + " numbers");
        }
        correct_ = at::scalar_tensor(stats[0], at::kDouble);
        total_ = static_cast<std::int64_t>(std::llround(stats[1]));
    }

private:
    std::int64_t k_;
    at::Tensor correct_;
    std::int64_t total_ = 0;
};

// ---- regression -------------------------------------------------------------------------------

class ErrorSum : public ignite::sdk::Metric {
public:
    ErrorSum(const char* name, const char* ignite_name, bool squared)
        : name_(name), ignite_name_(ignite_name), squared_(squared) {}
    void reset() override {
        sum_ = at::Tensor();
        n_ = 0;
    }
    void update(const DLManagedTensor* p, const DLManagedTensor* t) override {
        const at::Tensor y_pred = tensor_view(p, "y_pred");
        const at::Tensor y = tensor_view(t, "y");
        if (y_pred.sizes() != y.sizes() || y.dim() == 0) {
            throw Error(IGNITE_ERR_INVALID_ARGUMENT, std::string(name_) +
                                                         " expects y_pred and y of the same shape "
                                                         "(N, ...), but given y_pred " +
                                                         shape(y_pred) + " and y " + shape(y));
        }
        const at::Tensor diff = y_pred.to(at::kDouble) - y.to(y_pred.device(), at::kDouble);
        const at::Tensor e = (squared_ ? diff * diff : diff.abs()).sum();
        sum_ = sum_.defined() ? sum_ + e : e;
        n_ += y.size(0);
    }
    [[nodiscard]] std::vector<double> compute() const override {
        if (n_ == 0) throw Error(IGNITE_ERR_STATE, not_computable(ignite_name_));
        const auto s = statistics();
        return {s[0] / s[1]};
    }
    [[nodiscard]] std::vector<double> statistics() const override {
        return {sum_.defined() ? sum_.item<double>() : 0.0, static_cast<double>(n_)};
    }
    void load_statistics(const std::vector<double>& stats) override {
        if (stats.size() != 2) {
            throw Error(IGNITE_ERR_INVALID_ARGUMENT, std::string(name_) +
                                                         ": load_statistics takes {sum, N}, but given " +
                                                         std::to_string(stats.size()) + " numbers");
        }
        sum_ = at::scalar_tensor(stats[0], at::kDouble);
        n_ = static_cast<std::int64_t>(std::llround(stats[1]));
    }

private:
    const char* name_;
    const char* ignite_name_;
    bool squared_;
    at::Tensor sum_;
    std::int64_t n_ = 0;
};

// ---- the plugin ---------------------------------------------------------------------------------

class MetricsPlugin : public ignite::sdk::Plugin {
public:
    std::int64_t k = 5;

private:
    void init(ignite::sdk::Host& host) override { k = host.option_int("k"); }  // >= 1: the host checks
};

using ignite::sdk::MetricSpec;
using ignite::sdk::Plugin;

template <Score S, Average A>
MetricSpec confusion(const char* name, const char* help) {
    MetricSpec m(name, [name](Plugin&) { return std::make_unique<ConfusionMetric>(name, S, A); });
    m.help(help);
    if (S == Score::kMatrix) m.square();
    return m;
}

}  // namespace

IGNITE_SDK_PLUGIN(
    MetricsPlugin,
    ignite::sdk::PluginSpec("metrics")
        .band(ignite::sdk::Priority::metrics)
        .version("1.0.0")
        .description("Classification and regression metrics: precision/recall/f1 (macro, micro, weighted), "
                     "confusion_matrix, top_k_accuracy, mse, mae")
        .option(ignite::sdk::Option::integer("k", 5).min(1).help("k of top_k_accuracy"))
        .metric(confusion<Score::kPrecision, Average::kMacro>("precision_macro",
                                                              "precision averaged over classes (undefined = 0)"))
        .metric(confusion<Score::kPrecision, Average::kMicro>("precision_micro", "global TP / (TP + FP)"))
        .metric(confusion<Score::kPrecision, Average::kWeighted>("precision_weighted",
                                                                 "precision weighted by class support"))
        .metric(confusion<Score::kRecall, Average::kMacro>("recall_macro",
                                                           "recall averaged over classes (undefined = 0)"))
        .metric(confusion<Score::kRecall, Average::kMicro>("recall_micro", "global TP / (TP + FN)"))
        .metric(confusion<Score::kRecall, Average::kWeighted>("recall_weighted", "recall weighted by class support"))
        .metric(confusion<Score::kF1, Average::kMacro>("f1_macro", "per-class F1 averaged over classes"))
        .metric(confusion<Score::kF1, Average::kMicro>("f1_micro", "F1 of the global precision and recall"))
        .metric(confusion<Score::kF1, Average::kWeighted>("f1_weighted", "per-class F1 weighted by class support"))
        .metric(confusion<Score::kMatrix, Average::kNone>("confusion_matrix",
                                                          "C x C counts, rows = true class, columns = predicted"))
        .metric(MetricSpec("top_k_accuracy",
                           [](Plugin& p) { return std::make_unique<TopKAccuracy>(static_cast<MetricsPlugin&>(p).k); })
                    .help("fraction of samples whose class is among the k highest scores (option k)"))
        .metric(MetricSpec("mse", [](Plugin&) { return std::make_unique<ErrorSum>("mse", "MeanSquaredError", true); })
                    .help("mean squared error (summed over elements, divided by N)"))
        .metric(MetricSpec("mae", [](Plugin&) {
                    return std::make_unique<ErrorSum>("mae", "MeanAbsoluteError", false);
                }).help("mean absolute error (summed over elements, divided by N)")))
