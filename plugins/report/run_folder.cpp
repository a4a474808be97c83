#include "run_folder.hpp"

#include "profile_data.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <regex>

namespace ignite_report {

namespace fs = std::filesystem;

namespace {

void read_line(RunData& run, const nlohmann::json& j) {
    if (!j.is_object()) throw std::invalid_argument("not a JSON object");
    const auto split = j.at("split").get<std::string>();
    const auto epoch = j.at("epoch").get<std::int64_t>();
    const auto iteration = j.at("iteration").get<std::int64_t>();
    if (split == "resume") {
        run.resumes.push_back({epoch, iteration, j.value("checkpoint", ""), j.value("superseded", std::int64_t{0})});
        // A resumed run's later lines replace those of the abandoned continuation.
        run.rows.erase(std::remove_if(run.rows.begin(), run.rows.end(),
                                      [&](const EpochRow& r) { return r.iteration > iteration; }),
                       run.rows.end());
        return;
    }
    auto& row = run.row(split, epoch, iteration);
    row.values.clear();
    for (const auto& [key, value] : j.items()) {
        if (key == "split" || key == "epoch" || key == "iteration") continue;
        if (value.is_array()) {
            MatrixValue m{split, key, epoch, {}};
            for (const auto& r : value) {
                std::vector<double> cells;
                if (r.is_array()) {
                    for (const auto& c : r) cells.push_back(c.is_number() ? c.get<double>() : kMissing);
                } else {
                    cells.push_back(r.is_number() ? r.get<double>() : kMissing);
                }
                m.rows.push_back(std::move(cells));
            }
            run.set_matrix(std::move(m));
        } else if (value.is_number() || value.is_null()) {
            row.values.emplace_back(key, value.is_number() ? value.get<double>() : kMissing);
        }
    }
}

std::int64_t epoch_of_iteration(const RunData& run, std::int64_t iteration) {
    std::int64_t epoch = -1;
    for (const auto* r : run.rows_of("train")) {
        if (r->iteration >= iteration) return r->epoch;
        epoch = r->epoch + 1;  // past the last recorded epoch end: within the next one
    }
    return epoch;
}

}  // namespace

RunData load_run_folder(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw RunFolderError(fmt::format("'{}' is not a folder; give the --output-dir of a run", dir.string()));
    const fs::path metrics = dir / "metrics.jsonl";
    if (!fs::exists(metrics, ec))
        throw RunFolderError(
            fmt::format("'{}' holds no metrics.jsonl; give the --output-dir of an ignite-host train "
                        "run made with the jsonl component (a default)",
                        dir.string()));
    std::ifstream in(metrics);
    if (!in) throw RunFolderError(fmt::format("cannot read '{}'", metrics.string()));
    RunData run;
    run.facts.source = "ignite-host report from metrics.jsonl";
    run.facts.output_dir = dir.string();
    std::string line;
    std::int64_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        try {
            read_line(run, nlohmann::json::parse(line));
        } catch (const std::exception& e) {
            std::string why = e.what();
            if (why.rfind("[json.exception", 0) == 0 && why.find("] ") != std::string::npos)
                why = why.substr(why.find("] ") + 2);
            throw RunFolderError(fmt::format("'{}' line {} is not a metrics line ({}); fix or remove that line",
                                             metrics.string(), number, why));
        }
    }
    if (in.bad()) throw RunFolderError(fmt::format("cannot read '{}'", metrics.string()));
    double train_seconds = 0;
    bool any_seconds = false;
    for (const auto* r : run.rows_of("train")) {
        run.facts.epochs = std::max(run.facts.epochs, r->epoch);
        run.facts.iterations = std::max(run.facts.iterations, r->iteration);
        if (const double s = r->value("epoch_seconds"); std::isfinite(s)) {
            train_seconds += s;
            any_seconds = true;
        }
    }
    if (any_seconds) {
        run.facts.wall_seconds = train_seconds;
        run.facts.wall_note = "the epochs' training time from metrics.jsonl; evaluation not included";
    }
    run.facts.outcome = "not recorded";
    run.facts.why = "metrics.jsonl does not say how a run ended; the report plugin's page does";
    // The host's profile.json (docs/profile.md): where the time went, and how the run ended.
    const fs::path profile = dir / "profile.json";
    if (fs::exists(profile, ec)) {
        std::ifstream pin(profile);
        const std::string text((std::istreambuf_iterator<char>(pin)), std::istreambuf_iterator<char>());
        try {
            if (!pin) throw std::invalid_argument("cannot read it");
            run.profile = parse_profile(text);
            if (!run.profile.outcome.empty() && run.profile.outcome != "in progress") {
                run.facts.outcome = run.profile.outcome;
                run.facts.why = "as profile.json records it; the report plugin's page says why";
            }
            if (std::isfinite(run.profile.wall_seconds)) {
                run.facts.wall_seconds = run.profile.wall_seconds;
                run.facts.wall_note = "the whole run, from profile.json";
            }
        } catch (const std::invalid_argument& e) {
            run.profile = {};
            run.profile.note = fmt::format("'{}' could not be read ({}): no table.", profile.string(), e.what());
        }
    } else {
        run.profile.note = "This run folder has no profile.json (ignite-host writes it at the end of every run "
                           "since issue 20; docs/profile.md).";
    }
    // Checkpoints: Ignite's names end in _<global step>.pt (the trainer's iteration by default).
    const fs::path ckpt = dir / "checkpoints";
    if (fs::is_directory(ckpt, ec)) {
        static const std::regex step(R"(_(\d+)\.pt$)");
        std::vector<CheckpointSave> saves;
        for (const auto& entry : fs::directory_iterator(ckpt, ec)) {
            const auto name = entry.path().filename().string();
            if (!entry.is_regular_file(ec) || entry.path().extension() != ".pt") continue;
            CheckpointSave c;
            c.on_disk = 1;
            c.file = (fs::path("checkpoints") / name).string();
            std::smatch m;
            if (std::regex_search(name, m, step) && name.find('=') == std::string::npos) {
                c.iteration = std::stoll(m[1].str());
                c.epoch = epoch_of_iteration(run, c.iteration);
            }
            saves.push_back(std::move(c));
        }
        std::sort(saves.begin(), saves.end(), [](const auto& a, const auto& b) {
            return a.iteration != b.iteration ? a.iteration < b.iteration : a.file < b.file;
        });
        run.checkpoints = std::move(saves);
    }
    return run;
}

void add_scalar_series(RunData& run, const std::string& tag, const std::vector<Point>& points) {
    IterationSeries s;
    s.tag = tag;
    for (const auto& p : points) s.add(static_cast<std::int64_t>(p.x), p.y);
    if (tag == "training/loss") {
        run.loss = std::move(s);
        return;
    }
    static const std::regex group(R"(lr/group_(\d+))");
    std::smatch m;
    if (!std::regex_match(tag, m, group)) return;
    const auto index = static_cast<std::size_t>(std::stoul(m[1].str()));
    if (run.lr.size() <= index) {
        for (std::size_t i = run.lr.size(); i <= index; ++i) run.lr.push_back({fmt::format("lr/group_{}", i), 1, {}});
    }
    run.lr[index] = std::move(s);
}

}  // namespace ignite_report
