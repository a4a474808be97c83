#include "process.hpp"

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace ignite::test {
namespace fs = std::filesystem;

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<std::string> words_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string word; in >> word;) out.push_back(word);
    return out;
}

bool has_line(const std::string& text, const std::string& line) {
    const auto ls = lines_of(text);
    return std::find(ls.begin(), ls.end(), line) != ls.end();
}

std::vector<std::string> error_lines(const std::string& text) {
    std::vector<std::string> out;
    for (const auto& l : lines_of(text)) {
        if (l.rfind("ignite-host: error:", 0) == 0) out.push_back(l);
    }
    return out;
}

std::string take_dry_run_summary(std::string& out) {
    static const std::regex summary(R"((^|\n)(dry-run: \d+ epochs? x \d+ iterations?, [^\n]*\n)$)");
    std::smatch m;
    if (!std::regex_search(out, m, summary)) return "";
    std::string line = m[2];
    out.erase(static_cast<std::size_t>(m.position(2)));
    return line;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

fs::path scratch_dir(const std::string& prefix) {
    auto d = fs::temp_directory_path() / (prefix + "_" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
}

namespace {

// " -u 'NAME'" / " 'NAME=VALUE'" for `env`'s arguments.
std::string env_words(const std::vector<std::string>& env) {
    std::string out;
    for (const auto& e : env) out += e.rfind("-u ", 0) == 0 ? " -u " + shell_quote(e.substr(3)) : " " + shell_quote(e);
    return out;
}

std::string words(const std::vector<std::string>& argv) {
    std::string out;
    for (const auto& a : argv) out += " " + shell_quote(a);
    return out;
}

// Runs `cmd` through /bin/sh with stdin from /dev/null and the output in files.
ProcessResult run_shell(const std::string& cmd, bool merge_stderr, const std::string& stdout_to) {
    static int counter = 0;
    const auto base = scratch_dir("ignite_process") / ("run" + std::to_string(++counter));
    const auto out_path = base.string() + ".out", err_path = base.string() + ".err";
    ProcessResult r;
    r.cmd = cmd + " >" + shell_quote(stdout_to.empty() ? out_path : stdout_to) +
            (merge_stderr ? " 2>&1" : " 2>" + shell_quote(err_path)) + " </dev/null";
    r.status = std::system(r.cmd.c_str());
    r.exited = WIFEXITED(r.status);
    r.rc = r.exited ? WEXITSTATUS(r.status) : -1;
    r.signal = WIFSIGNALED(r.status) ? WTERMSIG(r.status) : 0;
    if (stdout_to.empty()) r.out = read_file(out_path);
    if (!merge_stderr) r.err = read_file(err_path);
    fs::remove(out_path);
    fs::remove(err_path);
    return r;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                          bool merge_stderr) {
    return run_shell("exec env" + env_words(env) + words(argv), merge_stderr, "");
}

std::string host_command(const std::string& exe, const std::vector<std::string>& args, const HostRun& how) {
    std::string cmd;
    if (!how.cwd.empty()) cmd += "cd " + shell_quote(how.cwd.string()) + " && ";
    if (!how.shell_prefix.empty()) cmd += how.shell_prefix + " && ";
    std::vector<std::string> env{how.plugin_path ? "IGNITE_PLUGIN_PATH=" + *how.plugin_path
                                                 : std::string("-u IGNITE_PLUGIN_PATH")};
    env.insert(env.end(), how.env.begin(), how.env.end());
    std::vector<std::string> argv{exe};
    argv.insert(argv.end(), args.begin(), args.end());
    return cmd + "exec" + words(how.launcher) + " env" + env_words(env) + words(argv);
}

ProcessResult run_host(const std::string& exe, const std::vector<std::string>& args, const HostRun& how) {
    return run_shell(host_command(exe, args, how), how.merge_stderr, how.stdout_to);
}

std::vector<nlohmann::json> read_jsonl(const fs::path& p) {
    std::vector<nlohmann::json> out;
    for (const auto& line : lines_of(read_file(p))) out.push_back(nlohmann::json::parse(line));
    return out;
}

}  // namespace ignite::test
