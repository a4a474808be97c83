#include "metrics_jsonl.hpp"

#include "resumed_lines.hpp"
#include "stop_signals.hpp"

#include <ignite/runtime/console_log.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <torch/optim/optimizer.h>

#include <stdexcept>

namespace ignite::host {
namespace {

// The samples in one batch: a tensor's first dimension; a tuple, list or dict counts as its
// first element (the host's batches are (images, labels)); anything else is one sample.
std::int64_t samples_in(const c10::IValue& batch) {
    if (batch.isTensor()) {
        const auto& t = batch.toTensor();
        return t.dim() > 0 ? t.size(0) : 1;
    }
    if (batch.isTuple()) {
        const auto& e = batch.toTupleRef().elements();
        return e.empty() ? 1 : samples_in(e[0]);
    }
    if (batch.isList()) {
        const auto l = batch.toListRef();
        return l.empty() ? 1 : samples_in(l[0]);
    }
    if (batch.isGenericDict()) {
        const auto d = batch.toGenericDict();
        return d.empty() ? 1 : samples_in(d.begin()->value());
    }
    return 1;
}

}  // namespace

MetricsJsonl::MetricsJsonl(std::filesystem::path file, std::optional<std::filesystem::path> resumed_from)
    : path_(std::move(file)), resumed_from_(std::move(resumed_from)) {}

void MetricsJsonl::attach(const std::vector<std::pair<std::string, ignite::Engine*>>& engines,
                          const torch::optim::Optimizer* optimizer) {
    optimizer_ = optimizer;
    ignite::Engine* found = nullptr;
    for (const auto& [name, engine] : engines) {
        if (name == kSplitOfEngine[0].first) found = engine;
    }
    if (!found) throw std::invalid_argument("metrics.jsonl needs the run's \"trainer\" engine; the run has none");
    trainer_ = found;
    auto& trainer = *found;
    trainer.add_event_handler(ignite::Events::STARTED, ignite::Priority::loggers,
                              [this](ignite::Engine& t) { start(t); });
    trainer.add_event_handler(ignite::Events::ITERATION_COMPLETED, ignite::Priority::loggers,
                              [this](ignite::Engine& t) { samples_ += samples_in(t.state.batch); });
    trainer.add_event_handler(ignite::Events::EPOCH_COMPLETED, ignite::Priority::loggers,
                              [this](ignite::Engine& t) { train_line(t); });
    // The run's lines are all written by now (the evaluations run inside the trainer's
    // epochs): close and check the file while an error can still fail the run.
    trainer.add_event_handler(ignite::Events::COMPLETED, ignite::Priority::loggers, [this] { close(); });
    for (const auto& [name, engine] : engines) {
        for (std::size_t i = 1; i < std::size(kSplitOfEngine); ++i) {
            if (name != kSplitOfEngine[i].first) continue;
            engine->add_event_handler(ignite::Events::COMPLETED, ignite::Priority::loggers,
                                      [this, split = kSplitOfEngine[i].second](ignite::Engine& e) {
                                          // A stop signal cut the run short: its metrics cover part of the split.
                                          if (StopSignals::received() == 0) eval_line(split, e);
                                      });
        }
    }
}

void MetricsJsonl::start(const ignite::Engine& trainer) {
    samples_ = 0;
    if (started_) return;
    started_ = true;
    if (!resumed_from_) {
        out_.emplace(path_, /*append=*/false);
        return;
    }
    const auto iteration = trainer.state.iteration;
    const auto superseded = supersede_lines_after(path_, iteration);
    if (superseded > 0) {
        log_line(fmt::format(
            "ignite-host: {} line(s) of metrics.jsonl after iteration {} belong to the run's earlier continuation; "
            "moved to {}",
            superseded, iteration, superseded_path(path_).string()));
    }
    out_.emplace(path_, /*append=*/true);
    out_->append_line(fmt::format(R"({{"split":"resume","epoch":{},"iteration":{},"checkpoint":{},"superseded":{}}})",
                                  trainer.state.epoch, iteration, nlohmann::json(resumed_from_->string()).dump(),
                                  superseded));
    out_->flush();
}

void MetricsJsonl::train_line(const ignite::Engine& t) {
    const auto where = fmt::format("train epoch {}", t.state.epoch);
    const double seconds = t.state.times.epoch_completed.value_or(0.0);
    const auto lr = optimizer_
                        ? fmt::format(",\"lr\":{}", json_.number(optimizer_->param_groups().front().options().get_lr(),
                                                                 "lr", where, "{:.6g}"))
                        : std::string();
    out().append_line(fmt::format(
        R"({{"split":"{}","epoch":{},"iteration":{}{}{},"epoch_seconds":{:.3f},"samples_per_second":{}}})",
        kSplitOfEngine[0].second, t.state.epoch, t.state.iteration, json_.fields(t.state, where), lr, seconds,
        json_.number(static_cast<double>(samples_) / seconds, "samples_per_second", where, "{:.1f}")));
    out().flush();
    samples_ = 0;
}

void MetricsJsonl::eval_line(const char* split, const ignite::Engine& e) {
    const auto& t = trainer_->state;
    const auto where = fmt::format("{} epoch {}", split, t.epoch);
    out().append_line(fmt::format(R"({{"split":"{}","epoch":{},"iteration":{}{}}})", split, t.epoch, t.iteration,
                                  json_.fields(e.state, where)));
    out().flush();
}

ResultFile& MetricsJsonl::out() {
    if (!out_) out_.emplace(path_, /*append=*/true);
    return *out_;
}

void MetricsJsonl::close() {
    if (!out_) return;
    out_->close();
    out_.reset();
}

}  // namespace ignite::host
