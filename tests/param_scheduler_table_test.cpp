// The lr_schedule component's schedules against pytorch-ignite's, option set by option set:
// every scheduler kind, the cycle multipliers, warm-up (create_lr_scheduler_with_warmup)
// composed with each, per parameter group, momentum and weight decay, plateau on a metric
// sequence. The expected values come from Ignite itself, run on the same options by
// tests/param_scheduler_reference/simulate.py (the venv's pytorch-ignite 0.5.3), and agree to
// 1e-12 relative. The schedules are built as `ignite-host train` and `schedule` build them
// (validate_options, LrScheduleSettings::from, build_schedule); a few rows go through
// `ignite-host schedule` itself.
#include "support/process.hpp"
#include "support/trace.hpp"

#include "train/components/lr_schedule.hpp"

#include <ignite/core/optimizer_params.hpp>
#include <ignite/runtime/plugin_options.hpp>

#include <torch/torch.h>

// LibTorch headers first: c10's logging defines CHECK, which catch.hpp must override.
#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using ignite::test::run_process;
using namespace ignite::host;

namespace {

struct Case {
    std::string name;
    std::vector<std::string> options;  ///< KEY=VALUE, lr_schedule's
    std::int64_t n = 10;               ///< events
    double lr = 0.1;                   ///< the optimizer's lr (start_value's default)
    std::int64_t groups = 1;
    std::vector<double> metrics;  ///< plateau: the evaluator's metric per event
};

const std::vector<Case>& cases() {
    static const std::vector<Case> table = {
        {"cosine", {"start_value=1", "end_value=0", "cycle_size=4"}, 10},
        {"cosine over the run (cycle_size 0)", {}, 7, 0.05},
        {"cosine cycle_mult and start_value_mult",
         {"start_value=1", "cycle_size=4", "cycle_mult=2", "start_value_mult=0.5"},
         16},
        {"cosine end_value_mult and a fractional cycle_mult",
         {"start_value=0.5", "end_value=0.1", "cycle_size=3", "cycle_mult=1.5", "end_value_mult=0.5"},
         24},
        {"cosine with the cycle's own warm-up", {"start_value=1", "end_value=0.2", "cycle_size=4",
                                                 "cycle_warmup_duration=2", "cycle_mult=2"}, 20},
        {"linear cyclical", {"scheduler=linear_cyclical", "start_value=0", "end_value=1", "cycle_size=4"}, 9},
        {"linear cyclical monotonic with the cycle's warm-up",
         {"scheduler=linear_cyclical", "start_value=0", "end_value=1", "cycle_size=4", "monotonic=true",
          "cycle_warmup_duration=2"},
         14},
        {"linear cyclical with every mult",
         {"scheduler=linear_cyclical", "start_value=0.8", "end_value=0.1", "cycle_size=4", "cycle_mult=2",
          "start_value_mult=0.5", "end_value_mult=2"},
         24},
        {"piecewise linear", {"scheduler=piecewise_linear", "milestones_values=2:1,5:0.1"}, 8},
        {"piecewise linear with a repeated milestone",
         {"scheduler=piecewise_linear", "milestones_values=0:0.1,10:0.5,10:0.2,20:0"},
         25},
        {"exponential", {"scheduler=exponential", "gamma=0.9"}, 10},
        {"step", {"scheduler=step", "step_size=3", "gamma=0.5"}, 10, 0.2},
        {"multistep with a repeated milestone", {"scheduler=multistep", "milestones=2,5,5", "gamma=0.5"}, 8, 0.2},
        {"plateau (Ignite's docstring)",
         {"scheduler=plateau", "patience=3", "factor=0.5", "threshold=0.1"},
         8,
         0.1,
         1,
         {10, 5, 3, 4, 4, 4, 5, 1}},
        {"plateau max abs with cooldown",
         {"scheduler=plateau", "mode=max", "threshold_mode=abs", "threshold=0.01", "patience=1", "cooldown=2",
          "factor=0.5"},
         12,
         0.1,
         1,
         {0.5, 0.6, 0.6, 0.6, 0.6, 0.7, 0.7, 0.7, 0.69, 0.8, 0.8, 0.8}},
        {"warm-up then cosine (the warm-up ends where cosine starts)",
         {"warmup_duration=5", "warmup_start_value=0.01", "cycle_size=6"},
         16},
        {"warm-up of 2 then cosine", {"warmup_duration=2", "cycle_size=4"}, 8},
        {"warm-up to another value then cosine",
         {"warmup_duration=4", "warmup_start_value=0", "warmup_end_value=0.5", "cycle_size=5", "cycle_mult=2"},
         20},
        {"warm-up then linear cyclical",
         {"scheduler=linear_cyclical", "start_value=0.8", "end_value=0", "cycle_size=10", "warmup_duration=5",
          "warmup_start_value=0", "warmup_end_value=0.05"},
         20},
        {"warm-up then piecewise linear",
         {"scheduler=piecewise_linear", "milestones_values=0:0.1,6:0.01", "warmup_duration=3",
          "warmup_start_value=0.001"},
         12},
        {"warm-up then exponential (Ignite's docstring)",
         {"scheduler=exponential", "gamma=0.98", "warmup_duration=3", "warmup_start_value=0"},
         8},
        {"warm-up to another value then exponential",
         {"scheduler=exponential", "gamma=0.98", "warmup_duration=10", "warmup_start_value=0.01",
          "warmup_end_value=0.05"},
         14,
         0.2},
        {"warm-up then step",
         {"scheduler=step", "step_size=2", "gamma=0.5", "warmup_duration=3", "warmup_start_value=0.01"},
         10},
        {"warm-up then multistep",
         {"scheduler=multistep", "milestones=2,4", "gamma=0.1", "warmup_duration=4", "warmup_start_value=0",
          "warmup_end_value=0.3"},
         12},
        {"cosine on two groups with a warm-up", {"cycle_size=4", "warmup_duration=3"}, 10, 0.1, 2},
        {"momentum of the second group",
         {"param_name=momentum", "param_group_index=1", "start_value=0.95", "end_value=0.85", "cycle_size=6"},
         8,
         0.1,
         2},
        {"weight decay piecewise", {"param_name=weight_decay", "scheduler=piecewise_linear",
                                    "milestones_values=0:0.0001,4:0.001"}, 6, 0.1, 2},
    };
    return table;
}

std::map<std::string, std::string> option_map(const Case& c) {
    std::map<std::string, std::string> m;
    for (const auto& kv : c.options) m[kv.substr(0, kv.find('='))] = kv.substr(kv.find('=') + 1);
    return m;
}

// What ignite-host builds for the case: the component's options validated, then the schedule.
std::vector<std::vector<double>> ours(const Case& c) {
    std::vector<std::pair<std::string, std::string>> raw{{"start_value", fmt::format("{}", c.lr)}};
    for (const auto& [k, v] : option_map(c)) raw.emplace_back(k, v);
    const auto settings = LrScheduleSettings::from(validate_options("lr_schedule", lr_schedule_spec().options, raw));
    std::vector<torch::optim::OptimizerParamGroup> pgs;
    for (std::int64_t i = 0; i < c.groups; ++i)
        pgs.emplace_back(std::vector<at::Tensor>{torch::zeros({1}, torch::requires_grad())});
    torch::optim::SGD opt(pgs, torch::optim::SGDOptions(c.lr));
    auto built = build_schedule(opt, settings, c.n);
    std::vector<std::vector<double>> rows;
    for (std::int64_t t = 0; t < c.n; ++t) {
        if (built.plateau)
            built.plateau->step(c.metrics.at(static_cast<std::size_t>(t)));
        else
            (*built.per_event)(nullptr);
        std::vector<double> row{static_cast<double>(t)};
        for (auto& g : opt.param_groups()) row.push_back(*ignite::param_slot(g.options(), settings.param_name));
        rows.push_back(std::move(row));
    }
    return rows;
}

// Ignite's rows for every case, from one Python run.
const nlohmann::json& ignite_rows() {
    static const nlohmann::json rows = [] {
        nlohmann::json in = nlohmann::json::array();
        for (const auto& c : cases()) {
            in.push_back({{"options", option_map(c)}, {"n", c.n}, {"lr", c.lr}, {"groups", c.groups}, {"metrics", c.metrics}});
        }
        const auto file = ignite::test::scratch_dir("param_scheduler_table") / "cases.json";
        std::ofstream(file) << in.dump();
        const auto r = run_process({IGNITE_VENV_PYTHON,
                                    (fs::path(IGNITE_SOURCE_DIR) / "tests/param_scheduler_reference/simulate.py").string(),
                                    file.string()});
        INFO(r.cmd << "\n" << r.out);
        REQUIRE(r.exited);
        REQUIRE(r.rc == 0);
        return nlohmann::json::parse(r.out);
    }();
    return rows;
}

bool close(double ours, double theirs) {
    return std::abs(ours - theirs) <= 1e-12 * std::max(std::abs(theirs), 1e-300) || ours == theirs;
}

}  // namespace

TEST_CASE("every lr_schedule option set takes Ignite's values at every event", "[scheduler][ignite]") {
    const auto& expected = ignite_rows();
    REQUIRE(expected.size() == cases().size());
    for (std::size_t i = 0; i < cases().size(); ++i) {
        const auto& c = cases()[i];
        INFO("case: " << c.name);
        const auto got = ours(c);
        const auto& want = expected[i];
        REQUIRE(want.size() == got.size());
        for (std::size_t t = 0; t < got.size(); ++t) {
            REQUIRE(want[t].size() == got[t].size());
            for (std::size_t g = 1; g < got[t].size(); ++g) {
                INFO("event " << t << " group " << g - 1 << ": ours " << fmt::format("{}", got[t][g]) << ", Ignite's "
                              << fmt::format("{}", want[t][g].get<double>()));
                CHECK(close(got[t][g], want[t][g].get<double>()));
            }
        }
    }
}

TEST_CASE("ignite-host schedule prints the values of Ignite's simulate_values one event per line", "[scheduler][host]") {
    // Ignite's docstring example of create_lr_scheduler_with_warmup: ExponentialLR(0.98) after a
    // warm-up from 0 to the optimizer's 0.1 over 3 events.
    auto r = run_process({IGNITE_HOST_EXE, "schedule", "--simulate", "5", "--lr", "0.1", "--plugin-opt",
                          "lr_schedule.scheduler=exponential", "--plugin-opt", "lr_schedule.gamma=0.98",
                          "--plugin-opt", "lr_schedule.warmup_duration=3"});
    INFO(r.out);
    REQUIRE(r.rc == 0);
    std::istringstream lines(r.out);
    const std::vector<double> docstring{0, 0.05, 0.1, 0.098, 0.09604};
    std::int64_t event = 0;
    double value = 0;
    for (std::size_t i = 0; i < docstring.size(); ++i) {
        REQUIRE(lines >> event >> value);
        CHECK(event == static_cast<std::int64_t>(i));
        CHECK(value == Approx(docstring[i]).epsilon(1e-12));
    }
    CHECK_FALSE(lines >> event);
    // Several groups: one value per group on each line.
    r = run_process({IGNITE_HOST_EXE, "schedule", "--simulate", "2", "--groups", "2", "--lr", "1", "--plugin-opt",
                     "lr_schedule.cycle_size=2"});
    REQUIRE(r.rc == 0);
    CHECK(r.out == "0 1 1\n1 0.5 0.5\n");
}

TEST_CASE("ignite-host schedule refuses bad options with one line naming lr_schedule.key and exit 2", "[scheduler][host]") {
    struct Bad {
        std::vector<std::string> args;
        std::string message;
    };
    const std::vector<Bad> bad = {
        {{"lr_schedule.scheduler=onecycle"}, "lr_schedule.scheduler"},
        {{"lr_schedule.cycle_size=1"}, "lr_schedule.cycle_size 1: a cosine cycle needs at least 2"},
        {{"lr_schedule.cycle_mult=0"}, "lr_schedule.cycle_mult 0: must be > 0"},
        {{"lr_schedule.scheduler=linear_cyclical", "lr_schedule.cycle_warmup_duration=2"},
         "lr_schedule.cycle_warmup_duration > 0 needs monotonic=true"},
        {{"lr_schedule.scheduler=piecewise_linear"}, "lr_schedule.milestones_values is required"},
        {{"lr_schedule.scheduler=piecewise_linear", "lr_schedule.milestones_values=5:0.1,2:1"},
         "lr_schedule.milestones_values '5:0.1,2:1': the milestones must not decrease"},
        {{"lr_schedule.scheduler=multistep", "lr_schedule.milestones=5,x"}, "lr_schedule.milestones '5,x'"},
        {{"lr_schedule.scheduler=step", "lr_schedule.step_size=0"}, "lr_schedule.step_size"},
        {{"lr_schedule.scheduler=plateau", "lr_schedule.factor=1.5"}, "lr_schedule.factor 1.5: must be in (0, 1)"},
        {{"lr_schedule.scheduler=plateau", "lr_schedule.mode=up"}, "lr_schedule.mode"},
        {{"lr_schedule.scheduler=plateau", "lr_schedule.warmup_duration=3"},
         "lr_schedule.warmup_duration is not available with scheduler=plateau"},
        {{"lr_schedule.scheduler=exponential", "lr_schedule.param_name=momentum"},
         "lr_schedule.param_name momentum: scheduler=exponential schedules lr only"},
        {{"lr_schedule.param_name=betas"}, "lr_schedule.param_name"},
        {{"lr_schedule.param_group_index=3"}, "lr_schedule.param_group_index 3: the optimizer has 1 parameter group"},
        {{"lr_schedule.warmup_duration=1"}, "lr_schedule.warmup_duration 1: a warm-up needs at least 2"},
        {{"lr_schedule.warmup_end_value=high"}, "lr_schedule.warmup_end_value 'high' is not a number"},
        {{"lr_schedule.nosuch=1"}, "nosuch"},
    };
    // In-process (the code `schedule` and `train` run), then two through the tool for the exit code.
    for (const auto& b : bad) {
        INFO(b.message);
        std::vector<std::pair<std::string, std::string>> raw;
        for (const auto& a : b.args) raw.emplace_back(a.substr(12, a.find('=') - 12), a.substr(a.find('=') + 1));
        torch::optim::SGD opt(std::vector<at::Tensor>{torch::zeros({1}, torch::requires_grad())},
                              torch::optim::SGDOptions(0.1));
        CHECK_THROWS_WITH(
            (void)build_schedule(opt, LrScheduleSettings::from(validate_options("lr_schedule", lr_schedule_spec().options, raw)), 3),
            Catch::Contains(b.message));
    }
    for (const auto& b : {bad[1], bad.back()}) {
        std::vector<std::string> argv{IGNITE_HOST_EXE, "schedule", "--simulate", "3"};
        for (const auto& a : b.args) {
            argv.push_back("--plugin-opt");
            argv.push_back(a);
        }
        const auto r = run_process(argv, {}, true);
        INFO(r.cmd << "\n" << r.out);
        CHECK(r.rc == 2);
        CHECK_THAT(r.out, Catch::Contains(b.message));
        CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
    }
    const auto r = run_process({IGNITE_HOST_EXE, "schedule", "--simulate", "3", "--plugin-opt",
                                "lr_schedule.scheduler=plateau", "--metric-values", "1,2"},
                               {}, true);
    CHECK(r.rc == 2);
    CHECK_THAT(r.out, Catch::Contains("--metric-values has 2 values for --simulate 3"));
}
