#include <ignite/runtime/console_log.hpp>

#include <sys/ioctl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <mutex>
#include <string>

namespace ignite::host {
namespace {

struct Terminal {
    std::mutex mutex;  // plugins may log from their own threads
    const bool tty = ::isatty(STDERR_FILENO) == 1;
    bool drawn = tty;
    LogLevel min_level = LogLevel::debug;
    LogFormat format = LogFormat::text;
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

constexpr const char* kLevelNames[] = {"debug", "info", "warning", "error"};
constexpr std::string_view kHost = "ignite-host";

// Now, UTC, ISO 8601 with milliseconds: 2026-12-07T22:31:05.123Z.
std::string utc_now() {
    const auto now = std::chrono::system_clock::now();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    const std::time_t secs = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    ::gmtime_r(&secs, &tm);
    char buf[40];
    const auto n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char out[48];
    std::snprintf(out, sizeof out, "%.*s.%03dZ", static_cast<int>(n), buf, static_cast<int>(ms));
    return out;
}

// One line out: `text` as it reads in text format, or the JSON object of its parts.
void emit(LogLevel level, std::string_view source, std::string_view message, std::string_view text) noexcept {
    try {
        auto& t = terminal();
        const std::lock_guard lock(t.mutex);
        if (level < t.min_level) return;
        std::string out;
        if (t.format == LogFormat::json) {
            nlohmann::ordered_json j;
            j["level"] = kLevelNames[static_cast<int>(level)];
            j["source"] = std::string(source);
            j["message"] = std::string(message);
            j["time"] = utc_now();
            out = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            out += '\n';
            t.write(out);
            return;
        }
        out.reserve(text.size() + 16);
        if (t.drawn && t.lines_on_screen > 0) {
            t.erase(out);
        } else if (t.tty) {
            out += "\r\x1b[K";
        }
        out += text;
        out += '\n';
        if (t.drawn) t.draw(out);
        t.write(out);
    } catch (...) {
        // Out of memory while logging: nothing useful is left to do.
    }
}

// The level a host line's prefix gives, and its message without the prefixes.
std::pair<LogLevel, std::string_view> parse_host_line(std::string_view line, LogLevel level) {
    if (line.substr(0, kHost.size() + 2) != std::string(kHost) + ": ") return {level, line};
    std::string_view rest = line.substr(kHost.size() + 2);
    for (const auto named : {LogLevel::warning, LogLevel::error}) {
        const std::string prefix = std::string(kLevelNames[static_cast<int>(named)]) + ": ";
        if (rest.substr(0, prefix.size()) == prefix) return {std::max(level, named), rest.substr(prefix.size())};
    }
    return {level, rest};
}

}  // namespace

void log_line(std::string_view line) noexcept { log_line(line, LogLevel::info); }

void log_line(std::string_view line, LogLevel level) noexcept {
    try {
        const auto [parsed, message] = parse_host_line(line, level);
        emit(parsed, kHost, message, line);
    } catch (...) {}
}

void log_plugin_line(LogLevel level, std::string_view source, std::string_view message) noexcept {
    try {
        std::string text = "[" + std::string(source) + "] ";
        if (level >= LogLevel::warning) text += std::string(kLevelNames[static_cast<int>(level)]) + ": ";
        text += message;
        emit(level, source, message, text);
    } catch (...) {}
}

void set_log_min_level(LogLevel level) noexcept {
    auto& t = terminal();
    const std::lock_guard lock(t.mutex);
    t.min_level = level;
}

void set_log_format(LogFormat format) noexcept {
    auto& t = terminal();
    const std::lock_guard lock(t.mutex);
    t.format = format;
    if (format == LogFormat::json) t.drawn = false;
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
    t.drawn = drawn && t.format == LogFormat::text;  // JSON lines never carry escape codes
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
