#include <ignite/runtime/optimizer_params.hpp>

#include <ignite/plugin.h>

#include <torch/optim/adagrad.h>
#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <torch/optim/rmsprop.h>
#include <torch/optim/sgd.h>

namespace ignite::host {

double* param_slot(torch::optim::OptimizerOptions& o, std::string_view key) {
    using namespace torch::optim;
    if (key == IGNITE_PARAM_LR) {
        if (auto* x = dynamic_cast<SGDOptions*>(&o)) return &x->lr();
        if (auto* x = dynamic_cast<AdamOptions*>(&o)) return &x->lr();
        if (auto* x = dynamic_cast<AdamWOptions*>(&o)) return &x->lr();
        if (auto* x = dynamic_cast<RMSpropOptions*>(&o)) return &x->lr();
        if (auto* x = dynamic_cast<AdagradOptions*>(&o)) return &x->lr();
    } else if (key == IGNITE_PARAM_MOMENTUM) {
        if (auto* x = dynamic_cast<SGDOptions*>(&o)) return &x->momentum();
        if (auto* x = dynamic_cast<RMSpropOptions*>(&o)) return &x->momentum();
    } else if (key == IGNITE_PARAM_WEIGHT_DECAY) {
        if (auto* x = dynamic_cast<SGDOptions*>(&o)) return &x->weight_decay();
        if (auto* x = dynamic_cast<AdamOptions*>(&o)) return &x->weight_decay();
        if (auto* x = dynamic_cast<AdamWOptions*>(&o)) return &x->weight_decay();
        if (auto* x = dynamic_cast<RMSpropOptions*>(&o)) return &x->weight_decay();
        if (auto* x = dynamic_cast<AdagradOptions*>(&o)) return &x->weight_decay();
    }
    return nullptr;
}

}  // namespace ignite::host
