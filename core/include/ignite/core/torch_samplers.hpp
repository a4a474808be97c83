#pragma once
/// @file torch_samplers.hpp
/// Resumable torch::data DataLoaders: a torch::data sampler over Ignite's
/// ReproducibleBatchSampler, and the engine source that starts the loader's pass at a batch
/// (Ignite's update_dataloader(loader, ReproducibleBatchSampler(...)) for LibTorch loaders).
/// The loader asks the sampler for indices, so skipped batches are never fetched, whatever
/// the number of workers.

#include <ignite/core/errors.hpp>
#include <ignite/core/indexed_data.hpp>
#include <ignite/core/torch_data.hpp>

#include <torch/data.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ignite::data {

/// A torch::data sampler handing out a ReproducibleBatchSampler's batches. Give a copy to
/// torch::data::make_data_loader and keep the ReproducibleBatchSampler to steer it; the
/// loader's batch_size must be the batch sampler's.
class TorchBatchSampler final : public torch::data::samplers::Sampler<std::vector<size_t>> {
public:
    /// Throws ValueError for a null batch sampler.
    explicit TorchBatchSampler(std::shared_ptr<ReproducibleBatchSampler> batch_sampler)
        : batch_sampler_(std::move(batch_sampler)) {
        if (!batch_sampler_) throw ValueError("TorchBatchSampler needs a ReproducibleBatchSampler");
    }
    /// Starts a pass (called by the loader's begin()). `new_size` is not supported: the
    /// batch sampler's sampler fixes the dataset size.
    void reset(std::optional<size_t> new_size = std::nullopt) override {
        if (new_size) throw ValueError("TorchBatchSampler cannot be resized; build a new sampler");
        pass_ = batch_sampler_->pass();
        next_ = 0;
    }
    /// The next batch of indices, or nullopt at the end of the pass. Throws ValueError when
    /// `batch_size` is not the batch sampler's.
    std::optional<std::vector<size_t>> next(size_t batch_size) override {
        const auto own = batch_sampler_->batch_sampler()->batch_size();
        if (static_cast<std::int64_t>(batch_size) != own) {
            throw ValueError("the DataLoader's batch_size (" + std::to_string(batch_size) +
                             ") differs from its TorchBatchSampler's (" + std::to_string(own) + ")");
        }
        if (next_ >= pass_.size()) return std::nullopt;
        const auto idx = pass_.batch(next_++).contiguous();
        const auto* p = idx.data_ptr<std::int64_t>();
        return std::vector<size_t>(p, p + idx.numel());
    }
    /// The position is the engine's (state_dict); these throw RuntimeError.
    void save(torch::serialize::OutputArchive&) const override { unsupported(); }
    void load(torch::serialize::InputArchive&) override { unsupported(); }
    [[nodiscard]] const std::shared_ptr<ReproducibleBatchSampler>& batch_sampler() const noexcept {
        return batch_sampler_;
    }

private:
    [[noreturn]] static void unsupported() {
        throw RuntimeError("TorchBatchSampler keeps no position of its own: resume through the engine's state_dict");
    }
    std::shared_ptr<ReproducibleBatchSampler> batch_sampler_;
    BatchIndices pass_;
    std::int64_t next_ = 0;
};

/// An engine source over a torch::data loader built with TorchBatchSampler(`batch_sampler`):
/// iter_from(k) sets the batch sampler's start_iteration and begins the loader's pass.
/// Batches convert as in from_dataloader (torch_data.hpp).
template <typename Loader>
class TorchLoaderSource final : public ResumableDataSource {
public:
    /// Throws ValueError for a null loader or sampler.
    TorchLoaderSource(std::shared_ptr<Loader> loader, std::shared_ptr<ReproducibleBatchSampler> batch_sampler)
        : loader_(std::move(loader)), batch_sampler_(std::move(batch_sampler)) {
        if (!loader_ || !batch_sampler_) throw ValueError("TorchLoaderSource needs a loader and its batch sampler");
    }
    std::shared_ptr<DataIterator> iter_from(std::int64_t start_iteration) override {
        if (start_iteration < 0) throw ValueError("a pass cannot start at a negative batch");
        if (start_iteration > 0) batch_sampler_->set_start_iteration(start_iteration);
        return std::make_shared<Iterator>(loader_);
    }
    [[nodiscard]] std::optional<std::int64_t> size() const override { return batch_sampler_->size(); }

private:
    class Iterator final : public DataIterator {
    public:
        explicit Iterator(std::shared_ptr<Loader> loader) : loader_(std::move(loader)), it_(loader_->begin()) {}
        bool next(c10::IValue& out) override {
            if (it_ == loader_->end()) return false;
            out = to_ivalue(*it_);
            ++it_;
            return true;
        }

    private:
        std::shared_ptr<Loader> loader_;
        decltype(std::declval<Loader&>().begin()) it_;
    };

    std::shared_ptr<Loader> loader_;
    std::shared_ptr<ReproducibleBatchSampler> batch_sampler_;
};

/// from_dataloader for a loader made with TorchBatchSampler(batch_sampler): a resumable source.
template <typename Loader>
std::shared_ptr<ResumableDataSource> from_dataloader(std::shared_ptr<Loader> loader,
                                                     std::shared_ptr<ReproducibleBatchSampler> batch_sampler) {
    return std::make_shared<TorchLoaderSource<Loader>>(std::move(loader), std::move(batch_sampler));
}
template <typename Loader>
std::shared_ptr<ResumableDataSource> from_dataloader(std::unique_ptr<Loader> loader,
                                                     std::shared_ptr<ReproducibleBatchSampler> batch_sampler) {
    return from_dataloader(std::shared_ptr<Loader>(std::move(loader)), std::move(batch_sampler));
}

}  // namespace ignite::data
