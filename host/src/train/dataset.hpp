#pragma once
// Image-classification datasets held in memory: Fashion-MNIST / MNIST-format folders and
// synthetic data for tests, and the validation set held out of the training split.
//
// Decision (issue 17): --limit cuts the training split only, --test-limit the test split;
// --val-split F then holds floor(F * N) of the N training samples out as the validation set
// (torch.utils.data.random_split's rounding for fractions). The held-out samples are a
// function of --seed alone, drawn by a generator of our own (splitmix64, so a LibTorch upgrade
// never changes the split a checkpoint was trained on) and independent of the shuffling order
// and the batch size. Both parts keep file order. The normalisation (mean, std) is the
// training split's as loaded, validation samples included: as torchvision's fixed MNIST
// constants and Ignite's examples (Normalize, then random_split), and so that the transform
// does not change with --val-split.

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
    Dataset val;  ///< held out of the training split by hold_out_validation (size 0: none)
    Dataset test;
    std::string name;  ///< e.g. "fashion-mnist", "synthetic"
    /// e.g. "fashion-mnist (54000 train / 6000 val / 10000 test, 28x28)" (no val part without one).
    [[nodiscard]] std::string description() const;
    InputTransform transform;  ///< applied to every split (the training split's statistics)
};

/// Debian's dataset-fashion-mnist location.
inline const std::filesystem::path kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

/// How many samples of each split to keep: the first N (0: all). --limit, --test-limit.
struct SplitLimits {
    std::int64_t train = 0;
    std::int64_t test = 0;
};

/// Reads {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] from `dir`, checks the files
/// agree (counts, image sizes, labels < 10), keeps the first samples `limits` says and
/// normalises images with the (kept) training split's mean and standard deviation. Throws
/// DatasetError naming the file and the problem.
TrainTestSplit load_mnist_dir(const std::filesystem::path& dir, SplitLimits limits = {});

/// A learnable synthetic problem: each class is a fixed random 28x28 template plus noise.
/// The splits are drawn at their full sizes, then cut to `limits`, so a limit on one split
/// never changes the samples of the other.
TrainTestSplit synthetic_dataset(std::int64_t train_size, std::int64_t test_size, std::uint64_t seed,
                                 SplitLimits limits = {});

/// floor(fraction * train_samples): the validation set's size for --val-split `fraction`.
[[nodiscard]] std::int64_t validation_size(std::int64_t train_samples, double fraction);

/// Moves `count` samples of data.train, chosen by `seed` alone, into data.val (both in file
/// order); count 0 leaves data.val empty. Requires 0 <= count <= data.train.size().
void hold_out_validation(TrainTestSplit& data, std::int64_t count, std::uint64_t seed);

}  // namespace ignite::host
