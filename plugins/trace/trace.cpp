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
// ABI does not tell which state attribute a custom event counts with either, so int state
// attributes worth recording are named in `attrs` (written when set, omitted otherwise).
//
// The file: `path` is checked at init but created/truncated only at the first STARTED, so a
// host that fails to start leaves an existing trace as it was. A write error (full disk,
// failing flush or close) fails the run with a message naming the file; only one at
// shutdown, after the last event, can merely be logged. All numbers written are integers,
// so every line is valid JSON.
#include <ignite/plugin.hpp>
#include <ignite/plugin_util.hpp>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using ignite::sdk::json_escape_append;
using ignite::sdk::split_list;
using ignite::sdk::trim;

using ignite::sdk::Engine;
using ignite::sdk::EventInfo;
using ignite::sdk::Host;

const char* const kKnownEngines[] = {"trainer", "evaluator"};

// Names of the built-in events, indexed by their fixed ABI values; used when the host
// gives no name (event_name is documented, but a missing one must not break the file).
const char* const kBuiltinNames[IGNITE_EVENT_BUILTIN_COUNT] = {
    "STARTED",           "EPOCH_STARTED",          "GET_BATCH_STARTED", "GET_BATCH_COMPLETED", "ITERATION_STARTED",
    "ITERATION_COMPLETED", "DATALOADER_STOP_ITERATION", "EXCEPTION_RAISED", "TERMINATE_SINGLE_EPOCH", "TERMINATE",
    "EPOCH_COMPLETED",   "COMPLETED",              "INTERRUPT"};

class Trace : public ignite::sdk::Plugin {
public:
    ~Trace() override {
        // Shutdown: whatever the run left unflushed still lands in the file. Every flush
        // point of a run (COMPLETED, TERMINATE, INTERRUPT, EXCEPTION_RAISED) already failed
        // the run on a write error; this is the last, void callback, where an error can
        // only be logged.
        const auto error = file_.close_noexcept();
        if (!error.empty() && api_) api_->log(host().raw(), IGNITE_LOG_ERROR, error.c_str());
    }

private:
    void init(Host& host) override {
        api_ = host.api();
        const auto engines = split_list(host.option_string("engines"), true);
        for (const auto& name : engines) {
            bool known = false;
            for (const char* k : kKnownEngines) known = known || name == k;
            if (!known)
                throw std::invalid_argument("trace.engines names unknown engine '" + name +
                                            "': use a comma-separated list of trainer, evaluator");
        }
        attrs_ = split_list(host.option_string("attrs"), true);

        // Checked here so a bad path stops the host before the run starts, but opened (and
        // truncated) only at the first event traced: a start-up that fails after trace's
        // init (a later plugin refused, a bad option) must leave an existing file untouched.
        const auto path = host.option_string("path");
        file_ = ignite::sdk::OutputFile("trace.path=" + path, path);
        file_.validate("trace.jsonl");

        // Custom events are looked up before any registration so a misspelt name fails
        // init without leaving half the handlers behind.
        std::vector<std::pair<std::string, ignite_event>> custom;
        for (const auto& qualified : split_list(host.option_string("custom"), true)) {
            ignite_event ev = 0;
            if (api_->find_event(host.raw(), qualified.c_str(), &ev) != IGNITE_OK)
                throw std::invalid_argument("trace.custom names unknown event '" + qualified +
                                            "': give qualified names (plugin.EVENT) and load that plugin before trace");
            custom.emplace_back(qualified, ev);
        }

        // INT32_MIN: first among all handlers of the event, so a line shows the state
        // before any other plugin's handler has changed it.
        constexpr std::int32_t kFirst = std::numeric_limits<std::int32_t>::min();
        std::vector<bool> custom_registered(custom.size(), false);
        std::vector<std::string> custom_errors(custom.size());
        // An engine the host runs but trace does not follow still opens the file at its
        // STARTED: once a run has begun, the file is this run's (maybe empty), never the
        // previous run's left in place.
        for (const char* name : kKnownEngines) {
            bool traced = false;
            for (const auto& t : engines) traced = traced || t == name;
            const auto engine = host.engine(name);
            if (engine && !traced)
                host.on(*engine, ignite::sdk::on(IGNITE_EVENT_STARTED), [this](Engine&, const EventInfo&) { file_.open(); },
                        kFirst);
        }
        for (const auto& name : engines) {
            const auto engine = host.engine(name.c_str());
            if (!engine) continue;  // known but not run this time (e.g. no evaluator)
            for (ignite_event ev = 0; ev < IGNITE_EVENT_BUILTIN_COUNT; ++ev)
                host.on(*engine, ignite::sdk::on(ev), [this, name](Engine& e, const EventInfo& info) { write(name, e, info); },
                        kFirst);
            // A custom event is registered on one engine; on the others the host refuses
            // the handler, which is expected, so only "no engine took it" is an error.
            for (std::size_t i = 0; i < custom.size(); ++i) {
                try {
                    host.on(*engine, ignite::sdk::on(custom[i].second),
                            [this, name](Engine& e, const EventInfo& info) { write(name, e, info); }, kFirst);
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
        line_ += "\",\"epoch\":" + std::to_string(e.epoch()) + ",\"iteration\":" + std::to_string(e.iteration());
        if (info.event == IGNITE_EVENT_EXCEPTION_RAISED) {
            line_ += ",\"exception\":\"";
            json_escape_append(line_, info.exception_message ? info.exception_message : "");
            line_ += "\"";
        }
        if (info.event == IGNITE_EVENT_TERMINATE_SINGLE_EPOCH) line_ += ",\"iter_counter\":" + std::to_string(info.iter_counter);
        for (const auto& attr : attrs_) {
            // Raw call: an attribute that is not set (yet) is normal, not an error.
            std::int64_t v = 0;
            if (api_->state_int(e.raw(), attr.c_str(), &v) == IGNITE_OK) {
                line_ += ",\"";
                json_escape_append(line_, attr);
                line_ += "\":" + std::to_string(v);
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

    const ignite_host_api* api_ = nullptr;
    ignite::sdk::OutputFile file_;
    std::vector<std::string> attrs_;
    std::string line_;  // reused: one allocation for the whole run
};

}  // namespace

IGNITE_SDK_PLUGIN(Trace, {"trace",
                          "1.0",
                          "Writes every event of the traced engines as JSON lines to a file",
                          {
                              {"path", IGNITE_OPTION_STRING, "ignite-trace.jsonl",
                               "file to write (truncated when the run starts, not before)"},
                              {"engines", IGNITE_OPTION_STRING, "trainer,evaluator",
                               "comma-separated engines to trace: trainer, evaluator"},
                              {"custom", IGNITE_OPTION_STRING, "",
                               "comma-separated qualified custom events to trace too (plugin.EVENT); load their plugin first"},
                              {"attrs", IGNITE_OPTION_STRING, "",
                               "comma-separated int state attributes added to each line when set (e.g. time_iteration)"},
                          },
                          {},
                          nullptr})
