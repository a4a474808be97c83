#pragma once
// The file metrics.csv is appended to: POSIX writes, every one checked.
//
// Decision: write(2) per row, no stdio buffer, so a row is in the file (the page cache) as
// soon as it is complete and a killed run loses at most the row being written; fsync only
// when the run completes (a sync per row would cost more than the row on a slow disk). A
// short write is retried; ENOSPC, EFBIG, EIO... throw std::runtime_error naming the file,
// which the SDK turns into a failed run. Before each row the file is checked to still be the
// one under its path (a removed output folder would otherwise swallow every later row).

#include <cstdint>
#include <string>
#include <string_view>

namespace ignite_csv {

class CsvFile {
public:
    explicit CsvFile(std::string path) : path_(std::move(path)) {}
    ~CsvFile();
    CsvFile(const CsvFile&) = delete;
    CsvFile& operator=(const CsvFile&) = delete;

    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    [[nodiscard]] bool is_open() const noexcept { return fd_ >= 0; }

    /// Opens the file for appending (creating it), emptied first with `truncate`. Throws.
    void open(bool truncate);
    /// Appends `bytes`, all of them. Throws (the file then holds part of them at most).
    void append(std::string_view bytes);
    /// fsync and close; throws when either fails. No-op when not open.
    void sync_and_close();
    /// Closes without checking (after a failure, or when the file was replaced by a rename).
    void close_quietly() noexcept;
    /// The whole file ("" when it does not exist). Throws when it cannot be read.
    [[nodiscard]] std::string read_all() const;

private:
    [[noreturn]] void fail(const char* what, int err) const;
    std::string path_;
    int fd_ = -1;
    std::uint64_t device_ = 0, inode_ = 0;
};

}  // namespace ignite_csv
