#!/usr/bin/python3
"""Run the same tensor work in gotensor and in Debian's PyTorch, in one run, and print the ratios.

The work: 1024x1024 matrix products in float32 and float64, and the elementwise chain
a.mul(b).add(c) on 1e7 float32 elements; where a GPU is usable, an 8192x8192 float32 product and
a + b on 2^26 float32 on the device (bench/tensor/gpu; rows left out, with the reason, elsewhere). gotensor's side runs two small Go programs
(bench/tensor/matmul on package blas, bench/tensor/chain on package tensor), and matmul again on
blas's fallbacks (GOTENSOR_BLAS=native, =gonum); PyTorch's side runs in a child process of this
script. Rounds alternate between the two so that the machine's load
drifts over both alike; every timing of every round is pooled and the table shows medians.

Fairness: both sides use Debian's OpenBLAS. gotensor picks OPENBLAS_CORETYPE from the CPU
(the variable is removed from its environment unless --keep-coretype), and PyTorch is given the
core gotensor ended up on, so both run the same kernels. PyTorch gets as many intra-op threads
as the machine has cores (--torch-threads; 0 keeps its default).

Usage (from anywhere; needs Go and /usr/bin/python3 with python3-torch):
    /usr/bin/python3 bench/tensor/compare.py [--rounds 3] [--reps 15] [--no-fallbacks]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHAIN_N = 10_000_000
MATMUL_N = 1024
GPU_GEMM_N = 8192
GPU_ADD_N = 1 << 26


def torch_worker(args):
    """Time PyTorch on the same work; print one JSON object per line."""
    import torch

    if args.torch_threads > 0:
        torch.set_num_threads(args.torch_threads)
    print(json.dumps({"op": "info", "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "coretype": os.environ.get("OPENBLAS_CORETYPE", "")}), flush=True)

    def timed(f):
        for _ in range(args.warmup):
            f()
        times = []
        for _ in range(args.reps):
            start = time.perf_counter()
            f()
            times.append((time.perf_counter() - start) * 1e3)
        return times

    torch.manual_seed(1)
    for name, dt in (("f32", torch.float32), ("f64", torch.float64)):
        a = torch.rand(MATMUL_N, MATMUL_N, dtype=dt)
        b = torch.rand(MATMUL_N, MATMUL_N, dtype=dt)
        print(json.dumps({"op": "matmul", "dtype": name, "n": MATMUL_N,
                          "times_ms": timed(lambda: torch.matmul(a, b))}), flush=True)
    a, b, c = (torch.rand(CHAIN_N) for _ in range(3))
    print(json.dumps({"op": "mul_add", "dtype": "f32", "n": CHAIN_N,
                      "times_ms": timed(lambda: a.mul(b).add(c))}), flush=True)

    if not torch.cuda.is_available():
        print(json.dumps({"op": "unavailable", "reason": "torch.cuda.is_available() is False"}), flush=True)
        return

    def synced(f):
        return lambda: (f(), torch.cuda.synchronize())

    a = torch.rand(GPU_GEMM_N, GPU_GEMM_N, device="cuda")
    b = torch.rand(GPU_GEMM_N, GPU_GEMM_N, device="cuda")
    print(json.dumps({"op": "gpu_matmul", "dtype": "f32", "n": GPU_GEMM_N,
                      "times_ms": timed(synced(lambda: torch.matmul(a, b)))}), flush=True)
    x, y = torch.rand(GPU_ADD_N, device="cuda"), torch.rand(GPU_ADD_N, device="cuda")
    out = torch.empty_like(x)
    print(json.dumps({"op": "gpu_add", "dtype": "f32", "n": GPU_ADD_N,
                      "times_ms": timed(synced(lambda: torch.add(x, y, out=out)))}), flush=True)


def run_json(cmd, env):
    """Run cmd and return its JSON lines, or raise with its stderr."""
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()[-500:]}")
    return [json.loads(line) for line in p.stdout.splitlines() if line.strip()]


def build(tmp):
    """Build the Go programs; return {name: path or error text}."""
    out = {}
    for name in ("matmul", "chain", "gpu"):
        path = os.path.join(tmp, name)
        p = subprocess.run(["go", "build", "-o", path, "./bench/tensor/" + name], cwd=ROOT,
                           capture_output=True, text=True)
        out[name] = path if p.returncode == 0 else "build failed: " + " ".join(p.stderr.split())[:300]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--reps", type=int, default=15, help="timed calls per round and work item")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--torch-threads", type=int, default=os.cpu_count())
    ap.add_argument("--keep-coretype", action="store_true",
                    help="leave OPENBLAS_CORETYPE as inherited for gotensor")
    ap.add_argument("--no-fallbacks", action="store_true",
                    help="skip the rows for blas's fallbacks (native AVX-512 kernels, gonum)")
    ap.add_argument("--torch-worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.torch_worker:
        torch_worker(args)
        return

    go_env = dict(os.environ)
    if not args.keep_coretype:
        go_env.pop("OPENBLAS_CORETYPE", None)
    samples = {}  # (side, op, dtype) -> [ms]
    notes = {"load_before": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory() as tmp:
        progs = build(tmp)
        torch_env = dict(os.environ)
        for r in range(args.rounds):
            order = ("gotensor", "torch") if r % 2 == 0 else ("torch", "gotensor")
            for side in order:
                if side == "gotensor":
                    run_gotensor(progs, args, go_env, samples, notes)
                    core = re.search(r"core (\w+)", notes.get("backends", {}).get("gotensor", ""))
                    if core and not args.keep_coretype:
                        torch_env["OPENBLAS_CORETYPE"] = core.group(1)
                else:
                    cmd = [sys.executable, os.path.abspath(__file__), "--torch-worker",
                           "--reps", str(args.reps), "--warmup", str(args.warmup),
                           "--torch-threads", str(args.torch_threads)]
                    for rec in run_json(cmd, torch_env):
                        if rec["op"] == "info":
                            notes["torch"] = rec
                        elif rec["op"] == "unavailable":
                            notes["torch_gpu"] = rec["reason"]
                        else:
                            samples.setdefault(("torch", rec["op"], rec["dtype"]), []).extend(rec["times_ms"])
    notes["load_after"] = os.getloadavg()[0]
    print_table(samples, notes, args)


def run_gotensor(progs, args, go_env, samples, notes):
    """One gotensor round: BLAS matmul, the tensor chain and, unless --no-fallbacks, matmul on
    blas's fallback backends (GOTENSOR_BLAS=native, =gonum)."""
    common = ["-reps", str(args.reps), "-warmup", str(args.warmup)]
    jobs = [("gotensor", "matmul", common, go_env), ("gotensor", "chain", common, go_env),
            ("gotensor", "gpu", ["-reps", str(args.reps), "-warmup", "2"], go_env)]
    if not args.no_fallbacks:
        jobs.append(("native", "matmul", common, dict(go_env, GOTENSOR_BLAS="native")))
        slow = ["-reps", str(max(3, args.reps // 3)), "-warmup", "1"]
        jobs.append(("gonum", "matmul", slow, dict(go_env, GOTENSOR_BLAS="gonum")))
    for side, name, flags, env in jobs:
        prog = progs[name]
        try:
            if prog.startswith("build failed"):
                raise RuntimeError(prog)
            recs = run_json([prog] + flags, env)
        except RuntimeError as e:
            notes.setdefault("errors", {})[f"{side} {name}"] = str(e)
            continue
        for rec in recs:
            if rec["op"] == "unavailable":
                notes["gotensor_gpu"] = rec["reason"]
                continue
            samples.setdefault((side, rec["op"], rec["dtype"]), []).extend(rec["times_ms"])
            if rec["op"] == "gpu_matmul":
                notes["gpu_gemm_backend"] = rec["backend"]
            elif "backend" in rec:
                notes.setdefault("backends", {})[side] = rec["backend"]


def describe(op, ms):
    if op == "matmul":
        return f"{ms:8.2f} ms ({2 * MATMUL_N ** 3 / ms / 1e6:5.0f} GFLOP/s)"
    if op == "gpu_matmul":
        return f"{ms:8.2f} ms ({2 * GPU_GEMM_N ** 3 / ms / 1e9:5.1f} TFLOP/s)"
    if op == "gpu_add":
        return f"{ms:8.3f} ms ({3 * 4 * GPU_ADD_N / ms / 1e6:5.0f} GB/s)"
    # a.mul(b).add(c) reads a, b, writes t, reads t, c, writes r: 6 arrays of 4-byte floats.
    return f"{ms:8.2f} ms ({6 * 4 * CHAIN_N / ms / 1e6:5.1f} GB/s)"


def cell(op, times):
    """Median (with its rate), then the best timing's rate, which other load distorts least."""
    best = describe(op, min(times)).split("(")[1].rstrip(")")
    return f"{describe(op, statistics.median(times))}, best {best}, n={len(times)}"


def print_table(samples, notes, args):
    t = notes.get("torch", {})
    backends = notes.get("backends", {})
    print(f"gotensor vs PyTorch {t.get('torch', '?')} on this machine ({os.cpu_count()} cores), one run, "
          f"{args.rounds} alternating rounds; medians of all timings")
    busy = max(notes["load_before"], notes["load_after"]) > os.cpu_count()
    print(f"  1-minute load average {notes['load_before']:.2f} before, {notes['load_after']:.2f} after"
          + (f" (above {os.cpu_count()}: other work shared the cores, every figure is pessimistic)" if busy else ""))
    print(f"  gotensor BLAS: {backends.get('gotensor', '?')}")
    for side in ("native", "gonum"):
        if side in backends:
            print(f"  {side} rows: {backends[side]}")
    print(f"  torch: {t.get('threads', '?')} intra-op threads, OPENBLAS_CORETYPE={t.get('coretype') or '(unset)'}")
    if "gpu_gemm_backend" in notes:
        print(f"  gotensor GPU GEMM: {notes['gpu_gemm_backend']}")
    if "gotensor_gpu" in notes or "torch_gpu" in notes:
        print(f"  GPU rows not measured: gotensor: {notes.get('gotensor_gpu', 'available')}; "
              f"torch: {notes.get('torch_gpu', 'available')}")
    for k, v in notes.get("errors", {}).items():
        print(f"  MISSING {k}: {v}")
    print()
    print("| work | gotensor: median (rate), best rate | torch: median (rate), best rate | speed vs torch (torch median ÷ gotensor median) |")
    print("|---|---|---|---|")
    rows = [("matmul 1024² f32", "matmul", "f32"), ("matmul 1024² f64", "matmul", "f64"),
            ("a.Mul(b).Add(c), 1e7 f32", "mul_add", "f32"),
            ("GPU matmul 8192² f32", "gpu_matmul", "f32"), ("GPU a + b, 2^26 f32", "gpu_add", "f32")]
    sides = (("gotensor", ""), ("native", " — blas native fallback"), ("gonum", " — blas gonum fallback"))
    for label, op, dt in rows:
        for side, suffix in sides:
            go = samples.get((side, op, dt))
            if (side != "gotensor" or op.startswith("gpu")) and not go:
                continue
            tc = samples.get(("torch", op, dt))
            g = cell(op, go) if go else "not measured"
            tt = cell(op, tc) if tc else "not measured"
            ratio = f"{statistics.median(tc) / statistics.median(go):.2f}×" if go and tc else "–"
            print(f"| {label}{suffix} | {g} | {tt} | {ratio} |")


if __name__ == "__main__":
    main()
