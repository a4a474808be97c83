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
}

double CosineAnnealingScheduler::get_param() const {
    const double progress = static_cast<double>(event_index_) / static_cast<double>(cycle_size_);
    return start_value_ + (end_value_ - start_value_) / 2.0 * (1.0 - std::cos(std::numbers::pi * progress));
}

void CosineAnnealingScheduler::operator()() {
    // Ignite's CyclicalScheduler.__call__: restart before computing the value.
    if (event_index_ != 0 && event_index_ % cycle_size_ == 0) {
        event_index_ = 0;
        cycle_size_ = static_cast<std::int64_t>(static_cast<double>(cycle_size_) * cycle_mult_);
        ++cycle_;
        start_value_ *= start_value_mult_;
        end_value_ *= end_value_mult_;
    }
    const double lr = get_param();
    for (auto& group : optimizer_->param_groups()) group.options().set_lr(lr);
    ++event_index_;
}

RemovableEventHandle CosineAnnealingScheduler::attach(Engine& engine, std::shared_ptr<CosineAnnealingScheduler> scheduler,
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
    event_index_ = value_as<std::int64_t>(get("event_index"), "event_index");
    cycle_ = value_as<std::int64_t>(get("cycle"), "cycle");
    cycle_size_ = value_as<std::int64_t>(get("cycle_size"), "cycle_size");
    start_value_ = value_as<double>(get("start_value"), "start_value");
    end_value_ = value_as<double>(get("end_value"), "end_value");
}

}  // namespace ignite
