// The progress plugin as a user sees it: run `ignite-host dry-run --plugin progress` and
// check the bar lines on stderr (stdout with stream=stdout), in log mode (not a terminal:
// plain lines every percent_step percent, through the host's log: "[progress] [trainer] ...")
// and in terminal mode (ignite-host --tty always: the bar in the host's status area, each
// redraw erasing the area ("\r\x1b[J") and ending in clear-to-end-of-line, one kept line per
// epoch logged above it). Two engines at once: tests/progress_status_test.cpp.
//
// dry-run's fake step output is 1/iteration (the global iteration), so the bar's `loss=`
// (the running mean of the output over the current epoch's iterations) is computable by
// hand: epoch_mean() below, and literal values in the tests.
//
// IGNITE_HOST_EXE: the ignite-host binary; IGNITE_PLUGIN_DIR: where the plugin modules are
// built. The plugin is loaded by NAME with IGNITE_PLUGIN_PATH set to IGNITE_PLUGIN_DIR.
#include "support/process.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#ifndef IGNITE_HOST_EXE
#error "IGNITE_HOST_EXE must name the ignite-host binary"
#endif
#ifndef IGNITE_PLUGIN_DIR
#error "IGNITE_PLUGIN_DIR must name the directory of the built plugins"
#endif

namespace fs = std::filesystem;

namespace {

using ignite::test::lines_of;
using ignite::test::read_file;
using ignite::test::shell_quote;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

using Result = ignite::test::ProcessResult;

// Runs `ignite-host ARGS` with stdout and stderr captured to files (so not terminals).
// dry-run's own summary line, the last on stdout, is dropped from `out`: the tests read
// the bar's lines.
Result host(const std::vector<std::string>& args) {
    auto r = ignite::test::run_host(IGNITE_HOST_EXE, args, {.plugin_path = IGNITE_PLUGIN_DIR});
    ignite::test::take_dry_run_summary(r.out);
    return r;
}

std::vector<std::string> dry_run(std::int64_t epochs, std::int64_t epoch_length, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{
        "dry-run",  "--epochs", std::to_string(epochs), "--epoch-length", std::to_string(epoch_length),
        "--plugin", "progress"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

// One parsed bar line.
struct BarLine {
    std::string engine;
    std::int64_t epoch = 0, max_epochs = 0, percent = 0, n = 0, total = 0;
    bool has_loss = false;
    double loss = 0;
    std::string loss_text;  // as printed, e.g. "0.7500"
};

// [trainer] Epoch 2/3  25%|███████▌        | 2/8 [00:00<00:00, 123.4it/s, loss=0.1000]
bool parse(const std::string& line, BarLine& out) {
    static const std::regex re(
        R"(^\[(trainer|evaluator)\] Epoch (\d+)/(\d+) +(\d+)%\|([^|]*)\| (\d+)/(\d+) \[\d\d:\d\d<(\d\d:\d\d|\?), ([0-9.]+it/s|[0-9.]+s/it|\?it/s)(, loss=([0-9.]+))?\]$)");
    std::smatch m;
    if (!std::regex_match(line, m, re)) return false;
    out.engine = m[1];
    out.epoch = std::stoll(m[2]);
    out.max_epochs = std::stoll(m[3]);
    out.percent = std::stoll(m[4]);
    out.n = std::stoll(m[6]);
    out.total = std::stoll(m[7]);
    out.has_loss = m[10].matched;
    if (out.has_loss) {
        out.loss_text = m[11];
        out.loss = std::stod(out.loss_text);
    }
    return true;
}

// What the bar prints for the mean of dry-run's outputs 1/i over the first `n` iterations
// of epoch `epoch` (epochs of `length`): summed in iteration order, divided, "%.4f".
std::string epoch_mean(std::int64_t epoch, std::int64_t length, std::int64_t n) {
    double sum = 0;
    for (std::int64_t k = 1; k <= n; ++k) sum += 1.0 / static_cast<double>((epoch - 1) * length + k);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", sum / static_cast<double>(n));
    return buf;
}

// A TTY draw's end: clear to the end of the line (ESC [ K).
const std::string kClearEol = "\x1b[K";

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// A plain line through the host's log: "[progress] " (the plugin the host names), then the bar.
const std::string kLogged = "[progress] ";
bool parse_logged(const std::string& line, BarLine& out) {
    return line.rfind(kLogged, 0) == 0 && parse(line.substr(kLogged.size()), out);
}

// One stderr line of a forced terminal (--tty always), split at the area's erases
// ("\r\x1b[J"): the status draws (each ending in clear-to-end-of-line, which is cut off
// here) and, last, the epoch's kept final line (logged: "[progress] ..."), if any.
struct Drawn {
    std::vector<std::string> draws;
    std::string kept;
};
Drawn drawn(const std::string& line) {
    static const std::string erase = "\r\x1b[J";
    Drawn d;
    std::size_t start = 0;
    for (;;) {
        const auto at = line.find(erase, start);
        const auto seg = line.substr(start, at == std::string::npos ? std::string::npos : at - start);
        if (ends_with(seg, kClearEol))
            d.draws.push_back(seg.substr(0, seg.size() - kClearEol.size()));
        else if (!seg.empty())
            d.kept = seg;
        if (at == std::string::npos) break;
        start = at + erase.size();
    }
    return d;
}

std::size_t count(const std::string& s, char c) {
    std::size_t n = 0;
    for (char x : s) n += x == c;
    return n;
}

}  // namespace

TEST_CASE("progress in a log prints a line per 25% of each epoch, with counts, epoch and loss", "[plugins][progress]") {
    const auto r = host(dry_run(3, 8));
    INFO(r.cmd << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
    REQUIRE(r.rc == 0);
    CHECK(r.out.empty());  // stderr by default
    CHECK(count(r.err, '\r') == 0);
    CHECK(count(r.err, '\x1b') == 0);  // no escape code ever when not a terminal
    const auto lines = lines_of(r.err);
    REQUIRE(lines.size() == 12);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        INFO("line: " << lines[i]);
        BarLine b;
        REQUIRE(parse_logged(lines[i], b));
        const auto epoch = static_cast<std::int64_t>(i / 4) + 1;
        const auto n = static_cast<std::int64_t>(i % 4 + 1) * 2;
        CHECK(b.engine == "trainer");
        CHECK(b.epoch == epoch);
        CHECK(b.max_epochs == 3);
        CHECK(b.n == n);
        CHECK(b.total == 8);
        CHECK(b.percent == n * 100 / 8);
        CHECK(contains(lines[i], "Epoch " + std::to_string(epoch) + "/3"));
        // The mean of the epoch's outputs so far (dry-run's output is 1/global iteration).
        REQUIRE(b.has_loss);
        CHECK(b.loss_text == epoch_mean(epoch, 8, n));
    }
}

TEST_CASE("progress loss= is the running mean over the current epoch's iterations", "[plugins][progress]") {
    // Lines at 1/4, 2/4, 3/4, 4/4 of each epoch. Hand-computed from outputs 1/i:
    // epoch 1: 1, (1 + 1/2)/2, (1 + 1/2 + 1/3)/3, (... + 1/4)/4;
    // epoch 2 starts afresh: 1/5, (1/5 + 1/6)/2, (1/5 + 1/6 + 1/7)/3, (... + 1/8)/4.
    // Neither the last batch's value (0.1667 at 2/4 of epoch 2) nor the whole run's mean
    // (0.4083 there) would match.
    const std::vector<std::string> want{"1.0000", "0.7500", "0.6111", "0.5208", "0.2000", "0.1833", "0.1698", "0.1586"};
    SECTION("in a log") {
        const auto r = host(dry_run(2, 4));
        INFO(r.cmd << "\nstderr:\n" << r.err);
        REQUIRE(r.rc == 0);
        const auto lines = lines_of(r.err);
        REQUIRE(lines.size() == want.size());
        for (std::size_t i = 0; i < lines.size(); ++i) {
            INFO("line: " << lines[i]);
            BarLine b;
            REQUIRE(parse_logged(lines[i], b));
            CHECK(b.n == static_cast<std::int64_t>(i % 4) + 1);
            CHECK(b.loss_text == want[i]);
            CHECK(b.loss_text == epoch_mean(b.epoch, 4, b.n));
        }
    }
    SECTION("on a terminal, every redraw") {
        const auto r = host(dry_run(2, 4, {"--tty", "always", "--plugin-opt", "progress.min_interval=0"}));
        INFO(r.cmd << "\nstderr:\n" << r.err);
        REQUIRE(r.rc == 0);
        const auto lines = lines_of(r.err);
        REQUIRE(lines.size() == 2);
        std::vector<std::string> got;
        for (const auto& l : lines) {
            const auto d = drawn(l);
            for (const auto& seg : d.draws) {
                BarLine b;
                INFO("draw: " << seg);
                REQUIRE(parse(seg, b));
                if (b.has_loss) got.push_back(b.loss_text);  // 0/4 shows no loss yet
            }
            BarLine b;
            INFO("kept: " << d.kept);
            REQUIRE(parse_logged(d.kept, b));
            got.push_back(b.loss_text);
        }
        CHECK(got == want);
    }
    SECTION("each bar keeps its own mean: the evaluator's runs in between leave the trainer's alone") {
        // dry-run's evaluator outputs its batch, 0 then 1 (eval-length 2): each run's bar
        // shows 0.0000, then (0 + 1)/2, afresh every run.
        const auto r = host(dry_run(2, 4, {"--eval-every", "1", "--plugin-opt", "progress.evaluator=true"}));
        INFO(r.cmd << "\nstderr:\n" << r.err);
        REQUIRE(r.rc == 0);
        std::vector<std::string> trainer, evaluator;
        for (const auto& l : lines_of(r.err)) {
            BarLine b;
            REQUIRE(parse_logged(l, b));
            REQUIRE(b.has_loss);
            (b.engine == "trainer" ? trainer : evaluator).push_back(b.loss_text);
        }
        CHECK(trainer == want);
        CHECK(evaluator == std::vector<std::string>{"0.0000", "0.5000", "0.0000", "0.5000"});
    }
}

TEST_CASE("progress percent_step sets how many log lines an epoch gets", "[plugins][progress]") {
    SECTION("50: two lines per epoch") {
        const auto r = host(dry_run(2, 8, {"--plugin-opt", "progress.percent_step=50"}));
        INFO(r.cmd << "\nstderr:\n" << r.err);
        REQUIRE(r.rc == 0);
        const auto lines = lines_of(r.err);
        REQUIRE(lines.size() == 4);
        const std::int64_t want_n[] = {4, 8, 4, 8};
        for (std::size_t i = 0; i < lines.size(); ++i) {
            BarLine b;
            REQUIRE(parse_logged(lines[i], b));
            CHECK(b.n == want_n[i]);
            CHECK(b.epoch == static_cast<std::int64_t>(i / 2) + 1);
        }
    }
    SECTION("100: only the final line") {
        const auto r = host(dry_run(3, 5, {"--plugin-opt", "progress.percent_step=100"}));
        INFO(r.cmd << "\nstderr:\n" << r.err);
        REQUIRE(r.rc == 0);
        const auto lines = lines_of(r.err);
        REQUIRE(lines.size() == 3);
        for (const auto& l : lines) {
            BarLine b;
            REQUIRE(parse_logged(l, b));
            CHECK(b.n == 5);
            CHECK(b.percent == 100);
        }
    }
    SECTION("one iteration crossing several steps prints one line") {
        const auto r = host(dry_run(1, 2, {"--plugin-opt", "progress.percent_step=10"}));
        INFO(r.cmd << "\nstderr:\n" << r.err);
        REQUIRE(r.rc == 0);
        const auto lines = lines_of(r.err);
        REQUIRE(lines.size() == 2);  // 1/2 (50%), then the final 2/2
    }
}

TEST_CASE("progress on a terminal draws in the host's status area and keeps one final line per epoch",
          "[plugins][progress]") {
    SECTION("default throttle") {
        const auto r = host(dry_run(3, 8, {"--tty", "always"}));
        INFO(r.cmd << "\nstderr:\n" << r.err);
        REQUIRE(r.rc == 0);
        REQUIRE(!r.err.empty());
        CHECK(r.err.back() == '\n');
        const auto lines = lines_of(r.err);
        REQUIRE(lines.size() == 3);
        for (std::size_t i = 0; i < lines.size(); ++i) {
            const auto d = drawn(lines[i]);
            CHECK(!d.draws.empty());  // at least the epoch's first draw (0/8)
            INFO("final: " << d.kept);
            BarLine b;
            REQUIRE(parse_logged(d.kept, b));
            CHECK(b.epoch == static_cast<std::int64_t>(i) + 1);
            CHECK(b.n == 8);
            CHECK(b.percent == 100);
            CHECK(b.loss_text == epoch_mean(static_cast<std::int64_t>(i) + 1, 8, 8));
        }
    }
    SECTION("min_interval=0 redraws every iteration; every=3 every third") {
        const auto [every, draws] = GENERATE(table<std::string, std::size_t>({
            {"1", 8},  // 0/8, 1/8 .. 7/8; the final 8/8 is the kept line
            {"3", 3},  // 0/8, 3/8, 6/8
        }));
        const auto r = host(dry_run(
            2, 8,
            {"--tty", "always", "--plugin-opt", "progress.min_interval=0", "--plugin-opt", "progress.every=" + every}));
        INFO(r.cmd << "\nstderr:\n" << r.err);
        REQUIRE(r.rc == 0);
        const auto lines = lines_of(r.err);
        REQUIRE(lines.size() == 2);
        for (const auto& l : lines) {
            const auto d = drawn(l);
            CHECK(d.draws.size() == draws);
            std::int64_t prev = -1;
            for (const auto& seg : d.draws) {
                INFO("draw: " << seg);
                // Each draw clears the rest of the line itself (no padding over the previous
                // draw, which a log line may have replaced since).
                CHECK(seg.back() != ' ');
                BarLine b;
                REQUIRE(parse(seg, b));
                CHECK(b.n > prev);
                CHECK(b.has_loss == (b.n > 0));  // no stale output before the first iteration
                prev = b.n;
            }
            BarLine b;
            REQUIRE(parse_logged(d.kept, b));
            CHECK(b.n == 8);
        }
    }
    SECTION("progress.tty=always without the host's status area is refused, naming --tty") {
        const auto r = host(dry_run(1, 2, {"--plugin-opt", "progress.tty=always"}));
        INFO(r.cmd << "\nstderr:\n" << r.err);
        CHECK(r.rc == 2);
        const auto err = lines_of(r.err);
        REQUIRE(err.size() == 1);
        CHECK(contains(err[0], "progress.tty=always"));
        CHECK(contains(err[0], "--tty always"));
    }
    SECTION("progress.tty=never prints plain lines even where the host draws") {
        const auto r = host(dry_run(1, 4, {"--tty", "always", "--plugin-opt", "progress.tty=never"}));
        INFO(r.cmd << "\nstderr:\n" << r.err);
        REQUIRE(r.rc == 0);
        CHECK(count(r.err, '\x1b') == 0);
        const auto lines = lines_of(r.err);
        REQUIRE(lines.size() == 4);
        for (const auto& l : lines) {
            BarLine b;
            CHECK(parse_logged(l, b));
        }
    }
}

TEST_CASE("progress stream=stdout writes the bar to stdout", "[plugins][progress]") {
    const auto r = host(dry_run(1, 4, {"--plugin-opt", "progress.stream=stdout"}));
    INFO(r.cmd << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
    REQUIRE(r.rc == 0);
    CHECK(r.err.empty());
    CHECK(lines_of(r.out).size() == 4);
}

TEST_CASE("progress output_label renames or hides the output field", "[plugins][progress]") {
    SECTION("renamed") {
        const auto r = host(dry_run(1, 4, {"--plugin-opt", "progress.output_label=nll"}));
        REQUIRE(r.rc == 0);
        for (const auto& l : lines_of(r.err)) CHECK(contains(l, ", nll="));
        CHECK(!contains(r.err, "loss="));
    }
    SECTION("hidden") {
        const auto r = host(dry_run(1, 4, {"--plugin-opt", "progress.output_label="}));
        REQUIRE(r.rc == 0);
        const auto lines = lines_of(r.err);
        REQUIRE(lines.size() == 4);
        for (const auto& l : lines) {
            BarLine b;
            REQUIRE(parse_logged(l, b));
            CHECK(!b.has_loss);
        }
    }
}

TEST_CASE("progress width sets the bar's width", "[plugins][progress]") {
    const auto r =
        host(dry_run(1, 4, {"--plugin-opt", "progress.width=10", "--plugin-opt", "progress.percent_step=100"}));
    REQUIRE(r.rc == 0);
    const auto lines = lines_of(r.err);
    REQUIRE(lines.size() == 1);
    std::string full;
    for (int i = 0; i < 10; ++i) full += "\u2588";
    CHECK(contains(lines[0], "|" + full + "|"));
}

TEST_CASE("progress evaluator=true adds a bar per evaluator run", "[plugins][progress]") {
    SECTION("with evaluator=true") {
        const auto r =
            host(dry_run(2, 8, {"--eval-every", "1", "--eval-length", "4", "--plugin-opt", "progress.evaluator=true"}));
        INFO(r.cmd << "\nstderr:\n" << r.err);
        REQUIRE(r.rc == 0);
        const auto lines = lines_of(r.err);
        REQUIRE(lines.size() == 16);  // per trainer epoch: 4 trainer lines, then 4 evaluator lines
        for (std::size_t i = 0; i < lines.size(); ++i) {
            INFO("line: " << lines[i]);
            BarLine b;
            REQUIRE(parse_logged(lines[i], b));
            const bool eval = (i / 4) % 2 == 1;
            CHECK(b.engine == (eval ? "evaluator" : "trainer"));
            CHECK(b.total == (eval ? 4 : 8));
            CHECK(b.n == static_cast<std::int64_t>(i % 4 + 1) * (eval ? 1 : 2));
        }
    }
    SECTION("by default only the trainer") {
        const auto r = host(dry_run(2, 8, {"--eval-every", "1"}));
        REQUIRE(r.rc == 0);
        CHECK(!contains(r.err, "[evaluator]"));
        CHECK(lines_of(r.err).size() == 8);
    }
    SECTION("evaluator=true without an evaluator is not an error") {
        const auto r = host(dry_run(1, 4, {"--plugin-opt", "progress.evaluator=true"}));
        REQUIRE(r.rc == 0);
        CHECK(lines_of(r.err).size() == 4);
    }
    SECTION("on a terminal, the evaluator's bar is drawn and cleared; leave_evaluator=true keeps its final line") {
        const auto [leave, kept_engines] = GENERATE(table<std::string, std::vector<std::string>>({
            {"false", {"trainer", "trainer"}},
            {"true", {"trainer", "evaluator", "trainer", "evaluator"}},
        }));
        const auto r = host(dry_run(
            2, 8,
            {"--eval-every", "1", "--eval-length", "4", "--plugin-opt", "progress.evaluator=true", "--tty", "always",
             "--plugin-opt", "progress.min_interval=0", "--plugin-opt", "progress.leave_evaluator=" + leave}));
        INFO(r.cmd << "\nstderr:\n" << r.err);
        REQUIRE(r.rc == 0);
        std::vector<std::string> kept;
        std::size_t evaluator_draws = 0;
        for (const auto& l : lines_of(r.err)) {
            const auto d = drawn(l);
            for (const auto& seg : d.draws) {
                BarLine b;
                INFO("draw: " << seg);
                REQUIRE(parse(seg, b));
                evaluator_draws += b.engine == "evaluator";
            }
            if (d.kept.empty()) continue;
            BarLine b;
            INFO("kept: " << d.kept);
            REQUIRE(parse_logged(d.kept, b));
            CHECK(b.n == b.total);
            kept.push_back(b.engine);
        }
        CHECK(kept == kept_engines);
        CHECK(evaluator_draws == 8);  // 0/4 .. 3/4 of each of the two runs
    }
}

TEST_CASE("a bad progress option stops the host with exit 2 and one line naming it", "[plugins][progress]") {
    const auto [opt, name] = GENERATE(table<std::string, std::string>({
        {"progress.percent_step=0", "percent_step"},
        {"progress.percent_step=101", "percent_step"},
        {"progress.width=4", "width"},
        {"progress.stream=stdlog", "stream"},
        {"progress.tty=maybe", "tty"},
        {"progress.every=0", "every"},
        {"progress.min_interval=-1", "min_interval"},
        {"progress.metrics=accuracy,,loss", "metrics"},
        {"progress.width=wide", "width"},   // the host's schema check
        {"progress.colour=red", "colour"},  // the host's schema check
    }));
    CAPTURE(opt);
    const auto r = host(dry_run(1, 2, {"--plugin-opt", opt}));
    INFO(r.cmd << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
    CHECK(r.rc == 2);
    CHECK(r.out.empty());
    const auto err = lines_of(r.err);
    REQUIRE(err.size() == 1);
    CHECK(err[0].rfind("ignite-host: error: ", 0) == 0);
    CHECK(contains(err[0], "progress"));
    CHECK(contains(err[0], name));
}

TEST_CASE("progress in train shows Ignite's RunningAverage of the loss and the loggers keep the epoch's mean",
          "[plugins][progress]") {
    // train keeps RunningAverage(alpha=0.98) of its loss (issue 20): the bar's loss= at each
    // epoch's end is what Ignite's RunningAverage gives on the same losses (every loss read
    // back at full precision from the console plugin's json lines, fed to pytorch-ignite as
    // float32 tensors), while metrics.jsonl's avg_loss stays the epoch's mean.
    const auto dir = ignite::test::scratch_dir("ignite_progress_train") / "out";
    std::filesystem::remove_all(dir);
    const auto r = host({"train", "--model", "mlp", "--dataset", "synthetic:300", "--epochs", "2", "--eval-every", "0",
                         "--plugin", "console", "--plugin-opt", "console.every=1", "--plugin-opt",
                         "console.format=json", "--plugin-opt", "console.engines=trainer", "--output-dir",
                         dir.string()});
    INFO(r.err);
    REQUIRE(r.rc == 0);
    std::vector<std::string> finals;
    static const std::regex final_line(R"(\[trainer\] Epoch \d/2 100%.*, loss=([0-9.]+))");
    for (const auto& line : lines_of(r.err)) {
        std::smatch m;
        if (std::regex_search(line, m, final_line)) finals.push_back(m[1]);
    }
    std::string losses;  // per epoch, the iterations' losses
    std::vector<std::size_t> ends;
    for (const auto& line : lines_of(r.out)) {
        if (line.empty() || line.front() != '{') continue;
        const auto j = nlohmann::json::parse(line);
        if (j.at("event") == "ITERATION_COMPLETED") losses += (losses.empty() ? "" : ",") + j.at("output").dump();
        if (j.at("event") == "EPOCH_COMPLETED") ends.push_back(static_cast<std::size_t>(j.at("iteration").get<int>()));
    }
    REQUIRE(ends.size() == 2);
    const auto py = ignite::test::run_process(
        {IGNITE_VENV_PYTHON, "-c",
         "import torch\n"
         "from ignite.engine import Engine, Events\n"
         "from ignite.metrics import RunningAverage\n"
         "e = Engine(lambda e, b: b)\n"
         "RunningAverage(output_transform=lambda x: x).attach(e, 'ra')\n"
         "e.add_event_handler(Events.ITERATION_COMPLETED(event_filter=lambda _, i: i in (" +
             std::to_string(ends[0]) + ", " + std::to_string(ends[1]) +
             ")), lambda e: print('%.4f' % e.state.metrics['ra']))\n"
             "e.run([torch.tensor(v, dtype=torch.float32) for v in [" +
             losses + "]])\n"});
    INFO(py.out << py.err);
    REQUIRE(py.rc == 0);
    REQUIRE(finals.size() == 2);
    CHECK(lines_of(py.out) == finals);
    // The other loggers are unchanged: metrics.jsonl's avg_loss is the epoch's mean, which
    // the smoothed value is not.
    const auto metrics = ignite::test::read_jsonl(dir / "metrics.jsonl");
    REQUIRE(metrics.size() == 2);
    CHECK_FALSE(metrics[0].contains("running_output"));
    char mean[32];
    std::snprintf(mean, sizeof mean, "%.4f", metrics[1]["avg_loss"].get<double>());
    CHECK(finals[1] != mean);
}
