#!/usr/bin/env python3
"""PyTorch CPU references for `theorylab bench` (pkg/bench): the same workloads, sizes and dtypes.

`theorylab bench` writes the inputs of every workload (matrices, MNIST images, initial parameters,
step sizes, directions) as raw little-endian arrays plus inputs.json into a folder, runs

    python3 bench/torch_ref.py --inputs DIR --out FILE --min-time 1.0 --threads 2 [--only REGEX]

and reads FILE back: {"reference": "...", "workloads": [{"name", "ms_per_step", "runs", "check"}]}.

Timing follows pkg/bench.Measure exactly: one untimed warm-up call, then calls until min-time has
passed and at least 3 calls were made; the median per-call time divided by the operations per call.
A workload marked "single" (a whole preset) is timed once, with nothing before it.

"check" is a number computed from the workload's outputs (a loss, a norm, a sum) that
`theorylab bench` compares with its own, so a ratio is never reported for two different computations.

The code follows TheoryLab's Go code line by line where it matters (models/mlp.Forward,
train.HalfMSE, train.GD, hessian.NewHVP, hessian.LanczosBatch, papers/eos.Run); eager PyTorch,
no torch.compile or TorchScript: what a researcher would write.
"""

import argparse
import json
import math
import os
import re
import statistics
import sys
import time

import torch

DTYPES = {"float32": torch.float32, "float64": torch.float64}


def load(inputs_dir, spec):
    """A tensor from {"file", "dtype", "shape"}."""
    with open(os.path.join(inputs_dir, spec["file"]), "rb") as f:
        buf = bytearray(f.read())
    return torch.frombuffer(buf, dtype=DTYPES[spec["dtype"]]).reshape(spec["shape"]).clone()


def measure(run, steps, min_time, single=False):
    """pkg/bench.Measure: median seconds per call / steps, and the number of timed calls."""
    if single:
        t0 = time.perf_counter()
        run()
        return (time.perf_counter() - t0) / steps, 1
    run()  # warm-up, not timed
    times = []
    start = time.perf_counter()
    while len(times) < 3 or time.perf_counter() - start < min_time:
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) / steps, len(times)


# ---------------------------------------------------------------- models (models/mlp, pkg/train)

def forward(params, x, bias_layers, out_bias):
    """models/mlp.Config.Forward: params W0 [R,in,h1], b0 [R,h1], W1, …; x [N,in] shared by all runs.
    Returns [R, N, out]. tanh between layers."""
    h = x
    i = 0
    layers = len(bias_layers)
    for l in range(layers):
        w = params[i]
        i += 1
        # h[r,n,o] = Σ_k x[n,k] W[r,k,o] on the first layer, one product per run after.
        h = torch.einsum("nk,rko->rno", h, w) if l == 0 else torch.bmm(h, w)
        if bias_layers[l]:
            h = h + params[i].unsqueeze(1)
            i += 1
        if l < layers - 1:
            h = torch.tanh(h)
    return h


def half_mse(pred, y):
    """train.HalfMSE: L_r = (1/N) Σₙ ½‖f(xₙ) − yₙ‖², [R]."""
    return 0.5 * ((pred - y.unsqueeze(0)) ** 2).sum(dim=(1, 2)) / pred.shape[1]


def gd_step(params, eta, loss_fn):
    """One step of train.GD: θ ← θ − η ∇L for every run; returns (new params, loss before the step [R])."""
    params = [p.detach().requires_grad_(True) for p in params]
    loss = loss_fn(params)
    grads = torch.autograd.grad(loss.sum(), params)
    with torch.no_grad():
        new = [p - eta.reshape((-1,) + (1,) * (p.dim() - 1)) * g for p, g in zip(params, grads)]
    return new, loss.detach()


def hvp(params, dirs, loss_fn):
    """hessian.NewHVP: H·v = ∇_θ ⟨∇_θ L(θ), v⟩ by double backprop, for every run at once."""
    params = [p.detach().requires_grad_(True) for p in params]
    grads = torch.autograd.grad(loss_fn(params).sum(), params, create_graph=True)
    gv = sum((g * v).sum() for g, v in zip(grads, dirs))
    return torch.autograd.grad(gv, params)


# ---------------------------------------------------------------- workloads

def matmul(inp, spec):
    a, b = load(inp, spec["a"]), load(inp, spec["b"])
    out = {}

    def run():
        out["c"] = torch.mm(a, b)

    return run, lambda: float(out["c"].double().sum())


def add1(inp, spec):
    x = load(inp, spec["x"])
    out = {}

    def run():
        out["y"] = x + 1

    return run, lambda: float(out["y"][0])


def problem(inp, spec):
    params = [load(inp, p) for p in spec["params"]]
    x, y = load(inp, spec["x"]), load(inp, spec["y"])
    bias_layers, out_bias = spec["bias_layers"], spec["output_bias"]

    def loss_fn(p):
        return half_mse(forward(p, x, bias_layers, out_bias), y)

    return params, loss_fn


def gd_workload(inp, spec):
    """eos-toy-step and eos-mnist-step: `unroll` GD steps per call from the same initial parameters;
    the losses go to the host every call, as train.GD.Steps returns them."""
    params, loss_fn = problem(inp, spec)
    eta = load(inp, spec["eta"])
    unroll = spec.get("unroll", 1)
    out = {}

    def run():
        p = params
        losses = []
        for _ in range(unroll):
            p, loss = gd_step(p, eta, loss_fn)
            losses.append(loss)
        out["losses"] = torch.stack(losses).tolist()

    # The mean over runs of the loss before the first step.
    return run, lambda: statistics.fmean(out["losses"][0])


def hvp_workload(inp, spec):
    params, loss_fn = problem(inp, spec)
    dirs = [load(inp, d) for d in spec["dirs"]]
    out = {}

    def run():
        out["hv"] = hvp(params, dirs, loss_fn)

    return run, lambda: math.sqrt(sum(float((h.double() ** 2).sum()) for h in out["hv"]))


# ---------------------------------------------------------------- the Edge of Stability quick preset

def start_vectors(inp, spec):
    return load(inp, spec["lanczos_start"])  # [R, dim]: hessian.StartVector(dim, seed+r) from Go


def lanczos_batch(op, q0, iters):
    """hessian.LanczosBatch: k steps with full reorthogonalization (twice), then one call for the
    residuals of the top Ritz pairs. Batched over runs: q0 [R, dim]. Returns (top values [R], vectors [R, dim])."""
    R, dim = q0.shape
    k = min(iters, dim)
    Q = [q0]
    alpha, beta = [], []
    for j in range(k):
        w = op(Q[j])
        a = (Q[j] * w).sum(1)
        w = w - a[:, None] * Q[j]
        if j > 0:
            w = w - beta[j - 1][:, None] * Q[j - 1]
        if j == k - 1:
            alpha.append(a)
            break
        B = torch.stack(Q, 1)  # [R, j+1, dim]
        for _ in range(2):
            h = torch.einsum("rid,rd->ri", B, w)
            w = w - torch.einsum("ri,rid->rd", h, B)
            a = a + h[:, j]
        alpha.append(a)
        b = w.norm(dim=1)
        beta.append(b)
        Q.append(w / b[:, None])
    m = len(alpha)
    T = torch.diag_embed(torch.stack(alpha, 1))
    if m > 1:
        off = torch.stack(beta[: m - 1], 1)
        T = T + torch.diag_embed(off, 1) + torch.diag_embed(off, -1)
    vals, S = torch.linalg.eigh(T)  # ascending
    top = vals[:, -1]
    y = torch.einsum("ri,rid->rd", S[:, :, -1], torch.stack(Q[:m], 1))
    y = y / y.norm(dim=1, keepdim=True)
    res = (op(y) - top[:, None] * y).norm(dim=1)
    return top, y, res


def eos_quick(inp, spec):
    """papers/eos.Run on the quick preset, without the figures and claims: every run's GD steps (the
    losses to the host after each call of `unroll` steps), Lanczos sharpness every sharpness_every
    steps, the dense Hessian check at the first and last step, the step-by-step zoom window."""
    params0, loss_fn = problem(inp, spec)
    eta = load(inp, spec["eta"])
    q0 = start_vectors(inp, spec)
    steps, every, iters = spec["steps"], spec["sharpness_every"], spec["lanczos_iters"]
    unroll, zoom_steps, seeds = spec["unroll"], spec["zoom_steps"], spec["seeds"]
    R, dim = q0.shape
    shapes = [p.shape for p in params0]
    sizes = [p[0].numel() for p in params0]

    def flatten(ps):
        return torch.cat([p.reshape(R, -1) for p in ps], 1)

    def unflatten(v):
        return [c.reshape(s) for c, s in zip(torch.split(v, sizes, 1), shapes)]

    out = {}

    def run():
        params = params0
        losses = []
        zoom_start = (3 * steps // 4) // every * every
        zoom_end = zoom_start + zoom_steps
        zoom_run = (len(spec["edge_etas"]) // 2) * seeds
        zoom_dir, proj = None, []
        t = 0
        while True:
            if t % every == 0:
                p = params
                op = lambda v: flatten(hvp(p, unflatten(v), loss_fn))
                top, vec, res = lanczos_batch(op, q0, iters)
                if t == zoom_start:
                    zoom_dir = vec[zoom_run]
                if t == 0 or t == steps:
                    # The explicit Hessian, column by column (all runs at once), and the top
                    # eigenvalue of each step size's first seed.
                    cols = [op(torch.zeros(R, dim, dtype=q0.dtype).index_fill_(1, torch.tensor([i]), 1.0))
                            for i in range(dim)]
                    H = torch.stack(cols, 2)
                    for r in range(0, R, seeds):
                        torch.linalg.eigvalsh((H[r] + H[r].T) / 2)
            if t == steps:
                break
            in_zoom = zoom_start <= t < zoom_end
            n = 1 if in_zoom else unroll
            before = flatten(params)[zoom_run] if in_zoom else None
            chunk = []
            for _ in range(n):
                params, loss = gd_step(params, eta, loss_fn)
                chunk.append(loss)
            losses.extend(torch.stack(chunk).tolist())
            if in_zoom:
                after = flatten(params)[zoom_run]
                proj.append(float(((after - before) * zoom_dir).sum()))
            t += n
        with torch.no_grad():
            losses.append(loss_fn(params).tolist())
        out["losses"] = losses

    # The mean over runs of the first loss (the dynamics are chaotic after that; see docs/performance.md).
    return run, lambda: statistics.fmean(out["losses"][0])


KINDS = {"add1": add1, "matmul": matmul, "gd": gd_workload, "hvp": hvp_workload, "eos-quick": eos_quick}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inputs", required=True, help="folder with inputs.json written by theorylab bench")
    ap.add_argument("--out", required=True, help="JSON file to write")
    ap.add_argument("--only", default="", help="regular expression on workload names")
    ap.add_argument("--min-time", type=float, default=1.0, help="seconds per workload (at least 3 calls)")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="torch.set_num_threads")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    with open(os.path.join(args.inputs, "inputs.json")) as f:
        specs = json.load(f)["workloads"]
    pattern = re.compile(args.only)
    results = []
    for spec in specs:
        name = spec["name"]
        if not pattern.search(name):
            continue
        t0 = time.perf_counter()
        run, check = KINDS[spec["kind"]](args.inputs, spec)
        sec, runs = measure(run, spec.get("steps_per_call", 1), args.min_time, spec.get("single", False))
        value = check()
        results.append({"name": name, "ms_per_step": sec * 1e3, "runs": runs, "check": value})
        print(f"torch_ref: {name:26s} {sec * 1e3:10.3f} ms  ({runs} calls, {time.perf_counter() - t0:.1f} s)",
              file=sys.stderr, flush=True)
    blas = "unknown BLAS"
    cfg = torch.__config__.show()
    m = re.search(r"BLAS_INFO=(\w+)", cfg)
    if m:
        blas = "BLAS_INFO=" + m.group(1)
    ref = f"PyTorch {torch.__version__} CPU, {torch.get_num_threads()} threads, {blas}, eager"
    with open(args.out, "w") as f:
        json.dump({"reference": ref, "torch_version": torch.__version__, "threads": torch.get_num_threads(),
                   "python": sys.executable, "workloads": results}, f, indent=1)


if __name__ == "__main__":
    main()
