// Cost of a handler called through the plugin C ABI versus the same handler written
// against the core C++ API: 10 handlers on ITERATION_COMPLETED over 10^6 iterations,
// medians of `reps` alternating runs. Target: <= 20 ns more per handler call.
// Usage: abi_overhead PLUGIN_SO [iters] [reps]
#include <ignite/runtime/bridge.hpp>

#include <ignite/core/engine.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

using namespace ignite;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
    if (argc < 2) {
        fmt::print(stderr, "usage: abi_overhead PLUGIN_SO [iters] [reps]\n");
        return 2;
    }
    const std::int64_t iters = argc > 2 ? std::atoll(argv[2]) : 1'000'000;
    const int reps = argc > 3 ? std::atoi(argv[3]) : 7;
    constexpr int kHandlers = 10;

    ProcessFunction pf = [](Engine&, const c10::IValue& b) { return b; };
    std::int64_t calls = 0;
    Engine core_engine(pf);
    for (int h = 0; h < kHandlers; ++h)
        core_engine.add_event_handler(Events::ITERATION_COMPLETED, [&calls] { ++calls; });

    Engine abi_engine(pf);
    host::PluginHost plugins;
    plugins.add_engine("trainer", abi_engine);
    plugins.load({argv[1]}, {{"bench_noop", {{"handlers", std::to_string(kHandlers)}}}});

    auto data = data::range(iters);
    auto time = [&](Engine& e) {
        const auto t0 = Clock::now();
        e.run(data, 1);
        return std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / static_cast<double>(iters);
    };
    std::vector<double> core, abi;
    for (int r = 0; r < reps; ++r) {
        core.push_back(time(core_engine));
        abi.push_back(time(abi_engine));
    }
    std::sort(core.begin(), core.end());
    std::sort(abi.begin(), abi.end());
    const double c = core[core.size() / 2], a = abi[abi.size() / 2];
    const double per_handler = (a - c) / kHandlers;
    fmt::print("abi_overhead: {} iterations x {} reps, {} handlers on ITERATION_COMPLETED, medians\n", iters, reps,
               kHandlers);
    fmt::print(
        "core C++ handlers: {:.1f} ns/iter   C ABI handlers: {:.1f} ns/iter   extra per handler call: {:.1f} ns "
        "(target <= 20){}\n",
        c, a, per_handler, per_handler <= 20.0 ? "" : " MISSED");
    fmt::print(stderr,
               "{{\"bench\":\"abi_overhead\",\"core_ns\":{:.2f},\"abi_ns\":{:.2f},\"extra_per_handler_ns\":{:.2f}}}\n",
               c, a, per_handler);
    plugins.shutdown();
    return per_handler <= 20.0 ? 0 : 1;
}
