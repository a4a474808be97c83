#!/usr/bin/env python3
"""ignite-host train vs PyTorch Ignite on the same job, runs alternated.

    <venv>/bin/python bench/vs_ignite/run.py build/host/ignite-host [--model cnn|mlp] [--runs 5] [--threads 2]

Both sides: the same model (cnn or mlp), 1 epoch of Fashion-MNIST (/usr/share/datasets/fashion-mnist), batch
64, SGD momentum 0.9, constant lr 0.03, the same number of threads, the test split
evaluated after the epoch, the same torch (ignite-host's LibTorch is the venv's wheel: run
this with that venv's python). ignite-host runs with --no-default-plugins --plugin jsonl (no progress bar, metrics.jsonl kept;
the Ignite script prints nothing either). The runs alternate (host first on even runs,
Ignite first on odd ones) so the machine's drift hits both; the result is the median of
each side and the median of the per-pair ratios (Ignite / ignite-host), for the training
epoch alone (each side's own clock, EPOCH_STARTED to EPOCH_COMPLETED) and for the whole
process (start-up, data loading, training, evaluation).
"""
import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run_host(host, a, out_dir):
    cmd = [host, "train", "--model", a.model, "--epochs", str(a.epochs), "--batch-size", "64", "--optimizer", "sgd",
           "--momentum", "0.9", "--lr", str(a.lr), "--lr-schedule", "constant", "--threads", str(a.threads),
           "--seed", "0", "--no-default-plugins", "--plugin", "jsonl", "--dataset", "mnist:" + a.data, "--output-dir", str(out_dir)]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    lines = [json.loads(l) for l in (out_dir / "metrics.jsonl").read_text().splitlines()]
    epochs = [l["epoch_seconds"] for l in lines if l["split"] == "train"]
    test = [l for l in lines if l["split"] == "test"][-1]
    return {"epoch": sum(epochs), "wall": wall, "accuracy": test["accuracy"]}


def run_ignite(a):
    cmd = [sys.executable, str(HERE / "ignite_fmnist.py"), "--model", a.model, "--epochs", str(a.epochs), "--lr", str(a.lr),
           "--threads", str(a.threads), "--data", a.data]
    t0 = time.perf_counter()
    r = subprocess.run(cmd, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    j = json.loads(r.stdout.strip().splitlines()[-1])
    return {"epoch": sum(j["epoch_seconds"]), "wall": wall, "accuracy": j["test_accuracy"], "torch": j["torch"],
            "samples": j["train_samples"] * a.epochs}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("host", help="path to ignite-host")
    p.add_argument("--model", choices=["cnn", "mlp"], default="cnn")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--lr", type=float, default=0.03)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    a = p.parse_args()

    host_runs, ignite_runs = [], []
    with tempfile.TemporaryDirectory(prefix="vs_ignite.") as tmp:
        for i in range(a.runs):
            out = Path(tmp) / f"host{i}"
            if i % 2 == 0:
                h = run_host(a.host, a, out)
                g = run_ignite(a)
            else:
                g = run_ignite(a)
                h = run_host(a.host, a, out)
            host_runs.append(h)
            ignite_runs.append(g)
            print(f"run {i + 1}/{a.runs}: epoch ignite-host {h['epoch']:.2f} s, Ignite {g['epoch']:.2f} s "
                  f"(x{g['epoch'] / h['epoch']:.3f}); process {h['wall']:.2f} s vs {g['wall']:.2f} s; "
                  f"test accuracy {h['accuracy']:.4f} vs {g['accuracy']:.4f}", flush=True)

    med = statistics.median
    samples = ignite_runs[0]["samples"]
    print(f"{a.model}, torch {ignite_runs[0]['torch']}, {a.threads} threads, {a.epochs} epoch(s) of {samples} "
          f"samples, batch 64, {a.runs} alternated runs")
    for key, what in (("epoch", "training epoch"), ("wall", "whole process")):
        hs = [r[key] for r in host_runs]
        gs = [r[key] for r in ignite_runs]
        ratios = [g / h for g, h in zip(gs, hs)]
        print(f"{what}: median ignite-host {med(hs):.3f} s, Ignite {med(gs):.3f} s; "
              f"median paired ratio Ignite/ignite-host {med(ratios):.3f} (min {min(ratios):.3f}, max {max(ratios):.3f})")
        if key == "epoch":
            print(f"  samples/s: ignite-host {samples / med(hs):.0f}, Ignite {samples / med(gs):.0f}; "
                  f"ignite-host is {med(ratios):.2f}x Ignite's samples/s (median of paired ratios)")


if __name__ == "__main__":
    main()
