#include "result_file.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace ignite::host {

ResultFile::ResultFile(std::filesystem::path path, bool append) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC) | O_CLOEXEC, 0644);
    if (fd_ < 0) fail("cannot be created", errno);
    struct stat st {};
    if (::fstat(fd_, &st) != 0) {
        const int error = errno;
        ::close(std::exchange(fd_, -1));
        fail("cannot be inspected", error);
    }
    device_ = st.st_dev;
    inode_ = st.st_ino;
    // What the file held before this process (a resumed run's earlier lines) is never cut:
    // a failed write truncates back to here at most.
    written_ = append ? static_cast<std::uint64_t>(st.st_size) : 0;
}

ResultFile::~ResultFile() {
    if (fd_ >= 0) ::close(fd_);
}

void ResultFile::append_line(std::string_view line) {
    pending_.append(line);
    pending_ += '\n';
}

void ResultFile::flush() {
    if (fd_ < 0) throw ResultWriteError(fmt::format("result file '{}' is already closed", path_.string()));
    std::size_t done = 0;
    while (done < pending_.size()) {
        const ssize_t n = ::write(fd_, pending_.data() + done, pending_.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int error = n < 0 ? errno : ENOSPC;
            // A partly written line would be invalid JSON: cut the file back to its last
            // complete line, never before what it held when opened (best effort; the error
            // is reported either way).
            if (done > 0 && ::ftruncate(fd_, static_cast<off_t>(written_)) == 0) {
                ::lseek(fd_, static_cast<off_t>(written_), SEEK_SET);
            }
            fail("could not be written", error);
        }
        done += static_cast<std::size_t>(n);
    }
    written_ += pending_.size();
    pending_.clear();
    // Lines written into a file that no longer has a name are lost when it is closed.
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) {
        fail("vanished during the run (its folder was removed or renamed); the lines written since are lost", errno);
    }
    if (static_cast<std::uint64_t>(st.st_dev) != device_ || static_cast<std::uint64_t>(st.st_ino) != inode_) {
        fail("was replaced by another file during the run; the lines written since are lost", 0);
    }
}

void ResultFile::close() {
    if (fd_ < 0) return;
    flush();
    // fsync: a write error of the page cache surfaces here, not after exit 0. Devices
    // and pipes (EINVAL/EROFS) have nothing to sync.
    if (::fsync(fd_) != 0 && errno != EINVAL && errno != EROFS) fail("could not be written to disk", errno);
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0 && errno != EINTR) fail("could not be closed", errno);
}

void ResultFile::fail(const char* what, int error) const {
    throw ResultWriteError(error != 0
                               ? fmt::format("result file '{}' {} ({})", path_.string(), what, std::strerror(error))
                               : fmt::format("result file '{}' {}", path_.string(), what));
}

}  // namespace ignite::host
