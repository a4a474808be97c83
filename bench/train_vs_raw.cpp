// ignite-host train against a hand-written LibTorch loop: same model, data, data order
// (randperm seeded with seed + epoch), batch size, optimizer and threads. Reports the
// median epoch time of each and their ratio (target <= 1.02), and samples/s.
//
// Usage: train_vs_raw IGNITE_HOST [model=mlp|cnn] [epochs=12] [threads=2] [runs=3] [raw-malloc=same|default]
// Each run starts the real ignite-host binary (progress, console and metrics plugins
// loaded, plus bench_lockstep) and a raw-loop child process side by side, and lets them
// take turns one epoch at a time, alternating who goes first: this VM's speed drifts by
// tens of percent over seconds, so runs taken one after the other would compare the
// drift. Epoch times are taken by this driver for both sides alike (from "go" to "done");
// the first epoch of each run (warm-up) is left out. The raw loop gets ignite-host's malloc
// settings (host/src/train/malloc_tuning) unless raw-malloc=default: the ratio then
// measures the engine, not the allocator; `default` shows what a loop with glibc's
// defaults pays (on the cnn, ~25% in page faults).
#include "train/dataset.hpp"
#include "train/malloc_tuning.hpp"
#include "train/models.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <torch/nn/functional/loss.h>
#include <torch/optim/sgd.h>
#include <torch/utils.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <stdexcept>

extern char** environ;

using namespace ignite::host;

namespace {

// The descriptors a child reads its turn from and reports the end of its epoch on.
constexpr int kGoFd = 3, kDoneFd = 4;

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

// The hand-written loop; `turn(true)` before each epoch, `turn(false)` after it.
void raw_epochs(const std::string& model_name, const Dataset& train, int epochs, std::uint64_t seed,
                const std::function<void(bool)>& turn) {
    torch::manual_seed(seed);
    auto model = make_model(model_name, 28, 10);
    torch::optim::SGD opt(model->parameters(), torch::optim::SGDOptions(0.01).momentum(0.9));
    const auto n = train.size();
    const std::int64_t bs = 64;
    for (int e = 0; e < epochs; ++e) {
        turn(true);
        auto gen = at::detail::createCPUGenerator(seed + static_cast<std::uint64_t>(e));
        auto perm = at::randperm(n, gen, at::kLong);
        model->train(true);
        for (std::int64_t start = 0; start < n; start += bs) {
            auto idx = perm.narrow(0, start, std::min(bs, n - start));
            auto x = train.images.index_select(0, idx);
            auto y = train.labels.index_select(0, idx);
            opt.zero_grad();
            auto loss = torch::nn::functional::cross_entropy(model->forward(x), y);
            loss.backward();
            opt.step();
        }
        turn(false);
    }
}

void read_byte(int fd, const char* who) {
    char b;
    ssize_t n;
    do {
        n = ::read(fd, &b, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 1) throw std::runtime_error(fmt::format("{} stopped before its epoch ended", who));
}

void write_byte(int fd, const char* who) {
    const char b = 'g';
    ssize_t n;
    do {
        n = ::write(fd, &b, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 1) throw std::runtime_error(fmt::format("{} is gone", who));
}

// TRAIN_VS_RAW_LIMIT=N: train on the first N images only (quick checks; both sides).
std::int64_t limit() {
    const char* v = std::getenv("TRAIN_VS_RAW_LIMIT");
    return v ? std::atoll(v) : 0;
}

// Child mode: the raw loop, taking its turns on descriptors 3 and 4.
int raw_child(char** argv) {
    if (std::string(argv[5]) == "same") tune_malloc_for_training();
    const std::string model = argv[2];
    at::set_num_threads(std::atoi(argv[3]));
    const int epochs = std::atoi(argv[4]);
    const auto data = load_mnist_dir(kFashionMnistDir, {.train = limit()});
    auto t0 = std::chrono::steady_clock::now();
    raw_epochs(model, data.train, epochs, 0, [&](bool start) {
        if (start) {
            read_byte(kGoFd, "driver");
            t0 = std::chrono::steady_clock::now();
        } else {
            // Standalone use prints the epoch times (the driver sends stdout to /dev/null).
            fmt::print("{:.4f}\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            std::fflush(stdout);
            write_byte(kDoneFd, "driver");
        }
    });
    return 0;
}

// A child process started with its turn pipes on descriptors 3 (go) and 4 (done).
struct Child {
    std::string name;
    pid_t pid = -1;
    int go = -1, done = -1;

    Child(std::string who, const std::vector<std::string>& args) : name(std::move(who)) {
        int go_pipe[2], done_pipe[2];
        if (::pipe2(go_pipe, O_CLOEXEC) != 0 || ::pipe2(done_pipe, O_CLOEXEC) != 0)
            throw std::runtime_error("pipe2 failed");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        // dup2 onto 3/4 clears close-on-exec there (the originals are >= 3 but never 3/4
        // both in the right order, so go through high copies first).
        const int go_r = ::fcntl(go_pipe[0], F_DUPFD_CLOEXEC, 10), done_w = ::fcntl(done_pipe[1], F_DUPFD_CLOEXEC, 10);
        posix_spawn_file_actions_adddup2(&actions, go_r, kGoFd);
        posix_spawn_file_actions_adddup2(&actions, done_w, kDoneFd);
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        const int rc = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        for (int fd : {go_pipe[0], done_pipe[1], go_r, done_w}) ::close(fd);
        go = go_pipe[1];
        done = done_pipe[0];
        if (rc != 0) throw std::runtime_error(fmt::format("cannot start {}: {}", args[0], std::strerror(rc)));
    }
    ~Child() {
        ::close(go);
        ::close(done);
        if (pid > 0) ::waitpid(pid, nullptr, 0);
    }
    // One epoch: its wall time in seconds as this driver sees it.
    double epoch() {
        const auto t0 = std::chrono::steady_clock::now();
        write_byte(go, name.c_str());
        read_byte(done, name.c_str());
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    void wait_ok() {
        int status = 0;
        ::waitpid(pid, &status, 0);
        pid = -1;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error(name + " failed");
    }
};

std::string sibling(const char* self, const char* file) {
    return (std::filesystem::absolute(self).parent_path() / file).string();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 6 && std::string(argv[1]) == "--raw") return raw_child(argv);
    if (argc < 2) {
        fmt::print(stderr, "usage: train_vs_raw IGNITE_HOST [mlp|cnn] [epochs] [threads] [runs] [same|default]\n");
        return 2;
    }
    const std::string host = std::filesystem::absolute(argv[1]).string();
    const std::string model = argc > 2 ? argv[2] : "mlp";
    const int epochs = argc > 3 ? std::atoi(argv[3]) : 12;
    const int threads = argc > 4 ? std::atoi(argv[4]) : 2;
    const int runs = argc > 5 ? std::atoi(argv[5]) : 3;
    const std::string raw_malloc = argc > 6 ? argv[6] : "same";
    if (epochs < 2 || threads < 1 || runs < 1 || (raw_malloc != "same" && raw_malloc != "default")) {
        fmt::print(stderr,
                   "train_vs_raw: need epochs >= 2 (the first is warm-up), threads >= 1, runs >= 1, "
                   "raw-malloc same or default\n");
        return 2;
    }
    const double n = static_cast<double>(load_mnist_dir(kFashionMnistDir, {.train = limit()}).train.size());
    std::vector<double> ours, raw, paired;
    for (int r = 0; r < runs; ++r) {
        // A new folder per run: ignite-host refuses one that holds an earlier run's results.
        const auto out_dir = std::filesystem::temp_directory_path() / fmt::format("train_vs_raw_{}_{}", ::getpid(), r);
        const std::vector<std::string> raw_args{std::filesystem::absolute(argv[0]).string(),
                                                "--raw",
                                                model,
                                                std::to_string(threads),
                                                std::to_string(epochs),
                                                raw_malloc};
        // TRAIN_VS_RAW_AA=1: an A/A check of this harness, the raw loop against itself.
        Child ignite("ignite-host", std::getenv("TRAIN_VS_RAW_AA")
                                        ? raw_args
                                        : std::vector<std::string>{host,
                                                                   "train",
                                                                   "--model",
                                                                   model,
                                                                   "--epochs",
                                                                   std::to_string(epochs),
                                                                   "--threads",
                                                                   std::to_string(threads),
                                                                   "--seed",
                                                                   "0",
                                                                   "--batch-size",
                                                                   "64",
                                                                   "--lr",
                                                                   "0.01",
                                                                   "--lr-schedule",
                                                                   "constant",
                                                                   "--momentum",
                                                                   "0.9",
                                                                   "--eval-every",
                                                                   "0",
                                                                   "--limit",
                                                                   std::to_string(limit()),
                                                                   "--plugin",
                                                                   "console",
                                                                   "--plugin-opt",
                                                                   "console.every=200",
                                                                   "--plugin",
                                                                   "metrics",
                                                                   "--plugin",
                                                                   sibling(argv[0], "ignite-plugin-bench_lockstep.so"),
                                                                   "--plugin-opt",
                                                                   fmt::format("bench_lockstep.go_fd={}", kGoFd),
                                                                   "--plugin-opt",
                                                                   fmt::format("bench_lockstep.done_fd={}", kDoneFd),
                                                                   "--output-dir",
                                                                   out_dir.string()});
        Child loop("raw loop", raw_args);
        for (int e = 0; e < epochs; ++e) {
            double t_ours, t_raw;
            if ((e + r) % 2 == 0) {
                t_ours = ignite.epoch();
                t_raw = loop.epoch();
            } else {
                t_raw = loop.epoch();
                t_ours = ignite.epoch();
            }
            if (std::getenv("TRAIN_VS_RAW_VERBOSE"))
                fmt::print(stderr, "run {} epoch {}: ignite {:.3f} s, raw {:.3f} s\n", r, e, t_ours, t_raw);
            if (e == 0) continue;  // warm-up
            ours.push_back(t_ours);
            raw.push_back(t_raw);
            paired.push_back(t_ours / t_raw);
        }
        ignite.wait_ok();
        loop.wait_ok();
        std::filesystem::remove_all(out_dir);
    }
    const double m_ours = median(ours), m_raw = median(raw);
    fmt::print(
        "train_vs_raw {} ({} runs x {} epochs in turns, batch 64, SGD, {} threads): ignite-host median epoch "
        "{:.3f} s ({:.0f} samples/s), raw LibTorch loop ({} malloc) {:.3f} s ({:.0f} samples/s), ratio {:.3f} "
        "(target <= 1.02); median of per-epoch ratios {:.3f}\n",
        model, runs, epochs, threads, m_ours, n / m_ours, raw_malloc == "same" ? "ignite-host's" : "glibc default",
        m_raw, n / m_raw, m_ours / m_raw, median(paired));
    fmt::print(stderr,
               "{{\"bench\":\"train_vs_raw\",\"model\":\"{}\",\"ignite_s\":{:.4f},\"raw_s\":{:.4f},\"ratio\":{:.4f},"
               "\"paired_ratio\":{:.4f}}}\n",
               model, m_ours, m_raw, m_ours / m_raw, median(paired));
    return 0;
}
