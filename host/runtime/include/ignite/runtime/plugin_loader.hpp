#pragma once
// Finds and loads plugin modules (Boost.DLL, RTLD_NOW | RTLD_LOCAL, never unloaded) and
// validates their static info against the ABI this host implements.

#include <ignite/runtime/participant.hpp>
#include <ignite/plugin.h>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace ignite::host {

/// A plugin failed to load or validate. what() is the one-line message for the user.
class PluginError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A loaded, validated plugin module. The module stays mapped for the process lifetime.
struct LoadedModule {
    std::filesystem::path path;
    const ignite_plugin_info* info = nullptr;
};

/// Directories searched for `--plugin NAME`, in order: $IGNITE_PLUGIN_PATH (colon
/// separated), then the installation's plugin directory found from the running executable
/// (<prefix>/bin/ignite-host -> <prefix>/lib/ignite/plugins); a program running inside the
/// build tree with no such directory beside it gets the build's plugin directory instead.
std::vector<std::filesystem::path> plugin_search_path();

/// File name of plugin NAME: "ignite-plugin-NAME.so".
std::string plugin_file_name(const std::string& name);

/// Resolves NAME (searched on the path) or PATH (contains '/' or ends in .so) to a file.
/// Throws PluginError naming what was searched when nothing is found.
std::filesystem::path resolve_plugin(const std::string& name_or_path);

/// Loads and validates a module: the file must be a complete ELF shared object for this
/// machine (checked from its headers before dlopen, so a truncated file is refused, not a
/// crash) exporting ignite_plugin_entry returning a non-null info with ABI major 1, a minor
/// this host knows, a struct_size covering 1.0, a valid name and an init callback.
/// Throws PluginError.
LoadedModule load_plugin_module(const std::filesystem::path& path);

/// Every plugin file on the search path (first occurrence of each name wins).
std::vector<std::filesystem::path> discover_plugins();

/// How the plugin's state is stored in checkpoints (plugin.h: state_format, ABI 1.4):
/// IGNITE_STATE_BYTES for a plugin whose info ends before the field.
[[nodiscard]] std::uint32_t plugin_state_format(const ignite_plugin_info& info) noexcept;

/// Where the plugin runs (plugin.h: placement, ABI 1.6): every rank for a plugin built before.
[[nodiscard]] Placement plugin_placement(const ignite_plugin_info& info) noexcept;

/// The module as a participant: its info as the one spec both kinds share.
[[nodiscard]] ParticipantSpec module_spec(const LoadedModule& module);

}  // namespace ignite::host
