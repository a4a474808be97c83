#include "jsonl_component.hpp"

#include "cli_common.hpp"
#include "metrics_jsonl.hpp"

#include <ignite/runtime/console_log.hpp>

#include <ignite/core/engine.hpp>

#include <fmt/format.h>

#include <memory>
#include <stdexcept>
#include <utility>

namespace ignite::host {
namespace {

class JsonlComponent final : public Component {
public:
    explicit JsonlComponent(std::function<std::optional<std::filesystem::path>()> resumed_from)
        : resumed_from_(std::move(resumed_from)) {}

    void init(RunContext& run) override {
        const auto& facts = run.facts();
        if (facts.output_dir.empty()) {
            throw std::invalid_argument(
                "writes metrics.jsonl into the run's output folder, and this run has none; give the run an "
                "output folder or leave jsonl out");
        }
        std::optional<std::filesystem::path> resumed;
        if (facts.resumed) resumed = (resumed_from_ ? resumed_from_() : std::nullopt).value_or("");
        writer_ = std::make_unique<MetricsJsonl>(std::filesystem::path(facts.output_dir) / "metrics.jsonl", resumed);
        writer_->attach(run.engines(), run.optimizer("trainer"));
    }

    // The file was closed and checked at the trainer's COMPLETED; this only tidies up after a
    // run that failed (every line already flushed), so an error here changes nothing.
    void shutdown() noexcept override {
        if (!writer_) return;
        try {
            writer_->close();
        } catch (const std::exception& e) {
            log_line(fmt::format("ignite-host: warning: jsonl: {}", e.what()));
        }
    }

private:
    std::function<std::optional<std::filesystem::path>()> resumed_from_;
    std::unique_ptr<MetricsJsonl> writer_;
};

}  // namespace

ParticipantSpec jsonl_spec() {
    ParticipantSpec spec;
    spec.name = "jsonl";
    spec.version = kVersion;
    spec.description =
        "metrics.jsonl in the output folder: a line per trainer epoch and per evaluation (docs/metrics-jsonl.md)";
    spec.placement = Placement::rank_zero;
    spec.priority_band = ignite::Priority::loggers.value;
    spec.kind = ParticipantKind::component;
    return spec;
}

ComponentOffer jsonl_offer(std::function<std::optional<std::filesystem::path>()> resumed_from) {
    return {jsonl_spec(), [resumed_from = std::move(resumed_from)]() -> std::unique_ptr<Component> {
                return std::make_unique<JsonlComponent>(resumed_from);
            }};
}

}  // namespace ignite::host
