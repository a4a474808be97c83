#include <ignite/core/handlers/cosine_annealing.hpp>

#include <ignite/core/errors.hpp>

#include <fmt/format.h>

#include <cmath>
#include <numbers>

namespace ignite {

CosineAnnealingScheduler::CosineAnnealingScheduler(torch::optim::Optimizer& optimizer, double start_value,
                                                   double end_value, std::int64_t cycle_size, double cycle_mult,
                                                   double start_value_mult, double end_value_mult)
    : optimizer_(&optimizer),
      start_value_(start_value),
      end_value_(end_value),
      cycle_size_(cycle_size),
      cycle_mult_(cycle_mult),
      start_value_mult_(start_value_mult),
      end_value_mult_(end_value_mult) {
    if (cycle_size_ < 2) {
        throw ValueError(
            fmt::format("Argument cycle_size should be positive and larger than 1, but given {}", cycle_size_));
    }
    // Ignite would divide by zero once cycle_size * cycle_mult truncates to 0.
    if (!(cycle_mult_ > 0))
        throw ValueError(fmt::format("Argument cycle_mult should be > 0, but given {}", cycle_mult_));
}

double CosineAnnealingScheduler::get_param() const {
    const double progress = static_cast<double>(event_index_) / static_cast<double>(cycle_size_);
    return start_value_ + (end_value_ - start_value_) / 2.0 * (1.0 - std::cos(std::numbers::pi * progress));
}

void CosineAnnealingScheduler::operator()() {
    // Ignite's CyclicalScheduler.__call__: restart before computing the value.
    if (event_index_ != 0 && event_index_ % cycle_size_ == 0) {
        const auto next_size = static_cast<std::int64_t>(static_cast<double>(cycle_size_) * cycle_mult_);
        if (next_size < 1) {
            throw ValueError(
                fmt::format("cycle_mult {} shrank cycle_size {} to 0 at the end of cycle {}; use "
                            "cycle_mult >= 1 or a larger cycle_size",
                            cycle_mult_, cycle_size_, cycle_));
        }
        event_index_ = 0;
        cycle_size_ = next_size;
        ++cycle_;
        start_value_ *= start_value_mult_;
        end_value_ *= end_value_mult_;
    }
    const double lr = get_param();
    for (auto& group : optimizer_->param_groups()) group.options().set_lr(lr);
    ++event_index_;
}

RemovableEventHandle CosineAnnealingScheduler::attach(Engine& engine,
                                                      std::shared_ptr<CosineAnnealingScheduler> scheduler,
                                                      const EventSpec& event) {
    if (!scheduler) throw ValueError("CosineAnnealingScheduler::attach needs a scheduler");
    return engine.add_event_handler(event, [s = std::move(scheduler)] { (*s)(); });
}

Dict CosineAnnealingScheduler::state_dict() const {
    Dict d;
    d.set("event_index", event_index_);
    d.set("cycle", cycle_);
    d.set("cycle_size", cycle_size_);
    d.set("start_value", start_value_);
    d.set("end_value", end_value_);
    return d;
}

void CosineAnnealingScheduler::load_state_dict(const Dict& state) {
    auto get = [&](const char* key) -> const c10::IValue& {
        const auto* v = state.find(key);
        if (!v) throw ValueError(fmt::format("Required state attribute '{}' is absent in provided state_dict", key));
        return *v;
    };
    // Read and check everything before assigning: a bad state_dict changes nothing.
    const auto event_index = value_as<std::int64_t>(get("event_index"), "event_index");
    const auto cycle = value_as<std::int64_t>(get("cycle"), "cycle");
    const auto cycle_size = value_as<std::int64_t>(get("cycle_size"), "cycle_size");
    const auto start_value = value_as<double>(get("start_value"), "start_value");
    const auto end_value = value_as<double>(get("end_value"), "end_value");
    if (cycle_size < 1) throw ValueError(fmt::format("state_dict cycle_size must be >= 1, got {}", cycle_size));
    event_index_ = event_index;
    cycle_ = cycle;
    cycle_size_ = cycle_size;
    start_value_ = start_value;
    end_value_ = end_value;
}

}  // namespace ignite
