#include "storage_types.hpp"

#include <array>
#include <utility>

namespace ignite::checkpoint::detail {

namespace {

// torch/storage.py's legacy typed storage classes, the names torch.save writes.
constexpr std::array<std::pair<c10::ScalarType, std::string_view>, 12> kStorageClasses{{
    {c10::ScalarType::Float, "FloatStorage"},
    {c10::ScalarType::Double, "DoubleStorage"},
    {c10::ScalarType::Half, "HalfStorage"},
    {c10::ScalarType::BFloat16, "BFloat16Storage"},
    {c10::ScalarType::Long, "LongStorage"},
    {c10::ScalarType::Int, "IntStorage"},
    {c10::ScalarType::Short, "ShortStorage"},
    {c10::ScalarType::Char, "CharStorage"},
    {c10::ScalarType::Byte, "ByteStorage"},
    {c10::ScalarType::Bool, "BoolStorage"},
    {c10::ScalarType::ComplexFloat, "ComplexFloatStorage"},
    {c10::ScalarType::ComplexDouble, "ComplexDoubleStorage"},
}};

}  // namespace

std::optional<std::string_view> storage_class_name(c10::ScalarType dtype) {
    for (const auto& [type, name] : kStorageClasses) {
        if (type == dtype) return name;
    }
    return std::nullopt;
}

std::optional<c10::ScalarType> storage_class_dtype(std::string_view name) {
    for (const auto& [type, class_name] : kStorageClasses) {
        if (class_name == name) return type;
    }
    return std::nullopt;
}

}  // namespace ignite::checkpoint::detail
