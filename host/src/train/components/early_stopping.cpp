#include "early_stopping.hpp"

#include <ignite/core/checkpoint_file.hpp>
#include <ignite/core/errors.hpp>
#include <ignite/core/handlers/early_stopping.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace ignite::host {
namespace {

using ignite::EarlyStopping;

// An alias option (0.5.3's name) given as text: "" when not given.
std::optional<double> alias_number(const RunContext& run, const char* name) {
    const auto text = run.option<std::string>(name);
    if (text.empty()) return std::nullopt;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end != '\0' || !(v >= 0) || !std::isfinite(v)) {
        throw std::invalid_argument(
            fmt::format("early_stopping.{}: '{}' is not a number >= 0 (Ignite 0.5.3's name "
                        "for threshold)",
                        name, text));
    }
    return v;
}
std::optional<bool> alias_bool(const RunContext& run, const char* name) {
    const auto text = run.option<std::string>(name);
    if (text.empty()) return std::nullopt;
    if (text == "true" || text == "1") return true;
    if (text == "false" || text == "0") return false;
    throw std::invalid_argument(
        fmt::format("early_stopping.{}: '{}' is not true or false (Ignite 0.5.3's name for cumulative)", name, text));
}

class EarlyStoppingComponent final : public Component {
public:
    EarlyStoppingComponent(Training& training, std::vector<std::string> metrics)
        : training_(training), metrics_(std::move(metrics)) {}

    void init(RunContext& run) override {
        metric_ = run.option<std::string>("metric");
        if (std::find(metrics_.begin(), metrics_.end(), metric_) == metrics_.end()) {
            std::string known;
            for (const auto& m : metrics_) known += (known.empty() ? "" : ", ") + m;
            throw std::invalid_argument(fmt::format(
                "early_stopping.metric '{}' is not a metric of the evaluator; use one of {}", metric_, known));
        }
        auto* trainer = run.engine("trainer");
        auto* evaluator = run.engine("validation");
        engine_name_ = evaluator ? "validation" : "evaluator";
        if (!evaluator) evaluator = run.engine("evaluator");
        if (trainer == nullptr || evaluator == nullptr) {
            throw std::invalid_argument(
                "early_stopping scores the evaluator, which never runs in this run; train with --eval-every K > 0");
        }
        EarlyStopping::Options o;
        o.threshold = alias_number(run, "min_delta").value_or(run.option<double>("threshold"));
        o.cumulative = alias_bool(run, "cumulative_delta").value_or(run.option<bool>("cumulative"));
        o.threshold_mode = ignite::parse_threshold_mode(run.option<std::string>("threshold_mode"));
        o.mode = ignite::parse_mode(run.option<std::string>("mode"));
        o.nan = ignite::parse_nan_policy(run.option<std::string>("nan"));
        restore_ = run.option<bool>("restore_best_weights");
        const auto metric = metric_;
        handler_ = std::make_shared<EarlyStopping>(
            run.option<std::int64_t>("patience"),
            [metric](ignite::Engine& e) { return ignite::value_as<double>(e.state.metrics.at(metric), metric); },
            *trainer, o);
        handler_->log = nullptr;  // the summary line says why the run stopped
        if (restore_) {
            handler_->keep_best_weights([this] {
                EarlyStopping::NamedTensors out;
                for (const auto& entry : training_.model->state_dict()) out.emplace_back(entry.key(), entry.value());
                return out;
            });
        }
        const auto label = evaluator->label_handlers(kEarlyStoppingName);
        evaluator->add_event_handler(ignite::Events::COMPLETED, ignite::Priority::handlers,
                                     [this, trainer](ignite::Engine& e) { score(e, *trainer); });
    }

    std::optional<c10::IValue> save_state() override {
        if (!handler_) return std::nullopt;
        c10::impl::GenericDict d(c10::StringType::get(), c10::AnyType::get());
        for (const auto& [key, value] : handler_->state_dict()) d.insert(key, value);
        if (restore_) {
            c10::impl::GenericDict weights(c10::StringType::get(), c10::TensorType::get());
            for (const auto& [name, t] : handler_->best_weights()) weights.insert(name, t);
            d.insert("best_weights", weights);
        }
        return c10::IValue(d);
    }

    void load_state(const c10::IValue& state) override {
        if (!handler_) throw std::logic_error("early_stopping: load_state before init");
        try {
            const auto d = ignite::checkpoint::to_dict(state, "early_stopping");
            EarlyStopping::NamedTensors weights;
            if (const auto* w = d.find("best_weights"); w != nullptr && w->isGenericDict()) {
                for (const auto& entry : w->toGenericDict())
                    weights.emplace_back(entry.key().toStringRef(), entry.value().toTensor());
            }
            if (restore_ && weights.empty() && !d.at("best_score").isNone()) {
                throw std::invalid_argument(
                    "the checkpoint's early_stopping state has a best score but not its weights (it was saved "
                    "without restore_best_weights), so they cannot be restored; resume with --plugin-opt "
                    "early_stopping.restore_best_weights=false");
            }
            handler_->load_state_dict(d);
            handler_->set_best_weights(std::move(weights));
        } catch (const ignite::Error& e) {
            throw std::invalid_argument(fmt::format("the checkpoint's early_stopping state: {}", e.what()));
        }
    }

private:
    void score(ignite::Engine& evaluator, ignite::Engine& trainer) {
        const auto before = handler_->best_score();
        (*handler_)(evaluator);
        const auto after = handler_->best_score();
        if (after && (!before || *before != *after || std::isnan(*after))) best_epoch_ = trainer.state.epoch;
        if (!handler_->stop_cause().empty() && !noted_) {
            noted_ = true;
            std::string what = handler_->stop_cause();
            if (after) {
                what += fmt::format("; best {} {} {:.4f}{}", engine_name_ == "validation" ? "val" : "test", metric_,
                                    *after, best_epoch_ > 0 ? fmt::format(" at epoch {}", best_epoch_) : std::string());
                if (restore_ && !handler_->best_weights().empty()) what += ", whose weights were restored";
            }
            note_stop(training_.stop_note, {kEarlyStoppingName, what, trainer.state.epoch, trainer.state.iteration});
        }
    }

    Training& training_;
    std::vector<std::string> metrics_;
    std::string metric_, engine_name_;
    bool restore_ = false;
    bool noted_ = false;
    std::int64_t best_epoch_ = 0;
    std::shared_ptr<EarlyStopping> handler_;
};

}  // namespace

ParticipantSpec early_stopping_spec() {
    ParticipantSpec spec;
    spec.name = kEarlyStoppingName;
    spec.version = "1.0";
    spec.description =
        "Ignite's EarlyStopping: stops the trainer after `patience` evaluations without improvement of an evaluator "
        "metric";
    spec.options = {
        {.name = "patience",
         .type = IGNITE_OPTION_INT,
         .default_value = std::nullopt,
         .help = "evaluations without improvement before the trainer is stopped (required, >= 1)",
         .flags = IGNITE_OPTION_HAS_MIN,
         .min = 1},
        {.name = "metric",
         .type = IGNITE_OPTION_STRING,
         .default_value = "accuracy",
         .help = "the evaluator metric that scores each evaluation (the validation evaluator's with --val-split): "
                 "accuracy, loss or a --metric NAME"},
        {.name = "mode",
         .type = IGNITE_OPTION_STRING,
         .default_value = "max",
         .help = "max: a higher score is better; min: lower is (a loss)",
         .choices = {"max", "min"}},
        {.name = "threshold",
         .type = IGNITE_OPTION_DOUBLE,
         .default_value = "0",
         .help = "the least change that counts as an improvement",
         .flags = IGNITE_OPTION_HAS_MIN,
         .min = 0},
        {.name = "threshold_mode",
         .type = IGNITE_OPTION_STRING,
         .default_value = "abs",
         .help = "abs: better than best + threshold; rel: better than best * (1 + threshold) (mode min: - threshold)",
         .choices = {"abs", "rel"}},
        {.name = "cumulative",
         .type = IGNITE_OPTION_BOOL,
         .default_value = "false",
         .help = "true: the threshold counts from the best score since the counter was last reset; false: from the "
                 "last evaluation's"},
        {.name = "min_delta",
         .type = IGNITE_OPTION_STRING,
         .default_value = "",
         .help = "Ignite 0.5.3's name for threshold (a number >= 0); wins over threshold when given"},
        {.name = "cumulative_delta",
         .type = IGNITE_OPTION_STRING,
         .default_value = "",
         .help = "Ignite 0.5.3's name for cumulative (true or false); wins over cumulative when given"},
        {.name = "nan",
         .type = IGNITE_OPTION_STRING,
         .default_value = "stop",
         .help = "a NaN score: stop stops the run; skip ignores the evaluation; ignite counts it as an improvement "
                 "(Ignite's behaviour, which loses the best score)",
         .choices = {"stop", "skip", "ignite"}},
        {.name = "restore_best_weights",
         .type = IGNITE_OPTION_BOOL,
         .default_value = "false",
         .help = "when it stops the run, put back the weights of the best score (kept in memory and in the "
                 "checkpoint's early_stopping entry)"},
    };
    spec.state_key = kEarlyStoppingName;
    spec.placement = Placement::every_rank;  // every rank must stop at the same evaluation
    spec.priority_band = ignite::Priority::handlers.value;
    spec.kind = ParticipantKind::component;
    return spec;
}

std::unique_ptr<Component> make_early_stopping(Training& training, const TrainOptions& options) {
    std::vector<std::string> metrics{"accuracy", "loss"};
    metrics.insert(metrics.end(), options.metrics.begin(), options.metrics.end());
    return std::make_unique<EarlyStoppingComponent>(training, std::move(metrics));
}

}  // namespace ignite::host
