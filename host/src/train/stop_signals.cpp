#include "stop_signals.hpp"

#include <ignite/core/durable_file.hpp>

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstring>

namespace ignite::host {
namespace {

std::atomic<int> g_received{0};
static_assert(std::atomic<int>::is_always_lock_free, "read and written from a signal handler");
struct sigaction g_previous_int {
}, g_previous_term{};

void on_stop_signal(int signal) {
    int expected = 0;
    if (!g_received.compare_exchange_strong(expected, signal, std::memory_order_relaxed)) {
        // The second one: the user means it. Default action, now, but first the checkpoint
        // temporary being written, if any, goes: nothing half-written is left behind.
        io::discard_temporary_in_progress();
        std::signal(signal, SIG_DFL);
        std::raise(signal);
        return;
    }
    // write(2) is async-signal-safe; stdio is not.
    const char* msg =
        signal == SIGINT
            ? "\nignite-host: SIGINT: stopping after the current iteration (Ctrl-C again stops at once)\n"
            : "\nignite-host: SIGTERM: stopping after the current iteration (a second signal stops at once)\n";
    [[maybe_unused]] const auto n = ::write(STDERR_FILENO, msg, std::strlen(msg));
}

}  // namespace

StopSignals::StopSignals() {
    g_received.store(0, std::memory_order_relaxed);
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, &g_previous_int);
    sigaction(SIGTERM, &action, &g_previous_term);
}

StopSignals::~StopSignals() {
    sigaction(SIGINT, &g_previous_int, nullptr);
    sigaction(SIGTERM, &g_previous_term, nullptr);
}

int StopSignals::received() noexcept { return g_received.load(std::memory_order_relaxed); }

const char* StopSignals::name(int signal) noexcept {
    return signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "a signal";
}

}  // namespace ignite::host
