# Loads an ignite-host checkpoint into the README's PyTorch model (mlp or cnn) and optimizer
# with Ignite's Checkpoint.load_objects (strict=True) after torch.load(weights_only=True), and
# its lr_scheduler (the lr_schedule's state) into Ignite's own CosineAnnealingScheduler;
# prints "ok ITERATION" (then " lr_scheduler" when the file has one) or fails.
import sys

import torch
from ignite.engine import Engine
from ignite.handlers import Checkpoint, CosineAnnealingScheduler

from readme_models import make_model

path, model_name, optimizer_name = sys.argv[1:4]
ckpt = torch.load(path, weights_only=True)
model = make_model(model_name)
# The torch.optim class of ignite-host's --optimizer (its hyper-parameters come from the file).
optimizer = {
    "adam": lambda p: torch.optim.Adam(p, lr=1e-3),
    "adamw": lambda p: torch.optim.AdamW(p, lr=1e-3),
    "rmsprop": lambda p: torch.optim.RMSprop(p, lr=1e-3),
    "adagrad": lambda p: torch.optim.Adagrad(p, lr=1e-3),
    "sgd": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
}[optimizer_name](model.parameters())
trainer = Engine(lambda e, b: None)
to_load = {"model": model, "optimizer": optimizer, "trainer": trainer}
if "lr_scheduler" in ckpt:
    # Arguments unlike the file's: load_state_dict must bring every one of them back.
    to_load["lr_scheduler"] = CosineAnnealingScheduler(optimizer, "lr", 1.0, 0.5, 7)
Checkpoint.load_objects(to_load, ckpt, strict=True)
if "lr_scheduler" in ckpt:
    sched, saved = to_load["lr_scheduler"], ckpt["lr_scheduler"]
    for name in ("event_index", "start_value", "end_value", "cycle_size", "cycle"):
        assert getattr(sched, name) == saved[name], name
    # The host's schedule runs per iteration from the start of the run.
    assert sched.event_index == trainer.state.iteration, (sched.event_index, trainer.state.iteration)
for name, t in model.state_dict().items():
    assert torch.equal(t, ckpt["model"][name]), name
assert len(optimizer.state) == len(list(model.parameters())), len(optimizer.state)
# One more step works with the restored state (the format is PyTorch's, not just readable).
model(torch.zeros(2, 1, 28, 28)).sum().backward()
optimizer.step()
print("ok", trainer.state.iteration, *(["lr_scheduler"] if "lr_scheduler" in ckpt else []))
