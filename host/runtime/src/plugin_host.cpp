// The participants' lifecycle: offer, open (resolve, check names, state keys, metrics and
// options), init (placed on this rank or not), shutdown. One path for both kinds: only
// where a shared-library plugin and a component really differ (how init is called) does
// the code ask which kind it has.
#include "handles.hpp"

#include <ignite/runtime/console_log.hpp>
#include <ignite/runtime/plugin_metric.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <regex>
#include <span>
#include <stdexcept>
#include <utility>

namespace ignite::host {

// A component's view of the run (participant.hpp: RunContext).
class PluginHost::ComponentRun final : public RunContext {
public:
    ComponentRun(const PluginHost& host, const Loaded& participant) : host_(host), participant_(participant) {}
    [[nodiscard]] const RunFacts& facts() const override { return host_.run_facts_; }
    [[nodiscard]] const std::map<std::string, OptionValue>& options() const override { return participant_.options; }
    [[nodiscard]] std::vector<std::pair<std::string, ignite::Engine*>> engines() const override {
        std::vector<std::pair<std::string, ignite::Engine*>> out;
        for (const auto* e : host_.engine_order_) out.emplace_back(e->name, e->engine);
        return out;
    }
    [[nodiscard]] ignite::Engine* engine(const std::string& name) const override {
        const auto it = host_.engines_.find(name);
        return it == host_.engines_.end() ? nullptr : it->second->engine;
    }
    [[nodiscard]] torch::optim::Optimizer* optimizer(const std::string& name) const override {
        const auto it = host_.engines_.find(name);
        return it == host_.engines_.end() ? nullptr : it->second->optimizer;
    }

private:
    const PluginHost& host_;
    const Loaded& participant_;
};

const char* placement_name(Placement p) noexcept { return p == Placement::rank_zero ? "rank 0" : "every rank"; }

PluginHost::PluginHost() = default;

PluginHost::~PluginHost() { shutdown(); }

void PluginHost::add_engine(const std::string& name, ignite::Engine& engine) {
    auto e = std::make_unique<ignite_engine>();
    e->engine = &engine;
    e->name = name;
    auto& slot = engines_[name];
    if (slot) std::erase(engine_order_, slot.get());
    engine_order_.push_back(e.get());
    slot = std::move(e);
}

void PluginHost::set_optimizer(const std::string& engine, torch::optim::Optimizer& optimizer) {
    const auto it = engines_.find(engine);
    if (it == engines_.end())
        throw std::invalid_argument(fmt::format("set_optimizer: no engine '{}' was added", engine));
    it->second->optimizer = &optimizer;
}

void PluginHost::set_parameters(const std::string& engine, std::vector<std::pair<std::string, at::Tensor>> parameters) {
    const auto it = engines_.find(engine);
    if (it == engines_.end()) throw std::invalid_argument(fmt::format("set_parameters: no engine '{}' was added", engine));
    auto& e = *it->second;
    e.parameter_names.clear();
    e.parameters.clear();
    for (auto& [name, tensor] : parameters) {
        e.parameter_names.push_back(std::move(name));
        e.parameters.push_back(std::move(tensor));
    }
}

void PluginHost::set_status_drawn(bool drawn) noexcept { set_status_area_drawn(drawn); }

void PluginHost::set_run_facts(RunFacts facts) {
    if (facts.world_size < 1 || facts.rank < 0 || facts.rank >= facts.world_size) {
        throw std::invalid_argument(fmt::format("rank {} is outside a world of {} process(es); ranks are 0..{}",
                                                facts.rank, facts.world_size, facts.world_size - 1));
    }
    const auto config = nlohmann::json::parse(facts.config_json, nullptr, /*allow_exceptions=*/false);
    if (!config.is_object()) throw std::invalid_argument("the run's config must be one JSON object");
    run_facts_ = std::move(facts);
}

void PluginHost::declare_metric(const std::string& engine, const std::string& metric) {
    const auto it = engines_.find(engine);
    if (it == engines_.end())
        throw std::invalid_argument(fmt::format("declare_metric: no engine '{}' was added", engine));
    it->second->attached_metrics.insert(metric);
}

void PluginHost::reserve_state_keys(std::vector<std::string> keys) {
    reserved_state_keys_.insert(reserved_state_keys_.end(), keys.begin(), keys.end());
}

bool PluginHost::has_metric(const std::string& engine, const std::string& metric) const {
    const auto it = engines_.find(engine);
    if (it == engines_.end()) return false;
    return it->second->attached_metrics.count(metric) != 0 || it->second->engine->state.metrics.contains(metric);
}

void PluginHost::offer_component(ComponentOffer offer) {
    static const std::regex kName("[a-z0-9_]+");
    if (offer.spec.kind != ParticipantKind::component || !offer.make) {
        throw std::invalid_argument(fmt::format("offer_component: '{}' is not a component's spec", offer.spec.name));
    }
    if (!std::regex_match(offer.spec.name, kName)) {
        throw std::invalid_argument(fmt::format("offer_component: invalid name '{}'; use [a-z0-9_]+", offer.spec.name));
    }
    if (std::any_of(offers_.begin(), offers_.end(), [&](const auto& o) { return o.spec.name == offer.spec.name; })) {
        throw std::invalid_argument(fmt::format("offer_component: '{}' is offered twice", offer.spec.name));
    }
    offers_.push_back(std::move(offer));
}

std::vector<ParticipantSpec> PluginHost::offered_components() const {
    std::vector<ParticipantSpec> out;
    for (const auto& o : offers_) out.push_back(o.spec);
    return out;
}

std::vector<ParticipantSpec> PluginHost::participants() const {
    std::vector<ParticipantSpec> out;
    for (const auto& l : plugins_) out.push_back(l->spec);
    return out;
}

bool PluginHost::runs_here(const std::string& name) const {
    return std::any_of(plugins_.begin(), plugins_.end(),
                       [&](const auto& l) { return l->spec.name == name && l->placed_here; });
}

void PluginHost::load(const std::vector<std::string>& plugins, const RawPluginOptions& options) {
    open(plugins, options);
    init();
}

namespace {

// A participant named `spec`: an offered component of that name, else a module (NAME on the
// search path or a PATH).
bool names_a_path(const std::string& spec) {
    return spec.find('/') != std::string::npos || (spec.size() > 3 && spec.ends_with(".so"));
}

// Runs `f` with every engine of `engines` labelling the handlers registered as `label`.
void with_labels(std::span<ignite_engine* const> engines, const std::string& label, const std::function<void()>& f) {
    if (engines.empty()) return f();
    const auto scope = engines.front()->engine->label_handlers(label);
    with_labels(engines.subspan(1), label, f);
}

}  // namespace

void PluginHost::open(const std::vector<std::string>& plugins, const RawPluginOptions& options) {
    // Resolve and validate every participant first, so a bad one stops before any init runs.
    std::vector<std::unique_ptr<Loaded>> loaded;
    std::map<std::string, std::string> names;  // name -> where it comes from
    const auto origin = [](const Loaded& l) {
        return l.is_component() ? fmt::format("the built-in component '{}'", l.spec.name) : l.spec.path.string();
    };
    for (const auto& l : plugins_) names[l->spec.name] = origin(*l);
    for (const auto& spec : plugins) {
        auto l = std::make_unique<Loaded>();
        const auto offer = std::find_if(offers_.begin(), offers_.end(), [&](const auto& o) { return o.spec.name == spec; });
        if (offer != offers_.end() && !names_a_path(spec)) {
            l->spec = offer->spec;
            l->component = offer->make();
            if (!l->component) throw PluginError(fmt::format("component '{}' could not be made", spec));
        } else {
            l->module = load_plugin_module(resolve_plugin(spec));
            l->spec = module_spec(l->module);
        }
        const std::string& name = l->spec.name;
        if (auto it = names.find(name); it != names.end()) {
            throw PluginError(it->second == origin(*l)
                                  ? fmt::format("plugin '{}' is given twice ({}); give each plugin once", name, spec)
                                  : fmt::format("two plugins are named '{}': {} and {}; plugin names must be unique",
                                                name, it->second, origin(*l)));
        }
        names[name] = origin(*l);
        loaded.push_back(std::move(l));
    }
    for (const auto& [name, raw] : options) {
        if (!names.count(name)) {
            throw PluginError(
                fmt::format("--plugin-opt names plugin '{}', which is not loaded; add --plugin {}", name, name));
        }
    }
    // State keys are checkpoint keys: unique across the participants and the host's own.
    std::map<std::string, std::string> key_owner;  // state_key -> participant
    for (const auto& l : plugins_)
        if (!l->spec.state_key.empty()) key_owner.emplace(l->spec.state_key, l->spec.name);
    for (const auto& l : loaded) {
        const auto& spec = l->spec;
        if (spec.state_key.empty()) continue;
        if (std::find(reserved_state_keys_.begin(), reserved_state_keys_.end(), spec.state_key) !=
            reserved_state_keys_.end()) {
            throw PluginError(
                fmt::format("plugin '{}' saves its state under '{}', which this host's checkpoints use "
                            "for their own entry; the plugin must choose another state_key",
                            spec.name, spec.state_key));
        }
        const auto [it, fresh] = key_owner.emplace(spec.state_key, spec.name);
        if (!fresh) {
            throw PluginError(
                fmt::format("plugins '{}' and '{}' both save their state under '{}'; load only one of them", it->second,
                            spec.name, spec.state_key));
        }
    }
    // Metric names are the state.metrics keys: unique across every participant.
    std::map<std::string, std::string> metric_owner;
    for (const auto& l : plugins_)
        for (const auto& m : l->spec.metrics) metric_owner.emplace(m.name, l->spec.name);
    for (const auto& l : loaded) {
        for (const auto& m : l->spec.metrics) {
            const auto [it, fresh] = metric_owner.emplace(m.name, l->spec.name);
            if (!fresh) {
                throw PluginError(fmt::format("plugins '{}' and '{}' both declare metric '{}'; load only one of them",
                                              it->second, l->spec.name, m.name));
            }
        }
    }
    for (auto& l : loaded) {
        auto it = options.find(l->spec.name);
        try {
            l->options = validate_options(l->spec.name, l->spec.options,
                                          it == options.end() ? decltype(it->second){} : it->second);
        } catch (const std::invalid_argument& e) {
            throw PluginError(e.what());
        }
    }
    for (auto& l : loaded) {
        if (!l->is_component()) {
            l->host = std::make_unique<ignite_host>();
            l->host->owner = this;
            l->host->plugin = l.get();
            l->host->status_slot = plugins_.size();
            for (auto& [name, e] : engines_) l->host->engines[name] = e.get();
        }
        plugins_.push_back(std::move(l));
    }
}

void PluginHost::init_participant(Loaded& ref) {
    if (ref.is_component()) {
        ComponentRun run(*this, ref);
        try {
            // Its handlers carry its name on every engine, for a HandlerObserver (a profiler
            // of every handler); a plugin's are labelled where it adds them (add_handler).
            with_labels(engine_order_, ref.spec.name, [&] { ref.component->init(run); });
        } catch (const std::invalid_argument& e) {
            throw PluginError(fmt::format("component '{}': {}", ref.spec.name, e.what()));
        } catch (const std::exception& e) {
            throw PluginError(fmt::format("component '{}' failed to initialise: {}", ref.spec.name, e.what()));
        }
        return;
    }
    ignite_status status = IGNITE_ERR_INTERNAL;
    try {
        status = ref.module.info->init(ref.host.get(), api(), &ref.state);
    } catch (...) {
        throw PluginError(
            fmt::format("plugin '{}': init threw a C++ exception across the C ABI; catch it inside "
                        "the plugin (the SDK's C++ layer does)",
                        ref.spec.name));
    }
    if (status != IGNITE_OK) {
        throw PluginError(fmt::format("plugin '{}' failed to initialise: {}", ref.spec.name,
                                      ref.error.empty() ? "no message given" : ref.error));
    }
}

void PluginHost::init() {
    for (auto& l : plugins_) {
        Loaded& ref = *l;
        if (ref.initialised || ref.init_called) continue;
        ref.init_called = true;  // never twice, even after a failure
        // Placement: a rank-0 participant elsewhere was loaded and its options checked, and
        // stops there.
        ref.placed_here = ref.spec.placement == Placement::every_rank || run_facts_.rank == 0;
        if (!ref.placed_here) continue;
        init_participant(ref);
        ref.initialised = true;
    }
}

std::vector<PluginHost::AvailableMetric> PluginHost::metrics() const {
    std::vector<AvailableMetric> out;
    for (const auto& l : plugins_) {
        if (l->is_component()) continue;  // components attach core metrics themselves
        for (const auto* decl : metric_decls(*l->module.info)) out.push_back({decl->name, l->spec.name, decl});
    }
    return out;
}

std::shared_ptr<ignite::Metric> PluginHost::make_metric(const std::string& name) {
    for (const auto& l : plugins_) {
        if (l->is_component()) continue;
        for (const auto* decl : metric_decls(*l->module.info)) {
            if (name != decl->name) continue;
            Loaded* plugin = l.get();
            PluginMetric::Binding b;
            b.plugin = plugin->spec.name;
            b.decl = decl;
            b.plugin_state = [plugin, name]() -> void* {
                if (!plugin->initialised) {
                    throw PluginRunError(fmt::format("metric '{}' is used while plugin '{}' is not initialised", name,
                                                     plugin->spec.name));
                }
                return plugin->state;
            };
            b.take_error = [plugin] { return std::exchange(plugin->error, std::string()); };
            auto metric = std::make_shared<PluginMetric>(std::move(b));
            std::erase_if(metric_instances_, [](const auto& w) { return w.expired(); });
            metric_instances_.push_back(metric);
            return metric;
        }
    }
    std::string available;
    for (const auto& m : metrics())
        available += fmt::format("{}{} ({})", available.empty() ? "" : ", ", m.name, m.plugin);
    throw PluginError(fmt::format("no loaded plugin declares metric '{}'; loaded plugins declare: {}", name,
                                  available.empty() ? "none" : available));
}

std::optional<PluginHost::Termination> PluginHost::termination(const std::string& name) const {
    const auto it = engines_.find(name);
    return it == engines_.end() ? std::nullopt : it->second->termination;
}

void PluginHost::shutdown() noexcept {
    clear_status_area();  // a bar left by a plugin must not stay under what follows the run
    // Metric instances live in the plugins: destroy them while the plugins still run.
    for (auto& w : metric_instances_) {
        if (auto m = w.lock()) static_cast<PluginMetric&>(*m).release();
    }
    metric_instances_.clear();
    for (auto it = plugins_.rbegin(); it != plugins_.rend(); ++it) {
        auto& l = **it;
        if (l.initialised) {
            if (l.is_component()) {
                l.component->shutdown();
            } else if (l.module.info->shutdown) {
                l.module.info->shutdown(l.state);
            }
        }
        l.initialised = false;
    }
}

std::optional<OptionValue> PluginHost::plugin_option(const std::string& plugin, const std::string& option) const {
    for (const auto& l : plugins_) {
        if (plugin != l->spec.name) continue;
        const auto it = l->options.find(option);
        if (it != l->options.end()) return it->second;
    }
    return std::nullopt;
}

}  // namespace ignite::host
