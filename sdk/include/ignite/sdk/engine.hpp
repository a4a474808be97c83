// ignite::sdk::Engine: a view of one host engine (state, metrics, output and batch,
// optimizer param groups, control) and handler registration in every shape core accepts.
// Part of <ignite/plugin.hpp>; header-only C++17.
//
// Engine and Host need each other: this file declares Engine, and the members that call
// through its Host (api, name, on, remove, register_event, fire) are defined at the end of
// <ignite/sdk/host.hpp>, where Host is complete. Each header includes the other, so either
// one alone gives both whole.
#pragma once

#include <ignite/plugin.h>
#include <ignite/sdk/error.hpp>
#include <ignite/sdk/events.hpp>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace ignite::sdk {
inline namespace v1 {

class Host;

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
    /// A metric of any shape (a confusion matrix; a number as a 0-dim float64) as an owned
    /// CPU tensor (ABI 1.6: metric_tensor; needs_abi_minor(6)). Throws Error (NOT_FOUND, TYPE).
    [[nodiscard]] std::unique_ptr<DLManagedTensor, void (*)(DLManagedTensor*)> metric_tensor(
        const std::string& name) const {
        require_16("metric_tensor");
        DLManagedTensor* t = nullptr;
        check(api()->metric_tensor(engine_, name.c_str(), &t), name.c_str());
        return {t, [](DLManagedTensor* m) {
                    if (m && m->deleter) m->deleter(m);
                }};
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
    /// Terminates saying why (ABI 1.6; needs_abi_minor(6)): TerminateReason::bad_weights for
    /// weights no checkpoint should keep (a NaN loss), handler for a decision (the default).
    void terminate(TerminateReason reason) const {
        require_16("terminate_with_reason");
        check(api()->terminate_with_reason(engine_, static_cast<std::int32_t>(reason)), "terminate_with_reason");
    }
    /// Why the engine's current (or last) run was terminated; TerminateReason::none when it
    /// was not, and on a host before 1.6.
    [[nodiscard]] TerminateReason terminate_reason() const {
        std::int32_t r = 0;
        if (!IGNITE_API_HAS(api(), ignite_host_api, terminate_reason)) return TerminateReason::none;
        check(api()->terminate_reason(engine_, &r), "terminate_reason");
        return static_cast<TerminateReason>(r);
    }
    void terminate_epoch() const { check(api()->terminate_epoch(engine_), "terminate_epoch"); }

    // ---- the trained model's parameters (ABI 1.7; needs_abi_minor(7)) ----

    /// The dotted names of the model's parameters ("fc1.weight"), in named_parameters()
    /// order; empty for an engine without a model. An index into it names the parameter in
    /// parameter_tensor.
    [[nodiscard]] std::vector<std::string> parameter_names() const {
        require_17("parameter_count");
        std::size_t n = 0;
        check(api()->parameter_count(engine_, &n), "parameter_count");
        std::vector<std::string> names;
        names.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            const char* name = nullptr;
            check(api()->parameter_name(engine_, i, &name), "parameter_name");
            names.emplace_back(name);
        }
        return names;
    }
    /// Parameter `index`'s value (IGNITE_PARAMETER_VALUE) or gradient (IGNITE_PARAMETER_GRAD)
    /// on the model's device, BORROWED until the current callback returns (never call its
    /// deleter); nullptr for a gradient not computed (yet). Throws Error otherwise.
    [[nodiscard]] DLManagedTensor* parameter_tensor(std::size_t index, std::int32_t which) const {
        require_17("parameter_tensor");
        DLManagedTensor* t = nullptr;
        const auto s = api()->parameter_tensor(engine_, index, which, &t);
        if (s == IGNITE_ERR_NOT_FOUND && which == IGNITE_PARAMETER_GRAD) return nullptr;
        check(s, "parameter_tensor");
        return t;
    }

private:
    void require_17(const char* call) const {
        if (!IGNITE_API_HAS(api(), ignite_host_api, parameter_tensor))
            throw Error(IGNITE_ERR_UNSUPPORTED, std::string("this host predates ABI 1.7: it has no ") + call);
    }
    [[nodiscard]] const ignite_host_api* api() const noexcept;
    void require_16(const char* call) const {
        if (!IGNITE_API_HAS(api(), ignite_host_api, terminate_reason))
            throw Error(IGNITE_ERR_UNSUPPORTED, std::string("this host predates ABI 1.6: it has no ") + call);
    }
    void check(ignite_status s, const char* what) const {
        if (s != IGNITE_OK) {
            const char* msg = api()->last_error(nullptr);
            throw Error(s, msg && *msg ? std::string(msg) : std::string("host call failed: ") + what);
        }
    }
    ignite_engine* engine_;
    Host* host_;
};

}  // namespace v1
}  // namespace ignite::sdk

#include <ignite/sdk/host.hpp>  // after Engine: Host holds Engines and defines Engine's calls through it
