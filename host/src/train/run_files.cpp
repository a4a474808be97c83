#include "run_files.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <system_error>

namespace ignite::host {
namespace {

struct Hint {
    const char* name;
    const char* text;
};

// How to read the files the shipped participants write; anything else is listed plainly.
constexpr Hint kHints[] = {
    {"metrics.jsonl", "metrics per epoch, one JSON object per line: pandas.read_json(path, lines=True)"},
    {"metrics.csv", "metrics per epoch (and every N iterations) of each engine: pandas.read_csv(path)"},
    {"report.html", "the run as a page: open file://{path} in a browser"},
    {"profile.json", "where the time went: each handler, data loading, processing (docs/profile.md)"},
};

std::string size_text(std::uintmax_t bytes) {
    if (bytes < 1000) return fmt::format("{} B", bytes);
    if (bytes < 1000 * 1000) return fmt::format("{:.1f} kB", static_cast<double>(bytes) / 1e3);
    if (bytes < 1000ull * 1000 * 1000) return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6);
    return fmt::format("{:.1f} GB", static_cast<double>(bytes) / 1e9);
}

bool is_tfevents(const std::filesystem::path& p) { return p.filename().string().find("tfevents") != std::string::npos; }

}  // namespace

std::vector<std::string> run_file_lines(const std::filesystem::path& output_dir, std::vector<RunFile> entries,
                                        const std::string& tensorboard) {
    std::sort(entries.begin(), entries.end(), [](const RunFile& a, const RunFile& b) { return a.name < b.name; });
    std::size_t width = 0;
    for (const auto& e : entries) width = std::max(width, e.name.size() + (e.folder ? 1 : 0));
    std::vector<std::string> lines{fmt::format("files in {}:", output_dir.string())};
    for (const auto& e : entries) {
        const auto shown = e.folder ? e.name + "/" : e.name;
        std::string hint;
        if (e.has_tfevents) {
            hint = fmt::format("TensorBoard: {} --logdir {}", tensorboard, (output_dir / e.name).string());
        } else {
            for (const auto& h : kHints) {
                if (e.name == h.name) hint = fmt::format(fmt::runtime(h.text), fmt::arg("path", (output_dir / e.name).string()));
            }
        }
        const auto size = e.folder ? std::string() : size_text(e.bytes);
        lines.push_back(fmt::format("  {:<{}}  {:>8}  {}", shown, width, size, hint));
        while (!lines.back().empty() && lines.back().back() == ' ') lines.back().pop_back();
    }
    return lines;
}

std::vector<RunFile> list_run_files(const std::filesystem::path& output_dir) {
    std::vector<RunFile> out;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(output_dir, ec), end; !ec && it != end; it.increment(ec)) {
        const auto name = it->path().filename().string();
        if (name.empty() || name.front() == '.') continue;
        RunFile f{.name = name};
        std::error_code e2;
        f.folder = it->is_directory(e2);
        if (f.folder) {
            for (std::filesystem::recursive_directory_iterator r(it->path(), e2), rend; !e2 && r != rend; r.increment(e2)) {
                if (r.depth() > 2) r.disable_recursion_pending();
                if (is_tfevents(r->path())) {
                    f.has_tfevents = true;
                    break;
                }
            }
        } else {
            f.has_tfevents = false;
            f.bytes = it->file_size(e2);
            if (e2) f.bytes = 0;
        }
        out.push_back(std::move(f));
    }
    return out;
}

std::string tensorboard_command() {
#ifdef IGNITE_VENV_DIR
    const std::filesystem::path venv_tb = std::filesystem::path(IGNITE_VENV_DIR) / "bin" / "tensorboard";
    std::error_code ec;
    if (std::filesystem::exists(venv_tb, ec)) return venv_tb.string();
#endif
    return "tensorboard";
}

}  // namespace ignite::host
