// console: progress on stdout, the way a user watches a run.
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
using ignite::sdk::split_list;
using ignite::sdk::trim;

using ignite::sdk::Engine;
using ignite::sdk::EventInfo;
using ignite::sdk::Host;

// The engines the host can run. Checked in init so a typo ("trainer,evalutor") fails
// loudly instead of silently printing nothing for the misspelt engine.
const char* const kKnownEngines[] = {"trainer", "evaluator"};

class Console : public ignite::sdk::Plugin {
    void init(Host& host) override {
        api_ = host.api();
        every_ = host.option_int("every");
        if (every_ < 0)
            throw std::invalid_argument("console.every=" + std::to_string(every_) +
                                        " is negative: use 0 to disable iteration lines or N > 0 to print every N iterations");
        const auto precision = host.option_int("precision");
        // 17 significant digits is all a double has; more would print noise.
        if (precision < 0 || precision > 17)
            throw std::invalid_argument("console.precision=" + std::to_string(precision) +
                                        " is out of range: use 0 to 17 digits after the decimal point");
        precision_ = static_cast<int>(precision);
        const auto format = host.option_string("format");
        if (format != "text" && format != "json")
            throw std::invalid_argument("console.format=" + format + " is unknown: use format=text or format=json");
        json_ = format == "json";

        const auto engines = split_list(host.option_string("engines"));
        for (const auto& name : engines) {
            if (name.empty())
                throw std::invalid_argument("console.engines has an empty name: use a comma-separated list of trainer, evaluator");
            bool known = false;
            for (const char* k : kKnownEngines) known = known || name == k;
            if (!known)
                throw std::invalid_argument("console.engines names unknown engine '" + name +
                                            "': use a comma-separated list of trainer, evaluator");
        }
        for (const auto& name : engines) {
            // A known engine the host does not run this time (no --eval-every: no evaluator)
            // is simply not reported.
            const auto engine = host.engine(name.c_str());
            if (!engine) continue;
            // Priority 0: the loggers' slot, after metrics (-100) have updated, before
            // checkpoints (100).
            if (every_ > 0)
                host.on(*engine, ignite::sdk::on(IGNITE_EVENT_ITERATION_COMPLETED).every(every_),
                        [this, name](Engine& e, const EventInfo&) { iteration_line(name, e); }, 0);
            host.on(*engine, ignite::sdk::on(IGNITE_EVENT_EPOCH_COMPLETED),
                    [this, name](Engine& e, const EventInfo&) { epoch_line(name, e); }, 0);
        }
    }

    // state.output as a number when it is one (a scalar or one-element tensor); a tuple
    // or a larger tensor has no single value to print, so the caller omits it.
    std::optional<double> output_value(const Engine& e) const {
        std::size_t n = 0;
        if (api_->value_count(e.raw(), IGNITE_VALUE_OUTPUT, &n) != IGNITE_OK || n != 1) return std::nullopt;
        return e.value_double(IGNITE_VALUE_OUTPUT, 0);
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

    std::string json_head(const std::string& engine, const char* event, const Engine& e) const {
        return "{\"engine\":\"" + json_escape(engine) + "\",\"event\":\"" + event +
               "\",\"epoch\":" + std::to_string(e.epoch()) + ",\"max_epochs\":" + std::to_string(e.max_epochs()) +
               ",\"iteration\":" + std::to_string(e.iteration());
    }

    std::string text_head(const std::string& engine, const Engine& e) const {
        return "[" + engine + "] epoch " + std::to_string(e.epoch()) + "/" + std::to_string(e.max_epochs());
    }

    void iteration_line(const std::string& engine, const Engine& e) {
        const auto out = output_value(e);
        std::string line;
        if (json_) {
            line = json_head(engine, "ITERATION_COMPLETED", e);
            if (out) line += ",\"output\":" + json_number(*out);
            line += "}";
        } else {
            line = text_head(engine, e) + " iteration " + std::to_string(e.iteration());
            if (out) line += ": output=" + text_number(*out);
        }
        emit(line);
    }

    void epoch_line(const std::string& engine, const Engine& e) {
        const auto out = output_value(e);
        const auto seconds = e.time("EPOCH_COMPLETED");
        // Metrics in the engine's order; a metric that is not a number (a confusion
        // matrix, say) is left out rather than printed as something misleading.
        std::vector<std::pair<std::string, double>> metrics;
        for (const auto& name : e.metric_names())
            if (const auto v = e.metric(name)) metrics.emplace_back(name, *v);

        std::string line;
        if (json_) {
            line = json_head(engine, "EPOCH_COMPLETED", e);
            if (seconds) line += ",\"time\":" + json_number(*seconds);
            if (out) line += ",\"output\":" + json_number(*out);
            line += ",\"metrics\":{";
            for (std::size_t i = 0; i < metrics.size(); ++i)
                line += (i ? ",\"" : "\"") + json_escape(metrics[i].first) + "\":" + json_number(metrics[i].second);
            line += "}}";
        } else {
            line = text_head(engine, e) + " done";
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
        emit(line);
    }

    const ignite_host_api* api_ = nullptr;  // raw table: value_count without throwing
    std::int64_t every_ = 100;
    int precision_ = 4;
    bool json_ = false;
    bool stdout_failed_ = false;
};

}  // namespace

IGNITE_SDK_PLUGIN(Console, {"console",
                            "1.0",
                            "Prints iteration and per-epoch summary lines (output, metrics, epoch time) to stdout",
                            {
                                {"every", IGNITE_OPTION_INT, "100", "print an iteration line every N iterations; 0 disables"},
                                {"engines", IGNITE_OPTION_STRING, "trainer,evaluator",
                                 "comma-separated engines to report: trainer, evaluator"},
                                {"precision", IGNITE_OPTION_INT, "4", "digits after the decimal point in text lines (0-17)"},
                                {"format", IGNITE_OPTION_STRING, "text",
                                 "text (human lines) or json (one JSON object per line, full precision)"},
                            },
                            {},
                            nullptr})
