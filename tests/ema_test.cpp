// EMAHandler (core) against Ignite 0.5.3's on the same parameter sequence
// (tests/lr_ema/ignite_ema.py computes the expected values in Python), and the `ema` component
// through ignite-host: a resume mid-warm-up equal to the uninterrupted run bit for bit, the
// evaluator scoring the EMA weights, Python reading the checkpoint's EMA, bad options.
#include "support/built_host.hpp"
#include "support/process.hpp"

#include <ignite/core/handlers/ema.hpp>

#include <torch/torch.h>

// LibTorch headers first: c10's logging defines CHECK, which catch.hpp must override.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>

#ifndef IGNITE_VENV_PYTHON
#error "IGNITE_VENV_PYTHON must name the venv's python (with pytorch-ignite)"
#endif
#ifndef IGNITE_SOURCE_DIR
#error "IGNITE_SOURCE_DIR must name the source tree"
#endif

namespace fs = std::filesystem;
using namespace ignite;
using nlohmann::json;

namespace {

json run_python(const std::vector<std::string>& argv) {
    std::vector<std::string> full{IGNITE_VENV_PYTHON};
    full.insert(full.end(), argv.begin(), argv.end());
    const auto r = test::run_process(full);
    INFO(r.cmd << "\n" << r.out << r.err);
    REQUIRE(r.rc == 0);
    return json::parse(r.out);
}

const std::vector<std::string> kNames{"fc.weight", "fc.bias", "running", "count"};
const std::vector<std::vector<std::int64_t>> kShapes{{2, 3}, {2}, {2}, {}};

at::Tensor tensor_of(const json& values, std::size_t i) {
    const auto v = values.get<std::vector<double>>();
    if (kNames[i] == "count") return torch::tensor(static_cast<std::int64_t>(v.at(0)), torch::kInt64);
    // Python floats holding float32 values: the cast back is exact.
    return torch::tensor(std::vector<float>(v.begin(), v.end())).reshape(kShapes[i]);
}

std::vector<double> values_of(const at::Tensor& t) {
    const auto d = t.to(torch::kDouble).flatten().contiguous();
    return {d.data_ptr<double>(), d.data_ptr<double>() + d.numel()};
}

// Our handler on the parameter sequence Python drew, attached under `name`; returns, per step,
// the EMA values by name and the momentum.
std::pair<std::vector<std::map<std::string, std::vector<double>>>, std::vector<double>> our_ema(
    const json& expected, const EMAOptions& options, const std::string& name) {
    std::vector<at::Tensor> live;
    for (std::size_t i = 0; i < kNames.size(); ++i) live.push_back(tensor_of(expected["initial"][kNames[i]], i));
    EMAHandler handler({{kNames[0], live[0]}, {kNames[1], live[1]}}, {{kNames[2], live[2]}, {kNames[3], live[3]}},
                       options);
    const auto& steps = expected["live"];
    Engine engine([&](Engine& e, const c10::IValue&) {
        for (std::size_t i = 0; i < kNames.size(); ++i)
            live[i].copy_(tensor_of(steps[static_cast<std::size_t>(e.state.iteration - 1)][kNames[i]], i));
    });
    handler.attach(engine, name);
    std::vector<std::map<std::string, std::vector<double>>> emas;
    std::vector<double> momenta;
    engine.add_event_handler(Events::ITERATION_COMPLETED, [&](Engine& e) {
        std::map<std::string, std::vector<double>> m;
        for (const auto& item : handler.ema_state_dict()) m[item.key()] = values_of(item.value());
        emas.push_back(m);
        momenta.push_back(e.state.get<double>(name));
    });
    engine.run(data::range(static_cast<std::int64_t>(steps.size())), 1);
    return {emas, momenta};
}

}  // namespace

TEST_CASE("EMA weights and momentum equal Ignite's EMAHandler bit for bit with and without warm-up", "[ema]") {
    struct Case {
        json args;
        EMAOptions options;
        std::string name;  // ours; Ignite's is always its default, ema_momentum
    };
    const auto args = [](double m, json warmup, json iters, const char* buffers) {
        return json{{"steps", 7},        {"momentum", m},          {"momentum_warmup", warmup},
                    {"warmup_iters", iters}, {"handle_buffers", buffers}, {"seed", 3}};
    };
    const std::vector<Case> cases = {
        {args(0.1, nullptr, nullptr, "copy"), {.momentum = 0.1}, "ema_momentum"},
        {args(0.3, nullptr, nullptr, "update"), {.momentum = 0.3, .handle_buffers = EmaBuffers::update}, "ema_momentum"},
        {args(0.05, 0.5, 4, "update"),
         {.momentum = 0.05, .momentum_warmup = 0.5, .warmup_iters = 4, .handle_buffers = EmaBuffers::update},
         "ema_momentum"},
        {args(0.6, 0.1, 3, "ema_train"),
         {.momentum = 0.6, .momentum_warmup = 0.1, .warmup_iters = 3, .handle_buffers = EmaBuffers::ema_train},
         "ema_momentum"},
        // A custom name warms up too (Ignite's warm-up writes ema_momentum whatever the name,
        // so there its custom-named handler would not: not reproduced). Expected: Ignite's
        // values under its default name.
        {args(0.05, 0.5, 4, "copy"), {.momentum = 0.05, .momentum_warmup = 0.5, .warmup_iters = 4}, "gen_ema"},
    };
    auto all_args = json::array();
    for (const auto& c : cases) all_args.push_back(c.args);
    // One Python process for every case (importing torch is the slow part).
    const auto results = run_python({std::string(IGNITE_SOURCE_DIR) + "/tests/lr_ema/ignite_ema.py", all_args.dump()});
    REQUIRE(results.size() == cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& c = cases[i];
        const auto& expected = results[i];
        INFO(c.args.dump() << " name " << c.name);
        const auto [emas, momenta] = our_ema(expected, c.options, c.name);
        CHECK(momenta == expected["momentum"].get<std::vector<double>>());
        REQUIRE(emas.size() == expected["ema"].size());
        for (std::size_t t = 0; t < emas.size(); ++t) {
            for (const auto& n : kNames) {
                INFO("step " << t + 1 << " " << n);
                CHECK(emas[t].at(n) == expected["ema"][t][n].get<std::vector<double>>());
            }
        }
    }
}

TEST_CASE("EMAHandler refuses bad arguments and its state round-trips", "[ema]") {
    auto w = torch::ones({2});
    CHECK_THROWS_WITH(EMAHandler({{"w", w}}, {}, {.momentum = 1.0}), "Invalid momentum: 1");
    CHECK_THROWS_WITH(EMAHandler({{"w", w}}, {}, {.momentum = 0.1, .momentum_warmup = 0.5}),
                      "momentum_warmup and warmup_iters go together: give both for a warm-up, or neither");
    CHECK_THROWS_WITH(ema_buffers_from("keep"),
                      "handle_buffers can only be one of 'copy', 'update', 'ema_train', but got keep");
    EMAHandler a({{"w", w}}, {}, {.momentum = 0.5, .momentum_warmup = 0.9, .warmup_iters = 10});
    Engine e([&](Engine&, const c10::IValue&) { w.add_(1.0); });
    a.attach(e);
    e.run(data::range(3), 1);
    EMAHandler b({{"w", torch::zeros({2})}}, {}, {.momentum = 0.5, .momentum_warmup = 0.9, .warmup_iters = 10});
    b.load_state_dict(a.state_dict());
    CHECK(b.event_index() == 3);
    CHECK(torch::equal(b.ema_state_dict().at("w"), a.ema_state_dict().at("w")));
    EMAHandler c({{"v", torch::zeros({2})}}, {}, {});
    CHECK_THROWS_WITH(c.load_state_dict(a.state_dict()), "the EMA state has no 'v' entry");
    // The swap puts the EMA weights in the model and the online ones back.
    const auto online = w.clone();
    {
        const auto swap = a.swap_into_model();
        CHECK(torch::equal(w, a.ema_state_dict().at("w")));
    }
    CHECK(torch::equal(w, online));
}

namespace {

const fs::path& scratch() {
    static const auto dir = test::scratch_dir("ema_test");
    return dir;
}

const std::string kRun =
    "train --model mlp --dataset synthetic:240 --batch-size 20 --threads 1 --seed 5 --no-default-plugins "
    "--plugin checkpoint --plugin-opt checkpoint.n_saved=0 --plugin ema ";

// The final test line of metrics.jsonl... of a run without the jsonl component: the summary's.
std::string summary_of(const std::string& out) {
    for (const auto& line : test::lines_of(out))
        if (line.rfind("trained ", 0) == 0) return line;
    return "";
}

}  // namespace

TEST_CASE("A run resumed mid-warm-up ends with the same EMA as the uninterrupted run and Python loads it", "[ema][host]") {
    const auto whole = scratch() / "whole";
    const auto resumed = scratch() / "resumed";
    // 12 iterations per epoch; the warm-up lasts 30 updates, so epoch 1's checkpoint is mid-warm-up.
    const std::string ema = "--plugin-opt ema.momentum=0.02 --plugin-opt ema.momentum_warmup=0.5 "
                            "--plugin-opt ema.warmup_iters=30 --plugin-opt ema.handle_buffers=update ";
    auto r = test::built_host(kRun + ema + "--epochs 3 --output-dir " + whole.string());
    INFO(r.out);
    REQUIRE(r.rc == 0);
    fs::create_directories(resumed / "checkpoints");
    fs::copy_file(whole / "checkpoints" / "checkpoint_12.pt", resumed / "checkpoints" / "checkpoint_12.pt");
    r = test::built_host(kRun + ema + "--epochs 3 --resume auto --output-dir " + resumed.string());
    INFO(r.out);
    REQUIRE(r.rc == 0);
    const auto cmp = run_python(
        {"-c",
         "import json, sys, torch\n"
         "a = torch.load(sys.argv[1], weights_only=True)\n"
         "b = torch.load(sys.argv[2], weights_only=True)\n"
         "mid = torch.load(sys.argv[3], weights_only=True)\n"
         "class Mlp(torch.nn.Module):\n"
         "    def __init__(self):\n"
         "        super().__init__()\n"
         "        self.fc1 = torch.nn.Linear(28 * 28, 256)\n"
         "        self.fc2 = torch.nn.Linear(256, 10)\n"
         "ema_model = Mlp()\n"
         "ema_model.load_state_dict(a['ema']['ema_model'])\n"
         "print(json.dumps({'same_ema': all(torch.equal(a['ema']['ema_model'][k], b['ema']['ema_model'][k]) for k in a['ema']['ema_model']),\n"
         "                  'same_model': all(torch.equal(a['model'][k], b['model'][k]) for k in a['model']),\n"
         "                  'ema_differs': any(not torch.equal(a['ema']['ema_model'][k], a['model'][k]) for k in a['model']),\n"
         "                  'event_index': [mid['ema']['event_index'], a['ema']['event_index'], b['ema']['event_index']]}))\n",
         (whole / "checkpoints" / "checkpoint_36.pt").string(), (resumed / "checkpoints" / "checkpoint_36.pt").string(),
         (whole / "checkpoints" / "checkpoint_12.pt").string()});
    CHECK(cmp["same_ema"].get<bool>());
    CHECK(cmp["same_model"].get<bool>());
    CHECK(cmp["ema_differs"].get<bool>());
    CHECK(cmp["event_index"] == json::array({12, 36, 36}));
}

TEST_CASE("With ema.evaluate the evaluator scores the EMA weights and the trained weights stay the online ones", "[ema][host]") {
    const auto online = scratch() / "online";
    const auto averaged = scratch() / "averaged";
    const std::string ema = "--epochs 2 --plugin-opt ema.momentum=0.05 ";
    auto a = test::built_host(kRun + ema + "--output-dir " + online.string());
    auto b = test::built_host(kRun + ema + "--plugin-opt ema.evaluate=true --output-dir " + averaged.string());
    INFO(a.out << "\n" << b.out);
    REQUIRE(a.rc == 0);
    REQUIRE(b.rc == 0);
    const auto line_a = summary_of(a.out), line_b = summary_of(b.out);
    const auto test_a = line_a.substr(line_a.find("; test ")), test_b = line_b.substr(line_b.find("; test "));
    CHECK(test_a != test_b);  // other metrics: the EMA weights' (0.05 per update lags far behind)
    const auto cmp = run_python(
        {"-c",
         "import json, sys, torch\n"
         "a = torch.load(sys.argv[1], weights_only=True)\n"
         "b = torch.load(sys.argv[2], weights_only=True)\n"
         "print(json.dumps({'same_model': all(torch.equal(a['model'][k], b['model'][k]) for k in a['model']),\n"
         "                  'same_ema': all(torch.equal(a['ema']['ema_model'][k], b['ema']['ema_model'][k]) for k in a['model'])}))\n",
         (online / "checkpoints" / "checkpoint_24.pt").string(), (averaged / "checkpoints" / "checkpoint_24.pt").string()});
    CHECK(cmp["same_model"].get<bool>());
    CHECK(cmp["same_ema"].get<bool>());
}

TEST_CASE("Bad ema options are refused with one line naming ema.key and exit 2", "[ema][host]") {
    const std::vector<std::pair<std::string, std::string>> table = {
        {"--plugin-opt ema.momentum=0", "ema.momentum must be in (0, 1)"},
        {"--plugin-opt ema.momentum=1.5", "ema.momentum must be in (0, 1)"},
        {"--plugin-opt ema.momentum_warmup=0.5", "ema.momentum_warmup (0.5) and ema.warmup_iters (0) go together"},
        {"--plugin-opt ema.warmup_iters=5", "ema.momentum_warmup (0) and ema.warmup_iters (5) go together"},
        {"--plugin-opt ema.momentum_warmup=2 --plugin-opt ema.warmup_iters=5", "ema.momentum_warmup must be in (0, 1)"},
        {"--plugin-opt ema.handle_buffers=keep", "ema.handle_buffers"},
        {"--plugin-opt ema.every=0", "ema.every"},
        {"--eval-every 0 --plugin-opt ema.evaluate=true", "ema.evaluate=true: this run has no evaluator"},
    };
    for (const auto& [args, message] : table) {
        const auto dir = scratch() / "bad";
        const auto r = test::built_host(kRun + "--epochs 1 --output-dir " + dir.string() + " " + args);
        INFO(args << "\n" << r.out);
        CHECK(r.rc == 2);
        const auto errors = test::error_lines(r.out);
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].find(message) != std::string::npos);
        CHECK_FALSE(fs::exists(dir / "checkpoints"));
    }
}

TEST_CASE("plugins list and plugins inspect show the ema component with Ignite's option names", "[ema][host]") {
    const auto list = test::built_host("plugins list");
    INFO(list.out);
    REQUIRE(list.rc == 0);
    CHECK(list.out.find("\nema              1.0        component     every rank Ignite's EMAHandler") != std::string::npos);
    const auto inspect = test::built_host("plugins inspect ema");
    INFO(inspect.out);
    REQUIRE(inspect.rc == 0);
    for (const char* line : {"name:        ema", "band:        handlers (-50)", "state:       ema"})
        CHECK(test::has_line(inspect.out, line));
    for (const char* option : {"  momentum ", "  momentum_warmup ", "  warmup_iters ", "  handle_buffers ", "  evaluate "})
        CHECK(inspect.out.find(option) != std::string::npos);
}
