#include "train_plugins.hpp"

#include "checkpoint_state.hpp"
#include "cli_common.hpp"
#include "components.hpp"
#include "components/core_metrics.hpp"
#include "components/lr_schedule.hpp"
#include "console_options.hpp"
#include "presets.hpp"

#include <ignite/runtime/console_log.hpp>
#include <ignite/runtime/plugin_loader.hpp>
#include <ignite/runtime/plugin_metric.hpp>

#include <ignite/core/metrics/accuracy.hpp>
#include <ignite/core/metrics/expression.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>

namespace ignite::host {
namespace {

// One line for an unknown --metric: what the loaded plugins declare and, when a plugin on
// the search path declares the name, which one to load.
std::string unknown_metric_message(const std::string& name, const std::vector<PluginHost::AvailableMetric>& loaded) {
    std::string available;
    for (const auto& m : loaded) available += fmt::format("{}{} ({})", available.empty() ? "" : ", ", m.name, m.plugin);
    std::string providers, elsewhere;
    for (const auto& path : discover_plugins()) {
        try {
            const auto module = load_plugin_module(path);
            for (const auto* d : metric_decls(*module.info)) {
                if (std::any_of(loaded.begin(), loaded.end(), [&](const auto& m) { return m.name == d->name; }))
                    continue;
                if (name == d->name) {
                    providers += fmt::format("{}--plugin {}", providers.empty() ? "" : " or ", module.info->name);
                } else {
                    elsewhere += fmt::format("{}{} ({})", elsewhere.empty() ? "" : ", ", d->name, module.info->name);
                }
            }
        } catch (const PluginError&) {
            // an unusable module on the path provides nothing
        }
    }
    if (!providers.empty()) {
        return fmt::format("unknown --metric '{}': no loaded plugin declares it; add {} (loaded plugins declare: {})",
                           name, providers, available.empty() ? "none" : available);
    }
    std::string core;
    for (const auto& m : core_metrics_spec().metrics) core += (core.empty() ? "" : ", ") + m.name;
    return fmt::format(
        "unknown --metric '{}': loaded plugins declare: {}; plugins on the search path also offer: {}; "
        "load the plugin with --plugin NAME; built in ({}): {}; or an expression \"NAME = EXPR\"",
        name, available.empty() ? "none" : available, elsewhere.empty() ? "none" : elsewhere, kCoreMetricsName, core);
}

// The run's default participants, in load order (--no-default-plugins drops them): a
// component is always there, a plugin module only when installed. Besides the bar and
// metrics.jsonl, the files PyTorch users open without setting anything up (issue 19):
// TensorBoard's event files, metrics.csv and the run's page; and (issue 20) terminate_on_nan,
// as Ignite's setup_common_training_handlers adds TerminateOnNan: a NaN loss fails the run
// instead of training on to a useless model that exits 0.
constexpr const char* kDefaultParticipants[] = {"progress", "jsonl", "tensorboard", "csv", "report", "terminate_on_nan"};

// The default participants, then lr_schedule for --lr-schedule cosine (the default, whatever
// --no-default-plugins: the flag names the run's schedule), then --plugin in order, each once.
std::vector<std::string> plugin_list(const TrainOptions& c, const PluginHost& plugins) {
    std::vector<std::string> list;
    const auto components = plugins.offered_components();
    if (c.default_plugins) {
        for (const char* name : kDefaultParticipants) {
            if (std::any_of(components.begin(), components.end(), [&](const auto& p) { return p.name == name; })) {
                list.emplace_back(name);
                continue;
            }
            try {
                resolve_plugin(name);
                list.emplace_back(name);
            } catch (const PluginError&) {
                log_line(
                    fmt::format("ignite-host: warning: default plugin '{}' not found; continuing without it", name));
            }
        }
    }
    if (c.lr_schedule == "cosine") list.emplace_back(kLrScheduleName);
    // A preset's participants (presets.hpp) come after the defaults, before --plugin's; its
    // lr_schedule entry follows --lr-schedule (constant means none).
    if (!c.preset.empty()) {
        for (const auto& e : find_preset(c.preset).entries) {
            if (e.participant == kLrScheduleName && c.lr_schedule != "cosine") continue;
            if (std::find(list.begin(), list.end(), e.participant) == list.end()) list.push_back(e.participant);
        }
    }
    for (const auto& p : c.plugins) {
        if (std::find(list.begin(), list.end(), p) == list.end()) list.push_back(p);
    }
    // core_metrics comes with the first --metric that names one of its metrics (by name or
    // in an expression), or with a --plugin-opt for it.
    const auto wants_core = [&] {
        if (c.vm.count("plugin-opt")) {
            for (const auto& o : c.vm["plugin-opt"].as<std::vector<std::string>>())
                if (o.rfind(std::string(kCoreMetricsName) + ".", 0) == 0) return true;
        }
        for (const auto& m : c.metrics) {
            if (is_core_metric(m)) return true;
            if (!MetricExpression::is_definition(m)) continue;
            try {
                const auto parsed = MetricExpression::parse_definition(m);
                const auto& used = parsed.second.names();
                if (std::any_of(used.begin(), used.end(), is_core_metric)) return true;
            } catch (const ExpressionError&) {
                // reported with its position when the metrics are attached
            }
        }
        return false;
    };
    if (std::find(list.begin(), list.end(), kCoreMetricsName) == list.end() && wants_core())
        list.emplace_back(kCoreMetricsName);
    return list;
}

// A metric --metric can name, made once per engine: a plugin's, core_metrics', or (inside an
// expression) the evaluator's accuracy.
using MetricFactory = std::function<std::shared_ptr<ignite::Metric>()>;
struct NamedFactory {
    std::string owner;  // the participant that declares it (labels its handlers)
    MetricFactory make;
};

std::optional<NamedFactory> metric_factory(PluginHost& plugins, const std::string& name) {
    const auto available = plugins.metrics();
    const auto found = std::find_if(available.begin(), available.end(), [&](const auto& m) { return m.name == name; });
    if (found != available.end()) return NamedFactory{found->plugin, [&plugins, name] { return plugins.make_metric(name); }};
    if (is_core_metric(name) && plugins.plugin_option(kCoreMetricsName, "average")) {  // core_metrics is loaded
        std::map<std::string, OptionValue> options;
        for (const auto& o : core_metrics_spec().options)
            if (auto v = plugins.plugin_option(kCoreMetricsName, o.name)) options.emplace(o.name, *v);
        return NamedFactory{kCoreMetricsName, [options, name] { return make_core_metric(name, options); }};
    }
    return std::nullopt;
}

// `--metric "NAME = EXPR"`: a MetricsLambda over fresh instances of the metrics it names.
NamedFactory expression_factory(PluginHost& plugins, const std::string& text, std::string& name) {
    std::pair<std::string, MetricExpression> parsed;
    try {
        parsed = MetricExpression::parse_definition(text);
    } catch (const ExpressionError& e) {
        throw UsageError(fmt::format("--metric '{}': {}", text, e.what()));
    }
    name = parsed.first;
    const auto& expression = parsed.second;
    std::vector<MetricFactory> parts;
    const auto eq = text.find('=');
    for (const auto& used : expression.names()) {
        const auto at = text.find(used, eq + 1) + 1;
        if (used == "loss") {
            throw UsageError(fmt::format("--metric '{}': position {}: an expression cannot use the evaluator's loss "
                                         "(only metrics computed from (y_pred, y)); use accuracy or a plugin metric",
                                         text, at));
        }
        if (used == "accuracy") {
            parts.emplace_back([] { return std::make_shared<ignite::Accuracy>(); });
            continue;
        }
        if (used == "classification_report") {
            throw UsageError(fmt::format("--metric '{}': position {}: classification_report is a table, not a "
                                         "number; use precision, recall or fbeta",
                                         text, at));
        }
        auto f = metric_factory(plugins, used);
        if (!f) {
            std::string known = "accuracy";
            for (const auto& m : plugins.metrics()) known += ", " + m.name;
            for (const auto& m : core_metrics_spec().metrics) known += ", " + m.name;
            throw UsageError(fmt::format("--metric '{}': position {}: unknown metric '{}'; an expression may use: {}",
                                         text, at, used, known));
        }
        parts.push_back(f->make);
    }
    return {kCoreMetricsName, [expression, parts, name] {
                std::vector<std::shared_ptr<ignite::Metric>> metrics;
                for (const auto& make : parts) metrics.push_back(make());
                return expression.metric(std::move(metrics), name);
            }};
}

// Every --metric on the evaluator (and the validation engine): in the metrics band, before
// any handler, logger or checkpoint reads state.metrics whatever order they registered in,
// labelled with the participant that declares it for a HandlerObserver.
void attach_metrics(PluginHost& plugins, Training& training, const TrainOptions& c, bool evaluates) {
    std::vector<std::string> names;
    for (const auto& text : c.metrics) {
        const bool expression = MetricExpression::is_definition(text);
        std::string name = text;
        if (expression) {
            try {
                name = MetricExpression::parse_definition(text).first;
            } catch (const ExpressionError& e) {
                throw UsageError(fmt::format("--metric '{}': {}", text, e.what()));
            }
        }
        if (name == "accuracy" || name == "loss") {
            throw UsageError(
                fmt::format("--metric {}: the evaluator always computes '{}'; name a plugin metric", text, name));
        }
        if (std::find(names.begin(), names.end(), name) != names.end()) {
            throw UsageError(fmt::format("--metric {} is given twice; give each metric once", name));
        }
        NamedFactory factory;
        if (expression) {
            factory = expression_factory(plugins, text, name);
        } else {
            auto f = metric_factory(plugins, name);
            if (!f) throw UsageError(unknown_metric_message(name, plugins.metrics()));
            factory = std::move(*f);
        }
        names.push_back(name);
        const auto attach = [&](ignite::Engine& engine) {
            const auto label = engine.label_handlers(factory.owner);
            std::shared_ptr<ignite::Metric> metric;
            try {
                metric = factory.make();
            } catch (const std::invalid_argument& e) {
                throw UsageError(e.what());
            }
            if (factory.owner == kCoreMetricsName) {
                attach_core_metric(engine, metric, name);
            } else {
                metric->attach(engine, name, ignite::Priority::metrics);
            }
        };
        attach(*training.evaluator);
        if (evaluates) plugins.declare_metric("evaluator", name);
        if (training.validator) {
            attach(*training.validator);
            plugins.declare_metric("validation", name);
        }
    }
}

}  // namespace

void open_plugins(PluginHost& plugins, Training& training, const TrainOptions& c) {
    for (auto* engine : {training.trainer.get(), training.evaluator.get(), training.validator.get()})
        if (engine) log_warnings_of(*engine);
    plugins.add_engine("trainer", *training.trainer);
    // An evaluator that never runs is not offered: a plugin that needs one (checkpoint's
    // score_name, a logger of its events) is refused at init instead of waiting for nothing.
    // (--val-split needs --eval-every > 0, so the validation engine runs when it exists.)
    const bool evaluates = c.eval_every > 0;
    if (evaluates) {
        plugins.add_engine("evaluator", *training.evaluator);
        for (const char* name : {"accuracy", "loss"}) plugins.declare_metric("evaluator", name);
    }
    // With --val-split, plugins may attach to the validation evaluator by name, as to the
    // evaluator (the shipped ones attach to "trainer" and "evaluator" only).
    if (training.validator) {
        plugins.add_engine("validation", *training.validator);
        for (const char* name : {"accuracy", "loss"}) plugins.declare_metric("validation", name);
    }
    plugins.set_optimizer("trainer", *training.optimizer);  // plugins read and schedule its parameter groups
    plugins.set_parameters("trainer", training.model->named_parameters());  // weights and gradients (TensorBoard's handlers)
    offer_host_components(plugins, training, c);
    // The list first: its warnings come before any --plugin-opt error.
    const auto names = plugin_list(c, plugins);
    plugins.reserve_state_keys(host_checkpoint_keys());
    auto options = raw_plugin_options(c.vm, names, plugins.offered_components());
    // The run's values of lr_schedule's defaults (start_value: --lr) go first, so that an
    // option the user gives wins (the last value of a key does).
    if (std::find(names.begin(), names.end(), kLrScheduleName) != names.end()) {
        auto& given = options[kLrScheduleName];
        const auto run = lr_schedule_run_options(c);
        given.insert(given.begin(), run.begin(), run.end());
    }
    // A preset's options likewise go before the command line's, which win.
    if (!c.preset.empty()) {
        for (const auto& e : find_preset(c.preset).entries) {
            if (e.options.empty() || std::find(names.begin(), names.end(), e.participant) == names.end()) continue;
            auto& given = options[e.participant];
            given.insert(given.begin(), e.options.begin(), e.options.end());
        }
    }
    plugins.open(names, options);
    attach_metrics(plugins, training, c, evaluates);
}

std::optional<std::filesystem::path> checkpoint_folder(const PluginHost& plugins, const TrainOptions& c) {
    const auto dirname = plugins.plugin_option("checkpoint", "dirname");
    if (!dirname) return std::nullopt;
    const std::filesystem::path dir = std::get<std::string>(*dirname);
    return dir.is_absolute() ? dir : std::filesystem::path(c.output_dir) / dir;
}

}  // namespace ignite::host
