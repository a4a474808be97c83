// ResultFile, the one appending writer of run results: a failed write never cuts what the
// file held before this process opened it (a resumed run's earlier lines).
#include "result_file.hpp"
#include "train/resumed_lines.hpp"

#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fs = std::filesystem;
using ignite::host::ResultFile;
using ignite::host::ResultWriteError;

namespace {

std::string contents(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

fs::path fresh_file(const char* name, const std::string& text) {
    const auto dir = fs::temp_directory_path() / "ignite_result_file_test";
    fs::create_directories(dir);
    const auto path = dir / name;
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    return path;
}

// RLIMIT_FSIZE for the scope (SIGXFSZ ignored, so write(2) fails with EFBIG as under `ulimit -f`).
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        ::getrlimit(RLIMIT_FSIZE, &old_);
        old_handler_ = std::signal(SIGXFSZ, SIG_IGN);
        rlimit small = old_;
        small.rlim_cur = bytes;
        REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
    }
    ~FileSizeLimit() {
        ::setrlimit(RLIMIT_FSIZE, &old_);
        std::signal(SIGXFSZ, old_handler_);
    }

private:
    rlimit old_{};
    void (*old_handler_)(int) = nullptr;
};

std::string lines(int n, const char* what) {
    std::string out;
    for (int i = 0; i < n; ++i) out += std::string("{\"") + what + "\":" + std::to_string(i) + "}\n";
    return out;
}

}  // namespace

TEST_CASE("a failed append to a resumed file keeps every earlier line and this run's complete ones",
          "[result_file]") {
    const auto earlier = lines(200, "earlier");  // a few KB, as a long run's metrics.jsonl
    const auto path = fresh_file("resumed.jsonl", earlier);
    ResultFile file(path, /*append=*/true);
    file.append_line(R"({"mine":1})");
    file.flush();
    {
        const FileSizeLimit limit(earlier.size() + 40);  // room for part of the next line only
        file.append_line(std::string(R"({"mine":")") + std::string(100, 'x') + "\"}");
        CHECK_THROWS_AS(file.flush(), ResultWriteError);
    }
    CHECK(contents(path) == earlier + "{\"mine\":1}\n");
}

TEST_CASE("a failed first append to a resumed file leaves it byte-identical", "[result_file]") {
    const auto earlier = lines(100, "earlier");
    const auto path = fresh_file("untouched.jsonl", earlier);
    ResultFile file(path, /*append=*/true);
    {
        const FileSizeLimit limit(earlier.size() + 5);
        file.append_line(lines(10, "mine"));
        CHECK_THROWS_AS(file.flush(), ResultWriteError);
    }
    CHECK(contents(path) == earlier);
}

TEST_CASE("a failed write to a new file keeps its complete lines", "[result_file]") {
    const auto path = fresh_file("new.jsonl", "stale content that a new run replaces\n");
    ResultFile file(path);
    file.append_line(R"({"a":1})");
    file.flush();
    {
        const FileSizeLimit limit(12);
        file.append_line(R"({"b":"a line longer than the limit"})");
        CHECK_THROWS_AS(file.flush(), ResultWriteError);
    }
    CHECK(contents(path) == "{\"a\":1}\n");
}

// ---- a resumed run's metrics.jsonl (resumed_lines.hpp) ----------------------------------

TEST_CASE("resuming at iteration 20 moves the later lines and a cut-short one aside, keeps the rest byte for byte",
          "[result_file]") {
    const std::string kept = "{\"split\":\"train\",\"epoch\":1,\"iteration\":10}\n"
                             "not json, kept where it is\n"
                             "{\"split\":\"test\",\"epoch\":2,\"iteration\":20}\n";
    const std::string later = "{\"split\":\"train\",\"epoch\":3,\"iteration\":30}\n"
                              "{\"split\":\"test\",\"epoch\":3,\"iteration\":30}\n";
    const std::string cut = "{\"split\":\"train\",\"epo";
    const auto path = fresh_file("metrics.jsonl", kept + later + cut);
    std::filesystem::remove(ignite::host::superseded_path(path));
    CHECK(ignite::host::supersede_lines_after(path, 20) == 3);
    CHECK(contents(path) == kept);
    CHECK(contents(ignite::host::superseded_path(path)) == later + cut + "\n");
    // Nothing after the point: nothing moves, nothing is rewritten.
    CHECK(ignite::host::supersede_lines_after(path, 20) == 0);
    CHECK(contents(path) == kept);
    CHECK(ignite::host::superseded_path(path).filename() == "metrics.superseded.jsonl");
}
