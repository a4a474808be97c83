// run_facts: at init, logs every fact of the run and the engines it has, one line each:
//   [run_facts] output_dir=/tmp/run   resumed=0   rank=0 of world_size=1 (local_rank 0)
//   [run_facts] config={"batch_size":64,...}
//   [run_facts] engines: trainer, evaluator, validation
// and at the end of each engine's run why it ended ("[run_facts] trainer: completed",
// "... terminated (user_signal)"). It runs on rank 0 only and reports in the loggers' band:
// what a logger written against the installed SDK declares. (ABI 1.6.)
#include <ignite/plugin.hpp>

#include <string>

namespace {

using namespace ignite::sdk;

std::string reason_name(TerminateReason r) {
    switch (r) {
#define IGNITE_TERMINATE_REASON(name, core, value, help) \
    case TerminateReason::core:                          \
        return #core;
#include <ignite/terminate_reasons.def>
    }
    return "reason " + std::to_string(static_cast<int>(r));
}

class RunFacts : public Plugin {
    void init(Host& host) override {
        host.log(IGNITE_LOG_INFO, "output_dir=" + host.output_dir() + "   resumed=" +
                                      std::to_string(host.run_fact_int("resumed")) + "   rank=" +
                                      std::to_string(host.run_fact_int("rank")) + " of world_size=" +
                                      std::to_string(host.run_fact_int("world_size")) + " (local_rank " +
                                      std::to_string(host.run_fact_int("local_rank")) + ")");
        host.log(IGNITE_LOG_INFO, "config=" + host.run_config());
        std::string names;
        for (auto& engine : host.engines()) {
            names += (names.empty() ? "" : ", ") + engine.name();
            engine.on(Events::COMPLETED, Priority::loggers, [&host](Engine& e) {
                const auto why = e.terminate_reason();
                host.log(IGNITE_LOG_INFO, e.name() + ": " +
                                              (why == TerminateReason::none ? std::string("completed")
                                                                            : "terminated (" + reason_name(why) + ")"));
            });
        }
        host.log(IGNITE_LOG_INFO, "engines: " + names);
    }
};

}  // namespace

IGNITE_SDK_PLUGIN(RunFacts, PluginSpec("run_facts")
                                .version("1.0.0")
                                .description("Logs the run's facts and engines, and why each engine's run ended")
                                .placement(Placement::rank_zero)
                                .band(Priority::loggers)
                                .needs_abi_minor(6))
