// Engine: handler registry, events, dispatch (EXCEPTION_RAISED's included) and filters.
// The run loop is in engine_run.cpp, state_dict / load_state_dict in engine_state_dict.cpp.
#include <ignite/core/engine.hpp>

#include "engine_run_task.hpp"  // ~Engine destroys the run loop's coroutine

#include <fmt/format.h>

#include <algorithm>

namespace ignite {

// ---- handler storage ------------------------------------------------------------------

struct Engine::HandlerEntry {
    HandlerId id = 0;
    int priority = 0;
    std::shared_ptr<const EventFilter> filter;  // null: runs on every firing
    // What a filter counts with; resolved at registration so a firing compares no strings.
    enum class Counter : std::uint8_t { kIteration, kEpoch, kUserAttribute } counter_kind = Counter::kIteration;
    std::string counter;  // the user attribute's name, for kUserAttribute
    HandlerFn fn;
    ExceptionRole role = ExceptionRole::kHandles;
    std::string label;  // label_handlers() at registration; for a HandlerObserver
};

// A dispatch iterates the list it started with. A removal (or a non-appending insert)
// during a dispatch of the same event installs a new list and parks the old one in
// retired_lists_ until the outermost dispatch ends, which gives Ignite's semantics (its
// remove_event_handler replaces the Python list being iterated) without copying on the
// hot path.

struct Engine::EventSlot {
    bool allowed = false;
    std::unique_ptr<HandlerList> handlers;
    int dispatch_depth = 0;
    std::string attr;  // counter for filters ("iteration", "epoch", a user attribute or "")
};

// ---- construction ----------------------------------------------------------------------

Engine::Engine(AnyProcessFunction process_function)
    : process_function_(std::move(process_function).take()), self_token_(std::make_shared<Engine*>(this)) {
    if (!process_function_) throw ValueError("Engine must be given a processing function in order to run.");
    slots_.resize(Event::kBuiltinEventCount);
    for (auto& s : slots_) s.allowed = true;
    for (EventId id :
         {Event::kGetBatchStarted, Event::kGetBatchCompleted, Event::kIterationStarted, Event::kIterationCompleted}) {
        slots_[static_cast<std::size_t>(id)].attr = "iteration";
    }
    for (EventId id : {Event::kEpochStarted, Event::kEpochCompleted, Event::kStarted, Event::kCompleted}) {
        slots_[static_cast<std::size_t>(id)].attr = "epoch";
    }
}

Engine::~Engine() { *self_token_ = nullptr; }

Engine::EventSlot& Engine::slot(EventId id) {
    if (id < 0) throw ValueError("invalid event id");
    if (static_cast<std::size_t>(id) >= slots_.size()) slots_.resize(static_cast<std::size_t>(id) + 1);
    return slots_[static_cast<std::size_t>(id)];
}

const Engine::EventSlot* Engine::find_slot(EventId id) const noexcept {
    if (id < 0 || static_cast<std::size_t>(id) >= slots_.size()) return nullptr;
    return &slots_[static_cast<std::size_t>(id)];
}

// ---- events ------------------------------------------------------------------------------

void Engine::register_events(const std::vector<Event>& events,
                             const std::vector<std::pair<Event, std::string>>& event_to_attr) {
    for (const auto& [event, attr] : event_to_attr) {
        if (attr.empty()) throw ValueError(fmt::format("event_to_attr maps {} to an empty name", event.name()));
        if (std::find(events.begin(), events.end(), event) == events.end()) {
            throw ValueError(
                fmt::format("event_to_attr maps {}, which is not among the events registered", event.name()));
        }
    }
    for (Event e : events) slot(e.id()).allowed = true;
    for (const auto& [event, attr] : event_to_attr) {
        slot(event.id()).attr = attr;
        if (!state.has(attr)) state.set(attr, std::int64_t{0});
    }
}

bool Engine::has_registered_events(Event event) const noexcept {
    const auto* s = find_slot(event.id());
    return s != nullptr && s->allowed;
}

bool Engine::has_registered_events(std::string_view event_name) const {
    auto e = Event::find(event_name);
    return e && has_registered_events(*e);
}

EventArgs event_args(Event event) noexcept {
    if (event == Event::kExceptionRaised) return EventArgs::kException;
    if (event == Event::kTerminateSingleEpoch) return EventArgs::kIterCounter;
    return EventArgs::kNone;
}

namespace {
std::string_view passes(EventArgs kind) {
    switch (kind) {
        case EventArgs::kException:
            return "(Engine&, std::exception_ptr, args...)";
        case EventArgs::kIterCounter:
            return "(Engine&, std::int64_t iter_counter, args...)";
        case EventArgs::kNone:
            break;
    }
    return "(Engine&, args...)";
}
}  // namespace

RemovableEventHandle Engine::add_event_handler(const EventList& events, Priority priority, HandlerFn handler,
                                               ExceptionRole role) {
    // The same adaptation as every other form (empty check, one callable shared by the
    // entries of an `A | B` registration); only the role is this overload's own.
    return register_handler(events, priority, detail::adapt_handler(std::move(handler)), role);
}

RemovableEventHandle Engine::register_handler(const EventList& events, Priority priority,
                                              detail::AdaptedHandler handler, ExceptionRole role) {
    // Validate everything first so a bad list registers nothing.
    for (const EventSpec& spec : events) {
        const Event e = spec.event();
        const auto* s = find_slot(e.id());
        if (s == nullptr || !s->allowed) {
            throw ValueError(
                fmt::format("Event {} is not a valid event for this Engine; register it with "
                            "register_events first",
                            e.name()));
        }
        if (spec.has_filter() && s->attr.empty()) {
            throw ValueError(
                fmt::format("Event {} has no state attribute to filter on; register it with "
                            "event_to_attr or drop the filter",
                            e.name()));
        }
        const auto kind = event_args(e);
        if (!handler.by_args[static_cast<std::size_t>(kind)]) {
            // Ignite's _check_signature message, in C++ terms.
            throw ValueError(
                fmt::format("Error adding handler on {}: it takes {} but will be called with {}; "
                            "give it those parameters or (Engine&, const FiredEvent&, args...)",
                            e.name(), handler.takes, passes(kind)));
        }
    }
    const HandlerId id = next_handler_id_++;
    for (const EventSpec& spec : events) {
        EventSlot& s = slot(spec.event().id());
        auto entry = std::make_shared<HandlerEntry>();
        entry->id = id;
        entry->priority = priority.value;
        entry->role = role;
        entry->label = handler_label_;
        entry->filter = spec.filter_ptr();
        entry->counter = s.attr;
        entry->counter_kind = s.attr == "iteration" ? HandlerEntry::Counter::kIteration
                              : s.attr == "epoch"   ? HandlerEntry::Counter::kEpoch
                                                    : HandlerEntry::Counter::kUserAttribute;
        // Entries of one registration share the callable (and its state): every HandlerFn
        // of an AdaptedHandler points at the same bound callable.
        entry->fn = handler.by_args[static_cast<std::size_t>(event_args(spec.event()))];
        if (!s.handlers) s.handlers = std::make_unique<HandlerList>();
        HandlerList& list = *s.handlers;
        auto pos = std::upper_bound(list.begin(), list.end(), priority.value,
                                    [](int p, const auto& h) { return p < h->priority; });
        if (pos == list.end()) {
            list.push_back(std::move(entry));  // an ongoing dispatch sees it, as in Ignite
        } else if (s.dispatch_depth == 0) {
            list.insert(pos, std::move(entry));
        } else {
            auto fresh = std::make_unique<HandlerList>(list);
            fresh->insert(fresh->begin() + (pos - list.begin()), std::move(entry));
            retired_lists_.push_back(std::exchange(s.handlers, std::move(fresh)));
        }
    }
    update_dispatch_mask();
    return RemovableEventHandle(self_token_, id, events);
}

bool Engine::has_event_handler(HandlerId id, std::optional<Event> event) const {
    auto on_slot = [id](const EventSlot& s) {
        return s.handlers &&
               std::any_of(s.handlers->begin(), s.handlers->end(), [id](const auto& h) { return h->id == id; });
    };
    if (event) {
        const auto* s = find_slot(event->id());
        return s != nullptr && on_slot(*s);
    }
    return std::any_of(slots_.begin(), slots_.end(), on_slot);
}

bool Engine::has_event_handler(HandlerId id, std::string_view event_name) const {
    auto e = Event::find(event_name);
    return e && has_event_handler(id, *e);
}

void Engine::remove_event_handler(HandlerId id, Event event) {
    const auto* existing = find_slot(event.id());
    if (existing == nullptr || !existing->allowed) {
        throw ValueError(fmt::format("Input event name '{}' does not exist", event.name()));
    }
    EventSlot& s = slot(event.id());
    if (!s.handlers ||
        std::none_of(s.handlers->begin(), s.handlers->end(), [id](const auto& h) { return h->id == id; })) {
        throw ValueError(
            fmt::format("Input handler '{}' is not found among registered event handlers of {}", id, event.name()));
    }
    auto fresh = std::make_unique<HandlerList>();
    for (const auto& h : *s.handlers) {
        if (h->id != id) fresh->push_back(h);
    }
    if (s.dispatch_depth > 0) {
        retired_lists_.push_back(std::exchange(s.handlers, std::move(fresh)));
    } else {
        s.handlers = std::move(fresh);
    }
    update_dispatch_mask();
}

void Engine::remove_event_handler(HandlerId id) {
    bool found = false;
    for (EventId e = 0; e < static_cast<EventId>(slots_.size()); ++e) {
        if (has_event_handler(id, Event::from_id(e))) {
            remove_event_handler(id, Event::from_id(e));
            found = true;
        }
    }
    if (!found) throw ValueError(fmt::format("Input handler '{}' is not found among registered event handlers", id));
}

void Engine::update_dispatch_mask() noexcept {
    std::uint32_t mask = 0;
    for (EventId id = 0; id < Event::kBuiltinEventCount; ++id) {
        const auto& s = slots_[static_cast<std::size_t>(id)];
        if (s.handlers && !s.handlers->empty()) mask |= 1u << id;
    }
    dispatch_mask_ = observer_ ? ~0u : mask;
}

void Engine::set_event_observer(std::function<void(Engine&, const FiredEvent&)> observer) {
    observer_ = std::move(observer);
    update_dispatch_mask();
}

Engine::HandlerLabelScope Engine::label_handlers(std::string label) {
    return HandlerLabelScope(*this, std::exchange(handler_label_, std::move(label)));
}

Engine::HandlerLabelScope::~HandlerLabelScope() { engine_.handler_label_ = std::move(previous_); }

void Engine::set_handler_observer(std::shared_ptr<HandlerObserver> observer) noexcept {
    handler_observer_ = std::move(observer);
}

void Engine::set_warning_handler(std::function<void(const std::string&)> handler) {
    warning_handler_ = std::move(handler);
}

std::optional<Event> Engine::last_event_name() const {
    if (last_event_ < 0) return std::nullopt;
    return Event::from_id(last_event_);
}

std::int64_t Engine::event_value(const HandlerEntry& h) const {
    switch (h.counter_kind) {
        case HandlerEntry::Counter::kIteration:
            return state.iteration;
        case HandlerEntry::Counter::kEpoch:
            return state.epoch;
        case HandlerEntry::Counter::kUserAttribute:
            break;
    }
    return state.counter(h.counter);
}

void Engine::fire(EventId id, const FiredEvent& fired) {
    last_event_ = id;
    if (observer_) observer_(*this, fired);
    EventSlot* s = find_slot(id) != nullptr ? &slots_[static_cast<std::size_t>(id)] : nullptr;
    if (s == nullptr || !s->handlers || s->handlers->empty()) return;

    HandlerList* list = s->handlers.get();
    ++s->dispatch_depth;
    ++dispatch_depth_;
    struct DepthGuard {
        Engine& engine;
        EventId id;
        ~DepthGuard() {
            --engine.slots_[static_cast<std::size_t>(id)].dispatch_depth;
            if (--engine.dispatch_depth_ == 0) engine.retired_lists_.clear();
        }
    } guard{*this, id};

    // The one branch a dispatch pays for handler observers when none is set.
    if (handler_observer_) [[unlikely]] {
        call_handlers_observed(*list, fired);
        return;
    }
    for (std::size_t k = 0; k < list->size(); ++k) {
        HandlerEntry& h = *(*list)[k];
        if (h.filter && !h.filter->accepts(*this, event_value(h))) continue;
        h.fn(*this, fired);
    }
}

// The loop above with begin/end around each call; kept apart so the unobserved loop stays
// as small as before. A filtered-out handler is not called, so it is not observed either.
void Engine::call_handlers_observed(const HandlerList& list, const FiredEvent& fired) {
    const std::shared_ptr<HandlerObserver> observer = handler_observer_;  // a handler may replace it
    for (std::size_t k = 0; k < list.size(); ++k) {
        HandlerEntry& h = *list[k];
        if (h.filter && !h.filter->accepts(*this, event_value(h))) continue;
        struct End {  // end() however the handler leaves, an exception included
            HandlerObserver& observer;
            const HandlerEntry& handler;
            const FiredEvent& fired;
            ~End() { observer.end(handler.label, fired); }
        };
        observer->begin(h.label, fired);
        const End end{*observer, h, fired};
        h.fn(*this, fired);
    }
}

void Engine::fire_event(Event event) {
    if (!has_registered_events(event)) {
        throw ValueError(
            fmt::format("Event {} is not a valid event for this Engine; register it with "
                        "register_events first",
                        event.name()));
    }
    fire(event.id(), FiredEvent{event, nullptr, std::nullopt});
}

// ---- exceptions ----------------------------------------------------------------------------
// The run loop's EXCEPTION_RAISED dispatch; here because it reads the handlers' roles.

void Engine::handle_exception(std::exception_ptr e) {
    // Ignite calls a re-raising EXCEPTION_RAISED handler a second time from its outer
    // `except`; exception_handler_failed_ makes the outer level re-raise instead. The
    // same flag stops observers from seeing an unhandled exception twice.
    const EventSlot& s = slots_[Event::kExceptionRaised];
    if (exception_handler_failed_ || !s.handlers || s.handlers->empty()) std::rethrow_exception(e);
    const bool handled = std::any_of(s.handlers->begin(), s.handlers->end(),
                                     [](const auto& h) { return h->role == ExceptionRole::kHandles; });
    const bool outer_dispatch = std::exchange(in_exception_dispatch_, true);
    const bool outer_marked = std::exchange(exception_marked_handled_, false);
    bool marked = false;
    try {
        fire(Event::kExceptionRaised, FiredEvent{Event::kExceptionRaised, e, std::nullopt});
        marked = exception_marked_handled_;
    } catch (...) {
        in_exception_dispatch_ = outer_dispatch;
        exception_marked_handled_ = outer_marked;
        exception_handler_failed_ = true;
        throw;
    }
    in_exception_dispatch_ = outer_dispatch;
    exception_marked_handled_ = outer_marked;
    if (!handled && !marked) {
        exception_handler_failed_ = true;
        std::rethrow_exception(e);
    }
}

void Engine::mark_exception_handled() {
    if (!in_exception_dispatch_) {
        throw RuntimeError("mark_exception_handled() is only valid inside an EXCEPTION_RAISED handler");
    }
    exception_marked_handled_ = true;
}

// ---- handles -------------------------------------------------------------------------------

void RemovableEventHandle::remove() {
    auto token = engine_.lock();
    if (!token || *token == nullptr) return;
    Engine& engine = **token;
    for (const EventSpec& spec : events_) {
        if (engine.has_event_handler(id_, spec.event())) engine.remove_event_handler(id_, spec.event());
    }
}

ScopedEventHandle& ScopedEventHandle::operator=(ScopedEventHandle&& o) noexcept {
    if (this != &o) {
        if (armed_) handle_.remove();
        handle_ = std::move(o.handle_);
        armed_ = std::exchange(o.armed_, false);
    }
    return *this;
}

ScopedEventHandle::~ScopedEventHandle() {
    if (armed_) handle_.remove();
}

}  // namespace ignite
