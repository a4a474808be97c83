// What a finished run says about its files (host/src/train/run_files.hpp): each file of the
// output folder with how to open it, and the one command that starts TensorBoard on its logs.
#include "train/run_files.hpp"

#include "support/process.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>

namespace fs = std::filesystem;
using ignite::host::list_run_files;
using ignite::host::run_file_lines;
using ignite::host::RunFile;

TEST_CASE("run files: each file is listed with its size and how to read it, folders with a slash") {
    const auto lines = run_file_lines("/out/run-1",
                                      {RunFile{.name = "report.html", .bytes = 48'210},
                                       RunFile{.name = "metrics.jsonl", .bytes = 812},
                                       RunFile{.name = "tb", .folder = true, .has_tfevents = true},
                                       RunFile{.name = "notes.txt", .bytes = 3}},
                                      "tensorboard");
    REQUIRE(lines.size() == 5);
    CHECK(lines[0] == "files in /out/run-1:");
    CHECK(lines[1] ==
          "  metrics.jsonl     812 B  metrics per epoch, one JSON object per line: pandas.read_json(path, lines=True)");
    CHECK(lines[2] == "  notes.txt           3 B");  // a file nobody described: listed plainly
    CHECK(lines[3] == "  report.html     48.2 kB  the run as a page: open file:///out/run-1/report.html in a browser");
    CHECK(lines[4] == "  tb/                      TensorBoard: tensorboard --logdir /out/run-1/tb");
}

TEST_CASE("run files: the host's profile.json is listed with where to read about it") {
    const auto lines = run_file_lines("/o", {RunFile{.name = "profile.json", .bytes = 6'400}}, "tb");
    REQUIRE(lines.size() == 2);
    CHECK(lines[1] ==
          "  profile.json    6.4 kB  where the time went: each handler, data loading, processing (docs/profile.md)");
}

TEST_CASE("run files: a folder without event files gets no TensorBoard command") {
    const auto lines = run_file_lines("/o", {RunFile{.name = "checkpoints", .folder = true}}, "tb");
    REQUIRE(lines.size() == 2);
    CHECK(lines[1] == "  checkpoints/");
}

TEST_CASE("run files: the folder is read as the run left it, hidden entries left out") {
    const auto dir = ignite::test::scratch_dir("ignite_run_files_test");
    fs::create_directories(dir / "logs" / "sub");
    std::ofstream(dir / "metrics.csv") << "engine,epoch\n";
    std::ofstream(dir / ".lock");
    std::ofstream(dir / "logs" / "sub" / "events.out.tfevents.1.host.2.0") << "x";
    auto files = list_run_files(dir);
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    REQUIRE(files.size() == 2);
    CHECK(files[0].name == "logs");
    CHECK(files[0].folder);
    CHECK(files[0].has_tfevents);
    CHECK(files[1].name == "metrics.csv");
    CHECK(files[1].bytes == 13);
    CHECK(list_run_files(dir / "no_such_folder").empty());
}
