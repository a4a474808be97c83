#include "console_options.hpp"

#include "exit_status.hpp"

#include <ignite/runtime/bridge.hpp>
#include <ignite/runtime/console_log.hpp>

#include <fmt/format.h>

#include <string>

namespace ignite::host {
namespace po = boost::program_options;

po::options_description console_options_description() {
    po::options_description desc("Console");
    desc.add_options()("tty", po::value<std::string>()->default_value("auto"),
                       "auto (draw progress bars under the log lines when stderr is a terminal), always, or never "
                       "(plain lines)")("quiet", po::bool_switch(),
                                        "only warnings, errors and the summary: no progress bar, no info lines")(
        "log-format", po::value<std::string>()->default_value("text"),
        "text, or json: every log line on stderr as one JSON object {level, source, message, time}");
    return desc;
}

void apply_console_options(const po::variables_map& vm) {
    // The format first: the errors below are then written in it when it was valid.
    const auto format = vm["log-format"].as<std::string>();
    if (format != "text" && format != "json")
        throw UsageError(fmt::format("--log-format {} is not offered; give text or json", format));
    set_log_format(format == "json" ? LogFormat::json : LogFormat::text);
    const auto tty = vm["tty"].as<std::string>();
    if (tty != "auto" && tty != "always" && tty != "never")
        throw UsageError(fmt::format("--tty {} is not offered; give auto, always or never", tty));
    const bool quiet = vm["quiet"].as<bool>();
    if (quiet) set_log_min_level(LogLevel::warning);
    // auto keeps the runtime's default (stderr is a terminal); JSON lines and --quiet draw nothing.
    if (tty != "auto" || quiet) PluginHost::set_status_drawn(tty == "always" && !quiet);
}

void log_warnings_of(ignite::Engine& engine) {
    engine.set_warning_handler([](const std::string& message) { log_line("ignite-host: warning: " + message); });
}

}  // namespace ignite::host
