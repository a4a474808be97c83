#include <ignite/runtime/console_log.hpp>

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>

namespace ignite::host {
namespace {

struct Terminal {
    std::mutex mutex;  // plugins may log from their own threads
    const bool tty = ::isatty(STDERR_FILENO) == 1;
    bool drawn = tty;
    std::map<std::size_t, std::string> slots;
    std::size_t lines_on_screen = 0;  // of the area as last drawn

    // Erases the drawn area: the cursor ends at the start of its first line.
    void erase(std::string& out) {
        if (lines_on_screen == 0) return;
        out += '\r';
        if (lines_on_screen > 1) out += "\x1b[" + std::to_string(lines_on_screen - 1) + "A";
        out += "\x1b[J";
        lines_on_screen = 0;
    }

    [[nodiscard]] static std::size_t width() noexcept {
        winsize ws{};
        if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1) return ws.ws_col - 1;
        return 0;  // unknown (forced drawing into a file or pipe): no cut
    }

    // Appends the area's lines, each cut to the terminal's width (counted in UTF-8 code
    // points: a bar's block characters are one column each).
    void draw(std::string& out) {
        const std::size_t cols = width();
        bool first = true;
        for (const auto& [slot, text] : slots) {
            std::size_t start = 0;
            while (start <= text.size()) {
                const auto end = std::min(text.find('\n', start), text.size());
                if (!first) out += '\n';
                first = false;
                std::size_t columns = 0, i = start;
                for (; i < end; ++i) {
                    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && cols != 0 && ++columns > cols) break;
                }
                out.append(text, start, i - start);
                out += "\x1b[K";
                ++lines_on_screen;
                start = end + 1;
            }
        }
    }

    void write(const std::string& out) {
        std::fwrite(out.data(), 1, out.size(), stderr);
        std::fflush(stderr);
    }
};

Terminal& terminal() {
    static Terminal t;
    return t;
}

}  // namespace

void log_line(std::string_view line) noexcept {
    try {
        auto& t = terminal();
        const std::lock_guard lock(t.mutex);
        std::string out;
        out.reserve(line.size() + 16);
        if (t.drawn && t.lines_on_screen > 0) {
            t.erase(out);
        } else if (t.tty) {
            out += "\r\x1b[K";
        }
        out += line;
        out += '\n';
        if (t.drawn) t.draw(out);
        t.write(out);
    } catch (...) {
        // Out of memory while logging: nothing useful is left to do.
    }
}

void set_status_lines(std::size_t slot, std::string_view text) noexcept {
    try {
        auto& t = terminal();
        const std::lock_guard lock(t.mutex);
        if (text.empty()) {
            if (t.slots.erase(slot) == 0) return;
        } else {
            t.slots[slot] = std::string(text);
        }
        if (!t.drawn) return;
        std::string out;
        t.erase(out);
        t.draw(out);
        t.write(out);
    } catch (...) {
    }
}

bool status_area_drawn() noexcept {
    auto& t = terminal();
    const std::lock_guard lock(t.mutex);
    return t.drawn;
}

void set_status_area_drawn(bool drawn) noexcept {
    auto& t = terminal();
    const std::lock_guard lock(t.mutex);
    t.drawn = drawn;
}

void clear_status_area() noexcept {
    try {
        auto& t = terminal();
        const std::lock_guard lock(t.mutex);
        t.slots.clear();
        std::string out;
        t.erase(out);
        if (!out.empty()) t.write(out);
    } catch (...) {
    }
}

}  // namespace ignite::host
