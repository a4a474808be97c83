// tbptt: the model for "custom event sets ship as plugins".
//
// Ignite's truncated back-propagation through time splits each batch into time steps and
// fires Tbptt_Events.TIME_ITERATION_STARTED / TIME_ITERATION_COMPLETED around each one,
// registered with event_to_attr={...: "time_iteration"} so that filters on them count
// time steps. This plugin declares the same two events on the trainer (the host
// qualifies them as "tbptt.TIME_ITERATION_STARTED" / "tbptt.TIME_ITERATION_COMPLETED")
// and, for `time_steps` steps per trainer iteration:
//
//   state.time_iteration += 1; fire TIME_ITERATION_STARTED; fire TIME_ITERATION_COMPLETED
//
// time_iteration is never reset: like Ignite's event_to_attr counters it counts every
// time step of the run, so TIME_ITERATION_COMPLETED(every=5) fires at 5, 10, ... across
// iteration and epoch boundaries. `log_every` > 0 attaches exactly such a filtered
// handler, showing that filters on custom events count with the mapped attribute.
#include <ignite/plugin.hpp>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

namespace {

using ignite::sdk::Engine;
using ignite::sdk::Events;
using ignite::sdk::EventSpec;
using ignite::sdk::Host;
using ignite::sdk::Option;
using ignite::sdk::PluginSpec;

constexpr const char* kAttr = "time_iteration";

class Tbptt : public ignite::sdk::Plugin {
    // time_steps >= 1 and log_every >= 0 are checked by the host (the spec below).
    void init(Host& host) override {
        time_steps_ = host.option_int("time_steps");
        const auto log_every = host.option_int("log_every");
        const Engine trainer = host.require_engine("trainer");

        // Both events count with the same attribute, as in Ignite's TBPTT event_to_attr;
        // the host creates it as int 0.
        const EventSpec started = trainer.register_event("TIME_ITERATION_STARTED", kAttr);
        const EventSpec completed = trainer.register_event("TIME_ITERATION_COMPLETED", kAttr);

        // The time steps stand in for the work Ignite's TBPTT does inside the process
        // function, which runs after every ITERATION_STARTED handler: hence the highest
        // priority, so other ITERATION_STARTED handlers (e.g. one that reshapes the
        // batch) run before the steps, as they would in Ignite.
        trainer.on(
            Events::ITERATION_STARTED,
            [this, started, completed](Engine& e) {
                for (std::int64_t t = 0; t < time_steps_; ++t) {
                    e.set_state(kAttr, e.state_int(kAttr) + 1);
                    e.fire(started);
                    e.fire(completed);
                }
            },
            std::numeric_limits<std::int32_t>::max());

        if (log_every > 0)
            trainer.on(completed.every(log_every), [&host](Engine& e) {
                host.log(IGNITE_LOG_INFO, "time_iteration " + std::to_string(e.state_int(kAttr)));
            });
    }

    std::int64_t time_steps_ = 4;
};

}  // namespace

IGNITE_SDK_PLUGIN(
    Tbptt,
    PluginSpec("tbptt")
        .version("1.0")
        .description("Truncated BPTT time-step events (TIME_ITERATION_STARTED/COMPLETED) on the trainer")
        .option(Option::integer("time_steps", 4).min(1).help("time steps per trainer iteration"))
        .option(Option::integer("log_every", 0).min(0).help("log \"time_iteration N\" every N time steps; 0 disables"))
        .event("TIME_ITERATION_STARTED", kAttr, "before each time step")
        .event("TIME_ITERATION_COMPLETED", kAttr, "after each time step"))
