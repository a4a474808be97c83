// Plugin metrics (ABI 1.1): the shipped `metrics` plugin loaded through PluginHost in this
// process, each metric against values worked out by hand; the C ABI side (fixture plugins in
// plugin_metrics_fixture.c); and `ignite-host train --metric` end to end.
//
// IGNITE_HOST_EXE: ignite-host; IGNITE_PLUGIN_DIR: the shipped plugins;
// PLUGIN_METRICS_FIXTURE_DIR: ignite-plugin-cmetrics.so and ignite-plugin-short11.so.

// LibTorch-touching headers first: included after catch.hpp, c10's logging would redefine CHECK.
#include "support/built_host.hpp"
#include <ignite/runtime/bridge.hpp>
#include <ignite/runtime/plugin_metric.hpp>

#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using ignite::host::PluginError;
using ignite::host::PluginHost;

namespace {

const std::string kMetricsSo = std::string(IGNITE_PLUGIN_DIR) + "/ignite-plugin-metrics.so";
const std::string kCMetricsSo = std::string(PLUGIN_METRICS_FIXTURE_DIR) + "/ignite-plugin-cmetrics.so";
const std::string kFrozen11So = std::string(PLUGIN_METRICS_FIXTURE_DIR) + "/ignite-plugin-frozen11.so";
const std::string kShortSo = std::string(PLUGIN_METRICS_FIXTURE_DIR) + "/ignite-plugin-short11.so";

// The metrics plugin with top_k_accuracy's k = 2, loaded once for the process (never
// destroyed: plugins stay loaded for the process lifetime anyway).
PluginHost& metrics_host() {
    static PluginHost* host = [] {
        auto* h = new PluginHost();
        h->load({kMetricsSo}, {{"metrics", {{"k", "2"}}}});
        return h;
    }();
    return *host;
}

c10::IValue pair(const at::Tensor& y_pred, const at::Tensor& y) { return c10::ivalue::Tuple::create({y_pred, y}); }

// ---- the classification data, C = 4 classes, N = 6 samples ---------------------------------
// y    = [0, 0, 1, 1, 2, 2]            class 3 has NO samples
// pred = [0, 1, 1, 3, 0, 0] (argmax)   class 2 is NEVER predicted
// top-2 of each row (scores below):  {0,1} {1,0} {1,2} {3,2} {0,2} {0,1}
//   -> y in top-2 for rows 0,1,2,4 = 4 of 6.
at::Tensor scores() {
    return at::tensor({0.9, 0.5, 0.1, 0.0,  //
                       0.3, 0.8, 0.1, 0.2,  //
                       0.1, 0.7, 0.2, 0.0,  //
                       0.1, 0.2, 0.3, 0.9,  //
                       0.6, 0.1, 0.5, 0.0,  //
                       0.9, 0.4, 0.0, 0.3},
                      at::kFloat)
        .reshape({6, 4});
}
at::Tensor labels() { return at::tensor({0, 0, 1, 1, 2, 2}, at::kLong); }

// Confusion matrix M (rows true, columns predicted):
//   row 0: samples 0 (pred 0), 1 (pred 1)   -> [1, 1, 0, 0]
//   row 1: samples 2 (pred 1), 3 (pred 3)   -> [0, 1, 0, 1]
//   row 2: samples 4, 5 (pred 0, 0)         -> [2, 0, 0, 0]
//   row 3: none                             -> [0, 0, 0, 0]
// tp = [1, 1, 0, 0]; predicted (column sums) = [3, 2, 0, 1]; support (row sums) = [2, 2, 2, 0]
// precision_c = [1/3, 1/2, 0 (never predicted), 0/1 = 0]
// recall_c    = [1/2, 1/2, 0/2 = 0, 0 (no samples)]
// f1_c        = [2(1/3)(1/2)/(1/3+1/2) = (1/3)/(5/6) = 2/5, 2(1/4)/1 = 1/2, 0, 0]
const std::map<std::string, double> kExpected = {
    {"precision_macro", (1.0 / 3 + 1.0 / 2 + 0 + 0) / 4},               // 5/24
    {"recall_macro", (0.5 + 0.5 + 0 + 0) / 4},                          // 1/4
    {"f1_macro", (0.4 + 0.5 + 0 + 0) / 4},                              // 0.225
    {"precision_micro", 2.0 / 6},                                       // sum tp / sum predicted
    {"recall_micro", 2.0 / 6},                                          // sum tp / sum support
    {"f1_micro", 2.0 / 6},                                              // 2PR/(P+R) with P = R = 1/3
    {"precision_weighted", (2 * (1.0 / 3) + 2 * 0.5 + 2 * 0 + 0) / 6},  // 5/18
    {"recall_weighted", (2 * 0.5 + 2 * 0.5 + 2 * 0 + 0) / 6},           // 1/3
    {"f1_weighted", (2 * 0.4 + 2 * 0.5 + 2 * 0 + 0) / 6},               // 0.3
    {"top_k_accuracy", 4.0 / 6},                                        // k = 2, see above
};
const std::vector<double> kConfusion = {1, 1, 0, 0, 0, 1, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0};

double scalar(const c10::IValue& v) {
    REQUIRE(v.isDouble());
    return v.toDouble();
}

std::shared_ptr<ignite::Metric> fresh(const std::string& name) {
    auto m = metrics_host().make_metric(name);
    m->reset();
    return m;
}

// ---- running ignite-host -------------------------------------------------------------------

using ignite::test::built_host;

fs::path scratch(const std::string& name) {
    auto dir = fs::temp_directory_path() / ("ignite_plugin_metrics_test_" + std::to_string(::getpid()) + "_" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

}  // namespace

TEST_CASE("the metrics plugin declares its metrics to the host", "[plugin_metrics]") {
    const auto available = metrics_host().metrics();
    std::vector<std::string> names;
    for (const auto& m : available) {
        CHECK(m.plugin == "metrics");
        names.push_back(m.name);
    }
    CHECK(names == std::vector<std::string>{"precision_macro", "precision_micro", "precision_weighted", "recall_macro",
                                            "recall_micro", "recall_weighted", "f1_macro", "f1_micro", "f1_weighted",
                                            "confusion_matrix", "top_k_accuracy", "mse", "mae"});
    REQUIRE_THROWS_AS(metrics_host().make_metric("nosuch"), PluginError);
    CHECK_THROWS_WITH(metrics_host().make_metric("nosuch"),
                      Catch::Contains("metric 'nosuch'") && Catch::Contains("f1_macro (metrics)"));
}

TEST_CASE("classification metrics on one batch match the hand-computed values", "[plugin_metrics]") {
    for (const auto& [name, expected] : kExpected) {
        INFO(name);
        auto m = fresh(name);
        m->update(pair(scores(), labels()));
        CHECK(scalar(m->compute()) == Approx(expected).epsilon(1e-12));
    }
    auto cm = fresh("confusion_matrix");
    cm->update(pair(scores(), labels()));
    const auto v = cm->compute();
    REQUIRE(v.isTensor());
    const auto t = v.toTensor();
    CHECK(t.sizes() == at::IntArrayRef({4, 4}));
    CHECK(t.scalar_type() == at::kDouble);
    const auto expected = at::tensor(kConfusion, at::kDouble).reshape({4, 4});
    CHECK(at::equal(t, expected));
}

TEST_CASE("classification metrics accumulate over several batches and reset", "[plugin_metrics]") {
    const auto s = scores();
    const auto y = labels();
    for (const auto& [name, expected] : kExpected) {
        INFO(name);
        auto m = fresh(name);
        // A first run over unrelated data, then reset: nothing of it may remain.
        m->update(pair(s.slice(0, 0, 1), y.slice(0, 0, 1)));
        m->reset();
        m->update(pair(s.slice(0, 0, 2), y.slice(0, 0, 2)));
        m->update(pair(s.slice(0, 2, 5), y.slice(0, 2, 5)));
        m->update(pair(s.slice(0, 5, 6), y.slice(0, 5, 6)));
        CHECK(scalar(m->compute()) == Approx(expected).epsilon(1e-12));
    }
    // Batch 1 = samples 0..1: M = [[1,1,0,0],0,0,0]; after it every count sits in row 0.
    auto cm = fresh("confusion_matrix");
    cm->update(pair(s.slice(0, 0, 2), y.slice(0, 0, 2)));
    CHECK(cm->statistics() == std::vector<double>{1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    cm->update(pair(s.slice(0, 2, 6), y.slice(0, 2, 6)));
    CHECK(cm->statistics() == kConfusion);
}

TEST_CASE("summed statistics of two instances give the one-instance value", "[plugin_metrics]") {
    const auto s = scores();
    const auto y = labels();
    std::vector<std::string> names{"confusion_matrix", "mse", "mae"};
    for (const auto& [name, expected] : kExpected) names.push_back(name);
    for (const auto& name : names) {
        INFO(name);
        const bool regression = name == "mse" || name == "mae";
        // Regression input: y_pred = scores, y = scores shifted by 0.25 (same shapes).
        const at::Tensor target = regression ? (s + 0.25 * at::arange(24, at::kFloat).reshape({6, 4})) : y;
        auto whole = fresh(name);
        whole->update(pair(s, target));
        auto a = fresh(name);  // "process" A: samples 0..3
        a->update(pair(s.slice(0, 0, 4), target.slice(0, 0, 4)));
        auto b = fresh(name);  // "process" B: samples 4..5
        b->update(pair(s.slice(0, 4, 6), target.slice(0, 4, 6)));
        auto sa = a->statistics();
        const auto sb = b->statistics();
        REQUIRE(sa.size() == sb.size());
        for (std::size_t i = 0; i < sa.size(); ++i) sa[i] += sb[i];  // the all-reduce
        CHECK(sa == whole->statistics());
        auto merged = fresh(name);
        merged->load_statistics(sa);
        const auto w = whole->compute();
        const auto m = merged->compute();
        if (w.isTensor()) {
            CHECK(at::allclose(w.toTensor(), m.toTensor()));
        } else {
            CHECK(scalar(m) == Approx(scalar(w)).epsilon(1e-12));
        }
    }
    auto wrong = fresh("f1_macro");
    CHECK_THROWS_WITH(wrong->load_statistics({1, 2, 3}), Catch::Contains("C*C confusion-matrix counts"));
}

TEST_CASE("mse and mae divide summed errors by the number of samples, as Ignite", "[plugin_metrics]") {
    // Batch 1: y_pred [[1, 2], [3, 5]], y [[1.5, 2], [2, 3]]: errors -0.5, 0, 1, 2
    //   squared 0.25 + 0 + 1 + 4 = 5.25, absolute 0.5 + 0 + 1 + 2 = 3.5, N = 2.
    // Batch 2: y_pred [[0, 0]], y [[1, -1]]: errors -1, 1: squared 2, absolute 2, N = 1.
    const auto p1 = at::tensor({1.0, 2.0, 3.0, 5.0}, at::kFloat).reshape({2, 2});
    const auto y1 = at::tensor({1.5, 2.0, 2.0, 3.0}, at::kFloat).reshape({2, 2});
    const auto p2 = at::tensor({0.0, 0.0}, at::kFloat).reshape({1, 2});
    const auto y2 = at::tensor({1.0, -1.0}, at::kFloat).reshape({1, 2});
    auto mse = fresh("mse");
    auto mae = fresh("mae");
    mse->update(pair(p1, y1));
    mae->update(pair(p1, y1));
    CHECK(scalar(mse->compute()) == Approx(5.25 / 2));
    CHECK(scalar(mae->compute()) == Approx(3.5 / 2));
    mse->update(pair(p2, y2));
    mae->update(pair(p2, y2));
    CHECK(scalar(mse->compute()) == Approx(7.25 / 3));
    CHECK(scalar(mae->compute()) == Approx(5.5 / 3));
    CHECK(mse->statistics() == std::vector<double>{7.25, 3});
    CHECK_THROWS_WITH(mse->update(pair(p1, y2)), Catch::Contains("same shape"));
}

TEST_CASE("plugin metrics refuse bad input with the plugin's message", "[plugin_metrics]") {
    auto m = fresh("f1_macro");
    CHECK_THROWS_WITH(m->compute(), Catch::Contains("plugin 'metrics'") && Catch::Contains("metric 'f1_macro'") &&
                                        Catch::Contains("must have at least one example"));
    CHECK_THROWS_WITH(m->update(pair(scores(), at::tensor({0, 1, 2, 3, 4, 0}, at::kLong))),
                      Catch::Contains("outside [0, 4)"));
    CHECK_THROWS_WITH(m->update(pair(scores().reshape({24}), labels())),
                      Catch::Contains("expects y_pred of shape (N, C)"));
    CHECK_THROWS_WITH(m->update(pair(scores(), labels().to(at::kFloat))), Catch::Contains("integer class indices"));
    CHECK_THROWS_WITH(m->update(c10::IValue(scores())), Catch::Contains("pair (y_pred, y)"));
    m->update(pair(scores(), labels()));
    CHECK_THROWS_WITH(m->update(pair(at::zeros({2, 3}), at::zeros({2}, at::kLong))),
                      Catch::Contains("3 classes, but previous updates had 4"));
    // Non-contiguous views are read through their strides.
    auto t = fresh("confusion_matrix");
    t->update(pair(scores().t().contiguous().t(), labels()));
    CHECK(t->statistics() == kConfusion);
}

TEST_CASE("a metrics plugin built against the frozen ABI 1.1 header keeps loading and computing",
          "[plugin_metrics][abi]") {
    PluginHost host;
    host.load({kFrozen11So}, {});
    auto count = host.make_metric("c_count");
    count->reset();
    count->update(pair(at::zeros({3, 2}), at::zeros({3}, at::kLong)));
    count->update(pair(at::zeros({4, 2}), at::zeros({4}, at::kLong)));
    CHECK(scalar(count->compute()) == 7);
    auto vector = host.make_metric("c_vector");
    vector->reset();
    vector->update(pair(at::zeros({2, 2}), at::zeros({2}, at::kLong)));
    CHECK(vector->compute().toTensor().numel() == 100);
}

TEST_CASE("metrics written against the raw C ABI, capacity protocol and shutdown", "[plugin_metrics]") {
    PluginHost host;
    host.open({kCMetricsSo}, {});
    auto count = host.make_metric("c_count");
    CHECK_THROWS_WITH(count->reset(), Catch::Contains("not initialised"));
    host.init();
    count->reset();
    CHECK_THROWS_WITH(count->compute(), Catch::Contains("plugin 'cmetrics' failed in compute of metric 'c_count': "
                                                        "c_count has seen no samples"));
    count->update(pair(at::zeros({5, 2}), at::zeros({5}, at::kLong)));
    count->update(pair(at::zeros({2, 2}), at::zeros({2}, at::kLong)));
    CHECK(scalar(count->compute()) == 7);
    CHECK_THROWS_WITH(count->load_statistics({1, 2}), Catch::Contains("c_count takes one statistic"));
    // 100 values: more than the host's first buffer of 64, so it asks again.
    auto vec = host.make_metric("c_vector");
    vec->reset();
    vec->update(pair(at::zeros({3, 2}), at::zeros({3}, at::kLong)));
    const auto v = vec->compute();
    REQUIRE(v.isTensor());
    CHECK(v.toTensor().sizes() == at::IntArrayRef({100}));
    CHECK(v.toTensor()[99].item<double>() == 102);
    // Instances die before the plugin shuts down; later use is a clear error.
    host.shutdown();
    CHECK_THROWS_WITH(count->compute(), Catch::Contains("after the plugin shut down"));
}

TEST_CASE("the host refuses clashing metric names and a 1.1 info without its metric fields", "[plugin_metrics]") {
    PluginHost host;
    CHECK_THROWS_WITH(host.load({kMetricsSo, kCMetricsSo}, {}),
                      Catch::Contains("plugins 'metrics' and 'cmetrics' both declare metric 'mse'"));
    PluginHost other;
    CHECK_THROWS_WITH(other.load({kShortSo}, {}), Catch::Contains("claims plugin ABI 1.1") &&
                                                      Catch::Contains("104 bytes") &&
                                                      Catch::Contains("smaller than ABI 1.1's 120"));
}

TEST_CASE("ignite-host train --metric logs plugin metrics in metrics.jsonl", "[plugin_metrics][e2e]") {
    const auto out = scratch("train") / "out";
    const auto r = built_host(
        "train --model mlp --dataset synthetic:400 --epochs 1 --plugin metrics --metric f1_macro "
        "--metric confusion_matrix --plugin console --output-dir " +
        out.string());
    INFO(r.out);
    REQUIRE(r.rc == 0);
    const auto lines = ignite::test::read_jsonl(out / "metrics.jsonl");
    REQUIRE(lines.size() == 2);
    const auto& test = lines[1];
    CHECK(test["split"] == "test");
    const double f1 = test["f1_macro"];
    CHECK(f1 >= 0.0);
    CHECK(f1 <= 1.0);
    // synthetic:400 -> 80 test samples, 10 classes: a 10 x 10 matrix of counts summing to 80.
    REQUIRE(test["confusion_matrix"].is_array());
    REQUIRE(test["confusion_matrix"].size() == 10);
    double total = 0, diagonal = 0;
    for (std::size_t i = 0; i < 10; ++i) {
        REQUIRE(test["confusion_matrix"][i].size() == 10);
        for (std::size_t j = 0; j < 10; ++j) total += test["confusion_matrix"][i][j].get<double>();
        diagonal += test["confusion_matrix"][i][i].get<double>();
    }
    CHECK(total == 80);
    CHECK(diagonal / total == Approx(test["accuracy"].get<double>()).margin(1e-6));
    CHECK_THAT(r.out, Catch::Contains(", f1_macro "));                                // the summary line
    CHECK_THAT(r.out, Catch::Contains("f1_macro=") && Catch::Contains("accuracy="));  // the console plugin's line
}

TEST_CASE("ignite-host refuses an unknown --metric with exit 2 and names the plugin to load", "[plugin_metrics][e2e]") {
    const auto dir = scratch("unknown");
    const auto out = dir / "never";
    auto r = built_host(
        "train --no-default-plugins --model mlp --dataset synthetic:100 --epochs 1 --plugin metrics "
        "--metric nosuch --output-dir " +
        out.string());
    CHECK(r.rc == 2);
    CHECK_THAT(r.out, Catch::Contains("ignite-host: error: unknown --metric 'nosuch'") &&
                          Catch::Contains("f1_macro (metrics)"));
    CHECK_FALSE(fs::exists(out));
    r = built_host(
        "train --no-default-plugins --model mlp --dataset synthetic:100 --epochs 1 --metric f1_macro --output-dir " +
        out.string());
    CHECK(r.rc == 2);
    CHECK_THAT(r.out, Catch::Contains("unknown --metric 'f1_macro'") && Catch::Contains("add --plugin metrics"));
    CHECK_FALSE(fs::exists(out));
}

TEST_CASE("plugins inspect lists the metrics a plugin provides", "[plugin_metrics][e2e]") {
    const auto r = built_host("plugins inspect metrics");
    INFO(r.out);
    REQUIRE(r.rc == 0);
    // ABI 1.2: the SDK's metrics are made by create_metric (told which metric it creates).
    CHECK_THAT(r.out, Catch::Contains("abi:         1.2"));
    CHECK_THAT(r.out, Catch::Contains("metrics:\n  precision_macro "));
    CHECK_THAT(r.out, Catch::Contains("  confusion_matrix             [matrix] C x C counts"));
    const auto console = built_host("plugins inspect console");
    CHECK_THAT(console.out, Catch::Contains("metrics:\n  (none)\n"));
    // It takes the run's engines (Host::engines, ABI 1.6) and runs on rank 0 only; a plugin
    // using no later feature still claims 1.0 (abi12_test: opts).
    CHECK_THAT(console.out, Catch::Contains("abi:         1.6"));
    CHECK_THAT(console.out, Catch::Contains("runs on:     rank 0"));
}
