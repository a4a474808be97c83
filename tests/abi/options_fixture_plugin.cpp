// opts: a fixture plugin (C++ layer, plugin.hpp) declaring one option of every type, the
// last one required, and echoing the validated values in one log line from init:
//   [opts] flag=true count=-7 ratio=0.25 label=hello
#include <ignite/plugin.hpp>

#include <cstdio>
#include <string>

namespace {

class Options : public ignite::sdk::Plugin {
    void init(ignite::sdk::Host& host) override {
        const bool flag = host.option_bool("flag");
        const auto count = host.option_int("count");
        const double ratio = host.option_double("ratio");
        const std::string label = host.option_string("label");
        char ratio_text[64];
        std::snprintf(ratio_text, sizeof ratio_text, "%g", ratio);
        host.log(IGNITE_LOG_INFO, std::string("flag=") + (flag ? "true" : "false") + " count=" + std::to_string(count) +
                                      " ratio=" + ratio_text + " label=" + label);
    }
};

}  // namespace

IGNITE_SDK_PLUGIN(Options, ignite::sdk::PluginSpec("opts")
                               .version("0.3.1")
                               .description("Fixture with one option of every type")
                               .option(ignite::sdk::Option::boolean("flag", false).help("a bool"))
                               .option(ignite::sdk::Option::integer("count", 1).help("an int"))
                               .option(ignite::sdk::Option::number("ratio", 0.5).help("a double"))
                               .option(ignite::sdk::Option::string("label", "").required().help("a required string")))
