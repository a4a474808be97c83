#pragma once
/// @file metric.hpp
/// ignite::Metric: Ignite's `ignite.metrics.Metric` base class and its attach()
/// machinery (`MetricUsage`: Ignite's EpochWise, BatchWise, RunningEpochWise, ...).
///
/// A metric accumulates over the outputs of an engine: reset() at the usage's STARTED
/// event, update(output_transform(state.output)) at its ITERATION_COMPLETED event, and
/// compute() into `engine.state.metrics[name]` at its COMPLETED event.
///
/// Ownership: attach() needs the metric to be owned by a std::shared_ptr
/// (`auto acc = std::make_shared<Accuracy>(); acc->attach(evaluator, "val_acc");`). Each
/// handler it registers holds a copy of that shared_ptr, so the engine keeps the metric
/// alive for as long as the handlers stay registered; the metric holds no reference to
/// the engine that would keep it alive (no cycle).
///
/// Distributed reduction: statistics() exposes the metric's sufficient statistics as
/// numbers that sum across processes; a host all-reduce-sums them and hands the result
/// back with load_statistics() before compute() (Ignite's `sync_all_reduce`).
///
/// Decision record (issue 20 §5, "one place" for the distributed issue): every metric's
/// distributed state is statistics_parts(), a list of number vectors each tagged with how
/// processes combine it: `sum` (element-wise: counts, confusion matrices, Precision's
/// numerators), `concatenate` (in rank order: the predictions an EpochMetric such as ROC_AUC
/// gathers, Ignite's all_gather) or `none` (already global: RunningAverage reduces its input
/// at every update, as Ignite does). A host reduces every attached metric in ONE collective:
/// all_gather of every metric's parts (lengths first), then per part sum or concatenate, and
/// load_statistics_parts() before compute(). The default wraps statistics() as one `sum`
/// part, so the metrics written before this (Accuracy, Loss, plugin metrics) need nothing new;
/// a composite (MetricsLambda) returns its distinct leaf metrics' parts in order, so a
/// metric used twice in one formula is reduced once.
///
/// A Metric is single-threaded, like the Engine it is attached to.

#include <ignite/core/engine.hpp>
#include <ignite/core/errors.hpp>
#include <ignite/core/events.hpp>
#include <ignite/core/unpack.hpp>

#include <ATen/core/ivalue.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ignite {

/// Transforms the engine's `state.output` into what update() takes (Ignite's
/// `output_transform`). An empty function means identity.
using OutputTransform = std::function<c10::IValue(const c10::IValue&)>;

/// (y_pred, y) from a metric's input, detached: unpack<at::Tensor, at::Tensor> with the
/// metric's name in the TypeError it throws for anything but two tensors.
std::pair<at::Tensor, at::Tensor> unpack_pair(const c10::IValue& output, const char* metric);

/// When a metric resets, updates and computes (Ignite's MetricUsage subclasses). The
/// events may carry filters (e.g. `Events::ITERATION_COMPLETED.every(10)` as `completed`).
struct MetricUsage {
    EventSpec started;              ///< reset() runs here
    EventSpec iteration_completed;  ///< update() runs here
    EventSpec completed;            ///< compute() runs here; result goes to state.metrics

    /// Ignite's EpochWise (the default): reset on EPOCH_STARTED, update on
    /// ITERATION_COMPLETED, compute on EPOCH_COMPLETED. One value per epoch.
    static MetricUsage epoch_wise();
    /// Ignite's RunningEpochWise: reset once on STARTED, compute on EPOCH_COMPLETED. The
    /// value accumulates over every epoch of the run.
    static MetricUsage running_epoch_wise();
    /// Alias of running_epoch_wise().
    static MetricUsage running() { return running_epoch_wise(); }
    /// Ignite's BatchWise: reset on ITERATION_STARTED, update and compute on
    /// ITERATION_COMPLETED. One value per iteration.
    static MetricUsage batch_wise();
    /// Ignite's RunningBatchWise: reset once on STARTED, compute on every
    /// ITERATION_COMPLETED. The value accumulates over the whole run.
    static MetricUsage running_batch_wise();
    /// Ignite's SingleEpochRunningBatchWise: reset on EPOCH_STARTED, compute on every
    /// ITERATION_COMPLETED. The value accumulates within the epoch.
    static MetricUsage single_epoch_running_batch_wise();
};

/// How processes combine one part of a metric's statistics (see the decision record above).
enum class StatisticsReduction : std::uint8_t {
    sum,          ///< element-wise sum; every process holds the same length
    concatenate,  ///< concatenated in rank order; lengths may differ
    none,         ///< nothing to combine: the value is already the same on every process
};

/// One part of a metric's distributed state.
struct StatisticsPart {
    StatisticsReduction reduction = StatisticsReduction::sum;
    std::vector<double> values;
};

/// Base class of every metric (Ignite's Metric). Subclasses implement reset, update,
/// compute, statistics and load_statistics; attach/detach are provided here.
/// Not copyable or movable: engines hold it through the shared_ptr given to attach().
class Metric : public std::enable_shared_from_this<Metric> {
public:
    /// `output_transform` maps state.output to update()'s argument; empty = identity.
    explicit Metric(OutputTransform output_transform = {});
    virtual ~Metric();
    Metric(const Metric&) = delete;
    Metric& operator=(const Metric&) = delete;
    Metric(Metric&&) = delete;
    Metric& operator=(Metric&&) = delete;

    /// Forgets every update (called at the usage's STARTED event).
    virtual void reset() = 0;
    /// Accumulates one output, already passed through the output transform. Throws
    /// ValueError / TypeError / RuntimeError, with Ignite's messages, on bad input.
    virtual void update(const c10::IValue& output) = 0;
    /// The metric's value over the updates since reset(). Throws RuntimeError (Ignite's
    /// NotComputableError) when there were none.
    [[nodiscard]] virtual c10::IValue compute() const = 0;

    /// The sufficient statistics as numbers whose element-wise sum over processes is the
    /// statistics of the union of their updates. Same length on every process that saw
    /// same-shaped outputs.
    [[nodiscard]] virtual std::vector<double> statistics() const = 0;
    /// Replaces the sufficient statistics (e.g. with the all-reduced sum), so compute()
    /// then returns the global value. Throws ValueError when the length is wrong.
    virtual void load_statistics(const std::vector<double>& stats) = 0;

    /// Every part of the distributed state, each with its reduction (the one place a host
    /// reduces: see the decision record above). Default: statistics() as one `sum` part.
    [[nodiscard]] virtual std::vector<StatisticsPart> statistics_parts() const {
        return {{StatisticsReduction::sum, statistics()}};
    }
    /// Replaces the state with reduced parts, same count and order as statistics_parts().
    /// Default: load_statistics of the one part. Throws ValueError for a wrong count.
    virtual void load_statistics_parts(const std::vector<StatisticsPart>& parts);

    /// The class name used in messages, e.g. "Accuracy".
    [[nodiscard]] virtual std::string name() const = 0;
    /// Keys taken, in order, from a dict output to build the tuple update() gets
    /// (Ignite's required_output_keys; default {"y_pred", "y"}). Empty: dict outputs are
    /// rejected with TypeError.
    [[nodiscard]] virtual std::vector<std::string> required_output_keys() const { return {"y_pred", "y"}; }

    // ---- handler bodies (public so a host can drive a metric without attach) ---------

    /// reset() (Ignite's Metric.started).
    void started(Engine& engine);
    /// update(output_transform(engine.state.output)), turning a dict output into a tuple
    /// of required_output_keys() first (Ignite's Metric.iteration_completed): feed().
    void iteration_completed(Engine& engine);
    /// What iteration_completed does with one engine output (before the transform): a
    /// composite (MetricsLambda, RunningAverage over a metric) passes it to the metrics it
    /// is made of, each with its own output transform.
    virtual void feed(const c10::IValue& engine_output);
    /// Stores compute() in engine.state.metrics[name] (Ignite's Metric.completed): a 0-d
    /// tensor becomes a double, a non-CPU tensor is copied to the CPU, and a dict result
    /// also stores each of its string keys as a metric of its own. Throws ValueError
    /// when such a key equals `name`.
    void completed(Engine& engine, const std::string& name);

    // ---- attaching -------------------------------------------------------------------

    /// Registers the metric's handlers on `engine` as Ignite does: started and
    /// iteration_completed only if not already on those events, then completed under
    /// `name` (so a second attach under another name computes twice). Handlers are added
    /// with `priority`, by default Ignite's (0, registration order): a user handler
    /// registered on the COMPLETED event before attach() runs before compute() and sees
    /// the previous value, as Ignite's recorded traces require. A run's participants (the
    /// host's metrics, plugin metrics) pass Priority::metrics instead, so every handler of
    /// a later band sees the new value whatever order they registered in. Throws
    /// RuntimeError when the metric is not owned by a std::shared_ptr.
    void attach(Engine& engine, const std::string& name, const MetricUsage& usage = MetricUsage::epoch_wise(),
                Priority priority = Priority{});
    /// attach(engine, name, MetricUsage::epoch_wise(), priority).
    void attach(Engine& engine, const std::string& name, Priority priority) {
        attach(engine, name, MetricUsage::epoch_wise(), priority);
    }
    /// Removes the handlers registered for `usage` from `engine` (all names).
    void detach(Engine& engine, const MetricUsage& usage = MetricUsage::epoch_wise());
    /// True when the completed handler is registered on `usage.completed` of `engine`.
    [[nodiscard]] bool is_attached(const Engine& engine, const MetricUsage& usage = MetricUsage::epoch_wise()) const;

protected:
    /// Applies the output transform (identity when empty).
    [[nodiscard]] c10::IValue transform(const c10::IValue& output) const;

private:
    enum class Role : std::uint8_t { kStarted, kIterationCompleted, kCompleted };
    /// One handler this metric put on an engine. `alive` expires when the engine drops the
    /// handler (removal or the engine's destruction), so a dead engine whose address is
    /// reused is never mistaken for a live one.
    struct Registration {
        const Engine* engine;
        Role role;
        Event event;
        HandlerId id;
        std::weak_ptr<void> alive;
    };
    [[nodiscard]] bool registered(const Engine& engine, Role role, Event event) const;
    void forget_dead();

    OutputTransform output_transform_;
    std::vector<Registration> registrations_;
};

}  // namespace ignite
