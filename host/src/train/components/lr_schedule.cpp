#include "lr_schedule.hpp"

#include "../train_options.hpp"
#include "../training.hpp"
#include "plural.hpp"

#include <ignite/core/checkpoint_file.hpp>
#include <ignite/core/engine.hpp>
#include <ignite/core/errors.hpp>
#include <ignite/core/handlers/cosine_annealing.hpp>
#include <ignite/core/handlers/lr_scheduler.hpp>
#include <ignite/core/handlers/piecewise_linear_scheduler.hpp>

#include <torch/optim/sgd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <stdexcept>

namespace ignite::host {
namespace {

// The text of a double as the command line takes it back (shortest round trip).
std::string number(double v) { return fmt::format("{}", v); }

[[noreturn]] void bad(const std::string& key, const std::string& what) {
    throw std::invalid_argument(fmt::format("{}.{} {}", kLrScheduleName, key, what));
}

// A validated option's value (the spec declares it, so a missing one is the host's bug).
template <class T>
T option(const std::map<std::string, OptionValue>& options, const char* name) {
    const auto it = options.find(name);
    if (it == options.end()) throw std::logic_error(fmt::format("lr_schedule: option '{}' was not validated", name));
    return std::get<T>(it->second);
}

template <class T>
bool parse_number(std::string_view text, T& out) {
    if constexpr (std::is_same_v<T, double>) {
        try {
            std::size_t used = 0;
            out = std::stod(std::string(text), &used);
            return used == text.size() && std::isfinite(out);
        } catch (const std::exception&) {
            return false;
        }
    } else {
        const auto* end = text.data() + text.size();
        auto [p, ec] = std::from_chars(text.data(), end, out);
        return ec == std::errc() && p == end;
    }
}

std::vector<std::string> split(const std::string& text, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const auto at = text.find(sep, start);
        out.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
        if (at == std::string::npos) return out;
        start = at + 1;
    }
}

// "0:0.1,100:0.01": Ignite's milestones_values as the command line gives them.
std::vector<std::pair<std::int64_t, double>> parse_milestones_values(const std::string& text) {
    std::vector<std::pair<std::int64_t, double>> out;
    if (text.empty()) return out;
    for (const auto& item : split(text, ',')) {
        const auto colon = item.find(':');
        std::pair<std::int64_t, double> mv;
        if (colon == std::string::npos || !parse_number(std::string_view(item).substr(0, colon), mv.first) ||
            !parse_number(std::string_view(item).substr(colon + 1), mv.second)) {
            bad("milestones_values", fmt::format("'{}': give milestone:value pairs (integer milestones, increasing), "
                                                 "e.g. 0:0.1,100:0.01",
                                                 text));
        }
        if (!out.empty() && mv.first < out.back().first)
            bad("milestones_values", fmt::format("'{}': the milestones must not decrease", text));
        if (mv.first < 0) bad("milestones_values", fmt::format("'{}': milestones are events from 0", text));
        out.push_back(mv);
    }
    return out;
}

std::vector<std::int64_t> parse_milestones(const std::string& text) {
    std::vector<std::int64_t> out;
    if (text.empty()) return out;
    for (const auto& item : split(text, ',')) {
        std::int64_t m = 0;
        if (!parse_number(std::string_view(item), m) || m < 1 || (!out.empty() && m < out.back()))
            bad("milestones", fmt::format("'{}': give increasing events >= 1, e.g. 30,80", text));
        out.push_back(m);
    }
    return out;
}

const std::set<std::string> kCyclical = {"cosine", "linear_cyclical"};
const std::set<std::string> kTorchStyle = {"exponential", "step", "multistep", "plateau"};

}  // namespace

std::int64_t LrScheduleRun::iterations() const noexcept { return std::max<std::int64_t>(epochs * epoch_length, 2); }

ParticipantSpec lr_schedule_spec() {
    ParticipantSpec spec;
    spec.name = kLrScheduleName;
    spec.version = "1.0";
    spec.description =
        "Ignite's CosineAnnealingScheduler (the default) or another of its parameter schedulers (scheduler=) on the "
        "trainer's optimizer, per iteration (--lr-schedule cosine, the default)";
    auto real = [](const char* name, const char* def, const char* help) {
        return OptionSchema{.name = name, .type = IGNITE_OPTION_DOUBLE, .default_value = def, .help = help};
    };
    auto integer = [](const char* name, const char* def, double min, const char* help) {
        return OptionSchema{.name = name,
                            .type = IGNITE_OPTION_INT,
                            .default_value = def,
                            .help = help,
                            .flags = IGNITE_OPTION_HAS_MIN,
                            .min = min};
    };
    auto text = [](const char* name, const char* def, const char* help, std::vector<std::string> choices = {}) {
        return OptionSchema{
            .name = name, .type = IGNITE_OPTION_STRING, .default_value = def, .help = help, .choices = std::move(choices)};
    };
    spec.options = {
        text("scheduler", "cosine",
             "Ignite's scheduler: cosine (CosineAnnealingScheduler), linear_cyclical (LinearCyclicalScheduler), "
             "piecewise_linear (PiecewiseLinear), exponential / step / multistep (torch's ExponentialLR / StepLR / "
             "MultiStepLR in Ignite's LRScheduler), plateau (ReduceLROnPlateauScheduler on the evaluator's metric)",
             {"cosine", "linear_cyclical", "piecewise_linear", "exponential", "step", "multistep", "plateau"}),
        real("start_value", number(kDefaultLr).c_str(),
             "cosine, linear_cyclical: the value at the start of each cycle; default: the run's --lr"),
        real("end_value", "0", "cosine, linear_cyclical: the value at the end (linear_cyclical: the middle) of each cycle"),
        integer("cycle_size", "0", 0,
                "cosine, linear_cyclical: iterations per cycle (>= 2), after which the schedule restarts at "
                "start_value; 0: the run's iterations (--epochs x iterations per epoch), one decay over the whole run"),
        real("cycle_mult", "1", "cosine, linear_cyclical: each cycle is cycle_mult times as long as the previous (> 0)"),
        real("start_value_mult", "1", "cosine, linear_cyclical: start_value is multiplied by it after each cycle"),
        real("end_value_mult", "1", "cosine, linear_cyclical: end_value is multiplied by it after each cycle"),
        integer("cycle_warmup_duration", "0", 0,
                "cosine, linear_cyclical: Ignite's CyclicalScheduler warmup_duration, events ramping from end_value "
                "back to start_value after each cycle (linear_cyclical: needs monotonic=true)"),
        OptionSchema{.name = "monotonic",
                     .type = IGNITE_OPTION_BOOL,
                     .default_value = "false",
                     .help = "linear_cyclical: start -> end over the cycle instead of start -> end -> start"},
        text("milestones_values", "",
             "piecewise_linear: event:value pairs, linear in between, e.g. 0:0.1,100:0.01 (the first value before, "
             "the last after)"),
        real("gamma", "0.1", "exponential, step, multistep: the factor (exponential: per iteration, e.g. 0.999)"),
        integer("step_size", "1", 1, "step: iterations between two multiplications by gamma"),
        text("milestones", "", "multistep: iterations at which the lr is multiplied by gamma, e.g. 300,800"),
        text("metric_name", "loss", "plateau: the evaluator's metric it watches"),
        text("mode", "min", "plateau: min (the metric should fall) or max", {"min", "max"}),
        real("factor", "0.1", "plateau: new lr = lr x factor (< 1)"),
        integer("patience", "10", 0, "plateau: evaluations without improvement before reducing"),
        OptionSchema{.name = "threshold",
                     .type = IGNITE_OPTION_DOUBLE,
                     .default_value = "0.0001",
                     .help = "plateau: the least change that counts as an improvement",
                     .flags = IGNITE_OPTION_HAS_MIN,
                     .min = 0},
        text("threshold_mode", "rel", "plateau: rel or abs", {"rel", "abs"}),
        integer("cooldown", "0", 0, "plateau: evaluations to wait after a reduction"),
        OptionSchema{.name = "min_lr",
                     .type = IGNITE_OPTION_DOUBLE,
                     .default_value = "0",
                     .help = "plateau: the lowest lr",
                     .flags = IGNITE_OPTION_HAS_MIN,
                     .min = 0},
        real("warmup_start_value", "0", "the value a warm-up starts at (with warmup_duration)"),
        integer("warmup_duration", "0", 0,
                "Ignite's create_lr_scheduler_with_warmup: iterations of linear warm-up (>= 2) before the scheduler; "
                "0: none"),
        text("warmup_end_value", "",
             "the value the warm-up ends at; default (empty): the optimizer's value, the run's --lr"),
        text("param_name", "lr", "the optimizer's parameter it schedules (momentum: SGD, RMSprop)",
             {"lr", "momentum", "weight_decay"}),
        integer("param_group_index", "-1", -1, "the parameter group it schedules; -1: every group"),
    };
    spec.state_key = kLrSchedulerKey;
    spec.placement = Placement::every_rank;  // every rank's optimizer steps with the same rate
    spec.priority_band = ignite::Priority::handlers.value;
    spec.kind = ParticipantKind::component;
    return spec;
}

LrScheduleSettings LrScheduleSettings::from(const std::map<std::string, OptionValue>& options) {
    LrScheduleSettings s;
    s.scheduler = option<std::string>(options, "scheduler");
    s.start_value = option<double>(options, "start_value");
    s.end_value = option<double>(options, "end_value");
    s.cycle_size = option<std::int64_t>(options, "cycle_size");
    s.cycle_mult = option<double>(options, "cycle_mult");
    s.start_value_mult = option<double>(options, "start_value_mult");
    s.end_value_mult = option<double>(options, "end_value_mult");
    s.cycle_warmup_duration = option<std::int64_t>(options, "cycle_warmup_duration");
    s.monotonic = option<bool>(options, "monotonic");
    s.milestones_values = parse_milestones_values(option<std::string>(options, "milestones_values"));
    s.gamma = option<double>(options, "gamma");
    s.step_size = option<std::int64_t>(options, "step_size");
    s.milestones = parse_milestones(option<std::string>(options, "milestones"));
    s.metric_name = option<std::string>(options, "metric_name");
    s.plateau.mode = option<std::string>(options, "mode");
    s.plateau.factor = option<double>(options, "factor");
    s.plateau.patience = option<std::int64_t>(options, "patience");
    s.plateau.threshold = option<double>(options, "threshold");
    s.plateau.threshold_mode = option<std::string>(options, "threshold_mode");
    s.plateau.cooldown = option<std::int64_t>(options, "cooldown");
    s.plateau.min_lr = option<double>(options, "min_lr");
    s.warmup_start_value = option<double>(options, "warmup_start_value");
    s.warmup_duration = option<std::int64_t>(options, "warmup_duration");
    const auto end = option<std::string>(options, "warmup_end_value");
    if (!end.empty()) {
        double v = 0;
        if (!parse_number(std::string_view(end), v)) bad("warmup_end_value", fmt::format("'{}' is not a number", end));
        s.warmup_end_value = v;
    }
    s.param_name = option<std::string>(options, "param_name");
    const auto group = option<std::int64_t>(options, "param_group_index");
    if (group >= 0) s.param_group_index = group;

    // What the schema cannot say.
    const bool cyclical = kCyclical.count(s.scheduler) > 0;
    if (cyclical && s.cycle_size == 1) {
        bad("cycle_size", fmt::format("1: a {} cycle needs at least 2 iterations (Ignite's {}); give cycle_size >= 2, "
                                      "or 0 for the run's iterations",
                                      s.scheduler == "cosine" ? "cosine" : "linear cyclical",
                                      s.scheduler == "cosine" ? "CosineAnnealingScheduler" : "LinearCyclicalScheduler"));
    }
    if (!(s.cycle_mult > 0)) bad("cycle_mult", fmt::format("{}: must be > 0", number(s.cycle_mult)));
    if (s.scheduler == "linear_cyclical" && s.cycle_warmup_duration > 0 && !s.monotonic)
        bad("cycle_warmup_duration", "> 0 needs monotonic=true (Ignite's LinearCyclicalScheduler)");
    if (s.scheduler == "piecewise_linear" && s.milestones_values.empty())
        bad("milestones_values", "is required by scheduler=piecewise_linear, e.g. 0:0.1,100:0.01");
    if (s.scheduler == "multistep" && s.milestones.empty())
        bad("milestones", "is required by scheduler=multistep, e.g. 300,800");
    if (s.plateau.factor >= 1.0 || !(s.plateau.factor > 0))
        bad("factor", fmt::format("{}: must be in (0, 1) (torch's ReduceLROnPlateau)", number(s.plateau.factor)));
    if (kTorchStyle.count(s.scheduler) && s.param_name != "lr") {
        bad("param_name", fmt::format("{}: scheduler={} schedules lr only (Ignite's {})", s.param_name, s.scheduler,
                                      s.scheduler == "plateau" ? "ReduceLROnPlateauScheduler" : "LRScheduler"));
    }
    if (s.warmup_duration == 1)
        bad("warmup_duration", "1: a warm-up needs at least 2 iterations (Ignite's create_lr_scheduler_with_warmup); "
                               "give 0 (none) or >= 2");
    if (s.scheduler == "plateau" && s.warmup_duration > 0)
        bad("warmup_duration", "is not available with scheduler=plateau, which runs on the evaluator");
    if (s.scheduler == "plateau" && s.param_group_index)
        bad("param_group_index", "is not available with scheduler=plateau: it reduces every group");
    if (kTorchStyle.count(s.scheduler) && s.scheduler != "plateau" && s.param_group_index)
        bad("param_group_index", fmt::format("is not available with scheduler={}: torch's scheduler sets every group",
                                             s.scheduler));
    return s;
}

BuiltSchedule build_schedule(torch::optim::Optimizer& optimizer, const LrScheduleSettings& s, std::int64_t iterations,
                             ignite::Engine* trainer) {
    const auto groups = static_cast<std::int64_t>(optimizer.param_groups().size());
    if (s.param_group_index && *s.param_group_index >= groups) {
        bad("param_group_index", fmt::format("{}: the optimizer has {} (0..{}, or -1 for every group)",
                                             *s.param_group_index, count_of(groups, "parameter group"), groups - 1));
    }
    BuiltSchedule out;
    try {
        std::shared_ptr<ignite::ParamScheduler> base;
        const auto cycle = s.cycle_size == 0 ? std::max<std::int64_t>(iterations, 2) : s.cycle_size;
        if (s.scheduler == "cosine") {
            base = std::make_shared<ignite::CosineAnnealingScheduler>(
                optimizer, s.param_name, s.start_value, s.end_value, cycle, s.cycle_mult, s.start_value_mult,
                s.end_value_mult, s.cycle_warmup_duration, false, s.param_group_index);
        } else if (s.scheduler == "linear_cyclical") {
            base = std::make_shared<ignite::LinearCyclicalScheduler>(
                optimizer, s.param_name, s.start_value, s.end_value, cycle, s.cycle_mult, s.start_value_mult,
                s.end_value_mult, s.cycle_warmup_duration, false, s.param_group_index, s.monotonic);
        } else if (s.scheduler == "piecewise_linear") {
            base = std::make_shared<ignite::PiecewiseLinear>(optimizer, s.param_name, s.milestones_values, false,
                                                             s.param_group_index);
        } else if (s.scheduler == "exponential") {
            base = ignite::LRScheduler::exponential(optimizer, s.gamma);
        } else if (s.scheduler == "step") {
            base = ignite::LRScheduler::step(optimizer, s.step_size, s.gamma);
        } else if (s.scheduler == "multistep") {
            base = ignite::LRScheduler::multistep(optimizer, s.milestones, s.gamma);
        } else if (s.scheduler == "plateau") {
            out.plateau = std::make_shared<ignite::ReduceLROnPlateauScheduler>(optimizer, s.metric_name, trainer, false,
                                                                               std::nullopt, s.plateau);
            return out;
        } else {
            bad("scheduler", fmt::format("'{}' is not a scheduler", s.scheduler));
        }
        if (s.warmup_duration > 0) {
            out.per_event = ignite::create_lr_scheduler_with_warmup(base, s.warmup_start_value, s.warmup_duration,
                                                                    s.warmup_end_value);
        } else {
            out.per_event = base;
        }
    } catch (const ignite::ValueError& e) {
        const std::string what = e.what();
        if (what.starts_with("param_name")) throw std::invalid_argument(fmt::format("{}.{}", kLrScheduleName, what));
        throw std::invalid_argument(fmt::format("{}: {}", kLrScheduleName, what));
    }
    return out;
}

void LrSchedule::init(RunContext& run) {
    auto* trainer = run.engine("trainer");
    auto* optimizer = run.optimizer("trainer");
    if (trainer == nullptr || optimizer == nullptr)
        throw std::runtime_error("lr_schedule schedules the trainer's optimizer, and this run has none");
    start(*trainer, run.engine("evaluator"), *optimizer, LrScheduleSettings::from(run.options()));
}

void LrSchedule::start(ignite::Engine& trainer, ignite::Engine* evaluator, torch::optim::Optimizer& optimizer,
                       const LrScheduleSettings& settings) {
    settings_ = settings;
    schedule_ = build_schedule(optimizer, settings, run_.iterations(), &trainer);
    if (schedule_.plateau) {
        if (evaluator == nullptr) {
            bad("scheduler", "plateau watches the evaluator's metric, and this run has no evaluator; run it with "
                             "--eval-every >= 1");
        }
        const auto label = evaluator->label_handlers(kLrScheduleName);
        // The evaluator's metrics are known only once it ran: a name it lacks fails the run
        // at the first evaluation, naming the option and the metrics there are.
        evaluator->add_event_handler(
            ignite::Events::COMPLETED, ignite::Priority::handlers,
            [s = schedule_.plateau, name = settings.metric_name](ignite::Engine& e) {
                if (!e.state.metrics.contains(name)) {
                    throw std::invalid_argument(fmt::format("{}.metric_name '{}': the evaluator has no such metric "
                                                            "(it has: {})",
                                                            kLrScheduleName, name, fmt::join(e.state.metrics.keys(), ", ")));
                }
                (*s)(&e);
            });
        return;
    }
    const auto label = trainer.label_handlers(kLrScheduleName);
    // attach()'s #2441/#2462 fix, in the handlers band: the optimizer holds the schedule's
    // value from now on and again at STARTED, after a resume loaded the state.
    schedule_.per_event->apply_next();
    trainer.add_event_handler(ignite::Events::STARTED, ignite::Priority::handlers,
                              [s = schedule_.per_event] { s->apply_next(); });
    trainer.add_event_handler(ignite::Events::ITERATION_STARTED, ignite::Priority::handlers,
                              [s = schedule_.per_event](ignite::Engine& e) { (*s)(&e); });
}

std::optional<c10::IValue> LrSchedule::save_state() {
    if (!schedule_.per_event && !schedule_.plateau) return std::nullopt;
    return c10::IValue(schedule_.scheduler().state_dict().to_torch());
}

void LrSchedule::load_state(const c10::IValue& state) {
    if (!schedule_.per_event && !schedule_.plateau) throw std::logic_error("lr_schedule: load_state before init");
    check_resume(run_, settings_, &state);
    schedule_.scheduler().load_state_dict(checkpoint::to_dict(state, kLrSchedulerKey));
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
