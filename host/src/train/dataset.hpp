#pragma once
// Image-classification datasets held in memory: Fashion-MNIST / MNIST-format folders and
// synthetic data for tests.

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace ignite::host {

/// Normalised images [N, 1, H, W] float32 and labels [N] int64.
struct Dataset {
    at::Tensor images;
    at::Tensor labels;
    std::int64_t num_classes = 10;
    [[nodiscard]] std::int64_t size() const { return labels.size(0); }
};

/// How a raw image becomes the model's input: (x * scale - mean) / std, x the pixel values
/// as stored (0..255 for IDX files); recorded in checkpoints so a Python user feeds the
/// saved model what it was trained on. The identity for data that is used as it is.
struct InputTransform {
    double scale = 1.0, mean = 0.0, std = 1.0;
};

struct TrainTestSplit {
    Dataset train;
    Dataset test;
    std::string description;   ///< e.g. "fashion-mnist (60000 train / 10000 test, 28x28)"
    InputTransform transform;  ///< applied to both splits (the training split's statistics)
};

/// Debian's dataset-fashion-mnist location.
inline const std::filesystem::path kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

/// Reads {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] from `dir`, checks the files
/// agree (counts, image sizes, labels < 10) and normalises images with the training
/// split's mean and standard deviation. `limit` > 0 keeps the first `limit` samples of
/// each split (tests). Throws DatasetError naming the file and the problem.
TrainTestSplit load_mnist_dir(const std::filesystem::path& dir, std::int64_t limit = 0);

/// A learnable synthetic problem: each class is a fixed random 28x28 template plus noise.
TrainTestSplit synthetic_dataset(std::int64_t train_size, std::int64_t test_size, std::uint64_t seed);

}  // namespace ignite::host
