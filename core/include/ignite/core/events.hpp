#pragma once
/// @file events.hpp
/// Events, event filters and event lists: Ignite's `Events`, `CallableEventWithFilter`
/// and `EventsList` (the `|` operator).
///
/// An Event is a small value (an interned integer id). Built-in events have fixed ids;
/// custom events are interned by name process-wide, so `Event::custom("FOO")` names the
/// same event in every engine, exactly as Ignite compares events by name.

#include <concepts>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ignite {

class Engine;

/// Dense integer id of an event. Built-in ids are 0..kBuiltinEventCount-1.
using EventId = std::int32_t;

/// An event: a name with a process-wide id. Cheap to copy and compare.
class Event {
public:
    /// The built-in event ids, in Ignite's declaration order, from the one list of built-in
    /// events (sdk/include/ignite/events.def, copied into the build as
    /// ignite/core/builtin_events.def): the ABI's values are core's ids.
    enum Builtin : EventId {
#define IGNITE_BUILTIN_EVENT(name, core, value, help) k##core = value,
#include <ignite/core/builtin_events.def>
        kBuiltinEventCount
    };

    constexpr Event(Builtin id) noexcept : id_(id) {}  // NOLINT: implicit by design

    /// Interns a custom event by name (e.g. "tbptt.TIME_ITERATION_STARTED") and returns
    /// it; the same name always yields the same event. Throws ValueError on an empty
    /// name or the name of a built-in event.
    static Event custom(std::string_view name);

    /// Looks an event (built-in or custom) up by name; nullopt if none has that name.
    static std::optional<Event> find(std::string_view name);
    /// The event with id `id`; throws ValueError when no event has that id.
    static Event from_id(EventId id);

    [[nodiscard]] constexpr EventId id() const noexcept { return id_; }
    [[nodiscard]] constexpr bool is_builtin() const noexcept { return id_ < kBuiltinEventCount; }
    /// The event's name, e.g. "ITERATION_COMPLETED". Valid for the process lifetime.
    [[nodiscard]] const std::string& name() const;

    friend constexpr bool operator==(Event a, Event b) noexcept { return a.id_ == b.id_; }
    /// Ignite compares an event with its name: ITERATION_COMPLETED == "ITERATION_COMPLETED".
    friend bool operator==(Event a, std::string_view name) { return a.name() == name; }

private:
    explicit constexpr Event(EventId id, int) noexcept : id_(id) {}
    EventId id_;
};

/// A custom filter: called with the engine and the event's value (iteration, epoch or
/// the mapped state attribute); the handler runs when it returns true.
using EventFilterFn = std::function<bool(Engine&, std::int64_t)>;

/// `once=` accepts one positive value or a non-empty list of them.
struct OnceArg {
    std::vector<std::int64_t> values;
    bool set = false;
    OnceArg() = default;
    OnceArg(std::int64_t v) : values{v}, set(true) {}                          // NOLINT
    OnceArg(std::initializer_list<std::int64_t> v) : values(v), set(true) {}   // NOLINT
    OnceArg(std::vector<std::int64_t> v) : values(std::move(v)), set(true) {}  // NOLINT
};

/// Ignite's filter keyword arguments, for designated initialisers:
/// `Events::ITERATION_COMPLETED({.every = 10, .after = 100})`.
/// (GCC 12 warns -Wmissing-field-initializers on designated initialisers that omit
/// fields; our build disables that warning, and so may yours.)
struct FilterArgs {
    EventFilterFn event_filter{};
    std::optional<std::int64_t> every{};
    OnceArg once{};
    std::optional<std::int64_t> before{};
    std::optional<std::int64_t> after{};
};

/// A compiled filter. Evaluated on every firing of its event, so it is a plain struct
/// switched on kind rather than a std::function for the common cases.
struct EventFilter {
    enum class Kind : std::uint8_t { kEvery, kOnce, kBetween, kEveryBetween, kCustom };
    Kind kind = Kind::kEvery;
    std::int64_t every = 1;
    std::int64_t after = 0;           // exclusive lower bound
    std::int64_t before = INT64_MAX;  // exclusive upper bound
    std::vector<std::int64_t> once;
    EventFilterFn custom;

    /// True when a handler with this filter should run for event value `value`.
    [[nodiscard]] bool accepts(Engine& engine, std::int64_t value) const;
};

/// An event with an optional filter (Ignite's CallableEventWithFilter). Implicitly
/// constructible from an Event, so every API taking an EventSpec takes a bare event.
class EventSpec {
public:
    EventSpec(Event e) : event_(e) {}           // NOLINT: implicit by design
    EventSpec(Event::Builtin e) : event_(e) {}  // NOLINT

    /// Applies Ignite's filter arguments. Throws ValueError at construction (never at run
    /// time) with Ignite's message when they are invalid: every <= 0, once not positive,
    /// before/after < 0, or not exactly one of {event_filter, once, every/before/after}.
    EventSpec operator()(const FilterArgs& args) const;
    /// Shorthands for the single-argument forms.
    [[nodiscard]] EventSpec every(std::int64_t n) const;
    /// Ignite rejects `every=1.5`; here a fractional argument does not compile.
    template <std::floating_point T>
    EventSpec every(T) const = delete;
    [[nodiscard]] EventSpec once(OnceArg n) const;
    [[nodiscard]] EventSpec before(std::int64_t n) const;
    [[nodiscard]] EventSpec after(std::int64_t n) const;
    [[nodiscard]] EventSpec filter(EventFilterFn f) const;

    [[nodiscard]] Event event() const noexcept { return event_; }
    /// The filter, or null when the handler runs on every firing (every=1 included).
    [[nodiscard]] const std::shared_ptr<const EventFilter>& filter_ptr() const noexcept { return filter_; }
    [[nodiscard]] bool has_filter() const noexcept { return filter_ != nullptr; }

    /// Filtered events compare equal to their bare event, as in Ignite.
    friend bool operator==(const EventSpec& a, const EventSpec& b) { return a.event_ == b.event_; }

private:
    Event event_;
    std::shared_ptr<const EventFilter> filter_;
};

/// Several events registered at once (Ignite's EventsList, built with `|`). Order is
/// kept and duplicates are allowed: the same event twice registers the handler twice.
class EventList {
public:
    EventList() = default;
    EventList(std::initializer_list<EventSpec> specs) : specs_(specs) {}
    EventList& operator|=(const EventSpec& spec) {
        specs_.push_back(spec);
        return *this;
    }
    EventList& operator|=(const EventList& other) {
        specs_.insert(specs_.end(), other.specs_.begin(), other.specs_.end());
        return *this;
    }
    [[nodiscard]] std::size_t size() const noexcept { return specs_.size(); }
    [[nodiscard]] auto begin() const noexcept { return specs_.begin(); }
    [[nodiscard]] auto end() const noexcept { return specs_.end(); }
    [[nodiscard]] const EventSpec& operator[](std::size_t i) const { return specs_.at(i); }

private:
    std::vector<EventSpec> specs_;
};

inline EventList operator|(const EventSpec& a, const EventSpec& b) { return EventList{a, b}; }
inline EventList operator|(EventList a, const EventSpec& b) {
    a |= b;
    return a;
}
inline EventList operator|(Event::Builtin a, Event::Builtin b) { return EventSpec(a) | EventSpec(b); }

/// The built-in events under Ignite's names: `Events::ITERATION_COMPLETED.every(10)`.
struct Events {
#define IGNITE_BUILTIN_EVENT(name, core, value, help) static inline const EventSpec name{Event::k##core};
#include <ignite/core/builtin_events.def>
};

}  // namespace ignite
