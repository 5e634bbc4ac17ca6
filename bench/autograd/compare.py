#!/usr/bin/python3
"""Run gotensor's autograd benchmarks and the same work in Debian's PyTorch, in one run; print a table.

The work (see bench_test.go):
  * mlp_step: one training step of an MLP 784-256-10 (Linear, ReLU, Linear), batch 256, float32:
    zero_grad, forward, cross-entropy loss, backward, SGD step (lr 0.01).
  * chain: 1,000 elementwise ops (mul by 1.0001, add 0.0001, alternating) on a 1-element tensor
    that requires grad, then backward; reported per op. Also the chain's recording forward pass
    alone and the chain under no-grad, to split the per-op cost.

gotensor's side is `go test -bench` of bench/autograd (built once, run once per round with
-test.count); each Go sample is one benchmark result (a mean over b.N iterations). PyTorch's side
runs in a child process; each of its samples is a mean over a similar stretch of iterations.
Rounds alternate between the sides so the machine's load drifts over both alike; the table shows
medians of all samples.

BLAS: gotensor picks OPENBLAS_CORETYPE from the CPU (the variable is removed from its
environment). PyTorch runs twice per round: "default" with OPENBLAS_CORETYPE removed (Debian's
OpenBLAS then mis-detects this CPU) and "tuned" with the core gotensor chose, so both use the same
kernels. PyTorch gets as many intra-op threads as there are cores.

Usage (needs Go and /usr/bin/python3 with python3-torch):
    /usr/bin/python3 bench/autograd/compare.py [--rounds 3] [--count 3] [--benchtime 1s]
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
CHAIN_OPS = 1000

# Go benchmark name -> (row key, metric to read)
GO_BENCHES = {
    "BenchmarkMLPStep": ("mlp_step", "ns/op"),
    "BenchmarkChain": ("chain", "ns/graph-op"),
    "BenchmarkChainForward": ("chain_forward", "ns/graph-op"),
    "BenchmarkChainNoGrad": ("chain_nograd", "ns/graph-op"),
}


def torch_worker(args):
    """Time PyTorch on the same work; print one JSON object per line (times in ns)."""
    import torch

    torch.set_num_threads(args.torch_threads)
    print(json.dumps({"op": "info", "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "coretype": os.environ.get("OPENBLAS_CORETYPE", "")}), flush=True)
    budget = args.sample_seconds

    def samples(f, per):
        """Mean ns per call of f over stretches of about `budget` seconds; per divides further."""
        f()
        start = time.perf_counter()
        f()
        one = time.perf_counter() - start
        n = max(1, int(budget / max(one, 1e-9)))
        out = []
        for _ in range(args.count):
            start = time.perf_counter()
            for _ in range(n):
                f()
            out.append((time.perf_counter() - start) * 1e9 / n / per)
        return out

    torch.manual_seed(1)
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = torch.nn.CrossEntropyLoss()
    x = torch.randn(256, 784)
    y = torch.tensor([(i * 7) % 10 for i in range(256)])

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    print(json.dumps({"op": "mlp_step", "times_ns": samples(step, 1)}), flush=True)

    xc = torch.tensor([0.5], requires_grad=True)

    def chain():
        v = xc
        for _ in range(CHAIN_OPS // 2):
            v = v.mul(1.0001).add(0.0001)
        return v

    print(json.dumps({"op": "chain", "times_ns": samples(lambda: chain().backward(), CHAIN_OPS)}), flush=True)
    print(json.dumps({"op": "chain_forward", "times_ns": samples(chain, CHAIN_OPS)}), flush=True)
    with torch.no_grad():
        print(json.dumps({"op": "chain_nograd", "times_ns": samples(chain, CHAIN_OPS)}), flush=True)


def run_go(binary, args, env, samples, notes):
    cmd = [binary, "-test.run", "^$", "-test.bench", ".", "-test.count", str(args.count),
           "-test.benchtime", args.benchtime, "-test.v"]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=os.path.dirname(binary))
    if p.returncode != 0:
        notes.setdefault("errors", {})["gotensor"] = (p.stdout + p.stderr).strip()[-600:]
        return
    for line in p.stdout.splitlines():
        m = re.search(r"blas: (.*)", line)
        if m:
            notes["backend"] = m.group(1).strip()
        fields = line.split()
        if not fields or not fields[0].startswith("Benchmark"):
            continue
        name = re.sub(r"-\d+$", "", fields[0])
        if name not in GO_BENCHES or len(fields) < 4:
            continue
        key, unit = GO_BENCHES[name]
        for value, u in zip(fields[2::2], fields[3::2]):
            if u == unit:
                samples.setdefault(("gotensor", key), []).append(float(value))


def run_torch(label, env, args, samples, notes):
    cmd = [sys.executable, os.path.abspath(__file__), "--torch-worker", "--count", str(args.count),
           "--sample-seconds", str(args.sample_seconds), "--torch-threads", str(args.torch_threads)]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        notes.setdefault("errors", {})[label] = p.stderr.strip()[-600:]
        return
    for line in p.stdout.splitlines():
        rec = json.loads(line)
        if rec["op"] == "info":
            notes[label] = rec
        else:
            samples.setdefault((label, rec["op"]), []).extend(rec["times_ns"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--count", type=int, default=3, help="samples per benchmark and round")
    ap.add_argument("--benchtime", default="1s", help="go test -benchtime per sample")
    ap.add_argument("--sample-seconds", type=float, default=1.0, help="PyTorch seconds per sample")
    ap.add_argument("--torch-threads", type=int, default=os.cpu_count())
    ap.add_argument("--raw", action="store_true", help="also print every sample, in run order")
    ap.add_argument("--torch-worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.torch_worker:
        torch_worker(args)
        return

    go_env = dict(os.environ)
    go_env.pop("OPENBLAS_CORETYPE", None)
    torch_default = dict(go_env)
    samples, notes = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        binary = os.path.join(tmp, "bench.test")
        p = subprocess.run(["go", "test", "-c", "-o", binary, "./bench/autograd"], cwd=ROOT,
                           capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit("go test -c ./bench/autograd failed:\n" + p.stderr)
        for r in range(args.rounds):
            sides = ["gotensor", "torch default", "torch tuned"]
            if r % 2:
                sides.reverse()
            for side in sides:
                if side == "gotensor":
                    run_go(binary, args, go_env, samples, notes)
                elif side == "torch default":
                    run_torch(side, torch_default, args, samples, notes)
                else:
                    core = re.search(r"core (\w+)", notes.get("backend", ""))
                    env = dict(go_env, OPENBLAS_CORETYPE=core.group(1)) if core else torch_default
                    run_torch(side, env, args, samples, notes)
    print_table(samples, notes, args)


def fmt(key, ns):
    if key == "mlp_step":
        return f"{ns / 1e6:8.2f} ms"
    return f"{ns / 1e3:7.2f} µs/op"


def print_table(samples, notes, args):
    td, tt = notes.get("torch default", {}), notes.get("torch tuned", {})
    print(f"gotensor autograd vs PyTorch {td.get('torch', tt.get('torch', '?'))} on this machine "
          f"({os.cpu_count()} cores), one run, {args.rounds} alternating rounds; medians of all samples")
    print(f"  gotensor BLAS: {notes.get('backend', '?')}")
    print(f"  torch: {td.get('threads', '?')} intra-op threads; default: OPENBLAS_CORETYPE="
          f"{td.get('coretype') or '(unset)'}; tuned: OPENBLAS_CORETYPE={tt.get('coretype') or '(unset)'}")
    for k, v in notes.get("errors", {}).items():
        print(f"  MISSING {k}: {v}")
    print()
    print("| work | gotensor | torch default | torch tuned | torch default ÷ gotensor | torch tuned ÷ gotensor |")
    print("|---|---|---|---|---|---|")
    rows = [("MLP 784-256-10 train step, batch 256, f32", "mlp_step"),
            ("1,000-op chain on 1 element + backward, per op", "chain"),
            ("  its recording forward pass alone, per op", "chain_forward"),
            ("  the same chain under no-grad, per op", "chain_nograd")]
    for label, key in rows:
        cells, meds = [], {}
        for side in ("gotensor", "torch default", "torch tuned"):
            s = samples.get((side, key))
            if s:
                meds[side] = statistics.median(s)
                cells.append(f"{fmt(key, meds[side])} (n={len(s)})")
            else:
                cells.append("not measured")
        ratios = []
        for side in ("torch default", "torch tuned"):
            if side in meds and "gotensor" in meds:
                ratios.append(f"{meds[side] / meds['gotensor']:.2f}×")
            else:
                ratios.append("–")
        print(f"| {label} | " + " | ".join(cells + ratios) + " |")
    if args.raw:
        print()
        for (side, key), s in sorted(samples.items()):
            print(f"  {side:14s} {key:14s} " + " ".join(fmt(key, v).strip() for v in s))


if __name__ == "__main__":
    main()
