#include <ignite/core/handlers/early_stopping.hpp>

#include <ignite/core/errors.hpp>

#include <c10/core/GradMode.h>
#include <fmt/format.h>

#include <cmath>
#include <iostream>

namespace ignite {
namespace {

std::string counted(std::int64_t n, const char* what) { return fmt::format("{} {}{}", n, what, n == 1 ? "" : "s"); }

}  // namespace

const char* to_string(EarlyStopping::ThresholdMode m) noexcept {
    return m == EarlyStopping::ThresholdMode::abs ? "abs" : "rel";
}
const char* to_string(EarlyStopping::Mode m) noexcept { return m == EarlyStopping::Mode::max ? "max" : "min"; }
const char* to_string(EarlyStopping::NanPolicy p) noexcept {
    switch (p) {
        case EarlyStopping::NanPolicy::stop:
            return "stop";
        case EarlyStopping::NanPolicy::skip:
            return "skip";
        case EarlyStopping::NanPolicy::ignite:
            return "ignite";
    }
    return "stop";
}

EarlyStopping::ThresholdMode parse_threshold_mode(const std::string& s) {
    if (s == "abs") return EarlyStopping::ThresholdMode::abs;
    if (s == "rel") return EarlyStopping::ThresholdMode::rel;
    throw ValueError(fmt::format("Argument threshold_mode should be one of 'abs' or 'rel', got '{}'", s));
}
EarlyStopping::Mode parse_mode(const std::string& s) {
    if (s == "max") return EarlyStopping::Mode::max;
    if (s == "min") return EarlyStopping::Mode::min;
    throw ValueError(fmt::format("Argument mode should be one of 'min' or 'max', got '{}'", s));
}
EarlyStopping::NanPolicy parse_nan_policy(const std::string& s) {
    if (s == "stop") return EarlyStopping::NanPolicy::stop;
    if (s == "skip") return EarlyStopping::NanPolicy::skip;
    if (s == "ignite") return EarlyStopping::NanPolicy::ignite;
    throw ValueError(fmt::format("the NaN policy should be one of 'stop', 'skip' or 'ignite', got '{}'", s));
}

EarlyStopping::EarlyStopping(std::int64_t patience, ScoreFunction score_function, Engine& trainer, Options options)
    : log([](const std::string& line) { std::cerr << line << '\n'; }),
      patience_(patience),
      score_function_(std::move(score_function)),
      trainer_(&trainer),
      options_(options) {
    if (!score_function_) throw TypeError("Argument score_function should be a function.");
    if (patience_ < 1) throw ValueError("Argument patience should be positive integer.");
    if (!(options_.threshold >= 0.0)) throw ValueError("Argument threshold should not be a negative number.");
}

void EarlyStopping::operator()(Engine& engine) {
    const double score = score_function_(engine);
    const bool nan = std::isnan(score);
    if (nan && options_.nan == NanPolicy::stop) {
        stop("the score was NaN");
        return;
    }
    if (nan && options_.nan == NanPolicy::skip) return;
    // From here Ignite's formula, IEEE comparisons included (NanPolicy::ignite, notes E13:
    // every comparison with NaN is false, so a NaN score or best counts as an improvement).
    const auto take_best = [&] {
        best_score_ = score;
        if (tensors_ && !nan) {
            best_weights_.clear();
            c10::NoGradGuard no_grad;
            for (const auto& [name, t] : tensors_()) best_weights_.emplace_back(name, t.detach().clone());
        }
    };
    if (!best_score_) {
        take_best();
        return;
    }
    const double best = *best_score_;
    const bool max = options_.mode == Mode::max;
    const double thr = max ? options_.threshold : -options_.threshold;
    const double bound = options_.threshold_mode == ThresholdMode::abs ? best + thr : best * (1.0 + thr);
    const bool no_improvement = max ? score <= bound : score >= bound;
    if (no_improvement) {
        // Python's max(score, best) / min(score, best): the new score only when strictly better.
        if (!options_.cumulative && (max ? score > best : score < best)) take_best();
        ++counter_;
        if (counter_ >= patience_) stop(fmt::format("no improvement in {}", counted(counter_, "evaluation")));
    } else {
        take_best();
        counter_ = 0;
    }
}

void EarlyStopping::stop(std::string cause) {
    // The best weights go back before terminate(): a checkpoint saved at TERMINATE keeps them.
    const bool restored = restore_best_weights();
    stop_cause_ = std::move(cause);
    if (log) {
        log(fmt::format("EarlyStopping: stop training: {}{}", stop_cause_,
                        restored && best_score_
                            ? fmt::format("; restored the weights of the best score {}", *best_score_)
                            : std::string()));
    }
    trainer_->terminate(TerminateReason::handler);
}

void EarlyStopping::reset() {
    counter_ = 0;
    best_score_.reset();
    best_weights_.clear();
}

RemovableEventHandle EarlyStopping::attach(const std::shared_ptr<EarlyStopping>& handler, Engine& engine,
                                           const EventSpec& event, Engine* reset_engine, const EventSpec& reset_event) {
    if (!handler) throw ValueError("EarlyStopping::attach needs a handler");
    (reset_engine ? *reset_engine : engine).add_event_handler(reset_event, [h = handler] { h->reset(); });
    return engine.add_event_handler(event, [h = handler](Engine& e) { (*h)(e); });
}

Dict EarlyStopping::state_dict() const {
    Dict d;
    d.set("counter", counter_);
    d.set("best_score", best_score_ ? c10::IValue(*best_score_) : c10::IValue());
    d.set("threshold_mode", std::string(to_string(options_.threshold_mode)));
    return d;
}

void EarlyStopping::load_state_dict(const Dict& state) {
    auto get = [&](const char* key) -> const c10::IValue& {
        const auto* v = state.find(key);
        if (!v) throw ValueError(fmt::format("Required state attribute '{}' is absent in provided state_dict", key));
        return *v;
    };
    // Read and check everything before assigning: a bad state_dict changes nothing.
    const auto counter = value_as<std::int64_t>(get("counter"), "counter");
    if (counter < 0) throw ValueError(fmt::format("state_dict counter must be >= 0, got {}", counter));
    const auto& best_value = get("best_score");
    std::optional<double> best;
    if (!best_value.isNone()) best = value_as<double>(best_value, "best_score");
    const auto* mode = state.find("threshold_mode");
    if (mode == nullptr) mode = state.find("min_delta_mode");  // Ignite 0.5.4's name
    if (mode != nullptr && !mode->isNone()) {
        const auto saved = value_as<std::string>(*mode, "threshold_mode");
        if (saved != to_string(options_.threshold_mode)) {
            throw ValueError(fmt::format("state_dict threshold_mode is '{}' but this EarlyStopping's is '{}'", saved,
                                         to_string(options_.threshold_mode)));
        }
    }
    counter_ = counter;
    best_score_ = best;
}

void EarlyStopping::keep_best_weights(std::function<NamedTensors()> tensors) { tensors_ = std::move(tensors); }

bool EarlyStopping::restore_best_weights() {
    if (!tensors_ || best_weights_.empty()) return false;
    auto current = tensors_();
    c10::NoGradGuard no_grad;
    // Every kept tensor must have its place (same name and shape) before any is copied.
    std::vector<std::pair<at::Tensor*, const at::Tensor*>> pairs;
    for (const auto& [kept_name, kept] : best_weights_) {
        at::Tensor* target = nullptr;
        for (auto& [name, t] : current) {
            if (name == kept_name) target = &t;
        }
        if (target == nullptr || target->sizes() != kept.sizes()) {
            throw ValueError(fmt::format("EarlyStopping's best weights hold '{}', which the model {}", kept_name,
                                         target == nullptr ? "does not have" : "has in another shape"));
        }
        pairs.emplace_back(target, &kept);
    }
    for (auto& [target, kept] : pairs) target->copy_(*kept);
    return true;
}

}  // namespace ignite
