#pragma once
// One model for everything that joins a run (DESIGN.md, "Participants").
//
// Decision record (issue 18):
//  - A run has participants of two kinds: shared-library plugins, which reach the run through
//    the C ABI, and in-process components, C++ classes that see core directly (the host's
//    `jsonl` writer and `lr_schedule`, later Ignite's handlers). Both are described by one
//    ParticipantSpec and go through one path in PluginHost: `--plugin NAME` finds a component
//    offered under NAME before a module on the search path, and from then on load order,
//    option validation (the same OptionSchema and validate_options), `plugins list/inspect`,
//    state keys, placement and shutdown do not ask which kind it is. LLVM does the same for
//    its static and dynamic pass plugins (llvm/Support/Extension.def: one info shape).
//  - A component is named like a plugin and may be replaced by one: a `.so` given by PATH is
//    loaded even where a component has its name, and two participants of one name are refused.
//  - Components keep their state as a c10::IValue (the Python value Ignite's handler would
//    save), so a component's checkpoint entry reads in Python like Ignite's own.
//  - Placement is decided at init from the run's facts: a rank-0 participant on another rank
//    is loaded and its options validated (so every rank refuses the same bad command line),
//    but never initialised: it registers no handler, saves and loads no state.

#include <ignite/runtime/plugin_options.hpp>

#include <ATen/core/ivalue.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ignite {
class Engine;
}
namespace torch::optim {
class Optimizer;
}

namespace ignite::host {

/// Where a participant runs (plugin.h's IGNITE_PLACEMENT_*, same values).
enum class Placement : std::uint32_t {
    every_rank = 0,  ///< metrics, handlers that act on them: every rank computes the same
    rank_zero = 1,   ///< loggers, report, checkpoint, progress: one writer per run
};
[[nodiscard]] const char* placement_name(Placement p) noexcept;  // "every rank", "rank 0"

enum class ParticipantKind { shared_library, component };

/// What a participant declares, whichever kind it is: what `plugins list` and `plugins
/// inspect` print and what PluginHost checks before any init.
struct ParticipantSpec {
    std::string name;  ///< [a-z0-9_]+, unique among a run's participants
    std::string version;
    std::string description;  ///< one line
    std::vector<OptionSchema> options;
    std::string state_key;  ///< its checkpoint entry; "" when it keeps no state
    bool state_is_json = false;  ///< a .so's IGNITE_STATE_JSON (components keep IValues)
    Placement placement = Placement::every_rank;
    int priority_band = 0;  ///< the band its handlers register in (ignite::Priority)
    ParticipantKind kind = ParticipantKind::component;
    std::filesystem::path path;  ///< the module, for a shared-library plugin
    std::string abi;             ///< "1.6" for a shared-library plugin, "" for a component
    struct Named {
        std::string name, help;
    };
    std::vector<Named> events;   ///< custom events, qualified ("tbptt.TIME_ITERATION_COMPLETED")
    std::vector<Named> metrics;  ///< metrics it declares (a matrix metric's help says so)
};

/// The run's facts: set by the host before any participant's init and fixed for the run.
/// C plugins read them through run_fact_string / run_fact_int (ABI 1.5, 1.6: "config").
struct RunFacts {
    std::string output_dir;  ///< the run's output folder ("" when there is none)
    bool resumed = false;    ///< the run continues from a checkpoint
    std::int64_t rank = 0, world_size = 1, local_rank = 0;
    /// The run's configuration, one JSON object (every option with its value, as the run
    /// uses it); "{}" when the host has none.
    std::string config_json = "{}";
};

/// What a component's init sees: the run, as core objects.
class RunContext {
public:
    virtual ~RunContext() = default;
    [[nodiscard]] virtual const RunFacts& facts() const = 0;
    /// The component's validated options (defaults applied).
    [[nodiscard]] virtual const std::map<std::string, OptionValue>& options() const = 0;
    /// One option's value; throws std::logic_error when the spec declares no such option.
    template <class T>
    [[nodiscard]] T option(const std::string& name) const {
        const auto it = options().find(name);
        if (it == options().end()) throw std::logic_error("component asks for undeclared option '" + name + "'");
        return std::get<T>(it->second);
    }
    /// The run's engines by name, in the order the host added them ("trainer", "evaluator").
    [[nodiscard]] virtual std::vector<std::pair<std::string, ignite::Engine*>> engines() const = 0;
    /// Engine `name`, or nullptr when the run has none of that name.
    [[nodiscard]] virtual ignite::Engine* engine(const std::string& name) const = 0;
    /// The optimizer the host handed for engine `name` (set_optimizer), or nullptr.
    [[nodiscard]] virtual torch::optim::Optimizer* optimizer(const std::string& name) const = 0;
};

/// An in-process participant. init registers its handlers (in its spec's priority band,
/// labelled with its name: Engine::label_handlers) and may throw: std::invalid_argument is a
/// bad input (PluginHost reports it as a PluginError naming the component, exit 2), anything
/// else a failed init. Handlers throw like any core handler.
class Component {
public:
    virtual ~Component() = default;
    virtual void init(RunContext& run) = 0;
    /// The state to checkpoint under the spec's state_key; nullopt: nothing to save now.
    [[nodiscard]] virtual std::optional<c10::IValue> save_state() { return std::nullopt; }
    /// The value an earlier save_state gave (read back from a checkpoint). Throws
    /// std::invalid_argument for a value it cannot take (PluginHost names the component).
    virtual void load_state(const c10::IValue& /*state*/) {}
    /// Called instead of load_state when the checkpoint a run resumes from has no entry under
    /// the spec's state_key. Throw std::invalid_argument to refuse the resume (one line: what
    /// would go wrong and the fix); by default the component keeps its fresh state.
    virtual void load_state_missing() {}
    /// Called once, last initialised first, when the run is over. Must not throw.
    virtual void shutdown() noexcept {}
};

/// A component a host offers under its spec's name (PluginHost::offer_component): the spec
/// is known without a run (plugins list/inspect), `make` builds one for a run.
struct ComponentOffer {
    ParticipantSpec spec;  ///< kind must be ParticipantKind::component
    std::function<std::unique_ptr<Component>()> make;
};

}  // namespace ignite::host
