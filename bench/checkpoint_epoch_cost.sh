#!/bin/sh
# What checkpointing every epoch costs a real run (target < 1% of the epoch): `ignite-host
# train` (cnn on Fashion-MNIST, LIMIT training images) with the checkpoint plugin at its
# default (a durable save at every trainer EPOCH_COMPLETED), timed from inside the run by
# the trace plugin's monotonic times (trace.time): an epoch is EPOCH_STARTED -> its
# EPOCH_COMPLETED, the save is EPOCH_COMPLETED -> checkpoint.SAVED_CHECKPOINT, which covers
# everything checkpointing adds (the host's assembly, encoding, both fsyncs, rotation) plus
# the host's own cheap EPOCH_COMPLETED handlers (an upper bound). Measured in one process
# because separate runs of this 2-core VM differ by ±10%, far more than the save. A run
# without the plugin follows, as a side-by-side A/B of the mean epoch wall time (noisy).
#
#   bench/checkpoint_epoch_cost.sh [BUILD_DIR=build] [EPOCHS=6] [LIMIT=20000] [THREADS=2]
set -eu
build=${1:-build}
epochs=${2:-6}
limit=${3:-20000}
threads=${4:-2}
host="$build/host/ignite-host"
work=$(mktemp -d /tmp/checkpoint_epoch_cost.XXXXXX)
trap 'rm -rf "$work"' EXIT
export IGNITE_PLUGIN_PATH="$build/plugins"
args="train --model cnn --dataset fashion-mnist --limit $limit --epochs $epochs --device cpu --threads $threads
      --no-default-plugins --lr-schedule constant --eval-every 0"
trace="--plugin trace --plugin-opt trace.time=true --plugin-opt trace.engines=trainer"

# The checkpoint plugin before trace: trace.custom needs its event registered.
# shellcheck disable=SC2086
"$host" $args --plugin checkpoint --plugin-opt checkpoint.dirname="$work/ck" --output-dir "$work/with" $trace \
    --plugin-opt trace.custom=checkpoint.SAVED_CHECKPOINT --plugin-opt trace.path="$work/with.jsonl" \
    > "$work/with.log" 2>&1 || { cat "$work/with.log" >&2; exit 1; }
# shellcheck disable=SC2086
"$host" $args --output-dir "$work/without" $trace --plugin-opt trace.path="$work/without.jsonl" \
    > "$work/without.log" 2>&1 || { cat "$work/without.log" >&2; exit 1; }

python3 - "$work/with.jsonl" "$work/without.jsonl" "$limit" "$threads" <<'EOF'
import json, statistics, sys

def timeline(path):
    starts, ends, saves = {}, {}, {}
    for line in map(json.loads, open(path)):
        ev, e, t = line["event"], line["epoch"], line["time"]
        if ev == "EPOCH_STARTED":
            starts[e] = t
        elif ev == "EPOCH_COMPLETED":
            ends[e] = t
        elif ev == "checkpoint.SAVED_CHECKPOINT":
            saves[e] = t
    return starts, ends, saves

starts, ends, saves = timeline(sys.argv[1])
epoch = {e: ends[e] - starts[e] for e in ends}
save = {e: saves[e] - ends[e] for e in saves}
if len(save) != len(epoch):
    sys.exit(f"checkpoint_epoch_cost: {len(save)} saves for {len(epoch)} epochs")
s0, e0, _ = timeline(sys.argv[2])
epoch_without = [e0[e] - s0[e] for e in e0]
print(f"checkpoint_epoch_cost: cnn, fashion-mnist --limit {sys.argv[3]}, {len(epoch)} epochs, {sys.argv[4]} threads")
print("save per epoch (ms):", " ".join(f"{1000 * save[e]:.1f}" for e in sorted(save)))
print("epoch (s):          ", " ".join(f"{epoch[e]:.3f}" for e in sorted(epoch)))
ratios = [save[e] / epoch[e] for e in epoch]
print(f"median save {1000 * statistics.median(save.values()):.1f} ms = {100 * statistics.median(ratios):.3f}% "
      f"of the epoch (max {100 * max(ratios):.3f}%); target < 1%")
print(f"A/B, separate runs: mean epoch with saves {statistics.mean(epoch.values()):.3f} s, without the plugin "
      f"{statistics.mean(epoch_without):.3f} s (run-to-run noise dominates this one)")
EOF
