#pragma once
// Which tag and which step each value gets: Ignite's TensorboardLogger conventions
// (ignite/handlers/tensorboard_logger.py, base_logger.py), as plain functions tested alone.
//
// Decision record:
//  - Engine -> tag prefix. Ignite's setup_tb_logging tags the trainer "training" and each
//    evaluator "validation" (or the dict key the user gives). ignite-host runs `evaluator` on
//    the test split and, with --val-split, `validation` on the held-out split: tagging both
//    "validation" would put two splits on one curve. So `validation` -> validation/... and
//    then `evaluator` -> test/...; without --val-split the evaluator is the only held-out
//    measure and keeps Ignite's validation/... (what a user porting setup_tb_logging sees).
//    `tags=engine:prefix,...` overrides any of these; an engine the run lacks is refused.
//  - Validation step (Ignite's global_step_transform). Ignite's default,
//    global_step_from_engine(trainer) at the evaluator's COMPLETED, is the trainer's EPOCH,
//    while training scalars are at the trainer's ITERATION: the two curves cannot share an x
//    axis, which users have asked about for years (pytorch/ignite#519, #3257;
//    lanpa/tensorboardX#269). Default here: `iteration` (the trainer's iteration at the
//    evaluation), so validation loss lies on the training loss's axis; `epoch` gives Ignite's.
//    `iteration` also lets a resumed run's SessionLog START (one step for every tag) drop an
//    orphaned validation tail; with `epoch` the validation steps are small numbers the START
//    step (an iteration) never reaches, so a resumed run can show a doubled validation point.
//  - Flattening as Ignite's _flatten_dict: tensors enumerate their indices, 0-d is the tag
//    itself (`validation/precision/0`, `validation/confusion_matrix/0/1`).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ignite::tensorboard {

/// Engine name -> tag prefix for every engine in `engines`, after `overrides` ("engine:tag"
/// entries). Throws std::invalid_argument (one line) for an entry without ':' or an empty
/// side, or an engine not in `engines`.
std::map<std::string, std::string> engine_tags(const std::vector<std::string>& engines,
                                               const std::vector<std::string>& overrides);

/// "<prefix>/<name with '.' as '/'>", Ignite's weights_norm/fc1/weight.
std::string parameter_tag(std::string_view prefix, std::string_view parameter_name);

/// `tag` followed by each index: flatten_tag("validation/cm", {0, 1}) = "validation/cm/0/1".
std::string flatten_tag(std::string_view tag, const std::vector<std::int64_t>& index);

/// Every tag of a row-major tensor of `shape` with its element's offset, in order.
std::vector<std::pair<std::string, std::size_t>> flatten_tensor(std::string_view tag,
                                                                const std::vector<std::int64_t>& shape);

/// The optimizer keys option `params` names (lr, momentum, weight_decay), in its order.
/// Throws std::invalid_argument for an unknown entry or an empty list.
std::vector<std::string> parse_params(const std::vector<std::string>& entries);

/// The step TensorBoard must purge from on a run resumed at trainer iteration `resumed`:
/// every point of the abandoned continuation (steps > resumed) goes, the points up to and
/// at the checkpoint stay (START at T drops steps >= T).
constexpr std::int64_t purge_step(std::int64_t resumed_iteration) { return resumed_iteration + 1; }

}  // namespace ignite::tensorboard
