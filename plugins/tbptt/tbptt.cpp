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
using ignite::sdk::EventInfo;
using ignite::sdk::Host;

constexpr const char* kAttr = "time_iteration";

class Tbptt : public ignite::sdk::Plugin {
    void init(Host& host) override {
        time_steps_ = host.option_int("time_steps");
        if (time_steps_ < 1)
            throw std::invalid_argument("tbptt.time_steps=" + std::to_string(time_steps_) +
                                        " must be >= 1 (time steps per iteration)");
        const auto log_every = host.option_int("log_every");
        if (log_every < 0)
            throw std::invalid_argument("tbptt.log_every=" + std::to_string(log_every) +
                                        " is negative: use 0 to disable logging or N > 0 to log every N time steps");
        const auto trainer = host.engine("trainer");
        if (!trainer) throw std::runtime_error("tbptt needs a trainer engine, and this host runs none");

        // Both events count with the same attribute, as in Ignite's TBPTT event_to_attr;
        // the host creates it as int 0.
        started_ = host.register_event(*trainer, "TIME_ITERATION_STARTED", kAttr);
        completed_ = host.register_event(*trainer, "TIME_ITERATION_COMPLETED", kAttr);

        // The time steps stand in for the work Ignite's TBPTT does inside the process
        // function, which runs after every ITERATION_STARTED handler: hence the highest
        // priority, so other ITERATION_STARTED handlers (e.g. one that reshapes the
        // batch) run before the steps, as they would in Ignite.
        host.on(*trainer, ignite::sdk::on(IGNITE_EVENT_ITERATION_STARTED),
                [this, &host](Engine& e, const EventInfo&) {
                    for (std::int64_t t = 0; t < time_steps_; ++t) {
                        e.set_state(kAttr, e.state_int(kAttr) + 1);
                        host.fire(e, started_);
                        host.fire(e, completed_);
                    }
                },
                std::numeric_limits<std::int32_t>::max());

        if (log_every > 0)
            host.on(*trainer, ignite::sdk::on(completed_).every(log_every),
                    [&host](Engine& e, const EventInfo&) {
                        host.log(IGNITE_LOG_INFO, "time_iteration " + std::to_string(e.state_int(kAttr)));
                    },
                    0);
    }

    std::int64_t time_steps_ = 4;
    ignite_event started_ = 0;
    ignite_event completed_ = 0;
};

}  // namespace

IGNITE_SDK_PLUGIN(Tbptt, {"tbptt",
                          "1.0",
                          "Truncated BPTT time-step events (TIME_ITERATION_STARTED/COMPLETED) on the trainer",
                          {
                              {"time_steps", IGNITE_OPTION_INT, "4", "time steps per trainer iteration (>= 1)"},
                              {"log_every", IGNITE_OPTION_INT, "0",
                               "log \"time_iteration N\" every N time steps; 0 disables"},
                          },
                          {
                              {"TIME_ITERATION_STARTED", "time_iteration", "before each time step"},
                              {"TIME_ITERATION_COMPLETED", "time_iteration", "after each time step"},
                          },
                          nullptr})
