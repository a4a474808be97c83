"""make_ignite_checkpoint.py DIR: a short Python Ignite run saving model, optimizer (SGD
momentum), trainer and lr_scheduler with Checkpoint + DiskSaver into DIR (as a user of
Python Ignite does), then DIR/expected.txt: common.flatten of the file, for the C++ side to
check every value against. Prints the checkpoint's path."""
import os
import sys

import torch
from ignite.engine import Engine, Events
from ignite.handlers import Checkpoint, DiskSaver

from common import flatten

out = sys.argv[1]
torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
data = [(torch.randn(8, 4), torch.randint(0, 2, (8,))) for _ in range(5)]


def step(engine, batch):
    x, y = batch
    opt.zero_grad()
    loss = torch.nn.functional.cross_entropy(net(x), y)
    loss.backward()
    opt.step()
    return loss.item()


trainer = Engine(step)
trainer.add_event_handler(Events.EPOCH_COMPLETED, lambda engine: sched.step())
to_save = {"model": net, "optimizer": opt, "trainer": trainer, "lr_scheduler": sched}
trainer.add_event_handler(Events.EPOCH_COMPLETED, Checkpoint(to_save, DiskSaver(out, require_empty=False), n_saved=1))
trainer.run(data, max_epochs=3)
path = os.path.join(out, "checkpoint_15.pt")
with open(os.path.join(out, "expected.txt"), "w", encoding="utf-8") as f:
    f.write("\n".join(flatten(torch.load(path, weights_only=True))) + "\n")
print(path)
