#pragma once
// One events file being written: the I/O shell around the encoder (no policy here).
//
// Decision record:
//  - Records go into a user-space buffer and reach the file with write() calls that each
//    carry whole records, so a crash (or a kill) leaves at most one cut record at the tail,
//    which TensorBoard's loader waits on and our reader skips; never a CRC-bad record in the
//    middle that would hide the rest of the file.
//  - flush() when the caller says (epoch ends, completion, exceptions, checkpoint saves) and
//    flush_if_due() at most every flush_secs otherwise: the Python writers keep up to 120 s.
//    No thread: the check is one steady_clock read at the trainer's iteration ends.
//  - sync() (fsync) only after a checkpoint save and at close: the events up to a
//    checkpoint outlive a power loss as the checkpoint does.
//  - Every write is checked; a failure throws std::runtime_error naming the file, and the
//    plugin lets it fail the run (a logger that silently stops logging is worse).
#include "tfevents_encoder.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace ignite::tfevents {

class EventFile {
public:
    /// Creates `dir` if needed and a new file events.out.tfevents.<10-digit time>.<host>.<pid>.<n>
    /// in it (the name torch.utils.tensorboard gives), whose name sorts after every events
    /// file already there (the time field is raised past theirs when needed), so TensorBoard
    /// reads a resumed run's file after the earlier ones. Writes the version record.
    EventFile(const std::filesystem::path& dir, double flush_secs);
    ~EventFile();
    EventFile(const EventFile&) = delete;
    EventFile& operator=(const EventFile&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    Encoder& encoder() { return encoder_; }
    /// Buffers one record holding `event` (an Encoder result).
    void append(std::string_view event);
    /// Writes the buffered records (whole) to the file.
    void flush();
    /// flush() when records wait and flush_secs passed since the last flush.
    void flush_if_due() {
        if (!buffer_.empty() && std::chrono::steady_clock::now() >= due_) flush();
    }
    /// flush() and fsync.
    void sync();
    /// sync() and close, checked. The destructor writes what is left and closes, unchecked.
    void close();

    /// Seconds since the epoch, as TensorBoard's wall_time (microsecond resolution).
    static double now();

private:
    [[noreturn]] void fail(const char* what, int err) const;
    std::filesystem::path path_;
    int fd_ = -1;
    std::string buffer_;
    Encoder encoder_;
    std::chrono::steady_clock::duration period_;
    std::chrono::steady_clock::time_point due_;
};

/// Moves the events files directly in `dir` into the new folder `dir/<into>` (made only when
/// there is one); returns how many. TensorBoard shows a subfolder as a run of its own, so a
/// fresh run written over an earlier one (--overwrite) is not mixed with it, and nothing is
/// deleted. Throws std::runtime_error naming the file that could not be moved.
std::size_t move_event_files(const std::filesystem::path& dir, const std::string& into);

}  // namespace ignite::tfevents
