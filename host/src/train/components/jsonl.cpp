#include "jsonl.hpp"

#include "../metrics_jsonl.hpp"
#include "cli_common.hpp"

#include <ignite/runtime/console_log.hpp>

#include <ignite/core/engine.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <stdexcept>

namespace ignite::host {
namespace {

// The checkpoint a resumed run continues from: the configuration's "resume" ("" when the
// host gives none).
std::string resumed_from(const RunFacts& facts) {
    const auto config = nlohmann::json::parse(facts.config_json, nullptr, /*allow_exceptions=*/false);
    if (!config.is_object()) return "";
    const auto it = config.find("resume");
    return it != config.end() && it->is_string() ? it->get<std::string>() : "";
}

class JsonlComponent final : public Component {
public:
    void init(RunContext& run) override {
        const auto& facts = run.facts();
        if (facts.output_dir.empty()) {
            throw std::invalid_argument(
                "writes metrics.jsonl into the run's output folder, and this run has none; run it with "
                "`ignite-host train`, or leave jsonl out");
        }
        std::optional<std::filesystem::path> resumed;
        if (facts.resumed) resumed = resumed_from(facts);
        writer_ = std::make_unique<MetricsJsonl>(std::filesystem::path(facts.output_dir) / "metrics.jsonl", resumed);
        writer_->attach(run.engines(), run.optimizer("trainer"));
    }

    // The file was closed and checked at the trainer's COMPLETED; this only tidies up after a
    // run that failed (its lines were flushed as they were written), so an error here is
    // reported and changes nothing.
    void shutdown() noexcept override {
        if (!writer_) return;
        try {
            writer_->close();
        } catch (const std::exception& e) {
            log_line(fmt::format("ignite-host: warning: jsonl: {}", e.what()));
        }
    }

private:
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

std::unique_ptr<Component> make_jsonl(Training&, const TrainOptions&) { return std::make_unique<JsonlComponent>(); }

}  // namespace ignite::host
