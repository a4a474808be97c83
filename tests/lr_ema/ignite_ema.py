"""Ignite 0.5.3's EMAHandler on a parameter sequence (tests/ema_test.cpp).

argv[1]: JSON, a list of {"steps": T, "momentum": m, "momentum_warmup": w|null, "warmup_iters": n|null,
               "handle_buffers": "copy"|"update"|"ema_train", "seed": s}
The model: a Linear(3, 2) ("weight", "bias") and two buffers, "running" (float) and "count"
(int64). Its values at each step are drawn here (float32), set before the step's
ITERATION_COMPLETED, where the handler (attached under Ignite's default name) updates.
Prints a JSON list, one object per argument set: the initial values, each step's live values, EMA values and momentum, as
Python floats (which hold float32 values exactly).
"""
import json
import sys
import warnings

import torch
from ignite.engine import Engine, Events
from ignite.handlers import EMAHandler

def ema_run(args):
    torch.manual_seed(args["seed"])


    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = torch.nn.Linear(3, 2)
            self.register_buffer("running", torch.randn(2))
            self.register_buffer("count", torch.tensor(0, dtype=torch.int64))


    model = Net()
    names = ["fc.weight", "fc.bias", "running", "count"]


    def values(m):
        sd = m.state_dict()
        return {k: sd[k].flatten().tolist() for k in names}


    initial = values(model)
    seq = []
    for t in range(args["steps"]):
        seq.append({"fc.weight": torch.randn(2, 3), "fc.bias": torch.randn(2), "running": torch.randn(2),
                    "count": torch.tensor(t + 1, dtype=torch.int64)})
    handler = EMAHandler(model, momentum=args["momentum"], momentum_warmup=args.get("momentum_warmup"),
                         warmup_iters=args.get("warmup_iters"), handle_buffers=args["handle_buffers"])


    def step(engine, batch):
        with torch.no_grad():
            sd = model.state_dict()
            for k, v in seq[engine.state.iteration - 1].items():
                sd[k].copy_(v)


    engine = Engine(step)
    out = {"initial": initial, "live": [], "ema": [], "momentum": []}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        handler.attach(engine)


    @engine.on(Events.ITERATION_COMPLETED)
    def record(e):
        out["live"].append(values(model))
        out["ema"].append(values(handler.ema_model))
        out["momentum"].append(e.state.ema_momentum)


    engine.run([0] * args["steps"], max_epochs=1)
    return out


print(json.dumps([ema_run(a) for a in json.loads(sys.argv[1])]))
