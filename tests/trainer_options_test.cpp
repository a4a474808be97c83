// The trainer options users expect (issue 20 §7): gradient accumulation and clipping in core's
// create_supervised_trainer, against pytorch-ignite 0.5.3 and torch.nn.utils in Python; the
// five optimizers' state in PyTorch's format both ways (ignite/core/optimizer_state.hpp); and
// the same through ignite-host (--optimizer, --clip-grad-norm, --clip-grad-value,
// --accumulate-grad-batches, their bad values, a resume inside an accumulation window).
// Expected values are computed by tests/checkpoint_interop/trainer_options.py in the venv.
#include "support/built_host.hpp"
#include "support/process.hpp"

#include <ignite/core/checkpoint_file.hpp>
#include <ignite/core/data.hpp>
#include <ignite/core/optimizer_state.hpp>
#include <ignite/core/supervised.hpp>

#include <fmt/format.h>
#include <torch/torch.h>

// LibTorch headers first: c10's logging defines CHECK, which catch.hpp must override.
#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using ignite::test::built_host;
using ignite::test::run_process;

namespace {

const fs::path kScripts = fs::path(IGNITE_SOURCE_DIR) / "tests" / "checkpoint_interop";

fs::path dir_for(const std::string& name) {
    const auto d = ignite::test::scratch_dir("trainer_options_test") / name;
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

// Runs tests/checkpoint_interop/SCRIPT ARGS with the venv's Python; returns its stdout.
std::string python(const std::string& script, const std::vector<std::string>& args) {
    std::vector<std::string> argv{IGNITE_VENV_PYTHON, (kScripts / script).string()};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = run_process(argv);
    INFO(r.cmd << "\nstdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.exited);
    REQUIRE(r.rc == 0);
    return r.out;
}

// A Linear(4, 3) classifier's weights and N samples of 4 features, 3 classes, from a seed.
struct Problem {
    at::Tensor weight, bias, x, y;
};

Problem problem(std::int64_t n) {
    torch::manual_seed(7);
    Problem p;
    p.weight = torch::randn({3, 4}) * 0.5;
    p.bias = torch::randn({3}) * 0.1;
    p.x = torch::randn({n, 4}) * 2;
    p.y = torch::randint(0, 3, {n}, torch::kLong);
    return p;
}

c10::impl::GenericDict problem_entries(const Problem& p) {
    c10::impl::GenericDict d(c10::StringType::get(), c10::AnyType::get());
    d.insert("weight", p.weight);
    d.insert("bias", p.bias);
    d.insert("x", p.x);
    d.insert("y", p.y);
    return d;
}

torch::nn::Linear linear(const Problem& p) {
    torch::nn::Linear lin(4, 3);
    torch::NoGradGuard no_grad;
    lin->weight.copy_(p.weight);
    lin->bias.copy_(p.bias);
    return lin;
}

at::Tensor cross_entropy(const at::Tensor& y_pred, const at::Tensor& y) {
    return torch::nn::functional::cross_entropy(y_pred, y);
}

// The largest difference between the model's weights and Python's {"weight": [...], "bias": [...]}.
double distance(const torch::nn::Linear& lin, const nlohmann::json& py) {
    const auto w = torch::tensor(py.at("weight").get<std::vector<float>>()).reshape({3, 4});
    const auto b = torch::tensor(py.at("bias").get<std::vector<float>>());
    return std::max((lin->weight.detach() - w).abs().max().item<double>(),
                    (lin->bias.detach() - b).abs().max().item<double>());
}

// float32 over a handful of steps of a tiny model: LibTorch and PyTorch run the same kernels
// in the same order, so they agree to rounding.
constexpr double kTolerance = 1e-5;

// The batches of `rows` rows of the problem, as (x, y) tuples.
ignite::DataPtr batches(const Problem& p, std::int64_t rows) {
    std::vector<c10::IValue> out;
    for (std::int64_t i = 0; i < p.x.size(0); i += rows) {
        out.push_back(c10::ivalue::Tuple::create({p.x.narrow(0, i, rows), p.y.narrow(0, i, rows)}));
    }
    return ignite::data::from_values(out);
}

struct StepCase {
    std::int64_t k;
    std::string clip;  // none, norm, value
    double clip_value;
};

// Ten batches of 4 through core's trainer (SGD lr 0.1, momentum 0.9) with `c`'s options.
torch::nn::Linear train_cpp(const Problem& p, const StepCase& c) {
    auto lin = linear(p);
    torch::optim::SGD sgd(lin->parameters(), torch::optim::SGDOptions(0.1).momentum(0.9));
    ignite::TrainerOptions options;
    options.gradient_accumulation_steps = c.k;
    if (c.clip == "norm") options.clip_grad_norm = c.clip_value;
    if (c.clip == "value") options.clip_grad_value = c.clip_value;
    auto trainer = ignite::create_supervised_trainer(lin, sgd, cross_entropy, options);
    trainer->run(batches(p, 4), 1);
    return lin;
}

// One kind of optimizer with the hyper-parameters trainer_options.py's OPTIMIZERS gives it.
struct OptimizerCase {
    std::string kind;
    std::function<std::unique_ptr<torch::optim::Optimizer>(std::vector<at::Tensor>)> make;
};

const std::vector<OptimizerCase>& optimizer_cases() {
    using namespace torch::optim;
    static const std::vector<OptimizerCase> cases{
        {"sgd",
         [](auto p) { return std::make_unique<SGD>(p, SGDOptions(0.1).momentum(0.9).weight_decay(0.01)); }},
        {"adam",
         [](auto p) { return std::make_unique<Adam>(p, AdamOptions(0.01).weight_decay(0.01).amsgrad(true)); }},
        {"adamw", [](auto p) { return std::make_unique<AdamW>(p, AdamWOptions(0.01).weight_decay(0.01)); }},
        {"rmsprop",
         [](auto p) {
             return std::make_unique<RMSprop>(p,
                                              RMSpropOptions(0.01).momentum(0.5).centered(true).weight_decay(0.01));
         }},
        {"adagrad",
         [](auto p) { return std::make_unique<Adagrad>(p, AdagradOptions(0.1).lr_decay(0.01).weight_decay(0.01)); }},
    };
    return cases;
}

void one_step(torch::nn::Linear& lin, torch::optim::Optimizer& optimizer, const Problem& p) {
    optimizer.zero_grad();
    cross_entropy(lin->forward(p.x), p.y).backward();
    optimizer.step();
}

c10::impl::GenericDict model_entry(const torch::nn::Linear& lin) {
    c10::impl::GenericDict d(c10::StringType::get(), c10::AnyType::get());
    d.insert("weight", lin->weight.detach().clone());
    d.insert("bias", lin->bias.detach().clone());
    return d;
}

void load_model(torch::nn::Linear& lin, const c10::IValue& model) {
    const auto d = model.toGenericDict();
    torch::NoGradGuard no_grad;
    lin->weight.copy_(d.at("weight").toTensor());
    lin->bias.copy_(d.at("bias").toTensor());
}

// ---- ignite-host ----

// 300 synthetic samples in batches of 32: 10 iterations per epoch.
// A C plugin that prints the run's facts, the config among them (tests/abi/run16_fixture_plugin.c).
const std::string kRun16 = std::string(IGNITE_ABI_FIXTURE_DIR) + "/ignite-plugin-run16.so";

const std::string kSmall =
    "train --model mlp --dataset synthetic:300 --batch-size 32 --device cpu --threads 1 --no-default-plugins "
    "--eval-every 0 --lr-schedule constant ";

}  // namespace

TEST_CASE("gradient accumulation and clipping equal Ignite 0.5.3's trainer and torch.nn.utils in Python",
          "[trainer_options]") {
    const auto dir = dir_for("steps");
    const auto p = problem(40);
    const auto file = dir / "problem.pt";
    ignite::checkpoint::save(problem_entries(p), file);
    // K = 4 over 10 batches: the last two batches make a window that is never stepped, as in Ignite.
    const std::vector<StepCase> cases{{1, "none", 0},   {3, "none", 0},   {4, "none", 0},   {1, "norm", 0.5},
                                      {2, "norm", 0.5}, {1, "value", 0.05}, {3, "value", 0.05}};
    std::vector<std::string> args{"steps", file.string(), "4"};
    for (const auto& c : cases) args.push_back(fmt::format("{}:{}:{}", c.k, c.clip, c.clip_value));
    const auto py = nlohmann::json::parse(python("trainer_options.py", args));
    REQUIRE(py.size() == cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& c = cases[i];
        INFO("K " << c.k << " clip " << c.clip << " " << c.clip_value);
        const auto lin = train_cpp(p, c);
        CHECK(distance(lin, py[i]) < kTolerance);
        if (c.clip != "none") {
            // The threshold bites on this problem: without clipping the weights differ.
            CHECK(distance(train_cpp(p, {c.k, "none", 0}), py[i]) > 1e-3);
        }
    }
}

TEST_CASE("clip values are checked when the trainer is created", "[trainer_options][errors]") {
    const auto p = problem(4);
    auto lin = linear(p);
    torch::optim::SGD sgd(lin->parameters(), torch::optim::SGDOptions(0.1));
    const auto make = [&](std::optional<double> norm, std::optional<double> value) {
        ignite::TrainerOptions o;
        o.clip_grad_norm = norm;
        o.clip_grad_value = value;
        return ignite::create_supervised_trainer(lin, sgd, cross_entropy, o);
    };
    CHECK_THROWS_WITH(make(0.0, std::nullopt), Catch::Contains("clip_grad_norm must be a finite number > 0"));
    CHECK_THROWS_WITH(make(std::nullopt, -1.0), Catch::Contains("clip_grad_value must be a finite number > 0"));
    CHECK_THROWS_WITH(make(std::nan(""), std::nullopt), Catch::Contains("clip_grad_norm"));
    CHECK_THROWS_WITH(make(1.0, 1.0), Catch::Contains("exclude each other"));
    CHECK_NOTHROW(make(1.0, std::nullopt));
}

TEST_CASE("each optimizer's state loads into the same torch.optim class in Python and back, steps agreeing",
          "[trainer_options]") {
    const auto dir = dir_for("optimizers");
    const auto p = problem(16);
    // The C++ side: 3 steps of each kind, saved with the problem.
    std::map<std::string, std::pair<torch::nn::Linear, std::unique_ptr<torch::optim::Optimizer>>> trained;
    std::vector<std::string> args{"optim", dir.string()};
    for (const auto& c : optimizer_cases()) {
        auto lin = linear(p);
        auto optimizer = c.make(lin->parameters());
        CHECK(ignite::optimizer_kind(*optimizer) == c.kind);
        for (int i = 0; i < 3; ++i) one_step(lin, *optimizer, p);
        auto entries = problem_entries(p);
        entries.insert("model", model_entry(lin));
        entries.insert("optimizer", ignite::optimizer_state_dict(*optimizer));
        ignite::checkpoint::save(entries, dir / (c.kind + ".pt"));
        trained.emplace(c.kind, std::make_pair(lin, std::move(optimizer)));
        args.push_back(c.kind);
    }
    const auto all = nlohmann::json::parse(python("trainer_options.py", args));
    for (const auto& c : optimizer_cases()) {
        INFO(c.kind);
        const auto& py = all.at(c.kind);
        auto& [lin, optimizer] = trained.at(c.kind);
        // LibTorch's optimizer is PyTorch's: the same weights after the same 3 steps.
        CHECK(distance(lin, py.at("python_3")) < kTolerance);
        // Python's step from the C++ state is the C++ step.
        one_step(lin, *optimizer, p);
        CHECK(distance(lin, py.at("from_cpp")) < kTolerance);
        // And the reverse: Python's state (torch.save) loads here, and the next step agrees.
        const auto saved = ignite::checkpoint::load(dir / (c.kind + "_python.pt")).toGenericDict();
        const auto python_group = saved.at("optimizer").toGenericDict().at("param_groups").toList().get(0);
        CHECK(ignite::optimizer_kind(python_group.toGenericDict()) == c.kind);
        auto resumed = linear(p);
        auto resumed_optimizer = c.make(resumed->parameters());
        load_model(resumed, saved.at("model"));
        ignite::load_optimizer_state_dict(*resumed_optimizer, saved.at("optimizer"));
        one_step(resumed, *resumed_optimizer, p);
        CHECK(distance(resumed, py.at("python_4")) < kTolerance);
    }
}

TEST_CASE("a state of another optimizer kind is refused and leaves the optimizer unchanged", "[trainer_options][errors]") {
    const auto p = problem(8);
    auto lin = linear(p);
    torch::optim::Adam adam(lin->parameters(), torch::optim::AdamOptions(0.01));
    one_step(lin, adam, p);
    const auto adam_state = ignite::optimizer_state_dict(adam);
    torch::optim::RMSprop rmsprop(lin->parameters(), torch::optim::RMSpropOptions(0.01).momentum(0.5));
    one_step(lin, rmsprop, p);
    const auto before = ignite::checkpoint::encode(ignite::optimizer_state_dict(rmsprop));
    CHECK_THROWS_WITH(ignite::load_optimizer_state_dict(rmsprop, adam_state),
                      "the optimizer state is adam's but this optimizer is rmsprop");
    CHECK(ignite::checkpoint::encode(ignite::optimizer_state_dict(rmsprop)) == before);
    // An RMSprop state with momentum needs its momentum_buffer (LibTorch's step reads it).
    torch::optim::RMSprop plain(lin->parameters(), torch::optim::RMSpropOptions(0.01));
    one_step(lin, plain, p);
    CHECK_THROWS_WITH(ignite::load_optimizer_state_dict(rmsprop, ignite::optimizer_state_dict(plain)),
                      Catch::Contains("has no tensor 'momentum_buffer'"));
}

TEST_CASE("ignite-host resumes a Python Ignite run of each optimizer and Python loads what it saves",
          "[trainer_options][host]") {
    const auto dir = dir_for("host_resume_python");
    const std::vector<std::string> kinds{"adamw", "rmsprop", "adagrad"};
    // One Python process runs python_ignite_run.py for each kind (and adam, for the refusal).
    std::vector<std::string> runs{"each", "python_ignite_run.py"};
    for (const auto& kind : kinds) runs.push_back((dir / ("py_" + kind)).string() + " mlp " + kind + " 10");
    runs.push_back((dir / "py_adam").string() + " mlp adam 10");
    const auto files = ignite::test::lines_of(python("trainer_options.py", runs));
    REQUIRE(files.size() == kinds.size() + 1);
    std::vector<std::string> loads{"each", "host_checkpoint_load.py"};
    for (std::size_t i = 0; i < kinds.size(); ++i) {
        const auto& kind = kinds[i];
        INFO(kind);
        const auto ck = dir / ("ck_" + kind);
        const auto r = built_host(kSmall + "--optimizer " + kind + " --epochs 2 --plugin checkpoint --resume " +
                                  files[i] + " --output-dir " + (dir / ("out_" + kind)).string() +
                                  " --plugin-opt checkpoint.dirname=" + ck.string());
        INFO(r.out);
        REQUIRE(r.rc == 0);
        CHECK_THAT(r.out, Catch::Contains("at epoch 1, iteration 10"));
        loads.push_back((ck / "checkpoint_20.pt").string() + " mlp " + kind);
    }
    // The continued state is the same class's: Python's Checkpoint.load_objects takes it into
    // torch.optim.KIND, and steps from it.
    CHECK(python("trainer_options.py", loads) == "ok 20\nok 20\nok 20\n");
    // Another kind's state is refused before anything is written, naming the option to use.
    const auto r = built_host(kSmall + "--optimizer adamw --epochs 2 --plugin checkpoint --resume " + files.back() +
                              " --output-dir " + (dir / "refused").string() +
                              " --plugin-opt checkpoint.dirname=" + (dir / "refused_ck").string());
    CHECK(r.rc == 2);
    CHECK_THAT(r.out, Catch::Contains("the checkpoint's optimizer is adam but this run's is adamw; resume with "
                                      "--optimizer adam"));
    CHECK_FALSE(fs::exists(dir / "refused"));
}

TEST_CASE("ignite-host's trainer options run, say what the optimizer does and go into the run's config",
          "[trainer_options][host]") {
    const auto dir = dir_for("host_flags");
    struct Row {
        std::string args, line;
        nlohmann::json config;
    };
    const std::vector<Row> rows{
        {"--optimizer adamw --clip-grad-norm 1 --accumulate-grad-batches 3",
         "ignite-host: optimizer adamw (lr 0.03, weight_decay 0.01); gradients clipped to a total norm of 1; a step "
         "every 3 batches (gradients accumulated, each loss / 3)",
         {{"optimizer", "adamw"}, {"weight_decay", 0.01}, {"clip_grad_norm", 1.0}, {"accumulate_grad_batches", 3}}},
        {"--optimizer rmsprop --clip-grad-value 0.5",
         "ignite-host: optimizer rmsprop (lr 0.03, momentum 0, weight_decay 0); gradients clamped to [-0.5, 0.5]",
         {{"momentum", 0.0}, {"weight_decay", 0.0}, {"clip_grad_value", 0.5}, {"accumulate_grad_batches", 1}}},
        {"--optimizer sgd --nesterov --weight-decay 0.001",
         "ignite-host: optimizer sgd (lr 0.03, momentum 0.9, nesterov, weight_decay 0.001)",
         {{"momentum", 0.9}, {"nesterov", true}, {"weight_decay", 0.001}}},
        {"--optimizer adagrad --weight-decay 0.0001", "ignite-host: optimizer adagrad (lr 0.03, weight_decay 0.0001)",
         {{"optimizer", "adagrad"}, {"weight_decay", 0.0001}, {"momentum", nullptr}}},
    };
    int n = 0;
    for (const auto& row : rows) {
        INFO(row.args);
        const auto out = dir / std::to_string(++n);
        // The jsonl writer (a default participant) and the run16 fixture, which prints the config fact.
        const auto r = built_host(kSmall + "--epochs 2 --plugin jsonl --plugin " + kRun16 + " --output-dir " +
                                  out.string() + " " + row.args);
        INFO(r.out);
        REQUIRE(r.rc == 0);
        CHECK(ignite::test::has_line(r.out, row.line));
        std::vector<std::int64_t> epochs;
        for (const auto& line : ignite::test::read_jsonl(out / "metrics.jsonl")) {
            if (line.value("split", "") == "train") epochs.push_back(line.at("epoch").get<std::int64_t>());
        }
        CHECK(epochs == std::vector<std::int64_t>{1, 2});
        // The run's config fact holds every trainer option with the value the run uses.
        nlohmann::json config;
        for (const auto& line : ignite::test::lines_of(r.out)) {
            if (const auto at = line.find("[run16] fact config="); at != std::string::npos) {
                config = nlohmann::json::parse(line.substr(at + 20));
            }
        }
        REQUIRE(config.is_object());
        for (const auto& [key, value] : row.config.items()) {
            INFO(key);
            CHECK(config.value(key, nlohmann::json()) == value);
        }
    }
}

TEST_CASE("ignite-host's trainer options refuse bad values with one line naming the flag and exit 2",
          "[trainer_options][host][errors]") {
    const auto dir = dir_for("host_bad");
    struct Row {
        std::string args, says;
    };
    const std::vector<Row> rows{
        {"--clip-grad-norm 0", "--clip-grad-norm must be a finite number > 0 (e.g. 1.0), got 0"},
        {"--clip-grad-norm -1", "--clip-grad-norm must be a finite number > 0"},
        {"--clip-grad-norm nan", "--clip-grad-norm must be a finite number > 0"},
        {"--clip-grad-value inf", "--clip-grad-value must be a finite number > 0"},
        {"--clip-grad-norm 1 --clip-grad-value 1", "--clip-grad-norm and --clip-grad-value exclude each other"},
        {"--accumulate-grad-batches 0", "--accumulate-grad-batches must be >= 1"},
        {"--accumulate-grad-batches -2", "--accumulate-grad-batches must be >= 1"},
        {"--optimizer lbfgs", "unknown --optimizer 'lbfgs': use one of sgd, adam, adamw, rmsprop, adagrad"},
        {"--optimizer adamw --momentum 0.9", "--momentum applies to --optimizer sgd and rmsprop only (adamw has none)"},
        {"--optimizer adagrad --momentum 0.5", "--momentum applies to --optimizer sgd and rmsprop only"},
        {"--optimizer rmsprop --momentum 0.5 --nesterov", "--nesterov applies to --optimizer sgd only"},
        {"--optimizer rmsprop --momentum 1", "--momentum must be in [0, 1)"},
    };
    for (const auto& row : rows) {
        INFO(row.args);
        const auto out = dir / "out";
        const auto r = built_host(kSmall + "--epochs 1 --output-dir " + out.string() + " " + row.args);
        INFO(r.out);
        CHECK(r.rc == 2);
        const auto errors = ignite::test::error_lines(r.out);
        REQUIRE(errors.size() == 1);
        CHECK_THAT(errors[0], Catch::Contains(row.says));
        CHECK_FALSE(fs::exists(out));
    }
}

TEST_CASE("a resume inside an accumulation window says the window's first gradients are dropped",
          "[trainer_options][host]") {
    const auto dir = dir_for("host_window");
    const auto run = [&](const std::string& name, const std::string& args) {
        const auto r = built_host(kSmall + "--plugin checkpoint --output-dir " + (dir / name).string() +
                                  " --plugin-opt checkpoint.dirname=" + (dir / (name + "_ck")).string() + " " + args);
        INFO(r.out);
        REQUIRE(r.rc == 0);
        return r.out;
    };
    // 10 iterations per epoch: the epoch's checkpoint at iteration 10 is one batch into the
    // window of 3 that steps at iteration 12.
    run("three", "--epochs 1 --accumulate-grad-batches 3");
    auto out = run("three", "--epochs 2 --accumulate-grad-batches 3 --resume auto");
    CHECK(ignite::test::has_line(
        out, "ignite-host: warning: --resume '" + (dir / "three_ck" / "checkpoint_10.pt").string() +
                 "' at iteration 10 is inside a window of --accumulate-grad-batches 3: the gradients of its first 1 "
                 "batch were not saved, so the step at iteration 12 uses the 2 batches after the resume only"));
    // K dividing the checkpoint's iteration: no warning, and the resumed run is the uninterrupted one.
    run("five", "--epochs 1 --accumulate-grad-batches 5");
    out = run("five", "--epochs 2 --accumulate-grad-batches 5 --resume auto");
    CHECK(out.find("inside a window") == std::string::npos);
    run("whole", "--epochs 2 --accumulate-grad-batches 5");
    const auto a = ignite::checkpoint::load(dir / "five_ck" / "checkpoint_20.pt").toGenericDict();
    const auto b = ignite::checkpoint::load(dir / "whole_ck" / "checkpoint_20.pt").toGenericDict();
    for (const auto& item : a.at("model").toGenericDict()) {
        INFO(item.key().toStringRef());
        CHECK(torch::equal(item.value().toTensor(), b.at("model").toGenericDict().at(item.key()).toTensor()));
    }
}
