// `ignite-host report DIR`: the report plugin's page for any run folder.
//
// The host links the plugin folder's page library (plugins/report: ignite_report_page, no SDK,
// no core) because this subcommand reads what that plugin's format describes; a plugin never
// links the host (README, Layout). TensorBoard's per-iteration scalars, when a run wrote them,
// go in through ignite_report::add_scalar_series before render_page.
//
// A page the report plugin wrote during the run shows more than metrics.jsonl holds (the loss
// of every iteration, how the run ended), so it is never replaced silently: without --output,
// such a DIR/report.html is refused with the fix (results are never lost, DESIGN "Host").
#include "report_command.hpp"

#include "cli_common.hpp"
#include "exit_status.hpp"
#include "plural.hpp"

#include <ignite/core/durable_file.hpp>

#include <fmt/format.h>
#include <page.hpp>
#include <run_folder.hpp>
#include <tfevents_reader.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <span>

namespace ignite::host {

namespace fs = std::filesystem;

namespace {

constexpr const char* kUsage =
    "Usage: ignite-host report DIR [--output FILE]\n\n"
    "Writes the run's page, DIR/report.html (or FILE): one self-contained HTML file (no network) with\n"
    "the loss, the evaluation metrics, lr, throughput, the confusion matrix and the checkpoints,\n"
    "from DIR/metrics.jsonl, DIR/checkpoints/ and, when present, the per-iteration loss and lr of\n"
    "DIR/tb (the tensorboard plugin's event files). DIR is an `ignite-host train --output-dir`; the\n"
    "run need not have loaded the report plugin. Exit codes: 0 written, 2 bad DIR or arguments,\n"
    "1 the page could not be written.\n";

bool is_help(const std::string& a) { return a == "--help" || a == "-h"; }

// The run's TensorBoard scalars (DIR/tb, the tensorboard plugin's default logdir) by tag, as
// TensorBoard shows them (a resumed run's orphaned steps purged): the per-iteration loss and
// lr that metrics.jsonl, one line per epoch, does not hold. No tb/ folder: nothing added.
void add_tensorboard_series(ignite_report::RunData& run, const fs::path& dir) {
    std::map<std::string, std::vector<ignite_report::Point>> by_tag;
    for (const auto& p : ignite::tfevents::read_scalars(dir / "tb")) {
        by_tag[p.tag].push_back({static_cast<double>(p.step), p.value});
    }
    for (const auto& [tag, points] : by_tag) ignite_report::add_scalar_series(run, tag, points);
}

bool written_by_plugin(const fs::path& page) {
    std::ifstream in(page);
    std::string head(4096, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    return head.find(ignite_report::kPluginGenerator) != std::string::npos;
}

}  // namespace

int report_command(const std::vector<std::string>& args) {
    std::string dir, output;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        if (is_help(a)) {
            std::cout << kUsage;
            return 0;
        }
        if (a == "--output" || a == "-o") {
            if (i + 1 >= args.size()) throw UsageError("report --output needs a FILE");
            output = args[++i];
        } else if (a.rfind("--output=", 0) == 0) {
            output = a.substr(9);
        } else if (a.rfind("-", 0) == 0) {
            throw UsageError(fmt::format("report: unknown option '{}'; see ignite-host report --help", a));
        } else if (dir.empty()) {
            dir = a;
        } else {
            throw UsageError(fmt::format("report takes one DIR, got '{}' and '{}'", dir, a));
        }
    }
    if (dir.empty()) throw UsageError("report needs a DIR: the --output-dir of an ignite-host train run");
    ignite_report::RunData run;
    try {
        run = ignite_report::load_run_folder(dir);
        add_tensorboard_series(run, dir);
    } catch (const ignite_report::RunFolderError& e) {
        throw UsageError(e.what());
    }
    const fs::path page = output.empty() ? fs::path(dir) / ignite_report::kPageFileName : fs::path(output);
    std::error_code ec;
    if (output.empty() && fs::exists(page, ec) && written_by_plugin(page)) {
        throw UsageError(
            fmt::format("'{}' was written by the report plugin during the run and shows more than "
                        "metrics.jsonl holds; write this page elsewhere with --output FILE",
                        page.string()));
    }
    const std::string html = ignite_report::render_page(run);
    try {
        io::write_file_durably(page, std::span<const char>(html.data(), html.size()));
    } catch (const std::exception& e) {
        throw RunFailed(e.what());
    }
    std::cout << fmt::format("wrote {} ({}, {}, from {})\n", page.string(), count_of(run.facts.epochs, "epoch"),
                             count_of(run.facts.iterations, "iteration"), (fs::path(dir) / "metrics.jsonl").string());
    return 0;
}

}  // namespace ignite::host
