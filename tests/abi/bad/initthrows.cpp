// init throws inside the SDK's C++ layer: plugin.hpp must turn it into a status + message.
#include <ignite/plugin.hpp>

#include <stdexcept>

namespace {

class InitThrows : public ignite::sdk::Plugin {
    void init(ignite::sdk::Host&) override { throw std::runtime_error("boom in init"); }
};

}  // namespace

IGNITE_SDK_PLUGIN(InitThrows,
                  ignite::sdk::PluginSpec("initthrows").version("0.0.1").description("init throws std::runtime_error"))
