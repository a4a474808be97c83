#pragma once
/// @file samplers.hpp
/// Index samplers as torch.utils.data has them (Sampler, SequentialSampler, RandomSampler,
/// BatchSampler) and Ignite's ReproducibleBatchSampler. A pass is held as one flat int64
/// tensor of dataset indices; batch k is a view of it, so starting a pass at batch k costs
/// nothing per skipped batch (no index list is built or copied for it).
///
/// Random draws are Python's, op for op, on the same generators: RandomSampler reproduces
/// torch.utils.data.RandomSampler's order for the same torch seed and version.

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <optional>

namespace ignite::data {

/// Python's torch.utils.data.Sampler: the dataset indices of one pass.
class Sampler {
public:
    virtual ~Sampler() = default;
    /// Starts a new pass: its indices as a 1-D int64 CPU tensor. Random samplers draw here.
    virtual at::Tensor pass() = 0;
    /// Indices per pass (Python's len(sampler)).
    [[nodiscard]] virtual std::int64_t size() const = 0;
};

/// Python's SequentialSampler: 0, 1, ..., n-1. Throws ValueError for n < 0.
class SequentialSampler final : public Sampler {
public:
    explicit SequentialSampler(std::int64_t n);
    at::Tensor pass() override;
    [[nodiscard]] std::int64_t size() const override { return n_; }

private:
    std::int64_t n_;
};

struct RandomSamplerOptions {
    bool replacement = false;                 ///< draw with replacement (randint) instead of permutations
    std::optional<std::int64_t> num_samples;  ///< indices per pass; default n
    /// Generator to draw from. Unset (Python's generator=None): each pass draws a seed from
    /// torch's default CPU generator and permutes with a fresh generator seeded with it.
    std::optional<at::Generator> generator;
};

/// Python's RandomSampler over n items. Throws ValueError for n < 0 or num_samples (default n) < 1.
class RandomSampler final : public Sampler {
public:
    explicit RandomSampler(std::int64_t n, RandomSamplerOptions options = {});
    at::Tensor pass() override;
    [[nodiscard]] std::int64_t size() const override;

private:
    std::int64_t n_;
    RandomSamplerOptions options_;
};

/// The index batches of one pass: batch k is indices[first + k * batch_size, ...).
/// Cheap to copy (shares the index tensor).
class BatchIndices {
public:
    BatchIndices() = default;
    /// `indices`: the pass's flat indices; the last short batch is dropped when `drop_last`.
    BatchIndices(at::Tensor indices, std::int64_t batch_size, bool drop_last);
    /// Number of batches.
    [[nodiscard]] std::int64_t size() const noexcept { return count_; }
    /// Batch k (0 <= k < size()) as a 1-D int64 view. Throws ValueError out of range.
    [[nodiscard]] at::Tensor batch(std::int64_t k) const;
    /// The batches from k on (Python's batch_indices[k:]): empty when k >= size().
    [[nodiscard]] BatchIndices from(std::int64_t k) const;

private:
    at::Tensor indices_;
    std::int64_t batch_size_ = 1;
    std::int64_t first_ = 0;  // in batches
    std::int64_t count_ = 0;
};

/// Python's BatchSampler: consecutive runs of batch_size indices of the sampler's pass, the
/// last one shorter unless drop_last. Throws ValueError for a null sampler or batch_size < 1.
class BatchSampler {
public:
    BatchSampler(std::shared_ptr<Sampler> sampler, std::int64_t batch_size, bool drop_last = false);
    /// Starts a new pass (the sampler draws now).
    BatchIndices pass();
    /// Batches per pass (Python's len(batch_sampler)).
    [[nodiscard]] std::int64_t size() const;
    [[nodiscard]] std::int64_t batch_size() const noexcept { return batch_size_; }
    [[nodiscard]] bool drop_last() const noexcept { return drop_last_; }
    [[nodiscard]] const std::shared_ptr<Sampler>& sampler() const noexcept { return sampler_; }

private:
    std::shared_ptr<Sampler> sampler_;
    std::int64_t batch_size_;
    bool drop_last_;
};

/// Ignite's ReproducibleBatchSampler: a pass of the wrapped batch sampler, started at
/// start_iteration when set (then unset, as Ignite does). The indices of the whole pass
/// are drawn, so the random stream is the same as a pass started at 0; the batches before
/// start_iteration are skipped arithmetically. Throws TypeError for a null batch sampler (as Ignite for a
/// non-BatchSampler).
class ReproducibleBatchSampler {
public:
    explicit ReproducibleBatchSampler(std::shared_ptr<BatchSampler> batch_sampler,
                                      std::optional<std::int64_t> start_iteration = std::nullopt);
    /// Where the next pass starts (batches to skip); used once. nullopt: at 0. A value past
    /// the pass gives an empty pass (Python's slicing). Throws ValueError when negative.
    void set_start_iteration(std::optional<std::int64_t> start_iteration);
    [[nodiscard]] std::optional<std::int64_t> start_iteration() const noexcept { return start_iteration_; }
    /// Draws the next pass and applies start_iteration (Ignite's setup_batch_indices).
    void setup_batch_indices();
    /// The batches of the pass set up last.
    [[nodiscard]] const BatchIndices& batch_indices() const noexcept { return batch_indices_; }
    /// setup_batch_indices() and the result (Python's iter(sampler)).
    BatchIndices pass();
    /// Batches per full pass (Python's len()).
    [[nodiscard]] std::int64_t size() const { return batch_sampler_->size(); }
    [[nodiscard]] const std::shared_ptr<BatchSampler>& batch_sampler() const noexcept { return batch_sampler_; }

private:
    std::shared_ptr<BatchSampler> batch_sampler_;
    std::optional<std::int64_t> start_iteration_;
    BatchIndices batch_indices_;
};

}  // namespace ignite::data
