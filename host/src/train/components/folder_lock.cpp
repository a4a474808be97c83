#include "folder_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace ignite::host {

FolderLock::FolderLock(const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
        throw std::invalid_argument("checkpoint.dirname '" + dir.string() + "' cannot be created (" + ec.message() +
                                    "); choose a folder you can write to");
    }
    fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0) {
        throw std::invalid_argument("checkpoint.dirname '" + dir.string() + "' cannot be opened (" +
                                    std::strerror(errno) + "); choose a folder you can write to");
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd_);
        fd_ = -1;
        throw std::invalid_argument("checkpoint.dirname '" + dir.string() +
                                    "' is in use by another ignite-host run (it holds the folder's lock); wait for "
                                    "that run to end or choose another checkpoint.dirname");
    }
}

FolderLock::~FolderLock() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace ignite::host
