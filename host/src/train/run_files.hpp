#pragma once
// What a finished run tells its user about its files: where each one is and the one command
// that opens it (issue 19: TensorBoard, CSV and the report page are default participants, and
// a newcomer should not have to guess that `tensorboard --logdir` is how to look at tb/).
//
// The list is the output folder as the run left it, not a list of the shipped plugins: a
// third-party logger's file shows up too, and a plugin that wrote nothing is not claimed.
// Known names get a hint (how to read them); an events file anywhere in a listed folder makes
// that folder a TensorBoard log directory. Hidden entries (the folder's lock, temporaries)
// are not the user's business and are left out.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ignite::host {

/// One top-level entry of the output folder.
struct RunFile {
    std::string name;              ///< file or folder name
    bool folder = false;           ///< a directory
    bool has_tfevents = false;     ///< a folder holding TensorBoard event files
    std::uintmax_t bytes = 0;      ///< a file's size (0 for a folder)
};

/// The lines printed after the summary, e.g.
///   "files in /out/run-1:"
///   "  metrics.jsonl   12.3 kB  metrics per epoch, one JSON object per line (pandas.read_json(path, lines=True))"
///   "  tb/                      TensorBoard: tensorboard --logdir /out/run-1/tb"
/// `entries` in any order (shown sorted by name); `tensorboard` is the command that starts
/// TensorBoard (a path to the venv's when it exists). Policy only: no I/O.
std::vector<std::string> run_file_lines(const std::filesystem::path& output_dir, std::vector<RunFile> entries,
                                        const std::string& tensorboard);

/// Reads the output folder's top-level entries (RunFile), never throwing: a folder that
/// cannot be read gives what could be read.
std::vector<RunFile> list_run_files(const std::filesystem::path& output_dir);

/// The command that starts TensorBoard here: the project venv's `tensorboard` when it
/// exists (scripts/install-deps.sh installs it there), else plain `tensorboard`.
std::string tensorboard_command();

}  // namespace ignite::host
