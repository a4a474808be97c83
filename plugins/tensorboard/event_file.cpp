#include "event_file.hpp"

#include "tfevents_record.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace ignite::tfevents {
namespace {

// torch's _global_uid: files made by one process get distinct names.
std::atomic<int> g_counter{0};

// Whole buffer larger than this is written at once (histograms of large models).
constexpr std::size_t kMaxBuffered = std::size_t{1} << 20;

std::string host_name() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0 || !buf[0]) return "localhost";
    return buf;
}

// The 10-digit time field of an events file name; -1 when it has none.
long long time_field(const std::string& name) {
    const std::string prefix = "events.out.tfevents.";
    if (name.compare(0, prefix.size(), prefix) != 0) return -1;
    long long t = 0;
    std::size_t i = prefix.size(), digits = 0;
    for (; i < name.size() && name[i] >= '0' && name[i] <= '9'; ++i, ++digits) t = t * 10 + (name[i] - '0');
    return digits ? t : -1;
}

}  // namespace

double EventFile::now() {
    using namespace std::chrono;
    return static_cast<double>(duration_cast<microseconds>(system_clock::now().time_since_epoch()).count()) / 1e6;
}

EventFile::EventFile(const std::filesystem::path& dir, double flush_secs)
    : period_(
          std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(flush_secs))) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        throw std::runtime_error("tensorboard: cannot create the log folder '" + dir.string() + "' (" + ec.message() +
                                 ")");
    }
    long long t = static_cast<long long>(now());
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const long long other = time_field(it->path().filename().string());
        if (other >= t) t = other + 1;
    }
    char name[64];
    std::snprintf(name, sizeof name, "events.out.tfevents.%010lld.", t);
    path_ = dir / (name + host_name() + "." + std::to_string(::getpid()) + "." + std::to_string(g_counter++));
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) fail("create", errno);
    append(encoder_.version(now()));
    flush();  // as TensorBoard's writer: the version record is on disk at once
}

// Unchecked, last-chance: what close() or a flush did not write yet (a run that failed
// elsewhere); an error here could not fail the run any more.
EventFile::~EventFile() {
    if (fd_ < 0) return;
    for (std::size_t done = 0; done < buffer_.size();) {
        const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    ::close(fd_);
}

void EventFile::fail(const char* what, int err) const {
    throw std::runtime_error(std::string("tensorboard: cannot ") + what + " '" + path_.string() +
                             "': " + std::strerror(err));
}

void EventFile::append(std::string_view event) {
    append_record(buffer_, event);
    if (buffer_.size() >= kMaxBuffered) flush();
}

void EventFile::flush() {
    due_ = std::chrono::steady_clock::now() + period_;
    if (buffer_.empty()) return;
    if (fd_ < 0) fail("write (closed)", EBADF);
    // One write() per call holds whole records; a short write continues with the rest.
    std::size_t done = 0;
    while (done < buffer_.size()) {
        const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int err = errno;
            buffer_.clear();
            fail("write", err);
        }
        done += static_cast<std::size_t>(n);
    }
    buffer_.clear();
}

void EventFile::sync() {
    flush();
    if (fd_ >= 0 && ::fsync(fd_) != 0) fail("fsync", errno);
}

std::size_t move_event_files(const std::filesystem::path& dir, const std::string& into) {
    namespace fs = std::filesystem;
    std::vector<fs::path> files;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().filename().string().find("tfevents") != std::string::npos && it->is_regular_file(ec))
            files.push_back(it->path());
    }
    if (files.empty()) return 0;
    fs::create_directories(dir / into, ec);
    if (ec) throw std::runtime_error("tensorboard: cannot create '" + (dir / into).string() + "': " + ec.message());
    for (const auto& f : files) {
        fs::rename(f, dir / into / f.filename(), ec);
        if (ec) {
            throw std::runtime_error("tensorboard: cannot move the earlier run's '" + f.string() +
                                     "' aside: " + ec.message());
        }
    }
    return files.size();
}

void EventFile::close() {
    if (fd_ < 0) return;
    sync();
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail("close", errno);
}

}  // namespace ignite::tfevents
