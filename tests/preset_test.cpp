// `--preset common` (issue 20 §8): Ignite's setup_common_training_handlers as one flag.
//  - dry-run --preset common prints every participant and option the preset loads;
//  - train --preset common loads them: checkpoints named training_checkpoint_N.pt (Ignite's
//    filename_prefix="training") every 1000 iterations and at the end, the NaN guard, the
//    schedule; a --plugin-opt wins over the preset's value;
//  - an unknown preset is one line naming the presets there are, exit 2.
#include "support/built_host.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

// 300 synthetic samples, batch 32: 10 iterations per epoch.
const std::string kSmall = "--model mlp --dataset synthetic:300 --batch-size 32 --device cpu --threads 1 ";

fs::path fresh_dir(const std::string& name) {
    const auto d = ignite::test::scratch_dir("preset_test") / name;
    fs::remove_all(d);
    return d;
}

// The iterations N of the files training_checkpoint_N.pt in `dir`, sorted.
std::vector<std::int64_t> training_checkpoints(const fs::path& dir) {
    std::vector<std::int64_t> out;
    const std::regex name(R"(training_checkpoint_(\d+)\.pt)");
    for (const auto& e : fs::directory_iterator(dir)) {
        std::smatch m;
        const auto file = e.path().filename().string();
        if (std::regex_match(file, m, name)) out.push_back(std::stoll(m[1]));
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE("dry-run --preset common prints what the preset loads", "[preset]") {
    const auto r = ignite::test::built_host("dry-run --epochs 1 --epoch-length 2 --preset common");
    INFO(r.cmd << "\n" << r.out);
    REQUIRE(r.rc == 0);
    for (const char* line : {"preset common:", "--plugin terminate_on_nan", "--plugin lr_schedule",
                             "--plugin checkpoint checkpoint.every=1000 checkpoint.filename_prefix=training",
                             "--plugin progress", "--plugin empty_cuda_cache"}) {
        CHECK(r.out.find(line) != std::string::npos);
    }
}

TEST_CASE("train --preset common checkpoints as Ignite's common setup does and the command line wins", "[preset]") {
    const auto dir = fresh_dir("common");
    auto r = ignite::test::built_host("train " + kSmall + "--epochs 2 --eval-every 0 --no-default-plugins --preset common "
                                      "--output-dir " + dir.string());
    INFO(r.cmd << "\n" << r.out);
    REQUIRE(r.rc == 0);
    // 20 iterations, fewer than save_every_iters=1000: the final state is saved at COMPLETED.
    CHECK(training_checkpoints(dir / "checkpoints") == std::vector<std::int64_t>{20});
    // The run's participants, as profile.json lists them: the preset's, none of the defaults.
    std::ifstream in(dir / "profile.json");
    const auto profile = nlohmann::json::parse(in);
    std::set<std::string> loaded;
    for (const auto& p : profile["participants"]) loaded.insert(p.get<std::string>());
    CHECK(loaded == std::set<std::string>{"terminate_on_nan", "lr_schedule", "checkpoint", "progress", "empty_cuda_cache"});

    const auto dir2 = fresh_dir("every5");
    r = ignite::test::built_host("train " + kSmall + "--epochs 2 --eval-every 0 --no-default-plugins --preset common "
                                 "--plugin-opt checkpoint.every=5 --plugin-opt checkpoint.n_saved=0 --output-dir " +
                                 dir2.string());
    INFO(r.out);
    REQUIRE(r.rc == 0);
    CHECK(training_checkpoints(dir2 / "checkpoints") == std::vector<std::int64_t>{5, 10, 15, 20});
}

TEST_CASE("an unknown preset is one line naming the presets and exit 2", "[preset]") {
    for (const char* cmd : {"train --preset fancy", "dry-run --preset fancy"}) {
        const auto r = ignite::test::built_host(cmd);
        INFO(r.cmd << "\n" << r.out);
        CHECK(r.rc == 2);
        CHECK(r.out.find("unknown --preset 'fancy': use common") != std::string::npos);
        CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
    }
}
