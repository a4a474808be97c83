// The function table handed to shared-library plugins (ignite_host_api): every call checks
// its arguments, runs guarded (a C++ exception becomes a status code and last_error) and
// answers with the status plugin.h gives it by meaning.
#include "handles.hpp"

#include <ignite/runtime/console_log.hpp>
#include <ignite/runtime/optimizer_params.hpp>
#include <ignite/runtime/plugin_metric.hpp>

#include <ignite/core/checkpoint_file.hpp>
#include <ignite/core/durable_file.hpp>

#include <ATen/DLConvertor.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
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

namespace ignite::host {
namespace {

thread_local std::string g_last_error;

}  // namespace

// The API functions' way into PluginHost's private members.
struct BridgeAccess {
    static bool has_checkpoint_source(const PluginHost& h) { return static_cast<bool>(h.checkpoint_entries_); }
    static const std::vector<ignite_engine*>& engine_order(const PluginHost& h) { return h.engine_order_; }
};

namespace {


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
    const char* name = host && host->plugin ? host->plugin->spec.name.c_str() : "?";
    const auto lvl = level >= 0 && level <= 3 ? static_cast<LogLevel>(level) : LogLevel::info;
    log_plugin_line(lvl, name, message ? message : "");
}

// ---- options ----

template <typename T, typename Out>
ignite_status read_option(ignite_host* host, const char* name, Out* out, const char* type) {
    return guarded([&] {
        IGNITE_REQUIRE(host && name && out, IGNITE_ERR_INVALID_ARGUMENT, "option read with a null argument");
        const char* plugin = host->plugin->spec.name.c_str();
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
                throw PluginRunError(fmt::format("plugin '{}' failed in its {} handler: {}", plugin->spec.name.c_str(),
                                                 f.event.name(),
                                                 plugin->error.empty() ? "no message given" : plugin->error));
            }
        };
        // Labelled with the plugin's name, for a HandlerObserver (a profiler's rows).
        const auto label = engine->engine->label_handlers(plugin->spec.name.c_str());
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
        const std::string qualified = fmt::format("{}.{}", host->plugin->spec.name.c_str(), name);
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

// The first terminate a plugin asked of `engine` (who and when; why is the engine's own
// terminate_reason), for the run's summary.
void note_termination(ignite_engine* engine) {
    if (engine->termination) return;
    const auto& s = engine->engine->state;
    engine->termination = PluginHost::Termination{
        engine->running_plugin ? engine->running_plugin->spec.name : "a plugin", s.epoch, s.iteration};
}

ignite_status api_terminate(ignite_engine* engine) {
    if (!engine) return fail(IGNITE_ERR_INVALID_ARGUMENT, "terminate needs an engine");
    engine->engine->terminate(ignite::TerminateReason::handler);
    note_termination(engine);
    return IGNITE_OK;
}

// Every reason of terminate_reasons.def is core's of the same value.
#define IGNITE_TERMINATE_REASON(name, core, value, help)                                                       \
    static_assert(static_cast<int>(IGNITE_TERMINATE_##name) == static_cast<int>(ignite::TerminateReason::core), \
                  "IGNITE_TERMINATE_" #name " must equal core's ignite::TerminateReason::" #core);
#include <ignite/terminate_reasons.def>

ignite_status api_terminate_with_reason(ignite_engine* engine, int32_t reason) {
    if (!engine) return fail(IGNITE_ERR_INVALID_ARGUMENT, "terminate_with_reason needs an engine");
    bool known = false;
#define IGNITE_TERMINATE_REASON(name, core, value, help) known = known || (reason == (value) && (value) != 0);
#include <ignite/terminate_reasons.def>
    IGNITE_REQUIRE(known, IGNITE_ERR_INVALID_ARGUMENT,
                   "terminate_with_reason: {} is not a reason this host knows (IGNITE_TERMINATE_HANDLER, "
                   "_USER_SIGNAL, _BAD_WEIGHTS, _ITERATION_LIMIT)",
                   reason);
    engine->engine->terminate(static_cast<ignite::TerminateReason>(reason));
    note_termination(engine);
    return IGNITE_OK;
}

ignite_status api_terminate_reason(ignite_engine* engine, int32_t* out) {
    if (!engine || !out) return fail(IGNITE_ERR_INVALID_ARGUMENT, "terminate_reason needs an engine and out");
    *out = static_cast<int32_t>(engine->engine->terminate_reason());
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
                        host->plugin->spec.name.c_str(), engine->name, engine->engine->state.epoch,
                        engine->engine->state.iteration, *engine->exception_text));
        return IGNITE_OK;
    });
}

// ---- optimizer parameter groups ----


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

// The run's facts by name, one table: which kind each is and where its value is.
struct RunFact {
    const char* name;
    bool is_string;
    std::int64_t (*as_int)(const RunFacts&);
    const std::string& (*as_string)(const RunFacts&);
};
const RunFact kRunFacts[] = {
    {"output_dir", true, nullptr, [](const RunFacts& f) -> const std::string& { return f.output_dir; }},
    {"config", true, nullptr, [](const RunFacts& f) -> const std::string& { return f.config_json; }},  // 1.6
    {"resumed", false, [](const RunFacts& f) -> std::int64_t { return f.resumed ? 1 : 0; }, nullptr},
    {"rank", false, [](const RunFacts& f) { return f.rank; }, nullptr},
    {"world_size", false, [](const RunFacts& f) { return f.world_size; }, nullptr},
    {"local_rank", false, [](const RunFacts& f) { return f.local_rank; }, nullptr},
};

// The fact `name` of the wanted kind; StatusError TYPE for the other kind, NOT_FOUND (listing
// every fact) for an unknown name.
const RunFact& run_fact(const char* name, bool want_string) {
    for (const auto& f : kRunFacts) {
        if (std::string_view(name) != f.name) continue;
        if (f.is_string != want_string) {
            throw StatusError(IGNITE_ERR_TYPE, fmt::format("run fact '{}' is {} ({})", name,
                                                           f.is_string ? "a string" : "an integer",
                                                           f.is_string ? "run_fact_string" : "run_fact_int"));
        }
        return f;
    }
    std::string strings, ints;
    for (const auto& f : kRunFacts) (f.is_string ? strings : ints) += fmt::format("{}{}", (f.is_string ? strings : ints).empty() ? "" : ", ", f.name);
    throw StatusError(IGNITE_ERR_NOT_FOUND,
                      fmt::format("no run fact '{}' (strings: {}; integers: {})", name, strings, ints));
}

ignite_status api_run_fact_string(ignite_host* host, const char* name, const char** out) {
    return guarded([&] {
        IGNITE_REQUIRE(host && name && out, IGNITE_ERR_INVALID_ARGUMENT, "run_fact_string needs a name");
        *out = run_fact(name, true).as_string(host->owner->run_facts()).c_str();
        return IGNITE_OK;
    });
}

ignite_status api_run_fact_int(ignite_host* host, const char* name, int64_t* out) {
    return guarded([&] {
        IGNITE_REQUIRE(host && name && out, IGNITE_ERR_INVALID_ARGUMENT, "run_fact_int needs a name");
        *out = run_fact(name, false).as_int(host->owner->run_facts());
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

// ---- the run's engines, tensor metrics (ABI 1.6) ----

ignite_status api_engine_count(ignite_host* host, size_t* out) {
    return guarded([&] {
        IGNITE_REQUIRE(host && out, IGNITE_ERR_INVALID_ARGUMENT, "engine_count needs the plugin's host");
        *out = BridgeAccess::engine_order(*host->owner).size();
        return IGNITE_OK;
    });
}

ignite_status api_engine_at(ignite_host* host, size_t index, ignite_engine** out) {
    return guarded([&] {
        IGNITE_REQUIRE(host && out, IGNITE_ERR_INVALID_ARGUMENT, "engine_at needs the plugin's host");
        const auto& order = BridgeAccess::engine_order(*host->owner);
        IGNITE_REQUIRE(index < order.size(), IGNITE_ERR_NOT_FOUND, "no engine {}: the run has {} engine(s)", index,
                       order.size());
        *out = order[index];
        return IGNITE_OK;
    });
}

ignite_status api_metric_tensor(ignite_engine* engine, const char* name, DLManagedTensor** out) {
    return guarded([&] {
        IGNITE_REQUIRE(engine && name && out, IGNITE_ERR_INVALID_ARGUMENT, "metric_tensor needs a name and out");
        const auto* v = engine->engine->state.metrics.find(name);
        IGNITE_REQUIRE(v != nullptr, IGNITE_ERR_NOT_FOUND, "no metric named '{}'", name);
        at::Tensor t;
        if (v->isTensor()) {
            t = v->toTensor().detach().to(at::kCPU).contiguous().clone();
        } else if (v->isDouble() || v->isInt() || v->isBool()) {
            t = at::scalar_tensor(v->isDouble() ? v->toDouble() : static_cast<double>(v->isInt() ? v->toInt() : v->toBool()),
                                  at::kDouble);
        } else {
            return fail(IGNITE_ERR_TYPE, fmt::format("metric '{}' is a {}, neither a tensor nor a number", name,
                                                     v->tagKind()));
        }
        *out = at::toDLPack(t);
        return IGNITE_OK;
    });
}

// ---- ABI 1.7: the status area, the model's parameters ----

ignite_status api_set_status(ignite_host* host, const char* text) {
    return guarded([&] {
        IGNITE_REQUIRE(host, IGNITE_ERR_INVALID_ARGUMENT, "set_status needs the plugin's host");
        set_status_lines(host->status_slot, text ? std::string_view(text) : std::string_view());
        return IGNITE_OK;
    });
}

ignite_status api_status_drawn(ignite_host* host, int32_t* out) {
    return guarded([&] {
        IGNITE_REQUIRE(host && out, IGNITE_ERR_INVALID_ARGUMENT, "status_drawn needs the plugin's host and out");
        *out = status_area_drawn() ? 1 : 0;
        return IGNITE_OK;
    });
}

ignite_status api_parameter_count(ignite_engine* engine, size_t* out) {
    return guarded([&] {
        IGNITE_REQUIRE(engine && out, IGNITE_ERR_INVALID_ARGUMENT, "parameter_count needs an engine and out");
        *out = engine->parameters.size();
        return IGNITE_OK;
    });
}

ignite_status api_parameter_name(ignite_engine* engine, size_t index, const char** out) {
    return guarded([&] {
        IGNITE_REQUIRE(engine && out, IGNITE_ERR_INVALID_ARGUMENT, "parameter_name needs an engine and out");
        IGNITE_REQUIRE(index < engine->parameter_names.size(), IGNITE_ERR_NOT_FOUND,
                       "engine '{}' has {} parameter(s); there is no parameter {}", engine->name,
                       engine->parameter_names.size(), index);
        *out = engine->parameter_names[index].c_str();
        return IGNITE_OK;
    });
}

ignite_status api_parameter_tensor(ignite_engine* engine, size_t index, int32_t which, DLManagedTensor** out) {
    return guarded([&] {
        IGNITE_REQUIRE(engine && out, IGNITE_ERR_INVALID_ARGUMENT, "parameter_tensor needs an engine and out");
        IGNITE_REQUIRE(which == IGNITE_PARAMETER_VALUE || which == IGNITE_PARAMETER_GRAD, IGNITE_ERR_INVALID_ARGUMENT,
                       "parameter_tensor: `which` is IGNITE_PARAMETER_VALUE (0) or IGNITE_PARAMETER_GRAD (1), not {}",
                       which);
        IGNITE_REQUIRE(index < engine->parameters.size(), IGNITE_ERR_NOT_FOUND,
                       "engine '{}' has {} parameter(s); there is no parameter {}", engine->name,
                       engine->parameters.size(), index);
        const auto& p = engine->parameters[index];
        at::Tensor t = which == IGNITE_PARAMETER_VALUE ? p.detach() : p.grad();
        IGNITE_REQUIRE(t.defined(), IGNITE_ERR_NOT_FOUND, "parameter '{}' has no gradient (yet)",
                       engine->parameter_names[index]);
        DLManagedTensor* dl = at::toDLPack(t.detach());
        engine->borrowed.push_back(dl);
        *out = dl;
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
    .engine_count = api_engine_count,
    .engine_at = api_engine_at,
    .metric_tensor = api_metric_tensor,
    .terminate_with_reason = api_terminate_with_reason,
    .terminate_reason = api_terminate_reason,
    .set_status = api_set_status,
    .status_drawn = api_status_drawn,
    .parameter_count = api_parameter_count,
    .parameter_name = api_parameter_name,
    .parameter_tensor = api_parameter_tensor,
};

}  // namespace

const ignite_host_api* PluginHost::api() { return &kApi; }

}  // namespace ignite::host
