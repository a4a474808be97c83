#include <ignite/runtime/bridge.hpp>

#include <ignite/runtime/plugin_metric.hpp>

#include <ATen/DLConvertor.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/optim/adagrad.h>
#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <torch/optim/optimizer.h>
#include <torch/optim/rmsprop.h>
#include <torch/optim/sgd.h>

#include <ignite/runtime/console_log.hpp>

#include <ignite/core/checkpoint_file.hpp>
#include <ignite/core/durable_file.hpp>

#include "abi_sizes.hpp"
#include "json_state.hpp"

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <deque>
#include <limits>
#include <optional>
#include <type_traits>
#include <utility>

// The ABI promises DLPack 0.6's DLManagedTensor (plugin.h); LibTorch 2.x's at::toDLPack makes
// DLPack 1.x's unversioned DLManagedTensor, the same struct. Its LP64 layout, as 0.6 has it
// (tests/abi_test.cpp also compares every field with Debian's 0.6 header):
static_assert(sizeof(DLDevice) == 8 && offsetof(DLDevice, device_id) == 4);
static_assert(sizeof(DLDataType) == 4 && offsetof(DLDataType, bits) == 1 && offsetof(DLDataType, lanes) == 2);
static_assert(sizeof(DLTensor) == 48 && offsetof(DLTensor, device) == 8 && offsetof(DLTensor, ndim) == 16 &&
              offsetof(DLTensor, dtype) == 20 && offsetof(DLTensor, shape) == 24 && offsetof(DLTensor, strides) == 32 &&
              offsetof(DLTensor, byte_offset) == 40);
static_assert(sizeof(DLManagedTensor) == 64 && offsetof(DLManagedTensor, manager_ctx) == 48 &&
              offsetof(DLManagedTensor, deleter) == 56);
static_assert(kDLCPU == 1 && kDLCUDA == 2 && kDLCUDAHost == 3 && kDLInt == 0 && kDLUInt == 1 && kDLFloat == 2 &&
              kDLBfloat == 4 && kDLComplex == 5);

// Every built-in event of the ABI (ignite/events.def, the one list) is core's event of the
// same id, so the bridge passes ids through unchanged.
#define IGNITE_BUILTIN_EVENT(name, core, value, help)                                                \
    static_assert(static_cast<int>(IGNITE_EVENT_##name) == static_cast<int>(ignite::Event::k##core), \
                  "IGNITE_EVENT_" #name " must equal core's ignite::Event::k" #core);
#include <ignite/events.def>
static_assert(static_cast<int>(IGNITE_EVENT_BUILTIN_COUNT) == static_cast<int>(ignite::Event::kBuiltinEventCount),
              "ignite/events.def must list every built-in event of core");

// ---- the opaque handles --------------------------------------------------------------------

struct ignite_engine {
    ignite::Engine* engine = nullptr;
    std::string name;
    std::vector<DLManagedTensor*> borrowed;  // released when the current callback returns
    std::string string_scratch;              // storage behind state_string's result
    std::vector<std::string> metric_names;   // storage behind metric_name's result
    // The plugin whose handler runs now (null between handlers), so terminate and
    // handle_exception know who asked; and whether that handler sees EXCEPTION_RAISED.
    ignite::host::PluginHost::Loaded* running_plugin = nullptr;
    const std::string* exception_text = nullptr;
    std::optional<ignite::host::PluginHost::Termination> termination;  // the first terminate a plugin asked for
    torch::optim::Optimizer* optimizer = nullptr;                      // the engine's, for param_group_* (may be null)
    std::set<std::string> attached_metrics;                            // declare_metric's, for has_metric

    void release_borrowed() noexcept {
        for (auto* t : borrowed) t->deleter(t);
        borrowed.clear();
    }
};

namespace ignite::host {

struct PluginHost::Loaded {
    LoadedModule module;
    std::map<std::string, OptionValue> options;
    std::unique_ptr<ignite_host> host;
    void* state = nullptr;
    bool initialised = false;
    bool init_called = false;
    std::string error;             // set_error from the plugin's current failure
    std::vector<char> checkpoint;  // behind checkpoint_bytes' result (ABI 1.3)
};

}  // namespace ignite::host

struct ignite_host {
    ignite::host::PluginHost* owner = nullptr;
    ignite::host::PluginHost::Loaded* plugin = nullptr;
    std::map<std::string, ignite_engine*> engines;
};

namespace ignite::host {
namespace {

thread_local std::string g_last_error;

}  // namespace

// The API functions' way into PluginHost's private members.
struct BridgeAccess {
    static bool has_checkpoint_source(const PluginHost& h) { return static_cast<bool>(h.checkpoint_entries_); }
};

namespace {

// The size of ignite_bytes the plugin was built with (plugin.h: bytes_size; 0 or absent: 1.2's).
std::size_t plugin_bytes_size(const ignite_plugin_info& info) {
    if (info.struct_size >= abi::kInfoSize_1_2 && info.bytes_size != 0) {
        return info.bytes_size;
    }
    return sizeof(ignite_bytes);
}

// A failure with the status plugin.h gives it by meaning (NOT_FOUND, STATE, ...).
class StatusError : public std::runtime_error {
public:
    StatusError(ignite_status status, const std::string& message) : std::runtime_error(message), status_(status) {}
    [[nodiscard]] ignite_status status() const noexcept { return status_; }

private:
    ignite_status status_;
};

// Every API function body runs in here: a C++ exception becomes a status + message.
template <typename F>
ignite_status guarded(F&& f) noexcept {
    try {
        return f();
    } catch (const StatusError& e) {
        g_last_error = e.what();
        return e.status();
    } catch (const std::invalid_argument& e) {
        g_last_error = e.what();
        return IGNITE_ERR_INVALID_ARGUMENT;
    } catch (const ignite::TypeError& e) {
        g_last_error = e.what();
        return IGNITE_ERR_TYPE;
    } catch (const ignite::ValueError& e) {
        g_last_error = e.what();
        return IGNITE_ERR_INVALID_ARGUMENT;
    } catch (const std::exception& e) {
        g_last_error = e.what();
        return IGNITE_ERR_PLUGIN;
    } catch (...) {
        g_last_error = "unknown exception";
        return IGNITE_ERR_INTERNAL;
    }
}

ignite_status fail(ignite_status status, std::string message) {
    g_last_error = std::move(message);
    return status;
}

#define IGNITE_REQUIRE(cond, status, ...)                           \
    do {                                                            \
        if (!(cond)) return fail(status, fmt::format(__VA_ARGS__)); \
    } while (false)

// ---- errors and logging ----

const char* api_last_error(ignite_host*) { return g_last_error.c_str(); }

void api_set_error(ignite_host* host, const char* message) {
    if (host && host->plugin) host->plugin->error = message ? message : "";
}

void api_log(ignite_host* host, int32_t level, const char* message) {
    static const char* kLevels[] = {"debug", "info", "warning", "error"};
    const char* name = host && host->plugin ? host->plugin->module.info->name : "?";
    const char* lvl = level >= 0 && level <= 3 ? kLevels[level] : "info";
    if (level >= IGNITE_LOG_WARNING) {
        log_line(fmt::format("[{}] {}: {}", name, lvl, message ? message : ""));
    } else {
        log_line(fmt::format("[{}] {}", name, message ? message : ""));
    }
}

// ---- options ----

template <typename T, typename Out>
ignite_status read_option(ignite_host* host, const char* name, Out* out, const char* type) {
    return guarded([&] {
        IGNITE_REQUIRE(host && name && out, IGNITE_ERR_INVALID_ARGUMENT, "option read with a null argument");
        const char* plugin = host->plugin->module.info->name;
        auto& opts = host->plugin->options;
        auto it = opts.find(name);
        IGNITE_REQUIRE(it != opts.end(), IGNITE_ERR_NOT_FOUND, "plugin '{}' declares no option '{}'", plugin, name);
        const T* v = std::get_if<T>(&it->second);
        IGNITE_REQUIRE(v != nullptr, IGNITE_ERR_TYPE, "option '{}' of plugin '{}' is not a {}", name, plugin, type);
        if constexpr (std::is_same_v<T, std::string>) {
            *out = v->c_str();  // lives as long as the plugin
        } else {
            *out = static_cast<Out>(*v);
        }
        return IGNITE_OK;
    });
}

ignite_status api_option_bool(ignite_host* host, const char* name, int32_t* out) {
    return read_option<bool>(host, name, out, "bool");
}
ignite_status api_option_int(ignite_host* host, const char* name, int64_t* out) {
    return read_option<std::int64_t>(host, name, out, "int");
}
ignite_status api_option_double(ignite_host* host, const char* name, double* out) {
    return read_option<double>(host, name, out, "double");
}
ignite_status api_option_string(ignite_host* host, const char* name, const char** out) {
    return read_option<std::string>(host, name, out, "string");
}

// ---- engines ----

ignite_engine* api_engine(ignite_host* host, const char* name) {
    if (!host || !name) return nullptr;
    auto it = host->engines.find(name);
    return it == host->engines.end() ? nullptr : it->second;
}

const char* api_engine_name(ignite_engine* engine) { return engine ? engine->name.c_str() : ""; }

// ---- handlers ----

// The event `id` names, which must be usable on `engine` (a built-in one, or a custom one
// registered there). Throws StatusError(NOT_FOUND) otherwise.
ignite::Event engine_event(ignite_engine* engine, ignite_event id) {
    std::optional<ignite::Event> ev;
    try {
        ev = ignite::Event::from_id(id);
    } catch (const ignite::ValueError&) {
        throw StatusError(IGNITE_ERR_NOT_FOUND, fmt::format("no event has id {}", id));
    }
    if (!ev->is_builtin() && !engine->engine->has_registered_events(*ev)) {
        throw StatusError(IGNITE_ERR_NOT_FOUND,
                          fmt::format("event '{}' is not registered on engine '{}'", ev->name(), engine->name));
    }
    return *ev;
}

ignite::EventSpec to_core_spec(const ignite_event_spec& s, ignite_engine* engine) {
    if (s.struct_size < sizeof(ignite_event_spec)) {
        throw std::invalid_argument(fmt::format("ignite_event_spec.struct_size {} is smaller than ABI 1.0's {}",
                                                s.struct_size, sizeof(ignite_event_spec)));
    }
    ignite::EventSpec spec(engine_event(engine, s.event));
    switch (s.filter) {
        case IGNITE_FILTER_NONE:
            return spec;
        case IGNITE_FILTER_EVERY: {
            ignite::FilterArgs a;
            a.every = s.every;
            if (s.before >= 0) a.before = s.before;
            if (s.after >= 0) a.after = s.after;
            return spec(a);
        }
        case IGNITE_FILTER_ONCE:
            if (s.once == nullptr || s.once_count == 0) {
                throw std::invalid_argument("once filter needs at least one value");
            }
            return spec.once(std::vector<std::int64_t>(s.once, s.once + s.once_count));
        case IGNITE_FILTER_RANGE: {
            ignite::FilterArgs a;
            if (s.before >= 0) a.before = s.before;
            if (s.after >= 0) a.after = s.after;
            return spec(a);
        }
        case IGNITE_FILTER_CUSTOM: {
            if (s.custom == nullptr) throw std::invalid_argument("custom filter without a function");
            auto fn = s.custom;
            auto ud = s.custom_user_data;
            return spec.filter([fn, ud, engine](ignite::Engine&, std::int64_t v) { return fn(ud, engine, v) != 0; });
        }
        default:
            throw std::invalid_argument(fmt::format("unknown filter kind {}", s.filter));
    }
}

ignite_status api_add_handler(ignite_host* host, ignite_engine* engine, const ignite_event_spec* events, size_t count,
                              int32_t priority, ignite_handler_fn fn, void* user_data, ignite_handler_id* out_id) {
    return guarded([&] {
        IGNITE_REQUIRE(host && engine && events && count > 0 && fn, IGNITE_ERR_INVALID_ARGUMENT,
                       "add_handler needs an engine, at least one event and a function");
        ignite::EventList list;
        for (size_t i = 0; i < count; ++i) list |= to_core_spec(events[i], engine);
        auto* plugin = host->plugin;
        // Event names resolved now: a firing must not take the event registry's lock.
        std::vector<std::pair<ignite::EventId, const char*>> names;
        for (const auto& spec : list) names.emplace_back(spec.event().id(), spec.event().name().c_str());
        ignite::HandlerFn handler = [plugin, engine, fn, user_data, names](ignite::Engine&,
                                                                           const ignite::FiredEvent& f) {
            const char* name = "";
            for (const auto& [id, n] : names) {
                if (id == f.event.id()) name = n;
            }
            std::string exception_text;
            if (f.exception) exception_text = ignite::describe_exception(f.exception);
            const auto& st = engine->engine->state;
            const ignite_event_info info{.struct_size = sizeof(ignite_event_info),
                                         .event = f.event.id(),
                                         .event_name = name,
                                         .exception_message = f.exception ? exception_text.c_str() : nullptr,
                                         .iter_counter = f.iter_counter ? *f.iter_counter : -1,
                                         .epoch = st.epoch,
                                         .iteration = st.iteration,
                                         .max_epochs = st.max_epochs.value_or(-1),
                                         .epoch_length = st.epoch_length.value_or(-1)};
            if (!plugin->error.empty()) plugin->error.clear();
            struct Running {  // restored however the handler ends (nested dispatches too)
                ignite_engine* engine;
                PluginHost::Loaded* plugin;
                const std::string* exception_text;
                ~Running() {
                    engine->running_plugin = plugin;
                    engine->exception_text = exception_text;
                }
            } restore{engine, engine->running_plugin, engine->exception_text};
            engine->running_plugin = plugin;
            engine->exception_text = f.exception ? &exception_text : nullptr;
            const ignite_status status = fn(user_data, engine, &info);
            if (!engine->borrowed.empty()) engine->release_borrowed();
            if (status != IGNITE_OK) {
                throw PluginRunError(fmt::format("plugin '{}' failed in its {} handler: {}", plugin->module.info->name,
                                                 f.event.name(),
                                                 plugin->error.empty() ? "no message given" : plugin->error));
            }
        };
        // Labelled with the plugin's name, for a HandlerObserver (a profiler's rows).
        const auto label = engine->engine->label_handlers(plugin->module.info->name);
        // Observers: a plugin swallows an exception only by calling handle_exception.
        auto handle = engine->engine->add_event_handler(list, ignite::Priority{priority}, std::move(handler),
                                                        ignite::ExceptionRole::kObserves);
        if (out_id) *out_id = handle.id();
        return IGNITE_OK;
    });
}

ignite_status api_remove_handler(ignite_host* host, ignite_engine* engine, ignite_handler_id id) {
    return guarded([&] {
        IGNITE_REQUIRE(host && engine, IGNITE_ERR_INVALID_ARGUMENT, "remove_handler needs an engine");
        IGNITE_REQUIRE(engine->engine->has_event_handler(id), IGNITE_ERR_NOT_FOUND,
                       "handler {} is not registered on engine '{}'", id, engine->name);
        engine->engine->remove_event_handler(id);  // from every event it is on
        return IGNITE_OK;
    });
}

// ---- custom events ----

ignite_status api_register_event(ignite_host* host, ignite_engine* engine, const char* name, const char* state_attr,
                                 ignite_event* out_event) {
    return guarded([&] {
        IGNITE_REQUIRE(host && engine && name && *name, IGNITE_ERR_INVALID_ARGUMENT,
                       "register_event needs an engine and a name");
        const std::string qualified = fmt::format("{}.{}", host->plugin->module.info->name, name);
        const auto ev = ignite::Event::custom(qualified);
        std::vector<std::pair<ignite::Event, std::string>> attrs;
        if (state_attr && *state_attr) attrs.emplace_back(ev, state_attr);
        engine->engine->register_events({ev}, attrs);
        if (out_event) *out_event = ev.id();
        return IGNITE_OK;
    });
}

ignite_status api_find_event(ignite_host*, const char* qualified_name, ignite_event* out_event) {
    return guarded([&] {
        IGNITE_REQUIRE(qualified_name && out_event, IGNITE_ERR_INVALID_ARGUMENT, "find_event needs a name");
        const auto ev = ignite::Event::find(qualified_name);
        IGNITE_REQUIRE(ev.has_value(), IGNITE_ERR_NOT_FOUND, "no event is named '{}'", qualified_name);
        *out_event = ev->id();
        return IGNITE_OK;
    });
}

ignite_status api_fire_event(ignite_host*, ignite_engine* engine, ignite_event event) {
    return guarded([&] {
        IGNITE_REQUIRE(engine, IGNITE_ERR_INVALID_ARGUMENT, "fire_event needs an engine");
        engine->engine->fire_event(engine_event(engine, event));
        return IGNITE_OK;
    });
}

// ---- state ----

// A user attribute `name` of `engine`: NOT_FOUND when it is not set.
const ignite::State& with_attr(ignite_engine* engine, const char* name) {
    const auto& s = engine->engine->state;
    if (!s.has(name)) {
        throw StatusError(IGNITE_ERR_NOT_FOUND, fmt::format("state.{} of engine '{}' is not set", name, engine->name));
    }
    return s;
}

ignite_status api_state_int(ignite_engine* engine, const char* name, int64_t* out) {
    return guarded([&] {
        IGNITE_REQUIRE(engine && name && out, IGNITE_ERR_INVALID_ARGUMENT, "state_int needs a name");
        const auto& s = engine->engine->state;
        const std::string_view n = name;
        if (n == IGNITE_STATE_EPOCH || n == IGNITE_STATE_ITERATION) {
            *out = n == IGNITE_STATE_EPOCH ? s.epoch : s.iteration;
        } else if (n == IGNITE_STATE_MAX_EPOCHS || n == IGNITE_STATE_EPOCH_LENGTH) {
            const auto& v = n == IGNITE_STATE_MAX_EPOCHS ? s.max_epochs : s.epoch_length;
            IGNITE_REQUIRE(v.has_value(), IGNITE_ERR_STATE, "state.{} is not set yet", name);
            *out = *v;
        } else {
            *out = with_attr(engine, name).get<std::int64_t>(name);
        }
        return IGNITE_OK;
    });
}

ignite_status api_state_double(ignite_engine* engine, const char* name, double* out) {
    return guarded([&] {
        IGNITE_REQUIRE(engine && name && out, IGNITE_ERR_INVALID_ARGUMENT, "state_double needs a name");
        *out = with_attr(engine, name).get<double>(name);
        return IGNITE_OK;
    });
}

ignite_status api_state_string(ignite_engine* engine, const char* name, const char** out) {
    return guarded([&] {
        IGNITE_REQUIRE(engine && name && out, IGNITE_ERR_INVALID_ARGUMENT, "state_string needs a name");
        engine->string_scratch = with_attr(engine, name).get<std::string>(name);
        *out = engine->string_scratch.c_str();
        return IGNITE_OK;
    });
}

template <typename T>
ignite_status set_state(ignite_engine* engine, const char* name, T value) {
    return guarded([&] {
        IGNITE_REQUIRE(engine && name && *name, IGNITE_ERR_INVALID_ARGUMENT, "set_state needs a name");
        const std::string_view n = name;
        IGNITE_REQUIRE(n != "epoch" && n != "iteration" && n != "max_epochs" && n != "epoch_length",
                       IGNITE_ERR_INVALID_ARGUMENT, "state.{} is the engine's own counter; plugins may not set it",
                       name);
        engine->engine->state.set(name, c10::IValue(value));
        return IGNITE_OK;
    });
}
ignite_status api_set_state_int(ignite_engine* e, const char* n, int64_t v) { return set_state(e, n, v); }
ignite_status api_set_state_double(ignite_engine* e, const char* n, double v) { return set_state(e, n, v); }
ignite_status api_set_state_string(ignite_engine* e, const char* n, const char* v) {
    return set_state(e, n, std::string(v ? v : ""));
}

ignite_status api_state_time(ignite_engine* engine, const char* key, double* out) {
    return guarded([&] {
        IGNITE_REQUIRE(engine && key && out, IGNITE_ERR_INVALID_ARGUMENT, "state_time needs a key");
        const auto& t = engine->engine->state.times;
        const std::string_view k = key;
        IGNITE_REQUIRE(k == "EPOCH_COMPLETED" || k == "COMPLETED", IGNITE_ERR_NOT_FOUND,
                       "state.times has no key '{}' (EPOCH_COMPLETED, COMPLETED)", key);
        const auto& v = k == "COMPLETED" ? t.completed : t.epoch_completed;
        IGNITE_REQUIRE(v.has_value(), IGNITE_ERR_STATE, "state.times['{}'] is not set yet", key);
        *out = *v;
        return IGNITE_OK;
    });
}

// ---- metrics ----

ignite_status api_metric_count(ignite_engine* engine, size_t* out) {
    return guarded([&] {
        IGNITE_REQUIRE(engine && out, IGNITE_ERR_INVALID_ARGUMENT, "metric_count needs an engine");
        *out = engine->engine->state.metrics.size();
        return IGNITE_OK;
    });
}

ignite_status api_metric_name(ignite_engine* engine, size_t index, const char** out) {
    return guarded([&] {
        IGNITE_REQUIRE(engine && out, IGNITE_ERR_INVALID_ARGUMENT, "metric_name needs an engine");
        engine->metric_names = engine->engine->state.metrics.keys();
        IGNITE_REQUIRE(index < engine->metric_names.size(), IGNITE_ERR_NOT_FOUND, "no metric at index {}", index);
        *out = engine->metric_names[index].c_str();
        return IGNITE_OK;
    });
}

ignite_status api_metric_double(ignite_engine* engine, const char* name, double* out) {
    return guarded([&] {
        IGNITE_REQUIRE(engine && name && out, IGNITE_ERR_INVALID_ARGUMENT, "metric_double needs a name");
        const auto* v = engine->engine->state.metrics.find(name);
        IGNITE_REQUIRE(v != nullptr, IGNITE_ERR_NOT_FOUND, "no metric named '{}'", name);
        *out = ignite::value_as<double>(*v, fmt::format("metric '{}'", name));
        return IGNITE_OK;
    });
}

ignite_status api_set_metric_double(ignite_engine* engine, const char* name, double value) {
    return guarded([&] {
        IGNITE_REQUIRE(engine && name && *name, IGNITE_ERR_INVALID_ARGUMENT, "set_metric_double needs a name");
        engine->engine->state.metrics.set(name, value);
        return IGNITE_OK;
    });
}

// ---- output / batch ----

const c10::IValue& pick(ignite_engine* engine, int32_t which) {
    if (which == IGNITE_VALUE_OUTPUT) return engine->engine->state.output;
    if (which == IGNITE_VALUE_BATCH) return engine->engine->state.batch;
    throw std::invalid_argument(
        fmt::format("`which` must be IGNITE_VALUE_OUTPUT or IGNITE_VALUE_BATCH, got {}", which));
}

const c10::IValue& element(ignite_engine* engine, int32_t which, size_t index) {
    const auto& v = pick(engine, which);
    if (v.isNone()) {
        throw StatusError(IGNITE_ERR_STATE, fmt::format("engine '{}' has no {} now (None)", engine->name,
                                                        which == IGNITE_VALUE_OUTPUT ? "output" : "batch"));
    }
    if (v.isTuple()) {
        const auto& elems = v.toTupleRef().elements();
        if (index >= elems.size()) {
            throw StatusError(IGNITE_ERR_NOT_FOUND, fmt::format("no element {} in a tuple of {}", index, elems.size()));
        }
        return elems[index];
    }
    if (index != 0) throw StatusError(IGNITE_ERR_NOT_FOUND, fmt::format("no element {} in a single value", index));
    return v;
}

ignite_status api_value_count(ignite_engine* engine, int32_t which, size_t* out) {
    return guarded([&] {
        IGNITE_REQUIRE(engine && out, IGNITE_ERR_INVALID_ARGUMENT, "value_count needs an engine");
        const auto& v = pick(engine, which);
        *out = v.isNone() ? 0 : v.isTuple() ? v.toTupleRef().elements().size() : v.isList() ? v.toListRef().size() : 1;
        return IGNITE_OK;
    });
}

ignite_status api_value_double(ignite_engine* engine, int32_t which, size_t index, double* out) {
    return guarded([&] {
        IGNITE_REQUIRE(engine && out, IGNITE_ERR_INVALID_ARGUMENT, "value_double needs an engine");
        *out = ignite::value_as<double>(element(engine, which, index), "the value");
        return IGNITE_OK;
    });
}

ignite_status tensor_out(ignite_engine* engine, int32_t which, size_t index, DLManagedTensor** out, bool borrowed) {
    return guarded([&] {
        IGNITE_REQUIRE(engine && out, IGNITE_ERR_INVALID_ARGUMENT, "value_tensor needs an engine");
        const auto& v = element(engine, which, index);
        IGNITE_REQUIRE(v.isTensor(), IGNITE_ERR_TYPE, "element {} is a {}, not a tensor", index, v.tagKind());
        DLManagedTensor* t = at::toDLPack(v.toTensor());
        if (borrowed) engine->borrowed.push_back(t);
        *out = t;
        return IGNITE_OK;
    });
}
ignite_status api_value_tensor(ignite_engine* e, int32_t w, size_t i, DLManagedTensor** o) {
    return tensor_out(e, w, i, o, true);
}
ignite_status api_keep_tensor(ignite_engine* e, int32_t w, size_t i, DLManagedTensor** o) {
    return tensor_out(e, w, i, o, false);
}

// ---- control ----

ignite_status api_terminate(ignite_engine* engine) {
    if (!engine) return fail(IGNITE_ERR_INVALID_ARGUMENT, "terminate needs an engine");
    engine->engine->terminate();
    if (!engine->termination) {
        const auto& s = engine->engine->state;
        engine->termination = PluginHost::Termination{
            engine->running_plugin ? engine->running_plugin->module.info->name : "a plugin", s.epoch, s.iteration};
    }
    return IGNITE_OK;
}
ignite_status api_terminate_epoch(ignite_engine* engine) {
    if (!engine) return fail(IGNITE_ERR_INVALID_ARGUMENT, "terminate_epoch needs an engine");
    engine->engine->terminate_epoch();
    return IGNITE_OK;
}

ignite_status api_handle_exception(ignite_host* host, ignite_engine* engine) {
    return guarded([&] {
        IGNITE_REQUIRE(host && engine, IGNITE_ERR_INVALID_ARGUMENT,
                       "handle_exception needs the plugin's host and an engine");
        IGNITE_REQUIRE(engine->exception_text != nullptr && engine->running_plugin == host->plugin, IGNITE_ERR_STATE,
                       "handle_exception is only valid inside this plugin's EXCEPTION_RAISED handler on engine '{}'",
                       engine->name);
        engine->engine->mark_exception_handled();
        log_line(
            fmt::format("ignite-host: warning: plugin '{}' handled (swallowed) the {}'s exception at epoch {}, "
                        "iteration {}: {}",
                        host->plugin->module.info->name, engine->name, engine->engine->state.epoch,
                        engine->engine->state.iteration, *engine->exception_text));
        return IGNITE_OK;
    });
}

// ---- optimizer parameter groups ----

// A pointer to `key` in `group`'s options, or null when this optimizer has no such key.
double* param_slot(torch::optim::OptimizerOptions& o, std::string_view key) {
    using namespace torch::optim;
    if (key == IGNITE_PARAM_LR) {
        if (auto* x = dynamic_cast<SGDOptions*>(&o)) return &x->lr();
        if (auto* x = dynamic_cast<AdamOptions*>(&o)) return &x->lr();
        if (auto* x = dynamic_cast<AdamWOptions*>(&o)) return &x->lr();
        if (auto* x = dynamic_cast<RMSpropOptions*>(&o)) return &x->lr();
        if (auto* x = dynamic_cast<AdagradOptions*>(&o)) return &x->lr();
    } else if (key == IGNITE_PARAM_MOMENTUM) {
        if (auto* x = dynamic_cast<SGDOptions*>(&o)) return &x->momentum();
        if (auto* x = dynamic_cast<RMSpropOptions*>(&o)) return &x->momentum();
    } else if (key == IGNITE_PARAM_WEIGHT_DECAY) {
        if (auto* x = dynamic_cast<SGDOptions*>(&o)) return &x->weight_decay();
        if (auto* x = dynamic_cast<AdamOptions*>(&o)) return &x->weight_decay();
        if (auto* x = dynamic_cast<AdamWOptions*>(&o)) return &x->weight_decay();
        if (auto* x = dynamic_cast<RMSpropOptions*>(&o)) return &x->weight_decay();
        if (auto* x = dynamic_cast<AdagradOptions*>(&o)) return &x->weight_decay();
    }
    return nullptr;
}

double& param(ignite_engine* engine, size_t group, const char* key) {
    const size_t groups = engine->optimizer ? engine->optimizer->param_groups().size() : 0;
    if (group >= groups) {
        throw StatusError(IGNITE_ERR_NOT_FOUND,
                          fmt::format("engine '{}' has {} optimizer parameter group{}, no group {}", engine->name,
                                      groups, groups == 1 ? "" : "s", group));
    }
    double* slot = param_slot(engine->optimizer->param_groups()[group].options(), key);
    if (!slot) {
        throw StatusError(IGNITE_ERR_NOT_FOUND, fmt::format("the optimizer of engine '{}' has no parameter '{}' ({}, "
                                                            "{}, {} where it has them)",
                                                            engine->name, key, IGNITE_PARAM_LR, IGNITE_PARAM_MOMENTUM,
                                                            IGNITE_PARAM_WEIGHT_DECAY));
    }
    return *slot;
}

ignite_status api_param_group_count(ignite_engine* engine, size_t* out) {
    return guarded([&] {
        IGNITE_REQUIRE(engine && out, IGNITE_ERR_INVALID_ARGUMENT, "param_group_count needs an engine");
        *out = engine->optimizer ? engine->optimizer->param_groups().size() : 0;
        return IGNITE_OK;
    });
}

ignite_status api_param_group_double(ignite_engine* engine, size_t group, const char* key, double* out) {
    return guarded([&] {
        IGNITE_REQUIRE(engine && key && out, IGNITE_ERR_INVALID_ARGUMENT, "param_group_double needs a key");
        *out = param(engine, group, key);
        return IGNITE_OK;
    });
}

ignite_status api_set_param_group_double(ignite_engine* engine, size_t group, const char* key, double value) {
    return guarded([&] {
        IGNITE_REQUIRE(engine && key, IGNITE_ERR_INVALID_ARGUMENT, "set_param_group_double needs a key");
        IGNITE_REQUIRE(std::isfinite(value) && value >= 0, IGNITE_ERR_INVALID_ARGUMENT,
                       "optimizer parameter '{}' must be a finite number >= 0, got {}", key, value);
        param(engine, group, key) = value;
        return IGNITE_OK;
    });
}

// ---- checkpoints (ABI 1.3) ----

// checkpoint_bytes (1.3) and checkpoint_bytes_of (1.4): the file of `keys` (empty: all).
ignite_status checkpoint_of(ignite_host* host, const std::vector<std::string>& keys, ignite_bytes* out) {
    IGNITE_REQUIRE(BridgeAccess::has_checkpoint_source(*host->owner), IGNITE_ERR_UNSUPPORTED,
                   "this host has nothing to checkpoint");
    try {
        host->owner->check_checkpoint_keys(keys);
    } catch (const std::out_of_range& e) {
        return fail(IGNITE_ERR_NOT_FOUND, e.what());
    } catch (const std::invalid_argument& e) {
        return fail(IGNITE_ERR_INVALID_ARGUMENT, e.what());
    }
    if (out == nullptr) return IGNITE_OK;
    host->plugin->checkpoint = host->owner->checkpoint_file(keys);
    out->data = host->plugin->checkpoint.data();
    out->size = host->plugin->checkpoint.size();
    return IGNITE_OK;
}

ignite_status api_checkpoint_bytes(ignite_host* host, ignite_engine* engine, ignite_bytes* out) {
    return guarded([&] {
        IGNITE_REQUIRE(host && engine && out, IGNITE_ERR_INVALID_ARGUMENT,
                       "checkpoint_bytes needs a host, engine and out");
        return checkpoint_of(host, {}, out);
    });
}

ignite_status api_checkpoint_bytes_of(ignite_host* host, ignite_engine* engine, const char* const* keys,
                                      size_t key_count, ignite_bytes* out) {
    return guarded([&] {
        IGNITE_REQUIRE(host && engine && (keys || key_count == 0), IGNITE_ERR_INVALID_ARGUMENT,
                       "checkpoint_bytes_of needs a host, engine and keys");
        std::vector<std::string> chosen;
        for (size_t i = 0; i < key_count; ++i) {
            IGNITE_REQUIRE(keys[i] != nullptr, IGNITE_ERR_INVALID_ARGUMENT, "checkpoint_bytes_of: key {} is NULL", i);
            chosen.emplace_back(keys[i]);
        }
        return checkpoint_of(host, chosen, out);
    });
}

ignite_status api_write_file_durably(ignite_host* host, const char* path, const void* data, size_t size) {
    return guarded([&] {
        IGNITE_REQUIRE(host && path && (data || size == 0), IGNITE_ERR_INVALID_ARGUMENT,
                       "write_file_durably needs a path and data");
        try {
            ignite::io::write_file_durably(path, std::span<const char>(static_cast<const char*>(data), size));
        } catch (const ignite::io::WriteError& e) {
            return fail(IGNITE_ERR_STATE, e.what());
        }
        return IGNITE_OK;
    });
}

ignite_status api_remove_stray_temporaries(ignite_host* host, const char* dir, size_t* removed) {
    return guarded([&] {
        IGNITE_REQUIRE(host && dir, IGNITE_ERR_INVALID_ARGUMENT, "remove_stray_temporaries needs a folder");
        try {
            const auto gone = ignite::io::remove_stray_temporaries(dir);
            if (removed) *removed = gone.size();
        } catch (const ignite::io::WriteError& e) {
            return fail(IGNITE_ERR_STATE, e.what());
        }
        return IGNITE_OK;
    });
}

// ---- the run's facts, checkpoint verification (ABI 1.5) ----

ignite_status api_run_fact_string(ignite_host* host, const char* name, const char** out) {
    return guarded([&] {
        IGNITE_REQUIRE(host && name && out, IGNITE_ERR_INVALID_ARGUMENT, "run_fact_string needs a name");
        const auto& facts = host->owner->run_facts();
        const std::string_view key(name);
        if (key == "output_dir") {
            *out = facts.output_dir.c_str();
            return IGNITE_OK;
        }
        IGNITE_REQUIRE(key != "resumed" && key != "rank" && key != "world_size" && key != "local_rank",
                       IGNITE_ERR_TYPE, "run fact '{}' is an integer (run_fact_int)", name);
        return fail(IGNITE_ERR_NOT_FOUND,
                    fmt::format("no run fact '{}' (strings: output_dir; integers: resumed, rank, world_size, "
                                "local_rank)",
                                name));
    });
}

ignite_status api_run_fact_int(ignite_host* host, const char* name, int64_t* out) {
    return guarded([&] {
        IGNITE_REQUIRE(host && name && out, IGNITE_ERR_INVALID_ARGUMENT, "run_fact_int needs a name");
        const auto& facts = host->owner->run_facts();
        const std::string_view key(name);
        if (key == "resumed") *out = facts.resumed ? 1 : 0;
        else if (key == "rank") *out = facts.rank;
        else if (key == "world_size") *out = facts.world_size;
        else if (key == "local_rank") *out = facts.local_rank;
        else {
            IGNITE_REQUIRE(key != "output_dir", IGNITE_ERR_TYPE, "run fact '{}' is a string (run_fact_string)", name);
            return fail(IGNITE_ERR_NOT_FOUND,
                        fmt::format("no run fact '{}' (integers: resumed, rank, world_size, local_rank; strings: "
                                    "output_dir)",
                                    name));
        }
        return IGNITE_OK;
    });
}

ignite_status api_verify_checkpoint(ignite_host* host, const char* path) {
    return guarded([&] {
        IGNITE_REQUIRE(host && path && *path, IGNITE_ERR_INVALID_ARGUMENT, "verify_checkpoint needs a path");
        try {
            (void)ignite::checkpoint::load(path);
        } catch (const std::exception& e) {
            return fail(IGNITE_ERR_INVALID_ARGUMENT, e.what());
        }
        return IGNITE_OK;
    });
}

ignite_status api_has_metric(ignite_engine* engine, const char* name, int32_t* out) {
    return guarded([&] {
        IGNITE_REQUIRE(engine && name && out, IGNITE_ERR_INVALID_ARGUMENT, "has_metric needs a name");
        *out = engine->attached_metrics.count(name) != 0 || engine->engine->state.metrics.contains(name) ? 1 : 0;
        return IGNITE_OK;
    });
}

// Designated initializers: two slots of the same type can no longer be swapped silently.
const ignite_host_api kApi = {
    .struct_size = sizeof(ignite_host_api),
    .abi_major = IGNITE_ABI_MAJOR,
    .abi_minor = IGNITE_ABI_MINOR,
    .last_error = api_last_error,
    .set_error = api_set_error,
    .log = api_log,
    .option_bool = api_option_bool,
    .option_int = api_option_int,
    .option_double = api_option_double,
    .option_string = api_option_string,
    .engine = api_engine,
    .engine_name = api_engine_name,
    .add_handler = api_add_handler,
    .remove_handler = api_remove_handler,
    .register_event = api_register_event,
    .find_event = api_find_event,
    .fire_event = api_fire_event,
    .state_int = api_state_int,
    .state_double = api_state_double,
    .state_string = api_state_string,
    .set_state_int = api_set_state_int,
    .set_state_double = api_set_state_double,
    .set_state_string = api_set_state_string,
    .state_time = api_state_time,
    .metric_count = api_metric_count,
    .metric_name = api_metric_name,
    .metric_double = api_metric_double,
    .set_metric_double = api_set_metric_double,
    .value_count = api_value_count,
    .value_double = api_value_double,
    .value_tensor = api_value_tensor,
    .keep_tensor = api_keep_tensor,
    .terminate = api_terminate,
    .terminate_epoch = api_terminate_epoch,
    .handle_exception = api_handle_exception,
    .param_group_count = api_param_group_count,
    .param_group_double = api_param_group_double,
    .set_param_group_double = api_set_param_group_double,
    .checkpoint_bytes = api_checkpoint_bytes,
    .write_file_durably = api_write_file_durably,
    .remove_stray_temporaries = api_remove_stray_temporaries,
    .checkpoint_bytes_of = api_checkpoint_bytes_of,
    .run_fact_string = api_run_fact_string,
    .run_fact_int = api_run_fact_int,
    .verify_checkpoint = api_verify_checkpoint,
    .has_metric = api_has_metric,
};

}  // namespace

const ignite_host_api* PluginHost::api() { return &kApi; }

PluginHost::PluginHost() = default;

PluginHost::~PluginHost() { shutdown(); }

void PluginHost::add_engine(const std::string& name, ignite::Engine& engine) {
    auto e = std::make_unique<ignite_engine>();
    e->engine = &engine;
    e->name = name;
    engines_[name] = std::move(e);
}

void PluginHost::set_optimizer(const std::string& engine, torch::optim::Optimizer& optimizer) {
    const auto it = engines_.find(engine);
    if (it == engines_.end())
        throw std::invalid_argument(fmt::format("set_optimizer: no engine '{}' was added", engine));
    it->second->optimizer = &optimizer;
}

void PluginHost::declare_metric(const std::string& engine, const std::string& metric) {
    const auto it = engines_.find(engine);
    if (it == engines_.end())
        throw std::invalid_argument(fmt::format("declare_metric: no engine '{}' was added", engine));
    it->second->attached_metrics.insert(metric);
}

void PluginHost::reserve_state_keys(std::vector<std::string> keys) {
    reserved_state_keys_.insert(reserved_state_keys_.end(), keys.begin(), keys.end());
}

void PluginHost::load(const std::vector<std::string>& plugins, const RawPluginOptions& options) {
    open(plugins, options);
    init();
}

void PluginHost::open(const std::vector<std::string>& plugins, const RawPluginOptions& options) {
    // Load and validate every module first, so a bad one stops before any init runs.
    std::vector<std::unique_ptr<Loaded>> loaded;
    std::map<std::string, std::string> names;  // name -> path
    for (const auto& l : plugins_) names[l->module.info->name] = l->module.path.string();
    for (const auto& spec : plugins) {
        auto l = std::make_unique<Loaded>();
        l->module = load_plugin_module(resolve_plugin(spec));
        const std::string name = l->module.info->name;
        if (auto it = names.find(name); it != names.end()) {
            throw PluginError(it->second == l->module.path.string()
                                  ? fmt::format("plugin '{}' is given twice ({}); give each plugin once", name, spec)
                                  : fmt::format("two plugins are named '{}': {} and {}; plugin names must be unique",
                                                name, it->second, l->module.path.string()));
        }
        names[name] = l->module.path.string();
        loaded.push_back(std::move(l));
    }
    for (const auto& [name, raw] : options) {
        if (!names.count(name)) {
            throw PluginError(
                fmt::format("--plugin-opt names plugin '{}', which is not loaded; add --plugin {}", name, name));
        }
    }
    // State keys are checkpoint keys: unique across the loaded plugins and the host's own.
    std::map<std::string, std::string> key_owner;  // state_key -> plugin
    for (const auto& l : plugins_)
        if (l->module.info->state_key) key_owner.emplace(l->module.info->state_key, l->module.info->name);
    for (const auto& l : loaded) {
        const auto& info = *l->module.info;
        if (!info.state_key) continue;
        if (std::find(reserved_state_keys_.begin(), reserved_state_keys_.end(), info.state_key) !=
            reserved_state_keys_.end()) {
            throw PluginError(
                fmt::format("plugin '{}' saves its state under '{}', which this host's checkpoints use "
                            "for their own entry; the plugin must choose another state_key",
                            info.name, info.state_key));
        }
        const auto [it, fresh] = key_owner.emplace(info.state_key, info.name);
        if (!fresh) {
            throw PluginError(
                fmt::format("plugins '{}' and '{}' both save their state under '{}'; load only one of them", it->second,
                            info.name, info.state_key));
        }
    }
    // Metric names are the state.metrics keys: unique across every loaded plugin.
    std::map<std::string, std::string> metric_owner;
    for (const auto& m : metrics()) metric_owner.emplace(m.name, m.plugin);
    for (const auto& l : loaded) {
        for (const auto* decl : metric_decls(*l->module.info)) {
            const auto [it, fresh] = metric_owner.emplace(decl->name, l->module.info->name);
            if (!fresh) {
                throw PluginError(fmt::format("plugins '{}' and '{}' both declare metric '{}'; load only one of them",
                                              it->second, l->module.info->name, decl->name));
            }
        }
    }
    for (auto& l : loaded) {
        auto it = options.find(l->module.info->name);
        try {
            l->options = validate_options(*l->module.info, it == options.end() ? decltype(it->second){} : it->second);
        } catch (const std::invalid_argument& e) {
            throw PluginError(e.what());
        }
    }
    for (auto& l : loaded) {
        l->host = std::make_unique<ignite_host>();
        l->host->owner = this;
        l->host->plugin = l.get();
        for (auto& [name, e] : engines_) l->host->engines[name] = e.get();
        plugins_.push_back(std::move(l));
    }
}

void PluginHost::init() {
    for (auto& l : plugins_) {
        Loaded& ref = *l;
        if (ref.initialised || ref.init_called) continue;
        ref.init_called = true;  // never twice, even after a failure
        ignite_status status = IGNITE_ERR_INTERNAL;
        try {
            status = ref.module.info->init(ref.host.get(), &kApi, &ref.state);
        } catch (...) {
            throw PluginError(
                fmt::format("plugin '{}': init threw a C++ exception across the C ABI; catch it inside "
                            "the plugin (the SDK's C++ layer does)",
                            ref.module.info->name));
        }
        if (status != IGNITE_OK) {
            throw PluginError(fmt::format("plugin '{}' failed to initialise: {}", ref.module.info->name,
                                          ref.error.empty() ? "no message given" : ref.error));
        }
        ref.initialised = true;
    }
}

std::vector<PluginHost::AvailableMetric> PluginHost::metrics() const {
    std::vector<AvailableMetric> out;
    for (const auto& l : plugins_) {
        for (const auto* decl : metric_decls(*l->module.info)) out.push_back({decl->name, l->module.info->name, decl});
    }
    return out;
}

std::shared_ptr<ignite::Metric> PluginHost::make_metric(const std::string& name) {
    for (const auto& l : plugins_) {
        for (const auto* decl : metric_decls(*l->module.info)) {
            if (name != decl->name) continue;
            Loaded* plugin = l.get();
            PluginMetric::Binding b;
            b.plugin = plugin->module.info->name;
            b.decl = decl;
            b.plugin_state = [plugin, name]() -> void* {
                if (!plugin->initialised) {
                    throw PluginRunError(fmt::format("metric '{}' is used while plugin '{}' is not initialised", name,
                                                     plugin->module.info->name));
                }
                return plugin->state;
            };
            b.take_error = [plugin] { return std::exchange(plugin->error, std::string()); };
            auto metric = std::make_shared<PluginMetric>(std::move(b));
            std::erase_if(metric_instances_, [](const auto& w) { return w.expired(); });
            metric_instances_.push_back(metric);
            return metric;
        }
    }
    std::string available;
    for (const auto& m : metrics())
        available += fmt::format("{}{} ({})", available.empty() ? "" : ", ", m.name, m.plugin);
    throw PluginError(fmt::format("no loaded plugin declares metric '{}'; loaded plugins declare: {}", name,
                                  available.empty() ? "none" : available));
}

std::optional<PluginHost::Termination> PluginHost::termination(const std::string& name) const {
    const auto it = engines_.find(name);
    return it == engines_.end() ? std::nullopt : it->second->termination;
}

void PluginHost::shutdown() noexcept {
    // Metric instances live in the plugins: destroy them while the plugins still run.
    for (auto& w : metric_instances_) {
        if (auto m = w.lock()) static_cast<PluginMetric&>(*m).release();
    }
    metric_instances_.clear();
    for (auto it = plugins_.rbegin(); it != plugins_.rend(); ++it) {
        auto& l = **it;
        if (l.initialised && l.module.info->shutdown) l.module.info->shutdown(l.state);
        l.initialised = false;
    }
}

void PluginHost::set_checkpoint_source(std::vector<std::string> host_keys, CheckpointEntries entries) {
    // A plugin state under one of them would collide with the host's entry.
    reserved_state_keys_.insert(reserved_state_keys_.end(), host_keys.begin(), host_keys.end());
    checkpoint_host_keys_ = std::move(host_keys);
    checkpoint_entries_ = std::move(entries);
}

void PluginHost::check_checkpoint_keys(const std::vector<std::string>& keys) const {
    if (!checkpoint_entries_) throw std::logic_error("this host has nothing to checkpoint");
    std::vector<std::string> known = checkpoint_host_keys_;
    for (const auto& l : plugins_)
        if (l->module.info->state_key) known.emplace_back(l->module.info->state_key);
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (keys[i].empty()) throw std::invalid_argument("an empty checkpoint entry name");
        if (std::find(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(i), keys[i]) !=
            keys.begin() + static_cast<std::ptrdiff_t>(i))
            throw std::invalid_argument(fmt::format("checkpoint entry '{}' is named twice", keys[i]));
        if (std::find(known.begin(), known.end(), keys[i]) == known.end()) {
            throw std::out_of_range(
                fmt::format("the checkpoint has no entry '{}'; it has {}", keys[i], fmt::join(known, ", ")));
        }
    }
}

std::vector<char> PluginHost::checkpoint_file(const std::vector<std::string>& keys) {
    check_checkpoint_keys(keys);
    auto own = checkpoint_entries_();
    if (keys.empty()) {
        for (auto& [key, value] : save_plugin_states()) own.insert_or_assign(key, std::move(value));
        return ignite::checkpoint::encode(own, "checkpoint");
    }
    // Only the chosen plugins' save_state runs.
    std::map<std::string, c10::IValue> states;
    const auto chosen_plugin = [&](const char* key) { return std::find(keys.begin(), keys.end(), key) != keys.end(); };
    for (auto& [key, value] : save_plugin_states_of(chosen_plugin)) states.emplace(key, std::move(value));
    c10::impl::GenericDict chosen(c10::StringType::get(), c10::AnyType::get());
    for (const auto& key : keys) {
        if (own.contains(key)) {
            chosen.insert(key, own.at(key));
        } else if (auto it = states.find(key); it != states.end()) {
            chosen.insert(key, it->second);
        } else {
            // A plugin that saved nothing (empty state), or a host key its entries lack now.
            throw std::runtime_error(fmt::format("checkpoint entry '{}' is empty now; nothing to save under it", key));
        }
    }
    if (keys.size() == 1) return ignite::checkpoint::encode(chosen.at(keys.front()), "checkpoint");
    return ignite::checkpoint::encode(chosen, "checkpoint");
}

std::vector<std::pair<std::string, c10::IValue>> PluginHost::save_plugin_states() {
    return save_plugin_states_of([](const char*) { return true; });
}

std::vector<std::pair<std::string, c10::IValue>> PluginHost::save_plugin_states_of(
    const std::function<bool(const char*)>& wanted) {
    std::vector<std::pair<std::string, c10::IValue>> out;
    for (auto& l : plugins_) {
        const auto& info = *l->module.info;
        if (!l->initialised || !info.state_key || !info.save_state || !wanted(info.state_key)) continue;
        // A zeroed ignite_bytes as large as the plugin's header declares (plugin.h, bytes_size).
        const std::size_t size = std::max(sizeof(ignite_bytes), plugin_bytes_size(info));
        std::vector<std::max_align_t> buffer((size + sizeof(std::max_align_t) - 1) / sizeof(std::max_align_t));
        auto* bytes = reinterpret_cast<ignite_bytes*>(buffer.data());
        l->error.clear();
        if (info.save_state(l->state, bytes) != IGNITE_OK) {
            throw PluginRunError(fmt::format("plugin '{}': save_state failed: {}", info.name,
                                             l->error.empty() ? "no message given" : l->error));
        }
        if (bytes->size == 0) continue;
        const std::string_view data(static_cast<const char*>(bytes->data), bytes->size);
        if (plugin_state_format(info) == IGNITE_STATE_JSON) {
            try {
                out.emplace_back(info.state_key, json_state::to_value(data));
            } catch (const std::invalid_argument& e) {
                throw PluginRunError(fmt::format("plugin '{}': save_state gave JSON state that is {}; fix the plugin",
                                                 info.name, e.what()));
            }
            continue;
        }
        auto t = at::empty({static_cast<std::int64_t>(data.size())}, at::kByte);
        std::memcpy(t.data_ptr(), data.data(), data.size());
        out.emplace_back(info.state_key, std::move(t));
    }
    return out;
}

std::vector<std::string> PluginHost::load_plugin_states(const std::map<std::string, c10::IValue>& states) {
    std::vector<std::string> unclaimed;
    for (const auto& [key, value] : states) {
        bool claimed = false;
        for (auto& l : plugins_) {
            const auto& info = *l->module.info;
            if (!l->initialised || !info.state_key || key != info.state_key || !info.load_state) continue;
            claimed = true;
            // Bytes (a uint8 tensor) go over as they are, also to a JSON plugin: they are
            // what it saved while its state was bytes. A JSON plugin gets any other value as
            // JSON text.
            std::string bytes;
            const bool is_bytes =
                value.isTensor() && value.toTensor().scalar_type() == at::kByte && value.toTensor().dim() == 1;
            if (is_bytes) {
                const auto t = value.toTensor().contiguous().to(at::kCPU);
                bytes.assign(static_cast<const char*>(t.data_ptr()), static_cast<std::size_t>(t.numel()));
            } else if (plugin_state_format(info) == IGNITE_STATE_JSON) {
                try {
                    bytes = json_state::to_json(value);
                } catch (const std::invalid_argument& e) {
                    throw PluginRunError(
                        fmt::format("plugin '{}': the state under '{}': {}; give a checkpoint "
                                    "this plugin saved",
                                    info.name, key, e.what()));
                }
            } else {
                throw PluginRunError(
                    fmt::format("plugin '{}': the state under '{}' is a {}, not the bytes (a uint8 "
                                "tensor) it saves; give a checkpoint this plugin saved",
                                info.name, key, value.tagKind()));
            }
            l->error.clear();
            if (info.load_state(l->state, bytes.data(), bytes.size()) != IGNITE_OK) {
                throw PluginRunError(fmt::format("plugin '{}': load_state failed: {}", info.name,
                                                 l->error.empty() ? "no message given" : l->error));
            }
        }
        if (!claimed) unclaimed.push_back(key);
    }
    return unclaimed;
}

std::optional<OptionValue> PluginHost::plugin_option(const std::string& plugin, const std::string& option) const {
    for (const auto& l : plugins_) {
        if (plugin != l->module.info->name) continue;
        const auto it = l->options.find(option);
        if (it != l->options.end()) return it->second;
    }
    return std::nullopt;
}

}  // namespace ignite::host
