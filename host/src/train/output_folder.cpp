#include "output_folder.hpp"

#include "cli_common.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace ignite::host {
namespace fs = std::filesystem;

namespace {

[[noreturn]] void refuse_in_use(const fs::path& dir) {
    throw UsageError(
        fmt::format("--output-dir '{}' is in use by another ignite-host run (it holds {}); wait for it "
                    "to finish or choose another --output-dir",
                    dir.string(), (dir / kOutputLockName).string()));
}

[[noreturn]] void refuse_not_empty(const fs::path& dir, const fs::path& entry) {
    throw UsageError(
        fmt::format("--output-dir '{}' is not empty (it holds '{}', e.g. an earlier run's results); "
                    "choose a new --output-dir, or pass --overwrite to write over it",
                    dir.string(), entry.filename().string()));
}

// Another process holds the folder's lock: tries it with a short-lived descriptor.
bool locked_by_another_run(const fs::path& dir) {
    const int fd = ::open((dir / kOutputLockName).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool locked = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd);
    return locked;
}

// The first entry of `dir` that is not the lock file, or an empty path.
fs::path first_entry(const fs::path& dir) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (entry.path().filename() != kOutputLockName) return entry.path();
    }
    if (ec) {
        throw UsageError(fmt::format("--output-dir '{}' cannot be read ({}); give a folder you can write to",
                                     dir.string(), ec.message()));
    }
    return {};
}

void check_existing(const fs::path& dir, bool overwrite) {
    if (locked_by_another_run(dir)) {
        refuse_in_use(dir);
    }
    if (overwrite) return;
    const auto entry = first_entry(dir);
    if (!entry.empty()) {
        refuse_not_empty(dir, entry);
    }
}

}  // namespace

void OutputFolder::check(const fs::path& dir, bool overwrite) {
    if (dir.empty()) throw UsageError("--output-dir is empty; give the folder results go to (e.g. --output-dir run1)");
    std::error_code ec;
    const auto status = fs::status(dir, ec);
    if (status.type() == fs::file_type::not_found) return;
    if (ec) {
        throw UsageError(fmt::format("--output-dir '{}' cannot be inspected ({}); give a folder you can write to",
                                     dir.string(), ec.message()));
    }
    if (status.type() != fs::file_type::directory) {
        throw UsageError(fmt::format("--output-dir '{}' exists and is not a folder; give a folder path", dir.string()));
    }
    check_existing(dir, overwrite);
}

OutputFolder::OutputFolder(fs::path dir, bool overwrite) : dir_(std::move(dir)) {
    check(dir_, overwrite);
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec) {
        throw UsageError(fmt::format("--output-dir '{}' cannot be created ({}); give a folder you can write to",
                                     dir_.string(), ec.message()));
    }
    const auto lock_path = dir_ / kOutputLockName;
    lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd_ < 0) {
        throw UsageError(fmt::format("--output-dir '{}' is not writable ({}); give a folder you can write to",
                                     dir_.string(), std::strerror(errno)));
    }
    if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
        ::close(lock_fd_);
        lock_fd_ = -1;
        refuse_in_use(dir_);
    }
    // Another run may have filled the folder between check() and the lock.
    if (!overwrite) {
        const auto entry = first_entry(dir_);
        if (!entry.empty()) {
            ::close(lock_fd_);
            lock_fd_ = -1;
            refuse_not_empty(dir_, entry);
        }
    }
}

OutputFolder::~OutputFolder() {
    if (lock_fd_ >= 0) ::close(lock_fd_);
}

}  // namespace ignite::host
