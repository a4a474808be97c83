// Event registry (name <-> id interning) and filter construction/evaluation.
#include <ignite/core/engine.hpp>
#include <ignite/core/events.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <deque>
#include <iterator>
#include <mutex>
#include <unordered_map>

namespace ignite {
namespace {

// Process-wide, so that a custom event names the same thing in every engine and every
// plugin (Ignite compares events by name). Names live in a deque: references handed out
// by Event::name() stay valid as events are added.
class EventRegistry {
public:
    static EventRegistry& instance() {
        static EventRegistry registry;
        return registry;
    }

    EventId intern(std::string_view name) {
        std::lock_guard lock(mutex_);
        if (auto it = ids_.find(std::string(name)); it != ids_.end()) return it->second;
        const auto id = static_cast<EventId>(names_.size());
        names_.emplace_back(name);
        ids_.emplace(names_.back(), id);
        return id;
    }

    std::optional<EventId> find(std::string_view name) const {
        std::lock_guard lock(mutex_);
        if (auto it = ids_.find(std::string(name)); it != ids_.end()) return it->second;
        return std::nullopt;
    }

    bool known(EventId id) const {
        std::lock_guard lock(mutex_);
        return static_cast<std::size_t>(id) < names_.size();
    }

    const std::string& name(EventId id) const {
        std::lock_guard lock(mutex_);
        return names_.at(static_cast<std::size_t>(id));
    }

private:
    EventRegistry() {
        static constexpr const char* kBuiltinNames[] = {
#define IGNITE_BUILTIN_EVENT(name, core, value, help) #name,
#include <ignite/core/builtin_events.def>
        };
        static_assert(std::size(kBuiltinNames) == Event::kBuiltinEventCount);
        for (const char* n : kBuiltinNames) {
            names_.emplace_back(n);
            ids_.emplace(names_.back(), static_cast<EventId>(names_.size() - 1));
        }
    }
    mutable std::mutex mutex_;
    std::deque<std::string> names_;
    std::unordered_map<std::string, EventId> ids_;
};

}  // namespace

Event Event::custom(std::string_view name) {
    if (name.empty()) throw ValueError("a custom event needs a non-empty name");
    auto& registry = EventRegistry::instance();
    if (auto existing = registry.find(name); existing && *existing < kBuiltinEventCount) {
        throw ValueError(fmt::format("'{}' is a built-in event; give the custom event another name", name));
    }
    return Event(registry.intern(name), 0);
}

std::optional<Event> Event::find(std::string_view name) {
    if (auto id = EventRegistry::instance().find(name)) return Event(*id, 0);
    return std::nullopt;
}

Event Event::from_id(EventId id) {
    if (id < 0 || !EventRegistry::instance().known(id)) throw ValueError(fmt::format("no event has id {}", id));
    return Event(id, 0);
}

const std::string& Event::name() const { return EventRegistry::instance().name(id_); }

bool EventFilter::accepts(Engine& engine, std::int64_t value) const {
    switch (kind) {
        case Kind::kEvery:
            return value % every == 0;
        case Kind::kOnce:
            return std::find(once.begin(), once.end(), value) != once.end();
        case Kind::kBetween:
            return value > after && value < before;
        case Kind::kEveryBetween:
            return value > after && value < before && (value - after - 1) % every == 0;
        case Kind::kCustom:
            return custom(engine, value);
    }
    return false;
}

EventSpec EventSpec::every(std::int64_t n) const {
    FilterArgs a;
    a.every = n;
    return (*this)(a);
}
EventSpec EventSpec::once(OnceArg n) const {
    FilterArgs a;
    a.once = std::move(n);
    return (*this)(a);
}
EventSpec EventSpec::before(std::int64_t n) const {
    FilterArgs a;
    a.before = n;
    return (*this)(a);
}
EventSpec EventSpec::after(std::int64_t n) const {
    FilterArgs a;
    a.after = n;
    return (*this)(a);
}
EventSpec EventSpec::filter(EventFilterFn f) const {
    FilterArgs a;
    a.event_filter = std::move(f);
    return (*this)(a);
}

EventSpec EventSpec::operator()(const FilterArgs& args) const {
    const bool has_range = args.every || args.before || args.after;
    const int groups = (args.event_filter ? 1 : 0) + (args.once.set ? 1 : 0) + (has_range ? 1 : 0);
    if (groups != 1) {
        throw ValueError("Only one of the input arguments should be specified, except before, after and every");
    }
    if (args.every && *args.every <= 0) {
        throw ValueError("Argument every should be integer and greater than zero");
    }
    if (args.once.set) {
        const auto& v = args.once.values;
        if (v.empty() || std::any_of(v.begin(), v.end(), [](std::int64_t x) { return x <= 0; })) {
            throw ValueError(
                fmt::format("Argument once should either be a positive integer or a list of positive integers, got {}",
                            v.size() == 1 ? fmt::format("{}", v[0]) : fmt::format("[{}]", fmt::join(v, ", "))));
        }
    }
    if (args.before && *args.before < 0) {
        throw ValueError("Argument before should be integer and greater or equal to zero");
    }
    if (args.after && *args.after < 0) {
        throw ValueError("Argument after should be integer and greater or equal to zero");
    }

    EventSpec out(event_);
    auto f = std::make_shared<EventFilter>();
    if (args.event_filter) {
        f->kind = EventFilter::Kind::kCustom;
        f->custom = args.event_filter;
    } else if (args.once.set) {
        f->kind = EventFilter::Kind::kOnce;
        f->once = args.once.values;
    } else if (args.before || args.after) {
        f->kind = args.every ? EventFilter::Kind::kEveryBetween : EventFilter::Kind::kBetween;
        f->every = args.every.value_or(1);
        f->before = args.before.value_or(INT64_MAX);
        f->after = args.after.value_or(0);
    } else if (*args.every == 1) {
        return out;  // every=1 is no filter at all, as in Ignite
    } else {
        f->kind = EventFilter::Kind::kEvery;
        f->every = *args.every;
    }
    out.filter_ = std::move(f);
    return out;
}

}  // namespace ignite
