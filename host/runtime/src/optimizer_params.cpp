#include <ignite/runtime/optimizer_params.hpp>

#include <ignite/core/optimizer_params.hpp>

namespace ignite::host {

// One place knows the optimizers' options classes: core's (the schedulers use it too).
double* param_slot(torch::optim::OptimizerOptions& o, std::string_view key) { return ignite::param_slot(o, key); }

}  // namespace ignite::host
