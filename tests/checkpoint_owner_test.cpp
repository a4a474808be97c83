// The checkpoint folder has an owner (issue 17): what a run may do to checkpoints and results
// it did not write. Each case as a user meets it: the exit code, one line naming the thing,
// the earlier files byte-identical (or only appended to), every checkpoint left on disk
// verifying and loading in Python with torch.load(weights_only=True).
#include "support/built_host.hpp"

#include <ignite/core/checkpoint_file.hpp>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace fs = std::filesystem;
using ignite::test::ProcessResult;
using ignite::test::read_file;

namespace {

// 300 synthetic samples, batch 32: 10 iterations per epoch; a constant lr, so a resumed run
// may ask for more epochs.
const std::string kSmall =
    "--model mlp --dataset synthetic:300 --batch-size 32 --device cpu --threads 1 --no-default-plugins "
    "--lr-schedule constant --plugin jsonl --plugin checkpoint";

ProcessResult host(const std::string& args, const fs::path& cwd = {}) {
    return ignite::test::built_host("train " + args, {.cwd = cwd});
}

// Every file of `dir` with its bytes: "byte-identical" is a comparison of two of these.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out[e.path().filename().string()] = read_file(e.path());
    return out;
}

std::set<std::string> names_in(const fs::path& dir) {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
    return out;
}

// The lines of `text` that report an error (the one clear line a refusal gives).
int error_lines(const std::string& text) {
    int n = 0;
    for (const auto& line : ignite::test::lines_of(text)) n += line.find("error") != std::string::npos;
    return n;
}

// Every checkpoint file in `dir` (given as names) verifies in core and loads in Python's
// torch.load(weights_only=True).
void check_all_load(const fs::path& dir, const std::set<std::string>& names) {
    std::vector<std::string> argv{IGNITE_VENV_PYTHON, "-c",
                                  "import sys, torch\n"
                                  "for f in sys.argv[1:]: torch.load(f, weights_only=True)\n"
                                  "print('loaded', len(sys.argv) - 1)"};
    for (const auto& name : names) {
        INFO(name);
        CHECK_NOTHROW(ignite::checkpoint::load(dir / name));
        argv.push_back((dir / name).string());
    }
    const auto py = ignite::test::run_process(argv, {}, true);
    INFO(py.out);
    CHECK(py.rc == 0);
    CHECK(py.out == "loaded " + std::to_string(names.size()) + "\n");
}

}  // namespace

TEST_CASE("the default checkpoint folder lies inside --output-dir: a later run never touches an earlier one's",
          "[checkpoint_owner]") {
    const auto dir = ignite::test::scratch_dir("owner_default");
    auto r = host(kSmall + " --epochs 2 --seed 1 --output-dir run1", dir);
    INFO(r.out);
    REQUIRE(r.rc == 0);
    CHECK(names_in(dir / "run1" / "checkpoints") == std::set<std::string>{"checkpoint_20.pt"});
    CHECK_FALSE(fs::exists(dir / "checkpoints"));
    const auto first = snapshot(dir / "run1" / "checkpoints");
    // Another seed, same working folder: its own folder, the first run's files byte-identical.
    r = host(kSmall + " --epochs 1 --seed 2 --output-dir run2", dir);
    INFO(r.out);
    REQUIRE(r.rc == 0);
    CHECK(snapshot(dir / "run1" / "checkpoints") == first);
    CHECK(names_in(dir / "run2" / "checkpoints") == std::set<std::string>{"checkpoint_10.pt"});
    check_all_load(dir / "run1" / "checkpoints", {"checkpoint_20.pt"});
    // --resume auto looks in the run's own folder.
    r = host(kSmall + " --epochs 3 --seed 1 --output-dir run1 --resume auto", dir);
    INFO(r.out);
    REQUIRE(r.rc == 0);
    CHECK_THAT(r.out, Catch::Contains("resuming from '" + (fs::path("run1") / "checkpoints" / "checkpoint_20.pt").string()));
    CHECK(names_in(dir / "run1" / "checkpoints") == std::set<std::string>{"checkpoint_30.pt"});
}

TEST_CASE("a checkpoint folder another run holds is refused at start, exit 2, nothing touched",
          "[checkpoint_owner]") {
    const auto dir = ignite::test::scratch_dir("owner_locked");
    const auto ck = dir / "shared_ck";
    fs::create_directories(ck);
    std::ofstream(ck / "notes.txt") << "mine";
    // The lock a running ignite-host holds on an absolute dirname outside its --output-dir.
    const int fd = ::open(ck.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
    const auto r = host(kSmall + " --epochs 1 --output-dir " + (dir / "out").string() +
                        " --plugin-opt checkpoint.dirname=" + ck.string());
    ::close(fd);
    INFO(r.out);
    CHECK(r.rc == 2);
    CHECK(error_lines(r.out) == 1);
    CHECK_THAT(r.out, Catch::Contains("checkpoint.dirname '" + ck.string() + "' is in use by another ignite-host run"));
    CHECK(names_in(ck) == std::set<std::string>{"notes.txt"});
    CHECK_FALSE(fs::exists(dir / "out"));
    // Once the other run is over, the folder is free.
    const auto again = host(kSmall + " --epochs 1 --output-dir " + (dir / "out").string() +
                            " --plugin-opt checkpoint.dirname=" + ck.string());
    INFO(again.out);
    CHECK(again.rc == 0);
    CHECK(names_in(ck) == std::set<std::string>{"notes.txt", "checkpoint_10.pt"});
}

TEST_CASE("a new run refuses a folder holding another run's checkpoints, resuming that run adopts them",
          "[checkpoint_owner]") {
    const auto dir = ignite::test::scratch_dir("owner_foreign");
    const auto ck = " --plugin-opt checkpoint.dirname=" + (dir / "ck").string();
    auto r = host(kSmall + " --epochs 2 --seed 1 --output-dir " + (dir / "a").string() + ck);
    INFO(r.out);
    REQUIRE(r.rc == 0);
    const auto before = snapshot(dir / "ck");
    r = host(kSmall + " --epochs 2 --seed 2 --output-dir " + (dir / "b").string() + ck);
    INFO(r.out);
    CHECK(r.rc == 2);
    CHECK(error_lines(r.out) == 1);
    CHECK_THAT(r.out, Catch::Contains("holds 1 checkpoint(s) of another run (checkpoint_20.pt)") &&
                          Catch::Contains("--resume auto"));
    CHECK(snapshot(dir / "ck") == before);
    CHECK_FALSE(fs::exists(dir / "b"));
    // The run that wrote them resumes and rotates them, as its own.
    r = host(kSmall + " --epochs 3 --seed 1 --resume auto --output-dir " + (dir / "a").string() + ck);
    INFO(r.out);
    REQUIRE(r.rc == 0);
    CHECK(names_in(dir / "ck") == std::set<std::string>{"checkpoint_30.pt"});
    check_all_load(dir / "ck", {"checkpoint_30.pt"});
}

TEST_CASE("a corrupt file named like a checkpoint is left alone with one warning and never outranks a save",
          "[checkpoint_owner]") {
    const auto dir = ignite::test::scratch_dir("owner_corrupt");
    fs::create_directories(dir / "ck");
    std::ofstream(dir / "ck" / "checkpoint_800.pt") << "junk, not a checkpoint";
    const auto junk = read_file(dir / "ck" / "checkpoint_800.pt");
    const auto r = host(kSmall + " --epochs 2 --output-dir " + (dir / "out").string() +
                        " --plugin-opt checkpoint.dirname=" + (dir / "ck").string());
    INFO(r.out);
    REQUIRE(r.rc == 0);
    CHECK_THAT(r.out, Catch::Contains("ignoring a file named like a checkpoint") &&
                          Catch::Contains("checkpoint_800.pt"));
    CHECK(names_in(dir / "ck") == std::set<std::string>{"checkpoint_800.pt", "checkpoint_20.pt"});
    CHECK(read_file(dir / "ck" / "checkpoint_800.pt") == junk);
    check_all_load(dir / "ck", {"checkpoint_20.pt"});
}

TEST_CASE("resume auto finds the files of the plugin's own filename_pattern, whatever they end in",
          "[checkpoint_owner]") {
    const auto dir = ignite::test::scratch_dir("owner_pattern");
    const auto common = kSmall + " --output-dir " + (dir / "out").string() +
                        " --plugin-opt checkpoint.filename_pattern={name}_{global_step}.pth";
    auto r = host(common + " --epochs 1");
    INFO(r.out);
    REQUIRE(r.rc == 0);
    CHECK(names_in(dir / "out" / "checkpoints") == std::set<std::string>{"checkpoint_10.pth"});
    r = host(common + " --epochs 2 --resume auto");
    INFO(r.out);
    REQUIRE(r.rc == 0);
    CHECK_THAT(r.out, Catch::Contains("checkpoint_10.pth' at epoch 1, iteration 10"));
    CHECK(names_in(dir / "out" / "checkpoints") == std::set<std::string>{"checkpoint_20.pth"});
}

TEST_CASE("checkpoint options that cannot work are refused at start: exit 2, one line, no folder taken",
          "[checkpoint_owner]") {
    const auto dir = ignite::test::scratch_dir("owner_refused");
    std::ofstream(dir / "a_file") << "a regular file";
    const struct {
        const char* options;
        const char* message;
    } cases[] = {
        {"--plugin-opt checkpoint.score_name=f1", "checkpoint.score_name 'f1' is not a metric of the evaluator"},
        {"--plugin-opt checkpoint.score_name=accuracy --eval-every 0",
         "checkpoint.score_name needs the evaluator, which never runs"},
        {"--plugin-opt checkpoint.filename_pattern=..", "makes the name '..', which is not a file name"},
        {"--plugin-opt checkpoint.filename_pattern=.{name}_{global_step}", "makes hidden names"},
        {"--plugin-opt checkpoint.filename_prefix=a/b", "makes names with '/'"},
        {"--plugin-opt checkpoint.dirname=A_FILE/ck", "is a file; choose another dirname"},
    };
    for (const auto& c : cases) {
        std::string options = c.options;
        if (const auto at = options.find("A_FILE"); at != std::string::npos)
            options.replace(at, 6, (dir / "a_file").string());
        INFO(options);
        const auto r = host(kSmall + " --epochs 3 --output-dir " + (dir / "out").string() + " " + options);
        INFO(r.out);
        CHECK(r.rc == 2);
        CHECK(error_lines(r.out) == 1);
        CHECK_THAT(r.out, Catch::Contains(c.message));
        CHECK_THAT(r.out, !Catch::Contains("epoch 1"));  // refused before any training
        CHECK_FALSE(fs::exists(dir / "out"));
    }
}

TEST_CASE("a run whose last iteration is not a multiple of every still leaves its final state", "[checkpoint_owner]") {
    const auto dir = ignite::test::scratch_dir("owner_final");
    auto r = host(kSmall + " --epochs 1 --output-dir " + (dir / "out").string() +
                  " --plugin-opt checkpoint.every=3 --plugin-opt checkpoint.n_saved=0");
    INFO(r.out);
    REQUIRE(r.rc == 0);
    CHECK(names_in(dir / "out" / "checkpoints") ==
          std::set<std::string>{"checkpoint_3.pt", "checkpoint_6.pt", "checkpoint_9.pt", "checkpoint_10.pt"});
    check_all_load(dir / "out" / "checkpoints", names_in(dir / "out" / "checkpoints"));
    // Ignite's behaviour, on request: only every 3.
    r = host(kSmall + " --epochs 1 --output-dir " + (dir / "ignite").string() +
             " --plugin-opt checkpoint.every=3 --plugin-opt checkpoint.n_saved=0 --plugin-opt "
             "checkpoint.on_completed=false");
    INFO(r.out);
    REQUIRE(r.rc == 0);
    CHECK(names_in(dir / "ignite" / "checkpoints") ==
          std::set<std::string>{"checkpoint_3.pt", "checkpoint_6.pt", "checkpoint_9.pt"});
}

TEST_CASE("a resume from an older checkpoint marks the resume, and each step is in metrics.jsonl once",
          "[checkpoint_owner]") {
    const auto dir = ignite::test::scratch_dir("owner_marker");
    const auto common = kSmall + " --output-dir " + (dir / "out").string() + " --plugin-opt checkpoint.n_saved=0";
    auto r = host(common + " --epochs 3");
    INFO(r.out);
    REQUIRE(r.rc == 0);
    const auto metrics = dir / "out" / "metrics.jsonl";
    const auto first = ignite::test::read_jsonl(metrics);
    REQUIRE(first.size() == 6);  // train + test lines of 3 epochs
    // Back to the end of epoch 1, on to epoch 3 again.
    const auto older = dir / "out" / "checkpoints" / "checkpoint_10.pt";
    r = host(common + " --epochs 3 --resume " + older.string());
    INFO(r.out);
    REQUIRE(r.rc == 0);
    CHECK_THAT(r.out, Catch::Contains("4 line(s) of metrics.jsonl after iteration 10"));
    const auto lines = ignite::test::read_jsonl(metrics);
    std::vector<std::string> steps;
    for (const auto& j : lines) steps.push_back(j["split"].get<std::string>() + std::to_string(j["epoch"].get<int>()));
    CHECK(steps == std::vector<std::string>{"train1", "test1", "resume1", "train2", "test2", "train3", "test3"});
    CHECK(lines[2]["iteration"] == 10);
    CHECK(lines[2]["checkpoint"] == older.string());
    CHECK(lines[2]["superseded"] == 4);
    // The first two lines are the first run's, byte for byte; the moved ones are kept aside.
    CHECK(ignite::test::read_jsonl(dir / "out" / "metrics.superseded.jsonl") ==
          std::vector<nlohmann::json>(first.begin() + 2, first.end()));
    CHECK(lines[0] == first[0]);
    CHECK(lines[1] == first[1]);
    // Resuming from the newest checkpoint moves nothing: the file is only appended to.
    const auto before = read_file(metrics);
    r = host(common + " --epochs 4 --resume auto");
    INFO(r.out);
    REQUIRE(r.rc == 0);
    const auto after = read_file(metrics);
    CHECK(after.substr(0, before.size()) == before);
    CHECK(ignite::test::read_jsonl(metrics).size() == 7 + 3);  // a marker, train4, test4
}
