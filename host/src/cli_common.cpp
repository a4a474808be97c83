#include "cli_common.hpp"

#include <ignite/runtime/plugin_loader.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

namespace po = boost::program_options;

namespace ignite::host {

po::options_description plugin_options_description() {
    po::options_description d("Plugins");
    d.add_options()("plugin", po::value<std::vector<std::string>>()->composing(),
                    "plugin NAME (searched on the plugin path) or PATH to its .so; repeatable, order kept")(
        "plugin-opt", po::value<std::vector<std::string>>()->composing(),
        "NAME.key=value option for a loaded plugin; repeatable")(
        "config", po::value<std::string>(), "INI file with the same keys as the command line (the command line wins)");
    return d;
}

namespace {
constexpr const char* kStrayKey = "stray-argument";

// Where the config file's plugin options came from, for their error messages: a hidden
// entry of the variables_map holding ConfigPluginOptions (absent without --config).
constexpr const char* kConfigPluginOptionsKey = "config-plugin-options";

struct ConfigPluginOption {
    std::string plugin, key, value;
    std::string section;  ///< "" for a `plugin-opt = NAME.key=value` line
};
using ConfigPluginOptions = std::vector<ConfigPluginOption>;

// The plugin options of a parsed config file, in file order: its `plugin-opt` lines, then
// its sections (Boost reports `[NAME]` then `key = value` as the unregistered "NAME.key").
// Throws UsageError for an unknown key outside a section, as Boost would have.
ConfigPluginOptions config_plugin_options(const po::parsed_options& parsed, const std::string& path) {
    ConfigPluginOptions lines, sections;
    for (const auto& option : parsed.options) {
        const auto& key = option.string_key;
        const std::string value = option.value.empty() ? "" : option.value.front();
        if (!option.unregistered) {
            if (key == "plugin-opt") {
                RawPluginOptions one;
                try {
                    add_raw_option(one, value);
                } catch (const std::invalid_argument& e) {
                    throw UsageError(fmt::format("config file '{}': {}", path, e.what()));
                }
                const auto& [plugin, pairs] = *one.begin();
                lines.push_back({plugin, pairs.front().first, pairs.front().second, ""});
            }
            continue;
        }
        const auto dot = key.find('.');
        if (dot == std::string::npos || dot == 0 || dot + 1 == key.size()) {
            throw UsageError(
                fmt::format("config file '{}': unrecognised option '{}'; see --help for the keys", path, key));
        }
        const auto plugin = key.substr(0, dot);
        sections.push_back({plugin, key.substr(dot + 1), value, plugin});
    }
    lines.insert(lines.end(), sections.begin(), sections.end());
    return lines;
}

std::string spec_of(const ConfigPluginOption& o) { return o.plugin + "." + o.key + "=" + o.value; }

// "config file 'F', section [NAME]" or "config file 'F'" (a plugin-opt line).
std::string origin(const std::string& path, const ConfigPluginOption& o) {
    return o.section.empty() ? fmt::format("config file '{}'", path)
                             : fmt::format("config file '{}', section [{}]", path, o.section);
}

}  // namespace

po::variables_map parse(const std::vector<std::string>& args, const po::options_description& desc) {
    po::variables_map vm;
    try {
        po::variables_map from_command_line;
        // No positional arguments: a stray word (`train mlp`) is collected here and refused.
        po::options_description with_stray(desc);
        with_stray.add_options()(kStrayKey, po::value<std::vector<std::string>>());
        po::positional_options_description stray;
        stray.add(kStrayKey, -1);
        const auto parsed_command_line = po::command_line_parser(args).options(with_stray).positional(stray).run();
        for (const auto& option : parsed_command_line.options) {
            if (option.string_key == kStrayKey && !option.value.empty()) {
                throw UsageError(
                    fmt::format("unexpected argument '{}': this command takes options only, as --name "
                                "value (e.g. --model mlp); see --help",
                                option.value.front()));
            }
        }
        po::store(parsed_command_line, from_command_line);
        // Scalars: the first store wins, so the command line goes in first.
        po::store(parsed_command_line, vm);
        if (vm.count("config")) {
            const auto path = vm["config"].as<std::string>();
            std::error_code ec;
            const auto status = std::filesystem::status(path, ec);
            if (status.type() == std::filesystem::file_type::not_found) {
                throw UsageError(fmt::format("config file '{}' does not exist; check the path", path));
            }
            if (status.type() != std::filesystem::file_type::regular) {
                throw UsageError(
                    fmt::format("config file '{}' is not a regular file (a folder or device?); give the "
                                "path of an INI file",
                                path));
            }
            std::ifstream in(path);
            if (!in) throw UsageError(fmt::format("config file '{}' cannot be read; check its permissions", path));
            po::variables_map from_file;
            po::parsed_options parsed(&desc);
            try {
                // Unregistered keys are kept: "NAME.key" is a [NAME] section's plugin option.
                parsed = po::parse_config_file(in, desc, true);
            } catch (const po::error& e) {
                throw UsageError(fmt::format("config file '{}': {}; see --help for the keys", path, e.what()));
            }
            for (const auto& option : parsed.options) {
                if (option.string_key == "config") {
                    throw UsageError(
                        fmt::format("config file '{}' sets `config`; config files do not nest: give "
                                    "every option in one file",
                                    path));
                }
                if (option.string_key == "help") {
                    throw UsageError(fmt::format("config file '{}' sets `help`, which is a command-line flag", path));
                }
            }
            const auto file_plugin_options = config_plugin_options(parsed, path);
            po::store(parsed, from_file);  // unregistered options (sections) are not stored
            po::store(parsed, vm);
            // Repeatable options: the file's values first, then the command line's, so a
            // command-line --plugin-opt overrides the file's (the last value wins) and a
            // plugin named in both is loaded once. The file's plugin options are its
            // plugin-opt lines then its sections.
            auto& values = static_cast<std::map<std::string, po::variable_value>&>(vm);
            for (const char* key : {"plugin", "plugin-opt"}) {
                const bool plugin_opt = std::string_view(key) == "plugin-opt";
                std::vector<std::string> merged;
                if (plugin_opt) {
                    for (const auto& o : file_plugin_options) merged.push_back(spec_of(o));
                } else {
                    merged = strings(from_file, key);
                }
                for (const auto& v : strings(from_command_line, key)) {
                    if (!plugin_opt && std::find(merged.begin(), merged.end(), v) != merged.end()) continue;
                    merged.push_back(v);
                }
                if (merged.empty()) continue;
                if (vm.count(key)) {
                    vm.at(key).value() = boost::any(merged);
                } else {  // only the file's sections set it
                    values[key] = po::variable_value(boost::any(merged), false);
                }
            }
            if (!file_plugin_options.empty()) {
                values[kConfigPluginOptionsKey] = po::variable_value(boost::any(file_plugin_options), false);
            }
        }
        po::notify(vm);
    } catch (const po::error& e) {
        throw UsageError(fmt::format("{}; see --help", e.what()));
    }
    return vm;
}

std::vector<std::string> strings(const po::variables_map& vm, const char* key) {
    return vm.count(key) ? vm[key].as<std::vector<std::string>>() : std::vector<std::string>{};
}

namespace {

// Removes the i-th pair of `pairs`.
std::vector<std::pair<std::string, std::string>> without(std::vector<std::pair<std::string, std::string>> pairs,
                                                         std::size_t i) {
    pairs.erase(pairs.begin() + static_cast<std::ptrdiff_t>(i));
    return pairs;
}

// The config file's plugin options against the schemas of the plugins the run loads, so that
// their errors name the file and the section (PluginHost::open would name --plugin-opt).
void check_config_plugin_options(const po::variables_map& vm, const std::vector<std::string>& plugins,
                                 const std::vector<ParticipantSpec>& components, const RawPluginOptions& raw) {
    if (!vm.count(kConfigPluginOptionsKey)) return;
    const auto& from_file = boost::any_cast<const ConfigPluginOptions&>(vm[kConfigPluginOptionsKey].value());
    const auto path = vm["config"].as<std::string>();
    std::map<std::string, std::vector<OptionSchema>> loaded;  // declared name -> option schema
    for (const auto& spec : plugins) {
        // As PluginHost::open finds it: an offered component by NAME, else a module.
        const auto component = std::find_if(components.begin(), components.end(),
                                            [&](const ParticipantSpec& c) { return c.name == spec; });
        if (component != components.end() && spec.find('/') == std::string::npos && !spec.ends_with(".so")) {
            loaded.emplace(component->name, component->options);
            continue;
        }
        try {
            const auto module = load_plugin_module(resolve_plugin(spec));  // mapped for the process lifetime
            loaded.emplace(module.info->name, option_schema(*module.info));
        } catch (const PluginError&) {
            return;  // PluginHost::open reports it, before any option
        }
    }
    for (const auto& o : from_file) {
        const auto it = loaded.find(o.plugin);
        if (it == loaded.end()) {
            throw UsageError(fmt::format(
                "{} sets option '{}' of plugin '{}', which is not loaded{}; add `plugin = {}` to the file or "
                "--plugin {}",
                origin(path, o), o.key, o.plugin, o.section.empty() ? "" : " (a section does not load its plugin)",
                o.plugin, o.plugin));
        }
        const auto& schema = it->second;
        if (std::none_of(schema.begin(), schema.end(), [&](const OptionSchema& s) { return s.name == o.key; })) {
            try {
                (void)validate_options(o.plugin, schema, {{o.key, o.value}});  // its unknown-key message
            } catch (const std::invalid_argument& e) {
                throw UsageError(fmt::format("{}: {}", origin(path, o), e.what()));
            }
        }
    }
    // Values: a plugin's options are validated together (file's first, the last value
    // winning); when they fail, the file's option whose removal changes the error is the one.
    for (const auto& [plugin, schema] : loaded) {
        const auto pairs_it = raw.find(plugin);
        if (pairs_it == raw.end()) continue;
        const auto& pairs = pairs_it->second;
        std::string error;
        try {
            (void)validate_options(plugin, schema, pairs);
            continue;
        } catch (const std::invalid_argument& e) {
            error = e.what();
        }
        std::size_t index = 0;  // of the file's options of this plugin, which come first in `pairs`
        for (const auto& o : from_file) {
            if (o.plugin != plugin) continue;
            bool culprit = true;
            try {
                (void)validate_options(plugin, schema, without(pairs, index));
            } catch (const std::invalid_argument& e) {
                culprit = error != e.what();
            }
            if (culprit) {
                // The schema's hint names the command-line form; in a section, the key is the fix.
                const auto hint = fmt::format("--plugin-opt {}.{}=VALUE", o.plugin, o.key);
                if (const auto at = error.find(hint); at != std::string::npos && !o.section.empty()) {
                    error.replace(at, hint.size(), fmt::format("`{} = VALUE` in section [{}]", o.key, o.section));
                }
                throw UsageError(fmt::format("{}: {}", origin(path, o), error));
            }
            ++index;
        }
    }
}

}  // namespace

RawPluginOptions raw_plugin_options(const po::variables_map& vm, const std::vector<std::string>& plugins,
                                    const std::vector<ParticipantSpec>& components) {
    RawPluginOptions raw;
    for (const auto& spec : strings(vm, "plugin-opt")) {
        try {
            add_raw_option(raw, spec);
        } catch (const std::invalid_argument& e) {
            throw UsageError(e.what());
        }
    }
    check_config_plugin_options(vm, plugins, components, raw);
    return raw;
}

}  // namespace ignite::host
