// The csv plugin as a user sees it: `ignite-host train --plugin csv`, and metrics.csv read
// back by the venv's pandas.read_csv (the reader the file is for) and checked against the
// run's metrics.jsonl; a header that widens mid-run; --resume (from an older checkpoint, and
// after SIGKILL) with each (engine, global_step) once and none missing; bad options and a
// full disk. The rules alone are tests/csv_table_test.cpp.
#include "support/built_host.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#ifndef IGNITE_VENV_PYTHON
#error "IGNITE_VENV_PYTHON must name the venv's python (with pandas)"
#endif

namespace fs = std::filesystem;
using ignite::test::built_host;
using ignite::test::lines_of;
using ignite::test::read_file;
using ignite::test::read_jsonl;
using nlohmann::json;

namespace {

const fs::path& root() {
    static const auto dir = ignite::test::scratch_dir("ignite_csv");
    return dir;
}

constexpr const char* kSmall = "--model mlp --threads 1 --dataset synthetic:200 --batch-size 40 --lr-schedule constant";

// `ignite-host train ARGS --output-dir ROOT/NAME` (the folder emptied first unless `keep`).
ignite::test::ProcessResult train(const std::string& name, const std::string& args, bool keep = false,
                                  ignite::test::HostRun how = {}) {
    const auto dir = root() / name;
    if (!keep) fs::remove_all(dir);
    how.cwd = root();
    return built_host("train " + args + " --output-dir " + dir.string(), how);
}

// What pandas.read_csv makes of a file: its columns, their dtypes, and the rows (NaN as null).
struct Frame {
    std::vector<std::string> columns;
    std::map<std::string, std::string> dtypes;
    std::vector<json> rows;
};

Frame read_csv(const fs::path& file) {
    const auto r = ignite::test::run_process(
        {IGNITE_VENV_PYTHON, "-c",
         "import json, sys\n"
         "import pandas as pd\n"
         "df = pd.read_csv(sys.argv[1])\n"
         "print(json.dumps({'columns': list(df.columns), 'dtypes': {c: str(t) for c, t in df.dtypes.items()},\n"
         "                  'rows': json.loads(df.to_json(orient='records'))}))\n",
         file.string()});
    INFO(r.cmd << "\n" << r.out << r.err);
    REQUIRE(r.rc == 0);
    const auto j = json::parse(r.out);
    Frame f;
    for (const auto& c : j["columns"]) f.columns.push_back(c);
    for (const auto& [c, t] : j["dtypes"].items()) f.dtypes[c] = t;
    for (const auto& row : j["rows"]) f.rows.push_back(row);
    return f;
}

// The rows of `engine` at `step`.
std::vector<json> rows_at(const Frame& f, const std::string& engine, std::int64_t step) {
    std::vector<json> out;
    for (const auto& r : f.rows)
        if (r["engine"] == engine && r["global_step"] == step) out.push_back(r);
    return out;
}

// Every (engine, global_step) of the frame, and whether one came twice.
std::multiset<std::pair<std::string, std::int64_t>> steps_of(const Frame& f) {
    std::multiset<std::pair<std::string, std::int64_t>> out;
    for (const auto& r : f.rows) out.emplace(r["engine"].get<std::string>(), r["global_step"].get<std::int64_t>());
    return out;
}

bool has_duplicates(const std::multiset<std::pair<std::string, std::int64_t>>& s) {
    return std::adjacent_find(s.begin(), s.end()) != s.end();
}

// metrics.jsonl's split -> the engine that wrote it (docs/metrics-jsonl.md).
const std::map<std::string, std::string> kEngineOfSplit{
    {"train", "trainer"}, {"val", "validation"}, {"test", "evaluator"}};

// Every result line of metrics.jsonl has its row in the CSV at the same global step, with the
// same values (metrics.jsonl rounds to 6 decimals, lr to 6 significant digits; the CSV does
// not round). Returns how many lines were compared.
std::size_t check_against_jsonl(const Frame& f, const fs::path& jsonl) {
    std::size_t compared = 0;
    for (const auto& line : read_jsonl(jsonl)) {
        const auto split = line["split"].get<std::string>();
        if (split == "resume") continue;
        INFO(line.dump());
        const auto rows = rows_at(f, kEngineOfSplit.at(split), line["iteration"].get<std::int64_t>());
        REQUIRE(rows.size() == 1);
        const auto& row = rows.front();
        if (split == "train") {
            CHECK(row["epoch"] == line["epoch"]);
            CHECK(row["iteration"] == line["iteration"]);
            CHECK(std::abs(row["lr/group_0"].get<double>() - line["lr"].get<double>()) <=
                  1e-5 * line["lr"].get<double>());
        }
        for (const auto& [key, value] : line.items()) {
            if (!value.is_number_float() || key == "lr" || key == "epoch_seconds" || key == "samples_per_second")
                continue;
            INFO("metric " << key);
            REQUIRE(row.contains(key));
            CHECK(std::abs(row[key].get<double>() - value.get<double>()) <= 5.1e-7);
        }
        ++compared;
    }
    return compared;
}

}  // namespace

TEST_CASE("csv: pandas.read_csv reads a short run whole and each row holds metrics.jsonl's values", "[csv]") {
    const auto r = train("values", std::string(kSmall) +
                                       " --epochs 2 --val-split 0.2 --plugin csv --plugin metrics --metric f1_macro "
                                       "--metric confusion_matrix");
    INFO(r.cmd << "\n" << r.out);
    REQUIRE(r.rc == 0);
    const auto f = read_csv(root() / "values" / "metrics.csv");
    CHECK(f.columns == std::vector<std::string>{"engine", "epoch", "iteration", "global_step", "avg_loss", "lr/group_0",
                                                "accuracy", "loss", "f1_macro"});
    // Numbers are numbers to pandas: only the engine column is text.
    for (const auto& [column, dtype] : f.dtypes) {
        INFO(column);
        CHECK(dtype == (column == "engine"                                                      ? "object"
                        : column == "epoch" || column == "iteration" || column == "global_step" ? "int64"
                                                                                                : "float64"));
    }
    // A row per trainer epoch, per validation run, per evaluator run: as many as jsonl's lines.
    CHECK(check_against_jsonl(f, root() / "values" / "metrics.jsonl") == 6);
    CHECK(f.rows.size() == 6);
    CHECK_FALSE(has_duplicates(steps_of(f)));
    // The evaluators count their own epochs and iterations; global_step is the trainer's.
    for (const auto& row : rows_at(f, "evaluator", 8)) {
        CHECK(row["epoch"] == 1);
        CHECK(row["iteration"] == 1);
    }
    // The confusion matrix is not a column (Ignite's loggers drop a matrix too), said once.
    std::size_t said = 0;
    for (const auto& line : lines_of(r.out))
        said += line.find("metric 'confusion_matrix' has 2 dimensions") != std::string::npos;
    CHECK(said == 1);
}

TEST_CASE("csv: every_iters rows come before the first epoch row and the widened header still reads whole", "[csv]") {
    // 5 iterations per epoch: trainer rows at 2 and 4 (loss, lr), 5 (the epoch: avg_loss), 6, 8,
    // and 10, where the iteration row and the epoch row are one row.
    const auto r = train("every", std::string(kSmall) + " --epochs 2 --plugin csv --plugin-opt csv.every_iters=2");
    INFO(r.cmd << "\n" << r.out);
    REQUIRE(r.rc == 0);
    const auto file = root() / "every" / "metrics.csv";
    const auto text = lines_of(read_file(file));
    REQUIRE_FALSE(text.empty());
    // The first rows were written under a narrower header; the file was rewritten under the
    // wider one, every row padded to it.
    CHECK(text.front() == "engine,epoch,iteration,global_step,loss,lr/group_0,avg_loss,accuracy");
    for (const auto& line : text) CHECK(std::count(line.begin(), line.end(), ',') == 7);
    const auto f = read_csv(file);
    const auto steps = steps_of(f);
    CHECK_FALSE(has_duplicates(steps));
    std::vector<std::int64_t> trainer;
    for (const auto& [engine, step] : steps)
        if (engine == "trainer") trainer.push_back(step);
    CHECK(trainer == std::vector<std::int64_t>{2, 4, 5, 6, 8, 10});
    const auto at = [&](std::int64_t step) { return rows_at(f, "trainer", step).at(0); };
    for (std::int64_t s : {2, 4, 6, 8}) {
        INFO("step " << s);
        CHECK(at(s)["loss"].is_number());
        CHECK(at(s)["avg_loss"].is_null());
    }
    CHECK(at(5)["loss"].is_null());
    CHECK(at(5)["avg_loss"].is_number());
    CHECK(at(10)["loss"].is_number());
    CHECK(at(10)["avg_loss"].is_number());
    CHECK(check_against_jsonl(f, root() / "every" / "metrics.jsonl") == 4);
}

TEST_CASE("csv: a run resumed from an older checkpoint moves the later rows aside and has each step once",
          "[csv][resume]") {
    const std::string args = std::string(kSmall) +
                             " --epochs 3 --plugin csv --plugin-opt csv.every_iters=2 --plugin checkpoint "
                             "--plugin-opt checkpoint.n_saved=0 --plugin-opt checkpoint.dirname=ck";
    const auto whole = train("whole", args);
    REQUIRE(whole.rc == 0);
    auto r = train("older", args);
    REQUIRE(r.rc == 0);
    const auto file = root() / "older" / "metrics.csv";
    const auto before = read_file(file);
    // A killed writer's last row, cut short.
    std::ofstream(file, std::ios::app) << "trainer,3,1";
    r = train("older", args + " --resume " + (root() / "older" / "ck" / "checkpoint_5.pt").string(), /*keep=*/true);
    INFO(r.cmd << "\n" << r.out);
    REQUIRE(r.rc == 0);
    const auto aside = root() / "older" / "metrics.csv.orphaned-1";
    CHECK_THAT(r.out, Catch::Contains("after iteration 5") && Catch::Contains(aside.string()));
    const auto f = read_csv(file);
    CHECK_FALSE(has_duplicates(steps_of(f)));
    CHECK(steps_of(f) == steps_of(read_csv(root() / "whole" / "metrics.csv")));
    CHECK(check_against_jsonl(f, root() / "older" / "metrics.jsonl") == 6);
    // Moved aside: the header, every row after step 5 of the first run, and the cut row, as they were.
    const auto moved = lines_of(read_file(aside));
    const auto first = lines_of(before);
    REQUIRE(moved.size() >= 2);
    CHECK(moved.front() == first.front());
    CHECK(moved.back() == "trainer,3,1");
    std::size_t later = 0;
    for (std::size_t i = 1; i < first.size(); ++i) {
        const auto& line = first[i];
        const auto step = std::stoll(line.substr(line.find(',', line.find(',', line.find(',') + 1) + 1) + 1));
        if (step > 5) {
            ++later;
            CHECK(std::find(moved.begin(), moved.end(), line) != moved.end());
        }
    }
    CHECK(moved.size() == later + 2);
}

TEST_CASE(
    "csv: a run killed with SIGKILL and resumed with --resume auto has each (engine, global_step) once, none "
    "missing",
    "[csv][resume]") {
    // 4000 samples, batch 32: 125 iterations per epoch, 250 in all; a checkpoint every 25, a
    // trainer row every 10. Killed as soon as the row of step 90 is in the file (checkpoint_75
    // exists, checkpoint_100 not yet), so rows after the checkpoint are there when it dies.
    const auto dir = root() / "killed";
    fs::remove_all(dir);
    const std::string args =
        "--model cnn --dataset synthetic:4000 --batch-size 32 --device cpu --threads 1 "
        "--lr-schedule constant --epochs 2 --plugin csv --plugin-opt csv.every_iters=10 "
        "--plugin checkpoint --plugin-opt checkpoint.every=25 --plugin-opt checkpoint.n_saved=2 "
        "--output-dir " +
        dir.string() + " --resume auto";
    const auto cmd = ignite::test::host_command(IGNITE_HOST_EXE, ignite::test::words_of("train " + args),
                                                {.plugin_path = IGNITE_PLUGIN_DIR});
    const auto csv = (dir / "metrics.csv").string();
    const auto killed = ignite::test::run_process(
        {"/bin/sh", "-c",
         "(" + cmd + ") > /dev/null 2>&1 & p=$!; n=0; while ! grep -q '^trainer,1,90,90,' " + csv +
             " 2>/dev/null && [ $n -lt 6000 ]; do sleep 0.01; n=$((n+1)); done; kill -KILL $p; wait $p; echo rc=$?"});
    REQUIRE(killed.out == "rc=137\n");
    REQUIRE(fs::exists(dir / "checkpoints" / "checkpoint_75.pt"));
    const auto r = built_host("train " + args);
    INFO(r.cmd << "\n" << r.out);
    REQUIRE(r.rc == 0);
    CHECK_THAT(r.out, Catch::Contains("resuming from"));
    // The killed run's rows after its last checkpoint were moved aside, then written again.
    REQUIRE(fs::exists(dir / "metrics.csv.orphaned-1"));
    CHECK(lines_of(read_file(dir / "metrics.csv.orphaned-1")).size() >= 2);
    const auto f = read_csv(dir / "metrics.csv");
    std::multiset<std::pair<std::string, std::int64_t>> want;
    for (std::int64_t s = 10; s <= 250; s += 10) want.emplace("trainer", s);
    want.emplace("trainer", 125);
    want.emplace("evaluator", 125);
    want.emplace("evaluator", 250);
    CHECK(steps_of(f) == want);
    CHECK(check_against_jsonl(f, dir / "metrics.jsonl") == 4);
}

TEST_CASE("csv: bad options are refused before anything is written: one line naming the option, exit 2", "[csv]") {
    fs::create_directories(root() / "a_folder");
    struct Case {
        std::string name, args, names;
    };
    const std::vector<Case> cases{
        {"every_iters_negative", "--plugin-opt csv.every_iters=-1", "csv.every_iters"},
        {"path_in_a_missing_folder", "--plugin-opt csv.path=/nonexistent/m.csv", "csv.path"},
        {"path_a_folder", "--plugin-opt csv.path=" + (root() / "a_folder").string(), "csv.path"},
        {"relative_path_with_a_folder", "--plugin-opt csv.path=sub/m.csv", "csv.path"},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        const auto r = train("bad_" + c.name, std::string(kSmall) + " --epochs 1 --plugin csv " + c.args);
        INFO(r.cmd << "\n" << r.out);
        CHECK(r.rc == 2);
        const auto errors = ignite::test::error_lines(r.out);
        REQUIRE(errors.size() == 1);
        CHECK_THAT(errors[0], Catch::Contains(c.names));
        CHECK_FALSE(fs::exists(root() / ("bad_" + c.name)));
    }
    SECTION("a command with no output folder (dry-run)") {
        const auto r = built_host("dry-run --epochs 1 --plugin csv");
        INFO(r.out);
        CHECK(r.rc == 2);
        const auto errors = ignite::test::error_lines(r.out);
        REQUIRE(errors.size() == 1);
        CHECK_THAT(errors[0], Catch::Contains("output folder"));
    }
}

TEST_CASE("csv: a write that fails (file size limit) fails the run with the file named, exit 1", "[csv]") {
    // 250 rows of about 60 bytes against a 4 KiB limit; the other default files are left out.
    const auto r = train("full",
                         "--model mlp --threads 1 --dataset synthetic:4000 --batch-size 16 --epochs 1 "
                         "--eval-every 0 --no-default-plugins --plugin csv --plugin-opt csv.every_iters=1",
                         false, {.shell_prefix = "trap '' XFSZ; ulimit -f 4"});
    INFO(r.cmd << "\n" << r.out);
    CHECK(r.rc == 1);
    const auto errors = ignite::test::error_lines(r.out);
    REQUIRE(errors.size() == 1);
    CHECK_THAT(errors[0],
               Catch::Contains((root() / "full" / "metrics.csv").string()) && Catch::Contains("File too large"));
}
