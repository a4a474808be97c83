// Core's metrics of issue 20 §5 against pytorch-ignite 0.5.3 run from the test
// (tests/metrics_reference/ignite_metrics.py: random predictions with fixed seeds, fed in two
// batches): Precision/Recall with every average, Fbeta, ClassificationReport, ConfusionMatrix
// and IoU/mIoU/Dice/cm* with ignore_index, RunningAverage; ROC_AUC, AveragePrecision and
// CohenKappa against sklearn's definitions written in numpy there (Ignite 0.5.3 needs
// scikit-learn for those, which the environment lacks). Then the statistics round trip (two
// halves reduced = the whole) and the expression parser's table.
#include <ignite/core/metrics/cohen_kappa.hpp>
#include <ignite/core/metrics/confusion_matrix.hpp>
#include <ignite/core/metrics/epoch_metric.hpp>
#include <ignite/core/metrics/expression.hpp>
#include <ignite/core/metrics/metrics_lambda.hpp>
#include <ignite/core/metrics/precision_recall.hpp>
#include <ignite/core/metrics/running_average.hpp>

#include "support/process.hpp"

#include <ATen/ATen.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

using namespace ignite;
using nlohmann::json;
using Catch::Matchers::Contains;

namespace {

namespace fs = std::filesystem;

// Ignite's values. CTest runs each TEST_CASE as its own process and Python with torch takes
// seconds to start, so the file is kept in the build folder and made again only when the
// script is newer (written to a temporary name and renamed: parallel tests never read half).
const json& reference() {
    static const json data = [] {
        const fs::path script = fs::path(IGNITE_SOURCE_DIR) / "tests/metrics_reference/ignite_metrics.py";
        const fs::path cached = IGNITE_METRICS_REFERENCE;
        std::error_code ec;
        if (!fs::exists(cached) || fs::last_write_time(cached, ec) < fs::last_write_time(script)) {
            const fs::path tmp = ignite::test::scratch_dir("core_metrics_test") / "reference.json";
            const auto r = ignite::test::run_process({IGNITE_VENV_PYTHON, script.string(), tmp.string()});
            INFO(r.cmd << "\n" << r.out << r.err);
            REQUIRE(r.rc == 0);
            fs::copy_file(tmp, cached.string() + ".tmp" + std::to_string(::getpid()), fs::copy_options::overwrite_existing);
            fs::rename(cached.string() + ".tmp" + std::to_string(::getpid()), cached);
        }
        std::ifstream in(cached);
        return json::parse(in);
    }();
    return data;
}

at::Tensor tensor_of(const json& j) {
    std::vector<std::int64_t> shape = j.at("shape").get<std::vector<std::int64_t>>();
    if (j.at("dtype") == "long") return at::tensor(j.at("values").get<std::vector<std::int64_t>>(), at::kLong).reshape(shape);
    return at::tensor(j.at("values").get<std::vector<double>>(), at::kDouble).reshape(shape);
}

c10::IValue pair(const at::Tensor& a, const at::Tensor& b) { return c10::ivalue::Tuple::create({a, b}); }

// Feeds the two halves as Ignite's script did, returns compute().
c10::IValue run(Metric& m, const at::Tensor& y_pred, const at::Tensor& y) {
    m.reset();
    const auto n = y_pred.size(0) / 2;
    m.feed(pair(y_pred.slice(0, 0, n), y.slice(0, 0, n)));
    m.feed(pair(y_pred.slice(0, n), y.slice(0, n)));
    return m.compute();
}

// Equal to Ignite's value to 1e-12 (same double arithmetic; the sums may be ordered
// differently): a number or a (nested) list.
void check_value(const c10::IValue& got, const json& expected, const std::string& what) {
    INFO(what << ": expected " << expected.dump());
    if (expected.is_number()) {
        REQUIRE(metric_double(got, what) == Approx(expected.get<double>()).margin(1e-12).epsilon(1e-12));
        return;
    }
    const at::Tensor t = metric_tensor(got, what);
    std::vector<double> flat;
    std::vector<std::int64_t> shape;
    std::function<void(const json&, std::size_t)> walk = [&](const json& j, std::size_t depth) {
        if (j.is_array()) {
            if (shape.size() <= depth) shape.push_back(static_cast<std::int64_t>(j.size()));
            for (const auto& x : j) walk(x, depth + 1);
        } else {
            flat.push_back(j.get<double>());
        }
    };
    walk(expected, 0);
    REQUIRE(t.sizes() == at::IntArrayRef(shape));
    const at::Tensor want = at::tensor(flat, at::kDouble).reshape(shape);
    REQUIRE(at::allclose(t, want, 1e-12, 1e-12));
}

}  // namespace

TEST_CASE("Precision and Recall equal Ignite's for every average on multiclass and binary data") {
    for (const auto& c : reference().at("classification")) {
        const at::Tensor y_pred = tensor_of(c.at("y_pred")), y = tensor_of(c.at("y"));
        for (const auto& [key, expected] : c.at("expected").items()) {
            const auto slash = key.find('/');
            const auto kind = key.substr(0, slash);
            if (kind != "precision" && kind != "recall") continue;
            const Average avg = parse_average(key.substr(slash + 1));
            std::shared_ptr<Metric> m;
            if (kind == "precision") m = std::make_shared<Precision>(avg);
            else m = std::make_shared<Recall>(avg);
            check_value(run(*m, y_pred, y), expected, c.at("name").get<std::string>() + " " + key);
        }
    }
}

TEST_CASE("Fbeta and ClassificationReport equal Ignite's") {
    for (const auto& c : reference().at("classification")) {
        const at::Tensor y_pred = tensor_of(c.at("y_pred")), y = tensor_of(c.at("y"));
        const std::string name = c.at("name");
        for (const auto& [key, expected] : c.at("expected").items()) {
            if (key.rfind("fbeta/", 0) != 0) continue;
            const double beta = std::stod(key.substr(6));
            const bool average = key.ends_with("/true");
            check_value(run(*Fbeta(beta, average), y_pred, y), expected, name + " " + key);
        }
        if (!c.at("expected").contains("report/json")) continue;
        // The JSON string: every value to 1e-12, then the text itself.
        const auto text = run(*ClassificationReport(), y_pred, y).toStringRef();
        const auto got = json::parse(text);
        const auto want = json::parse(c.at("expected").at("report/json").get<std::string>());
        REQUIRE(got.size() == want.size());
        for (const auto& [label, row] : want.items()) {
            INFO(name << " report row " << label);
            REQUIRE(got.contains(label));
            for (const auto& [k, v] : row.items()) check_value(got.at(label).at(k).get<double>(), v, name + " " + label + " " + k);
        }
        // Python's json.dumps layout (", " and ": ", floats as repr), character for character.
        CHECK(text == c.at("expected").at("report/json").get<std::string>());
        const auto dict = run(*ClassificationReport(2, true), y_pred, y).toGenericDict();
        for (const auto& [label, row] : c.at("expected").at("report/beta2").items()) {
            const auto got_row = dict.at(label).toGenericDict();
            for (const auto& [k, v] : row.items()) check_value(got_row.at(k), v, name + " beta 2 " + label + " " + k);
        }
    }
}

TEST_CASE("ConfusionMatrix IoU mIoU Dice and cm metrics equal Ignite's with and without ignore_index") {
    for (const auto& c : reference().at("confusion")) {
        const at::Tensor y_pred = tensor_of(c.at("y_pred")), y = tensor_of(c.at("y"));
        const auto k = c.at("num_classes").get<std::int64_t>();
        const std::string name = c.at("name");
        const auto& e = c.at("expected");
        auto cm = [&] { return std::make_shared<ConfusionMatrix>(k); };
        check_value(run(*cm(), y_pred, y), e.at("cm"), name + " cm");
        // num_classes 0: learnt from y_pred.
        check_value(run(*std::make_shared<ConfusionMatrix>(0), y_pred, y), e.at("cm"), name + " cm inferred");
        for (const std::string& ignore : std::vector<std::string>{"none", "0", std::to_string(k - 1)}) {
            const std::optional<std::int64_t> idx =
                ignore == "none" ? std::nullopt : std::optional<std::int64_t>(std::stoll(ignore));
            check_value(run(*IoU(cm(), idx), y_pred, y), e.at("iou/" + ignore), name + " iou " + ignore);
            check_value(run(*mIoU(cm(), idx), y_pred, y), e.at("miou/" + ignore), name + " miou " + ignore);
            check_value(run(*DiceCoefficient(cm(), idx), y_pred, y), e.at("dice/" + ignore), name + " dice " + ignore);
        }
        check_value(run(*cmAccuracy(cm()), y_pred, y), e.at("cm_accuracy"), name + " cmAccuracy");
        check_value(run(*cmPrecision(cm(), false), y_pred, y), e.at("cm_precision"), name + " cmPrecision");
        check_value(run(*cmRecall(cm(), true), y_pred, y), e.at("cm_recall/mean"), name + " cmRecall");
        for (const std::string avg : {"samples", "recall", "precision"}) {
            INFO(name << " cm average " << avg);
            const auto got = run(*std::make_shared<ConfusionMatrix>(k, avg), y_pred, y).toTensor();
            // Ignite normalises in float32 (confusion_matrix.float()): same dtype here.
            CHECK(got.scalar_type() == at::kFloat);
            check_value(got, e.at("cm/" + avg), name + " cm " + avg);
        }
    }
}

TEST_CASE("ROC_AUC and AveragePrecision equal sklearn's definitions with and without tied scores") {
    for (const auto& c : reference().at("ranking")) {
        const at::Tensor scores = at::tensor(c.at("scores").get<std::vector<double>>(), at::kDouble);
        const at::Tensor y = at::tensor(c.at("y").get<std::vector<std::int64_t>>(), at::kLong);
        ROC_AUC roc;
        AveragePrecision ap;
        check_value(run(roc, scores, y), c.at("roc_auc"), c.at("name").get<std::string>() + " roc_auc");
        // (N, 1) scores are squeezed as Ignite's EpochMetric does.
        check_value(run(ap, scores.unsqueeze(1), y), c.at("average_precision"),
                    c.at("name").get<std::string>() + " average_precision");
    }
}

TEST_CASE("ROC_AUC refuses one class and multiclass scores with one line each") {
    ROC_AUC roc;
    roc.feed(pair(at::tensor({0.1, 0.7}, at::kDouble), at::tensor({1, 1}, at::kLong)));
    CHECK_THROWS_WITH(roc.compute(), "Only one class present in y_true. ROC AUC score is not defined in that case.");
    CHECK_THROWS_WITH(roc.feed(pair(at::rand({4, 3}), at::tensor({0, 1, 0, 1}))), Contains("takes binary data"));
    ROC_AUC empty;
    CHECK_THROWS_WITH(empty.compute(), Contains("must have at least one example"));
}

TEST_CASE("CohenKappa equals sklearn's cohen_kappa_score for every weighting") {
    for (const auto& c : reference().at("kappa")) {
        const auto k = c.at("num_classes").get<std::int64_t>();
        const at::Tensor y_true = at::tensor(c.at("y_true").get<std::vector<std::int64_t>>(), at::kLong);
        const at::Tensor y_pred = at::tensor(c.at("y_pred").get<std::vector<std::int64_t>>(), at::kLong);
        for (const std::string w : {"none", "linear", "quadratic"}) {
            CohenKappa labels(w == "none" ? "" : w, k);
            check_value(run(labels, y_pred, y_true), c.at(w), c.at("name").get<std::string>() + " labels " + w);
            // The same labels as scores (N, C): argmax gives them back.
            CohenKappa scores(w == "none" ? "" : w);
            check_value(run(scores, at::one_hot(y_pred, k).to(at::kFloat), y_true), c.at(w),
                        c.at("name").get<std::string>() + " scores " + w);
        }
    }
    CHECK_THROWS_WITH(CohenKappa("cubic"), "Kappa Weighting type must be None or linear or quadratic.");
}

TEST_CASE("RunningAverage follows Ignite's RunningBatchWise values on float32 losses and on floats") {
    const auto& r = reference().at("running");
    RunningAverage losses;  // alpha 0.98
    losses.reset();
    const auto values = r.at("float32_losses").get<std::vector<double>>();
    const auto expected = r.at("float32_expected").get<std::vector<double>>();
    for (std::size_t i = 0; i < values.size(); ++i) {
        losses.feed(at::scalar_tensor(values[i], at::kFloat));
        // float32 arithmetic as torch's: the same bits.
        INFO("iteration " << i + 1);
        CHECK(metric_double(losses.compute(), "ra") == expected[i]);
    }
    RunningAverage floats(nullptr, 0.9);
    const auto fv = r.at("floats").get<std::vector<double>>();
    const auto fe = r.at("floats_expected_0.9").get<std::vector<double>>();
    for (std::size_t i = 0; i < fv.size(); ++i) {
        floats.feed(fv[i]);
        CHECK(metric_double(floats.compute(), "ra") == fe[i]);
    }
    CHECK_THROWS_WITH(RunningAverage(nullptr, 0.0), "Argument alpha should be a float between 0.0 and 1.0.");
    CHECK_THROWS_WITH(RunningAverage(std::make_shared<Precision>(), 0.5, [](const c10::IValue& v) { return v; }),
                      "Argument output_transform should be None if src is a Metric.");
}

TEST_CASE("RunningAverage of a src metric averages its per-batch values") {
    auto acc = std::make_shared<Precision>(Average::Micro);
    RunningAverage ra(acc, 0.5);
    ra.feed(pair(at::tensor({0.9, 0.1, 0.2, 0.8}).reshape({2, 2}), at::tensor({0, 1}, at::kLong)));  // 1.0
    ra.feed(pair(at::tensor({0.9, 0.1, 0.2, 0.8}).reshape({2, 2}), at::tensor({1, 0}, at::kLong)));  // 0.0
    CHECK(metric_double(ra.compute(), "ra") == Approx(0.5));
}

TEST_CASE("Statistics of two halves reduced as each part says equal the statistics of the whole") {
    const auto& c = reference().at("classification").at(2);  // C = 5
    const at::Tensor y_pred = tensor_of(c.at("y_pred")), y = tensor_of(c.at("y"));
    const auto& seg = reference().at("confusion").at(1);
    const at::Tensor sp = tensor_of(seg.at("y_pred")), sy = tensor_of(seg.at("y"));
    const auto& rk = reference().at("ranking").at(1);
    const at::Tensor scores = at::tensor(rk.at("scores").get<std::vector<double>>(), at::kDouble);
    const at::Tensor labels = at::tensor(rk.at("y").get<std::vector<std::int64_t>>(), at::kLong);

    struct Row {
        std::string what;
        std::function<std::shared_ptr<Metric>()> make;
        at::Tensor p, t;
    };
    const std::vector<Row> rows = {
        {"Precision weighted", [] { return std::make_shared<Precision>(Average::Weighted); }, y_pred, y},
        {"Recall per class", [] { return std::make_shared<Recall>(); }, y_pred, y},
        {"Fbeta 2", [] { return Fbeta(2.0); }, y_pred, y},
        {"ClassificationReport", [] { return ClassificationReport(); }, y_pred, y},
        {"mIoU ignore 0", [] { return mIoU(std::make_shared<ConfusionMatrix>(0), 0); }, sp, sy},
        {"CohenKappa quadratic", [] { return std::make_shared<CohenKappa>("quadratic"); }, y_pred, y},
        {"ROC_AUC", [] { return std::make_shared<ROC_AUC>(); }, scores, labels},
        {"AveragePrecision", [] { return std::make_shared<AveragePrecision>(); }, scores, labels},
        {"an expression over Precision and Recall",
         [] {
             return MetricExpression::parse("2*precision*recall/(precision+recall)")
                 .metric({std::make_shared<Precision>(), std::make_shared<Recall>()}, "f1");
         },
         y_pred, y},
    };
    for (const auto& row : rows) {
        INFO(row.what);
        const auto n = row.p.size(0) / 2;
        auto whole = row.make(), first = row.make(), second = row.make(), reduced = row.make();
        whole->feed(pair(row.p, row.t));
        first->feed(pair(row.p.slice(0, 0, n), row.t.slice(0, 0, n)));
        second->feed(pair(row.p.slice(0, n), row.t.slice(0, n)));
        auto a = first->statistics_parts(), b = second->statistics_parts();
        REQUIRE(a.size() == b.size());
        std::vector<StatisticsPart> parts;
        for (std::size_t i = 0; i < a.size(); ++i) {
            StatisticsPart p{a[i].reduction, a[i].values};
            if (p.reduction == StatisticsReduction::sum) {
                REQUIRE(a[i].values.size() == b[i].values.size());
                for (std::size_t j = 0; j < p.values.size(); ++j) p.values[j] += b[i].values[j];
            } else if (p.reduction == StatisticsReduction::concatenate) {
                p.values.insert(p.values.end(), b[i].values.begin(), b[i].values.end());
            }
            parts.push_back(std::move(p));
        }
        reduced->load_statistics_parts(parts);
        const auto want = whole->compute(), got = reduced->compute();
        if (want.isString()) {
            CHECK(got.toStringRef() == want.toStringRef());
        } else {
            CHECK(at::allclose(metric_tensor(got, "reduced"), metric_tensor(want, "whole"), 1e-12, 1e-12, /*equal_nan=*/true));
        }
    }
}

TEST_CASE("The expression parser's table: good expressions and their values") {
    struct Row {
        std::string text;
        std::vector<std::string> names;
        std::vector<double> values;
        double expected;
    };
    const std::vector<Row> rows = {
        {"f1 = 2*precision*recall/(precision+recall)", {"precision", "recall"}, {0.5, 0.25}, 2 * 0.5 * 0.25 / 0.75},
        {"x = -a + 3", {"a"}, {1}, 2},
        {"x = - - a", {"a"}, {4}, 4},
        {"x=a-b-c", {"a", "b", "c"}, {10, 3, 2}, 5},
        {"x = a/b/c", {"a", "b", "c"}, {8, 2, 2}, 2},
        {"x = 1.5e1 * a", {"a"}, {2}, 30},
        {"x = sqrt(a) + abs(-b)", {"a", "b"}, {9, 2}, 5},
        {"x = (a + a) * a", {"a"}, {3}, 18},
        {"  g_2   =   mean( a )  ", {"a"}, {7}, 7},
    };
    for (const auto& row : rows) {
        INFO(row.text);
        const auto [name, e] = MetricExpression::parse_definition(row.text);
        CHECK(e.names() == row.names);
        std::vector<at::Tensor> v;
        for (double x : row.values) v.push_back(at::scalar_tensor(x, at::kDouble));
        CHECK(e.evaluate(v).item<double>() == Approx(row.expected));
    }
    // Per-class vectors broadcast, as Ignite's MetricsLambda arithmetic does.
    const auto e = MetricExpression::parse("mean(2*p*r/(p+r))");
    const auto f = e.evaluate({at::tensor({0.5, 1.0}, at::kDouble), at::tensor({0.5, 0.5}, at::kDouble)});
    CHECK(f.item<double>() == Approx((0.5 + 2.0 / 3.0) / 2));
}

TEST_CASE("The expression parser's table: bad expressions each give one line naming the position") {
    const std::vector<std::pair<std::string, std::string>> rows = {
        {"f1 = 2*precision*", "position 18: the expression ends early; expected a number, a metric name or '('"},
        {"f1 = (a + b", "position 12: expected ')'"},
        {"f1 = a + b)", "position 11: unmatched ')'"},
        {"f1 = a $ b", "position 8: unexpected '$'; expected an operator (+ - * /) or the end"},
        {"f1 = ", "position 6: the expression is empty; expected a number, a metric name or '('"},
        {"= a", "position 1: the metric's name is missing before '='"},
        {"1x = a", "position 1: the name '1x' is not [A-Za-z_][A-Za-z0-9_]*"},
        {"x = a = b", "position 7: a second '='; give one 'NAME = EXPRESSION'"},
        {"x = mean + a", "position 5: mean is a function: write mean(...)"},
        {"x = log(a)", "position 5: unknown function 'log'; the functions are mean, sum, sqrt, abs"},
        {"x = 2 * x", "position 9: 'x' is defined in terms of itself"},
        {"x = 1e", "position 7: the exponent of a number needs digits (e.g. 1e-3)"},
        {"x = a b", "position 7: unexpected 'b'; expected an operator (+ - * /) or the end"},
    };
    for (const auto& [text, message] : rows) {
        INFO(text);
        CHECK_THROWS_WITH(MetricExpression::parse_definition(text), message);
    }
    // A metric whose value is not numeric is named at compute.
    auto report = ClassificationReport();
    auto m = MetricExpression::parse("r * 2").metric({report}, "twice");
    m->feed(pair(at::tensor({0.9, 0.1}).reshape({1, 2}), at::tensor({0}, at::kLong)));
    CHECK_THROWS_WITH(m->compute(), Contains("metric 'r' is not a number or a tensor"));
}
