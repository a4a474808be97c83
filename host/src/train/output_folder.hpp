#pragma once
// The run's output folder: never silently reused, never shared by two runs at once.
//
// Policy (Ignite's DiskSaver(require_empty=True)): a run writes into a folder that does
// not exist yet or is empty; a folder holding anything else (an earlier run's results) is
// refused unless --overwrite is given. While a run writes, it holds an exclusive lock
// (flock on DIR/.lock), so a second run into the same folder is refused even with
// --overwrite instead of interleaving its lines with the first one's.

#include <filesystem>

namespace ignite::host {

/// The lock file's name inside the output folder (ignored when deciding "empty").
inline constexpr const char* kOutputLockName = ".lock";

class OutputFolder {
public:
    /// Checks, without creating or changing anything, that a run may write into `dir`.
    /// Throws UsageError (one line naming the folder and the fix) for an empty path, a
    /// path that is not a folder, a non-empty folder without `overwrite`, or a folder
    /// another run holds.
    static void check(const std::filesystem::path& dir, bool overwrite);

    /// Creates `dir` (with parents), takes its lock and checks again (another run may
    /// have started in between). Throws UsageError as check() does, or when the folder
    /// cannot be created. The lock is held until destruction.
    OutputFolder(std::filesystem::path dir, bool overwrite);
    ~OutputFolder();
    OutputFolder(const OutputFolder&) = delete;
    OutputFolder& operator=(const OutputFolder&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return dir_; }

private:
    std::filesystem::path dir_;
    int lock_fd_ = -1;
};

}  // namespace ignite::host
