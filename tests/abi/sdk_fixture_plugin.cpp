// sdk: every handler shape and filter of the SDK's C++ layer (plugin.hpp), logged one line
// per call, for abi12_test:
//   ()                         STARTED                    "started"
//   (Engine&)                  EPOCH_STARTED              "epoch_started epoch E"
//   (Engine&, const EventInfo&) ITERATION_COMPLETED.every(2), Priority{5}: "every2 I"
//   .filter(fn)                ITERATION_COMPLETED, v == 3: "filter I"
//   .once({1, 4})              "once I"
//   .after(4).before(6)        "range I"
//   (Engine&, std::exception_ptr) EXCEPTION_RAISED        "exception WHAT"
//   COMPLETED | TERMINATE      "end NAME"
//   EPOCH_COMPLETED: a Priority{2} handler registered before a Priority{1} one: "p1", "p2"
// Options: fail_at (int >= 0; 0: never) throws from ITERATION_COMPLETED at that iteration;
// words (a list) is logged once as "words a|b|c".
#include <ignite/plugin.hpp>

#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>

namespace {

using namespace ignite::sdk;

class SdkShapes : public Plugin {
    void init(Host& host) override {
        Host* h = &host;
        auto say = [h](const std::string& line) { h->log(IGNITE_LOG_INFO, line); };
        const auto fail_at = host.option_int("fail_at");
        std::string words;
        for (const auto& w : host.option_list("words")) words += (words.empty() ? "" : "|") + w;
        say("words " + words);
        Engine trainer = host.require_engine("trainer");
        say(std::string("try_state_int missing: ") + (trainer.try_state_int("nope") ? "some" : "none"));

        trainer.on(Events::STARTED, [say] { say("started"); });
        trainer.on(Events::EPOCH_STARTED,
                   [say](Engine& e) { say("epoch_started epoch " + std::to_string(e.epoch())); });
        trainer.on(Events::ITERATION_COMPLETED.every(2), Priority{5},
                   [say](Engine&, const EventInfo& ev) { say("every2 " + std::to_string(ev.iteration)); });
        trainer.on(Events::ITERATION_COMPLETED.filter([](Engine&, std::int64_t v) { return v == 3; }),
                   [say](Engine&, const EventInfo& ev) { say("filter " + std::to_string(ev.iteration)); });
        trainer.on(Events::ITERATION_COMPLETED.once({1, 4}),
                   [say](Engine&, const EventInfo& ev) { say("once " + std::to_string(ev.iteration)); });
        trainer.on(Events::ITERATION_COMPLETED.after(4).before(6),
                   [say](Engine&, const EventInfo& ev) { say("range " + std::to_string(ev.iteration)); });
        trainer.on(Events::ITERATION_COMPLETED, [fail_at](Engine&, const EventInfo& ev) {
            if (ev.iteration == fail_at) throw std::runtime_error("boom at " + std::to_string(ev.iteration));
        });
        trainer.on(Events::EXCEPTION_RAISED, [say](Engine&, std::exception_ptr error) {
            try {
                std::rethrow_exception(error);
            } catch (const RunError& e) {
                say(std::string("exception ") + e.what());
            }
        });
        trainer.on(Events::COMPLETED | Events::TERMINATE,
                   [say](Engine&, const EventInfo& ev) { say("end " + std::string(ev.name)); });
        trainer.on(Events::EPOCH_COMPLETED, Priority{2}, [say] { say("p2"); });
        trainer.on(Events::EPOCH_COMPLETED, Priority{1}, [say] { say("p1"); });
    }
};

}  // namespace

IGNITE_SDK_PLUGIN(SdkShapes, PluginSpec("sdk")
                                 .version("0.0.1")
                                 .description("every handler shape and filter of plugin.hpp")
                                 .option(Option::integer("fail_at", 0).min(0).help("throw at this iteration; 0: never"))
                                 .option(Option::list("words", "a, b,c").help("logged once")))
