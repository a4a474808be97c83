// Events as a plugin names them: the built-in Events::*, custom events by id, filters
// (every/before/after/once/filter) and `|` lists, handler Priority bands, and the EventInfo
// a handler is told. Mirrors core's EventSpec / Priority. Part of <ignite/plugin.hpp>;
// header-only C++17.
#pragma once

#include <ignite/plugin.h>
#include <ignite/sdk/error.hpp>

#include <cstdint>
#include <exception>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace ignite::sdk {
inline namespace v1 {

class Engine;

/// Handler order (lower runs first; ties in registration order). As core's ignite::Priority,
/// with the same named bands (ABI 1.5, ignite/priority_bands.def): Priority::metrics,
/// handlers, loggers (0, the default), host, checkpoint. Register in the band of what the
/// handler does: `trainer.on(Events::EPOCH_COMPLETED, Priority::checkpoint, save)`; a value
/// beside a band orders a handler within a gap: `Priority{Priority::loggers.value + 10}`.
struct Priority {
    std::int32_t value = 0;

#define IGNITE_PRIORITY_BAND(name, core, value, help) static const Priority core;
#include <ignite/priority_bands.def>
};
#define IGNITE_PRIORITY_BAND(name, core, value, help) inline constexpr Priority Priority::core{IGNITE_PRIORITY_##name};
#include <ignite/priority_bands.def>

/// A custom filter: true to run the handler for the event's counter value (core's
/// `.filter(fn)`). Called on every firing of its event; must not throw.
using FilterFn = std::function<bool(Engine&, std::int64_t)>;

class EventList;

/// An event plus optional filter, as core's EventSpec: Events::ITERATION_COMPLETED.every(10).
/// Immutable: every filter call returns a new spec.
class EventSpec {
public:
    explicit EventSpec(ignite_event event) {
        spec_.struct_size = sizeof(ignite_event_spec);
        spec_.event = event;
        spec_.filter = IGNITE_FILTER_NONE;
        spec_.before = -1;
        spec_.after = -1;
    }
    /// Fires when the counter is a multiple of n (n > 0), within before/after when also set.
    [[nodiscard]] EventSpec every(std::int64_t n) const {
        return with([n](ignite_event_spec& s) {
            s.filter = IGNITE_FILTER_EVERY;
            s.every = n;
        });
    }
    /// Fires only when the counter is < n.
    [[nodiscard]] EventSpec before(std::int64_t n) const {
        return with([n](ignite_event_spec& s) {
            range(s);
            s.before = n;
        });
    }
    /// Fires only when the counter is > n.
    [[nodiscard]] EventSpec after(std::int64_t n) const {
        return with([n](ignite_event_spec& s) {
            range(s);
            s.after = n;
        });
    }
    /// Fires once, when the counter equals one of `values` (positive).
    [[nodiscard]] EventSpec once(std::vector<std::int64_t> values) const {
        EventSpec e = *this;
        e.once_ = std::make_shared<const std::vector<std::int64_t>>(std::move(values));
        e.spec_.filter = IGNITE_FILTER_ONCE;
        return e;
    }
    [[nodiscard]] EventSpec once(std::int64_t value) const { return once(std::vector<std::int64_t>{value}); }
    /// Fires when fn(engine, counter) is true.
    [[nodiscard]] EventSpec filter(FilterFn fn) const {
        EventSpec e = *this;
        e.custom_ = std::make_shared<const FilterFn>(std::move(fn));
        e.spec_.filter = IGNITE_FILTER_CUSTOM;
        return e;
    }

    [[nodiscard]] ignite_event event() const noexcept { return spec_.event; }
    /// The raw spec; `once` points into this object, so keep it alive while using it. A
    /// custom filter's function and user data are set by Host::on.
    [[nodiscard]] ignite_event_spec raw() const {
        ignite_event_spec s = spec_;
        if (once_) {
            s.once = once_->data();
            s.once_count = once_->size();
        }
        return s;
    }
    [[nodiscard]] const std::shared_ptr<const FilterFn>& custom_filter() const noexcept { return custom_; }

private:
    template <typename F>
    EventSpec with(F f) const {
        EventSpec e = *this;
        f(e.spec_);
        return e;
    }
    static void range(ignite_event_spec& s) {
        if (s.filter != IGNITE_FILTER_EVERY) s.filter = IGNITE_FILTER_RANGE;
    }
    ignite_event_spec spec_{};
    std::shared_ptr<const std::vector<std::int64_t>> once_;
    std::shared_ptr<const FilterFn> custom_;
};

/// Several events handled by one registration (Ignite's `|`).
class EventList {
public:
    EventList() = default;
    EventList(std::initializer_list<EventSpec> specs) : specs_(specs) {}
    EventList(const EventSpec& spec) : specs_{spec} {}  // NOLINT: implicit, as core's
    EventList& operator|=(const EventSpec& spec) {
        specs_.push_back(spec);
        return *this;
    }
    [[nodiscard]] const std::vector<EventSpec>& specs() const noexcept { return specs_; }

private:
    std::vector<EventSpec> specs_;
};
inline EventList operator|(const EventSpec& a, const EventSpec& b) { return EventList{a, b}; }
inline EventList operator|(EventList a, const EventSpec& b) { return a |= b; }

/// The built-in events under Ignite's names (one per line of ignite/events.def).
struct Events {
#define IGNITE_BUILTIN_EVENT(name, core, value, help) static inline const EventSpec name{IGNITE_EVENT_##name};
#include <ignite/events.def>
};

/// A custom event by its id (from Host::register_event or Host::find_event).
inline EventSpec on(ignite_event event) { return EventSpec(event); }

/// What a handler is told about the event (borrowed for the call).
struct EventInfo {
    ignite_event event = 0;
    std::string_view name;                    ///< "ITERATION_COMPLETED", "tbptt.TIME_ITERATION_STARTED"
    const char* exception_message = nullptr;  ///< EXCEPTION_RAISED only ("Kind: message"), else nullptr
    std::int64_t iter_counter = -1;           ///< TERMINATE_SINGLE_EPOCH only, else -1
    std::int64_t epoch = 0;                   ///< state.epoch when the event fired
    std::int64_t iteration = 0;               ///< state.iteration, over all epochs
    std::int64_t max_epochs = -1;             ///< -1 while not set
    std::int64_t epoch_length = -1;           ///< -1 while not known

    /// EXCEPTION_RAISED: the engine's exception as a RunError; null otherwise.
    [[nodiscard]] std::exception_ptr exception() const {
        return exception_message ? std::make_exception_ptr(RunError(exception_message)) : nullptr;
    }
};

/// A handler as the SDK stores it; Engine::on accepts every signature core accepts.
using Handler = std::function<void(Engine&, const EventInfo&)>;

}  // namespace v1
}  // namespace ignite::sdk
