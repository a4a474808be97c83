// The tensorboard plugin and its event-file codec (issue 19 §1): files TensorBoard's own
// loader reads back with every tag, step and value of metrics.jsonl; records protobuf
// re-serializes byte for byte, both CRCs checked by an independent decoder; a file cut at
// any byte still gives every whole record; histograms as torch bins them; a resumed run
// shown once; bad options refused with one line; a write error failing the run.
// The Python side is tests/tensorboard/check_events.py, run with the venv's python.
#include "support/built_host.hpp"

#include "tags.hpp"
#include "tfevents_encoder.hpp"
#include "tfevents_histogram.hpp"
#include "tfevents_reader.hpp"
#include "tfevents_record.hpp"

#include <ignite/core/checkpoint_file.hpp>

#include <ATen/ATen.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace fs = std::filesystem;
namespace tfe = ignite::tfevents;
using ignite::test::ProcessResult;

namespace {

// 300 synthetic samples, 20% held out: 240 training samples, batch 32: 8 iterations per epoch.
const std::string kRun =
    "--model mlp --dataset synthetic:300 --batch-size 32 --device cpu --threads 1 --no-default-plugins "
    "--plugin jsonl --plugin tensorboard --lr-schedule constant --val-split 0.2 "
    "--plugin-opt tensorboard.log_every_iters=4";

ProcessResult host(const std::string& args, const ignite::test::HostRun& how = {}) {
    return ignite::test::built_host("train " + args, how);
}

// tests/tensorboard/check_events.py ARGS with the venv's python; its output (rc 0 required).
std::string check_events(const std::vector<std::string>& args) {
    std::vector<std::string> argv{IGNITE_VENV_PYTHON,
                                  std::string(IGNITE_SOURCE_DIR) + "/tests/tensorboard/check_events.py"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = ignite::test::run_process(argv, {}, true);
    INFO(r.out);
    REQUIRE(r.rc == 0);
    return r.out;
}

std::vector<fs::path> event_files(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename().string().find("tfevents") != std::string::npos) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

// tag -> step -> value, as read_scalars shows them; a step twice fails.
std::map<std::string, std::map<std::int64_t, double>> by_tag(const std::vector<tfe::ScalarPoint>& points) {
    std::map<std::string, std::map<std::int64_t, double>> out;
    for (const auto& p : points) {
        INFO(p.tag << " step " << p.step);
        CHECK(out[p.tag].count(p.step) == 0);
        out[p.tag][p.step] = p.value;
    }
    return out;
}

// A small file's bytes: the version record, scalars, a histogram, a text, a START.
std::string sample_file() {
    tfe::Encoder enc;
    std::string bytes;
    tfe::append_record(bytes, enc.version(1.5));
    tfe::append_record(bytes, enc.text(2, 0, "config/text_summary", "    {\"epochs\": 3}"));
    tfe::append_record(bytes, enc.scalar(3, 4, "training/loss", 0.25f));
    tfe::append_record(bytes, enc.scalar(4, 8, "training/loss", 0.125f));
    tfe::HistogramBuilder h;
    h.add(0.5, 3);
    tfe::append_record(bytes, enc.histogram(5, 8, "weights/fc/weight", *h.finish()));
    tfe::append_record(bytes, enc.scalar(6, 12, "training/loss", 0.0f));
    return bytes;
}

void write_file(const fs::path& p, std::string_view bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

TEST_CASE("tfevents: CRC32C is Castagnoli's and the mask TensorFlow's", "[tensorboard]") {
    CHECK(tfe::crc32c("123456789") == 0xE3069283u);
    CHECK(tfe::crc32c("") == 0u);
    const auto c = tfe::crc32c("abc");
    CHECK(tfe::masked_crc32c("abc") == static_cast<std::uint32_t>(((c >> 15) | (c << 17)) + 0xa282ead8u));
}

TEST_CASE("tfevents: a file cut at every byte still reads every whole record before the cut", "[tensorboard]") {
    const auto bytes = sample_file();
    const auto whole = tfe::whole_records(bytes);
    REQUIRE(whole.size() == 6);
    std::vector<std::size_t> ends;  // where each record ends
    std::size_t at = 0;
    for (const auto r : whole) ends.push_back(at += tfe::record_size(r.size()));
    REQUIRE(ends.back() == bytes.size());
    const auto dir = ignite::test::scratch_dir("tb_cut");
    for (std::size_t cut = 0; cut <= bytes.size(); ++cut) {
        const auto want =
            static_cast<std::size_t>(std::count_if(ends.begin(), ends.end(), [&](auto e) { return e <= cut; }));
        INFO("cut at byte " << cut);
        REQUIRE(tfe::whole_records(std::string_view(bytes).substr(0, cut)).size() == want);
        write_file(dir / "events.out.tfevents.1", std::string_view(bytes).substr(0, cut));
        // scalars are records 3, 4 and 6
        const std::size_t scalars = (want >= 3) + (want >= 4) + (want >= 6);
        REQUIRE(tfe::read_scalars(dir).size() == scalars);
    }
}

TEST_CASE("tfevents: a CRC-bad record hides the rest of its file, as TensorBoard's loader does", "[tensorboard]") {
    auto bytes = sample_file();
    const auto whole = tfe::whole_records(bytes);
    const std::size_t third = tfe::record_size(whole[0].size()) + tfe::record_size(whole[1].size());
    auto bad_data = bytes;
    bad_data[third + 14] ^= 1;  // inside record 3's data
    CHECK(tfe::whole_records(bad_data).size() == 2);
    auto bad_length = bytes;
    bad_length[third + 9] ^= 1;  // record 3's length CRC
    CHECK(tfe::whole_records(bad_length).size() == 2);
    CHECK(tfe::read_record(bad_data, third).status == tfe::RecordRead::Status::bad_data_crc);
    CHECK(tfe::read_record(bad_length, third).status == tfe::RecordRead::Status::bad_length_crc);
}

TEST_CASE("tfevents: a SessionLog START at step T drops every tag's earlier points with step >= T", "[tensorboard]") {
    const auto dir = ignite::test::scratch_dir("tb_purge");
    tfe::Encoder enc;
    std::string first, second;
    tfe::append_record(first, enc.version(1));
    for (std::int64_t step : {4, 8, 12}) {
        tfe::append_record(first, enc.scalar(2, step, "training/loss", static_cast<float>(step)));
        tfe::append_record(first, enc.scalar(2, step, "validation/loss", static_cast<float>(-step)));
    }
    tfe::append_record(second, enc.version(3));
    tfe::append_record(second, enc.session_log(3, 9, tfe::SessionStatus::start));
    tfe::append_record(second, enc.scalar(4, 12, "training/loss", 100.0f));
    write_file(dir / "events.out.tfevents.0000000001.h.1.0", first);
    write_file(dir / "events.out.tfevents.0000000002.h.2.0", second);
    write_file(dir / "notes.txt", "not an events file");
    const auto tags = by_tag(tfe::read_scalars(dir));
    CHECK(tags.at("training/loss") == std::map<std::int64_t, double>{{4, 4}, {8, 8}, {12, 100}});
    CHECK(tags.at("validation/loss") == std::map<std::int64_t, double>{{4, -4}, {8, -8}});
    CHECK(tfe::read_scalars(dir / "missing").empty());
}

TEST_CASE("tfevents: histogram bins are torch.utils.tensorboard's make_histogram", "[tensorboard]") {
    const auto torch_bins = nlohmann::json::parse(check_events({"bins"}));
    const auto& edges = tfe::default_bins();
    CHECK(edges.size() == torch_bins["edges"]["count"].get<std::size_t>());
    CHECK(edges.front() == torch_bins["edges"]["first"].get<double>());
    CHECK(edges.back() == torch_bins["edges"]["last"].get<double>());
    CHECK(edges[edges.size() / 2 + 5] == torch_bins["edges"]["middle"].get<double>());
    const std::map<std::string, std::vector<double>> cases{{"constant", std::vector<double>(7, 0.5)},
                                                           {"zeros", std::vector<double>(3, 0.0)},
                                                           {"mixed", {-2.5, -1e-13, 0.0, 3e-12, 0.1, 0.1, 7.0, 1e19}}};
    for (const auto& [name, values] : cases) {
        INFO(name);
        tfe::HistogramBuilder b;
        b.add(values.data(), values.size());
        const auto h = b.finish();
        REQUIRE(h);
        const auto& want = torch_bins[name];
        CHECK(h->bucket_limit == want["bucket_limit"].get<std::vector<double>>());
        CHECK(h->bucket == want["bucket"].get<std::vector<double>>());
        CHECK(h->min == want["min"].get<double>());
        CHECK(h->max == want["max"].get<double>());
        CHECK(h->num == want["num"].get<double>());
        CHECK(h->sum == Approx(want["sum"].get<double>()));
        CHECK(h->sum_squares == Approx(want["sum_squares"].get<double>()));
    }
    tfe::HistogramBuilder none;
    none.add(std::nan(""));
    none.add(INFINITY);
    CHECK_FALSE(none.finish());
}

TEST_CASE("tfevents: a bucket count beyond 2^24 is exact (a float would round it)", "[tensorboard]") {
    const std::uint64_t n = (std::uint64_t{1} << 24) + 1;
    tfe::HistogramBuilder b;
    b.add(0.75, n);
    b.add(-3.0);
    const auto h = b.finish();
    REQUIRE(h);
    CHECK(h->num == static_cast<double>(n + 1));
    CHECK(std::count(h->bucket.begin(), h->bucket.end(), static_cast<double>(n)) == 1);
    CHECK(static_cast<double>(static_cast<float>(n)) != static_cast<double>(n));  // why counts are doubles
}

TEST_CASE("tfevents: a constant tensor's and a 2^24+1 count's histograms load as TensorBoard histograms",
          "[tensorboard]") {
    const auto dir = ignite::test::scratch_dir("tb_histograms");
    tfe::Encoder enc;
    std::string bytes;
    tfe::append_record(bytes, enc.version(1));
    tfe::HistogramBuilder constant, large;
    constant.add(std::vector<double>(5, -0.25).data(), 5);
    large.add(0.75, (std::uint64_t{1} << 24) + 1);
    large.add(-3.0);
    tfe::append_record(bytes, enc.histogram(2, 1, "weights/constant", *constant.finish()));
    tfe::append_record(bytes, enc.histogram(2, 1, "weights/large", *large.finish()));
    write_file(dir / "events.out.tfevents.0000000001.h.1.0", bytes);
    // TensorBoard's accumulator: bucket counts sum to num (exactly: 16777218); the histogram
    // plugin's migration accepts both.
    const auto out = check_events({"histograms", dir.string(), "weights/constant", "weights/large"});
    CHECK_THAT(out, Catch::Contains("2 histogram values"));
    check_events({"decode", dir.string()});
}

TEST_CASE("tensorboard tags: engines, overrides, flattening and params", "[tensorboard]") {
    using ignite::tensorboard::engine_tags;
    using M = std::map<std::string, std::string>;
    CHECK(engine_tags({"trainer", "evaluator"}, {}) == M{{"trainer", "training"}, {"evaluator", "validation"}});
    CHECK(engine_tags({"trainer", "evaluator", "validation"}, {}) ==
          M{{"trainer", "training"}, {"evaluator", "test"}, {"validation", "validation"}});
    CHECK(engine_tags({"trainer", "evaluator"}, {"evaluator:test", "trainer:train"}) ==
          M{{"trainer", "train"}, {"evaluator", "test"}});
    CHECK_THROWS_WITH(engine_tags({"trainer"}, {"evaluator:test"}),
                      Catch::Contains("names engine 'evaluator', which this run does not have; its engines: trainer"));
    CHECK_THROWS_WITH(engine_tags({"trainer"}, {"trainer"}), Catch::Contains("is not engine:tag"));
    CHECK_THROWS_WITH(engine_tags({"trainer"}, {"trainer:"}), Catch::Contains("is not engine:tag"));
    CHECK(ignite::tensorboard::parameter_tag("weights_norm", "fc1.weight") == "weights_norm/fc1/weight");
    using F = std::vector<std::pair<std::string, std::size_t>>;
    CHECK(ignite::tensorboard::flatten_tensor("validation/cm", {2, 2}) ==
          F{{"validation/cm/0/0", 0}, {"validation/cm/0/1", 1}, {"validation/cm/1/0", 2}, {"validation/cm/1/1", 3}});
    CHECK(ignite::tensorboard::flatten_tensor("validation/precision", {3}) ==
          F{{"validation/precision/0", 0}, {"validation/precision/1", 1}, {"validation/precision/2", 2}});
    CHECK(ignite::tensorboard::flatten_tensor("validation/acc", {}) == F{{"validation/acc", 0}});
    CHECK(ignite::tensorboard::parse_params({"lr", "weight_decay"}) == std::vector<std::string>{"lr", "weight_decay"});
    CHECK_THROWS_WITH(ignite::tensorboard::parse_params({"lr", "beta"}), Catch::Contains("names 'beta'"));
    CHECK(ignite::tensorboard::purge_step(16) == 17);
}

TEST_CASE("tensorboard: TensorBoard's loader shows every tag step and value of metrics.jsonl", "[tensorboard]") {
    const auto dir = ignite::test::scratch_dir("tb_run") / "out";
    const auto r = host(kRun + " --epochs 2 --metric confusion_matrix --plugin metrics --output-dir " + dir.string());
    INFO(r.out);
    REQUIRE(r.rc == 0);
    const auto files = event_files(dir / "tb");
    REQUIRE(files.size() == 1);
    check_events({"jsonl", (dir / "tb").string(), (dir / "metrics.jsonl").string(), "4"});
    check_events({"decode", (dir / "tb").string()});
    // Our reader (the report's) sees what TensorBoard sees.
    const auto tags = by_tag(tfe::read_scalars(dir / "tb"));
    CHECK(tags.at("training/loss").size() == 4);  // iterations 4, 8, 12, 16
    CHECK(tags.at("lr/group_0") == std::map<std::int64_t, double>{{4, 0.03f}, {8, 0.03f}, {12, 0.03f}, {16, 0.03f}});
    CHECK(tags.at("validation/accuracy").size() == 2);
    CHECK(tags.at("test/loss").size() == 2);
    // A confusion matrix metric, flattened as Ignite's _flatten_dict.
    CHECK(tags.count("test/confusion_matrix/0/0") == 1);
    CHECK(tags.count("validation/confusion_matrix/9/9") == 1);
}

TEST_CASE("tensorboard: a run's file cut at every byte gives TensorBoard every whole record before the cut",
          "[tensorboard]") {
    // One short epoch: TensorBoard's loader (pure Python without TensorFlow) reads every cut.
    const auto dir = ignite::test::scratch_dir("tb_cut_run") / "out";
    const auto r = host(kRun + " --epochs 1 --output-dir " + dir.string());
    INFO(r.out);
    REQUIRE(r.rc == 0);
    const auto files = event_files(dir / "tb");
    REQUIRE(files.size() == 1);
    const auto out = check_events({"cut", files[0].string()});
    CHECK_THAT(out, Catch::Contains("ok cut"));
    // Our reader, on the same cuts.
    std::ifstream in(files[0], std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto whole = tfe::whole_records(bytes);
    std::vector<std::size_t> ends;
    std::size_t at = 0;
    for (const auto rec : whole) ends.push_back(at += tfe::record_size(rec.size()));
    REQUIRE(ends.back() == bytes.size());
    for (std::size_t cut = 0; cut <= bytes.size(); ++cut) {
        INFO("cut at byte " << cut);
        REQUIRE(tfe::whole_records(std::string_view(bytes).substr(0, cut)).size() ==
                static_cast<std::size_t>(std::count_if(ends.begin(), ends.end(), [&](auto e) { return e <= cut; })));
    }
}

TEST_CASE("tensorboard: a resumed run is shown once, its abandoned tail dropped", "[tensorboard]") {
    // The first run checkpoints at iteration 10 only and goes on to 16: steps 11..16 are the
    // tail the resumed run (from 10, to 3 epochs) replaces.
    const auto dir = ignite::test::scratch_dir("tb_resume") / "out";
    const std::string run = kRun +
                            " --plugin checkpoint --plugin-opt checkpoint.every=10 "
                            "--plugin-opt checkpoint.on_completed=false --output-dir " +
                            dir.string();
    const auto first = host(run + " --epochs 2");
    INFO(first.out);
    REQUIRE(first.rc == 0);
    const auto before = by_tag(tfe::read_scalars(dir / "tb"));
    REQUIRE(before.at("training/avg_loss").count(16) == 1);
    const auto resumed = host(run + " --epochs 3 --resume auto");
    INFO(resumed.out);
    REQUIRE(resumed.rc == 0);
    REQUIRE(event_files(dir / "tb").size() == 2);
    check_events({"jsonl", (dir / "tb").string(), (dir / "metrics.jsonl").string(), "4"});
    check_events({"decode", (dir / "tb").string()});
    const auto after = by_tag(tfe::read_scalars(dir / "tb"));                              // a step twice fails inside
    CHECK(after.at("training/loss").size() == 6);                                          // 4, 8, ..., 24
    CHECK(after.at("training/avg_loss").at(8) == before.at("training/avg_loss").at(8));    // kept
    CHECK(after.at("training/avg_loss").at(16) != before.at("training/avg_loss").at(16));  // replaced
    // The configuration text is the fresh run's only.
    std::size_t texts = 0;
    for (const auto& f : event_files(dir / "tb")) {
        std::ifstream in(f, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        for (const auto rec : tfe::whole_records(bytes)) {
            const auto ev = tfe::decode_event(rec);
            REQUIRE(ev);
            for (const auto& v : ev->values) texts += v.tag == "config/text_summary";
        }
    }
    CHECK(texts == 1);
}

TEST_CASE("tensorboard: validation_step=epoch puts evaluations on the trainer's epoch, tags renames", "[tensorboard]") {
    const auto dir = ignite::test::scratch_dir("tb_epoch") / "out";
    const auto r = host(kRun +
                        " --epochs 2 --plugin-opt tensorboard.validation_step=epoch --plugin-opt "
                        "tensorboard.tags=evaluator:holdout,trainer:train --plugin-opt tensorboard.logdir=events "
                        "--plugin-opt tensorboard.params=lr,momentum --output-dir " +
                        dir.string());
    INFO(r.out);
    REQUIRE(r.rc == 0);
    const auto tags = by_tag(tfe::read_scalars(dir / "events"));
    CHECK(tags.at("validation/loss").size() == 2);
    CHECK(tags.at("validation/loss").count(1) == 1);
    CHECK(tags.at("holdout/accuracy").count(2) == 1);
    CHECK(tags.at("train/avg_loss").count(16) == 1);
    CHECK(tags.at("momentum/group_0").at(8) == Approx(0.9));
}

TEST_CASE("tensorboard: bad options are refused with one line and exit 2", "[tensorboard]") {
    const auto dir = ignite::test::scratch_dir("tb_bad");
    fs::create_directories(dir / "ro");
    fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec);
    std::ofstream(dir / "a_file") << "x";
    const bool root = ::geteuid() == 0;  // root writes anywhere: the read-only case needs a user
    struct Case {
        std::string opts, says;
    };
    std::vector<Case> cases{
        {"--plugin-opt tensorboard.histogram_every=-1", "histogram_every"},
        {"--plugin-opt tensorboard.histograms=true --plugin-opt tensorboard.histogram_every=0", "histogram_every"},
        {"--plugin-opt tensorboard.params=lr,beta", "tensorboard.params names 'beta'"},
        {"--plugin-opt tensorboard.tags=validation:val", "names engine 'validation', which this run does not have"},
        {"--plugin-opt tensorboard.tags=evaluator", "is not engine:tag"},
        {"--plugin-opt tensorboard.validation_step=batch", "validation_step"},
        {"--plugin-opt tensorboard.log_every_iters=0", "log_every_iters"},
        {"--plugin-opt tensorboard.logdir=" + (dir / "a_file" / "tb").string(), "is a file"},
        // /proc/1 is a folder nobody may create files in, root included.
        {"--plugin-opt tensorboard.logdir=/proc/1/tb", "tensorboard.logdir '/proc/1/tb' is not writable"},
    };
    if (!root) cases.push_back({"--plugin-opt tensorboard.logdir=" + (dir / "ro" / "tb").string(), "is not writable"});
    int n = 0;
    for (const auto& c : cases) {
        const auto out = dir / ("out" + std::to_string(n++));
        const auto r = ignite::test::built_host(
            "train --model mlp --dataset synthetic:64 --device cpu --threads 1 --no-default-plugins --epochs 1 "
            "--plugin tensorboard --output-dir " +
            out.string() + " " + c.opts);
        INFO(c.opts << "\n" << r.out);
        CHECK(r.rc == 2);
        std::vector<std::string> errors;
        for (const auto& line : ignite::test::lines_of(r.out))
            if (line.find("error") != std::string::npos) errors.push_back(line);
        REQUIRE(errors.size() == 1);
        CHECK_THAT(errors[0], Catch::Contains(c.says));
    }
}

TEST_CASE("tensorboard: a failed write fails the run, naming the file", "[tensorboard]") {
    // A file size limit of 4 blocks (2 KiB with the signal ignored: write() fails with EFBIG)
    // lets the first records through and refuses the rest.
    const auto dir = ignite::test::scratch_dir("tb_full") / "out";
    const auto r = ignite::test::built_host(
        "train --model mlp --dataset synthetic:300 --batch-size 32 --device cpu --threads 1 --no-default-plugins "
        "--plugin tensorboard --plugin-opt tensorboard.log_every_iters=1 --epochs 3 --output-dir " +
            dir.string(),
        {.shell_prefix = "trap '' XFSZ; ulimit -f 4"});
    INFO(r.out);
    CHECK(r.rc == 1);
    CHECK_THAT(r.out, Catch::Contains("tensorboard: cannot write '" + (dir / "tb").string()) &&
                          Catch::Contains("File too large"));
}

TEST_CASE("tensorboard: weight and gradient norms and histograms are the trained model's", "[tensorboard]") {
    const auto dir = ignite::test::scratch_dir("tb_params") / "out";
    const auto r = host(kRun +
                        " --epochs 2 --plugin checkpoint --plugin-opt tensorboard.norms_every=4 "
                        "--plugin-opt tensorboard.histograms=true --plugin-opt tensorboard.histogram_every=2 --output-dir " +
                        dir.string());
    INFO(r.out);
    REQUIRE(r.rc == 0);
    const auto tags = by_tag(tfe::read_scalars(dir / "tb"));
    // The last norms (iteration 16) are of the weights the last checkpoint holds.
    const auto model =
        ignite::checkpoint::load(dir / "checkpoints" / "checkpoint_16.pt").toGenericDict().at("model").toGenericDict();
    std::size_t checked = 0;
    for (const auto& item : model) {
        const auto name = item.key().toStringRef();
        const auto tag = ignite::tensorboard::parameter_tag("weights_norm", name);
        INFO(tag);
        REQUIRE(tags.count(tag) == 1);
        CHECK(tags.at(tag).size() == 4);  // iterations 4, 8, 12, 16
        CHECK(tags.at(tag).at(16) == Approx(item.value().toTensor().norm().item<double>()).epsilon(1e-6));
        CHECK(tags.count(ignite::tensorboard::parameter_tag("grads_norm", name)) == 1);
        ++checked;
    }
    CHECK(checked == 4);  // fc1 and fc2, weight and bias
    // Histograms at the end of epoch 2 only, loaded by TensorBoard as histograms.
    const auto out = check_events({"histograms", (dir / "tb").string(), "weights/fc1/weight", "weights/fc2/bias",
                                   "grads/fc1/weight", "grads/fc2/bias"});
    CHECK_THAT(out, Catch::Contains("8 histogram values"));
    check_events({"decode", (dir / "tb").string()});
}

TEST_CASE("tensorboard: a fresh run written over an earlier one with --overwrite moves that one's files aside",
          "[tensorboard]") {
    const auto dir = ignite::test::scratch_dir("tb_overwrite") / "out";
    const auto first = host(kRun + " --epochs 2 --output-dir " + dir.string());
    INFO(first.out);
    REQUIRE(first.rc == 0);
    const auto earlier = event_files(dir / "tb");
    REQUIRE(earlier.size() == 1);
    const auto second = host(kRun + " --epochs 1 --seed 7 --overwrite --output-dir " + dir.string());
    INFO(second.out);
    REQUIRE(second.rc == 0);
    CHECK_THAT(second.out,
               Catch::Contains("moved 1 event file(s) of an earlier run to '" + (dir / "tb").string() + "/replaced."));
    // metrics.jsonl holds the second run alone, and so does the run folder TensorBoard reads.
    REQUIRE(event_files(dir / "tb").size() == 1);
    check_events({"jsonl", (dir / "tb").string(), (dir / "metrics.jsonl").string(), "4"});
    CHECK(by_tag(tfe::read_scalars(dir / "tb")).at("training/avg_loss").size() == 1);
    // The earlier run is whole in its subfolder (a run of its own in TensorBoard).
    std::vector<fs::path> moved;
    for (const auto& e : fs::directory_iterator(dir / "tb"))
        if (e.is_directory()) moved.push_back(e.path());
    REQUIRE(moved.size() == 1);
    CHECK(moved[0].filename().string().rfind("replaced.", 0) == 0);
    CHECK(by_tag(tfe::read_scalars(moved[0])).at("training/avg_loss").size() == 2);
}

TEST_CASE("tensorboard: a killed run leaves every record it wrote readable", "[tensorboard]") {
    // flush_secs=0: each iteration's records are written when it ends; SIGKILL after 3 s.
    const auto dir = ignite::test::scratch_dir("tb_killed") / "out";
    const auto r = ignite::test::built_host(
        "train --model mlp --dataset synthetic:20000 --batch-size 32 --device cpu --threads 1 --no-default-plugins "
        "--plugin tensorboard --plugin-opt tensorboard.log_every_iters=1 --plugin-opt tensorboard.flush_secs=0 "
        "--epochs 50 --output-dir " +
            dir.string(),
        {.launcher = {"timeout", "-s", "KILL", "3"}});
    INFO(r.out);
    REQUIRE(((!r.exited && r.signal == SIGKILL) || r.rc == 137));  // killed, not ended
    check_events({"decode-killed", (dir / "tb").string()});
    const auto tags = by_tag(tfe::read_scalars(dir / "tb"));
    REQUIRE(tags.count("training/loss") == 1);
    const auto& loss = tags.at("training/loss");
    CHECK(loss.size() > 20);
    CHECK(static_cast<std::int64_t>(loss.size()) == loss.rbegin()->first);  // 1, 2, ..., n: no hole
    CHECK(tags.at("lr/group_0").size() >= loss.size());
}
