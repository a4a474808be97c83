// metrics.jsonl as docs/metrics-jsonl.md says it is: the doc's tables against the keys real
// runs write, both ways, and samples_per_second as the samples the trainer actually ran.
#include "support/built_host.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#ifndef IGNITE_DOCS_DIR
#error "IGNITE_DOCS_DIR must name the docs/ folder"
#endif

namespace fs = std::filesystem;
using ignite::test::built_host;
using ignite::test::read_jsonl;

namespace {

// The row standing for every --metric NAME in a table.
const std::string kMetricRow = "METRIC";

// line kind ("train", "val", ...) -> the keys its table lists.
using Schema = std::map<std::string, std::set<std::string>>;

// The doc's "### `kind` ..." sections: each heading's backticked names share the table under it.
Schema documented() {
    std::ifstream in(fs::path(IGNITE_DOCS_DIR) / "metrics-jsonl.md");
    REQUIRE(in);
    Schema schema;
    std::vector<std::string> kinds;
    const std::regex ticked("`([^`]+)`");
    const std::regex row(R"(^\|\s*`([^`]+)`\s*\|)");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("## ", 0) == 0) kinds.clear();  // a section of another kind of table
        if (line.rfind("### ", 0) == 0) {
            kinds.clear();
            for (std::sregex_iterator m(line.begin(), line.end(), ticked), end; m != end; ++m) {
                kinds.push_back((*m)[1]);
            }
            continue;
        }
        std::smatch m;
        if (!kinds.empty() && std::regex_search(line, m, row)) {
            for (const auto& k : kinds) schema[k].insert(m[1]);
        }
    }
    return schema;
}

// `ignite-host train ARGS` into SCRATCH/NAME (removed first unless `keep`); its lines.
std::vector<nlohmann::json> run(const std::string& name, const std::string& args, bool keep = false) {
    static const auto root = ignite::test::scratch_dir("ignite_metrics_jsonl");
    const auto dir = root / name;
    if (!keep) fs::remove_all(dir);
    const auto r = built_host("train --model mlp --threads 1 " + args + " --output-dir " + dir.string(), {.cwd = root});
    INFO(r.cmd << "\n" << r.out);
    REQUIRE(r.rc == 0);
    return read_jsonl(dir / "metrics.jsonl");
}

constexpr const char* kSmall = "--dataset synthetic:200 --batch-size 40 --lr-schedule constant";

}  // namespace

TEST_CASE("docs/metrics-jsonl.md lists every key real runs write and no key they never write", "[metrics_jsonl]") {
    const auto schema = documented();
    REQUIRE(schema.count("train") == 1);
    REQUIRE(schema.count("val") == 1);
    REQUIRE(schema.count("test") == 1);
    REQUIRE(schema.count("resume") == 1);

    const std::vector<std::string> metrics{"f1_macro", "confusion_matrix"};
    std::vector<nlohmann::json> lines;
    const auto add = [&lines](const std::vector<nlohmann::json>& more) {
        lines.insert(lines.end(), more.begin(), more.end());
    };
    add(run("plain", std::string(kSmall) + " --epochs 1"));
    add(run("val_split", std::string(kSmall) + " --epochs 1 --val-split 0.2"));
    add(run("metric", std::string(kSmall) + " --epochs 1 --val-split 0.2 --plugin metrics --metric " + metrics[0] +
                          " --metric " + metrics[1]));
    const std::string checkpointed = std::string(kSmall) + " --plugin checkpoint --plugin-opt checkpoint.dirname=ck";
    run("resumed", checkpointed + " --epochs 1");
    add(run("resumed", checkpointed + " --epochs 2 --resume auto", /*keep=*/true));

    Schema written;
    for (const auto& line : lines) {
        INFO(line.dump());
        REQUIRE(line.contains("split"));
        const auto kind = line["split"].get<std::string>();
        REQUIRE(schema.count(kind) == 1);  // a line kind the doc does not describe
        for (const auto& [key, value] : line.items()) {
            INFO("key " << key);
            const auto& keys = schema.at(kind);
            if (keys.count(key)) {
                written[kind].insert(key);
            } else {
                // Undocumented, unless it is a --metric the doc's METRIC row stands for.
                CHECK(keys.count(kMetricRow) == 1);
                CHECK(std::find(metrics.begin(), metrics.end(), key) != metrics.end());
                written[kind].insert(kMetricRow);
            }
        }
    }
    for (const auto& [kind, keys] : schema) {
        for (const auto& key : keys) {
            INFO("documented but never written: " << kind << "." << key);
            CHECK(written[kind].count(key) == 1);
        }
    }
}

namespace {

// samples_per_second x epoch_seconds of a train line, and how far that can be from the true
// count by the file's rounding alone (epoch_seconds to 1 ms, samples_per_second to 0.1).
struct Samples {
    double product = 0, rounding = 0;
};
Samples samples_of(const nlohmann::json& train) {
    const double sps = train.at("samples_per_second"), secs = train.at("epoch_seconds");
    return {sps * secs, sps * 0.0005 + 0.05 * secs};
}

}  // namespace

TEST_CASE("samples_per_second counts the samples the trainer ran, not the training set", "[metrics_jsonl]") {
    SECTION("--drop-last: 4 batches of 4096 of the 20000 samples") {
        const auto lines = run("drop_last", "--limit 20000 --batch-size 4096 --drop-last --epochs 1 --eval-every 0");
        REQUIRE(lines.size() == 1);
        const auto s = samples_of(lines[0]);
        INFO(lines[0].dump());
        CHECK(std::abs(s.product - 16384) <= 0.01 * 16384);
    }
    SECTION("a short last batch counts its size") {
        const auto lines = run("short_last", "--limit 20000 --batch-size 4096 --epochs 1 --eval-every 0");
        REQUIRE(lines.size() == 1);
        const auto s = samples_of(lines[0]);
        INFO(lines[0].dump());
        CHECK(std::abs(s.product - 20000) <= 0.01 * 20000);
    }
    SECTION("a run resumed in mid-epoch counts what it ran after the resume") {
        // 5 iterations of 400 per epoch; resumed after iteration 2, the run does 3 of them: 1200 samples.
        const std::string common =
            "--dataset synthetic:2000 --batch-size 400 --lr-schedule constant --eval-every 0 --epochs 1 --plugin "
            "checkpoint --plugin-opt checkpoint.dirname=ck --plugin-opt checkpoint.every=2 --plugin-opt "
            "checkpoint.n_saved=0";
        run("mid_epoch", common);
        const auto checkpoint =
            ignite::test::scratch_dir("ignite_metrics_jsonl") / "mid_epoch" / "ck" / "checkpoint_2.pt";
        const auto lines = run("mid_epoch", common + " --resume " + checkpoint.string(), /*keep=*/true);
        REQUIRE(lines.size() == 2);  // the first run's train line moved aside: the marker, the resumed epoch's line
        CHECK(lines[0]["split"] == "resume");
        CHECK(lines[0]["iteration"] == 2);
        REQUIRE(lines[1]["split"] == "train");
        const auto s = samples_of(lines[1]);
        INFO(lines[1].dump());
        CHECK(std::abs(s.product - 1200) <= 0.01 * 1200 + s.rounding);
    }
}

TEST_CASE("metrics.jsonl is the jsonl component's: a default participant, left out and given back like a plugin",
          "[metrics_jsonl]") {
    const auto root = ignite::test::scratch_dir("ignite_metrics_jsonl");
    const auto train = [&root](const std::string& name, const std::string& args) {
        fs::remove_all(root / name);
        const auto r = built_host("train --model mlp --threads 1 " + std::string(kSmall) + " --epochs 1 " + args +
                                      " --output-dir " + (root / name).string(),
                                  {.cwd = root});
        INFO(r.cmd << "\n" << r.out);
        CHECK(r.rc == 0);
        return r;
    };
    SECTION("by default: a train and a test line per epoch, their keys in the order they always had") {
        const auto r = train("default", "");
        CHECK_THAT(r.out, Catch::Contains("; metrics in " + (root / "default" / "metrics.jsonl").string()));
        const auto lines = read_jsonl(root / "default" / "metrics.jsonl");
        REQUIRE(lines.size() == 2);
        const auto keys = [](const nlohmann::json& j) {
            std::vector<std::string> out;
            for (const auto& [k, v] : j.items()) out.push_back(k);
            return out;
        };
        // nlohmann::json sorts keys; the file's own order is checked on its text.
        CHECK(keys(lines[0]) == std::vector<std::string>{"avg_loss", "epoch", "epoch_seconds", "iteration", "lr",
                                                         "samples_per_second", "split"});
        const auto text = ignite::test::lines_of(ignite::test::read_file(root / "default" / "metrics.jsonl"));
        CHECK(std::regex_match(text[0],
                               std::regex(R"(\{"split":"train","epoch":1,"iteration":5,"avg_loss":[0-9.]+,)"
                                          R"("lr":[0-9.e-]+,"epoch_seconds":[0-9.]+,"samples_per_second":[0-9.]+\})")));
        CHECK(std::regex_match(text[1], std::regex(R"(\{"split":"test","epoch":1,"iteration":5,"accuracy":[0-9.]+,)"
                                                   R"("loss":[0-9.]+\})")));
    }
    SECTION("--no-default-plugins: no metrics.jsonl") {
        const auto r = train("none", "--no-default-plugins");
        CHECK_FALSE(fs::exists(root / "none" / "metrics.jsonl"));
        CHECK_THAT(r.out, Catch::Contains("; results in " + (root / "none").string()));
    }
    SECTION("--no-default-plugins --plugin jsonl: the file is back") {
        train("back", "--no-default-plugins --plugin jsonl");
        const auto lines = read_jsonl(root / "back" / "metrics.jsonl");
        REQUIRE(lines.size() == 2);
        CHECK(lines[0]["split"] == "train");
        CHECK(lines[1]["split"] == "test");
    }
}

TEST_CASE("plugins list and plugins inspect show the jsonl component", "[metrics_jsonl]") {
    const auto list = built_host("plugins list");
    INFO(list.out);
    REQUIRE(list.rc == 0);
    CHECK(std::regex_search(list.out, std::regex(R"((^|\n)jsonl +\S+ +component +rank 0 +metrics\.jsonl)")));
    const auto inspect = built_host("plugins inspect jsonl");
    INFO(inspect.out);
    REQUIRE(inspect.rc == 0);
    CHECK_THAT(inspect.out, Catch::Contains("name:        jsonl") && Catch::Contains("kind:        component") &&
                                Catch::Contains("runs on:     rank 0") && Catch::Contains("band:        loggers") &&
                                Catch::Contains("state:       (none)"));
}
