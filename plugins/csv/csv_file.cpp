#include "csv_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace ignite_csv {

CsvFile::~CsvFile() { close_quietly(); }

void CsvFile::fail(const char* what, int err) const {
    throw std::runtime_error("'" + path_ + "': " + what + " (" + std::strerror(err ? err : EIO) +
                             "); free space or fix the folder, then resume the run");
}

void CsvFile::open(bool truncate) {
    close_quietly();
    const int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0);
    fd_ = ::open(path_.c_str(), flags, 0644);
    if (fd_ < 0) fail("cannot open for writing", errno);
    struct stat st {};
    if (::fstat(fd_, &st) != 0) {
        const int err = errno;
        close_quietly();
        fail("cannot open for writing", err);
    }
    device_ = st.st_dev;
    inode_ = st.st_ino;
}

void CsvFile::append(std::string_view bytes) {
    if (fd_ < 0) fail("write failed", EBADF);
    struct stat st {};
    const int gone = ::stat(path_.c_str(), &st) != 0 ? errno : 0;
    if (gone || st.st_dev != device_ || st.st_ino != inode_)
        fail("the file was removed or replaced while the run wrote it", gone ? gone : ESTALE);
    while (!bytes.empty()) {
        const auto n = ::write(fd_, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("write failed", errno);
        }
        if (n == 0) fail("write failed", EIO);
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

void CsvFile::sync_and_close() {
    if (fd_ < 0) return;
    const int fd = fd_;
    fd_ = -1;
    if (::fsync(fd) != 0) {
        const int err = errno;
        ::close(fd);
        fail("fsync failed", err);
    }
    if (::close(fd) != 0) fail("close failed", errno);
}

void CsvFile::close_quietly() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

std::string CsvFile::read_all() const {
    const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return {};
        fail("cannot be read", errno);
    }
    std::string out;
    char buf[1 << 16];
    for (;;) {
        const auto n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int err = errno;
            ::close(fd);
            fail("cannot be read", err);
        }
        if (n == 0) break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
}

}  // namespace ignite_csv
