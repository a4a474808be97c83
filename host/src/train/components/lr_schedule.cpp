#include "lr_schedule.hpp"

#include "../train_options.hpp"
#include "../training.hpp"
#include "plural.hpp"

#include <ignite/core/checkpoint_file.hpp>
#include <ignite/core/engine.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace ignite::host {
namespace {

// The text of a double as the command line takes it back (shortest round trip).
std::string number(double v) { return fmt::format("{}", v); }

// One refusal of a file that holds another scheduler (or none of Ignite's): the run can
// only continue without a schedule.
[[noreturn]] void not_a_cosine_state(const std::string& why) {
    throw std::invalid_argument(
        fmt::format("the checkpoint's '{}' is not Ignite's CosineAnnealingScheduler state_dict ({}); resume with "
                    "--lr-schedule constant to continue at the checkpoint optimizer's learning rate",
                    kLrSchedulerKey, why));
}

// A number of the saved state: `key` must hold an int (or, with `real`, an int or a float).
double saved_number(const c10::impl::GenericDict& d, const char* key, bool real) {
    if (!d.contains(key)) not_a_cosine_state(fmt::format("it has no '{}'", key));
    const auto v = d.at(key);
    if (v.isInt()) return static_cast<double>(v.toInt());
    if (real && v.isDouble()) return v.toDouble();
    not_a_cosine_state(fmt::format("its '{}' is not {}", key, real ? "a number" : "an int"));
}

// Ignite's CyclicalScheduler arguments this schedule keeps at their defaults: a state that
// used others anneals another curve.
void check_fixed_arguments(const c10::impl::GenericDict& d) {
    if (d.contains("param_name")) {
        const auto v = d.at("param_name");
        if (!v.isString() || v.toStringRef() != "lr")
            not_a_cosine_state("it schedules another parameter than the learning rate, lr");
    }
    for (const char* key : {"cycle_mult", "start_value_mult", "end_value_mult"}) {
        if (d.contains(key) && saved_number(d, key, true) != 1.0) {
            not_a_cosine_state(fmt::format("its {} is {}; lr_schedule anneals with {} 1 only", key,
                                           number(saved_number(d, key, true)), key));
        }
    }
    if (d.contains("warmup_duration") && saved_number(d, "warmup_duration", false) != 0)
        not_a_cosine_state("it has a warmup_duration; lr_schedule anneals without warm-up");
}

// A validated option's value (the spec declares it, so a missing one is the host's bug).
template <class T>
T option(const std::map<std::string, OptionValue>& options, const char* name) {
    const auto it = options.find(name);
    if (it == options.end()) throw std::logic_error(fmt::format("lr_schedule: option '{}' was not validated", name));
    return std::get<T>(it->second);
}

}  // namespace

std::int64_t LrScheduleRun::iterations() const noexcept { return std::max<std::int64_t>(epochs * epoch_length, 2); }

ParticipantSpec lr_schedule_spec() {
    ParticipantSpec spec;
    spec.name = kLrScheduleName;
    spec.version = "1.0";
    spec.description =
        "Ignite's CosineAnnealingScheduler on the trainer's learning rate, per iteration (--lr-schedule cosine, the "
        "default)";
    spec.options = {
        {.name = "start_value",
         .type = IGNITE_OPTION_DOUBLE,
         .default_value = number(kDefaultLr),
         .help = "the learning rate at the start of each cycle; default: the run's --lr"},
        {.name = "end_value",
         .type = IGNITE_OPTION_DOUBLE,
         .default_value = "0",
         .help = "the learning rate at the end of each cycle"},
        {.name = "cycle_size",
         .type = IGNITE_OPTION_INT,
         .default_value = "0",
         .help = "iterations per cycle (>= 2), after which the schedule restarts at start_value; 0: the run's "
                 "iterations (--epochs x iterations per epoch), one decay over the whole run",
         .flags = IGNITE_OPTION_HAS_MIN,
         .min = 0},
        {.name = "param_name",
         .type = IGNITE_OPTION_STRING,
         .default_value = "lr",
         .help = "the optimizer's parameter it schedules (LibTorch's optimizers share only lr)",
         .choices = {"lr"}},
    };
    spec.state_key = kLrSchedulerKey;
    spec.placement = Placement::every_rank;  // every rank's optimizer steps with the same rate
    spec.priority_band = ignite::Priority::handlers.value;
    spec.kind = ParticipantKind::component;
    return spec;
}

LrScheduleSettings LrScheduleSettings::from(const std::map<std::string, OptionValue>& options) {
    LrScheduleSettings s;
    s.start_value = option<double>(options, "start_value");
    s.end_value = option<double>(options, "end_value");
    s.cycle_size = option<std::int64_t>(options, "cycle_size");
    return s;
}

void LrSchedule::init(RunContext& run) {
    auto* trainer = run.engine("trainer");
    auto* optimizer = run.optimizer("trainer");
    if (trainer == nullptr || optimizer == nullptr)
        throw std::runtime_error("lr_schedule schedules the trainer's optimizer, and this run has none");
    start(*trainer, *optimizer, LrScheduleSettings::from(run.options()));
}

void LrSchedule::start(ignite::Engine& trainer, torch::optim::Optimizer& optimizer,
                       const LrScheduleSettings& settings) {
    if (settings.cycle_size == 1) {
        throw std::invalid_argument(
            "lr_schedule.cycle_size 1: a cosine cycle needs at least 2 iterations (Ignite's "
            "CosineAnnealingScheduler); give cycle_size >= 2, or 0 for the run's iterations");
    }
    settings_ = settings;
    const auto cycle = settings.cycle_size == 0 ? run_.iterations() : settings.cycle_size;
    scheduler_ =
        std::make_shared<ignite::CosineAnnealingScheduler>(optimizer, settings.start_value, settings.end_value, cycle);
    const auto label = trainer.label_handlers(kLrScheduleName);
    trainer.add_event_handler(ignite::Events::ITERATION_STARTED, ignite::Priority::handlers,
                              [s = scheduler_] { (*s)(); });
}

std::optional<c10::IValue> LrSchedule::save_state() {
    if (!scheduler_) return std::nullopt;
    // Ignite 0.5's CosineAnnealingScheduler._state_attrs, in its order: its load_state_dict
    // requires every one. The arguments this schedule keeps at Ignite's defaults are written
    // as those defaults.
    const auto core = scheduler_->state_dict();
    c10::impl::GenericDict d(c10::StringType::get(), c10::AnyType::get());
    d.insert("event_index", core.at("event_index"));
    d.insert("param_name", std::string("lr"));
    d.insert("save_history", false);
    d.insert("param_group_index", c10::IValue());
    d.insert("start_value", core.at("start_value"));
    d.insert("end_value", core.at("end_value"));
    d.insert("cycle_size", core.at("cycle_size"));
    d.insert("cycle_mult", 1.0);
    d.insert("cycle", core.at("cycle"));
    d.insert("start_value_mult", 1.0);
    d.insert("end_value_mult", 1.0);
    d.insert("warmup_duration", std::int64_t{0});
    d.insert("total_cycle_size", core.at("cycle_size"));
    return c10::IValue(d);
}

void LrSchedule::check_resume(const LrScheduleRun& run, const LrScheduleSettings& settings, const c10::IValue* state) {
    if (state == nullptr) {
        throw std::invalid_argument(
            fmt::format("the checkpoint has no '{}' entry, so lr_schedule (--lr-schedule cosine, the default) would "
                        "restart its schedule mid-run; resume with --lr-schedule constant (the learning rate "
                        "continues from the checkpoint's optimizer)",
                        kLrSchedulerKey));
    }
    if (!state->isGenericDict()) not_a_cosine_state("it is not a dict");
    const auto d = state->toGenericDict();
    saved_number(d, "event_index", false);
    saved_number(d, "cycle", false);
    const auto cycle_size = static_cast<std::int64_t>(saved_number(d, "cycle_size", false));
    const auto start_value = saved_number(d, "start_value", true);
    const auto end_value = saved_number(d, "end_value", true);
    check_fixed_arguments(d);
    // Ignite's load_state_dict would take the file's cycle over this run's: refuse a change
    // instead, naming what gives the checkpoint's value back.
    const bool run_cycle = settings.cycle_size == 0;
    const auto cycle = run_cycle ? run.iterations() : settings.cycle_size;
    if (cycle_size != cycle) {
        const bool by_epochs = run_cycle && run.epoch_length > 0 && cycle_size % run.epoch_length == 0;
        throw std::invalid_argument(fmt::format(
            "the checkpoint's learning-rate schedule anneals over {} but this run's over {} ({}); {}",
            count_of(cycle_size, "iteration"), cycle,
            run_cycle ? fmt::format("--epochs {} x {} per epoch", run.epochs, count_of(run.epoch_length, "iteration"))
                      : std::string("lr_schedule.cycle_size"),
            by_epochs ? fmt::format("resume with the checkpointed run's --epochs {} (or keep its cycle, restarting "
                                    "after it, with --plugin-opt lr_schedule.cycle_size={})",
                                    cycle_size / run.epoch_length, cycle_size)
                      : fmt::format("resume with --plugin-opt lr_schedule.cycle_size={}", cycle_size)));
    }
    if (start_value != settings.start_value) {
        const bool by_lr = settings.start_value == run.lr;
        throw std::invalid_argument(fmt::format(
            "the checkpoint's learning-rate schedule starts at {} but this run's at {} ({}); resume with {}",
            number(start_value), number(settings.start_value), by_lr ? "--lr" : "lr_schedule.start_value",
            by_lr ? "--lr " + number(start_value) : "--plugin-opt lr_schedule.start_value=" + number(start_value)));
    }
    if (end_value != settings.end_value) {
        throw std::invalid_argument(
            fmt::format("the checkpoint's learning-rate schedule ends at {} but this run's at {} "
                        "(lr_schedule.end_value); resume with --plugin-opt lr_schedule.end_value={}",
                        number(end_value), number(settings.end_value), number(end_value)));
    }
}

void LrSchedule::load_state(const c10::IValue& state) {
    if (!scheduler_) throw std::logic_error("lr_schedule: load_state before init");
    check_resume(run_, settings_, &state);
    scheduler_->load_state_dict(checkpoint::to_dict(state, kLrSchedulerKey));
}

void LrSchedule::load_state_missing() { check_resume(run_, settings_, nullptr); }

LrScheduleRun lr_schedule_run(const Training& training, const TrainOptions& options) {
    return {options.lr, options.epochs, training.train_loader->size().value_or(1)};
}

std::unique_ptr<Component> make_lr_schedule(Training& training, const TrainOptions& options) {
    return std::make_unique<LrSchedule>(lr_schedule_run(training, options));
}

std::vector<std::pair<std::string, std::string>> lr_schedule_run_options(const TrainOptions& options) {
    return {{"start_value", number(options.lr)}};
}

}  // namespace ignite::host
