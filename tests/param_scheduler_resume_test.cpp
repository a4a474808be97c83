// The lr_schedule component through `ignite-host train`: a run resumed from a checkpoint taken
// mid-cycle (mid-epoch, inside the warm-up's successor) ends bit for bit where the
// uninterrupted run ends (weights, the scheduler's state, the lr of every epoch), and
// TensorBoard's lr/group_0 holds, at each iteration, the value `ignite-host schedule` prints
// for that event: the lr the iteration ran with; Python's Ignite continues from the state.
#include "support/built_host.hpp"
#include "support/process.hpp"

#include <ignite/core/checkpoint_file.hpp>

#include <torch/torch.h>

// LibTorch headers first: c10's logging defines CHECK, which catch.hpp must override.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using ignite::test::built_host;

namespace {

// 300 synthetic images in batches of 32: 10 iterations per epoch; 3 epochs.
const std::string kRun =
    "train --model mlp --dataset synthetic:300 --batch-size 32 --device cpu --threads 1 --epochs 3 --lr 0.05 "
    "--eval-every 0 --no-default-plugins --plugin jsonl --plugin checkpoint --plugin tensorboard "
    "--plugin-opt tensorboard.log_every_iters=1 --plugin-opt checkpoint.every=5 --plugin-opt checkpoint.n_saved=0 "
    "--plugin-opt lr_schedule.scheduler=step --plugin-opt lr_schedule.step_size=4 --plugin-opt lr_schedule.gamma=0.7 "
    "--plugin-opt lr_schedule.warmup_duration=6 --plugin-opt lr_schedule.warmup_start_value=0.001";

}  // namespace

TEST_CASE("a schedule resumed mid-cycle through --resume ends bit for bit as the uninterrupted run", "[scheduler][checkpoint]") {
    const auto dir = ignite::test::scratch_dir("sched_resume");
    auto r = built_host(kRun + " --output-dir " + (dir / "full").string() + " --plugin-opt checkpoint.dirname=" +
                        (dir / "ck_full").string());
    INFO(r.out);
    REQUIRE(r.rc == 0);
    // Resume from iteration 15: mid-epoch, in the StepLR part after the warm-up.
    r = built_host(kRun + " --output-dir " + (dir / "resumed").string() + " --plugin-opt checkpoint.dirname=" +
                   (dir / "ck_resumed").string() + " --resume " + (dir / "ck_full" / "checkpoint_15.pt").string());
    INFO(r.out);
    REQUIRE(r.rc == 0);
    const auto full = ignite::checkpoint::load(dir / "ck_full" / "checkpoint_30.pt").toGenericDict();
    const auto resumed = ignite::checkpoint::load(dir / "ck_resumed" / "checkpoint_30.pt").toGenericDict();
    CHECK(full.at("lr_scheduler") == resumed.at("lr_scheduler"));
    CHECK(full.at("lr_scheduler").toGenericDict().at("schedulers").toList().get(1).toGenericDict().at("event_index") ==
          c10::IValue(std::int64_t{24}));
    const auto a = full.at("model").toGenericDict();
    const auto b = resumed.at("model").toGenericDict();
    REQUIRE(a.size() == b.size());
    for (const auto& item : a) {
        INFO(item.key().toStringRef());
        CHECK(torch::equal(item.value().toTensor(), b.at(item.key()).toTensor()));
    }
    const auto lines_full = ignite::test::read_jsonl(dir / "full" / "metrics.jsonl");
    const auto lines_resumed = ignite::test::read_jsonl(dir / "resumed" / "metrics.jsonl");
    REQUIRE(lines_full.size() == 3);
    REQUIRE(lines_resumed.size() >= 2);
    CHECK(lines_full.back()["lr"] == lines_resumed.back()["lr"]);

    // TensorBoard's lr/group_0 at iteration i is `schedule`'s value for event i - 1.
    const auto sim = ignite::test::run_process(
        {IGNITE_HOST_EXE, "schedule", "--simulate", "30", "--lr", "0.05", "--plugin-opt", "lr_schedule.scheduler=step",
         "--plugin-opt", "lr_schedule.step_size=4", "--plugin-opt", "lr_schedule.gamma=0.7", "--plugin-opt",
         "lr_schedule.warmup_duration=6", "--plugin-opt", "lr_schedule.warmup_start_value=0.001"});
    REQUIRE(sim.rc == 0);
    std::vector<double> expected;
    std::istringstream in(sim.out);
    std::int64_t event = 0;
    double value = 0;
    while (in >> event >> value) expected.push_back(value);
    REQUIRE(expected.size() == 30);
    const auto tb = ignite::test::run_process(
        {IGNITE_VENV_PYTHON, (fs::path(IGNITE_SOURCE_DIR) / "tests/param_scheduler_reference/tb_scalars.py").string(),
         (dir / "full" / "tb").string(), "lr/group_0"});
    INFO(tb.out);
    REQUIRE(tb.rc == 0);
    const auto scalars = nlohmann::json::parse(tb.out);
    REQUIRE(scalars.size() == 30);
    for (const auto& s : scalars) {
        const auto step = s[0].get<std::int64_t>();
        INFO("iteration " << step);
        // TensorBoard keeps float32.
        CHECK(s[1].get<double>() == Approx(expected.at(static_cast<std::size_t>(step - 1))).epsilon(1e-6));
    }

    // Python's Ignite loads the mid-cycle state (Checkpoint.load_objects) and continues with
    // the values this run took after iteration 15.
    const auto py = ignite::test::run_process(
        {IGNITE_VENV_PYTHON,
         (fs::path(IGNITE_SOURCE_DIR) / "tests/param_scheduler_reference/continue_step_warmup.py").string(),
         (dir / "ck_full" / "checkpoint_15.pt").string(), "15"});
    INFO(py.out);
    REQUIRE(py.rc == 0);
    const auto next = nlohmann::json::parse(py.out);
    REQUIRE(next.size() == 15);
    for (std::size_t i = 0; i < 15; ++i) CHECK(next[i].get<double>() == expected[15 + i]);
}

TEST_CASE("plateau reduces the lr after evaluations as Ignite's ReduceLROnPlateauScheduler and resumes exactly",
          "[scheduler][checkpoint]") {
    const auto dir = ignite::test::scratch_dir("sched_plateau");
    const std::string run =
        "train --model mlp --dataset synthetic:300 --batch-size 32 --device cpu --threads 1 --epochs 4 --lr 0.05 "
        "--eval-every 1 --no-default-plugins --plugin jsonl --plugin checkpoint --plugin-opt checkpoint.n_saved=0 "
        "--plugin-opt lr_schedule.scheduler=plateau --plugin-opt lr_schedule.metric_name=accuracy "
        "--plugin-opt lr_schedule.mode=max --plugin-opt lr_schedule.patience=0 --plugin-opt lr_schedule.factor=0.5 "
        "--plugin-opt lr_schedule.threshold=0.01";
    auto r = built_host(run + " --output-dir " + (dir / "full").string() + " --plugin-opt checkpoint.dirname=" +
                        (dir / "ck_full").string());
    INFO(r.out);
    REQUIRE(r.rc == 0);
    std::vector<double> accuracy, lr;
    for (const auto& line : ignite::test::read_jsonl(dir / "full" / "metrics.jsonl")) {
        if (line["split"] == "test") accuracy.push_back(line["accuracy"].get<double>());
        if (line["split"] == "train") lr.push_back(line["lr"].get<double>());
    }
    REQUIRE(accuracy.size() == 4);
    REQUIRE(lr.size() == 4);
    // Ignite on the same accuracies: its lr after evaluation e is the lr of epoch e + 1.
    nlohmann::json cases = nlohmann::json::array();
    cases.push_back({{"options",
                      {{"scheduler", "plateau"}, {"mode", "max"}, {"patience", "0"}, {"factor", "0.5"},
                       {"threshold", "0.01"}}},
                     {"n", 4},
                     {"lr", 0.05},
                     {"metrics", accuracy}});
    const auto file = dir / "cases.json";
    std::ofstream(file) << cases.dump();
    const auto py = ignite::test::run_process(
        {IGNITE_VENV_PYTHON, (fs::path(IGNITE_SOURCE_DIR) / "tests/param_scheduler_reference/simulate.py").string(),
         file.string()});
    INFO(py.out);
    REQUIRE(py.rc == 0);
    const auto rows = nlohmann::json::parse(py.out).at(0);
    CHECK(lr[0] == 0.05);
    for (std::size_t e = 1; e < 4; ++e) CHECK(lr[e] == Approx(rows[e - 1][1].get<double>()).epsilon(1e-12));
    CHECK(lr.back() < 0.05);  // the run did reduce: the case tests something

    r = built_host(run + " --output-dir " + (dir / "resumed").string() + " --plugin-opt checkpoint.dirname=" +
                   (dir / "ck_resumed").string() + " --resume " + (dir / "ck_full" / "checkpoint_20.pt").string());
    INFO(r.out);
    REQUIRE(r.rc == 0);
    const auto full = ignite::checkpoint::load(dir / "ck_full" / "checkpoint_40.pt").toGenericDict();
    const auto resumed = ignite::checkpoint::load(dir / "ck_resumed" / "checkpoint_40.pt").toGenericDict();
    CHECK(full.at("lr_scheduler") == resumed.at("lr_scheduler"));
    const auto a = full.at("model").toGenericDict();
    const auto b = resumed.at("model").toGenericDict();
    for (const auto& item : a) CHECK(torch::equal(item.value().toTensor(), b.at(item.key()).toTensor()));

    // A metric the evaluator lacks fails the run at the first evaluation, naming the option.
    r = built_host(run + " --output-dir " + (dir / "bad").string() +
                   " --plugin-opt lr_schedule.metric_name=acc --plugin-opt checkpoint.dirname=" + (dir / "ck_bad").string());
    CHECK(r.rc == 1);
    CHECK_THAT(r.out, Catch::Contains("lr_schedule.metric_name 'acc': the evaluator has no such metric (it has: "
                                      "accuracy, loss)"));
}
