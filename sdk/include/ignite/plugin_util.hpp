// Small helpers plugin authors keep rewriting: option lists, JSON strings and numbers, and
// an output file whose every error is reported. Header-only C++17, no dependencies beyond
// the C library (POSIX stat/access); part of the SDK so every plugin shares one copy.
#pragma once

#include "plugin_text.hpp"  // beside this file: works however the SDK folder is reached

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sys/stat.h>
#if defined(_WIN32)
#include <io.h>
#else
#include <unistd.h>
#endif

namespace ignite::sdk {
inline namespace v1 {

using detail::split_list;  // plugin_text.hpp: comma lists, as the host validates them
using detail::trim;

/// Appends the body of a JSON string to `out`: quotes, backslashes and control characters
/// escaped; other bytes (UTF-8 included) pass through unchanged, which JSON allows.
/// Appending avoids a temporary string per field on hot logging paths.
inline void json_escape_append(std::string& out, std::string_view s) {
    for (const unsigned char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
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

/// Appends `v` as a JSON number that reads back as the same double (the shortest of 15-17
/// significant digits). NaN and the infinities have no JSON spelling: they become null, so
/// a strict reader never rejects the line.
inline void json_number_append(std::string& out, double v) {
    if (!std::isfinite(v)) {
        out += "null";
        return;
    }
    detail::shortest_append(out, v);
}

/// `v` as a JSON number, or null when not finite (see json_number_append).
inline std::string json_number(double v) {
    std::string out;
    json_number_append(out, v);
    return out;
}

namespace detail {
inline bool is_folder(const std::string& p, int* err) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) {
        *err = errno;
        return false;
    }
    *err = 0;
    return (st.st_mode & S_IFMT) == S_IFDIR;
}
inline bool writable(const std::string& p, bool folder, int* err) {
#if defined(_WIN32)
    (void)folder;
    const int rc = ::_access(p.c_str(), 2);
#else
    // A folder needs search permission too for a file to be created in it.
    const int rc = ::access(p.c_str(), folder ? (W_OK | X_OK) : W_OK);
#endif
    *err = rc == 0 ? 0 : errno;
    return rc == 0;
}
}  // namespace detail

/// A file a plugin writes (a trace, a log), for plugins whose output must not be lost
/// silently. `label` names it in every message the way the user wrote it, e.g.
/// "trace.path=/tmp/t.jsonl".
///
/// Nothing touches the file before the first write (or open()): validate() checks the path
/// at init without creating or truncating anything, so a run that fails to start (a later
/// plugin refused, a bad option) leaves an existing file as it was. Every stdio result is
/// checked: write(), flush() and close() throw std::runtime_error naming the file and the
/// errno text ("trace.path=/dev/full: write failed (No space left on device)"), which an
/// sdk handler turns into a failed run. After the first failure the file is known broken
/// and later writes are dropped without a second exception, so one full disk gives one
/// message (the first one already fails the run). The destructor closes the file and
/// cannot report: call close() (or close_noexcept() from a destructor, and log what it
/// returns) to see the last flush's result.
class OutputFile {
public:
    OutputFile() = default;
    OutputFile(std::string label, std::string path) : label_(std::move(label)), path_(std::move(path)) {}
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;
    OutputFile(OutputFile&& o) noexcept { swap(o); }
    OutputFile& operator=(OutputFile&& o) noexcept {
        if (this != &o) {
            if (file_) std::fclose(file_);
            file_ = nullptr;
            failed_ = false;
            swap(o);
        }
        return *this;
    }
    ~OutputFile() {
        if (file_) std::fclose(file_);
    }

    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    [[nodiscard]] const std::string& label() const noexcept { return label_; }
    [[nodiscard]] bool is_open() const noexcept { return file_ != nullptr; }
    /// True once a write, flush or open failed (the error was thrown then).
    [[nodiscard]] bool failed() const noexcept { return failed_; }

    /// Throws std::invalid_argument unless opening the path for writing can be expected to
    /// work: not empty, not a folder; an existing file writable; otherwise its folder exists
    /// and files can be created there. Creates, opens and changes nothing. Devices and pipes
    /// (/dev/null, /dev/stdout) are accepted: writing to them is the user's choice.
    /// `example_name` is the file name suggested when the path names a folder.
    void validate(std::string_view example_name = "output.txt") const {
        const std::string fix = "; give a writable file path";
        if (path_.empty()) throw std::invalid_argument(label_ + " is empty" + fix);
        if (path_.back() == '/')
            throw std::invalid_argument(label_ + " names a folder (it ends with '/')" + fix + ", e.g. " + path_ +
                                        std::string(example_name));
        int err = 0;
        if (detail::is_folder(path_, &err))
            throw std::invalid_argument(label_ + " is a folder" + fix + " inside it, e.g. " + path_ + "/" +
                                        std::string(example_name));
        if (err == 0) {  // exists, not a folder
            if (!detail::writable(path_, false, &err))
                throw std::invalid_argument(label_ + ": the file is not writable (" + std::strerror(err) + ")" + fix);
            return;
        }
        if (err != ENOENT)
            throw std::invalid_argument(label_ + ": cannot use this path (" + std::strerror(err) + ")" + fix);
        const auto slash = path_.find_last_of('/');
        const std::string folder = slash == std::string::npos ? std::string(".")
                                   : slash == 0               ? std::string("/")
                                                              : path_.substr(0, slash);
        if (!detail::is_folder(folder, &err)) {
            if (err == ENOENT)
                throw std::invalid_argument(label_ + ": the folder " + folder + " does not exist" + fix +
                                            " (create the folder first)");
            throw std::invalid_argument(label_ + ": " + folder + " is not a usable folder (" +
                                        std::strerror(err ? err : ENOTDIR) + ")" + fix);
        }
        if (!detail::writable(folder, true, &err))
            throw std::invalid_argument(label_ + ": cannot create a file in " + folder + " (" + std::strerror(err) +
                                        ")" + fix);
    }

    /// Opens (creating or truncating) the file. No-op when already open.
    void open() {
        if (file_ || failed_) return;
        file_ = std::fopen(path_.c_str(), "w");
        if (!file_) fail("cannot open for writing", errno, "; give a writable file path");
    }

    /// Appends `data`, opening the file first if needed. Buffered: an error may only show
    /// at a later write or at flush().
    void write(std::string_view data) {
        open();
        if (!file_ || data.empty()) return;
        errno = 0;
        if (std::fwrite(data.data(), 1, data.size(), file_) != data.size()) fail("write failed", errno);
    }

    /// Pushes buffered data to the file; throws when the write fails.
    void flush() {
        if (!file_) return;
        errno = 0;
        if (std::fflush(file_) != 0) fail("write failed", errno);
    }

    /// Flushes and closes; throws when either fails (the file is closed either way).
    /// No-op when not open.
    void close() {
        const auto message = close_noexcept();
        if (!message.empty()) throw std::runtime_error(message);
    }

    /// close() for destructors: the error message, or "" when all went well (or the error
    /// was already thrown by an earlier call).
    std::string close_noexcept() noexcept {
        if (!file_) return {};
        std::FILE* f = file_;
        file_ = nullptr;
        errno = 0;
        const bool flushed = std::fflush(f) == 0;
        const int flush_err = errno;
        errno = 0;
        const bool closed = std::fclose(f) == 0;
        const int close_err = errno;
        if (failed_) return {};
        try {
            if (!flushed) return message("write failed", flush_err);
            if (!closed) return message("close failed", close_err);
        } catch (...) {  // out of memory while formatting: nothing better to say
            return "write failed";
        }
        return {};
    }

private:
    std::string message(const char* what, int err, const char* fix = "") const {
        return label_ + ": " + what + " (" + std::strerror(err ? err : EIO) + ")" + fix;
    }
    [[noreturn]] void fail(const char* what, int err, const char* fix = "") {
        failed_ = true;
        // The stream is useless now; closed so the destructor does not try again.
        if (file_) std::fclose(file_);
        file_ = nullptr;
        throw std::runtime_error(message(what, err, fix));
    }
    void swap(OutputFile& o) noexcept {
        std::swap(label_, o.label_);
        std::swap(path_, o.path_);
        std::swap(file_, o.file_);
        std::swap(failed_, o.failed_);
    }

    std::string label_;
    std::string path_;
    std::FILE* file_ = nullptr;
    bool failed_ = false;
};

}  // namespace v1
}  // namespace ignite::sdk
