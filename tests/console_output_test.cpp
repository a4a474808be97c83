// What ignite-host writes to the terminal with several writers at once (issue 19 §4), as a user
// sees it: the console plugin's lines above the progress bar (never on it), the bar's fields
// (this epoch's running loss; the epoch's metrics only in its final line), --quiet, --log-format
// json, and the summary's counts ("trained 1 epoch"). The bar with two engines at once:
// tests/progress_status_test.cpp; the bar alone: tests/progress_test.cpp.
#include "support/built_host.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using ignite::test::lines_of;
using ignite::test::run_host;

namespace {

const fs::path& root() {
    static const auto dir = ignite::test::scratch_dir("ignite_console_output");
    return dir;
}

// `ignite-host train ARGS` into ROOT/NAME, stdout and stderr apart (files: no terminal).
ignite::test::ProcessResult train(const std::string& name, const std::string& args) {
    fs::remove_all(root() / name);
    return run_host(
        IGNITE_HOST_EXE,
        ignite::test::words_of("train --model mlp --threads 1 " + args + " --output-dir " + (root() / name).string()),
        {.plugin_path = IGNITE_PLUGIN_DIR, .cwd = root()});
}

constexpr const char* kSmall = "--dataset synthetic:200 --batch-size 40 --lr-schedule constant";

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("console lines land above the progress bar and the bar is drawn again under them", "[console_output]") {
    // 4000 samples, batch 8: 500 iterations, a console line at 400, the bar drawn (--tty always).
    const auto r = train("above",
                         "--dataset synthetic:4000 --batch-size 8 --epochs 1 --eval-every 0 --plugin console "
                         "--plugin-opt console.every=400 --tty always");
    INFO(r.cmd << "\n" << r.err);
    REQUIRE(r.rc == 0);
    const std::string erase = "\x1b[J", bar_end = "\x1b[K";
    std::size_t lines = 0;
    for (const std::string what :
         {"[console] [trainer] epoch 1/1 iteration 400: output=", "[console] [trainer] epoch 1/1 done in "}) {
        INFO(what);
        const auto at = r.err.find(what);
        REQUIRE(at != std::string::npos);
        ++lines;
        // The area was erased first: the line starts where the bar was, not after it.
        REQUIRE(at >= erase.size());
        CHECK(r.err.compare(at - erase.size(), erase.size(), erase) == 0);
        // The line is whole, and the bar comes back under it.
        const auto nl = r.err.find('\n', at);
        REQUIRE(nl != std::string::npos);
        CHECK_FALSE(contains(r.err.substr(at, nl - at), bar_end));
        CHECK(r.err.compare(nl + 1, 17, "[trainer] Epoch 1") == 0);
    }
    CHECK(lines == 2);
    // Never a console line glued to a bar's line.
    CHECK_FALSE(contains(r.err, bar_end + "[console]"));
}

TEST_CASE("the bar shows this epoch's running loss, and the epoch's metrics only in its final line",
          "[console_output]") {
    const auto r = train("fields", std::string(kSmall) + " --epochs 2");
    INFO(r.err);
    REQUIRE(r.rc == 0);
    std::size_t during = 0, finals = 0;
    for (const auto& line : lines_of(r.err)) {
        if (!contains(line, "[progress] [trainer] Epoch 2/2")) continue;
        if (contains(line, "100%|")) {
            ++finals;
            CHECK(std::regex_search(line, std::regex(R"(, loss=[0-9.]+, avg_loss=[0-9.]+\]$)")));
        } else {
            ++during;
            // Not last epoch's avg_loss next to this epoch's loss (the newcomer's `loss=0.3085,
            // avg_loss=0.4656` at 25% of epoch 2).
            CHECK_FALSE(contains(line, "avg_loss"));
            CHECK(std::regex_search(line, std::regex(R"(, loss=[0-9.]+\]$)")));
        }
    }
    CHECK(during == 3);
    CHECK(finals == 1);
}

TEST_CASE("a quiet run (--quiet) shows no bar and no info lines, only warnings, errors and the summary",
          "[console_output]") {
    SECTION("a run that goes well: stderr is empty, stdout has the summary") {
        const auto r = train("quiet", std::string(kSmall) +
                                          " --epochs 2 --plugin console --plugin-opt console.every=1 "
                                          "--quiet");
        INFO(r.err);
        REQUIRE(r.rc == 0);
        CHECK(r.err.empty());
        CHECK_THAT(r.out, Catch::StartsWith("trained 2 epochs in "));
    }
    SECTION("a plugin's warning still shows") {
        const auto r = train("quiet_warning", std::string(kSmall) +
                                                  " --epochs 1 --plugin csv --plugin metrics --metric confusion_matrix "
                                                  "--quiet");
        REQUIRE(r.rc == 0);
        const auto err = lines_of(r.err);
        REQUIRE(err.size() == 1);
        CHECK_THAT(err[0], Catch::StartsWith("[csv] warning: metric 'confusion_matrix' has 2 dimensions"));
    }
    SECTION("an error still shows") {
        const auto r = train("quiet_error", std::string(kSmall) + " --epochs 0 --quiet");
        CHECK(r.rc == 2);
        const auto err = lines_of(r.err);
        REQUIRE(err.size() == 1);
        CHECK_THAT(err[0], Catch::StartsWith("ignite-host: error: ") && Catch::Contains("--epochs"));
    }
}

TEST_CASE("json logging (--log-format json) writes every host and plugin log line on stderr as one JSON object",
          "[console_output]") {
    const auto r = train("json", std::string(kSmall) +
                                     " --epochs 1 --plugin console --plugin-opt console.every=2 --plugin csv --plugin "
                                     "metrics --metric confusion_matrix --log-format json --tty always");
    INFO(r.err);
    REQUIRE(r.rc == 0);
    CHECK(r.err.find('\x1b') == std::string::npos);  // no status area, even with --tty always
    std::set<std::string> sources, levels;
    const std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
    for (const auto& line : lines_of(r.err)) {
        INFO(line);
        const auto j = nlohmann::json::parse(line);
        REQUIRE(j.is_object());
        CHECK(j.size() == 4);
        REQUIRE(j.contains("level"));
        REQUIRE(j.contains("source"));
        REQUIRE(j.contains("message"));
        REQUIRE(j.contains("time"));
        CHECK(std::regex_match(j["time"].get<std::string>(), iso));
        sources.insert(j["source"].get<std::string>());
        levels.insert(j["level"].get<std::string>());
        // The message is the line without its source and level prefixes.
        CHECK_FALSE(contains(j["message"].get<std::string>(), "ignite-host:"));
        CHECK_FALSE(contains(j["message"].get<std::string>(), "[csv]"));
    }
    CHECK(sources == std::set<std::string>{"ignite-host", "progress", "console", "csv"});
    CHECK(levels == std::set<std::string>{"info", "warning"});
    CHECK_THAT(r.out, Catch::StartsWith("trained 1 epoch in "));  // the summary stays on stdout

    SECTION("an error too") {
        const auto bad = train("json_error", std::string(kSmall) + " --epochs 0 --log-format json");
        CHECK(bad.rc == 2);
        const auto err = lines_of(bad.err);
        REQUIRE(err.size() == 1);
        const auto j = nlohmann::json::parse(err[0]);
        CHECK(j["level"] == "error");
        CHECK(j["source"] == "ignite-host");
        CHECK(contains(j["message"].get<std::string>(), "--epochs"));
    }
    SECTION("a bad --log-format or --tty is one line, exit 2") {
        for (const std::string bad : {"--log-format xml", "--tty sometimes"}) {
            const auto b = train("bad_console", std::string(kSmall) + " --epochs 1 " + bad);
            INFO(b.err);
            CHECK(b.rc == 2);
            const auto err = lines_of(b.err);
            REQUIRE(err.size() == 1);
            CHECK(contains(err[0], bad.substr(0, bad.find(' '))));
        }
    }
}

TEST_CASE("the summary counts in the singular for one: trained 1 epoch, 1 iteration", "[console_output]") {
    CHECK_THAT(train("one", std::string(kSmall) + " --epochs 1").out, Catch::StartsWith("trained 1 epoch in "));
    CHECK_THAT(train("two", std::string(kSmall) + " --epochs 2").out, Catch::StartsWith("trained 2 epochs in "));
    const auto dry = ignite::test::built_host("dry-run --epochs 1 --epoch-length 1 --eval-every 1 --eval-length 1");
    CHECK_THAT(dry.out, Catch::Contains("dry-run: 1 epoch x 1 iteration, evaluator every epoch (1 iteration);"));
}
