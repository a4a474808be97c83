// State user attributes and counters used by event filters.
#include <ignite/core/errors.hpp>
#include <ignite/core/state.hpp>

#include <fmt/format.h>

namespace ignite {

const c10::IValue& State::attr(std::string_view name) const {
    if (const auto* v = attrs_.find(name)) return *v;
    throw ValueError(
        fmt::format("engine.state has no attribute '{}'; set it with state.set(\"{}\", value) first", name, name));
}

std::int64_t State::counter(std::string_view name) const {
    if (name == "iteration") return iteration;
    if (name == "epoch") return epoch;
    return get<std::int64_t>(name);
}

}  // namespace ignite
