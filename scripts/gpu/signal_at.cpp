// signal_at: a plugin for scripts/gpu-check.sh's "resume" check that sends the host SIGTERM
// at one chosen trainer iteration, so a run is stopped by a real signal at a known point
// instead of by a timer racing a GPU that finishes 200 iterations in a fraction of a second.
//
//   ignite-host train --plugin PATH/ignite-plugin-signal_at.so --plugin-opt signal_at.at=150
//     --plugin checkpoint ...            # stops with exit 143, the checkpoint saved on TERMINATE
//   (the same command) --resume auto     # continues; signal_at does nothing in a resumed run
//
// It reads two of ABI 1.5's run facts: `resumed` (a resumed run is left alone, so the
// resuming command line can be the stopped one's plus --resume auto) and `output_dir` (named
// in its log line). Built against the SDK headers only:
//   g++ -std=c++17 -shared -fPIC -fvisibility=hidden -Isdk/include signal_at.cpp
//     -o ignite-plugin-signal_at.so
#include <ignite/plugin.hpp>

#include <csignal>
#include <string>

namespace {

using ignite::sdk::Events;
using ignite::sdk::Host;
using ignite::sdk::Option;
using ignite::sdk::PluginSpec;
using ignite::sdk::Priority;

class SignalAt : public ignite::sdk::Plugin {
    void init(Host& host) override {
        const auto at = host.option_int("at");
        if (host.resumed()) {
            host.log(IGNITE_LOG_INFO, "resumed run: no signal");
            return;
        }
        host.log(IGNITE_LOG_INFO,
                 "SIGTERM at trainer iteration " + std::to_string(at) + " (output_dir " + host.output_dir() + ")");
        // The handlers band: before the loggers and the checkpoint of the same iteration, so
        // the host sees the signal at this iteration's end, as a Ctrl-C between two steps.
        host.require_engine("trainer").on(Events::ITERATION_COMPLETED.once(at), Priority::handlers,
                                          [] { std::raise(SIGTERM); });
    }
};

}  // namespace

IGNITE_SDK_PLUGIN(
    SignalAt, PluginSpec("signal_at")
                  .version("1.0.0")
                  .description("gpu-check: sends the host SIGTERM at one trainer iteration (not when resumed)")
                  .needs_abi_minor(5)
                  .option(Option::integer("at", 1).min(1).help("the trainer iteration after which SIGTERM is sent")))
