#!/usr/bin/env python3
"""The checks and the benchmark of scripts/gpu-check.sh (issues 12 and 23), run after its build.

Started by gpu-check.sh, never alone (it passes the paths). Every check records
status pass|fail|skip|error, a reason, its figures and its log's name in $OUT/summary.json
(rewritten after every check, with summary.md and logs.tar.gz, so a run cut short still
reports what it did). One check's failure or crash never stops the next one.

Checks: version, cuda, train_mlp / train_cnn (CUDA vs a CPU run of the same job),
device_index (--device cuda:N for a missing N), sync (CUDA calls counted per iteration with
scripts/gpu/cuda_call_count.c), metrics (plugin metrics on CUDA tensors, a cpu-declared one
on CPU tensors, on the test split and a --val-split validation set), resume (the checkpoint
plugin on the device: every=K with on_completed, a real SIGTERM saved on TERMINATE, --resume
auto, the "resume" line, files of CPU tensors, a GPU checkpoint resumed on the CPU), tests
(the CUDA-related Catch2 cases), bench (ignite-host vs PyTorch Ignite vs PyTorch Lightning,
runs alternated, GPU utilisation sampled).

Benchmark settings (environment):
  GPU_CHECK_CONFIGS     model:batch list, default "mlp:64,cnn:64,mlp:512,cnn:512"
  GPU_CHECK_FRAMEWORKS  default "host,ignite,lightning"
  GPU_CHECK_ROUNDS      default 3 (1 in the dry run); a round runs every config once per
                        framework, the frameworks' order rotating from round to round
  GPU_CHECK_EPOCHS      default 2: the figure is the LAST epoch (the first one pays for
                        CUDA's lazy start-up: cuBLAS/cuDNN handles, kernel loading)
  GPU_CHECK_BUDGET_S    default 420 (1800 in the dry run): no benchmark run starts later
                        than this after the script's start (the rest is recorded as cut), so
                        the call ends by ~8 min and a short warm rerun still fits the device time
  GPU_CHECK_TRAIN_EPOCHS default 1: epochs of the train_mlp / train_cnn accuracy checks
  GPU_CHECK_THREADS     CPU threads for every side (default: the machine's cores, at most 16)
"""
import argparse
import datetime
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
KDL = {1: "kDLCPU", 2: "kDLCUDA", 3: "kDLCUDAHost", -1: "mixed"}


# ---- results -----------------------------------------------------------------------------
class Summary:
    def __init__(self, a, env):
        self.a, self.env = a, env
        self.out, self.work = Path(a.out), Path(a.work)
        self.logs = self.work / "logs"
        self.checks = []
        self.bench = None
        self.t0 = a.start

    def elapsed(self):
        return time.time() - self.t0

    def record(self, name, status, reason="", figures=None, log="", seconds=None, quiet=False):
        c = {"name": name, "status": status, "reason": reason, "figures": figures or {}, "log": log}
        if seconds is not None:
            c["seconds"] = round(seconds, 2)
        self.checks = [x for x in self.checks if x["name"] != name] + [c]
        if not quiet:
            print(f"gpu-check [{self.elapsed():.0f} s]: {name}: {status}" + (f" ({reason})" if reason else ""), flush=True)
        self.write()

    def write(self):
        doc = {"generated": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               "dry_run": self.a.dry_run == 1, "elapsed_s": round(self.elapsed(), 1), "env": self.env,
               "counts": {s: sum(1 for c in self.checks if c["status"] == s) for s in ("pass", "fail", "skip", "error")},
               "checks": self.checks, "bench": self.bench,
               "logs": "logs.tar.gz (logs/NAME: each check's log; runs/: every run's output folder and CUDA call counts)"}
        tmp = self.out / "summary.json.part"
        tmp.write_text(json.dumps(doc, indent=1) + "\n")
        tmp.replace(self.out / "summary.json")
        (self.out / "summary.md.part").write_text(markdown(doc))
        (self.out / "summary.md.part").replace(self.out / "summary.md")
        try:
            # Not the checkpoint files (1.6 MB each for the mlp, ~11 of them): they would take
            # logs.tar.gz past the 16 MiB a file from $OUT may have; summary.json names them.
            def no_pt(ti):
                return None if ti.name.endswith(".pt") else ti

            with tarfile.open(self.out / "logs.tar.gz.part", "w:gz") as t:
                t.add(self.logs, arcname="logs")
                if (self.work / "runs").is_dir():
                    t.add(self.work / "runs", arcname="runs", filter=no_pt)  # every run's metrics.jsonl and CUDA call counts
            (self.out / "logs.tar.gz.part").replace(self.out / "logs.tar.gz")
        except OSError as e:
            print(f"gpu-check: packing the logs failed: {e}", flush=True)


def fmt(v, spec="{:.4g}"):
    if v is None:
        return "-"
    if isinstance(v, float):
        return spec.format(v)
    return str(v)


def markdown(doc):
    env = doc["env"]
    where = "the CPU (dry run)" if doc["dry_run"] else (env.get("gpu") or "? (no GPU seen)")
    lines = ["# gpu-check: ignite-host on " + where, ""]
    lines.append(f"{doc['generated']}, {doc['elapsed_s']} s; torch {env.get('torch')} (CUDA {env.get('torch_cuda')}), "
                 f"python {env.get('python_version')}, {env.get('cpu_count')} cores, nvidia-smi: {env.get('nvidia_smi')}; "
                 f"pytorch-ignite {env.get('ignite')}, lightning {env.get('lightning') or env.get('pytorch_lightning')}"
                 + ("; **dry run on the CPU: sizes are tiny and CUDA checks are skipped**" if doc["dry_run"] else ""))
    lines += ["", f"Checks: {doc['counts']}", "", "| check | status | reason | log |", "|---|---|---|---|"]
    for c in doc["checks"]:
        reason = c["reason"].replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {c['name']} | **{c['status']}** | {reason} | {c['log']} |")
    b = doc.get("bench")
    if b and b.get("configs"):
        lines += ["", "## Speed: training samples/s of the last epoch (median of the runs)", "",
                  b["description"], "", "Reproduce: `" + b["command"] + "`", "",
                  "| model | batch | " + " | ".join(f"{f} samples/s" for f in b["frameworks"]) +
                  " | ignite-host / Ignite | ignite-host / Lightning | GPU util % (" + ", ".join(b["frameworks"]) + ") | runs |",
                  "|---|---|" + "---|" * len(b["frameworks"]) + "---|---|---|---|"]
        for key, c in b["configs"].items():
            med = c["median_samples_per_s"]
            util = c.get("median_gpu_util", {})
            lines.append(f"| {c['model']} | {c['batch']} | " + " | ".join(fmt(med.get(f), "{:.0f}") for f in b["frameworks"]) +
                         f" | {fmt(c['ratio'].get('ignite'), '{:.2f}x')} | {fmt(c['ratio'].get('lightning'), '{:.2f}x')} | "
                         + ", ".join(fmt(util.get(f), "{:.0f}") for f in b["frameworks"]) + f" | {c['rounds']} |")
        lines += ["", "Test accuracy after the last epoch (median): " + "; ".join(
            f"{c['model']}/{c['batch']}: " + ", ".join(f"{f} {fmt(c['median_accuracy'].get(f), '{:.4f}')}" for f in b["frameworks"])
            for c in b["configs"].values())]
    lines += ["", "Figures of every check: summary.json; logs: logs.tar.gz.", ""]
    return "\n".join(lines)


# ---- running things ----------------------------------------------------------------------
class Run:
    def __init__(self, rc, lines, seconds, t_start, timed_out):
        self.rc, self.lines, self.seconds, self.t_start, self.timed_out = rc, lines, seconds, t_start, timed_out

    @property
    def text(self):
        return "\n".join(l for _, l in self.lines)

    def first(self, pattern):
        r = re.compile(pattern)
        for t, l in self.lines:
            if r.search(l):
                return t
        return None

    def last(self, pattern):
        r = re.compile(pattern)
        found = None
        for t, l in self.lines:
            if r.search(l):
                found = t
        return found


def run(cmd, log, timeout, env=None, cwd=None):
    """Runs cmd (stdout and stderr together), each line time-stamped (monotonic) and
    written to log; kills its process group after timeout seconds."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    with open(log, "a") as f:
        f.write(f"$ {' '.join(str(c) for c in cmd)}\n")
        if env:
            f.write(f"  env: {env}\n")
        f.flush()
        t0 = time.monotonic()
        try:
            p = subprocess.Popen([str(c) for c in cmd], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                 errors="replace", env=full_env, cwd=cwd,
                                 # its own process group (killpg on timeout), not its own session: the
                                 # device tool ends leftover processes of the call's session
                                 preexec_fn=os.setpgrp)
        except OSError as e:
            f.write(f"cannot start: {e}\n")
            return Run(127, [(t0, f"cannot start: {e}")], 0.0, t0, False)
        timed_out = []

        def kill():
            timed_out.append(True)
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except OSError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        lines = []
        for line in p.stdout:
            now = time.monotonic()
            # The progress bar redraws with \r: keep the last state of each line.
            text = line.rstrip("\n").split("\r")[-1]
            lines.append((now, text))
            f.write(line)
        rc = p.wait()
        timer.cancel()
        secs = time.monotonic() - t0
        f.write(f"[exit {rc} after {secs:.2f} s{', killed: timeout' if timed_out else ''}]\n\n")
    return Run(rc, lines, secs, t0, bool(timed_out))


def read_metrics(folder):
    p = Path(folder) / "metrics.jsonl"
    if not p.exists():
        return [], []
    rows = [json.loads(l) for l in p.read_text().splitlines() if l.strip()]
    return [r for r in rows if r.get("split") == "train"], [r for r in rows if r.get("split") == "test"]


class GpuSampler:
    """nvidia-smi utilisation every 100 ms in the background, time-stamped on arrival."""

    def __init__(self, log):
        self.samples, self.proc = [], None
        if not shutil.which("nvidia-smi"):
            return
        try:
            self.proc = subprocess.Popen(["nvidia-smi", "--query-gpu=utilization.gpu,memory.used", "--format=csv,noheader,nounits",
                                          "-lms", "100"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        except OSError:
            self.proc = None
            return
        self.log = open(log, "w")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            now = time.monotonic()
            try:
                util, mem = (float(x) for x in line.split(","))
            except ValueError:
                continue
            self.samples.append((now, util, mem))
            self.log.write(f"{now:.3f} {util:.0f} {mem:.0f}\n")

    def window(self, t0, t1):
        if self.proc is None or t0 is None or t1 is None:
            return None
        s = [u for t, u, _ in list(self.samples) if t0 <= t <= t1]
        if not s:
            return None
        return {"mean": round(statistics.fmean(s), 1), "max": max(s), "samples": len(s)}

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.log.close()


# ---- the checks --------------------------------------------------------------------------
class Checks:
    def __init__(self, a, s, env):
        self.a, self.s, self.env = a, s, env
        self.dry = a.dry_run == 1
        self.cuda = bool(env.get("cuda_available")) and not self.dry
        self.dev = "cuda" if self.cuda else "cpu"
        self.host = a.host
        self.logs = Path(a.work) / "logs"
        self.runs = Path(a.work) / "runs"
        self.runs.mkdir(exist_ok=True)
        self.helpers = Path(a.helpers)
        self.py = sys.executable
        self.threads = int(os.environ.get("GPU_CHECK_THREADS", min(16, os.cpu_count() or 1)))
        self.n_out = 0
        # Tiny sizes on the CPU: the flow, not the figures.
        self.limit = ["--limit", "2000", "--test-limit", "2000"] if self.dry else []
        # bench_gpu.py's --limit cuts both splits, as the host's two options above do.
        self.py_limit = ["--limit", "2000"] if self.dry else []

    def outdir(self, label):
        self.n_out += 1
        return self.runs / f"{self.n_out:02d}-{label}"   # new, never existing: ignite-host refuses a full one

    def train(self, label, args, log, timeout=300, env=None):
        out = self.outdir(label)
        r = run([self.host, "train", "--dataset", "mnist:" + self.a.data, "--output-dir", out] + args, self.logs / log,
                timeout, env=env)
        train, test = read_metrics(out)
        return r, train, test, out

    # -- version, cuda -----------------------------------------------------------------------
    def version(self):
        r = run([self.host, "--version"], self.logs / "version.log", 60)
        out = [l for _, l in r.lines if l.strip()]
        if r.rc == 0 and len(out) == 1:
            self.s.record("version", "pass", out[0], {"version": out[0]}, "version.log")
        else:
            self.s.record("version", "fail", f"exit {r.rc}, {len(out)} lines: {r.text[:200]}", {}, "version.log")

    def cuda_available(self):
        e = self.env
        fig = {k: e.get(k) for k in ("torch", "torch_cuda", "cuda_available", "device_count", "gpu", "capability",
                                     "gpu_memory_gib", "nvidia_smi", "nvcc_version")}
        if self.dry:
            self.s.record("cuda", "skip", f"dry run on the CPU (torch.cuda.is_available() = {e.get('cuda_available')})", fig, "env.log")
        elif e.get("cuda_available"):
            self.s.record("cuda", "pass", f"{e.get('gpu')} (capability {e.get('capability')}, {e.get('gpu_memory_gib')} GiB), "
                          f"torch {e.get('torch')} CUDA {e.get('torch_cuda')}; nvidia-smi: {e.get('nvidia_smi')}", fig, "env.log")
        else:
            self.s.record("cuda", "fail", "torch.cuda.is_available() is False on the GPU machine", fig, "env.log")

    # -- train: accuracy on CUDA as on the CPU ------------------------------------------------
    def train_model(self, model):
        epochs = os.environ.get("GPU_CHECK_TRAIN_EPOCHS", "1")
        common = ["--model", model, "--epochs", epochs, "--threads", str(self.threads), "--seed", "0"] + self.limit
        log = f"train_{model}.log"
        figs, problems = {}, []
        runs = {}
        for dev in (["cuda", "cpu"] if self.cuda else ["cpu"]):
            # The default path: default plugins (the progress bar) on.
            r, train, test, out = self.train(f"train-{model}-{dev}", common + ["--device", dev], log)
            if r.rc != 0 or not test:
                problems.append(f"{dev}: exit {r.rc}{' (timeout)' if r.timed_out else ''}: {r.lines[-1][1][:200] if r.lines else ''}")
                continue
            runs[dev] = test[-1]["accuracy"]
            figs[dev] = {"test_accuracy": test[-1]["accuracy"], "test_loss": test[-1]["loss"],
                         "epoch_seconds": [t["epoch_seconds"] for t in train],
                         "samples_per_second": [t["samples_per_second"] for t in train], "process_seconds": round(r.seconds, 2)}
        floor = {"mlp": 0.80, "cnn": 0.84}[model] if not self.dry else 0.3
        if problems:
            self.s.record(f"train_{model}", "fail", "; ".join(problems), figs, log)
            return
        if not self.cuda:
            st = "skip" if self.dry else "fail"
            self.s.record(f"train_{model}", st, f"no CUDA: ran on the CPU only (test accuracy {runs['cpu']:.4f}"
                          f"{', dry run: --limit 2000' if self.dry else ''})", figs, log)
            return
        diff = abs(runs["cuda"] - runs["cpu"])
        ok = runs["cuda"] >= floor and diff <= 0.015
        figs["accuracy_difference"] = round(diff, 4)
        self.s.record(f"train_{model}", "pass" if ok else "fail",
                      f"--device cuda: test accuracy {runs['cuda']:.4f}, {figs['cuda']['samples_per_second'][-1]:.0f} samples/s; "
                      f"CPU: {runs['cpu']:.4f}, {figs['cpu']['samples_per_second'][-1]:.0f} samples/s "
                      f"(|difference| {diff:.4f}, allowed 0.015; floor {floor})", figs, log)

    # -- --device cuda:N for a missing N ------------------------------------------------------
    def device_index(self):
        n = int(self.env.get("device_count") or 0) if not self.dry else 0
        out = self.outdir("device-index")
        r = run([self.host, "train", "--device", f"cuda:{n}", "--model", "mlp", "--dataset", "mnist:" + self.a.data,
                 "--output-dir", out], self.logs / "device_index.log", 60)
        lines = [l for _, l in r.lines if l.strip()]
        figs = {"exit": r.rc, "lines": lines, "output_dir_created": out.exists()}
        ok = r.rc == 2 and len(lines) == 1 and f"cuda:{n}" in lines[0] and not out.exists()
        what = f"--device cuda:{n} ({n} device(s) visible): exit {r.rc}, {len(lines)} line(s): {lines[0] if lines else ''}"
        if self.dry:
            # Without CUDA the host says so first; the missing-index line is the GPU machine's.
            self.s.record("device_index", "skip" if ok else "fail", "dry run, no CUDA: " + what, figs, "device_index.log")
        else:
            self.s.record("device_index", "pass" if ok else "fail", what, figs, "device_index.log")

    # -- no device synchronisation per iteration ----------------------------------------------
    def sync_selftest(self):
        """The counter's mechanics without a GPU: a fake libcudart.so.13 with versioned
        symbols (as the real one), a program calling it, the counter preloaded."""
        d = Path(tempfile.mkdtemp(prefix="sync-selftest.", dir=self.a.work))
        (d / "fake.c").write_text(
            "#include <stddef.h>\n"
            "typedef struct { int type, device; void *d, *h; long r[8]; } attr_t;\n"
            "int cudaStreamSynchronize(void* s) { (void)s; return 0; }\n"
            "int cudaMemcpyAsync(void* d, const void* s, size_t n, int k, void* st) { (void)d; (void)s; (void)n; (void)k; (void)st; return 0; }\n"
            "int cudaPointerGetAttributes(attr_t* a, const void* p) { a->type = ((size_t)p & 1) ? 1 : 0; return 0; }\n")
        (d / "v.map").write_text("libcudart.so.13 { global: *; };\n")
        (d / "prog.c").write_text(
            "#include <stddef.h>\nint cudaStreamSynchronize(void*); int cudaMemcpyAsync(void*, const void*, size_t, int, void*);\n"
            "int main(void) { char b[4]; for (int i = 0; i < 3; ++i) cudaStreamSynchronize(0);\n"
            "  cudaMemcpyAsync(b, (void*)1, 1, 1, 0); cudaMemcpyAsync(b, (void*)2, 1, 1, 0); cudaMemcpyAsync(b, b, 1, 2, 0); return 0; }\n")
        log = self.logs / "sync_selftest.log"
        steps = [["gcc", "-shared", "-fPIC", "-Wl,--version-script=" + str(d / "v.map"), "-Wl,-soname,libcudart.so.13", "-o",
                  d / "libcudart.so.13", d / "fake.c"],
                 ["ln", "-sf", "libcudart.so.13", d / "libcudart.so"],
                 ["gcc", "-o", d / "prog", d / "prog.c", "-L" + str(d), "-lcudart", "-Wl,-rpath," + str(d)]]
        for st in steps:
            if run(st, log, 60).rc != 0:
                return False, "could not build the fake runtime"
        counts = d / "counts.json"
        r = run([d / "prog"], log, 30, env={"LD_PRELOAD": str(self.helpers / "libcuda_call_count.so"),
                                            "CUDA_CALL_COUNT_OUT": str(counts)})
        try:
            c = json.loads(counts.read_text())
        except (OSError, ValueError):
            return False, f"no counts written (exit {r.rc})"
        want = {"cudaStreamSynchronize": 3, "cudaMemcpyAsync_HtoD": 2, "cudaMemcpyAsync_HtoD_pinned": 1,
                "cudaMemcpyAsync_HtoD_pageable": 1, "cudaMemcpyAsync_DtoH": 1}
        bad = {k: c.get(k) for k, v in want.items() if c.get(k) != v}
        return not bad, ("counted as expected" if not bad else f"wrong counts {bad}")

    def counted(self, label, cmd, log, extra_env=None):
        counts = self.runs / f"{label}.counts.json"
        env = {"LD_PRELOAD": str(self.helpers / "libcuda_call_count.so"), "CUDA_CALL_COUNT_OUT": str(counts)}
        env.update(extra_env or {})
        r = run(cmd, self.logs / log, 300, env=env)
        try:
            c = json.loads(counts.read_text())
        except (OSError, ValueError):
            c = None
        return r, c

    def sync(self):
        ok_self, why_self = self.sync_selftest()
        figs = {"method": "LD_PRELOAD scripts/gpu/cuda_call_count.c (counts cudaStreamSynchronize, cudaDeviceSynchronize, "
                          "cudaEventSynchronize, cudaMemcpy, cudaMemcpyAsync by direction with pinned/pageable sources, "
                          "kernel launches); two runs of different lengths, per iteration = difference of counts / "
                          "difference of iterations (start-up, first-iteration and end-of-epoch calls cancel out); "
                          "mlp, batch 64, --eval-every 0 (the trainer alone)",
                "selftest": why_self}
        if not ok_self:
            self.s.record("sync", "error", "the counter's self-test failed: " + why_self, figs, "sync.log")
            return
        lengths = (3200, 9600) if not self.dry else (640, 1280)
        base = ["--model", "mlp", "--epochs", "1", "--batch-size", "64", "--eval-every", "0", "--threads", str(self.threads),
                "--device", self.dev, "--dataset", "mnist:" + self.a.data]
        per_it = {}
        for variant, extra in (("default_plugins", []), ("no_default_plugins", ["--no-default-plugins"])):
            got = []
            for n in lengths:
                out = self.outdir(f"sync-{variant}-{n}")
                r, c = self.counted(f"sync-{variant}-{n}", [self.host, "train"] + base + extra + ["--limit", str(n), "--output-dir", out],
                                    "sync.log")
                train, _ = read_metrics(out)
                if r.rc != 0 or c is None or not train:
                    self.s.record("sync", "fail", f"{variant} --limit {n}: exit {r.rc}, counts {'missing' if c is None else 'ok'}", figs, "sync.log")
                    return
                got.append((train[-1]["iteration"], c))
            (i1, c1), (i2, c2) = got
            d = {k: round((c2[k] - c1[k]) / (i2 - i1), 3) for k in c1}
            per_it[variant] = {"per_iteration": d, "iterations": [i1, i2], "counts": [c1, c2]}
        figs["trainer"] = per_it
        # PyTorch Ignite on the same job, for reference: its default trainer calls loss.item().
        if self.env.get("ignite"):
            got = []
            for n in lengths:
                r, c = self.counted(f"sync-ignite-{n}", [self.py, HERE / "bench_gpu.py", "--framework", "ignite", "--model", "mlp",
                                    "--epochs", "1", "--batch-size", "64", "--device", self.dev, "--threads", str(self.threads),
                                    "--data", self.a.data, "--limit", str(n), "--no-eval"], "sync.log")
                if r.rc != 0 or c is None:
                    got = None
                    break
                got.append((-(-n // 64), c))
            if got:
                (i1, c1), (i2, c2) = got
                figs["ignite_reference"] = {k: round((c2[k] - c1[k]) / (i2 - i1), 3) for k in c1}
        d = per_it["default_plugins"]["per_iteration"]
        waits = d["cudaStreamSynchronize"] + d["cudaDeviceSynchronize"] + d["cudaEventSynchronize"] + d["cudaMemcpy"]
        nd = per_it["no_default_plugins"]["per_iteration"]
        waits_nd = nd["cudaStreamSynchronize"] + nd["cudaDeviceSynchronize"] + nd["cudaEventSynchronize"] + nd["cudaMemcpy"]
        h2d, pinned, pageable = d["cudaMemcpyAsync_HtoD"], d["cudaMemcpyAsync_HtoD_pinned"], d["cudaMemcpyAsync_HtoD_pageable"]
        ref = figs.get("ignite_reference")
        ref_text = (f"; PyTorch Ignite on the same job: {ref['cudaStreamSynchronize'] + ref['cudaDeviceSynchronize'] + ref['cudaEventSynchronize'] + ref['cudaMemcpy']:.2f} "
                    f"waits/iteration" if ref else "")
        text = (f"per iteration (default plugins): {waits:.3f} host waits (stream/device/event syncs, blocking memcpy), "
                f"{d['cudaMemcpyAsync_DtoH']:.3f} DtoH copies, {h2d:.2f} HtoD copies of which {pinned:.2f} from pinned and "
                f"{pageable:.2f} from pageable memory, {d['kernel_launches']:.1f} kernel launches; without plugins: "
                f"{waits_nd:.3f} waits{ref_text}")
        if self.dry:
            self.s.record("sync", "skip", "dry run on the CPU: the counter's self-test passed and the runs completed; no CUDA calls to count ("
                          + text + ")", figs, "sync.log")
            return
        if d["kernel_launches"] < 1:
            self.s.record("sync", "error", "no kernel launch counted: the counter did not interpose libcudart here, so its zero "
                          "syncs mean nothing (" + text + ")", figs, "sync.log")
            return
        ok = waits < 0.05 and waits_nd < 0.05 and h2d >= 2 and pageable < 0.01 and pinned >= 2
        self.s.record("sync", "pass" if ok else "fail", text, figs, "sync.log")

    # -- plugin metrics on CUDA tensors ----------------------------------------------------
    def metrics(self):
        """Plugin metrics on the device, on the test split and on a --val-split validation
        set (its own evaluator engine, "validation"), whose line must come just before the
        test line of the same epoch."""
        probe = self.helpers / "ignite-plugin-device_probe.so"
        args = ["--model", "mlp", "--epochs", "1", "--limit", "10000" if not self.dry else "2000", "--val-split", "0.1",
                "--threads", str(self.threads), "--seed", "0", "--no-default-plugins", "--plugin", "metrics", "--metric",
                "f1_macro", "--metric", "confusion_matrix", "--plugin", probe, "--metric", "probe_device", "--metric",
                "probe_device_cpu"] + (["--test-limit", "2000"] if self.dry else [])
        held_out = 1000 if not self.dry else 200   # floor(0.1 x the --limit)
        res, problems = {}, []
        for dev in (["cuda", "cpu"] if self.cuda else ["cpu"]):
            r, _, _, out = self.train(f"metrics-{dev}", args + ["--device", dev], "metrics.log")
            p = Path(out) / "metrics.jsonl"
            rows = [json.loads(l) for l in p.read_text().splitlines() if l.strip()] if p.exists() else []
            evals = [x for x in rows if x.get("split") in ("val", "test")]
            if r.rc != 0 or not evals:
                problems.append(f"{dev}: exit {r.rc}: {r.lines[-1][1][:200] if r.lines else ''}")
                continue
            order = [(x["split"], x["epoch"]) for x in evals]
            if order != [("val", 1), ("test", 1)]:
                problems.append(f"{dev}: evaluation lines {order}, expected the val line of epoch 1 just before its test line")
            for t in evals:
                split = t["split"]
                cm = t.get("confusion_matrix")
                flat = [x for row in cm for x in row] if cm and isinstance(cm[0], list) else (cm or [])
                k = int(round(len(flat) ** 0.5)) if flat else 0
                total = sum(flat)
                trace = sum(flat[i * k + i] for i in range(k)) if k else 0
                res[f"{dev}_{split}"] = {"accuracy": t["accuracy"], "f1_macro": t.get("f1_macro"), "confusion_total": total,
                                         "confusion_trace_over_total": trace / total if total else None,
                                         "probe_device": t.get("probe_device"), "probe_device_cpu": t.get("probe_device_cpu")}
                where = f"{dev} {split}"
                if total == 0 or abs(trace / total - t["accuracy"]) > 1e-6:
                    problems.append(f"{where}: confusion matrix trace/total {trace}/{total} is not the accuracy {t['accuracy']}")
                if split == "val" and total != held_out:
                    problems.append(f"{where}: the confusion matrix counts {total} samples, --val-split 0.1 holds out {held_out}")
                want = 2 if dev == "cuda" else 1
                if t.get("probe_device") != want:
                    problems.append(f"{where}: a metric without the cpu flag got "
                                    f"{KDL.get(t.get('probe_device'), t.get('probe_device'))}, expected {KDL[want]}")
                if t.get("probe_device_cpu") not in (1, 3):
                    problems.append(f"{where}: the cpu-declared metric got {KDL.get(t.get('probe_device_cpu'), t.get('probe_device_cpu'))}")
        for split in ("val", "test"):
            if f"cuda_{split}" in res and f"cpu_{split}" in res:
                df = abs((res[f"cuda_{split}"]["f1_macro"] or 0) - (res[f"cpu_{split}"]["f1_macro"] or 0))
                res[f"f1_macro_difference_{split}"] = round(df, 4)
                if df > 0.03:
                    problems.append(f"{split} f1_macro differs by {df:.4f} between CUDA and CPU (allowed 0.03)")
        text = "; ".join(f"{d.replace('_', ' ')}: f1_macro {fmt(v['f1_macro'])}, accuracy {v['accuracy']:.4f}, confusion "
                         f"matrix sums to {v['confusion_total']:.0f}, probe_device {KDL.get(v['probe_device'], v['probe_device'])}, "
                         f"probe_device_cpu {KDL.get(v['probe_device_cpu'], v['probe_device_cpu'])}"
                         for d, v in res.items() if isinstance(v, dict))
        if problems:
            self.s.record("metrics", "fail", "; ".join(problems) + ("; " + text if text else ""), res, "metrics.log")
        elif not self.cuda:
            self.s.record("metrics", "skip", "no CUDA, CPU only: " + text, res, "metrics.log")
        else:
            self.s.record("metrics", "pass", text, res, "metrics.log")

    # -- checkpoints, a real SIGTERM and --resume on the device ---------------------------------
    def resume(self):
        """Three runs of one checkpointed job on the device (mlp, 2 epochs of 100 iterations,
        checkpoint.every=60, n_saved=0): A uninterrupted; B stopped by SIGTERM at iteration 150
        (scripts/gpu/signal_at.cpp raises it from a handler: no timer racing the GPU), then the
        same command with --resume auto into the same folder; C A's checkpoint_120.pt resumed on
        the CPU into a new folder. Judged: on_completed's final file, the TERMINATE save,
        exit 143, the "resume" line, each (split, epoch) once, every file loads with
        torch.load(weights_only=True) and holds CPU tensors only, B's final weights equal A's."""
        sig = self.helpers / "ignite-plugin-signal_at.so"
        log = "resume.log"
        job = ["--model", "mlp", "--epochs", "2", "--batch-size", "64", "--limit", "6400", "--threads", str(self.threads),
               "--seed", "0", "--no-default-plugins", "--plugin", "checkpoint", "--plugin-opt", "checkpoint.every=60",
               "--plugin-opt", "checkpoint.n_saved=0", "--dataset", "mnist:" + self.a.data]
        if self.dry:
            job += ["--test-limit", "2000"]
        figs, problems = {}, []

        def files(out):
            d = Path(out) / "checkpoints"
            return sorted(p.name for p in d.glob("*.pt")) if d.is_dir() else []

        def metric_rows(out):
            p = Path(out) / "metrics.jsonl"
            return [json.loads(l) for l in p.read_text().splitlines() if l.strip()] if p.exists() else []

        def tail(r):
            return r.lines[-1][1][:200] if r.lines else ""

        # A: uninterrupted. 200 iterations is not a multiple of every=60: on_completed saves 200.
        out_a = self.outdir("resume-a-full")
        ra = run([self.host, "train"] + job + ["--device", self.dev, "--output-dir", out_a], self.logs / log, 300)
        fa = files(out_a)
        figs["a_uninterrupted"] = {"exit": ra.rc, "files": fa, "seconds": round(ra.seconds, 2)}
        want_a = [f"checkpoint_{i}.pt" for i in (60, 120, 180, 200)]
        if ra.rc != 0 or sorted(fa) != sorted(want_a):
            problems.append(f"A (uninterrupted): exit {ra.rc}, files {fa}, expected {want_a} "
                            f"(checkpoint_200.pt is on_completed's): {tail(ra)}")

        # B: SIGTERM after iteration 150, saved on TERMINATE, exit 143; then --resume auto.
        out_b = self.outdir("resume-b-signalled")
        stop = job + ["--device", self.dev, "--output-dir", out_b, "--plugin", sig, "--plugin-opt", "signal_at.at=150"]
        rb1 = run([self.host, "train"] + stop, self.logs / log, 300)
        fb1 = files(out_b)
        figs["b_stopped"] = {"exit": rb1.rc, "files": fb1, "last_line": tail(rb1)}
        if rb1.rc != 143 or "checkpoint_150.pt" not in fb1:
            problems.append(f"B (SIGTERM at iteration 150): exit {rb1.rc} (expected 143), files {fb1} "
                            f"(expected checkpoint_150.pt, the TERMINATE save): {tail(rb1)}")
        rb2 = run([self.host, "train"] + stop + ["--resume", "auto"], self.logs / log, 300)
        fb2 = files(out_b)
        rows = metric_rows(out_b)
        resumes = [r for r in rows if r.get("split") == "resume"]
        seen = [(r.get("split"), r.get("epoch")) for r in rows if r.get("split") in ("train", "val", "test")]
        figs["b_resumed"] = {"exit": rb2.rc, "files": fb2, "resume_lines": resumes, "lines": seen}
        if rb2.rc != 0 or "checkpoint_200.pt" not in fb2:
            problems.append(f"B --resume auto: exit {rb2.rc}, files {fb2}: {tail(rb2)}")
        if len(resumes) != 1 or resumes[0].get("iteration") != 150 or resumes[0].get("superseded") != 0:
            problems.append(f"B's metrics.jsonl: resume lines {resumes}, expected one at iteration 150 with superseded 0")
        if len(seen) != len(set(seen)) or sorted(set(seen)) != [("test", 1), ("test", 2), ("train", 1), ("train", 2)]:
            problems.append(f"B's metrics.jsonl: (split, epoch) lines {seen}, expected train and test of epochs 1 and 2 once each")

        # C: A's checkpoint of a CUDA run resumed on the CPU (the file holds CPU tensors).
        out_c = self.outdir("resume-c-on-cpu")
        rc_ = run([self.host, "train"] + job + ["--device", "cpu", "--output-dir", out_c, "--resume",
                                                 Path(out_a) / "checkpoints" / "checkpoint_120.pt"], self.logs / log, 300)
        figs["c_on_cpu"] = {"exit": rc_.rc, "files": files(out_c)}
        if rc_.rc != 0 or "checkpoint_200.pt" not in files(out_c):
            problems.append(f"C ({self.dev} checkpoint_120.pt resumed with --device cpu): exit {rc_.rc}: {tail(rc_)}")

        # Compare the final files; every file of A and B must load as CPU tensors.
        final = [Path(o) / "checkpoints" / "checkpoint_200.pt" for o in (out_a, out_b, out_c)]
        everything = [Path(o) / "checkpoints" / f for o, fs_ in ((out_a, fa), (out_b, fb2)) for f in fs_]
        cmp_ = {}
        if all(p.exists() for p in final):
            r = run([self.py, HERE / "compare_checkpoints.py"] + final + ["--all-cpu"] + everything, self.logs / log, 120)
            js = [l for _, l in r.lines if l.startswith("{")]
            cmp_ = json.loads(js[-1]) if r.rc == 0 and js else {}
            if not cmp_:
                problems.append(f"compare_checkpoints.py: exit {r.rc}: {tail(r)}")
        figs["comparison"] = cmp_
        if cmp_:
            if cmp_["errors"]:
                problems.append(f"files that torch.load(weights_only=True) refused: {cmp_['errors']}")
            not_cpu = {Path(f).name: d for f, d in cmp_["devices"].items() if d not in (["cpu"], [])}
            if not_cpu:
                problems.append(f"files holding tensors off the CPU (a machine without CUDA cannot load them): {not_cpu}")
            b = cmp_["compared"].get(str(final[1]), {})
            c = cmp_["compared"].get(str(final[2]), {})
            if not b.get("bit_identical") and b.get("max_abs_difference", 1) > 1e-5:
                problems.append(f"B (stopped, resumed) ends {b.get('max_abs_difference')} away from A (allowed 1e-5)")
            if c.get("max_abs_difference", 1) > 1e-2:
                problems.append(f"C (resumed on the CPU) ends {c.get('max_abs_difference')} away from A (allowed 1e-2)")
        acc = {}
        for k, o in (("a", out_a), ("b", out_b), ("c", out_c)):
            tests = [r for r in metric_rows(o) if r.get("split") == "test"]
            acc[k] = tests[-1]["accuracy"] if tests else None
        figs["test_accuracy"] = acc
        b = cmp_.get("compared", {}).get(str(final[1]), {}) if cmp_ else {}
        c = cmp_.get("compared", {}).get(str(final[2]), {}) if cmp_ else {}
        text = (f"on {self.dev}: A uninterrupted {fa}; B SIGTERM at 150 -> exit {rb1.rc}, --resume auto -> exit {rb2.rc}, "
                f"final weights vs A: {'bit-identical' if b.get('bit_identical') else 'max |diff| ' + fmt(b.get('max_abs_difference'))}; "
                f"C ({self.dev} checkpoint_120 resumed on the CPU): max |diff| vs A {fmt(c.get('max_abs_difference'))}; "
                f"test accuracy A {fmt(acc['a'])}, B {fmt(acc['b'])}, C {fmt(acc['c'])}; every file CPU tensors: "
                f"{bool(cmp_) and not any(d not in (['cpu'], []) for d in cmp_.get('devices', {}).values())}")
        if problems:
            self.s.record("resume", "fail", "; ".join(problems) + "; " + text, figs, log)
        elif not self.cuda:
            self.s.record("resume", "skip", ("dry run on the CPU, the flow only: " if self.dry else "no CUDA: ") + text, figs, log)
        else:
            self.s.record("resume", "pass", text, figs, log)

    # -- the CUDA-related Catch2 cases ---------------------------------------------------------
    def tests(self):
        b = Path(self.a.build_dir) / "tests"
        # Each case asks LibTorch whether CUDA exists and checks the matching behaviour; the one
        # marked True only WARNs "no CUDA device" and returns where there is none, which on the
        # GPU machine would mean it checked nothing. Names ending in '*': the full name has a
        # comma, which Catch2 reads as a separator. Not bad_inputs_test's "bad options of
        # train": its CUDA lines are train_test's case and the device_index check again, and its
        # fixture plugins would add 26 compilations to the build on the GPU machine's clock.
        cases = [("train_test", "train --device names a CUDA device this machine lacks in one clear line", False),
                 ("checkpoint_differences_test", "a CUDA tensor is saved as a CPU tensor*", True),
                 ("deterministic_test", "rng states name one CUDA generator per device*", False)]
        built = [c for c in cases if (b / c[0]).exists()]
        if not built:
            self.s.record("tests", "skip", "not built (GPU_CHECK_TESTS=0, or build_tests failed)", {}, "tests.log")
            return
        res, bad = {}, []
        for exe, case, warns_without_cuda in cases:
            if (exe, case, warns_without_cuda) not in built:
                res[exe] = {"case": case, "exit": None}
                bad.append(f"{exe}: not built")
                continue
            cwd = tempfile.mkdtemp(prefix=f"{exe}.", dir=self.a.work)
            # -s: the WARN lines too, so a case that found no CUDA says so in the log.
            r = run([b / exe, case, "-r", "compact", "-s", "--warn", "NoTests"], self.logs / "tests.log", 240, cwd=cwd)
            skipped = warns_without_cuda and "no CUDA device" in r.text
            res[exe] = {"case": case, "exit": r.rc, "checked_nothing_without_cuda": skipped,
                        "tail": [l for _, l in r.lines[-6:]]}
            if r.rc != 0:
                bad.append(f"{exe} '{case}': exit {r.rc}")
            elif skipped and self.cuda:
                bad.append(f"{exe} '{case}': saw no CUDA device on the GPU machine")
        why = ", ".join(f"{k} '{v['case']}': exit {v['exit']}" + (" (no CUDA: checked nothing)" if v.get(
            "checked_nothing_without_cuda") else "") for k, v in res.items())
        st = "fail" if bad else ("pass" if self.cuda else "skip")
        self.s.record("tests", st, ("; ".join(bad) + "; " if bad else "") + why +
                      ("" if self.cuda else " (no CUDA here: the cases took their CPU branch)"), res, "tests.log")

    # -- the benchmark ------------------------------------------------------------------------
    def bench(self):
        frameworks = [f for f in os.environ.get("GPU_CHECK_FRAMEWORKS", "host,ignite,lightning").split(",") if f]
        configs = []
        for c in os.environ.get("GPU_CHECK_CONFIGS", "mlp:64,cnn:64,mlp:512,cnn:512").split(","):
            m, b = c.split(":")
            configs.append((m, int(b)))
        rounds = int(os.environ.get("GPU_CHECK_ROUNDS", "1" if self.dry else "3"))
        epochs = int(os.environ.get("GPU_CHECK_EPOCHS", "2"))
        budget = float(os.environ.get("GPU_CHECK_BUDGET_S", "1800" if self.dry else "420"))
        skipped_fw = {}
        if "ignite" in frameworks and not self.env.get("ignite"):
            skipped_fw["ignite"] = "pytorch-ignite not installed"
        if "lightning" in frameworks and not (self.env.get("lightning") or self.env.get("pytorch_lightning")):
            skipped_fw["lightning"] = "lightning not installed"
        active = [f for f in frameworks if f not in skipped_fw]
        sampler = GpuSampler(self.logs / "gpu_util.txt") if self.cuda else None
        results = {f"{m}:{b}": {f: [] for f in active} for m, b in configs}
        runs_log = open(self.logs / "bench_runs.jsonl", "a")
        cut = None
        try:
            for rnd in range(rounds):
                for m, b in configs:
                    order = active[rnd % len(active):] + active[:rnd % len(active)] if active else []
                    for fw in order:
                        if self.s.elapsed() > budget:
                            cut = cut or f"time budget GPU_CHECK_BUDGET_S={budget:.0f} s reached in round {rnd + 1}"
                            continue
                        try:
                            res = self.bench_one(fw, m, b, epochs, sampler)
                        except Exception as e:  # noqa: BLE001
                            res = {"ok": False, "error": f"{type(e).__name__}: {e}"}
                        res.update(framework=fw, model=m, batch=b, round=rnd + 1)
                        runs_log.write(json.dumps(res) + "\n")
                        runs_log.flush()
                        results[f"{m}:{b}"][fw].append(res)
                    self.s.bench = self.bench_summary(results, frameworks, active, skipped_fw, rounds, epochs, cut)
                    self.s.write()
        finally:
            runs_log.close()
            if sampler:
                sampler.stop()
        summary = self.bench_summary(results, frameworks, active, skipped_fw, rounds, epochs, cut)
        self.s.bench = summary
        failures = [f"{k}/{fw}: {r.get('error')}" for k, c in results.items() for fw, rs in c.items() for r in rs if not r.get("ok")]
        mlp64 = summary["configs"].get("mlp:64", {}).get("ratio", {}).get("ignite")
        parts = [f"{k}: " + ", ".join(f"{f} {fmt(c['median_samples_per_s'].get(f), '{:.0f}')}/s" for f in frameworks)
                 for k, c in summary["configs"].items()]
        text = "; ".join(parts) + (f"; skipped: {skipped_fw}" if skipped_fw else "") + (f"; {cut}" if cut else "") + \
            (f"; {len(failures)} failed run(s): {failures[:3]}" if failures else "")
        # A failed run fails the check in the dry run too: the flow is what the dry run tests.
        st = "fail" if failures or not summary["configs"] else ("skip" if self.dry else "pass")
        self.s.record("bench", st, ("dry run on the CPU, tiny sizes: " if self.dry else "") + text, {}, "bench.log")
        if self.dry:
            self.s.record("bench_target", "skip", "dry run: the >= 3x target is the GPU's (mlp, batch 64)", {}, "bench.log")
        elif mlp64 is None:
            self.s.record("bench_target", "skip", "no ignite-host / Ignite pair measured for mlp:64", {}, "bench.log")
        else:
            self.s.record("bench_target", "pass" if mlp64 >= 3 else "fail",
                          f"ignite-host is {mlp64:.2f}x PyTorch Ignite's samples/s on the mlp at batch 64 (target >= 3x; "
                          "median of paired ratios)", {"ratio": mlp64}, "bench.log")

    def bench_one(self, fw, model, batch, epochs, sampler):
        lim = self.limit
        if fw == "host":
            out = self.outdir(f"bench-{model}-{batch}")
            cmd = [self.host, "train", "--model", model, "--epochs", str(epochs), "--batch-size", str(batch), "--optimizer", "sgd",
                   "--momentum", "0.9", "--lr", "0.03", "--lr-schedule", "constant", "--threads", str(self.threads), "--seed", "0",
                   "--no-default-plugins", "--device", self.dev, "--dataset", "mnist:" + self.a.data, "--output-dir", out] + lim
            r = run(cmd, self.logs / "bench.log", 300)
            train, test = read_metrics(out)
            if r.rc != 0 or not train:
                return {"ok": False, "error": f"exit {r.rc}: {r.lines[-1][1][:200] if r.lines else ''}"}
            t0 = r.first(r"^ignite-host: .*\(\d+ parameters\) on ")
            t1 = r.last(r"test accuracy") or (r.t_start + r.seconds)
            return {"ok": True, "epoch_seconds": [t["epoch_seconds"] for t in train], "sps": train[-1]["samples_per_second"],
                    "accuracy": test[-1]["accuracy"] if test else None, "wall": round(r.seconds, 3),
                    "gpu_util": sampler.window(t0, t1) if sampler else None}
        cmd = [self.py, HERE / "bench_gpu.py", "--framework", fw, "--model", model, "--epochs", str(epochs), "--batch-size",
               str(batch), "--device", self.dev, "--threads", str(self.threads), "--data", self.a.data] + self.py_limit
        r = run(cmd, self.logs / "bench.log", 300)
        js = [l for _, l in r.lines if l.startswith("{")]
        if r.rc != 0 or not js:
            return {"ok": False, "error": f"exit {r.rc}: {r.lines[-1][1][:200] if r.lines else ''}"}
        j = json.loads(js[-1])
        t0, t1 = r.first("BENCH_MARK train_start"), r.last("BENCH_MARK train_end")
        return {"ok": True, "epoch_seconds": j["epoch_seconds"], "sps": j["train_samples"] / j["epoch_seconds"][-1],
                "accuracy": j["test_accuracy"],
                "wall": round(r.seconds, 3), "gpu_util": sampler.window(t0, t1) if sampler else None,
                "version": j.get("version")}

    def bench_summary(self, results, frameworks, active, skipped_fw, rounds, epochs, cut):
        med = statistics.median
        configs = {}
        for key, by_fw in results.items():
            m, b = key.split(":")
            ok = {f: [r for r in rs if r.get("ok")] for f, rs in by_fw.items()}
            if not any(ok.values()):
                continue
            sps = {f: [r["sps"] for r in rs] for f, rs in ok.items() if rs}
            c = {"model": m, "batch": int(b), "rounds": max((len(v) for v in ok.values()), default=0),
                 "median_samples_per_s": {f: round(med(v), 1) for f, v in sps.items()},
                 "samples_per_s": {f: [round(x, 1) for x in v] for f, v in sps.items()},
                 "median_first_epoch_s": {f: round(med([r["epoch_seconds"][0] for r in rs]), 4) for f, rs in ok.items() if rs},
                 "median_last_epoch_s": {f: round(med([r["epoch_seconds"][-1] for r in rs]), 4) for f, rs in ok.items() if rs},
                 "median_wall_s": {f: round(med([r["wall"] for r in rs]), 2) for f, rs in ok.items() if rs},
                 "median_accuracy": {f: med([r["accuracy"] for r in rs if r.get("accuracy") is not None] or [0]) for f, rs in ok.items() if rs},
                 "median_gpu_util": {f: med([r["gpu_util"]["mean"] for r in rs if r.get("gpu_util")]) for f, rs in ok.items()
                                     if any(r.get("gpu_util") for r in rs)},
                 "ratio": {}}
            # Paired by round: the runs of one round ran back to back.
            host = {r["round"]: r for r in ok.get("host", [])}
            for other in ("ignite", "lightning"):
                pairs = [(host[r["round"]], r) for r in ok.get(other, []) if r["round"] in host]
                if pairs:
                    c["ratio"][other] = round(med([h["sps"] / o["sps"] for h, o in pairs]), 3)
            configs[key] = c
        size = "--limit 2000 (dry run)" if self.dry else "all 60000 training samples"
        return {"description": f"{epochs} epochs of Fashion-MNIST ({size}), SGD momentum 0.9, constant lr 0.03, seed 0, "
                               f"{self.threads} CPU threads on every side, device {self.dev}; the test split evaluated after every "
                               f"epoch (not timed). Figure: samples/s of the last epoch, each side's own clock from the epoch's "
                               f"start to its last training step, the device synchronised (ignite-host: its avg_loss metric reads "
                               f"the loss at EPOCH_COMPLETED; the Python sides call torch.cuda.synchronize()). Batches: gathered "
                               f"from the dataset held in CPU memory by shuffled indices, in pinned memory, copied with "
                               f"non_blocking (ignite-host: its batch loader, 4 batches prefetched on a thread; Ignite: "
                               f"create_supervised_trainer(device, non_blocking=True); Lightning: its own batch transfer). "
                               f"Runs alternated: each round runs every framework once per config, the order rotating. "
                               f"Ratios: median over rounds of ignite-host's samples/s over the other's. GPU utilisation: "
                               f"nvidia-smi utilization.gpu every 100 ms, mean over the training and evaluation of each run.",
                "command": "bash scripts/gpu-check.sh   # on the GPU machine; docs/gpu-check.md gives the device call",
                "frameworks": frameworks, "active": active, "skipped_frameworks": skipped_fw, "rounds_asked": rounds,
                "epochs": epochs, "cut": cut, "configs": configs}


def main():
    p = argparse.ArgumentParser()
    for k in ("repo", "out", "work", "steps", "env", "host", "build-dir", "helpers", "data", "only"):
        p.add_argument("--" + k, required=True)
    p.add_argument("--dry-run", type=int, default=0)
    p.add_argument("--build-ok", type=int, default=0)
    p.add_argument("--start", type=float, required=True)
    a = p.parse_args()
    try:
        env = json.loads(Path(a.env).read_text())
    except (OSError, ValueError):
        env = {}
    s = Summary(a, env)
    for line in Path(a.steps).read_text().splitlines():
        st = json.loads(line)
        s.record(st["name"], st["status"], st["reason"], {}, st["log"], st["seconds"], quiet=True)
    only = set(x for x in a.only.split(",") if x)
    c = Checks(a, s, env)
    plan = [("version", c.version), ("cuda", c.cuda_available), ("train", lambda: c.train_model("mlp")),
            ("train", lambda: c.train_model("cnn")), ("device_index", c.device_index), ("sync", c.sync),
            ("metrics", c.metrics), ("resume", c.resume), ("tests", c.tests), ("bench", c.bench)]
    names = {"train": None}
    for key, fn in plan:
        if key not in only and not (key == "cuda" and "env" in only):
            continue
        if not a.build_ok and key not in ("cuda",):
            s.record(key if key != "train" else f"train_{'mlp' if names['train'] is None else 'cnn'}", "skip",
                     "the build failed", {}, "build.log")
            if key == "train":
                names["train"] = 1
            continue
        try:
            fn()
        except Exception as e:  # noqa: BLE001
            (s.logs / "check-errors.log").open("a").write(traceback.format_exc())
            s.record(f"{key}_crashed_{len(s.checks)}", "error", f"{type(e).__name__}: {e}", {}, "check-errors.log")
    s.write()
    print(f"gpu-check: {s.checks and {x: sum(1 for c in s.checks if c['status'] == x) for x in ('pass', 'fail', 'skip', 'error')}}; "
          f"{a.out}/summary.json, summary.md, logs.tar.gz", flush=True)


if __name__ == "__main__":
    main()
