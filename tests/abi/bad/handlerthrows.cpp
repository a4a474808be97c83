// A handler that throws std::runtime_error (C++ layer) at trainer iteration 2, after logging
// the iteration. No EXCEPTION_RAISED handler: the host must report it without one.
#include <ignite/plugin.hpp>

#include <stdexcept>
#include <string>

namespace {

class HandlerThrows : public ignite::sdk::Plugin {
    void init(ignite::sdk::Host& host) override {
        auto trainer = host.engine("trainer");
        if (!trainer) throw std::runtime_error("no trainer");
        host.on(*trainer, ignite::sdk::on(IGNITE_EVENT_ITERATION_COMPLETED),
                [&host](ignite::sdk::Engine& e, const ignite::sdk::EventInfo&) {
                    const auto it = e.iteration();
                    host.log(IGNITE_LOG_INFO, "iteration " + std::to_string(it));
                    if (it == 2) throw std::runtime_error("handler threw at iteration " + std::to_string(it));
                });
    }
};

}  // namespace

IGNITE_SDK_PLUGIN(HandlerThrows, {"handlerthrows", "0.0.1", "a handler throws", {}, {}, nullptr})
