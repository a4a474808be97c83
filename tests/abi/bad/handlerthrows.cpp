// A handler that throws std::runtime_error (C++ layer) at trainer iteration 2, after logging
// the iteration. No EXCEPTION_RAISED handler: the host must report it without one.
#include <ignite/plugin.hpp>

#include <stdexcept>
#include <string>

namespace {

class HandlerThrows : public ignite::sdk::Plugin {
    void init(ignite::sdk::Host& host) override {
        host.require_engine("trainer").on(
            ignite::sdk::Events::ITERATION_COMPLETED, [&host](ignite::sdk::Engine&, const ignite::sdk::EventInfo& ev) {
                host.log(IGNITE_LOG_INFO, "iteration " + std::to_string(ev.iteration));
                if (ev.iteration == 2)
                    throw std::runtime_error("handler threw at iteration " + std::to_string(ev.iteration));
            });
    }
};

}  // namespace

IGNITE_SDK_PLUGIN(HandlerThrows,
                  ignite::sdk::PluginSpec("handlerthrows").version("0.0.1").description("a handler throws"))
