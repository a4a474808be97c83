#pragma once
// RunData <-> JSON: the report plugin's checkpoint state (state_key "report", ABI 1.4 JSON
// state), so a resumed run's page still shows the whole history. Non-finite numbers are
// written as null (JSON has none) and read back as NaN.

#include "run_data.hpp"

#include <string>

namespace ignite_report {

/// One JSON object's text.
[[nodiscard]] std::string to_json_text(const RunData& run);
/// Reads what to_json_text wrote. Throws std::invalid_argument naming what is wrong.
[[nodiscard]] RunData from_json_text(const std::string& text);

}  // namespace ignite_report
