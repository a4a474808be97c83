// PluginGlue<P>: the C side of a C++ plugin, behind IGNITE_SDK_PLUGIN. It builds the
// ignite_plugin_info from the PluginSpec and gives the host C callbacks (init, shutdown,
// save/load state, and each metric's create/reset/update/compute/statistics) that run the
// plugin's C++ through Host::guarded, so every exception becomes a status and a message
// and none crosses into the host. Not for plugin code to call. Part of
// <ignite/plugin.hpp>; header-only C++17.
#pragma once

#include <ignite/plugin.h>
#include <ignite/sdk/error.hpp>
#include <ignite/sdk/host.hpp>
#include <ignite/sdk/spec.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ignite::sdk {
inline namespace v1 {

/// The C side of a C++ plugin and its metrics; every callback catches what plugin code throws.
template <typename P>
struct PluginGlue {
    // A metric instance and the host its errors go to (no process-global).
    struct MetricBox {
        Host* host;
        std::unique_ptr<Metric> metric;
    };
    static MetricBox& box(void* m) { return *static_cast<MetricBox*>(m); }

    // The spec given to IGNITE_SDK_PLUGIN, kept for the process lifetime (set by info()).
    static PluginSpec*& kept_slot() {
        static PluginSpec* spec = nullptr;
        return spec;
    }
    static PluginSpec& kept() { return *kept_slot(); }

    static ignite_status create_metric(void* plugin_state, const ignite_metric_decl* decl,
                                       void** metric_state) noexcept {
        auto* p = static_cast<Plugin*>(plugin_state);
        if (!p || !decl || !metric_state) return IGNITE_ERR_INVALID_ARGUMENT;
        return p->host_->guarded([&] {
            const auto& decls = metric_decls();
            const auto index = static_cast<std::size_t>(decl - decls.data());
            if (decl < decls.data() || index >= decls.size())
                throw Error(IGNITE_ERR_NOT_FOUND, std::string("metric '") + (decl->name ? decl->name : "?") +
                                                      "' is not one of this plugin's");
            const auto& spec = kept().metrics_[index];
            std::unique_ptr<Metric> m = spec.factory_ ? spec.factory_(*p) : nullptr;
            if (!m) throw Error(IGNITE_ERR_PLUGIN, "metric '" + spec.name_ + "': the factory returned no metric");
            *metric_state = new MetricBox{p->host_.get(), std::move(m)};
        });
    }
    static void destroy(void* m) noexcept { delete static_cast<MetricBox*>(m); }
    static ignite_status reset(void* m) noexcept {
        if (!m) return IGNITE_ERR_INVALID_ARGUMENT;
        return box(m).host->guarded([&] { box(m).metric->reset(); });
    }
    static ignite_status update(void* m, const DLManagedTensor* y_pred, const DLManagedTensor* y) noexcept {
        if (!m || !y_pred || !y) return IGNITE_ERR_INVALID_ARGUMENT;
        return box(m).host->guarded([&] { box(m).metric->update(y_pred, y); });
    }
    // The capacity protocol of compute/statistics (plugin.h).
    template <typename Get>
    static ignite_status values(void* m, double* out, std::size_t capacity, std::size_t* count, Get get) noexcept {
        if (!m || !count || (capacity && !out)) return IGNITE_ERR_INVALID_ARGUMENT;
        return box(m).host->guarded([&] {
            const std::vector<double> v = get(*box(m).metric);
            *count = v.size();
            if (v.size() <= capacity)
                for (std::size_t i = 0; i < v.size(); ++i) out[i] = v[i];
        });
    }
    static ignite_status compute(void* m, double* out, std::size_t capacity, std::size_t* count) noexcept {
        return values(m, out, capacity, count, [](const Metric& x) { return x.compute(); });
    }
    static ignite_status statistics(void* m, double* out, std::size_t capacity, std::size_t* count) noexcept {
        return values(m, out, capacity, count, [](const Metric& x) { return x.statistics(); });
    }
    static ignite_status load_statistics(void* m, const double* in, std::size_t count) noexcept {
        if (!m || (count && !in)) return IGNITE_ERR_INVALID_ARGUMENT;
        return box(m).host->guarded([&] { box(m).metric->load_statistics(std::vector<double>(in, in + count)); });
    }
    static const std::vector<ignite_metric_decl>& metric_decls() {
        static const std::vector<ignite_metric_decl> decls = [] {
            std::vector<ignite_metric_decl> out;
            for (const auto& spec : kept().metrics_) {
                ignite_metric_decl d{};
                d.struct_size = sizeof(ignite_metric_decl);
                d.flags = (spec.square_ ? IGNITE_METRIC_SQUARE : 0u) | (spec.cpu_ ? IGNITE_METRIC_CPU : 0u);
                d.name = spec.name_.c_str();
                d.help = spec.help_.c_str();
                d.create = nullptr;  // create_metric is told which metric (ABI 1.2)
                d.destroy = &PluginGlue::destroy;
                d.reset = &PluginGlue::reset;
                d.update = &PluginGlue::update;
                d.compute = &PluginGlue::compute;
                d.statistics = &PluginGlue::statistics;
                d.load_statistics = &PluginGlue::load_statistics;
                d.create_metric = &PluginGlue::create_metric;
                out.push_back(d);
            }
            return out;
        }();
        return decls;
    }

    static ignite_status init(ignite_host* host, const ignite_host_api* api, void** state) noexcept {
        // Reports init's failure: the plugin's own Host is gone with the plugin by then.
        Host boundary(host, api);
        return boundary.guarded([&] {
            std::unique_ptr<Plugin> plugin = std::make_unique<P>();
            plugin->host_ = std::make_unique<Host>(host, api);
            plugin->init(*plugin->host_);  // through the base: P may keep init() private
            *state = plugin.release();
        });
    }
    static void shutdown(void* state) noexcept { delete static_cast<Plugin*>(state); }
    static ignite_status save(void* state, ignite_bytes* out) noexcept {
        auto* p = static_cast<Plugin*>(state);
        return p->host_->guarded([&] {
            p->saved_ = p->save_state();
            out->data = p->saved_.data();
            out->size = p->saved_.size();
        });
    }
    static ignite_status load(void* state, const void* data, std::size_t size) noexcept {
        auto* p = static_cast<Plugin*>(state);
        return p->host_->guarded([&] { p->load_state(std::string_view(static_cast<const char*>(data), size)); });
    }
    static const ignite_plugin_info* info(const PluginSpec& spec) {
        static PluginSpec kept_copy = [&] {
            PluginSpec k = spec;
            k.build_raw();
            return k;
        }();
        kept_slot() = &kept_copy;
        static const ignite_plugin_info info = [] {
            const PluginSpec& k = kept();
            const auto& decls = metric_decls();
            ignite_plugin_info i{};
            i.struct_size = sizeof(ignite_plugin_info);
            i.abi_major = IGNITE_ABI_MAJOR;
            // The oldest minor whose features the plugin uses, so a plain handler plugin
            // still loads in a 1.0 host (which ignores the larger struct_size); one with
            // option ranges or metrics needs a host that validates / creates them.
            i.abi_minor = k.uses_abi_1_2() ? 2 : 0;
            if (k.needs_minor_ > i.abi_minor) i.abi_minor = k.needs_minor_;
            if (k.state_format_ != IGNITE_STATE_BYTES && i.abi_minor < 4) i.abi_minor = 4;
            i.name = k.name_.c_str();
            i.version = k.version_.c_str();
            i.description = k.description_.c_str();
            i.options = k.options_raw_.empty() ? nullptr : k.options_raw_.data();
            i.option_count = k.options_raw_.size();
            i.events = k.events_raw_.empty() ? nullptr : k.events_raw_.data();
            i.event_count = k.events_raw_.size();
            i.init = &PluginGlue::init;
            i.shutdown = &PluginGlue::shutdown;
            i.state_key = k.state_key_.empty() ? nullptr : k.state_key_.c_str();
            i.save_state = k.state_key_.empty() ? nullptr : &PluginGlue::save;
            i.load_state = k.state_key_.empty() ? nullptr : &PluginGlue::load;
            i.metrics = decls.empty() ? nullptr : decls.data();
            i.metric_count = decls.size();
            i.option_stride = sizeof(ignite_option_spec);
            i.event_stride = sizeof(ignite_event_decl);
            i.bytes_size = sizeof(ignite_bytes);
            i.state_format = k.state_format_;
            return i;
        }();
        return &info;
    }
};

}  // namespace v1
}  // namespace ignite::sdk
