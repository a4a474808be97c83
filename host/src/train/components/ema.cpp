#include "ema.hpp"

#include <ignite/core/checkpoint_file.hpp>
#include <ignite/core/engine.hpp>
#include <ignite/core/errors.hpp>
#include <ignite/core/handlers/ema.hpp>

#include <fmt/format.h>

#include <optional>
#include <set>
#include <stdexcept>

namespace ignite::host {
namespace {

class Ema final : public Component {
public:
    explicit Ema(Training& training) : training_(training) {}

    void init(RunContext& run) override {
        EMAOptions o;
        o.momentum = run.option<double>("momentum");
        if (!(o.momentum > 0 && o.momentum < 1)) {
            throw std::invalid_argument(fmt::format(
                "ema.momentum must be in (0, 1) (Ignite's momentum: the weight of the new weights at each update, "
                "e.g. 0.0002), got {}",
                o.momentum));
        }
        const auto warmup = run.option<double>("momentum_warmup");
        const auto warmup_iters = run.option<std::int64_t>("warmup_iters");
        if ((warmup != 0) != (warmup_iters != 0)) {
            throw std::invalid_argument(fmt::format(
                "ema.momentum_warmup ({}) and ema.warmup_iters ({}) go together: give both for a warm-up, or neither",
                warmup, warmup_iters));
        }
        if (warmup != 0) {
            if (!(warmup > 0 && warmup < 1))
                throw std::invalid_argument(fmt::format("ema.momentum_warmup must be in (0, 1), got {}", warmup));
            o.momentum_warmup = warmup;
            o.warmup_iters = warmup_iters;
        }
        o.handle_buffers = ema_buffers_from(run.option<std::string>("handle_buffers"));
        const auto name = run.option<std::string>("name");
        const auto every = run.option<std::int64_t>("every");
        auto* trainer = run.engine("trainer");
        if (trainer == nullptr) throw std::runtime_error("ema averages the trainer's model, and this run has none");
        std::vector<Engine*> evaluators;
        if (run.option<bool>("evaluate")) {
            for (const char* e : {"validation", "evaluator"})
                if (auto* engine = run.engine(e)) evaluators.push_back(engine);
            if (evaluators.empty()) {
                throw std::invalid_argument(
                    "ema.evaluate=true: this run has no evaluator to score the EMA weights (--eval-every 0); use "
                    "--eval-every K or drop ema.evaluate");
            }
        }
        // The model's state_dict split as PyTorch's module splits it: parameters, then buffers.
        auto params = training_.model->named_parameters();
        std::set<std::string> param_names;
        for (const auto& [n, t] : params) param_names.insert(n);
        EMAHandler::NamedTensors buffers;
        for (const auto& item : training_.model->state_dict())
            if (!param_names.count(item.key())) buffers.emplace_back(item.key(), item.value());
        ema_ = std::make_unique<EMAHandler>(std::move(params), std::move(buffers), o);

        const auto label = trainer->label_handlers(kEmaName);
        const auto event = every == 1 ? EventSpec(Events::ITERATION_COMPLETED) : Events::ITERATION_COMPLETED.every(every);
        ema_->attach(*trainer, name, event, Priority::handlers);
        for (auto* engine : evaluators) {
            const auto evaluator_label = engine->label_handlers(kEmaName);
            // Before every other STARTED handler, so nothing of the run sees the online weights.
            engine->add_event_handler(Events::STARTED, Priority{Priority::metrics.value - 1},
                                      [this] { swap_.emplace(ema_->swap_into_model()); });
            // After the metrics band computed the metrics, before loggers and the checkpoint.
            engine->add_event_handler(Events::COMPLETED, Priority::handlers, [this] { swap_.reset(); });
            engine->add_exception_observer(Priority::handlers, [this](Engine&, std::exception_ptr) { swap_.reset(); });
        }
    }

    std::optional<c10::IValue> save_state() override {
        if (!ema_) return std::nullopt;
        return checkpoint::to_value(ema_->state_dict());
    }

    void load_state(const c10::IValue& state) override {
        if (!ema_) throw std::logic_error("ema: load_state before init");
        try {
            ema_->load_state_dict(checkpoint::to_dict(state, "ema"));
        } catch (const ignite::Error& e) {
            throw std::invalid_argument(fmt::format("the checkpoint's 'ema' entry does not fit this run: {}", e.what()));
        }
    }

    void load_state_missing() override {
        throw std::invalid_argument(
            "the checkpoint has no 'ema' entry (its run had no ema), so the average would restart from the resumed "
            "weights mid-run; resume without --plugin ema, or from a checkpoint of a run with it");
    }

    void shutdown() noexcept override { swap_.reset(); }

private:
    Training& training_;
    std::unique_ptr<EMAHandler> ema_;
    std::optional<EMAHandler::ModelSwap> swap_;
};

}  // namespace

ParticipantSpec ema_spec() {
    ParticipantSpec spec;
    spec.name = kEmaName;
    spec.version = "1.0";
    spec.description =
        "Ignite's EMAHandler: an exponential moving average of the model's weights, in checkpoints; the evaluator "
        "may score it (evaluate)";
    spec.options = {
        {.name = "momentum",
         .type = IGNITE_OPTION_DOUBLE,
         .default_value = "0.0002",
         .help = "the weight of the new weights at each update, in (0, 1): ema = (1 - momentum) * ema + momentum * w"},
        {.name = "momentum_warmup",
         .type = IGNITE_OPTION_DOUBLE,
         .default_value = "0",
         .help = "the momentum at the first update, moving linearly to momentum over warmup_iters updates; 0: no "
                 "warm-up (Ignite's None); needs warmup_iters"},
        {.name = "warmup_iters",
         .type = IGNITE_OPTION_INT,
         .default_value = "0",
         .help = "updates of the warm-up; 0: none; needs momentum_warmup",
         .flags = IGNITE_OPTION_HAS_MIN,
         .min = 0},
        {.name = "handle_buffers",
         .type = IGNITE_OPTION_STRING,
         .default_value = "copy",
         .help = "the model's buffers: copy them, update (average) them, or ema_train (leave the EMA's alone)",
         .choices = {"copy", "update", "ema_train"}},
        {.name = "name",
         .type = IGNITE_OPTION_STRING,
         .default_value = "ema_momentum",
         .help = "the trainer's state attribute holding the current momentum (Ignite's attach name)"},
        {.name = "every",
         .type = IGNITE_OPTION_INT,
         .default_value = "1",
         .help = "update every K trainer iterations (Ignite's event=ITERATION_COMPLETED(every=K))",
         .flags = IGNITE_OPTION_HAS_MIN,
         .min = 1},
        {.name = "evaluate",
         .type = IGNITE_OPTION_BOOL,
         .default_value = "false",
         .help = "the evaluators (test, and validation with --val-split) score the EMA weights instead of the "
                 "online ones"},
    };
    spec.state_key = kEmaName;
    spec.placement = Placement::every_rank;  // every rank averages the same weights
    spec.priority_band = ignite::Priority::handlers.value;
    spec.kind = ParticipantKind::component;
    return spec;
}

std::unique_ptr<Component> make_ema(Training& training, const TrainOptions&) { return std::make_unique<Ema>(training); }

}  // namespace ignite::host
