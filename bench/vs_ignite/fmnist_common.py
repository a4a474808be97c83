"""What the Python sides of the benchmarks share with ignite-host: its two models, the
Fashion-MNIST IDX reader with ignite-host's normalisation, and its batch loader. Used by bench/vs_ignite/ignite_fmnist.py and scripts/gpu/bench_gpu.py,
so both always time the same networks ignite-host trains.
"""
import gzip
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path: Path) -> np.ndarray:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def find(folder: Path, stem: str) -> Path:
    for name in (f"{stem}.gz", stem):
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(f"{folder}/{stem}[.gz]")


class Cnn(nn.Module):
    def __init__(self, classes: int = 10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.fc1 = nn.Linear(64 * 5 * 5, 128)
        self.fc2 = nn.Linear(128, classes)

    def forward(self, x):
        h = F.max_pool2d(F.relu(self.conv1(x)), 2)
        h = F.max_pool2d(F.relu(self.conv2(h)), 2)
        return self.fc2(F.relu(self.fc1(h.flatten(1))))


class Mlp(nn.Module):
    """784-256-10, ignite-host's mlp."""

    def __init__(self, classes: int = 10):
        super().__init__()
        self.fc1 = nn.Linear(28 * 28, 256)
        self.fc2 = nn.Linear(256, classes)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


def load_fmnist(folder: Path, limit: int = 0):
    """train_x, train_y, test_x, test_y as ignite-host loads them: images [N, 1, 28, 28]
    float32 scaled to [0, 1] and standardised with the train split's mean and std, labels
    int64; `limit` > 0 keeps the first `limit` samples of each split."""

    def split(prefix):
        x = torch.from_numpy(read_idx(find(folder, f"{prefix}-images-idx3-ubyte")).copy())
        y = torch.from_numpy(read_idx(find(folder, f"{prefix}-labels-idx1-ubyte")).astype(np.int64))
        if limit:
            x, y = x[:limit], y[:limit]
        return x.float().div_(255.0).unsqueeze(1).contiguous(), y.contiguous()

    train_x, train_y = split("train")
    test_x, test_y = split("t10k")
    mean, std = train_x.mean().item(), train_x.std().item()
    train_x.sub_(mean).div_(std)
    test_x.sub_(mean).div_(std)
    return train_x, train_y, test_x, test_y


class Batches:
    """Re-iterable, like ignite-host's batch loader: a new shuffled order every pass
    (seeded), last batch kept, each batch gathered with index_select; pinned when `pin`
    (for non_blocking copies to CUDA). A DataLoader over a TensorDataset would time
    per-sample collation, not the engine."""

    def __init__(self, x, y, batch_size, shuffle, seed, pin=False):
        self.x, self.y, self.bs, self.shuffle, self.pin = x, y, batch_size, shuffle, pin
        self.gen = torch.Generator().manual_seed(seed)

    def __len__(self):
        return (len(self.x) + self.bs - 1) // self.bs

    def __iter__(self):
        n = len(self.x)
        order = torch.randperm(n, generator=self.gen) if self.shuffle else torch.arange(n)
        for i in range(0, n, self.bs):
            idx = order[i: i + self.bs]
            x, y = self.x.index_select(0, idx), self.y.index_select(0, idx)
            if self.pin:
                x, y = x.pin_memory(), y.pin_memory()
            yield x, y
