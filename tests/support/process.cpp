#include "process.hpp"

#include <fstream>
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

ProcessResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                          bool merge_stderr) {
    static int counter = 0;
    const auto base = scratch_dir("ignite_process") / ("run" + std::to_string(++counter));
    const auto out_path = base.string() + ".out", err_path = base.string() + ".err";
    std::string cmd = "exec env";
    for (const auto& e : env) {
        if (e.rfind("-u ", 0) == 0) {
            cmd += " -u " + shell_quote(e.substr(3));
        } else {
            cmd += " " + shell_quote(e);
        }
    }
    for (const auto& a : argv) cmd += " " + shell_quote(a);
    cmd += " >" + shell_quote(out_path) + (merge_stderr ? " 2>&1" : " 2>" + shell_quote(err_path)) + " </dev/null";
    const int status = std::system(cmd.c_str());
    ProcessResult r;
    r.cmd = cmd;
    r.exited = WIFEXITED(status);
    r.rc = r.exited ? WEXITSTATUS(status) : -1;
    r.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    r.out = read_file(out_path);
    if (!merge_stderr) r.err = read_file(err_path);
    fs::remove(out_path);
    fs::remove(err_path);
    return r;
}

ProcessResult run_host(const std::string& exe, const std::vector<std::string>& args, const std::string& plugin_dir,
                       bool merge_stderr) {
    std::vector<std::string> argv{exe};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, {"IGNITE_PLUGIN_PATH=" + plugin_dir}, merge_stderr);
}

std::vector<nlohmann::json> read_jsonl(const fs::path& p) {
    std::vector<nlohmann::json> out;
    for (const auto& line : lines_of(read_file(p))) out.push_back(nlohmann::json::parse(line));
    return out;
}

}  // namespace ignite::test
