// Ignite C++ plugin SDK: header-only C++17 layer over plugin.h.
//
// A plugin author writes a class deriving from ignite::sdk::Plugin, registers lambdas in
// init(), reads typed options, and never touches the raw C tables. Every exception thrown
// by plugin code is caught at the ABI boundary and turned into a status + message (no
// exception ever crosses into the host). Versioned inline namespace: a future v2 can
// live beside v1 in the same process.
//
//   class Hello : public ignite::sdk::Plugin {
//       void init(ignite::sdk::Host& host) override {
//           auto every = host.option_int("every");
//           host.on(host.engine("trainer"), ignite::sdk::on(IGNITE_EVENT_ITERATION_COMPLETED).every(every),
//                   [&host](ignite::sdk::Engine& e, const ignite::sdk::EventInfo&) {
//                       host.log(IGNITE_LOG_INFO, "iteration " + std::to_string(e.iteration()));
//                   });
//       }
//   };
//   IGNITE_SDK_PLUGIN(Hello, {"hello", "1.0", "Says hello", {{"every", IGNITE_OPTION_INT, "10", "how often"}}})
//
// Metrics (ABI 1.1): derive from ignite::sdk::Metric and list a factory per metric name in
// PluginSpec::metrics; the host attaches them by name (`ignite-host train --metric NAME`):
//
//   class Count : public ignite::sdk::Metric { ... reset/update/compute/statistics/load_statistics ... };
//   IGNITE_SDK_PLUGIN(MyPlugin, {"mine", "1.0", "My metrics", {}, {}, nullptr,
//       {{"count", "samples seen", false, [](ignite::sdk::Plugin&) { return std::make_unique<Count>(); }}}})
#pragma once

#include <ignite/plugin.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
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
/// below; caught by the boundary trampolines, so plugin code may let it propagate.
class Error : public std::runtime_error {
public:
    Error(ignite_status status, const std::string& message) : std::runtime_error(message), status_(status) {}
    [[nodiscard]] ignite_status status() const noexcept { return status_; }

private:
    ignite_status status_;
};

/// An event plus optional filter, built fluently: on(IGNITE_EVENT_EPOCH_COMPLETED).every(2).
class EventSpec {
public:
    explicit EventSpec(ignite_event event) {
        spec_.struct_size = sizeof(ignite_event_spec);
        spec_.event = event;
        spec_.filter = IGNITE_FILTER_NONE;
        spec_.before = -1;
        spec_.after = -1;
    }
    EventSpec& every(std::int64_t n) { spec_.filter = IGNITE_FILTER_EVERY; spec_.every = n; return *this; }
    EventSpec& before(std::int64_t n) { range(); spec_.before = n; return *this; }
    EventSpec& after(std::int64_t n) { range(); spec_.after = n; return *this; }
    EventSpec& once(std::vector<std::int64_t> values) {
        once_ = std::make_shared<std::vector<std::int64_t>>(std::move(values));
        spec_.filter = IGNITE_FILTER_ONCE;
        return *this;
    }
    /// The raw spec; `once` points into this object, so keep it alive while using it.
    [[nodiscard]] ignite_event_spec raw() const {
        ignite_event_spec s = spec_;
        if (once_) {
            s.once = once_->data();
            s.once_count = once_->size();
        }
        return s;
    }

private:
    void range() {
        if (spec_.filter != IGNITE_FILTER_EVERY) spec_.filter = IGNITE_FILTER_RANGE;
    }
    ignite_event_spec spec_{};
    std::shared_ptr<std::vector<std::int64_t>> once_;
};

inline EventSpec on(ignite_event event) { return EventSpec(event); }

/// What a handler is told about the event (borrowed for the call).
struct EventInfo {
    ignite_event event;
    std::string_view name;
    const char* exception_message;  ///< EXCEPTION_RAISED only, else nullptr
    std::int64_t iter_counter;      ///< TERMINATE_SINGLE_EPOCH only, else -1
};

/// A view of a host engine. Cheap to copy; valid while the host runs.
class Engine {
public:
    Engine(ignite_engine* engine, const ignite_host_api* api) : engine_(engine), api_(api) {}

    [[nodiscard]] ignite_engine* raw() const noexcept { return engine_; }
    [[nodiscard]] std::string name() const { return api_->engine_name(engine_); }

    [[nodiscard]] std::int64_t epoch() const { return state_int(IGNITE_STATE_EPOCH); }
    [[nodiscard]] std::int64_t iteration() const { return state_int(IGNITE_STATE_ITERATION); }
    [[nodiscard]] std::int64_t max_epochs() const { return state_int(IGNITE_STATE_MAX_EPOCHS); }
    [[nodiscard]] std::int64_t epoch_length() const { return state_int(IGNITE_STATE_EPOCH_LENGTH); }

    [[nodiscard]] std::int64_t state_int(const char* name) const {
        std::int64_t v = 0;
        check(api_->state_int(engine_, name, &v), name);
        return v;
    }
    [[nodiscard]] double state_double(const char* name) const {
        double v = 0;
        check(api_->state_double(engine_, name, &v), name);
        return v;
    }
    [[nodiscard]] std::string state_string(const char* name) const {
        const char* v = nullptr;
        check(api_->state_string(engine_, name, &v), name);
        return v;
    }
    void set_state(const char* name, std::int64_t v) const { check(api_->set_state_int(engine_, name, v), name); }
    void set_state(const char* name, int v) const { set_state(name, static_cast<std::int64_t>(v)); }
    void set_state(const char* name, double v) const { check(api_->set_state_double(engine_, name, v), name); }
    void set_state(const char* name, const std::string& v) const {
        check(api_->set_state_string(engine_, name, v.c_str()), name);
    }
    /// Seconds recorded in state.times ("EPOCH_COMPLETED" / "COMPLETED"); nullopt if unset.
    [[nodiscard]] std::optional<double> time(const char* key) const {
        double v = 0;
        return api_->state_time(engine_, key, &v) == IGNITE_OK ? std::optional<double>(v) : std::nullopt;
    }

    /// Metric names in order, and numeric values (nullopt when not a number).
    [[nodiscard]] std::vector<std::string> metric_names() const {
        std::size_t n = 0;
        check(api_->metric_count(engine_, &n), "metrics");
        std::vector<std::string> out;
        for (std::size_t i = 0; i < n; ++i) {
            const char* name = nullptr;
            check(api_->metric_name(engine_, i, &name), "metrics");
            out.emplace_back(name);
        }
        return out;
    }
    [[nodiscard]] std::optional<double> metric(const std::string& name) const {
        double v = 0;
        return api_->metric_double(engine_, name.c_str(), &v) == IGNITE_OK ? std::optional<double>(v) : std::nullopt;
    }
    void set_metric(const std::string& name, double v) const {
        check(api_->set_metric_double(engine_, name.c_str(), v), name.c_str());
    }

    /// state.output (which = IGNITE_VALUE_OUTPUT) or state.batch (IGNITE_VALUE_BATCH):
    /// number of elements (0 None, 1 single, n tuple), element as a number, as a borrowed
    /// DLPack tensor (valid during the callback) or as an owned one (call its deleter).
    [[nodiscard]] std::size_t value_count(int which = IGNITE_VALUE_OUTPUT) const {
        std::size_t n = 0;
        check(api_->value_count(engine_, which, &n), "value_count");
        return n;
    }
    [[nodiscard]] std::optional<double> value_double(int which = IGNITE_VALUE_OUTPUT, std::size_t index = 0) const {
        double v = 0;
        return api_->value_double(engine_, which, index, &v) == IGNITE_OK ? std::optional<double>(v) : std::nullopt;
    }
    [[nodiscard]] DLManagedTensor* borrow_tensor(int which = IGNITE_VALUE_OUTPUT, std::size_t index = 0) const {
        DLManagedTensor* t = nullptr;
        check(api_->value_tensor(engine_, which, index, &t), "value_tensor");
        return t;
    }
    /// An owned tensor, released by the returned unique_ptr's deleter.
    [[nodiscard]] std::unique_ptr<DLManagedTensor, void (*)(DLManagedTensor*)> keep_tensor(
        int which = IGNITE_VALUE_OUTPUT, std::size_t index = 0) const {
        DLManagedTensor* t = nullptr;
        check(api_->keep_tensor(engine_, which, index, &t), "keep_tensor");
        return {t, [](DLManagedTensor* m) {
                    if (m && m->deleter) m->deleter(m);
                }};
    }

    void terminate() const { check(api_->terminate(engine_), "terminate"); }
    void terminate_epoch() const { check(api_->terminate_epoch(engine_), "terminate_epoch"); }

private:
    void check(ignite_status s, const char* what) const {
        if (s != IGNITE_OK) {
            const char* msg = api_->last_error(nullptr);
            throw Error(s, msg && *msg ? std::string(msg) : std::string("host call failed: ") + what);
        }
    }
    ignite_engine* engine_;
    const ignite_host_api* api_;
};

using Handler = std::function<void(Engine&, const EventInfo&)>;

/// The host as a plugin sees it. Owns the plugin's handler closures.
class Host {
public:
    Host(ignite_host* host, const ignite_host_api* api) : host_(host), api_(api) {}
    Host(const Host&) = delete;
    Host& operator=(const Host&) = delete;

    [[nodiscard]] const ignite_host_api* api() const noexcept { return api_; }
    [[nodiscard]] ignite_host* raw() const noexcept { return host_; }

    /// The engine named `name`, or nullopt when the host runs none by that name.
    [[nodiscard]] std::optional<Engine> engine(const char* name) const {
        ignite_engine* e = api_->engine(host_, name);
        return e ? std::optional<Engine>(Engine(e, api_)) : std::nullopt;
    }

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

    void log(std::int32_t level, const std::string& message) const { api_->log(host_, level, message.c_str()); }

    /// Registers `fn` on one or more events of `engine` (Ignite's `|` when several).
    ignite_handler_id on(const Engine& engine, const std::vector<EventSpec>& events, Handler fn,
                         std::int32_t priority = 0) {
        std::vector<ignite_event_spec> raw;
        raw.reserve(events.size());
        for (const auto& e : events) raw.push_back(e.raw());
        handlers_.push_back(std::make_unique<Handler>(std::move(fn)));
        ignite_handler_id id = 0;
        check(api_->add_handler(host_, engine.raw(), raw.data(), raw.size(), priority, &Host::trampoline,
                                handlers_.back().get(), &id));
        return id;
    }
    ignite_handler_id on(const Engine& engine, const EventSpec& event, Handler fn, std::int32_t priority = 0) {
        return on(engine, std::vector<EventSpec>{event}, std::move(fn), priority);
    }
    void remove(const Engine& engine, ignite_handler_id id) { check(api_->remove_handler(host_, engine.raw(), id)); }

    /// Declares "<plugin>.<name>" on `engine`; `state_attr` (optional) is what filters count.
    ignite_event register_event(const Engine& engine, const char* name, const char* state_attr = nullptr) {
        ignite_event e = 0;
        check(api_->register_event(host_, engine.raw(), name, state_attr, &e));
        return e;
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

private:
    static ignite_status trampoline(void* user_data, ignite_engine* engine, const ignite_event_info* info);
    void check(ignite_status s) const {
        if (s != IGNITE_OK) {
            const char* msg = api_->last_error(host_);
            throw Error(s, msg && *msg ? msg : "host call failed");
        }
    }

    ignite_host* host_;
    const ignite_host_api* api_;
    std::vector<std::unique_ptr<Handler>> handlers_;
};

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

/// A metric a plugin provides (ABI 1.1; Ignite's Metric). The host creates one per use
/// through MetricSpec::factory, calls reset() before each accumulation, update() per batch
/// and compute() for the value. Throw to fail (the host reports the message naming the
/// plugin and metric); throw Error(IGNITE_ERR_STATE, ...) from compute() when nothing can
/// be computed yet.
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

class Plugin;

/// Creates a metric instance; the plugin (its host(), options, own state) is passed in.
using MetricFactory = std::function<std::unique_ptr<Metric>(Plugin&)>;

/// One metric in PluginSpec::metrics.
struct MetricSpec {
    const char* name;     ///< [a-z0-9_]+, the state.metrics key
    const char* help;     ///< one line
    bool square = false;  ///< compute() returns k*k values forming a k x k matrix
    MetricFactory factory{};
    bool cpu = false;     ///< update() wants CPU tensors (the host copies device tensors first)
};

/// Static description given to IGNITE_SDK_PLUGIN.
struct PluginSpec {
    const char* name;
    const char* version;
    const char* description;
    std::vector<ignite_option_spec> options{};
    std::vector<ignite_event_decl> events{};
    const char* state_key = nullptr;
    std::vector<MetricSpec> metrics{};  ///< ABI 1.1; at most 64 per plugin
};

namespace detail {
// The api of the plugin whose callback is running: handlers get Engine views from it.
inline const ignite_host_api*& current_api() {
    static const ignite_host_api* api = nullptr;
    return api;
}
inline ignite_host*& current_host() {
    static ignite_host* host = nullptr;
    return host;
}
template <typename F>
ignite_status guarded(ignite_host* host, const ignite_host_api* api, F&& f) noexcept {
    try {
        f();
        return IGNITE_OK;
    } catch (const Error& e) {
        if (api) api->set_error(host, e.what());
        return e.status() == IGNITE_OK ? IGNITE_ERR_PLUGIN : e.status();
    } catch (const std::exception& e) {
        if (api) api->set_error(host, e.what());
        return IGNITE_ERR_PLUGIN;
    } catch (...) {
        if (api) api->set_error(host, "unknown C++ exception");
        return IGNITE_ERR_PLUGIN;
    }
}
}  // namespace detail

inline ignite_status Host::trampoline(void* user_data, ignite_engine* engine, const ignite_event_info* info) {
    const ignite_host_api* api = detail::current_api();
    return detail::guarded(detail::current_host(), api, [&] {
        Engine view(engine, api);
        EventInfo ev{info->event, info->event_name ? info->event_name : "", info->exception_message,
                     info->iter_counter};
        (*static_cast<Handler*>(user_data))(view, ev);
    });
}

/// The C side of Metric: every callback catches what the metric throws.
struct MetricGlue {
    static ignite_status fail_null() noexcept {
        return detail::guarded(detail::current_host(), detail::current_api(),
                               [] { throw Error(IGNITE_ERR_INVALID_ARGUMENT, "null metric argument"); });
    }
    static void destroy(void* m) noexcept {
        try {
            delete static_cast<Metric*>(m);
        } catch (...) {
        }
    }
    static ignite_status reset(void* m) noexcept {
        if (!m) return fail_null();
        return detail::guarded(detail::current_host(), detail::current_api(), [&] { static_cast<Metric*>(m)->reset(); });
    }
    static ignite_status update(void* m, const DLManagedTensor* y_pred, const DLManagedTensor* y) noexcept {
        if (!m || !y_pred || !y) return fail_null();
        return detail::guarded(detail::current_host(), detail::current_api(),
                               [&] { static_cast<Metric*>(m)->update(y_pred, y); });
    }
    static ignite_status copy_out(const std::vector<double>& v, double* out, std::size_t capacity,
                                  std::size_t* count) noexcept {
        *count = v.size();
        if (v.size() <= capacity) {
            for (std::size_t i = 0; i < v.size(); ++i) out[i] = v[i];
        }
        return IGNITE_OK;
    }
    static ignite_status compute(void* m, double* out, std::size_t capacity, std::size_t* count) noexcept {
        if (!m || !count || (capacity && !out)) return fail_null();
        std::vector<double> v;
        const auto s = detail::guarded(detail::current_host(), detail::current_api(),
                                       [&] { v = static_cast<const Metric*>(m)->compute(); });
        return s == IGNITE_OK ? copy_out(v, out, capacity, count) : s;
    }
    static ignite_status statistics(void* m, double* out, std::size_t capacity, std::size_t* count) noexcept {
        if (!m || !count || (capacity && !out)) return fail_null();
        std::vector<double> v;
        const auto s = detail::guarded(detail::current_host(), detail::current_api(),
                                       [&] { v = static_cast<const Metric*>(m)->statistics(); });
        return s == IGNITE_OK ? copy_out(v, out, capacity, count) : s;
    }
    static ignite_status load_statistics(void* m, const double* in, std::size_t count) noexcept {
        if (!m || (count && !in)) return fail_null();
        return detail::guarded(detail::current_host(), detail::current_api(), [&] {
            static_cast<Metric*>(m)->load_statistics(std::vector<double>(in, in + count));
        });
    }
};

template <typename P>
struct PluginGlue {
    /// The spec given to IGNITE_SDK_PLUGIN, kept for the process lifetime (set by info()).
    static const PluginSpec*& kept_spec() {
        static const PluginSpec* spec = nullptr;
        return spec;
    }
    static const PluginSpec& kept() { return *kept_spec(); }
    static constexpr std::size_t kMaxMetrics = 64;
    // create has no "which metric" argument: one instantiation per index.
    template <std::size_t I>
    static ignite_status create(void* plugin_state, void** metric_state) noexcept {
        auto* p = static_cast<Plugin*>(plugin_state);
        if (!p || !metric_state) return MetricGlue::fail_null();
        return detail::guarded(p->host_->raw(), p->host_->api(), [&] {
            const auto& spec = kept().metrics.at(I);
            if (!spec.factory) throw Error(IGNITE_ERR_INTERNAL, std::string("metric '") + spec.name + "' has no factory");
            std::unique_ptr<Metric> m = spec.factory(*p);
            if (!m) throw Error(IGNITE_ERR_PLUGIN, std::string("metric '") + spec.name + "': the factory returned null");
            *metric_state = m.release();
        });
    }
    using CreateFn = ignite_status (*)(void*, void**);
    template <std::size_t... I>
    static constexpr std::array<CreateFn, sizeof...(I)> create_table(std::index_sequence<I...>) {
        return {&PluginGlue::create<I>...};
    }
    static const std::vector<ignite_metric_decl>& metric_decls() {
        static const std::vector<ignite_metric_decl> decls = [] {
            const auto& specs = kept().metrics;
            if (specs.size() > kMaxMetrics) throw std::length_error("a plugin declares at most 64 metrics");
            static constexpr auto table = create_table(std::make_index_sequence<kMaxMetrics>{});
            std::vector<ignite_metric_decl> out;
            for (std::size_t i = 0; i < specs.size(); ++i) {
                ignite_metric_decl d{};
                d.struct_size = sizeof(ignite_metric_decl);
                d.flags = (specs[i].square ? IGNITE_METRIC_SQUARE : 0u) | (specs[i].cpu ? IGNITE_METRIC_CPU : 0u);
                d.name = specs[i].name;
                d.help = specs[i].help;
                d.create = table[i];
                d.destroy = &MetricGlue::destroy;
                d.reset = &MetricGlue::reset;
                d.update = &MetricGlue::update;
                d.compute = &MetricGlue::compute;
                d.statistics = &MetricGlue::statistics;
                d.load_statistics = &MetricGlue::load_statistics;
                out.push_back(d);
            }
            return out;
        }();
        return decls;
    }

    static ignite_status init(ignite_host* host, const ignite_host_api* api, void** state) {
        detail::current_api() = api;
        detail::current_host() = host;
        return detail::guarded(host, api, [&] {
            std::unique_ptr<Plugin> plugin = std::make_unique<P>();
            plugin->host_ = std::make_unique<Host>(host, api);
            plugin->init(*plugin->host_);  // through the base: P may keep init() private
            *state = plugin.release();
        });
    }
    static void shutdown(void* state) noexcept {
        try {
            delete static_cast<Plugin*>(state);
        } catch (...) {
        }
    }
    static ignite_status save(void* state, ignite_bytes* out) {
        auto* p = static_cast<Plugin*>(state);
        return detail::guarded(p->host_->raw(), p->host_->api(), [&] {
            p->saved_ = p->save_state();
            out->data = p->saved_.data();
            out->size = p->saved_.size();
        });
    }
    static ignite_status load(void* state, const void* data, std::size_t size) {
        auto* p = static_cast<Plugin*>(state);
        return detail::guarded(p->host_->raw(), p->host_->api(), [&] {
            p->load_state(std::string_view(static_cast<const char*>(data), size));
        });
    }
    static const ignite_plugin_info* info(const PluginSpec& spec) {
        static const PluginSpec kept_copy = spec;
        kept_spec() = &kept_copy;
        static const ignite_plugin_info info = [&] {
            const PluginSpec& k = kept_copy;
            const auto& decls = metric_decls();
            ignite_plugin_info i{};
            i.struct_size = sizeof(ignite_plugin_info);
            i.abi_major = IGNITE_ABI_MAJOR;
            // The oldest minor whose features the plugin uses, so a plugin without metrics
            // still loads in a 1.0 host (which ignores the larger struct_size).
            i.abi_minor = decls.empty() ? 0 : 1;
            i.name = k.name;
            i.version = k.version;
            i.description = k.description;
            i.options = k.options.empty() ? nullptr : k.options.data();
            i.option_count = k.options.size();
            i.events = k.events.empty() ? nullptr : k.events.data();
            i.event_count = k.events.size();
            i.init = &PluginGlue::init;
            i.shutdown = &PluginGlue::shutdown;
            i.state_key = k.state_key;
            i.save_state = k.state_key ? &PluginGlue::save : nullptr;
            i.load_state = k.state_key ? &PluginGlue::load : nullptr;
            i.metrics = decls.empty() ? nullptr : decls.data();
            i.metric_count = decls.size();
            return i;
        }();
        return &info;
    }
};

}  // namespace v1
}  // namespace ignite::sdk

/// Defines the plugin's entry symbol for class PluginClass (derived from
/// ignite::sdk::Plugin) described by a PluginSpec initialiser. Use once per plugin.
#define IGNITE_SDK_PLUGIN(PluginClass, ...)                                                     \
    extern "C" IGNITE_PLUGIN_EXPORT const ignite_plugin_info* ignite_plugin_entry(void) {       \
        return ::ignite::sdk::PluginGlue<PluginClass>::info(::ignite::sdk::PluginSpec __VA_ARGS__); \
    }
