// Engine: handler registry, dispatch, and the run loop.
//
// The run loop is a C++20 coroutine because Ignite's is a Python generator: interrupt()
// suspends it mid-epoch and the next run() resumes it at the same point. Everything
// else (terminate, terminate_epoch, exceptions) follows Ignite 0.5.3's control flow
// statement by statement, so the event order matches the recorded traces.
#include <ignite/core/engine.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <coroutine>
#include <cstdio>

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

// ---- coroutine plumbing ------------------------------------------------------------------

class Engine::RunTask {
public:
    struct promise_type {
        std::exception_ptr error;
        RunTask get_return_object() { return RunTask(std::coroutine_handle<promise_type>::from_promise(*this)); }
        std::suspend_always initial_suspend() noexcept { return {}; }
        std::suspend_always final_suspend() noexcept { return {}; }
        std::suspend_always yield_value(int) noexcept { return {}; }
        void return_void() noexcept {}
        void unhandled_exception() noexcept { error = std::current_exception(); }
    };

    explicit RunTask(std::coroutine_handle<promise_type> h) : handle_(h) {}
    RunTask(RunTask&& o) noexcept : handle_(std::exchange(o.handle_, {})) {}
    RunTask(const RunTask&) = delete;
    RunTask& operator=(const RunTask&) = delete;
    RunTask& operator=(RunTask&&) = delete;
    ~RunTask() {
        if (handle_) handle_.destroy();
    }

    /// Runs until the next suspension (interrupt) or the end. Returns true when finished;
    /// rethrows an exception that escaped the run loop.
    bool resume() {
        handle_.resume();
        if (auto error = std::exchange(handle_.promise().error, nullptr)) std::rethrow_exception(error);
        return handle_.done();
    }

private:
    std::coroutine_handle<promise_type> handle_;
};

namespace {

// Control-flow signals, as Ignite's _EngineTerminateException and friends. Not derived
// from std::exception so that nothing but the run loop can catch them by accident.
struct TerminateSignal {};
struct TerminateEpochSignal {};

// Yields None for `size` iterations: the data iterator of run(None, epoch_length=N).
class NoneIterator final : public DataIterator {
public:
    explicit NoneIterator(std::int64_t size) : left_(size) {}
    bool next(c10::IValue& out) override {
        if (left_ <= 0) return false;
        --left_;
        out = c10::IValue();
        return true;
    }

private:
    std::int64_t left_;
};

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::string py_keys(const Dict& d) {
    std::string out = "dict_keys([";
    bool first = true;
    for (const auto& [k, v] : d) {
        out += fmt::format("{}'{}'", first ? "" : ", ", k);
        first = false;
    }
    return out + "])";
}

std::string py_value(const c10::IValue& v) {
    if (v.isNone()) return "None";
    if (v.isInt()) return std::to_string(v.toInt());
    if (v.isString()) return fmt::format("'{}'", v.toStringRef());
    return fmt::format("{}", v.tagKind());
}

std::string py_dict(const Dict& d) {
    std::string out = "{";
    bool first = true;
    for (const auto& [k, v] : d) {
        out += fmt::format("{}'{}': {}", first ? "" : ", ", k, py_value(v));
        first = false;
    }
    return out + "}";
}

// Ignite's _is_done, with the limits given (0.5.5 added max_iters).
bool done(const State& s, std::optional<std::int64_t> max_epochs, std::optional<std::int64_t> max_iters) noexcept {
    const bool done_iters = max_iters && s.iteration >= *max_iters;
    const bool done_count = s.epoch_length && max_epochs && s.iteration >= *s.epoch_length * *max_epochs;
    const bool done_epochs = max_epochs && s.epoch >= *max_epochs;
    return done_iters || done_count || done_epochs;
}

std::optional<std::int64_t> optional_int(const c10::IValue& v, std::string_view key) {
    if (v.isNone()) return std::nullopt;
    return value_as<std::int64_t>(v, fmt::format("state_dict['{}']", key));
}

}  // namespace

// Ignite's _maybe_terminate_or_interrupt, placed after every event the loop fires.
#define IGNITE_CHECKPOINT()                                                                  \
    do {                                                                                     \
        if (signal_pending()) [[unlikely]] {                                                 \
            if (should_terminate_ != Stop::kNone) throw TerminateSignal{};                   \
            if (should_terminate_single_epoch_ != Stop::kNone) throw TerminateEpochSignal{}; \
            if (should_interrupt_) {                                                         \
                fire_simple(Event::kInterrupt);                                              \
                should_interrupt_ = false;                                                   \
                co_yield 0;                                                                  \
            }                                                                                \
        }                                                                                    \
    } while (false)

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

// ---- control -----------------------------------------------------------------------------

void Engine::terminate(bool skip_completed) noexcept {
    should_terminate_ = skip_completed ? Stop::kSkipEvent : Stop::kStop;
}

void Engine::terminate_epoch(bool skip_epoch_completed) noexcept {
    should_terminate_single_epoch_ = skip_epoch_completed ? Stop::kSkipEvent : Stop::kStop;
}

void Engine::interrupt() noexcept { should_interrupt_ = true; }

bool Engine::is_done() const noexcept { return done(state, state.max_epochs, state.max_iters); }

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

// ---- running -----------------------------------------------------------------------------

State& Engine::run(DataPtr data, std::optional<std::int64_t> max_epochs, std::optional<std::int64_t> epoch_length) {
    return run(std::move(data), RunArgs{max_epochs, std::nullopt, epoch_length});
}

void Engine::check_run_args(const DataPtr& data, const RunArgs& args) {
    // Ignite 0.5.5's max_iters rules come first (engine.py, run()).
    if (args.max_epochs && args.max_iters) {
        throw ValueError(
            "Arguments max_iters and max_epochs are mutually exclusive. Please provide only max_epochs "
            "or max_iters.");
    }
    if (args.max_iters && state.max_epochs) {
        throw ValueError(
            "To switch from max_epochs to max_iters mode during resume, you must first reset by setting "
            "'engine.state.max_epochs = None' before calling run().");
    }
    if (args.max_epochs && state.max_iters) {
        throw ValueError(
            "To switch from max_iters to max_epochs mode during resume, you must first reset by setting "
            "'engine.state.max_iters = None' before calling run().");
    }
    // Ignite 0.5.3: a defined state checks the overrides before deciding to resume.
    if (state.max_epochs && args.max_epochs && *args.max_epochs < state.epoch) {
        throw ValueError(fmt::format(
            "Argument max_epochs should be greater than or equal to the start epoch defined in the state: {} vs {}. "
            "Please, set engine.state.max_epochs = None before calling engine.run() in order to restart the "
            "training from the beginning.",
            *args.max_epochs, state.epoch));
    }
    if (state.max_iters && args.max_iters) {
        if (*args.max_iters < 1) {
            throw ValueError("Argument max_iters is invalid. Please, set a correct max_iters positive value");
        }
        if (*args.max_iters < state.iteration) {
            throw ValueError(fmt::format(
                "Argument max_iters should be greater than or equal to the start iteration defined in the state: {} "
                "vs {}. Please, set engine.state.max_iters = None before calling engine.run() in order to restart "
                "the training from the beginning.",
                *args.max_iters, state.iteration));
        }
    }
    if ((state.max_epochs || state.max_iters) && args.epoch_length && args.epoch_length != state.epoch_length) {
        throw ValueError(fmt::format("Argument epoch_length should be same as in the state, but given {} vs {}",
                                     *args.epoch_length,
                                     state.epoch_length ? std::to_string(*state.epoch_length) : "None"));
    }
    if (new_state_needed(args)) {
        if (!args.epoch_length) {
            if (!data) throw ValueError("epoch_length should be provided if data is None");
            const auto size = data->size();
            if (size && *size < 1) throw ValueError("Input data has zero size. Please provide non-empty data");
        }
    } else if (!state.epoch_length && !data) {
        throw ValueError("epoch_length should be provided if data is None");
    }
}

bool Engine::new_state_needed(const RunArgs& args) const noexcept {
    if (!state.max_epochs && !state.max_iters) return true;
    // The overrides count: a finished engine given a larger max_epochs resumes.
    return done(state, state.max_epochs && args.max_epochs ? args.max_epochs : state.max_epochs,
                state.max_iters && args.max_iters ? args.max_iters : state.max_iters) &&
           !run_task_;
}

State& Engine::run(DataPtr data, const RunArgs& args) {
    check_run_args(data, args);  // everything that can fail, before anything changes
    if (new_state_needed(args)) {
        state.iteration = 0;
        state.epoch = 0;
        state.max_epochs = args.max_iters ? std::nullopt : std::optional<std::int64_t>(args.max_epochs.value_or(1));
        state.max_iters = args.max_iters;
        state.epoch_length = args.epoch_length ? args.epoch_length : data->size();
        run_task_.reset();
    } else {
        if (state.max_epochs && args.max_epochs) state.max_epochs = args.max_epochs;
        if (state.max_iters && args.max_iters) state.max_iters = args.max_iters;
        // Resuming a terminated run: the next epoch counts its iterations from zero.
        if (should_terminate_ != Stop::kNone) init_iter_ = 0;
    }
    if (!dataloader_iter_) state.dataloader = std::move(data);
    return internal_run();
}

State& Engine::internal_run() {
    if (!run_task_) run_task_ = std::make_unique<RunTask>(run_as_coroutine());
    bool finished = false;
    try {
        finished = run_task_->resume();
    } catch (...) {
        // Unlike Ignite (whose dead generator makes the next run() a silent no-op), the
        // next run() starts a fresh loop from the current state.
        run_task_.reset();
        throw;
    }
    if (finished) run_task_.reset();
    return state;
}

void Engine::set_data(DataPtr data) {
    if (!data) throw ValueError("set_data needs a data source; to run without data pass epoch_length to run()");
    state.dataloader = std::move(data);
    dataloader_iter_ = state.dataloader->iter();
}

void Engine::setup_dataloader_iter() {
    if (!state.dataloader) {
        if (!state.epoch_length) {
            throw RuntimeError("Internal error, state.epoch_length is unset while running without data");
        }
        dataloader_iter_ = std::make_shared<NoneIterator>(*state.epoch_length);
    } else {
        dataloader_iter_ = state.dataloader->iter();
    }
}

void Engine::setup_engine() {
    setup_dataloader_iter();
    if (!init_iter_) {
        std::int64_t iteration = state.iteration;
        // The first epoch run counts from where the state says it is inside its epoch.
        if (state.epoch_length) iteration %= *state.epoch_length;
        init_iter_ = iteration;
    }
}

Engine::RunTask Engine::run_as_coroutine() {
    should_terminate_ = should_terminate_single_epoch_ = Stop::kNone;
    should_interrupt_ = false;
    exception_handler_failed_ = false;
    state.times.epoch_completed = 0.0;
    state.times.completed = 0.0;
    const auto start_time = Clock::now();
    try {
        try {
            fire_simple(Event::kStarted);
            IGNITE_CHECKPOINT();

            while (!is_done() && should_terminate_ == Stop::kNone) {
                state.epoch += 1;
                auto handlers_start = Clock::now();
                fire_simple(Event::kEpochStarted);
                double epoch_time = seconds_since(handlers_start);
                IGNITE_CHECKPOINT();

                if (!dataloader_iter_) setup_engine();

                // ---- one epoch over the data (Ignite's _run_once_on_dataset_as_gen) ----
                const auto epoch_start = Clock::now();
                std::int64_t iter_counter = init_iter_.value_or(0);
                init_iter_.reset();
                bool should_exit = false;
                try {
                    if (!dataloader_iter_) throw RuntimeError("Internal error, the data iterator is unset");
                    while (true) {
                        state.batch = c10::IValue();
                        // GET_BATCH_STARTED is not fired twice when the iterator was restarted.
                        if (last_event_ != Event::kDataloaderStopIteration && state.dataloader) {
                            fire_simple(Event::kGetBatchStarted);
                            IGNITE_CHECKPOINT();
                        }
                        if (dataloader_iter_->next(state.batch)) {
                            state.output = c10::IValue();
                            if (state.dataloader) {
                                fire_simple(Event::kGetBatchCompleted);
                                IGNITE_CHECKPOINT();
                            }
                            ++iter_counter;
                            should_exit = false;
                        } else {
                            if (!state.epoch_length) {
                                // A one-pass source of unknown length defines the epoch.
                                state.epoch_length = iter_counter;
                                if (state.max_iters) {
                                    // Ignite 0.5.5: max_epochs = ceil(max_iters / epoch_length).
                                    if (iter_counter == 0) {
                                        throw ValueError(
                                            "max_iters can never be reached: the data yielded no "
                                            "batch, so epoch_length is 0; give non-empty data");
                                    }
                                    state.max_epochs = (*state.max_iters + iter_counter - 1) / iter_counter;
                                }
                                break;
                            }
                            if (should_exit) {
                                if (!is_done() && (state.max_epochs || state.max_iters)) {
                                    const auto total =
                                        state.max_epochs ? *state.epoch_length * *state.max_epochs : *state.max_iters;
                                    const auto msg = fmt::format(
                                        "Data iterator can not provide data anymore but required total number "
                                        "of iterations to run is not reached. Current iteration: {} vs Total "
                                        "iterations to run : {}",
                                        state.iteration, total);
                                    if (warning_handler_) {
                                        warning_handler_(msg);
                                    } else {
                                        std::fprintf(stderr, "UserWarning: %s\n", msg.c_str());
                                    }
                                }
                                break;
                            }
                            if (state.dataloader) {
                                fire_simple(Event::kDataloaderStopIteration);
                                IGNITE_CHECKPOINT();
                            }
                            setup_dataloader_iter();
                            should_exit = true;
                            continue;
                        }

                        state.iteration += 1;
                        fire_simple(Event::kIterationStarted);
                        IGNITE_CHECKPOINT();

                        state.output = process_function_(*this, state.batch);
                        fire_simple(Event::kIterationCompleted);
                        IGNITE_CHECKPOINT();

                        if (state.epoch_length && iter_counter == *state.epoch_length) break;
                        if (state.max_iters && state.iteration == *state.max_iters) [[unlikely]] {
                            should_terminate_ = Stop::kStop;  // Ignite 0.5.5: max_iters reached
                            throw TerminateSignal{};
                        }
                    }
                } catch (const TerminateEpochSignal&) {
                    fire(Event::kTerminateSingleEpoch, FiredEvent{Event::kTerminateSingleEpoch, nullptr, iter_counter});
                    setup_dataloader_iter();
                } catch (const TerminateSignal&) {
                    throw;
                } catch (...) {
                    handle_exception(std::current_exception());
                }
                epoch_time += seconds_since(epoch_start);
                // ---- end of the epoch ----

                state.times.epoch_completed = epoch_time;
                if (should_terminate_single_epoch_ != Stop::kSkipEvent) {
                    handlers_start = Clock::now();
                    fire_simple(Event::kEpochCompleted);
                    epoch_time += seconds_since(handlers_start);
                    state.times.epoch_completed = epoch_time;
                }
                // EPOCH_COMPLETED has fired: the epoch is over, nothing left to terminate.
                should_terminate_single_epoch_ = Stop::kNone;
                IGNITE_CHECKPOINT();
            }
        } catch (const TerminateSignal&) {
            fire_simple(Event::kTerminate);
        } catch (const TerminateEpochSignal&) {
            throw RuntimeError(
                "The method terminate_epoch() should not be called on Event.STARTED or Event.EPOCH_STARTED.");
        }

        double time_taken = seconds_since(start_time);
        state.times.completed = time_taken;
        if (should_terminate_ != Stop::kSkipEvent) {
            const auto handlers_start = Clock::now();
            fire_simple(Event::kCompleted);
            time_taken += seconds_since(handlers_start);
            state.times.completed = time_taken;
        }
    } catch (...) {
        dataloader_iter_.reset();
        handle_exception(std::current_exception());
    }
    dataloader_iter_.reset();
}

// ---- state_dict ----------------------------------------------------------------------------

Dict Engine::state_dict() const {
    auto opt = [](const std::optional<std::int64_t>& v) { return v ? c10::IValue(*v) : c10::IValue(); };
    Dict out;
    out.set("epoch_length", opt(state.epoch_length));
    if (state.max_iters) {
        out.set("iteration", state.iteration);  // Ignite 0.5.5's order
        out.set("max_iters", *state.max_iters);
    } else {
        out.set("max_epochs", opt(state.max_epochs));
        out.set("iteration", state.iteration);
    }
    for (const auto& key : state_dict_user_keys) {
        if (!state.has(key)) {
            throw ValueError(
                fmt::format("state_dict_user_keys names '{}' but engine.state has no such attribute; "
                            "set it (e.g. in a STARTED handler) before calling state_dict()",
                            key));
        }
        out.set(key, state.attr(key));
    }
    return out;
}

void Engine::load_state_dict(const Dict& sd) {
    // Ignite 0.5.5 takes max_iters in place of max_epochs; without either, 0.5.3's message.
    const bool by_max_iters = sd.contains("max_iters");
    if (by_max_iters && sd.contains("max_epochs")) {
        throw ValueError("state_dict should contain exactly one of '('max_epochs', 'max_iters')' keys");
    }
    for (const char* key : {"epoch_length", by_max_iters ? "max_iters" : "max_epochs"}) {
        if (!sd.contains(key)) {
            throw ValueError(
                fmt::format("Required state attribute '{}' is absent in provided state_dict '{}'", key, py_keys(sd)));
        }
    }
    if (sd.contains("iteration") == sd.contains("epoch")) {
        throw ValueError("state_dict should contain only one of '('iteration', 'epoch')' keys");
    }
    for (const auto& key : state_dict_user_keys) {
        if (!sd.contains(key)) {
            throw ValueError(fmt::format("Required user state attribute '{}' is absent in provided state_dict '{}'",
                                         key, py_keys(sd)));
        }
    }
    // Types are checked before anything is assigned.
    const auto max_epochs = by_max_iters ? std::nullopt : optional_int(sd.at("max_epochs"), "max_epochs");
    const auto max_iters = by_max_iters ? optional_int(sd.at("max_iters"), "max_iters") : std::nullopt;
    const auto epoch_length = optional_int(sd.at("epoch_length"), "epoch_length");
    const bool by_iteration = sd.contains("iteration");
    const auto counter =
        optional_int(sd.at(by_iteration ? "iteration" : "epoch"), by_iteration ? "iteration" : "epoch");
    if (!counter || *counter < 0) {
        throw ValueError(
            fmt::format("state_dict['{}'] should be a non-negative integer", by_iteration ? "iteration" : "epoch"));
    }
    if (epoch_length && *epoch_length < 1) {
        throw ValueError(fmt::format("state_dict['epoch_length'] should be positive or None, got {}", *epoch_length));
    }
    if (max_epochs && *max_epochs < 1) {
        throw ValueError(fmt::format("state_dict['max_epochs'] should be positive or None, got {}", *max_epochs));
    }
    if (max_iters) {
        // Ignite 0.5.5's _check_and_set_max_iters, against the iteration being loaded.
        if (*max_iters < 1) {
            throw ValueError("Argument max_iters is invalid. Please, set a correct max_iters positive value");
        }
        const std::int64_t iteration = by_iteration ? *counter : *counter * epoch_length.value_or(0);
        if (*max_iters < iteration) {
            throw ValueError(fmt::format(
                "Argument max_iters should be greater than or equal to the start iteration defined in the state: {} "
                "vs {}. Please, set engine.state.max_iters = None before calling engine.run() in order to restart "
                "the training from the beginning.",
                *max_iters, iteration));
        }
    }

    // Assignment order is Ignite's: its error for `epoch` without epoch_length is raised
    // after max_epochs, epoch_length, user keys and epoch were assigned.
    state.max_epochs = max_epochs;
    state.max_iters = max_iters;
    state.epoch_length = epoch_length;
    for (const auto& key : state_dict_user_keys) state.set(key, sd.at(key));
    if (by_iteration) {
        state.iteration = *counter;
        state.epoch = state.epoch_length ? state.iteration / *state.epoch_length : 0;
    } else {
        state.epoch = *counter;
        if (!state.epoch_length) {
            throw ValueError(fmt::format(
                "If epoch is provided in the state dict, epoch_length should not be None. Input state_dict: {}",
                py_dict(sd)));
        }
        state.iteration = *state.epoch_length * state.epoch;
    }
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
