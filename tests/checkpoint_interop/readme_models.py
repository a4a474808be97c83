"""The README's PyTorch twins of ignite-host's built-in models (their state_dict() loads a
checkpoint's "model" entry with strict=True), and the README's input transform."""
import torch
import torch.nn as nn


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


def make_model(name):
    return Mlp() if name == "mlp" else Cnn()


def model_input(images, transform):
    """images: uint8 [N, 28, 28] as stored; transform: a checkpoint's "input_transform"."""
    x = images.float().unsqueeze(1)
    return (x * transform["scale"] - transform["mean"]) / transform["std"]
