#pragma once
// `--plugin-opt NAME.key=value` parsing and validation against a plugin's option schema.

#include <ignite/plugin.h>

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace ignite::host {

/// A validated option value.
using OptionValue = std::variant<bool, std::int64_t, double, std::string>;

/// Raw `key=value` pairs per plugin name, in command-line order.
using RawPluginOptions = std::map<std::string, std::vector<std::pair<std::string, std::string>>>;

/// Splits "NAME.key=value". Throws std::invalid_argument with a one-line message.
void add_raw_option(RawPluginOptions& out, const std::string& spec);

/// Validates `raw` (may be empty) against `info`'s schema, applies defaults, and returns
/// typed values. Throws std::invalid_argument naming the plugin, the key and the fix for
/// an unknown key, a value of the wrong type, or a missing required option.
std::map<std::string, OptionValue> validate_options(const ignite_plugin_info& info,
                                                     const std::vector<std::pair<std::string, std::string>>& raw);

/// Human name of an option type ("bool", "int", "double", "string").
const char* option_type_name(ignite_option_type type);

}  // namespace ignite::host
