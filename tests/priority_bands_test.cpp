// The named priority bands (issue 18): listed once in sdk/include/ignite/priority_bands.def,
// from which plugin.h's IGNITE_PRIORITY_*, core's ignite::Priority::* and the SDK's
// ignite::sdk::Priority::* are made; handlers run band by band (a metric computed before a
// logger reads it, the logger before the host, the host before the checkpoint) whatever order
// they registered in, through core and through a plugin. Ignite's own order, when no band is
// named, stays registration order (metrics_test pins it against Ignite's recorded trace).
//
// LibTorch-touching headers first: included after catch.hpp, c10's logging would redefine CHECK.
#include <ignite/core/engine.hpp>
#include <ignite/core/metrics/average.hpp>
#include <ignite/plugin.hpp>
#include <ignite/runtime/bridge.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

// ---- one list, three spellings ---------------------------------------------------------------

// The SDK's list against core's build-time copy of it, band by band.
// (`number`, not `value`: the macro would replace Priority's member `.value` too.)
#define IGNITE_PRIORITY_BAND(name, core, number, help)                                                    \
    static_assert(IGNITE_PRIORITY_##name == (number) && ignite::Priority::core.value == (number),         \
                  "plugin.h and core differ on band " #name " (core reads a stale priority_bands.def?)"); \
    static_assert(ignite::sdk::Priority::core.value == (number), "the SDK's C++ layer differs on band " #name);
#include <ignite/core/priority_bands.def>
#define IGNITE_PRIORITY_BAND(name, core, number, help) \
    static_assert(ignite::Priority::core.value == (number), "core differs from the SDK's list on band " #name);
#include <ignite/priority_bands.def>

// The released values, which no later version may change (ABI 1.5), in the order they run;
// the loggers' band is the default priority, so a handler naming none logs.
static_assert(IGNITE_PRIORITY_METRICS == -100 && IGNITE_PRIORITY_HANDLERS == -50 && IGNITE_PRIORITY_LOGGERS == 0 &&
              IGNITE_PRIORITY_HOST == 50 && IGNITE_PRIORITY_CHECKPOINT == 100);
static_assert(ignite::Priority::metrics.value < ignite::Priority::handlers.value &&
              ignite::Priority::handlers.value < ignite::Priority::loggers.value &&
              ignite::Priority::loggers.value < ignite::Priority::host.value &&
              ignite::Priority::host.value < ignite::Priority::checkpoint.value);
static_assert(ignite::Priority::loggers.value == ignite::Priority{}.value &&
              ignite::sdk::Priority::loggers.value == ignite::sdk::Priority{}.value);

using ignite::Engine;
using ignite::Events;
using ignite::Priority;

struct Band {
    const char* name;
    Priority priority;
};
constexpr std::array<Band, 5> kBands = {{{"metrics", Priority::metrics},
                                         {"handlers", Priority::handlers},
                                         {"loggers", Priority::loggers},
                                         {"host", Priority::host},
                                         {"checkpoint", Priority::checkpoint}}};

std::size_t band_index(const std::string& name) {
    for (std::size_t i = 0; i < kBands.size(); ++i)
        if (name == kBands[i].name) return i;
    FAIL("no band named '" << name << "'");
    return kBands.size();
}

// An engine over range(4), one epoch: output = batch, so the mean ("avg") is 1.5.
std::unique_ptr<Engine> counting_engine() {
    return std::make_unique<Engine>([](Engine&, const c10::IValue& b) { return static_cast<double>(b.toInt()); });
}

std::string avg_as_seen(const Engine& e) {
    return e.state.metrics.contains("avg") ? std::to_string(e.state.metrics.get<double>("avg")) : "none";
}

}  // namespace

// ---- through core ---------------------------------------------------------------------------

TEST_CASE("every order of registering the five bands and a metric runs them band by band", "[bands]") {
    // Registration steps: 0..4 a handler in kBands[i] (the logger reads avg), 5 attach "avg"
    // in the metrics band. Every one of the 720 orders gives the same run.
    std::array<int, 6> order = {0, 1, 2, 3, 4, 5};
    const std::vector<std::string> expected = {"metrics", "handlers", "loggers avg=1.500000", "host", "checkpoint"};
    int orders = 0;
    do {
        auto e = counting_engine();
        std::vector<std::string> seen;
        for (int step : order) {
            if (step == 5) {
                std::make_shared<ignite::Average>()->attach(*e, "avg", Priority::metrics);
                continue;
            }
            const std::string band = kBands[static_cast<std::size_t>(step)].name;
            e->add_event_handler(Events::EPOCH_COMPLETED, kBands[static_cast<std::size_t>(step)].priority,
                                 [&seen, band](Engine& en) {
                                     seen.push_back(band == "loggers" ? band + " avg=" + avg_as_seen(en) : band);
                                 });
        }
        e->run(ignite::data::range(4), 1);
        INFO("registration order " << order[0] << order[1] << order[2] << order[3] << order[4] << order[5]);
        REQUIRE(seen == expected);
        ++orders;
    } while (std::next_permutation(order.begin(), order.end()));
    CHECK(orders == 720);
}

TEST_CASE("a metric attached with Ignite's default priority still follows registration order", "[bands]") {
    // What the bands do not change: a library user naming no band gets Ignite's order, so a
    // logger registered before attach() sees no value yet (Ignite's recorded trace).
    struct Case {
        Priority logger;
        const char* sees;
    };
    for (const Case c : {Case{Priority{}, "none"}, Case{Priority::loggers, "none"}, Case{Priority::host, "1.500000"}}) {
        auto e = counting_engine();
        std::string seen;
        e->add_event_handler(Events::EPOCH_COMPLETED, c.logger, [&seen](Engine& en) { seen = avg_as_seen(en); });
        std::make_shared<ignite::Average>()->attach(*e, "avg");
        e->run(ignite::data::range(4), 1);
        INFO("logger priority " << c.logger.value);
        CHECK(seen == c.sees);
    }
}

// ---- through a plugin ----------------------------------------------------------------------

namespace {

// Labels and events of every handler call on EPOCH_COMPLETED, for the label check below.
class EpochCompletedLabels final : public ignite::HandlerObserver {
public:
    void begin(std::string_view label, const ignite::FiredEvent& f) noexcept override {
        if (f.event == Events::EPOCH_COMPLETED) labels.emplace_back(label);
    }
    void end(std::string_view, const ignite::FiredEvent&) noexcept override {}
    std::vector<std::string> labels;
};

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, sep);)
        if (!item.empty()) out.push_back(item);
    return out;
}

}  // namespace

TEST_CASE("a plugin's bands and core's interleave band by band, whoever registers first", "[bands][plugin]") {
    // The plugin registers one handler per band in `order`; core registers one per band (in
    // reverse) plus the metric, before or after the plugin's init. Each handler appends
    // "WHO:BAND" to state.bands_log; the loggers read "avg".
    struct Case {
        const char* order;
        bool core_first;
    };
    const Case cases[] = {{"checkpoint,host,loggers,handlers,metrics", false},
                          {"checkpoint,host,loggers,handlers,metrics", true},
                          {"metrics,handlers,loggers,host,checkpoint", false},
                          {"host,metrics,checkpoint,loggers,handlers", true}};
    for (const Case& c : cases) {
        INFO("plugin order " << c.order << (c.core_first ? ", core first" : ", plugin first"));
        auto e = counting_engine();
        e->state.set("bands_log", std::string());
        auto observer = std::make_shared<EpochCompletedLabels>();
        e->set_handler_observer(observer);
        const auto register_core = [&] {
            {
                const auto label = e->label_handlers("metric");
                std::make_shared<ignite::Average>()->attach(*e, "avg", Priority::metrics);
            }
            const auto label = e->label_handlers("core");
            for (auto b = kBands.rbegin(); b != kBands.rend(); ++b) {
                const std::string band = b->name;
                e->add_event_handler(Events::EPOCH_COMPLETED, b->priority, [band](Engine& en) {
                    const std::string entry = band == "loggers" ? band + " avg=" + avg_as_seen(en) : band;
                    en.state.set("bands_log", en.state.get<std::string>("bands_log") + "core:" + entry + ";");
                });
            }
        };
        ignite::host::PluginHost plugins;
        plugins.add_engine("trainer", *e);
        if (c.core_first) register_core();
        plugins.load({std::string(IGNITE_ABI_FIXTURE_DIR) + "/ignite-plugin-bands.so"},
                     {{"bands", {{"order", c.order}}}});
        if (!c.core_first) register_core();
        e->run(ignite::data::range(4), 1);

        const auto entries = split(e->state.get<std::string>("bands_log"), ';');
        REQUIRE(entries.size() == 10);
        std::vector<std::string> who;
        std::size_t previous_band = 0;
        for (const auto& entry : entries) {
            const auto colon = entry.find(':');
            who.push_back(entry.substr(0, colon));
            const auto band = split(entry.substr(colon + 1), ' ').front();
            CHECK(band_index(band) >= previous_band);  // band by band
            previous_band = band_index(band);
            if (band == "loggers") CHECK(entry.substr(entry.find(' ') + 1) == "avg=1.500000");
        }
        CHECK(std::count(who.begin(), who.end(), "core") == 5);
        CHECK(std::count(who.begin(), who.end(), "plugin") == 5);
        // The runtime labels a plugin's handlers with its name; core's carry their scope's.
        std::vector<std::string> labels = observer->labels;
        CHECK(std::count(labels.begin(), labels.end(), "metric") == 1);  // the metric's compute
        std::erase(labels, "metric");
        std::replace(who.begin(), who.end(), std::string("plugin"), std::string("bands"));
        CHECK(labels == who);
    }
}
