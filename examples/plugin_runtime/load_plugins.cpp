// Loading Ignite C++ plugins into an engine of your own, with the plugin runtime library
// (Ignite::plugin_runtime): what ignite-host does, in a few lines. Usage:
//   load_plugins PLUGIN [NAME.key=value ...]
// PLUGIN is a name on $IGNITE_PLUGIN_PATH or a path to ignite-plugin-NAME.so; the options
// are checked against the plugin's declared schema. The engine runs 2 epochs of 4
// iterations whose output is a fake, decreasing loss, and the plugin's handlers see every
// event of it as they would in ignite-host. A checkpointing plugin (e.g. a remote saver) gets
// the trainer's state_dict and every plugin's state as its checkpoint.
#include <ignite/core/checkpoint_file.hpp>
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
        // What a checkpointing plugin saves (ABI 1.3's checkpoint_bytes): the entries given
        // here, then every plugin's state, as one torch file laid out as Ignite's Checkpoint
        // lays out to_save (ignite-host adds the model, optimizer and scheduler).
        plugins.set_checkpoint_source({"trainer"}, [&] {
            c10::impl::GenericDict d(c10::StringType::get(), c10::AnyType::get());
            d.insert("trainer", ignite::checkpoint::to_value(trainer.state_dict()));
            return d;
        });
        plugins.load({argv[1]}, options);
        trainer.run(ignite::data::range(4), 2);
        plugins.shutdown();
        fmt::print("load_plugins: {} epochs, {} iterations\n", trainer.state.epoch, trainer.state.iteration);
        // Set by a checkpointing plugin that publishes Ignite's Checkpoint.last_checkpoint.
        if (trainer.state.has("last_checkpoint"))
            fmt::print("load_plugins: last checkpoint {}\n", trainer.state.get<std::string>("last_checkpoint"));
        return 0;
    } catch (const std::exception& e) {
        // PluginError (bad module or option) and std::invalid_argument (malformed option).
        fmt::print(stderr, "load_plugins: error: {}\n", e.what());
        return 1;
    }
}
