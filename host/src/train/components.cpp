#include "components.hpp"

// One include and one row per component (host/src/train/components/<name>.hpp).
#include "components/ema.hpp"
#include "components/jsonl.hpp"
#include "components/lr_schedule.hpp"

#include <memory>

namespace ignite::host {
namespace {

struct HostComponent {
    ParticipantSpec (*spec)();
    std::unique_ptr<Component> (*make)(Training&, const TrainOptions&);
};

// The components, in the order `plugins list` shows them.
const std::vector<HostComponent>& host_components() {
    static const std::vector<HostComponent> list = {
        {jsonl_spec, make_jsonl},
        {lr_schedule_spec, make_lr_schedule},
        {ema_spec, make_ema},
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
        plugins.offer_component({c.spec(), [&training, &options, make = c.make] { return make(training, options); }});
    }
}

}  // namespace ignite::host
