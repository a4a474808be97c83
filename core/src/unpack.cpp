// The non-template parts of unpack<T...>(): reading sequences and describing values.
#include <ignite/core/unpack.hpp>

#include <fmt/format.h>

namespace ignite::detail {

std::optional<std::vector<c10::IValue>> sequence_items(const c10::IValue& v) {
    std::vector<c10::IValue> items;
    if (v.isTuple()) {
        const auto& elems = v.toTupleRef().elements();
        items.assign(elems.begin(), elems.end());
    } else if (v.isList()) {
        for (const auto& e : v.toListRef()) items.push_back(e);
    } else if (v.isTensorList()) {
        for (const auto& t : v.toTensorVector()) items.emplace_back(t);
    } else {
        return std::nullopt;
    }
    return items;
}

std::string describe_value(const c10::IValue& v) {
    if (v.isNone()) return "None";
    if (auto items = sequence_items(v)) return fmt::format("a {} of {}", v.tagKind(), items->size());
    return fmt::format("a {}", v.tagKind());
}

void unpack_mismatch(const c10::IValue& v, std::string_view what, const std::string& wanted) {
    throw TypeError(fmt::format("{} should be {}, but given {}", what, wanted, describe_value(v)));
}

}  // namespace ignite::detail
