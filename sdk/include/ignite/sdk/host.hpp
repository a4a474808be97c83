// ignite::sdk::Host: the host as a plugin sees it (engines, options, logging, custom events,
// checkpoints, run facts, exception handling) and the owner of the plugin's handler
// closures, with the C trampolines that reach them. Part of <ignite/plugin.hpp>;
// header-only C++17.
#pragma once

#include <ignite/plugin.h>
#include <ignite/plugin_text.hpp>
#include <ignite/sdk/engine.hpp>
#include <ignite/sdk/error.hpp>
#include <ignite/sdk/events.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ignite::sdk {
inline namespace v1 {

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
    /// The run's configuration, one JSON object's text (ABI 1.6: the run fact "config").
    [[nodiscard]] std::string run_config() const { return run_fact_string("config"); }
    /// Every engine of the run, in the order the host made them (ABI 1.6: engine_count /
    /// engine_at; needs_abi_minor(6)), e.g. to check an engine option against those that exist.
    [[nodiscard]] std::vector<Engine> engines() {
        require_api(IGNITE_API_HAS(api_, ignite_host_api, engine_at), "engine_at");
        std::size_t n = 0;
        check(api_->engine_count(host_, &n));
        std::vector<Engine> out;
        for (std::size_t i = 0; i < n; ++i) {
            ignite_engine* e = nullptr;
            check(api_->engine_at(host_, i, &e));
            out.emplace_back(e, this);
        }
        return out;
    }
    /// The engines a list option names (e.g. `--plugin-opt trace.engines=trainer,validation`):
    /// "all" is every engine of the run, in the host's order; any other name must be one of
    /// the run's engines (ABI 1.6: engines()), so a plugin lists no engine names of its own
    /// and a misspelt or absent one is refused at init. Throws std::invalid_argument (one
    /// line naming the option, the name and the run's engines).
    [[nodiscard]] std::vector<Engine> engines_from_option(const char* option, const std::string& plugin) {
        auto all = engines();
        const auto names = option_list(option);
        if (names.size() == 1 && names.front() == "all") return all;
        std::string known;
        for (const auto& e : all) known += (known.empty() ? "" : ", ") + e.name();
        std::vector<Engine> out;
        for (const auto& n : names) {
            auto it = std::find_if(all.begin(), all.end(), [&](const Engine& e) { return e.name() == n; });
            if (it == all.end()) {
                throw std::invalid_argument(plugin + "." + option + " names engine '" + n +
                                            "', which this run does not have; its engines: " + known + " (or all)");
            }
            out.push_back(*it);
        }
        return out;
    }
    // ---- the terminal's status area (ABI 1.7; needs_abi_minor(7)) ----

    /// Replaces this plugin's lines in the status area the host keeps under its log lines
    /// ('\n' separates lines; "" removes them). Draws nothing where status_drawn() is false.
    void set_status(const std::string& text) {
        require_api(IGNITE_API_HAS(api_, ignite_host_api, set_status), "set_status");
        check(api_->set_status(host_, text.c_str()));
    }
    /// Whether the host draws the status area (stderr is a terminal, or forced); false on a
    /// host before 1.7, where a plugin prints plain lines through log() instead.
    [[nodiscard]] bool status_drawn() const {
        if (!IGNITE_API_HAS(api_, ignite_host_api, status_drawn)) return false;
        std::int32_t out = 0;
        check(api_->status_drawn(host_, &out));
        return out != 0;
    }

    /// "" when `path` is a checkpoint that verifies, else the one-line reason (naming the file).
    [[nodiscard]] std::string checkpoint_problem(const std::string& path) const {
        require_api(IGNITE_API_HAS(api_, ignite_host_api, verify_checkpoint), "verify_checkpoint");
        if (api_->verify_checkpoint(host_, path.c_str()) == IGNITE_OK) return {};
        const char* why = api_->last_error(host_);
        return why && *why ? why : "checkpoint '" + path + "' does not verify";
    }

    /// Registers `fn` on `events` of `engine` (Engine::on is the usual spelling).
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

// Engine's members that call through its Host (declared in <ignite/sdk/engine.hpp>).
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

}  // namespace v1
}  // namespace ignite::sdk
