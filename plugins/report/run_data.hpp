#pragma once
// RunData: everything the run's page shows, filled either live by the `report` plugin
// (report.cpp) or afterwards from a run folder (run_folder.hpp, `ignite-host report DIR`).
// Plain data, no I/O: render_page (page.hpp) draws it, run_data_json.hpp saves it into the
// plugin's checkpoint state.
//
// Numbers that are not finite (a diverging loss, a `null` in metrics.jsonl) are kept as NaN:
// the page shows them as gaps / "—", never as zero.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace ignite_report {

inline constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

/// One (x, y) sample; x is the trainer's iteration or epoch, as the series says.
struct Point {
    double x = 0;
    double y = kMissing;
};

/// A per-iteration series bounded like TensorBoard's reservoir, but deterministic: it keeps
/// the points whose iteration is a multiple of `stride`, and doubles `stride` (dropping the
/// points that are no longer multiples) whenever it holds more than kMaxPoints. So a resumed
/// run keeps exactly the points an uninterrupted one would, and any run's state stays small.
struct IterationSeries {
    static constexpr std::size_t kMaxPoints = 4096;
    std::string tag;            ///< TensorBoard's tag: "training/loss", "lr/group_0"
    std::int64_t stride = 1;    ///< keep iterations that are multiples of this
    std::vector<Point> points;  ///< x = trainer iteration, ascending

    /// Adds (iteration, value) if the stride keeps it; drops later points first (a resumed
    /// run's points after its checkpoint replace the abandoned ones).
    void add(std::int64_t iteration, double value);
};

/// One line of metrics.jsonl (or the same facts gathered live): a split's numbers at an epoch.
struct EpochRow {
    std::string split;  ///< "train", "val", "test"
    std::int64_t epoch = 0;
    std::int64_t iteration = 0;
    /// Every number the line holds besides split/epoch/iteration, in the file's order:
    /// avg_loss, lr, epoch_seconds, samples_per_second (train); loss, accuracy, METRIC (val/test).
    std::vector<std::pair<std::string, double>> values;

    [[nodiscard]] double value(const std::string& key) const;  ///< kMissing when absent
    [[nodiscard]] bool has(const std::string& key) const;
    void set(const std::string& key, double v);
};

/// A matrix metric (confusion_matrix: rows = true class, columns = predicted) at an epoch.
struct MatrixValue {
    std::string split;
    std::string name;
    std::int64_t epoch = 0;
    std::vector<std::vector<double>> rows;
};

/// A checkpoint written during the run.
struct CheckpointSave {
    std::int64_t iteration = -1;  ///< -1: unknown (a file whose name carries no iteration)
    std::int64_t epoch = -1;
    std::string file;  ///< the file name, relative to the output folder when inside it
    int on_disk = -1;  ///< 1: the file is there; 0: deleted since (rotation); -1: not known
};

/// Where a resumed run continued (metrics.jsonl's `resume` line).
struct ResumeSegment {
    std::int64_t epoch = 0;
    std::int64_t iteration = 0;
    std::string checkpoint;
    std::int64_t superseded = 0;  ///< lines of an abandoned continuation moved aside
};

/// The header's facts. Empty strings / NaN are shown as "not recorded".
struct RunFacts {
    std::string source;              ///< how the page was made, in words
    bool live = false;               ///< filled by the plugin while the run went (page.hpp: kPluginGenerator)
    std::string outcome;             ///< "completed", "terminated", "failed", "in progress", ""
    std::string why;                 ///< the terminate reason or the exception's message
    std::string who;                 ///< who stopped it (the user's signal, a handler on the trainer, ...)
    double wall_seconds = kMissing;  ///< all segments of the run together
    std::string wall_note;           ///< what wall_seconds measures when it is not the whole run
    std::int64_t epochs = 0, iterations = 0;
    std::int64_t max_epochs = -1;
    std::string command_line;  ///< as typed when the configuration holds it, else rebuilt from every option
    bool command_line_rebuilt = false;  ///< rebuilt: every option with its value, defaults included
    std::string seed, device, started_utc, output_dir;
    /// The configuration (option -> value as text), in the config's order.
    std::vector<std::pair<std::string, std::string>> config;
    /// Loaded plugins with their options, e.g. {"checkpoint", "every=0, n_saved=2"}.
    std::vector<std::pair<std::string, std::string>> plugins;
};

/// One row of the run's profile (the host's profile.json, docs/profile.md): a handler of a
/// participant on one event of one engine, or an engine's data loading / processing.
struct ProfileRow {
    std::string engine;   ///< trainer, evaluator, validation
    std::string handler;  ///< participant name, "host", or kDataflow / kProcessing
    std::string event;    ///< the event's name; "" for data loading and processing
    std::int64_t calls = 0;
    double total = 0, mean = 0, max = 0;  ///< seconds
};

/// Where the run's time went, as the host measured it (always on).
struct RunProfile {
    static constexpr const char* kDataflow = "data loading";
    static constexpr const char* kProcessing = "processing";
    bool present = false;    ///< the host handed a profile (live) or profile.json was read
    std::string outcome;     ///< how the run ended, as the profile says ("in progress" live)
    double wall_seconds = kMissing;
    std::vector<ProfileRow> rows;  ///< per engine: data loading, processing, then handlers
    std::string note;        ///< why there is no table (e.g. an unreadable profile.json)
};

struct RunData {
    RunFacts facts;
    /// The host's profile (not part of the plugin's checkpoint state: re-read at each write).
    RunProfile profile;
    /// Per-iteration training loss (TensorBoard's training/loss).
    IterationSeries loss{"training/loss", 1, {}};
    /// The learning rate of each parameter group per iteration (lr/group_<i>).
    std::vector<IterationSeries> lr;
    /// Per-epoch rows of every split, in the order they were written.
    std::vector<EpochRow> rows;
    /// The latest value of each matrix metric per split.
    std::vector<MatrixValue> matrices;
    std::vector<CheckpointSave> checkpoints;
    std::vector<ResumeSegment> resumes;

    /// The row of (split, epoch), added when missing (a resumed run's row replaces the old one).
    EpochRow& row(const std::string& split, std::int64_t epoch, std::int64_t iteration);
    [[nodiscard]] std::vector<const EpochRow*> rows_of(const std::string& split) const;
    /// Keeps `m` as its (split, name)'s latest value.
    void set_matrix(MatrixValue m);
};

}  // namespace ignite_report
