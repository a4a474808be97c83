#pragma once
// The plugin runtime's host: the run's participants (shared-library plugins through the C ABI
// and in-process components, participant.hpp), its engines and facts. Its sources: the
// handles (src/handles.hpp), the C function table (src/host_api.cpp), the participants'
// lifecycle (src/plugin_host.cpp) and the checkpoint assembly (src/checkpoint_assembly.cpp).
// This is the only place that sees both sdk/ and core/.

#include <ignite/runtime/participant.hpp>
#include <ignite/runtime/plugin_loader.hpp>
#include <ignite/runtime/plugin_options.hpp>

#include <ignite/core/engine.hpp>
#include <ignite/plugin.h>
#include <ATen/core/ivalue.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ignite {
class Metric;
}
namespace torch::optim {
class Optimizer;
}

namespace ignite::host {

/// A plugin callback failed during a run. Raised inside the engine, so EXCEPTION_RAISED
/// handlers see it like any exception in Ignite.
class PluginRunError : public ignite::RuntimeError {
public:
    using ignite::RuntimeError::RuntimeError;
};

/// Loads a run's participants and connects them to the host's engines.
class PluginHost {
public:
    PluginHost();
    ~PluginHost();
    PluginHost(const PluginHost&) = delete;
    PluginHost& operator=(const PluginHost&) = delete;

    /// Makes `engine` visible to plugins as `name` ("trainer", "evaluator"). The engine
    /// must outlive this PluginHost.
    void add_engine(const std::string& name, ignite::Engine& engine);

    /// Hands plugins the optimizer of engine `engine` (added before): its parameter groups
    /// become readable and writable through the ABI's param_group_* calls. The optimizer
    /// must outlive this PluginHost. Throws std::invalid_argument for an unknown engine.
    void set_optimizer(const std::string& engine, torch::optim::Optimizer& optimizer);

    /// Hands plugins the parameters of the model engine `engine` (added before) trains, by
    /// their module paths ("fc1.weight"): they and their gradients become readable through
    /// the ABI's parameter_* calls (1.7). Pass the tensors the optimizer updates (a module's
    /// named_parameters(), once it is on its device): an optimizer step changes them in
    /// place, so plugins always read the current values. Throws std::invalid_argument for an
    /// unknown engine.
    void set_parameters(const std::string& engine, std::vector<std::pair<std::string, at::Tensor>> parameters);

    /// Whether the host draws the terminal's status area (ABI 1.7 set_status) under its log
    /// lines: by default when stderr is a terminal; an application forces it on or off
    /// (ignite-host's --tty). Process-wide, like stderr.
    static void set_status_drawn(bool drawn) noexcept;

    /// The run's facts (participant.hpp; ABI 1.5 run_fact_string / run_fact_int, 1.6 "config"):
    /// participants read them from init on, and placement is decided by the rank, so set
    /// them before init(). Throws std::invalid_argument for a rank outside 0..world_size-1 or
    /// a config that is not one JSON object.
    using RunFacts = host::RunFacts;
    void set_run_facts(RunFacts facts);
    [[nodiscard]] const RunFacts& run_facts() const noexcept { return run_facts_; }

    /// Declares that a metric `metric` is attached to engine `engine` (added before), so a
    /// plugin can check at init that a metric it will read exists (ABI 1.5: has_metric).
    /// Throws std::invalid_argument for an unknown engine.
    void declare_metric(const std::string& engine, const std::string& metric);
    /// Whether engine `engine` has metric `metric`: declared (declare_metric) or in its
    /// state.metrics now, as the ABI's has_metric answers; false for an unknown engine.
    [[nodiscard]] bool has_metric(const std::string& engine, const std::string& metric) const;

    /// The checkpoint keys the host's own entries use (e.g. "model", "trainer"): a plugin
    /// whose state_key is one of them is refused at open(). Call before open()/load(); the
    /// keys add to those reserved before (set_checkpoint_source reserves its own).
    void reserve_state_keys(std::vector<std::string> keys);

    /// Offers a component under its spec's name: `--plugin NAME` (open()'s list) then loads it
    /// instead of searching for a module (a PATH always loads the module). Offer before
    /// open(). Throws std::invalid_argument for a spec that is not a component's, a name
    /// offered twice or an invalid name.
    void offer_component(ComponentOffer offer);
    /// The components offered, in offer order (for `plugins list` / `plugins inspect`).
    [[nodiscard]] std::vector<ParticipantSpec> offered_components() const;
    /// The participants opened, in load order, whichever their kind.
    [[nodiscard]] std::vector<ParticipantSpec> participants() const;
    /// Whether participant `name` is opened and placed on this rank (initialised by init()).
    [[nodiscard]] bool runs_here(const std::string& name) const;

    /// Loads each participant (a component's NAME, or a plugin's NAME or PATH, in order), validates its options and calls its
    /// init. Throws PluginError (one line naming the plugin and the cause) for a bad
    /// module, a duplicate name or state_key (or a reserved one), options for a plugin not
    /// loaded, invalid options, or a failed init; plugins already initialised are shut
    /// down cleanly by the destructor.
    void load(const std::vector<std::string>& plugins, const RawPluginOptions& options);

    /// load() in two steps: open() loads and validates the modules and their options (and
    /// refuses two plugins declaring the same metric name) without calling init; init()
    /// then initialises every opened plugin in order. Between the two, metrics() and
    /// make_metric() already work, so a host can attach plugin metrics to its engines
    /// before the plugins' own handlers are registered.
    void open(const std::vector<std::string>& plugins, const RawPluginOptions& options);
    void init();

    /// A metric some loaded plugin declares (ABI 1.1).
    struct AvailableMetric {
        std::string name;    ///< the state.metrics key
        std::string plugin;  ///< the plugin that declares it
        const ignite_metric_decl* decl = nullptr;
    };
    /// Every metric the loaded plugins declare, in load order.
    [[nodiscard]] std::vector<AvailableMetric> metrics() const;
    /// A new instance of metric `name` (a core Metric to attach). The plugin's instance is
    /// created on first use, which must follow init(); every instance is destroyed before
    /// the plugins shut down. Throws PluginError listing the metrics available.
    std::shared_ptr<ignite::Metric> make_metric(const std::string& name);

    /// Who stopped an engine early through the ABI's terminate, and when.
    struct Termination {
        std::string plugin;          ///< the plugin whose handler called terminate
        std::int64_t epoch = 0;      ///< the engine's state.epoch at that moment
        std::int64_t iteration = 0;  ///< the engine's state.iteration at that moment
    };
    /// The first terminate a plugin asked of engine `name` (nullopt: none, or no such engine).
    [[nodiscard]] std::optional<Termination> termination(const std::string& name) const;

    // ---- checkpoints (ABI 1.3, 1.4) ----

    /// The host's own checkpoint entries, e.g. {"model": state_dict, "trainer": ...}: a dict
    /// with str keys, built when a plugin asks for a checkpoint.
    using CheckpointEntries = std::function<c10::impl::GenericDict()>;

    /// What the ABI's checkpoint_bytes / checkpoint_bytes_of hand a plugin: one file (core's
    /// checkpoint format) of the host's entries followed by every loaded plugin's state
    /// (save_plugin_states), or of the entries a plugin chose (one chosen entry: its value
    /// alone, Ignite's rule for a single object). `host_keys` are the keys `entries` returns,
    /// so a plugin's choice is checked before anything is built (also at its init); a
    /// plugin may not use them as state_key (reserve_state_keys). Until a source is set,
    /// both calls answer IGNITE_ERR_UNSUPPORTED. An exception of `entries` becomes the
    /// call's error (its message for the plugin's last_error). Call before init() when
    /// plugins are to check their choice at init.
    void set_checkpoint_source(std::vector<std::string> host_keys, CheckpointEntries entries);

    /// The checkpoint file of the entries `keys` (empty: all; see set_checkpoint_source).
    /// Throws std::out_of_range for a key the checkpoint does not have (the message lists
    /// those it has), std::invalid_argument for an empty or repeated key, std::logic_error
    /// when no source is set, and what the source or a plugin's save_state throws.
    [[nodiscard]] std::vector<char> checkpoint_file(const std::vector<std::string>& keys);
    /// The same checkpoint as a value, before it is encoded (for a component that saves
    /// through core's Checkpoint: ignite-host's checkpoint).
    [[nodiscard]] c10::IValue checkpoint_value(const std::vector<std::string>& keys);
    /// Whether set_checkpoint_source was called (a host that can checkpoint).
    [[nodiscard]] bool has_checkpoint_source() const noexcept { return static_cast<bool>(checkpoint_entries_); }
    /// Checks `keys` as checkpoint_file does, without building anything.
    void check_checkpoint_keys(const std::vector<std::string>& keys) const;

    /// Every initialised plugin's state (save_state) under its state_key, in load order, as
    /// the checkpoint value plugin.h's state_format says: a 1-D uint8 tensor of the bytes, or
    /// the Python value of IGNITE_STATE_JSON state. Plugins without a state_key, or whose
    /// bytes are empty, are left out. Throws PluginRunError naming the plugin whose
    /// save_state failed or gave invalid JSON.
    [[nodiscard]] std::vector<std::pair<std::string, c10::IValue>> save_plugin_states();
    /// Hands each loaded plugin the value saved under its state_key (load_state: a uint8
    /// tensor's bytes as they are; another value as JSON text to a JSON plugin); a plugin
    /// whose key is absent keeps its state. Returns the keys no loaded plugin claims (the
    /// caller warns). Throws PluginRunError naming the plugin whose load_state failed or
    /// whose value it cannot take (not bytes for a bytes plugin; not JSON-expressible).
    std::vector<std::string> load_plugin_states(const std::map<std::string, c10::IValue>& states);

    /// The validated value of option `option` of the loaded plugin named `plugin` (defaults
    /// applied); nullopt when no such plugin is loaded or it declares no such option.
    [[nodiscard]] std::optional<OptionValue> plugin_option(const std::string& plugin, const std::string& option) const;

    /// Calls every plugin's shutdown, last loaded first. Idempotent.
    void shutdown() noexcept;

    /// The function table handed to plugins.
    static const ignite_host_api* api();

    struct Loaded;

private:
    std::vector<std::unique_ptr<Loaded>> plugins_;
    std::map<std::string, std::unique_ptr<ignite_engine>> engines_;
    std::vector<ignite_engine*> engine_order_;  // as added: engine_count / engine_at
    std::vector<ComponentOffer> offers_;
    std::vector<std::weak_ptr<ignite::Metric>> metric_instances_;  // released before shutdown
    // save_plugin_states of the plugins whose state_key `wanted` accepts.
    [[nodiscard]] std::vector<std::pair<std::string, c10::IValue>> save_plugin_states_of(
        const std::function<bool(const char*)>& wanted);
    std::vector<std::string> checkpoint_host_keys_;
    CheckpointEntries checkpoint_entries_;
    std::vector<std::string> reserved_state_keys_;
    RunFacts run_facts_;
    class ComponentRun;  // a component's RunContext
    void init_participant(Loaded& participant);
    friend struct BridgeAccess;
};

}  // namespace ignite::host
