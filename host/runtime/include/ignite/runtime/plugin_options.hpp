#pragma once
// `--plugin-opt NAME.key=value` parsing and validation against a plugin's option schema.

#include <ignite/plugin.h>

#include <cstdint>
#include <map>
#include <optional>
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

/// One option a plugin declares, whatever ABI minor it was built with (the 1.2 fields are
/// zero / empty for an older plugin).
struct OptionSchema {
    std::string name;
    ignite_option_type type = IGNITE_OPTION_STRING;
    std::optional<std::string> default_value;  ///< nullopt: required
    std::string help;
    std::uint32_t flags = 0;  ///< IGNITE_OPTION_HAS_MIN | _HAS_MAX | _LIST
    double min = 0;
    double max = 0;
    std::vector<std::string> choices;  ///< empty: any value
};

/// The options `info` declares, stepping through its array by option_stride (ABI 1.2).
std::vector<OptionSchema> option_schema(const ignite_plugin_info& info);

/// The custom events `info` declares, stepping through its array by event_stride (ABI 1.2).
std::vector<const ignite_event_decl*> event_decls(const ignite_plugin_info& info);

/// What `option` allows beyond its type, for `plugins inspect` and error messages:
/// "range 0..17", ">= 1", "one of text|json", "list of trainer|evaluator, 1+ items"; "" if
/// anything of its type goes.
std::string describe_constraints(const OptionSchema& option);

/// Validates `raw` (may be empty) against `info`'s schema, applies defaults, and returns
/// typed values. Throws std::invalid_argument naming the plugin, the key and the fix for
/// an unknown key, a value of the wrong type, out of range, not among the choices, or a
/// missing required option.
std::map<std::string, OptionValue> validate_options(const ignite_plugin_info& info,
                                                    const std::vector<std::pair<std::string, std::string>>& raw);
/// The same for any participant (a component's spec): `participant` names it in the messages.
std::map<std::string, OptionValue> validate_options(const std::string& participant,
                                                    const std::vector<OptionSchema>& schema,
                                                    const std::vector<std::pair<std::string, std::string>>& raw);

/// Human name of an option type ("bool", "int", "double", "string").
const char* option_type_name(ignite_option_type type);

}  // namespace ignite::host
