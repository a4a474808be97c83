#!/usr/bin/env python3
"""The Python sides of scripts/gpu-check.sh's benchmark: what `ignite-host train --model
mlp|cnn` does, written the way a PyTorch Ignite user or a PyTorch Lightning user would.

    python3 scripts/gpu/bench_gpu.py --framework ignite|lightning --model mlp|cnn \
        [--batch-size 64] [--epochs 2] [--device cuda] [--threads N] [--limit N] [--no-eval]

Same job as ignite-host (and bench/vs_ignite/ignite_fmnist.py; both take the models and the
IDX reader from bench/vs_ignite/fmnist_common.py): the same models (mlp 784-256-10; cnn conv3x3(32)-relu-maxpool-conv3x3(64)-
relu-maxpool-fc(1600,128)-relu-fc(10), unpadded), Fashion-MNIST from the IDX files scaled to
[0, 1] and standardised with the train split's mean and std, SGD momentum 0.9 with a
constant lr 0.03, cross-entropy, the test split evaluated after every epoch (Accuracy and
Loss). Data: both splits held in CPU memory as tensors; each batch gathered by shuffled
indices (index_select, like ignite-host's batch loader), put in pinned memory, and moved to
the device with non_blocking by the framework (Ignite: create_supervised_trainer(device=...,
non_blocking=True); Lightning: its own batch transfer, non_blocking on CUDA). A DataLoader
over a TensorDataset would time per-sample collation, not the engine.

Timing: each epoch on the script's own clock, from the epoch's start to its last training
step, after torch.cuda.synchronize() (the device has finished the epoch's work); the
evaluation is not in it. Prints `BENCH_MARK train_start` / `BENCH_MARK train_end` lines
(stderr) around the training for the GPU-utilisation window, and one JSON line on stdout:
{"epoch_seconds": [...], "train_seconds": ..., "test_accuracy": ..., "test_loss": ..., ...}
"""
import argparse
import json
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench" / "vs_ignite"))
from fmnist_common import Batches, Cnn, Mlp, load_fmnist  # noqa: E402


def mark(what):
    print(f"BENCH_MARK {what} {time.perf_counter():.6f}", file=sys.stderr, flush=True)


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def run_ignite(a, model, device, train_batches, test_batches):
    import ignite
    from ignite.engine import Events, create_supervised_evaluator, create_supervised_trainer
    from ignite.metrics import Accuracy, Loss

    optimizer = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=a.momentum)
    nb = device.type == "cuda"
    trainer = create_supervised_trainer(model, optimizer, F.cross_entropy, device=device, non_blocking=nb)
    evaluator = create_supervised_evaluator(model, metrics={"accuracy": Accuracy(), "loss": Loss(F.cross_entropy)},
                                            device=device, non_blocking=nb)
    epoch_seconds, started = [], {}

    @trainer.on(Events.EPOCH_STARTED)
    def _start(_):
        started["t"] = time.perf_counter()

    @trainer.on(Events.EPOCH_COMPLETED)
    def _done(_):
        sync(device)
        epoch_seconds.append(time.perf_counter() - started["t"])
        if not a.no_eval:
            evaluator.run(test_batches)

    mark("train_start")
    trainer.run(train_batches, max_epochs=a.epochs)
    mark("train_end")
    m = evaluator.state.metrics if not a.no_eval else {}
    return epoch_seconds, m.get("accuracy"), m.get("loss"), ignite.__version__


def run_lightning(a, model, device, train_batches, test_batches):
    try:
        import lightning as L
    except ImportError:
        import pytorch_lightning as L

    class Module(L.LightningModule):
        def __init__(self):
            super().__init__()
            self.net = model
            self.correct = self.count = self.loss_sum = None

        def forward(self, x):
            return self.net(x)

        def training_step(self, batch, batch_idx):
            x, y = batch
            return F.cross_entropy(self.net(x), y)

        def on_validation_epoch_start(self):
            self.correct = torch.zeros((), dtype=torch.long, device=self.device)
            self.count = 0
            self.loss_sum = torch.zeros((), device=self.device)

        def validation_step(self, batch, batch_idx):
            x, y = batch
            y_pred = self.net(x)
            self.loss_sum += F.cross_entropy(y_pred, y, reduction="sum")
            self.correct += (y_pred.argmax(1) == y).sum()
            self.count += len(y)

        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), lr=a.lr, momentum=a.momentum)

    class Clock(L.Callback):
        def __init__(self):
            self.epoch_seconds, self.t0, self.t1 = [], None, None

        def on_train_epoch_start(self, trainer, module):
            self.t0 = time.perf_counter()

        def on_train_batch_end(self, trainer, module, outputs, batch, batch_idx):
            if batch_idx == len(train_batches) - 1:  # the epoch's last step, before validation
                sync(device)
                self.epoch_seconds.append(time.perf_counter() - self.t0)

    clock = Clock()
    module = Module()
    trainer = L.Trainer(accelerator="gpu" if device.type == "cuda" else "cpu", devices=1, max_epochs=a.epochs, logger=False,
                        enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False,
                        num_sanity_val_steps=0, callbacks=[clock], limit_val_batches=0 if a.no_eval else None)
    mark("train_start")
    trainer.fit(module, train_dataloaders=train_batches, val_dataloaders=None if a.no_eval else test_batches)
    mark("train_end")
    acc = loss = None
    if not a.no_eval and module.count:
        acc = module.correct.item() / module.count
        loss = module.loss_sum.item() / module.count
    return clock.epoch_seconds, acc, loss, L.__version__


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--framework", choices=["ignite", "lightning"], required=True)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--model", choices=["cnn", "mlp"], default="mlp")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.03)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="cuda")
    p.add_argument("--limit", type=int, default=0, help="first N samples of each split (0: all)")
    p.add_argument("--no-eval", action="store_true", help="no test-split evaluation")
    a = p.parse_args()

    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    device = torch.device(a.device)
    train_x, train_y, test_x, test_y = load_fmnist(Path(a.data), a.limit)
    model = (Cnn() if a.model == "cnn" else Mlp()).to(device)
    pin = device.type == "cuda"
    # ignite-host evaluates with batches of max(batch, 256).
    train_batches = Batches(train_x, train_y, a.batch_size, True, a.seed, pin)
    test_batches = Batches(test_x, test_y, max(a.batch_size, 256), False, a.seed, pin)
    t0 = time.perf_counter()
    run = run_ignite if a.framework == "ignite" else run_lightning
    epoch_seconds, acc, loss, version = run(a, model, device, train_batches, test_batches)
    print(json.dumps({"framework": a.framework, "version": version, "epoch_seconds": epoch_seconds,
                      "train_seconds": time.perf_counter() - t0, "test_accuracy": acc, "test_loss": loss,
                      "train_samples": len(train_x), "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "device": str(device)}), flush=True)


if __name__ == "__main__":
    main()
