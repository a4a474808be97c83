#pragma once
// A result file (metrics.jsonl) whose every write error is an error: nothing is ever
// reported as saved that did not reach the file.

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ignite::host {

/// Writing a result file failed (disk full, file-size limit, folder removed, I/O error).
/// what() is one line naming the file and the system's reason.
struct ResultWriteError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// An append-only text file. Lines are buffered and written by flush(); flush() and
/// close() check every write, and flush() also checks that the file is still reachable
/// under its path (a removed output folder would otherwise swallow every later line).
/// Not copyable; closes (ignoring errors) on destruction if close() was not called.
class ResultFile {
public:
    /// Creates or truncates `path` (O_CLOEXEC, mode 0644); with `append`, keeps what it holds
    /// and adds lines after it (a resumed run). Throws ResultWriteError.
    explicit ResultFile(std::filesystem::path path, bool append = false);
    ~ResultFile();
    ResultFile(const ResultFile&) = delete;
    ResultFile& operator=(const ResultFile&) = delete;

    /// Queues `line` plus '\n' (no I/O).
    void append_line(std::string_view line);
    /// Writes what is queued. Throws ResultWriteError.
    void flush();
    /// flush(), fsync and close. Throws ResultWriteError. Idempotent.
    void close();

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

private:
    [[noreturn]] void fail(const char* what, int error) const;

    std::filesystem::path path_;
    int fd_ = -1;
    std::uint64_t device_ = 0, inode_ = 0;
    std::uint64_t written_ = 0;  // bytes of complete lines in the file, earlier ones included
    std::string pending_;
};

}  // namespace ignite::host
