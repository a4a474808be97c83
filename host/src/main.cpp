// ignite-host: the command line. Subcommands: train, dry-run, lr-find, plugins list, plugins inspect, report,
// schedule.
#include "cli_common.hpp"
#include "lr_find_command.hpp"
#include "report_command.hpp"
#include "schedule_command.hpp"
#include "console_options.hpp"
#include "plural.hpp"
#include "train/components.hpp"
#include "train/components/checkpoint.hpp"
#include "train/eval_schedule.hpp"
#include "train/presets.hpp"
#include "train/run_failure.hpp"
#include "train/train_command.hpp"
#include <ignite/runtime/bridge.hpp>
#include <ignite/runtime/console_log.hpp>
#include <ignite/runtime/plugin_loader.hpp>
#include <ignite/runtime/plugin_metric.hpp>
#include <ignite/runtime/plugin_options.hpp>

#include <ignite/core/engine.hpp>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <algorithm>
#include <cstdlib>

namespace po = boost::program_options;
using namespace ignite::host;

namespace {

void print_usage() {
    std::cout << "Usage: ignite-host [--version] [--help] <command> [options]\n\n"
                 "Commands:\n"
                 "  train             train an image classifier (default: a CNN on Fashion-MNIST), metrics as JSON\n"
                 "                    lines in --output-dir\n"
                 "  dry-run           run the trainer (and evaluator) over synthetic batches with a no-op step,\n"
                 "                    firing every event: try plugins in a second\n"
                 "  lr-find           the learning-rate range test (Ignite's FastaiLRFinder) on train's run: the\n"
                 "                    loss-vs-lr curve as CSV and HTML, and the suggested lr\n"
                 "  plugins list      the built-in components and the plugins on the search path\n"
                 "  plugins inspect   everything a plugin declares: options, events, metrics\n"
                 "  report DIR        the run's page (DIR/report.html) from a run folder's metrics.jsonl\n"
                 "  schedule          the values lr_schedule's schedule takes: --simulate N [--plugin-opt ...]\n\n"
                 "Run `ignite-host <command> --help` for a command's options.\n"
                 "Exit codes: 0 success, 1 a run that failed, 2 bad input (options, config, plugins, data),\n"
                 "130 / 143 a run stopped by SIGINT / SIGTERM.\n";
}

// ---- dry-run ----------------------------------------------------------------------------

int dry_run(const std::vector<std::string>& args) {
    po::options_description desc("ignite-host dry-run: the trainer (and evaluator) over synthetic batches");
    desc.add_options()("help,h", "this help")("epochs", po::value<std::int64_t>()->default_value(2), "trainer epochs")(
        "epoch-length", po::value<std::int64_t>()->default_value(10), "iterations per trainer epoch")(
        "eval-every", po::value<std::int64_t>()->default_value(0),
        "run the evaluator every K trainer epochs and after the last (0: never)")(
        "eval-length", po::value<std::int64_t>()->default_value(2), "iterations per evaluator run")(
        "preset", po::value<std::string>(),
        "print the participants and options `train --preset NAME` loads (common), then dry-run as usual");
    desc.add(plugin_options_description());
    desc.add(console_options_description());
    const auto vm = parse(args, desc);
    if (vm.count("help")) {
        std::cout << desc << "\n" << kConfigFileHelp;
        return 0;
    }
    apply_console_options(vm);
    if (vm.count("preset")) {
        for (const auto& line : describe_preset(find_preset(vm["preset"].as<std::string>()))) std::cout << line << '\n';
    }
    const auto epochs = vm["epochs"].as<std::int64_t>();
    const auto epoch_length = vm["epoch-length"].as<std::int64_t>();
    const auto eval_every = vm["eval-every"].as<std::int64_t>();
    const auto eval_length = vm["eval-length"].as<std::int64_t>();
    if (epochs < 1) throw UsageError(fmt::format("--epochs must be >= 1, got {}", epochs));
    if (epoch_length < 1) throw UsageError(fmt::format("--epoch-length must be >= 1, got {}", epoch_length));
    if (eval_every < 0) throw UsageError(fmt::format("--eval-every must be >= 0, got {}", eval_every));
    if (eval_length < 1) throw UsageError(fmt::format("--eval-length must be >= 1, got {}", eval_length));

    // A no-op step whose output is a fake, decreasing loss (so loggers show something).
    ignite::Engine trainer(
        [](ignite::Engine& e, const c10::IValue&) { return 1.0 / static_cast<double>(e.state.iteration); });
    ignite::Engine evaluator([](ignite::Engine&, const c10::IValue& batch) { return batch; });
    PluginHost plugins;
    log_warnings_of(trainer);
    log_warnings_of(evaluator);
    plugins.add_engine("trainer", trainer);
    if (eval_every > 0) {
        plugins.add_engine("evaluator", evaluator);
    }
    // The schedule `train` runs (every K epochs and at the last), so plugins meet the same here.
    schedule_evaluation(
        trainer, eval_every,
        {{"evaluator", &evaluator, ignite::data::range(eval_length), count_of(eval_length, "iteration")}},
        EvalLog::none);
    // `--plugin checkpoint` is a component: offered here so that it refuses this host, which
    // has nothing to checkpoint, with one line naming `ignite-host train`.
    plugins.offer_component({checkpoint_spec(), [&plugins] { return make_checkpoint_component(plugins); }});
    const auto plugin_names = strings(vm, "plugin");
    plugins.load(plugin_names, raw_plugin_options(vm, plugin_names));
    trainer.run(ignite::data::range(epoch_length), epochs);
    plugins.shutdown();
    std::string loaded;
    for (const auto& p : plugin_names) loaded += (loaded.empty() ? "" : ", ") + p;
    std::cout << fmt::format(
        "dry-run: {} x {}, evaluator {}; plugins: {}\n", count_of(trainer.state.epoch, "epoch"),
        count_of(epoch_length, "iteration"),
        eval_every > 0
            ? fmt::format("every {} ({})", eval_every == 1 ? std::string("epoch") : count_of(eval_every, "epoch"),
                          count_of(eval_length, "iteration"))
            : std::string("never"),
        loaded.empty() ? "none (add --plugin NAME; see ignite-host plugins list)" : loaded);
    return 0;
}

// ---- plugins list / inspect ------------------------------------------------------------------

// One row per participant `--plugin NAME` can load: the host's components, then the modules
// on the search path.
int plugins_list() {
    const auto components = host_component_specs();
    const auto found = discover_plugins();
    std::cout << fmt::format("{:<16} {:<10} {:<13} {:<10} {}\n", "NAME", "VERSION", "KIND", "RUNS ON", "DESCRIPTION");
    const auto row = [](const ParticipantSpec& p) {
        const auto kind =
            p.kind == ParticipantKind::component ? std::string("component") : fmt::format("plugin {}", p.abi);
        std::cout << fmt::format("{:<16} {:<10} {:<13} {:<10} {}\n", p.name, p.version, kind,
                                 placement_name(p.placement), p.description);
    };
    for (const auto& c : components) row(c);
    for (const auto& path : found) {
        try {
            row(module_spec(load_plugin_module(path)));
        } catch (const PluginError& e) {
            std::cout << fmt::format("{:<16} (unusable: {})\n", path.filename().string(), e.what());
        }
    }
    if (found.empty()) {
        std::cout << "no plugin modules found; searched:";
        for (const auto& d : plugin_search_path()) std::cout << " " << d.string();
        std::cout << "\n";
    }
    return 0;
}

// The band a priority falls in, by name ("loggers", "metrics - 10").
std::string band_name(int priority) {
    struct Band {
        const char* name;
        int value;
    };
    static const Band kBands[] = {
#define IGNITE_PRIORITY_BAND(name, core, value, help) {#core, value},
#include <ignite/priority_bands.def>
    };
    const Band* nearest = &kBands[0];
    for (const auto& b : kBands)
        if (std::abs(b.value - priority) < std::abs(nearest->value - priority)) nearest = &b;
    if (nearest->value == priority) return nearest->name;
    return fmt::format("{} {} {}", nearest->name, priority < nearest->value ? "-" : "+",
                       std::abs(priority - nearest->value));
}

int plugins_inspect(const std::string& which) {
    const auto components = host_component_specs();
    const auto component = std::find_if(components.begin(), components.end(), [&](const auto& c) { return c.name == which; });
    const auto p = component != components.end() ? *component : module_spec(load_plugin_module(resolve_plugin(which)));
    const bool is_component = p.kind == ParticipantKind::component;
    std::cout << fmt::format("name:        {}\nversion:     {}\nkind:        {}\n", p.name, p.version,
                             is_component ? "component (built into ignite-host)" : "plugin (a shared library)");
    if (!is_component) std::cout << fmt::format("abi:         {}\npath:        {}\n", p.abi, p.path.string());
    std::cout << fmt::format("description: {}\nruns on:     {}\nband:        {} ({})\n", p.description,
                             placement_name(p.placement), band_name(p.priority_band), p.priority_band);
    std::cout << "options:\n";
    if (p.options.empty()) std::cout << "  (none)\n";
    for (const auto& o : p.options) {
        const auto allowed = describe_constraints(o);
        std::cout << fmt::format("  {:<16} {:<7} {:<20} {}{}\n", o.name, option_type_name(o.type),
                                 o.default_value ? fmt::format("default={}", *o.default_value) : "required", o.help,
                                 allowed.empty() ? "" : fmt::format(" [{}]", allowed));
    }
    std::cout << "events:\n";
    if (p.events.empty()) std::cout << "  (none)\n";
    for (const auto& e : p.events) std::cout << fmt::format("  {:<36} {}\n", e.name, e.help);
    std::cout << "metrics:\n";
    if (p.metrics.empty()) std::cout << "  (none)\n";
    for (const auto& m : p.metrics) std::cout << fmt::format("  {:<28} {}\n", m.name, m.help);
    std::cout << "state:       " << (p.state_key.empty() ? "(none)" : p.state_key) << (p.state_is_json ? " (JSON)" : "")
              << "\n";
    return 0;
}

bool is_help(const std::string& arg) { return arg == "--help" || arg == "-h"; }

int plugins_command(const std::vector<std::string>& args) {
    if (args.empty() || is_help(args[0])) {
        std::cout << "Usage: ignite-host plugins list            the built-in components and the plugins on the search path\n"
                     "       ignite-host plugins inspect NAME|PATH  what a plugin declares: options, events, metrics\n";
        if (args.empty()) throw UsageError("plugins needs a command: list or inspect");
        return 0;
    }
    if (args[0] == "list") {
        if (args.size() > 1 && is_help(args[1])) {
            std::cout
                << "Usage: ignite-host plugins list\n\nLists every plugin on the search path ($IGNITE_PLUGIN_PATH, "
                   "then the shipped plugins) with its version, ABI and description; a file that cannot be "
                   "loaded is listed as unusable, with the reason.\n";
            return 0;
        }
        if (args.size() > 1) throw UsageError(fmt::format("plugins list takes no arguments, got '{}'", args[1]));
        return plugins_list();
    }
    if (args[0] == "inspect") {
        if (args.size() > 1 && is_help(args[1])) {
            std::cout << "Usage: ignite-host plugins inspect NAME|PATH\n\nPrints what a plugin declares: its options "
                         "(type, default, help), custom events, metrics and state key. NAME is searched on the plugin "
                         "path; a PATH (with a '/' or ending in .so) is loaded as is.\n";
            return 0;
        }
        if (args.size() != 2) throw UsageError("plugins inspect takes one NAME or PATH");
        return plugins_inspect(args[1]);
    }
    throw UsageError(fmt::format("unknown plugins command '{}'; use list or inspect", args[0]));
}

// A process started with stdin, stdout or stderr closed would otherwise get a result file
// as descriptor 0-2, and every later print would write into it.
void open_missing_standard_descriptors() {
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) != -1) continue;
        const int null_fd = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (null_fd >= 0 && null_fd != fd) {
            ::dup2(null_fd, fd);
            ::close(null_fd);
        }
    }
}

// Prints the one error line and gives the exit code of `status`.
int report(const std::string& message, ExitStatus status) {
    log_line(fmt::format("ignite-host: error: {}", message));
    return exit_code(status);
}

}  // namespace

int main(int argc, char** argv) {
    open_missing_standard_descriptors();
    // A file-size limit then gives a write error (EFBIG) the run reports, not a kill.
    std::signal(SIGXFSZ, SIG_IGN);
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (args.empty() || is_help(args[0])) {
            print_usage();
            if (args.empty()) throw UsageError("no command given; pick one of the commands above");
            return 0;
        }
        if (args[0] == "--version") {
            std::cout << fmt::format("ignite-host {} (plugin ABI {}.{})\n", kVersion, IGNITE_ABI_MAJOR,
                                     IGNITE_ABI_MINOR);
            return 0;
        }
        const std::string command = args[0];
        const std::vector<std::string> rest(args.begin() + 1, args.end());
        if (command == "dry-run") return dry_run(rest);
        if (command == "train") return train_command(rest);
        if (command == "plugins") return plugins_command(rest);
        if (command == "report") return report_command(rest);
        if (command == "schedule") return schedule_command(rest);
        if (command == "lr-find") return lr_find_command(rest);
        throw UsageError(fmt::format("unknown command '{}'; see ignite-host --help", command));
    } catch (const UsageError& e) {
        return report(e.what(), UsageError::kStatus);
    } catch (const PluginError& e) {
        // The plugin runtime's refusal of a plugin (missing, not ELF, wrong ABI, bad option).
        return report(e.what(), ExitStatus::kBadInput);
    } catch (const RunFailed& e) {
        return report(e.what(), RunFailed::kStatus);
    } catch (...) {
        // One line: a LibTorch error's what() carries a multi-line backtrace.
        std::string message = ignite::describe_exception(std::current_exception());
        return report(message.substr(message.find(": ") + 2), ExitStatus::kRunFailed);
    }
}
