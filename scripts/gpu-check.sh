#!/usr/bin/env bash
# Issues 12 and 23, "CUDA for real": builds ignite-host against the PyTorch of the python3 on PATH
# (the lent GPU machine's own LibTorch 2.x with CUDA), runs every GPU check and the speed
# comparison with PyTorch Ignite and PyTorch Lightning, and writes the results to $OUT:
#
#   summary.json   every check: status pass|fail|skip|error, reason, figures, log name
#   summary.md     the same for people (the README's benchmark section is pasted from it)
#   logs.tar.gz    every log, metrics.jsonl and GPU-utilisation trace (refreshed after
#                  each check, so a run cut short still brings back what it did)
#
#   bash scripts/gpu-check.sh                 # on the GPU machine (docs/gpu-check.md: the call)
#   bash scripts/gpu-check.sh --cpu-dry-run   # here: the whole flow on the CPU, tiny sizes
#
# Needs .gpu-deps/debs and .gpu-deps/wheels from scripts/gpu-deps.sh (Boost, fmt, Catch2,
# DLPack, nlohmann-json, zlib, Fashion-MNIST as Debian packages; the pytorch-ignite wheel):
# the .deb files are unpacked into /tmp/ignite-gpu-deps/root (never into /).
# One failing check never stops the others; the script exits 0 once summary.json is
# written (1 if it could not be), whatever the checks found.
#
# Environment (all optional):
#   OUT                  results folder (the device tool sets it; default ./gpu-check-out)
#   GPU_CHECK_PYTHON     python with torch (default python3; dry run: the project venv's)
#   GPU_CHECK_BUILD_DIR  build folder (default build-gpu, or build-gpu-dry)
#   GPU_CHECK_JOBS       build jobs (default nproc)
#   GPU_CHECK_TESTS      1: also build and run the CUDA-related Catch2 cases (default 1 on
#                        the GPU, 0 in the dry run)
#   GPU_CHECK_BUDGET_S   seconds after which no new benchmark run starts (default 420; 1800 in
#                        the dry run, whose build on 2 cores alone may take longer)
#   GPU_CHECK_ONLY       comma list of checks to run (default all): env,build,version,
#                        train,device_index,sync,metrics,resume,tests,bench
#   GPU_CHECK_ROUNDS, GPU_CHECK_CONFIGS, GPU_CHECK_EPOCHS, GPU_CHECK_FRAMEWORKS:
#                        the benchmark (scripts/gpu/check.py says what they mean)
set -uo pipefail
START_S=$(date +%s)
cd "$(dirname "$0")/.."
REPO="$(pwd)"

DRY=0
for a in "$@"; do
  case "$a" in
    --cpu-dry-run) DRY=1 ;;
    *) echo "gpu-check: unknown argument '$a' (only --cpu-dry-run)" >&2; exit 2 ;;
  esac
done
[ "${GPU_CHECK_CPU_DRY_RUN:-0}" = 1 ] && DRY=1

if [ "$DRY" = 1 ]; then
  VENV="${IGNITE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/ignite-cpp/venv}"
  PY="${GPU_CHECK_PYTHON:-$VENV/bin/python}"
  BUILD="${GPU_CHECK_BUILD_DIR:-build-gpu-dry}"
  : "${GPU_CHECK_TESTS:=0}"
else
  PY="${GPU_CHECK_PYTHON:-python3}"
  BUILD="${GPU_CHECK_BUILD_DIR:-build-gpu}"
  : "${GPU_CHECK_TESTS:=1}"
fi
case "$BUILD" in /*) ;; *) BUILD="$REPO/$BUILD" ;; esac
OUT="${OUT:-$REPO/gpu-check-out}"
mkdir -p "$OUT" || { echo "gpu-check: cannot create OUT=$OUT" >&2; exit 1; }
JOBS="${GPU_CHECK_JOBS:-$(nproc)}"
ONLY=",${GPU_CHECK_ONLY:-env,build,version,train,device_index,sync,metrics,resume,tests,bench},"
DEPS="$REPO/.gpu-deps"
# Unpacked outside the checkout: CMake refuses an exported target (the SDK's) whose include
# path lies in the source tree, and DLPack's headers would be one.
ROOT="${GPU_CHECK_DEPS_ROOT:-/tmp/ignite-gpu-deps/root}"
WORK="$(mktemp -d /tmp/gpu-check.XXXXXX)"
LOGS="$WORK/logs"
mkdir -p "$LOGS"
STEPS="$WORK/steps.jsonl"   # the shell's steps, read by check.py
: > "$STEPS"

wanted() { [[ "$ONLY" == *",$1,"* ]]; }
elapsed() { echo $(( $(date +%s) - START_S )); }
log() { echo "gpu-check [$(elapsed) s]: $*" | tee -a "$LOGS/gpu-check.log"; }
# step NAME STATUS SECONDS LOGFILE REASON
step() {
  "$PY" -c 'import json,sys; n,s,t,l,r=sys.argv[1:6]; print(json.dumps({"name":n,"status":s,"seconds":float(t),"log":l,"reason":r}))' \
    "$1" "$2" "$3" "$4" "$5" >> "$STEPS" 2>/dev/null ||
    printf '{"name":"%s","status":"%s","seconds":%s,"log":"%s","reason":"(python failed to quote it)"}\n' "$1" "$2" "$3" "$4" >> "$STEPS"
  log "$1: $2${5:+ ($5)}"
}
pack_logs() {
  local what=(logs); [ -d "$WORK/runs" ] && what+=(runs)
  # Not the checkpoint files: a file from $OUT may have 16 MiB (check.py packs the same way).
  tar -czf "$OUT/logs.tar.gz.part" --exclude='*.pt' -C "$WORK" "${what[@]}" 2>/dev/null && mv -f "$OUT/logs.tar.gz.part" "$OUT/logs.tar.gz"
}
# The last resort when check.py cannot run: a summary from the shell's steps alone.
fallback_summary() {
  { echo '{"fallback": true, "reason": "scripts/gpu/check.py did not finish", "steps": ['
    sed '$!s/$/,/' "$STEPS"
    echo ']}'; } > "$OUT/summary.json"
  { echo "# gpu-check (fallback summary)"; echo; echo "check.py did not finish; the shell's steps:"; echo
    sed 's/^/    /' "$STEPS"; } > "$OUT/summary.md"
  pack_logs
}

log "repo $REPO, OUT $OUT, work $WORK, python $PY, build $BUILD, jobs $JOBS, dry run $DRY"

# ---- 1. the machine: python, torch, CUDA, GPU ------------------------------------------
if ! "$PY" -c 'import torch' >/dev/null 2>&1; then
  step env error 0 gpu-check.log "$PY cannot import torch"
  fallback_summary; exit 0
fi
"$PY" - > "$WORK/env.json" 2> "$LOGS/env.log" <<'EOF'
import json, os, platform, subprocess, sys
import torch
env = {"python": sys.executable, "python_version": platform.python_version(), "torch": torch.__version__,
       "torch_cuda": torch.version.cuda, "cuda_available": torch.cuda.is_available(),
       "device_count": torch.cuda.device_count() if torch.cuda.is_available() else 0,
       "cmake_prefix_path": torch.utils.cmake_prefix_path, "cxx11_abi": bool(torch._C._GLIBCXX_USE_CXX11_ABI),
       "cpu_count": os.cpu_count(), "machine": platform.machine(), "os": platform.platform()}
if env["cuda_available"]:
    p = torch.cuda.get_device_properties(0)
    env.update(gpu=torch.cuda.get_device_name(0), gpu_memory_gib=round(p.total_memory / 2**30, 1),
               capability=f"{p.major}.{p.minor}", multiprocessors=p.multi_processor_count)
for mod in ("ignite", "lightning", "pytorch_lightning"):
    try:
        env[mod] = __import__(mod).__version__
    except Exception as e:  # noqa: BLE001
        env[mod] = None
try:
    q = subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"],
                       capture_output=True, text=True, timeout=30)
    env["nvidia_smi"] = q.stdout.strip() or q.stderr.strip()
except Exception as e:  # noqa: BLE001
    env["nvidia_smi"] = f"not available: {e}"
for tool in ("nvcc", "cmake", "ninja", "gcc", "g++", "nsys", "ncu", "dpkg-deb"):
    from shutil import which
    env[f"which_{tool}"] = which(tool)
try:
    env["nvcc_version"] = subprocess.run(["nvcc", "--version"], capture_output=True, text=True).stdout.strip().splitlines()[-1]
except Exception:  # noqa: BLE001
    env["nvcc_version"] = None
try:
    env["gcc_version"] = subprocess.run(["g++", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
except Exception:  # noqa: BLE001
    env["gcc_version"] = None
print(json.dumps(env))
EOF
nvidia-smi > "$LOGS/nvidia-smi.txt" 2>&1 || true
log "env: $(cat "$WORK/env.json")"
step env pass "$(elapsed)" env.log "torch and the machine described in summary.json's env"

# ---- 2. the Debian packages and wheels ---------------------------------------------------
t=$(date +%s)
deps_ok=1
if ! ls "$DEPS"/debs/*.deb >/dev/null 2>&1; then
  step deps fail 0 gpu-check.log "no .gpu-deps/debs/*.deb: run scripts/gpu-deps.sh here and carry .gpu-deps/debs"
  deps_ok=0
else
  stamp="$(ls "$DEPS"/debs/*.deb | xargs -n1 basename | sort | sha256sum | cut -c1-16)"
  if [ ! -f "$ROOT/.stamp" ] || [ "$(cat "$ROOT/.stamp")" != "$stamp" ]; then
    rm -rf "$ROOT" && mkdir -p "$ROOT"
    for f in "$DEPS"/debs/*.deb; do
      if [ "${GPU_CHECK_NO_DPKG:-0}" != 1 ] && command -v dpkg-deb >/dev/null 2>&1; then
        dpkg-deb -x "$f" "$ROOT" 2>>"$LOGS/deps.log" || { deps_ok=0; echo "dpkg-deb -x $f failed" >>"$LOGS/deps.log"; }
      else  # a .deb is an ar archive holding data.tar.*: Python reads both
        "$PY" - "$f" "$ROOT" 2>>"$LOGS/deps.log" <<'EOF' || deps_ok=0
import io, sys, tarfile
deb, root = sys.argv[1:3]
data = open(deb, "rb").read()
assert data[:8] == b"!<arch>\n", deb
pos = 8
while pos < len(data):
    name = data[pos:pos + 16].decode().strip().rstrip("/")
    size = int(data[pos + 48:pos + 58].decode().strip())
    body = data[pos + 60:pos + 60 + size]
    if name.startswith("data.tar"):
        # The links a package holds may be absolute (fixed below): trust them as dpkg does.
        kw = {"filter": "fully_trusted"} if hasattr(tarfile, "fully_trusted_filter") else {}
        tarfile.open(fileobj=io.BytesIO(body)).extractall(root, **kw)
    pos += 60 + size + (size & 1)
EOF
      fi
    done
    # Absolute links (libz.so -> /lib/...) pointed outside the root: make them relative.
    while IFS= read -r l; do
      target="$(readlink "$l")"
      if [ -e "$ROOT$target" ]; then
        ln -sfn "$(realpath --relative-to="$(dirname "$l")" "$ROOT$target")" "$l"
      fi
    done < <(find "$ROOT" -type l -lname '/*')
    [ "$deps_ok" = 1 ] && echo "$stamp" > "$ROOT/.stamp"
  fi
  ls "$DEPS"/debs >> "$LOGS/deps.log"
  if [ "$deps_ok" = 1 ]; then
    step deps pass $(( $(date +%s) - t )) deps.log "$(ls "$DEPS"/debs/*.deb | wc -l) packages unpacked in $ROOT"
  else
    step deps fail $(( $(date +%s) - t )) deps.log "unpacking the .deb files failed"
  fi
fi
DATA="$ROOT/usr/share/datasets/fashion-mnist"
[ -f "$DATA/train-images-idx3-ubyte.gz" ] || DATA=/usr/share/datasets/fashion-mnist
LIBDIR="$ROOT/usr/lib/x86_64-linux-gnu"
export LD_LIBRARY_PATH="$LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# pytorch-ignite: carried as a wheel when the machine lacks it (installed into the work
# folder, never into the machine's python).
if ! "$PY" -c 'import ignite' >/dev/null 2>&1; then
  if ls "$DEPS"/wheels/*.whl >/dev/null 2>&1 &&
     "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target "$WORK/site" "$DEPS"/wheels/*.whl \
       > "$LOGS/wheels.log" 2>&1; then
    export PYTHONPATH="$WORK/site${PYTHONPATH:+:$PYTHONPATH}"
    step wheels pass 0 wheels.log "pytorch-ignite installed from .gpu-deps/wheels into $WORK/site"
  else
    step wheels fail 0 wheels.log "pytorch-ignite missing and no usable .gpu-deps/wheels/*.whl"
  fi
else
  step wheels skip 0 gpu-check.log "pytorch-ignite already importable"
fi
pack_logs

# ---- 3. configure and build only what the checks run ------------------------------------
TARGETS=(ignite-host progress console metrics trace checkpoint)
TESTS=()
[ "$GPU_CHECK_TESTS" = 1 ] && wanted tests && TESTS=(train_test checkpoint_differences_test deterministic_test)
build_ok=0
if wanted build || [ ! -x "$BUILD/host/ignite-host" ]; then
  t=$(date +%s)
  TORCH_PREFIX="$("$PY" -c 'import torch; print(torch.utils.cmake_prefix_path)')"
  cuda_args=()
  if [ "$DRY" = 0 ]; then
    # Hopper only: nothing CUDA is compiled by us; this only spares Torch's arch probe.
    cuda_args=(-DTORCH_CUDA_ARCH_LIST=9.0)
  fi
  testing=OFF; [ "${#TESTS[@]}" -gt 0 ] && testing=ON
  # A cache made with another prefix or torch keeps their paths (find_path results): start it anew.
  if [ -f "$BUILD/CMakeCache.txt" ] && [ "$(cat "$BUILD/.gpu-check-prefix" 2>/dev/null)" != "$ROOT $TORCH_PREFIX" ]; then
    rm -f "$BUILD/CMakeCache.txt"
  fi
  mkdir -p "$BUILD" && echo "$ROOT $TORCH_PREFIX" > "$BUILD/.gpu-check-prefix"
  # Torch_DIR: IgniteTorch.cmake's documented override (any LibTorch 2.x); the project
  # venv's pin check applies only to that venv. -Werror off: another GCC than Debian's 12
  # may warn differently, and warnings are not what this run is for.
  # CMAKE_POLICY_VERSION_MINIMUM: CMake 4 refuses find modules written for CMake < 3.5.
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DIGNITE_WERROR=OFF -DIGNITE_BUILD_BENCH=OFF \
    -DBUILD_TESTING=$testing -DTorch_DIR="$TORCH_PREFIX/Torch" -DCMAKE_PREFIX_PATH="$ROOT/usr;$TORCH_PREFIX" \
    -DBoost_ROOT="$ROOT/usr" -DBoost_NO_SYSTEM_PATHS=ON -DCMAKE_POLICY_VERSION_MINIMUM=3.5 "${cuda_args[@]}" \
    > "$LOGS/configure.log" 2>&1
  rc=$?
  if [ $rc -ne 0 ]; then
    step configure fail $(( $(date +%s) - t )) configure.log "cmake configure exit $rc: $(grep -m1 -A2 'CMake Error' "$LOGS/configure.log" | tr '\n' ' ' | cut -c1-300)"
  else
    step configure pass $(( $(date +%s) - t )) configure.log "$(grep -m1 'LibTorch ' "$LOGS/configure.log" | sed 's/^-- //')"
    t=$(date +%s)
    # One build of everything wanted, -k 0: a test that does not compile costs the tests
    # alone; what was built is judged by the files it made.
    cmake --build "$BUILD" -j "$JOBS" --target "${TARGETS[@]}" "${TESTS[@]}" -- -k 0 > "$LOGS/build.log" 2>&1
    rc=$?
    if [ $rc -ne 0 ]; then
      # Which part failed: the main targets again (a no-op when they are built).
      echo "---- the main targets alone:" >> "$LOGS/build.log"
      cmake --build "$BUILD" -j "$JOBS" --target "${TARGETS[@]}" >> "$LOGS/build.log" 2>&1
      rc=$?
    fi
    missing=()
    [ $rc -eq 0 ] || missing+=("(exit $rc)")
    [ -x "$BUILD/host/ignite-host" ] || missing+=(ignite-host)
    for p in progress console metrics trace checkpoint; do
      [ -f "$BUILD/plugins/ignite-plugin-$p.so" ] || missing+=("$p")
    done
    secs=$(( $(date +%s) - t ))
    if [ "${#missing[@]}" -eq 0 ]; then
      build_ok=1
      step build pass "$secs" build.log "${TARGETS[*]} with $JOBS jobs${TESTS:+ (with ${TESTS[*]})}"
    else
      step build fail "$secs" build.log "not built: ${missing[*]}: $(grep -m1 -E 'error|Error' "$LOGS/build.log" | cut -c1-300)"
    fi
    if [ "${#TESTS[@]}" -gt 0 ]; then
      tmissing=()
      for x in "${TESTS[@]}"; do [ -x "$BUILD/tests/$x" ] || tmissing+=("$x"); done
      if [ "${#tmissing[@]}" -eq 0 ]; then
        step build_tests pass "$secs" build.log "${TESTS[*]}"
      else
        step build_tests fail "$secs" build.log "not built: ${tmissing[*]}"
      fi
    fi
  fi
else
  build_ok=1
  step build skip 0 gpu-check.log "GPU_CHECK_ONLY leaves the build out; using $BUILD as it is"
fi
pack_logs

# ---- 4. helpers built beside: the CUDA call counter, the device-probe metric plugin and the
#         plugin that stops a run with SIGTERM at a chosen iteration -------------------------
HELPERS="$WORK/helpers"
mkdir -p "$HELPERS"
t=$(date +%s)
plugin_cxx=(g++ -std=c++17 -O2 -shared -fPIC -fvisibility=hidden -Isdk/include -I"$ROOT/usr/include")
if gcc -O2 -shared -fPIC -o "$HELPERS/libcuda_call_count.so" scripts/gpu/cuda_call_count.c -ldl > "$LOGS/helpers.log" 2>&1 &&
   "${plugin_cxx[@]}" -o "$HELPERS/ignite-plugin-device_probe.so" scripts/gpu/device_probe.cpp >> "$LOGS/helpers.log" 2>&1 &&
   "${plugin_cxx[@]}" -o "$HELPERS/ignite-plugin-signal_at.so" scripts/gpu/signal_at.cpp >> "$LOGS/helpers.log" 2>&1; then
  step helpers pass $(( $(date +%s) - t )) helpers.log "scripts/gpu/cuda_call_count.c, device_probe.cpp, signal_at.cpp"
else
  step helpers fail $(( $(date +%s) - t )) helpers.log "$(grep -m1 error "$LOGS/helpers.log" | cut -c1-300)"
fi
pack_logs

# ---- 5. the checks and the benchmark (Python: timing, JSON, GPU sampling) ----------------
export PYTHONUNBUFFERED=1
"$PY" scripts/gpu/check.py --repo "$REPO" --out "$OUT" --work "$WORK" --steps "$STEPS" --env "$WORK/env.json" \
  --host "$BUILD/host/ignite-host" --build-dir "$BUILD" --helpers "$HELPERS" --data "$DATA" \
  --dry-run "$DRY" --only "$ONLY" --build-ok "$build_ok" --start "$START_S" 2>&1 | tee -a "$LOGS/check.log"
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ] || [ ! -s "$OUT/summary.json" ]; then
  step check_py error "$(elapsed)" check.log "scripts/gpu/check.py exit $rc"
  fallback_summary
fi
log "done in $(elapsed) s; results in $OUT"
pack_logs
exit 0
