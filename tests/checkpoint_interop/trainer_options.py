"""The Python side of tests/trainer_options_test.cpp (issue 20 §7): what PyTorch and
pytorch-ignite 0.5.3 compute on a tiny problem the C++ test wrote to FILE (a checkpoint:
"weight" [3, 4] and "bias" [3] of a Linear(4, 3), "x" [N, 4], "y" [N] class indices), printed
as one JSON object for the test to compare.

  steps FILE BATCH CASE...
      For each CASE "K:CLIP:CLIP_VALUE": SGD(lr=0.1, momentum=0.9) over the batches of BATCH
      rows, cross entropy, through Ignite's create_supervised_trainer(
      gradient_accumulation_steps=K) when CLIP is "none"; with CLIP "norm" / "value", Ignite's
      supervised_training_step with torch.nn.utils.clip_grad_norm_ / clip_grad_value_ before
      optimizer.step() (Ignite's factory has no clipping: the way its users add it). Prints a
      list of {"weight", "bias"}, one per CASE.
  optim DIR KIND...
      For each KIND, DIR/KIND.pt also holds "model" and "optimizer" (the C++ state after 3
      steps of KIND): loads them into torch.optim.KIND over a Linear(4, 3) and takes one step on
      the whole batch ("from_cpp"). Then from "weight"/"bias" again, 3 Python steps
      ("python_3"), saved as {"model", "optimizer"} to DIR/KIND_python.pt, and one more step
      ("python_4"). Prints {KIND: {...}}.
  each SCRIPT ARGS...
      Runs tests/checkpoint_interop/SCRIPT once per ARGS (its arguments in one word, separated
      by spaces) in this process (one torch import for all), printing what each prints.
"""
import json
import os
import runpy
import sys

import torch
from ignite.engine import Engine, create_supervised_trainer

F = torch.nn.functional


def linear(d):
    m = torch.nn.Linear(4, 3)
    with torch.no_grad():
        m.weight.copy_(d["weight"])
        m.bias.copy_(d["bias"])
    return m


def weights(m):
    return {"weight": m.weight.detach().flatten().tolist(), "bias": m.bias.detach().tolist()}


# The hyper-parameters the C++ test gives each kind (trainer_options_test.cpp, kOptimizers).
OPTIMIZERS = {
    "sgd": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.01),
    "adam": lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.01, amsgrad=True),
    "adamw": lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.01),
    "rmsprop": lambda p: torch.optim.RMSprop(p, lr=0.01, momentum=0.5, centered=True, weight_decay=0.01),
    "adagrad": lambda p: torch.optim.Adagrad(p, lr=0.1, lr_decay=0.01, weight_decay=0.01),
}


def steps(path, batch, k, clip, clip_value):
    d = torch.load(path, weights_only=True)
    model = linear(d)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x, y = d["x"], d["y"]
    data = [(x[i : i + batch], y[i : i + batch]) for i in range(0, len(x), batch)]
    if clip == "none":
        trainer = create_supervised_trainer(model, optimizer, F.cross_entropy, gradient_accumulation_steps=k)
    else:
        # Ignite 0.5.3's supervised_training_step, with the clipping before the step.
        def update(engine, b):
            if (engine.state.iteration - 1) % k == 0:
                optimizer.zero_grad()
            model.train()
            loss = F.cross_entropy(model(b[0]), b[1])
            if k > 1:
                loss = loss / k
            loss.backward()
            if engine.state.iteration % k == 0:
                if clip == "norm":
                    torch.nn.utils.clip_grad_norm_(model.parameters(), clip_value)
                else:
                    torch.nn.utils.clip_grad_value_(model.parameters(), clip_value)
                optimizer.step()
            return loss.item() * k

        trainer = Engine(update)
    trainer.run(data, max_epochs=1)
    return weights(model)


def one_step(model, optimizer, x, y):
    optimizer.zero_grad()
    F.cross_entropy(model(x), y).backward()
    optimizer.step()


def optim(directory, kind):
    d = torch.load(os.path.join(directory, kind + ".pt"), weights_only=True)
    x, y = d["x"], d["y"]
    result = {}
    model = torch.nn.Linear(4, 3)
    model.load_state_dict(d["model"])
    optimizer = OPTIMIZERS[kind](model.parameters())
    optimizer.load_state_dict(d["optimizer"])
    one_step(model, optimizer, x, y)
    result["from_cpp"] = weights(model)
    model = linear(d)
    optimizer = OPTIMIZERS[kind](model.parameters())
    for _ in range(3):
        one_step(model, optimizer, x, y)
    result["python_3"] = weights(model)
    out = os.path.join(directory, kind + "_python.pt")
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()}, out)
    one_step(model, optimizer, x, y)
    result["python_4"] = weights(model)
    return result


def each(script, arg_lists):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), script)
    sys.path.insert(0, os.path.dirname(path))
    for args in arg_lists:
        sys.argv = [path] + args.split(" ")
        runpy.run_path(path, run_name="__main__")


if __name__ == "__main__":
    mode, rest = sys.argv[1], sys.argv[2:]
    if mode == "steps":
        cases = [c.split(":") for c in rest[2:]]
        print(json.dumps([steps(rest[0], int(rest[1]), int(k), clip, float(v)) for k, clip, v in cases]))
    elif mode == "optim":
        print(json.dumps({kind: optim(rest[0], kind) for kind in rest[1:]}))
    else:
        each(rest[0], rest[1:])
