#!/usr/bin/env bash
# Installs every build/test dependency of Ignite C++:
#  1. Debian packages (compiler, CMake, Boost, fmt, Catch2, DLPack headers, the datasets,
#     chromium: the report page's test renders it headless);
#  2. LibTorch: the `torch` wheel pinned in scripts/requirements.txt, with pytorch-ignite,
#     tensorboard, numpy and pandas, in a venv at one fixed place outside the checkout:
#       $IGNITE_VENV, else ${XDG_CACHE_HOME:-$HOME/.cache}/ignite-cpp/venv
#     (CMakeLists.txt looks in the same place). The venv carries a stamp of the
#     requirements file; when the file changes, pip brings the venv to the new pins in
#     place (re-downloading the 3 GB of CUDA wheels only when torch's own pin changes);
#     it is re-created only when Debian's Python changed or the venv is broken.
# Idempotent: with everything in place it only checks (apt-get update runs only when a
# package is missing; the venv is left alone while its stamp matches). Uses sudo for apt
# when not root; the venv needs no root.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  cmake ninja-build g++ pkg-config
  python3 python3-venv
  libboost-dev libboost-program-options-dev libboost-filesystem-dev
  libfmt-dev catch2 libdlpack-dev nlohmann-json3-dev zlib1g-dev
  dataset-fashion-mnist
  chromium
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
  echo "install-deps: all ${#PACKAGES[@]} Debian packages already installed"
else
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- the torch venv --------------------------------------------------------------------
# Debian's python3 (not whatever python3 comes first on PATH): the venv must not depend on
# a user's pyenv/conda interpreter.
PYTHON="${IGNITE_PYTHON:-/usr/bin/python3}"
VENV="${IGNITE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/ignite-cpp/venv}"
REQ="scripts/requirements.txt"
STAMP="$VENV/ignite-cpp.stamp"
want="$(sha256sum "$REQ" | cut -d' ' -f1) $("$PYTHON" -c 'import sys; print(sys.version.split()[0])')"

if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  echo "install-deps: venv $VENV matches $REQ ($(grep -E '^torch==' "$REQ"))"
  exit 0
fi

have_python="$([ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import sys; print(sys.version.split()[0])' 2>/dev/null || true)"
if [ -e "$VENV" ] && [ "$have_python" = "${want##* }" ]; then
  echo "install-deps: $REQ changed: bringing $VENV to its pins with pip"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQ"
  echo "$want" > "$STAMP"
  echo "install-deps: done"
  exit 0
fi
if [ -e "$VENV" ]; then
  echo "install-deps: the venv's Python is not Debian's $("$PYTHON" --version) (or it is broken): re-creating $VENV"
  rm -rf "$VENV"
fi
echo "install-deps: creating $VENV with $(grep -E '^torch==' "$REQ") (a few GB: the CUDA wheels)"
mkdir -p "$(dirname "$VENV")"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQ"
"$VENV/bin/python" -c 'import torch; print("install-deps: torch", torch.__version__, "CUDA", torch.version.cuda, "at", torch.utils.cmake_prefix_path)'
# Written last: an interrupted install leaves no stamp and is redone next time.
echo "$want" > "$STAMP"
echo "install-deps: done"
