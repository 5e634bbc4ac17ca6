"""Reference trajectories for optim_test.go, from Debian's python3-torch (1.13).

Run: /usr/bin/python3 autograd/optim/testdata/gen_torch.py > autograd/optim/testdata/torch_trajectories.txt
Each line: name, then the parameters after each of 5 steps on
loss = sum(s * (w - c)**2), w0 = [1, -2, 3], c = 0.5, s = [1, 2, 3], float64.
"""
import torch

CASES = [
    ("sgd_plain", lambda p: torch.optim.SGD(p, lr=0.1)),
    ("sgd_momentum_wd", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    ("sgd_nesterov", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True)),
    ("adam_default", lambda p: torch.optim.Adam(p)),
    ("adam_custom", lambda p: torch.optim.Adam(p, lr=0.1, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.01)),
]

for name, make in CASES:
    w = torch.tensor([1.0, -2.0, 3.0], dtype=torch.float64, requires_grad=True)
    s = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
    opt = make([w])
    vals = []
    for _ in range(5):
        opt.zero_grad()
        loss = (s * (w - 0.5) ** 2).sum()
        loss.backward()
        opt.step()
        vals.extend(w.detach().tolist())
    print(name, " ".join(repr(v) for v in vals))
