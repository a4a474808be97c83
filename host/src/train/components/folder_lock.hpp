#pragma once
// One run at a time in a checkpoint folder outside --output-dir: an exclusive flock on the
// folder itself (a descriptor of the directory: no lock file joins the user's checkpoints),
// held while the plugin lives. The kernel drops it when the process ends, however it ends, so
// a killed run never leaves the folder locked.

#include <filesystem>

namespace ignite::host {

class FolderLock {
public:
    /// Creates `dir` (with parents) and takes its lock. Throws std::invalid_argument (one line
    /// naming the folder and the fix) when it cannot be created or another process holds it.
    explicit FolderLock(const std::filesystem::path& dir);
    ~FolderLock();
    FolderLock(const FolderLock&) = delete;
    FolderLock& operator=(const FolderLock&) = delete;

private:
    int fd_ = -1;
};

}  // namespace ignite::host
