"""make_idx_dataset.py DIR TRAIN TEST: a small learnable dataset in Fashion-MNIST's IDX
format (uint8 28x28 pixels, 0..255, mean far from 0), for `--dataset mnist:DIR`: each class is
a fixed random pattern plus noise. Deterministic."""
import os
import struct
import sys

import numpy as np

out, n_train, n_test = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(0)
templates = rng.integers(0, 256, size=(10, 28, 28)).astype(np.float64)


def split(n):
    labels = rng.integers(0, 10, size=n).astype(np.uint8)
    noise = rng.normal(0.0, 50.0, size=(n, 28, 28))
    images = np.clip(0.1 * templates[labels] + 60.0 + noise, 0, 255).astype(np.uint8)
    return images, labels


os.makedirs(out, exist_ok=True)
for prefix, n in (("train", n_train), ("t10k", n_test)):
    images, labels = split(n)
    with open(os.path.join(out, f"{prefix}-images-idx3-ubyte"), "wb") as f:
        f.write(struct.pack(">IIII", 0x803, n, 28, 28) + images.tobytes())
    with open(os.path.join(out, f"{prefix}-labels-idx1-ubyte"), "wb") as f:
        f.write(struct.pack(">II", 0x801, n) + labels.tobytes())
print(out)
