// Option text, parsed and printed one way for everyone: comma lists (a list option's items)
// and doubles that read back exactly. The SDK's plugin.hpp (option_list, option defaults),
// plugin_util.hpp and the host's option validator all use these, so a list the host accepts
// is the list a plugin reads, item for item.
//
// Decision: a header of its own (C library and STL only) rather than plugin_util.hpp, which
// brings POSIX file headers that plugin.hpp must not push into every plugin; and in
// namespace detail, which plugin.hpp already has, so a plugin that includes only plugin.hpp
// with `using namespace ignite::sdk` meets no new names (its own trim() stays unambiguous).
// plugin_util.hpp makes trim and split_list public. Header-only C++17.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace ignite::sdk {
inline namespace v1 {
namespace detail {

/// `s` without leading and trailing spaces and tabs.
inline std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return {};
    const auto e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

/// Splits a comma-separated option value into trimmed items. Empty items are kept (so an
/// option validator can reject "a,,b"); pass drop_empty=true to skip them instead. An
/// empty string gives one empty item, or none with drop_empty.
inline std::vector<std::string> split_list(const std::string& s, bool drop_empty = false) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const auto comma = s.find(',', start);
        auto item = trim(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (!(drop_empty && item.empty())) out.push_back(std::move(item));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

/// Appends `v` as the shortest of 15-17 significant digits that reads back as the same
/// double ("%g": 0.1, 1e-05, inf, nan). Appending avoids a temporary on hot logging paths.
inline void shortest_append(std::string& out, double v) {
    char buf[40];
    for (int digits = 15; digits <= 17; ++digits) {
        std::snprintf(buf, sizeof buf, "%.*g", digits, v);
        if (std::strtod(buf, nullptr) == v) break;
    }
    out += buf;
}

/// `v` as text that reads back as the same double (see shortest_append).
inline std::string shortest(double v) {
    std::string out;
    shortest_append(out, v);
    return out;
}

}  // namespace detail
}  // namespace v1
}  // namespace ignite::sdk
