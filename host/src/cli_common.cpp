#include "cli_common.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

namespace po = boost::program_options;

namespace ignite::host {

po::options_description plugin_options_description() {
    po::options_description d("Plugins");
    d.add_options()
        ("plugin", po::value<std::vector<std::string>>()->composing(),
         "plugin NAME (searched on the plugin path) or PATH to its .so; repeatable, order kept")
        ("plugin-opt", po::value<std::vector<std::string>>()->composing(),
         "NAME.key=value option for a loaded plugin; repeatable")
        ("config", po::value<std::string>(), "INI file with the same keys as the command line (the command line wins)");
    return d;
}

po::variables_map parse(const std::vector<std::string>& args, const po::options_description& desc) {
    po::variables_map vm;
    try {
        po::variables_map from_command_line;
        po::store(po::command_line_parser(args).options(desc).run(), from_command_line);
        // Scalars: the first store wins, so the command line goes in first.
        po::store(po::command_line_parser(args).options(desc).run(), vm);
        if (vm.count("config")) {
            const auto path = vm["config"].as<std::string>();
            std::ifstream in(path);
            if (!in) throw UsageError(fmt::format("config file '{}' cannot be read; check the path", path));
            po::variables_map from_file;
            const auto parsed = po::parse_config_file(in, desc);
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
