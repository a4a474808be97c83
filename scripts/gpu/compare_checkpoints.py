#!/usr/bin/env python3
"""Compares ignite-host checkpoint files for scripts/gpu-check.sh's "resume" check.

    python3 scripts/gpu/compare_checkpoints.py REFERENCE OTHER [OTHER...] [--all-cpu FILE...]

Loads every file with torch.load(weights_only=True) and no map_location, as a user on a
machine without CUDA would, and prints one JSON object:
  "compared": for each OTHER, the largest absolute difference from REFERENCE over the
              tensors of its `model` and `optimizer` entries, whether they are bit-identical,
              and the trainer's iteration, epoch_length and max_epochs in both files;
  "devices":  for each file (REFERENCE, OTHERs and --all-cpu ones), the devices its tensors
              are on (the host promises CPU tensors, so a GPU run's file loads anywhere);
  "errors":   files that did not load, with the reason.
"""
import json
import sys

import torch


def tensors(value, path=""):
    """(path, tensor) for every tensor in nested dicts, lists and tuples."""
    if isinstance(value, torch.Tensor):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from tensors(v, f"{path}/{k}")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from tensors(v, f"{path}/{i}")


def trainer_position(ck):
    t = ck.get("trainer") if isinstance(ck, dict) else None
    if not isinstance(t, dict):
        return None
    return {k: t.get(k) for k in ("iteration", "epoch_length", "max_epochs")}


def main():
    args = sys.argv[1:]
    cpu_only = []
    if "--all-cpu" in args:
        i = args.index("--all-cpu")
        args, cpu_only = args[:i], args[i + 1:]
    if len(args) < 2:
        print("usage: compare_checkpoints.py REFERENCE OTHER [OTHER...] [--all-cpu FILE...]", file=sys.stderr)
        return 2
    out = {"compared": {}, "devices": {}, "errors": {}}
    loaded = {}
    for f in dict.fromkeys(args + cpu_only):
        try:
            loaded[f] = torch.load(f, weights_only=True)
        except Exception as e:  # noqa: BLE001 - reported, not raised: the check says which file
            out["errors"][f] = f"{type(e).__name__}: {e}"[:300]
            continue
        out["devices"][f] = sorted({str(t.device) for _, t in tensors(loaded[f])})
    ref = loaded.get(args[0])
    for f in args[1:]:
        if ref is None or f not in loaded:
            continue
        a = dict(tensors({k: ref.get(k) for k in ("model", "optimizer")}))
        b = dict(tensors({k: loaded[f].get(k) for k in ("model", "optimizer")}))
        worst, identical, mismatched = 0.0, True, []
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b or a[k].shape != b[k].shape or a[k].dtype != b[k].dtype:
                mismatched.append(k)
                identical = False
                continue
            x, y = a[k].cpu(), b[k].cpu()
            if not torch.equal(x, y):
                identical = False
                if x.is_floating_point():
                    worst = max(worst, (x.double() - y.double()).abs().max().item())
                else:
                    worst = float("inf")
        out["compared"][f] = {"max_abs_difference": worst, "bit_identical": identical, "tensors": len(a),
                              "mismatched": mismatched[:5], "reference_position": trainer_position(ref),
                              "position": trainer_position(loaded[f])}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
