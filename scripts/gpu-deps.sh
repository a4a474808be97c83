#!/usr/bin/env bash
# Prepares what scripts/gpu-check.sh needs on the lent GPU machine that that machine lacks
# (it has PyTorch with CUDA, CMake, ninja, nvcc, Lightning, but none of our Debian C++
# packages, no pytorch-ignite, no Fashion-MNIST, and no network). Run HERE, with network:
#
#   bash scripts/gpu-deps.sh          # -> .gpu-deps/debs/*.deb, .gpu-deps/wheels/*.whl
#
# .gpu-deps/ is ignored by git (.gitignore); the device call carries .gpu-deps/debs and
# .gpu-deps/wheels (docs/gpu-check.md). The .deb files travel as they are (42 MiB, xz
# inside): unpacked, Boost's headers alone are 135 MiB, over the 64 MiB a call may carry.
# gpu-check.sh unpacks them with dpkg-deb -x into /tmp/ignite-gpu-deps/root on the machine
# it runs on (never into /; outside the checkout, where CMake accepts it as a prefix). Idempotent: files already there are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
DEPS=.gpu-deps

# Build-time needs of core, host, plugins (and the tests' Catch2 / nlohmann-json), with the
# runtime libraries they link (a GPU machine image has libc/libstdc++, not these), and the
# data. Boost: only the two compiled components and the headers package (BoostConfig and
# the boost_headers target live there); libboost-system1.74-dev because filesystem's
# CMake config asks for it. Not the libboost-*-dev meta packages (they pull every version).
PACKAGES=(
  libboost1.74-dev
  libboost-program-options1.74-dev libboost-program-options1.74.0
  libboost-filesystem1.74-dev libboost-filesystem1.74.0
  libboost-system1.74-dev libboost-system1.74.0
  libfmt-dev libfmt9
  catch2 libdlpack-dev nlohmann-json3-dev
  zlib1g-dev zlib1g
  dataset-fashion-mnist
)
IGNITE_WHEEL="pytorch-ignite==0.5.3"   # the release tests/fixtures/ignite-traces.json was recorded with

mkdir -p "$DEPS/debs" "$DEPS/wheels"
have_all=1
for p in "${PACKAGES[@]}"; do
  ls "$DEPS/debs/${p}_"*.deb >/dev/null 2>&1 || have_all=0
done
if [ "$have_all" -eq 0 ]; then
  # apt-cache may need fresh lists for the versions apt-get download asks for.
  if ! (cd "$DEPS/debs" && apt-get download -q "${PACKAGES[@]}" >/dev/null); then
    echo "gpu-deps: apt-get download failed; running apt-get update and trying again"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    (cd "$DEPS/debs" && apt-get download -q "${PACKAGES[@]}" >/dev/null)
  fi
fi
# File names in letters, digits, '.', '_' and '-' only (apt writes an epoch's ':' as '%3a'
# and versions hold '+' and '~'): a plain name travels anywhere. One version of each
# package: an older download left beside a newer one is removed.
for f in "$DEPS/debs/"*.deb; do
  plain="$(basename "$f" | sed 's/%3a/-/g; s/[^A-Za-z0-9._-]/-/g')"
  [ "$plain" = "$(basename "$f")" ] || mv -f "$f" "$DEPS/debs/$plain"
done
for p in "${PACKAGES[@]}"; do
  mapfile -t files < <(ls -t "$DEPS/debs/${p}_"*.deb)
  for old in "${files[@]:1}"; do rm -f "$old"; done
done

if ! ls "$DEPS/wheels/"pytorch_ignite-0.5.3-*.whl >/dev/null 2>&1; then
  PY=python3
  [ -x "${IGNITE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/ignite-cpp/venv}/bin/python" ] &&
    PY="${IGNITE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/ignite-cpp/venv}/bin/python"
  # Pure Python (py3-none-any): no platform or Python version to match.
  "$PY" -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: -d "$DEPS/wheels" "$IGNITE_WHEEL"
fi

echo "gpu-deps: $(ls "$DEPS/debs" | wc -l) .deb files, $(du -sh "$DEPS/debs" | cut -f1); wheels: $(ls "$DEPS/wheels" | tr '\n' ' ')"
echo "gpu-deps: carry .gpu-deps/debs and .gpu-deps/wheels: $(du -scm "$DEPS/debs" "$DEPS/wheels" | tail -1 | cut -f1) MiB"
