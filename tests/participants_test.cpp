// One participant model (issue 18 §1): components and shared-library plugins go through one
// path in PluginHost (names, options, state keys, placement, init, state, shutdown), and a C
// plugin reads the run's facts, lists the engines, reads a tensor metric and terminates with
// a reason through ABI 1.6 (the run16 fixture, through the real ignite-host).
#include "support/built_host.hpp"

#include <ignite/core/engine.hpp>
#include <ignite/runtime/bridge.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#ifndef IGNITE_ABI_FIXTURE_DIR
#error "IGNITE_ABI_FIXTURE_DIR must name the directory of the fixture plugins"
#endif

namespace fs = std::filesystem;
using namespace ignite::host;

namespace {

const std::string kRun16 = std::string(IGNITE_ABI_FIXTURE_DIR) + "/ignite-plugin-run16.so";

// A component that records what happens to it in `log`.
class Recorder final : public Component {
public:
    Recorder(std::string name, std::vector<std::string>& log) : name_(std::move(name)), log_(log) {}
    void init(RunContext& run) override {
        log_.push_back(name_ + " init every=" + std::to_string(run.option<std::int64_t>("every")) +
                       " rank=" + std::to_string(run.facts().rank));
        std::string engines;
        for (const auto& [n, e] : run.engines()) engines += (engines.empty() ? "" : ",") + n;
        log_.push_back(name_ + " engines " + engines);
        run.engine("trainer")->add_event_handler(ignite::Events::EPOCH_COMPLETED, ignite::Priority::handlers,
                                                 [this] { ++epochs_; });
    }
    std::optional<c10::IValue> save_state() override {
        return epochs_ == 0 ? std::nullopt : std::optional<c10::IValue>(epochs_);
    }
    void load_state(const c10::IValue& state) override {
        if (!state.isInt()) throw std::invalid_argument("its state must be an int");
        epochs_ = state.toInt();
        log_.push_back(name_ + " load " + std::to_string(epochs_));
    }
    void load_state_missing() override { log_.push_back(name_ + " load missing"); }
    void shutdown() noexcept override { log_.push_back(name_ + " shutdown"); }

private:
    std::string name_;
    std::vector<std::string>& log_;
    std::int64_t epochs_ = 0;
};

ComponentOffer recorder(const std::string& name, std::vector<std::string>& log, Placement placement,
                        const std::string& state_key = "") {
    ParticipantSpec spec;
    spec.name = name;
    spec.version = "1";
    spec.description = "records what happens to it";
    spec.options.push_back({.name = "every", .type = IGNITE_OPTION_INT, .default_value = "1", .help = "a number"});
    spec.state_key = state_key;
    spec.placement = placement;
    spec.priority_band = ignite::Priority::handlers.value;
    return {spec, [name, &log] { return std::make_unique<Recorder>(name, log); }};
}

ignite::Engine counting_engine() {
    return ignite::Engine([](ignite::Engine&, const c10::IValue& b) { return b; });
}

}  // namespace

TEST_CASE("a component is loaded by name, gets its validated options and the engines, and is shut down") {
    std::vector<std::string> log;
    auto trainer = counting_engine();
    auto evaluator = counting_engine();
    {
        PluginHost host;
        host.add_engine("trainer", trainer);
        host.add_engine("evaluator", evaluator);
        host.offer_component(recorder("rec", log, Placement::every_rank, "rec_state"));
        host.load({"rec"}, {{"rec", {{"every", "3"}}}});
        CHECK(host.participants().size() == 1);
        CHECK(host.participants()[0].kind == ParticipantKind::component);
        trainer.run(ignite::data::range(2), 2);
        const auto states = host.save_plugin_states();
        REQUIRE(states.size() == 1);
        CHECK(states[0].first == "rec_state");
        CHECK(states[0].second.toInt() == 2);
        CHECK(host.load_plugin_states({{"rec_state", c10::IValue(std::int64_t{7})}}).empty());
        CHECK(host.load_plugin_states({}).empty());
    }
    const std::vector<std::string> expected = {"rec init every=3 rank=0", "rec engines trainer,evaluator", "rec load 7",
                                               "rec load missing", "rec shutdown"};
    CHECK(log == expected);
}

TEST_CASE("a component's bad option, bad state and clashing names are refused with its name") {
    std::vector<std::string> log;
    auto trainer = counting_engine();
    PluginHost host;
    host.add_engine("trainer", trainer);
    host.offer_component(recorder("rec", log, Placement::every_rank, "rec_state"));
    SECTION("an option of the wrong type") {
        CHECK_THROWS_WITH(host.load({"rec"}, {{"rec", {{"every", "often"}}}}),
                          Catch::Contains("plugin 'rec'") && Catch::Contains("every"));
    }
    SECTION("an option it does not declare") {
        CHECK_THROWS_WITH(host.load({"rec"}, {{"rec", {{"nope", "1"}}}}), Catch::Contains("no option 'nope'"));
    }
    SECTION("a state it cannot take") {
        host.load({"rec"}, {});
        CHECK_THROWS_WITH(host.load_plugin_states({{"rec_state", c10::IValue("text")}}),
                          Catch::Contains("component 'rec'") && Catch::Contains("must be an int"));
    }
    SECTION("a state key the host keeps for itself") {
        host.reserve_state_keys({"rec_state"});
        CHECK_THROWS_WITH(host.load({"rec"}, {}), Catch::Contains("'rec'") && Catch::Contains("rec_state"));
    }
    SECTION("given twice") {
        CHECK_THROWS_WITH(host.load({"rec", "rec"}, {}), Catch::Contains("given twice"));
    }
    SECTION("offered twice") {
        CHECK_THROWS_AS(host.offer_component(recorder("rec", log, Placement::every_rank)), std::invalid_argument);
    }
}

TEST_CASE("placement: a rank-0 participant is loaded everywhere but runs only on rank 0") {
    struct Row {
        std::int64_t rank;
        Placement placement;
        bool runs;
    };
    for (const auto& row : {Row{0, Placement::every_rank, true}, Row{0, Placement::rank_zero, true},
                            Row{1, Placement::every_rank, true}, Row{1, Placement::rank_zero, false},
                            Row{3, Placement::rank_zero, false}}) {
        INFO("rank " << row.rank << ", " << placement_name(row.placement));
        std::vector<std::string> log;
        auto trainer = counting_engine();
        {
            PluginHost host;
            host.add_engine("trainer", trainer);
            host.offer_component(recorder("rec", log, row.placement, "rec_state"));
            host.set_run_facts({.rank = row.rank, .world_size = 4});
            host.open({"rec"}, {});
            host.init();
            CHECK(host.runs_here("rec") == row.runs);
            trainer.run(ignite::data::range(2), 1);
            // A participant that does not run here saves nothing and is handed nothing.
            CHECK(host.save_plugin_states().size() == (row.runs ? 1u : 0u));
        }
        CHECK((!log.empty() && log.front().starts_with("rec init")) == row.runs);
    }
}

TEST_CASE("placement: a rank-0 participant's options are still checked on every rank") {
    std::vector<std::string> log;
    auto trainer = counting_engine();
    PluginHost host;
    host.add_engine("trainer", trainer);
    host.offer_component(recorder("rec", log, Placement::rank_zero));
    host.set_run_facts({.rank = 1, .world_size = 2});
    CHECK_THROWS_WITH(host.open({"rec"}, {{"rec", {{"every", "x"}}}}), Catch::Contains("every"));
}

TEST_CASE("run facts: a rank outside the world and a config that is not an object are refused") {
    PluginHost host;
    CHECK_THROWS_AS(host.set_run_facts({.rank = 2, .world_size = 2}), std::invalid_argument);
    CHECK_THROWS_AS(host.set_run_facts({.rank = 0, .world_size = 0}), std::invalid_argument);
    CHECK_THROWS_AS(host.set_run_facts({.config_json = "[1]"}), std::invalid_argument);
    CHECK_THROWS_AS(host.set_run_facts({.config_json = "{"}), std::invalid_argument);
    CHECK_NOTHROW(host.set_run_facts({.config_json = R"({"lr": 0.1})"}));
}

TEST_CASE("a shared-library plugin is the same kind of participant: spec, placement and band from its info") {
    std::vector<std::string> log;
    auto trainer = counting_engine();
    PluginHost host;
    host.add_engine("trainer", trainer);
    host.set_run_facts({.rank = 1, .world_size = 2});
    host.open({kRun16}, {});
    host.init();
    const auto p = host.participants().at(0);
    CHECK(p.kind == ParticipantKind::shared_library);
    CHECK(p.name == "run16");
    CHECK(p.abi == "1.7");
    CHECK(p.placement == Placement::rank_zero);
    CHECK(p.priority_band == ignite::Priority::loggers.value);
    CHECK(p.options.size() == 3);
    CHECK_FALSE(host.runs_here("run16"));  // rank 1: never initialised
}

TEST_CASE("a plugin module given by path may not take a component's name") {
    std::vector<std::string> log;
    auto trainer = counting_engine();
    PluginHost host;
    host.add_engine("trainer", trainer);
    host.offer_component(recorder("run16", log, Placement::every_rank));
    CHECK_THROWS_WITH(host.open({"run16", kRun16}, {}),
                      Catch::Contains("two plugins are named 'run16'") && Catch::Contains("built-in component"));
}

// ---- ABI 1.6 through ignite-host -------------------------------------------------------------

namespace {

std::vector<std::string> run16_lines(const std::string& out) {
    std::vector<std::string> lines;
    for (const auto& line : ignite::test::lines_of(out)) {
        const auto at = line.find("[run16] ");
        if (at != std::string::npos) lines.push_back(line.substr(at + 8));
    }
    return lines;
}

bool has(const std::vector<std::string>& lines, const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

fs::path scratch() {
    static const fs::path dir = ignite::test::scratch_dir("ignite_participants_test");
    return dir;
}

}  // namespace

TEST_CASE("ABI 1.6: a C plugin reads every run fact, lists the engines and gets each bad call's status") {
    const auto out_dir = scratch() / "facts";
    const auto r = ignite::test::built_host(
        "train --no-default-plugins --model mlp --dataset synthetic:200 --epochs 1 --batch-size 50 --lr 0.05 "
        "--plugin " +
        kRun16 + " --output-dir " + out_dir.string());
    INFO(r.out);
    REQUIRE(r.rc == 0);
    const auto lines = run16_lines(r.out);
    CHECK(has(lines, "fact output_dir=" + out_dir.string()));
    CHECK(has(lines, "fact resumed=0"));
    CHECK(has(lines, "fact rank=0"));
    CHECK(has(lines, "fact world_size=1"));
    CHECK(has(lines, "fact local_rank=0"));
    CHECK(has(lines, "engines trainer,evaluator"));
    for (const auto* line : {"engine_at past_the_end NOT_FOUND", "engine_count null_out INVALID_ARGUMENT",
                             "terminate_with_reason none INVALID_ARGUMENT",
                             "terminate_with_reason unknown INVALID_ARGUMENT",
                             "terminate_reason null_out INVALID_ARGUMENT", "metric_tensor unknown NOT_FOUND",
                             "terminate_reason before_run OK", "terminate_reason trainer 0",
                             // 1.7: the model's parameters, the status area
                             "parameter_count trainer OK", "parameter_tensor grad_before_backward NOT_FOUND",
                             "parameter_count null_out INVALID_ARGUMENT", "parameter fc1.weight 256x784 grad=1",
                             "parameter fc1.bias 256x1 grad=1", "parameter fc2.weight 10x256 grad=1",
                             "parameter fc2.bias 10x1 grad=1", "parameter_name past_the_end NOT_FOUND",
                             "parameter_tensor bad_which INVALID_ARGUMENT", "set_status text OK", "set_status clear OK",
                             "status_drawn call OK", "status_drawn 0"}) {
        CHECK(has(lines, line));
    }
    // The config fact is the run's whole configuration, one JSON object, as the run uses it.
    const auto config_line = std::find_if(lines.begin(), lines.end(), [](const auto& l) { return l.starts_with("fact config="); });
    REQUIRE(config_line != lines.end());
    const auto config = nlohmann::json::parse(config_line->substr(12));
    CHECK(config.at("model") == "mlp");
    CHECK(config.at("batch_size") == 50);
    CHECK(config.at("lr") == 0.05);
    CHECK(config.at("epochs") == 1);
    CHECK(config.at("plugin") == nlohmann::json::array({kRun16}));
    CHECK_FALSE(config.contains("config"));
}

TEST_CASE("ABI 1.6: the engine list follows the run: no evaluator without evaluation, a validation engine with --val-split") {
    const auto none = ignite::test::built_host(
        "train --no-default-plugins --model mlp --dataset synthetic:200 --epochs 1 --eval-every 0 --plugin " + kRun16 +
        " --output-dir " + (scratch() / "no_eval").string());
    REQUIRE(none.rc == 0);
    CHECK(has(run16_lines(none.out), "engines trainer"));
    const auto val = ignite::test::built_host(
        "train --no-default-plugins --model mlp --dataset synthetic:400 --epochs 1 --val-split 0.25 --plugin " +
        kRun16 + " --output-dir " + (scratch() / "val").string());
    INFO(val.out);
    REQUIRE(val.rc == 0);
    CHECK(has(run16_lines(val.out), "engines trainer,evaluator,validation"));
}

TEST_CASE("ABI 1.6: metric_tensor reads a confusion matrix as a matrix and a number as a 0-dim float64") {
    const auto r = ignite::test::built_host(
        "train --no-default-plugins --model mlp --dataset synthetic:400 --epochs 1 --plugin metrics --metric "
        "confusion_matrix --plugin " +
        kRun16 + " --plugin-opt run16.metric=confusion_matrix --output-dir " + (scratch() / "matrix").string());
    INFO(r.out);
    REQUIRE(r.rc == 0);
    CHECK(has(run16_lines(r.out), "metric confusion_matrix ndim=2 shape=10x10 dtype=2/64"));
    const auto n = ignite::test::built_host(
        "train --no-default-plugins --model mlp --dataset synthetic:400 --epochs 1 --plugin " + kRun16 +
        " --plugin-opt run16.metric=accuracy --output-dir " + (scratch() / "number").string());
    REQUIRE(n.rc == 0);
    CHECK(has(run16_lines(n.out), "metric accuracy ndim=0 shape=1x1 dtype=2/64"));
}

TEST_CASE("ABI 1.6: a terminate with a reason is what terminate_reason reports, and bad weights are not checkpointed") {
    const auto dir = scratch() / "bad_weights";
    const auto r = ignite::test::built_host(
        "train --no-default-plugins --model mlp --dataset synthetic:400 --epochs 3 --batch-size 32 --plugin " + kRun16 +
        " --plugin-opt run16.terminate_at=5 --plugin checkpoint --output-dir " + dir.string());
    INFO(r.out);
    // A run stopped for bad weights failed: exit 1, its reason in the summary and the error.
    CHECK(r.rc == 1);
    CHECK(r.out.find("plugin 'run16' terminated the trainer (bad_weights) at epoch 1, iteration 5") !=
          std::string::npos);
    CHECK(r.out.find("ignite-host: error: the trainer was stopped because its weights went bad") != std::string::npos);
    CHECK(has(run16_lines(r.out), "terminate_reason trainer 3"));
    // The checkpoint plugin saves at COMPLETED (on_completed) only weights worth keeping.
    std::vector<fs::path> saved;
    if (fs::exists(dir / "checkpoints"))
        for (const auto& e : fs::directory_iterator(dir / "checkpoints")) saved.push_back(e.path());
    CHECK(saved.empty());
    CHECK(r.out.find("bad_weights") != std::string::npos);

    const auto fine_dir = scratch() / "handler_stop";
    const auto fine = ignite::test::built_host(
        "train --no-default-plugins --model mlp --dataset synthetic:400 --epochs 3 --batch-size 32 --plugin " + kRun16 +
        " --plugin-opt run16.terminate_at=5 --plugin-opt run16.reason=1 --plugin checkpoint --output-dir " +
        fine_dir.string());
    INFO(fine.out);
    CHECK(fine.rc == 0);
    CHECK(fine.out.find("plugin 'run16' terminated the trainer (handler) at epoch 1, iteration 5") != std::string::npos);
    CHECK(has(run16_lines(fine.out), "terminate_reason trainer 1"));
    CHECK(fs::exists(fine_dir / "checkpoints" / "checkpoint_5.pt"));
}
