// The stopping components through `ignite-host train` (issue 20 §2): what a user sees.
//  - terminate_on_nan is on by default: a run that trains to NaN fails (exit 1) with one line
//    naming the iteration and the value, and the checkpoint plugin keeps the last good file
//    as the newest, so --resume auto never picks NaN weights;
//  - early_stopping stops when pytorch-ignite's own EarlyStopping (run in the test on the
//    run's metrics.jsonl) stops, says so in the summary, and with restore_best_weights the
//    checkpoint written at the stop holds the best weights;
//  - time_limit stops, leaves a checkpoint --resume auto takes, and the resumed run spends
//    what is left of the budget;
//  - bad options: one line each naming NAME.key, exit 2.
#include "support/built_host.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using ignite::test::ProcessResult;
using json = nlohmann::json;

namespace {

// 300 synthetic samples, batch 32: 10 iterations per epoch.
const std::string kSmall = "--model mlp --dataset synthetic:300 --batch-size 32 --device cpu --threads 1 ";

ProcessResult train(const std::string& args) { return ignite::test::built_host("train " + args); }

fs::path fresh_dir(const std::string& name) {
    const auto d = ignite::test::scratch_dir("stop_components_test") / name;
    fs::remove_all(d);
    return d;
}

// The iterations of the checkpoint files checkpoint_N.pt in `dir`.
std::vector<std::int64_t> checkpoint_iterations(const fs::path& dir) {
    std::vector<std::int64_t> out;
    const std::regex name(R"(checkpoint_(\d+)\.pt)");
    for (const auto& e : fs::directory_iterator(dir)) {
        std::smatch m;
        const auto file = e.path().filename().string();
        if (std::regex_match(file, m, name)) out.push_back(std::stoll(m[1]));
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string python(const std::vector<std::string>& args) {
    std::vector<std::string> argv{IGNITE_VENV_PYTHON};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = ignite::test::run_process(argv);
    INFO(r.cmd << "\n" << r.err);
    REQUIRE(r.exited);
    REQUIRE(r.rc == 0);
    return r.out;
}

}  // namespace

TEST_CASE("a run that trains to NaN fails with one line naming the iteration and the value", "[terminate_on_nan]") {
    // --lr 10 at a constant rate diverges within two epochs; checkpoints every 2 iterations.
    const auto dir = fresh_dir("nan");
    const auto r = train(kSmall + "--epochs 10 --lr 10 --lr-schedule constant --output-dir " + dir.string() +
                         " --plugin checkpoint --plugin-opt checkpoint.every=2");
    INFO(r.out);
    CHECK(r.rc == 1);
    const auto errors = ignite::test::error_lines(r.out);
    REQUIRE(errors.size() == 1);
    std::smatch m;
    REQUIRE(std::regex_search(errors[0], m,
                              std::regex(R"(^ignite-host: error: terminate_on_nan stopped the trainer at epoch \d+, )"
                                         R"(iteration (\d+): the loss \(the trainer's output\) is (nan|inf|-inf); )")));
    const auto bad_iteration = std::stoll(m[1]);
    // The last good checkpoint is the newest: every file is from before the NaN.
    const auto saved = checkpoint_iterations(dir / "checkpoints");
    REQUIRE_FALSE(saved.empty());
    CHECK(saved.back() < bad_iteration);
    CHECK(saved.back() >= bad_iteration - 2);
    // --resume auto takes it: the resumed run starts from a finite model (and diverges again).
    const auto again = train(kSmall + "--epochs 10 --lr 10 --lr-schedule constant --output-dir " + dir.string() +
                             " --plugin checkpoint --plugin-opt checkpoint.every=2 --resume auto");
    INFO(again.out);
    CHECK(again.rc == 1);
    CHECK_THAT(again.out, Catch::Contains("checkpoint_" + std::to_string(saved.back()) + ".pt"));
    // --no-default-plugins leaves it out: the same run then "succeeds" on NaN weights (exit 0).
    const auto without = train(kSmall +
                               "--epochs 3 --lr 10 --lr-schedule constant --no-default-plugins "
                               "--output-dir " +
                               fresh_dir("nan_off").string());
    CHECK(without.rc == 0);
}

TEST_CASE("early stopping stops where Ignite's EarlyStopping stops and says so", "[early_stopping]") {
    // A small constant learning rate: the test accuracy climbs by steps of 1/60 with plateaus.
    const auto dir = fresh_dir("early");
    const auto r = train(kSmall +
                         "--epochs 15 --lr 0.00002 --lr-schedule constant --no-default-plugins --plugin jsonl "
                         "--output-dir " +
                         dir.string() +
                         " --plugin early_stopping --plugin-opt early_stopping.patience=2 "
                         "--plugin-opt early_stopping.threshold=0.02 "
                         "--plugin-opt early_stopping.restore_best_weights=true --plugin checkpoint");
    INFO(r.out);
    REQUIRE(r.rc == 0);
    std::smatch m;
    REQUIRE(std::regex_search(
        r.out, m,
        std::regex(R"(trained (\d+) of 15 epochs in [0-9.]+ s, stopped early: early_stopping terminated the trainer )"
                   R"(\(handler\) at epoch (\d+), iteration \d+: no improvement in 2 evaluations; best test accuracy )"
                   R"(([0-9.]+) at epoch (\d+), whose weights were restored;)")));
    const auto stop_epoch = std::stoll(m[2]);
    // Ignite 0.5.3 fed the same scores (metrics.jsonl's test accuracy) stops at the same one.
    json scores = json::array();
    for (const auto& line : ignite::test::read_jsonl(dir / "metrics.jsonl"))
        if (line["split"] == "test") scores.push_back(line["accuracy"]);
    const auto cases = dir / "cases.json";
    std::ofstream(cases) << json::array({json{{"scores", scores}, {"patience", 2}, {"min_delta", 0.02}}}).dump();
    // One Python start (seconds each): Ignite's decisions, then the checkpoint saved at the
    // stop: it holds the restored weights (the model is the state's best_weights).
    const auto saved = checkpoint_iterations(dir / "checkpoints");
    REQUIRE(saved.size() == 1);
    const auto out = ignite::test::lines_of(
        python({"-c",
                "import json, sys, torch; sys.path.insert(0, sys.argv[1]); import ignite_early_stopping as m; "
                "print(json.dumps([m.run(c) for c in json.load(open(sys.argv[2]))])); "
                "c = torch.load(sys.argv[3], weights_only=True); w = c['early_stopping']; "
                "print(sorted(w) == ['best_score', 'best_weights', 'counter', 'threshold_mode'], "
                "all(torch.equal(v, w['best_weights'][k]) for k, v in c['model'].items()))",
                std::string(IGNITE_SOURCE_DIR) + "/tests/stop_handlers", cases.string(),
                (dir / "checkpoints" / ("checkpoint_" + std::to_string(saved.back()) + ".pt")).string()}));
    REQUIRE(out.size() == 2);
    const auto theirs = json::parse(out[0])[0]["trace"];
    CHECK(out[1] == "True True");
    REQUIRE(theirs.size() == static_cast<std::size_t>(stop_epoch));  // no evaluation after the stop
    CHECK(theirs.back()[2].get<bool>());
    for (std::size_t k = 0; k + 1 < theirs.size(); ++k) CHECK_FALSE(theirs[k][2].get<bool>());
    CHECK(std::stod(m[3]) == Approx(theirs.back()[1].get<double>()).margin(1e-4));
}

TEST_CASE("time limit stops the run and leaves a checkpoint that resume auto continues on the same budget",
          "[time_limit]") {
    // 3000 samples, 94 iterations per epoch: 30 epochs take well over the 1 s limit.
    const auto dir = fresh_dir("time");
    const std::string args =
        "--model mlp --dataset synthetic:3000 --batch-size 32 --device cpu --threads 1 "
        "--epochs 30 --no-default-plugins --plugin jsonl --output-dir " +
        dir.string() + " --plugin checkpoint --plugin time_limit --plugin-opt time_limit.limit_sec=1";
    const auto first = train(args);
    INFO(first.out);
    REQUIRE(first.rc == 0);
    std::smatch m;
    REQUIRE(
        std::regex_search(first.out, m,
                          std::regex(R"(stopped early: time_limit terminated the trainer \(handler\) at epoch \d+, )"
                                     R"(iteration (\d+): its limit of 1 s was used up)")));
    const auto stopped_at = std::stoll(m[1]);
    CHECK(checkpoint_iterations(dir / "checkpoints").back() == stopped_at);
    // The budget is spent: the resumed run stops after its first iteration, from the checkpoint.
    const auto second = train(args + " --resume auto");
    INFO(second.out);
    REQUIRE(second.rc == 0);
    CHECK_THAT(second.out, Catch::Contains("checkpoint_" + std::to_string(stopped_at) + ".pt"));
    CHECK_THAT(second.out, Catch::Contains("time_limit terminated the trainer (handler) at epoch"));
    CHECK_THAT(second.out, Catch::Contains("iteration " + std::to_string(stopped_at + 1) + ": its limit of 1 s"));
    CHECK(checkpoint_iterations(dir / "checkpoints").back() == stopped_at + 1);
}

TEST_CASE("bad stopping options get one line naming the option and exit 2", "[early_stopping]") {
    struct Row {
        std::string args, names;
    };
    const std::vector<Row> rows = {
        {"--plugin early_stopping", "early_stopping.patience"},
        {"--plugin early_stopping --plugin-opt early_stopping.patience=0", "early_stopping.patience"},
        {"--plugin early_stopping --plugin-opt early_stopping.patience=2 --plugin-opt early_stopping.mode=avg",
         "early_stopping.mode"},
        {"--plugin early_stopping --plugin-opt early_stopping.patience=2 --plugin-opt early_stopping.threshold=-1",
         "early_stopping.threshold"},
        {"--plugin early_stopping --plugin-opt early_stopping.patience=2 --plugin-opt early_stopping.nan=ignore",
         "early_stopping.nan"},
        {"--plugin early_stopping --plugin-opt early_stopping.patience=2 --plugin-opt early_stopping.metric=f1",
         "early_stopping.metric 'f1' is not a metric of the evaluator"},
        {"--plugin early_stopping --plugin-opt early_stopping.patience=2 --plugin-opt early_stopping.min_delta=abc",
         "early_stopping.min_delta: 'abc' is not a number >= 0"},
        {"--plugin early_stopping --plugin-opt early_stopping.patience=2 --plugin-opt "
         "early_stopping.cumulative_delta=maybe",
         "early_stopping.cumulative_delta: 'maybe' is not true or false"},
        {"--plugin early_stopping --plugin-opt early_stopping.patience=2 --eval-every 0",
         "early_stopping scores the evaluator, which never runs in this run"},
        {"--plugin time_limit --plugin-opt time_limit.limit_sec=0", "time_limit.limit_sec"},
        {"--plugin terminate_on_nan --plugin-opt terminate_on_nan.every=2", "terminate_on_nan"},
    };
    for (const auto& row : rows) {
        const auto r = train(kSmall + "--epochs 1 --no-default-plugins --output-dir " + fresh_dir("bad").string() +
                             " " + row.args);
        INFO(row.args << "\n" << r.out);
        CHECK(r.rc == 2);
        const auto errors = ignite::test::error_lines(r.out);
        REQUIRE(errors.size() == 1);
        CHECK_THAT(errors[0], Catch::Contains(row.names));
    }
}

TEST_CASE("plugins inspect shows the stopping components with Ignite's option names", "[early_stopping]") {
    const auto r = ignite::test::built_host("plugins inspect early_stopping");
    INFO(r.out);
    REQUIRE(r.rc == 0);
    for (const char* option : {"patience", "metric", "mode", "threshold", "threshold_mode", "cumulative", "min_delta",
                               "cumulative_delta", "nan", "restore_best_weights"}) {
        CHECK(std::regex_search(r.out, std::regex(std::string(R"(\n  )") + option + " ")));
    }
    CHECK(ignite::test::has_line(r.out, "state:       early_stopping"));
    CHECK(
        ignite::test::has_line(ignite::test::built_host("plugins inspect time_limit").out, "state:       time_limit"));
    CHECK(ignite::test::built_host("plugins inspect terminate_on_nan").rc == 0);
}
