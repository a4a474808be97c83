#pragma once
// Counts in the messages a user reads: "1 epoch", "2 epochs", never "1 epochs" (issue 19 §4).

#include <cstdint>
#include <string>
#include <string_view>

namespace ignite::host {

/// "N NOUN" with NOUN's plural (NOUN + "s") unless N is 1 (or -1).
inline std::string count_of(std::int64_t n, std::string_view noun) {
    std::string s = std::to_string(n) + ' ';
    s += noun;
    if (n != 1 && n != -1) s += 's';
    return s;
}

/// NOUN as it follows the count N: "epoch" for 1, "epochs" otherwise (e.g. "3 of 1 epoch").
inline std::string noun_for(std::int64_t n, std::string_view noun) {
    std::string s(noun);
    if (n != 1 && n != -1) s += 's';
    return s;
}

}  // namespace ignite::host
