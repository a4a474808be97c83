#pragma once
// `core_metrics`: core's metrics of issue 20 §5 on the command line, a component (participant.hpp)
// that declares them, so `--metric miou` finds them as it finds a plugin's metrics, `plugins
// list / inspect` shows them with its options, and no .so is written for them.
//
// Decision record:
//  - --metric NAME loads the component by itself when NAME is one of its metrics (or an
//    expression uses one) and no loaded plugin declares NAME: the metrics need no --plugin;
//    `--plugin core_metrics` or a --plugin-opt core_metrics.KEY=V loads it too.
//  - One option set for all of its metrics (Ignite's argument names: average, beta,
//    ignore_index, weights, num_classes), since a run computes each metric once per engine;
//    two settings of one metric in one run are an expression's or a library user's job.
//  - The metrics are made by the host (make_core_metric) and attached in the metrics band
//    like plugin metrics; the component itself registers nothing and keeps no state (the
//    metrics reset every epoch, as Ignite's EpochWise).
//  - classification_report is Ignite's output_dict=True layout flattened for the loggers:
//    "classification_report/<label>/<precision|recall|f<beta>-score>" and
//    "classification_report/macro avg/..." as numbers, and nothing under the name itself
//    (Ignite would also store the dict there, which metrics.jsonl writes as null and the
//    plugins' metric_tensor refuses): one number per key is what metrics.jsonl, metrics.csv
//    and TensorBoard write.
//  - roc_auc and average_precision are binary (sklearn's): y_pred (N,) or (N, 1) scores are
//    taken as given; a two-column output scores softmax(y_pred)[:, 1]; a wider one needs
//    positive_class=K (class K against the rest, its softmax probability), else the first
//    batch fails naming the option.

#include <ignite/runtime/participant.hpp>

#include <ignite/core/metric.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ignite::host {

struct Training;
struct TrainOptions;

inline constexpr const char* kCoreMetricsName = "core_metrics";

/// The spec: name core_metrics, its options, every metric it declares, every rank, the
/// metrics band, no state.
[[nodiscard]] ParticipantSpec core_metrics_spec();

/// True when core_metrics declares metric `name`.
[[nodiscard]] bool is_core_metric(const std::string& name);

/// A new instance of metric `name` with the component's validated `options`. Throws
/// std::invalid_argument (one line naming core_metrics.KEY) for a value the metric refuses.
[[nodiscard]] std::shared_ptr<ignite::Metric> make_core_metric(const std::string& name,
                                                               const std::map<std::string, OptionValue>& options);

/// Attaches `metric` (from make_core_metric) to `engine` under `name` in the metrics band
/// (classification_report: its flattened entries, see above).
void attach_core_metric(ignite::Engine& engine, const std::shared_ptr<ignite::Metric>& metric, const std::string& name);

/// The component: nothing to register (the host attaches the metrics it makes).
class CoreMetrics final : public Component {
public:
    void init(RunContext& /*run*/) override {}
};

[[nodiscard]] std::unique_ptr<Component> make_core_metrics(Training& training, const TrainOptions& options);

}  // namespace ignite::host
