#!/usr/bin/env bash
# Installs dependencies, builds (Release, Ninja) and runs the main job: ignite-host train
# with its defaults (the cnn on Debian's Fashion-MNIST, progress bar, accuracy and loss
# on the test split; metrics.jsonl, metrics.csv, TensorBoard's tb/ and report.html, listed
# with how to open each when the run ends). Each run writes into a new folder
# ignite-output/run-DATE-TIME, since ignite-host refuses a folder that already holds
# results. Extra arguments go to `ignite-host train` (e.g. --model mlp --epochs 2, or
# --output-dir DIR to choose the folder).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
BUILD_DIR="${BUILD_DIR:-build}"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release
# ignite_plugins: every shipped plugin (plugins/CMakeLists.txt), so any --plugin the README
# names is there.
cmake --build "$BUILD_DIR" -j "$(nproc)" --target ignite-host ignite_plugins
output=()
case " $* " in
  *" --output-dir"*) ;;
  *) output=(--output-dir "ignite-output/run-$(date +%Y%m%d-%H%M%S)") ;;
esac
exec "$BUILD_DIR/host/ignite-host" train "${output[@]}" "$@"
