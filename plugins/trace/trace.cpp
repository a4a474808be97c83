// trace: every event the engines fire, as JSON lines in a file, for debugging a run and
// for tests that assert Ignite's event order from the outside.
//
//   {"engine":"trainer","event":"ITERATION_COMPLETED","epoch":1,"iteration":3}
//   {"engine":"trainer","event":"EXCEPTION_RAISED","epoch":1,"iteration":3,"exception":"ValueError: ..."}
//   {"engine":"trainer","event":"TERMINATE_SINGLE_EPOCH","epoch":1,"iteration":2,"iter_counter":2}
//   {"engine":"trainer","event":"tbptt.TIME_ITERATION_STARTED","epoch":1,"iteration":1,"time_iteration":1}
//
// One handler per built-in event (0..12) per engine, at the lowest priority so it runs
// before every other handler and records the state they are about to see. Custom events
// cannot be enumerated through the ABI, so the ones to trace are named in `custom`; they
// must exist when trace initialises (load the plugin that registers them first). The
// ABI does not tell which state attribute a custom event counts with either, so int or str
// state attributes worth recording are named in `attrs` (written when set, omitted otherwise).
//
// The file: `path` is checked at init but created/truncated only at the first STARTED, so a
// host that fails to start leaves an existing trace as it was. A write error (full disk,
// failing flush or close) fails the run with a message naming the file; only one at
// shutdown, after the last event, can merely be logged. All numbers written are integers,
// so every line is valid JSON.
#include <ignite/plugin.hpp>
#include <ignite/plugin_util.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using ignite::sdk::json_escape_append;

using ignite::sdk::Engine;
using ignite::sdk::EventInfo;
using ignite::sdk::Events;
using ignite::sdk::EventSpec;
using ignite::sdk::Host;
using ignite::sdk::Option;
using ignite::sdk::PluginSpec;

// The built-in events and their names, from the one list (ignite/events.def); the names
// are used when the host gives none (event_name is documented, but a missing one must not
// break the file).
#define IGNITE_BUILTIN_EVENT(name, core, value, help) #name,
const char* const kBuiltinNames[IGNITE_EVENT_BUILTIN_COUNT] = {
#include <ignite/events.def>
};
#define IGNITE_BUILTIN_EVENT(name, core, value, help) &Events::name,
const EventSpec* const kBuiltinEvents[IGNITE_EVENT_BUILTIN_COUNT] = {
#include <ignite/events.def>
};

class Trace : public ignite::sdk::Plugin {
public:
    ~Trace() override {
        // Shutdown: whatever the run left unflushed still lands in the file. Every flush
        // point of a run (COMPLETED, TERMINATE, INTERRUPT, EXCEPTION_RAISED) already failed
        // the run on a write error; this is the last, void callback, where an error can
        // only be logged.
        const auto error = file_.close_noexcept();
        if (!error.empty()) host().log(IGNITE_LOG_ERROR, error);
    }

private:
    void init(Host& host) override {
        // The run's engines by name (a typo, or an engine this run does not have, is refused).
        const auto traced_engines = host.engines_from_option("engines", "trace");
        std::vector<std::string> engines;
        for (const auto& e : traced_engines) engines.push_back(e.name());
        attrs_ = host.option_list("attrs");
        with_time_ = host.option_bool("time");

        // Checked here so a bad path stops the host before the run starts, but opened (and
        // truncated) only at the first event traced: a start-up that fails after trace's
        // init (a later plugin refused, a bad option) must leave an existing file untouched.
        const auto path = host.option_string("path");
        file_ = ignite::sdk::OutputFile("trace.path=" + path, path);
        file_.validate("trace.jsonl");

        // Custom events are looked up before any registration so a misspelt name fails
        // init without leaving half the handlers behind.
        std::vector<std::pair<std::string, EventSpec>> custom;
        for (const auto& qualified : host.option_list("custom")) {
            const auto ev = host.find_event(qualified.c_str());
            if (!ev)
                throw std::invalid_argument("trace.custom names unknown event '" + qualified +
                                            "': give qualified names (plugin.EVENT) and load that plugin before trace");
            custom.emplace_back(qualified, *ev);
        }

        // INT32_MIN: first among all handlers of the event, so a line shows the state
        // before any other plugin's handler has changed it.
        constexpr std::int32_t kFirst = std::numeric_limits<std::int32_t>::min();
        std::vector<bool> custom_registered(custom.size(), false);
        std::vector<std::string> custom_errors(custom.size());
        // An engine the host runs but trace does not follow still opens the file at its
        // STARTED: once a run has begun, the file is this run's (maybe empty), never the
        // previous run's left in place.
        for (auto& engine : host.engines()) {
            if (std::find(engines.begin(), engines.end(), engine.name()) == engines.end())
                engine.on(
                    Events::STARTED, [this] { file_.open(); }, kFirst);
        }
        for (const auto& name : engines) {
            const auto engine = host.engine(name.c_str());
            auto write_line = [this, name](Engine& e, const EventInfo& info) { write(name, e, info); };
            for (const EventSpec* ev : kBuiltinEvents) engine->on(*ev, write_line, kFirst);
            // A custom event is registered on one engine; on the others the host refuses
            // the handler, which is expected, so only "no engine took it" is an error.
            for (std::size_t i = 0; i < custom.size(); ++i) {
                try {
                    engine->on(custom[i].second, write_line, kFirst);
                    custom_registered[i] = true;
                } catch (const ignite::sdk::Error& err) {
                    custom_errors[i] = err.what();
                }
            }
        }
        for (std::size_t i = 0; i < custom.size(); ++i)
            if (!custom_registered[i])
                throw std::invalid_argument("trace.custom: event '" + custom[i].first +
                                            "' is on none of the traced engines (" + custom_errors[i] +
                                            "); add its engine to trace.engines");
    }

    void write(const std::string& engine, const Engine& e, const EventInfo& info) {
        line_.clear();
        line_ += "{\"engine\":\"";
        json_escape_append(line_, engine);
        line_ += "\",\"event\":\"";
        if (!info.name.empty())
            json_escape_append(line_, info.name);
        else if (info.event >= 0 && info.event < IGNITE_EVENT_BUILTIN_COUNT)
            line_ += kBuiltinNames[info.event];
        else
            line_ += std::to_string(info.event);
        line_ += "\",\"epoch\":" + std::to_string(info.epoch) + ",\"iteration\":" + std::to_string(info.iteration);
        if (with_time_) {
            // Seconds on a monotonic clock since the first traced line: when the event began
            // dispatching, so the gap to the next line is what its handlers took.
            const auto now = std::chrono::steady_clock::now();
            if (!time_zero_) time_zero_ = now;
            char buf[32];
            std::snprintf(buf, sizeof buf, ",\"time\":%.6f", std::chrono::duration<double>(now - *time_zero_).count());
            line_ += buf;
        }
        if (info.event == IGNITE_EVENT_EXCEPTION_RAISED) {
            line_ += ",\"exception\":\"";
            json_escape_append(line_, info.exception_message ? info.exception_message : "");
            line_ += "\"";
        }
        if (info.event == IGNITE_EVENT_TERMINATE_SINGLE_EPOCH)
            line_ += ",\"iter_counter\":" + std::to_string(info.iter_counter);
        for (const auto& attr : attrs_) {
            // An attribute that is not set (yet) is normal, not an error.
            if (const auto v = e.try_state_int(attr.c_str())) {
                line_ += ",\"";
                json_escape_append(line_, attr);
                line_ += "\":" + std::to_string(*v);
            } else if (const auto text = e.try_state_string(attr.c_str())) {
                line_ += ",\"";
                json_escape_append(line_, attr);
                line_ += "\":\"";
                json_escape_append(line_, *text);
                line_ += "\"";
            }
        }
        line_ += "}\n";
        // Opens the file at the first line; throws (failing the run, naming the file) on
        // any write error.
        file_.write(line_);
        // Buffered in between (tracing every event must stay cheap); flushed when a run
        // ends or is about to be abandoned, so the file is complete when anyone reads it
        // and a write error there still fails the run: these handlers are the last
        // callbacks that can.
        if (info.event == IGNITE_EVENT_COMPLETED || info.event == IGNITE_EVENT_EXCEPTION_RAISED ||
            info.event == IGNITE_EVENT_INTERRUPT || info.event == IGNITE_EVENT_TERMINATE)
            file_.flush();
    }

    ignite::sdk::OutputFile file_;
    std::vector<std::string> attrs_;
    bool with_time_ = false;
    std::optional<std::chrono::steady_clock::time_point> time_zero_;
    std::string line_;  // reused: one allocation for the whole run
};

}  // namespace

IGNITE_SDK_PLUGIN(
    Trace,
    PluginSpec("trace")
        .placement(ignite::sdk::Placement::rank_zero)
        .band(ignite::sdk::Priority::loggers)
        .version("1.1")
        .needs_abi_minor(6)
        .description("Writes every event of the traced engines as JSON lines to a file")
        .option(Option::string("path", "ignite-trace.jsonl")
                    .help("file to write (truncated when the run starts, not before)"))
        .option(Option::list("engines", "all")
                    .help("comma-separated engines to trace (trainer, evaluator, validation), or all"))
        .option(
            Option::list("custom", "")
                .help("comma-separated qualified custom events to trace too (plugin.EVENT); load their plugin first"))
        .option(Option::list("attrs", "")
                    .help("comma-separated int or str state attributes added to each line when set (e.g. "
                          "time_iteration, last_checkpoint)"))
        .option(Option::boolean("time", false)
                    .help("add \"time\": seconds (monotonic) since the first line, when the event began dispatching")))
