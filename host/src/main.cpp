// ignite-host: the command line. Subcommands: dry-run, plugins list, plugins inspect.
#include "bridge.hpp"
#include "cli_common.hpp"
#include "train/train_command.hpp"
#include "plugin_loader.hpp"
#include "plugin_metric.hpp"
#include "plugin_options.hpp"

#include <ignite/core/engine.hpp>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <iostream>

namespace po = boost::program_options;
using namespace ignite::host;

namespace {

void print_usage() {
    std::cout << "Usage: ignite-host [--version] [--help] <command> [options]\n\n"
                 "Commands:\n"
                 "  dry-run           run the trainer (and evaluator) over synthetic batches with a no-op step,\n"
                 "                    firing every event: try plugins in a second\n"
                 "  plugins list      plugins found on the search path\n"
                 "  plugins inspect   everything a plugin declares: options, events, metrics\n\n"
                 "Run `ignite-host <command> --help` for a command's options.\n";
}

// ---- dry-run ----------------------------------------------------------------------------

int dry_run(const std::vector<std::string>& args) {
    po::options_description desc("ignite-host dry-run: the trainer (and evaluator) over synthetic batches");
    desc.add_options()("help,h", "this help")
        ("epochs", po::value<std::int64_t>()->default_value(2), "trainer epochs")
        ("epoch-length", po::value<std::int64_t>()->default_value(10), "iterations per trainer epoch")
        ("eval-every", po::value<std::int64_t>()->default_value(0), "run the evaluator every K trainer epochs (0: never)")
        ("eval-length", po::value<std::int64_t>()->default_value(2), "iterations per evaluator run");
    desc.add(plugin_options_description());
    const auto vm = parse(args, desc);
    if (vm.count("help")) {
        std::cout << desc << "\n";
        return 0;
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
    ignite::Engine trainer([](ignite::Engine& e, const c10::IValue&) {
        return 1.0 / static_cast<double>(e.state.iteration);
    });
    ignite::Engine evaluator([](ignite::Engine&, const c10::IValue& batch) { return batch; });
    PluginHost plugins;
    plugins.add_engine("trainer", trainer);
    if (eval_every > 0) {
        plugins.add_engine("evaluator", evaluator);
        // Priority 50: after loggers (0) report the epoch, before checkpoints (100).
        trainer.add_event_handler(ignite::Events::EPOCH_COMPLETED.every(eval_every), ignite::Priority{50},
                                  [&] { evaluator.run(ignite::data::range(eval_length)); });
    }
    plugins.load(strings(vm, "plugin"), raw_plugin_options(vm));
    trainer.run(ignite::data::range(epoch_length), epochs);
    plugins.shutdown();
    return 0;
}

// ---- plugins list / inspect ------------------------------------------------------------------

int plugins_list() {
    const auto found = discover_plugins();
    if (found.empty()) {
        std::cout << "no plugins found; searched:";
        for (const auto& d : plugin_search_path()) std::cout << " " << d.string();
        std::cout << "\n";
        return 0;
    }
    std::cout << fmt::format("{:<16} {:<10} {:<6} {}\n", "NAME", "VERSION", "ABI", "DESCRIPTION");
    for (const auto& path : found) {
        try {
            const auto m = load_plugin_module(path);
            std::cout << fmt::format("{:<16} {:<10} {:<6} {}\n", m.info->name, m.info->version ? m.info->version : "",
                                     fmt::format("{}.{}", m.info->abi_major, m.info->abi_minor),
                                     m.info->description ? m.info->description : "");
        } catch (const PluginError& e) {
            std::cout << fmt::format("{:<16} (unusable: {})\n", path.filename().string(), e.what());
        }
    }
    return 0;
}

int plugins_inspect(const std::string& which) {
    const auto m = load_plugin_module(resolve_plugin(which));
    const auto& i = *m.info;
    std::cout << fmt::format("name:        {}\nversion:     {}\nabi:         {}.{}\npath:        {}\ndescription: {}\n",
                             i.name, i.version ? i.version : "", i.abi_major, i.abi_minor, m.path.string(),
                             i.description ? i.description : "");
    std::cout << "options:\n";
    if (i.option_count == 0) std::cout << "  (none)\n";
    for (std::size_t k = 0; k < i.option_count; ++k) {
        const auto& o = i.options[k];
        std::cout << fmt::format("  {:<16} {:<7} {:<20} {}\n", o.name, option_type_name(o.type),
                                 o.default_value ? fmt::format("default={}", o.default_value) : "required",
                                 o.help ? o.help : "");
    }
    std::cout << "events:\n";
    if (i.event_count == 0) std::cout << "  (none)\n";
    for (std::size_t k = 0; k < i.event_count; ++k) {
        const auto& e = i.events[k];
        std::cout << fmt::format("  {}.{:<28} {} {}\n", i.name, e.name,
                                 e.state_attr ? fmt::format("[state.{}]", e.state_attr) : "", e.help ? e.help : "");
    }
    std::cout << "metrics:\n";
    const auto metrics = metric_decls(i);
    if (metrics.empty()) std::cout << "  (none)\n";
    for (const auto* d : metrics) {
        std::cout << fmt::format("  {:<28} {:<8} {}\n", d->name, (d->flags & IGNITE_METRIC_SQUARE) ? "[matrix]" : "",
                                 d->help ? d->help : "");
    }
    std::cout << "state:       " << (i.state_key ? i.state_key : "(none)") << "\n";
    return 0;
}

int plugins_command(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        std::cout << "Usage: ignite-host plugins list\n       ignite-host plugins inspect NAME|PATH\n";
        return args.empty() ? kExitBadInput : 0;
    }
    if (args[0] == "list") return plugins_list();
    if (args[0] == "inspect") {
        if (args.size() != 2) throw UsageError("plugins inspect takes one NAME or PATH");
        return plugins_inspect(args[1]);
    }
    throw UsageError(fmt::format("unknown plugins command '{}'; use list or inspect", args[0]));
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (args.empty() || args[0] == "--help" || args[0] == "-h") {
            print_usage();
            return args.empty() ? kExitBadInput : 0;
        }
        if (args[0] == "--version") {
            std::cout << fmt::format("ignite-host {} (plugin ABI {}.{})\n", kVersion, IGNITE_ABI_MAJOR, IGNITE_ABI_MINOR);
            return 0;
        }
        const std::string command = args[0];
        const std::vector<std::string> rest(args.begin() + 1, args.end());
        if (command == "dry-run") return dry_run(rest);
        if (command == "train") return train_command(rest);
        if (command == "plugins") return plugins_command(rest);
        throw UsageError(fmt::format("unknown command '{}'; see ignite-host --help", command));
    } catch (const UsageError& e) {
        std::cerr << "ignite-host: error: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const PluginError& e) {
        std::cerr << "ignite-host: error: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const std::exception& e) {
        // One line: a LibTorch error's what() carries a multi-line backtrace.
        std::string message = ignite::describe_exception(std::current_exception());
        message = message.substr(message.find(": ") + 2);
        std::cerr << "ignite-host: error: " << message.substr(0, message.find('\n')) << "\n";
        return kExitRunFailed;
    }
}
