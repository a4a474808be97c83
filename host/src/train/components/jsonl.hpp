#pragma once
// The `jsonl` component: metrics.jsonl (../metrics_jsonl.hpp, docs/metrics-jsonl.md) written
// by a participant like any plugin, so the host's own logging follows the plugins' rules:
// loaded by default (--no-default-plugins leaves it out, `--plugin jsonl` brings it back),
// shown by `plugins list` and `plugins inspect jsonl`, on rank 0 only (one writer per run),
// its handlers in the loggers' band, and replaceable by a module given by PATH.
//
// What it reads, all from the run (RunContext): the output folder and whether the run resumed
// (its facts), the checkpoint a resumed run continues from (the configuration's "resume",
// which the host sets to the checkpoint it found: train_command.cpp), the engines by name and
// the trainer's optimizer. It keeps no state: a resumed run's lines continue the file.

#include "../train_options.hpp"
#include "../training.hpp"

#include <ignite/runtime/participant.hpp>

#include <memory>

namespace ignite::host {

[[nodiscard]] ParticipantSpec jsonl_spec();
[[nodiscard]] std::unique_ptr<Component> make_jsonl(Training& training, const TrainOptions& options);

}  // namespace ignite::host
