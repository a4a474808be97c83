// progress: a tqdm-like progress bar per epoch of the trainer (and, optionally, the evaluator).
//
//   [trainer] Epoch 2/5  45%|█████████▌           | 421/938 [00:03<00:04, 140.2it/s, loss=0.3412, accuracy=0.9100]
//
// On a terminal the bar is redrawn in place with '\r' (throttled by `every` iterations and
// `min_interval` seconds) and its final state is kept as one line per epoch. Anywhere else
// (CI, log files: isatty() false, or tty=never) no '\r' or escape code is ever written: a
// plain line is printed each time the epoch crosses another `percent_step` percent, and the
// final line when the epoch ends. With an unknown epoch length the count is shown instead
// of a bar.
//
// The `loss=` field (output_label) is the running mean of state.output over the iterations
// of the current epoch this process has seen (reset at EPOCH_STARTED; in a run resumed
// mid-epoch, the iterations since the resume): the last batch alone is too noisy to read,
// a mean over the whole run hides the current epoch's progress.
//
// On a terminal other output (the host's and plugins' log lines) may land between two
// redraws: the host clears the bar's partial line ("\r\x1b[K") before printing one, so a
// redraw never assumes its previous draw is still on the line; it writes '\r', the text
// and "\x1b[K" (clear to the end of the line) rather than padding over the last draw.
//
// Cost per iteration when nothing is printed: an increment and one or two comparisons
// (plus a clock read on a terminal once `every` iterations have passed), and, unless
// output_label is empty, two host calls reading state.output for the mean (on a CUDA
// device that read waits for the step). Nothing is formatted unless a line is about to be
// written.
//
// Only the SDK header is included, like every plugin.
#include <ignite/plugin.hpp>
#include <ignite/plugin_util.hpp>

#include <unistd.h>

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
    Progress* owner = nullptr;
    std::string engine_name;
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
    // Throttles: TTY redraws (last drawn count and time), non-TTY percentage lines (the
    // count at which the next line is due).
    std::int64_t last_n = 0;
    Clock::time_point last_t{};
    std::int64_t next_n = 0;
};

class Progress : public ignite::sdk::Plugin {
public:
    ~Progress() override {
        // A run cut short without EXCEPTION_RAISED/COMPLETED (should not happen) still
        // leaves the terminal on a fresh line.
        if (stream_ && dirty_) {
            std::fputc('\n', stream_);
            std::fflush(stream_);
        }
    }

private:
    // Ranges and choices are checked by the host against the spec below.
    void init(Host& host) override {
        stream_ = host.option_string("stream") == "stdout" ? stdout : stderr;
        every_ = host.option_int("every");
        min_interval_ = host.option_double("min_interval");
        percent_step_ = host.option_int("percent_step");
        width_ = static_cast<int>(host.option_int("width"));
        const auto tty = host.option_string("tty");
        tty_ = tty == "always" || (tty == "auto" && ::isatty(::fileno(stream_)) == 1);
        metrics_ = host.option_list("metrics");
        all_metrics_ = metrics_.empty();
        output_label_ = trim(host.option_string("output_label"));

        std::vector<const char*> engines{"trainer"};
        if (host.option_bool("evaluator")) engines.push_back("evaluator");
        for (const char* name : engines) {
            // An engine the host does not run this time (no --eval-every) gets no bar.
            const auto engine = host.engine(name);
            if (!engine) continue;
            bars_.push_back(std::make_unique<Bar>());
            Bar* bar = bars_.back().get();
            bar->owner = this;
            bar->engine_name = name;
            engine->on(
                Events::EPOCH_STARTED, [this, bar](Engine& e, const EventInfo& ev) { epoch_started(*bar, e, ev); },
                kPriority);
            engine->on(
                Events::ITERATION_COMPLETED, [this, bar](Engine& e) { iteration_completed(*bar, e); }, kPriority);
            // The epoch's end, however it comes: normally, cut by terminate, or by an error
            // (the bar's line is finished so the error message starts on a line of its own).
            engine->on(
                Events::EPOCH_COMPLETED | Events::TERMINATE | Events::EXCEPTION_RAISED | Events::COMPLETED,
                [this, bar](Engine& e) { close(*bar, e); }, kPriority);
        }
    }

    // ---- events ----

    void epoch_started(Bar& bar, const Engine& e, const EventInfo& ev) {
        if (bar.open) close(bar, e);  // an epoch that ended without EPOCH_COMPLETED
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
        if (tty_) {
            draw(bar, e, false);
        } else if (bar.total > 0) {
            bar.next_n = next_threshold(bar.n, bar.total);
        } else {
            bar.next_n = every_ > 1 ? bar.n + every_ : INT64_MAX;
        }
    }

    // The hot path: decide cheaply whether to print; format only when printing.
    void iteration_completed(Bar& bar, const Engine& e) {
        if (!bar.open) return;
        const auto n = ++bar.n;
        if (!output_label_.empty() && !bar.host_sum) accumulate_output(bar, e);
        if (tty_) {
            if (n - bar.last_n < every_) return;
            if (bar.total > 0 && n >= bar.total) return;  // the final line is drawn at the epoch's end
            const auto now = Clock::now();
            if (std::chrono::duration<double>(now - bar.last_t).count() < min_interval_) return;
            bar.last_n = n;
            bar.last_t = now;
            draw(bar, e, false);
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
            draw(bar, e, false);
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

    void close(Bar& bar, const Engine& e) {
        if (!bar.open) return;
        bar.open = false;
        draw(bar, e, true);
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

    // ---- drawing ----

    std::string line(const Bar& bar, const Engine& e) const {
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
        if (!output_label_.empty()) {
            double sum = bar.output_sum;
            std::int64_t count = bar.output_count;
            if (const auto host_sum = bar.host_sum ? e.try_state_double(IGNITE_STATE_EPOCH_OUTPUT_SUM) : std::nullopt) {
                sum = *host_sum;
                count = bar.n - bar.n0;
            }
            if (count > 0) s += ", " + output_label_ + "=" + fixed4(sum / static_cast<double>(count));
        }
        // Metrics that are absent (yet) or not numbers are left out.
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

    void draw(Bar& bar, const Engine& e, bool final) {
        const auto text = line(bar, e);
        if (tty_) {
            // Another bar's line still open (an evaluator run inside a trainer epoch):
            // leave it as it stands and start a line of our own.
            if (dirty_ && dirty_bar_ != &bar) {
                std::fputc('\n', stream_);
                dirty_ = false;
            }
            // Clear to the end of the line instead of padding over the previous draw: a log
            // line printed since may have replaced it, so its length is not known here.
            std::string out = "\r" + text + "\x1b[K";
            if (final) {
                out += '\n';
                dirty_ = false;
                dirty_bar_ = nullptr;
            } else {
                dirty_ = true;
                dirty_bar_ = &bar;
            }
            std::fputs(out.c_str(), stream_);
        } else {
            std::fputs(text.c_str(), stream_);
            std::fputc('\n', stream_);
        }
        std::fflush(stream_);
    }

    std::FILE* stream_ = nullptr;
    bool tty_ = false;
    std::int64_t every_ = 1;
    double min_interval_ = 0.1;
    std::int64_t percent_step_ = 25;
    int width_ = 30;
    bool all_metrics_ = true;
    std::vector<std::string> metrics_;
    std::string output_label_ = "loss";
    std::vector<std::unique_ptr<Bar>> bars_;
    bool dirty_ = false;  // a TTY line without its newline yet
    const Bar* dirty_bar_ = nullptr;
};

}  // namespace

IGNITE_SDK_PLUGIN(
    Progress,
    PluginSpec("progress")
        .placement(ignite::sdk::Placement::rank_zero)
        .band(ignite::sdk::Priority::loggers)
        .version("1.0")
        .description("tqdm-like progress bar per epoch (redrawn in place on a terminal, percentage lines in logs)")
        .option(Option::string("stream", "stderr").choices({"stderr", "stdout"}).help("where the bar goes"))
        .option(
            Option::integer("every", 1)
                .min(1)
                .help("redraw at most every N iterations (terminal); with an unknown epoch length, a log line every N "
                      "iterations when N > 1"))
        .option(Option::number("min_interval", 0.1).min(0).help("minimum seconds between terminal redraws"))
        .option(Option::integer("percent_step", 25)
                    .range(1, 100)
                    .help("not a terminal: a line every N percent of the epoch"))
        .option(Option::boolean("evaluator", false).help("also show a bar for the evaluator's runs"))
        .option(Option::list("metrics", "")
                    .help("comma-separated metric names to show when present; empty: all numeric metrics"))
        .option(Option::string("output_label", "loss")
                    .help("label of the running mean of state.output over the current epoch (when a single number); "
                          "empty hides it and skips reading the output each iteration"))
        .option(Option::integer("width", 30).range(5, 1000).help("bar width in characters"))
        .option(Option::string("tty", "auto")
                    .choices({"auto", "always", "never"})
                    .help("auto (isatty of the stream), always (redraw with \\r and clear-to-end-of-line) or never "
                          "(plain lines)")))
