#!/usr/bin/env bash
# Installs every build/test dependency of Ignite C++ from Debian's packages.
# Idempotent: packages already present are skipped by apt; `apt-get update` runs once
# and only when something is missing. Uses sudo when not root.
set -euo pipefail

PACKAGES=(
  cmake ninja-build g++ pkg-config
  libtorch-dev libgloo-dev
  libboost-dev libboost-program-options-dev libboost-filesystem-dev
  libfmt-dev catch2 libdlpack-dev nlohmann-json3-dev zlib1g-dev
  dataset-fashion-mnist
  # The OpenMP build of OpenBLAS: without it LibTorch falls back to the reference BLAS
  # (~17x slower), and the pthread build fights LibTorch's OpenMP threads (~4x slower).
  libopenblas0-openmp
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
