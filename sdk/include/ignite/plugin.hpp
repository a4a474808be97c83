// Ignite C++ plugin SDK: header-only C++17 layer over plugin.h that reads like core.
//
// A plugin author derives from ignite::sdk::Plugin, describes the plugin with a fluent
// PluginSpec, and registers handlers on engines the way core's Engine does. Every exception
// thrown by plugin code is caught at the ABI boundary and turned into a status + message
// (no exception ever crosses into the host). Versioned inline namespace: a future v2 can
// live beside v1 in the same process.
//
//   using namespace ignite::sdk;
//   class Hello : public Plugin {
//       void init(Host& host) override {
//           Engine trainer = host.require_engine("trainer");
//           trainer.on(Events::ITERATION_COMPLETED.every(host.option_int("every")),
//                      [&host](Engine&, const EventInfo& ev) {
//                          host.log(IGNITE_LOG_INFO, "epoch " + std::to_string(ev.epoch) + " iteration " +
//                                                        std::to_string(ev.iteration));
//                      });
//           trainer.on(Events::COMPLETED | Events::TERMINATE, [] { /* flush */ });
//       }
//   };
//   IGNITE_SDK_PLUGIN(Hello, PluginSpec("hello").version("1.0").description("Says hello")
//                                .option(Option::integer("every", 10).min(1).help("how often")))
//
// The host validates options against the spec (ranges, choices, lists) before init, so
// init reads them without checking again. Handlers take what core's take: (), (Engine&),
// (Engine&, const EventInfo&), or (Engine&, std::exception_ptr) on EXCEPTION_RAISED.
//
// Metrics: derive from ignite::sdk::Metric and add a MetricSpec per metric name; the host
// attaches them by name (`ignite-host train --metric NAME`):
//
//   class Count : public Metric { ... reset/update/compute/statistics/load_statistics ... };
//   IGNITE_SDK_PLUGIN(Mine, PluginSpec("mine").version("1.0").description("My metrics")
//       .metric(MetricSpec("count", [](Plugin&) { return std::make_unique<Count>(); }).help("samples seen")))
//
// Plugins that link LibTorch view the borrowed DLPack tensors as at::Tensor with
// <ignite/plugin_torch.hpp>.
#pragma once

#include <ignite/plugin.h>
#include <ignite/plugin_text.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ignite::sdk {
inline namespace v1 {

/// A failed host call, carrying the host's status and message. Thrown by the wrappers
/// below; caught by the boundary trampolines, so plugin code may let it propagate (or
/// throw one itself to fail with a specific status).
class Error : public std::runtime_error {
public:
    Error(ignite_status status, const std::string& message) : std::runtime_error(message), status_(status) {}
    [[nodiscard]] ignite_status status() const noexcept { return status_; }

private:
    ignite_status status_;
};

/// The exception an engine raised, as the host describes it ("Kind: message"): what an
/// EXCEPTION_RAISED handler taking std::exception_ptr receives.
class RunError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Engine;
class Host;

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

namespace detail {
template <typename>
inline constexpr bool kAlwaysFalse = false;

// Wraps f, taking (), (Engine&), (Engine&, const EventInfo&) or (Engine&, std::exception_ptr).
template <typename F>
Handler adapt_handler(F&& f) {
    using Fn = std::decay_t<F>;
    if constexpr (std::is_invocable_v<Fn&, Engine&, const EventInfo&>) {
        return Handler(std::forward<F>(f));
    } else if constexpr (std::is_invocable_v<Fn&, Engine&, std::exception_ptr>) {
        return [g = Fn(std::forward<F>(f))](Engine& e, const EventInfo& info) mutable { g(e, info.exception()); };
    } else if constexpr (std::is_invocable_v<Fn&, Engine&>) {
        return [g = Fn(std::forward<F>(f))](Engine& e, const EventInfo&) mutable { g(e); };
    } else if constexpr (std::is_invocable_v<Fn&>) {
        return [g = Fn(std::forward<F>(f))](Engine&, const EventInfo&) mutable { g(); };
    } else {
        static_assert(kAlwaysFalse<F>,
                      "a handler takes (), (Engine&), (Engine&, const EventInfo&) or "
                      "(Engine&, std::exception_ptr)");
    }
}
}  // namespace detail

/// A view of a host engine: its state, metrics, output, optimizer, and handler
/// registration. Cheap to copy; valid while the plugin's Host is. Getters named try_*
/// and those returning std::optional never throw (for probing); the others throw Error.
class Engine {
public:
    Engine(ignite_engine* engine, Host* host) : engine_(engine), host_(host) {}

    [[nodiscard]] ignite_engine* raw() const noexcept { return engine_; }
    [[nodiscard]] Host& host() const noexcept { return *host_; }
    [[nodiscard]] std::string name() const;

    // ---- handlers (core's engine.add_event_handler) ----

    /// Registers `fn` on `events` (one spec, or several joined with |). Returns the id
    /// remove() takes. Throws Error (e.g. IGNITE_ERR_NOT_FOUND for an event not on this engine).
    template <typename F>
    ignite_handler_id on(const EventList& events, F&& fn, std::int32_t priority = 0) const;
    template <typename F>
    ignite_handler_id on(const EventList& events, Priority priority, F&& fn) const {
        return on(events, std::forward<F>(fn), priority.value);
    }
    /// Removes a registration from every event it was on.
    void remove(ignite_handler_id id) const;
    /// Declares "<plugin>.<name>" on this engine; `state_attr` (optional) is what filters count.
    [[nodiscard]] EventSpec register_event(const char* name, const char* state_attr = nullptr) const;
    /// Runs the handlers of `event` now.
    void fire(const EventSpec& event) const;

    // ---- state ----

    [[nodiscard]] std::int64_t epoch() const { return state_int(IGNITE_STATE_EPOCH); }
    [[nodiscard]] std::int64_t iteration() const { return state_int(IGNITE_STATE_ITERATION); }
    /// nullopt while not set (before the first run / while the epoch length is unknown).
    [[nodiscard]] std::optional<std::int64_t> max_epochs() const noexcept {
        return try_state_int(IGNITE_STATE_MAX_EPOCHS);
    }
    [[nodiscard]] std::optional<std::int64_t> epoch_length() const noexcept {
        return try_state_int(IGNITE_STATE_EPOCH_LENGTH);
    }

    [[nodiscard]] std::int64_t state_int(const char* name) const {
        std::int64_t v = 0;
        check(api()->state_int(engine_, name, &v), name);
        return v;
    }
    [[nodiscard]] double state_double(const char* name) const {
        double v = 0;
        check(api()->state_double(engine_, name, &v), name);
        return v;
    }
    [[nodiscard]] std::string state_string(const char* name) const {
        const char* v = nullptr;
        check(api()->state_string(engine_, name, &v), name);
        return v ? v : "";
    }
    /// The attribute, or nullopt when it is missing, of another type or not set yet.
    [[nodiscard]] std::optional<std::int64_t> try_state_int(const char* name) const noexcept {
        std::int64_t v = 0;
        return api()->state_int(engine_, name, &v) == IGNITE_OK ? std::optional<std::int64_t>(v) : std::nullopt;
    }
    [[nodiscard]] std::optional<double> try_state_double(const char* name) const noexcept {
        double v = 0;
        return api()->state_double(engine_, name, &v) == IGNITE_OK ? std::optional<double>(v) : std::nullopt;
    }
    [[nodiscard]] std::optional<std::string> try_state_string(const char* name) const {
        const char* v = nullptr;
        return api()->state_string(engine_, name, &v) == IGNITE_OK ? std::optional<std::string>(v ? v : "")
                                                                   : std::nullopt;
    }
    void set_state(const char* name, std::int64_t v) const { check(api()->set_state_int(engine_, name, v), name); }
    void set_state(const char* name, int v) const { set_state(name, static_cast<std::int64_t>(v)); }
    void set_state(const char* name, double v) const { check(api()->set_state_double(engine_, name, v), name); }
    void set_state(const char* name, const std::string& v) const {
        check(api()->set_state_string(engine_, name, v.c_str()), name);
    }
    /// Seconds recorded in state.times ("EPOCH_COMPLETED" / "COMPLETED"); nullopt if unset.
    [[nodiscard]] std::optional<double> time(const char* key) const noexcept {
        double v = 0;
        return api()->state_time(engine_, key, &v) == IGNITE_OK ? std::optional<double>(v) : std::nullopt;
    }

    // ---- metrics ----

    /// Metric names in order.
    [[nodiscard]] std::vector<std::string> metric_names() const {
        std::size_t n = 0;
        check(api()->metric_count(engine_, &n), "metrics");
        std::vector<std::string> out;
        for (std::size_t i = 0; i < n; ++i) {
            const char* name = nullptr;
            check(api()->metric_name(engine_, i, &name), "metrics");
            out.emplace_back(name);
        }
        return out;
    }
    /// A metric's number; nullopt when absent or not a number (a matrix).
    [[nodiscard]] std::optional<double> metric(const std::string& name) const noexcept {
        double v = 0;
        return api()->metric_double(engine_, name.c_str(), &v) == IGNITE_OK ? std::optional<double>(v) : std::nullopt;
    }
    /// Whether a metric `name` is attached (ABI 1.5: has_metric), e.g. checked at init.
    [[nodiscard]] bool has_metric(const std::string& name) const {
        if (!IGNITE_API_HAS(api(), ignite_host_api, has_metric))
            throw Error(IGNITE_ERR_UNSUPPORTED, "this host is too old for has_metric");
        std::int32_t out = 0;
        check(api()->has_metric(engine_, name.c_str(), &out), name.c_str());
        return out != 0;
    }
    void set_metric(const std::string& name, double v) const {
        check(api()->set_metric_double(engine_, name.c_str(), v), name.c_str());
    }

    // ---- output and batch ----

    /// state.output (which = IGNITE_VALUE_OUTPUT) or state.batch (IGNITE_VALUE_BATCH):
    /// number of elements (0 None, 1 single, n tuple).
    [[nodiscard]] std::size_t value_count(int which = IGNITE_VALUE_OUTPUT) const {
        std::size_t n = 0;
        check(api()->value_count(engine_, which, &n), "value_count");
        return n;
    }
    /// Element `index` as a number; nullopt when there is none or it is not a number.
    [[nodiscard]] std::optional<double> value_double(int which = IGNITE_VALUE_OUTPUT,
                                                     std::size_t index = 0) const noexcept {
        double v = 0;
        return api()->value_double(engine_, which, index, &v) == IGNITE_OK ? std::optional<double>(v) : std::nullopt;
    }
    /// state.output when it is one number (a scalar or a one-element tensor; reading a CUDA
    /// tensor synchronises the device); nullopt for None, a tuple or a larger tensor.
    [[nodiscard]] std::optional<double> output_number() const noexcept {
        std::size_t n = 0;
        if (api()->value_count(engine_, IGNITE_VALUE_OUTPUT, &n) != IGNITE_OK || n != 1) return std::nullopt;
        return value_double(IGNITE_VALUE_OUTPUT, 0);
    }
    /// Element `index` as a DLPack tensor BORROWED until the callback returns.
    [[nodiscard]] DLManagedTensor* borrow_tensor(int which = IGNITE_VALUE_OUTPUT, std::size_t index = 0) const {
        DLManagedTensor* t = nullptr;
        check(api()->value_tensor(engine_, which, index, &t), "value_tensor");
        return t;
    }
    /// An owned tensor, released by the returned unique_ptr's deleter.
    [[nodiscard]] std::unique_ptr<DLManagedTensor, void (*)(DLManagedTensor*)> keep_tensor(
        int which = IGNITE_VALUE_OUTPUT, std::size_t index = 0) const {
        DLManagedTensor* t = nullptr;
        check(api()->keep_tensor(engine_, which, index, &t), "keep_tensor");
        return {t, [](DLManagedTensor* m) {
                    if (m && m->deleter) m->deleter(m);
                }};
    }

    // ---- optimizer (ABI 1.2) ----

    /// Parameter groups of the engine's optimizer; 0 without one or on a host before 1.2.
    [[nodiscard]] std::size_t param_group_count() const noexcept {
        std::size_t n = 0;
        if (!IGNITE_API_HAS(api(), ignite_host_api, param_group_count)) return 0;
        return api()->param_group_count(engine_, &n) == IGNITE_OK ? n : 0;
    }
    /// `key` (IGNITE_PARAM_LR, ...) of group `group`; nullopt when absent.
    [[nodiscard]] std::optional<double> param_group(std::size_t group, const char* key) const noexcept {
        double v = 0;
        if (!IGNITE_API_HAS(api(), ignite_host_api, param_group_double)) return std::nullopt;
        return api()->param_group_double(engine_, group, key, &v) == IGNITE_OK ? std::optional<double>(v)
                                                                               : std::nullopt;
    }
    /// Writes `key` of group `group` (a scheduler); throws Error.
    void set_param_group(std::size_t group, const char* key, double value) const {
        if (!IGNITE_API_HAS(api(), ignite_host_api, set_param_group_double))
            throw Error(IGNITE_ERR_UNSUPPORTED, "this host predates ABI 1.2: it has no set_param_group_double");
        check(api()->set_param_group_double(engine_, group, key, value), key);
    }

    // ---- control ----

    void terminate() const { check(api()->terminate(engine_), "terminate"); }
    void terminate_epoch() const { check(api()->terminate_epoch(engine_), "terminate_epoch"); }

private:
    [[nodiscard]] const ignite_host_api* api() const noexcept;
    void check(ignite_status s, const char* what) const {
        if (s != IGNITE_OK) {
            const char* msg = api()->last_error(nullptr);
            throw Error(s, msg && *msg ? std::string(msg) : std::string("host call failed: ") + what);
        }
    }
    ignite_engine* engine_;
    Host* host_;
};

/// The host as a plugin sees it. Owns the plugin's handler closures; every callback the
/// SDK registers reaches it through its user data.
class Host {
public:
    Host(ignite_host* host, const ignite_host_api* api) : host_(host), api_(api) {}
    Host(const Host&) = delete;
    Host& operator=(const Host&) = delete;

    [[nodiscard]] const ignite_host_api* api() const noexcept { return api_; }
    [[nodiscard]] ignite_host* raw() const noexcept { return host_; }

    /// The engine named `name`, or nullopt when the host runs none by that name.
    [[nodiscard]] std::optional<Engine> engine(const char* name) noexcept {
        ignite_engine* e = api_->engine(host_, name);
        return e ? std::optional<Engine>(Engine(e, this)) : std::nullopt;
    }
    /// The engine named `name`; throws Error(IGNITE_ERR_NOT_FOUND) when the host runs none.
    [[nodiscard]] Engine require_engine(const char* name) {
        if (auto e = engine(name)) return *e;
        throw Error(IGNITE_ERR_NOT_FOUND, std::string("this host runs no '") + name + "' engine");
    }

    /// Options, validated by the host against the PluginSpec (defaults applied).
    [[nodiscard]] bool option_bool(const char* name) const {
        std::int32_t v = 0;
        check(api_->option_bool(host_, name, &v));
        return v != 0;
    }
    [[nodiscard]] std::int64_t option_int(const char* name) const {
        std::int64_t v = 0;
        check(api_->option_int(host_, name, &v));
        return v;
    }
    [[nodiscard]] double option_double(const char* name) const {
        double v = 0;
        check(api_->option_double(host_, name, &v));
        return v;
    }
    [[nodiscard]] std::string option_string(const char* name) const {
        const char* v = nullptr;
        check(api_->option_string(host_, name, &v));
        return v ? v : "";
    }
    /// A list option (Option::list): its items, trimmed; empty for an empty value.
    [[nodiscard]] std::vector<std::string> option_list(const char* name) const {
        const std::string s = option_string(name);
        if (s.find_first_not_of(" \t") == std::string::npos) return {};
        return detail::split_list(s);
    }

    /// One line in the host's log, prefixed with the plugin's name.
    void log(std::int32_t level, const std::string& message) const { api_->log(host_, level, message.c_str()); }

    /// Registers `fn` on `events` of `engine` (Engine::on is the usual spelling).
    // ---- checkpoints (ABI 1.3; the plugin's spec says needs_abi_minor(3)) ----

    /// The host's checkpoint of "now" (plugin.h: checkpoint_bytes), BORROWED until the next
    /// call. Throws Error (IGNITE_ERR_UNSUPPORTED: this host checkpoints nothing).
    [[nodiscard]] std::string_view checkpoint_bytes(const Engine& engine) {
        require_api(IGNITE_API_HAS(api_, ignite_host_api, checkpoint_bytes), "checkpoint_bytes");
        ignite_bytes b{};
        check(api_->checkpoint_bytes(host_, engine.raw(), &b));
        return {static_cast<const char*>(b.data), b.size};
    }
    /// The host's checkpoint of only the entries `keys` (plugin.h: checkpoint_bytes_of, ABI
    /// 1.4; one key: that entry's value alone), BORROWED as checkpoint_bytes'. Throws Error
    /// (NOT_FOUND names the entries there are).
    [[nodiscard]] std::string_view checkpoint_bytes_of(const Engine& engine, const std::vector<std::string>& keys) {
        require_api(IGNITE_API_HAS(api_, ignite_host_api, checkpoint_bytes_of), "checkpoint_bytes_of");
        const auto raw = c_strings(keys);
        ignite_bytes b{};
        check(api_->checkpoint_bytes_of(host_, engine.raw(), raw.data(), raw.size(), &b));
        return {static_cast<const char*>(b.data), b.size};
    }
    /// Checks that the checkpoint has the entries `keys`, building nothing (e.g. at init).
    /// Throws Error as checkpoint_bytes_of.
    void check_checkpoint_keys(const Engine& engine, const std::vector<std::string>& keys) {
        require_api(IGNITE_API_HAS(api_, ignite_host_api, checkpoint_bytes_of), "checkpoint_bytes_of");
        const auto raw = c_strings(keys);
        check(api_->checkpoint_bytes_of(host_, engine.raw(), raw.data(), raw.size(), nullptr));
    }
    /// Replaces `path` with `bytes` durably (plugin.h: write_file_durably). Throws Error;
    /// `path` then holds what it held before.
    void write_file_durably(const std::string& path, std::string_view bytes) {
        require_api(IGNITE_API_HAS(api_, ignite_host_api, write_file_durably), "write_file_durably");
        check(api_->write_file_durably(host_, path.c_str(), bytes.data(), bytes.size()));
    }
    /// Deletes the temporaries killed durable writes left in `dir`; returns how many.
    std::size_t remove_stray_temporaries(const std::string& dir) {
        require_api(IGNITE_API_HAS(api_, ignite_host_api, remove_stray_temporaries), "remove_stray_temporaries");
        std::size_t n = 0;
        check(api_->remove_stray_temporaries(host_, dir.c_str(), &n));
        return n;
    }

    // ---- the run's facts, checkpoint verification (ABI 1.5; needs_abi_minor(5)) ----

    /// The run's output folder ("" when the host has none). plugin.h: run_fact_string.
    [[nodiscard]] std::string output_dir() const { return run_fact_string("output_dir"); }
    /// Whether the run continues from a checkpoint.
    [[nodiscard]] bool resumed() const { return run_fact_int("resumed") != 0; }
    /// A string fact by name. Throws Error (NOT_FOUND, TYPE).
    [[nodiscard]] std::string run_fact_string(const char* name) const {
        require_api(IGNITE_API_HAS(api_, ignite_host_api, run_fact_string), "run_fact_string");
        const char* out = nullptr;
        check(api_->run_fact_string(host_, name, &out));
        return out ? out : "";
    }
    /// An integer fact by name ("resumed", "rank", "world_size", "local_rank"). Throws Error.
    [[nodiscard]] std::int64_t run_fact_int(const char* name) const {
        require_api(IGNITE_API_HAS(api_, ignite_host_api, run_fact_int), "run_fact_int");
        std::int64_t out = 0;
        check(api_->run_fact_int(host_, name, &out));
        return out;
    }
    /// "" when `path` is a checkpoint that verifies, else the one-line reason (naming the file).
    [[nodiscard]] std::string checkpoint_problem(const std::string& path) const {
        require_api(IGNITE_API_HAS(api_, ignite_host_api, verify_checkpoint), "verify_checkpoint");
        if (api_->verify_checkpoint(host_, path.c_str()) == IGNITE_OK) return {};
        const char* why = api_->last_error(host_);
        return why && *why ? why : "checkpoint '" + path + "' does not verify";
    }

    ignite_handler_id on(const Engine& engine, const EventList& events, Handler fn, std::int32_t priority = 0) {
        std::vector<ignite_event_spec> raw;
        raw.reserve(events.specs().size());
        for (const auto& e : events.specs()) {
            raw.push_back(e.raw());
            if (const auto& custom = e.custom_filter()) {
                filters_.push_back(std::make_unique<FilterBox>(FilterBox{this, custom}));
                raw.back().custom = &Host::filter_trampoline;
                raw.back().custom_user_data = filters_.back().get();
            }
        }
        handlers_.push_back(std::make_unique<HandlerBox>(HandlerBox{this, std::move(fn)}));
        ignite_handler_id id = 0;
        check(api_->add_handler(host_, engine.raw(), raw.data(), raw.size(), priority, &Host::trampoline,
                                handlers_.back().get(), &id));
        return id;
    }
    void remove(const Engine& engine, ignite_handler_id id) { check(api_->remove_handler(host_, engine.raw(), id)); }

    /// Declares "<plugin>.<name>" on `engine`; `state_attr` (optional) is what filters count.
    ignite_event register_event(const Engine& engine, const char* name, const char* state_attr = nullptr) {
        ignite_event e = 0;
        check(api_->register_event(host_, engine.raw(), name, state_attr, &e));
        return e;
    }
    /// Any event by qualified name ("tbptt.TIME_ITERATION_STARTED"); nullopt when none.
    [[nodiscard]] std::optional<EventSpec> find_event(const char* qualified_name) const noexcept {
        ignite_event e = 0;
        if (api_->find_event(host_, qualified_name, &e) != IGNITE_OK) return std::nullopt;
        return EventSpec(e);
    }
    void fire(const Engine& engine, ignite_event event) { check(api_->fire_event(host_, engine.raw(), event)); }

    /// From an EXCEPTION_RAISED handler: handle (swallow) the exception instead of only
    /// observing it, so `engine`'s run returns normally (ABI 1.2; see plugin.h). Throws
    /// Error(IGNITE_ERR_UNSUPPORTED) on an older host, Error(IGNITE_ERR_STATE) outside
    /// such a handler.
    void handle_exception(const Engine& engine) {
        if (!IGNITE_API_HAS(api_, ignite_host_api, handle_exception))
            throw Error(IGNITE_ERR_UNSUPPORTED, "this host predates ABI 1.2: it has no handle_exception");
        check(api_->handle_exception(host_, engine.raw()));
    }

    /// Runs f, turning what it throws into a status + set_error message (the boundary rule).
    template <typename F>
    ignite_status guarded(F&& f) noexcept {
        try {
            f();
            return IGNITE_OK;
        } catch (const Error& e) {
            api_->set_error(host_, e.what());
            return e.status() == IGNITE_OK ? IGNITE_ERR_PLUGIN : e.status();
        } catch (const std::exception& e) {
            api_->set_error(host_, e.what());
            return IGNITE_ERR_PLUGIN;
        } catch (...) {
            api_->set_error(host_, "unknown C++ exception");
            return IGNITE_ERR_PLUGIN;
        }
    }

private:
    struct HandlerBox {
        Host* host;
        Handler fn;
    };
    struct FilterBox {
        Host* host;
        std::shared_ptr<const FilterFn> fn;
    };
    static ignite_status trampoline(void* user_data, ignite_engine* engine, const ignite_event_info* info) noexcept {
        auto* box = static_cast<HandlerBox*>(user_data);
        return box->host->guarded([&] {
            Engine view(engine, box->host);
            EventInfo ev;
            ev.event = info->event;
            ev.name = info->event_name ? info->event_name : "";
            ev.exception_message = info->exception_message;
            ev.iter_counter = info->iter_counter;
            if (IGNITE_API_HAS(info, ignite_event_info, epoch_length)) {
                ev.epoch = info->epoch;
                ev.iteration = info->iteration;
                ev.max_epochs = info->max_epochs;
                ev.epoch_length = info->epoch_length;
            } else {  // a host before 1.2: the same values, asked for
                ev.epoch = view.try_state_int(IGNITE_STATE_EPOCH).value_or(0);
                ev.iteration = view.try_state_int(IGNITE_STATE_ITERATION).value_or(0);
                ev.max_epochs = view.max_epochs().value_or(-1);
                ev.epoch_length = view.epoch_length().value_or(-1);
            }
            box->fn(view, ev);
        });
    }
    static std::int32_t filter_trampoline(void* user_data, ignite_engine* engine, std::int64_t value) noexcept {
        auto* box = static_cast<FilterBox*>(user_data);
        try {
            Engine view(engine, box->host);
            return (*box->fn)(view, value) ? 1 : 0;
        } catch (...) {
            return 0;  // a filter cannot fail; a throwing one does not fire
        }
    }
    void require_api(bool has, const char* call) const {
        if (!has) throw Error(IGNITE_ERR_UNSUPPORTED, std::string("this host is too old for ") + call);
    }
    static std::vector<const char*> c_strings(const std::vector<std::string>& v) {
        std::vector<const char*> out;
        out.reserve(v.size());
        for (const auto& s : v) out.push_back(s.c_str());
        return out;
    }
    void check(ignite_status s) const {
        if (s != IGNITE_OK) {
            const char* msg = api_->last_error(host_);
            throw Error(s, msg && *msg ? msg : "host call failed");
        }
    }

    ignite_host* host_;
    const ignite_host_api* api_;
    std::vector<std::unique_ptr<HandlerBox>> handlers_;
    std::vector<std::unique_ptr<FilterBox>> filters_;
};

inline const ignite_host_api* Engine::api() const noexcept { return host_->api(); }
inline std::string Engine::name() const { return api()->engine_name(engine_); }
template <typename F>
ignite_handler_id Engine::on(const EventList& events, F&& fn, std::int32_t priority) const {
    return host_->on(*this, events, detail::adapt_handler(std::forward<F>(fn)), priority);
}
inline void Engine::remove(ignite_handler_id id) const { host_->remove(*this, id); }
inline EventSpec Engine::register_event(const char* name, const char* state_attr) const {
    return EventSpec(host_->register_event(*this, name, state_attr));
}
inline void Engine::fire(const EventSpec& event) const { host_->fire(*this, event.event()); }

/// Base class of a C++ plugin. The SDK constructs it (default constructor) on init and
/// destroys it on shutdown; host() is valid in between.
class Plugin {
public:
    virtual ~Plugin() = default;
    /// Register handlers/events and read options. Throw to fail init (the message is shown).
    virtual void init(Host& host) = 0;
    /// Bytes saved into checkpoints under the plugin's state_key (empty: nothing saved).
    virtual std::string save_state() { return {}; }
    /// Restores what save_state produced.
    virtual void load_state(std::string_view /*bytes*/) {}
    [[nodiscard]] Host& host() { return *host_; }

private:
    template <typename P>
    friend struct PluginGlue;
    std::unique_ptr<Host> host_;
    std::string saved_;
};

/// A metric a plugin provides (Ignite's Metric). The host creates one per use through
/// MetricSpec's factory, calls reset() before each accumulation, update() per batch and
/// compute() for the value. Throw to fail (the host reports the message naming the plugin
/// and metric); throw Error(IGNITE_ERR_STATE, ...) from compute() when nothing can be
/// computed yet.
class Metric {
public:
    virtual ~Metric() = default;
    /// Forgets every update.
    virtual void reset() = 0;
    /// One batch: y_pred and y are BORROWED for the call (never call their deleters).
    virtual void update(const DLManagedTensor* y_pred, const DLManagedTensor* y) = 0;
    /// One value for a scalar metric, k*k (row-major) for a square one.
    [[nodiscard]] virtual std::vector<double> compute() const = 0;
    /// Sufficient statistics: numbers that sum element-wise across processes.
    [[nodiscard]] virtual std::vector<double> statistics() const = 0;
    /// Replaces the statistics (e.g. with the all-reduced sums) before compute().
    virtual void load_statistics(const std::vector<double>& stats) = 0;
};

/// Creates a metric instance; the plugin (its host(), options, own state) is passed in.
using MetricFactory = std::function<std::unique_ptr<Metric>(Plugin&)>;

/// One option of a PluginSpec, built fluently: Option::integer("every", 100).min(0).help("...").
/// The host checks every value (and the default) against it before init.
class Option {
public:
    static Option boolean(std::string name, bool default_value) {
        return Option(std::move(name), IGNITE_OPTION_BOOL, default_value ? "true" : "false");
    }
    static Option integer(std::string name, std::int64_t default_value) {
        return Option(std::move(name), IGNITE_OPTION_INT, std::to_string(default_value));
    }
    static Option number(std::string name, double default_value) {
        return Option(std::move(name), IGNITE_OPTION_DOUBLE, detail::shortest(default_value));
    }
    static Option string(std::string name, std::string default_value) {
        return Option(std::move(name), IGNITE_OPTION_STRING, std::move(default_value));
    }
    /// A comma-separated list of strings (read it with Host::option_list).
    static Option list(std::string name, std::string default_value) {
        Option o = string(std::move(name), std::move(default_value));
        o.flags_ |= IGNITE_OPTION_LIST;
        return o;
    }

    /// One line for `plugins inspect`.
    Option& help(std::string text) {
        help_ = std::move(text);
        return *this;
    }
    /// No default: the user must give it.
    Option& required() {
        required_ = true;
        return *this;
    }
    /// Smallest / largest allowed value (int and double options; the number of items of a
    /// list option).
    Option& min(double v) {
        flags_ |= IGNITE_OPTION_HAS_MIN;
        min_ = v;
        return *this;
    }
    Option& max(double v) {
        flags_ |= IGNITE_OPTION_HAS_MAX;
        max_ = v;
        return *this;
    }
    Option& range(double lo, double hi) { return min(lo).max(hi); }
    /// The allowed values of a string option (of each item of a list option).
    Option& choices(std::vector<std::string> values) {
        choices_ = std::move(values);
        return *this;
    }

private:
    friend class PluginSpec;
    Option(std::string name, ignite_option_type type, std::string default_value)
        : name_(std::move(name)), type_(type), default_(std::move(default_value)) {}
    std::string name_;
    ignite_option_type type_;
    std::string default_;
    std::string help_;
    bool required_ = false;
    std::uint32_t flags_ = 0;
    double min_ = 0;
    double max_ = 0;
    std::vector<std::string> choices_;
};

/// One metric of a PluginSpec: MetricSpec("f1_macro", factory).help("...").
class MetricSpec {
public:
    MetricSpec(std::string name, MetricFactory factory) : name_(std::move(name)), factory_(std::move(factory)) {}
    MetricSpec& help(std::string text) {
        help_ = std::move(text);
        return *this;
    }
    /// compute() returns k*k values forming a k x k matrix.
    MetricSpec& square() {
        square_ = true;
        return *this;
    }
    /// update() wants CPU tensors (the host copies device tensors first).
    MetricSpec& cpu() {
        cpu_ = true;
        return *this;
    }

private:
    template <typename P>
    friend struct PluginGlue;
    std::string name_;
    MetricFactory factory_;
    std::string help_;
    bool square_ = false;
    bool cpu_ = false;
};

/// Everything a plugin declares, built fluently and given to IGNITE_SDK_PLUGIN:
///   PluginSpec("console").version("1.0").description("...").option(Option::integer(...))
class PluginSpec {
public:
    explicit PluginSpec(std::string name) : name_(std::move(name)) {}
    PluginSpec& version(std::string v) {
        version_ = std::move(v);
        return *this;
    }
    /// One line for `plugins list`.
    PluginSpec& description(std::string d) {
        description_ = std::move(d);
        return *this;
    }
    PluginSpec& option(Option o) {
        options_.push_back(std::move(o));
        return *this;
    }
    /// A custom event the plugin registers (unqualified name; `state_attr` may be empty).
    PluginSpec& event(std::string name, std::string state_attr, std::string help) {
        events_.push_back({std::move(name), std::move(state_attr), std::move(help)});
        return *this;
    }
    /// The plugin calls host functions of ABI 1.`minor` (e.g. 3 for Host::checkpoint_bytes):
    /// it claims that minor, so an older host refuses it with a clear message instead of
    /// the plugin failing at its first call.
    PluginSpec& needs_abi_minor(std::uint16_t minor) {
        needs_minor_ = minor;
        return *this;
    }
    /// Saves Plugin::save_state() into checkpoints under `key`.
    PluginSpec& state_key(std::string key) {
        state_key_ = std::move(key);
        return *this;
    }
    /// The state is JSON (ABI 1.4, plugin.h: state_format IGNITE_STATE_JSON): save_state()
    /// returns one JSON value's text, which checkpoints hold as the Python value json.loads
    /// makes; load_state() gets it back as compact JSON text (or, from a checkpoint written
    /// while the state was bytes, those bytes). Needs a 1.4 host (claimed automatically).
    PluginSpec& json_state() {
        state_format_ = IGNITE_STATE_JSON;
        return *this;
    }
    PluginSpec& metric(MetricSpec m) {
        metrics_.push_back(std::move(m));
        return *this;
    }

private:
    template <typename P>
    friend struct PluginGlue;
    struct EventDecl {
        std::string name, state_attr, help;
    };
    // The C arrays the info points into; built once from the (then final) fields.
    void build_raw() {
        for (const auto& o : options_) {
            auto& c = choices_raw_.emplace_back();
            for (const auto& v : o.choices_) c.push_back(v.c_str());
            if (!c.empty()) c.push_back(nullptr);
        }
        for (std::size_t i = 0; i < options_.size(); ++i) {
            const auto& o = options_[i];
            ignite_option_spec s{};
            s.name = o.name_.c_str();
            s.type = o.type_;
            s.default_value = o.required_ ? nullptr : o.default_.c_str();
            s.help = o.help_.c_str();
            s.flags = o.flags_;
            s.min = o.min_;
            s.max = o.max_;
            s.choices = choices_raw_[i].empty() ? nullptr : choices_raw_[i].data();
            options_raw_.push_back(s);
        }
        for (const auto& e : events_)
            events_raw_.push_back(
                {e.name.c_str(), e.state_attr.empty() ? nullptr : e.state_attr.c_str(), e.help.c_str()});
    }
    [[nodiscard]] bool uses_abi_1_2() const {
        for (const auto& o : options_)
            if (o.flags_ != 0 || !o.choices_.empty()) return true;
        return !metrics_.empty();
    }

    std::string name_, version_, description_, state_key_;
    std::uint32_t state_format_ = IGNITE_STATE_BYTES;
    std::uint16_t needs_minor_ = 0;
    std::vector<Option> options_;
    std::vector<EventDecl> events_;
    std::vector<MetricSpec> metrics_;
    std::vector<std::vector<const char*>> choices_raw_;
    std::vector<ignite_option_spec> options_raw_;
    std::vector<ignite_event_decl> events_raw_;
};

/// The C side of a C++ plugin and its metrics; every callback catches what plugin code throws.
template <typename P>
struct PluginGlue {
    // A metric instance and the host its errors go to (no process-global).
    struct MetricBox {
        Host* host;
        std::unique_ptr<Metric> metric;
    };
    static MetricBox& box(void* m) { return *static_cast<MetricBox*>(m); }

    // The spec given to IGNITE_SDK_PLUGIN, kept for the process lifetime (set by info()).
    static PluginSpec*& kept_slot() {
        static PluginSpec* spec = nullptr;
        return spec;
    }
    static PluginSpec& kept() { return *kept_slot(); }

    static ignite_status create_metric(void* plugin_state, const ignite_metric_decl* decl,
                                       void** metric_state) noexcept {
        auto* p = static_cast<Plugin*>(plugin_state);
        if (!p || !decl || !metric_state) return IGNITE_ERR_INVALID_ARGUMENT;
        return p->host_->guarded([&] {
            const auto& decls = metric_decls();
            const auto index = static_cast<std::size_t>(decl - decls.data());
            if (decl < decls.data() || index >= decls.size())
                throw Error(IGNITE_ERR_NOT_FOUND, std::string("metric '") + (decl->name ? decl->name : "?") +
                                                      "' is not one of this plugin's");
            const auto& spec = kept().metrics_[index];
            std::unique_ptr<Metric> m = spec.factory_ ? spec.factory_(*p) : nullptr;
            if (!m) throw Error(IGNITE_ERR_PLUGIN, "metric '" + spec.name_ + "': the factory returned no metric");
            *metric_state = new MetricBox{p->host_.get(), std::move(m)};
        });
    }
    static void destroy(void* m) noexcept { delete static_cast<MetricBox*>(m); }
    static ignite_status reset(void* m) noexcept {
        if (!m) return IGNITE_ERR_INVALID_ARGUMENT;
        return box(m).host->guarded([&] { box(m).metric->reset(); });
    }
    static ignite_status update(void* m, const DLManagedTensor* y_pred, const DLManagedTensor* y) noexcept {
        if (!m || !y_pred || !y) return IGNITE_ERR_INVALID_ARGUMENT;
        return box(m).host->guarded([&] { box(m).metric->update(y_pred, y); });
    }
    // The capacity protocol of compute/statistics (plugin.h).
    template <typename Get>
    static ignite_status values(void* m, double* out, std::size_t capacity, std::size_t* count, Get get) noexcept {
        if (!m || !count || (capacity && !out)) return IGNITE_ERR_INVALID_ARGUMENT;
        return box(m).host->guarded([&] {
            const std::vector<double> v = get(*box(m).metric);
            *count = v.size();
            if (v.size() <= capacity)
                for (std::size_t i = 0; i < v.size(); ++i) out[i] = v[i];
        });
    }
    static ignite_status compute(void* m, double* out, std::size_t capacity, std::size_t* count) noexcept {
        return values(m, out, capacity, count, [](const Metric& x) { return x.compute(); });
    }
    static ignite_status statistics(void* m, double* out, std::size_t capacity, std::size_t* count) noexcept {
        return values(m, out, capacity, count, [](const Metric& x) { return x.statistics(); });
    }
    static ignite_status load_statistics(void* m, const double* in, std::size_t count) noexcept {
        if (!m || (count && !in)) return IGNITE_ERR_INVALID_ARGUMENT;
        return box(m).host->guarded([&] { box(m).metric->load_statistics(std::vector<double>(in, in + count)); });
    }
    static const std::vector<ignite_metric_decl>& metric_decls() {
        static const std::vector<ignite_metric_decl> decls = [] {
            std::vector<ignite_metric_decl> out;
            for (const auto& spec : kept().metrics_) {
                ignite_metric_decl d{};
                d.struct_size = sizeof(ignite_metric_decl);
                d.flags = (spec.square_ ? IGNITE_METRIC_SQUARE : 0u) | (spec.cpu_ ? IGNITE_METRIC_CPU : 0u);
                d.name = spec.name_.c_str();
                d.help = spec.help_.c_str();
                d.create = nullptr;  // create_metric is told which metric (ABI 1.2)
                d.destroy = &PluginGlue::destroy;
                d.reset = &PluginGlue::reset;
                d.update = &PluginGlue::update;
                d.compute = &PluginGlue::compute;
                d.statistics = &PluginGlue::statistics;
                d.load_statistics = &PluginGlue::load_statistics;
                d.create_metric = &PluginGlue::create_metric;
                out.push_back(d);
            }
            return out;
        }();
        return decls;
    }

    static ignite_status init(ignite_host* host, const ignite_host_api* api, void** state) noexcept {
        // Reports init's failure: the plugin's own Host is gone with the plugin by then.
        Host boundary(host, api);
        return boundary.guarded([&] {
            std::unique_ptr<Plugin> plugin = std::make_unique<P>();
            plugin->host_ = std::make_unique<Host>(host, api);
            plugin->init(*plugin->host_);  // through the base: P may keep init() private
            *state = plugin.release();
        });
    }
    static void shutdown(void* state) noexcept { delete static_cast<Plugin*>(state); }
    static ignite_status save(void* state, ignite_bytes* out) noexcept {
        auto* p = static_cast<Plugin*>(state);
        return p->host_->guarded([&] {
            p->saved_ = p->save_state();
            out->data = p->saved_.data();
            out->size = p->saved_.size();
        });
    }
    static ignite_status load(void* state, const void* data, std::size_t size) noexcept {
        auto* p = static_cast<Plugin*>(state);
        return p->host_->guarded([&] { p->load_state(std::string_view(static_cast<const char*>(data), size)); });
    }
    static const ignite_plugin_info* info(const PluginSpec& spec) {
        static PluginSpec kept_copy = [&] {
            PluginSpec k = spec;
            k.build_raw();
            return k;
        }();
        kept_slot() = &kept_copy;
        static const ignite_plugin_info info = [] {
            const PluginSpec& k = kept();
            const auto& decls = metric_decls();
            ignite_plugin_info i{};
            i.struct_size = sizeof(ignite_plugin_info);
            i.abi_major = IGNITE_ABI_MAJOR;
            // The oldest minor whose features the plugin uses, so a plain handler plugin
            // still loads in a 1.0 host (which ignores the larger struct_size); one with
            // option ranges or metrics needs a host that validates / creates them.
            i.abi_minor = k.uses_abi_1_2() ? 2 : 0;
            if (k.needs_minor_ > i.abi_minor) i.abi_minor = k.needs_minor_;
            if (k.state_format_ != IGNITE_STATE_BYTES && i.abi_minor < 4) i.abi_minor = 4;
            i.name = k.name_.c_str();
            i.version = k.version_.c_str();
            i.description = k.description_.c_str();
            i.options = k.options_raw_.empty() ? nullptr : k.options_raw_.data();
            i.option_count = k.options_raw_.size();
            i.events = k.events_raw_.empty() ? nullptr : k.events_raw_.data();
            i.event_count = k.events_raw_.size();
            i.init = &PluginGlue::init;
            i.shutdown = &PluginGlue::shutdown;
            i.state_key = k.state_key_.empty() ? nullptr : k.state_key_.c_str();
            i.save_state = k.state_key_.empty() ? nullptr : &PluginGlue::save;
            i.load_state = k.state_key_.empty() ? nullptr : &PluginGlue::load;
            i.metrics = decls.empty() ? nullptr : decls.data();
            i.metric_count = decls.size();
            i.option_stride = sizeof(ignite_option_spec);
            i.event_stride = sizeof(ignite_event_decl);
            i.bytes_size = sizeof(ignite_bytes);
            i.state_format = k.state_format_;
            return i;
        }();
        return &info;
    }
};

}  // namespace v1
}  // namespace ignite::sdk

/// Defines the plugin's entry symbol for class PluginClass (derived from
/// ignite::sdk::Plugin) described by a PluginSpec expression. Use once per plugin.
#define IGNITE_SDK_PLUGIN(PluginClass, ...)                                               \
    extern "C" IGNITE_PLUGIN_EXPORT const ignite_plugin_info* ignite_plugin_entry(void) { \
        return ::ignite::sdk::PluginGlue<PluginClass>::info(__VA_ARGS__);                 \
    }
