// The run page (plugins/report, issue 19 §3) as a user meets it: the smoothing TensorBoard
// shows, the page model (every chart's data-points), real `ignite-host train --plugin report`
// runs (crashed, killed, resumed), `ignite-host report DIR` for runs made without the plugin,
// bad folders, and the page as Debian's chromium renders it headless.
//
// The browser test exits with kSkip (CTest's SKIP_RETURN_CODE for this executable, set in
// tests/CMakeLists.txt) when chromium is not installed: reported as skipped, never as passed.
#include "support/built_host.hpp"

#include <tfevents_reader.hpp>
#include "support/process.hpp"

#include <live_run.hpp>
#include <page.hpp>
#include <run_data_json.hpp>
#include <run_folder.hpp>
#include <smoothing.hpp>

#include <catch2/catch.hpp>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace ignite_report;
using ignite::test::read_file;
using ignite::test::read_jsonl;

namespace {

constexpr int kSkip = 77;

// data-chart -> data-points of every chart on a page, in page order (a name may repeat:
// one confusion matrix per split).
std::vector<std::pair<std::string, std::int64_t>> charts_of(const std::string& html) {
    static const std::regex chart(R"re(data-chart="([^"]+)" data-points="(\d+)")re");
    std::vector<std::pair<std::string, std::int64_t>> out;
    for (std::sregex_iterator it(html.begin(), html.end(), chart), end; it != end; ++it)
        out.emplace_back((*it)[1].str(), std::stoll((*it)[2].str()));
    return out;
}

std::int64_t points_of(const std::string& html, const std::string& chart) {
    std::int64_t n = -1;
    for (const auto& [name, points] : charts_of(html))
        if (name == chart) n = n < 0 ? points : n + points;
    return n;
}

std::set<std::string> chart_names(const std::string& html) {
    std::set<std::string> out;
    for (const auto& [name, points] : charts_of(html)) out.insert(name);
    return out;
}

// What metrics.jsonl says each chart must hold: per-iteration points come from the run
// (`iterations`, 0 when only the file is read: then one point per train line instead).
std::map<std::string, std::int64_t> expected_points(const fs::path& metrics, std::int64_t iterations,
                                                    std::int64_t lr_groups) {
    std::map<std::string, std::int64_t> n;
    std::int64_t train = 0, eval_loss = 0, throughput = 0, lr_lines = 0;
    for (const auto& line : read_jsonl(metrics)) {
        const auto split = line["split"].get<std::string>();
        if (split == "train") {
            ++train;
            throughput += line["samples_per_second"].is_number() ? 1 : 0;
            lr_lines += line["lr"].is_number() ? 1 : 0;
        }
        if (split != "val" && split != "test") continue;
        for (const auto& [key, value] : line.items()) {
            if (key == "loss" && value.is_number()) ++eval_loss;
            if (key == "confusion_matrix") continue;
            if (key != "split" && key != "epoch" && key != "iteration" && key != "loss" && value.is_number())
                ++n["metric-" + key];
        }
    }
    n["loss"] = (iterations > 0 ? iterations : train) + eval_loss;
    n["lr"] = iterations > 0 ? iterations * lr_groups : lr_lines;
    n["throughput"] = throughput;
    return n;
}

ignite::test::ProcessResult host(const std::string& args) { return ignite::test::built_host(args); }

// The rows (besides the header) of the page's table data-table="NAME", and their text.
std::vector<std::string> table_rows(const std::string& html, const std::string& name) {
    std::vector<std::string> rows;
    const auto start = html.find("data-table=\"" + name + "\"");
    if (start == std::string::npos) return rows;
    const auto end = html.find("</table>", start);
    const std::string table = html.substr(start, end - start);
    static const std::regex row("<tr><td.*?</tr>");
    for (std::sregex_iterator it(table.begin(), table.end(), row), e; it != e; ++it) rows.push_back(it->str());
    return rows;
}

// The browser: IGNITE_CHROMIUM when set (a path; one that does not exist means none, to see
// the skip), else Debian's.
std::string chromium() {
    if (const char* forced = std::getenv("IGNITE_CHROMIUM")) return fs::exists(forced) ? forced : "";
    for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"})
        if (fs::exists(p)) return p;
    return "";
}

// The PNG's pixels (8-bit RGB or RGBA, non-interlaced: what chromium writes) as RGB triples.
struct Image {
    std::uint32_t width = 0, height = 0;
    std::vector<std::uint32_t> rgb;
};

Image decode_png(const std::string& bytes) {
    Image img;
    auto be32 = [&](std::size_t at) {
        return (std::uint32_t(std::uint8_t(bytes[at])) << 24) | (std::uint32_t(std::uint8_t(bytes[at + 1])) << 16) |
               (std::uint32_t(std::uint8_t(bytes[at + 2])) << 8) | std::uint32_t(std::uint8_t(bytes[at + 3]));
    };
    REQUIRE(bytes.size() > 8);
    REQUIRE(bytes.compare(1, 3, "PNG") == 0);
    std::string idat;
    int channels = 0;
    for (std::size_t at = 8; at + 8 <= bytes.size();) {
        const auto len = be32(at);
        const std::string type = bytes.substr(at + 4, 4);
        if (type == "IHDR") {
            img.width = be32(at + 8);
            img.height = be32(at + 12);
            REQUIRE(int(bytes[at + 16]) == 8);  // bit depth
            const int colour = bytes[at + 17];
            REQUIRE((colour == 2 || colour == 6));
            channels = colour == 2 ? 3 : 4;
            REQUIRE(int(bytes[at + 20]) == 0);  // not interlaced
        } else if (type == "IDAT") {
            idat += bytes.substr(at + 8, len);
        }
        at += 12 + len;
    }
    const std::size_t stride = std::size_t(img.width) * channels;
    std::vector<unsigned char> raw((stride + 1) * img.height);
    uLongf raw_len = raw.size();
    REQUIRE(uncompress(raw.data(), &raw_len, reinterpret_cast<const Bytef*>(idat.data()), idat.size()) == Z_OK);
    std::vector<unsigned char> prev(stride, 0), cur(stride);
    for (std::uint32_t y = 0; y < img.height; ++y) {
        const unsigned char* line = raw.data() + y * (stride + 1);
        const int filter = line[0];
        for (std::size_t x = 0; x < stride; ++x) {
            const int a = x >= std::size_t(channels) ? cur[x - channels] : 0, b = prev[x],
                      c = x >= std::size_t(channels) ? prev[x - channels] : 0;
            int pred = 0;
            if (filter == 1)
                pred = a;
            else if (filter == 2)
                pred = b;
            else if (filter == 3)
                pred = (a + b) / 2;
            else if (filter == 4) {
                const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
                pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
            }
            cur[x] = static_cast<unsigned char>(line[1 + x] + pred);
        }
        for (std::uint32_t x = 0; x < img.width; ++x) {
            const auto* p = cur.data() + std::size_t(x) * channels;
            img.rgb.push_back((std::uint32_t(p[0]) << 16) | (std::uint32_t(p[1]) << 8) | p[2]);
        }
        prev = cur;
    }
    return img;
}

// A hand-made run: 100 iterations (one loss not finite), 2 lr groups, 3 epochs with val and
// test, a 3-class confusion matrix, 2 saves and a resume.
RunData sample_run() {
    RunData run;
    run.facts.outcome = "completed";
    run.facts.output_dir = "/runs/<demo>";
    for (int i = 1; i <= 100; ++i) run.loss.add(i, i == 50 ? kMissing : 2.0 / i);
    run.lr = {{"lr/group_0", 1, {}}, {"lr/group_1", 1, {}}};
    for (int i = 1; i <= 100; ++i) {
        run.lr[0].add(i, 0.1);
        run.lr[1].add(i, 0.01);
    }
    for (int e = 1; e <= 3; ++e) {
        auto& t = run.row("train", e, e * 33);
        t.set("avg_loss", 1.0 / e);
        t.set("epoch_seconds", 2.5);
        t.set("samples_per_second", 1000.0 * e);
        auto& v = run.row("val", e, e * 33);
        v.set("accuracy", e == 2 ? 0.9 : 0.8);
        v.set("loss", 0.5 / e);
        auto& s = run.row("test", e, e * 33);
        s.set("accuracy", 0.7 + 0.01 * e);
        s.set("loss", 0.6 / e);
    }
    run.set_matrix({"val", "confusion_matrix", 3, {{5, 1, 0}, {0, 6, 2}, {1, 0, 9}}});
    run.checkpoints = {{33, 1, "checkpoints/checkpoint_33.pt", 0}, {66, 2, "checkpoints/checkpoint_66.pt", 1}};
    run.resumes = {{2, 66, "checkpoints/checkpoint_66.pt", 0}};
    return run;
}

}  // namespace

TEST_CASE("report: the loss is smoothed exactly as TensorBoard smooths it: a debiased EMA of weight 0.6", "[report]") {
    // Hand-computed: last = 0.4 y1 = 0.4 -> 0.4 / (1 - 0.6) = 1; last = 0.24 + 0.8 = 1.04 ->
    // 1.04 / 0.64 = 1.625; last = 0.624 + 1.2 = 1.824 -> 1.824 / 0.784.
    const auto s = tensorboard_smooth({1, 2, 3});
    REQUIRE(s.size() == 3);
    CHECK(s[0] == Approx(1.0));
    CHECK(s[1] == Approx(1.625));
    CHECK(s[2] == Approx(1.824 / 0.784));
    // A non-finite point passes through and does not advance the average: 0.24 + 1.2 = 1.44 -> 1.44 / 0.64.
    const auto gap = tensorboard_smooth({1, NAN, 3, INFINITY});
    CHECK(gap[0] == Approx(1.0));
    CHECK(std::isnan(gap[1]));
    CHECK(gap[2] == Approx(2.25));
    CHECK(std::isinf(gap[3]));
    // A constant series is not smoothed; weight 0 is the raw series.
    CHECK(tensorboard_smooth({5, 5, 5}) == std::vector<double>{5, 5, 5});
    CHECK(tensorboard_smooth({3, 1, 4}, 0.0) == std::vector<double>{3, 1, 4});
    CHECK(tensorboard_smooth({}).empty());
}

TEST_CASE("report: a per-iteration series keeps every k-th iteration and doubles k past 4096 points", "[report]") {
    IterationSeries s;
    for (std::int64_t i = 1; i <= 10000; ++i) s.add(i, double(i));
    CHECK(s.stride == 4);  // 10000 > 4096 at stride 1, 5000 > 4096 at stride 2
    CHECK(s.points.size() == 2500);
    for (const auto& p : s.points) CHECK(std::int64_t(p.x) % 4 == 0);
    // A run resumed at iteration 6000 replaces what came after it.
    s.add(6000, -1);
    CHECK(s.points.back().x == 6000);
    CHECK(s.points.back().y == -1);
    CHECK(s.points.size() == 1500);
}

TEST_CASE("report: the page draws every chart with the points of its data", "[report]") {
    const std::string html = render_page(sample_run());
    // loss: 99 finite raw points + 3 val + 3 test loss points (the smoothed copy is not counted)
    CHECK(points_of(html, "loss") == 99 + 3 + 3);
    CHECK(points_of(html, "metric-accuracy") == 6);
    CHECK(points_of(html, "lr") == 200);
    CHECK(points_of(html, "throughput") == 3);
    CHECK(points_of(html, "confusion-matrix") == 9);
    CHECK(points_of(html, "timeline") == 3);
    CHECK(chart_names(html) ==
          std::set<std::string>{"loss", "metric-accuracy", "lr", "throughput", "confusion-matrix", "timeline"});
    // The best validation accuracy is ringed and named in the header.
    CHECK_THAT(html, Catch::Contains("best 0.9 (epoch 2)"));
    CHECK_THAT(html, Catch::Contains("<b>0.9</b> at epoch 2"));
    // Per-class precision / recall / F1 of class 1: 6/7, 6/8, 2*(6/7*6/8)/(6/7+6/8).
    CHECK_THAT(html, Catch::Contains("<td>1</td><td>8</td><td>0.857</td><td>0.75</td><td>0.8</td>"));
    // Self-contained and escaped: no script, no external resource, the folder name as text.
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("src=") == std::string::npos);
    CHECK(html.find("href=") == std::string::npos);
    CHECK_THAT(html, Catch::Contains("/runs/&lt;demo&gt;"));
    CHECK(html.find("<demo>") == std::string::npos);
}

TEST_CASE("report: TensorBoard's per-iteration scalars replace the per-epoch loss and lr of a run folder", "[report]") {
    RunData run;
    run.row("train", 1, 10).set("avg_loss", 1.0);
    run.row("train", 2, 20).set("avg_loss", 0.5);
    run.row("test", 2, 20).set("loss", 0.7);
    CHECK(points_of(render_page(run), "loss") == 2 + 1);  // the epoch means, then the test loss
    std::vector<Point> loss, lr;
    for (int i = 1; i <= 20; ++i) {
        loss.push_back({double(i), 1.0 / i});
        lr.push_back({double(i), 0.1});
    }
    add_scalar_series(run, "training/loss", loss);
    add_scalar_series(run, "lr/group_1", lr);
    add_scalar_series(run, "validation/accuracy", lr);  // not a per-iteration view: ignored
    const std::string html = render_page(run);
    CHECK(points_of(html, "loss") == 20 + 1);
    CHECK(points_of(html, "lr") == 20);  // group_1's; group_0 has none
    REQUIRE(run.lr.size() == 2);
    CHECK(run.lr[0].tag == "lr/group_0");
}

TEST_CASE("report: a long run's page stays small: 4096 points per series at most", "[report]") {
    RunData run;
    for (std::int64_t i = 1; i <= 200000; ++i) run.loss.add(i, 1.0 / double(i));
    run.lr = {{"lr/group_0", 1, {}}};
    for (std::int64_t i = 1; i <= 200000; ++i) run.lr[0].add(i, 0.1);
    for (int e = 1; e <= 200; ++e) {
        run.row("train", e, e * 1000).set("avg_loss", 1.0 / e);
        run.row("val", e, e * 1000).set("accuracy", 0.5);
    }
    const std::string html = render_page(run);
    CHECK(points_of(html, "loss") <= 4096);
    CHECK(points_of(html, "loss") > 2048);
    CHECK(html.size() < 2'000'000);
    CHECK(to_json_text(run).size() < 400'000);  // the plugin's checkpoint state
}

TEST_CASE("report: a page without data says so instead of drawing empty axes", "[report]") {
    const std::string html = render_page(RunData{});
    CHECK(points_of(html, "loss") == 0);
    CHECK_THAT(html, Catch::Contains("no data yet"));
    CHECK_THAT(html, Catch::Contains("No evaluation yet"));
}

TEST_CASE("report: the plugin's checkpoint state gives back the same page", "[report]") {
    const RunData run = sample_run();
    const RunData back = from_json_text(to_json_text(run));
    RunData facts_only = back;
    facts_only.facts = run.facts;
    CHECK(render_page(facts_only) == render_page(run));
    CHECK_THROWS_WITH(from_json_text("{\"version\":2}"), Catch::Contains("not what this plugin saves"));
}

TEST_CASE("report: engines map to metrics.jsonl's splits and the configuration gives the run's facts", "[report]") {
    CHECK(split_of_engine("trainer") == "train");
    CHECK(split_of_engine("validation") == "val");
    CHECK(split_of_engine("evaluator") == "test");
    CHECK(split_of_engine("other") == "other");
    RunFacts f;
    read_run_config(f, R"({"epochs":2,"plugin":["report","checkpoint"],"plugin_opt":["checkpoint.n_saved=2",)"
                       R"("checkpoint.every=0"],"seed":7,"device":"cpu","amp":false,"output_dir":"a b"})");
    CHECK(f.seed == "7");
    CHECK(f.device == "cpu");
    CHECK(f.command_line ==
          "ignite-host train --epochs 2 --plugin report --plugin checkpoint --plugin-opt checkpoint.n_saved=2 "
          "--plugin-opt checkpoint.every=0 --seed 7 --device cpu --output-dir 'a b'");
    CHECK(f.command_line_rebuilt);
    RunFacts typed;
    read_run_config(typed, R"({"epochs":2,"command_line":"ignite-host train --epochs 2"})");
    CHECK(typed.command_line == "ignite-host train --epochs 2");
    CHECK_FALSE(typed.command_line_rebuilt);
    REQUIRE(f.plugins.size() == 2);
    CHECK(f.plugins[1] == std::pair<std::string, std::string>{"checkpoint", "n_saved=2, every=0"});
    set_ended(f, 2, "trainer");
    CHECK(f.outcome == "terminated");
    CHECK(f.who == "the user");
    set_ended(f, 0, "trainer");
    CHECK(f.outcome == "completed");
}

TEST_CASE("report: a run with the plugin leaves a page whose charts hold what metrics.jsonl says", "[report]") {
    const auto dir = ignite::test::scratch_dir("report_run") / "out";
    fs::remove_all(dir);
    // 600 synthetic samples, 20% held out: 480 train, batch 32 -> 15 iterations per epoch.
    const auto r = host(
        "train --model mlp --dataset synthetic:600 --val-split 0.2 --epochs 3 --batch-size 32 "
        "--eval-every 1 --threads 1 --device cpu --output-dir " +
        dir.string() +
        " --plugin report --plugin metrics --metric confusion_matrix --plugin checkpoint "
        "--plugin-opt checkpoint.n_saved=2");
    INFO(r.out);
    REQUIRE(r.rc == 0);
    const std::string html = read_file(dir / "report.html");
    for (const auto& [chart, n] : expected_points(dir / "metrics.jsonl", 45, 1)) {
        INFO(chart);
        CHECK(points_of(html, chart) == n);
    }
    CHECK(points_of(html, "confusion-matrix") == 2 * 100);  // val and test, 10 x 10
    CHECK(points_of(html, "timeline") == 3);                // saved at iterations 15, 30, 45
    // The header: the command as typed, and every participant, the defaults no option names too.
    CHECK_THAT(html, Catch::Contains("ignite-host train --model mlp --dataset synthetic:600 --val-split 0.2"));
    for (const auto* participant : {"progress", "jsonl", "tensorboard", "csv", "report", "metrics", "checkpoint"}) {
        INFO(participant);
        CHECK_THAT(html, Catch::Contains(std::string("<code>") + participant + "</code>"));
    }
    CHECK_THAT(html, Catch::Contains("<code>checkpoints/checkpoint_15.pt</code></td><td class=\"l\">no longer"));
    CHECK_THAT(html, Catch::Contains("<code>checkpoints/checkpoint_45.pt</code></td><td class=\"l\">yes"));
    CHECK_THAT(html, Catch::Contains("completed"));
    CHECK_THAT(html, Catch::Contains("(of 3 epochs planned)"));
    CHECK_THAT(html, Catch::Contains(kPluginGenerator));
    for (const auto& e : fs::directory_iterator(dir))  // no temporary of the durable writes left
        CHECK(e.path().filename().string().rfind(".report.html", 0) != 0);

    SECTION("ignite-host report DIR refuses to replace the plugin's page, and writes elsewhere with --output") {
        const auto again = host("report " + dir.string());
        CHECK(again.rc == 2);
        CHECK_THAT(again.out, Catch::Contains("written by the report plugin during the run"));
        CHECK(read_file(dir / "report.html") == html);
        const auto other = host("report " + dir.string() + " --output " + (dir / "from_file.html").string());
        INFO(other.out);
        CHECK(other.rc == 0);
        CHECK(chart_names(read_file(dir / "from_file.html")) == chart_names(html));
    }
}

TEST_CASE("report: ignite-host report DIR draws the same charts for a run made without the plugin", "[report]") {
    const auto dir = ignite::test::scratch_dir("report_folder") / "out";
    fs::remove_all(dir);
    const auto r = host(
        "train --no-default-plugins --plugin jsonl --model mlp --dataset synthetic:600 --val-split 0.2 --epochs 2 "
        "--batch-size 32 "
        "--eval-every 1 --threads 1 --device cpu --output-dir " +
        dir.string() + " --plugin metrics --metric confusion_matrix --plugin checkpoint");
    INFO(r.out);
    REQUIRE(r.rc == 0);
    REQUIRE_FALSE(fs::exists(dir / "report.html"));
    const auto made = host("report " + dir.string());
    INFO(made.out);
    REQUIRE(made.rc == 0);
    CHECK_THAT(made.out, Catch::Contains("wrote " + (dir / "report.html").string()));
    const std::string html = read_file(dir / "report.html");
    CHECK(chart_names(html) ==
          std::set<std::string>{"loss", "metric-accuracy", "lr", "throughput", "confusion-matrix", "timeline"});
    for (const auto& [chart, n] : expected_points(dir / "metrics.jsonl", 0, 1)) {
        INFO(chart);
        CHECK(points_of(html, chart) == n);
    }
    CHECK(points_of(html, "timeline") == 1);  // n_saved=1: the last file is there
    CHECK_THAT(html, Catch::Contains("checkpoints/checkpoint_30.pt"));
    // Its own page it replaces freely.
    CHECK(host("report " + dir.string()).rc == 0);
}

TEST_CASE("report: ignite-host report DIR takes the per-iteration loss and lr from the run's TensorBoard files", "[report]") {
    const auto dir = ignite::test::scratch_dir("report_tb") / "out";
    fs::remove_all(dir);
    const auto r = host(
        "train --no-default-plugins --plugin jsonl --plugin tensorboard --plugin-opt tensorboard.log_every_iters=1 "
        "--model mlp --dataset synthetic:320 --epochs 2 --batch-size 32 --threads 1 --device cpu --output-dir " +
        dir.string());
    INFO(r.out);
    REQUIRE(r.rc == 0);
    std::int64_t losses = 0, lrs = 0;
    for (const auto& p : ignite::tfevents::read_scalars(dir / "tb")) {
        losses += p.tag == "training/loss";
        lrs += p.tag == "lr/group_0";
    }
    REQUIRE(losses > 2);  // more than metrics.jsonl's one line per epoch
    const auto made = host("report " + dir.string());
    INFO(made.out);
    REQUIRE(made.rc == 0);
    const std::string html = read_file(dir / "report.html");
    CHECK(points_of(html, "loss") == losses + 2);  // every iteration's loss, then the test loss of each epoch
    CHECK(points_of(html, "lr") == lrs);
}

TEST_CASE("report: a resumed run's page shows the whole history", "[report]") {
    const auto dir = ignite::test::scratch_dir("report_resume") / "out";
    fs::remove_all(dir);
    const std::string args =
        "train --model mlp --dataset synthetic:320 --epochs {} --batch-size 32 --eval-every 1 "
        "--lr-schedule constant --threads 1 --device cpu --plugin report --plugin checkpoint "
        "--output-dir " +
        dir.string();
    auto first = host(std::regex_replace(args, std::regex("\\{\\}"), "2"));
    INFO(first.out);
    REQUIRE(first.rc == 0);
    auto second = host(std::regex_replace(args, std::regex("\\{\\}"), "4") + " --resume auto");
    INFO(second.out);
    REQUIRE(second.rc == 0);
    const std::string html = read_file(dir / "report.html");
    for (const auto& [chart, n] : expected_points(dir / "metrics.jsonl", 40, 1)) {
        INFO(chart);
        CHECK(points_of(html, chart) == n);
    }
    CHECK(points_of(html, "timeline") == 4 + 1);  // saved after each of 4 epochs, resumed once
    CHECK_THAT(html, Catch::Contains("Resumed (1 time)"));
    CHECK(html.find("resumed</text>") < html.find("data-chart=\"metric-"));  // marked on the loss chart too
    CHECK_THAT(html, Catch::Contains("at epoch 2 iteration 20"));
}

TEST_CASE("report: a run killed mid-epoch 2 still has the page of epoch 1", "[report]") {
    const auto dir = ignite::test::scratch_dir("report_kill") / "out";
    fs::remove_all(dir);
    // 4000 samples of a CNN on one thread: seconds per epoch, so the kill lands in epoch 2.
    const auto cmd = ignite::test::host_command(
        IGNITE_HOST_EXE,
        ignite::test::words_of("train --model cnn --dataset synthetic:4000 --batch-size 32 --epochs 3 --eval-every 0 "
                               "--threads 1 --device cpu --plugin report --output-dir " +
                               dir.string()),
        {.plugin_path = IGNITE_PLUGIN_DIR});
    const auto page = (dir / "report.html").string();
    const auto r = ignite::test::run_process(
        {"/bin/sh", "-c",
         "(" + cmd + ") > /dev/null 2>&1 & p=$!; n=0; while ! grep -qs 'written after epoch 1' " + page +
             " && [ $n -lt 6000 ]; do sleep 0.01; n=$((n+1)); done; kill -KILL $p; wait $p; echo rc=$?"});
    CHECK(r.out == "rc=137\n");
    const auto lines = read_jsonl(dir / "metrics.jsonl");
    REQUIRE(lines.size() == 1);  // epoch 1's line only: killed in epoch 2
    const std::string html = read_file(dir / "report.html");
    CHECK_THAT(html, Catch::Contains("in progress"));
    CHECK(points_of(html, "loss") == 125);  // every iteration of epoch 1
    CHECK(points_of(html, "throughput") == 1);
    CHECK_THAT(html, Catch::Contains("</html>"));
}

TEST_CASE("report: a run that fails still has a page that says why", "[report]") {
    const auto dir = ignite::test::scratch_dir("report_failed") / "out";
    fs::remove_all(dir);
    // 15 iterations per epoch; the fixture's handler fails at iteration 20, in epoch 2.
    const auto r = host(
        "train --model mlp --dataset synthetic:480 --epochs 3 --batch-size 32 --eval-every 0 "
        "--threads 1 --device cpu --plugin report --plugin " HANDLERFAIL_PLUGIN
        " --plugin-opt handlerfail.at=20 --output-dir " +
        dir.string());
    INFO(r.out);
    REQUIRE(r.rc == 1);
    const std::string html = read_file(dir / "report.html");
    CHECK_THAT(html, Catch::Contains("badge failed"));
    CHECK_THAT(html, Catch::Contains("handler gave up at 20"));
    CHECK(points_of(html, "throughput") == 1);  // epoch 1's row
    CHECK(points_of(html, "loss") == 20);       // and every iteration until the failure
}

TEST_CASE("report: a run stopped by SIGINT says the user stopped it", "[report]") {
    const auto dir = ignite::test::scratch_dir("report_sigint") / "out";
    fs::remove_all(dir);
    const auto cmd = ignite::test::host_command(
        IGNITE_HOST_EXE,
        ignite::test::words_of("train --model cnn --dataset synthetic:4000 --batch-size 32 --epochs 3 --eval-every 0 "
                               "--threads 1 --device cpu --plugin report --output-dir " +
                               dir.string()),
        {.plugin_path = IGNITE_PLUGIN_DIR});
    const auto page = (dir / "report.html").string();
    const auto r = ignite::test::run_process(
        {"/bin/sh", "-c",
         "(" + cmd + ") > /dev/null 2>&1 & p=$!; n=0; while ! grep -qs 'written after epoch 1' " + page +
             " && [ $n -lt 6000 ]; do sleep 0.01; n=$((n+1)); done; kill -INT $p; wait $p; echo rc=$?"});
    CHECK(r.out == "rc=130\n");
    const std::string html = read_file(dir / "report.html");
    CHECK_THAT(html, Catch::Contains("badge terminated"));
    CHECK_THAT(html, Catch::Contains("stop signal (SIGINT/SIGTERM)"));
    CHECK_THAT(html, Catch::Contains("<td>Stopped by</td><td>the user</td>"));
}

TEST_CASE("report: a page that cannot be written fails the run with one line naming it", "[report]") {
    const auto dir = ignite::test::scratch_dir("report_unwritable") / "out";
    fs::remove_all(dir);
    fs::create_directories(dir / "report.html");  // a folder where the page goes
    const auto r = host(
        "train --model mlp --dataset synthetic:64 --epochs 1 --threads 1 --device cpu --overwrite "
        "--plugin report --output-dir " +
        dir.string());
    INFO(r.out);
    CHECK(r.rc == 1);
    CHECK_THAT(r.out, Catch::Contains("plugin 'report' failed"));
    CHECK_THAT(r.out, Catch::Contains("report.html"));
}

TEST_CASE("report: a run without an output folder refuses the plugin at start with one line", "[report]") {
    const auto r = host("dry-run --epochs 1 --epoch-length 3 --plugin report");
    INFO(r.out);
    CHECK(r.rc == 2);
    const auto errors = ignite::test::error_lines(r.out);
    REQUIRE(errors.size() == 1);
    CHECK_THAT(errors[0], Catch::Contains("this run has no output folder"));
    CHECK_THAT(errors[0], Catch::Contains("use it with ignite-host train"));
}

TEST_CASE("report: a bad DIR gets one line naming the file and exit 2", "[report]") {
    const auto dir = ignite::test::scratch_dir("report_bad");
    fs::create_directories(dir / "empty");
    fs::create_directories(dir / "cut");
    std::ofstream(dir / "cut" / "metrics.jsonl")
        << "{\"split\":\"train\",\"epoch\":1,\"iteration\":3}\n{\"split\":\"tr\n";
    fs::create_directories(dir / "keys");
    std::ofstream(dir / "keys" / "metrics.jsonl") << "{\"epoch\":1}\n";
    struct Case {
        std::string args, message;
    };
    for (const auto& c : std::vector<Case>{
             {"report " + (dir / "missing").string(), "is not a folder"},
             {"report " + (dir / "empty").string(), "holds no metrics.jsonl"},
             {"report " + (dir / "cut").string(), (dir / "cut" / "metrics.jsonl").string() + "' line 2"},
             {"report " + (dir / "keys").string(), "line 1 is not a metrics line"},
             {"report", "report needs a DIR"},
             {"report a b", "report takes one DIR"},
             {"report " + (dir / "empty").string() + " --bogus", "unknown option '--bogus'"},
         }) {
        const auto r = host(c.args);
        INFO(r.out);
        CHECK(r.rc == 2);
        const auto errors = ignite::test::error_lines(r.out);
        REQUIRE(errors.size() == 1);
        CHECK_THAT(errors[0], Catch::Contains(c.message));
    }
    CHECK_FALSE(fs::exists(dir / "empty" / "report.html"));
}

TEST_CASE("report: the page and ignite-host report DIR show where time goes from the host's profile", "[report]") {
    const auto dir = ignite::test::scratch_dir("report_profile") / "out";
    fs::remove_all(dir);
    const auto r = host(
        "train --model mlp --dataset synthetic:400 --epochs 2 --batch-size 40 --threads 1 --device cpu --output-dir " +
        dir.string());
    INFO(r.out);
    REQUIRE(r.rc == 0);
    // The live page: the profile as the host handed it at the end's loggers ("so far").
    const std::string live = read_file(dir / "report.html");
    CHECK_THAT(live, Catch::Contains("<h2>Where time goes</h2>") && Catch::Contains("so far"));
    const auto live_rows = table_rows(live, "profile");
    CHECK(live_rows.size() > 10);
    for (const auto* who : {"progress", "jsonl", "tensorboard", "csv", "report", "lr_schedule", "data loading",
                            "processing"}) {
        INFO(who);
        CHECK(std::any_of(live_rows.begin(), live_rows.end(), [&](const std::string& row) {
            return row.find(std::string("<td class=\"l\">") + who + "</td>") != std::string::npos;
        }));
    }
    CHECK(table_rows(live, "profile-split").size() == 2);  // trainer, evaluator
    // From the folder: profile.json, the whole run; its outcome and wall time are the header's.
    const auto made = host("report " + dir.string() + " --output " + (dir / "offline.html").string());
    INFO(made.out);
    REQUIRE(made.rc == 0);
    const std::string offline = read_file(dir / "offline.html");
    CHECK_THAT(offline, !Catch::Contains("so far"));
    CHECK_THAT(offline, Catch::Contains("badge completed"));
    const auto rows = table_rows(offline, "profile");
    CHECK(rows.size() >= live_rows.size());
    // Trainer's processing: 10 iterations per epoch, 20 calls.
    CHECK(std::any_of(rows.begin(), rows.end(), [](const std::string& row) {
        return row.find("<td class=\"l\">trainer</td><td class=\"l\">processing</td>") != std::string::npos &&
               row.find("<td>20</td>") != std::string::npos;
    }));
    SECTION("a profile.json that cannot be read leaves the page without the table and says why") {
        std::ofstream(dir / "profile.json") << "{\"version\": 7}";
        const auto again = host("report " + dir.string() + " --output " + (dir / "bad.html").string());
        CHECK(again.rc == 0);
        const std::string html = read_file(dir / "bad.html");
        CHECK(table_rows(html, "profile").empty());
        CHECK_THAT(html, Catch::Contains("profile.json&#39; could not be read") ||
                             Catch::Contains("profile.json' could not be read"));
    }
    SECTION("a folder without profile.json says it has none") {
        fs::remove(dir / "profile.json");
        REQUIRE(host("report " + dir.string() + " --output " + (dir / "none.html").string()).rc == 0);
        CHECK_THAT(read_file(dir / "none.html"), Catch::Contains("has no profile.json"));
    }
}

TEST_CASE("report: chromium renders the page of a short run with no console error and every chart and not blank",
          "[report][browser]") {
    const std::string browser = chromium();
    if (browser.empty()) {
        std::cout << "SKIP: chromium is not installed (apt-get install chromium); the page was not rendered\n";
        std::exit(kSkip);
    }
    const auto scratch = ignite::test::scratch_dir("report_browser");
    const auto dir = scratch / "out";
    fs::remove_all(dir);
    const auto r = host(
        "train --model mlp --dataset synthetic:600 --val-split 0.2 --epochs 3 --batch-size 32 "
        "--eval-every 1 --threads 1 --device cpu --output-dir " +
        dir.string() + " --plugin report --plugin metrics --metric confusion_matrix --plugin checkpoint");
    INFO(r.out);
    REQUIRE(r.rc == 0);
    const std::string url = "file://" + (dir / "report.html").string();
    const auto browse = [&](const std::string& what, const fs::path& profile) {
        return ignite::test::run_process({"timeout", "120", browser, "--headless", "--no-sandbox", "--disable-gpu",
                                          "--user-data-dir=" + profile.string(), "--enable-logging=stderr", "--v=0",
                                          "--window-size=1280,2400", what, url});
    };
    // The check for console errors is a real one: a page that logs an error is caught.
    {
        std::ofstream(scratch / "bad.html") << "<!DOCTYPE html><html><body><script>console.error('broken chart')"
                                               "</script></body></html>";
        const auto bad =
            ignite::test::run_process({"timeout", "120", browser, "--headless", "--no-sandbox", "--disable-gpu",
                                       "--user-data-dir=" + (scratch / "p0").string(), "--enable-logging=stderr",
                                       "--v=0", "--dump-dom", "file://" + (scratch / "bad.html").string()});
        CHECK_THAT(bad.err, Catch::Contains("CONSOLE"));
    }
    const auto dom = browse("--dump-dom", scratch / "p1");
    INFO(dom.err);
    REQUIRE(dom.rc == 0);
    CHECK(dom.err.find("CONSOLE") == std::string::npos);
    // The DOM the browser built holds every chart with the points metrics.jsonl says.
    for (const auto& [chart, n] : expected_points(dir / "metrics.jsonl", 45, 1)) {
        INFO(chart);
        CHECK(points_of(dom.out, chart) == n);
    }
    CHECK(points_of(dom.out, "confusion-matrix") == 200);
    CHECK(table_rows(dom.out, "profile").size() > 10);  // where time goes, as the browser built it
    const auto png = scratch / "page.png";
    fs::remove(png);
    const auto shot = browse("--screenshot=" + png.string(), scratch / "p2");
    INFO(shot.err);
    REQUIRE(shot.rc == 0);
    CHECK(shot.err.find("CONSOLE") == std::string::npos);
    const Image img = decode_png(read_file(png));
    CHECK(img.width == 1280);
    CHECK(img.height == 2400);
    std::set<std::uint32_t> colours(img.rgb.begin(), img.rgb.end());
    std::size_t ink = 0;
    for (const auto p : img.rgb) ink += p != 0xffffff ? 1 : 0;
    CHECK(colours.size() > 50);            // text, lines in several colours, the heat map's shades
    CHECK(ink > img.rgb.size() / 50);      // more than 2% of the page is not white
    CHECK(ink < img.rgb.size() * 9 / 10);  // and it is not one colour (a crash page, a black frame)
}
