#pragma once
// The host's profile (profile.json, docs/profile.md) as RunProfile rows, for the page's "where
// time goes" table. One parser for both ways the page gets it: the live plugin parses the text
// the host hands it as the trainer's state attribute "profile" (written at each epoch end and at
// the end: the profile so far), `ignite-host report DIR` parses DIR/profile.json (the whole run,
// written after the last handler ran). Plain C++ with nlohmann-json; no I/O.

#include "run_data.hpp"

#include <string_view>

namespace ignite_report {

/// The profile in `json_text`. Throws std::invalid_argument naming what is wrong when the text
/// is not profile.json's layout (version 1).
[[nodiscard]] RunProfile parse_profile(std::string_view json_text);

}  // namespace ignite_report
