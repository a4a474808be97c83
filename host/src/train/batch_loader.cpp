#include "batch_loader.hpp"

#include <ATen/ATen.h>
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
            const auto bs = opts_.batch_size;
            const auto sample_shape = data_.images.sizes().slice(1);
            const auto row_bytes = static_cast<std::size_t>(data_.images.stride(0)) * sizeof(float);
            const auto* src = static_cast<const char*>(data_.images.data_ptr());
            const auto* labels = data_.labels.data_ptr<std::int64_t>();
            for (std::int64_t start = 0; start < n; start += bs) {
                const auto count = std::min(bs, n - start);
                if (count < bs && opts_.drop_last) break;
                std::vector<std::int64_t> shape{count};
                shape.insert(shape.end(), sample_shape.begin(), sample_shape.end());
                auto options = at::TensorOptions().dtype(at::kFloat).pinned_memory(opts_.pin_memory);
                auto x = at::empty(shape, options);
                auto y = at::empty({count}, options.dtype(at::kLong));
                auto* dst = static_cast<char*>(x.data_ptr());
                auto* ydst = y.data_ptr<std::int64_t>();
                for (std::int64_t k = 0; k < count; ++k) {
                    const auto idx = order_[static_cast<std::size_t>(start + k)];
                    std::memcpy(dst + static_cast<std::size_t>(k) * row_bytes, src + static_cast<std::size_t>(idx) * row_bytes,
                                row_bytes);
                    ydst[k] = labels[idx];
                }
                std::unique_lock lock(mutex_);
                cv_.wait(lock, [this] { return stop_ || static_cast<int>(queue_.size()) < opts_.prefetch; });
                if (stop_) return;
                queue_.push_back(Batch{std::move(x), std::move(y)});
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
    if (options.prefetch < 1) throw std::invalid_argument("prefetch must be >= 1");
    return std::make_shared<BatchLoader>(dataset, options);
}

}  // namespace ignite::host
