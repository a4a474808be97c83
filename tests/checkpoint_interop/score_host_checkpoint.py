"""score_host_checkpoint.py CHECKPOINT MODEL DATASET_DIR N: scores an ignite-host
checkpoint's model in PyTorch on the first N test images of an IDX dataset folder
(Fashion-MNIST's layout, files gzipped or not), feeding it through the checkpoint's recorded "input_transform" as the
README shows. Prints "transform ACC plain ACC": the accuracy through the transform, and fed
x/255 (what a user who is not told about the transform does), for comparison."""
import gzip
import os
import sys

import numpy as np
import torch

from readme_models import make_model, model_input

path, model_name, folder, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])


def idx(name, offset):
    path = os.path.join(folder, name)
    with (open(path, "rb") if os.path.exists(path) else gzip.open(path + ".gz", "rb")) as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


images = torch.from_numpy(idx("t10k-images-idx3-ubyte", 16).reshape(-1, 28, 28)[:n].copy())
labels = torch.from_numpy(idx("t10k-labels-idx1-ubyte", 8)[:n].astype(np.int64))
ckpt = torch.load(path, weights_only=True)
transform = ckpt["input_transform"]
assert set(transform) == {"scale", "mean", "std"}, transform
model = make_model(model_name)
model.load_state_dict(ckpt["model"], strict=True)
model.eval()


def accuracy(x):
    with torch.no_grad():
        return (model(x).argmax(1) == labels).float().mean().item()


print(f"transform {accuracy(model_input(images, transform)):.4f} plain {accuracy(images.float().unsqueeze(1) / 255):.4f}")
