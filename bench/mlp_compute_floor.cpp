// How far can any trainer of ignite-host's mlp (784-256-10, batch 64, fp32, CPU) go below a
// LibTorch training step? Times, in alternating blocks within one process:
//   step:  a full LibTorch step (forward, cross_entropy, backward, SGD momentum step);
//   floor: only the two large matrix products any implementation must do per batch
//          (x * W1^T forward, dH^T * x for W1's gradient), into preallocated outputs.
// The floor leaves out every small op, the loss, the optimizer and all allocation, so
// no trainer on this BLAS can beat it. step/floor bounds the speed-up any rewrite of the
// step (fused kernels, no autograd) could buy; multiplied by the measured ignite-host vs
// Ignite ratio it bounds what any C++ trainer can reach against PyTorch Ignite.
//
// The step runs with ignite-host's malloc settings, as in train_vs_raw.
//
// Usage: mlp_compute_floor [threads=2] [blocks=15] [iterations per block=200]
#include "train/malloc_tuning.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <torch/nn/functional/loss.h>
#include <torch/nn/modules/linear.h>
#include <torch/optim/sgd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <vector>

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

// Microseconds per iteration of `body` over `n` iterations.
double time_block(int n, const std::function<void()>& body) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) body();
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / n;
}

}  // namespace

int main(int argc, char** argv) {
    const int threads = argc > 1 ? std::atoi(argv[1]) : 2;
    const int blocks = argc > 2 ? std::atoi(argv[2]) : 15;
    const int iters = argc > 3 ? std::atoi(argv[3]) : 200;
    // The step allocates as ignite-host's does (same malloc settings as train_vs_raw).
    ignite::host::tune_malloc_for_training();
    at::set_num_threads(threads);
    torch::manual_seed(0);
    constexpr std::int64_t kBatch = 64, kIn = 784, kHidden = 256, kClasses = 10;

    torch::nn::Linear fc1(kIn, kHidden), fc2(kHidden, kClasses);
    std::vector<at::Tensor> params = fc1->parameters();
    for (auto& p : fc2->parameters()) params.push_back(p);
    torch::optim::SGD opt(params, torch::optim::SGDOptions(0.01).momentum(0.9));
    const auto x = at::rand({kBatch, kIn});
    const auto y = at::randint(kClasses, {kBatch}, at::kLong);
    auto step = [&] {
        opt.zero_grad();
        auto loss = torch::nn::functional::cross_entropy(fc2(at::relu(fc1(x))), y);
        loss.backward();
        opt.step();
    };

    const auto w1 = at::rand({kHidden, kIn});
    const auto dh = at::rand({kBatch, kHidden});
    auto h = at::empty({kBatch, kHidden});
    auto dw1 = at::empty({kHidden, kIn});
    auto floor = [&] {
        at::mm_out(h, x, w1.t());
        at::mm_out(dw1, dh.t(), x);
    };

    for (int i = 0; i < 50; ++i) step(), floor();  // warm-up: thread pools, caches, allocator
    std::vector<double> steps, floors, ratios;
    for (int b = 0; b < blocks; ++b) {
        // Alternate who goes first: this VM's speed drifts within seconds.
        double s, f;
        if (b % 2) {
            f = time_block(iters, floor);
            s = time_block(iters, step);
        } else {
            s = time_block(iters, step);
            f = time_block(iters, floor);
        }
        steps.push_back(s), floors.push_back(f), ratios.push_back(s / f);
    }
    const double gflop = 2.0 * 2.0 * kBatch * kIn * kHidden / 1e9;
    fmt::print("threads {}, {} blocks of {} iterations (medians)\n", threads, blocks, iters);
    fmt::print("LibTorch step: {:.1f} us/iteration\n", median(steps));
    fmt::print("GEMM floor:    {:.1f} us/iteration ({:.0f} GFLOP/s)\n", median(floors), gflop / median(floors) * 1e6);
    fmt::print("step / floor:  {:.3f} (median of paired ratios): the most any rewrite of the step can gain\n",
               median(ratios));
}
