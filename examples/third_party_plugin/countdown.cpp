// countdown: stops the trainer after `iterations` iterations (Ignite's engine.terminate()),
// logging each step of the countdown and where the run ended:
//   [countdown] iteration 6: 1 left
//   [countdown] iteration 7: 0 left
//   [countdown] terminating the trainer after 7 iterations
//   [countdown] run ended (TERMINATE) at epoch 2 iteration 7
// Written against the installed SDK's C++ layer only (ignite/plugin.hpp).
#include <ignite/plugin.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using ignite::sdk::Engine;
using ignite::sdk::EventInfo;
using ignite::sdk::Host;

class Countdown : public ignite::sdk::Plugin {
    void init(Host& host) override {
        const std::int64_t limit = host.option_int("iterations");
        if (limit < 1) {
            throw std::invalid_argument("option 'iterations' must be >= 1, got " + std::to_string(limit));
        }
        const auto trainer = host.engine("trainer");
        if (!trainer) throw std::runtime_error("the host runs no trainer engine");

        host.on(*trainer, ignite::sdk::on(IGNITE_EVENT_ITERATION_COMPLETED),
                [&host, limit](Engine& engine, const EventInfo&) {
                    const std::int64_t iteration = engine.iteration();
                    const std::int64_t left = limit > iteration ? limit - iteration : 0;
                    host.log(IGNITE_LOG_INFO,
                             "iteration " + std::to_string(iteration) + ": " + std::to_string(left) + " left");
                    if (left == 0) {
                        host.log(IGNITE_LOG_INFO,
                                 "terminating the trainer after " + std::to_string(iteration) + " iterations");
                        engine.terminate();
                    }
                });
        host.on(*trainer,
                std::vector<ignite::sdk::EventSpec>{ignite::sdk::on(IGNITE_EVENT_TERMINATE),
                                                    ignite::sdk::on(IGNITE_EVENT_COMPLETED)},
                [&host](Engine& engine, const EventInfo& event) {
                    host.log(IGNITE_LOG_INFO, "run ended (" + std::string(event.name) + ") at epoch " +
                                                  std::to_string(engine.epoch()) + " iteration " +
                                                  std::to_string(engine.iteration()));
                });
    }
};

}  // namespace

IGNITE_SDK_PLUGIN(Countdown,
                  {"countdown",
                   "1.0.0",
                   "Terminates the trainer after N iterations",
                   {{"iterations", IGNITE_OPTION_INT, "10", "trainer iterations before terminate()"}},
                   {},
                   nullptr})
