// Runs the deterministic-dataflow examples (examples/engine/deterministic_*.cpp) and checks
// their output against Python Ignite 0.5.3 on torch 2.14.1 running the same programs.
#include "support/process.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using ignite::test::lines_of;
using ignite::test::run_process;

TEST_CASE("deterministic_resume prints Ignite's batches and the resumed run repeats epoch 2",
          "[examples][deterministic]") {
    const auto r = run_process({DETERMINISTIC_RESUME_EXE});
    REQUIRE(r.exited);
    REQUIRE(r.rc == 0);
    const std::vector<std::string> epoch2 = {"train 2 6 [5, 15, 6, 1]", "train 2 7 [27, 9, 8, 23]",
                                             "train 2 8 [20, 24, 12, 0]", "train 2 9 [37, 7, 4, 19]",
                                             "train 2 10 [33, 10, 26, 34]"};
    std::vector<std::string> want = {"Original Run",
                                     "train 1 1 [2, 17, 35, 32]",
                                     "train 1 2 [30, 13, 38, 11]",
                                     "train 1 3 [21, 16, 25, 29]",
                                     "train 1 4 [22, 3, 18, 31]",
                                     "train 1 5 [28, 39, 36, 14]"};
    want.insert(want.end(), epoch2.begin(), epoch2.end());
    want.emplace_back("Resumed Run");
    want.insert(want.end(), epoch2.begin(), epoch2.end());
    CHECK(lines_of(r.out) == want);
}

TEST_CASE("deterministic_keep_random_state: the wrapped handler keeps the dataflow", "[examples][deterministic]") {
    const auto r = run_process({DETERMINISTIC_KEEP_RANDOM_STATE_EXE});
    REQUIRE(r.exited);
    REQUIRE(r.rc == 0);
    const auto lines = lines_of(r.out);
    REQUIRE(lines.size() == 32u);
    // Without: from iteration 4 the batches cycle 3, 22, 77 (the docs' example, torch 2.14.1).
    CHECK(lines[4] == "train 1 4 [3]");
    CHECK(lines[5] == "train 1 5 [22]");
    CHECK(lines[6] == "train 2 6 [77]");
    CHECK(lines[7] == "train 2 7 [3]");
    // With: Ignite's keep_random_state batches.
    CHECK(lines[16] == "With keep_random_state");
    CHECK(lines[20] == "train 1 4 [61]");
    CHECK(lines[21] == "train 1 5 [67]");
    CHECK(lines[31] == "train 3 15 [0]");
}
