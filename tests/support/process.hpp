#pragma once
// Running ignite-host (or any program) from a test the way a user's shell would, and
// small file/text helpers the end-to-end tests share.

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace ignite::test {

/// `s` quoted for /bin/sh.
std::string shell_quote(const std::string& s);
/// A file's bytes ("" when it cannot be read).
std::string read_file(const std::filesystem::path& p);
/// `text` split into lines (no trailing newline characters).
std::vector<std::string> lines_of(const std::string& text);
/// A directory unique to this test process under the system temp dir, created once.
std::filesystem::path scratch_dir(const std::string& prefix);

struct ProcessResult {
    std::string cmd;      ///< the shell command, for failure messages
    bool exited = false;  ///< ended normally (not killed by a signal)
    int rc = -1;          ///< exit status when exited
    int signal = 0;       ///< the signal that killed it, when not exited
    std::string out;      ///< stdout (stdout + stderr when merged)
    std::string err;      ///< stderr ("" when merged)
};

/// Runs argv through `exec env ENV... ARGV` (so a crash shows as a signal, not a shell
/// exit code). `env` entries are `NAME=VALUE` or `-u NAME`. Output goes to files, so the
/// program sees no terminal; stdin is /dev/null.
ProcessResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
                          bool merge_stderr = false);

/// Runs `exe ARGS` (ignite-host) with IGNITE_PLUGIN_PATH set to `plugin_dir`.
ProcessResult run_host(const std::string& exe, const std::vector<std::string>& args, const std::string& plugin_dir,
                       bool merge_stderr = false);

/// A JSON-lines file, one parsed object per line; a malformed line throws.
std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& p);

}  // namespace ignite::test
