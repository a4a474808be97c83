// Ignite's DiskSaver over core's checkpoint file format and durable write.
#include <ignite/core/checkpoint_file.hpp>
#include <ignite/core/durable_file.hpp>
#include <ignite/core/errors.hpp>
#include <ignite/core/handlers/checkpoint.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <system_error>

namespace ignite {

namespace fs = std::filesystem;

DiskSaver::DiskSaver(fs::path dirname, DiskSaverOptions options) : dirname_(std::move(dirname)), options_(options) {
    std::error_code ec;
    if (options_.create_dir && !fs::exists(dirname_, ec)) {
        fs::create_directories(dirname_, ec);
        if (ec) throw io::WriteError(dirname_.string(), "cannot create the folder: " + ec.message(), ec.value());
    }
    if (!fs::is_directory(dirname_, ec)) throw ValueError(fmt::format("Directory path '{}' is not found", dirname_.string()));
    if (options_.require_empty) {
        // Ignite's message, its list sorted so that it reads the same every time.
        std::vector<std::string> found;
        for (const auto& entry : fs::directory_iterator(dirname_, ec)) {
            if (entry.path().extension() == ".pt") found.push_back(entry.path().filename().string());
        }
        std::sort(found.begin(), found.end());
        if (!found.empty()) {
            throw ValueError(fmt::format(
                "Files ['{}'] with extension '.pt' are already present in the directory {}. If you want to use this "
                "directory anyway, pass `require_empty=False`.",
                fmt::join(found, "', '"), dirname_.string()));
        }
    }
}

void DiskSaver::operator()(const c10::IValue& checkpoint, const std::string& filename, const SaveMetadata&) {
    const auto path = dirname_ / filename;
    if (options_.atomic) {
        checkpoint::save(checkpoint, path);  // temporary, fsync, rename, fsync of the folder
        return;
    }
    const auto bytes = checkpoint::encode(checkpoint, path.string());
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) throw io::WriteError(path.string(), "cannot open for writing", errno);
    const bool written = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    const int write_errno = errno;
    if (std::fclose(f) != 0 || !written) throw io::WriteError(path.string(), "cannot write", written ? errno : write_errno);
}

void DiskSaver::remove(const std::string& filename) {
    std::error_code ec;
    fs::remove(dirname_ / filename, ec);
    if (ec) throw io::WriteError((dirname_ / filename).string(), "cannot delete: " + ec.message(), ec.value());
}

std::string DiskSaver::location(const std::string& filename) const { return (dirname_ / filename).string(); }

}  // namespace ignite
