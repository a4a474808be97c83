#include "terminate_on_nan.hpp"

#include <ignite/core/handlers/terminate_on_nan.hpp>

#include <fmt/format.h>

#include <stdexcept>

namespace ignite::host {
namespace {

class TerminateOnNanComponent final : public Component {
public:
    explicit TerminateOnNanComponent(Training& training) : training_(training) {}

    void init(RunContext& run) override {
        auto* trainer = run.engine("trainer");
        if (trainer == nullptr)
            throw std::invalid_argument("terminate_on_nan watches the trainer, and this run has none");
        handler_ = std::make_shared<ignite::TerminateOnNan>();
        handler_->log = nullptr;  // the host's error line says it (train_run.cpp)
        const auto label = trainer->label_handlers(kTerminateOnNanName);
        trainer->add_event_handler(
            ignite::Events::ITERATION_COMPLETED, ignite::Priority::handlers, [this](ignite::Engine& e) {
                (*handler_)(e);
                if (const auto& f = handler_->found()) {
                    note_stop(training_.stop_note,
                              {kTerminateOnNanName,
                               fmt::format("the loss (the trainer's output{}) is {}", f->where, f->value), f->epoch,
                               f->iteration});
                }
            });
    }

private:
    Training& training_;
    std::shared_ptr<ignite::TerminateOnNan> handler_;
};

}  // namespace

ParticipantSpec terminate_on_nan_spec() {
    ParticipantSpec spec;
    spec.name = kTerminateOnNanName;
    spec.version = "1.0";
    spec.description =
        "Ignite's TerminateOnNan: stops a run whose loss is NaN or infinite (terminate reason bad_weights: exit 1, "
        "no checkpoint of those weights); loaded by default";
    spec.placement = Placement::every_rank;  // every rank stops at the same iteration
    spec.priority_band = ignite::Priority::handlers.value;
    spec.kind = ParticipantKind::component;
    return spec;
}

std::unique_ptr<Component> make_terminate_on_nan(Training& training, const TrainOptions&) {
    return std::make_unique<TerminateOnNanComponent>(training);
}

}  // namespace ignite::host
