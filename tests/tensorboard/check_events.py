"""Checks ignite-host's TensorBoard event files with TensorBoard's own readers (the venv's
tensorboard package) and with a decoder of its own. Run by tests/tensorboard_test.cpp:

  check_events.py jsonl LOGDIR METRICS_JSONL EVERY   tags/steps/values against metrics.jsonl
  check_events.py decode LOGDIR                      both CRCs of every record (pure-Python
                                                     CRC32C, no Boost) and byte-identical
                                                     re-serialization with protobuf's Event
  check_events.py decode-killed LOGDIR               the same, a cut last record allowed
  check_events.py cut FILE                           the file cut at every byte: TensorBoard's
                                                     loader yields every whole record before it
  check_events.py histograms LOGDIR TAG...           each TAG loads as a TensorBoard histogram
  check_events.py bins                               prints torch's make_histogram of fixed
                                                     inputs (compared with our bin function)

Prints one line per problem and exits 1 when there is any; prints "ok ..." otherwise.
"""
import functools
import glob
import json
import math
import os
import struct
import sys
import tempfile

from tensorboard.backend.event_processing import event_accumulator as ea_mod
from tensorboard.backend.event_processing import event_file_loader
from tensorboard.compat.proto import event_pb2

problems = []


def problem(msg):
    problems.append(msg)
    print("PROBLEM:", msg)


def accumulator(logdir):
    ea = ea_mod.EventAccumulator(logdir, size_guidance={"scalars": 0, "histograms": 0, "tensors": 0})
    ea.Reload()
    return ea


# ---- a CRC32C of our own (Castagnoli, reflected 0x82F63B78), independent of Boost ----
_TABLE = []
for n in range(256):
    c = n
    for _ in range(8):
        c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    _TABLE.append(c)


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


@functools.lru_cache(maxsize=None)  # the cut check decodes the same records again and again
def masked(data):
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283


def records(raw):
    """Whole records of `raw` until the end or the first cut one; a bad CRC is a problem."""
    out, at = [], 0
    while at + 12 <= len(raw):
        (n,) = struct.unpack_from("<Q", raw, at)
        (len_crc,) = struct.unpack_from("<I", raw, at + 8)
        if len_crc != masked(raw[at : at + 8]):
            problem(f"record at byte {at}: length CRC {len_crc:#x} != {masked(raw[at:at+8]):#x}")
            return out, False
        if at + 12 + n + 4 > len(raw):
            break
        data = raw[at + 12 : at + 12 + n]
        (data_crc,) = struct.unpack_from("<I", raw, at + 12 + n)
        if data_crc != masked(data):
            problem(f"record at byte {at}: data CRC {data_crc:#x} != {masked(data):#x}")
            return out, False
        out.append(data)
        at += 12 + n + 4
    return out, at == len(raw)


def event_files(logdir):
    return sorted(glob.glob(os.path.join(logdir, "*tfevents*")))


def cmd_decode(logdir, cut_tail_allowed=False):
    files = event_files(logdir)
    if not files:
        problem(f"no event files in {logdir}")
    count = 0
    for f in files:
        raw = open(f, "rb").read()
        recs, whole = records(raw)
        if not whole and not cut_tail_allowed:
            problem(f"{f}: does not end with a whole record")
        for i, data in enumerate(recs):
            ev = event_pb2.Event.FromString(data)
            if i == 0 and ev.file_version != "brain.Event:2":
                problem(f"{f}: first record is not the version record: {ev}")
            again = ev.SerializeToString()
            if again != data:
                problem(f"{f} record {i}: protobuf re-serializes to other bytes:\n ours {data.hex()}\n  pb  {again.hex()}")
            count += 1
    print(f"ok decode: {count} records in {len(files)} files, CRCs good, byte-identical")


def scalars(logdir):
    ea = accumulator(logdir)
    out = {}
    for tag in ea.Tags()["scalars"]:
        out[tag] = {e.step: e.value for e in ea.Scalars(tag)}
        if len(out[tag]) != len(ea.Scalars(tag)):
            problem(f"{tag}: a step appears twice: {[e.step for e in ea.Scalars(tag)]}")
    return ea, out


def close(a, b, rel, abs_):
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def flatten(value, suffix=""):
    if isinstance(value, list):
        for i, v in enumerate(value):
            yield from flatten(v, f"{suffix}/{i}")
    else:
        yield suffix, value


def cmd_jsonl(logdir, jsonl, every):
    every = int(every)
    ea, sc = scalars(logdir)
    lines = [json.loads(l) for l in open(jsonl) if l.strip()]
    prefix = {"train": "training", "test": "test" if any(l["split"] == "val" for l in lines) else "validation",
              "val": "validation"}
    expected = {}  # tag -> {step: value}
    last_iteration = 0
    for l in lines:
        split = l["split"]
        if split == "resume":
            continue
        it = l["iteration"]
        last_iteration = max(last_iteration, it)
        if split == "train":
            expected.setdefault("training/avg_loss", {})[it] = (l["avg_loss"], 1e-6)
            lr = expected.setdefault("lr/group_0", {})  # at ITERATION_STARTED of multiples of EVERY
            if it % every == 0:
                lr[it] = (l["lr"], None)
        else:  # every metric, a matrix flattened as Ignite's _flatten_dict (confusion_matrix/0/1)
            for key, value in l.items():
                if key not in ("split", "epoch", "iteration"):
                    for suffix, v in flatten(value):
                        expected.setdefault(f"{prefix[split]}/{key}{suffix}", {})[it] = (v, 1e-6)
    for tag, points in expected.items():
        got = sc.get(tag)
        if got is None:
            problem(f"TensorBoard shows no {tag}; it shows {sorted(sc)}")
            continue
        if tag.startswith("lr/"):
            for step, (v, _) in points.items():
                if step not in got:
                    problem(f"{tag}: no step {step} (steps {sorted(got)})")
                elif not close(got[step], v, 1e-5, 1e-9):
                    problem(f"{tag} step {step}: TensorBoard {got[step]} != metrics.jsonl {v}")
            want_steps = set(range(every, last_iteration + 1, every))
            if set(got) != want_steps:
                problem(f"{tag}: steps {sorted(got)} != every {every} up to {last_iteration}")
            continue
        if set(got) != set(points):
            problem(f"{tag}: steps {sorted(got)} != metrics.jsonl's {sorted(points)}")
        for step, (v, tol) in points.items():
            if step in got and not close(got[step], v, 1e-6, tol):
                problem(f"{tag} step {step}: TensorBoard {got[step]} != metrics.jsonl {v}")
    loss = sc.get("training/loss", {})
    if set(loss) != set(range(every, last_iteration + 1, every)):
        problem(f"training/loss: steps {sorted(loss)} != every {every} up to {last_iteration}")
    if any(not math.isfinite(v) for v in loss.values()):
        problem("training/loss holds a non-finite value")
    extra = set(sc) - set(expected) - {"training/loss"}
    if extra:
        problem(f"TensorBoard shows tags metrics.jsonl has no line for: {sorted(extra)}")
    texts = ea.Tags().get("tensors", [])
    print(f"ok jsonl: {sum(len(p) for p in sc.values())} points in {len(sc)} tags match; text tags {texts}")


def cmd_cut(path):
    raw = open(path, "rb").read()
    whole_ends, at = [], 0
    while at < len(raw):
        (n,) = struct.unpack_from("<Q", raw, at)
        at += 12 + n + 4
        whole_ends.append(at)
    with tempfile.TemporaryDirectory() as d:
        for cut in range(len(raw) + 1):
            p = os.path.join(d, "events.out.tfevents.cut")
            with open(p, "wb") as f:
                f.write(raw[:cut])
            want = sum(1 for e in whole_ends if e <= cut)
            got = list(event_file_loader.LegacyEventFileLoader(p).Load())
            if len(got) != want:
                problem(f"cut at byte {cut}: TensorBoard loaded {len(got)} records, {want} are whole")
            ours, _ = records(raw[:cut])
            if len(ours) != want:
                problem(f"cut at byte {cut}: our decoder read {len(ours)} records, {want} are whole")
    print(f"ok cut: {len(raw) + 1} cuts of {len(whole_ends)} records")


def cmd_histograms(logdir, tags):
    ea = accumulator(logdir)
    have = ea.Tags()["histograms"]
    from tensorboard import data_compat
    for tag in tags:
        if tag not in have:
            problem(f"no histogram {tag}; histograms: {have}")
            continue
        for h in ea.Histograms(tag):
            v = h.histogram_value
            if sum(v.bucket) != v.num:
                problem(f"{tag} step {h.step}: bucket counts sum {sum(v.bucket)} != num {v.num}")
            if list(v.bucket_limit) != sorted(v.bucket_limit):
                problem(f"{tag} step {h.step}: bucket limits not increasing")
    # The histogram plugin's own view: every record migrates to its tensor form.
    n = 0
    for f in event_files(logdir):
        for ev in event_file_loader.LegacyEventFileLoader(f).Load():
            for value in ev.summary.value:
                if value.HasField("histo"):
                    migrated = data_compat.migrate_value(value)
                    if migrated.metadata.plugin_data.plugin_name != "histograms":
                        problem(f"{value.tag}: not migrated to a histogram")
                    n += 1
    print(f"ok histograms: {len(tags)} tags, {n} histogram values")


def cmd_bins():
    import numpy as np
    from torch.utils.tensorboard import summary
    from torch.utils.tensorboard.writer import SummaryWriter

    with tempfile.TemporaryDirectory() as d:
        bins = SummaryWriter(d).default_bins
    cases = {"constant": [0.5] * 7, "zeros": [0.0] * 3, "mixed": [-2.5, -1e-13, 0.0, 3e-12, 0.1, 0.1, 7.0, 1e19]}
    out = {}
    for name, values in cases.items():
        h = summary.make_histogram(np.array(values, dtype=float), bins)
        out[name] = {"min": h.min, "max": h.max, "num": h.num, "sum": h.sum, "sum_squares": h.sum_squares,
                     "bucket_limit": list(h.bucket_limit), "bucket": list(h.bucket)}
    out["edges"] = {"count": len(bins), "first": bins[0], "last": bins[-1], "middle": bins[len(bins) // 2 + 5]}
    print(json.dumps(out))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    {"jsonl": cmd_jsonl, "decode": cmd_decode, "decode-killed": lambda d: cmd_decode(d, True), "cut": cmd_cut, "bins": cmd_bins,
     "histograms": lambda d, *t: cmd_histograms(d, list(t))}[cmd](*args)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
