#pragma once
// A metric declared by a plugin (ABI 1.1 ignite_metric_decl) as a core ignite::Metric, so
// the host attaches it to an engine, reduces its statistics and logs it like a built-in one.

#include <ignite/core/metric.hpp>
#include <ignite/plugin.h>

#include <functional>
#include <string>
#include <vector>

namespace ignite::host {

/// The metrics a plugin's info declares (none for a 1.0 plugin or a short struct), stepping
/// through the array by its entries' struct_size. Assumes the info passed
/// load_plugin_module's validation.
std::vector<const ignite_metric_decl*> metric_decls(const ignite_plugin_info& info);

/// One instance of a plugin metric. The plugin instance is created lazily (on first use,
/// which must come after the plugin's init) and destroyed by release() or the destructor.
class PluginMetric : public ignite::Metric {
public:
    /// How the metric reaches its plugin: `plugin_state` gives the plugin's state (throws
    /// when the plugin is not initialised); `take_error` returns and clears the message the
    /// plugin gave with set_error.
    struct Binding {
        std::string plugin;
        const ignite_metric_decl* decl = nullptr;
        std::function<void*()> plugin_state;
        std::function<std::string()> take_error;
    };

    explicit PluginMetric(Binding binding, ignite::OutputTransform output_transform = {});
    ~PluginMetric() override;

    void reset() override;
    /// (y_pred, y) as at::toDLPack tensors borrowed for the call (copied to the CPU first
    /// when the decl has IGNITE_METRIC_CPU).
    void update(const c10::IValue& output) override;
    /// A double for one value; otherwise a 1-D double tensor, (k, k) for IGNITE_METRIC_SQUARE.
    [[nodiscard]] c10::IValue compute() const override;
    [[nodiscard]] std::vector<double> statistics() const override;
    void load_statistics(const std::vector<double>& stats) override;
    [[nodiscard]] std::string name() const override { return binding_.decl->name; }

    /// Destroys the plugin's instance (before the plugin shuts down); later calls throw.
    void release() noexcept;

private:
    void* instance() const;
    void check(ignite_status status, const char* what) const;
    std::vector<double> values(ignite_status (*fn)(void*, double*, size_t, size_t*), const char* what) const;

    Binding binding_;
    mutable void* state_ = nullptr;
    bool released_ = false;
};

}  // namespace ignite::host
