// Cost of resuming a DeterministicEngine at iteration k of a large epoch: the time from
// run() to the first process-function call. An index-based source (IndexedLoader) skips
// the k batches arithmetically, so the cost is drawing the epoch's permutation (which the
// uninterrupted run draws too) and nothing per skipped batch; a source that cannot skip
// (data::reiterable) is fetched and discarded up to k, as Ignite does.
//
// Usage: resume_skip [samples] [batch_size] [resume_iteration] [reps]
// Defaults: 8'000'000 samples, batch 4 (2'000'000 iterations per epoch), resume at 10^6.
#include <ignite/core/deterministic.hpp>

#include <ATen/ATen.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <vector>

using namespace ignite;
using Clock = std::chrono::steady_clock;

namespace {

// Seconds from run() to the first batch reaching the process function, resumed at `at`.
double time_to_first_batch(const DataPtr& data, std::int64_t epoch_length, std::int64_t at, std::int64_t& fetched,
                           std::int64_t& first_iteration) {
    Clock::time_point first;
    DeterministicEngine engine([&](Engine& e, const c10::IValue&) {
        first = Clock::now();
        first_iteration = e.state.iteration;
        e.terminate();
    });
    engine.load_state_dict(
        {{"iteration", at}, {"epoch_length", epoch_length}, {"max_epochs", 2}, {"rng_states", c10::IValue()}});
    manual_seed(0);
    fetched = 0;
    const auto t0 = Clock::now();
    engine.run(data);
    return std::chrono::duration<double>(first - t0).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    const std::int64_t samples = argc > 1 ? std::atoll(argv[1]) : 8'000'000;
    const std::int64_t batch = argc > 2 ? std::atoll(argv[2]) : 4;
    const std::int64_t at = argc > 3 ? std::atoll(argv[3]) : 1'000'000;
    const int reps = argc > 4 ? std::atoi(argv[4]) : 5;
    const std::int64_t epoch_length = (samples + batch - 1) / batch;
    if (at >= epoch_length) {
        fmt::print(stderr, "resume_iteration {} must be inside the epoch ({} iterations)\n", at, epoch_length);
        return 2;
    }

    std::int64_t fetched = 0, first_iteration = 0;
    const auto fetch = [&fetched](const at::Tensor& idx) -> c10::IValue {
        ++fetched;
        return idx;  // the batch is its indices: fetching costs next to nothing
    };
    auto loader = data::dataloader(samples, fetch, batch, /*shuffle=*/true);

    // The permutation alone, the floor any resume (and every epoch start) pays.
    std::vector<double> perm, skip;
    for (int r = 0; r < reps; ++r) {
        const auto t0 = Clock::now();
        (void)data::RandomSampler(samples).pass();
        perm.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
        skip.push_back(time_to_first_batch(loader, epoch_length, at, fetched, first_iteration));
    }
    fmt::print("epoch: {} samples, batch {}, {} iterations; resume at iteration {}\n", samples, batch, epoch_length,
               at);
    fmt::print(
        "index-based source (arithmetic skip): {:.3f} s to the first batch (median of {}), {} batch fetched, "
        "first iteration {}\n",
        median(skip), reps, fetched, first_iteration);
    fmt::print("  of which drawing the epoch's permutation: {:.3f} s\n", median(perm));

    // The same dataflow from a source that cannot skip: fetched and discarded up to k.
    auto reiterable = data::reiterable(
        [&] {
            auto pass = std::make_shared<data::BatchIndices>(loader->batch_sampler()->pass());
            auto next = std::make_shared<std::int64_t>(0);
            return [pass, next, &fetch](c10::IValue& out) {
                if (*next >= pass->size()) return false;
                out = fetch(pass->batch((*next)++));
                return true;
            };
        },
        epoch_length);
    const double discard = time_to_first_batch(reiterable, epoch_length, at, fetched, first_iteration);
    fmt::print("source that cannot skip (fetch and discard): {:.3f} s, {} batches fetched\n", discard, fetched);
    return 0;
}
