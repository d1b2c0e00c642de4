#!/usr/bin/env python3
"""PyTorch CPU references for `theorylab bench` (pkg/bench): the same workloads, sizes and dtypes.

`theorylab bench` writes the inputs of every workload (matrices, MNIST images, initial parameters,
step sizes, directions) as raw little-endian arrays plus inputs.json into a folder, runs

    python3 bench/torch_ref.py --inputs DIR --out FILE --min-time 1.0 --threads 2 [--only REGEX]

and reads FILE back: {"reference": "...", "blas": "...", "workloads": [{"name", "ms_per_step", "runs", "check"}]}.

With --serve instead of --out it is a bench server (pkg/bench/serve.go): it writes the same metadata as
one JSON line on file descriptor 3, then reads requests {"name", "min_time"} from standard input, one per
line, and answers each with {"result": {...}} or {"error": "..."} on file descriptor 3. A workload is
set up (and called once untimed) on its first request and stays ready for the next rounds, so that
`theorylab bench` can interleave the reference with its own backends.

Timing follows pkg/bench.Measure exactly: one untimed warm-up call, then calls until min-time has
passed and at least 3 calls were made; the median per-call time divided by the operations per call.
A workload marked "single" (a whole preset) is timed once, with nothing before it.

"check" is a number computed from the workload's outputs (a loss, a norm, a sum) that
`theorylab bench` compares with its own, so a ratio is never reported for two different computations.

"blas" names the BLAS library the process actually uses, found at run time: after a matrix product the
script reads which BLAS files /proc/self/maps shows mapped and asks OpenBLAS for its version and kernel
(Debian's python3-torch calls whatever libblas.so.3 points at: the slow reference BLAS unless
libopenblas0-pthread is installed).

The code follows TheoryLab's Go code line by line where it matters (models/mlp.Forward,
train.HalfMSE, train.GD, hessian.NewHVP, hessian.LanczosBatch, papers/eos.Run, models/lora.MLP.Forward,
train.SoftmaxCrossEntropy, train.Minibatch with Adam); eager PyTorch,
no torch.compile or TorchScript: what a researcher would write.
"""

import argparse
import ctypes
import json
import math
import os
import re
import statistics
import sys
import time

import torch

DTYPES = {"float32": torch.float32, "float64": torch.float64, "int32": torch.int32}


def load(inputs_dir, spec):
    """A tensor from {"file", "dtype", "shape"}."""
    with open(os.path.join(inputs_dir, spec["file"]), "rb") as f:
        buf = bytearray(f.read())
    return torch.frombuffer(buf, dtype=DTYPES[spec["dtype"]]).reshape(spec["shape"]).clone()


def measure(run, steps, min_time, single=False, warm_up=True):
    """pkg/bench.Measure: median seconds per call / steps, and the number of timed calls."""
    if single:
        t0 = time.perf_counter()
        run()
        return (time.perf_counter() - t0) / steps, 1
    if warm_up:
        run()  # not timed
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


# ---------------------------------------------------------------- LoRA Track A's training step

def lora_adam(inp, spec):
    """lora-step: one Adam step of the adapted MLP (models/lora.MLP.Forward, train.SoftmaxCrossEntropy,
    train.Minibatch): backbone frozen, head and adapters trained, every run at once. The call cycles
    through the minibatches written by Go and gathers each on the host, as the paper does."""
    params = [load(inp, p) for p in spec["params"]]  # W1 b1 W2 b2 (frozen), Wh bh, A1 B1 A2 B2
    trainable = spec["trainable"]
    for p, t in zip(params, trainable):
        p.requires_grad_(t)
    x, y = load(inp, spec["x"]), load(inp, spec["y"])
    batches = load(inp, spec["batches"]).long()  # [K, R, B]
    scale = spec["alpha"] / spec["rank"]
    opt = torch.optim.Adam([p for p, t in zip(params, trainable) if t], lr=spec["lr"], eps=spec["eps"])
    w1, b1, w2, b2, wh, bh, a1, bb1, a2, bb2 = params

    def forward(h):
        for w, b, a, bb in ((w1, b1, a1, bb1), (w2, b2, a2, bb2)):
            # h·W₀ + (α/r)·(h·Aᵀ)·Bᵀ + b, then ReLU; W₀ [R,k,d], A [R,r,k], B [R,d,r]
            h = torch.relu(torch.bmm(h, w) + scale * torch.bmm(torch.bmm(h, a.transpose(1, 2)), bb.transpose(1, 2))
                           + b.unsqueeze(1))
        return torch.bmm(h, wh) + bh.unsqueeze(1)

    state = {"calls": 0}

    def run():
        idx = batches[state["calls"] % len(batches)]  # [R, B]
        xb, yb = x[idx], y[idx]  # [R, B, D], [R, B, 5]
        opt.zero_grad(set_to_none=True)
        # L_r = −(1/B) Σₙ Σₖ yₙₖ log softmax(zₙ)ₖ, [R]; Σ_r L_r gives each run its own gradient.
        loss = -(yb * torch.log_softmax(forward(xb), -1)).sum(dim=(1, 2)) / xb.shape[1]
        loss.sum().backward()
        opt.step()
        state["calls"] += 1
        losses = loss.detach().tolist()
        if state["calls"] == spec["check_call"]:
            state["checked"] = losses

    # The mean over runs of the loss at the third call (after two Adam steps).
    return run, lambda: statistics.fmean(state["checked"])


KINDS = {"add1": add1, "matmul": matmul, "gd": gd_workload, "hvp": hvp_workload, "eos-quick": eos_quick,
         "lora-adam": lora_adam}



# ---------------------------------------------------------------- which BLAS

def blas_info():
    """The BLAS this process actually uses: (name, files). After one product (so that the library is
    loaded and called), the BLAS, LAPACK and OpenMP files mapped into the process are read from
    /proc/self/maps (paths there are resolved: Debian's libblas.so.3 alternative shows as the file it
    points at), and OpenBLAS is asked for its version, kernel and threads."""
    a = torch.ones(64, 64)
    torch.mm(a, a)
    files = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                parts = line.split(None, 5)
                if len(parts) == 6 and re.search(r"(blas|lapack|mkl|blis|gomp|iomp)[^/]*\.so", parts[5]):
                    files.add(parts[5].strip())
    except OSError:
        pass
    files = sorted(files)
    names = []
    for path in files:
        base = os.path.basename(path)
        if "lapack" in base or "omp" in base:
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        if hasattr(lib, "openblas_get_config"):
            lib.openblas_get_config.restype = ctypes.c_char_p
            lib.openblas_get_corename.restype = ctypes.c_char_p
            config = lib.openblas_get_config().decode().split()
            version = config[1] if len(config) > 1 and config[0] == "OpenBLAS" else "?"
            core = lib.openblas_get_corename().decode()
            threads = lib.openblas_get_num_threads()
            flavour = "pthread" if "pthread" in path else "openmp" if "openmp" in path else "serial" if "serial" in path else ""
            names.append(f"OpenBLAS {version}{' ' + flavour if flavour else ''}, {core} kernels, {plural(threads, 'thread')}")
        elif "mkl" in base:
            names.append(f"Intel MKL ({base})")
        elif "blis" in base:
            names.append(f"BLIS ({base})")
        elif "/blas/" in path:
            names.append(f"reference BLAS (netlib, unoptimized: {path})")
    seen = []
    for n in names:  # one library often appears as libblas.so.3 and libopenblas*.so
        if n not in seen:
            seen.append(n)
    if not seen:
        m = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
        seen = [f"unknown (torch BLAS_INFO={m.group(1) if m else '?'}; no BLAS file found mapped)"]
    return "; ".join(seen), files


def plural(n, word):
    return f"{n} {word}{'' if n == 1 else 's'}"


def metadata():
    blas, files = blas_info()
    return {"reference": f"PyTorch {torch.__version__} CPU eager, {plural(torch.get_num_threads(), 'thread')}, {blas}",
            "torch_version": torch.__version__, "threads": torch.get_num_threads(), "python": sys.executable,
            "blas": blas, "blas_libraries": files}


def serve(specs, args):
    """The bench server loop (pkg/bench/serve.go)."""
    out = os.fdopen(3, "w", buffering=1)
    print(json.dumps(metadata()), file=out)
    by_name = {s["name"]: s for s in specs}
    ready = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        name = req["name"]
        try:
            spec = by_name[name]
            t0 = time.perf_counter()
            if spec.get("single", False) or name not in ready:
                run, check = KINDS[spec["kind"]](args.inputs, spec)
                if not spec.get("single", False):
                    run()  # warm-up, not timed
                    ready[name] = (run, check)
            else:
                run, check = ready[name]
            sec, runs = measure(run, spec.get("steps_per_call", 1), req["min_time"], spec.get("single", False),
                                warm_up=False)
            result = {"name": name, "ms_per_step": sec * 1e3, "runs": runs, "check": check()}
            print(f"torch_ref: {name:22s} {sec * 1e3:12.3f} ms  ({runs} calls, {time.perf_counter() - t0:.1f} s)",
                  file=sys.stderr, flush=True)
            print(json.dumps({"result": result}), file=out)
        except Exception as e:  # answer, do not die: the other sides go on
            print(json.dumps({"error": f"{type(e).__name__}: {e}"}), file=out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inputs", required=True, help="folder with inputs.json written by theorylab bench")
    ap.add_argument("--out", help="JSON file to write (batch mode)")
    ap.add_argument("--serve", action="store_true", help="run as a bench server (see above)")
    ap.add_argument("--only", default="", help="regular expression on workload names")
    ap.add_argument("--min-time", type=float, default=1.0, help="seconds per workload (at least 3 calls)")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="torch.set_num_threads")
    args = ap.parse_args()
    if not args.serve and not args.out:
        ap.error("--out or --serve is required")

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    with open(os.path.join(args.inputs, "inputs.json")) as f:
        specs = json.load(f)["workloads"]
    if args.serve:
        serve(specs, args)
        return
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
    meta = metadata()
    meta["workloads"] = results
    with open(args.out, "w") as f:
        json.dump(meta, f, indent=1)


if __name__ == "__main__":
    main()
