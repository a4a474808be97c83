#include <ignite/runtime/plugin_options.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <stdexcept>

namespace ignite::host {

const char* option_type_name(ignite_option_type type) {
    switch (type) {
        case IGNITE_OPTION_BOOL: return "bool";
        case IGNITE_OPTION_INT: return "int";
        case IGNITE_OPTION_DOUBLE: return "double";
        case IGNITE_OPTION_STRING: return "string";
        default: return "unknown";
    }
}

void add_raw_option(RawPluginOptions& out, const std::string& spec) {
    const auto dot = spec.find('.');
    const auto eq = spec.find('=');
    if (dot == std::string::npos || eq == std::string::npos || dot == 0 || eq < dot + 2) {
        throw std::invalid_argument(
            fmt::format("--plugin-opt '{}' is not NAME.key=value (e.g. --plugin-opt console.every=50)", spec));
    }
    out[spec.substr(0, dot)].emplace_back(spec.substr(dot + 1, eq - dot - 1), spec.substr(eq + 1));
}

namespace {

OptionValue parse(const ignite_plugin_info& info, const ignite_option_spec& opt, const std::string& text) {
    auto bad = [&](const char* expected) {
        return std::invalid_argument(fmt::format("plugin '{}': option '{}' expects {}, got '{}'", info.name, opt.name,
                                                 expected, text));
    };
    switch (opt.type) {
        case IGNITE_OPTION_BOOL: {
            std::string v = text;
            std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
            if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
            if (v == "false" || v == "0" || v == "no" || v == "off") return false;
            throw bad("a bool (true/false)");
        }
        case IGNITE_OPTION_INT: {
            errno = 0;
            char* end = nullptr;
            const long long v = std::strtoll(text.c_str(), &end, 10);
            if (text.empty() || *end != '\0' || errno == ERANGE) throw bad("an integer");
            return static_cast<std::int64_t>(v);
        }
        case IGNITE_OPTION_DOUBLE: {
            errno = 0;
            char* end = nullptr;
            const double v = std::strtod(text.c_str(), &end);
            if (text.empty() || *end != '\0' || errno == ERANGE) throw bad("a number");
            return v;
        }
        case IGNITE_OPTION_STRING:
            return text;
        default:
            throw std::invalid_argument(fmt::format("plugin '{}': option '{}' declares an unknown type {}", info.name,
                                                    opt.name, opt.type));
    }
}

}  // namespace

std::map<std::string, OptionValue> validate_options(const ignite_plugin_info& info,
                                                     const std::vector<std::pair<std::string, std::string>>& raw) {
    std::map<std::string, OptionValue> out;
    auto find = [&](const std::string& key) -> const ignite_option_spec* {
        for (std::size_t i = 0; i < info.option_count; ++i) {
            if (info.options[i].name && key == info.options[i].name) return &info.options[i];
        }
        return nullptr;
    };
    for (const auto& [key, value] : raw) {
        const auto* opt = find(key);
        if (opt == nullptr) {
            std::string known;
            for (std::size_t i = 0; i < info.option_count; ++i) known += (known.empty() ? "" : ", ") + std::string(info.options[i].name);
            throw std::invalid_argument(fmt::format("plugin '{}' has no option '{}' (options: {}); see `ignite-host "
                                                    "plugins inspect {}`",
                                                    info.name, key, known.empty() ? "none" : known, info.name));
        }
        out[key] = parse(info, *opt, value);  // the last occurrence wins, as on a command line
    }
    for (std::size_t i = 0; i < info.option_count; ++i) {
        const auto& opt = info.options[i];
        if (out.count(opt.name)) continue;
        if (opt.default_value == nullptr) {
            throw std::invalid_argument(fmt::format("plugin '{}' requires option '{}' ({}); pass --plugin-opt {}.{}=VALUE",
                                                    info.name, opt.name, option_type_name(opt.type), info.name, opt.name));
        }
        out[opt.name] = parse(info, opt, opt.default_value);
    }
    return out;
}

}  // namespace ignite::host
