#include "timer.hpp"

#include "../train_options.hpp"
#include "cli_common.hpp"

#include <ignite/core/engine.hpp>
#include <ignite/core/handlers/timer.hpp>

#include <limits>
#include <stdexcept>

namespace ignite::host {
namespace {

class TimerComponent final : public Component {
public:
    void init(RunContext& run) override {
        auto* trainer = run.engine("trainer");
        if (trainer == nullptr) throw std::runtime_error("timer times the trainer, and this run has none");
        const bool average = run.option<bool>("average");
        data_ = std::make_shared<ignite::Timer>(average);
        iter_ = std::make_shared<ignite::Timer>(average);
        const auto label = trainer->label_handlers(kTimerName);
        const ignite::Priority first{std::numeric_limits<int>::min()};
        const ignite::Priority last{std::numeric_limits<int>::max() - 1};
        // Ignite's attach(start=EPOCH_STARTED, resume, pause, step), with the priorities above,
        // and paused at the start: Ignite's reset() leaves a timer running, which would count the
        // epoch's first batch load in iter_time too (FBResearchLogger's timers do).
        for (const auto& timer : {data_, iter_}) {
            trainer->add_event_handler(ignite::Events::EPOCH_STARTED, ignite::Priority::handlers, [timer] {
                timer->reset();
                timer->pause();
            });
        }
        trainer->add_event_handler(ignite::Events::GET_BATCH_STARTED, last, [t = data_] { t->resume(); });
        trainer->add_event_handler(ignite::Events::GET_BATCH_COMPLETED, first, [t = data_] {
            t->pause();
            t->step();
        });
        trainer->add_event_handler(ignite::Events::ITERATION_STARTED, last, [t = iter_] { t->resume(); });
        trainer->add_event_handler(ignite::Events::ITERATION_COMPLETED, first, [t = iter_] {
            t->pause();
            t->step();
        });
        trainer->add_event_handler(ignite::Events::EPOCH_COMPLETED, ignite::Priority::handlers,
                                   [d = data_, i = iter_](ignite::Engine& e) {
                                       e.state.metrics.set("data_time", d->value());
                                       e.state.metrics.set("iter_time", i->value());
                                   });
    }

private:
    std::shared_ptr<ignite::Timer> data_, iter_;
};

}  // namespace

ParticipantSpec timer_spec() {
    ParticipantSpec spec;
    spec.name = kTimerName;
    spec.version = kVersion;
    spec.description =
        "Ignite's Timer on the trainer: data loading and processing time per iteration, as the trainer's metrics "
        "data_time and iter_time at each epoch end (metrics.jsonl, TensorBoard, CSV)";
    spec.options = {
        {.name = "average",
         .type = IGNITE_OPTION_BOOL,
         .default_value = "true",
         .help = "Ignite's Timer(average): true gives the mean per iteration, false the epoch's total, in seconds"},
    };
    spec.placement = Placement::every_rank;  // each rank's own loader and step; loggers on rank 0 write rank 0's
    spec.priority_band = ignite::Priority::handlers.value;
    spec.kind = ParticipantKind::component;
    return spec;
}

std::unique_ptr<Component> make_timer(Training&, const TrainOptions&) { return std::make_unique<TimerComponent>(); }

}  // namespace ignite::host
