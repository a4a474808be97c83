#include "idx_reader.hpp"

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <zlib.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace ignite::host {
namespace {

// gzread reads plain files too, so one path handles .gz and uncompressed IDX.
class GzFile {
public:
    explicit GzFile(const std::filesystem::path& path) : path_(path) {
        if (!std::filesystem::exists(path)) {
            throw DatasetError(
                fmt::format("dataset file '{}' does not exist; install dataset-fashion-mnist or pass "
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

// Refuses a header that declares more data than the file can hold, before anything that
// size is allocated. A plain file must hold header + payload bytes; a gzip file's trailer
// records the uncompressed size modulo 2^32, and deflate cannot expand more than ~1032x.
void check_declared_size(const std::filesystem::path& path, std::uint64_t header, std::uint64_t payload,
                         const std::string& declared) {
    const std::uint64_t needed = header + payload;
    std::error_code ec;
    const std::uint64_t size = std::filesystem::file_size(path, ec);
    if (ec) return;  // not a regular file: the reads will tell
    std::array<unsigned char, 4> head{};
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return;
    const bool gzip = std::fread(head.data(), 1, 2, f) == 2 && head[0] == 0x1f && head[1] == 0x8b;
    std::uint64_t holds = size;
    bool ok = size >= needed;
    if (gzip) {
        std::array<unsigned char, 4> trailer{};
        const bool read = size >= 18 && std::fseek(f, -4, SEEK_END) == 0 && std::fread(trailer.data(), 1, 4, f) == 4;
        holds = read ? (std::uint64_t{trailer[3]} << 24) | (std::uint64_t{trailer[2]} << 16) |
                           (std::uint64_t{trailer[1]} << 8) | trailer[0]
                     : 0;
        ok = read && needed <= size * 1032 + 1024 && (needed & 0xffffffffu) == holds;
    }
    std::fclose(f);
    if (!ok) {
        throw DatasetError(
            fmt::format("dataset file '{}' declares {} ({} bytes with its header) but holds {} bytes{}; "
                        "the file is truncated or its header is corrupt: re-download it",
                        path.string(), declared, needed, holds, gzip ? " uncompressed" : ""));
    }
}

}  // namespace

at::Tensor read_idx_images(const std::filesystem::path& path) {
    GzFile f(path);
    const auto magic = f.read_u32("the header");
    if (magic != 0x00000803) {
        throw DatasetError(
            fmt::format("'{}' is not an IDX image file (magic 0x{:08x}, expected 0x00000803)", path.string(), magic));
    }
    const auto n = f.read_u32("the header"), rows = f.read_u32("the header"), cols = f.read_u32("the header");
    if (n == 0 || rows == 0 || cols == 0 || rows > 4096 || cols > 4096) {
        throw DatasetError(fmt::format("'{}' declares implausible dimensions {}x{}x{}", path.string(), n, rows, cols));
    }
    check_declared_size(path, 16, std::uint64_t{n} * rows * cols, fmt::format("{} images of {}x{}", n, rows, cols));
    auto images = at::empty({static_cast<std::int64_t>(n), rows, cols}, at::kByte);
    f.read(images.data_ptr(), static_cast<std::size_t>(images.numel()), "the images");
    return images;
}

at::Tensor read_idx_labels(const std::filesystem::path& path) {
    GzFile f(path);
    const auto magic = f.read_u32("the header");
    if (magic != 0x00000801) {
        throw DatasetError(
            fmt::format("'{}' is not an IDX label file (magic 0x{:08x}, expected 0x00000801)", path.string(), magic));
    }
    const auto n = f.read_u32("the header");
    if (n == 0) throw DatasetError(fmt::format("'{}' declares no labels", path.string()));
    check_declared_size(path, 8, n, fmt::format("{} labels", n));
    auto labels = at::empty({static_cast<std::int64_t>(n)}, at::kByte);
    f.read(labels.data_ptr(), n, "the labels");
    return labels.to(at::kLong);
}

}  // namespace ignite::host
