#include <ignite/core/handlers/lr_finder.hpp>

#include <ignite/core/errors.hpp>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/core/Generator.h>
#include <fmt/format.h>
#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>
#include <torch/serialize/archive.h>

#include <cmath>
#include <limits>
#include <sstream>

namespace ignite {

LrStepMode lr_step_mode_from(const std::string& name) {
    if (name == "exp") return LrStepMode::exp;
    if (name == "linear") return LrStepMode::linear;
    throw ValueError(fmt::format("step_mode should be 'exp' or 'linear', but given {}", name));
}

LrHistory lr_history_from(const std::string& name) {
    if (name == "applied") return LrHistory::applied;
    if (name == "ignite") return LrHistory::ignite;
    throw ValueError(fmt::format("history should be 'applied' or 'ignite', but given {}", name));
}

double FastaiLRFinder::schedule_lr(LrStepMode mode, double start, double end, std::int64_t num_iter,
                                   std::int64_t index) {
    const auto n = static_cast<double>(num_iter);
    if (mode == LrStepMode::exp) {
        // _ExponentialLR.get_lr: base_lr * (end_lr / base_lr) ** (curr_iter / num_iter)
        return start * std::pow(end / start, static_cast<double>(index) / n);
    }
    // PiecewiseLinear over [(0, start), (num_iter, end)]: the last value from num_iter on.
    if (index >= num_iter) return end;
    return start + (end - start) * static_cast<double>(index) / n;
}

std::size_t FastaiLRFinder::suggestion_index(const std::vector<double>& smoothed_losses) {
    // torch.tensor(history["loss"]) is float32: the comparisons below are made on floats.
    std::vector<float> l(smoothed_losses.begin(), smoothed_losses.end());
    std::size_t min_index = 0;
    for (std::size_t i = 1; i < l.size(); ++i)
        if (l[i] < l[min_index]) min_index = i;
    if (l.empty() || min_index + 1 < 3) {
        throw RuntimeError(
            "FastaiLRFinder got unexpected curve shape, the curve should be somehow U-shaped, please decrease "
            "start_lr or increase end_lr to resolve this issue.");
    }
    std::size_t best = 1;
    float best_grad = 0;
    for (std::size_t i = 1; i + 1 <= min_index; ++i) {
        const float grad = 0.5f * (l[i + 1] - l[i - 1]);
        if (i == 1 || grad < best_grad) {
            best_grad = grad;
            best = i;
        }
    }
    return best;
}

// What the handlers share during one test.
struct FastaiLRFinder::Run {
    FastaiLRFinder* finder;
    torch::optim::Optimizer* optimizer;
    LrFinderOptions options;
    std::vector<double> starts, ends;  // per parameter group
    std::int64_t num_iter = 0;
    double best_loss = 0;

    void set_lrs(const std::vector<double>& lrs) const {
        auto& groups = optimizer->param_groups();
        for (std::size_t g = 0; g < groups.size(); ++g) groups[g].options().set_lr(lrs[g]);
    }
    std::vector<double> lrs_at(std::int64_t index) const {
        std::vector<double> out;
        for (std::size_t g = 0; g < starts.size(); ++g)
            out.push_back(schedule_lr(options.step_mode, starts[g], ends[g], num_iter, index));
        return out;
    }
    double loss_of(const c10::IValue& output) const {
        if (options.output_transform) return options.output_transform(output);
        if (output.isDouble()) return output.toDouble();
        if (output.isTensor()) {
            const auto& t = output.toTensor();
            if (t.dim() == 0 || (t.dim() == 1 && t.size(0) == 1)) return t.item<double>();
            throw ValueError(fmt::format(
                "if output of the engine is torch.Tensor, then it must be 0d torch.Tensor or 1d torch.Tensor with 1 "
                "element, but got torch.Tensor of shape [{}].",
                fmt::join(t.sizes(), ", ")));
        }
        throw TypeError(
            fmt::format("output of the engine should be of type float or 0d torch.Tensor or 1d torch.Tensor with 1 "
                        "element, but got output of type {}; give LrFinderOptions::output_transform",
                        output.tagKind()));
    }

    void started(Engine& e) {
        auto& s = e.state;
        if (!options.num_iter) {
            if (s.max_iters) {
                num_iter = *s.max_iters;
            } else if (s.epoch_length && s.max_epochs) {
                num_iter = *s.epoch_length * *s.max_epochs;
            } else {
                throw ValueError("FastaiLRFinder needs num_iter when the data's size is unknown");
            }
        } else {
            num_iter = *options.num_iter;
            if (s.max_iters) {
                if (*s.max_iters < num_iter) s.max_iters = num_iter;
            } else if (s.epoch_length && s.max_epochs && *s.epoch_length * *s.max_epochs < num_iter) {
                s.max_epochs = (num_iter + *s.epoch_length - 1) / *s.epoch_length;  // ceil(num_iter / epoch_length)
            }
        }
        finder->history_ = {};
        finder->group_lrs_.clear();
        finder->diverged_ = false;
        best_loss = 0;
        if (options.history == LrHistory::ignite && options.step_mode == LrStepMode::exp) {
            // Ignite's _ExponentialLR takes its first step when built, from the optimizer's own rate.
            std::vector<double> first;
            for (const auto& g : optimizer->param_groups())
                first.push_back(schedule_lr(LrStepMode::exp, g.options().get_lr(), ends[first.size()], num_iter, 1));
            set_lrs(first);
        }
    }
    void iteration_started(Engine& e) const {
        if (options.history == LrHistory::applied) set_lrs(lrs_at(e.state.iteration - 1));
    }
    void iteration_completed(Engine& e) {
        const auto iteration = e.state.iteration;
        if (iteration > num_iter) e.terminate();
        const double raw = loss_of(e.state.output);
        // Ignite's history: linear records the value its PiecewiseLinear is about to apply,
        // exp the one its _ExponentialLR computes for the step after.
        const auto recorded = options.history == LrHistory::applied ? lrs_at(iteration - 1)
                              : options.step_mode == LrStepMode::exp ? lrs_at(iteration)
                                                                     : lrs_at(iteration - 1);
        auto& h = finder->history_;
        double loss = raw;
        if (h.loss.empty()) {
            best_loss = loss;
        } else {
            if (options.smooth_f > 0) loss = options.smooth_f * loss + (1 - options.smooth_f) * h.loss.back();
            if (loss < best_loss) best_loss = loss;
        }
        h.lr.push_back(recorded.front());
        h.loss.push_back(loss);
        h.raw_loss.push_back(raw);
        finder->group_lrs_.push_back(recorded);
        if (loss > options.diverge_th * best_loss) {
            finder->diverged_ = true;
            e.terminate();
        }
        if (options.history == LrHistory::ignite) set_lrs(recorded);
    }
};

struct FastaiLRFinder::Attached::Saved {
    Engine* trainer = nullptr;
    torch::optim::Optimizer* optimizer = nullptr;
    std::vector<at::Tensor> live, copies;
    std::string optimizer_bytes;
    State state;
    at::Tensor cpu_generator;
    std::vector<ScopedEventHandle> handles;

    void restore() {
        handles.clear();  // detach first: nothing of the test runs again
        const at::NoGradGuard no_grad;
        for (std::size_t i = 0; i < live.size(); ++i) live[i].detach().copy_(copies[i]);
        torch::serialize::InputArchive in;
        std::istringstream bytes(optimizer_bytes);
        in.load_from(bytes);
        optimizer->load(in);
        trainer->state = state;
        auto generator = at::detail::getDefaultCPUGenerator();
        const std::lock_guard<std::mutex> lock(generator.mutex());
        generator.set_state(cpu_generator);
    }
};

FastaiLRFinder::Attached::Attached(std::unique_ptr<Saved> saved) : saved_(std::move(saved)) {}
FastaiLRFinder::Attached::Attached(Attached&& o) noexcept = default;
Engine& FastaiLRFinder::Attached::trainer() const noexcept { return *saved_->trainer; }

FastaiLRFinder::Attached::~Attached() {
    if (!saved_) return;
    try {
        saved_->restore();
    } catch (...) {
        // A destructor cannot report; the test's objects are left as the test left them.
    }
}

FastaiLRFinder::Attached FastaiLRFinder::attach(Engine& trainer, torch::optim::Optimizer& optimizer,
                                                std::vector<at::Tensor> model_tensors, LrFinderOptions options) {
    // Ignite's checks, in its order and words.
    if (options.smooth_f < 0 || options.smooth_f >= 1) throw ValueError("smooth_f is outside the range [0, 1]");
    if (!(options.diverge_th >= 1)) throw ValueError("diverge_th should be larger than 1");
    if (options.num_iter && *options.num_iter <= 0)
        throw ValueError(fmt::format("if provided, num_iter should be positive, but give {}", *options.num_iter));
    auto run = std::make_shared<Run>();
    run->finder = this;
    run->optimizer = &optimizer;
    for (const auto& g : optimizer.param_groups()) {
        run->starts.push_back(options.start_lr.value_or(g.options().get_lr()));
        run->ends.push_back(options.end_lr);
    }
    for (std::size_t g = 0; g < run->starts.size(); ++g) {
        if (!(run->starts[g] < run->ends[g])) {
            throw ValueError(fmt::format("start_lr must be less than end_lr, start_lr={} vs end_lr={}", run->starts[g],
                                         run->ends[g]));
        }
        if (options.step_mode == LrStepMode::exp && !(run->starts[g] > 0))
            throw ValueError(fmt::format("start_lr must be > 0 with step_mode 'exp', got {}", run->starts[g]));
    }
    run->options = std::move(options);

    auto saved = std::make_unique<Attached::Saved>();
    saved->trainer = &trainer;
    saved->optimizer = &optimizer;
    {
        const at::NoGradGuard no_grad;
        for (auto& t : model_tensors) saved->copies.push_back(t.detach().clone());
    }
    saved->live = std::move(model_tensors);
    torch::serialize::OutputArchive out;
    optimizer.save(out);
    std::ostringstream bytes;
    out.save_to(bytes);
    saved->optimizer_bytes = bytes.str();
    saved->state = trainer.state;
    {
        auto generator = at::detail::getDefaultCPUGenerator();
        const std::lock_guard<std::mutex> lock(generator.mutex());
        saved->cpu_generator = generator.get_state();
    }
    saved->handles.emplace_back(trainer.add_event_handler(Events::STARTED, [run](Engine& e) { run->started(e); }));
    saved->handles.emplace_back(
        // First of the iteration's handlers, so every other one sees the rate it runs with.
        trainer.add_event_handler(Events::ITERATION_STARTED, Priority{std::numeric_limits<int>::min()},
                                  [run](Engine& e) { run->iteration_started(e); }));
    saved->handles.emplace_back(
        trainer.add_event_handler(Events::ITERATION_COMPLETED, [run](Engine& e) { run->iteration_completed(e); }));
    return Attached(std::move(saved));
}

FastaiLRFinder::Attached FastaiLRFinder::attach(Engine& trainer, torch::optim::Optimizer& optimizer,
                                                torch::nn::Module& model, LrFinderOptions options) {
    std::vector<at::Tensor> tensors = model.parameters();
    for (const auto& b : model.buffers()) tensors.push_back(b);
    return attach(trainer, optimizer, std::move(tensors), std::move(options));
}

std::vector<double> FastaiLRFinder::lr_suggestions() const {
    if (history_.loss.empty())
        throw RuntimeError("learning rate finder didn't run yet so lr_suggestion can't be returned");
    return group_lrs_.at(suggestion_index(history_.loss));
}

double FastaiLRFinder::lr_suggestion() const { return lr_suggestions().front(); }

void FastaiLRFinder::apply_suggested_lr(torch::optim::Optimizer& optimizer) const {
    const auto lrs = lr_suggestions();
    auto& groups = optimizer.param_groups();
    if (lrs.size() != groups.size()) {
        throw RuntimeError(fmt::format(
            "The number of parameter groups does not match between given optimizer and the one used for estimating "
            "the learning rate: {} vs {}",
            lrs.size(), groups.size()));
    }
    for (std::size_t g = 0; g < groups.size(); ++g) groups[g].options().set_lr(lrs[g]);
}

}  // namespace ignite
