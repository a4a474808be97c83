#pragma once
/// @file engine.hpp
/// ignite::Engine: Ignite's event loop in C++.
///
/// Representation of batches and outputs: c10::IValue. We chose a dynamic value over a
/// typed Engine<Batch, Output> because (1) LibTorch users pass tensors, tuples of
/// tensors and plain numbers without ceremony (IValue converts from all of them), (2)
/// the host must hand batches and outputs to plugins through a C ABI, which needs one
/// runtime representation anyway, and (3) handlers and metrics written once work on
/// every engine. Copying an IValue is a tag copy plus, for tensors, a refcount bump, so
/// the cost per iteration is a few nanoseconds (see bench/engine_overhead).
///
/// Semantics follow PyTorch Ignite 0.5.3 (`ignite.engine.Engine`) event for event; the
/// conformance test replays traces recorded from Ignite itself. Deliberate differences
/// (all fixes of plain Ignite bugs) are listed in README.md under "Differences".
///
/// An Engine is single-threaded: run it, and call its methods, from one thread.

#include <ignite/core/data.hpp>
#include <ignite/core/dict.hpp>
#include <ignite/core/errors.hpp>
#include <ignite/core/events.hpp>
#include <ignite/core/state.hpp>

#include <ATen/core/ivalue.h>

#include <concepts>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace ignite {

/// Identity of one add_event_handler() call. C++ callables have no identity of their
/// own, so has_event_handler / remove_event_handler take this id (or the handle).
using HandlerId = std::uint64_t;

/// What is known about the event being dispatched; handlers may take it as their
/// second parameter: `[](Engine& e, const FiredEvent& ev) { ... }`.
struct FiredEvent {
    Event event;
    /// EXCEPTION_RAISED: the exception being handled (Ignite passes it as an argument).
    std::exception_ptr exception;
    /// TERMINATE_SINGLE_EPOCH: iterations done in the cut epoch (Ignite's iter_counter).
    std::optional<std::int64_t> iter_counter;
};

/// The type-erased form every handler is stored as.
using HandlerFn = std::function<void(Engine&, const FiredEvent&)>;
/// The type-erased process function: (engine, batch) -> output.
using ProcessFunction = std::function<c10::IValue(Engine&, const c10::IValue&)>;

/// Handler order: lower runs first, ties in registration order. Default 0, so an engine
/// whose handlers set no priority behaves exactly like Ignite (registration order).
struct Priority {
    int value = 0;
};

/// What a handler on EXCEPTION_RAISED does to the exception it is given (other events
/// ignore it). kHandles is Ignite's rule: being registered swallows the exception (the
/// run returns normally). kObserves sees the exception without swallowing it: after the
/// dispatch it propagates out of run(), unless a kHandles handler is registered too or an
/// observer calls Engine::mark_exception_handled(). Loggers that only tidy their output
/// observe; the plugin bridge registers every plugin handler as an observer.
enum class ExceptionRole : std::uint8_t { kHandles, kObserves };

namespace detail {
template <typename>
inline constexpr bool kAlwaysFalse = false;

/// Adapts a user callable plus bound arguments to HandlerFn. Accepted signatures, tried
/// in this order: f(engine, fired_event, args...), f(engine, exception_ptr, args...),
/// f(exception_ptr, args...), f(engine, args...), f(args...). The exception_ptr is set
/// for EXCEPTION_RAISED and null otherwise.
template <typename F, typename... Bound>
HandlerFn adapt_handler(F&& f, Bound&&... bound) {
    return [fn = std::forward<F>(f), ... args = std::forward<Bound>(bound)](
               Engine& engine, const FiredEvent& fired) mutable {
        using Fn = std::decay_t<F>;
        if constexpr (std::is_invocable_v<Fn&, Engine&, const FiredEvent&, std::decay_t<Bound>&...>) {
            fn(engine, fired, args...);
        } else if constexpr (std::is_invocable_v<Fn&, Engine&, const std::exception_ptr&,
                                                 std::decay_t<Bound>&...>) {
            fn(engine, fired.exception, args...);
        } else if constexpr (std::is_invocable_v<Fn&, const std::exception_ptr&, std::decay_t<Bound>&...> &&
                             !std::is_invocable_v<Fn&, std::decay_t<Bound>&...>) {
            fn(fired.exception, args...);
        } else if constexpr (std::is_invocable_v<Fn&, Engine&, std::decay_t<Bound>&...>) {
            fn(engine, args...);
        } else if constexpr (std::is_invocable_v<Fn&, std::decay_t<Bound>&...>) {
            fn(args...);
        } else {
            static_assert(kAlwaysFalse<F>,
                          "an event handler must be callable as f(engine, args...), "
                          "f(engine, const FiredEvent&, args...) or f(args...)");
        }
    };
}

/// Adapts a process function returning void, c10::IValue or anything an IValue can be
/// built from (double, int64_t, at::Tensor, std::tuple of tensors, ...).
template <typename F>
ProcessFunction adapt_process_function(F&& f) {
    return [fn = std::forward<F>(f)](Engine& engine, const c10::IValue& batch) mutable -> c10::IValue {
        using R = std::invoke_result_t<std::decay_t<F>&, Engine&, const c10::IValue&>;
        if constexpr (std::is_void_v<R>) {
            fn(engine, batch);
            return {};
        } else {
            return c10::IValue(fn(engine, batch));
        }
    };
}
}  // namespace detail

class Engine;

/// Removes a registration made by add_event_handler (Ignite's RemovableEventHandle).
/// Copyable; does not remove anything by itself going out of scope (wrap it in a
/// ScopedEventHandle for that). Safe to use after the engine is destroyed: it does
/// nothing then.
class RemovableEventHandle {
public:
    RemovableEventHandle() = default;
    /// Removes the handler from every event of the registration it still is on.
    void remove();
    [[nodiscard]] HandlerId id() const noexcept { return id_; }
    [[nodiscard]] const EventList& events() const noexcept { return events_; }

private:
    friend class Engine;
    RemovableEventHandle(std::weak_ptr<Engine*> engine, HandlerId id, EventList events)
        : engine_(std::move(engine)), id_(id), events_(std::move(events)) {}
    std::weak_ptr<Engine*> engine_;
    HandlerId id_ = 0;
    EventList events_;
};

/// RAII form of RemovableEventHandle (Ignite's `with engine.add_event_handler(...)`):
/// removes the handler when it goes out of scope. Movable, not copyable.
class ScopedEventHandle {
public:
    ScopedEventHandle() = default;
    explicit ScopedEventHandle(RemovableEventHandle h) : handle_(std::move(h)), armed_(true) {}
    ScopedEventHandle(ScopedEventHandle&& o) noexcept : handle_(std::move(o.handle_)), armed_(o.armed_) {
        o.armed_ = false;
    }
    ScopedEventHandle& operator=(ScopedEventHandle&& o) noexcept;
    ScopedEventHandle(const ScopedEventHandle&) = delete;
    ScopedEventHandle& operator=(const ScopedEventHandle&) = delete;
    ~ScopedEventHandle();
    [[nodiscard]] const RemovableEventHandle& handle() const noexcept { return handle_; }

private:
    RemovableEventHandle handle_;
    bool armed_ = false;
};

/// Runs a process function over data, firing events as it goes (Ignite's Engine).
/// Not copyable or movable: handlers hold references to it.
class Engine {
public:
    /// `process_function(engine, batch)` returns the output stored in state.output.
    /// Throws ValueError when it is empty.
    explicit Engine(ProcessFunction process_function);
    /// Accepts any callable f(Engine&, const c10::IValue&) returning void, an IValue or a
    /// value convertible to one.
    template <typename F>
        requires(!std::same_as<std::decay_t<F>, ProcessFunction> &&
                 std::is_invocable_v<std::decay_t<F>&, Engine&, const c10::IValue&>)
    explicit Engine(F&& process_function)
        : Engine(detail::adapt_process_function(std::forward<F>(process_function))) {}

    virtual ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;
    Engine(Engine&&) = delete;
    Engine& operator=(Engine&&) = delete;

    /// The state (Ignite's engine.state). Handlers may read and write it.
    State state;
    /// Names of user state attributes that state_dict() saves and load_state_dict()
    /// requires (Ignite's engine.state_dict_user_keys).
    std::vector<std::string> state_dict_user_keys;

    // ---- events ---------------------------------------------------------------------

    /// Allows custom events on this engine (Ignite's register_events). `event_to_attr`
    /// maps an event to the state attribute its filters count with; each such
    /// attribute is created as int 0 if absent. Re-registering an event is allowed.
    void register_events(const std::vector<Event>& events,
                         const std::vector<std::pair<Event, std::string>>& event_to_attr = {});
    /// True when `event` may be fired/handled on this engine.
    [[nodiscard]] bool has_registered_events(Event event) const noexcept;
    [[nodiscard]] bool has_registered_events(std::string_view event_name) const;

    /// Registers `handler` on an event (optionally filtered) or on a list of events.
    /// Extra `args` are copied and passed after the engine on every call. Throws
    /// ValueError when an event is not registered on this engine, or when a filter is
    /// put on an event that has no state attribute to count with.
    template <typename F, typename... Args>
        requires(!std::same_as<std::decay_t<F>, Priority>)
    RemovableEventHandle add_event_handler(const EventSpec& event, F&& handler, Args&&... args) {
        return add_handler_impl(EventList{event}, Priority{},
                                detail::adapt_handler(std::forward<F>(handler), std::forward<Args>(args)...));
    }
    template <typename F, typename... Args>
        requires(!std::same_as<std::decay_t<F>, Priority>)
    RemovableEventHandle add_event_handler(const EventList& events, F&& handler, Args&&... args) {
        return add_handler_impl(events, Priority{},
                                detail::adapt_handler(std::forward<F>(handler), std::forward<Args>(args)...));
    }
    /// Same, with an explicit priority (lower runs first; ties in registration order).
    template <typename F, typename... Args>
    RemovableEventHandle add_event_handler(const EventSpec& event, Priority priority, F&& handler,
                                           Args&&... args) {
        return add_handler_impl(EventList{event}, priority,
                                detail::adapt_handler(std::forward<F>(handler), std::forward<Args>(args)...));
    }
    template <typename F, typename... Args>
    RemovableEventHandle add_event_handler(const EventList& events, Priority priority, F&& handler,
                                           Args&&... args) {
        return add_handler_impl(events, priority,
                                detail::adapt_handler(std::forward<F>(handler), std::forward<Args>(args)...));
    }
    /// Ignite's `@engine.on(event)`: the same as add_event_handler.
    template <typename E, typename... Rest>
    RemovableEventHandle on(const E& event, Rest&&... rest) {
        return add_event_handler(event, std::forward<Rest>(rest)...);
    }
    /// Registers an already type-erased handler (used by the plugin bridge). `role`
    /// matters only for an EXCEPTION_RAISED entry of `events`.
    RemovableEventHandle add_handler_impl(const EventList& events, Priority priority, HandlerFn fn,
                                          ExceptionRole role = ExceptionRole::kHandles);
    /// Registers `handler` on EXCEPTION_RAISED as an observer: it sees every exception,
    /// which still propagates out of run() (see ExceptionRole::kObserves).
    template <typename F>
    RemovableEventHandle add_exception_observer(Priority priority, F&& handler) {
        return add_handler_impl(EventList{Events::EXCEPTION_RAISED}, priority,
                                detail::adapt_handler(std::forward<F>(handler)), ExceptionRole::kObserves);
    }
    /// From an observer, during an EXCEPTION_RAISED dispatch of this engine: the exception
    /// counts as handled (swallowed, as by a kHandles handler) once the dispatch ends.
    /// Throws RuntimeError outside such a dispatch.
    void mark_exception_handled();

    /// True when registration `id` is on `event` (any filter), or on any event if none.
    [[nodiscard]] bool has_event_handler(HandlerId id, std::optional<Event> event = std::nullopt) const;
    [[nodiscard]] bool has_event_handler(HandlerId id, std::string_view event_name) const;
    [[nodiscard]] bool has_event_handler(const RemovableEventHandle& h,
                                         std::optional<Event> event = std::nullopt) const {
        return has_event_handler(h.id(), event);
    }
    /// Removes every entry of registration `id` on `event`. Throws ValueError when the
    /// event is not registered or the handler is not on it. A handler removed while its
    /// event is being dispatched still runs in that dispatch (Ignite iterates a snapshot).
    void remove_event_handler(HandlerId id, Event event);

    /// Fires a registered (custom) event now: runs its handlers. Throws ValueError when
    /// the event is not registered on this engine.
    void fire_event(Event event);

    /// Called at the start of every dispatch, before any handler, whether or not handlers
    /// are attached (custom events too). For tracing and debugging; pass {} to remove.
    void set_event_observer(std::function<void(Engine&, const FiredEvent&)> observer);
    /// Receives Ignite's UserWarnings (default: printed to stderr as one line).
    void set_warning_handler(std::function<void(const std::string&)> handler);

    /// The last event fired, if any (Ignite's last_event_name).
    [[nodiscard]] std::optional<Event> last_event_name() const;

    // ---- control --------------------------------------------------------------------

    /// Stops the run after the current event: TERMINATE, then COMPLETED (unless
    /// skip_completed). No EPOCH_COMPLETED for the cut epoch.
    void terminate(bool skip_completed = false) noexcept;
    /// Ends the current epoch after the current event: TERMINATE_SINGLE_EPOCH, then
    /// EPOCH_COMPLETED (unless skip_epoch_completed); the next epoch starts a new pass.
    void terminate_epoch(bool skip_epoch_completed = false) noexcept;
    /// Returns from run() after the current event (INTERRUPT fires); the next run()
    /// continues exactly where it stopped, mid-epoch.
    void interrupt() noexcept;
    [[nodiscard]] bool should_terminate() const noexcept { return should_terminate_ != Stop::kNone; }

    // ---- running --------------------------------------------------------------------

    /// Runs the process function over `data` (null: no data; epoch_length required).
    /// Ignite's rules: a first run, or a run of a finished engine, starts a new state
    /// (max_epochs defaults to 1, epoch_length to data's size); an unfinished engine
    /// resumes, and arguments given override its state. Throws ValueError for
    /// max_epochs or epoch_length < 1, max_epochs below the current epoch, an
    /// epoch_length different from the state's, or empty data. Exceptions from the
    /// process function or handlers propagate unless an EXCEPTION_RAISED handler exists.
    State& run(DataPtr data, std::optional<std::int64_t> max_epochs = std::nullopt,
               std::optional<std::int64_t> epoch_length = std::nullopt);
    /// Convenience: runs over a vector of batches (Python's list).
    template <typename T>
    State& run(const std::vector<T>& batches, std::optional<std::int64_t> max_epochs = std::nullopt,
               std::optional<std::int64_t> epoch_length = std::nullopt) {
        return run(data::from(batches), max_epochs, epoch_length);
    }

    /// Switches data mid-run: the next batch comes from `data`; epoch_length is kept.
    void set_data(DataPtr data);

    /// {"epoch_length", "max_epochs", "iteration", user keys...}. Throws ValueError when a
    /// user key names an attribute the state does not have.
    [[nodiscard]] virtual Dict state_dict() const;
    /// Restores from a state_dict (Ignite's load_state_dict). Requires epoch_length and
    /// max_epochs, exactly one of iteration / epoch (counts of COMPLETED iterations /
    /// epochs), and every user key. Throws ValueError naming the missing key.
    void load_state_dict(const Dict& state_dict);

protected:
    // Hooks for engines that control how the data iterator is set up (Ignite's
    // DeterministicEngine overrides _setup_engine).
    /// Ignite's _setup_engine: called when an epoch starts and no data iterator is set (the
    /// first epoch of a run() call). Sets the iterator and the first epoch's counter.
    virtual void setup_engine();
    /// The iterator the run loop takes batches from (Ignite's _dataloader_iter).
    void set_dataloader_iter(std::shared_ptr<DataIterator> iter) noexcept { dataloader_iter_ = std::move(iter); }
    /// Iterations already done in the epoch the run loop enters next (Ignite's _init_iter).
    void set_init_iter(std::optional<std::int64_t> iterations) noexcept { init_iter_ = iterations; }

private:
    enum class Stop : std::uint8_t { kNone, kStop, kSkipEvent };
    struct HandlerEntry;
    using HandlerList = std::vector<std::shared_ptr<HandlerEntry>>;
    struct EventSlot;
    class RunTask;

    void fire(EventId id, const FiredEvent& fired);
    void fire_simple(EventId id) {
        last_event_ = id;
        if (id < 32 && (dispatch_mask_ & (1u << id)) == 0) return;
        fire(id, FiredEvent{Event(static_cast<Event::Builtin>(id)), nullptr, std::nullopt});
    }
    void update_dispatch_mask() noexcept;
    [[nodiscard]] bool signal_pending() const noexcept {
        return should_terminate_ != Stop::kNone || should_terminate_single_epoch_ != Stop::kNone ||
               should_interrupt_;
    }
    [[nodiscard]] bool is_done() const noexcept;
    [[nodiscard]] std::int64_t event_value(const HandlerEntry& h) const;
    void handle_exception(std::exception_ptr e);
    void setup_dataloader_iter();
    State& internal_run();
    RunTask run_as_coroutine();
    EventSlot& slot(EventId id);
    [[nodiscard]] const EventSlot* find_slot(EventId id) const noexcept;

    ProcessFunction process_function_;
    std::vector<EventSlot> slots_;
    std::uint32_t dispatch_mask_ = 0;  // built-in events that need a dispatch (handlers/observer)
    std::uint64_t next_handler_id_ = 1;
    std::uint64_t next_seq_ = 0;
    int dispatch_depth_ = 0;
    std::vector<std::unique_ptr<HandlerList>> retired_lists_;
    std::function<void(Engine&, const FiredEvent&)> observer_;
    std::function<void(const std::string&)> warning_handler_;
    EventId last_event_ = -1;
    Stop should_terminate_ = Stop::kNone;
    Stop should_terminate_single_epoch_ = Stop::kNone;
    bool should_interrupt_ = false;
    bool exception_handler_failed_ = false;
    // An EXCEPTION_RAISED dispatch is under way / an observer asked to swallow it.
    bool in_exception_dispatch_ = false;
    bool exception_marked_handled_ = false;
    std::shared_ptr<DataIterator> dataloader_iter_;
    std::optional<std::int64_t> init_iter_;
    std::unique_ptr<RunTask> run_task_;
    std::shared_ptr<Engine*> self_token_;
};

}  // namespace ignite
