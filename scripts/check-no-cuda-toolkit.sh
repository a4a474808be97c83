#!/usr/bin/env bash
# Proves that the README's main job works on a machine without the CUDA toolkit (issue 17):
# in a private mount namespace (unshare -m) every /usr/local/cuda* and /opt/cuda* folder is
# covered by an empty one and every nvcc left on PATH by a non-executable empty file, then
# `bash scripts/main-job.sh` configures from scratch, builds ignite-host and every plugin,
# and trains one short epoch with the checkpoint plugin. Nothing outside the namespace sees
# the toolkit gone; nothing is installed (install-deps.sh only checks, as the venv is there).
#
#   bash scripts/check-no-cuda-toolkit.sh     # .ci/run runs it after scripts/test.sh
#
# Checks, each failing with one line: the toolkit is really hidden (no nvcc, no cuda.h);
# CMake took the no-toolkit path (its status line); the main job's build produced every
# plugin in plugins/; ignite-host still links libtorch_cuda.so (the binary keeps CUDA for a
# machine with the driver); the run exits 0, writes metrics.jsonl and a checkpoint.
# Exit 0: passed; 1: a check failed; 77: skipped, no mount namespace can be made here (not
# root and no user namespaces, or a container without CAP_SYS_ADMIN): it says so.
#
# Cost: the build folder (BUILD_DIR, default build-no-cuda-toolkit) is kept between runs and
# only its CMakeCache.txt is removed, so the configure is always a fresh one while objects
# built before are reused; ccache is used when installed (CCACHE_BASEDIR at or above the
# checkout lets it reuse what the toolkit build compiled). Measured on 2 cores: 1 min 48 s
# the first time after a toolkit build; 7 s when nothing changed; an estimated 7 minutes
# with nothing cached (about 30 files including LibTorch, ~25 s of CPU each).
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "check-no-cuda-toolkit: FAIL: $*" >&2; exit 1; }

if [ "${IGNITE_NO_CUDA_TOOLKIT_NS:-}" != 1 ]; then
  # Root: a mount namespace; otherwise one inside a user namespace where we are root.
  ns=(unshare -m)
  [ "$(id -u)" -eq 0 ] || ns=(unshare -r -m)
  if ! "${ns[@]}" true 2>/dev/null; then
    echo "check-no-cuda-toolkit: SKIP: '${ns[*]}' is not allowed here (needs root with" \
         "CAP_SYS_ADMIN, or user namespaces); the no-toolkit build was not checked" >&2
    exit 77
  fi
  IGNITE_NO_CUDA_TOOLKIT_NS=1 exec "${ns[@]}" bash "$0" "$@"
fi

# --- inside the namespace: hide the toolkit ----------------------------------------------
# unshare -m makes every mount private, so these bind mounts never leave this process tree.
tmp="$(mktemp -d /tmp/ignite-no-cuda.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/empty"
: > "$tmp/not-a-program"
hidden=()
for d in /usr/local/cuda* /opt/cuda*; do
  # Symbolic links (/usr/local/cuda -> cuda-13.0) end in a folder covered here.
  if [ -d "$d" ] && [ ! -L "$d" ]; then
    mount --bind "$tmp/empty" "$d"
    hidden+=("$d")
  fi
done
# Every nvcc program left on PATH (a wrapper such as /usr/local/bin/nvcc). Not `type -P`:
# bash falls back to a file that is not executable when no program is found.
nvcc_programs() {
  local IFS=: d
  for d in $PATH; do
    if [ -f "$d/nvcc" ] && [ -x "$d/nvcc" ]; then echo "$d/nvcc"; fi
  done
}
for p in $(nvcc_programs); do
  mount --bind "$tmp/not-a-program" "$p"   # mode 644: no longer a program
  hidden+=("$p")
done
echo "check-no-cuda-toolkit: hidden: ${hidden[*]:-nothing (no toolkit on this machine)}"
left="$(nvcc_programs)"
if [ -n "$left" ] || [ -e /usr/local/cuda/include/cuda.h ] || [ -e /usr/include/cuda.h ]; then
  fail "the CUDA toolkit is still visible (nvcc: ${left:-none}; cuda.h in /usr/local/cuda or /usr/include)"
fi

# --- the README's main job ---------------------------------------------------------------
export BUILD_DIR="${BUILD_DIR:-build-no-cuda-toolkit}"
rm -f "$BUILD_DIR/CMakeCache.txt"
if command -v ccache >/dev/null; then
  # CMake reads these at the first configure (CMAKE_<LANG>_COMPILER_LAUNCHER).
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache CMAKE_C_COMPILER_LAUNCHER=ccache
fi
log="$tmp/main-job.log"
set +e
bash scripts/main-job.sh --model mlp --epochs 1 --limit 512 --output-dir "$tmp/run" \
  --plugin checkpoint --plugin-opt "checkpoint.dirname=$tmp/ck" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
[ "$rc" -eq 0 ] || fail "scripts/main-job.sh exited $rc without the CUDA toolkit (log above)"

grep -q "No CUDA toolkit (no nvcc runs)" "$log" \
  || fail "CMake did not take the no-toolkit path (cmake/IgniteTorchSupport.cmake)"
plugins=0
for list in plugins/*/CMakeLists.txt; do
  plugins=$((plugins + 1))
  name="$(basename "$(dirname "$list")")"
  [ -f "$BUILD_DIR/plugins/ignite-plugin-$name.so" ] \
    || fail "the main job did not build the plugin '$name' ($BUILD_DIR/plugins/ignite-plugin-$name.so)"
done
# Not `ldd | grep -q`: grep's early exit would fail ldd with SIGPIPE under pipefail.
libs="$(ldd "$BUILD_DIR/host/ignite-host")"
[[ "$libs" == *"libtorch_cuda.so => /"* ]] \
  || fail "ignite-host does not link libtorch_cuda.so (ldd $BUILD_DIR/host/ignite-host)"
[ -s "$tmp/run/metrics.jsonl" ] || fail "the run wrote no $tmp/run/metrics.jsonl"
ls "$tmp/ck/"*.pt >/dev/null 2>&1 || fail "the checkpoint plugin saved nothing in $tmp/ck"
echo "check-no-cuda-toolkit: PASS: configured, built ignite-host and $plugins plugins, trained without the CUDA toolkit"
