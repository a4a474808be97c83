#include <ignite/runtime/plugin_metric.hpp>

#include <ignite/runtime/bridge.hpp>

#include "abi_sizes.hpp"

#include <ATen/DLConvertor.h>
#include <ATen/Functions.h>
#include <fmt/format.h>

#include <cmath>
#include <memory>

namespace ignite::host {

std::vector<const ignite_metric_decl*> metric_decls(const ignite_plugin_info& info) {
    std::vector<const ignite_metric_decl*> out;
    if (info.abi_minor < 1 || info.struct_size < abi::kInfoSize_1_1 || info.metrics == nullptr) return out;
    const auto stride = info.metrics->struct_size;
    const auto* base = reinterpret_cast<const char*>(info.metrics);
    for (std::size_t k = 0; k < info.metric_count; ++k) {
        out.push_back(reinterpret_cast<const ignite_metric_decl*>(base + k * stride));
    }
    return out;
}

namespace {
struct DLPackDeleter {
    void operator()(DLManagedTensor* t) const noexcept {
        if (t && t->deleter) t->deleter(t);
    }
};
using DLPackPtr = std::unique_ptr<DLManagedTensor, DLPackDeleter>;
}  // namespace

PluginMetric::PluginMetric(Binding binding, ignite::OutputTransform output_transform)
    : ignite::Metric(std::move(output_transform)), binding_(std::move(binding)) {}

PluginMetric::~PluginMetric() { release(); }

void PluginMetric::release() noexcept {
    if (state_ && !released_ && binding_.decl->destroy) binding_.decl->destroy(state_);
    state_ = nullptr;
    released_ = true;
}

void* PluginMetric::instance() const {
    if (released_) {
        throw PluginRunError(fmt::format("metric '{}' of plugin '{}' is used after the plugin shut down",
                                         binding_.decl->name, binding_.plugin));
    }
    if (!state_) {
        void* plugin_state = binding_.plugin_state();
        binding_.take_error();
        void* created = nullptr;
        // ABI 1.2: create_metric is told which metric; 1.1 plugins have only create.
        const auto* d = binding_.decl;
        const bool told = d->struct_size >= abi::kMetricDeclSize_1_2 && d->create_metric;
        check(told ? d->create_metric(plugin_state, d, &created) : d->create(plugin_state, &created), "create");
        if (!created) {
            throw PluginRunError(fmt::format("plugin '{}' created no instance of metric '{}' (null)", binding_.plugin,
                                             binding_.decl->name));
        }
        state_ = created;
    }
    return state_;
}

void PluginMetric::check(ignite_status status, const char* what) const {
    if (status == IGNITE_OK) return;
    const std::string message = binding_.take_error();
    throw PluginRunError(fmt::format("plugin '{}' failed in {} of metric '{}': {}", binding_.plugin, what,
                                     binding_.decl->name, message.empty() ? "no message given" : message));
}

void PluginMetric::reset() {
    void* m = instance();
    binding_.take_error();
    check(binding_.decl->reset(m), "reset");
}

void PluginMetric::update(const c10::IValue& output) {
    auto [y_pred, y] = ignite::unpack_pair(output, binding_.decl->name);
    if (binding_.decl->flags & IGNITE_METRIC_CPU) {
        y_pred = y_pred.cpu();
        y = y.cpu();
    }
    void* m = instance();
    // Borrowed by the plugin for the call; released here whatever it returns.
    DLPackPtr p(at::toDLPack(y_pred));
    DLPackPtr t(at::toDLPack(y));
    binding_.take_error();
    check(binding_.decl->update(m, p.get(), t.get()), "update");
}

std::vector<double> PluginMetric::values(ignite_status (*fn)(void*, double*, size_t, size_t*), const char* what) const {
    void* m = instance();
    std::vector<double> out(64);
    for (int attempt = 0; attempt < 3; ++attempt) {
        std::size_t count = 0;
        binding_.take_error();
        check(fn(m, out.data(), out.size(), &count), what);
        if (count <= out.size()) {
            out.resize(count);
            return out;
        }
        out.assign(count, 0.0);
    }
    throw PluginRunError(fmt::format("plugin '{}': {} of metric '{}' keeps asking for a larger buffer", binding_.plugin,
                                     what, binding_.decl->name));
}

c10::IValue PluginMetric::compute() const {
    const auto v = values(binding_.decl->compute, "compute");
    if (v.empty()) {
        throw PluginRunError(
            fmt::format("plugin '{}': compute of metric '{}' returned no value", binding_.plugin, binding_.decl->name));
    }
    if (v.size() == 1 && !(binding_.decl->flags & IGNITE_METRIC_SQUARE)) return c10::IValue(v[0]);
    auto t = at::tensor(v, at::TensorOptions().dtype(at::kDouble));
    if (binding_.decl->flags & IGNITE_METRIC_SQUARE) {
        const auto k = static_cast<std::int64_t>(std::llround(std::sqrt(static_cast<double>(v.size()))));
        if (static_cast<std::size_t>(k * k) != v.size()) {
            throw PluginRunError(fmt::format("plugin '{}': square metric '{}' returned {} values, not k*k",
                                             binding_.plugin, binding_.decl->name, v.size()));
        }
        t = t.reshape({k, k});
    }
    return c10::IValue(t);
}

std::vector<double> PluginMetric::statistics() const { return values(binding_.decl->statistics, "statistics"); }

void PluginMetric::load_statistics(const std::vector<double>& stats) {
    void* m = instance();
    binding_.take_error();
    check(binding_.decl->load_statistics(m, stats.data(), stats.size()), "load_statistics");
}

}  // namespace ignite::host
