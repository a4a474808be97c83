// Where a run's time goes (issue 20 §3): the host's always-on profiler (host/src/train/profile.*)
// on engines alone, and profile.json as `ignite-host train` leaves it, read back: every default
// participant named, counts equal to the events fired, totals consistent, a failed run's too.
#include "train/profile.hpp"

#include "support/process.hpp"

#include <ignite/core/engine.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <set>
#include <string>

namespace fs = std::filesystem;
using namespace ignite;
using ignite::host::EngineTimes;
using ignite::host::RunProfiler;

namespace {

const ignite::host::HandlerTimes* row(const EngineTimes& e, const std::string& handler, const std::string& event) {
    for (const auto& h : e.handlers)
        if (h.handler == handler && h.event == event) return &h;
    return nullptr;
}

nlohmann::json read_json(const fs::path& p) {
    const auto text = ignite::test::read_file(p);
    INFO(p.string());
    REQUIRE(!text.empty());
    return nlohmann::json::parse(text);
}

const nlohmann::json* engine_of(const nlohmann::json& profile, const std::string& name) {
    for (const auto& e : profile["engines"])
        if (e["engine"] == name) return &e;
    return nullptr;
}

std::int64_t calls(const nlohmann::json& engine, const std::string& handler, const std::string& event) {
    for (const auto& h : engine["handlers"])
        if (h["handler"] == handler && h["event"] == event) return h["calls"].get<std::int64_t>();
    return 0;
}

// Each stat's own arithmetic: mean = total / calls, max between mean and total, nothing negative.
void check_stat(const nlohmann::json& s, double wall) {
    INFO(s.dump());
    const auto n = s["calls"].get<std::int64_t>();
    const double total = s["total"], mean = s["mean"], max = s["max"];
    CHECK(n >= 0);
    CHECK(total >= 0.0);
    CHECK(total <= wall);
    if (n == 0) return;
    CHECK(mean == Approx(total / static_cast<double>(n)));
    CHECK(max <= total + 1e-12);
    CHECK(max >= mean - 1e-12);
}

ignite::test::ProcessResult run_train(const std::string& args) {
    return ignite::test::run_host(IGNITE_HOST_EXE, ignite::test::words_of(args),
                                  {.plugin_path = IGNITE_PLUGIN_DIR, .merge_stderr = true});
}

}  // namespace

TEST_CASE("the profiler counts every handler call by label and event with filters applied", "[profile]") {
    Engine e([](Engine&, const c10::IValue&) {});
    {
        const auto scope = e.label_handlers("console");
        e.add_event_handler(Events::ITERATION_COMPLETED, [] {});
        e.add_event_handler(Events::ITERATION_COMPLETED.every(2), [] {});  // same row: same label and event
        e.add_event_handler(Events::EPOCH_COMPLETED, [] {});
    }
    e.add_event_handler(Events::COMPLETED, [] {});  // unlabelled: the host's
    RunProfiler profiler;
    profiler.watch("trainer", e);
    e.run(data::range(5), 3);
    const auto t = profiler.times().at(0);
    CHECK(t.engine == "trainer");
    REQUIRE(row(t, "console", "ITERATION_COMPLETED"));
    CHECK(row(t, "console", "ITERATION_COMPLETED")->stat.calls == 15 + 7);  // every 2 of 15 iterations: 7
    CHECK(row(t, "console", "EPOCH_COMPLETED")->stat.calls == 3);
    CHECK(row(t, "host", "COMPLETED")->stat.calls == 1);
    CHECK(t.handlers.size() == 3);
    CHECK(t.dataflow.calls == 15);  // GET_BATCH_STARTED -> COMPLETED, with no handler on either
    CHECK(t.processing.calls == 15);
}

TEST_CASE("a handler that runs another engine includes that engine's time and both are profiled", "[profile]") {
    Engine evaluator([](Engine&, const c10::IValue&) {});
    Engine trainer([](Engine&, const c10::IValue&) {});
    {
        const auto scope = evaluator.label_handlers("metric");
        evaluator.add_event_handler(Events::ITERATION_COMPLETED, [] {});
    }
    {
        const auto scope = trainer.label_handlers("evaluation");
        trainer.add_event_handler(Events::EPOCH_COMPLETED, [&] { evaluator.run(data::range(4)); });
    }
    RunProfiler profiler;
    profiler.watch("trainer", trainer);
    profiler.watch("evaluator", evaluator);
    trainer.run(data::range(2), 2);
    const auto times = profiler.times();
    const auto& outer = row(times[0], "evaluation", "EPOCH_COMPLETED")->stat;
    const auto& inner = row(times[1], "metric", "ITERATION_COMPLETED")->stat;
    CHECK(outer.calls == 2);
    CHECK(inner.calls == 8);
    CHECK(times[1].processing.calls == 8);
    CHECK(outer.total >= inner.total + times[1].processing.total);  // inclusive
}

TEST_CASE("a throwing handler is still counted and an exception observer too", "[profile]") {
    Engine e([](Engine&, const c10::IValue&) {});
    {
        const auto scope = e.label_handlers("boom");
        e.add_event_handler(Events::ITERATION_COMPLETED, [](Engine& en) {
            if (en.state.iteration == 3) throw std::runtime_error("boom");
        });
        e.add_exception_observer(Priority{}, [](Engine&) {});
    }
    RunProfiler profiler;
    profiler.watch("trainer", e);
    CHECK_THROWS_WITH(e.run(data::range(5), 1), "boom");
    const auto t = profiler.times().at(0);
    CHECK(row(t, "boom", "ITERATION_COMPLETED")->stat.calls == 3);
    CHECK(row(t, "boom", "EXCEPTION_RAISED")->stat.calls == 1);
}

TEST_CASE("train writes profile.json naming every default participant with the counts of the events fired",
          "[profile][host]") {
    const auto dir = ignite::test::scratch_dir("profile_defaults") / "out";
    fs::remove_all(dir);
    // synthetic:400 with --val-split 0.2: 320 training images, 8 batches of 40, 16 iterations.
    const auto r = run_train("train --model mlp --dataset synthetic:400 --val-split 0.2 --epochs 2 --batch-size 40 "
                        "--threads 1 --device cpu --output-dir " +
                        dir.string());
    INFO(r.out);
    REQUIRE(r.rc == 0);
    CHECK_THAT(r.out, Catch::Contains("\n  profile.json ") && Catch::Contains("(docs/profile.md)\n"));
    const auto profile = read_json(dir / "profile.json");
    CHECK(profile["version"] == 1);
    CHECK(profile["outcome"] == "completed");
    const double wall = profile["wall_seconds"];
    CHECK(wall > 0.0);

    // The defaults (train_plugins.cpp) and the cosine schedule, each with at least one row.
    const std::set<std::string> defaults = {"progress", "jsonl",       "tensorboard",     "csv",
                                            "report",   "lr_schedule", "terminate_on_nan"};
    std::set<std::string> listed, timed;
    for (const auto& p : profile["participants"]) listed.insert(p.get<std::string>());
    CHECK(listed == defaults);
    for (const auto& e : profile["engines"])
        for (const auto& h : e["handlers"]) timed.insert(h["handler"].get<std::string>());
    for (const auto& name : defaults) {
        INFO(name);
        CHECK(timed.count(name) == 1);
    }

    const auto* trainer = engine_of(profile, "trainer");
    const auto* validation = engine_of(profile, "validation");
    const auto* evaluator = engine_of(profile, "evaluator");
    REQUIRE(trainer);
    REQUIRE(validation);
    REQUIRE(evaluator);
    CHECK((*trainer)["dataflow"]["calls"] == 16);
    CHECK((*trainer)["processing"]["calls"] == 16);
    CHECK(calls(*trainer, "lr_schedule", "ITERATION_STARTED") == 16);
    CHECK(calls(*trainer, "report", "ITERATION_COMPLETED") == 16);
    CHECK(calls(*trainer, "progress", "ITERATION_COMPLETED") == 16);
    CHECK(calls(*trainer, "terminate_on_nan", "ITERATION_COMPLETED") == 16);
    CHECK(calls(*trainer, "jsonl", "EPOCH_COMPLETED") == 2);
    CHECK(calls(*trainer, "report", "STARTED") == 1);
    CHECK(calls(*trainer, "csv", "COMPLETED") == 1);
    CHECK(calls(*evaluator, "jsonl", "COMPLETED") == 2);  // one evaluation per epoch
    CHECK(calls(*validation, "jsonl", "COMPLETED") == 2);

    // Totals: each stat is consistent, and the trainer's rows (none nests in another of the
    // trainer's) with its data loading and processing fit in the run's wall time.
    double trainer_sum = 0;
    for (const auto& e : profile["engines"]) {
        check_stat(e["dataflow"], wall);
        check_stat(e["processing"], wall);
        for (const auto& h : e["handlers"]) check_stat(h, wall);
    }
    for (const auto& h : (*trainer)["handlers"]) trainer_sum += h["total"].get<double>();
    trainer_sum += (*trainer)["dataflow"]["total"].get<double>() + (*trainer)["processing"]["total"].get<double>();
    CHECK(trainer_sum <= wall);
    // The evaluations run inside the host's trainer EPOCH_COMPLETED handler.
    double evaluator_sum = 0;
    for (const auto* e : {evaluator, validation}) {
        for (const auto& h : (*e)["handlers"]) evaluator_sum += h["total"].get<double>();
        evaluator_sum += (*e)["processing"]["total"].get<double>() + (*e)["dataflow"]["total"].get<double>();
    }
    double host_epoch_end = 0;
    for (const auto& h : (*trainer)["handlers"])
        if (h["handler"] == "host" && h["event"] == "EPOCH_COMPLETED") host_epoch_end = h["total"];
    CHECK(evaluator_sum <= host_epoch_end);
}

TEST_CASE("a failed run still writes profile.json up to the failure", "[profile][host]") {
    const auto dir = ignite::test::scratch_dir("profile_failed") / "out";
    fs::remove_all(dir);
    // 15 iterations per epoch; the fixture's handler fails at iteration 20, in epoch 2.
    const auto r = run_train("train --model mlp --dataset synthetic:480 --epochs 3 --batch-size 32 --eval-every 0 "
                        "--threads 1 --device cpu --no-default-plugins --plugin " HANDLERFAIL_PLUGIN
                        " --plugin-opt handlerfail.at=20 --output-dir " +
                        dir.string());
    INFO(r.out);
    REQUIRE(r.rc == 1);
    const auto profile = read_json(dir / "profile.json");
    CHECK(profile["outcome"] == "failed");
    const auto* trainer = engine_of(profile, "trainer");
    REQUIRE(trainer);
    CHECK(calls(*trainer, "handlerfail", "ITERATION_COMPLETED") == 20);
    CHECK((*trainer)["processing"]["calls"] == 20);
    CHECK((*trainer)["dataflow"]["calls"] == 20);
}

TEST_CASE("the timer component writes data_time and iter_time into every train line and agrees with the profile",
          "[profile][timer][host]") {
    const auto dir = ignite::test::scratch_dir("profile_timer") / "out";
    fs::remove_all(dir);
    // synthetic:400: 10 batches of 40 per epoch.
    const auto r = run_train("train --model mlp --dataset synthetic:400 --epochs 2 --batch-size 40 --threads 1 "
                             "--device cpu --no-default-plugins --plugin jsonl --plugin timer --output-dir " +
                             dir.string());
    INFO(r.out);
    REQUIRE(r.rc == 0);
    double iter_total = 0, data_total = 0;
    std::int64_t lines = 0, previous_iteration = 0;
    for (const auto& line : ignite::test::lines_of(ignite::test::read_file(dir / "metrics.jsonl"))) {
        const auto j = nlohmann::json::parse(line);
        if (j["split"] != "train") continue;
        INFO(line);
        ++lines;
        REQUIRE(j.contains("data_time"));
        REQUIRE(j.contains("iter_time"));
        const double data = j["data_time"], iter = j["iter_time"], epoch = j["epoch_seconds"];
        const auto iterations = j["iteration"].get<std::int64_t>() - previous_iteration;
        previous_iteration = j["iteration"];
        CHECK(data > 0.0);
        CHECK(iter > 0.0);
        CHECK((data + iter) * static_cast<double>(iterations) <= epoch + 0.002);  // per-iteration means, within the epoch
        iter_total += iter * static_cast<double>(iterations);
        data_total += data * static_cast<double>(iterations);
    }
    CHECK(lines == 2);
    // Two measurements of the same intervals: the timer's (Ignite's Timer around the process
    // function and the data source) and the host's profile (processing, data loading).
    const auto profile = read_json(dir / "profile.json");
    const auto* trainer = engine_of(profile, "trainer");
    REQUIRE(trainer);
    const double processing = (*trainer)["processing"]["total"], dataflow = (*trainer)["dataflow"]["total"];
    CHECK(iter_total == Approx(processing).epsilon(0.1).margin(0.002));
    CHECK(data_total == Approx(dataflow).epsilon(0.1).margin(0.002));
    CHECK(calls(*trainer, "timer", "ITERATION_COMPLETED") == 20);
}

TEST_CASE("timer with average false gives the epoch's totals and a bad average is one line and exit 2",
          "[profile][timer][host]") {
    const auto dir = ignite::test::scratch_dir("profile_timer_total") / "out";
    fs::remove_all(dir);
    const auto bad = run_train("train --model mlp --dataset synthetic:40 --epochs 1 --device cpu --plugin timer "
                               "--plugin-opt timer.average=maybe --output-dir " +
                               dir.string());
    INFO(bad.out);
    CHECK(bad.rc == 2);
    int errors = 0;
    for (const auto& line : ignite::test::lines_of(bad.out)) {
        if (line.find("error") == std::string::npos) continue;
        ++errors;
        CHECK_THAT(line, Catch::Contains("timer.average") && Catch::Contains("bool"));
    }
    CHECK(errors == 1);
    CHECK_FALSE(fs::exists(dir));  // bad input: nothing written

    const auto r = run_train("train --model mlp --dataset synthetic:400 --epochs 1 --batch-size 40 --threads 1 "
                             "--device cpu --no-default-plugins --plugin jsonl --plugin timer "
                             "--plugin-opt timer.average=false --output-dir " +
                             dir.string());
    INFO(r.out);
    REQUIRE(r.rc == 0);
    const auto line = nlohmann::json::parse(ignite::test::lines_of(ignite::test::read_file(dir / "metrics.jsonl")).at(0));
    const auto profile = read_json(dir / "profile.json");
    const auto* trainer_profile = engine_of(profile, "trainer");
    REQUIRE(trainer_profile);
    // The epoch's total, not a mean: the profile's processing total of the one epoch.
    CHECK(line["iter_time"].get<double>() ==
          Approx((*trainer_profile)["processing"]["total"].get<double>()).epsilon(0.1).margin(0.002));
}

TEST_CASE("a run stopped by SIGINT writes profile.json saying it was stopped", "[profile][host]") {
    const auto dir = ignite::test::scratch_dir("profile_sigint") / "out";
    fs::remove_all(dir);
    const auto cmd = ignite::test::host_command(
        IGNITE_HOST_EXE,
        ignite::test::words_of("train --model cnn --dataset synthetic:4000 --batch-size 32 --epochs 3 --eval-every 0 "
                               "--threads 1 --device cpu --no-default-plugins --plugin jsonl --output-dir " +
                               dir.string()),
        {.plugin_path = IGNITE_PLUGIN_DIR});
    const auto metrics = (dir / "metrics.jsonl").string();
    const auto r = ignite::test::run_process(
        {"/bin/sh", "-c",
         "(" + cmd + ") > /dev/null 2>&1 & p=$!; n=0; while ! grep -qs train " + metrics +
             " && [ $n -lt 6000 ]; do sleep 0.01; n=$((n+1)); done; kill -INT $p; wait $p; echo rc=$?"});
    INFO(r.out << r.err);
    REQUIRE_THAT(r.out, Catch::Contains("rc=130"));
    const auto profile = read_json(dir / "profile.json");
    CHECK(profile["outcome"] == "stopped");
    const auto* trainer = engine_of(profile, "trainer");
    REQUIRE(trainer);
    // Stopped after epoch 1's line (125 iterations) and before the run's end.
    const auto iterations = (*trainer)["processing"]["calls"].get<std::int64_t>();
    CHECK(iterations >= 125);
    CHECK(iterations < 375);
    CHECK(calls(*trainer, "jsonl", "EPOCH_COMPLETED") >= 1);
}
