#include "resume.hpp"

#include "checkpoint_state.hpp"
#include "cli_common.hpp"

#include <ignite/runtime/console_log.hpp>

#include <ignite/core/checkpoint_file.hpp>
#include <ignite/core/durable_file.hpp>

#include <fmt/format.h>

#include <system_error>

namespace ignite::host {
namespace fs = std::filesystem;

std::optional<ResumePoint> newest_checkpoint(const fs::path& dir) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) return std::nullopt;
    std::optional<ResumePoint> best;
    fs::directory_iterator it(dir, ec);
    if (ec)
        throw UsageError(fmt::format("--resume auto: folder '{}' cannot be listed ({})", dir.string(), ec.message()));
    for (const auto& entry : it) {
        // Every file, whatever its name: the plugin's filename_pattern may end in .pth or
        // nothing. Hidden files (the folder's lock, our temporaries) are not checkpoints.
        const auto name = entry.path().filename().string();
        if (name.starts_with('.') || io::is_temporary_name(name) || !entry.is_regular_file(ec)) continue;
        c10::IValue value;
        try {
            value = checkpoint::load(entry.path());
        } catch (const std::exception& e) {
            log_line(fmt::format("ignite-host: warning: --resume auto skips {}", e.what()));
            continue;
        }
        const auto iteration = checkpoint_iteration(value);
        if (iteration < 0) {
            log_line(
                fmt::format("ignite-host: warning: --resume auto skips '{}': not a checkpoint of ignite-host train "
                            "(no trainer iteration)",
                            entry.path().string()));
            continue;
        }
        if (!best || iteration > best->iteration) best = ResumePoint{entry.path(), value, iteration};
    }
    return best;
}

ResumePoint checkpoint_at(const fs::path& path) {
    c10::IValue value;
    try {
        value = checkpoint::load(path);
    } catch (const std::exception& e) {
        throw UsageError(fmt::format("--resume: {}", e.what()));
    }
    const auto iteration = checkpoint_iteration(value);
    if (iteration < 0) {
        throw UsageError(
            fmt::format("--resume '{}' is not a checkpoint of ignite-host train (it has no trainer "
                        "iteration); give a file the checkpoint plugin wrote, or one of Ignite's "
                        "Checkpoint({{\"model\", \"optimizer\", \"trainer\"}})",
                        path.string()));
    }
    return {path, value, iteration};
}

}  // namespace ignite::host
