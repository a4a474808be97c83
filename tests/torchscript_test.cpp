// ignite-host train --model FILE.pt trains a TorchScript module through its parameters.
// The module is scripted here with LibTorch's C++ API (no Python needed).
#include "support/process.hpp"

#include <torch/script.h>

// LibTorch headers first: c10's logging defines CHECK, which catch.hpp must override.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>

TEST_CASE("train --model FILE.pt trains a TorchScript module", "[train][torchscript]") {
    const auto dir = ignite::test::scratch_dir("ignite_torchscript_test");
    const auto model_path = (dir / "linear.pt").string();
    {
        torch::jit::Module m("LinearClassifier");
        m.register_parameter("w", torch::zeros({28 * 28, 10}), false);
        m.register_parameter("b", torch::zeros({10}), false);
        m.define(R"(
def forward(self, x):
    return x.flatten(1).matmul(self.w) + self.b
)");
        m.save(model_path);
    }
    const auto out = dir / "out";
    const auto r =
        ignite::test::run_host(IGNITE_HOST_EXE,
                               {"train", "--no-default-plugins", "--plugin", "jsonl", "--model", model_path, "--dataset", "synthetic:600",
                                "--epochs", "2", "--batch-size", "32", "--lr", "0.05", "--output-dir", out.string()},
                               {.merge_stderr = true});
    INFO(r.out);
    REQUIRE(r.rc == 0);
    CHECK_THAT(r.out, Catch::Contains("torchscript " + model_path + " (7850 parameters)"));
    double accuracy = 0;
    for (const auto& j : ignite::test::read_jsonl(out / "metrics.jsonl")) {
        if (j["split"] == "test") accuracy = j["accuracy"];
    }
    CHECK(accuracy > 0.5);  // 10 classes: chance is 0.1; starting from zero weights it must learn

    // A file that is not TorchScript: one line, exit 2.
    { std::ofstream(dir / "bad.pt") << "not a model"; }
    const auto bad = ignite::test::run_host(
        IGNITE_HOST_EXE,
        {"train", "--no-default-plugins", "--model", (dir / "bad.pt").string(), "--dataset", "synthetic:100"},
        {.merge_stderr = true});
    CHECK(bad.rc == 2);
    CHECK_THAT(bad.out, Catch::Contains("is not a loadable TorchScript file"));
}
