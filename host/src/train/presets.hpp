#pragma once
// Presets: named sets of participants and options a run loads with one flag (issue 20 §8).
//
// Decision: a preset is data (one table in presets.cpp), not code: `train --preset NAME` adds
// its participants to the run's list and puts its options BEFORE the command line's (the last
// value of a key wins, so `--plugin-opt checkpoint.every=200` overrides the preset's 1000),
// and `dry-run --preset NAME` prints the same table, so what a user sees is what a run loads.
// A preset adds participants only: it never removes one the user asked for, and
// `--no-default-plugins` still drops the defaults the preset does not name.

#include <string>
#include <utility>
#include <vector>

namespace ignite::host {

struct PresetEntry {
    std::string participant;                                   ///< a component or plugin name
    std::vector<std::pair<std::string, std::string>> options;  ///< key, value (the user's win)
    std::string why;                                           ///< what Ignite wires it for
};

struct Preset {
    std::string name;
    std::string description;  ///< one line
    std::vector<PresetEntry> entries;
};

/// Every preset, in the order --help lists them.
[[nodiscard]] const std::vector<Preset>& presets();
/// Preset `name`; throws UsageError (exit 2) naming the presets there are.
[[nodiscard]] const Preset& find_preset(const std::string& name);
/// What `dry-run --preset NAME` prints: a line for the preset, one per entry with its options.
[[nodiscard]] std::vector<std::string> describe_preset(const Preset& preset);

}  // namespace ignite::host
