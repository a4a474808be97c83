#pragma once
// `ignite-host train --resume auto|PATH`: which checkpoint a run continues from.
//
// auto: every regular file in the checkpoint plugin's folder (its `dirname`, a relative one
// inside --output-dir; not recursive; hidden files such as our temporaries and the lock are
// ignored), whatever its name (filename_pattern decides the names), is loaded and verified (core's checks: zip, CRC32
// of every entry, pickle); the one whose trainer iteration, stored INSIDE it, is highest
// wins (not its name or mtime). A file that fails verification is skipped with a one-line
// warning. No valid checkpoint (or no folder): the run starts fresh, with a line saying so.
// PATH: that file; a file that does not verify is an error (exit 2).

#include <ATen/core/ivalue.h>

#include <filesystem>
#include <optional>
#include <string>

namespace ignite::host {

struct ResumePoint {
    std::filesystem::path path;
    c10::IValue checkpoint;  ///< the loaded, verified dict
    std::int64_t iteration = 0;
};

/// The newest valid checkpoint in `dir` as described above; nullopt when there is none.
/// Throws UsageError when `dir` exists but cannot be listed.
std::optional<ResumePoint> newest_checkpoint(const std::filesystem::path& dir);

/// The checkpoint at `path`. Throws UsageError (one line naming the file and the problem).
ResumePoint checkpoint_at(const std::filesystem::path& path);

}  // namespace ignite::host
