#!/usr/bin/env bash
# Installs dependencies, builds (Release, Ninja) and runs the main job: ignite-host train
# with its defaults (the cnn on Debian's Fashion-MNIST, progress bar, accuracy and loss
# on the test split, metrics as JSON lines in ./ignite-output). Extra arguments go to
# `ignite-host train` (e.g. --model mlp --epochs 2).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
BUILD_DIR="${BUILD_DIR:-build}"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$BUILD_DIR" -j "$(nproc)" --target ignite-host progress console trace tbptt metrics
"$BUILD_DIR/host/ignite-host" train "$@"
