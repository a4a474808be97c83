#include "page.hpp"

#include "charts.hpp"
#include "smoothing.hpp"
#include "svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace ignite_report {

namespace {

using svg::escape;
using svg::number;

constexpr const char* kStyle = R"(<style>
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
       margin: 0 auto; padding: 16px 24px 40px; max-width: 1280px; color: #222; background: #fff; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
p.sub { color: #555; margin: 0 0 12px; font-size: 13px; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 10px; font-size: 13px; font-weight: 600;
         vertical-align: middle; margin-left: 8px; }
.completed { background: #d9f2d9; color: #1b5e20; } .terminated { background: #fff1c2; color: #7a5a00; }
.failed { background: #fbd5d5; color: #8b1111; } .inprogress, .unknown { background: #e3e9f4; color: #1f3b6f; }
table { border-collapse: collapse; font-size: 13px; }
table.facts td { padding: 3px 14px 3px 0; vertical-align: top; }
table.facts td:first-child { color: #555; white-space: nowrap; }
table.grid th, table.grid td { border: 1px solid #ddd; padding: 3px 8px; text-align: right; }
table.grid th { background: #f4f6f8; } table.grid td.l, table.grid th.l { text-align: left; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12px;
       word-break: break-all; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 12px 20px; }
svg.chart { width: 100%; height: auto; display: block; font-size: 12px; }
svg .ctitle { font-size: 14px; font-weight: 600; fill: #222; }
svg .tick { font-size: 11px; fill: #444; } svg .label { font-size: 12px; fill: #333; }
svg .note { font-size: 13px; fill: #888; } svg .cell { font-size: 11px; }
svg .grid { stroke: #eee; } svg .axis { stroke: #999; } svg .mark { stroke: #ccc; stroke-dasharray: 2 3; }
svg .best { fill: none; stroke: #d62728; stroke-width: 2; }
svg .bestlabel { font-size: 12px; fill: #d62728; font-weight: 600; }
.muted { color: #777; }
</style>
)";

std::string duration(double seconds) {
    if (!std::isfinite(seconds)) return "\xe2\x80\x94";
    const auto s = static_cast<long long>(std::llround(seconds));
    if (seconds < 60) return fmt::format("{:.1f} s", seconds);
    if (s < 3600) return fmt::format("{}:{:02} (m:s)", s / 60, s % 60);
    return fmt::format("{}:{:02}:{:02} (h:m:s)", s / 3600, (s / 60) % 60, s % 60);
}

// The split the page calls "validation": val when the run has one, else test.
std::string validation_split(const RunData& run) { return run.rows_of("val").empty() ? "test" : "val"; }

// Metric names of the evaluation splits, in first-seen order.
std::vector<std::string> eval_metric_names(const RunData& run) {
    std::vector<std::string> out;
    for (const auto& r : run.rows) {
        if (r.split != "val" && r.split != "test") continue;
        for (const auto& [k, v] : r.values)
            if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
    }
    return out;
}

struct Best {
    double value = kMissing;
    std::int64_t epoch = -1;
};

Best best_of(const RunData& run, const std::string& split, const std::string& metric) {
    Best b;
    const bool lower = lower_is_better(metric);
    for (const auto* r : run.rows_of(split)) {
        const double v = r->value(metric);
        if (!std::isfinite(v)) continue;
        if (b.epoch < 0 || (lower ? v < b.value : v > b.value)) b = {v, r->epoch};
    }
    return b;
}

std::string primary_metric(const RunData& run) {
    const auto names = eval_metric_names(run);
    if (std::find(names.begin(), names.end(), "accuracy") != names.end()) return "accuracy";
    for (const auto& n : names)
        if (n != "loss") return n;
    return names.empty() ? "" : names.front();
}

std::string outcome_class(const std::string& outcome) {
    if (outcome == "completed" || outcome == "terminated" || outcome == "failed") return outcome;
    if (outcome == "in progress") return "inprogress";
    return "unknown";
}

std::string row_summary(const EpochRow& r) {
    std::string out;
    for (const auto& [k, v] : r.values) {
        if (r.split == "train" && k != "avg_loss") continue;
        out += fmt::format("{}{} {}", out.empty() ? "" : ", ", k, number(v));
    }
    return out;
}

std::string header(const RunData& run) {
    const auto& f = run.facts;
    std::string t = "<table class=\"facts\">\n";
    auto row = [&t](const std::string& key, const std::string& html) {
        t += fmt::format("<tr><td>{}</td><td>{}</td></tr>\n", escape(key), html);
    };
    std::string outcome = escape(f.outcome.empty() ? "not recorded" : f.outcome);
    if (!f.why.empty()) outcome += " \xe2\x80\x94 " + escape(f.why);
    row("Outcome", outcome);
    if (!f.who.empty()) row("Stopped by", escape(f.who));
    std::string wall = duration(f.wall_seconds);
    if (!f.wall_note.empty()) wall += " <span class=\"muted\">(" + escape(f.wall_note) + ")</span>";
    row("Wall time", wall);
    std::string progress = fmt::format("{} epoch{}, {} iteration{}", f.epochs, f.epochs == 1 ? "" : "s", f.iterations,
                                       f.iterations == 1 ? "" : "s");
    if (f.max_epochs > 0) progress += fmt::format(" (of {} epoch{} planned)", f.max_epochs, f.max_epochs == 1 ? "" : "s");
    row("Trained", escape(progress));
    const std::string split = validation_split(run);
    const std::string metric = primary_metric(run);
    if (!metric.empty()) {
        const Best b = best_of(run, split, metric);
        row("Best " + split + " " + metric,
            b.epoch < 0 ? "\xe2\x80\x94" : fmt::format("<b>{}</b> at epoch {}", escape(number(b.value)), b.epoch));
    }
    std::string finals;
    for (const char* s : {"train", "val", "test"}) {
        const auto rows = run.rows_of(s);
        if (rows.empty()) continue;
        finals += fmt::format("{}<b>{}</b> (epoch {}): {}", finals.empty() ? "" : "<br>", s, rows.back()->epoch,
                              escape(row_summary(*rows.back())));
    }
    if (!finals.empty()) row("Final metrics", finals);
    if (!f.command_line.empty()) {
        row(f.command_line_rebuilt ? "Command line (every option)" : "Command line",
            "<code>" + escape(f.command_line) + "</code>");
    }
    if (!f.plugins.empty()) {
        std::string p;
        for (const auto& [name, opts] : f.plugins)
            p += fmt::format("{}<code>{}</code>{}", p.empty() ? "" : "<br>", escape(name),
                             opts.empty() ? "" : " " + escape(opts));
        row("Plugins", p);
    }
    if (!f.seed.empty()) row("Seed", escape(f.seed));
    if (!f.device.empty()) row("Device", escape(f.device));
    if (!f.started_utc.empty()) row("Started", escape(f.started_utc));
    if (run.resumes.empty()) {
        row("Resumed", "no: one uninterrupted segment");
    } else {
        std::string r;
        for (const auto& s : run.resumes)
            r += fmt::format("{}at epoch {} iteration {} from <code>{}</code>{}", r.empty() ? "" : "<br>", s.epoch,
                             s.iteration, escape(s.checkpoint),
                             s.superseded > 0 ? fmt::format(" ({} superseded lines moved aside)", s.superseded) : "");
        row(fmt::format("Resumed ({} time{})", run.resumes.size(), run.resumes.size() == 1 ? "" : "s"), r);
    }
    if (!f.output_dir.empty()) row("Output folder", "<code>" + escape(f.output_dir) + "</code>");
    return t + "</table>\n";
}

std::vector<double> epoch_ends(const RunData& run) {
    std::vector<double> out;
    for (const auto* r : run.rows_of("train")) out.push_back(static_cast<double>(r->iteration));
    return out;
}

std::vector<Point> per_epoch_at_iteration(const RunData& run, const std::string& split, const std::string& key) {
    std::vector<Point> out;
    for (const auto* r : run.rows_of(split))
        if (r->has(key)) out.push_back({static_cast<double>(r->iteration), r->value(key)});
    return out;
}

std::string loss_chart(const RunData& run) {
    LineChart c;
    c.name = "loss";
    c.title = "Loss";
    c.x_label = "trainer iteration (dotted lines: epoch ends)";
    c.y_label = "loss";
    c.log_y = true;
    c.width = 1240;
    c.height = 320;
    c.x_marks = epoch_ends(run);
    for (const auto& r : run.resumes) c.resume_marks.push_back(static_cast<double>(r.iteration));
    if (!run.loss.points.empty()) {
        std::vector<double> ys;
        for (const auto& p : run.loss.points) ys.push_back(p.y);
        const auto smooth = tensorboard_smooth(ys);
        std::vector<Point> sm;
        for (std::size_t i = 0; i < ys.size(); ++i) sm.push_back({run.loss.points[i].x, smooth[i]});
        const std::string every =
            run.loss.stride > 1 ? fmt::format(", every {}th iteration", run.loss.stride) : std::string();
        c.series.push_back(
            {"training loss (raw" + every + ")", run.loss.points, LineSeries::Style::faint_line, 0, true});
        c.series.push_back({"smoothed (TensorBoard, 0.6)", sm, LineSeries::Style::line, 0, false});
    } else {
        c.series.push_back({"training loss (epoch mean; no per-iteration data)",
                            per_epoch_at_iteration(run, "train", "avg_loss"), LineSeries::Style::line_dots, 0, true});
    }
    if (auto v = per_epoch_at_iteration(run, "val", "loss"); !v.empty())
        c.series.push_back({"validation loss", v, LineSeries::Style::line_dots, 1, true});
    if (auto v = per_epoch_at_iteration(run, "test", "loss"); !v.empty())
        c.series.push_back({"test loss", v, LineSeries::Style::line_dots, 2, true});
    return render_line_chart(c);
}

std::string metric_charts(const RunData& run) {
    std::string out;
    const std::string vsplit = validation_split(run);
    for (const auto& name : eval_metric_names(run)) {
        if (name == "loss") continue;  // drawn with the training loss, on iterations
        LineChart c;
        c.name = "metric-" + name;
        c.title = name + (lower_is_better(name) ? " (lower is better)" : "");
        c.x_label = "epoch";
        c.y_label = name;
        c.integer_x = true;
        std::size_t colour = 1;
        for (const char* split : {"val", "test"}) {
            std::vector<Point> pts;
            for (const auto* r : run.rows_of(split))
                if (r->has(name)) pts.push_back({static_cast<double>(r->epoch), r->value(name)});
            if (pts.empty()) continue;
            c.series.push_back({std::string(split) == "val" ? "validation" : "test", pts, LineSeries::Style::line_dots,
                                colour++, true});
        }
        const Best b = best_of(run, vsplit, name);
        if (b.epoch >= 0)
            c.highlights.push_back(
                {{static_cast<double>(b.epoch), b.value}, fmt::format("best {} (epoch {})", number(b.value), b.epoch)});
        out += render_line_chart(c);
    }
    return out;
}

std::string lr_chart(const RunData& run) {
    LineChart c;
    c.name = "lr";
    c.title = "Learning rate";
    c.x_label = "trainer iteration";
    c.y_label = "lr";  // linear, as TensorBoard and fastai's plot_sched draw a schedule
    c.x_marks = epoch_ends(run);
    std::size_t i = 0;
    for (const auto& s : run.lr) {
        const auto group = s.tag.substr(s.tag.rfind('/') + 1);
        c.series.push_back({group, s.points, LineSeries::Style::line, i++, true});
    }
    if (c.series.empty())
        c.series.push_back({"group_0 (at epoch ends; no per-iteration data)",
                            per_epoch_at_iteration(run, "train", "lr"), LineSeries::Style::line_dots, 0, true});
    return render_line_chart(c);
}

std::string throughput_chart(const RunData& run) {
    LineChart c;
    c.name = "throughput";
    c.title = "Throughput (training samples per second of epoch time)";
    c.x_label = "epoch";
    c.y_label = "samples/s";
    c.integer_x = true;
    std::vector<Point> pts;
    for (const auto* r : run.rows_of("train"))
        if (r->has("samples_per_second"))
            pts.push_back({static_cast<double>(r->epoch), r->value("samples_per_second")});
    c.series.push_back({"trainer", pts, LineSeries::Style::line_dots, 4, true});
    return render_line_chart(c);
}

std::string epoch_table(const RunData& run) {
    // fastai's Recorder: epoch | train_loss | valid_loss | metrics... | time.
    std::vector<std::pair<std::string, std::string>> cols;  // (split, key)
    cols.emplace_back("train", "avg_loss");
    for (const char* split : {"val", "test"}) {
        if (run.rows_of(split).empty()) continue;
        for (const auto& n : eval_metric_names(run)) {
            bool any = false;
            for (const auto* r : run.rows_of(split)) any = any || r->has(n);
            if (any) cols.emplace_back(split, n);
        }
    }
    cols.emplace_back("train", "lr");
    cols.emplace_back("train", "samples_per_second");
    std::set<std::int64_t> epochs;
    for (const auto& r : run.rows) epochs.insert(r.epoch);
    std::string t = "<table class=\"grid\" data-table=\"epochs\"><tr><th>epoch</th><th>iteration</th>";
    for (const auto& [s, k] : cols) t += fmt::format("<th>{} {}</th>", escape(s), escape(k));
    t += "<th>time</th></tr>\n";
    for (const auto e : epochs) {
        const EpochRow* train = nullptr;
        std::int64_t iteration = -1;
        for (const auto& r : run.rows) {
            if (r.epoch != e) continue;
            if (r.split == "train") train = &r;
            iteration = std::max(iteration, r.iteration);
        }
        t += fmt::format("<tr><td>{}</td><td>{}</td>", e, iteration);
        for (const auto& [s, k] : cols) {
            double v = kMissing;
            for (const auto& r : run.rows)
                if (r.epoch == e && r.split == s && r.has(k)) v = r.value(k);
            t += fmt::format("<td>{}</td>", escape(number(v, k == "samples_per_second" ? 6 : 4)));
        }
        t += fmt::format("<td>{}</td></tr>\n", escape(duration(train ? train->value("epoch_seconds") : kMissing)));
    }
    return t + "</table>\n";
}

std::string confusion_section(const RunData& run) {
    std::string out;
    for (const auto& m : run.matrices) {
        if (m.name != "confusion_matrix") continue;
        out += render_heatmap(m);
        const std::size_t n = m.rows.size();
        std::string t = fmt::format(
            "<table class=\"grid\" data-table=\"per-class-{}\"><tr><th>class</th><th>samples "
            "(true)</th><th>precision</th><th>recall</th><th>F1</th></tr>\n",
            escape(m.split));
        for (std::size_t i = 0; i < n; ++i) {
            double row = 0, col = 0;
            for (const double v : m.rows[i]) row += v;
            for (const auto& r : m.rows) col += i < r.size() ? r[i] : 0;
            const double tp = i < m.rows[i].size() ? m.rows[i][i] : 0;
            const double p = col > 0 ? tp / col : kMissing, r = row > 0 ? tp / row : kMissing;
            const double f1 = std::isfinite(p) && std::isfinite(r) && p + r > 0 ? 2 * p * r / (p + r) : kMissing;
            t += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", i, number(row, 8),
                             number(p, 3), number(r, 3), number(f1, 3));
        }
        out += "<div>" + t + "</table></div>\n";
    }
    return out;
}

std::string checkpoint_section(const RunData& run) {
    std::string out = render_timeline(run);
    if (run.checkpoints.empty()) return out;
    std::string t =
        "<table class=\"grid\" data-table=\"checkpoints\"><tr><th>iteration</th><th>epoch</th><th "
        "class=\"l\">file</th><th class=\"l\">on disk</th></tr>\n";
    for (const auto& c : run.checkpoints)
        t += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"l\"><code>{}</code></td><td class=\"l\">{}</td></tr>\n",
                         c.iteration < 0 ? "\xe2\x80\x94" : std::to_string(c.iteration),
                         c.epoch < 0 ? "\xe2\x80\x94" : std::to_string(c.epoch), escape(c.file),
                         c.on_disk < 0 ? "\xe2\x80\x94"
                         : c.on_disk   ? "yes"
                                       : "no longer (rotated out: the plugin keeps n_saved)");
    return out + t + "</table>\n";
}

// "Where time goes" (notes §6 view 6): the host's always-on profile, rows by total time, each
// engine's data loading vs processing vs handlers first. Percentages are of the run's wall time;
// a handler that runs another engine (the host's evaluation) includes that engine's rows.
std::string profile_section(const RunData& run) {
    const auto& p = run.profile;
    if (!p.present) {
        return fmt::format("<p class=\"muted\">{}</p>\n",
                           escape(p.note.empty() ? "No profile: the host writes profile.json at the end of a run "
                                                   "(docs/profile.md)."
                                                 : p.note));
    }
    const double wall = p.wall_seconds;
    const auto pct = [wall](double seconds) {
        return std::isfinite(wall) && wall > 0 ? fmt::format("{:.1f}%", 100.0 * seconds / wall) : "\xe2\x80\x94";
    };
    const auto secs = [](double s) { return std::isfinite(s) ? fmt::format("{:.6f}", s) : "\xe2\x80\x94"; };
    std::string out = fmt::format(
        "<p class=\"sub\">Measured by the host on every handler call{} over {} of wall time. Times include "
        "what a handler runs (the host's evaluation at the trainer's epoch end includes the evaluators' rows), "
        "so shares of nested rows overlap.</p>\n",
        p.outcome == "in progress" ? " so far (this page was written while the run went; profile.json and "
                                     "<code>ignite-host report</code> have the whole run)"
                                   : "",
        escape(duration(wall)));
    // Per engine: data loading vs processing vs its handlers.
    std::vector<std::string> engines;
    for (const auto& r : p.rows)
        if (std::find(engines.begin(), engines.end(), r.engine) == engines.end()) engines.push_back(r.engine);
    std::string split =
        "<table class=\"grid\" data-table=\"profile-split\"><tr><th class=\"l\">engine</th><th>data loading</th>"
        "<th>processing</th><th>handlers</th></tr>\n";
    for (const auto& e : engines) {
        double data = 0, proc = 0, handlers = 0;
        for (const auto& r : p.rows) {
            if (r.engine != e) continue;
            if (r.handler == RunProfile::kDataflow && r.event.empty()) data += r.total;
            else if (r.handler == RunProfile::kProcessing && r.event.empty()) proc += r.total;
            else handlers += r.total;
        }
        split += fmt::format("<tr><td class=\"l\">{}</td><td>{} s ({})</td><td>{} s ({})</td><td>{} s ({})</td></tr>\n",
                             escape(e), number(data, 4), pct(data), number(proc, 4), pct(proc), number(handlers, 4),
                             pct(handlers));
    }
    out += split + "</table>\n";
    std::vector<const ProfileRow*> rows;
    for (const auto& r : p.rows)
        if (r.calls > 0) rows.push_back(&r);
    std::stable_sort(rows.begin(), rows.end(), [](const ProfileRow* a, const ProfileRow* b) { return a->total > b->total; });
    std::string t =
        "<table class=\"grid\" data-table=\"profile\"><tr><th class=\"l\">engine</th><th class=\"l\">handler</th>"
        "<th class=\"l\">event</th><th>calls</th><th>total (s)</th><th>mean (s)</th><th>max (s)</th><th>%</th></tr>\n";
    for (const auto* r : rows) {
        t += fmt::format(
            "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td>"
            "<td>{}</td><td>{}</td></tr>\n",
            escape(r->engine), escape(r->handler), escape(r->event.empty() ? "\xe2\x80\x94" : r->event), r->calls,
            secs(r->total), secs(r->mean), secs(r->max), pct(r->total));
    }
    return out + t + "</table>\n";
}

}  // namespace

bool lower_is_better(const std::string& name) {
    for (const char* word : {"loss", "error", "mse", "mae", "rmse", "nll"})
        if (name.find(word) != std::string::npos) return true;
    return false;
}

std::string render_page(const RunData& run) {
    const auto& f = run.facts;
    const std::string outcome = f.outcome.empty() ? "not recorded" : f.outcome;
    std::string title = "Training run";
    if (!f.output_dir.empty()) {
        auto dir = f.output_dir;
        while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
        title += ": " + dir.substr(dir.rfind('/') == std::string::npos ? 0 : dir.rfind('/') + 1);
    }
    std::string out =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out += fmt::format("<meta name=\"generator\" content=\"{}\">\n", f.live ? kPluginGenerator : kFolderGenerator);
    out += fmt::format("<title>{} ({})</title>\n", escape(title), escape(outcome));
    out += kStyle;
    out += "</head>\n<body>\n";
    out += fmt::format("<h1>{}<span class=\"badge {}\">{}</span></h1>\n", escape(title), outcome_class(f.outcome),
                       escape(outcome));
    out += fmt::format(
        "<p class=\"sub\">{}Smoothing as TensorBoard's (0.6). Every number is also in the tables "
        "below; hover a point for its value.</p>\n",
        f.source.empty() ? "" : escape("Made by " + f.source + ". "));
    out += header(run);
    out += "<h2>Loss</h2>\n" + loss_chart(run);
    const std::string metrics = metric_charts(run);
    out += "<h2>Evaluation metrics per epoch</h2>\n";
    out += metrics.empty() ? "<p class=\"muted\">No evaluation yet (the run evaluates with --eval-every).</p>\n"
                           : "<div class=\"charts\">\n" + metrics + "</div>\n";
    out += "<h2>Learning rate and throughput</h2>\n<div class=\"charts\">\n" + lr_chart(run) + throughput_chart(run) +
           "</div>\n";
    out += "<h2>Per epoch</h2>\n" + epoch_table(run);
    if (const auto cm = confusion_section(run); !cm.empty())
        out += "<h2>Confusion matrix</h2>\n<div class=\"charts\">\n" + cm + "</div>\n";
    out += "<h2>Checkpoints and resumes</h2>\n" + checkpoint_section(run);
    out += "<h2>Where time goes</h2>\n" + profile_section(run);
    out += "</body>\n</html>\n";
    return out;
}

}  // namespace ignite_report
