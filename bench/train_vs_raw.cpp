// ignite-host train against a hand-written LibTorch loop: same model, data, data order
// (randperm seeded with seed + epoch), batch size, optimizer and threads. Reports the
// median epoch time of each and their ratio (target <= 1.02), and samples/s.
//
// Usage: train_vs_raw IGNITE_HOST [model=mlp|cnn] [epochs] [threads] [rounds]
// The ignite side runs the real binary with the progress, console and metrics plugins
// and reads its per-epoch times from metrics.jsonl. Rounds alternate ignite and raw runs
// so both see the same machine; each run's first epoch (warm-up) is left out.
#include "train/dataset.hpp"
#include "train/models.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <torch/nn/functional/loss.h>
#include <torch/optim/sgd.h>
#include <torch/utils.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace ignite::host;

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

std::vector<double> raw_epochs(const std::string& model_name, const Dataset& train, int epochs, std::uint64_t seed) {
    torch::manual_seed(seed);
    auto model = make_model(model_name, 28, 10);
    torch::optim::SGD opt(model->parameters(), torch::optim::SGDOptions(0.01).momentum(0.9));
    const auto n = train.size();
    const std::int64_t bs = 64;
    std::vector<double> times;
    for (int e = 0; e < epochs; ++e) {
        const auto t0 = std::chrono::steady_clock::now();
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
        times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    return times;
}

std::vector<double> ignite_epochs(const std::string& host, const std::string& model, int epochs, int threads,
                                  std::uint64_t seed) {
    const auto dir = std::filesystem::temp_directory_path() / fmt::format("train_vs_raw_{}", ::getpid());
    const auto cmd = fmt::format(
        "{} train --model {} --epochs {} --threads {} --seed {} --batch-size 64 --lr 0.01 --momentum 0.9 "
        "--eval-every 0 --plugin console --plugin-opt console.every=200 --plugin metrics --output-dir {} > /dev/null 2>&1",
        host, model, epochs, threads, seed, dir.string());
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("ignite-host train failed: " + cmd);
    std::ifstream in(dir / "metrics.jsonl");
    std::vector<double> times;
    for (std::string line; std::getline(in, line);) {
        auto j = nlohmann::json::parse(line);
        if (j["split"] == "train") times.push_back(j["epoch_seconds"].get<double>());
    }
    std::filesystem::remove_all(dir);
    return times;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        fmt::print(stderr, "usage: train_vs_raw IGNITE_HOST [mlp|cnn] [epochs] [threads]\n");
        return 2;
    }
    const std::string host = argv[1];
    const std::string model = argc > 2 ? argv[2] : "mlp";
    const int epochs = argc > 3 ? std::atoi(argv[3]) : 5;
    const int threads = argc > 4 ? std::atoi(argv[4]) : 2;
    const int rounds = argc > 5 ? std::atoi(argv[5]) : 3;
    const std::uint64_t seed = 0;
    at::set_num_threads(threads);

    const auto data = load_mnist_dir(kFashionMnistDir);
    std::vector<double> ours, raw;
    for (int r = 0; r < rounds; ++r) {
        const auto o = ignite_epochs(host, model, epochs, threads, seed);
        const auto w = raw_epochs(model, data.train, epochs, seed);
        ours.insert(ours.end(), o.begin() + (o.size() > 1 ? 1 : 0), o.end());
        raw.insert(raw.end(), w.begin() + (w.size() > 1 ? 1 : 0), w.end());
    }
    const double m_ours = median(ours), m_raw = median(raw), n = static_cast<double>(data.train.size());
    fmt::print("train_vs_raw {} ({} rounds x {} epochs, batch 64, SGD, {} threads): ignite-host median epoch {:.3f} s "
               "({:.0f} samples/s), raw LibTorch loop {:.3f} s ({:.0f} samples/s), ratio {:.3f} (target <= 1.02)\n",
               model, rounds, epochs, threads, m_ours, n / m_ours, m_raw, n / m_raw, m_ours / m_raw);
    fmt::print(stderr, "{{\"bench\":\"train_vs_raw\",\"model\":\"{}\",\"ignite_s\":{:.4f},\"raw_s\":{:.4f},\"ratio\":{:.4f}}}\n",
               model, m_ours, m_raw, m_ours / m_raw);
    return 0;
}
