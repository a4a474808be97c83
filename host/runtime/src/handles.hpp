#pragma once
// The C ABI's opaque handles (ignite_engine, ignite_host) and a loaded participant
// (PluginHost::Loaded), shared by the runtime's sources: the function table (host_api.cpp),
// the participants' lifecycle (plugin_host.cpp) and the checkpoint assembly
// (checkpoint_assembly.cpp).

#include <ignite/runtime/bridge.hpp>
#include <ignite/runtime/participant.hpp>

#include <torch/optim/optimizer.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

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
    // The parameters of the model the engine trains (set_parameters), for parameter_* (ABI
    // 1.7): an optimizer step updates them in place, so the handles stay current.
    std::vector<std::string> parameter_names;
    std::vector<at::Tensor> parameters;

    void release_borrowed() noexcept {
        for (auto* t : borrowed) t->deleter(t);
        borrowed.clear();
    }
};


namespace ignite::host {

/// One participant of the run, of either kind: a shared-library plugin (module, host,
/// state, error, checkpoint) or a component (component).
struct PluginHost::Loaded {
    ParticipantSpec spec;
    std::map<std::string, OptionValue> options;
    bool initialised = false;
    bool init_called = false;
    bool placed_here = true;  // false: a rank-0 participant on another rank (never initialised)
    // A shared-library plugin:
    LoadedModule module;
    std::unique_ptr<ignite_host> host;
    void* state = nullptr;
    std::string error;             // set_error from the plugin's current failure
    std::vector<char> checkpoint;  // behind checkpoint_bytes' result (ABI 1.3)
    // A component:
    std::unique_ptr<Component> component;

    [[nodiscard]] bool is_component() const noexcept { return spec.kind == ParticipantKind::component; }
    [[nodiscard]] const char* name() const noexcept { return spec.name.c_str(); }
};

/// The size of ignite_bytes a plugin was built with (plugin.h: bytes_size; 0 or absent: 1.2's).
std::size_t plugin_bytes_size(const ignite_plugin_info& info);

}  // namespace ignite::host

struct ignite_host {
    ignite::host::PluginHost* owner = nullptr;
    ignite::host::PluginHost::Loaded* plugin = nullptr;
    std::map<std::string, ignite_engine*> engines;
    std::size_t status_slot = 0;  // the plugin's place in load order: its lines in the status area
};
