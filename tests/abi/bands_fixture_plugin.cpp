// bands: one trainer EPOCH_COMPLETED handler per named priority band (ABI 1.5), registered in
// the order the option `order` gives, for tests/priority_bands_test.cpp. Each appends
// "plugin:BAND;" to the string state attribute `bands_log` (which the test creates); the
// loggers' one appends "plugin:loggers avg=V;" with V the metric "avg" as the logger sees it
// ("none" while it is not computed).
#include <ignite/plugin.hpp>

#include <string>
#include <utility>

namespace {

using namespace ignite::sdk;

class Bands : public Plugin {
    void init(Host& host) override {
        Engine trainer = host.require_engine("trainer");
        for (const auto& band : host.option_list("order")) {
            const std::pair<const char*, Priority> bands[] = {{"metrics", Priority::metrics},
                                                              {"handlers", Priority::handlers},
                                                              {"loggers", Priority::loggers},
                                                              {"host", Priority::host},
                                                              {"checkpoint", Priority::checkpoint}};
            for (const auto& [name, priority] : bands) {
                if (band != name) continue;
                trainer.on(Events::EPOCH_COMPLETED, priority, [band](Engine& e) {
                    std::string entry = "plugin:" + band;
                    if (band == "loggers") {
                        const auto avg = e.metric("avg");
                        entry += " avg=" + (avg ? std::to_string(*avg) : std::string("none"));
                    }
                    e.set_state("bands_log", e.state_string("bands_log") + entry + ";");
                });
            }
        }
    }
};

}  // namespace

IGNITE_SDK_PLUGIN(Bands, PluginSpec("bands")
                             .version("0.0.1")
                             .description("one EPOCH_COMPLETED handler per priority band, in a given order")
                             .option(Option::list("order", "checkpoint,host,loggers,handlers,metrics")
                                         .choices({"metrics", "handlers", "loggers", "host", "checkpoint"})
                                         .help("the bands to register in, in this order")))
