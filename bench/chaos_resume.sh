#!/bin/sh
# Chaos test of crash-safe exact resume: KILLS SIGKILLs at random moments of a checkpointed
# ignite-host train run (between iterations, inside a step, during a checkpoint write), each
# followed by `--resume auto`; prints how many resumed runs ended bit-identical to the
# uninterrupted one. The final checkpoint is compared byte for byte: the file holds model,
# optimizer, trainer (with RNG states) and scheduler, and its bytes are a function of them.
#
#   bench/chaos_resume.sh [BUILD_DIR=build] [KILLS=200] [KILLS_PER_RUN=4]
#
# Each run is killed up to KILLS_PER_RUN times (each kill after a random delay in [0, T), T
# the uninterrupted run's wall time), then resumed to the end. Exit 1 when any run differs.
set -eu
build=${1:-build}
kills=${2:-200}
per_run=${3:-4}
host="$build/host/ignite-host"
work=$(mktemp -d /tmp/chaos_resume.XXXXXX)
trap 'rm -rf "$work"' EXIT
# 7680 samples, batch 32: 240 iterations per epoch, 480 in all; a checkpoint every 10. Start-up
# takes ~0.35 s of the ~1 s run, so about two kills in three land in training.
args="train --model mlp --dataset synthetic:7680 --batch-size 32 --epochs 2 --device cpu --threads 1
      --no-default-plugins --plugin checkpoint --plugin-opt checkpoint.every=10 --plugin-opt checkpoint.n_saved=2"
export IGNITE_PLUGIN_PATH="$build/plugins"

start=$(date +%s.%N)
# shellcheck disable=SC2086
"$host" $args --output-dir "$work/ref/out" --plugin-opt checkpoint.dirname="$work/ref/ck" > /dev/null 2>&1
T=$(echo "$(date +%s.%N) - $start" | bc)
ref="$work/ref/ck/checkpoint_480.pt"
[ -f "$ref" ] || { echo "chaos_resume: the reference run wrote no $ref" >&2; exit 1; }

done_kills=0 runs=0 same=0 seed=1
while [ "$done_kills" -lt "$kills" ]; do
    runs=$((runs + 1))
    dir="$work/run$runs"
    k=0
    while [ "$k" -lt "$per_run" ] && [ "$done_kills" -lt "$kills" ]; do
        delay=$(awk -v s="$seed" -v t="$T" 'BEGIN { srand(s); printf "%.3f", rand() * t }')
        seed=$((seed + 1))
        # shellcheck disable=SC2086
        "$host" $args --output-dir "$dir/out" --plugin-opt checkpoint.dirname="$dir/ck" --resume auto > /dev/null 2>&1 &
        pid=$!
        sleep "$delay"
        kill -KILL "$pid" 2> /dev/null || true
        wait "$pid" 2> /dev/null || true
        k=$((k + 1))
        done_kills=$((done_kills + 1))
    done
    # shellcheck disable=SC2086
    if "$host" $args --output-dir "$dir/out" --plugin-opt checkpoint.dirname="$dir/ck" --resume auto > "$dir.log" 2>&1 &&
        cmp -s "$ref" "$dir/ck/checkpoint_480.pt"; then
        same=$((same + 1))
    else
        echo "chaos_resume: run $runs differs from the uninterrupted one (log: $dir.log)" >&2
        cp "$dir.log" "/tmp/chaos_resume_run$runs.log" 2> /dev/null || true
    fi
    rm -rf "$dir"
done
echo "chaos_resume: $kills SIGKILLs over $runs runs (uninterrupted run ${T}s); $same of $runs resumed runs ended bit-identical"
[ "$same" -eq "$runs" ]
