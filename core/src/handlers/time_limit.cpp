#include <ignite/core/handlers/time_limit.hpp>

#include <ignite/core/errors.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <iostream>

namespace ignite {

TimeLimit::TimeLimit(std::int64_t limit_sec, Clock clock)
    : log([](const std::string& line) { std::cerr << line << '\n'; }),
      limit_sec_(limit_sec),
      clock_(clock ? std::move(clock) : Clock([] {
          return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
      })) {
    if (limit_sec_ <= 0) throw ValueError("Argument limit_sec should be a positive integer.");
    start_ = clock_();
}

double TimeLimit::elapsed() const { return before_ + (clock_() - start_); }

void TimeLimit::operator()(Engine& engine) {
    if (stopped_) return;
    const double used = elapsed();
    if (!(used > static_cast<double>(limit_sec_))) return;
    stopped_ = true;
    if (log) {
        log(
            fmt::format("TimeLimit: reached the time limit of {} s ({:.1f} s used) at epoch {}, iteration {}: stop "
                        "training",
                        limit_sec_, used, engine.state.epoch, engine.state.iteration));
    }
    engine.terminate(TerminateReason::handler);
}

RemovableEventHandle TimeLimit::attach(const std::shared_ptr<TimeLimit>& handler, Engine& engine,
                                       const EventSpec& event, Priority priority) {
    if (!handler) throw ValueError("TimeLimit::attach needs a handler");
    return engine.add_event_handler(event, priority, [h = handler](Engine& e) { (*h)(e); });
}

Dict TimeLimit::state_dict() const {
    Dict d;
    d.set("elapsed", elapsed());
    d.set("limit_sec", limit_sec_);
    return d;
}

void TimeLimit::load_state_dict(const Dict& state) {
    const auto* v = state.find("elapsed");
    if (!v) throw ValueError("Required state attribute 'elapsed' is absent in provided state_dict");
    const auto used = value_as<double>(*v, "elapsed");
    if (!std::isfinite(used) || used < 0)
        throw ValueError(fmt::format("state_dict elapsed must be a number of seconds >= 0, got {}", used));
    before_ = used;
}

}  // namespace ignite
