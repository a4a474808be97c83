// What a plugin is and declares: the Plugin and Metric base classes, and the fluent
// PluginSpec (options, custom events, metrics, saved state, the ABI minor it needs) given to
// IGNITE_SDK_PLUGIN, the plugin's entry symbol. Part of <ignite/plugin.hpp>; header-only C++17.
#pragma once

#include <ignite/plugin.h>
#include <ignite/plugin_text.hpp>
#include <ignite/sdk/host.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ignite::sdk {
inline namespace v1 {

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

}  // namespace v1
}  // namespace ignite::sdk

/// Defines the plugin's entry symbol for class PluginClass (derived from
/// ignite::sdk::Plugin) described by a PluginSpec expression. Use once per plugin.
#define IGNITE_SDK_PLUGIN(PluginClass, ...)                                               \
    extern "C" IGNITE_PLUGIN_EXPORT const ignite_plugin_info* ignite_plugin_entry(void) { \
        return ::ignite::sdk::PluginGlue<PluginClass>::info(__VA_ARGS__);                 \
    }

#include <ignite/sdk/detail/c_glue.hpp>  // after the spec: PluginGlue<P>, which IGNITE_SDK_PLUGIN names
