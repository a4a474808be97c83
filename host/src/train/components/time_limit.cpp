#include "time_limit.hpp"

#include <ignite/core/checkpoint_file.hpp>
#include <ignite/core/errors.hpp>
#include <ignite/core/handlers/time_limit.hpp>

#include <fmt/format.h>

#include <stdexcept>

namespace ignite::host {
namespace {

class TimeLimitComponent final : public Component {
public:
    explicit TimeLimitComponent(Training& training) : training_(training) {}

    void init(RunContext& run) override {
        auto* trainer = run.engine("trainer");
        if (trainer == nullptr) throw std::invalid_argument("time_limit stops the trainer, and this run has none");
        handler_ = std::make_shared<ignite::TimeLimit>(run.option<std::int64_t>("limit_sec"));
        handler_->log = nullptr;  // the summary line says it
        const auto label = trainer->label_handlers(kTimeLimitName);
        trainer->add_event_handler(
            ignite::Events::ITERATION_COMPLETED, ignite::Priority::handlers, [this](ignite::Engine& e) {
                (*handler_)(e);
                if (handler_->stopped()) {
                    note_stop(training_.stop_note, {kTimeLimitName,
                                                    fmt::format("its limit of {} s was used up ({:.1f} s, across "
                                                                "restarts)",
                                                                handler_->limit_sec(), handler_->elapsed()),
                                                    e.state.epoch, e.state.iteration});
                }
            });
    }

    std::optional<c10::IValue> save_state() override {
        if (!handler_) return std::nullopt;
        c10::impl::GenericDict d(c10::StringType::get(), c10::AnyType::get());
        for (const auto& [key, value] : handler_->state_dict()) d.insert(key, value);
        return c10::IValue(d);
    }

    void load_state(const c10::IValue& state) override {
        if (!handler_) throw std::logic_error("time_limit: load_state before init");
        try {
            handler_->load_state_dict(ignite::checkpoint::to_dict(state, kTimeLimitName));
        } catch (const ignite::Error& e) {
            throw std::invalid_argument(fmt::format("the checkpoint's time_limit state: {}", e.what()));
        }
    }

private:
    Training& training_;
    std::shared_ptr<ignite::TimeLimit> handler_;
};

}  // namespace

ParticipantSpec time_limit_spec() {
    ParticipantSpec spec;
    spec.name = kTimeLimitName;
    spec.version = "1.0";
    spec.description =
        "Ignite's TimeLimit: stops the trainer after limit_sec seconds, counted across --resume (the seconds used "
        "are checkpointed)";
    spec.options = {
        {.name = "limit_sec",
         .type = IGNITE_OPTION_INT,
         .default_value = "28800",
         .help = "seconds the run may use in all, resumed runs included (Ignite's default: 8 hours)",
         .flags = IGNITE_OPTION_HAS_MIN,
         .min = 1},
    };
    spec.state_key = kTimeLimitName;
    spec.placement = Placement::every_rank;  // every rank stops at the same iteration
    spec.priority_band = ignite::Priority::handlers.value;
    spec.kind = ParticipantKind::component;
    return spec;
}

std::unique_ptr<Component> make_time_limit(Training& training, const TrainOptions&) {
    return std::make_unique<TimeLimitComponent>(training);
}

}  // namespace ignite::host
