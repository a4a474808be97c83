#pragma once
// The internal error of the checkpoint reader and writer: what is wrong, without the file
// name. checkpoint_file.cpp turns it into a FileError that names the file.
#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace ignite::checkpoint::detail {

class Malformed : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Text from the file (an entry name, a global) as it may appear in a one-line message:
/// control bytes and non-ASCII as \xNN, at most 200 bytes of it.
inline std::string printable(std::string_view text) {
    std::string out;
    for (const char c : text.substr(0, 200)) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f) {
            out += c;
        } else {
            out += fmt::format("\\x{:02x}", u);
        }
    }
    if (text.size() > 200) out += "...";
    return out;
}

}  // namespace ignite::checkpoint::detail
