// Runs the engine examples (examples/engine/) and checks what they print. The binaries'
// paths come from compile definitions set in tests/CMakeLists.txt.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#ifndef BASIC_TRAINER_EXE
#error "BASIC_TRAINER_EXE must name the basic_trainer binary"
#endif
#ifndef EVALUATOR_EXE
#error "EVALUATOR_EXE must name the evaluator binary"
#endif
#ifndef MEAN_STD_EXE
#error "MEAN_STD_EXE must name the mean_std binary"
#endif

namespace {

struct Result {
    int status = -1;
    std::vector<std::string> lines;
};

// Runs `command` and returns its exit status and stdout lines.
Result run(const std::string& command) {
    Result r;
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string out;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
    r.status = ::pclose(pipe);
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) r.lines.push_back(line);
    return r;
}

std::string quoted(const char* path) { return std::string("'") + path + "'"; }

// The number after "<prefix>" on the line starting with it; fails the test if absent.
double value_after(const Result& r, const std::string& prefix) {
    for (const auto& l : r.lines) {
        if (l.rfind(prefix, 0) == 0) return std::stod(l.substr(prefix.size()));
    }
    FAIL("no line starting with '" << prefix << "'");
    return 0;
}

// "[a, b, c]" after "<prefix>".
std::vector<double> list_after(const Result& r, const std::string& prefix) {
    for (const auto& l : r.lines) {
        if (l.rfind(prefix, 0) != 0) continue;
        std::string body = l.substr(prefix.size());
        REQUIRE(body.size() >= 2);
        REQUIRE(body.front() == '[');
        REQUIRE(body.back() == ']');
        std::vector<double> out;
        std::istringstream in(body.substr(1, body.size() - 2));
        for (std::string item; std::getline(in, item, ',');) out.push_back(std::stod(item));
        return out;
    }
    FAIL("no line starting with '" << prefix << "'");
    return {};
}

}  // namespace

TEST_CASE("basic_trainer: logs every 100 iterations and the loss goes down") {
    const Result r = run(quoted(BASIC_TRAINER_EXE));
    REQUIRE(r.status == 0);

    const double initial = value_after(r, "initial loss: ");
    const double final_loss = value_after(r, "final loss: ");
    const auto iterations = static_cast<std::int64_t>(value_after(r, "iterations: "));
    CHECK(final_loss < initial / 2);
    REQUIRE(iterations >= 100);
    REQUIRE(iterations % 5 == 0);  // 5 epochs of equal length
    const std::int64_t epoch_length = iterations / 5;

    const std::regex log_line(R"(Epoch (\d+)/(\d+) : (\d+) - batch loss: ([0-9.eE+-]+), lr: 0\.01)");
    std::vector<std::int64_t> logged;
    for (const auto& l : r.lines) {
        std::smatch m;
        if (!std::regex_match(l, m, log_line)) continue;
        const std::int64_t epoch = std::stoll(m[1]);
        const std::int64_t iteration = std::stoll(m[3]);
        CHECK(m[2] == "5");
        CHECK(epoch == (iteration - 1) / epoch_length + 1);
        CHECK(std::isfinite(std::stod(m[4])));
        logged.push_back(iteration);
    }
    std::vector<std::int64_t> expected;
    for (std::int64_t i = 100; i <= iterations; i += 100) expected.push_back(i);
    CHECK(logged == expected);
}

TEST_CASE("basic_trainer: the epoch count comes from argv") {
    const Result r = run(quoted(BASIC_TRAINER_EXE) + " 1");
    REQUIRE(r.status == 0);
    const auto iterations = static_cast<std::int64_t>(value_after(r, "iterations: "));
    std::int64_t log_lines = 0;
    for (const auto& l : r.lines) log_lines += l.rfind("Epoch 1/1 : ", 0) == 0 ? 1 : 0;
    CHECK(log_lines == iterations / 100);
}

TEST_CASE("evaluator: val_acc is the hand-computed 7 of 10") {
    // Model scores (a, b) as (a, b, -a-b); see examples/engine/evaluator.cpp: points 5, 8
    // and 10 are misclassified.
    const Result r = run(quoted(EVALUATOR_EXE));
    REQUIRE(r.status == 0);
    CHECK(value_after(r, "val_acc: ") == 0.7);
}

TEST_CASE("mean_std: per-channel mean c and std c + 1") {
    const Result r = run(quoted(MEAN_STD_EXE));
    REQUIRE(r.status == 0);
    const auto mean = list_after(r, "mean: ");
    const auto std_dev = list_after(r, "std: ");
    REQUIRE(mean.size() == 3);
    REQUIRE(std_dev.size() == 3);
    for (std::size_t c = 0; c < 3; ++c) {
        CHECK(mean[c] == Approx(static_cast<double>(c)).margin(1e-6));
        CHECK(std_dev[c] == Approx(static_cast<double>(c) + 1).margin(1e-6));
    }
}
