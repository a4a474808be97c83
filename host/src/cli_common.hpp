#pragma once
// Pieces of the command line shared by the subcommands: the plugin options
// (--plugin, --plugin-opt, --config) and parsing with the config file.
//
// Decision (issue 17): a config file's `[NAME]` section holds plugin NAME's options, one
// `key = value` line each, exactly as `--plugin-opt NAME.key=value`: same schema, same
// checks, and an error names the file, the section and the key. A section does not load its
// plugin (loading is `plugin = NAME`, or a default plugin): a section for a plugin the run
// does not load is refused, so a typo in a section name is never silently ignored. Order of
// precedence, the last value winning: the file's `plugin-opt` lines, its sections, then the
// command line's --plugin-opt.

#include "exit_status.hpp"

#include <ignite/core/version.hpp>
#include <ignite/runtime/participant.hpp>
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
    "the leading --; repeatable options on several lines. Flags take true/false. A [NAME]\n"
    "section holds plugin NAME's options (`[console]` then `every = 100` is --plugin-opt\n"
    "console.every=100); it does not load the plugin: add `plugin = NAME` (a section for a\n"
    "plugin not loaded is refused). The command line wins over the file, --plugin-opt over a\n"
    "section. Example:\n"
    "    # train.ini\n"
    "    model = mlp\n"
    "    epochs = 2\n"
    "    lr = 0.05\n"
    "    plugin = console\n"
    "    [console]\n"
    "    every = 100\n";

/// --plugin, --plugin-opt, --config.
boost::program_options::options_description plugin_options_description();

/// Parses a subcommand's arguments, then the --config INI file if given (the command
/// line wins). Throws UsageError with one line.
boost::program_options::variables_map parse(const std::vector<std::string>& args,
                                            const boost::program_options::options_description& desc);

/// The values of a repeatable string option (empty when absent).
std::vector<std::string> strings(const boost::program_options::variables_map& vm, const char* key);

/// --plugin-opt values (the config file's first, then the command line's) grouped per
/// plugin, for a run that loads `plugins` (names or paths, as PluginHost::open takes them;
/// a NAME among `components`, the components offered, is that component).
/// The config file's plugin options are checked here against those plugins' schemas, so an
/// error names the file and section: a section for a plugin not loaded, an unknown key, a
/// value the schema refuses. Throws UsageError (one line). A plugin that cannot be loaded is
/// left for PluginHost::open to report.
RawPluginOptions raw_plugin_options(const boost::program_options::variables_map& vm,
                                    const std::vector<std::string>& plugins,
                                    const std::vector<ParticipantSpec>& components = {});

}  // namespace ignite::host
