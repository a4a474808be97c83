// console: progress lines, the way a user watches a run.
//
// Per engine listed in `engines`: an iteration line every `every` iterations (Ignite's
// ITERATION_COMPLETED(every=N), so N counts the engine's global iteration, not the
// iteration within the epoch) and a summary line at every EPOCH_COMPLETED with the epoch
// time and the engine's metrics.
//
//   text: [trainer] epoch 2/5 iteration 1200: output=0.3412
//         [trainer] epoch 2/5 done in 1.23s: output=0.3412 accuracy=0.9100
//   json: {"engine":"trainer","event":"ITERATION_COMPLETED","epoch":2,"max_epochs":5,"iteration":1200,"output":0.3412}
//         {"engine":"trainer","event":"EPOCH_COMPLETED",...,"time":1.23,"output":0.3412,"metrics":{"accuracy":0.91}}
//
// Where (issue 19 §4): text lines go through the host's log, like every line a person reads,
// so on a terminal they land above the progress bars (the host's status area) and never over
// them, and --quiet / --log-format json apply to them ("[console] [trainer] epoch 2/5 ...").
// json lines are a machine record: one object per line on stdout (redirect it to a file), not
// mixed into the log.
//
// Only the SDK header is included: this file is also the model for third-party loggers.
#include <ignite/plugin.hpp>
#include <ignite/plugin_util.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using ignite::sdk::json_escape;
// Full precision (json lines are for machines); NaN and infinities become null, which a
// strict JSON reader accepts where it would reject `nan`.
using ignite::sdk::json_number;

using ignite::sdk::Engine;
using ignite::sdk::EventInfo;
using ignite::sdk::Events;
using ignite::sdk::Host;
using ignite::sdk::Option;
using ignite::sdk::PluginSpec;
using ignite::sdk::Priority;

class Console : public ignite::sdk::Plugin {
    // The options were validated by the host against the spec below (ranges, choices).
    void init(Host& host) override {
        every_ = host.option_int("every");
        precision_ = static_cast<int>(host.option_int("precision"));
        json_ = host.option_string("format") == "json";
        // The run's engines by name (a typo, or an engine this run does not have, is refused).
        for (auto& engine : host.engines_from_option("engines", "console")) {
            const auto name = engine.name();
            // The loggers' band: after metrics have updated, before checkpoints.
            if (every_ > 0)
                engine.on(Events::ITERATION_COMPLETED.every(every_), Priority::loggers,
                           [this, name](Engine& e, const EventInfo& ev) { iteration_line(name, e, ev); });
            engine.on(Events::EPOCH_COMPLETED, Priority::loggers,
                      [this, name](Engine& e, const EventInfo& ev) { epoch_line(name, e, ev); });
        }
    }

    std::string text_number(double v) const {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.*f", precision_, v);
        return buf;
    }

    // Flushed per line: progress must show even when stdout is a pipe or a file. Checked:
    // stdout redirected to a file is the run's record (format=json especially), so a full
    // disk fails the run instead of losing lines silently. Once: after the first failure
    // the error has already failed the run, and stdout stays broken.
    void emit(const std::string& line) {
        if (stdout_failed_) return;
        errno = 0;
        if (std::fputs(line.c_str(), stdout) < 0 || std::fputc('\n', stdout) == EOF || std::fflush(stdout) != 0) {
            const int err = errno ? errno : EIO;
            stdout_failed_ = true;
            throw std::runtime_error(std::string("writing to stdout failed (") + std::strerror(err) +
                                     "); free space or fix where stdout goes");
        }
    }

    // Text through the host's log (above the bars); json on stdout.
    void say(const Engine& e, const std::string& line) {
        if (json_)
            emit(line);
        else
            e.host().log(IGNITE_LOG_INFO, line);
    }

    // The counters come with the event: no call back into the host.
    std::string json_head(const std::string& engine, const char* event, const EventInfo& ev) const {
        return "{\"engine\":\"" + json_escape(engine) + "\",\"event\":\"" + event +
               "\",\"epoch\":" + std::to_string(ev.epoch) + ",\"max_epochs\":" + std::to_string(ev.max_epochs) +
               ",\"iteration\":" + std::to_string(ev.iteration);
    }

    std::string text_head(const std::string& engine, const EventInfo& ev) const {
        return "[" + engine + "] epoch " + std::to_string(ev.epoch) + "/" + std::to_string(ev.max_epochs);
    }

    // state.output as a number when it is one (a scalar or one-element tensor); a tuple
    // or a larger tensor has no single value to print, so the caller omits it.
    void iteration_line(const std::string& engine, const Engine& e, const EventInfo& ev) {
        const auto out = e.output_number();
        std::string line;
        if (json_) {
            line = json_head(engine, "ITERATION_COMPLETED", ev);
            if (out) line += ",\"output\":" + json_number(*out);
            line += "}";
        } else {
            line = text_head(engine, ev) + " iteration " + std::to_string(ev.iteration);
            if (out) line += ": output=" + text_number(*out);
        }
        say(e, line);
    }

    void epoch_line(const std::string& engine, const Engine& e, const EventInfo& ev) {
        const auto out = e.output_number();
        const auto seconds = e.time("EPOCH_COMPLETED");
        // Metrics in the engine's order; a metric that is not a number (a confusion
        // matrix, say) is left out rather than printed as something misleading.
        std::vector<std::pair<std::string, double>> metrics;
        for (const auto& name : e.metric_names())
            if (const auto v = e.metric(name)) metrics.emplace_back(name, *v);

        std::string line;
        if (json_) {
            line = json_head(engine, "EPOCH_COMPLETED", ev);
            if (seconds) line += ",\"time\":" + json_number(*seconds);
            if (out) line += ",\"output\":" + json_number(*out);
            line += ",\"metrics\":{";
            for (std::size_t i = 0; i < metrics.size(); ++i)
                line += (i ? ",\"" : "\"") + json_escape(metrics[i].first) + "\":" + json_number(metrics[i].second);
            line += "}}";
        } else {
            line = text_head(engine, ev) + " done";
            if (seconds) {
                char buf[64];
                std::snprintf(buf, sizeof buf, " in %.2fs", *seconds);
                line += buf;
            }
            std::string values;
            if (out) values += " output=" + text_number(*out);
            for (const auto& [name, v] : metrics) values += " " + name + "=" + text_number(v);
            if (!values.empty()) line += ":" + values;
        }
        say(e, line);
    }

    std::int64_t every_ = 100;
    int precision_ = 4;
    bool json_ = false;
    bool stdout_failed_ = false;
};

}  // namespace

IGNITE_SDK_PLUGIN(
    Console,
    PluginSpec("console")
        .placement(ignite::sdk::Placement::rank_zero)
        .band(ignite::sdk::Priority::loggers)
        .version("1.1")
        .needs_abi_minor(6)
        .description("Iteration and per-epoch summary lines (output, metrics, epoch time): text through the host's "
                     "log, json on stdout")
        .option(Option::integer("every", 100).min(0).help("print an iteration line every N iterations; 0 disables"))
        // Checked at init against the run's engines: a typo ("trainer,evalutor") fails loudly
        // instead of silently printing nothing for the misspelt engine.
        .option(Option::list("engines", "all")
                    .min(1)  // items: at least one engine
                    .help("comma-separated engines to report (trainer, evaluator, validation), or all"))
        // 17 significant digits is all a double has; more would print noise.
        .option(Option::integer("precision", 4).range(0, 17).help("digits after the decimal point in text lines"))
        .option(Option::string("format", "text")
                    .choices({"text", "json"})
                    .help("text (human lines, through the host's log: above the progress bars) or json (one JSON "
                          "object per line on stdout, full precision)")))
