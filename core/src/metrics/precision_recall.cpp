#include <ignite/core/metrics/precision_recall.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <utility>

namespace ignite {
namespace {

std::string shape(const at::Tensor& t) { return fmt::format("torch.Size([{}])", fmt::join(t.sizes(), ", ")); }

constexpr double kEps = 1e-20;  // Ignite's _BasePrecisionRecall.eps

// Python's repr of a float: json.dumps writes floats that way ("1.0", "0.3333333333333333").
std::string py_float(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
    std::string s = fmt::format("{}", v);
    if (s.find_first_of(".e") == std::string::npos) s += ".0";
    return s;
}

// A JSON string as json.dumps writes it (ASCII only, quotes and backslashes escaped).
std::string py_json_string(const std::string& s) {
    std::string out = "\"";
    for (const unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20) {
            out += fmt::format("\\u{:04x}", c);
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

}  // namespace

Average parse_average(const std::string& text) {
    if (text == "false" || text == "False") return Average::False;
    if (text == "none" || text == "None") return Average::None;
    if (text == "true" || text == "True" || text == "macro") return Average::Macro;
    if (text == "micro") return Average::Micro;
    if (text == "weighted") return Average::Weighted;
    throw ValueError(
        "Argument average should be None or a boolean or one of values 'macro', 'micro', 'weighted' and 'samples'.");
}

PrecisionRecall::PrecisionRecall(bool precision, Average average, OutputTransform output_transform)
    : Metric(std::move(output_transform)), precision_(precision), average_(average) {
    reset();
}

void PrecisionRecall::reset() {
    type_ = Type::kUnknown;
    num_classes_ = 0;
    updates_ = 0;
    numerator_ = at::zeros({}, at::kDouble);
    denominator_ = at::zeros({}, at::kDouble);
    weight_ = at::zeros({}, at::kDouble);
}

void PrecisionRecall::check(const at::Tensor& y_pred, const at::Tensor& y) {
    // Ignite's _BaseClassification._check_shape.
    if (!(y.dim() == y_pred.dim() || y.dim() + 1 == y_pred.dim())) {
        throw ValueError(
            fmt::format("y must have shape of (batch_size, ...) and y_pred must have shape of "
                        "(batch_size, num_categories, ...) or (batch_size, ...), but given {} vs {}.",
                        shape(y), shape(y_pred)));
    }
    std::vector<std::int64_t> pred_shape(y_pred.sizes().begin(), y_pred.sizes().end());
    if (y.dim() + 1 == y_pred.dim()) pred_shape.erase(pred_shape.begin() + 1);
    if (!(y.sizes() == at::IntArrayRef(pred_shape))) {
        throw ValueError(
            fmt::format("y and y_pred must have compatible shapes, but given {} vs {}.", shape(y), shape(y_pred)));
    }
    // _check_type.
    auto check_binary = [&] {
        if (!at::equal(y, y * y)) throw ValueError("For binary cases, y must be comprised of 0's and 1's.");
        if (!at::equal(y_pred, y_pred * y_pred)) throw ValueError("For binary cases, y_pred must be comprised of 0's and 1's.");
    };
    Type t;
    std::int64_t c;
    if (y.dim() + 1 == y_pred.dim()) {
        c = y_pred.size(1);
        t = c == 1 ? Type::kBinary : Type::kMulticlass;
        if (t == Type::kBinary) check_binary();
    } else {
        check_binary();
        t = Type::kBinary;
        c = 1;
    }
    if (type_ == Type::kUnknown) {
        type_ = t;
        num_classes_ = c;
    } else if (type_ != t) {
        throw RuntimeError(fmt::format("Input data type has changed from {} to {}.",
                                       type_ == Type::kBinary ? "binary" : "multiclass",
                                       t == Type::kBinary ? "binary" : "multiclass"));
    } else if (num_classes_ != c) {
        throw ValueError(fmt::format("Input data number of classes has changed from {} to {}", num_classes_, c));
    }
}

void PrecisionRecall::update(const c10::IValue& output) {
    auto [y_pred, y] = unpack_pair(output, name().c_str());
    check(y_pred, y);
    // Ignite's _prepare_output.
    if (type_ == Type::kMulticlass) {
        const auto c = y_pred.size(1);
        if (y.numel() > 0 && y.max().item<std::int64_t>() + 1 > c) {
            throw ValueError(fmt::format("y_pred contains fewer classes than y. Number of classes in the prediction "
                                         "is {} and an element in y has invalid class = {}.",
                                         c, y.max().item<std::int64_t>() + 1));
        }
    }
    y = y.reshape({-1});
    if (type_ == Type::kBinary && average_ == Average::False) {
        y_pred = y_pred.reshape({-1});
    } else {
        const auto c = type_ == Type::kBinary ? 2 : y_pred.size(1);
        const at::Tensor indices = type_ == Type::kMulticlass ? at::argmax(y_pred, 1) : y_pred.to(at::kLong);
        y = at::one_hot(y.to(at::kLong), c);
        y_pred = at::one_hot(indices.reshape({-1}), c);
    }
    y_pred = y_pred.to(at::kCPU, at::kDouble);
    y = y.to(at::kCPU, at::kDouble);
    const at::Tensor correct = y * y_pred;
    const at::Tensor& positives = precision_ ? y_pred : y;
    if (average_ == Average::Micro) {
        denominator_ = denominator_ + positives.sum();
        numerator_ = numerator_ + correct.sum();
    } else {
        denominator_ = denominator_ + positives.sum(0);
        numerator_ = numerator_ + correct.sum(0);
        if (average_ == Average::Weighted) weight_ = weight_ + y.sum(0);
    }
    ++updates_;
}

c10::IValue PrecisionRecall::compute() const {
    if (updates_ == 0) {
        throw RuntimeError(fmt::format("{} must have at least one example before it can be computed.", name()));
    }
    const at::Tensor fraction = numerator_ / (denominator_ + kEps);
    switch (average_) {
        case Average::Weighted: {
            const at::Tensor sum_of_weights = weight_.sum() + kEps;
            return (at::matmul(fraction, weight_) / sum_of_weights).item<double>();
        }
        case Average::Micro:
            return fraction.item<double>();
        case Average::Macro:
            return fraction.mean().item<double>();
        case Average::False:
        case Average::None:
            break;
    }
    return fraction;
}

std::vector<double> PrecisionRecall::statistics() const {
    std::vector<double> out{static_cast<double>(updates_)};
    const auto k = std::max(numerator_.numel(), denominator_.numel());
    for (const at::Tensor& t : {numerator_, denominator_, weight_}) {
        // weight_ stays a 0-d zero unless weighted: written as k zeros so lengths match.
        const at::Tensor full = t.numel() == k ? t.reshape({-1}).contiguous() : at::zeros({k}, at::kDouble);
        out.insert(out.end(), full.data_ptr<double>(), full.data_ptr<double>() + k);
    }
    return out;
}

void PrecisionRecall::load_statistics(const std::vector<double>& stats) {
    if (stats.empty() || (stats.size() - 1) % 3 != 0) {
        throw ValueError(fmt::format("{}.load_statistics: expected {{updates, numerator, denominator, weight}} "
                                     "(1 + 3k numbers), got {} numbers",
                                     name(), stats.size()));
    }
    const auto k = static_cast<std::int64_t>((stats.size() - 1) / 3);
    const bool scalar = average_ == Average::Micro || (average_ == Average::False && k == 1);
    auto part = [&](std::int64_t i) {
        at::Tensor t = at::tensor(std::vector<double>(stats.begin() + 1 + i * k, stats.begin() + 1 + (i + 1) * k),
                                  at::kDouble);
        return scalar ? t.reshape({}) : t;
    };
    updates_ = static_cast<std::int64_t>(stats[0]);
    numerator_ = part(0);
    denominator_ = part(1);
    weight_ = average_ == Average::Weighted ? part(2) : at::zeros({}, at::kDouble);
}

std::shared_ptr<MetricsLambda> Fbeta(double beta, bool average, std::shared_ptr<Precision> precision,
                                     std::shared_ptr<Recall> recall, OutputTransform output_transform) {
    if (!(beta > 0)) throw ValueError(fmt::format("Beta should be a positive integer, but given {}", beta));
    if (output_transform && precision) {
        throw ValueError("If precision argument is provided, output_transform should be None");
    }
    if (output_transform && recall) throw ValueError("If recall argument is provided, output_transform should be None");
    if (!precision) precision = std::make_shared<Precision>(Average::False, output_transform);
    else if (precision->average() != Average::False) throw ValueError("Input precision metric should have average=False");
    if (!recall) recall = std::make_shared<Recall>(Average::False, output_transform);
    else if (recall->average() != Average::False) throw ValueError("Input recall metric should have average=False");
    return MetricsLambda::make(
        [beta, average](const std::vector<c10::IValue>& v) -> c10::IValue {
            const at::Tensor p = metric_tensor(v[0], "Precision");
            const at::Tensor r = metric_tensor(v[1], "Recall");
            const double b2 = beta * beta;
            const at::Tensor f = (1.0 + b2) * p * r / (b2 * p + r + 1e-15);
            if (average) return f.mean().item<double>();
            return f;
        },
        {std::move(precision), std::move(recall)}, "Fbeta");
}

std::shared_ptr<MetricsLambda> ClassificationReport(double beta, bool output_dict, std::vector<std::string> labels,
                                                    OutputTransform output_transform) {
    auto precision = std::make_shared<Precision>(Average::False, output_transform);
    auto recall = std::make_shared<Recall>(Average::False, output_transform);
    auto fbeta = Fbeta(beta, false, precision, recall);
    // Python's f"f{beta}-score": an integral beta prints as an int (Ignite's default beta=1).
    const std::string f_key =
        std::floor(beta) == beta && std::abs(beta) < 1e15 ? fmt::format("f{}-score", static_cast<std::int64_t>(beta))
                                                           : fmt::format("f{}-score", py_float(beta));
    return MetricsLambda::make(
        [f_key, output_dict, labels = std::move(labels)](const std::vector<c10::IValue>& v) -> c10::IValue {
            const at::Tensor re = metric_tensor(v[0], "Recall").reshape({-1});
            const at::Tensor pr = metric_tensor(v[1], "Precision").reshape({-1});
            const at::Tensor f = metric_tensor(v[2], "Fbeta").reshape({-1});
            if (pr.sizes() != re.sizes()) {
                throw ValueError(fmt::format("Internal error: Precision and Recall have mismatched shapes: {} vs {}",
                                             shape(pr), shape(re)));
            }
            c10::impl::GenericDict report(c10::StringType::get(), c10::AnyType::get());
            std::string json = "{";
            auto entry = [&](const std::string& key, double p, double r, double fv) {
                c10::impl::GenericDict d(c10::StringType::get(), c10::FloatType::get());
                d.insert("precision", p);
                d.insert("recall", r);
                d.insert(f_key, fv);
                report.insert(key, d);
                json += fmt::format("{}{}: {{\"precision\": {}, \"recall\": {}, {}: {}}}", json.size() > 1 ? ", " : "",
                                    py_json_string(key), py_float(p), py_float(r), py_json_string(f_key), py_float(fv));
            };
            for (std::int64_t i = 0; i < pr.size(0); ++i) {
                const auto idx = static_cast<std::size_t>(i);
                entry(labels.empty() ? std::to_string(i) : (idx < labels.size() ? labels[idx] : std::to_string(i)),
                      pr[i].item<double>(), re[i].item<double>(), f[i].item<double>());
            }
            entry("macro avg", pr.mean().item<double>(), re.mean().item<double>(), f.mean().item<double>());
            if (output_dict) return report;
            return json + "}";
        },
        {recall, precision, fbeta}, "ClassificationReport");
}

}  // namespace ignite
