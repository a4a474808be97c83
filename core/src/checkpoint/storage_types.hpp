#pragma once
// The storage classes torch.save names in a tensor's persistent id ("torch.FloatStorage"),
// and their dtypes. One table for the writer and the reader.
#include <c10/core/ScalarType.h>

#include <optional>
#include <string_view>

namespace ignite::checkpoint::detail {

/// "FloatStorage" for kFloat, ...; nullopt for a dtype torch.save's storage classes lack.
std::optional<std::string_view> storage_class_name(c10::ScalarType dtype);

/// The dtype of the class `name` in module torch ("FloatStorage"), or nullopt.
std::optional<c10::ScalarType> storage_class_dtype(std::string_view name);

}  // namespace ignite::checkpoint::detail
