// Loading Ignite C++ plugins into an engine of your own, with the plugin runtime library
// (Ignite::plugin_runtime): what ignite-host does, in a few lines. Usage:
//   load_plugins PLUGIN [NAME.key=value ...]
// PLUGIN is a name on $IGNITE_PLUGIN_PATH or a path to ignite-plugin-NAME.so; the options
// are checked against the plugin's declared schema. The engine runs 2 epochs of 4
// iterations whose output is a fake, decreasing loss, and the plugin's handlers see every
// event of it as they would in ignite-host.
#include <ignite/core/engine.hpp>
#include <ignite/runtime/bridge.hpp>
#include <ignite/runtime/plugin_loader.hpp>
#include <ignite/runtime/plugin_options.hpp>

#include <fmt/format.h>

#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 2) {
        fmt::print(stderr, "usage: {} PLUGIN [NAME.key=value ...]\n", argv[0]);
        return 2;
    }
    try {
        ignite::Engine trainer(
            [](ignite::Engine& e, const c10::IValue&) { return 1.0 / static_cast<double>(e.state.iteration); });
        ignite::host::RawPluginOptions options;
        for (int i = 2; i < argc; ++i) ignite::host::add_raw_option(options, argv[i]);

        // The engines must outlive the PluginHost, which shuts the plugins down.
        ignite::host::PluginHost plugins;
        plugins.add_engine("trainer", trainer);
        plugins.load({argv[1]}, options);
        trainer.run(ignite::data::range(4), 2);
        plugins.shutdown();
        fmt::print("load_plugins: {} epochs, {} iterations\n", trainer.state.epoch, trainer.state.iteration);
        return 0;
    } catch (const std::exception& e) {
        // PluginError (bad module or option) and std::invalid_argument (malformed option).
        fmt::print(stderr, "load_plugins: error: {}\n", e.what());
        return 1;
    }
}
