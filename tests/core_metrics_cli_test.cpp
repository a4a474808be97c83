// core's metrics on the command line (issue 20 §5): `--metric miou`, `--metric "f1 = ..."`
// with no plugin loaded, their values read back from metrics.jsonl, `plugins list/inspect`,
// and every bad input one line (exit 2), a binary metric on a 10-class model exit 1.
#include "support/built_host.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using ignite::test::error_lines;
using ignite::test::read_jsonl;
using ignite::test::words_of;
using Catch::Matchers::Contains;

namespace {

// ignite-host train on small synthetic data with a learning rate too low to separate it,
// so the metrics are not all 1; `extra` words go last unsplit (expressions hold spaces).
ignite::test::ProcessResult train(const std::string& name, const std::vector<std::string>& extra) {
    static const auto root = ignite::test::scratch_dir("core_metrics_cli_test");
    fs::remove_all(root / name);
    auto args = words_of("train --model mlp --threads 1 --dataset synthetic:200 --batch-size 40 --lr-schedule constant "
                         "--lr 0.0005 --epochs 2 --no-default-plugins --plugin jsonl --output-dir " +
                         (root / name).string());
    args.insert(args.end(), extra.begin(), extra.end());
    return ignite::test::run_host(IGNITE_HOST_EXE, args, {.plugin_path = IGNITE_PLUGIN_DIR, .merge_stderr = true});
}

std::vector<nlohmann::json> lines(const std::string& name) {
    return read_jsonl(ignite::test::scratch_dir("core_metrics_cli_test") / name / "metrics.jsonl");
}

// The one error line of a refused run.
std::string the_error(const ignite::test::ProcessResult& r) {
    const auto errors = error_lines(r.out);
    INFO(r.out);
    REQUIRE(errors.size() == 1);
    return errors[0];
}

}  // namespace

TEST_CASE("train --metric miou and an f1 expression writes their values to metrics.jsonl without a plugin") {
    const auto r = train("values", {"--metric", "miou", "--metric", "precision", "--metric", "recall", "--metric",
                                    "f1 = 2*precision*recall/(precision+recall)", "--metric",
                                    "twice_acc = 2 * accuracy", "--metric", "cm_accuracy", "--metric",
                                    "classification_report", "--metric", "cohen_kappa"});
    INFO(r.out);
    REQUIRE(r.rc == 0);
    const auto all = lines("values");
    std::vector<nlohmann::json> tests;
    for (const auto& l : all)
        if (l.value("split", "") == "test") tests.push_back(l);
    REQUIRE(tests.size() == 2);
    for (const auto& l : tests) {
        INFO(l.dump());
        const double accuracy = l.at("accuracy");
        REQUIRE(accuracy < 1.0);  // the values below are not all trivially 1
        // cmAccuracy from the confusion matrix is the evaluator's Accuracy.
        CHECK(l.at("cm_accuracy").get<double>() == Approx(accuracy).margin(1e-6));
        CHECK(l.at("twice_acc").get<double>() == Approx(2 * accuracy).margin(1e-6));
        const double miou = l.at("miou");
        CHECK((miou >= 0 && miou <= 1));
        const auto& p = l.at("precision");
        const auto& rc = l.at("recall");
        const auto& f1 = l.at("f1");
        REQUIRE(p.size() == 10);
        REQUIRE(f1.size() == 10);
        double mean_p = 0;
        for (std::size_t i = 0; i < 10; ++i) {
            const double pi = p[i], ri = rc[i];
            mean_p += pi / 10;
            if (pi + ri > 0) {
                CHECK(f1[i].get<double>() == Approx(2 * pi * ri / (pi + ri)));
            } else {
                CHECK(f1[i].is_null());  // 0/0: NaN, written as null (JSON has no NaN)
            }
            // The report's rows are Precision's per-class values.
            CHECK(l.at("classification_report/" + std::to_string(i) + "/precision").get<double>() ==
                  Approx(pi).margin(1e-6));
        }
        CHECK(l.at("classification_report/macro avg/precision").get<double>() == Approx(mean_p).margin(1e-6));
        CHECK_FALSE(l.contains("classification_report"));  // only its numbers
        const double kappa = l.at("cohen_kappa");
        CHECK((kappa >= -1 && kappa <= 1));
    }
}

TEST_CASE("roc_auc on a 10-class model scores the class given by core_metrics.positive_class") {
    const auto r = train("roc", {"--metric", "roc_auc", "--metric", "average_precision", "--plugin-opt",
                                 "core_metrics.positive_class=3"});
    INFO(r.out);
    REQUIRE(r.rc == 0);
    for (const auto& l : lines("roc")) {
        if (l.value("split", "") != "test") continue;
        CHECK((l.at("roc_auc").get<double>() >= 0 && l.at("roc_auc").get<double>() <= 1));
        CHECK((l.at("average_precision").get<double>() > 0 && l.at("average_precision").get<double>() <= 1));
    }
    const auto bad = train("roc_binary", {"--metric", "roc_auc"});
    CHECK(bad.rc == 1);
    CHECK_THAT(bad.out, Contains("roc_auc is binary, but the model scores 10 classes; give --plugin-opt "
                                 "core_metrics.positive_class=K"));
}

TEST_CASE("plugins list and plugins inspect show core_metrics and the metrics it declares") {
    const auto list = ignite::test::built_host("plugins list");
    CHECK(list.rc == 0);
    CHECK_THAT(list.out, Contains("core_metrics"));
    const auto inspect = ignite::test::built_host("plugins inspect core_metrics");
    CHECK(inspect.rc == 0);
    for (const char* m : {"precision", "recall", "fbeta", "iou", "miou", "dice", "cm_accuracy", "roc_auc",
                          "average_precision", "cohen_kappa", "classification_report", "ignore_index", "weights"}) {
        CHECK_THAT(inspect.out, Contains(m));
    }
}

TEST_CASE("Bad metric inputs each give one line and exit 2") {
    struct Row {
        std::vector<std::string> args;
        std::string line;
    };
    const std::vector<Row> rows = {
        {{"--metric", "f1 = 2*precision*"},
         "--metric 'f1 = 2*precision*': position 18: the expression ends early; expected a number, a metric name or "
         "'('"},
        {{"--metric", "f1 = (precision"}, "--metric 'f1 = (precision': position 16: expected ')'"},
        {{"--metric", "f1 = 2*precison"}, "--metric 'f1 = 2*precison': position 8: unknown metric 'precison'"},
        {{"--metric", "l2 = loss*2"}, "position 6: an expression cannot use the evaluator's loss"},
        {{"--metric", "r = classification_report*1"}, "classification_report is a table, not a number"},
        {{"--metric", "nosuch"}, "unknown --metric 'nosuch'"},
        {{"--metric", "miou", "--metric", "miou"}, "--metric miou is given twice"},
        {{"--metric", "accuracy = miou"}, "the evaluator always computes 'accuracy'"},
        {{"--metric", "cohen_kappa", "--plugin-opt", "core_metrics.weights=cubic"}, "core_metrics.weights"},
        {{"--metric", "fbeta", "--plugin-opt", "core_metrics.beta=0"}, "core_metrics.beta 0: beta must be > 0"},
        {{"--metric", "miou", "--plugin-opt", "core_metrics.ignore_index=-2"}, "core_metrics.ignore_index"},
        {{"--metric", "miou", "--plugin-opt", "core_metrics.num_classes=1"}, "core_metrics.num_classes 1"},
        {{"--metric", "iou", "--plugin-opt", "core_metrics.num_classes=3", "--plugin-opt",
          "core_metrics.ignore_index=5"},
         "core_metrics.ignore_index 5 is not a class of core_metrics.num_classes 3"},
    };
    for (const auto& row : rows) {
        const auto r = train("bad", row.args);
        INFO(r.out);
        CHECK(r.rc == 2);
        CHECK_THAT(the_error(r), Contains(row.line));
    }
}

TEST_CASE("Per-class and report values reach metrics.csv as columns like the plugin metrics' tensors") {
    static const auto root = ignite::test::scratch_dir("core_metrics_cli_test");
    fs::remove_all(root / "csv");
    auto args = words_of("train --model mlp --threads 1 --dataset synthetic:200 --batch-size 40 --lr-schedule constant "
                         "--lr 0.0005 --epochs 1 --no-default-plugins --plugin csv --metric iou --metric "
                         "classification_report --output-dir " +
                         (root / "csv").string());
    args.insert(args.end(), {"--metric", "mean_dice = mean(dice)"});
    const auto r = ignite::test::run_host(IGNITE_HOST_EXE, args, {.plugin_path = IGNITE_PLUGIN_DIR, .merge_stderr = true});
    INFO(r.out);
    REQUIRE(r.rc == 0);
    const auto header = ignite::test::lines_of(ignite::test::read_file(root / "csv" / "metrics.csv")).at(0);
    for (const char* column : {",iou/0,", ",iou/9,", ",classification_report/0/precision,",
                               ",classification_report/macro avg/f1-score,", ",mean_dice"}) {
        CHECK_THAT(header, Contains(column));
    }
    CHECK_THAT(header, !Contains(",classification_report,"));
}
