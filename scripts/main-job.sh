#!/usr/bin/env bash
# Installs dependencies, builds (Release, Ninja) and runs the main job.
# Until `ignite-host train` lands (issue 4) the main job is the engine's basic trainer
# example: a LibTorch model trained by ignite::Engine with a logging handler.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
BUILD_DIR="${BUILD_DIR:-build}"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$BUILD_DIR" -j "$(nproc)" --target basic_trainer ignite-host
"$BUILD_DIR/examples/engine/basic_trainer" "$@"
