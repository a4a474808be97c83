#include "components.hpp"

// One include and one row per component (host/src/train/components/<name>.hpp).
#include "components/checkpoint.hpp"
#include "components/core_metrics.hpp"
#include "components/early_stopping.hpp"
#include "components/ema.hpp"
#include "components/empty_cuda_cache.hpp"
#include "components/jsonl.hpp"
#include "components/lr_schedule.hpp"
#include "components/terminate_on_nan.hpp"
#include "components/time_limit.hpp"
#include "components/timer.hpp"

#include <memory>

namespace ignite::host {
namespace {

struct HostComponent {
    ParticipantSpec (*spec)();
    std::unique_ptr<Component> (*make)(Training&, const TrainOptions&);
    /// Instead of `make`, for a component that also needs the run's PluginHost (checkpoint:
    /// the checkpoint the host assembles).
    std::unique_ptr<Component> (*make_with_host)(Training&, const TrainOptions&, PluginHost&) = nullptr;
};

// The components, in the order `plugins list` shows them.
const std::vector<HostComponent>& host_components() {
    static const std::vector<HostComponent> list = {
        {jsonl_spec, make_jsonl},
        {lr_schedule_spec, make_lr_schedule},
        {timer_spec, make_timer},
        {core_metrics_spec, make_core_metrics},
        {checkpoint_spec, nullptr, make_checkpoint},
        {early_stopping_spec, make_early_stopping},
        {terminate_on_nan_spec, make_terminate_on_nan},
        {time_limit_spec, make_time_limit},
        {ema_spec, make_ema},
        {empty_cuda_cache_spec, make_empty_cuda_cache},
    };
    return list;
}

}  // namespace

std::vector<ParticipantSpec> host_component_specs() {
    std::vector<ParticipantSpec> out;
    for (const auto& c : host_components()) out.push_back(c.spec());
    return out;
}

void offer_host_components(PluginHost& plugins, Training& training, const TrainOptions& options) {
    for (const auto& c : host_components()) {
        plugins.offer_component({c.spec(), [&training, &options, &plugins, make = c.make, with_host = c.make_with_host] {
                                     return make ? make(training, options) : with_host(training, options, plugins);
                                 }});
    }
}

}  // namespace ignite::host
