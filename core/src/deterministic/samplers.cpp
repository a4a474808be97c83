// torch.utils.data's samplers and Ignite's ReproducibleBatchSampler. The draws mirror
// torch/utils/data/sampler.py call for call so the index order is Python's.
#include <ignite/core/errors.hpp>
#include <ignite/core/samplers.hpp>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>

#include <vector>

namespace ignite::data {
namespace {

void check_count(std::int64_t n, std::string_view what) {
    if (n < 0) throw ValueError(fmt::format("{} should be a non-negative number of items, got {}", what, n));
}

}  // namespace

SequentialSampler::SequentialSampler(std::int64_t n) : n_(n) { check_count(n, "SequentialSampler size"); }

at::Tensor SequentialSampler::pass() { return at::arange(n_, at::kLong); }

RandomSampler::RandomSampler(std::int64_t n, RandomSamplerOptions options) : n_(n), options_(std::move(options)) {
    check_count(n, "RandomSampler size");
    if (size() < 1) {  // Python checks num_samples, which defaults to n
        throw ValueError(fmt::format("num_samples should be a positive integer value, but got num_samples={}", size()));
    }
}

std::int64_t RandomSampler::size() const { return options_.num_samples.value_or(n_); }

at::Tensor RandomSampler::pass() {
    const auto opts = at::TensorOptions().dtype(at::kLong);
    at::Generator gen;
    if (options_.generator) {
        gen = *options_.generator;
    } else {
        const auto seed = at::empty({}, opts).random_().item<std::int64_t>();
        gen = at::detail::createCPUGenerator(static_cast<std::uint64_t>(seed));
    }
    const auto num_samples = size();
    std::vector<at::Tensor> parts;
    if (options_.replacement) {
        for (std::int64_t k = 0; k < num_samples / 32; ++k) parts.push_back(at::randint(n_, {32}, gen, opts));
        parts.push_back(at::randint(n_, {num_samples % 32}, gen, opts));
    } else {
        for (std::int64_t k = 0; k < num_samples / n_; ++k) parts.push_back(at::randperm(n_, gen, opts));
        parts.push_back(at::randperm(n_, gen, opts).narrow(0, 0, num_samples % n_));  // Python draws it always
    }
    return parts.size() == 1 ? parts.front() : at::cat(parts);
}

BatchIndices::BatchIndices(at::Tensor indices, std::int64_t batch_size, bool drop_last)
    : indices_(std::move(indices)), batch_size_(batch_size) {
    const auto n = indices_.numel();
    count_ = drop_last ? n / batch_size_ : (n + batch_size_ - 1) / batch_size_;
}

at::Tensor BatchIndices::batch(std::int64_t k) const {
    if (k < 0 || k >= count_)
        throw ValueError(fmt::format("batch {} is out of range: the pass has {} batches", k, count_));
    const auto start = (first_ + k) * batch_size_;
    return indices_.narrow(0, start, std::min(batch_size_, indices_.numel() - start));
}

BatchIndices BatchIndices::from(std::int64_t k) const {
    if (k < 0) throw ValueError(fmt::format("cannot start a pass at a negative batch ({})", k));
    BatchIndices out = *this;
    const auto skip = std::min(k, count_);
    out.first_ += skip;
    out.count_ -= skip;
    return out;
}

BatchSampler::BatchSampler(std::shared_ptr<Sampler> sampler, std::int64_t batch_size, bool drop_last)
    : sampler_(std::move(sampler)), batch_size_(batch_size), drop_last_(drop_last) {
    if (!sampler_) throw ValueError("BatchSampler needs a sampler");
    if (batch_size_ < 1) {
        throw ValueError(
            fmt::format("batch_size should be a positive integer value, but got batch_size={}", batch_size_));
    }
}

BatchIndices BatchSampler::pass() { return BatchIndices(sampler_->pass(), batch_size_, drop_last_); }

std::int64_t BatchSampler::size() const {
    const auto n = sampler_->size();
    return drop_last_ ? n / batch_size_ : (n + batch_size_ - 1) / batch_size_;
}

ReproducibleBatchSampler::ReproducibleBatchSampler(std::shared_ptr<BatchSampler> batch_sampler,
                                                   std::optional<std::int64_t> start_iteration)
    : batch_sampler_(std::move(batch_sampler)) {
    if (!batch_sampler_) throw TypeError("Argument batch_sampler should be a BatchSampler");
    set_start_iteration(start_iteration);
}

void ReproducibleBatchSampler::set_start_iteration(std::optional<std::int64_t> start_iteration) {
    if (start_iteration && *start_iteration < 0) {
        throw ValueError(fmt::format("start_iteration should be a non-negative batch count, got {}", *start_iteration));
    }
    start_iteration_ = start_iteration;
}

void ReproducibleBatchSampler::setup_batch_indices() {
    batch_indices_ = batch_sampler_->pass();
    if (start_iteration_) batch_indices_ = batch_indices_.from(*std::exchange(start_iteration_, std::nullopt));
}

BatchIndices ReproducibleBatchSampler::pass() {
    setup_batch_indices();
    return batch_indices_;
}

}  // namespace ignite::data
