#include <ignite/runtime/plugin_options.hpp>

#include <ignite/plugin_util.hpp>

#include "abi_sizes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <stdexcept>

namespace ignite::host {

const char* option_type_name(ignite_option_type type) {
    switch (type) {
        case IGNITE_OPTION_BOOL:
            return "bool";
        case IGNITE_OPTION_INT:
            return "int";
        case IGNITE_OPTION_DOUBLE:
            return "double";
        case IGNITE_OPTION_STRING:
            return "string";
        default:
            return "unknown";
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
// A plugin built against the 1.2 header or later has the stride fields (whatever abi_minor
// it claims); 0 there means the 1.2 size. Older ones have the 1.0 layout.
// `field` is read only when the plugin's info has it: an older info ends before it.
std::size_t stride(const ignite_plugin_info& info, std::size_t ignite_plugin_info::*field, std::size_t size_1_0,
                   std::size_t size_1_2) {
    if (info.struct_size < abi::kInfoSize_1_2) return size_1_0;
    const std::size_t value = info.*field;
    return value ? value : size_1_2;
}
}  // namespace

std::vector<OptionSchema> option_schema(const ignite_plugin_info& info) {
    const std::size_t stride =
        ignite::host::stride(info, &ignite_plugin_info::option_stride, abi::kOptionSize_1_0, abi::kOptionSize_1_2);
    std::vector<OptionSchema> out;
    const auto* base = reinterpret_cast<const char*>(info.options);
    for (std::size_t i = 0; base && i < info.option_count; ++i) {
        const auto& o = *reinterpret_cast<const ignite_option_spec*>(base + i * stride);
        OptionSchema s;
        s.name = o.name ? o.name : "";
        s.type = o.type;
        if (o.default_value) s.default_value = o.default_value;
        s.help = o.help ? o.help : "";
        if (stride >= abi::kOptionSize_1_2) {
            s.flags = o.flags;
            s.min = o.min;
            s.max = o.max;
            for (const char* const* c = o.choices; c && *c; ++c) s.choices.emplace_back(*c);
        }
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<const ignite_event_decl*> event_decls(const ignite_plugin_info& info) {
    // ignite_event_decl is unchanged since 1.0.
    const std::size_t stride = ignite::host::stride(info, &ignite_plugin_info::event_stride, sizeof(ignite_event_decl),
                                                    sizeof(ignite_event_decl));
    std::vector<const ignite_event_decl*> out;
    const auto* base = reinterpret_cast<const char*>(info.events);
    for (std::size_t i = 0; base && i < info.event_count; ++i)
        out.push_back(reinterpret_cast<const ignite_event_decl*>(base + i * stride));
    return out;
}

namespace {

std::string number_text(const OptionSchema& o, double v) {
    return o.type == IGNITE_OPTION_INT ? fmt::format("{}", static_cast<std::int64_t>(v)) : fmt::format("{}", v);
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& c : items) out += (out.empty() ? "" : "|") + c;
    return out;
}

// "0..17", ">= 1", "<= 9", or "".
std::string bounds(const OptionSchema& o) {
    const bool lo = o.flags & IGNITE_OPTION_HAS_MIN, hi = o.flags & IGNITE_OPTION_HAS_MAX;
    if (lo && hi) return fmt::format("{}..{}", number_text(o, o.min), number_text(o, o.max));
    if (lo) return fmt::format(">= {}", number_text(o, o.min));
    if (hi) return fmt::format("<= {}", number_text(o, o.max));
    return {};
}

}  // namespace

std::string describe_constraints(const OptionSchema& o) {
    const auto b = bounds(o);
    if (o.flags & IGNITE_OPTION_LIST) {
        std::string s = o.choices.empty() ? "comma-separated list" : "comma-separated list of " + joined(o.choices);
        return b.empty() ? s : fmt::format("{} ({} items)", s, b);
    }
    if (!o.choices.empty()) return "one of " + joined(o.choices);
    return b.empty() || b[0] == '>' || b[0] == '<' ? b : "in " + b;
}

namespace {

OptionValue parse(const std::string& participant, const OptionSchema& opt, const std::string& text) {
    auto bad = [&](const std::string& expected) {
        return std::invalid_argument(
            fmt::format("plugin '{}': option '{}' expects {}, got '{}'; give --plugin-opt "
                        "{}.{}=VALUE (see `ignite-host plugins inspect {}`)",
                        participant, opt.name, expected, text, participant, opt.name, participant));
    };
    const auto allowed = describe_constraints(opt);
    auto in_bounds = [&](double v) {
        return !((opt.flags & IGNITE_OPTION_HAS_MIN) && v < opt.min) &&
               !((opt.flags & IGNITE_OPTION_HAS_MAX) && v > opt.max);
    };
    auto one_of = [&](const std::string& v) {
        return opt.choices.empty() || std::find(opt.choices.begin(), opt.choices.end(), v) != opt.choices.end();
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
            if (text.empty() || *end != '\0' || errno == ERANGE || !in_bounds(static_cast<double>(v)))
                throw bad(allowed.empty() ? "an integer" : "an integer " + allowed);
            return static_cast<std::int64_t>(v);
        }
        case IGNITE_OPTION_DOUBLE: {
            errno = 0;
            char* end = nullptr;
            const double v = std::strtod(text.c_str(), &end);
            // A declared range means a real number: NaN would pass every comparison.
            const bool ranged = opt.flags & (IGNITE_OPTION_HAS_MIN | IGNITE_OPTION_HAS_MAX);
            if (text.empty() || *end != '\0' || errno == ERANGE || (ranged && (!std::isfinite(v) || !in_bounds(v))))
                throw bad(allowed.empty() ? "a number" : "a finite number " + allowed);
            return v;
        }
        case IGNITE_OPTION_STRING: {
            if (!(opt.flags & IGNITE_OPTION_LIST)) {
                if (!one_of(text)) throw bad(allowed);  // "one of a|b"
                return text;
            }
            std::size_t items = 0;
            if (text.find_first_not_of(" \t") != std::string::npos) {
                // The SDK's split, so a list accepted here is the list option_list() gives the plugin.
                for (const auto& item : ignite::sdk::split_list(text)) {
                    if (item.empty()) throw bad("a " + allowed + " without empty items");
                    if (!one_of(item)) throw bad(fmt::format("a {} ('{}' is not among them)", allowed, item));
                    ++items;
                }
            }
            if (!in_bounds(static_cast<double>(items))) throw bad(fmt::format("a {} (it has {})", allowed, items));
            return text;
        }
        default:
            throw std::invalid_argument(
                fmt::format("plugin '{}': option '{}' declares an unknown type {}", participant, opt.name, opt.type));
    }
}

}  // namespace

std::map<std::string, OptionValue> validate_options(const ignite_plugin_info& info,
                                                    const std::vector<std::pair<std::string, std::string>>& raw) {
    return validate_options(info.name, option_schema(info), raw);
}

std::map<std::string, OptionValue> validate_options(const std::string& participant,
                                                    const std::vector<OptionSchema>& schema,
                                                    const std::vector<std::pair<std::string, std::string>>& raw) {
    std::map<std::string, OptionValue> out;
    auto find = [&](const std::string& key) -> const OptionSchema* {
        for (const auto& o : schema) {
            if (key == o.name) return &o;
        }
        return nullptr;
    };
    for (const auto& [key, value] : raw) {
        const auto* opt = find(key);
        if (opt == nullptr) {
            std::string known;
            for (const auto& o : schema) known += (known.empty() ? "" : ", ") + o.name;
            throw std::invalid_argument(
                fmt::format("plugin '{}' has no option '{}' (options: {}); see `ignite-host "
                            "plugins inspect {}`",
                            participant, key, known.empty() ? "none" : known, participant));
        }
        out[key] = parse(participant, *opt, value);  // the last occurrence wins, as on a command line
    }
    for (const auto& opt : schema) {
        if (out.count(opt.name)) continue;
        if (!opt.default_value) {
            throw std::invalid_argument(
                fmt::format("plugin '{}' requires option '{}' ({}); pass --plugin-opt {}.{}=VALUE", participant, opt.name,
                            option_type_name(opt.type), participant, opt.name));
        }
        try {
            out[opt.name] = parse(participant, opt, *opt.default_value);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(
                fmt::format("plugin '{}' declares option '{}' with the default '{}', which its own "
                            "spec refuses; fix the plugin ({})",
                            participant, opt.name, *opt.default_value, e.what()));
        }
    }
    return out;
}

}  // namespace ignite::host
