# Ignite's values for lr_schedule option sets: reads a JSON file of cases
# [{"options": {"scheduler": "cosine", ...}, "n": N, "lr": LR, "groups": G, "metrics": [...]}, ...]
# (the lr_schedule component's option names and defaults; start_value defaults to lr as in
# ignite-host) and prints a JSON list, per case, of rows [event, value of every group...],
# computed by pytorch-ignite (0.5.3) on a torch SGD optimizer, calling the scheduler as an
# engine would (simulate_values' way) and reading every group after each call.
import json
import sys
import warnings

import torch
from ignite.engine import Engine
from ignite.handlers.param_scheduler import (
    CosineAnnealingScheduler,
    LinearCyclicalScheduler,
    LRScheduler,
    PiecewiseLinear,
    ReduceLROnPlateauScheduler,
    create_lr_scheduler_with_warmup,
)

warnings.simplefilter("ignore")


def build(o, opt, n):
    kind = o.get("scheduler", "cosine")
    pn = o.get("param_name", "lr")
    pgi = int(o.get("param_group_index", "-1"))
    pgi = None if pgi < 0 else pgi
    f = lambda k, d: float(o.get(k, d))
    i = lambda k, d: int(o.get(k, d))
    torch_style = None
    if kind in ("cosine", "linear_cyclical"):
        kw = dict(
            start_value=f("start_value", opt.param_groups[0]["lr"]),
            end_value=f("end_value", 0),
            cycle_size=i("cycle_size", 0) or max(n, 2),
            cycle_mult=f("cycle_mult", 1),
            start_value_mult=f("start_value_mult", 1),
            end_value_mult=f("end_value_mult", 1),
            warmup_duration=i("cycle_warmup_duration", 0),
            param_group_index=pgi,
        )
        if kind == "cosine":
            s = CosineAnnealingScheduler(opt, pn, **kw)
        else:
            s = LinearCyclicalScheduler(opt, pn, monotonic=o.get("monotonic", "false") == "true", **kw)
    elif kind == "piecewise_linear":
        mv = [(int(a), float(b)) for a, b in (x.split(":") for x in o["milestones_values"].split(","))]
        s = PiecewiseLinear(opt, pn, milestones_values=mv, param_group_index=pgi)
    elif kind == "exponential":
        torch_style = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=f("gamma", 0.1))
    elif kind == "step":
        torch_style = torch.optim.lr_scheduler.StepLR(opt, step_size=i("step_size", 1), gamma=f("gamma", 0.1))
    elif kind == "multistep":
        ms = [int(x) for x in o["milestones"].split(",")]
        torch_style = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=ms, gamma=f("gamma", 0.1))
    else:
        raise SystemExit(f"unknown scheduler {kind}")
    if torch_style is not None:
        s = torch_style
    d = i("warmup_duration", 0)
    if d > 0:
        we = o.get("warmup_end_value")
        return create_lr_scheduler_with_warmup(s, f("warmup_start_value", 0), d, None if we is None else float(we))
    return LRScheduler(s) if torch_style is not None else s


def run(case):
    o, n, lr, groups = case["options"], case["n"], case["lr"], case.get("groups", 1)
    params = [torch.zeros(1, requires_grad=True) for _ in range(groups)]
    opt = torch.optim.SGD([{"params": [p]} for p in params], lr=lr)
    pn = o.get("param_name", "lr")
    rows = []
    if o.get("scheduler") == "plateau":
        kw = {k: o[k] for k in ("mode", "threshold_mode") if k in o}
        kw.update({k: float(o[k]) for k in ("factor", "threshold") if k in o})
        kw.update({k: int(o[k]) for k in ("patience", "cooldown") if k in o})
        s = ReduceLROnPlateauScheduler(opt, "metric", **kw)
        engine = Engine(lambda e, b: None)
        for t, m in enumerate(case["metrics"]):
            engine.state.metrics["metric"] = m
            s(engine)
            rows.append([t] + [g["lr"] for g in opt.param_groups])
        return rows
    s = build(o, opt, n)
    for t in range(n):
        s(None)
        rows.append([t] + [g[pn] for g in opt.param_groups])
    return rows


with open(sys.argv[1]) as f:
    cases = json.load(f)
print(json.dumps([run(c) for c in cases]))
