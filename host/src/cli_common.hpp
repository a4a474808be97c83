#pragma once
// Pieces of the command line shared by the subcommands: the plugin options
// (--plugin, --plugin-opt, --config) and parsing with the config file.

#include "exit_status.hpp"

#include <ignite/core/version.hpp>
#include <ignite/runtime/plugin_options.hpp>

#include <boost/program_options.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace ignite::host {

inline constexpr const char* kVersion = ignite::kVersionString;

/// The config file's format, printed after a subcommand's --help.
inline constexpr const char* kConfigFileHelp =
    "Config file (--config FILE): INI lines `key = value` with the long option names, without\n"
    "the leading --; repeatable options on several lines; [name] sections prefix their keys\n"
    "(`[progress]` then `every = 5` is not an option: write `plugin-opt = progress.every=5`).\n"
    "Flags take true/false. The command line wins over the file. Example:\n"
    "    # train.ini\n"
    "    model = mlp\n"
    "    epochs = 2\n"
    "    lr = 0.05\n"
    "    plugin = console\n"
    "    plugin-opt = console.every=100\n";

/// --plugin, --plugin-opt, --config.
boost::program_options::options_description plugin_options_description();

/// Parses a subcommand's arguments, then the --config INI file if given (the command
/// line wins). Throws UsageError with one line.
boost::program_options::variables_map parse(const std::vector<std::string>& args,
                                            const boost::program_options::options_description& desc);

/// The values of a repeatable string option (empty when absent).
std::vector<std::string> strings(const boost::program_options::variables_map& vm, const char* key);

/// --plugin-opt values grouped per plugin. Throws UsageError for a malformed one.
RawPluginOptions raw_plugin_options(const boost::program_options::variables_map& vm);

}  // namespace ignite::host
