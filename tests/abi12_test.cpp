// What plugin ABI 1.2 promises, as a plugin (and its user) meets it through the real
// ignite-host and the fixture plugins of tests/abi/:
//  - every host call returns the status plugin.h gives its input by meaning (status);
//  - option ranges, choices and lists are validated by the host and shown by `plugins
//    inspect` (frozen12, a C plugin built against the frozen 1.2 header only);
//  - the event info carries the counters; the optimizer's parameter groups are readable
//    and writable (frozen12);
//  - metrics are created as themselves, more than 64 of them (many_metrics, C++ layer);
//  - the SDK's C++ layer takes core's handler shapes and filters (sdk).
#include "support/process.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#ifndef IGNITE_HOST_EXE
#error "IGNITE_HOST_EXE must name the ignite-host binary"
#endif

namespace fs = std::filesystem;

namespace {

using ignite::test::lines_of;

const std::string kFixtureDir = IGNITE_ABI_FIXTURE_DIR;

// ignite-host ARGS with stdout and stderr together, the fixtures on the plugin path.
ignite::test::ProcessResult host(const std::vector<std::string>& args) {
    return ignite::test::run_host(IGNITE_HOST_EXE, args, {.plugin_path = kFixtureDir, .merge_stderr = true});
}

using ignite::test::error_lines;
using ignite::test::has_line;

}  // namespace

TEST_CASE("abi 1.2: every host call returns the status plugin.h gives its input by meaning", "[abi12]") {
    const auto r = host({"dry-run", "--epochs", "1", "--epoch-length", "2", "--eval-every", "1", "--plugin", "status"});
    INFO(r.cmd << "\n" << r.out);
    REQUIRE(r.exited);
    REQUIRE(r.rc == 0);
    // "[status] <call> <case> <STATUS>" lines, as the fixture logs them.
    std::map<std::string, std::string> got;
    for (const auto& l : lines_of(r.out)) {
        if (l.rfind("[status] ", 0) != 0) continue;
        const auto last = l.rfind(' ');
        got[l.substr(9, last - 9)] = l.substr(last + 1);
    }
    const std::map<std::string, std::string> expected = {
        {"engine unknown", "OK"},  // NULL, not an error
        // missing or unknown: NOT_FOUND
        {"option_int unknown", "NOT_FOUND"},
        {"option_string unknown", "NOT_FOUND"},
        {"add_handler unknown_event", "NOT_FOUND"},
        {"add_handler event_of_other_engine", "NOT_FOUND"},
        {"remove_handler unknown", "NOT_FOUND"},
        {"find_event unknown", "NOT_FOUND"},
        {"fire_event unknown", "NOT_FOUND"},
        {"fire_event event_of_other_engine", "NOT_FOUND"},
        {"state_time unknown", "NOT_FOUND"},
        {"state_int missing", "NOT_FOUND"},
        {"state_double missing", "NOT_FOUND"},
        {"state_string missing", "NOT_FOUND"},
        {"metric_name past_end", "NOT_FOUND"},
        {"metric_double missing", "NOT_FOUND"},
        {"value_double past_end", "NOT_FOUND"},
        {"param_group_double no_group", "NOT_FOUND"},
        // mistyped: TYPE
        {"option_int mistyped", "TYPE"},
        {"option_bool mistyped", "TYPE"},
        {"option_double mistyped", "TYPE"},
        {"option_string mistyped", "TYPE"},
        {"state_int mistyped", "TYPE"},
        {"state_double mistyped", "TYPE"},
        {"state_string mistyped", "TYPE"},
        {"value_tensor mistyped", "TYPE"},
        {"keep_tensor mistyped", "TYPE"},
        // not now: STATE
        {"state_int max_epochs_not_yet", "STATE"},
        {"state_int epoch_length_not_yet", "STATE"},
        {"state_time completed_not_yet", "STATE"},
        {"value_double none_yet", "STATE"},
        {"handle_exception outside_handler", "STATE"},
        {"handle_exception wrong_event", "STATE"},
        // the call itself is wrong: INVALID_ARGUMENT
        {"option_int null_name", "INVALID_ARGUMENT"},
        {"add_handler null_fn", "INVALID_ARGUMENT"},
        {"add_handler no_events", "INVALID_ARGUMENT"},
        {"add_handler every_0", "INVALID_ARGUMENT"},
        {"add_handler unknown_filter", "INVALID_ARGUMENT"},
        {"add_handler small_struct", "INVALID_ARGUMENT"},
        {"register_event null_name", "INVALID_ARGUMENT"},
        {"value_count unknown_which", "INVALID_ARGUMENT"},
        {"terminate null_engine", "INVALID_ARGUMENT"},
        {"state_int null_name", "INVALID_ARGUMENT"},
        {"set_state_int counter", "INVALID_ARGUMENT"},
        {"set_state_double null_name", "INVALID_ARGUMENT"},
        {"set_param_group_double negative", "INVALID_ARGUMENT"},
        {"checkpoint_bytes null_out", "INVALID_ARGUMENT"},
        {"checkpoint_bytes_of null_keys", "INVALID_ARGUMENT"},
        {"write_file_durably null_path", "INVALID_ARGUMENT"},
        {"remove_stray_temporaries null_dir", "INVALID_ARGUMENT"},
        {"run_fact_int null_name", "INVALID_ARGUMENT"},
        {"verify_checkpoint null_path", "INVALID_ARGUMENT"},
        {"verify_checkpoint missing_file", "INVALID_ARGUMENT"},  // the file is the bad argument
        {"has_metric null_name", "INVALID_ARGUMENT"},
        // 1.5: facts by name; a fact of the other kind is TYPE
        {"run_fact_string unknown", "NOT_FOUND"},
        {"run_fact_string integer_fact", "TYPE"},
        {"run_fact_int string_fact", "TYPE"},
        {"run_fact_string output_dir", "OK"},
        {"run_fact_int world_size", "OK"},
        {"has_metric unknown", "OK"},  // 0, not an error
        // this host cannot: UNSUPPORTED (dry-run has nothing to checkpoint)
        {"checkpoint_bytes nothing_to_checkpoint", "UNSUPPORTED"},
        {"checkpoint_bytes_of nothing_to_checkpoint", "UNSUPPORTED"},
        // an engine without an optimizer has no parameter groups: 0, not an error
        {"param_group_count no_optimizer", "OK"},
    };
    for (const auto& [what, status] : expected) {
        INFO(what);
        REQUIRE(got.count(what) == 1);
        CHECK(got.at(what) == status);  // "... (no message)" when a failure came without one
    }
    CHECK(got.size() == expected.size());  // every case the fixture logs is pinned here
}

TEST_CASE("abi 1.2: the host validates option ranges, choices and lists (exit 2, one line)", "[abi12]") {
    const auto [opt, expected] = GENERATE(table<std::string, std::string>({
        {"frozen12.every=0", "an integer in 1..100, got '0'"},
        {"frozen12.every=101", "an integer in 1..100, got '101'"},
        {"frozen12.every=two", "an integer in 1..100, got 'two'"},
        {"frozen12.scale=2", "a finite number in 0..1, got '2'"},
        {"frozen12.scale=nan", "a finite number in 0..1, got 'nan'"},
        {"frozen12.mode=fast", "one of log|lr, got 'fast'"},
        {"frozen12.engines=trainer,,evaluator", "without empty items"},
        {"frozen12.engines=trainer,evalutor", "'evalutor' is not among them"},
    }));
    CAPTURE(opt);
    const auto r =
        host({"dry-run", "--epochs", "1", "--epoch-length", "2", "--plugin", "frozen12", "--plugin-opt", opt});
    INFO(r.cmd << "\n" << r.out);
    REQUIRE(r.exited);
    CHECK(r.rc == 2);
    const auto errors = error_lines(r.out);
    REQUIRE(errors.size() == 1);
    CHECK_THAT(errors[0], Catch::Contains("plugin 'frozen12'") && Catch::Contains(expected) &&
                              Catch::Contains("--plugin-opt " + opt.substr(0, opt.find('=')) + "=VALUE"));
    CHECK_FALSE(has_line(r.out, "[frozen12] trainer epoch 1/1 iteration 2 length 2"));  // stopped before the run
}

TEST_CASE("abi 1.2: plugins inspect prints what an option allows", "[abi12]") {
    const auto r = host({"plugins", "inspect", "frozen12"});
    INFO(r.cmd << "\n" << r.out);
    REQUIRE(r.rc == 0);
    CHECK_THAT(r.out, Catch::Contains("abi:         1.2"));
    for (const char* piece :
         {"log every N iterations [in 1..100]", "log, or lr: schedule the lr [one of log|lr]", "lr scale [in 0..1]",
          "engines to log [comma-separated list of trainer|evaluator]", "frozen12_samples"}) {
        INFO(piece);
        CHECK_THAT(r.out, Catch::Contains(piece));
    }
}

TEST_CASE("abi 1.2: an SDK plugin claims the oldest ABI minor whose features it uses", "[abi12]") {
    // opts declares options without ranges: it loads in a 1.0 host. many_metrics' metrics
    // are made by create_metric, which 1.2 added.
    const auto [plugin, abi] = GENERATE(table<std::string, std::string>({{"opts", "1.0"}, {"many_metrics", "1.2"}}));
    const auto r = host({"plugins", "inspect", plugin});
    INFO(r.out);
    REQUIRE(r.rc == 0);
    CHECK_THAT(r.out, Catch::Contains("abi:         " + abi + "\n"));
}

TEST_CASE("abi 1.2: a frozen 1.2 plugin's handlers get the counters with the event", "[abi12]") {
    const auto r =
        host({"dry-run", "--epochs", "2", "--epoch-length", "3", "--eval-every", "1", "--eval-length", "2", "--plugin",
              "frozen12", "--plugin-opt", "frozen12.every=2", "--plugin-opt", "frozen12.engines=trainer,evaluator"});
    INFO(r.cmd << "\n" << r.out);
    REQUIRE(r.rc == 0);  // a mismatch with state_int fails the run
    CHECK(has_line(r.out, "[frozen12] trainer epoch 1/2 iteration 2 length 3"));
    CHECK(has_line(r.out, "[frozen12] trainer epoch 2/2 iteration 4 length 3"));
    CHECK(has_line(r.out, "[frozen12] trainer epoch 2/2 iteration 6 length 3"));
    CHECK(has_line(r.out, "[frozen12] evaluator epoch 1/1 iteration 2 length 2"));
    CHECK_FALSE(has_line(r.out, "[frozen12] trainer epoch 1/2 iteration 3 length 3"));  // every=2
}

// ignite-host train on 80 synthetic samples in batches of 32 (3 iterations, no evaluation)
// with frozen12 scheduling the lr; `optimizer` are the optimizer's flags. The output goes
// to a fresh folder `name`.
ignite::test::ProcessResult train_scheduled(const std::string& name, const std::vector<std::string>& optimizer) {
    const auto out = ignite::test::scratch_dir("ignite_abi12_test") / name;
    fs::remove_all(out);
    std::vector<std::string> args{"train",         "--no-default-plugins", "--plugin", "jsonl",
                                  "--model",       "mlp",
                                  "--dataset",     "synthetic:80",
                                  "--epochs",      "1",
                                  "--batch-size",  "32",
                                  "--lr-schedule", "constant",
                                  "--eval-every",  "0",
                                  "--threads",     "1",
                                  "--output-dir",  out.string(),
                                  "--plugin",      "frozen12",
                                  "--plugin-opt",  "frozen12.mode=lr",
                                  "--plugin-opt",  "frozen12.every=100"};
    args.insert(args.end(), optimizer.begin(), optimizer.end());
    return host(args);
}

TEST_CASE("abi 1.2: a plugin reads the optimizer's parameter groups and schedules the lr", "[abi12]") {
    // The plugin sets lr = 0.5 * 0.01 * iteration at each ITERATION_STARTED.
    const auto r = train_scheduled("lr", {"--lr", "0.03", "--momentum", "0.9"});
    INFO(r.cmd << "\n" << r.out);
    REQUIRE(r.rc == 0);
    CHECK(has_line(r.out, "[frozen12] groups 1 lr 0.03 momentum 0.9 weight_decay 0"));
    CHECK(has_line(r.out, "[frozen12] lr set to 0.005, read back 0.005"));
    CHECK(has_line(r.out, "[frozen12] lr set to 0.015, read back 0.015"));
    const auto lines =
        ignite::test::read_jsonl(ignite::test::scratch_dir("ignite_abi12_test") / "lr" / "metrics.jsonl");
    REQUIRE(lines.size() == 1);
    CHECK(lines[0]["lr"].get<double>() == Approx(0.015));  // the optimizer ran with the lr the plugin set
}

TEST_CASE("abi 1.2: an optimizer without momentum says NOT_FOUND, the plugin logs none", "[abi12]") {
    const auto r = train_scheduled("adam", {"--optimizer", "adam", "--lr", "0.001"});
    INFO(r.cmd << "\n" << r.out);
    REQUIRE(r.rc == 0);
    CHECK(has_line(r.out, "[frozen12] groups 1 lr 0.001 momentum none weight_decay 0"));
}

TEST_CASE("abi 1.2: metrics are created as themselves, more than 64 of one plugin", "[abi12]") {
    SECTION("inspect lists all 70") {
        const auto r = host({"plugins", "inspect", "many_metrics"});
        INFO(r.out);
        REQUIRE(r.rc == 0);
        CHECK_THAT(r.out, Catch::Contains("m0 ") && Catch::Contains("m64 ") && Catch::Contains("m69 "));
    }
    SECTION("train computes m69 as 69 and m3 as 3") {
        const auto out = ignite::test::scratch_dir("ignite_abi12_test") / "many";
        fs::remove_all(out);
        const auto r = host({"train",        "--no-default-plugins", "--plugin", "jsonl",
                             "--model",      "mlp",
                             "--dataset",    "synthetic:80",
                             "--epochs",     "1",
                             "--batch-size", "32",
                             "--threads",    "1",
                             "--output-dir", out.string(),
                             "--plugin",     "many_metrics",
                             "--metric",     "m69",
                             "--metric",     "m3"});
        INFO(r.cmd << "\n" << r.out);
        REQUIRE(r.rc == 0);
        const auto lines = ignite::test::read_jsonl(out / "metrics.jsonl");
        REQUIRE(lines.size() == 2);
        CHECK(lines[1]["m69"].get<double>() == 69);
        CHECK(lines[1]["m3"].get<double>() == 3);
    }
}

TEST_CASE("sdk: handlers take core's shapes, and filters, priorities and | work as in core", "[abi12][sdk]") {
    const auto r = host({"dry-run", "--epochs", "1", "--epoch-length", "6", "--plugin", "sdk"});
    INFO(r.cmd << "\n" << r.out);
    REQUIRE(r.rc == 0);
    std::vector<std::string> got;
    for (const auto& l : lines_of(r.out))
        if (l.rfind("[sdk] ", 0) == 0) got.push_back(l.substr(6));
    // Priority 0 handlers in registration order; every2 (priority 5) after them; p1 before p2.
    const std::vector<std::string> expected = {"words a|b|c", "try_state_int missing: none",
                                               "started",     "epoch_started epoch 1",
                                               "once 1",      "every2 2",
                                               "filter 3",    "once 4",
                                               "every2 4",    "range 5",
                                               "every2 6",    "p1",
                                               "p2",          "end COMPLETED"};
    CHECK(got == expected);
}

TEST_CASE("sdk: an EXCEPTION_RAISED handler taking std::exception_ptr sees the error", "[abi12][sdk]") {
    const auto r =
        host({"dry-run", "--epochs", "1", "--epoch-length", "6", "--plugin", "sdk", "--plugin-opt", "sdk.fail_at=2"});
    INFO(r.cmd << "\n" << r.out);
    CHECK(r.rc == 1);  // observed, not handled: the run fails
    bool seen = false;
    for (const auto& l : lines_of(r.out))
        seen = seen || (l.rfind("[sdk] exception ", 0) == 0 && l.find("boom at 2") != std::string::npos);
    CHECK(seen);
    CHECK_FALSE(has_line(r.out, "[sdk] filter 3"));  // stopped at iteration 2
}
