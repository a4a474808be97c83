#pragma once
/// @file durable_file.hpp
/// Crash-safe replacement of a file: after write_file_durably returns, `target` holds the
/// new bytes even if the machine loses power; if it throws (or the process is killed),
/// `target` still holds exactly what it held before (one exception to that: the final fsync
/// of the folder failing after the rename, which the message says). Used for checkpoints.
///
/// How: the bytes go to a temporary file in the target's folder (same file system, so the
/// rename is atomic), which is fsync'd, renamed over the target, and then the folder is
/// fsync'd so the rename itself is on disk. Temporary names follow one pattern
/// (".NAME.ignite-tmp-PID-RANDOM") so that a later run can recognise and delete the strays a
/// killed process leaves, without touching anyone else's files.

#include "ignite/core/errors.hpp"

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ignite::io {

/// A durable write failed. what() is one line naming the target file, the step that failed
/// and the system's reason (e.g. "File too large", "No space left on device").
class WriteError : public RuntimeError {
public:
    WriteError(std::string path, std::string reason, int error_number);
    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    /// The failing step and the system's reason, without the file name.
    [[nodiscard]] const std::string& reason() const noexcept { return reason_; }
    /// errno of the failing call (0 when none applies).
    [[nodiscard]] int error_number() const noexcept { return errno_; }

private:
    std::string path_;
    std::string reason_;
    int errno_;
};

/// Replaces (or creates) `target` with `bytes` durably, as described above. The target's
/// folder must exist. Permissions of a new file are 0644 less the umask. Throws WriteError;
/// the temporary is then removed and `target` is untouched.
void write_file_durably(const std::filesystem::path& target, std::span<const char> bytes);

/// For a handler of a fatal signal (one that ends the process right after, e.g. by
/// restoring SIG_DFL and raising): deletes the temporary that write_file_durably is writing
/// at that moment, if any, so that a process stopped mid-write leaves nothing half-written.
/// Async-signal-safe (lock-free atomics and unlink(2) only); never throws.
///
/// Call it only when the process is about to end: it is one-way. A write_file_durably in
/// progress on another thread then fails (WriteError, EINTR) instead of renaming, leaving the
/// target as it was, and every later call fails the same way.
///
/// Limits (a stray left then is deleted by the next remove_stray_temporaries, as for a
/// SIGKILL): one temporary is known at a time, so of writes running concurrently on several
/// threads only the first is covered; a temporary whose path is longer than PATH_MAX bytes is
/// not covered; and a writer on another thread that the process's end catches between its
/// open(2) and its next check can still leave its temporary.
void discard_temporary_in_progress() noexcept;

/// True when `filename` (a name, not a path) is one of our temporaries, for any target.
[[nodiscard]] bool is_temporary_name(std::string_view filename);

/// True when `filename` is one of our temporaries for the target named `target_name`.
[[nodiscard]] bool is_temporary_name_for(std::string_view filename, std::string_view target_name);

/// Deletes our stray temporaries in `dir` (not recursive), and returns the paths deleted.
/// A temporary whose writer (the PID in its name) still runs on this machine is left alone;
/// on a folder shared between machines, call it only where no other machine writes (another
/// machine's write in progress would then fail cleanly at rename, its target untouched).
/// Other files are never touched.
/// Throws WriteError when `dir` cannot be listed or a stray cannot be deleted.
std::vector<std::filesystem::path> remove_stray_temporaries(const std::filesystem::path& dir);

}  // namespace ignite::io
