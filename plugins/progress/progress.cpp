// progress: a tqdm-like progress bar per epoch of the trainer (and, optionally, each evaluator).
//
//   [trainer] Epoch 2/5  45%|█████████▌           | 421/938 [00:03<00:04, 140.2it/s, loss=0.3412]
//
// Where it goes (decisions, issue 19 §4):
// - On a terminal the bars live in the host's status area (ABI 1.7 set_status): the host keeps
//   those lines under every log line it writes, so a log line (the host's, a logger's, the
//   console plugin's) lands above the bars and never on them. The trainer's bar is the first
//   line; an evaluator's bar, while it runs, the line under it (Ignite #708: the two bars no
//   longer fight over one line). Redraws are throttled by `every` iterations and
//   `min_interval` seconds. When an epoch ends its final state is logged (kept in the
//   scrollback, one line per epoch) and its status line removed; an evaluator's final line is
//   kept only with leave_evaluator=true (Ignite #3118: by default an evaluation's bar is
//   cleared when it completes), else it just disappears.
// - Anywhere else (the host does not draw the area: stderr is not a terminal, --tty never,
//   --quiet, --log-format json; or tty=never here) nothing is redrawn: a plain line through the
//   host's log each time the epoch crosses another `percent_step` percent, and the final line
//   when it ends (so --quiet drops them and json wraps them like any log line). stream=stdout
//   prints those plain lines on stdout instead, for a record of the run there.
// - The `loss=` field (output_label) is the host's smoothed output when it keeps one
//   (IGNITE_STATE_RUNNING_OUTPUT: ignite-host train's RunningAverage of the loss, alpha 0.98,
//   what Ignite's setup_common_training_handlers shows; issue 20), otherwise the running mean
//   of state.output over the iterations of the current epoch this process has seen (reset at
//   EPOCH_STARTED; in a run resumed mid-epoch, the iterations since the resume). Metrics (state.metrics) are shown only in an
//   epoch's final line, where they are that epoch's: during an epoch they are still the last
//   epoch's (a newcomer read `loss=0.3085, avg_loss=0.4656` at 25% of epoch 2 as two views of
//   the same epoch), and a line cut short by terminate or an error shows none.
//
// Cost per iteration when nothing is printed: an increment and one or two comparisons
// (plus a clock read when drawing, once `every` iterations have passed), and, unless
// output_label is empty, two host calls reading state.output for the mean (on a CUDA
// device that read waits for the step). Nothing is formatted unless a line is about to be
// shown.
//
// Only the SDK header is included, like every plugin.
#include <ignite/plugin.hpp>
#include <ignite/plugin_util.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

using ignite::sdk::trim;

using ignite::sdk::Engine;
using ignite::sdk::EventInfo;
using ignite::sdk::Events;
using ignite::sdk::Host;
using ignite::sdk::Option;
using ignite::sdk::PluginSpec;
using Clock = std::chrono::steady_clock;

// Just after the loggers' band, so a logger's line and the bar do not race; before the host's
// band (the evaluator run) and checkpoints.
constexpr std::int32_t kPriority = ignite::sdk::Priority::loggers.value + 10;

// mm:ss, or h:mm:ss from an hour on (tqdm's format_interval).
std::string format_interval(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return "?";
    const auto t = static_cast<std::int64_t>(seconds);
    const auto h = t / 3600, m = (t / 60) % 60, s = t % 60;
    char buf[48];
    if (h > 0)
        std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(h), static_cast<long long>(m),
                      static_cast<long long>(s));
    else
        std::snprintf(buf, sizeof buf, "%02lld:%02lld", static_cast<long long>(m), static_cast<long long>(s));
    return buf;
}

std::string fixed4(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.4f", v);
    return buf;
}

class Progress;

// One bar: the state of the current epoch of one engine.
struct Bar {
    std::string engine_name;
    bool trainer = false;     // the trainer's bar (first line; its final line always kept)
    bool open = false;        // between EPOCH_STARTED and the epoch's end
    std::int64_t n = 0;       // iterations done in this epoch
    std::int64_t n0 = 0;      // n when the epoch (or the resumed part of it) started
    std::int64_t total = -1;  // epoch length; <= 0 when unknown
    std::int64_t epoch = 0;
    std::int64_t max_epochs = -1;
    Clock::time_point start{};
    // Running mean of state.output over this epoch's iterations seen (the `loss=` field).
    double output_sum = 0;
    std::int64_t output_count = 0;
    bool host_sum = false;  // the host keeps IGNITE_STATE_EPOCH_OUTPUT_SUM for this engine
    // Throttles: status redraws (last drawn count and time), plain lines (the count at which
    // the next line is due).
    std::int64_t last_n = 0;
    Clock::time_point last_t{};
    std::int64_t next_n = 0;
    std::string status;  // this bar's line in the status area ("" when it has none)
};

class Progress : public ignite::sdk::Plugin {
private:
    // Ranges and choices are checked by the host against the spec below.
    void init(Host& host) override {
        to_stdout_ = host.option_string("stream") == "stdout";
        every_ = host.option_int("every");
        min_interval_ = host.option_double("min_interval");
        percent_step_ = host.option_int("percent_step");
        width_ = static_cast<int>(host.option_int("width"));
        leave_evaluator_ = host.option_bool("leave_evaluator");
        const auto tty = host.option_string("tty");
        drawn_ = !to_stdout_ && tty != "never" && host.status_drawn();
        if (tty == "always" && !drawn_) {
            throw std::invalid_argument(
                "progress.tty=always: the bars are drawn in the host's status area, which this run does not draw "
                "(stderr is not a terminal, --quiet, --log-format json, or stream=stdout); force it with "
                "`ignite-host ... --tty always`, or leave tty at auto");
        }
        metrics_ = host.option_list("metrics");
        all_metrics_ = metrics_.empty();
        output_label_ = trim(host.option_string("output_label"));

        // The trainer's bar first (the status area's first line), then each evaluator's.
        std::vector<Engine> engines;
        if (auto trainer = host.engine("trainer")) engines.push_back(*trainer);
        if (host.option_bool("evaluator"))
            for (auto& e : host.engines())
                if (e.name() != "trainer") engines.push_back(e);
        for (const auto& engine : engines) {
            bars_.push_back(std::make_unique<Bar>());
            Bar* bar = bars_.back().get();
            bar->engine_name = engine.name();
            bar->trainer = bar->engine_name == "trainer";
            engine.on(
                Events::EPOCH_STARTED, [this, bar](Engine& e, const EventInfo& ev) { epoch_started(*bar, e, ev); },
                kPriority);
            engine.on(
                Events::ITERATION_COMPLETED, [this, bar](Engine& e) { iteration_completed(*bar, e); }, kPriority);
            // The epoch's end: normally (its metrics are this epoch's: shown), or cut by
            // terminate or an error (no metrics; the line is finished so the error message
            // starts on a line of its own).
            engine.on(
                Events::EPOCH_COMPLETED, [this, bar](Engine& e) { close(*bar, e, true); }, kPriority);
            engine.on(
                Events::TERMINATE | Events::EXCEPTION_RAISED | Events::COMPLETED,
                [this, bar](Engine& e) { close(*bar, e, false); }, kPriority);
        }
    }

    // ---- events ----

    void epoch_started(Bar& bar, const Engine& e, const EventInfo& ev) {
        if (bar.open) close(bar, e, false);  // an epoch that ended without EPOCH_COMPLETED
        bar.total = ev.epoch_length;
        bar.max_epochs = ev.max_epochs;
        bar.epoch = ev.epoch;
        // A run resumed mid-epoch starts with part of the epoch already done.
        bar.n = 0;
        if (bar.total > 0) {
            const auto done = ev.iteration - (bar.epoch - 1) * bar.total;
            if (done > 0 && done < bar.total) bar.n = done;
        }
        bar.n0 = bar.n;
        bar.start = Clock::now();
        bar.last_n = bar.n;
        bar.last_t = bar.start;
        bar.output_sum = 0;
        bar.output_count = 0;
        // A host that keeps the epoch's output sum spares reading every output (on CUDA,
        // a device synchronisation per iteration): the mean is then read when drawing.
        bar.host_sum = e.try_state_double(IGNITE_STATE_EPOCH_OUTPUT_SUM).has_value();
        bar.open = true;
        if (drawn_) {
            redraw(bar, e);
        } else if (bar.total > 0) {
            bar.next_n = next_threshold(bar.n, bar.total);
        } else {
            bar.next_n = every_ > 1 ? bar.n + every_ : INT64_MAX;
        }
    }

    // The hot path: decide cheaply whether to show anything; format only when showing.
    void iteration_completed(Bar& bar, const Engine& e) {
        if (!bar.open) return;
        const auto n = ++bar.n;
        if (!output_label_.empty() && !bar.host_sum) accumulate_output(bar, e);
        if (drawn_) {
            if (n - bar.last_n < every_) return;
            if (bar.total > 0 && n >= bar.total) return;  // the final line is shown at the epoch's end
            const auto now = Clock::now();
            if (std::chrono::duration<double>(now - bar.last_t).count() < min_interval_) return;
            bar.last_n = n;
            bar.last_t = now;
            redraw(bar, e);
        } else {
            if (n < bar.next_n) return;
            if (bar.total > 0) {
                if (n >= bar.total) return;  // 100% is the final line, printed at the epoch's end
                bar.next_n = next_threshold(n, bar.total);
            } else {
                // Unknown length: no percentages to cross; a line every `every` iterations
                // when every > 1 (else next_n is INT64_MAX: only the final line).
                bar.next_n = n + every_;
            }
            plain_line(line(bar, e, false));
        }
    }

    // Every iteration, not only when drawing: the mean needs each value. Only a single
    // number counts (a tuple, such as an evaluator's (y_pred, y), has none to show).
    void accumulate_output(Bar& bar, const Engine& e) const {
        if (const auto v = e.output_number()) {
            bar.output_sum += *v;
            ++bar.output_count;
        }
    }

    void close(Bar& bar, const Engine& e, bool with_metrics) {
        if (!bar.open) return;
        bar.open = false;
        const auto text = line(bar, e, with_metrics);
        if (!drawn_) {
            plain_line(text);
            return;
        }
        // The status line goes; kept, the final line is logged (above the area, into the
        // scrollback).
        bar.status.clear();
        show_status();
        if (bar.trainer || leave_evaluator_) host().log(IGNITE_LOG_INFO, text);
    }

    // The smallest count above n whose percentage reaches the next multiple of
    // percent_step (so a line is printed once per step crossed, even when one iteration
    // crosses several).
    std::int64_t next_threshold(std::int64_t n, std::int64_t total) const {
        const auto k = (n * 100) / (percent_step_ * total) + 1;  // next step index
        const auto pct = k * percent_step_;
        if (pct >= 100) return total;
        return (pct * total + 99) / 100;  // ceil(pct * total / 100)
    }

    // ---- the line ----

    std::string line(const Bar& bar, const Engine& e, bool with_metrics) const {
        const auto elapsed = std::chrono::duration<double>(Clock::now() - bar.start).count();
        const auto done = bar.n - bar.n0;
        const double rate = elapsed > 0 && done > 0 ? static_cast<double>(done) / elapsed : 0.0;

        std::string s = "[" + bar.engine_name + "] Epoch " + std::to_string(bar.epoch);
        if (bar.max_epochs > 0) s += "/" + std::to_string(bar.max_epochs);
        char buf[96];
        if (bar.total > 0) {
            const auto n = std::min(bar.n, bar.total);
            const auto pct = n * 100 / bar.total;
            std::snprintf(buf, sizeof buf, " %3lld%%|", static_cast<long long>(pct));
            s += buf;
            s += bar_text(static_cast<double>(n) / static_cast<double>(bar.total));
            s += "| " + std::to_string(bar.n) + "/" + std::to_string(bar.total);
            s += " [" + format_interval(elapsed) + "<" +
                 (rate > 0 ? format_interval(static_cast<double>(bar.total - n) / rate) : std::string("?"));
        } else {
            s += " " + std::to_string(bar.n) + "it [" + format_interval(elapsed);
        }
        if (rate <= 0) {
            s += ", ?it/s";
        } else {
            // tqdm's convention: seconds per iteration when slower than one a second.
            if (rate >= 1.0)
                std::snprintf(buf, sizeof buf, ", %.1fit/s", rate);
            else
                std::snprintf(buf, sizeof buf, ", %.2fs/it", 1.0 / rate);
            s += buf;
        }

        // Before the epoch's first iteration, output and metrics are the previous epoch's:
        // not shown.
        if (done == 0) return s + "]";
        // The host's smoothed output (Ignite's RunningAverage, alpha 0.98) when it keeps one,
        // as Ignite's common setup shows; else this epoch's running mean.
        const auto running = output_label_.empty() ? std::nullopt : e.try_state_double(IGNITE_STATE_RUNNING_OUTPUT);
        if (running) {
            s += ", " + output_label_ + "=" + fixed4(*running);
        } else if (!output_label_.empty()) {
            double sum = bar.output_sum;
            std::int64_t count = bar.output_count;
            if (const auto host_sum = bar.host_sum ? e.try_state_double(IGNITE_STATE_EPOCH_OUTPUT_SUM) : std::nullopt) {
                sum = *host_sum;
                count = bar.n - bar.n0;
            }
            if (count > 0) s += ", " + output_label_ + "=" + fixed4(sum / static_cast<double>(count));
        }
        // Metrics only where they are this epoch's (the final line); absent ones (yet) and
        // those that are not numbers are left out.
        if (with_metrics)
            for (const auto& name : all_metrics_ ? e.metric_names() : metrics_)
                if (const auto v = e.metric(name)) s += ", " + name + "=" + fixed4(*v);
        s += "]";
        return s;
    }

    // `width` cells of full blocks, one partial block (eighths) and spaces.
    std::string bar_text(double frac) const {
        static const char* const kPartial[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
        if (frac < 0) frac = 0;
        if (frac > 1) frac = 1;
        const auto eighths = static_cast<std::int64_t>(frac * width_ * 8);
        const auto full = eighths / 8;
        const auto part = eighths % 8;
        std::string s;
        s.reserve(static_cast<std::size_t>(width_) * 3);
        for (std::int64_t i = 0; i < full; ++i) s += "█";
        std::int64_t used = full;
        if (part > 0 && full < width_) {
            s += kPartial[part];
            ++used;
        }
        s.append(static_cast<std::size_t>(width_ - used), ' ');
        return s;
    }

    // ---- output ----

    // The bar's line in the status area, redrawn with the others'.
    void redraw(Bar& bar, const Engine& e) {
        bar.status = line(bar, e, false);
        show_status();
    }

    // The open bars' lines, the trainer's first: this plugin's status area.
    void show_status() {
        std::string text;
        for (const auto& b : bars_) {
            if (b->status.empty()) continue;
            if (!text.empty()) text += '\n';
            text += b->status;
        }
        host().set_status(text);
    }

    void plain_line(const std::string& text) {
        if (to_stdout_) {
            std::fputs(text.c_str(), stdout);
            std::fputc('\n', stdout);
            std::fflush(stdout);
        } else {
            host().log(IGNITE_LOG_INFO, text);
        }
    }

    bool to_stdout_ = false;
    bool drawn_ = false;
    bool leave_evaluator_ = false;
    std::int64_t every_ = 1;
    double min_interval_ = 0.1;
    std::int64_t percent_step_ = 25;
    int width_ = 30;
    bool all_metrics_ = true;
    std::vector<std::string> metrics_;
    std::string output_label_ = "loss";
    std::vector<std::unique_ptr<Bar>> bars_;
};

}  // namespace

IGNITE_SDK_PLUGIN(
    Progress,
    PluginSpec("progress")
        .placement(ignite::sdk::Placement::rank_zero)
        .band(ignite::sdk::Priority::loggers)
        .needs_abi_minor(6)
        .version("1.1")
        .description("tqdm-like progress bar per epoch (in the host's status area on a terminal, percentage lines in "
                     "logs)")
        .option(Option::string("stream", "stderr")
                    .choices({"stderr", "stdout"})
                    .help("stderr: through the host (its status area on a terminal, its log elsewhere); stdout: "
                          "plain lines on stdout"))
        .option(
            Option::integer("every", 1)
                .min(1)
                .help("redraw at most every N iterations (terminal); with an unknown epoch length, a log line every N "
                      "iterations when N > 1"))
        .option(Option::number("min_interval", 0.1).min(0).help("minimum seconds between terminal redraws"))
        .option(Option::integer("percent_step", 25)
                    .range(1, 100)
                    .help("not a terminal: a line every N percent of the epoch"))
        .option(Option::boolean("evaluator", false).help("also show a bar for each evaluator's runs"))
        .option(Option::boolean("leave_evaluator", false)
                    .help("on a terminal, keep an evaluator's final line when it completes (default: cleared)"))
        .option(Option::list("metrics", "")
                    .help("comma-separated metric names to show in an epoch's final line when present; empty: all "
                          "numeric metrics"))
        .option(Option::string("output_label", "loss")
                    .help("label of the smoothed loss (the host's running average, alpha 0.98) or else the running "
                          "mean of state.output over the current epoch (when a single number); "
                          "empty hides it and skips reading the output each iteration"))
        .option(Option::integer("width", 30).range(5, 1000).help("bar width in characters"))
        .option(Option::string("tty", "auto")
                    .choices({"auto", "always", "never"})
                    .help("auto: the host's status area when the host draws it (ignite-host --tty); never: plain "
                          "lines; always: refuse to run without the status area")))
