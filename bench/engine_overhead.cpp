// Engine overhead: ns per iteration of Engine::run over a no-op process function,
// minus a bare loop calling the same std::function over the same batches.
//
//   (a) no handlers   (b) 10 handlers on ITERATION_COMPLETED   (c) 10 with every=10
//
// Each case is timed `reps` times, alternating bare loop and engine so both see the
// same machine state; the medians are reported. Usage: engine_overhead [iters] [reps]
#include <ignite/core/engine.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <vector>

using namespace ignite;
using Clock = std::chrono::steady_clock;

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

template <typename F>
double time_ns_per_iter(F&& f, std::int64_t iters) {
    const auto t0 = Clock::now();
    f();
    return std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / static_cast<double>(iters);
}

struct Case {
    const char* name;
    int handlers;
    std::int64_t every;
    double target_ns;
};

}  // namespace

int main(int argc, char** argv) {
    const std::int64_t iters = argc > 1 ? std::atoll(argv[1]) : 1'000'000;
    const int reps = argc > 2 ? std::atoi(argv[2]) : 7;

    std::int64_t sink = 0;
    // The process function: a no-op that returns its batch (as in Ignite's benchmarks).
    ProcessFunction pf = [&sink](Engine&, const c10::IValue& batch) {
        ++sink;
        return batch;
    };

    fmt::print("engine_overhead: {} iterations x {} repetitions, medians\n", iters, reps);
    fmt::print("{:<34} {:>10} {:>10} {:>10} {:>8}\n", "case", "bare ns", "engine ns", "overhead", "target");
    bool all_ok = true;
    for (const Case& c :
         {Case{"(a) no handlers", 0, 1, 30.0}, Case{"(b) 10 handlers ITERATION_COMPLETED", 10, 1, 150.0},
          Case{"(c) 10 handlers every=10", 10, 10, 150.0}}) {
        Engine engine(pf);
        for (int h = 0; h < c.handlers; ++h) {
            engine.add_event_handler(Events::ITERATION_COMPLETED.every(c.every), [&sink] { ++sink; });
        }
        auto data = data::range(iters);
        std::vector<double> bare, eng;
        for (int r = 0; r < reps; ++r) {
            bare.push_back(time_ns_per_iter(
                [&] {
                    c10::IValue out;
                    for (std::int64_t i = 0; i < iters; ++i) out = pf(engine, c10::IValue(i));
                    sink += out.toInt();
                },
                iters));
            eng.push_back(time_ns_per_iter([&] { engine.run(data, 1); }, iters));
        }
        const double b = median(bare), e = median(eng), overhead = e - b;
        const bool ok = overhead <= c.target_ns;
        all_ok = all_ok && ok;
        fmt::print("{:<34} {:>10.1f} {:>10.1f} {:>10.1f} {:>6.0f}{}\n", c.name, b, e, overhead, c.target_ns,
                   ok ? "" : " MISSED");
        fmt::print(stderr,
                   "{{\"bench\":\"engine_overhead\",\"case\":\"{}\",\"bare_ns\":{:.2f},\"engine_ns\":{:.2f},"
                   "\"overhead_ns\":{:.2f},\"target_ns\":{}}}\n",
                   c.name, b, e, overhead, c.target_ns);
    }
    if (sink == 42) fmt::print("\n");  // keeps `sink` observable
    return all_ok ? 0 : 1;
}
