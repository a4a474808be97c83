// Small text helpers plugin authors keep rewriting: option lists and JSON strings.
// Header-only C++17, no dependencies; part of the SDK so every plugin shares one copy.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace ignite::sdk {
inline namespace v1 {

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

/// Appends the body of a JSON string to `out`: quotes, backslashes and control characters
/// escaped; other bytes (UTF-8 included) pass through unchanged, which JSON allows.
/// Appending avoids a temporary string per field on hot logging paths.
inline void json_escape_append(std::string& out, std::string_view s) {
    for (const unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
}

/// The body of a JSON string for `s` (see json_escape_append).
inline std::string json_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    json_escape_append(out, s);
    return out;
}

}  // namespace v1
}  // namespace ignite::sdk
