#!/bin/sh
# What checkpointing every epoch costs a real run: PAIRS alternated pairs of the same
# `ignite-host train` (cnn on Fashion-MNIST), A without the checkpoint plugin, B with it at
# its default (a durable save at every trainer EPOCH_COMPLETED), each pair in a random
# order. Prints, per pair, both wall times and B's cost per epoch; then the median cost as a
# fraction of the median epoch time (target < 1%).
#
#   bench/checkpoint_epoch_cost.sh [BUILD_DIR=build] [PAIRS=5] [EPOCHS=2] [LIMIT=20000] [THREADS=2]
#
# Wall time of the whole process, so the cost counts everything checkpointing adds (the
# host's checkpoint assembly, encoding, both fsyncs, rotation); the epoch time is A's
# epoch_seconds from metrics.jsonl. LIMIT caps the training set (0: all 60000 images).
set -eu
build=${1:-build}
pairs=${2:-5}
epochs=${3:-2}
limit=${4:-20000}
threads=${5:-2}
host="$build/host/ignite-host"
work=$(mktemp -d /tmp/checkpoint_epoch_cost.XXXXXX)
trap 'rm -rf "$work"' EXIT
export IGNITE_PLUGIN_PATH="$build/plugins"
args="train --model cnn --dataset fashion-mnist --limit $limit --epochs $epochs --device cpu --threads $threads
      --no-default-plugins --lr-schedule constant"

# One run; prints its wall time in seconds. $1: output folder, then extra arguments.
run() {
    out=$1
    shift
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    "$host" $args --output-dir "$out" "$@" > "$out.log" 2>&1 || { cat "$out.log" >&2; exit 1; }
    end=$(date +%s.%N)
    python3 -c "print(f'{$end - $start:.3f}')"
}

echo "checkpoint_epoch_cost: cnn, fashion-mnist --limit $limit, $epochs epochs, $threads threads, $pairs pairs"
results="$work/results"
: > "$results"
i=0
while [ "$i" -lt "$pairs" ]; do
    i=$((i + 1))
    # Alternate which variant goes first, so drift (thermal, page cache) cancels out.
    if [ $((i % 2)) -eq 1 ]; then
        a=$(run "$work/a$i")
        b=$(run "$work/b$i" --plugin checkpoint --plugin-opt checkpoint.dirname="$work/ck$i")
    else
        b=$(run "$work/b$i" --plugin checkpoint --plugin-opt checkpoint.dirname="$work/ck$i")
        a=$(run "$work/a$i")
    fi
    # B really checkpointed (n_saved=1 keeps the last epoch's file).
    ls "$work/ck$i" | grep -q '^checkpoint_[0-9]*\.pt$' || { echo "checkpoint_epoch_cost: run B wrote no checkpoint" >&2; exit 1; }
    epoch_a=$(python3 -c "
import json, statistics
lines = [json.loads(l) for l in open('$work/a$i/metrics.jsonl')]
print(statistics.median(l['epoch_seconds'] for l in lines if l['split'] == 'train'))")
    echo "$a $b $epoch_a" >> "$results"
    python3 -c "print(f'pair $i: A {$a:.3f} s, B {$b:.3f} s, B-A per epoch {($b - $a) / $epochs * 1000:+.1f} ms, epoch {$epoch_a:.3f} s')"
done
python3 - "$results" "$epochs" <<'EOF'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1])]
epochs = int(sys.argv[2])
cost = statistics.median((b - a) / epochs for a, b, _ in rows)
epoch = statistics.median(e for _, _, e in rows)
ratio = statistics.median(b / a for a, b, _ in rows)
print(f"median B/A wall ratio {ratio:.4f}; median cost per epoch {cost * 1000:+.1f} ms "
      f"= {100 * cost / epoch:+.2f}% of the median epoch ({epoch:.3f} s); target < 1%")
EOF
