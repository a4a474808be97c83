#include "train_command.hpp"

#include "run_record.hpp"
#include "train_options.hpp"
#include "train_plugins.hpp"
#include "train_run.hpp"
#include "training.hpp"

#include <ignite/runtime/bridge.hpp>

namespace ignite::host {

int train_command(const std::vector<std::string>& args) {
    // parse -> build -> attach -> run. Everything that can be refused is checked before the
    // record takes the output folder: bad input leaves nothing written.
    const auto options = parse_train_options(args);
    if (!options) return exit_code(ExitStatus::kSuccess);  // --help
    Training training(*options);
    PluginHost plugins;
    attach_plugins(plugins, training, *options);
    RunRecord record(*options, training);
    return run_training(*options, training, plugins, record);
}

}  // namespace ignite::host
