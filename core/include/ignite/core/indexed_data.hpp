#pragma once
/// @file indexed_data.hpp
/// Index-based data sources: Python's DataLoader over a map-style dataset, whose batches
/// are fetched by index from a batch sampler. Such a source can start a pass at any batch
/// without fetching or building the batches before it, which is what lets the
/// DeterministicEngine resume mid-epoch in constant time.

#include <ignite/core/data.hpp>
#include <ignite/core/samplers.hpp>

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <memory>

namespace ignite {

/// A sized, re-iterable source whose pass can start at a batch (Ignite's DataLoader with a
/// ReproducibleBatchSampler). iter() is iter_from(0).
class ResumableDataSource : public DataSource {
public:
    /// Starts a new pass, drawing its order exactly as iter() would, whose first batch is the
    /// pass's batch `start_iteration` (0-based). Skipped batches are not fetched. A start at
    /// or past size() gives an exhausted pass. Throws ValueError when negative.
    virtual std::shared_ptr<DataIterator> iter_from(std::int64_t start_iteration) = 0;
    std::shared_ptr<DataIterator> iter() override { return iter_from(0); }
};

namespace data {

/// Builds the batch for a 1-D int64 tensor of dataset indices (Python's dataset[i] for each
/// index, then collate). Called on the engine's thread.
using Fetch = std::function<c10::IValue(const at::Tensor& indices)>;

/// Python's DataLoader(dataset, batch_sampler=...) with num_workers=0. Each pass draws, as
/// Python's does, one int64 from torch's default generator (the loader's base seed) and then
/// the batch sampler's order, so a Python program and this one see the same batches for the
/// same torch seed.
class IndexedLoader final : public ResumableDataSource {
public:
    /// Throws ValueError for a null sampler or fetch.
    IndexedLoader(std::shared_ptr<ReproducibleBatchSampler> batch_sampler, Fetch fetch);
    std::shared_ptr<DataIterator> iter_from(std::int64_t start_iteration) override;
    [[nodiscard]] std::optional<std::int64_t> size() const override { return batch_sampler_->size(); }
    [[nodiscard]] const std::shared_ptr<ReproducibleBatchSampler>& batch_sampler() const noexcept {
        return batch_sampler_;
    }
    [[nodiscard]] const Fetch& fetch() const noexcept { return fetch_; }

private:
    std::shared_ptr<ReproducibleBatchSampler> batch_sampler_;
    Fetch fetch_;
};

/// DataLoader(dataset, batch_sampler=batch_sampler): `batch_sampler` is wrapped in a
/// ReproducibleBatchSampler.
std::shared_ptr<IndexedLoader> dataloader(std::shared_ptr<BatchSampler> batch_sampler, Fetch fetch);

/// DataLoader(dataset, batch_size, shuffle, drop_last) over `n` items: a RandomSampler when
/// shuffling, a SequentialSampler otherwise.
std::shared_ptr<IndexedLoader> dataloader(std::int64_t n, Fetch fetch, std::int64_t batch_size, bool shuffle = false,
                                          bool drop_last = false);

/// DataLoader(tensor, ...): batches are rows of `data` (dim 0) stacked, as Python collates a
/// tensor dataset. DataLoader(TensorDataset(x, y), ...) when given two tensors: (x, y) tuples.
/// Throws ValueError when x and y differ in length.
std::shared_ptr<IndexedLoader> tensor_loader(at::Tensor data, std::int64_t batch_size, bool shuffle = false,
                                             bool drop_last = false);
std::shared_ptr<IndexedLoader> tensor_loader(at::Tensor x, at::Tensor y, std::int64_t batch_size, bool shuffle = false,
                                             bool drop_last = false);

}  // namespace data

/// Ignite's update_dataloader: the same loader (same fetch) with another batch sampler.
/// Throws ValueError for a null sampler.
std::shared_ptr<data::IndexedLoader> update_dataloader(
    const data::IndexedLoader& loader, std::shared_ptr<data::ReproducibleBatchSampler> new_batch_sampler);
std::shared_ptr<data::IndexedLoader> update_dataloader(const data::IndexedLoader& loader,
                                                       std::shared_ptr<data::BatchSampler> new_batch_sampler);

}  // namespace ignite
