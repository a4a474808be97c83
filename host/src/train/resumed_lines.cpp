#include "resumed_lines.hpp"

#include "result_file.hpp"

#include <ignite/core/durable_file.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <string>

namespace ignite::host {
namespace fs = std::filesystem;

fs::path superseded_path(const fs::path& metrics) {
    return metrics.parent_path() / (metrics.stem().string() + ".superseded" + metrics.extension().string());
}

namespace {

// Whether `line` is a result line of a step after `iteration`.
bool after(const std::string& line, std::int64_t iteration) {
    const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return false;
    const auto it = j.find("iteration");
    return it != j.end() && it->is_number_integer() && it->get<std::int64_t>() > iteration;
}

}  // namespace

std::int64_t supersede_lines_after(const fs::path& metrics, std::int64_t iteration) {
    std::error_code ec;
    if (!fs::is_regular_file(metrics, ec)) return 0;
    std::ifstream in(metrics, std::ios::binary);
    if (!in) throw ResultWriteError(fmt::format("result file '{}' cannot be read", metrics.string()));
    std::string kept, moved, line;
    std::int64_t count = 0;
    while (std::getline(in, line)) {
        // A last line without '\n' was cut short (a killed run): it moves too, so the next
        // line is not glued to it.
        const bool whole = !in.eof();
        if (!whole || after(line, iteration)) {
            moved += line + '\n';
            ++count;
        } else {
            kept += line + '\n';
        }
    }
    if (in.bad()) throw ResultWriteError(fmt::format("result file '{}' cannot be read", metrics.string()));
    if (count == 0) return 0;
    // The moved lines reach their file (and the disk) before metrics.jsonl loses them.
    ResultFile side(superseded_path(metrics), /*append=*/true);
    side.append_line(std::string_view(moved).substr(0, moved.size() - 1));
    side.close();
    try {
        io::write_file_durably(metrics, std::span<const char>(kept.data(), kept.size()));
    } catch (const std::exception& e) {
        throw ResultWriteError(e.what());
    }
    return count;
}

}  // namespace ignite::host
