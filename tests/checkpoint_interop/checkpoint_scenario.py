"""Records Ignite's checkpoint scenario as a trace that tests/checkpoint_handler_test.cpp replays
with core's ignite::Checkpoint, line for line.

Usage: checkpoint_scenario.py DIR SCENARIO [DIR SCENARIO ...]
(SCENARIO: by_step, by_score, by_int_score, ties_ge; each trace starts with "scenario NAME")

A trainer over 3 batches per epoch whose process function writes the iteration into the model's
weight, Checkpoint(to_save, DiskSaver(DIR, require_empty=False), n_saved=2, ...) at
EPOCH_COMPLETED for 6 epochs, then a resume: a new model and trainer restored with
Checkpoint.load_objects from last_checkpoint, run on to 8 epochs with a new Checkpoint in the same
folder. One line per SAVED_CHECKPOINT and per epoch end: the files present, `_saved`,
last_checkpoint's file name.
"""
import os
import sys

import torch
from ignite.engine import Engine, Events
from ignite.handlers import Checkpoint, DiskSaver, global_step_from_engine
from ignite.handlers.checkpoint import CheckpointEvents

SCORES = [0.5, 0.7, 0.7, 0.6, 0.7, 0.9, 0.8, 0.95]  # notes E6's ties, then better and worse ones


def number(p):
    return f"{p}"  # int as itself, float as Python's shortest repr (C++: fmt's "{}")


def saved_text(checkpointer):
    return ",".join(f"{number(p)}:{f}" for p, f in checkpointer.state_dict()["_saved"])


def options(trainer, SCENARIO):
    if SCENARIO == "by_step":
        return dict(n_saved=2)
    if SCENARIO == "by_score":
        return dict(n_saved=2, score_function=lambda e: SCORES[e.state.epoch - 1], score_name="acc",
                    global_step_transform=global_step_from_engine(trainer), filename_prefix="best", include_self=True)
    if SCENARIO == "by_int_score":
        return dict(n_saved=2, score_function=lambda e: [3, 1, 4, 1, 5, 9, 2, 6][e.state.epoch - 1],
                    score_name="n")
    if SCENARIO == "ties_ge":
        return dict(n_saved=2, score_function=lambda e: SCORES[e.state.epoch - 1], greater_or_equal=True)
    raise SystemExit(f"unknown scenario {SCENARIO}")


def setup(tag, DIR, SCENARIO):
    model = torch.nn.Linear(2, 1)

    def step(engine, batch):
        with torch.no_grad():
            model.weight.fill_(float(engine.state.iteration))

    trainer = Engine(step)
    to_save = {"model": model, "trainer": trainer}
    checkpointer = Checkpoint(to_save, DiskSaver(DIR, require_empty=False), **options(trainer, SCENARIO))
    if checkpointer.include_self:
        to_save["checkpointer"] = checkpointer
    trainer.register_events(*CheckpointEvents)

    def files():
        return ",".join(sorted(os.listdir(DIR)))

    def last():
        return os.path.basename(checkpointer.last_checkpoint) if checkpointer.last_checkpoint else "None"

    @trainer.on(CheckpointEvents.SAVED_CHECKPOINT)
    def on_saved(engine):
        print(f"{tag} SAVED_CHECKPOINT epoch={engine.state.epoch} files={files()} _saved={saved_text(checkpointer)} "
              f"last={last()}")

    trainer.add_event_handler(Events.EPOCH_COMPLETED, checkpointer)

    @trainer.on(Events.EPOCH_COMPLETED)
    def on_epoch(engine):
        print(f"{tag} EPOCH_COMPLETED epoch={engine.state.epoch} files={files()} _saved={saved_text(checkpointer)} "
              f"last={last()}")

    return model, trainer, checkpointer, to_save


def scenario(DIR, SCENARIO):
    print(f"scenario {SCENARIO}")
    model, trainer, checkpointer, to_save = setup("run", DIR, SCENARIO)
    trainer.run([0, 1, 2], max_epochs=6)
    resume_from = checkpointer.last_checkpoint

    model2, trainer2, checkpointer2, to_load = setup("resume", DIR, SCENARIO)
    Checkpoint.load_objects(to_load=to_load, checkpoint=resume_from)
    print(f"resume from={os.path.basename(resume_from)} epoch={trainer2.state.epoch} "
          f"iteration={trainer2.state.iteration} weight={number(model2.weight[0, 0].item())} "
          f"_saved={saved_text(checkpointer2)}")
    trainer2.run([0, 1, 2], max_epochs=8)


for i in range(1, len(sys.argv), 2):
    scenario(sys.argv[i], sys.argv[i + 1])
