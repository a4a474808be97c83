#include "batch_loader.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <fmt/format.h>

#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace ignite::host {
namespace {

struct Batch {
    at::Tensor x, y;
};

// Copies the rows order[start, start + count) into a new batch. On the training thread
// (inline) the copy runs in LibTorch's parallel region like index_select would; on a
// producer thread it stays serial so it never starts a second OpenMP team.
Batch gather(const Dataset& data, const std::vector<std::int64_t>& order, std::int64_t start, std::int64_t count,
             bool pin_memory, bool parallel) {
    const auto sample_shape = data.images.sizes().slice(1);
    const auto row_bytes = static_cast<std::size_t>(data.images.stride(0)) * sizeof(float);
    const auto* src = static_cast<const char*>(data.images.data_ptr());
    const auto* labels = data.labels.data_ptr<std::int64_t>();
    std::vector<std::int64_t> shape{count};
    shape.insert(shape.end(), sample_shape.begin(), sample_shape.end());
    auto options = at::TensorOptions().dtype(at::kFloat).pinned_memory(pin_memory);
    auto x = at::empty(shape, options);
    auto y = at::empty({count}, options.dtype(at::kLong));
    auto* dst = static_cast<char*>(x.data_ptr());
    auto* ydst = y.data_ptr<std::int64_t>();
    auto copy_rows = [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t k = begin; k < end; ++k) {
            const auto idx = order[static_cast<std::size_t>(start + k)];
            std::memcpy(dst + static_cast<std::size_t>(k) * row_bytes, src + static_cast<std::size_t>(idx) * row_bytes,
                        row_bytes);
            ydst[k] = labels[idx];
        }
    };
    // ~32 KiB per task: below that, splitting costs more than it saves.
    const auto grain = std::max<std::int64_t>(1, static_cast<std::int64_t>((32u << 10) / std::max<std::size_t>(row_bytes, 1)));
    if (parallel) {
        at::parallel_for(0, count, grain, copy_rows);
    } else {
        copy_rows(0, count);
    }
    return Batch{std::move(x), std::move(y)};
}

// The number of rows of the batch starting at `start`, or 0 when the pass is over.
std::int64_t batch_rows(std::int64_t n, std::int64_t start, const LoaderOptions& opts) {
    if (start >= n) return 0;
    const auto count = std::min(opts.batch_size, n - start);
    return count < opts.batch_size && opts.drop_last ? 0 : count;
}

// prefetch = 0: batches are gathered on the engine's thread when asked for.
class InlineIterator final : public ignite::DataIterator {
public:
    InlineIterator(Dataset data, std::vector<std::int64_t> order, LoaderOptions opts)
        : data_(std::move(data)), order_(std::move(order)), opts_(opts) {}
    bool next(c10::IValue& out) override {
        const auto count = batch_rows(static_cast<std::int64_t>(order_.size()), start_, opts_);
        if (count == 0) return false;
        auto b = gather(data_, order_, start_, count, opts_.pin_memory, /*parallel=*/true);
        start_ += count;
        out = c10::ivalue::Tuple::create({std::move(b.x), std::move(b.y)});
        return true;
    }

private:
    Dataset data_;
    std::vector<std::int64_t> order_;
    LoaderOptions opts_;
    std::int64_t start_ = 0;
};

// One pass: a producer thread gathers rows (plain memcpy: no LibTorch parallel region, so
// it never competes with the training step's OpenMP team) into a bounded queue.
class PrefetchIterator final : public ignite::DataIterator {
public:
    PrefetchIterator(Dataset data, std::vector<std::int64_t> order, LoaderOptions opts)
        : data_(std::move(data)), order_(std::move(order)), opts_(opts) {
        producer_ = std::thread([this] { produce(); });
    }
    ~PrefetchIterator() override {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        cv_.notify_all();
        producer_.join();
    }

    bool next(c10::IValue& out) override {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [this] { return !queue_.empty() || done_; });
        if (error_) std::rethrow_exception(error_);
        if (queue_.empty()) return false;
        Batch b = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        cv_.notify_all();
        out = c10::ivalue::Tuple::create({std::move(b.x), std::move(b.y)});
        return true;
    }

private:
    void produce() {
        try {
            const auto n = static_cast<std::int64_t>(order_.size());
            for (std::int64_t start = 0;;) {
                const auto count = batch_rows(n, start, opts_);
                if (count == 0) break;
                auto batch = gather(data_, order_, start, count, opts_.pin_memory, /*parallel=*/false);
                start += count;
                std::unique_lock lock(mutex_);
                cv_.wait(lock, [this] { return stop_ || static_cast<int>(queue_.size()) < opts_.prefetch; });
                if (stop_) return;
                queue_.push_back(std::move(batch));
                lock.unlock();
                cv_.notify_all();
            }
        } catch (...) {
            std::lock_guard lock(mutex_);
            error_ = std::current_exception();
        }
        {
            std::lock_guard lock(mutex_);
            done_ = true;
        }
        cv_.notify_all();
    }

    Dataset data_;
    std::vector<std::int64_t> order_;
    LoaderOptions opts_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<Batch> queue_;
    bool stop_ = false;
    bool done_ = false;
    std::exception_ptr error_;
    std::thread producer_;
};

class BatchLoader final : public ignite::DataSource {
public:
    BatchLoader(Dataset data, LoaderOptions opts) : data_(std::move(data)), opts_(opts) {
        data_.images = data_.images.contiguous();
        data_.labels = data_.labels.contiguous();
    }

    std::shared_ptr<ignite::DataIterator> iter() override {
        const auto n = data_.size();
        std::vector<std::int64_t> order(static_cast<std::size_t>(n));
        if (opts_.shuffle) {
            auto gen = at::detail::createCPUGenerator(opts_.seed + pass_++);
            auto perm = at::randperm(n, gen, at::kLong);
            std::memcpy(order.data(), perm.data_ptr<std::int64_t>(), order.size() * sizeof(std::int64_t));
        } else {
            for (std::int64_t i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
        }
        if (opts_.prefetch == 0) return std::make_shared<InlineIterator>(data_, std::move(order), opts_);
        return std::make_shared<PrefetchIterator>(data_, std::move(order), opts_);
    }

    [[nodiscard]] std::optional<std::int64_t> size() const override {
        const auto n = data_.size();
        return opts_.drop_last ? n / opts_.batch_size : (n + opts_.batch_size - 1) / opts_.batch_size;
    }

private:
    Dataset data_;
    LoaderOptions opts_;
    std::uint64_t pass_ = 0;
};

}  // namespace

ignite::DataPtr make_batch_loader(const Dataset& dataset, const LoaderOptions& options) {
    if (options.batch_size < 1) {
        throw std::invalid_argument(fmt::format("--batch-size must be >= 1, got {}", options.batch_size));
    }
    if (options.prefetch < 0) {
        throw std::invalid_argument(fmt::format("--prefetch must be >= 0, got {}", options.prefetch));
    }
    return std::make_shared<BatchLoader>(dataset, options);
}

}  // namespace ignite::host
