"""PyTorch Ignite's side of bench/vs_ignite: what `ignite-host train --model cnn|mlp` does,
written the way an Ignite user would (create_supervised_trainer/evaluator, Accuracy, Loss).

Same model (cnn: conv3x3(32)-relu-maxpool-conv3x3(64)-relu-maxpool-fc(1600,128)-relu-fc(10);
mlp: 784-256-10),
same data (Fashion-MNIST IDX files, scaled to [0,1] and standardised with the train split's
mean/std), batch size, SGD momentum, constant lr, threads, epochs; the test split is
evaluated after every epoch. Batches are gathered from the in-memory tensors by shuffled
indices, like ignite-host's batch loader (a DataLoader over a TensorDataset would measure
per-sample collation, not the engine). Prints one JSON line:
{"epoch_seconds": [...], "train_seconds": ..., "test_accuracy": ..., "test_loss": ...}
"""
import argparse
import json
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from ignite.engine import Events, create_supervised_evaluator, create_supervised_trainer
from ignite.metrics import Accuracy, Loss

from fmnist_common import Batches, Cnn, Mlp, load_fmnist


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--model", choices=["cnn", "mlp"], default="cnn")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.03)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    train_x, train_y, test_x, test_y = load_fmnist(Path(a.data))

    model = Cnn() if a.model == "cnn" else Mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=a.momentum)
    trainer = create_supervised_trainer(model, optimizer, F.cross_entropy)
    evaluator = create_supervised_evaluator(model, metrics={"accuracy": Accuracy(), "loss": Loss(F.cross_entropy)})
    train_batches = Batches(train_x, train_y, a.batch_size, True, a.seed)
    test_batches = Batches(test_x, test_y, a.batch_size, False, a.seed)

    epoch_seconds, started = [], {}

    @trainer.on(Events.EPOCH_STARTED)
    def _start(_):
        started["t"] = time.perf_counter()

    @trainer.on(Events.EPOCH_COMPLETED)
    def _done(_):
        epoch_seconds.append(time.perf_counter() - started["t"])
        evaluator.run(test_batches)

    t0 = time.perf_counter()
    trainer.run(train_batches, max_epochs=a.epochs)
    train_seconds = time.perf_counter() - t0
    m = evaluator.state.metrics
    print(json.dumps({"epoch_seconds": epoch_seconds, "train_seconds": train_seconds,
                      "test_accuracy": m["accuracy"], "test_loss": m["loss"], "train_samples": len(train_x),
                      "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
