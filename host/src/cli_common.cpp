#include "cli_common.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

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
                parsed = po::parse_config_file(in, desc);
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
            po::store(parsed, from_file);
            po::store(parsed, vm);
            // Repeatable options: the file's values first, then the command line's, so a
            // command-line --plugin-opt overrides the file's (the last value wins) and a
            // plugin named in both is loaded once.
            for (const char* key : {"plugin", "plugin-opt"}) {
                std::vector<std::string> merged = strings(from_file, key);
                for (const auto& v : strings(from_command_line, key)) {
                    if (std::string_view(key) == "plugin" &&
                        std::find(merged.begin(), merged.end(), v) != merged.end()) {
                        continue;
                    }
                    merged.push_back(v);
                }
                if (!merged.empty()) vm.at(key).value() = boost::any(merged);
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

RawPluginOptions raw_plugin_options(const po::variables_map& vm) {
    RawPluginOptions raw;
    for (const auto& spec : strings(vm, "plugin-opt")) {
        try {
            add_raw_option(raw, spec);
        } catch (const std::invalid_argument& e) {
            throw UsageError(e.what());
        }
    }
    return raw;
}

}  // namespace ignite::host
