#pragma once
// Batches of a Dataset for the engine, shuffled per pass with a seed, prefetched on a
// background thread so the training loop never waits for data it could have had.

#include "dataset.hpp"

#include <ignite/core/indexed_data.hpp>

#include <cstdint>
#include <memory>

namespace ignite::host {

struct LoaderOptions {
    std::int64_t batch_size = 64;
    bool shuffle = true;
    bool drop_last = false;
    std::uint64_t seed = 0;   ///< pass k is shuffled with seed + k: reproducible, resumable runs
    bool pin_memory = false;  ///< page-locked batches, for non_blocking copies to CUDA
    int prefetch = 4;         ///< batches prepared ahead on a thread; 0: gathered inline
};

/// A re-iterable, resumable DataSource of (x, y) tuples. Pass p (0-based: the engine starts
/// one per epoch when its epoch_length is size()) is shuffled with a generator seeded
/// seed + p, so every pass's order is a function of the seed and the pass number alone. Each
/// pass has its own producer thread (none with prefetch = 0); the thread stops when the pass
/// ends or the iterator is dropped.
class BatchLoader : public ignite::ResumableDataSource {
public:
    /// Starts the next pass at its batch `start_iteration` (0-based) or, when that is 0, where
    /// seek() put it. The rows before it are neither gathered nor copied; a start past the
    /// pass gives an exhausted pass. Throws std::invalid_argument when negative.
    std::shared_ptr<ignite::DataIterator> iter_from(std::int64_t start_iteration) override = 0;
    /// Positions the loader `iteration` iterations into a run (a state_dict's iteration): the
    /// next pass is number iteration / size() and starts at batch iteration % size(). Call it
    /// after Engine::load_state_dict and before run(). Throws std::invalid_argument when negative.
    virtual void seek(std::int64_t iteration) = 0;
    /// The number of the pass the next iter() starts.
    [[nodiscard]] virtual std::uint64_t next_pass() const noexcept = 0;
};

/// Throws std::invalid_argument for batch_size < 1 or prefetch < 0.
std::shared_ptr<BatchLoader> make_batch_loader(const Dataset& dataset, const LoaderOptions& options);

}  // namespace ignite::host
