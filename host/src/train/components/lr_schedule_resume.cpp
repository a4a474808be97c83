// lr_schedule's resume checks (LrSchedule::check_resume, decision in lr_schedule.hpp): the
// checkpoint's lr_scheduler must be the state of the schedule this run's options build. The
// default cosine keeps its messages that name the flag giving the checkpoint's value back;
// every schedule is then compared key by key with a fresh one's state_dict, where the keys
// that say where the schedule is (event_index, last_epoch, best, ...) may differ and those
// that say which schedule it is may not.
#include "lr_schedule.hpp"

#include "plural.hpp"

#include <torch/optim/sgd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>
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

}  // namespace ignite::host
