// ignite-host train's data options (issue 17): --limit cuts the training split only,
// --test-limit the test split, and --val-split F holds out floor(F * N) training samples,
// chosen by --seed alone, as a validation set with its own evaluator and "split":"val" lines.
// The split itself is tested in-process; the options end to end, good and bad.
#include "train/dataset.hpp"

#include "support/built_host.hpp"

#include <ATen/ATen.h>

// LibTorch headers first: c10's logging defines CHECK, which catch.hpp must override.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace fs = std::filesystem;
using namespace ignite::host;

namespace {

// Training image i is filled with the value i and labelled i % 10: a split tells which rows it holds.
TrainTestSplit numbered(std::int64_t n) {
    TrainTestSplit d;
    d.train = Dataset{at::arange(n, at::kFloat).view({n, 1, 1, 1}).expand({n, 1, 2, 2}).contiguous(),
                      at::arange(n, at::kLong) % 10, 10};
    d.test = d.train;
    d.name = "numbered";
    return d;
}

std::vector<std::int64_t> rows(const Dataset& d) {
    std::vector<std::int64_t> out;
    for (std::int64_t i = 0; i < d.size(); ++i)
        out.push_back(static_cast<std::int64_t>(d.images[i][0][0][0].item<float>()));
    return out;
}

std::vector<std::int64_t> val_rows(std::int64_t n, std::int64_t count, std::uint64_t seed) {
    auto d = numbered(n);
    hold_out_validation(d, count, seed);
    return rows(d.val);
}

struct Run {
    int rc = -1;
    std::string out;  // stdout + stderr
    fs::path dir;     // the output folder
};

// `ignite-host train --no-default-plugins --plugin jsonl ARGS --output-dir SCRATCH/NAME`.
Run train(const std::string& name, const std::string& args) {
    static const auto root = ignite::test::scratch_dir("ignite_data_options");
    const auto dir = root / name;
    fs::remove_all(dir);
    const auto p = ignite::test::built_host(
        "train --no-default-plugins --plugin jsonl --model mlp --threads 1 " + args + " --output-dir " + dir.string(), {.cwd = root});
    REQUIRE(p.exited);
    return {p.rc, p.out, dir};
}

// The "split" of each metrics.jsonl line that has one (a resume marker, say, has none).
std::vector<std::string> splits(const std::vector<nlohmann::json>& lines) {
    std::vector<std::string> out;
    for (const auto& l : lines) {
        if (l.contains("split")) out.push_back(l["split"]);
    }
    return out;
}

}  // namespace

TEST_CASE("the validation split is floor(F * N) samples, as random_split rounds fractions", "[data_options]") {
    CHECK(validation_size(1000, 0.1) == 100);
    CHECK(validation_size(100, 0.29) == 29);  // 28.999999999999996 in binary
    CHECK(validation_size(10, 0.25) == 2);
    CHECK(validation_size(9, 0.1) == 0);
    CHECK(validation_size(500, 0) == 0);
    CHECK(validation_size(200, 0.999) == 199);
}

TEST_CASE("the held-out samples are a function of the seed, disjoint from the training ones, in file order",
          "[data_options]") {
    auto d = numbered(50);
    hold_out_validation(d, 10, 7);
    const auto val = rows(d.val), train = rows(d.train);
    REQUIRE(val.size() == 10);
    REQUIRE(train.size() == 40);
    CHECK(std::is_sorted(val.begin(), val.end()));
    CHECK(std::is_sorted(train.begin(), train.end()));
    std::set<std::int64_t> all(val.begin(), val.end());
    all.insert(train.begin(), train.end());
    CHECK(all.size() == 50);                                     // every sample once, in one part or the other
    CHECK(d.val.labels.equal(at::tensor(val, at::kLong) % 10));  // labels travel with their images
    CHECK(val_rows(50, 10, 7) == val);                           // same seed, same split
    CHECK(val_rows(50, 10, 8) != val);                           // another seed, another split
    CHECK(val != std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});  // not the first rows
    // A larger fraction holds out the smaller one's samples and more (a partial shuffle).
    const auto more = val_rows(50, 20, 7);
    CHECK(std::includes(more.begin(), more.end(), val.begin(), val.end()));
    auto none = numbered(50);
    hold_out_validation(none, 0, 7);
    CHECK(none.val.size() == 0);
    CHECK(none.train.size() == 50);
}

TEST_CASE("train --limit cuts the training split only, --test-limit the test split", "[data_options]") {
    // synthetic:500 has 500 training and 100 test samples.
    const auto r = train("limit", "--dataset synthetic:500 --limit 120 --epochs 1 --batch-size 40");
    INFO(r.out);
    REQUIRE(r.rc == 0);
    CHECK_THAT(r.out, Catch::Contains("synthetic (120 train / 100 test, 28x28)"));
    CHECK_THAT(r.out, Catch::Contains("test accuracy") && Catch::Contains("(100 samples"));
    const auto lines = ignite::test::read_jsonl(r.dir / "metrics.jsonl");
    REQUIRE(splits(lines) == std::vector<std::string>{"train", "test"});
    CHECK(lines[0]["iteration"] == 3);  // 120 / 40

    const auto both =
        train("test_limit", "--dataset synthetic:500 --limit 120 --test-limit 30 --epochs 1 --batch-size 40");
    INFO(both.out);
    REQUIRE(both.rc == 0);
    CHECK_THAT(both.out, Catch::Contains("synthetic (120 train / 30 test, 28x28)"));
    CHECK_THAT(both.out, Catch::Contains("(30 samples"));
    // The test split's first 30 samples are the same whatever --limit says.
    const auto other = train("test_limit_only", "--dataset synthetic:500 --test-limit 30 --epochs 1 --batch-size 40");
    REQUIRE(other.rc == 0);
    CHECK_THAT(other.out, Catch::Contains("synthetic (500 train / 30 test, 28x28)"));
}

TEST_CASE("train --val-split evaluates a held-out validation set before the test split", "[data_options]") {
    const auto r = train("val", "--dataset synthetic:500 --val-split 0.2 --epochs 2 --batch-size 40 --seed 3");
    INFO(r.out);
    REQUIRE(r.rc == 0);
    CHECK_THAT(r.out, Catch::Contains("synthetic (400 train / 100 val / 100 test, 28x28)"));
    const auto lines = ignite::test::read_jsonl(r.dir / "metrics.jsonl");
    REQUIRE(splits(lines) == std::vector<std::string>{"train", "val", "test", "train", "val", "test"});
    CHECK(lines[0]["iteration"] == 10);  // 400 training samples / 40: the held-out ones are not trained on
    for (const std::size_t i : {1u, 4u}) {
        CHECK(lines[i]["epoch"] == lines[i - 1]["epoch"]);
        CHECK(lines[i]["iteration"] == lines[i - 1]["iteration"]);
        CHECK(lines[i]["accuracy"].get<double>() >= 0.0);
        CHECK(lines[i]["loss"].is_number());
    }
    CHECK(lines[4]["accuracy"].get<double>() >= 0.5);  // the synthetic problem is learnable
    CHECK_THAT(r.out, Catch::Contains("val accuracy") && Catch::Contains("(100 samples"));
    // The summary gives both, validation first.
    const auto summary = r.out.substr(r.out.find("trained 2 epochs"));
    CHECK(summary.find("val accuracy") < summary.find("test accuracy"));

    // The same seed holds out the same samples: the same numbers, line for line.
    const auto again =
        train("val_again", "--dataset synthetic:500 --val-split 0.2 --epochs 2 --batch-size 40 --seed 3");
    REQUIRE(again.rc == 0);
    const auto lines_again = ignite::test::read_jsonl(again.dir / "metrics.jsonl");
    REQUIRE(lines_again.size() == lines.size());
    CHECK(lines_again[1]["loss"] == lines[1]["loss"]);
    CHECK(lines_again[4]["accuracy"] == lines[4]["accuracy"]);
}

TEST_CASE("train --val-split with --eval-every K evaluates at the same epochs as the test split", "[data_options]") {
    const auto r =
        train("val_every", "--dataset synthetic:200 --val-split 0.25 --epochs 3 --eval-every 2 --batch-size 50");
    INFO(r.out);
    REQUIRE(r.rc == 0);
    const auto lines = ignite::test::read_jsonl(r.dir / "metrics.jsonl");
    // Epoch 2, then the last epoch.
    REQUIRE(splits(lines) == std::vector<std::string>{"train", "train", "val", "test", "train", "val", "test"});
    CHECK(lines[2]["epoch"] == 2);
    CHECK(lines[5]["epoch"] == 3);
}

TEST_CASE("train --val-split with --metric reports the plugin metric on both splits", "[data_options]") {
    const auto r = train("val_metric",
                         "--dataset synthetic:200 --val-split 0.25 --epochs 1 --batch-size 50 --plugin metrics "
                         "--metric f1_macro");
    INFO(r.out);
    REQUIRE(r.rc == 0);
    const auto lines = ignite::test::read_jsonl(r.dir / "metrics.jsonl");
    REQUIRE(splits(lines) == std::vector<std::string>{"train", "val", "test"});
    CHECK(lines[1].contains("f1_macro"));
    CHECK(lines[2].contains("f1_macro"));
}

TEST_CASE("bad --test-limit and --val-split values: exit 2, one line naming the option, nothing written",
          "[data_options][errors]") {
    struct Bad {
        std::string args, names;
    };
    const std::vector<Bad> cases{
        {"--test-limit -1", "--test-limit must be >= 0"},
        {"--val-split -0.1", "--val-split must be in [0, 1)"},
        {"--val-split 1", "--val-split must be in [0, 1)"},
        {"--val-split 1.5", "--val-split must be in [0, 1)"},
        {"--val-split nan", "--val-split must be in [0, 1)"},
        {"--val-split lots", "val-split"},
        {"--val-split 0.2 --eval-every 0", "--eval-every 0"},
        // 0.004 of 200 samples is 0.8: none held out.
        {"--val-split 0.004", "--val-split 0.004 holds out no sample of the 200 training samples"},
        {"--val-split 0.01 --limit 50", "(--limit 50)"},
        // 0.9 of 200 leaves 20 samples: no batch of 64 with --drop-last.
        {"--val-split 0.9 --batch-size 64 --drop-last", "after --val-split 0.9"},
    };
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& c = cases[i];
        const auto r = train("bad_" + std::to_string(i), "--dataset synthetic:200 --epochs 1 " + c.args);
        INFO("train " << c.args << "\n" << r.out);
        CHECK(r.rc == 2);
        std::vector<std::string> errors;
        for (const auto& line : ignite::test::lines_of(r.out)) {
            if (line.find("error:") != std::string::npos) errors.push_back(line);
        }
        REQUIRE(errors.size() == 1);
        CHECK_THAT(errors[0], Catch::StartsWith("ignite-host: error: ") && Catch::Contains(c.names));
        CHECK_FALSE(fs::exists(r.dir));  // refused before anything is written
    }
}

TEST_CASE("a resume checks the validation split: another --val-split is another training set",
          "[data_options][resume]") {
    const auto first =
        train("resume_first",
              "--dataset synthetic:200 --val-split 0.2 --epochs 1 --batch-size 40 --lr-schedule constant "
              "--plugin checkpoint --plugin-opt checkpoint.dirname=resume_ck");
    INFO(first.out);
    REQUIRE(first.rc == 0);
    const auto ck_dir = first.dir / "resume_ck";  // a relative dirname lies inside --output-dir
    std::string checkpoint;
    for (const auto& e : fs::directory_iterator(ck_dir)) {
        if (e.path().extension() == ".pt") checkpoint = e.path().string();
    }
    REQUIRE_FALSE(checkpoint.empty());
    const auto common =
        "--dataset synthetic:200 --batch-size 40 --lr-schedule constant --plugin checkpoint "
        "--plugin-opt checkpoint.dirname=resume_ck --resume " +
        checkpoint;
    // Another fraction, none, or the same fraction of another training set: refused, naming the option.
    for (const auto& [name, args, names] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"other_fraction", "--val-split 0.3 --epochs 2", "--val-split"},
             {"no_split", "--epochs 2", "--val-split"},
             {"other_limit", "--val-split 0.2 --limit 150 --epochs 2", "--dataset/--limit"}}) {
        const auto r = train("resume_" + name, common + " " + args);
        INFO(name << "\n" << r.out);
        CHECK(r.rc == 2);
        CHECK_THAT(r.out, Catch::Contains(checkpoint) && Catch::Contains(names));
    }
    // The same split resumes and evaluates the held-out samples again.
    const auto resumed = train("resume_same", common + " --val-split 0.2 --epochs 2");
    INFO(resumed.out);
    REQUIRE(resumed.rc == 0);
    const auto lines = ignite::test::read_jsonl(resumed.dir / "metrics.jsonl");
    REQUIRE_FALSE(lines.empty());
    const auto names = splits(lines);
    CHECK(names.back() == "test");
    CHECK(std::count(names.begin(), names.end(), "val") == 1);  // epoch 2 only: epoch 1 was the first run's
}
