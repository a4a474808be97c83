#pragma once
// Plugin state in JSON (ABI 1.4, IGNITE_STATE_JSON) <-> the Python value a checkpoint holds.
// The mapping is json.loads / json.dumps's, so Python reads the state as a plain object.

#include <ATen/core/ivalue.h>

#include <string>
#include <string_view>

namespace ignite::host::json_state {

/// The value json.loads would make of `text`: object -> dict (str keys, order kept), array
/// -> list, string, integer -> int (int64), other number -> float, true/false, null -> None.
/// Throws std::invalid_argument (one line, without the plugin's name) for text that is not
/// one JSON value or an integer outside int64.
[[nodiscard]] c10::IValue to_value(std::string_view text);

/// `value` as compact JSON text: dicts with str keys, lists and tuples (as arrays), str, int,
/// float (NaN and infinities as null: JSON has none), bool, None. Throws
/// std::invalid_argument naming the first part JSON cannot express (a tensor, a non-str key).
[[nodiscard]] std::string to_json(const c10::IValue& value);

}  // namespace ignite::host::json_state
