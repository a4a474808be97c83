"""Ignite 0.5.3's FastaiLRFinder on a loss sequence fed in (tests/lr_finder_test.cpp).

argv[1]: JSON, a list of {"losses": [...], "epoch_length": N, "max_epochs": M, "optimizer_lr": x,
               "num_iter": n|null, "start_lr": s|null, "end_lr": e, "step_mode": "exp"|"linear",
               "smooth_f": f, "diverge_th": d}
Prints a JSON list, one object per argument set: the history Ignite records ("lr", "loss"), the lr each iteration ran with
("applied"), the iterations run, whether it diverged, the suggestion (or the error's message),
and the optimizer's lr after the context manager restored it.
"""
import json
import sys
import warnings

import torch
from ignite.engine import Engine, Events
from ignite.handlers import FastaiLRFinder, PiecewiseLinear
from ignite.handlers.lr_finder import _ExponentialLR

def finder_run(args):
    losses = args["losses"]
    w = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([w], lr=args["optimizer_lr"])


    def step(engine, batch):
        return float(losses[engine.state.iteration - 1])


    trainer = Engine(step)
    applied = []
    trainer.add_event_handler(Events.ITERATION_STARTED, lambda e: applied.append(optimizer.param_groups[0]["lr"]))
    finder = FastaiLRFinder()
    kwargs = {k: args[k] for k in ("num_iter", "start_lr", "end_lr", "step_mode", "smooth_f", "diverge_th") if args.get(k) is not None}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with finder.attach(trainer, to_save={"optimizer": optimizer}, **kwargs) as t:
            t.run(list(range(args["epoch_length"])), max_epochs=args["max_epochs"])
    out = {"lr": finder.get_results()["lr"], "loss": finder.get_results()["loss"], "applied": applied,
           "iterations": len(applied), "diverged": finder._diverge_flag,
           "lr_after": optimizer.param_groups[0]["lr"]}
    # Ignite's own schedule objects at indexes 0..N: the rate iteration k+1 runs at when each loss
    # is recorded with the rate that produced it (the C++ default).
    n = out["iterations"] if args.get("num_iter") is None else args["num_iter"]
    start = args["start_lr"] if args.get("start_lr") is not None else args["optimizer_lr"]
    end = args["end_lr"] if args.get("end_lr") is not None else 10.0
    grid = []
    if args["step_mode"] == "exp":
        sched = _ExponentialLR(torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=start), [start], [end], n)
        for i in range(n + 1):
            sched.last_epoch = i - 1
            grid.append(sched.get_lr()[0])
    else:
        sched = PiecewiseLinear(torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=start), "lr", [(0, start), (n, end)])
        for i in range(n + 1):
            sched.event_index = i
            grid.append(sched.get_param())
    out["grid"] = grid
    try:
        out["suggestion"] = finder.lr_suggestion()
        out["suggestion_index"] = finder.get_results()["lr"].index(out["suggestion"])
    except RuntimeError as e:
        out["suggestion_error"] = str(e)
    return out


print(json.dumps([finder_run(a) for a in json.loads(sys.argv[1])]))
