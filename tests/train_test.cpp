// ignite-host train as a user runs it: it learns on real data, writes metrics.jsonl, and
// refuses bad input with one line, exit code 2 and nothing written.
#include "support/built_host.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <torch/cuda.h>
#include <zlib.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace fs = std::filesystem;

namespace {

using ignite::test::built_host;

fs::path scratch(const std::string& name) {
    auto dir = fs::temp_directory_path() / ("ignite_train_test_" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

void put_u32(std::vector<unsigned char>& v, std::uint32_t x) {
    for (int s = 24; s >= 0; s -= 8) v.push_back(static_cast<unsigned char>(x >> s));
}

// Writes a tiny MNIST-format folder: n images of side x side, gzip-compressed.
void write_idx_folder(const fs::path& dir, std::uint32_t n, std::uint32_t side) {
    for (const char* split : {"train", "t10k"}) {
        std::vector<unsigned char> images, labels;
        put_u32(images, 0x803);
        put_u32(images, n);
        put_u32(images, side);
        put_u32(images, side);
        for (std::uint32_t i = 0; i < n * side * side; ++i) images.push_back(static_cast<unsigned char>(i * 7));
        put_u32(labels, 0x801);
        put_u32(labels, n);
        for (std::uint32_t i = 0; i < n; ++i) labels.push_back(static_cast<unsigned char>(i % 10));
        for (const auto& [name, bytes] : {std::pair{std::string(split) + "-images-idx3-ubyte.gz", &images},
                                          std::pair{std::string(split) + "-labels-idx1-ubyte.gz", &labels}}) {
            gzFile f = gzopen((dir / name).c_str(), "wb");
            REQUIRE(f != nullptr);
            gzwrite(f, bytes->data(), static_cast<unsigned>(bytes->size()));
            gzclose(f);
        }
    }
}

void check_refused(const std::string& args, const std::string& expected_words, const fs::path& out_dir) {
    INFO("ignite-host train " << args);
    const auto r = built_host("train --no-default-plugins " + args + " --output-dir " + out_dir.string());
    CHECK(r.rc == 2);
    CHECK_THAT(r.out, Catch::Contains("ignite-host: error: ") && Catch::Contains(expected_words));
    CHECK_FALSE(fs::exists(out_dir));  // nothing half-written left behind
}

}  // namespace

TEST_CASE("train learns Fashion-MNIST from a few hundred iterations", "[train]") {
    const auto out = scratch("learn") / "out";
    const auto r = built_host(
        "train --model mlp --limit 6000 --epochs 2 --batch-size 32 --seed 1 --threads 2 --output-dir " + out.string());
    INFO(r.out);
    REQUIRE(r.rc == 0);
    const auto lines = ignite::test::read_jsonl(out / "metrics.jsonl");
    REQUIRE(lines.size() == 4);  // train + test per epoch
    CHECK(lines[0]["split"] == "train");
    CHECK(lines[0]["iteration"] == 188);  // ceil(6000 / 32)
    CHECK(lines[1]["split"] == "test");
    const double accuracy = lines[3]["accuracy"];
    CHECK(accuracy >= 0.75);
    CHECK(lines[3]["loss"].get<double>() < lines[0]["avg_loss"].get<double>() + 1e-9);
    CHECK_THAT(r.out, Catch::Contains("test accuracy"));
    CHECK_THAT(r.out, Catch::Contains("threads=2"));  // thread configuration logged
}

TEST_CASE("train loads plugins next to its metrics", "[train]") {
    const auto out = scratch("plugins") / "out";
    const auto r = built_host(
        "train --model mlp --dataset synthetic:400 --epochs 1 --batch-size 50 --plugin console "
        "--plugin-opt console.every=4 --output-dir " +
        out.string());
    INFO(r.out);
    REQUIRE(r.rc == 0);
    CHECK_THAT(r.out, Catch::Contains("[trainer] epoch 1/1 iteration 8"));
    CHECK_THAT(r.out, Catch::Contains("accuracy="));  // the evaluator's metrics reach the console plugin
}

TEST_CASE("train anneals the learning rate by cosine unless --lr-schedule constant", "[train]") {
    // synthetic:400 has 400 training images: 10 batches of 40 per epoch, 20 iterations.
    const auto base = scratch("lr");
    const auto cosine = built_host(
        "train --no-default-plugins --plugin jsonl --model mlp --dataset synthetic:400 --epochs 2 --batch-size 40 "
        "--lr 0.02 --eval-every 0 --output-dir " +
        (base / "cosine").string());
    INFO(cosine.out);
    REQUIRE(cosine.rc == 0);
    const auto lines = ignite::test::read_jsonl(base / "cosine" / "metrics.jsonl");
    REQUIRE(lines.size() == 2);
    REQUIRE(lines[1]["iteration"] == 20);
    // The last iteration of epoch e ran with event_index 10e - 1 of a 20-event half cosine.
    for (int e = 1; e <= 2; ++e) {
        const double expected = 0.02 * (1 + std::cos(M_PI * (10 * e - 1) / 20.0)) / 2;
        CHECK(lines[static_cast<std::size_t>(e - 1)]["lr"].get<double>() == Approx(expected).epsilon(1e-5));
    }
    const auto constant = built_host(
        "train --no-default-plugins --plugin jsonl --model mlp --dataset synthetic:400 --epochs 2 --batch-size 40 "
        "--lr 0.02 --lr-schedule constant --eval-every 0 --output-dir " +
        (base / "constant").string());
    REQUIRE(constant.rc == 0);
    for (const auto& line : ignite::test::read_jsonl(base / "constant" / "metrics.jsonl")) CHECK(line["lr"] == 0.02);
}

TEST_CASE("train: the lr_schedule component takes Ignite's options, and --lr-schedule cosine loads it", "[train]") {
    // 20 iterations as above; a cycle of 10 restarts the schedule at each epoch.
    const auto base = scratch("lr_options");
    const std::string common =
        "train --no-default-plugins --plugin jsonl --model mlp --dataset synthetic:400 --epochs 2 --batch-size 40 --lr 0.02 "
        "--eval-every 0 --output-dir ";
    const auto r = built_host(common + (base / "cycles").string() +
                              " --plugin-opt lr_schedule.end_value=0.005 --plugin-opt lr_schedule.cycle_size=10");
    INFO(r.out);
    REQUIRE(r.rc == 0);
    const auto lines = ignite::test::read_jsonl(base / "cycles" / "metrics.jsonl");
    REQUIRE(lines.size() == 2);
    // The last iteration of each epoch ran with event_index 9 of a 10-event half cosine.
    const double expected = 0.005 + (0.02 - 0.005) * (1 + std::cos(M_PI * 9 / 10.0)) / 2;
    for (const auto& line : lines) CHECK(line["lr"].get<double>() == Approx(expected).epsilon(1e-5));
    // start_value gives the start instead of --lr; naming the component again changes nothing.
    const auto named = built_host(common + (base / "named").string() +
                                  " --plugin lr_schedule --plugin-opt lr_schedule.start_value=0.04");
    INFO(named.out);
    REQUIRE(named.rc == 0);
    const auto first = ignite::test::read_jsonl(base / "named" / "metrics.jsonl").at(0);
    CHECK(first["lr"].get<double>() == Approx(0.04 * (1 + std::cos(M_PI * 9 / 20.0)) / 2).epsilon(1e-5));
    // The options are the component's, checked before anything is written.
    const auto out = base / "never";
    check_refused("--lr-schedule constant --plugin lr_schedule",
                  "--plugin lr_schedule loads the cosine schedule that --lr-schedule constant leaves out", out);
    check_refused("--lr-schedule constant --plugin-opt lr_schedule.end_value=0.1",
                  "--plugin-opt lr_schedule.end_value=0.1 sets the cosine schedule, which --lr-schedule constant "
                  "leaves out",
                  out);
    check_refused("--plugin-opt lr_schedule.cycle_size=1", "lr_schedule.cycle_size 1: a cosine cycle needs at least 2",
                  out);
    check_refused("--plugin-opt lr_schedule.param_name=betas", "param_name", out);
}

TEST_CASE("train refuses bad input with one line, exit 2 and no output", "[train][errors]") {
    const auto dir = scratch("bad");
    const auto out = dir / "never";
    check_refused("--dataset mnist:" + (dir / "missing").string(), "does not exist", out);
    check_refused("--dataset imagenet", "unknown --dataset 'imagenet'", out);
    check_refused("--model resnet", "unknown --model 'resnet'", out);
    check_refused("--model " + (dir / "not_a_model.pt").string(), "unknown --model", out);
    check_refused("--epochs 0", "--epochs must be > 0", out);
    check_refused("--lr -0.1", "--lr must be > 0", out);
    check_refused("--batch-size many", "batch-size", out);
    check_refused("--momentum 1.5", "--momentum must be in [0, 1)", out);
    check_refused("--optimizer lbfgs", "unknown --optimizer 'lbfgs'", out);
    check_refused("--lr-schedule step", "unknown --lr-schedule 'step': use cosine or constant", out);
    check_refused("--device tpu", "--device 'tpu'", out);
    check_refused("--plugin nosuch", "plugin 'nosuch' not found", out);

    // Corrupt and mismatched dataset files.
    const auto corrupt = dir / "corrupt";
    fs::create_directories(corrupt);
    write_idx_folder(corrupt, 20, 28);
    { std::ofstream(corrupt / "train-images-idx3-ubyte.gz", std::ios::trunc) << "this is not gzip nor idx"; }
    check_refused("--dataset mnist:" + corrupt.string(), "is not an IDX image file", out);
    const auto truncated = dir / "truncated";
    fs::create_directories(truncated);
    write_idx_folder(truncated, 20, 28);
    fs::resize_file(truncated / "t10k-images-idx3-ubyte.gz", 40);
    check_refused("--dataset mnist:" + truncated.string(), "t10k-images", out);

    // Wrong image size for the built-in models.
    const auto big = dir / "big";
    fs::create_directories(big);
    write_idx_folder(big, 20, 32);
    check_refused("--dataset mnist:" + big.string() + " --model mlp", "takes 28x28 images but the dataset has 32x32",
                  out);
}

TEST_CASE("train --device names a CUDA device this machine lacks in one clear line", "[train][errors]") {
    // Whether CUDA exists is LibTorch's answer in this process, not the output under test:
    // without CUDA, `cuda` is refused as unavailable; with it, the device one past the last.
    const bool has_cuda = torch::cuda::is_available();
    const std::string device = has_cuda ? "cuda:" + std::to_string(torch::cuda::device_count()) : "cuda";
    const auto dir = scratch("cuda") / "never";
    const auto r = built_host("train --no-default-plugins --device " + device +
                              " --dataset synthetic:100 --output-dir " + dir.string());
    INFO(r.out);
    CHECK(r.rc == 2);
    const std::string expected =
        has_cuda ? fmt::format("--device {}: only {} CUDA device(s) are visible", device, torch::cuda::device_count())
                 : "--device cuda: CUDA is not available";
    CHECK_THAT(r.out, Catch::Contains("ignite-host: error: " + expected));
    CHECK_FALSE(fs::exists(dir));
}
