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
#pragma once

#include <ignite/plugin.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
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

/// Static description given to IGNITE_SDK_PLUGIN.
struct PluginSpec {
    const char* name;
    const char* version;
    const char* description;
    std::vector<ignite_option_spec> options{};
    std::vector<ignite_event_decl> events{};
    const char* state_key = nullptr;
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

template <typename P>
struct PluginGlue {
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
        static const PluginSpec kept = spec;
        static const ignite_plugin_info info = {
            sizeof(ignite_plugin_info),
            IGNITE_ABI_MAJOR,
            IGNITE_ABI_MINOR,
            kept.name,
            kept.version,
            kept.description,
            kept.options.empty() ? nullptr : kept.options.data(),
            kept.options.size(),
            kept.events.empty() ? nullptr : kept.events.data(),
            kept.events.size(),
            &PluginGlue::init,
            &PluginGlue::shutdown,
            kept.state_key,
            kept.state_key ? &PluginGlue::save : nullptr,
            kept.state_key ? &PluginGlue::load : nullptr,
        };
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
