#pragma once
// Reads MNIST-format IDX files (optionally gzip-compressed), the format of Debian's
// dataset-fashion-mnist (/usr/share/datasets/fashion-mnist/*.gz).

#include <ATen/core/Tensor.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace ignite::host {

/// A dataset file is missing, unreadable or not what it claims. what() names the file
/// and the problem in one line.
class DatasetError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Images of an IDX3 file (magic 0x00000803) as a uint8 tensor [N, rows, cols].
at::Tensor read_idx_images(const std::filesystem::path& path);
/// Labels of an IDX1 file (magic 0x00000801) as an int64 tensor [N].
at::Tensor read_idx_labels(const std::filesystem::path& path);

}  // namespace ignite::host
