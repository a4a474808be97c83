// Core's ignite::Checkpoint / DiskSaver / load_objects (core/include/ignite/core/handlers/
// checkpoint.hpp) against pytorch-ignite 0.5.3: Ignite's checkpoint scenario is recorded in
// Python by the test (tests/checkpoint_interop/checkpoint_scenario.py) and replayed here, line
// for line: the files present after each save, `_saved`, last_checkpoint, each SAVED_CHECKPOINT,
// then a resume through load_objects. Plus the README's two lines, and the bad inputs.
#include "support/process.hpp"

#include <ignite/core/checkpoint_file.hpp>
#include <ignite/core/engine.hpp>
#include <ignite/core/errors.hpp>
#include <ignite/core/handlers/checkpoint.hpp>

#include <torch/torch.h>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

namespace fs = std::filesystem;
using ignite::Checkpoint;
using ignite::CheckpointOptions;
using ignite::DiskSaver;
using ignite::Engine;
using ignite::Events;

namespace {

const fs::path kScripts = fs::path(IGNITE_SOURCE_DIR) / "tests" / "checkpoint_interop";
const double kScores[] = {0.5, 0.7, 0.7, 0.6, 0.7, 0.9, 0.8, 0.95};
const std::int64_t kIntScores[] = {3, 1, 4, 1, 5, 9, 2, 6};

fs::path dir_for(const std::string& name) {
    const auto d = ignite::test::scratch_dir("checkpoint_handler_test") / name;
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// Python's f"{x}": an int as itself, a float as its shortest repr ("18.0", "0.95").
std::string py(double v, bool integral) {
    if (integral) return std::to_string(static_cast<long long>(v));
    auto s = fmt::format("{}", v);
    if (s.find_first_of(".ein") == std::string::npos) s += ".0";
    return s;
}

std::string saved_text(const Checkpoint& c) {
    std::string out;
    for (const auto& item : c.saved()) out += (out.empty() ? "" : ",") + py(item.priority, item.integral) + ":" + item.filename;
    return out;
}

std::string files_in(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
    return out;
}

CheckpointOptions options_for(const std::string& scenario, Engine& trainer) {
    if (scenario == "by_step") return {.n_saved = 2};
    if (scenario == "by_score") {
        return {.filename_prefix = "best",
                .score_function = [](Engine& e) -> ignite::Score { return kScores[e.state.epoch - 1]; },
                .score_name = "acc",
                .n_saved = 2,
                .global_step_transform = ignite::global_step_from_engine(trainer),
                .include_self = true};
    }
    if (scenario == "by_int_score") {
        return {.score_function = [](Engine& e) -> ignite::Score { return kIntScores[e.state.epoch - 1]; },
                .score_name = "n",
                .n_saved = 2};
    }
    return {.score_function = [](Engine& e) -> ignite::Score { return kScores[e.state.epoch - 1]; },
            .n_saved = 2,
            .greater_or_equal = true};  // ties_ge
}

// The Python script's setup(tag), in C++.
struct Setup {
    torch::nn::Linear model{2, 1};
    std::unique_ptr<Engine> trainer;
    std::optional<Checkpoint> checkpointer;
    ignite::ToSave to_save;

    Setup(const std::string& tag, const std::string& scenario, const fs::path& dir, std::vector<std::string>& trace) {
        trainer = std::make_unique<Engine>([m = model](Engine& e, const c10::IValue&) {
            torch::NoGradGuard no_grad;
            m->weight.fill_(static_cast<double>(e.state.iteration));
        });
        to_save = {{"model", model}, {"trainer", *trainer}};
        const auto options = options_for(scenario, *trainer);
        const bool include_self = options.include_self;
        checkpointer.emplace(to_save, DiskSaver(dir, {.require_empty = false}), options);
        if (include_self) to_save.emplace_back("checkpointer", *checkpointer);
        const auto saved_event = ignite::CheckpointEvents::saved_checkpoint();
        trainer->register_events({saved_event});
        const auto line = [this, dir, tag](const char* event, Engine& e) {
            const auto last = checkpointer->last_checkpoint();
            return fmt::format("{} {} epoch={} files={} _saved={} last={}", tag, event, e.state.epoch, files_in(dir),
                               saved_text(*checkpointer), last ? fs::path(*last).filename().string() : "None");
        };
        trainer->add_event_handler(saved_event, [&trace, line](Engine& e) { trace.push_back(line("SAVED_CHECKPOINT", e)); });
        trainer->add_event_handler(Events::EPOCH_COMPLETED, *checkpointer);
        trainer->add_event_handler(Events::EPOCH_COMPLETED,
                                   [&trace, line](Engine& e) { trace.push_back(line("EPOCH_COMPLETED", e)); });
    }
};

std::vector<std::string> replay(const std::string& scenario, const fs::path& dir) {
    std::vector<std::string> trace;
    const std::vector<std::int64_t> data{0, 1, 2};
    Setup run("run", scenario, dir, trace);
    run.trainer->run(data, 6);
    const auto resume_from = run.checkpointer->last_checkpoint();
    REQUIRE(resume_from);

    Setup resumed("resume", scenario, dir, trace);
    Checkpoint::load_objects(resumed.to_save, *resume_from);
    trace.push_back(fmt::format("resume from={} epoch={} iteration={} weight={} _saved={}",
                                fs::path(*resume_from).filename().string(), resumed.trainer->state.epoch,
                                resumed.trainer->state.iteration,
                                py(resumed.model->weight[0][0].item<double>(), false), saved_text(*resumed.checkpointer)));
    resumed.trainer->run(data, 8);
    return trace;
}

// Ignite's traces of `scenarios`, recorded by one Python run (torch's import is most of it).
std::map<std::string, std::vector<std::string>> recorded(const std::vector<std::string>& scenarios) {
    std::vector<std::string> argv{IGNITE_VENV_PYTHON, (kScripts / "checkpoint_scenario.py").string()};
    for (const auto& s : scenarios) {
        argv.push_back(dir_for("py_" + s).string());
        argv.push_back(s);
    }
    const auto r = ignite::test::run_process(argv);
    INFO(r.cmd << "\nstdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.exited);
    REQUIRE(r.rc == 0);
    std::map<std::string, std::vector<std::string>> out;
    std::vector<std::string>* current = nullptr;
    for (const auto& line : lines_of(r.out)) {
        if (line.rfind("scenario ", 0) == 0) {
            current = &out[line.substr(9)];
        } else {
            REQUIRE(current != nullptr);
            current->push_back(line);
        }
    }
    return out;
}

}  // namespace

TEST_CASE("Checkpoint replays Ignite's recorded checkpoint scenario line for line (n_saved=2 then a resume)",
          "[checkpoint]") {
    // by_step: no score (priority = iteration); by_score: Ignite's E6 ties with a prefix,
    // global_step_from_engine and include_self (the resume restores `_saved`); by_int_score:
    // an int score is named without decimals; ties_ge: greater_or_equal rewrites an equal name.
    const std::vector<std::string> scenarios{"by_step", "by_score", "by_int_score", "ties_ge"};
    const auto traces = recorded(scenarios);
    // One test body, not a section per scenario: Catch would rerun the recording per section.
    for (const auto& scenario : scenarios) {
        INFO("scenario " << scenario);
        REQUIRE(traces.count(scenario) == 1);
        const auto& python = traces.at(scenario);
        const auto cpp = replay(scenario, dir_for("cpp_" + scenario));
        REQUIRE(python.size() > 10);
        for (std::size_t i = 0; i < std::max(python.size(), cpp.size()); ++i) {
            INFO("line " << i + 1);
            CHECK((i < cpp.size() ? cpp[i] : "(none)") == (i < python.size() ? python[i] : "(none)"));
        }
    }
    // The other way: the file Ignite wrote last (model, trainer and its checkpointer, which
    // Python keeps as OrderedDicts) resumes all three with core's load_objects.
    const auto py_dir = ignite::test::scratch_dir("checkpoint_handler_test") / "py_by_score";
    torch::nn::Linear model(2, 1);
    Engine trainer([](Engine&, const c10::IValue&) {});
    Checkpoint checkpointer({{"model", model}}, DiskSaver(dir_for("unused"), {.require_empty = false}));
    Checkpoint::load_objects({{"model", model}, {"trainer", trainer}, {"checkpointer", checkpointer}},
                             py_dir / "best_checkpoint_8_acc=0.9500.pt");
    CHECK(trainer.state.epoch == 8);
    CHECK(trainer.state.iteration == 24);
    CHECK(model->weight[0][0].item<double>() == 24.0);
    CHECK(saved_text(checkpointer) == "0.9:best_checkpoint_6_acc=0.9000.pt,0.95:best_checkpoint_8_acc=0.9500.pt");
}

TEST_CASE("Checkpoint: the README's two lines save as Ignite's two lines of Python do", "[checkpoint]") {
    const auto dir = dir_for("readme");
    const auto path = dir.string();
    torch::nn::Linear model(2, 1);
    Engine trainer([](Engine&, const c10::IValue&) {});
    // README, "Using the engine from C++": the same two lines.
    ignite::Checkpoint handler({{"model", model}, {"trainer", trainer}}, ignite::DiskSaver(path, {.require_empty = false}), {.n_saved = 2});
    trainer.add_event_handler(ignite::Events::EPOCH_COMPLETED, handler);
    trainer.run(std::vector<std::int64_t>{0, 1, 2, 3}, 3);
    CHECK(files_in(dir) == "checkpoint_12.pt,checkpoint_8.pt");
    CHECK(handler.last_checkpoint() == (dir / "checkpoint_12.pt").string());

    // The resume, and the file as Python's torch.load(weights_only=True) + Ignite's
    // load_objects read it.
    torch::nn::Linear model2(2, 1);
    Engine trainer2([](Engine&, const c10::IValue&) {});
    ignite::Checkpoint::load_objects({{"model", model2}, {"trainer", trainer2}}, *handler.last_checkpoint());
    CHECK(trainer2.state.iteration == 12);
    CHECK(torch::equal(model2->weight, model->weight));
    const auto r = ignite::test::run_process(
        {IGNITE_VENV_PYTHON, "-c",
         "import sys, torch\n"
         "from ignite.engine import Engine\nfrom ignite.handlers import Checkpoint\n"
         "m = torch.nn.Linear(2, 1); t = Engine(lambda e, b: None)\n"
         "Checkpoint.load_objects({'model': m, 'trainer': t}, torch.load(sys.argv[1], weights_only=True))\n"
         "print(t.state.iteration, t.state.epoch, m.weight.tolist())",
         *handler.last_checkpoint()});
    INFO(r.err);
    REQUIRE(r.rc == 0);
    const auto w = model->weight.contiguous();
    CHECK(r.out == fmt::format("12 3 [[{}, {}]]\n", py(w[0][0].item<float>(), false), py(w[0][1].item<float>(), false)));
}

TEST_CASE("Checkpoint: a failed save keeps every earlier file and _saved (Ignite deletes the worst first)",
          "[checkpoint]") {
    struct Failing final : ignite::BaseSaveHandler {
        std::vector<std::string> written, removed;
        bool fail = false;
        void operator()(const c10::IValue&, const std::string& filename, const ignite::SaveMetadata&) override {
            if (fail) throw std::runtime_error("disk full");
            written.push_back(filename);
        }
        void remove(const std::string& filename) override { removed.push_back(filename); }
    };
    auto saver = std::make_shared<Failing>();
    Engine trainer([](Engine&, const c10::IValue&) {});
    Checkpoint handler({{"trainer", trainer}}, saver, {.n_saved = 1});
    int fired = 0;
    trainer.register_events({ignite::CheckpointEvents::saved_checkpoint()});
    trainer.add_event_handler(ignite::CheckpointEvents::saved_checkpoint(), [&fired] { ++fired; });
    trainer.add_event_handler(Events::EPOCH_COMPLETED, handler);
    trainer.add_event_handler(Events::EPOCH_COMPLETED, [&](Engine& e) { saver->fail = e.state.epoch == 1; });
    trainer.run(std::vector<std::int64_t>{0, 1}, 1);
    REQUIRE(saver->written == std::vector<std::string>{"trainer_2.pt"});
    CHECK_THROWS_WITH(trainer.run(std::vector<std::int64_t>{0, 1}, 2), Catch::Contains("disk full"));
    CHECK(saver->removed.empty());
    CHECK(saved_text(handler) == "2:trainer_2.pt");
    CHECK(fired == 1);
}

TEST_CASE("Checkpoint and DiskSaver refuse bad arguments with Ignite's messages", "[checkpoint]") {
    const auto dir = dir_for("bad");
    Engine trainer([](Engine&, const c10::IValue&) {});
    CHECK_THROWS_WITH(Checkpoint({}, dir), Catch::Contains("No objects to checkpoint"));
    CHECK_THROWS_WITH(Checkpoint({{"trainer", trainer}}, dir, {.n_saved = 0}), Catch::Contains("n_saved must be >= 1"));
    CHECK_THROWS_WITH(Checkpoint({{"checkpointer", trainer}}, dir, {.include_self = true}),
                      Catch::Contains("Cannot have key 'checkpointer' if `include_self` is True"));
    CHECK_THROWS_WITH(Checkpoint({{"trainer", trainer}}, dir, {.filename_pattern = "{nope}.pt"}),
                      Catch::Contains("unknown field {nope}"));
    CHECK_THROWS_WITH(DiskSaver(dir / "missing", {.create_dir = false}), Catch::Contains("is not found"));
    ignite::checkpoint::save(c10::IValue(std::int64_t{1}), dir / "old.pt");
    CHECK_THROWS_WITH(DiskSaver(dir), Catch::Contains("Files ['old.pt'] with extension '.pt' are already present"));
    // load_objects: every key of a multi-object to_load must be in the checkpoint; strict
    // module loading names what does not match.
    c10::impl::GenericDict ck(c10::StringType::get(), c10::AnyType::get());
    ck.insert("model", c10::Dict<std::string, at::Tensor>());
    torch::nn::Linear model(2, 1);
    CHECK_THROWS_WITH(Checkpoint::load_objects({{"model", model}, {"trainer", trainer}}, c10::IValue(ck)),
                      Catch::Contains("Object labeled by 'trainer' from `to_load` is not found in the checkpoint"));
    CHECK_THROWS_WITH(Checkpoint::load_objects({{"model", model}}, c10::IValue(ck)),
                      Catch::Contains("missing keys: [bias, weight]"));
    CHECK_NOTHROW(Checkpoint::load_objects({{"model", model}}, c10::IValue(ck), /*strict=*/false));
}

TEST_CASE("Checkpoint: an object given by two callables (the optimizer's hook) saves and loads its value",
          "[checkpoint]") {
    const auto dir = dir_for("callables");
    Engine trainer([](Engine&, const c10::IValue&) {});
    std::int64_t step_count = 7, restored = 0;
    const ignite::Checkpointable counter([&] { return c10::IValue(step_count); },
                                         [&](const c10::IValue& v, bool) { restored = v.toInt(); });
    Checkpoint handler({{"trainer", trainer}, {"optimizer", counter}}, DiskSaver(dir));
    trainer.add_event_handler(Events::COMPLETED, handler);
    trainer.run(std::vector<std::int64_t>{0, 1}, 1);
    REQUIRE(files_in(dir) == "checkpoint_2.pt");
    const auto file = ignite::checkpoint::load(dir / "checkpoint_2.pt").toGenericDict();
    CHECK(file.at("optimizer").toInt() == 7);
    Checkpoint::load_objects({{"optimizer", counter}}, (dir / "checkpoint_2.pt").string());
    CHECK(restored == 7);
    // Saved only (no load function): loading it is refused, naming why.
    const ignite::Checkpointable save_only([] { return c10::IValue(std::int64_t{1}); }, {});
    CHECK_THROWS_WITH(Checkpoint::load_objects({{"optimizer", save_only}}, (dir / "checkpoint_2.pt").string()),
                      Catch::Contains("only saved"));
}
