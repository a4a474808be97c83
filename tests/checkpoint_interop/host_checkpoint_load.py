# Loads an ignite-host checkpoint into the README's PyTorch model (mlp or cnn) and optimizer
# with Ignite's Checkpoint.load_objects (strict=True) after torch.load(weights_only=True);
# prints "ok ITERATION" or fails.
import sys

import torch
from ignite.engine import Engine
from ignite.handlers import Checkpoint

from readme_models import make_model

path, model_name, optimizer_name = sys.argv[1:4]
ckpt = torch.load(path, weights_only=True)
model = make_model(model_name)
if optimizer_name == "adam":
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
else:
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
trainer = Engine(lambda e, b: None)
Checkpoint.load_objects({"model": model, "optimizer": optimizer, "trainer": trainer}, ckpt, strict=True)
for name, t in model.state_dict().items():
    assert torch.equal(t, ckpt["model"][name]), name
assert len(optimizer.state) == len(list(model.parameters())), len(optimizer.state)
# One more step works with the restored state (the format is PyTorch's, not just readable).
model(torch.zeros(2, 1, 28, 28)).sum().backward()
optimizer.step()
print("ok", trainer.state.iteration)
