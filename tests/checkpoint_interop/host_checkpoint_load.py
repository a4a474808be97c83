# Loads an ignite-host checkpoint into the README's PyTorch model (mlp or cnn) and optimizer
# with Ignite's Checkpoint.load_objects (strict=True) after torch.load(weights_only=True);
# prints "ok ITERATION" or fails.
import sys

import torch
import torch.nn as nn
from ignite.engine import Engine
from ignite.handlers import Checkpoint


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(28 * 28, 256)
        self.fc2 = nn.Linear(256, 10)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x.flatten(1))))


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.fc1 = nn.Linear(64 * 5 * 5, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        h = torch.max_pool2d(torch.relu(self.conv1(x)), 2)
        h = torch.max_pool2d(torch.relu(self.conv2(h)), 2)
        return self.fc2(torch.relu(self.fc1(h.flatten(1))))


path, model_name, optimizer_name = sys.argv[1:4]
ckpt = torch.load(path, weights_only=True)
model = Mlp() if model_name == "mlp" else Cnn()
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
