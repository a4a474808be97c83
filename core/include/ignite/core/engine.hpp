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
/// Semantics follow PyTorch Ignite 0.5.3 (`ignite.engine.Engine`) event for event, plus
/// Ignite 0.5.5's max_iters; the conformance tests replay traces recorded from Ignite
/// itself (tests/fixtures/ignite-traces.json, ignite-engine-edges.json). Deliberate differences
/// (all fixes of plain Ignite bugs) are listed in README.md under "Differences".
///
/// An Engine is single-threaded: run it, and call its methods, from one thread.

#include <ignite/core/data.hpp>
#include <ignite/core/dict.hpp>
#include <ignite/core/errors.hpp>
#include <ignite/core/events.hpp>
#include <ignite/core/state.hpp>
#include <ignite/core/unpack.hpp>

#include <ATen/core/ivalue.h>

#include <array>
#include <concepts>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
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
///
/// The named bands order the participants of a run (metrics, then handlers that act on
/// metrics, loggers, the host, checkpoint) whatever order they register in:
/// `engine.add_event_handler(Events::EPOCH_COMPLETED, Priority::checkpoint, save)`. They are
/// listed once, in the ABI's priority_bands.def (core reads a build-time copy), so a
/// plugin's IGNITE_PRIORITY_<NAME> is the same number. Ignite itself has no bands: a library
/// user who names none gets Ignite's registration order.
struct Priority {
    int value = 0;

#define IGNITE_PRIORITY_BAND(name, core, value, help) static const Priority core;
#include <ignite/core/priority_bands.def>
};
#define IGNITE_PRIORITY_BAND(name, core, value, help) inline constexpr Priority Priority::core{value};
#include <ignite/core/priority_bands.def>

/// Why a run was terminated (Engine::terminate_reason()). Ignite's terminate() carries no
/// reason, so a checkpointer cannot tell a user's Ctrl-C (save: the weights are fine) from a
/// handler that stopped because the loss became NaN (do not save), and a summary line cannot
/// say why a run ended. The reasons are listed once, in the ABI's terminate_reasons.def (core
/// reads a build-time copy), with what each means:
///   none             not terminated;
///   handler          a handler decided to stop (early stopping, a time limit, a plugin);
///                    what terminate() without a reason says;
///   user_signal      the user asked the run to stop (SIGINT, SIGTERM);
///   bad_weights      the weights are not worth keeping (a NaN or infinite loss or parameter);
///   iteration_limit  the run reached its max_iters (RunArgs::max_iters) mid-epoch.
/// The values are fixed (the ABI's IGNITE_TERMINATE_<NAME>); new reasons are only appended.
enum class TerminateReason : int {
#define IGNITE_TERMINATE_REASON(name, core, value, help) core = value,
#include <ignite/core/terminate_reasons.def>
};

/// The reason's name as written in TerminateReason and terminate_reasons.def
/// ("bad_weights"), for logs and summary lines; "unknown" for a value no reason has.
[[nodiscard]] constexpr const char* terminate_reason_name(TerminateReason reason) noexcept {
    switch (reason) {
#define IGNITE_TERMINATE_REASON(name, core, value, help) \
    case TerminateReason::core:                          \
        return #core;
#include <ignite/core/terminate_reasons.def>
    }
    return "unknown";
}

/// What a handler on EXCEPTION_RAISED does to the exception it is given (other events
/// ignore it). kHandles is Ignite's rule: being registered swallows the exception (the
/// run returns normally). kObserves sees the exception without swallowing it: after the
/// dispatch it propagates out of run(), unless a kHandles handler is registered too or an
/// observer calls Engine::mark_exception_handled(). Loggers that only tidy their output
/// observe; the plugin bridge registers every plugin handler as an observer.
enum class ExceptionRole : std::uint8_t { kHandles, kObserves };

/// Watches every handler call of an engine (Engine::set_handler_observer), for profilers:
/// begin() right before a handler runs, end() right after it returns or throws (the
/// exception then goes on as if nobody watched), each with the label the handler was
/// registered under (Engine::label_handlers; "" when none) and the event being dispatched.
/// Nested dispatches (a handler firing an event or running another engine) nest their
/// begin/end pairs inside the outer pair. Both are noexcept: an observer that fails must
/// not change the run it watches.
class HandlerObserver {
public:
    virtual ~HandlerObserver() = default;
    virtual void begin(std::string_view label, const FiredEvent& event) noexcept = 0;
    virtual void end(std::string_view label, const FiredEvent& event) noexcept = 0;

protected:
    HandlerObserver() = default;
    HandlerObserver(const HandlerObserver&) = default;
    HandlerObserver& operator=(const HandlerObserver&) = default;
};

/// What an event passes to its handlers after the engine (Ignite's event arguments):
/// EXCEPTION_RAISED passes the exception, TERMINATE_SINGLE_EPOCH passes iter_counter, every
/// other event (filtered or custom) passes nothing.
enum class EventArgs : std::uint8_t { kNone, kException, kIterCounter };
/// The arguments `event` passes to its handlers.
[[nodiscard]] EventArgs event_args(Event event) noexcept;

namespace detail {
template <typename>
inline constexpr bool kAlwaysFalse = false;

/// A user callable with its bound arguments, shared by every event of one registration.
template <typename Fn, typename... Bound>
struct BoundHandler {
    Fn fn;
    std::tuple<Bound...> args;
};

/// A handler type-erased once per kind of event arguments; an empty slot means the
/// callable cannot take what events of that kind pass (Ignite's _check_signature).
struct AdaptedHandler {
    std::array<HandlerFn, 3> by_args;  ///< indexed by EventArgs
    /// The C++ forms the callable accepts, for the error message.
    std::string_view takes;
};

/// Builds the handler for events passing `kind`. Forms tried in order, `args` being the
/// bound arguments: f(engine, fired_event, args...), then for EXCEPTION_RAISED
/// f(engine, exception_ptr, args...) and f(exception_ptr, args...), for
/// TERMINATE_SINGLE_EPOCH f(engine, iter_counter, args...), then f(engine, args...), and,
/// for events that pass nothing, f(args...). Ignite's rules: a handler without the engine
/// must take what the event passes; f(engine) is accepted everywhere (Ignite binds the
/// event argument to its one parameter).
template <EventArgs kind, typename Fn, typename... B>
HandlerFn handler_for(const std::shared_ptr<BoundHandler<Fn, B...>>& h) {
    auto call = [h](auto&&... lead) { std::apply([&](auto&... a) { h->fn(lead..., a...); }, h->args); };
    if constexpr (std::is_invocable_v<Fn&, Engine&, const FiredEvent&, B&...>) {
        return [call](Engine& e, const FiredEvent& f) { call(e, f); };
    } else if constexpr (kind == EventArgs::kException &&
                         std::is_invocable_v<Fn&, Engine&, const std::exception_ptr&, B&...>) {
        return [call](Engine& e, const FiredEvent& f) { call(e, f.exception); };
    } else if constexpr (kind == EventArgs::kException && std::is_invocable_v<Fn&, const std::exception_ptr&, B&...>) {
        return [call](Engine&, const FiredEvent& f) { call(f.exception); };
    } else if constexpr (kind == EventArgs::kIterCounter && std::is_invocable_v<Fn&, Engine&, std::int64_t, B&...>) {
        return [call](Engine& e, const FiredEvent& f) { call(e, f.iter_counter.value_or(0)); };
    } else if constexpr (std::is_invocable_v<Fn&, Engine&, B&...>) {
        return [call](Engine& e, const FiredEvent&) { call(e); };
    } else if constexpr (kind == EventArgs::kNone && std::is_invocable_v<Fn&, B&...>) {
        return [call](Engine&, const FiredEvent&) { call(); };
    } else {
        return {};
    }
}

template <typename T>
inline constexpr bool kIsStdFunction = false;
template <typename Signature>
inline constexpr bool kIsStdFunction<std::function<Signature>> = true;

/// True for a callable that can be empty and is: a std::function without a target, a null
/// function pointer. Calling one would throw std::bad_function_call or crash mid-run, so the
/// adapters below refuse it when it is given, with a ValueError.
template <typename Fn>
[[nodiscard]] bool is_empty_callable(const Fn& f) noexcept {
    if constexpr (kIsStdFunction<Fn>) {
        return !f;
    } else if constexpr (std::is_pointer_v<Fn> || std::is_member_pointer_v<Fn>) {
        return f == nullptr;
    } else {
        return false;
    }
}

/// Adapts a user callable plus bound arguments to a handler for every kind of event. Every
/// add_event_handler form goes through here, a type-erased HandlerFn included (it takes the
/// FiredEvent, so it fits every event), so the forms accepted with a single event, a list
/// `A | B`, with or without a Priority, are the same for every kind of callable.
/// Fails to compile when it fits no event at all; a form that fits only some events is
/// checked against each event at registration (ValueError). Throws ValueError for an empty
/// callable (is_empty_callable).
template <typename F, typename... Bound>
AdaptedHandler adapt_handler(F&& f, Bound&&... bound) {
    using Fn = std::decay_t<F>;
    if (is_empty_callable(f)) throw ValueError("add_event_handler needs a callable handler, given an empty one");
    using H = BoundHandler<Fn, std::decay_t<Bound>...>;
    auto shared = std::make_shared<H>(H{std::forward<F>(f), {std::forward<Bound>(bound)...}});
    AdaptedHandler out{{handler_for<EventArgs::kNone>(shared), handler_for<EventArgs::kException>(shared),
                        handler_for<EventArgs::kIterCounter>(shared)},
                       {}};
    constexpr bool fired = std::is_invocable_v<Fn&, Engine&, const FiredEvent&, std::decay_t<Bound>&...>;
    constexpr bool engine = std::is_invocable_v<Fn&, Engine&, std::decay_t<Bound>&...>;
    constexpr bool exception = std::is_invocable_v<Fn&, Engine&, const std::exception_ptr&, std::decay_t<Bound>&...> ||
                               std::is_invocable_v<Fn&, const std::exception_ptr&, std::decay_t<Bound>&...>;
    constexpr bool counter = std::is_invocable_v<Fn&, Engine&, std::int64_t, std::decay_t<Bound>&...>;
    constexpr bool bare = std::is_invocable_v<Fn&, std::decay_t<Bound>&...>;
    static_assert(fired || engine || exception || counter || bare,
                  "an event handler must be callable as f(engine, args...), f(engine, const FiredEvent&, "
                  "args...), f(args...), f(engine, std::exception_ptr, args...) (EXCEPTION_RAISED) or "
                  "f(engine, std::int64_t iter_counter, args...) (TERMINATE_SINGLE_EPOCH), args being the "
                  "bound arguments");
    out.takes = fired       ? "(Engine&, const FiredEvent&, args...)"
                : exception ? "(Engine&, std::exception_ptr, args...)"
                : counter   ? "(Engine&, std::int64_t iter_counter, args...)"
                : engine    ? "(Engine&, args...)"
                            : "(args...) without the engine";
    return out;
}

/// f(engine, batch) with batch an IValue, or with one parameter type unpack() produces.
template <typename F>
concept ProcessFunctionLike = std::is_invocable_v<F&, Engine&, const c10::IValue&> ||
    (HasParameterTypes<F>&& CallableTraits<F>::arity == 2 && Unpackable<typename CallableTraits<F>::template Arg<1>> &&
     std::is_invocable_v<F&, Engine&, typename CallableTraits<F>::template Arg<1>>);

/// Adapts a process function returning void, c10::IValue or anything an IValue can be
/// built from (double, int64_t, at::Tensor, std::tuple of tensors, ...). Its batch
/// parameter may be c10::IValue or any type unpack() produces (e.g.
/// std::tuple<at::Tensor, at::Tensor>): the batch is unpacked before the call.
template <typename F>
ProcessFunction adapt_process_function(F&& f) {
    if (is_empty_callable(f)) throw ValueError("Engine must be given a processing function in order to run.");
    return [fn = std::forward<F>(f)](Engine& engine, const c10::IValue& batch) mutable -> c10::IValue {
        auto call = [&]() -> decltype(auto) {
            if constexpr (std::is_invocable_v<std::decay_t<F>&, Engine&, const c10::IValue&>) {
                return fn(engine, batch);
            } else {
                using Batch = typename CallableTraits<std::decay_t<F>>::template Arg<1>;
                return fn(engine, unpack<Batch>(batch, "the batch"));
            }
        };
        using R = decltype(call());
        if constexpr (std::is_void_v<R>) {
            call();
            return {};
        } else {
            return c10::IValue(call());
        }
    };
}
}  // namespace detail

class Engine;

/// What every engine's constructor takes as its process function: a ProcessFunction, or any
/// callable f(Engine&, Batch) returning void, an IValue or a value convertible to one (e.g.
/// `std::make_tuple(y_pred, y)`), Batch being c10::IValue or a type unpack() produces, such as
/// `const std::tuple<at::Tensor, at::Tensor>&` (each batch is unpacked to it first; TypeError
/// naming the batch when it does not fit).
///
/// Why a type and not a constructor template on each engine: Engine and DeterministicEngine
/// (and any engine a user derives) then accept exactly the same forms by construction, where
/// per-class templates drifted apart (DeterministicEngine refused typed batches that Engine
/// took, issue 17 §6). The adaptation happens once, here.
class AnyProcessFunction {
public:
    AnyProcessFunction(ProcessFunction f) noexcept : fn_(std::move(f)) {}  // NOLINT: implicit by design
    template <typename F>
    requires(!std::same_as<std::decay_t<F>, ProcessFunction> && !std::same_as<std::decay_t<F>, AnyProcessFunction> &&
             detail::ProcessFunctionLike<std::decay_t<F>>) AnyProcessFunction(F&& f)  // NOLINT: implicit by design
        : fn_(detail::adapt_process_function(std::forward<F>(f))) {}

    /// The adapted function (empty when an empty ProcessFunction was given).
    [[nodiscard]] ProcessFunction take() && noexcept { return std::move(fn_); }

private:
    ProcessFunction fn_;
};

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
    /// `process_function(engine, batch)` returns the output stored in state.output; every
    /// form AnyProcessFunction lists is accepted (a typed batch such as
    /// `const std::tuple<at::Tensor, at::Tensor>&` included). Throws ValueError when it is
    /// empty.
    explicit Engine(AnyProcessFunction process_function);

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

    /// Registers `handler` on an event (optionally filtered) or on a list of events
    /// (Ignite's add_event_handler). Extra `args` are copied and passed after what the
    /// event passes on every call. The handler must take what each event passes (Ignite's
    /// signature check): f(engine, args...), f(engine, const FiredEvent&, args...) and, for
    /// events that pass nothing, f(args...) fit; EXCEPTION_RAISED also accepts
    /// f(engine, std::exception_ptr, args...) and f(std::exception_ptr, args...),
    /// TERMINATE_SINGLE_EPOCH f(engine, std::int64_t iter_counter, args...). Throws
    /// ValueError, registering nothing, when an event is not registered on this engine,
    /// when a filter is put on an event without a state attribute to count with, or when
    /// the handler cannot take what an event passes (e.g. an exception-taking handler on
    /// ITERATION_COMPLETED, or f() on EXCEPTION_RAISED).
    template <typename F, typename... Args>
    requires(!std::same_as<std::decay_t<F>, Priority>) RemovableEventHandle
        add_event_handler(const EventSpec& event, F&& handler, Args&&... args) {
        return add_event_handler(EventList{event}, Priority{}, std::forward<F>(handler), std::forward<Args>(args)...);
    }
    template <typename F, typename... Args>
    requires(!std::same_as<std::decay_t<F>, Priority>) RemovableEventHandle
        add_event_handler(const EventList& events, F&& handler, Args&&... args) {
        return add_event_handler(events, Priority{}, std::forward<F>(handler), std::forward<Args>(args)...);
    }
    /// Same, with an explicit priority (lower runs first; ties in registration order).
    template <typename F, typename... Args>
    RemovableEventHandle add_event_handler(const EventSpec& event, Priority priority, F&& handler, Args&&... args) {
        return add_event_handler(EventList{event}, priority, std::forward<F>(handler), std::forward<Args>(args)...);
    }
    template <typename F, typename... Args>
    RemovableEventHandle add_event_handler(const EventList& events, Priority priority, F&& handler, Args&&... args) {
        return register_handler(events, priority,
                                detail::adapt_handler(std::forward<F>(handler), std::forward<Args>(args)...),
                                ExceptionRole::kHandles);
    }
    /// The forms above take any callable, a type-erased HandlerFn (`(Engine&, const
    /// FiredEvent&)`, which fits every event) included. This one adds `role` for a HandlerFn
    /// (it matters only for an EXCEPTION_RAISED entry of `events`; the plugin bridge
    /// registers observers with it). Throws ValueError as above, and when `handler` is empty.
    RemovableEventHandle add_event_handler(const EventList& events, Priority priority, HandlerFn handler,
                                           ExceptionRole role = ExceptionRole::kHandles);
    RemovableEventHandle add_event_handler(const EventSpec& event, Priority priority, HandlerFn handler,
                                           ExceptionRole role = ExceptionRole::kHandles) {
        return add_event_handler(EventList{event}, priority, std::move(handler), role);
    }
    /// Ignite's `@engine.on(event)`: the same as add_event_handler.
    template <typename E, typename... Rest>
    RemovableEventHandle on(const E& event, Rest&&... rest) {
        return add_event_handler(event, std::forward<Rest>(rest)...);
    }
    /// Registers `handler` on EXCEPTION_RAISED as an observer: it sees every exception,
    /// which still propagates out of run() (see ExceptionRole::kObserves).
    template <typename F>
    RemovableEventHandle add_exception_observer(Priority priority, F&& handler) {
        return register_handler(EventList{Events::EXCEPTION_RAISED}, priority,
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
    /// Removes registration `id` from every event it is on (all of them at once, e.g.
    /// each event of an `A | B` registration). Throws ValueError when it is on none.
    void remove_event_handler(HandlerId id);

    /// Fires a registered (custom) event now: runs its handlers. Throws ValueError when
    /// the event is not registered on this engine.
    void fire_event(Event event);

    /// Called at the start of every dispatch, before any handler, whether or not handlers
    /// are attached (custom events too). For tracing and debugging; pass {} to remove.
    void set_event_observer(std::function<void(Engine&, const FiredEvent&)> observer);

    /// Restores the label that was current before Engine::label_handlers when it goes.
    class HandlerLabelScope {
    public:
        HandlerLabelScope(const HandlerLabelScope&) = delete;
        HandlerLabelScope& operator=(const HandlerLabelScope&) = delete;
        HandlerLabelScope(HandlerLabelScope&&) = delete;
        HandlerLabelScope& operator=(HandlerLabelScope&&) = delete;
        ~HandlerLabelScope();

    private:
        friend class Engine;
        HandlerLabelScope(Engine& engine, std::string previous) : engine_(engine), previous_(std::move(previous)) {}
        Engine& engine_;
        std::string previous_;
    };
    /// Every handler registered on this engine while the returned scope lives carries
    /// `label` (a plugin's or component's name), which a HandlerObserver is given around
    /// each of its calls: `auto scope = engine.label_handlers("console"); metric->attach(...)`.
    /// A scope, not a parameter, so that a component's handlers registered through library
    /// calls (Metric::attach, a scheduler's attach) are labelled too. Scopes nest.
    [[nodiscard]] HandlerLabelScope label_handlers(std::string label);
    /// Calls `observer` around every handler call of this engine from the next dispatch on
    /// (see HandlerObserver); null removes it. When none is set a dispatch costs one
    /// predictable branch more than without this feature (bench/engine_overhead).
    void set_handler_observer(std::shared_ptr<HandlerObserver> observer) noexcept;
    /// Receives Ignite's UserWarnings (default: printed to stderr as one line).
    void set_warning_handler(std::function<void(const std::string&)> handler);

    /// The last event fired, if any (Ignite's last_event_name).
    [[nodiscard]] std::optional<Event> last_event_name() const;

    // ---- control --------------------------------------------------------------------

    /// Stops the run after the current event: TERMINATE, then COMPLETED (unless
    /// skip_completed). No EPOCH_COMPLETED for the cut epoch. The reason is
    /// TerminateReason::handler: terminate(TerminateReason::handler, skip_completed).
    void terminate(bool skip_completed = false) noexcept;
    /// terminate() saying why: the events are the same whatever the reason; the reason is
    /// what terminate_reason() reports. `TerminateReason::none` counts as `handler` (a
    /// terminate always has a reason).
    void terminate(TerminateReason reason, bool skip_completed = false) noexcept;
    /// Why the current run (or, once run() returned, the last one) was terminated: the FIRST
    /// reason asked since it started, so that a later terminate (e.g. a handler's, once a
    /// NaN loss asked for bad_weights) does not hide why it stopped. `none` when nothing
    /// asked it to terminate. A run reaching RunArgs::max_iters mid-epoch (TERMINATE then
    /// COMPLETED) is `iteration_limit` unless a reason was asked before; one ending at an
    /// epoch's end, or at max_epochs, is not terminated (`none`).
    /// Reset to `none` when a run starts its loop afresh (a new run, or run() after a
    /// terminated run); kept across interrupt() and the run() that resumes it. A terminate
    /// asked outside a run (or in a COMPLETED handler) is reported until the next run starts,
    /// which forgets it, as it forgets should_terminate() (Ignite's rule).
    [[nodiscard]] TerminateReason terminate_reason() const noexcept { return terminate_reason_; }
    /// Ends the current epoch after the current event: TERMINATE_SINGLE_EPOCH, then
    /// EPOCH_COMPLETED (unless skip_epoch_completed); the next epoch starts a new pass.
    void terminate_epoch(bool skip_epoch_completed = false) noexcept;
    /// Returns from run() after the current event (INTERRUPT fires); the next run()
    /// continues exactly where it stopped, mid-epoch.
    void interrupt() noexcept;
    [[nodiscard]] bool should_terminate() const noexcept { return should_terminate_ != Stop::kNone; }

    // ---- running --------------------------------------------------------------------

    /// Runs the process function over `data` (Ignite's run(data, max_epochs, epoch_length)).
    /// `data` null: no data, batches are None and epoch_length is required. Ignite
    /// 0.5.3's rules: a first run, or a run of a finished engine, starts a new state
    /// (max_epochs defaults to 1, epoch_length to data's size; a data source of unknown
    /// size ends the first epoch at its end and that defines epoch_length); an unfinished
    /// engine resumes, and a max_epochs given overrides its state's. A max_epochs or
    /// epoch_length <= 0 is accepted, as in Ignite (nothing to run: STARTED, COMPLETED).
    /// Resuming after terminate() or from load_state_dict() takes `data` (null: no data);
    /// resuming after interrupt() continues the suspended pass whatever `data` is.
    /// Throws ValueError (state unchanged) for no data without epoch_length, data of size
    /// 0, a max_epochs below the current epoch, or an epoch_length different from the
    /// state's (also when the state's is still unknown). Exceptions from the process
    /// function or handlers propagate unless an EXCEPTION_RAISED handler exists.
    State& run(DataPtr data, std::optional<std::int64_t> max_epochs = std::nullopt,
               std::optional<std::int64_t> epoch_length = std::nullopt);
    /// Python's keyword arguments of run(), including Ignite 0.5.5's max_iters:
    /// `engine.run(data, {.max_iters = 500})`.
    struct RunArgs {
        std::optional<std::int64_t> max_epochs{};
        /// Iterations to run in all (Ignite 0.5.5): the run terminates when
        /// state.iteration reaches it (TERMINATE then COMPLETED, unless that is an epoch's
        /// last iteration). Exclusive with max_epochs; state.max_epochs stays unset (or is
        /// ceil(max_iters / epoch_length) once an unknown epoch_length is found).
        std::optional<std::int64_t> max_iters{};
        std::optional<std::int64_t> epoch_length{};
    };
    /// run() with keyword arguments. Besides the errors above, throws ValueError for
    /// max_epochs with max_iters, for resuming a max_epochs state with max_iters (or the
    /// reverse: reset state.max_epochs / state.max_iters to nullopt first), and on resume
    /// for max_iters < 1 or below the current iteration (Ignite 0.5.5's messages).
    State& run(DataPtr data, const RunArgs& args);
    /// Convenience: runs over a vector of batches (Python's list).
    template <typename T>
    State& run(const std::vector<T>& batches, std::optional<std::int64_t> max_epochs = std::nullopt,
               std::optional<std::int64_t> epoch_length = std::nullopt) {
        return run(data::from(batches), max_epochs, epoch_length);
    }
    template <typename T>
    State& run(const std::vector<T>& batches, const RunArgs& args) {
        return run(data::from(batches), args);
    }

    /// Switches data mid-run: the next batch comes from `data`; epoch_length is kept.
    void set_data(DataPtr data);

    /// {"epoch_length", "max_epochs", "iteration", user keys...} as in Ignite 0.5.3 or, when
    /// state.max_iters is set, {"epoch_length", "iteration", "max_iters", user keys...} as
    /// in Ignite 0.5.5. Converts to a LibTorch dict (see Dict) for torch::pickle_save.
    /// Throws ValueError when a user key names an attribute the state does not have.
    [[nodiscard]] virtual Dict state_dict() const;
    /// Restores from a state_dict (Ignite's load_state_dict); a LibTorch dict converts to
    /// Dict. Requires epoch_length, max_epochs or (Ignite 0.5.5) max_iters but not both,
    /// exactly one of iteration / epoch (counts of COMPLETED iterations / epochs), and
    /// every user key. Throws ValueError naming the missing key, for a max_iters < 1 or
    /// below the iteration; nothing is changed then.
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
    RemovableEventHandle register_handler(const EventList& events, Priority priority, detail::AdaptedHandler handler,
                                          ExceptionRole role);

    enum class Stop : std::uint8_t { kNone, kStop, kSkipEvent };
    struct HandlerEntry;
    using HandlerList = std::vector<std::shared_ptr<HandlerEntry>>;
    struct EventSlot;
    class RunTask;

    void fire(EventId id, const FiredEvent& fired);
    void call_handlers_observed(const HandlerList& list, const FiredEvent& fired);
    void fire_simple(EventId id) {
        last_event_ = id;
        if (id < 32 && (dispatch_mask_ & (1u << id)) == 0) return;
        fire(id, FiredEvent{Event(static_cast<Event::Builtin>(id)), nullptr, std::nullopt});
    }
    void update_dispatch_mask() noexcept;
    [[nodiscard]] bool signal_pending() const noexcept {
        return should_terminate_ != Stop::kNone || should_terminate_single_epoch_ != Stop::kNone || should_interrupt_;
    }
    [[nodiscard]] bool is_done() const noexcept;
    void check_run_args(const DataPtr& data, const RunArgs& args);
    [[nodiscard]] bool new_state_needed(const RunArgs& args) const noexcept;
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
    std::shared_ptr<HandlerObserver> handler_observer_;
    std::string handler_label_;  // given to handlers registered now (label_handlers)
    std::function<void(const std::string&)> warning_handler_;
    EventId last_event_ = -1;
    Stop should_terminate_ = Stop::kNone;
    TerminateReason terminate_reason_ = TerminateReason::none;  // the first asked this run
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
