// report: the run as one self-contained page, <output_dir>/report.html (issue 19 §3).
//
// It fills RunData (run_data.hpp) from the engines as the run goes and rewrites the page
// (page.hpp) with the host's durable write (temp file + fsync + rename, every write checked;
// a failed write fails the run) at every trainer EPOCH_COMPLETED, after each evaluation (so
// the epoch's validation numbers are there too), at the trainer's end and at EXCEPTION_RAISED,
// so a crashed or killed run still has the page of its last finished epoch. What it keeps is
// its checkpoint state (JSON, state_key "report"), so a resumed run's page shows the whole
// history; per-iteration series are decimated deterministically (IterationSeries), so the
// state stays small however long the run.
//
// The "where time goes" table is the host's profile so far (the trainer's state attribute
// "profile", docs/profile.md): the final profile exists only after the last handler ran, so
// the page written at the end shows the profile as of the end's loggers; profile.json and
// `ignite-host report DIR` have the whole run.
//
// Reading the loss every iteration synchronises a CUDA device (the output is a device
// tensor): `every` N reads it, and the lr, at every N-th iteration only.
#include <ignite/plugin.hpp>

#include "dlpack_matrix.hpp"
#include "live_run.hpp"
#include "page.hpp"
#include "profile_data.hpp"
#include "run_data.hpp"
#include "run_data_json.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace {

using namespace ignite::sdk;
using namespace ignite_report;
namespace fs = std::filesystem;

std::string utc_now() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return buf;
}

class Report : public Plugin {
    void init(Host& host) override {
        every_ = host.option_int("every");
        path_ = host.output_dir();
        if (path_.empty())
            throw std::invalid_argument(
                "report writes <output folder>/report.html and this run has no output folder (dry-run has none); "
                "use it with ignite-host train");
        path_ += std::string("/") + kPageFileName;
        run_.facts.source = "the report plugin while the run went";
        run_.facts.live = true;
        run_.facts.output_dir = host.output_dir();
        read_run_config(run_.facts, host.run_config());
        if (run_.facts.plugins.empty()) run_.facts.plugins.emplace_back("report", "");
        resume_from_ = [&] {
            for (const auto& [k, v] : run_.facts.config)
                if (k == "resume") return v;
            return std::string();
        }();
        trainer_ = host.require_engine("trainer");
        const Engine trainer = *trainer_;
        trainer.on(Events::STARTED, [this, &host](Engine& t) { started(host, t); });
        trainer.on(Events::ITERATION_COMPLETED, [this](Engine& t, const EventInfo& ev) { iteration(t, ev); });
        trainer.on(Events::EPOCH_COMPLETED, [this](Engine& t) {
            epoch_row(t);
            write("in progress", in_progress(t));
        });
        trainer.on(Events::COMPLETED | Events::TERMINATE, [this](Engine& t) {
            set_ended(run_.facts, static_cast<int>(t.terminate_reason()), "trainer");
            write(run_.facts.outcome, run_.facts.why);
        });
        trainer.on(Events::EXCEPTION_RAISED, [this](Engine&, const EventInfo& ev) {
            run_.facts.who.clear();
            write("failed", ev.exception_message ? ev.exception_message : "an exception");
        });
        for (const auto& e : host.engines()) {
            if (e.name() == "trainer") continue;
            e.on(Events::COMPLETED, [this](Engine& eng) {
                eval_row(eng);
                write("in progress", in_progress(*trainer_));
            });
        }
        watch_checkpoints(host);
    }

    // The checkpoint plugin's event, when that plugin is loaded: on whichever engine it saves.
    void watch_checkpoints(Host& host) {
        const auto saved = host.find_event("checkpoint.SAVED_CHECKPOINT");
        if (!saved || watching_checkpoints_) return;
        for (const auto& e : host.engines()) {
            try {
                e.on(*saved, [this](Engine& eng) {
                    // The checkpoint plugin publishes Ignite's last_checkpoint: the best kept file.
                    // Without score_name (its default) that is the file just written; with a
                    // score it may be an earlier, better one, which the page then names again.
                    std::string file = eng.try_state_string("last_checkpoint").value_or("");
                    const auto out = run_.facts.output_dir + "/";
                    if (file.rfind(out, 0) == 0) file = file.substr(out.size());
                    run_.checkpoints.push_back({trainer_->iteration(), trainer_->epoch(), file, 1});
                });
                watching_checkpoints_ = true;
            } catch (const Error&) {
                // not this engine's event
            }
        }
    }

    void started(Host& host, Engine& t) {
        start_ = std::chrono::steady_clock::now();
        if (run_.facts.started_utc.empty()) run_.facts.started_utc = utc_now();
        run_.facts.max_epochs = t.max_epochs().value_or(-1);
        if (host.resumed()) {
            run_.resumes.push_back({t.epoch(), t.iteration(), resume_from_, 0});
            // The checkpoint resumed from holds this plugin's state as it was just BEFORE that
            // file's SAVED_CHECKPOINT fired, so the save itself is added here.
            std::string file = resume_from_;
            const auto out = run_.facts.output_dir + "/";
            if (file.rfind(out, 0) == 0) file = file.substr(out.size());
            const bool known = std::any_of(run_.checkpoints.begin(), run_.checkpoints.end(),
                                           [&](const CheckpointSave& c) { return c.file == file; });
            if (!known) run_.checkpoints.push_back({t.iteration(), t.epoch(), file, 1});
        }
        watch_checkpoints(host);  // a checkpoint plugin loaded after this one has registered by now
    }

    void iteration(Engine& t, const EventInfo& ev) {
        if (count_samples_) {
            try {
                if (t.value_count(IGNITE_VALUE_BATCH) > 0) {
                    const DLTensor& b = t.borrow_tensor(IGNITE_VALUE_BATCH, 0)->dl_tensor;
                    samples_ += b.ndim > 0 ? b.shape[0] : 1;
                }
            } catch (const Error&) {
                count_samples_ = false;  // a host without batches: no throughput
            }
        }
        if (ev.iteration % every_ != 0) return;
        run_.loss.add(ev.iteration, t.output_number().value_or(kMissing));
        const std::size_t groups = t.param_group_count();
        for (std::size_t g = run_.lr.size(); g < groups; ++g)
            run_.lr.push_back({"lr/group_" + std::to_string(g), 1, {}});
        for (std::size_t g = 0; g < groups; ++g)
            run_.lr[g].add(ev.iteration, t.param_group(g, IGNITE_PARAM_LR).value_or(kMissing));
    }

    void epoch_row(Engine& t) {
        auto& row = run_.row("train", t.epoch(), t.iteration());
        row.values.clear();
        add_metrics(t, row, "train");
        if (const auto lr = t.param_group(0, IGNITE_PARAM_LR)) row.set("lr", *lr);
        const double seconds = t.time("EPOCH_COMPLETED").value_or(kMissing);
        row.set("epoch_seconds", seconds);
        if (count_samples_ && seconds > 0) row.set("samples_per_second", static_cast<double>(samples_) / seconds);
        samples_ = 0;
    }

    void eval_row(Engine& e) {
        auto& row = run_.row(split_of_engine(e.name()), trainer_->epoch(), trainer_->iteration());
        row.values.clear();
        add_metrics(e, row, row.split);
    }

    void add_metrics(Engine& e, EpochRow& row, const std::string& split) {
        for (const auto& name : e.metric_names()) {
            if (const auto v = e.metric(name)) {
                row.set(name, *v);
                continue;
            }
            try {
                const auto t = e.metric_tensor(name);
                auto rows = matrix_of(t->dl_tensor);
                if (!rows.empty()) run_.set_matrix({split, name, trainer_->epoch(), std::move(rows)});
            } catch (const Error&) {
                row.set(name, kMissing);  // not computable now (no samples): a gap, not a failure
            }
        }
    }

    // A page written mid-run is also what a killed run leaves: say both.
    static std::string in_progress(const Engine& t) {
        return "written after epoch " + std::to_string(t.epoch()) +
               "; the run rewrites this page at each epoch end, so if it is no longer running it was killed "
               "after this point";
    }

    double wall_seconds() const {
        if (start_ == std::chrono::steady_clock::time_point{}) return wall_before_;
        return wall_before_ + std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }

    void write(const std::string& outcome, const std::string& why) {
        run_.facts.outcome = outcome;
        run_.facts.why = why;
        run_.facts.wall_seconds = wall_seconds();
        run_.facts.epochs = trainer_->epoch();
        run_.facts.iterations = trainer_->iteration();
        read_profile();
        for (auto& c : run_.checkpoints) {  // the checkpoint plugin rotates files out (n_saved)
            std::error_code ec;
            const fs::path p =
                fs::path(c.file).is_absolute() ? fs::path(c.file) : fs::path(run_.facts.output_dir) / c.file;
            c.on_disk = fs::exists(p, ec) ? 1 : 0;
        }
        host().write_file_durably(path_, render_page(run_));
    }

    // The host hands the profile so far as the trainer's state attribute "profile" (profile.json's
    // text, set just before the loggers' band; docs/profile.md). A host without it: no table.
    void read_profile() {
        const auto text = trainer_->try_state_string("profile");
        if (!text) {
            run_.profile = {};
            run_.profile.note = "No profile: this host hands none (ignite-host writes profile.json, docs/profile.md).";
            return;
        }
        try {
            run_.profile = parse_profile(*text);
        } catch (const std::invalid_argument& e) {
            run_.profile = {};
            run_.profile.note = std::string("The host's profile could not be read: ") + e.what();
        }
    }

    std::string save_state() override {
        RunData saved = run_;
        saved.facts.wall_seconds = wall_seconds();
        return to_json_text(saved);
    }

    void load_state(std::string_view bytes) override {
        RunData loaded = from_json_text(std::string(bytes));
        RunFacts facts = std::move(run_.facts);
        wall_before_ = std::isfinite(loaded.facts.wall_seconds) ? loaded.facts.wall_seconds : 0;
        if (!loaded.facts.started_utc.empty()) facts.started_utc = loaded.facts.started_utc;
        run_ = std::move(loaded);
        run_.facts = std::move(facts);
    }

    RunData run_;
    std::optional<Engine> trainer_;
    std::string path_, resume_from_;
    std::int64_t every_ = 1, samples_ = 0;
    bool count_samples_ = true, watching_checkpoints_ = false;
    double wall_before_ = 0;
    std::chrono::steady_clock::time_point start_{};
};

}  // namespace

IGNITE_SDK_PLUGIN(
    Report, PluginSpec("report")
                .version("1.0.0")
                .description("Writes the run as one self-contained page, <output-dir>/report.html: loss, "
                             "metrics, lr, throughput, confusion matrix, checkpoints; rewritten at every epoch "
                             "end, so a crashed run has one too")
                .needs_abi_minor(6)
                .placement(Placement::rank_zero)
                .band(Priority::loggers)
                .state_key("report")
                .json_state()
                .option(Option::integer("every", 1)
                            .min(1)
                            .help("record the training loss and lr every N iterations (each read synchronises a CUDA "
                                  "device)")))
