// csv: the run's metrics as one CSV file pandas and spreadsheets read whole (issue 19 §2).
//
//   engine,epoch,iteration,global_step,avg_loss,lr/group_0,accuracy,loss
//   trainer,1,5,5,0.6931,0.01,,
//   evaluator,1,2,5,,,0.91,0.2801
//
// A row per trainer epoch (EPOCH_COMPLETED), per run of every other engine (its COMPLETED:
// the evaluator, the validation engine), and with every_iters N > 0 a trainer row every N
// iterations (Ignite's ITERATION_COMPLETED(every=N)) holding the step's output as `loss`. A
// trainer iteration row that falls on an epoch's last iteration is written as part of that
// epoch's row, so each (engine, global_step) is one row. Values: the engine's metrics,
// flattened as Ignite's loggers do (a 1-D tensor metric as name/0, name/1...; a matrix, which
// Ignite's loggers drop, is left to metrics.jsonl, said once), and lr/group_<i> for an engine
// with an optimizer. The rules (columns, quoting, the widened header, the resume cut) are in
// table.hpp; this file does the writing. docs/csv.md is the user's page.
//
// Only the SDK headers are included, like every plugin.
#include "csv_file.hpp"
#include "table.hpp"

#include <ignite/plugin.hpp>
#include <ignite/plugin_util.hpp>
#include <ignite/tensor_values.hpp>

#include <filesystem>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

using ignite::sdk::Engine;
using ignite::sdk::EventInfo;
using ignite::sdk::Events;
using ignite::sdk::Host;
using ignite::sdk::Option;
using ignite::sdk::PluginSpec;
using ignite::sdk::Priority;
using ignite::sdk::TerminateReason;
using ignite_csv::Row;
using Values = std::vector<std::pair<std::string, double>>;
namespace fs = std::filesystem;

class Csv : public ignite::sdk::Plugin {
    void init(Host& host) override {
        const auto dir = host.output_dir();
        if (dir.empty()) {
            throw std::invalid_argument(
                "csv writes metrics.csv into the run's output folder, and this run has none; run it with "
                "`ignite-host train`, or leave csv out");
        }
        every_ = host.option_int("every_iters");  // >= 0: the spec's range
        fs::path path = host.option_string("path");
        // Checked now, changing nothing, so a bad path is a refused command line (exit 2)
        // rather than a run that fails at its first row. A relative path is a file in the output
        // folder, which the host creates after init: checked when the folder is already there.
        bool check = true;
        if (path.is_relative()) {
            if (path.has_parent_path() || path.empty())
                throw std::invalid_argument("csv.path=" + path.string() +
                                            ": a relative path is a file name in the output folder; give a name "
                                            "such as metrics.csv, or an absolute path");
            std::error_code ec;
            check = fs::is_directory(dir, ec);
            path = fs::path(dir) / path;
        }
        if (check) ignite::sdk::OutputFile("csv.path=" + path.string(), path.string()).validate("metrics.csv");
        file_.emplace(path.string());
        resumed_ = host.resumed();

        Engine trainer = host.require_engine("trainer");
        trainer_.emplace(trainer);
        trainer.on(Events::STARTED, Priority::loggers, [this](Engine& t) { start(t); });
        if (every_ > 0)
            trainer.on(Events::ITERATION_COMPLETED.every(every_), Priority::loggers,
                       [this](Engine& t, const EventInfo& ev) { iteration_row(t, ev); });
        trainer.on(Events::EPOCH_COMPLETED, Priority::loggers,
                   [this](Engine& t, const EventInfo& ev) { epoch_row(t, ev); });
        // The run's rows are all written by now (evaluations run inside the trainer's epochs):
        // sync and close while an error can still fail the run.
        trainer.on(Events::COMPLETED, Priority::loggers, [this] { finish(); });
        trainer.on(Events::EXCEPTION_RAISED, Priority::loggers, [this] { finish_after_error(); });
        for (auto& engine : host.engines()) {
            if (engine.raw() == trainer.raw()) continue;
            engine.on(Events::COMPLETED, Priority::loggers,
                      [this](Engine& e, const EventInfo& ev) { engine_row(e, ev); });
        }
    }

    // ---- events ----

    // A fresh run starts the file (replacing an earlier run's); a resumed one keeps the rows up
    // to the checkpoint's iteration and moves the rest aside.
    void start(const Engine& trainer) {
        if (started_) return;
        started_ = true;
        if (!resumed_) {
            file_->open(/*truncate=*/true);
            file_->append(table_.header());
            return;
        }
        const auto step = trainer.iteration();
        const auto text = file_->read_all();
        ignite_csv::Table::Cut cut;
        try {
            cut = table_.load_until(text, step);
        } catch (const std::invalid_argument& e) {
            throw std::runtime_error("'" + file_->path() + "' is not a csv plugin's file: " + e.what() +
                                     "; move it away, or give csv.path another file");
        }
        if (cut.moved > 0) {
            // The moved rows reach their file (and the disk) before metrics.csv loses them.
            const auto aside = orphaned_path();
            host().write_file_durably(aside, cut.moved_text);
            host().write_file_durably(file_->path(), table_.text());
            host().log(IGNITE_LOG_INFO, std::to_string(cut.moved) + " row(s) of " + file_->path() +
                                            " after iteration " + std::to_string(step) +
                                            " belong to the run's earlier continuation; moved to " + aside);
        }
        file_->open(/*truncate=*/false);
        if (text.empty()) file_->append(table_.header());
    }

    void iteration_row(const Engine& t, const EventInfo& ev) {
        Values values;
        if (const auto out = t.output_number()) values.emplace_back("loss", *out);
        lr_values(t, values);
        Row row{"trainer", ev.epoch, ev.iteration, ev.iteration, std::move(values)};
        // The epoch's last iteration: its values join the epoch's row, written moments later.
        if (ev.epoch_length > 0 && ev.iteration % ev.epoch_length == 0)
            pending_ = std::move(row);
        else
            write(row);
    }

    void epoch_row(const Engine& t, const EventInfo& ev) {
        Values values;
        if (pending_ && pending_->global_step == ev.iteration) {
            for (auto& v : pending_->values)
                if (v.first == "loss") values.push_back(v);
            pending_.reset();
        }
        flush_pending();  // one from another step (not expected): written on its own
        metric_values(t, values);
        lr_values(t, values);
        write(Row{"trainer", ev.epoch, ev.iteration, ev.iteration, std::move(values)});
    }

    void engine_row(const Engine& e, const EventInfo& ev) {
        // An evaluation a stop signal (or a handler) cut short covers part of its data: no row,
        // as metrics.jsonl writes no line for it.
        if (e.terminate_reason() != TerminateReason::none) return;
        Values values;
        metric_values(e, values);
        lr_values(e, values);
        write(Row{e.name(), ev.epoch, ev.iteration, trainer_->iteration(), std::move(values)});
        // An evaluation after the training (a program that evaluates once at the end): synced too.
        if (finished_) file_->sync_and_close();
    }

    void finish() {
        if (failed_) return;
        flush_pending();
        file_->sync_and_close();
        finished_ = true;
    }

    // The run fails with the handler's error; the rows written stay, synced if the disk lets us.
    void finish_after_error() noexcept {
        try {
            finish();
        } catch (const std::exception& e) {
            host().log(IGNITE_LOG_WARNING, e.what());
        }
    }

    // ---- values ----

    void metric_values(const Engine& e, Values& out) {
        for (const auto& name : e.metric_names()) {
            if (const auto v = e.metric(name)) {
                out.emplace_back(name, *v);
                continue;
            }
            const auto t = e.metric_tensor(name);
            const DLTensor& d = t->dl_tensor;
            if (d.ndim > 1) {
                if (dropped_.insert(name).second)
                    host().log(IGNITE_LOG_WARNING, "metric '" + name + "' has " + std::to_string(d.ndim) +
                                                       " dimensions; metrics.csv holds numbers and 1-D metrics "
                                                       "(name/0, name/1...), as Ignite's loggers do: it is in "
                                                       "metrics.jsonl");
                continue;
            }
            const auto elements = ignite::sdk::tensor_values(d);  // NaN for a dtype a metric never has
            const auto flat = ignite_csv::flatten(name, static_cast<std::size_t>(d.ndim), elements);
            out.insert(out.end(), flat.begin(), flat.end());
        }
    }

    static void lr_values(const Engine& e, Values& out) {
        const auto groups = e.param_group_count();
        for (std::size_t g = 0; g < groups; ++g)
            if (const auto lr = e.param_group(g, IGNITE_PARAM_LR))
                out.emplace_back("lr/group_" + std::to_string(g), *lr);
    }

    // ---- writing ----

    void write(const Row& row) {
        if (failed_) return;  // the first error already fails the run
        try {
            // A row before the trainer started (an evaluation first) starts the file; one after
            // its end (an evaluation after the training) reopens it.
            if (!started_) start(*trainer_);
            if (!file_->is_open()) file_->open(/*truncate=*/false);
            const auto added = table_.add(row);
            if (added.widened) {
                // A new column: the whole file again under the wider header, atomically (the old
                // rows get empty cells), and the appends continue in the new file.
                file_->close_quietly();
                host().write_file_durably(file_->path(), table_.text());
                file_->open(/*truncate=*/false);
            } else {
                file_->append(added.line);
            }
        } catch (...) {
            failed_ = true;
            throw;
        }
    }

    void flush_pending() {
        if (!pending_) return;
        const Row row = std::move(*pending_);
        pending_.reset();
        write(row);
    }

    // metrics.csv.orphaned-<n>: the first n not taken, so every resume's moved rows are kept.
    std::string orphaned_path() const {
        for (int n = 1;; ++n) {
            const auto p = file_->path() + ".orphaned-" + std::to_string(n);
            std::error_code ec;
            if (!fs::exists(p, ec) && !ec) return p;
        }
    }

    std::int64_t every_ = 0;
    bool resumed_ = false, started_ = false, finished_ = false, failed_ = false;
    std::optional<ignite_csv::CsvFile> file_;
    std::optional<Engine> trainer_;
    ignite_csv::Table table_;
    std::optional<Row> pending_;
    std::set<std::string> dropped_;
};

}  // namespace

IGNITE_SDK_PLUGIN(
    Csv,
    PluginSpec("csv")
        .placement(ignite::sdk::Placement::rank_zero)
        .band(Priority::loggers)
        .needs_abi_minor(6)
        .version("1.0")
        .description("metrics.csv in the output folder: a row per engine per epoch (and every N trainer iterations) "
                     "that pandas.read_csv reads whole (docs/csv.md)")
        .option(
            Option::string("path", "metrics.csv").help("the file: a name in the output folder, or an absolute path"))
        .option(Option::integer("every_iters", 0)
                    .min(0)
                    .help("also a trainer row every N iterations, with the step's output as `loss` (0: epoch rows "
                          "only)")))
