#include <ignite/core/handlers/cyclical_scheduler.hpp>

#include <ignite/core/errors.hpp>

#include <fmt/format.h>

#include <cmath>

namespace ignite {

CyclicalScheduler::CyclicalScheduler(torch::optim::Optimizer& optimizer, std::string param_name, double start_value,
                                     double end_value, std::int64_t cycle_size, double cycle_mult,
                                     double start_value_mult, double end_value_mult, std::int64_t warmup_duration,
                                     bool save_history, std::optional<std::int64_t> param_group_index)
    : ParamScheduler(optimizer, std::move(param_name), save_history, param_group_index),
      c_{start_value,      end_value,      cycle_size,      cycle_mult,
         0,                start_value_mult, end_value_mult, warmup_duration,
         warmup_duration + cycle_size} {
    if (cycle_size < 2) {
        throw ValueError(
            fmt::format("Argument cycle_size should be positive and larger than 1, but given {}", cycle_size));
    }
    if (!(cycle_mult > 0)) throw ValueError(fmt::format("Argument cycle_mult should be > 0, but given {}", cycle_mult));
    if (warmup_duration < 0)
        throw ValueError(fmt::format("Argument warmup_duration should be >= 0, but given {}", warmup_duration));
}

void CyclicalScheduler::advance(Cycle& c, std::int64_t& t) {
    // Ignite's CyclicalScheduler.__call__, in its order.
    if (t != 0 && t == c.cycle_size) c.start_value *= c.start_value_mult;
    if (t != 0 && t == c.total_cycle_size) {
        const auto next_size = static_cast<std::int64_t>(static_cast<double>(c.cycle_size) * c.cycle_mult);
        if (next_size < 1) {
            throw ValueError(fmt::format("cycle_mult {} shrank cycle_size {} to 0 at the end of cycle {}; use "
                                         "cycle_mult >= 1 or a larger cycle_size",
                                         c.cycle_mult, c.cycle_size, c.cycle));
        }
        t = 0;
        c.cycle_size = next_size;
        c.warmup_duration = static_cast<std::int64_t>(static_cast<double>(c.warmup_duration) * c.cycle_mult);
        c.total_cycle_size = c.warmup_duration + c.cycle_size;
        ++c.cycle;
        c.end_value *= c.end_value_mult;
    }
}

double CyclicalScheduler::value(const Cycle& c, std::int64_t t) const {
    if (t > c.cycle_size) {
        const double warmup_progress =
            static_cast<double>(t - c.cycle_size) / static_cast<double>(c.warmup_duration);
        return c.end_value + (c.start_value - c.end_value) * warmup_progress;
    }
    return cycle_value(c.start_value, c.end_value, static_cast<double>(t) / static_cast<double>(c.cycle_size));
}

std::vector<double> CyclicalScheduler::get_param() const { return same(value(c_, event_index_)); }

void CyclicalScheduler::before_call() { advance(c_, event_index_); }

std::vector<double> CyclicalScheduler::peek() const {
    Cycle c = c_;
    std::int64_t t = event_index_;
    advance(c, t);
    return same(value(c, t));
}

Dict CyclicalScheduler::state_dict() const {
    Dict d = ParamScheduler::state_dict();
    d.set("start_value", c_.start_value);
    d.set("end_value", c_.end_value);
    d.set("cycle_size", c_.cycle_size);
    d.set("cycle_mult", c_.cycle_mult);
    d.set("cycle", c_.cycle);
    d.set("start_value_mult", c_.start_value_mult);
    d.set("end_value_mult", c_.end_value_mult);
    d.set("warmup_duration", c_.warmup_duration);
    d.set("total_cycle_size", c_.total_cycle_size);
    return d;
}

void CyclicalScheduler::load_state_dict(const Dict& state) {
    // Read and check everything before assigning: a bad state_dict changes nothing.
    const auto base = read_base(state);
    auto real = [&](const char* k) { return value_as<double>(required(state, k), k); };
    auto integer = [&](const char* k) { return value_as<std::int64_t>(required(state, k), k); };
    Cycle c{};
    c.start_value = real("start_value");
    c.end_value = real("end_value");
    c.cycle_size = integer("cycle_size");
    c.cycle_mult = real("cycle_mult");
    c.cycle = integer("cycle");
    c.start_value_mult = real("start_value_mult");
    c.end_value_mult = real("end_value_mult");
    c.warmup_duration = integer("warmup_duration");
    c.total_cycle_size = integer("total_cycle_size");
    if (c.cycle_size < 1) throw ValueError(fmt::format("state_dict cycle_size must be >= 1, got {}", c.cycle_size));
    if (c.warmup_duration < 0)
        throw ValueError(fmt::format("state_dict warmup_duration must be >= 0, got {}", c.warmup_duration));
    commit_base(base);
    c_ = c;
}

LinearCyclicalScheduler::LinearCyclicalScheduler(torch::optim::Optimizer& optimizer, std::string param_name,
                                                 double start_value, double end_value, std::int64_t cycle_size,
                                                 double cycle_mult, double start_value_mult, double end_value_mult,
                                                 std::int64_t warmup_duration, bool save_history,
                                                 std::optional<std::int64_t> param_group_index, bool monotonic)
    : CyclicalScheduler(optimizer, std::move(param_name), start_value, end_value, cycle_size, cycle_mult,
                        start_value_mult, end_value_mult, warmup_duration, save_history, param_group_index),
      monotonic_(monotonic) {
    if (warmup_duration > 0 && !monotonic_) {
        throw ValueError(
            "Invalid combination when warmup_duration > 0 and monotonic=False, please use either set "
            "warmup_duration=0 or monotonic=True");
    }
}

double LinearCyclicalScheduler::cycle_value(double start, double end, double progress) const {
    if (monotonic_) return start + (end - start) * progress;
    return end + (start - end) * std::abs(progress - 0.5) * 2;
}

}  // namespace ignite
