#include "idx_reader.hpp"

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <zlib.h>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace ignite::host {
namespace {

// gzread reads plain files too, so one path handles .gz and uncompressed IDX.
class GzFile {
public:
    explicit GzFile(const std::filesystem::path& path) : path_(path) {
        if (!std::filesystem::exists(path)) {
            throw DatasetError(fmt::format("dataset file '{}' does not exist; install dataset-fashion-mnist or pass "
                                           "--dataset mnist:DIR",
                                           path.string()));
        }
        file_ = gzopen(path.c_str(), "rb");
        if (file_ == nullptr) throw DatasetError(fmt::format("dataset file '{}' cannot be opened", path.string()));
        gzbuffer(file_, 1 << 20);
    }
    ~GzFile() {
        if (file_) gzclose(file_);
    }
    GzFile(const GzFile&) = delete;
    GzFile& operator=(const GzFile&) = delete;

    void read(void* dst, std::size_t n, const char* what) {
        auto* p = static_cast<char*>(dst);
        while (n > 0) {
            const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(n, 1u << 30));
            const int got = gzread(file_, p, chunk);
            if (got <= 0) {
                int err = 0;
                const char* msg = gzerror(file_, &err);
                throw DatasetError(fmt::format("dataset file '{}' is truncated or corrupt while reading {}{}",
                                               path_.string(), what,
                                               err != Z_OK && msg ? fmt::format(" ({})", msg) : ""));
            }
            p += got;
            n -= static_cast<std::size_t>(got);
        }
    }

    std::uint32_t read_u32(const char* what) {
        std::array<unsigned char, 4> b{};
        read(b.data(), 4, what);
        return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
    }

private:
    std::filesystem::path path_;
    gzFile file_ = nullptr;
};

}  // namespace

at::Tensor read_idx_images(const std::filesystem::path& path) {
    GzFile f(path);
    const auto magic = f.read_u32("the header");
    if (magic != 0x00000803) {
        throw DatasetError(fmt::format("'{}' is not an IDX image file (magic 0x{:08x}, expected 0x00000803)",
                                       path.string(), magic));
    }
    const auto n = f.read_u32("the header"), rows = f.read_u32("the header"), cols = f.read_u32("the header");
    if (n == 0 || rows == 0 || cols == 0 || rows > 4096 || cols > 4096) {
        throw DatasetError(fmt::format("'{}' declares implausible dimensions {}x{}x{}", path.string(), n, rows, cols));
    }
    auto images = at::empty({static_cast<std::int64_t>(n), rows, cols}, at::kByte);
    f.read(images.data_ptr(), static_cast<std::size_t>(images.numel()), "the images");
    return images;
}

at::Tensor read_idx_labels(const std::filesystem::path& path) {
    GzFile f(path);
    const auto magic = f.read_u32("the header");
    if (magic != 0x00000801) {
        throw DatasetError(fmt::format("'{}' is not an IDX label file (magic 0x{:08x}, expected 0x00000801)",
                                       path.string(), magic));
    }
    const auto n = f.read_u32("the header");
    if (n == 0) throw DatasetError(fmt::format("'{}' declares no labels", path.string()));
    auto labels = at::empty({static_cast<std::int64_t>(n)}, at::kByte);
    f.read(labels.data_ptr(), n, "the labels");
    return labels.to(at::kLong);
}

}  // namespace ignite::host
