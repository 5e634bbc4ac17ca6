#!/usr/bin/python3
"""Regenerates torch_cases.json, the reference table tensor's tests compare against.

Run with Debian's python3-torch:  /usr/bin/python3 tensor/testdata/gen_torch.py
Each case names an op, its inputs (flat float64 data, shape, dtype), scalar arguments, the
expected output, and, for differentiable float cases, the gradients of every input for the
upstream gradient "gout" (so backward rules are checked against PyTorch's autograd too).
Printing cases hold str(tensor) for tensors rebuilt from data.
"""
import json, math, os, sys
import torch

torch.manual_seed(1234)
DT = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int64",
      torch.int32: "int32", torch.bool: "bool"}


def enc(t):
    t = t.detach()
    vals = [float(v) for v in t.reshape(-1).tolist()]
    vals = [("nan" if math.isnan(v) else "inf" if v == math.inf else "-inf" if v == -math.inf else v) for v in vals]
    return {"shape": list(t.shape), "dtype": DT[t.dtype], "data": vals}


def rnd(*shape, dtype=torch.float32, lo=None):
    t = torch.randn(*shape, dtype=dtype)
    if lo is not None:
        t = t.abs() + lo
    return t


def ints(*shape, dtype=torch.int64):
    return torch.randint(-5, 6, shape, dtype=dtype)


cases = []


def case(name, op, inputs, fn, args=None, grad=True):
    ins = [x.clone() if isinstance(x, torch.Tensor) else x for x in inputs]
    req = []
    for x in ins:
        r = isinstance(x, torch.Tensor) and x.dtype.is_floating_point and grad
        if r:
            x.requires_grad_(True)
        req.append(r)
    out = fn(*ins)
    c = {"name": name, "op": op, "args": args or {},
         "inputs": [enc(x) if isinstance(x, torch.Tensor) else {"scalar": x} for x in ins],
         "out": enc(out)}
    if out.requires_grad:
        c["grad_fn"] = type(out.grad_fn).__name__
        g = torch.linspace(-1, 1, out.numel(), dtype=out.dtype).reshape(out.shape)
        out.backward(g)
        c["gout"] = enc(g)
        c["grads"] = [enc(x.grad) if r and x.grad is not None else None for x, r in zip(ins, req)]
    cases.append(c)


# Elementwise binary with broadcasting and type promotion.
binops = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div,
          "maximum": torch.maximum, "minimum": torch.minimum}
for op, f in binops.items():
    case(op + "_same", op, [rnd(2, 3), rnd(2, 3)], f)
    case(op + "_bcast", op, [rnd(2, 1, 3), rnd(4, 1)], f)
    case(op + "_bcast_f64", op, [rnd(3, dtype=torch.float64), rnd(2, 1, dtype=torch.float64)], f)
    if op not in ("maximum", "minimum"):
        case(op + "_scalar", op, [rnd(2, 3), 2.5], lambda a, b, f=f: f(a, b))
        case(op + "_int_scalar", op, [ints(2, 3), 3], lambda a, b, f=f: f(a, b))
        case(op + "_int_float", op, [ints(3), rnd(2, 3)], f)
        case(op + "_int_floatscalar", op, [ints(3), 1.5], lambda a, b, f=f: f(a, b))
        case(op + "_f32_f64_0dim", op, [rnd(3), torch.tensor(2.0, dtype=torch.float64)], f)
        case(op + "_i32_i64", op, [ints(3, dtype=torch.int32), ints(3)], f)
case("pow_scalar", "pow", [rnd(2, 3), 3], lambda a, b: a ** b)
case("pow_frac", "pow", [rnd(4, lo=0.1), 0.5], lambda a, b: a ** b)
case("pow_tensor", "pow", [rnd(2, 3, lo=0.1), rnd(3)], torch.pow)
case("pow_int", "pow", [ints(4), 2], lambda a, b: a ** b)
for op in ("eq", "ne", "lt", "le", "gt", "ge"):
    a = ints(3, 4).float()
    case(op, op, [a, ints(4).float()], getattr(torch, op))
    case(op + "_scalar", op, [a, 1], lambda x, s, op=op: getattr(torch, op)(x, s))

# Unary.
unops = {"neg": torch.neg, "abs": torch.abs, "exp": torch.exp, "sin": torch.sin, "cos": torch.cos,
         "tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu, "sign": torch.sign}
for op, f in unops.items():
    case(op, op, [rnd(3, 4)], f)
case("log", "log", [rnd(3, 4, lo=0.1)], torch.log)
case("sqrt", "sqrt", [rnd(3, 4, lo=0.1)], torch.sqrt)
case("exp_int", "exp", [ints(5)], torch.exp)
case("abs_int", "abs", [ints(5)], torch.abs)
case("clamp", "clamp", [rnd(3, 4)], lambda a: a.clamp(-0.5, 0.7), {"lo": -0.5, "hi": 0.7})
case("where", "where", [rnd(3, 4), rnd(3, 4), rnd(4)], lambda c, a, b: torch.where(c > 0, a, b))

# PyTorch's subgradient choices at kinks and ties.
kinks = torch.tensor([-1.0, 0.0, 0.5, 1.0, 2.0])
case("relu_at_0", "relu", [kinks], torch.relu)
case("abs_at_0", "abs", [kinks], torch.abs)
case("clamp_at_bounds", "clamp", [kinks], lambda a: a.clamp(0.0, 1.0), {"lo": 0.0, "hi": 1.0})
case("maximum_ties", "maximum", [kinks, torch.tensor([0.0, 0.0, 1.0, 1.0, 1.0])], torch.maximum)
case("minimum_ties", "minimum", [kinks, torch.tensor([-1.0, 1.0, 0.5, 0.0, 2.0])], torch.minimum)
case("min_ties", "min", [torch.tensor([[2.0, -1.0], [-1.0, 3.0]])], lambda a: a.min())
case("max_dim_ties", "max_dim", [torch.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])], lambda a: a.max(1).values, {"dim": 1, "keepdim": False})
case("where_scalar", "where", [kinks, kinks, torch.tensor(0.5)], lambda c, a, b: torch.where(c > 0, a, b))

# Reductions.
x = rnd(3, 4, 5)
case("sum", "sum", [x], lambda a: a.sum())
case("sum_int", "sum", [ints(3, 4)], lambda a: a.sum())
case("mean", "mean", [x], lambda a: a.mean())
for d in (0, 1, -1):
    for k in (False, True):
        args = {"dim": d, "keepdim": k}
        case(f"sum_dim{d}_{k}", "sum_dim", [x], lambda a, d=d, k=k: a.sum(d, keepdim=k), args)
        case(f"mean_dim{d}_{k}", "mean_dim", [x], lambda a, d=d, k=k: a.mean(d, keepdim=k), args)
        case(f"max_dim{d}_{k}", "max_dim", [x], lambda a, d=d, k=k: a.max(d, keepdim=k).values, args)
        case(f"min_dim{d}_{k}", "min_dim", [x], lambda a, d=d, k=k: a.min(d, keepdim=k).values, args)
        case(f"argmax_dim{d}_{k}", "argmax_dim", [x], lambda a, d=d, k=k: a.argmax(d, keepdim=k), args)
        case(f"argmin_dim{d}_{k}", "argmin_dim", [x], lambda a, d=d, k=k: a.argmin(d, keepdim=k), args)
        case(f"var_dim{d}_{k}", "var_dim", [x], lambda a, d=d, k=k: a.var(d, keepdim=k), args)
        case(f"std_dim{d}_{k}", "std_dim", [x], lambda a, d=d, k=k: a.std(d, keepdim=k), args)
case("max", "max", [x], lambda a: a.max())
case("min", "min", [x], lambda a: a.min())
case("argmax", "argmax", [x], lambda a: a.argmax())
case("argmin", "argmin", [x], lambda a: a.argmin())
case("var", "var", [x], lambda a: a.var())
case("std", "std", [x], lambda a: a.std())
case("max_ties", "max", [torch.tensor([1., 3., 3., 2.])], lambda a: a.max())
for d in (0, 1, -1):
    case(f"softmax{d}", "softmax", [x], lambda a, d=d: a.softmax(d), {"dim": d})
    case(f"log_softmax{d}", "log_softmax", [x], lambda a, d=d: a.log_softmax(d), {"dim": d})

# Matmul per PyTorch's rules.
mm = [("dot", (4,), (4,)), ("mv", (3, 4), (4,)), ("vm", (4,), (4, 3)), ("mm", (2, 4), (4, 3)),
      ("bmm", (2, 3, 4), (2, 4, 5)), ("bcast_batch", (2, 1, 3, 4), (5, 4, 2)),
      ("batch_vec", (2, 3, 4), (4,)), ("vec_batch", (4,), (2, 4, 3)), ("batch_mat", (3, 2, 4), (4, 5))]
for n, sa, sb in mm:
    case("matmul_" + n, "matmul", [rnd(*sa), rnd(*sb)], torch.matmul)
    case("matmul_" + n + "_f64", "matmul", [rnd(*sa, dtype=torch.float64), rnd(*sb, dtype=torch.float64)], torch.matmul)
case("matmul_int", "matmul", [ints(2, 3), ints(3, 2)], torch.matmul)
case("matmul_t", "matmul_t", [rnd(4, 3), rnd(4, 5)], lambda a, b: a.t() @ b)
case("outer", "outer", [rnd(3), rnd(4)], torch.outer)

# Views.
v = rnd(2, 3, 4)
case("reshape", "reshape", [v], lambda a: a.reshape(4, -1) * 1, {"shape": [4, -1]})
case("transpose", "transpose", [v], lambda a: a.transpose(0, 2) * 1, {"d0": 0, "d1": 2})
case("permute", "permute", [v], lambda a: a.permute(2, 0, 1) * 1, {"dims": [2, 0, 1]})
case("t", "t", [rnd(3, 4)], lambda a: a.t() * 1)
case("index", "index", [v], lambda a: a[1] * 1, {"i": 1})
case("slice_col", "slice", [rnd(3, 4)], lambda a: a[:, 1] * 1, {"spec": ":, 1"})
case("slice_rows", "slice", [rnd(5, 4)], lambda a: a[1:3] * 1, {"spec": "1:3"})
case("slice_step", "slice", [rnd(6, 5)], lambda a: a[::2, -2] * 1, {"spec": "::2, -2"})
case("slice_ellipsis", "slice", [v], lambda a: a[..., 1:] * 1, {"spec": "..., 1:"})
case("narrow", "narrow", [rnd(5, 4)], lambda a: a.narrow(1, 1, 2) * 1, {"dim": 1, "start": 1, "length": 2})
case("expand", "expand", [rnd(3, 1)], lambda a: a.expand(2, 3, 4) * 1, {"shape": [2, 3, 4]})
case("unsqueeze_squeeze", "unsqueeze_squeeze", [rnd(3, 4)], lambda a: a.unsqueeze(1).squeeze() * 1)
case("flatten", "flatten", [v], lambda a: a.transpose(0, 1).flatten() * 1)
case("cat", "cat", [rnd(2, 3), rnd(1, 3)], lambda a, b: torch.cat([a, b], 0))
case("stack", "stack", [rnd(2, 3), rnd(2, 3)], lambda a, b: torch.stack([a, b], 1))

# Gather and index_select (class-index picking for losses).
case("gather", "gather", [rnd(3, 4), torch.tensor([[0, 3], [1, 1], [2, 0]])], lambda a, i: a.gather(1, i), {"dim": 1})
case("gather_dim0", "gather", [rnd(3, 4), torch.tensor([[2, 0, 1, 1]])], lambda a, i: a.gather(0, i), {"dim": 0})
case("index_select", "index_select", [rnd(4, 3), torch.tensor([3, 0, 3])], lambda a, i: a.index_select(0, i), {"dim": 0})

# Creation.
case("arange", "arange", [], lambda: torch.arange(0, 1, 0.1), {"args": [0, 1, 0.1]}, grad=False)
case("arange_int", "arange", [], lambda: torch.arange(2, 11, 3), {"args": [2, 11, 3]}, grad=False)
case("linspace", "linspace", [], lambda: torch.linspace(-1, 2, 7), {"start": -1, "end": 2, "steps": 7}, grad=False)
case("eye", "eye", [], lambda: torch.eye(3, 4), {"n": 3, "m": 4}, grad=False)

# Printing: str() of tensors rebuilt from their data.
prints = [
    torch.tensor(5.0), torch.tensor(13.), torch.tensor([1.0, 2.0, 3.0]), torch.tensor([[1, 2], [3, 4]]),
    torch.tensor([1.5, -2.25, 3.0]), torch.tensor([1e-5, 1.0]), torch.tensor([1e9, 1.0]), torch.tensor([123456789.0]),
    torch.tensor([0.0, -0.0, 1.0]), torch.tensor([float("nan"), 1.0, float("inf")]), torch.tensor([float("nan"), 1.5]),
    torch.tensor([True, False]), torch.tensor([1, 2], dtype=torch.int32), torch.tensor([1.0, 2.0], dtype=torch.float64),
    torch.tensor(7), torch.tensor(2.5, dtype=torch.float64), torch.zeros(0), torch.zeros(2, 0), torch.zeros(0, dtype=torch.int64),
    torch.arange(30.), torch.arange(2000).reshape(40, 50), torch.arange(2000.) / 7, torch.randn(2, 3, 4),
    torch.randn(5, 3) * 1000, torch.randn(1200), torch.arange(1001), torch.randn(4, 300), torch.tensor([[1e-10, 5.0], [3.0, 4.0]]),
    torch.tensor([100000.0, 2.0]), torch.tensor([-1, 10, -100]), torch.randn(3, 3, dtype=torch.float64),
    torch.randn(20, 2, 30), torch.tensor([[[1.0]]]),
]
for i, t in enumerate(prints):
    cases.append({"name": f"print{i}", "op": "print", "inputs": [enc(t)], "args": {}, "str": str(t)})
t = torch.tensor(2.0, requires_grad=True)
cases.append({"name": "print_rg", "op": "print_rg", "inputs": [enc(t)], "args": {}, "str": str(t)})
t = torch.randn(2, 40, requires_grad=True)
cases.append({"name": "print_rg_wide", "op": "print_rg", "inputs": [enc(t)], "args": {}, "str": str(t)})
t = torch.randn(2, 40, dtype=torch.float64, requires_grad=True)
cases.append({"name": "print_rg_wide_f64", "op": "print_rg", "inputs": [enc(t)], "args": {}, "str": str(t)})

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_cases.json")
with open(path, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, indent=None, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(cases)} cases to {path}", file=sys.stderr)
