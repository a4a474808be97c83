#pragma once
// Batches of a Dataset for the engine, shuffled per pass with a seed, prefetched on a
// background thread so the training loop never waits for data it could have had.

#include "dataset.hpp"

#include <ignite/core/data.hpp>

#include <cstdint>

namespace ignite::host {

struct LoaderOptions {
    std::int64_t batch_size = 64;
    bool shuffle = true;
    bool drop_last = false;
    std::uint64_t seed = 0;   ///< pass k is shuffled with seed + k: reproducible runs
    bool pin_memory = false;  ///< page-locked batches, for non_blocking copies to CUDA
    int prefetch = 4;         ///< batches prepared ahead on a thread; 0: gathered inline
};

/// A re-iterable DataSource of (x, y) tuples. Each iter() starts a new pass (a new
/// permutation when shuffling) with its own producer thread (none with prefetch = 0); the
/// thread stops when the pass ends or the iterator is dropped. Throws
/// std::invalid_argument for batch_size < 1 or prefetch < 0.
ignite::DataPtr make_batch_loader(const Dataset& dataset, const LoaderOptions& options);

}  // namespace ignite::host
