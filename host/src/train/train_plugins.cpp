#include "train_plugins.hpp"

#include "checkpoint_state.hpp"
#include "cli_common.hpp"
#include "components.hpp"
#include "components/lr_schedule.hpp"
#include "console_options.hpp"

#include <ignite/runtime/console_log.hpp>
#include <ignite/runtime/plugin_loader.hpp>
#include <ignite/runtime/plugin_metric.hpp>

#include <fmt/format.h>

#include <algorithm>

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
    return fmt::format(
        "unknown --metric '{}': loaded plugins declare: {}; plugins on the search path also offer: {}; "
        "load the plugin with --plugin NAME",
        name, available.empty() ? "none" : available, elsewhere.empty() ? "none" : elsewhere);
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
    for (const auto& p : c.plugins) {
        if (std::find(list.begin(), list.end(), p) == list.end()) list.push_back(p);
    }
    return list;
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
    plugins.open(names, options);
    // Plugin metrics compute in the metrics band, before any handler, logger or checkpoint
    // reads state.metrics whatever order they registered in, labelled with their plugin's
    // name for a HandlerObserver.
    const auto& metric_names = c.metrics;
    for (std::size_t i = 0; i < metric_names.size(); ++i) {
        const auto& name = metric_names[i];
        if (name == "accuracy" || name == "loss") {
            throw UsageError(
                fmt::format("--metric {}: the evaluator always computes '{}'; name a plugin metric", name, name));
        }
        if (std::find(metric_names.begin(), metric_names.begin() + static_cast<std::ptrdiff_t>(i), name) !=
            metric_names.begin() + static_cast<std::ptrdiff_t>(i)) {
            throw UsageError(fmt::format("--metric {} is given twice; give each metric once", name));
        }
        const auto available = plugins.metrics();
        const auto found =
            std::find_if(available.begin(), available.end(), [&](const auto& m) { return m.name == name; });
        if (found == available.end()) throw UsageError(unknown_metric_message(name, available));
        const auto attach = [&](ignite::Engine& engine) {
            const auto label = engine.label_handlers(found->plugin);
            plugins.make_metric(name)->attach(engine, name, ignite::Priority::metrics);
        };
        attach(*training.evaluator);
        if (evaluates) plugins.declare_metric("evaluator", name);
        if (training.validator) {
            attach(*training.validator);
            plugins.declare_metric("validation", name);
        }
    }
}

std::optional<std::filesystem::path> checkpoint_folder(const PluginHost& plugins, const TrainOptions& c) {
    const auto dirname = plugins.plugin_option("checkpoint", "dirname");
    if (!dirname) return std::nullopt;
    const std::filesystem::path dir = std::get<std::string>(*dirname);
    return dir.is_absolute() ? dir : std::filesystem::path(c.output_dir) / dir;
}

}  // namespace ignite::host
