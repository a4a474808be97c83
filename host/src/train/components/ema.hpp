#pragma once
// `ema`: Ignite's EMAHandler on ignite-host's model, a component (participant.hpp): an
// exponential moving average of the weights, updated at the trainer's ITERATION_COMPLETED
// (every `every` iterations), in the handlers band, on every rank.
//
// Options carry Ignite's argument names: momentum, momentum_warmup and warmup_iters (both or
// neither; 0 = none, Ignite's None), handle_buffers (copy|update|ema_train), name (the state
// attribute holding the momentum, Ignite's attach name); plus `every` (Ignite's
// event=ITERATION_COMPLETED(every=K)) and `evaluate`: the evaluators score the EMA weights.
//
// Its state, under `ema`: {"event_index": the warm-up counter, "ema_model": the EMA weights by
// the model's state_dict names}, so a checkpoint holds them and a resume continues exactly
// (Ignite loses the warm-up counter). Python: `ema_model.load_state_dict(ckpt["ema"]["ema_model"])`
// (an EMAHandler's ema_model too), and `handler.momentum_scheduler.event_index =
// ckpt["ema"]["event_index"]` after its attach.
//
// Decision (evaluate): the evaluator runs the model it always runs; around its run the EMA
// weights are copied into the model's tensors (STARTED) and the online ones back (COMPLETED,
// in the handlers band: after the metrics are computed, before loggers and the checkpoint read
// anything), so no second model and no change to the host's evaluators is needed, and a
// checkpoint never holds the EMA weights under `model`.

#include "../train_options.hpp"
#include "../training.hpp"

#include <ignite/runtime/participant.hpp>

#include <memory>

namespace ignite::host {

inline constexpr const char* kEmaName = "ema";

[[nodiscard]] ParticipantSpec ema_spec();
[[nodiscard]] std::unique_ptr<Component> make_ema(Training& training, const TrainOptions& options);

}  // namespace ignite::host
