// The progress bars in the host's status area (issue 19 §4, Ignite #708 and #3118), where two
// engines run at once: a program that embeds the plugin runtime runs its evaluator in the
// middle of the trainer's epoch (Ignite's evaluate-every-N-iterations), with drawing forced on
// (PluginHost::set_status_drawn) and stderr captured to a file. What the terminal would show is
// rebuilt from the bytes: each redraw erases the area ("\r", cursor up, "\x1b[J") and writes
// its lines, each ending in "\x1b[K"; a log line is written where the area was, the area
// after it.
#include "support/process.hpp"

#include <ignite/core/engine.hpp>
#include <ignite/runtime/bridge.hpp>
#include <ignite/runtime/console_log.hpp>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <regex>
#include <string>
#include <vector>

#ifndef IGNITE_PLUGIN_DIR
#error "IGNITE_PLUGIN_DIR must name the directory of the built plugins"
#endif

namespace fs = std::filesystem;
using ignite::host::PluginHost;

namespace {

// Runs `body` with stderr going to a file; returns what was written.
std::string capture_stderr(const std::function<void()>& body) {
    const auto path = ignite::test::scratch_dir("ignite_progress_status") / "stderr.txt";
    std::fflush(stderr);
    const int saved = ::dup(STDERR_FILENO);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    REQUIRE(saved >= 0);
    REQUIRE(fd >= 0);
    ::dup2(fd, STDERR_FILENO);
    ::close(fd);
    try {
        body();
    } catch (...) {
        std::fflush(stderr);
        ::dup2(saved, STDERR_FILENO);
        ::close(saved);
        throw;
    }
    std::fflush(stderr);
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
    return ignite::test::read_file(path);
}

// One screen state: the status area's lines after a redraw, and the log lines written since
// the previous one.
struct Frame {
    std::vector<std::string> logged;  // lines written above the area
    std::vector<std::string> area;    // the area's lines, top first
};

// Splits the bytes into frames at each erase of the area ("\r", optional "\x1b[nA", "\x1b[J").
std::vector<Frame> frames_of(const std::string& out) {
    static const std::regex erase("\r(\x1b\\[[0-9]+A)?\x1b\\[J");
    std::vector<Frame> frames;
    std::sregex_token_iterator it(out.begin(), out.end(), erase, -1), end;
    for (; it != end; ++it) {
        Frame f;
        const std::string chunk = *it;
        std::size_t start = 0;
        while (start < chunk.size()) {
            auto nl = chunk.find('\n', start);
            const std::string piece = chunk.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
            const std::string clear = "\x1b[K";
            if (piece.size() >= clear.size() && piece.compare(piece.size() - clear.size(), clear.size(), clear) == 0)
                f.area.push_back(piece.substr(0, piece.size() - clear.size()));
            else if (!piece.empty())
                f.logged.push_back(piece);
            if (nl == std::string::npos) break;
            start = nl + 1;
        }
        frames.push_back(std::move(f));
    }
    return frames;
}

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

// A trainer of 2 epochs x 4 iterations whose output is 1/iteration, and an evaluator of 2
// iterations run after the trainer's iteration 2 of every epoch, with the progress plugin
// showing both; returns stderr.
std::string run_two_engines(const std::string& leave_evaluator, const std::function<void(PluginHost&)>& mid = {}) {
    ignite::Engine trainer(
        [](ignite::Engine& e, const c10::IValue&) { return 1.0 / static_cast<double>(e.state.iteration); });
    ignite::Engine evaluator([](ignite::Engine&, const c10::IValue& batch) { return batch; });
    return capture_stderr([&] {
        PluginHost::set_status_drawn(true);
        {
            PluginHost host;
            host.add_engine("trainer", trainer);
            host.add_engine("evaluator", evaluator);
            host.load(
                {(fs::path(IGNITE_PLUGIN_DIR) / "ignite-plugin-progress.so").string()},
                {{"progress", {{"evaluator", "true"}, {"min_interval", "0"}, {"leave_evaluator", leave_evaluator}}}});
            // In the host's band, after the loggers' (the bar has counted the iteration).
            trainer.add_event_handler(ignite::Events::ITERATION_COMPLETED.every(2), ignite::Priority::host,
                                      [&](ignite::Engine& t) {
                                          if (t.state.iteration % 4 != 2) return;
                                          if (mid) mid(host);
                                          evaluator.run(ignite::data::range(2), 1);
                                      });
            trainer.run(ignite::data::range(4), 2);
            host.shutdown();
        }
        PluginHost::set_status_drawn(false);
    });
}

}  // namespace

TEST_CASE("progress on a terminal: the evaluator's bar is a second status line under the trainer's, then cleared",
          "[plugins][progress]") {
    const auto out = run_two_engines("false");
    INFO(out);
    const auto frames = frames_of(out);
    std::size_t two_lines = 0;
    bool evaluator_seen = false, trainer_after_evaluator = false;
    for (const auto& f : frames) {
        REQUIRE(f.area.size() <= 2);
        if (f.area.size() == 2) {
            ++two_lines;
            CHECK(starts_with(f.area[0], "[trainer] Epoch "));
            // The trainer waits at 2/4 while the evaluator runs.
            CHECK((starts_with(f.area[0], "[trainer] Epoch 1/2  50%") ||
                   starts_with(f.area[0], "[trainer] Epoch 2/2  50%")));
            CHECK(starts_with(f.area[1], "[evaluator] Epoch 1/1 "));
            evaluator_seen = true;
        } else if (f.area.size() == 1) {
            CHECK(starts_with(f.area[0], "[trainer] Epoch "));  // the evaluator's line never stands alone
            if (evaluator_seen) trainer_after_evaluator = true;
        }
        // Cleared, not kept: no evaluator line ever reaches the scrollback.
        for (const auto& l : f.logged) CHECK_FALSE(l.find("[evaluator]") != std::string::npos);
    }
    // Per evaluation: 0/2, 1/2 drawn under the trainer's line (the final 2/2 is not redrawn).
    CHECK(two_lines == 4);
    CHECK(trainer_after_evaluator);  // the trainer's bar goes on, alone, after each evaluation
    // The two-line area is erased by going up one line first.
    CHECK(out.find("\r\x1b[1A\x1b[J") != std::string::npos);
    // The trainer's final line of each epoch is kept.
    std::vector<std::string> kept;
    for (const auto& f : frames)
        for (const auto& l : f.logged) kept.push_back(l);
    REQUIRE(kept.size() == 2);
    CHECK(starts_with(kept[0], "[progress] [trainer] Epoch 1/2 100%"));
    CHECK(starts_with(kept[1], "[progress] [trainer] Epoch 2/2 100%"));
}

TEST_CASE("progress on a terminal: leave_evaluator=true keeps the evaluator's final line above the bars",
          "[plugins][progress]") {
    const auto out = run_two_engines("true");
    INFO(out);
    std::vector<std::string> kept;
    for (const auto& f : frames_of(out))
        for (const auto& l : f.logged) kept.push_back(l);
    REQUIRE(kept.size() == 4);
    CHECK(starts_with(kept[0], "[progress] [evaluator] Epoch 1/1 100%|"));
    CHECK(kept[0].find("| 2/2 [") != std::string::npos);
    CHECK(starts_with(kept[1], "[progress] [trainer] Epoch 1/2 100%"));
    CHECK(starts_with(kept[2], "[progress] [evaluator] Epoch 1/1 100%|"));
    CHECK(starts_with(kept[3], "[progress] [trainer] Epoch 2/2 100%"));
}

TEST_CASE("progress on a terminal: a log line lands above both bars and they are drawn again under it",
          "[plugins][progress]") {
    const auto out = run_two_engines(
        "false", [](PluginHost&) { ignite::host::log_line("ignite-host: evaluating in the middle of the epoch"); });
    INFO(out);
    const auto frames = frames_of(out);
    std::size_t found = 0;
    for (std::size_t i = 0; i < frames.size(); ++i) {
        const auto& f = frames[i];
        for (const auto& l : f.logged) {
            if (l != "ignite-host: evaluating in the middle of the epoch") continue;
            ++found;
            // Written where the area was (the frame starts with it), the trainer's bar under it.
            REQUIRE(!f.area.empty());
            CHECK(starts_with(f.area[0], "[trainer] Epoch "));
        }
    }
    CHECK(found == 2);
    // No bar text is ever on the same line as the log line.
    CHECK(out.find("epoch[trainer]") == std::string::npos);
    CHECK(out.find("\x1b[Kignite-host:") == std::string::npos);
}
