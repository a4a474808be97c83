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

using namespace ignite::sdk;

class Countdown : public Plugin {
    void init(Host& host) override {
        const std::int64_t limit = host.option_int("iterations");  // >= 1: the host checks
        Engine trainer = host.require_engine("trainer");

        trainer.on(Events::ITERATION_COMPLETED, [&host, limit](Engine& engine, const EventInfo& ev) {
            const std::int64_t left = limit > ev.iteration ? limit - ev.iteration : 0;
            host.log(IGNITE_LOG_INFO,
                     "iteration " + std::to_string(ev.iteration) + ": " + std::to_string(left) + " left");
            if (left == 0) {
                host.log(IGNITE_LOG_INFO,
                         "terminating the trainer after " + std::to_string(ev.iteration) + " iterations");
                engine.terminate();
            }
        });
        trainer.on(Events::TERMINATE | Events::COMPLETED, [&host](Engine&, const EventInfo& ev) {
            host.log(IGNITE_LOG_INFO, "run ended (" + std::string(ev.name) + ") at epoch " + std::to_string(ev.epoch) +
                                          " iteration " + std::to_string(ev.iteration));
        });
    }
};

}  // namespace

IGNITE_SDK_PLUGIN(Countdown,
                  PluginSpec("countdown")
                      .version("1.0.0")
                      .description("Terminates the trainer after N iterations")
                      .option(Option::integer("iterations", 10).min(1).help("trainer iterations before terminate()")))
