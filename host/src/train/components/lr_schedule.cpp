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

// ---- the resume comparison -----------------------------------------------------------------

// Keys that say where the schedule is, not which schedule it is.
bool progress_key(const std::string& key) {
    static const std::set<std::string> keys = {"event_index", "cycle", "_index", "_current_duration",
                                               "_scheduler_index", "last_epoch", "_last_lr", "best",
                                               "cooldown_counter", "num_bad_epochs", "save_history", "_step_count",
                                               "_is_initial", "_get_lr_called_within_step"};
    return keys.count(key) > 0;
}

std::string show(const c10::IValue& v) {
    if (v.isNone()) return "None";
    if (v.isDouble()) return number(v.toDouble());
    if (v.isInt()) return std::to_string(v.toInt());
    if (v.isBool()) return v.toBool() ? "True" : "False";
    if (v.isString()) return v.toStringRef();
    if (v.isList() || v.isTuple()) {
        std::vector<std::string> parts;
        for (const auto& x : v.isList() ? v.toList().vec() : v.toTupleRef().elements().vec()) parts.push_back(show(x));
        return "[" + fmt::format("{}", fmt::join(parts, ", ")) + "]";
    }
    return "a " + std::string(v.tagKind());
}

bool same_value(const c10::IValue& a, const c10::IValue& b) {
    if ((a.isInt() || a.isDouble()) && (b.isInt() || b.isDouble())) return a.toScalar().toDouble() == b.toScalar().toDouble();
    if (a.isString() && b.isString()) return a.toStringRef() == b.toStringRef();
    if (a.isBool() && b.isBool()) return a.toBool() == b.toBool();
    if (a.isNone() || b.isNone()) return a.isNone() && b.isNone();
    return false;
}

// The first place where `saved` is not the schedule `expected` is (its configuration; where
// it is is free): "" when it is.
std::string first_difference(const c10::IValue& expected, const c10::IValue& saved, const std::string& path,
                             bool cycles_change) {
    if (expected.isGenericDict()) {
        if (!saved.isGenericDict()) return fmt::format("its '{}' is not a dict", path);
        const auto e = expected.toGenericDict();
        const auto s = saved.toGenericDict();
        // Cyclical values that change from cycle to cycle with the mults are where, not which.
        bool changes = cycles_change;
        if (e.contains("cycle_mult")) {
            changes = !same_value(e.at("cycle_mult"), c10::IValue(1.0)) ||
                      !same_value(e.at("start_value_mult"), c10::IValue(1.0)) ||
                      !same_value(e.at("end_value_mult"), c10::IValue(1.0));
        }
        for (const auto& item : e) {
            const auto key = item.key().toStringRef();
            const auto sub = path.empty() ? key : path + "." + key;
            if (!s.contains(key)) return fmt::format("it has no '{}'", sub);
            if (progress_key(key)) continue;
            if (changes && (key == "start_value" || key == "end_value" || key == "cycle_size" ||
                            key == "warmup_duration" || key == "total_cycle_size"))
                continue;
            auto d = first_difference(item.value(), s.at(key), sub, changes);
            if (!d.empty()) return d;
        }
        return "";
    }
    if (expected.isList() || expected.isTuple()) {
        if (!saved.isList() && !saved.isTuple()) return fmt::format("its '{}' is not a list", path);
        const auto e = expected.isList() ? expected.toList().vec() : expected.toTupleRef().elements().vec();
        const auto s = saved.isList() ? saved.toList().vec() : saved.toTupleRef().elements().vec();
        const bool nested = std::any_of(e.begin(), e.end(), [](const c10::IValue& v) {
            return v.isGenericDict() || v.isList() || v.isTuple();
        });
        if (nested) {
            // Lists of state_dicts (concat, param group): element by element.
            if (e.size() != s.size())
                return fmt::format("its '{}' has {} entries, this run's {}", path, s.size(), e.size());
            for (std::size_t i = 0; i < e.size(); ++i) {
                auto d = first_difference(e[i], s[i], fmt::format("{}[{}]", path, i), cycles_change);
                if (!d.empty()) return d;
            }
            return "";
        }
        bool equal = e.size() == s.size();
        for (std::size_t i = 0; equal && i < e.size(); ++i) equal = same_value(e[i], s[i]);
        if (!equal) return fmt::format("its {} is {} but this run's is {}", path, show(saved), show(expected));
        return "";
    }
    if (!same_value(expected, saved)) return fmt::format("its {} is {} but this run's is {}", path, show(saved), show(expected));
    return "";
}

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
        evaluator->add_event_handler(ignite::Events::COMPLETED, ignite::Priority::handlers,
                                     [s = schedule_.plateau](ignite::Engine& e) { (*s)(&e); });
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

void LrSchedule::check_resume(const LrScheduleRun& run, const LrScheduleSettings& settings, const c10::IValue* state) {
    if (state == nullptr) {
        throw std::invalid_argument(
            fmt::format("the checkpoint has no '{}' entry, so lr_schedule (--lr-schedule cosine, the default) would "
                        "restart its schedule mid-run; resume with --lr-schedule constant (the learning rate "
                        "continues from the checkpoint's optimizer)",
                        kLrSchedulerKey));
    }
    const bool plain_cosine = settings.scheduler == "cosine" && settings.warmup_duration == 0 &&
                              settings.cycle_mult == 1 && settings.start_value_mult == 1 &&
                              settings.end_value_mult == 1 && settings.cycle_warmup_duration == 0;
    if (plain_cosine) {
        // The default schedule's checks, with the messages that name the flag to change.
        if (!state->isGenericDict()) not_a_cosine_state("it is not a dict");
        const auto d = state->toGenericDict();
        saved_number(d, "event_index", false);
        saved_number(d, "cycle", false);
        const auto cycle_size = static_cast<std::int64_t>(saved_number(d, "cycle_size", false));
        const auto start_value = saved_number(d, "start_value", true);
        const auto end_value = saved_number(d, "end_value", true);
        const bool run_cycle = settings.cycle_size == 0;
        const auto cycle = run_cycle ? run.iterations() : settings.cycle_size;
        if (cycle_size != cycle) {
            const bool by_epochs = run_cycle && run.epoch_length > 0 && cycle_size % run.epoch_length == 0;
            throw std::invalid_argument(fmt::format(
                "the checkpoint's learning-rate schedule anneals over {} but this run's over {} ({}); {}",
                count_of(cycle_size, "iteration"), cycle,
                run_cycle
                    ? fmt::format("--epochs {} x {} per epoch", run.epochs, count_of(run.epoch_length, "iteration"))
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
    // Every schedule: the file must hold the state of the schedule this run's options build.
    std::vector<torch::optim::OptimizerParamGroup> groups;
    const auto count = settings.param_group_index ? *settings.param_group_index + 1 : 1;
    for (std::int64_t i = 0; i < count; ++i)
        groups.emplace_back(std::vector<at::Tensor>{torch::zeros({1}, torch::requires_grad())});
    torch::optim::SGD optimizer(groups, torch::optim::SGDOptions(run.lr));
    const auto expected = build_schedule(optimizer, settings, run.iterations()).scheduler().state_dict().to_torch();
    const auto why = first_difference(c10::IValue(expected), *state, "", false);
    if (!why.empty()) {
        throw std::invalid_argument(fmt::format(
            "the checkpoint's '{}' is not the state of this run's schedule (lr_schedule.scheduler={}{}: {}); resume "
            "with the checkpointed run's lr_schedule options, or with --lr-schedule constant to continue at the "
            "checkpoint optimizer's learning rate",
            kLrSchedulerKey, settings.scheduler,
            settings.warmup_duration > 0 ? fmt::format(" with a warm-up of {}", settings.warmup_duration) : "", why));
    }
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
