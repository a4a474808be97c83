"""python_ignite_run.py DIR MODEL OPTIMIZER EPOCH_LENGTH: what a Python Ignite user does,
for ignite-host to resume: one epoch of EPOCH_LENGTH iterations of the README's MODEL (mlp
or cnn) with OPTIMIZER (sgd with momentum, adam, adamw, rmsprop or adagrad), saved by
Checkpoint({"model", "optimizer", "trainer"}, DiskSaver(DIR)) at the epoch's end; no
ignite_host entry. Prints the checkpoint's path."""
import os
import sys

import torch
from ignite.engine import Engine, Events
from ignite.handlers import Checkpoint, DiskSaver

from readme_models import make_model

out, model_name, optimizer_name, epoch_length = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
torch.manual_seed(0)
model = make_model(model_name)
optimizer = {
    "adam": lambda p: torch.optim.Adam(p, lr=1e-3),
    "adamw": lambda p: torch.optim.AdamW(p, lr=1e-3),
    "rmsprop": lambda p: torch.optim.RMSprop(p, lr=1e-3),
    "adagrad": lambda p: torch.optim.Adagrad(p, lr=1e-2),
    "sgd": lambda p: torch.optim.SGD(p, lr=0.03, momentum=0.9),
}[optimizer_name](model.parameters())
data = [(torch.randn(8, 1, 28, 28), torch.randint(0, 10, (8,))) for _ in range(epoch_length)]


def step(engine, batch):
    x, y = batch
    optimizer.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item()


trainer = Engine(step)
to_save = {"model": model, "optimizer": optimizer, "trainer": trainer}
trainer.add_event_handler(Events.EPOCH_COMPLETED, Checkpoint(to_save, DiskSaver(out, require_empty=False)))
trainer.run(data, max_epochs=1)
path = os.path.join(out, f"checkpoint_{epoch_length}.pt")
assert "ignite_host" not in torch.load(path, weights_only=True)
print(path)
