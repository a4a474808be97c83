// Checkpoint differences from Ignite listed in README.md ("Differences") that no other test
// pinned: include_self beside a single to_save entry, and tensors saved from the CPU.
#include "support/process.hpp"

#include <ignite/core/checkpoint_file.hpp>

#include <ATen/ATen.h>
#include <catch2/catch.hpp>
#include <torch/cuda.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;

TEST_CASE("include_self with one to_save entry puts checkpointer beside it", "[checkpoint][differences]") {
    // Ignite: Checkpoint({"model": m}, include_self=True) inserts "checkpointer" into the
    // model's own state_dict, which then no longer loads with strict=True. Here the file is a
    // dict {model, checkpointer} whose model entry is exactly the module's state_dict.
    const auto dir = ignite::test::scratch_dir("ckpt_diff_self");
    ignite::test::HostRun how;
    how.plugin_path = IGNITE_PLUGIN_DIR;
    how.merge_stderr = true;
    const auto r = ignite::test::run_host(
        IGNITE_HOST_EXE,
        ignite::test::words_of("train --model mlp --dataset synthetic:300 --batch-size 32 --device cpu --threads 1 "
                               "--no-default-plugins --epochs 1 --plugin checkpoint --output-dir " +
                               (dir / "out").string() + " --plugin-opt checkpoint.dirname=" + (dir / "ck").string() +
                               " --plugin-opt checkpoint.to_save=model --plugin-opt checkpoint.include_self=true"),
        how);
    INFO(r.out);
    REQUIRE(r.rc == 0);
    std::set<std::string> files;
    for (const auto& e : fs::directory_iterator(dir / "ck")) files.insert(e.path().filename().string());
    REQUIRE(files == std::set<std::string>{"model_10.pt"});

    const auto file = ignite::checkpoint::load(dir / "ck" / "model_10.pt").toGenericDict();
    std::vector<std::string> entries;
    for (const auto& item : file) entries.push_back(item.key().toStringRef());
    CHECK(entries == std::vector<std::string>{"model", "checkpointer"});
    std::set<std::string> model_keys;
    for (const auto& item : file.at("model").toGenericDict()) {
        CHECK(item.value().isTensor());
        model_keys.insert(item.key().toStringRef());
    }
    CHECK(model_keys == std::set<std::string>{"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"});
    const auto saved = file.at("checkpointer").toGenericDict().at("_saved").toList();
    REQUIRE(saved.size() == 1);
    CHECK(saved.get(0).toList().get(1).toStringRef() == "model_10.pt");
}

TEST_CASE("a CUDA tensor is saved as a CPU tensor (runs where CUDA is)", "[checkpoint][differences][cuda]") {
    // torch.save keeps a tensor's device; our files hold CPU tensors, so a GPU run's checkpoint
    // loads on a machine without CUDA. Without CUDA there is nothing to check.
    if (!torch::cuda::is_available()) {
        WARN("no CUDA device: the CUDA-to-CPU save is not exercised here");
        return;
    }
    const auto cpu = at::arange(6, at::kFloat).reshape({2, 3});
    c10::impl::GenericDict d(c10::StringType::get(), c10::AnyType::get());
    d.insert("w", cpu.to(at::kCUDA));
    const auto back = ignite::checkpoint::decode(ignite::checkpoint::encode(d)).toGenericDict().at("w").toTensor();
    CHECK(back.device().is_cpu());
    CHECK(at::equal(back, cpu));
}
