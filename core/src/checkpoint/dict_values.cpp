// ignite::Dict <-> checkpoint values (c10 dicts with str keys).
#include "ignite/core/checkpoint_file.hpp"

#include <fmt/format.h>

namespace ignite::checkpoint {

c10::IValue to_value(const Dict& d) {
    c10::impl::GenericDict out(c10::StringType::get(), c10::AnyType::get());
    out.reserve(d.size());
    for (const auto& [key, value] : d) out.insert(key, value);
    return out;
}

Dict to_dict(const c10::IValue& v, std::string_view what) {
    if (!v.isGenericDict() || v.toGenericDict().keyType()->kind() != c10::TypeKind::StringType) {
        throw TypeError(fmt::format("{} is a {}, expected a dict with str keys", what, v.tagKind()));
    }
    Dict out;
    for (const auto& e : v.toGenericDict()) out.set(e.key().toStringRef(), e.value());
    return out;
}

}  // namespace ignite::checkpoint
