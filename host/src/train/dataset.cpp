#include "dataset.hpp"

#include "idx_reader.hpp"

#include <ATen/ATen.h>
#include <fmt/format.h>

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

TrainTestSplit load_mnist_dir(const std::filesystem::path& dir, std::int64_t limit) {
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
    auto [train_x, train_y] = read_split(dir, "train", limit);
    auto [test_x, test_y] = read_split(dir, "t10k", limit);
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
    out.transform = InputTransform{1.0 / 255.0, mean, std};
    out.description = fmt::format("{} ({} train / {} test, {}x{})", dir.filename().string(), out.train.size(),
                                  out.test.size(), train_x.size(1), train_x.size(2));
    return out;
}

TrainTestSplit synthetic_dataset(std::int64_t train_size, std::int64_t test_size, std::uint64_t seed) {
    auto gen = at::detail::createCPUGenerator(seed);
    const auto templates = at::randn({10, 1, 28, 28}, gen);
    auto make = [&](std::int64_t n) {
        auto labels = at::randint(0, 10, {n}, gen, at::kLong);
        auto images = templates.index_select(0, labels) + 0.8 * at::randn({n, 1, 28, 28}, gen);
        return Dataset{images.contiguous(), labels, 10};
    };
    TrainTestSplit out{make(train_size), make(test_size), "", {}};
    out.description = fmt::format("synthetic ({} train / {} test, 28x28)", train_size, test_size);
    return out;
}

}  // namespace ignite::host
