#pragma once
// What a resumed run does to metrics.jsonl before it appends, so that readers see each step
// once and nothing is lost.
//
// Decision: lines of the abandoned continuation (a resume from an older checkpoint: lines whose
// "iteration" is past the checkpoint's) are MOVED, not erased: appended durably to
// metrics.superseded.jsonl beside it first, then metrics.jsonl is replaced atomically by the
// lines it keeps. Then a marker line {"split":"resume","epoch":E,"iteration":I,
// "checkpoint":PATH,"superseded":K} is appended, so a reader sees where the run resumed, and
// pandas' read_json(lines=True) of metrics.jsonl sees every (split, epoch) once without any
// filtering (the marker's split is "resume", which train/test filters skip). Considered: only a
// marker (append-only, but every reader then has to drop the duplicates itself) and dropping
// the lines (loses results a user may want to compare). Resuming from the newest checkpoint,
// the usual case, moves nothing: the file is only appended to.
// A whole line that does not parse, or has no integer "iteration", is kept where it is; a last
// line cut short (no '\n': a killed writer) moves aside too, so nothing is glued to it.

#include <cstdint>
#include <filesystem>

namespace ignite::host {

/// The superseded lines' file beside `metrics`.
std::filesystem::path superseded_path(const std::filesystem::path& metrics);

/// Moves the lines of `metrics` whose iteration is greater than `iteration` (and a last line
/// cut short) to
/// superseded_path(metrics), as described above. Returns how many were moved (0 when the file
/// does not exist). Throws ResultWriteError when a write fails; metrics.jsonl is then unchanged.
std::int64_t supersede_lines_after(const std::filesystem::path& metrics, std::int64_t iteration);

}  // namespace ignite::host
