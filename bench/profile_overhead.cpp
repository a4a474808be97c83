// The always-on profiler's cost (issue 20 §3: <= 1% of the mlp epoch with the default plugins).
//
// (1) The observer's cost per training iteration: an engine carrying the handlers the default
//     participants register on the trainer per iteration in an `ignite-host train` run (read
//     off that run's profile.json: lr_schedule on ITERATION_STARTED; two of the host's, jsonl,
//     tensorboard, report and progress on ITERATION_COMPLETED; a data source, so the
//     GET_BATCH_* events fire), each labelled as the host labels it, run over cheap batches
//     with and without host/src/train/profile's RunProfiler watching it. The handlers are
//     empty: what differs between the two is only the observer (steady_clock reads, the row
//     lookup, the event observer that times data loading and processing).
// (2) The mlp's training iteration (ignite-host's mlp, batch 64, SGD with momentum, forward +
//     cross-entropy + backward + step) on Fashion-MNIST-shaped synthetic batches.
// The ratio (1)/(2) is the share of the mlp epoch (938 such iterations) the profiler costs.
// Per-epoch events (a handful of calls per epoch) add nanoseconds per epoch: not counted.
//
// Each measurement is repeated `reps` times, alternating with and without the profiler so
// both see the same machine state; medians are reported. Usage:
//   profile_overhead [engine iterations=200000] [mlp iterations=200] [reps=7] [threads=2]
#include "train/models.hpp"
#include "train/profile.hpp"

#include <ignite/core/engine.hpp>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <torch/nn/functional/loss.h>
#include <torch/optim/sgd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

using namespace ignite;
using Clock = std::chrono::steady_clock;

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// The trainer's per-iteration handlers of a default `ignite-host train` run, by label.
void add_default_handlers(Engine& e, std::int64_t& sink) {
    const auto h = [&sink] { ++sink; };
    {
        const auto label = e.label_handlers("lr_schedule");
        e.add_event_handler(Events::ITERATION_STARTED, Priority::handlers, h);
    }
    for (const char* name : {"jsonl", "tensorboard", "report", "progress"}) {
        const auto label = e.label_handlers(name);
        e.add_event_handler(Events::ITERATION_COMPLETED, Priority::loggers, h);
    }
    e.add_event_handler(Events::ITERATION_COMPLETED, Priority::host, h);  // the host's two, unlabelled
    e.add_event_handler(Events::ITERATION_COMPLETED, Priority{1 << 30}, h);
}

// ns per iteration of one engine run over `iters` batches.
double engine_ns(std::int64_t iters, bool profiled, std::int64_t& sink) {
    Engine e([&sink](Engine&, const c10::IValue& b) {
        ++sink;
        return b;
    });
    add_default_handlers(e, sink);
    host::RunProfiler profiler;
    if (profiled) profiler.watch("trainer", e);
    const auto t0 = Clock::now();
    e.run(data::range(iters), 1);
    const double ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / static_cast<double>(iters);
    if (profiled && profiler.times().at(0).processing.calls != iters) {
        fmt::print(stderr, "profile_overhead: the profiler missed iterations\n");
        std::exit(1);
    }
    return ns;
}

}  // namespace

int main(int argc, char** argv) {
    const std::int64_t engine_iters = argc > 1 ? std::atoll(argv[1]) : 200'000;
    const int mlp_iters = argc > 2 ? std::atoi(argv[2]) : 200;
    const int reps = argc > 3 ? std::atoi(argv[3]) : 7;
    const int threads = argc > 4 ? std::atoi(argv[4]) : 2;
    at::set_num_threads(threads);

    std::int64_t sink = 0;
    std::vector<double> plain, profiled;
    engine_ns(engine_iters / 10, true, sink);  // warm-up
    for (int r = 0; r < reps; ++r) {
        if (r % 2 == 0) {
            plain.push_back(engine_ns(engine_iters, false, sink));
            profiled.push_back(engine_ns(engine_iters, true, sink));
        } else {
            profiled.push_back(engine_ns(engine_iters, true, sink));
            plain.push_back(engine_ns(engine_iters, false, sink));
        }
    }
    const double overhead_ns = median(profiled) - median(plain);

    torch::manual_seed(0);
    auto model = host::make_model("mlp", 28, 10);
    torch::optim::SGD opt(model->parameters(), torch::optim::SGDOptions(0.01).momentum(0.9));
    const auto x = at::rand({64, 1, 28, 28});
    const auto y = at::randint(0, 10, {64}, at::kLong);
    const auto step = [&] {
        opt.zero_grad();
        auto loss = torch::nn::functional::cross_entropy(model->forward(x), y);
        loss.backward();
        opt.step();
    };
    for (int i = 0; i < 20; ++i) step();  // warm-up
    std::vector<double> mlp;
    for (int r = 0; r < reps; ++r) {
        const auto t0 = Clock::now();
        for (int i = 0; i < mlp_iters; ++i) step();
        mlp.push_back(std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / mlp_iters);
    }
    const double mlp_ns = median(mlp);
    const double ratio = overhead_ns / mlp_ns;

    fmt::print("profile_overhead: {} engine iterations x {} repetitions, {} mlp iterations, {} threads; medians\n",
               engine_iters, reps, mlp_iters, threads);
    fmt::print("  engine iteration, default participants' handlers, no profiler  {:>10.1f} ns\n", median(plain));
    fmt::print("  the same, profiled (7 handler calls + 4 dispatches timed)        {:>10.1f} ns\n", median(profiled));
    fmt::print("  profiler cost per iteration                                      {:>10.1f} ns\n", overhead_ns);
    fmt::print("  mlp training iteration (batch 64)                                {:>10.1f} ns\n", mlp_ns);
    fmt::print("  profiler / mlp epoch                                             {:>10.4f} %  (target <= 1%)\n",
               100.0 * ratio);
    return ratio <= 0.01 ? 0 : 1;
}
