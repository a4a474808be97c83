// Durable replacement of a file: temporary in the same folder, fsync, rename, fsync(folder).
#include "ignite/core/durable_file.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <system_error>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ignite::io {

namespace {

constexpr std::string_view kTempMarker = ".ignite-tmp-";

// Closes the descriptor and, unless released, removes the temporary: every early exit
// (exception) leaves no temporary behind.
class Temporary {
public:
    Temporary(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
    Temporary(const Temporary&) = delete;
    Temporary& operator=(const Temporary&) = delete;
    ~Temporary() {
        close();
        if (!released_) ::unlink(path_.c_str());
    }
    [[nodiscard]] int fd() const noexcept { return fd_; }
    /// close(2) reports deferred write errors (NFS), so its result counts.
    int close() noexcept {
        if (fd_ < 0) return 0;
        const int rc = ::close(fd_);
        fd_ = -1;
        return rc;
    }
    void release() noexcept { released_ = true; }

private:
    std::filesystem::path path_;
    int fd_;
    bool released_ = false;
};

// The temporary being written, for discard_temporary_in_progress, which a signal handler
// calls: it may take no lock and allocate nothing, hence a fixed buffer guarded by one
// lock-free state.
//   kFree --writer--> kSetting --writer--> kRegistered --writer--> kFree
//   any state --handler--> kClaimed, for good (the process is ending)
// Why this shape:
// - The writer touches the buffer only in kSetting, which it alone can enter, and the
//   handler reads it only after taking it from kRegistered: a handler never reads a
//   half-copied path, and a writer never overwrites the path (for its next write) while a
//   handler on another thread unlinks it.
// - The path is registered before open(2), so the file never exists unknown to a handler
//   that interrupts the writer itself (the usual case: the signal lands on the writing
//   thread). A handler on another thread may claim between the registration and open(2),
//   unlinking a file not yet created, so the writer looks again after open(2).
// - It is unregistered only after rename(2), so no instant is left where a complete
//   temporary exists unregistered; the names are never reused, so unlinking a name already
//   renamed away does nothing. The writer looks once more just before rename(2): once a
//   handler has claimed, the save is abandoned (the target keeps its earlier bytes), never
//   half done.
enum TempState : int { kFree, kSetting, kRegistered, kClaimed };
std::atomic<int> g_temp_state{kFree};
static_assert(std::atomic<int>::is_always_lock_free, "changed from a signal handler");
char g_temp_path[PATH_MAX];

// One write's registration (see above); checks throw once a handler has claimed.
class InProgress {
public:
    InProgress(const std::filesystem::path& temp_path, const std::filesystem::path& target) : target_(target) {
        const std::string& path = temp_path.native();
        int expected = kFree;
        // Too long, or another thread's write registered: this one goes uncovered.
        if (path.size() >= sizeof g_temp_path || !g_temp_state.compare_exchange_strong(expected, kSetting)) {
            check();
            return;
        }
        std::memcpy(g_temp_path, path.c_str(), path.size() + 1);
        expected = kSetting;
        if (!g_temp_state.compare_exchange_strong(expected, kRegistered)) check();  // claimed meanwhile: throws
        registered_ = true;
    }
    InProgress(const InProgress&) = delete;
    InProgress& operator=(const InProgress&) = delete;
    ~InProgress() { done(); }
    void check() const {
        if (g_temp_state.load() == kClaimed)
            throw WriteError(target_.string(), "abandoned: the process is being stopped", EINTR);
    }
    void done() noexcept {
        int expected = kRegistered;
        if (registered_) g_temp_state.compare_exchange_strong(expected, kFree);
        registered_ = false;
    }

private:
    const std::filesystem::path& target_;
    bool registered_ = false;
};

std::string temporary_name(const std::string& target_name) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return fmt::format(".{}{}{}-{:016x}", target_name, kTempMarker, ::getpid(), rng());
}

[[noreturn]] void fail(const std::filesystem::path& target, std::string_view step, int err) {
    throw WriteError(target.string(), fmt::format("{} failed: {}", step, std::strerror(err)), err);
}

void write_all(int fd, std::span<const char> bytes, const std::filesystem::path& target) {
    const char* p = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail(target, "writing the temporary file", errno);
        }
        if (n == 0) fail(target, "writing the temporary file", EIO);  // no progress and no reason
        // A short write is retried: the next write(2) reports the reason (EFBIG, ENOSPC).
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

void fsync_dir(const std::filesystem::path& dir, const std::filesystem::path& target) {
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) fail(target, "opening the folder to fsync it", errno);
    const int rc = ::fsync(dfd);
    const int err = errno;
    ::close(dfd);
    // Some file systems cannot fsync a folder (EINVAL); the rename is as durable as they allow.
    if (rc != 0 && err != EINVAL)
        fail(target, "fsync of the folder after the rename (the new file is in place, but may not survive a crash)",
             err);
}

}  // namespace

WriteError::WriteError(std::string path, std::string reason, int error_number)
    : RuntimeError(fmt::format("cannot write '{}': {}", path, reason)),
      path_(std::move(path)),
      reason_(std::move(reason)),
      errno_(error_number) {}

void write_file_durably(const std::filesystem::path& target, std::span<const char> bytes) {
    const std::string name = target.filename().string();
    if (name.empty() || name == "." || name == "..") {
        throw WriteError(target.string(), "the path names no file", EINVAL);
    }
    const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : ".";
    const std::filesystem::path temp_path = dir / temporary_name(name);
    // Before `temp`, so that on an exception the temporary is unlinked before it is unregistered.
    InProgress in_progress(temp_path, target);
    const int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) fail(target, "creating a temporary file in its folder", errno);
    Temporary temp(temp_path, fd);
    in_progress.check();
    write_all(temp.fd(), bytes, target);
    if (::fsync(temp.fd()) != 0) fail(target, "fsync of the temporary file", errno);
    if (temp.close() != 0) fail(target, "closing the temporary file", errno);
    in_progress.check();
    if (::rename(temp_path.c_str(), target.c_str()) != 0) fail(target, "renaming the temporary file", errno);
    temp.release();
    in_progress.done();
    fsync_dir(dir, target);
}

namespace {

// The writer's process id when `filename` is one of our temporaries
// (".NAME.ignite-tmp-PID-HEX16": the leading dot, the marker, digits, '-', 16 hex digits).
std::optional<long> temporary_pid(std::string_view filename) {
    if (filename.size() < 2 || filename.front() != '.') return std::nullopt;
    const auto marker = filename.rfind(kTempMarker);
    if (marker == std::string_view::npos || marker < 2) return std::nullopt;
    const std::string_view tail = filename.substr(marker + kTempMarker.size());
    const auto dash = tail.find('-');
    if (dash == 0 || dash == std::string_view::npos || dash > 10) return std::nullopt;
    long pid = 0;
    for (const char c : tail.substr(0, dash)) {
        if (c < '0' || c > '9') return std::nullopt;
        pid = pid * 10 + (c - '0');
    }
    const std::string_view hex = tail.substr(dash + 1);
    if (hex.size() != 16) return std::nullopt;
    for (const char c : hex) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
    }
    return pid;
}

// A process with this id runs on this machine (so its temporary may still be written).
bool process_alive(long pid) {
    if (pid <= 0 || pid > std::numeric_limits<pid_t>::max()) return false;
    return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

}  // namespace

void discard_temporary_in_progress() noexcept {
    if (g_temp_state.exchange(kClaimed) == kRegistered) ::unlink(g_temp_path);
}

bool is_temporary_name(std::string_view filename) { return temporary_pid(filename).has_value(); }

bool is_temporary_name_for(std::string_view filename, std::string_view target_name) {
    if (!is_temporary_name(filename)) return false;
    const auto marker = filename.rfind(kTempMarker);
    return filename.substr(1, marker - 1) == target_name;
}

std::vector<std::filesystem::path> remove_stray_temporaries(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> removed;
    std::error_code ec;
    std::filesystem::directory_iterator it(dir, ec);
    if (ec) throw WriteError(dir.string(), fmt::format("listing the folder failed: {}", ec.message()), ec.value());
    for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
        if (ec) break;
        const auto& path = it->path();
        const auto pid = temporary_pid(path.filename().string());
        if (!pid || process_alive(*pid)) continue;
        if (!it->is_regular_file(ec) || ec) continue;
        if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
            fail(path, "removing a stray temporary file", errno);
        }
        removed.push_back(path);
    }
    if (ec) throw WriteError(dir.string(), fmt::format("listing the folder failed: {}", ec.message()), ec.value());
    return removed;
}

}  // namespace ignite::io
