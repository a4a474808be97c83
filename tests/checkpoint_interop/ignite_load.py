"""ignite_load.py IN: Ignite's Checkpoint.load_objects restores an nn.Sequential, its SGD
(momentum) optimizer and an Engine from IN (written by C++ as Ignite's Checkpoint lays a
file out), with torch.load(weights_only=True); the restored objects hold the file's values
and the optimizer can step."""
import collections
import sys

import torch
from ignite.engine import Engine
from ignite.handlers import Checkpoint

from common import same

path = sys.argv[1]
raw = torch.load(path, weights_only=True)
assert type(raw) is dict and type(raw["model"]) is collections.OrderedDict, (type(raw), type(raw["model"]))
net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
opt = torch.optim.SGD(net.parameters(), lr=1.0, momentum=0.5)
trainer = Engine(lambda engine, batch: None)
to_load = {"model": net, "optimizer": opt, "trainer": trainer}
Checkpoint.load_objects(to_load=to_load, checkpoint=raw)  # strict=True
Checkpoint.load_objects(to_load=to_load, checkpoint=path)  # Ignite's own torch.load
same(raw["model"], net.state_dict())
same(raw["optimizer"], opt.state_dict())
assert trainer.state.iteration == raw["trainer"]["iteration"] and trainer.state.epoch == 3, trainer.state
assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[0]["momentum"] == 0.9
net(torch.ones(2, 4)).sum().backward()
opt.step()
print("ok")
