#include "dataset.hpp"

#include "idx_reader.hpp"

#include <ATen/ATen.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace ignite::host {
namespace {

std::filesystem::path find_file(const std::filesystem::path& dir, const std::string& stem) {
    for (const auto& candidate : {dir / (stem + ".gz"), dir / stem}) {
        if (std::filesystem::exists(candidate)) return candidate;
    }
    throw DatasetError(fmt::format("dataset folder '{}' has no {}[.gz]; it must hold the four MNIST-format IDX files",
                                   dir.string(), stem));
}

std::pair<at::Tensor, at::Tensor> read_split(const std::filesystem::path& dir, const std::string& prefix,
                                             std::int64_t limit) {
    const auto images_path = find_file(dir, prefix + "-images-idx3-ubyte");
    const auto labels_path = find_file(dir, prefix + "-labels-idx1-ubyte");
    auto images = read_idx_images(images_path);
    auto labels = read_idx_labels(labels_path);
    if (images.size(0) != labels.size(0)) {
        throw DatasetError(fmt::format("'{}' has {} images but '{}' has {} labels", images_path.string(),
                                       images.size(0), labels_path.string(), labels.size(0)));
    }
    if (labels.min().item<std::int64_t>() < 0 || labels.max().item<std::int64_t>() > 9) {
        throw DatasetError(fmt::format("'{}' has labels outside 0..9", labels_path.string()));
    }
    if (limit > 0 && limit < images.size(0)) {
        images = images.narrow(0, 0, limit);
        labels = labels.narrow(0, 0, limit);
    }
    return {images, labels};
}

}  // namespace

std::string TrainTestSplit::description() const {
    return fmt::format("{} ({} train / {}{} test, {}x{})", name, train.size(),
                       val.size() > 0 ? fmt::format("{} val / ", val.size()) : "", test.size(), train.images.size(2),
                       train.images.size(3));
}

TrainTestSplit load_mnist_dir(const std::filesystem::path& dir, SplitLimits limits) {
    if (std::filesystem::exists(dir) && !std::filesystem::is_directory(dir)) {
        throw DatasetError(
            fmt::format("dataset '{}' is not a folder: --dataset mnist:DIR takes the folder that holds "
                        "the four IDX files, not a file",
                        dir.string()));
    }
    if (!std::filesystem::is_directory(dir)) {
        throw DatasetError(
            fmt::format("dataset folder '{}' does not exist; install dataset-fashion-mnist or pass "
                        "--dataset mnist:DIR",
                        dir.string()));
    }
    auto [train_x, train_y] = read_split(dir, "train", limits.train);
    auto [test_x, test_y] = read_split(dir, "t10k", limits.test);
    if (train_x.size(1) != test_x.size(1) || train_x.size(2) != test_x.size(2)) {
        throw DatasetError(fmt::format("dataset folder '{}': train images are {}x{} but test images are {}x{}",
                                       dir.string(), train_x.size(1), train_x.size(2), test_x.size(1), test_x.size(2)));
    }
    auto to_float = [](const at::Tensor& x) { return x.to(at::kFloat).div_(255.0).unsqueeze(1).contiguous(); };
    auto train_f = to_float(train_x), test_f = to_float(test_x);
    const double mean = train_f.mean().item<double>();
    const double std = train_f.std().item<double>();
    train_f.sub_(mean).div_(std);
    test_f.sub_(mean).div_(std);
    TrainTestSplit out;
    out.train = Dataset{train_f, train_y.contiguous(), 10};
    out.test = Dataset{test_f, test_y.contiguous(), 10};
    out.name = dir.filename().string();
    out.transform = InputTransform{1.0 / 255.0, mean, std};
    return out;
}

TrainTestSplit synthetic_dataset(std::int64_t train_size, std::int64_t test_size, std::uint64_t seed,
                                 SplitLimits limits) {
    auto gen = at::detail::createCPUGenerator(seed);
    const auto templates = at::randn({10, 1, 28, 28}, gen);
    auto make = [&](std::int64_t n, std::int64_t limit) {
        auto labels = at::randint(0, 10, {n}, gen, at::kLong);
        auto images = templates.index_select(0, labels) + 0.8 * at::randn({n, 1, 28, 28}, gen);
        if (limit > 0 && limit < n) {
            labels = labels.narrow(0, 0, limit);
            images = images.narrow(0, 0, limit);
        }
        return Dataset{images.contiguous(), labels.contiguous(), 10};
    };
    TrainTestSplit out;
    out.train = make(train_size, limits.train);
    out.test = make(test_size, limits.test);
    out.name = "synthetic";
    return out;
}

std::int64_t validation_size(std::int64_t train_samples, double fraction) {
    // The epsilon keeps 0.29 * 100 (28.999999999999996 in binary) at 29.
    return static_cast<std::int64_t>(std::floor(static_cast<double>(train_samples) * fraction + 1e-9));
}

namespace {

// splitmix64 (Steele, Lea, Flood 2014): a fixed, documented stream, the same on every
// platform and LibTorch version, unlike std::uniform_int_distribution or at::randperm.
struct SplitMix64 {
    std::uint64_t state;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    // Uniform in [0, bound) by Lemire's multiply-shift (bias below 2^-40 for our sizes).
    std::uint64_t below(std::uint64_t bound) {
        return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * bound) >> 64);
    }
};

Dataset select(const Dataset& d, const std::vector<std::int64_t>& rows) {
    const auto index = at::tensor(rows, at::kLong);
    return Dataset{d.images.index_select(0, index).contiguous(), d.labels.index_select(0, index).contiguous(),
                   d.num_classes};
}

}  // namespace

void hold_out_validation(TrainTestSplit& data, std::int64_t count, std::uint64_t seed) {
    const auto n = data.train.size();
    if (count <= 0 || count > n) return;
    // A partial Fisher-Yates shuffle: the first `count` places of a seeded permutation are
    // the validation rows. The salt keeps this stream apart from anything else seeded by
    // --seed (weights, shuffling).
    std::vector<std::int64_t> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    SplitMix64 rng{seed ^ 0x76616C2D73706C74ULL};  // "val-splt"
    for (std::int64_t i = 0; i < count; ++i) {
        const auto j = i + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(n - i)));
        std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(j)]);
    }
    std::vector<std::int64_t> val_rows(order.begin(), order.begin() + count);
    std::vector<std::int64_t> train_rows(order.begin() + count, order.end());
    std::sort(val_rows.begin(), val_rows.end());
    std::sort(train_rows.begin(), train_rows.end());
    data.val = select(data.train, val_rows);
    data.train = select(data.train, train_rows);
}

}  // namespace ignite::host
