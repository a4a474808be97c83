#pragma once
// Running ignite-host (or any program) from a test the way a user's shell would, and
// small file/text helpers the end-to-end tests share.

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ignite::test {

/// `s` quoted for /bin/sh.
std::string shell_quote(const std::string& s);
/// A file's bytes ("" when it cannot be read).
std::string read_file(const std::filesystem::path& p);
/// `text` split into words at whitespace (for a command line written as one string).
std::vector<std::string> words_of(const std::string& text);
/// `text` split into lines (no trailing newline characters).
std::vector<std::string> lines_of(const std::string& text);
/// A directory unique to this test process under the system temp dir, created once.
std::filesystem::path scratch_dir(const std::string& prefix);

struct ProcessResult {
    std::string cmd;      ///< the shell command, for failure messages
    int status = -1;      ///< the wait status (WIFEXITED, WEXITSTATUS...)
    bool exited = false;  ///< ended normally (not killed by a signal)
    int rc = -1;          ///< exit status when exited
    int signal = 0;       ///< the signal that killed it, when not exited
    std::string out;      ///< stdout (stdout + stderr when merged; "" when sent elsewhere)
    std::string err;      ///< stderr ("" when merged)
};

/// Runs argv through `exec env ENV... ARGV` (so a crash shows as a signal, not a shell
/// exit code). `env` entries are `NAME=VALUE` or `-u NAME`. Output goes to files, so the
/// program sees no terminal; stdin is /dev/null.
ProcessResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
                          bool merge_stderr = false);

/// How run_host starts ignite-host (every field optional; designated initializers).
struct HostRun {
    /// IGNITE_PLUGIN_PATH for the run; nullopt removes it, so the user's never leaks in.
    std::optional<std::string> plugin_path;
    std::vector<std::string> env;       ///< more `NAME=VALUE` / `-u NAME` entries
    std::vector<std::string> launcher;  ///< words run before it, e.g. {"timeout", "120"}
    std::filesystem::path cwd;          ///< working directory ("" = the test's)
    std::string shell_prefix;           ///< shell commands run first, in the same shell
    bool merge_stderr = false;          ///< stderr into `out`
    std::string stdout_to;              ///< a file that gets stdout instead of `out` (e.g. /dev/full)
};

/// The /bin/sh command running ignite-host `exe ARGS` as `how` says (cwd, shell_prefix,
/// environment, launcher), with no redirections: for a test that starts it itself (in the
/// background, with closed descriptors). `exec`s, so the shell's pid becomes the program's.
std::string host_command(const std::string& exe, const std::vector<std::string>& args, const HostRun& how = {});

/// Runs ignite-host `exe ARGS` as `how` says and waits for it. stdin is /dev/null; output
/// goes to files, so it sees no terminal. The one way the tests run ignite-host.
ProcessResult run_host(const std::string& exe, const std::vector<std::string>& args, const HostRun& how = {});

/// True when `line` is one whole line of `text`.
bool has_line(const std::string& text, const std::string& line);
/// The lines of `text` that start "ignite-host: error:" (the host's one-line errors).
std::vector<std::string> error_lines(const std::string& text);

/// Takes dry-run's own summary line ("dry-run: 2 epochs x 3 iterations, ...\n"), when it is
/// the last line of `out`, off `out` and returns it ("" when there is none): the plugin tests
/// read the plugins' lines (only that last line, only in that form, so nothing else is hidden).
std::string take_dry_run_summary(std::string& out);

/// A JSON-lines file, one parsed object per line; a malformed line throws.
std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& p);

}  // namespace ignite::test
