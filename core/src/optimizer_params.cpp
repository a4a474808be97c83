#include <ignite/core/optimizer_params.hpp>

#include <torch/optim/adagrad.h>
#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <torch/optim/rmsprop.h>
#include <torch/optim/sgd.h>

namespace ignite {

double* param_slot(torch::optim::OptimizerOptions& o, std::string_view key) {
    using namespace torch::optim;
    if (key == "lr") {
        if (auto* x = dynamic_cast<SGDOptions*>(&o)) return &x->lr();
        if (auto* x = dynamic_cast<AdamOptions*>(&o)) return &x->lr();
        if (auto* x = dynamic_cast<AdamWOptions*>(&o)) return &x->lr();
        if (auto* x = dynamic_cast<RMSpropOptions*>(&o)) return &x->lr();
        if (auto* x = dynamic_cast<AdagradOptions*>(&o)) return &x->lr();
    } else if (key == "momentum") {
        if (auto* x = dynamic_cast<SGDOptions*>(&o)) return &x->momentum();
        if (auto* x = dynamic_cast<RMSpropOptions*>(&o)) return &x->momentum();
    } else if (key == "weight_decay") {
        if (auto* x = dynamic_cast<SGDOptions*>(&o)) return &x->weight_decay();
        if (auto* x = dynamic_cast<AdamOptions*>(&o)) return &x->weight_decay();
        if (auto* x = dynamic_cast<AdamWOptions*>(&o)) return &x->weight_decay();
        if (auto* x = dynamic_cast<RMSpropOptions*>(&o)) return &x->weight_decay();
        if (auto* x = dynamic_cast<AdagradOptions*>(&o)) return &x->weight_decay();
    }
    return nullptr;
}

std::string optimizer_name(const torch::optim::OptimizerOptions& o) {
    using namespace torch::optim;
    if (dynamic_cast<const SGDOptions*>(&o)) return "SGD";
    if (dynamic_cast<const AdamWOptions*>(&o)) return "AdamW";
    if (dynamic_cast<const AdamOptions*>(&o)) return "Adam";
    if (dynamic_cast<const RMSpropOptions*>(&o)) return "RMSprop";
    if (dynamic_cast<const AdagradOptions*>(&o)) return "Adagrad";
    return "an unknown optimizer";
}

std::string optimizers_with(std::string_view key) {
    if (key == "lr" || key == "weight_decay") return "SGD, Adam, AdamW, RMSprop, Adagrad";
    if (key == "momentum") return "SGD, RMSprop";
    return "none";
}

}  // namespace ignite
