#include "core_metrics.hpp"

#include <ignite/core/errors.hpp>
#include <ignite/core/metrics/cohen_kappa.hpp>
#include <ignite/core/metrics/confusion_matrix.hpp>
#include <ignite/core/metrics/epoch_metric.hpp>
#include <ignite/core/metrics/metrics_lambda.hpp>
#include <ignite/core/metrics/precision_recall.hpp>

#include <ATen/ATen.h>
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace ignite::host {
namespace {

struct Declared {
    const char* name;
    const char* help;
};

const Declared kMetrics[] = {
    {"precision", "Ignite's Precision(average): per class (a vector) unless core_metrics.average says otherwise"},
    {"recall", "Ignite's Recall(average): per class (a vector) unless core_metrics.average says otherwise"},
    {"fbeta", "Ignite's Fbeta(beta, average=fbeta_average): (1+b^2)PR/(b^2P+R), the mean over classes by default"},
    {"iou", "Ignite's IoU(cm, ignore_index): per class (a vector), from the confusion matrix"},
    {"miou", "Ignite's mIoU(cm, ignore_index): the mean IoU over classes"},
    {"dice", "Ignite's DiceCoefficient(cm, ignore_index): per class (a vector)"},
    {"cm_accuracy", "Ignite's cmAccuracy(cm): trace / sum of the confusion matrix"},
    {"roc_auc", "Ignite's ROC_AUC (sklearn's roc_auc_score), binary: see positive_class"},
    {"average_precision", "Ignite's AveragePrecision (sklearn's average_precision_score, step-wise), binary"},
    {"cohen_kappa", "Ignite's CohenKappa(weights): sklearn's cohen_kappa_score of the predicted classes"},
    {"classification_report",
     "Ignite's ClassificationReport(beta): classification_report/<class>/<precision|recall|f<beta>-score> and "
     "classification_report/macro avg/..., one number each"},
};

template <class T>
T option(const std::map<std::string, OptionValue>& options, const char* name) {
    const auto it = options.find(name);
    if (it == options.end()) throw std::logic_error(fmt::format("core_metrics: option '{}' was not validated", name));
    return std::get<T>(it->second);
}

// (y_pred, y) -> binary scores for roc_auc / average_precision.
ignite::OutputTransform binary_scores(std::int64_t positive_class, const std::string& metric) {
    return [positive_class, metric](const c10::IValue& out) -> c10::IValue {
        if (!out.isTuple() || out.toTupleRef().elements().size() != 2) return out;
        at::Tensor y_pred = out.toTupleRef().elements()[0].toTensor();
        at::Tensor y = out.toTupleRef().elements()[1].toTensor();
        if (y_pred.dim() == 2 && y_pred.size(1) > 1) {
            if (positive_class < 0 && y_pred.size(1) > 2) {
                throw ignite::ValueError(fmt::format(
                    "{} is binary, but the model scores {} classes; give --plugin-opt core_metrics.positive_class=K "
                    "to score class K against the rest",
                    metric, y_pred.size(1)));
            }
            const auto k = positive_class < 0 ? 1 : positive_class;
            if (k >= y_pred.size(1)) {
                throw ignite::ValueError(fmt::format("core_metrics.positive_class {} is not a class of a model that "
                                                     "scores {} classes (0..{})",
                                                     k, y_pred.size(1), y_pred.size(1) - 1));
            }
            y_pred = at::softmax(y_pred.to(at::kDouble), 1).select(1, k);
            y = (y == k).to(at::kLong);
        }
        return c10::ivalue::Tuple::create({y_pred, y});
    };
}

// The report for the loggers: one number per key (see the header's decision record).
std::shared_ptr<ignite::Metric> flat_report(double beta) {
    return ignite::MetricsLambda::make(
        [](const std::vector<c10::IValue>& v) -> c10::IValue {
            c10::impl::GenericDict flat(c10::StringType::get(), c10::AnyType::get());
            for (const auto& row : v[0].toGenericDict()) {
                for (const auto& cell : row.value().toGenericDict()) {
                    flat.insert(fmt::format("classification_report/{}/{}", row.key().toStringRef(),
                                            cell.key().toStringRef()),
                                cell.value());
                }
            }
            return flat;
        },
        {ignite::ClassificationReport(beta, /*output_dict=*/true)}, "ClassificationReport");
}

}  // namespace

ParticipantSpec core_metrics_spec() {
    ParticipantSpec spec;
    spec.name = kCoreMetricsName;
    spec.version = "1.0";
    spec.description =
        "core's metrics by name for --metric (precision, recall, fbeta, iou, miou, dice, cm_accuracy, roc_auc, "
        "average_precision, cohen_kappa, classification_report), loaded by --metric itself";
    spec.options = {
        {.name = "average",
         .type = IGNITE_OPTION_STRING,
         .default_value = "false",
         .help = "precision and recall: Ignite's average (false: per class; none: per class, binary too; true or "
                 "macro: the mean; micro; weighted: the mean weighted by support)",
         .choices = {"false", "none", "true", "macro", "micro", "weighted"}},
        {.name = "beta",
         .type = IGNITE_OPTION_DOUBLE,
         .default_value = "1",
         .help = "fbeta and classification_report: the weight of recall (> 0)",
         .flags = IGNITE_OPTION_HAS_MIN,
         .min = 0},
        {.name = "fbeta_average",
         .type = IGNITE_OPTION_BOOL,
         .default_value = "true",
         .help = "fbeta: the mean over classes (Ignite's Fbeta average=True), or false for a vector per class"},
        {.name = "ignore_index",
         .type = IGNITE_OPTION_INT,
         .default_value = "-1",
         .help = "iou, miou, dice: the class left out (e.g. a background index); -1: none",
         .flags = IGNITE_OPTION_HAS_MIN,
         .min = -1},
        {.name = "num_classes",
         .type = IGNITE_OPTION_INT,
         .default_value = "0",
         .help = "the confusion matrix's classes (iou, miou, dice, cm_accuracy, cohen_kappa); 0: the model's "
                 "output width",
         .flags = IGNITE_OPTION_HAS_MIN,
         .min = 0},
        {.name = "weights",
         .type = IGNITE_OPTION_STRING,
         .default_value = "none",
         .help = "cohen_kappa: Ignite's weights",
         .choices = {"none", "linear", "quadratic"}},
        {.name = "positive_class",
         .type = IGNITE_OPTION_INT,
         .default_value = "-1",
         .help = "roc_auc, average_precision: the class scored against the rest (its softmax probability); -1: a "
                 "one- or two-column output only (column 1 of two)",
         .flags = IGNITE_OPTION_HAS_MIN,
         .min = -1},
    };
    for (const auto& m : kMetrics) spec.metrics.push_back({m.name, m.help});
    spec.placement = Placement::every_rank;  // metrics: every rank computes the same
    spec.priority_band = ignite::Priority::metrics.value;
    spec.kind = ParticipantKind::component;
    return spec;
}

bool is_core_metric(const std::string& name) {
    return std::any_of(std::begin(kMetrics), std::end(kMetrics), [&](const auto& m) { return name == m.name; });
}

std::shared_ptr<ignite::Metric> make_core_metric(const std::string& name,
                                                 const std::map<std::string, OptionValue>& options) {
    const auto average = ignite::parse_average(option<std::string>(options, "average"));
    const auto beta = option<double>(options, "beta");
    const auto ignore = option<std::int64_t>(options, "ignore_index");
    const auto num_classes = option<std::int64_t>(options, "num_classes");
    const auto weights = option<std::string>(options, "weights");
    const auto positive = option<std::int64_t>(options, "positive_class");
    const std::optional<std::int64_t> ignore_index = ignore < 0 ? std::nullopt : std::optional<std::int64_t>(ignore);
    if (beta <= 0) {
        throw std::invalid_argument("core_metrics.beta 0: beta must be > 0 (Ignite's Fbeta)");
    }
    if (num_classes == 1) {
        throw std::invalid_argument("core_metrics.num_classes 1: a confusion matrix needs >= 2 classes (0: the model's)");
    }
    if (ignore_index && num_classes > 0 && *ignore_index >= num_classes) {
        throw std::invalid_argument(fmt::format(
            "core_metrics.ignore_index {} is not a class of core_metrics.num_classes {} (0..{}, or -1 for none)",
            *ignore_index, num_classes, num_classes - 1));
    }
    auto cm = [&] { return std::make_shared<ignite::ConfusionMatrix>(num_classes); };
    if (name == "precision") return std::make_shared<ignite::Precision>(average);
    if (name == "recall") return std::make_shared<ignite::Recall>(average);
    if (name == "fbeta") return ignite::Fbeta(beta, option<bool>(options, "fbeta_average"));
    if (name == "iou") return ignite::IoU(cm(), ignore_index);
    if (name == "miou") return ignite::mIoU(cm(), ignore_index);
    if (name == "dice") return ignite::DiceCoefficient(cm(), ignore_index);
    if (name == "cm_accuracy") return ignite::cmAccuracy(cm());
    if (name == "roc_auc") return std::make_shared<ignite::ROC_AUC>(binary_scores(positive, name));
    if (name == "average_precision") return std::make_shared<ignite::AveragePrecision>(binary_scores(positive, name));
    if (name == "cohen_kappa") return std::make_shared<ignite::CohenKappa>(weights == "none" ? "" : weights, num_classes);
    if (name == "classification_report") return flat_report(beta);
    throw std::logic_error(fmt::format("core_metrics declares no metric '{}'", name));
}

void attach_core_metric(ignite::Engine& engine, const std::shared_ptr<ignite::Metric>& metric, const std::string& name) {
    if (name != "classification_report") {
        metric->attach(engine, name, ignite::Priority::metrics);
        return;
    }
    // Ignite's EpochWise events, in the metrics band; the dict's entries go to
    // state.metrics one by one, and nothing under the name itself (a dict no logger takes).
    const auto usage = ignite::MetricUsage::epoch_wise();
    engine.add_event_handler(ignite::EventList{usage.started}, ignite::Priority::metrics,
                             [metric](ignite::Engine&, const ignite::FiredEvent&) { metric->reset(); });
    engine.add_event_handler(ignite::EventList{usage.iteration_completed}, ignite::Priority::metrics,
                             [metric](ignite::Engine& e, const ignite::FiredEvent&) { metric->feed(e.state.output); });
    engine.add_event_handler(ignite::EventList{usage.completed}, ignite::Priority::metrics,
                             [metric](ignite::Engine& e, const ignite::FiredEvent&) {
                                 for (const auto& entry : metric->compute().toGenericDict())
                                     e.state.metrics.set(entry.key().toStringRef(), entry.value());
                             });
}

std::unique_ptr<Component> make_core_metrics(Training& /*training*/, const TrainOptions& /*options*/) {
    return std::make_unique<CoreMetrics>();
}

}  // namespace ignite::host
