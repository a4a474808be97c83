// The shipped plugins (console, trace, tbptt, metrics) as a user sees them: run
// `ignite-host dry-run` (or a small `train`) with them loaded and check what lands on
// stdout, stderr and in the trace file. Also the SDK's plugin_util helpers they share
// (OutputFile, json_number), directly.
//
// IGNITE_HOST_EXE: the ignite-host binary; IGNITE_PLUGIN_DIR: where the plugin modules are
// built. Plugins are loaded by NAME, the way users load them, with IGNITE_PLUGIN_PATH set
// to IGNITE_PLUGIN_DIR so the modules under test are the ones found.
#include "support/process.hpp"

// Header-only, standard library only (no plugin.h/DLPack): included by path because the
// test targets do not see the SDK's include directory.
#include "../sdk/include/ignite/plugin_util.hpp"
#include "../sdk/include/ignite/tensor_values.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#ifndef IGNITE_HOST_EXE
#error "IGNITE_HOST_EXE must name the ignite-host binary"
#endif
#ifndef IGNITE_PLUGIN_DIR
#error "IGNITE_PLUGIN_DIR must name the directory of the built plugins"
#endif

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

using ignite::test::lines_of;
using ignite::test::read_file;
using ignite::test::read_jsonl;
using ignite::test::shell_quote;

fs::path scratch_dir() {
    static const fs::path dir = ignite::test::scratch_dir("ignite_plugins_test");
    return dir;
}

struct Result {
    std::string cmd;  // the shell command, for failure messages
    int rc = -1;
    std::string out;      // stdout without the host's own dry-run summary line
    std::string summary;  // that line ("dry-run: 2 epochs x 3 iterations, ..."), if printed
    std::string err;
    std::vector<std::string> out_lines() const { return lines_of(out); }
    std::vector<std::string> err_lines() const { return lines_of(err); }
    /// The console plugin's text lines: through the host's log, on stderr, "[console] " dropped.
    std::vector<std::string> console_lines() const {
        std::vector<std::string> out;
        for (const auto& l : err_lines())
            if (l.rfind("[console] ", 0) == 0) out.push_back(l.substr(10));
        return out;
    }
};

// Runs `ignite-host ARGS` with stdout and stderr captured separately (files: no terminal).
Result host(const std::vector<std::string>& args) {
    const auto p = ignite::test::run_host(IGNITE_HOST_EXE, args, {.plugin_path = IGNITE_PLUGIN_DIR});
    Result r;
    r.cmd = p.cmd;
    r.rc = p.exited ? p.rc : -1;
    r.out = p.out;
    r.err = p.err;
    r.summary = ignite::test::take_dry_run_summary(r.out);
    return r;
}

std::vector<std::string> dry_run(std::int64_t epochs, std::int64_t epoch_length, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"dry-run", "--epochs", std::to_string(epochs), "--epoch-length",
                                  std::to_string(epoch_length)};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

// (engine, event, epoch, iteration) of one trace line.
using Ev = std::tuple<std::string, std::string, std::int64_t, std::int64_t>;

std::string show(const std::vector<Ev>& evs) {
    std::string s;
    for (const auto& [eng, ev, e, i] : evs)
        s += eng + " " + ev + " e=" + std::to_string(e) + " i=" + std::to_string(i) + "\n";
    return s;
}

std::vector<Ev> events_of(const std::vector<json>& lines, const std::string& engine = "") {
    std::vector<Ev> out;
    for (const auto& j : lines)
        if (engine.empty() || j.at("engine") == engine)
            out.emplace_back(j.at("engine").get<std::string>(), j.at("event").get<std::string>(),
                             j.at("epoch").get<std::int64_t>(), j.at("iteration").get<std::int64_t>());
    return out;
}

// Ignite 0.5.3's built-in event order for run(data, max_epochs) where data is a
// re-iterable sized source of `data_len` batches (list(range(data_len))) and
// epoch_length == data_len (conformance trace "plain_list"): the iterator is not reset at
// epoch ends, so from epoch 2 on the first GET_BATCH_STARTED finds it exhausted and
// DATALOADER_STOP_ITERATION fires before it is restarted. A fresh run() starts with a
// fresh iterator, so a single-epoch run never sees it.
std::vector<Ev> ignite_order(const std::string& engine, std::int64_t epochs, std::int64_t length) {
    std::vector<Ev> v;
    v.emplace_back(engine, "STARTED", 0, 0);
    for (std::int64_t ep = 1; ep <= epochs; ++ep) {
        const std::int64_t base = (ep - 1) * length;
        v.emplace_back(engine, "EPOCH_STARTED", ep, base);
        for (std::int64_t k = 0; k < length; ++k) {
            v.emplace_back(engine, "GET_BATCH_STARTED", ep, base + k);
            if (ep > 1 && k == 0) v.emplace_back(engine, "DATALOADER_STOP_ITERATION", ep, base);
            v.emplace_back(engine, "GET_BATCH_COMPLETED", ep, base + k);
            v.emplace_back(engine, "ITERATION_STARTED", ep, base + k + 1);
            v.emplace_back(engine, "ITERATION_COMPLETED", ep, base + k + 1);
        }
        v.emplace_back(engine, "EPOCH_COMPLETED", ep, ep * length);
    }
    v.emplace_back(engine, "COMPLETED", epochs, epochs * length);
    return v;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// `ignite-host ARGS` through the shell with stdout redirected to `stdout_target` (e.g.
// /dev/full), stderr captured; returns (exit status or -1 when killed, stderr).
std::pair<int, std::string> host_with_stdout(const std::vector<std::string>& args, const std::string& stdout_target) {
    const auto r =
        ignite::test::run_host(IGNITE_HOST_EXE, args, {.plugin_path = IGNITE_PLUGIN_DIR, .stdout_to = stdout_target});
    return {r.exited ? r.rc : -1, r.err};
}

const std::regex kIterLine(R"(^\[trainer\] epoch (\d+)/(\d+) iteration (\d+): output=(\d+\.\d{4})$)");
const std::regex kEpochLine(R"(^\[trainer\] epoch (\d+)/(\d+) done in \d+\.\d\ds: output=(\d+\.\d{4})$)");

}  // namespace

// ---- console --------------------------------------------------------------------------------

TEST_CASE("console prints an iteration line every N iterations and one summary per epoch", "[plugins][console]") {
    // (epochs, epoch_length, every): every counts the global iteration, across epochs.
    const auto [epochs, length, every] = GENERATE(table<std::int64_t, std::int64_t, std::int64_t>({
        {3, 7, 4},   // 21 iterations -> 4,8,12,16,20 (crosses epoch boundaries)
        {2, 5, 5},   // exactly at epoch ends -> 5,10
        {2, 3, 1},   // every iteration
        {2, 3, 0},   // 0 disables iteration lines
        {1, 3, 10},  // fewer iterations than every -> none
    }));
    CAPTURE(epochs, length, every);
    const auto r = host(
        dry_run(epochs, length, {"--plugin", "console", "--plugin-opt", "console.every=" + std::to_string(every)}));
    INFO(r.cmd << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
    REQUIRE(r.rc == 0);

    std::vector<std::int64_t> iterations;
    std::vector<std::int64_t> summaries;
    for (const auto& line : r.console_lines()) {
        std::smatch m;
        if (std::regex_match(line, m, kIterLine)) {
            const auto it = std::stoll(m[3]);
            iterations.push_back(it);
            CHECK(std::stoll(m[1]) == (it + length - 1) / length);  // the epoch the iteration is in
            CHECK(std::stoll(m[2]) == epochs);
            // dry-run's fake loss is 1/iteration, printed with 4 decimals.
            CHECK(std::stod(m[4]) == Approx(1.0 / static_cast<double>(it)).margin(0.00005 + 1e-12));
        } else if (std::regex_match(line, m, kEpochLine)) {
            summaries.push_back(std::stoll(m[1]));
            CHECK(std::stoll(m[2]) == epochs);
            CHECK(std::stod(m[3]) ==
                  Approx(1.0 / static_cast<double>(std::stoll(m[1]) * length)).margin(0.00005 + 1e-12));
        } else {
            FAIL("unexpected console line: " << line);
        }
    }
    std::vector<std::int64_t> expected_iterations;
    for (std::int64_t it = 1; every > 0 && it <= epochs * length; ++it)
        if (it % every == 0) expected_iterations.push_back(it);
    CHECK(iterations == expected_iterations);
    std::vector<std::int64_t> expected_summaries;
    for (std::int64_t ep = 1; ep <= epochs; ++ep) expected_summaries.push_back(ep);
    CHECK(summaries == expected_summaries);
}

TEST_CASE("console precision sets the digits after the decimal point", "[plugins][console]") {
    const auto r = host(dry_run(
        1, 4, {"--plugin", "console", "--plugin-opt", "console.every=2", "--plugin-opt", "console.precision=2"}));
    INFO(r.cmd << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
    REQUIRE(r.rc == 0);
    CHECK(r.out.empty());  // text lines go through the host's log
    const auto lines = r.console_lines();
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == "[trainer] epoch 1/1 iteration 2: output=0.50");
    CHECK(lines[1] == "[trainer] epoch 1/1 iteration 4: output=0.25");
    CHECK(std::regex_match(lines[2], std::regex(R"(^\[trainer\] epoch 1/1 done in \d+\.\d\ds: output=0\.25$)")));
}

TEST_CASE("console json format prints one parseable JSON object per line", "[plugins][console]") {
    const auto r = host(dry_run(
        2, 3, {"--plugin", "console", "--plugin-opt", "console.every=2", "--plugin-opt", "console.format=json"}));
    INFO(r.cmd << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
    REQUIRE(r.rc == 0);
    std::vector<std::int64_t> iterations;
    std::vector<std::int64_t> epochs;
    for (const auto& line : r.out_lines()) {
        INFO("line: " << line);
        const auto j = json::parse(line);
        REQUIRE(j.is_object());
        CHECK(j.at("engine") == "trainer");
        CHECK(j.at("max_epochs") == 2);
        const auto it = j.at("iteration").get<std::int64_t>();
        // Full precision in json: 1/iteration exactly as the host computed it.
        CHECK(j.at("output").get<double>() == 1.0 / static_cast<double>(it));
        if (j.at("event") == "ITERATION_COMPLETED") {
            iterations.push_back(it);
            CHECK(j.at("epoch") == (it + 2) / 3);
        } else {
            REQUIRE(j.at("event") == "EPOCH_COMPLETED");
            epochs.push_back(j.at("epoch").get<std::int64_t>());
            CHECK(it == 3 * j.at("epoch").get<std::int64_t>());
            CHECK(j.at("time").is_number());
            CHECK(j.at("time").get<double>() >= 0.0);
            CHECK(j.at("metrics").is_object());
        }
    }
    CHECK(iterations == std::vector<std::int64_t>{2, 4, 6});
    CHECK(epochs == std::vector<std::int64_t>{1, 2});
}

TEST_CASE("console reports the engines it is asked to", "[plugins][console]") {
    const auto count = [](const Result& r, const std::string& prefix) {
        std::size_t n = 0;
        for (const auto& l : r.console_lines()) n += l.rfind(prefix, 0) == 0 ? 1 : 0;
        return n;
    };
    SECTION("default: trainer and evaluator; each evaluator run is a 1-epoch run") {
        const auto r = host(dry_run(3, 2, {"--eval-every", "1", "--plugin", "console"}));
        INFO(r.cmd << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
        REQUIRE(r.rc == 0);
        CHECK(count(r, "[trainer] epoch ") == 3);
        CHECK(count(r, "[evaluator] epoch 1/1 done in ") == 3);
    }
    SECTION("engines=trainer leaves the evaluator out") {
        const auto r = host(
            dry_run(3, 2, {"--eval-every", "1", "--plugin", "console", "--plugin-opt", "console.engines=trainer"}));
        INFO(r.cmd << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
        REQUIRE(r.rc == 0);
        CHECK(count(r, "[trainer] epoch ") == 3);
        CHECK(count(r, "[evaluator]") == 0);
    }
    SECTION("a listed engine the run does not have is refused, naming the run's engines (ABI 1.6)") {
        const auto r = host(dry_run(1, 2, {"--plugin", "console", "--plugin-opt", "console.engines=evaluator"}));
        INFO(r.cmd << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
        CHECK(r.rc == 2);
        const auto err = r.err_lines();
        REQUIRE(err.size() == 1);
        CHECK(contains(err[0], "console.engines names engine 'evaluator', which this run does not have"));
        CHECK(contains(err[0], "its engines: trainer (or all)"));
    }
}

TEST_CASE("a bad console option stops the host with exit 2 and one line naming it", "[plugins][console]") {
    const auto [opt, name] = GENERATE(table<std::string, std::string>({
        {"console.every=-1", "every"},
        {"console.format=xml", "format"},
        {"console.engines=trainer,evalutor", "engines"},
        {"console.engines=", "engines"},
        {"console.precision=40", "precision"},
        {"console.precision=two", "precision"},  // the host's schema check
        {"console.colour=red", "colour"},        // the host's schema check
    }));
    CAPTURE(opt);
    const auto r = host(dry_run(1, 2, {"--plugin", "console", "--plugin-opt", opt}));
    INFO(r.cmd << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
    CHECK(r.rc == 2);
    CHECK(r.out.empty());  // stopped before the run started
    const auto err = r.err_lines();
    REQUIRE(err.size() == 1);
    CHECK(err[0].rfind("ignite-host: error: ", 0) == 0);
    CHECK(contains(err[0], "console"));
    CHECK(contains(err[0], name));
}

TEST_CASE("console fails the run (exit 1) when stdout cannot be written", "[plugins][console]") {
    // stdout (json lines) redirected to a full disk: the lines are the run's record, so losing
    // them is an error, reported once, naming stdout and the errno text.
    const auto [rc, err] = host_with_stdout(
        dry_run(2, 3,
                {"--plugin", "console", "--plugin-opt", "console.every=1", "--plugin-opt", "console.format=json"}),
        "/dev/full");
    INFO("stderr:\n" << err);
    CHECK(rc == 1);
    CHECK(contains(err, "plugin 'console'"));
    CHECK(contains(err, "writing to stdout failed (No space left on device)"));
    std::size_t mentions = 0;
    for (const auto& l : lines_of(err)) mentions += contains(l, "writing to stdout failed") ? 1 : 0;
    CHECK(mentions == 1);
}

// ---- trace ----------------------------------------------------------------------------------

TEST_CASE("trace writes Ignite's event order as JSON lines", "[plugins][trace]") {
    const auto path = scratch_dir() / "trace_order.jsonl";
    const auto r = host(dry_run(2, 3, {"--plugin", "trace", "--plugin-opt", "trace.path=" + path.string()}));
    INFO(r.cmd << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
    REQUIRE(r.rc == 0);
    const auto lines = read_jsonl(path);
    // dry-run's trainer data is list(range(epoch_length)): re-iterable and sized, so
    // DATALOADER_STOP_ITERATION fires after GET_BATCH_STARTED at the start of epoch 2.
    const auto got = events_of(lines);
    const auto expected = ignite_order("trainer", 2, 3);
    INFO("got:\n" << show(got) << "expected:\n" << show(expected));
    CHECK(got == expected);
    // Exactly these keys on ordinary events: nothing that would break a strict reader.
    for (const auto& j : lines) {
        CHECK(j.size() == 4);
        CHECK(j.contains("engine"));
        CHECK(j.contains("event"));
    }
    // Literal text, as documented.
    CHECK(lines_of(read_file(path)).at(0) == R"({"engine":"trainer","event":"STARTED","epoch":0,"iteration":0})");
}

TEST_CASE("trace interleaves the evaluator's runs where the trainer makes them", "[plugins][trace]") {
    const auto path = scratch_dir() / "trace_eval.jsonl";
    const auto r =
        host(dry_run(2, 3, {"--eval-every", "2", "--plugin", "trace", "--plugin-opt", "trace.path=" + path.string()}));
    INFO(r.cmd << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
    REQUIRE(r.rc == 0);
    const auto got = events_of(read_jsonl(path));
    // The evaluator runs (fresh, 1 epoch of 2 batches: no DATALOADER_STOP_ITERATION) from
    // the trainer's EPOCH_COMPLETED of epoch 2; trace runs first on that event, so the
    // trainer's line precedes the evaluator's run, and COMPLETED follows it.
    auto expected = ignite_order("trainer", 2, 3);
    const auto eval = ignite_order("evaluator", 1, 2);
    expected.insert(expected.end() - 1, eval.begin(), eval.end());
    INFO("got:\n" << show(got) << "expected:\n" << show(expected));
    CHECK(got == expected);
}

TEST_CASE("trace.time adds monotonic seconds since the first line", "[plugins][trace]") {
    const auto path = scratch_dir() / "trace_time.jsonl";
    const auto r = host(dry_run(
        2, 3, {"--plugin", "trace", "--plugin-opt", "trace.path=" + path.string(), "--plugin-opt", "trace.time=true"}));
    INFO(r.cmd << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
    REQUIRE(r.rc == 0);
    const auto lines = read_jsonl(path);
    REQUIRE(lines.size() == ignite_order("trainer", 2, 3).size());
    CHECK(lines.front()["time"].get<double>() == 0.0);
    double last = 0;
    for (const auto& j : lines) {
        REQUIRE(j["time"].is_number_float());
        CHECK(j["time"].get<double>() >= last);
        last = j["time"].get<double>();
    }
    CHECK(last < 60.0);  // seconds, not a clock's epoch
}

TEST_CASE("trace.engines restricts the traced engines", "[plugins][trace]") {
    const auto path = scratch_dir() / "trace_engines.jsonl";
    const auto r = host(dry_run(2, 2,
                                {"--eval-every", "1", "--plugin", "trace", "--plugin-opt",
                                 "trace.path=" + path.string(), "--plugin-opt", "trace.engines=evaluator"}));
    INFO(r.cmd << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
    REQUIRE(r.rc == 0);
    const auto got = events_of(read_jsonl(path));
    const auto one_run = ignite_order("evaluator", 1, 2);
    auto expected = one_run;
    expected.insert(expected.end(), one_run.begin(), one_run.end());  // two evaluator runs
    CHECK(got == expected);
}

TEST_CASE("trace refuses an unwritable path or an unknown custom event with exit 2", "[plugins][trace]") {
    SECTION("path") {
        const auto bad = (scratch_dir() / "no" / "such" / "dir" / "t.jsonl").string();
        const auto r = host(dry_run(1, 2, {"--plugin", "trace", "--plugin-opt", "trace.path=" + bad}));
        INFO(r.cmd << "\nstderr:\n" << r.err);
        CHECK(r.rc == 2);
        const auto err = r.err_lines();
        REQUIRE(err.size() == 1);
        CHECK(contains(err[0], "trace"));
        CHECK(contains(err[0], bad));
    }
    SECTION("path is a folder") {
        const auto dir = scratch_dir() / "trace_a_folder";
        fs::create_directories(dir);
        const auto r = host(dry_run(1, 2, {"--plugin", "trace", "--plugin-opt", "trace.path=" + dir.string()}));
        INFO(r.cmd << "\nstderr:\n" << r.err);
        CHECK(r.rc == 2);
        const auto err = r.err_lines();
        REQUIRE(err.size() == 1);
        CHECK(contains(err[0], "trace.path=" + dir.string()));
        CHECK(contains(err[0], "is a folder"));
        CHECK(fs::is_empty(dir));  // nothing created inside it
    }
    SECTION("empty path") {
        const auto r = host(dry_run(1, 2, {"--plugin", "trace", "--plugin-opt", "trace.path="}));
        INFO(r.cmd << "\nstderr:\n" << r.err);
        CHECK(r.rc == 2);
        const auto err = r.err_lines();
        REQUIRE(err.size() == 1);
        CHECK(contains(err[0], "trace.path"));
        CHECK(contains(err[0], "empty"));
    }
    SECTION("custom event nobody registered") {
        const auto r =
            host(dry_run(1, 2,
                         {"--plugin", "trace", "--plugin-opt", "trace.path=" + (scratch_dir() / "x.jsonl").string(),
                          "--plugin-opt", "trace.custom=tbptt.NOPE"}));
        INFO(r.cmd << "\nstderr:\n" << r.err);
        CHECK(r.rc == 2);
        const auto err = r.err_lines();
        REQUIRE(err.size() == 1);
        CHECK(contains(err[0], "trace.custom"));
        CHECK(contains(err[0], "tbptt.NOPE"));
    }
    SECTION("unknown engine") {
        const auto r = host(dry_run(1, 2, {"--plugin", "trace", "--plugin-opt", "trace.engines=trainer,tester"}));
        INFO(r.cmd << "\nstderr:\n" << r.err);
        CHECK(r.rc == 2);
        const auto err = r.err_lines();
        REQUIRE(err.size() == 1);
        CHECK(contains(err[0], "trace.engines"));
        CHECK(contains(err[0], "tester"));
    }
}

TEST_CASE("trace leaves an existing file untouched when the host fails to start after trace's init",
          "[plugins][trace]") {
    // trace is initialised first each time; what fails comes later, so trace must not have
    // opened (truncated) its file yet.
    const auto [name, later] = GENERATE(table<std::string, std::vector<std::string>>({
        {"a later plugin file that does not exist", {"--plugin", "/nonexistent/libbroken.so"}},
        {"an unknown option of a later plugin", {"--plugin", "console", "--plugin-opt", "console.bogus=1"}},
        {"a later plugin's init refusing its option", {"--plugin", "console", "--plugin-opt", "console.every=-1"}},
    }));
    CAPTURE(name);
    const auto path = scratch_dir() / "trace_kept.jsonl";
    const std::string before =
        "{\"engine\":\"trainer\",\"event\":\"STARTED\",\"epoch\":0,\"iteration\":0}\nprevious run\n";
    { std::ofstream(path, std::ios::binary) << before; }
    std::vector<std::string> args{"--plugin", "trace", "--plugin-opt", "trace.path=" + path.string()};
    args.insert(args.end(), later.begin(), later.end());
    const auto r = host(dry_run(1, 2, args));
    INFO(r.cmd << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
    CHECK(r.rc == 2);
    CHECK(read_file(path) == before);

    SECTION("and does not create a file that did not exist") {
        const auto fresh = scratch_dir() / "trace_never.jsonl";
        fs::remove(fresh);
        std::vector<std::string> a{"--plugin", "trace", "--plugin-opt", "trace.path=" + fresh.string()};
        a.insert(a.end(), later.begin(), later.end());
        const auto r2 = host(dry_run(1, 2, a));
        INFO(r2.cmd << "\nstderr:\n" << r2.err);
        CHECK(r2.rc == 2);
        CHECK_FALSE(fs::exists(fresh));
    }
}

TEST_CASE("trace truncates its file when a run starts, even one it traces nothing of", "[plugins][trace]") {
    // engines=evaluator, and a plugin fails the trainer in its first epoch (handlerfail, at
    // iteration 3), so the evaluator scheduled after each epoch never runs: no line, but the
    // file is this run's (empty), truncated at the trainer's STARTED (an engine it does not
    // trace), not the previous run's left in place.
    const auto path = scratch_dir() / "trace_emptied.jsonl";
    { std::ofstream(path, std::ios::binary) << "stale\n"; }
    const auto r =
        host(dry_run(1, 4,
                     {"--eval-every", "1", "--plugin", HANDLERFAIL_PLUGIN, "--plugin", "trace", "--plugin-opt",
                      "trace.path=" + path.string(), "--plugin-opt", "trace.engines=evaluator"}));
    INFO(r.cmd << "\nstderr:\n" << r.err);
    REQUIRE(r.rc == 1);
    CHECK(contains(r.err, "handler gave up at 3"));
    REQUIRE(fs::exists(path));
    CHECK(fs::file_size(path) == 0);
}

TEST_CASE("trace fails the run (exit 1) on a write error, naming the file and the error", "[plugins][trace]") {
    // /dev/full takes the open and fails every write: with 2 iterations the lines fit the
    // stdio buffer, so the error shows at the flush at COMPLETED, the run's last event.
    REQUIRE(fs::exists("/dev/full"));
    const auto [epochs, length] = GENERATE(table<std::int64_t, std::int64_t>({
        {1, 2},     // buffered: fails at the final flush
        {50, 100},  // more than a buffer: fails at a write in the middle of the run
    }));
    CAPTURE(epochs, length);
    const auto r = host(dry_run(epochs, length, {"--plugin", "trace", "--plugin-opt", "trace.path=/dev/full"}));
    INFO(r.cmd << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
    CHECK(r.rc == 1);
    CHECK(contains(r.err, "trace.path=/dev/full: write failed (No space left on device)"));
    // One failure, one message: later flush points (EXCEPTION_RAISED) do not pile up more.
    std::size_t mentions = 0;
    for (const auto& l : r.err_lines()) mentions += contains(l, "write failed") ? 1 : 0;
    CHECK(mentions == 1);
}

// ---- tbptt ----------------------------------------------------------------------------------

namespace {
std::vector<std::string> tbptt_traced(std::int64_t time_steps, const fs::path& path,
                                      std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--plugin", "tbptt", "--plugin-opt", "tbptt.time_steps=" + std::to_string(time_steps),
                                  // trace after tbptt: the custom events exist when trace initialises.
                                  "--plugin", "trace", "--plugin-opt", "trace.path=" + path.string(), "--plugin-opt",
                                  "trace.custom=tbptt.TIME_ITERATION_STARTED,tbptt.TIME_ITERATION_COMPLETED",
                                  "--plugin-opt", "trace.attrs=time_iteration"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}
}  // namespace

TEST_CASE("tbptt fires time_steps TIME_ITERATION_STARTED/COMPLETED pairs per iteration", "[plugins][tbptt]") {
    const auto path = scratch_dir() / "tbptt.jsonl";
    const auto r = host(dry_run(2, 2, tbptt_traced(3, path)));
    INFO(r.cmd << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
    REQUIRE(r.rc == 0);
    const auto lines = read_jsonl(path);

    // Expected: Ignite's order with, right after each ITERATION_STARTED, 3 pairs of the
    // custom events, time_iteration counting 1..12 across iterations and epochs.
    std::vector<Ev> expected;
    std::vector<std::int64_t> expected_ti;
    std::int64_t ti = 0;
    for (const auto& ev : ignite_order("trainer", 2, 2)) {
        expected.push_back(ev);
        expected_ti.push_back(-1);
        if (std::get<1>(ev) != "ITERATION_STARTED") continue;
        for (int t = 0; t < 3; ++t) {
            ++ti;
            for (const char* name : {"tbptt.TIME_ITERATION_STARTED", "tbptt.TIME_ITERATION_COMPLETED"}) {
                expected.emplace_back("trainer", name, std::get<2>(ev), std::get<3>(ev));
                expected_ti.push_back(ti);
            }
        }
    }
    const auto got = events_of(lines);
    INFO("got:\n" << show(got) << "expected:\n" << show(expected));
    REQUIRE(got == expected);
    std::int64_t started = 0;
    for (std::size_t k = 0; k < lines.size(); ++k) {
        INFO("line " << k << ": " << lines[k].dump());
        if (expected_ti[k] > 0) CHECK(lines[k].at("time_iteration") == expected_ti[k]);
        // The attribute exists from registration (int 0), so every line carries it.
        CHECK(lines[k].contains("time_iteration"));
        started += lines[k].at("event") == "tbptt.TIME_ITERATION_STARTED" ? 1 : 0;
    }
    CHECK(started == 12);
}

TEST_CASE("tbptt log_every filters on time_iteration, not on iteration", "[plugins][tbptt]") {
    const auto r = host(dry_run(
        2, 2, {"--plugin", "tbptt", "--plugin-opt", "tbptt.time_steps=3", "--plugin-opt", "tbptt.log_every=5"}));
    INFO(r.cmd << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
    REQUIRE(r.rc == 0);
    std::vector<std::string> logged;
    for (const auto& l : r.err_lines())
        if (contains(l, "time_iteration")) logged.push_back(l);
    CHECK(logged == std::vector<std::string>{"[tbptt] time_iteration 5", "[tbptt] time_iteration 10"});
}

TEST_CASE("tbptt rejects time_steps < 1 and shows its events in plugins inspect", "[plugins][tbptt]") {
    SECTION("time_steps=0") {
        const auto r = host(dry_run(1, 2, {"--plugin", "tbptt", "--plugin-opt", "tbptt.time_steps=0"}));
        INFO(r.cmd << "\nstderr:\n" << r.err);
        CHECK(r.rc == 2);
        const auto err = r.err_lines();
        REQUIRE(err.size() == 1);
        CHECK(contains(err[0], "tbptt.time_steps"));
    }
    SECTION("inspect") {
        const auto r = host({"plugins", "inspect", "tbptt"});
        INFO(r.cmd << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
        REQUIRE(r.rc == 0);
        CHECK(contains(r.out, "tbptt.TIME_ITERATION_STARTED"));
        CHECK(contains(r.out, "tbptt.TIME_ITERATION_COMPLETED"));
        CHECK(contains(r.out, "[state.time_iteration]"));
        CHECK(contains(r.out, "time_steps"));
    }
}

// ---- metrics --------------------------------------------------------------------------------

TEST_CASE("metrics.k above the number of classes fails the run at the first update, naming both",
          "[plugins][metrics]") {
    // The number of classes (10 for synthetic data) is first known at an update, so init
    // accepts k=100 and the evaluator's first update refuses it: a failed run (exit 1), not
    // a crash, with the option to change and the bound.
    const auto out = scratch_dir() / "topk_out";
    const auto r = host({"train", "--no-default-plugins", "--model", "mlp", "--dataset", "synthetic:100", "--epochs",
                         "1", "--plugin", "metrics", "--metric", "top_k_accuracy", "--plugin-opt", "metrics.k=100",
                         "--output-dir", out.string()});
    INFO(r.cmd << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
    CHECK(r.rc == 1);
    CHECK(contains(r.err, "metrics.k=100"));
    CHECK(contains(r.err, "exceeds the 10 classes"));
    CHECK(contains(r.err, "K <= 10"));
}

// ---- plugin_util (SDK helpers) ----------------------------------------------------------------

TEST_CASE("json_number writes null for NaN and infinities, round-trippable numbers otherwise", "[plugins][sdk]") {
    using ignite::sdk::json_number;
    CHECK(json_number(std::nan("")) == "null");
    CHECK(json_number(HUGE_VAL) == "null");
    CHECK(json_number(-HUGE_VAL) == "null");
    CHECK(json_number(0.1) == "0.1");
    CHECK(json_number(1.0 / 3.0) == "0.3333333333333333");
    CHECK(json_number(-2.0) == "-2");
    for (const double v : {0.1, 1.0 / 3.0, 1e-300, 123456789.125})
        CHECK(json::parse(json_number(v)).get<double>() == v);
}

TEST_CASE("OutputFile validates without touching, opens on first write, reports every error", "[plugins][sdk]") {
    using ignite::sdk::OutputFile;
    const auto dir = scratch_dir() / "output_file";
    fs::create_directories(dir);

    SECTION("validate accepts a new file in an existing folder and creates nothing") {
        const auto p = dir / "new.txt";
        fs::remove(p);
        OutputFile f("x.path=" + p.string(), p.string());
        f.validate();
        CHECK_FALSE(fs::exists(p));
        CHECK_FALSE(f.is_open());
    }
    SECTION("validate keeps an existing file as it is; the first write truncates it") {
        const auto p = dir / "old.txt";
        { std::ofstream(p) << "old contents\n"; }
        OutputFile f("x.path=" + p.string(), p.string());
        f.validate();
        CHECK(read_file(p) == "old contents\n");
        f.write("new\n");
        f.close();
        CHECK(read_file(p) == "new\n");
    }
    SECTION("validate refuses a folder, an empty path, a missing folder, a non-folder parent") {
        { std::ofstream(dir / "plain") << "x"; }
        const std::vector<std::pair<std::string, std::string>> bad{
            {dir.string(), "is a folder"},
            {(dir / "sub/").string(), "names a folder"},
            {"", "is empty"},
            {(dir / "missing" / "f.txt").string(), "does not exist"},
            {(dir / "plain" / "f.txt").string(), "plain"},
        };
        for (const auto& [path, why] : bad) {
            INFO("path: '" << path << "'");
            OutputFile f("x.path=" + path, path);
            CHECK_THROWS_AS(f.validate(), std::invalid_argument);
            try {
                f.validate();
            } catch (const std::invalid_argument& e) {
                CHECK(contains(e.what(), "x.path=" + path));
                CHECK(contains(e.what(), why));
            }
        }
        CHECK_FALSE(fs::exists(dir / "missing"));
    }
    SECTION("a full disk: the error at flush names the file and errno, once") {
        REQUIRE(fs::exists("/dev/full"));
        OutputFile f("x.path=/dev/full", "/dev/full");
        f.validate();  // a device is a legitimate target
        f.write("buffered\n");
        try {
            f.flush();
            FAIL("flush to /dev/full did not throw");
        } catch (const std::runtime_error& e) {
            CHECK(std::string(e.what()) == "x.path=/dev/full: write failed (No space left on device)");
        }
        CHECK(f.failed());
        // Known broken: later calls add no second error.
        CHECK_NOTHROW(f.write("more\n"));
        CHECK_NOTHROW(f.flush());
        CHECK_NOTHROW(f.close());
    }
    SECTION("a full disk: an error only at close is returned by close_noexcept and thrown by close") {
        {
            OutputFile f("x.path=/dev/full", "/dev/full");
            f.write("buffered\n");
            CHECK(f.close_noexcept() == "x.path=/dev/full: write failed (No space left on device)");
            CHECK_FALSE(f.is_open());
            CHECK(f.close_noexcept().empty());  // closed: nothing more to say
        }
        OutputFile g("x.path=/dev/full", "/dev/full");
        g.write("buffered\n");
        CHECK_THROWS_WITH(g.close(), "x.path=/dev/full: write failed (No space left on device)");
    }
    SECTION("a write larger than the stdio buffer fails at the write itself") {
        OutputFile f("x.path=/dev/full", "/dev/full");
        const std::string big(1 << 20, 'x');
        CHECK_THROWS_WITH(f.write(big), "x.path=/dev/full: write failed (No space left on device)");
    }
    SECTION("an open that fails names the file") {
        const auto p = dir / "gone" / "f.txt";  // validated earlier, folder removed since
        OutputFile f("x.path=" + p.string(), p.string());
        CHECK_THROWS_WITH(f.write("x"), Catch::Contains("x.path=" + p.string() + ": cannot open for writing (") &&
                                            Catch::Contains("No such file or directory"));
        CHECK(f.failed());
    }
}

// ignite/tensor_values.hpp: what the loggers (tensorboard, csv, report) read of a metric tensor.
namespace {
DLTensor cpu_tensor(void* data, DLDataType dtype, std::int32_t ndim, std::int64_t* shape, std::int64_t* strides) {
    DLTensor t{};
    t.data = data;
    t.device = {kDLCPU, 0};
    t.ndim = ndim;
    t.dtype = dtype;
    t.shape = shape;
    t.strides = strides;
    return t;
}
}  // namespace

TEST_CASE("sdk tensor_values: elements as doubles in row-major order, strides honoured") {
    using ignite::sdk::tensor_values;
    std::int64_t counts[] = {1, 2, 3, 4, 5, 6};
    std::int64_t shape23[] = {2, 3};
    // contiguous 2x3 int64: row-major as stored
    CHECK(tensor_values(cpu_tensor(counts, {kDLInt, 64, 1}, 2, shape23, nullptr)) ==
          std::vector<double>{1, 2, 3, 4, 5, 6});
    // the same storage read as its 3x2 transpose (strides 1, 3): row-major of the view
    std::int64_t shape32[] = {3, 2}, transposed[] = {1, 3};
    CHECK(tensor_values(cpu_tensor(counts, {kDLInt, 64, 1}, 2, shape32, transposed)) ==
          std::vector<double>{1, 4, 2, 5, 3, 6});
    // a 0-dim float is one element; float32, int32, uint8 and bool read as numbers
    double one = 0.25;
    CHECK(tensor_values(cpu_tensor(&one, {kDLFloat, 64, 1}, 0, nullptr, nullptr)) == std::vector<double>{0.25});
    float f[] = {1.5f, -2.0f};
    std::int32_t i32[] = {-7, 9};
    std::uint8_t u8[] = {0, 255};
    std::int64_t shape2[] = {2};
    CHECK(tensor_values(cpu_tensor(f, {kDLFloat, 32, 1}, 1, shape2, nullptr)) == std::vector<double>{1.5, -2.0});
    CHECK(tensor_values(cpu_tensor(i32, {kDLInt, 32, 1}, 1, shape2, nullptr)) == std::vector<double>{-7, 9});
    CHECK(tensor_values(cpu_tensor(u8, {kDLUInt, 8, 1}, 1, shape2, nullptr)) == std::vector<double>{0, 255});
    CHECK(tensor_values(cpu_tensor(u8, {6 /* kDLBool */, 8, 1}, 1, shape2, nullptr)) == std::vector<double>{0, 255});
}

TEST_CASE("sdk tensor_values: a dtype a metric never has is NaN and not readable, a GPU tensor gives none") {
    using ignite::sdk::dtype_readable;
    using ignite::sdk::tensor_values;
    std::uint16_t half[] = {0x3c00, 0x4000};
    std::int64_t shape2[] = {2};
    const DLDataType f16{kDLFloat, 16, 1};
    CHECK_FALSE(dtype_readable(f16));
    CHECK(dtype_readable(DLDataType{kDLInt, 64, 1}));
    const auto values = tensor_values(cpu_tensor(half, f16, 1, shape2, nullptr));
    REQUIRE(values.size() == 2);
    CHECK(std::isnan(values[0]));
    auto gpu = cpu_tensor(half, DLDataType{kDLInt, 16, 1}, 1, shape2, nullptr);
    gpu.device = {kDLCUDA, 0};
    CHECK(tensor_values(gpu).empty());
}
