// FastaiLRFinder (core) against Ignite 0.5.3's, fed the same losses (tests/lr_ema/ignite_lr_finder.py
// computes the expected values in Python), the finder's scope restoring the model, optimizer,
// trainer and generator bit for bit, and `ignite-host lr-find` with its files read back.
#include "support/built_host.hpp"
#include "support/process.hpp"

#include <ignite/core/handlers/lr_finder.hpp>

#include <torch/torch.h>

// LibTorch headers first: c10's logging defines CHECK, which catch.hpp must override.
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <sstream>

#ifndef IGNITE_VENV_PYTHON
#error "IGNITE_VENV_PYTHON must name the venv's python (with pytorch-ignite and pandas)"
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

// Ignite's finder on each argument set, in one Python process (importing torch is the slow part).
std::vector<json> ignite_finder(const std::vector<json>& sets) {
    const auto out = run_python({std::string(IGNITE_SOURCE_DIR) + "/tests/lr_ema/ignite_lr_finder.py", json(sets).dump()});
    return out.get<std::vector<json>>();
}

struct Ours {
    FastaiLRFinder::History history;
    std::vector<double> applied;  // the optimizer's rate when each iteration started
    bool diverged = false;
    std::optional<double> suggestion;
    std::optional<std::string> suggestion_error;
    double lr_after = 0;
};

// Our finder on the same losses, through an Engine as Ignite's runs.
Ours our_finder(const json& args, LrHistory history) {
    const auto losses = args["losses"].get<std::vector<double>>();
    auto w = torch::zeros({1}, torch::requires_grad());
    torch::optim::SGD optimizer({w}, torch::optim::SGDOptions(args["optimizer_lr"].get<double>()));
    Engine trainer([&](Engine& e, const c10::IValue&) { return losses.at(static_cast<std::size_t>(e.state.iteration - 1)); });
    Ours ours;
    trainer.add_event_handler(Events::ITERATION_STARTED,
                              [&] { ours.applied.push_back(optimizer.param_groups()[0].options().get_lr()); });
    LrFinderOptions o;
    if (!args["num_iter"].is_null()) o.num_iter = args["num_iter"].get<std::int64_t>();
    if (!args["start_lr"].is_null()) o.start_lr = args["start_lr"].get<double>();
    o.end_lr = args["end_lr"].get<double>();
    o.step_mode = lr_step_mode_from(args["step_mode"].get<std::string>());
    o.smooth_f = args["smooth_f"].get<double>();
    o.diverge_th = args["diverge_th"].get<double>();
    o.history = history;
    FastaiLRFinder finder;
    {
        const auto attached = finder.attach(trainer, optimizer, std::vector<at::Tensor>{w}, o);
        trainer.run(data::range(args["epoch_length"].get<std::int64_t>()), args["max_epochs"].get<std::int64_t>());
    }
    ours.history = finder.get_results();
    ours.diverged = finder.diverged();
    try {
        ours.suggestion = finder.lr_suggestion();
    } catch (const RuntimeError& e) {
        ours.suggestion_error = e.what();
    }
    ours.lr_after = optimizer.param_groups()[0].options().get_lr();
    return ours;
}

// Argument sets: both modes, a stop by divergence and by num_iter, a num_iter past the data
// (max_epochs raised), num_iter defaulted, no smoothing, a curve without a U.
std::vector<json> make_argument_sets() {
    const std::vector<double> u{1.0, 0.9, 0.7, 0.5, 0.45, 0.5, 0.8, 2.0, 5.0, 9.0, 20.0, 40.0, 80.0, 160.0};
    const std::vector<double> falling{3.0, 2.5, 2.2, 2.0, 1.9, 1.7, 1.6, 1.5, 1.45, 1.4, 1.3, 1.2, 1.1, 1.0};
    const std::vector<double> rising{1.0, 1.2, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0};
    std::vector<json> sets;
    for (const char* mode : {"exp", "linear"}) {
        const auto base = [&](const std::vector<double>& losses) {
            return json{{"losses", losses}, {"epoch_length", 14},    {"max_epochs", 1},    {"optimizer_lr", 0.001},
                        {"num_iter", 11},   {"start_lr", 0.01},      {"end_lr", 10.0},     {"step_mode", mode},
                        {"smooth_f", 0.05}, {"diverge_th", 5.0}};
        };
        sets.push_back(base(u));
        auto sharp = base(u);
        sharp["smooth_f"] = 0.0;  // diverges: the raw loss passes 5 x the best
        sets.push_back(sharp);
        auto longer = base(falling);
        longer["epoch_length"] = 4;  // num_iter 11 > 4 x 1: max_epochs raised to 3
        longer["losses"] = falling;
        sets.push_back(longer);
        auto whole = base(falling);
        whole["num_iter"] = nullptr;  // the run's 14 iterations
        whole["start_lr"] = nullptr;  // the optimizer's rate
        whole["smooth_f"] = 0.3;
        sets.push_back(whole);
        auto no_u = base(rising);
        no_u["diverge_th"] = 100.0;
        sets.push_back(no_u);
    }
    return sets;
}

const std::vector<json>& argument_sets() {
    static const auto sets = make_argument_sets();
    return sets;
}

// Ignite's results for argument_sets(), computed once for the test cases that compare with them.
const std::vector<json>& ignite_results() {
    static const auto results = ignite_finder(argument_sets());
    return results;
}

}  // namespace

TEST_CASE("With history ignite the finder records applies and stops exactly as Ignite 0.5.3's FastaiLRFinder", "[lr_finder]") {
    for (std::size_t i = 0; i < argument_sets().size(); ++i) {
        const auto& args = argument_sets()[i];
        const auto& expected = ignite_results().at(i);
        INFO(args.dump());
        const auto ours = our_finder(args, LrHistory::ignite);
        CHECK(ours.history.lr == expected["lr"].get<std::vector<double>>());
        CHECK(ours.history.loss == expected["loss"].get<std::vector<double>>());
        CHECK(ours.applied == expected["applied"].get<std::vector<double>>());
        CHECK(ours.diverged == expected["diverged"].get<bool>());
        CHECK(ours.lr_after == expected["lr_after"].get<double>());
        if (expected.contains("suggestion")) {
            REQUIRE(ours.suggestion);
            CHECK(*ours.suggestion == expected["suggestion"].get<double>());
        } else {
            CHECK(ours.suggestion_error == expected["suggestion_error"].get<std::string>());
        }
    }
}

TEST_CASE("By default each loss is recorded with the lr that produced it and the rest is Ignite's", "[lr_finder]") {
    for (std::size_t i = 0; i < argument_sets().size(); ++i) {
        const auto& args = argument_sets()[i];
        const auto& expected = ignite_results().at(i);
        INFO(args.dump());
        const auto ours = our_finder(args, LrHistory::applied);
        // The same iterations, smoothed losses and stop as Ignite's.
        CHECK(ours.history.loss == expected["loss"].get<std::vector<double>>());
        CHECK(ours.diverged == expected["diverged"].get<bool>());
        // Iteration k ran at point k-1 of Ignite's own schedule (its _ExponentialLR /
        // PiecewiseLinear objects in Python), and that is the rate recorded with its loss.
        const auto grid = expected["grid"].get<std::vector<double>>();
        REQUIRE(ours.history.lr.size() == ours.applied.size());
        for (std::size_t k = 0; k < ours.history.lr.size(); ++k) {
            CHECK(ours.applied[k] == grid.at(k));
            CHECK(ours.history.lr[k] == grid.at(k));
        }
        // The suggestion is the same point of the curve, with the rate that produced its loss.
        if (expected.contains("suggestion")) {
            REQUIRE(ours.suggestion);
            CHECK(*ours.suggestion == grid.at(expected["suggestion_index"].get<std::size_t>()));
        } else {
            CHECK(ours.suggestion_error == expected["suggestion_error"].get<std::string>());
        }
        CHECK(ours.lr_after == expected["lr_after"].get<double>());
    }
}

TEST_CASE("The finder refuses Ignite's bad arguments with Ignite's messages", "[lr_finder]") {
    auto w = torch::zeros({1}, torch::requires_grad());
    torch::optim::SGD optimizer({w}, torch::optim::SGDOptions(0.1));
    Engine trainer([](Engine&, const c10::IValue&) { return 1.0; });
    FastaiLRFinder finder;
    const auto refused = [&](LrFinderOptions o, const std::string& message) {
        CHECK_THROWS_WITH(finder.attach(trainer, optimizer, std::vector<at::Tensor>{w}, o), message);
    };
    refused({.smooth_f = 1.0}, "smooth_f is outside the range [0, 1]");
    refused({.diverge_th = 0.5}, "diverge_th should be larger than 1");
    refused({.num_iter = 0}, "if provided, num_iter should be positive, but give 0");
    refused({.start_lr = 20.0}, "start_lr must be less than end_lr, start_lr=20 vs end_lr=10");
    CHECK_THROWS_WITH(lr_step_mode_from("cos"), "step_mode should be 'exp' or 'linear', but given cos");
    FastaiLRFinder unused;
    CHECK_THROWS_WITH(unused.lr_suggestion(), "learning rate finder didn't run yet so lr_suggestion can't be returned");
}

TEST_CASE("When the finder's scope ends the model optimizer trainer and generator are as before bit for bit", "[lr_finder]") {
    torch::manual_seed(7);
    torch::nn::Linear model(4, 3);
    torch::optim::SGD optimizer(model->parameters(), torch::optim::SGDOptions(0.05).momentum(0.9));
    const auto x = torch::randn({32, 4});
    const auto y = torch::randint(0, 3, {32});
    const auto step = [&](Engine&, const c10::IValue& batch) {
        const auto i = batch.toInt();
        optimizer.zero_grad();
        auto loss = torch::nn::functional::cross_entropy(model->forward(x.narrow(0, i * 4, 4)), y.narrow(0, i * 4, 4));
        loss.backward();
        optimizer.step();
        return loss.item<double>();
    };
    // Two trainers: one trained an epoch, range-tested, then trained on; the other the same
    // without the test. Their weights must agree bit for bit at the end.
    const auto train = [&](bool with_test) {
        torch::manual_seed(7);
        for (auto& p : model->parameters()) {
            const at::NoGradGuard no_grad;
            p.copy_(torch::randn(p.sizes()));
        }
        optimizer.state().clear();
        optimizer.param_groups()[0].options().set_lr(0.05);
        Engine trainer(step);
        trainer.run(data::range(8), 1);
        const auto iteration_before = trainer.state.iteration;
        if (with_test) {
            std::vector<at::Tensor> before;
            for (const auto& p : model->parameters()) before.push_back(p.detach().clone());
            FastaiLRFinder finder;
            {
                const auto attached = finder.attach(trainer, optimizer, *model, {.num_iter = 5, .end_lr = 100.0});
                attached.trainer().run(data::range(8), 1);
            }
            CHECK(finder.get_results().lr.size() >= 2);
            for (std::size_t i = 0; i < before.size(); ++i) CHECK(torch::equal(before[i], model->parameters()[i]));
            CHECK(optimizer.param_groups()[0].options().get_lr() == 0.05);
            CHECK(trainer.state.iteration == iteration_before);
            torch::randn({1});  // the generator goes on from where it was, as without the test
        } else {
            torch::randn({1});
        }
        trainer.run(data::range(8), 2);  // the second epoch, from the restored state
        CHECK(trainer.state.iteration == 16);
        std::vector<at::Tensor> out;
        for (const auto& p : model->parameters()) out.push_back(p.detach().clone());
        for (const auto& p : model->parameters()) {
            auto& s = static_cast<torch::optim::SGDParamState&>(*optimizer.state().at(p.unsafeGetTensorImpl()));
            out.push_back(s.momentum_buffer().clone());
        }
        out.push_back(torch::randn({4}));
        return out;
    };
    const auto plain = train(false);
    const auto tested = train(true);
    REQUIRE(plain.size() == tested.size());
    for (std::size_t i = 0; i < plain.size(); ++i) CHECK(torch::equal(plain[i], tested[i]));
}

namespace {

struct Frame {
    std::vector<std::string> columns;
    std::vector<double> lr, loss, smoothed;
};

// The CSV as pandas reads it.
Frame read_csv(const fs::path& file) {
    const auto j = run_python({"-c",
                               "import json, sys\nimport pandas as pd\ndf = pd.read_csv(sys.argv[1], float_precision='round_trip')\n"
                               "print(json.dumps({'columns': list(df.columns), 'rows': df.values.tolist()}))\n",
                               file.string()});
    Frame f;
    for (const auto& c : j["columns"]) f.columns.push_back(c);
    for (const auto& row : j["rows"]) {
        f.lr.push_back(row[0]);
        f.loss.push_back(row[1]);
        f.smoothed.push_back(row[2]);
    }
    return f;
}

const fs::path& scratch() {
    static const auto dir = test::scratch_dir("lr_finder_test");
    return dir;
}

}  // namespace

TEST_CASE("ignite-host lr-find writes the curve pandas reads and the page and prints Ignite's suggestion for its losses", "[lr_finder][host]") {
    const auto dir = scratch() / "find";
    fs::create_directories(dir);
    const auto csv = dir / "curve.csv";
    const auto r = test::built_host(
        "lr-find --model mlp --dataset synthetic:400 --batch-size 20 --threads 1 --start-lr 0.001 --end-lr 1000 "
        "--num-iter 18 --smooth-f 0.1 --output " +
        csv.string());
    INFO(r.out);
    REQUIRE(r.rc == 0);
    const auto f = read_csv(csv);
    CHECK(f.columns == std::vector<std::string>{"lr", "loss", "smoothed_loss"});
    REQUIRE(f.lr.size() >= 3);
    CHECK(f.lr.front() == 0.001);
    // Ignite's finder fed the same losses: the same smoothing, stop and suggested point.
    json args{{"losses", f.loss},   {"epoch_length", 20}, {"max_epochs", 1},     {"optimizer_lr", 0.03},
              {"num_iter", 18},     {"start_lr", 0.001},  {"end_lr", 1000.0},    {"step_mode", "exp"},
              {"smooth_f", 0.1},    {"diverge_th", 5.0}};
    const auto expected = ignite_finder({args}).at(0);
    CHECK(f.smoothed == expected["loss"].get<std::vector<double>>());
    const auto grid = expected["grid"].get<std::vector<double>>();
    for (std::size_t k = 0; k < f.lr.size(); ++k) CHECK(f.lr[k] == grid.at(k));
    REQUIRE(expected.contains("suggestion_index"));
    const auto suggested = grid.at(expected["suggestion_index"].get<std::size_t>());
    CHECK(test::has_line(r.out, fmt::format("suggested lr: {}", suggested)));
    const auto page = test::read_file(dir / "curve.html");
    CHECK(page.find(fmt::format("data-chart=\"lr_find\" data-points=\"{}\"", f.lr.size())) != std::string::npos);
    CHECK(page.find("suggested lr") != std::string::npos);
}

TEST_CASE("ignite-host lr-find refuses bad options with one line and exit 2", "[lr_finder][host]") {
    const std::string run = "lr-find --model mlp --dataset synthetic:100 --threads 1 --output " +
                            (scratch() / "bad.csv").string() + " ";
    const std::vector<std::pair<std::string, std::string>> table = {
        {"--start-lr 0", "--start-lr must be > 0, got 0"},
        {"--start-lr 5 --end-lr 1", "--start-lr 5 must be below --end-lr 1"},
        {"--num-iter 0", "--num-iter must be >= 1, got 0"},
        {"--step-mode cos", "--step-mode must be exp or linear, got 'cos'"},
        {"--smooth-f 1", "--smooth-f must be in [0, 1), got 1"},
        {"--diverge-th 0.5", "--diverge-th must be a finite number >= 1, got 0.5"},
        {"--history next", "--history must be applied or ignite, got 'next'"},
        {"--end-lr nan", "--end-lr must be a finite number, got nan"},
        {"--plugin checkpoint", "--plugin does not apply to lr-find"},
        {"--resume auto", "--resume does not apply to lr-find"},
        {"--lr 0", "--lr must be > 0, got 0"},
        {"--start-lr abc", "lr-find: the argument ('abc') for option '--start-lr' is invalid"},
    };
    for (const auto& [args, message] : table) {
        const auto r = test::built_host(run + args);
        INFO(args << "\n" << r.out);
        CHECK(r.rc == 2);
        const auto errors = test::error_lines(r.out);
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].find(message) != std::string::npos);
    }
    CHECK_FALSE(fs::exists(scratch() / "bad.csv"));
    // An earlier lr-find's files are kept unless --overwrite.
    const auto earlier = scratch() / "earlier.csv";
    test::built_host("lr-find --model mlp --dataset synthetic:100 --threads 1 --num-iter 3 --output " + earlier.string());
    REQUIRE(fs::exists(earlier));
    auto again = test::built_host("lr-find --model mlp --dataset synthetic:100 --threads 1 --num-iter 3 --output " +
                                  earlier.string());
    CHECK(again.rc == 2);
    CHECK(test::error_lines(again.out).size() == 1);
    CHECK(again.out.find("exists (an earlier lr-find's?); give another --output, or --overwrite") != std::string::npos);
    again = test::built_host("lr-find --model mlp --dataset synthetic:100 --threads 1 --num-iter 3 --overwrite --output " +
                             earlier.string());
    CHECK(again.rc != 2);
}
