#pragma once
// SIGINT / SIGTERM during a run: the first one asks the run to stop cleanly after the
// current iteration (loggers flushed, one line, exit 128 + signal); a second one stops the
// process at once with the signal's default action, after deleting the temporary of a
// checkpoint being written (io::discard_temporary_in_progress).

namespace ignite::host {

class StopSignals {
public:
    /// Installs the handlers (for the object's lifetime; the previous ones come back on
    /// destruction). One instance at a time.
    StopSignals();
    ~StopSignals();
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    /// The first stop signal received (SIGINT or SIGTERM), 0 while none has come. Cheap
    /// enough to ask every iteration (one relaxed atomic load).
    [[nodiscard]] static int received() noexcept;
    /// "SIGINT" / "SIGTERM".
    [[nodiscard]] static const char* name(int signal) noexcept;
};

}  // namespace ignite::host
