#include <ignite/runtime/console_log.hpp>

#include <unistd.h>

#include <cstdio>
#include <string>

namespace ignite::host {

void log_line(std::string_view line) noexcept {
    static const bool tty = ::isatty(STDERR_FILENO) == 1;  // asked once: a bar is drawn on the same stream
    try {
        std::string out;
        out.reserve(line.size() + 8);
        if (tty) out += "\r\x1b[K";
        out += line;
        out += '\n';
        std::fwrite(out.data(), 1, out.size(), stderr);
        std::fflush(stderr);
    } catch (...) {
        // Out of memory while logging: nothing useful is left to do.
    }
}

}  // namespace ignite::host
