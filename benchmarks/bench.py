"""Race `convstep.fast` against PyTorch (and the loops) on the CPU.

Run from the repository root::

    .venv/bin/python benchmarks/bench.py [--rounds N] [--json PATH]

Prints one table of medians, ratios and peak memory for every case of
issue 5's target set, forward and forward+backward, in float64 and
float32, then the geometric means the targets are stated in. Progress
goes to stderr, the results to stdout (and to JSON with ``--json``).
See benchmarks/README.md for how to read it.
"""

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
import tracemalloc

import numpy as np

from convstep import conv, fast, pool

try:
    import torch
except ImportError:
    torch = None

try:
    import threadpoolctl
except ImportError:
    threadpoolctl = None

# (m, n_H_prev = n_W_prev, n_C_prev, n_C, f, stride, pad), from issue 5.
CONV_CASES = [
    (32, 32, 16, 32, 3, 1, 1),
    (64, 28, 1, 8, 5, 1, 2),
    (8, 64, 32, 64, 3, 2, 1),
    (16, 56, 64, 64, 3, 1, 1),
]
# (m, n_H_prev = n_W_prev, n_C, f, stride), each in both modes.
POOL_CASES = [(32, 32, 16, 2, 2), (32, 32, 16, 3, 2)]
MODES = ("max", "average")
DTYPES = (np.float64, np.float32)
PASSES = ("forward", "forward+backward")

# The targets: float64 geometric mean and worst case, float32.
TARGET_FLOAT64_GEOMEAN = 1.0
TARGET_FLOAT64_WORST = 0.5
TARGET_FLOAT32_GEOMEAN = 0.33


def progress(message):
    print(message, file=sys.stderr, flush=True)


# Cases: each knows how to run itself in NumPy and in PyTorch -----------


class ConvCase:
    kind = "conv"

    def __init__(self, m, n_prev, n_C_prev, n_C, f, stride, pad):
        self.shape = (m, n_prev, n_C_prev, n_C, f, stride, pad)
        self.m = m
        self.hparameters = {"stride": stride, "pad": pad}

    @property
    def label(self):
        m, n, c_prev, c, f, s, p = self.shape
        return f"conv {m}x{n}x{n}x{c_prev}->{c} f{f} s{s} p{p}"

    def with_batch(self, m):
        return ConvCase(m, *self.shape[1:])

    def arrays(self, dtype):
        m, n, c_prev, c, f, s, p = self.shape
        rng = np.random.default_rng(0)
        A_prev = rng.standard_normal((m, n, n, c_prev)).astype(dtype)
        W = rng.standard_normal((f, f, c_prev, c)).astype(dtype)
        b = rng.standard_normal((1, 1, 1, c)).astype(dtype)
        n_out = (n + 2 * p - f) // s + 1
        dZ = rng.standard_normal((m, n_out, n_out, c)).astype(dtype)
        return A_prev, W, b, dZ

    def numpy_runner(self, module, dtype, backward):
        A_prev, W, b, dZ = self.arrays(dtype)
        hparameters = self.hparameters

        def forward():
            module.conv_forward(A_prev, W, b, hparameters)

        def forward_backward():
            _, cache = module.conv_forward(A_prev, W, b, hparameters)
            module.conv_backward(dZ, cache)

        return forward_backward if backward else forward

    def torch_runner(self, dtype, backward):
        A_prev, W, b, dZ = self.arrays(dtype)
        x = to_nchw(A_prev).requires_grad_(backward)
        weight = torch.from_numpy(
            np.ascontiguousarray(W.transpose(3, 2, 0, 1))
        )
        weight.requires_grad_(backward)
        bias = torch.from_numpy(b.reshape(-1).copy()).requires_grad_(backward)
        grad = to_nchw(dZ)
        stride, pad = self.hparameters["stride"], self.hparameters["pad"]
        conv2d = torch.nn.functional.conv2d

        def forward():
            with torch.no_grad():
                conv2d(x, weight, bias, stride=stride, padding=pad)

        def forward_backward():
            Z = conv2d(x, weight, bias, stride=stride, padding=pad)
            torch.autograd.grad(Z, (x, weight, bias), grad)

        return forward_backward if backward else forward


class PoolCase:
    kind = "pool"

    def __init__(self, m, n_prev, n_C, f, stride, mode):
        self.shape = (m, n_prev, n_C, f, stride)
        self.m = m
        self.mode = mode
        self.hparameters = {"f": f, "stride": stride}

    @property
    def label(self):
        m, n, c, f, s = self.shape
        return f"{self.mode[:3]}pool {m}x{n}x{n}x{c} f{f} s{s}"

    def with_batch(self, m):
        return PoolCase(m, *self.shape[1:], self.mode)

    def arrays(self, dtype):
        m, n, c, f, s = self.shape
        rng = np.random.default_rng(0)
        A_prev = rng.standard_normal((m, n, n, c)).astype(dtype)
        n_out = (n - f) // s + 1
        dA = rng.standard_normal((m, n_out, n_out, c)).astype(dtype)
        return A_prev, dA

    def numpy_runner(self, module, dtype, backward):
        A_prev, dA = self.arrays(dtype)
        hparameters, mode = self.hparameters, self.mode

        def forward():
            module.pool_forward(A_prev, hparameters, mode)

        def forward_backward():
            _, cache = module.pool_forward(A_prev, hparameters, mode)
            module.pool_backward(dA, cache, mode)

        return forward_backward if backward else forward

    def torch_runner(self, dtype, backward):
        A_prev, dA = self.arrays(dtype)
        x = to_nchw(A_prev).requires_grad_(backward)
        grad = to_nchw(dA)
        f, stride = self.hparameters["f"], self.hparameters["stride"]
        F = torch.nn.functional
        pool2d = F.max_pool2d if self.mode == "max" else F.avg_pool2d

        def forward():
            with torch.no_grad():
                pool2d(x, f, stride)

        def forward_backward():
            torch.autograd.grad(pool2d(x, f, stride), x, grad)

        return forward_backward if backward else forward


def to_nchw(array):
    """A channels-last array as PyTorch's contiguous (N, C, H, W)."""
    return torch.from_numpy(np.ascontiguousarray(array.transpose(0, 3, 1, 2)))


def all_cases():
    cases = [ConvCase(*shape) for shape in CONV_CASES]
    for shape in POOL_CASES:
        cases += [PoolCase(*shape, mode) for mode in MODES]
    return cases


# Measuring -------------------------------------------------------------


def race(runners, rounds):
    """Median seconds of each runner, measured in alternating rounds.

    Alternating (ours, torch, ours, torch, ...) spreads the shared
    machine's noise evenly over the contestants; one warm-up call each
    comes first and is not counted.
    """
    for run in runners:
        run()
    times = [[] for _ in runners]
    for _ in range(rounds):
        for run, samples in zip(runners, times, strict=True):
            start = time.perf_counter()
            run()
            samples.append(time.perf_counter() - start)
    return [statistics.median(samples) for samples in times]


def peak_bytes(run):
    """Peak memory NumPy allocates during `run()`, from tracemalloc."""
    tracemalloc.start()
    try:
        run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def measure_case(case, dtype, backward, rounds):
    ours = case.numpy_runner(fast, dtype, backward)
    runners = [ours]
    if torch is not None:
        runners.append(case.torch_runner(dtype, backward))
    times = race(runners, rounds)

    row = {
        "case": case.label,
        "kind": case.kind,
        "dtype": np.dtype(dtype).name,
        "pass": PASSES[backward],
        "fast_s": times[0],
        "torch_s": times[1] if torch is not None else None,
        "peak_bytes": peak_bytes(ours),
    }
    row["torch_over_fast"] = (
        row["torch_s"] / row["fast_s"] if torch is not None else None
    )
    return row


def measure_loops(case, backward, batch):
    """Loops against fast on a `batch`-sized copy of `case`, float64."""
    small = case.with_batch(batch)
    loops = small.numpy_runner(
        conv if case.kind == "conv" else pool, np.float64, backward
    )
    start = time.perf_counter()
    loops()
    loop_s = time.perf_counter() - start
    (fast_s,) = race([small.numpy_runner(fast, np.float64, backward)], 5)
    return {
        "case": small.label,
        "pass": PASSES[backward],
        "batch": batch,
        "loops_s": loop_s,
        "fast_s": fast_s,
        "loops_over_fast": loop_s / fast_s,
    }


def geometric_mean(values):
    return math.exp(statistics.fmean(math.log(v) for v in values))


def summarise(rows):
    summary = {}
    for dtype in ("float64", "float32"):
        ratios = [r["torch_over_fast"] for r in rows if r["dtype"] == dtype]
        if ratios and ratios[0] is not None:
            summary[dtype] = {
                "geometric_mean": geometric_mean(ratios),
                "worst": min(ratios),
                "count": len(ratios),
            }
    return summary


# The machine -----------------------------------------------------------


def numpy_threads_and_blas():
    """(threads, description) of the BLAS NumPy uses."""
    if threadpoolctl is None:
        threads = os.cpu_count() or 1
        return threads, f"unknown (no threadpoolctl); assumed {threads} "
    for pool_info in threadpoolctl.threadpool_info():
        if (
            pool_info["user_api"] == "blas"
            and "numpy" in pool_info["filepath"]
        ):
            description = (
                f"{pool_info['internal_api']} {pool_info['version']}, "
                f"kernel {pool_info.get('architecture', '?')}, "
                f"{pool_info['num_threads']} threads (threadpoolctl)"
            )
            return pool_info["num_threads"], description
    threads = os.cpu_count() or 1
    return threads, f"not found by threadpoolctl; assumed {threads}"


def environment(threads, blas):
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__ if torch is not None else None,
        "torch_threads": torch.get_num_threads() if torch else None,
        "numpy_blas": blas,
        "numpy_threads": threads,
        "machine": platform.machine(),
        "processor": cpu_model(),
        "cores": os.cpu_count(),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE"),
    }


def cpu_model():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


# Printing --------------------------------------------------------------


def format_table(rows):
    header = (
        f"{'case':<32} {'dtype':<7} {'pass':<16} {'fast ms':>9} "
        f"{'torch ms':>9} {'torch/fast':>10} {'peak MiB':>9}"
    )
    lines = [header, "-" * len(header)]
    for r in rows:
        torch_ms = (
            f"{r['torch_s'] * 1e3:9.2f}" if r["torch_s"] else "    -    "
        )
        ratio = (
            f"{r['torch_over_fast']:10.2f}"
            if r["torch_over_fast"]
            else " " * 10
        )
        lines.append(
            f"{r['case']:<32} {r['dtype']:<7} {r['pass']:<16} "
            f"{r['fast_s'] * 1e3:9.2f} {torch_ms} {ratio} "
            f"{r['peak_bytes'] / 2**20:9.1f}"
        )
    return "\n".join(lines)


def format_loops(rows):
    header = (
        f"{'case (smaller batch)':<32} {'pass':<16} {'loops ms':>10} "
        f"{'fast ms':>9} {'loops/fast':>10}"
    )
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append(
            f"{r['case']:<32} {r['pass']:<16} {r['loops_s'] * 1e3:10.1f} "
            f"{r['fast_s'] * 1e3:9.3f} {r['loops_over_fast']:10.0f}"
        )
    return "\n".join(lines)


def format_summary(summary):
    targets = {
        "float64": f"target >= {TARGET_FLOAT64_GEOMEAN}, worst >= "
        f"{TARGET_FLOAT64_WORST}",
        "float32": f"target >= {TARGET_FLOAT32_GEOMEAN}",
    }
    lines = []
    for dtype, s in summary.items():
        lines.append(
            f"{dtype}: geometric mean of torch/fast over {s['count']} rows "
            f"= {s['geometric_mean']:.2f}, worst = {s['worst']:.2f} "
            f"({targets[dtype]})"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rounds", type=int, default=15, help="timed calls per contestant"
    )
    parser.add_argument(
        "--loop-batch",
        type=int,
        default=1,
        help="batch size for the loop comparison (0 skips it)",
    )
    parser.add_argument("--json", metavar="PATH", help="also write JSON here")
    args = parser.parse_args(argv)

    threads, blas = numpy_threads_and_blas()
    if torch is not None:
        torch.set_num_threads(threads)
    env = environment(threads, blas)

    rows = []
    cases = all_cases()
    for dtype in DTYPES:
        for case in cases:
            for backward in (False, True):
                progress(
                    f"timing {case.label}, {np.dtype(dtype).name}, "
                    f"{PASSES[backward]}"
                )
                rows.append(measure_case(case, dtype, backward, args.rounds))

    loop_rows = []
    if args.loop_batch > 0:
        for case in cases:
            for backward in (False, True):
                progress(f"loops on {case.label}, {PASSES[backward]}")
                loop_rows.append(
                    measure_loops(case, backward, args.loop_batch)
                )

    summary = summarise(rows)
    print(f"NumPy {env['numpy']}, BLAS: {blas}")
    if torch is not None:
        print(f"PyTorch {env['torch']}, torch.set_num_threads({threads})")
    else:
        print("PyTorch not installed: no torch column")
    print(
        f"CPU: {env['processor']}, {env['cores']} cores; "
        f"OPENBLAS_CORETYPE={env['OPENBLAS_CORETYPE']}, "
        f"OPENBLAS_L2_SIZE={env['OPENBLAS_L2_SIZE']}"
    )
    print(
        f"Medians of {args.rounds} alternating rounds. Peak MiB: what "
        "tracemalloc sees NumPy allocate in one call of the fast version."
    )
    print()
    print(format_table(rows))
    print()
    print(format_summary(summary))
    if loop_rows:
        print()
        print(
            f"Loops (the reference) against fast, float64, on a batch of "
            f"{args.loop_batch} (one timed call of the loops):"
        )
        print(format_loops(loop_rows))

    if args.json:
        results = {
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "environment": env,
            "rounds": args.rounds,
            "rows": rows,
            "summary": summary,
            "loops": loop_rows,
        }
        os.makedirs(os.path.dirname(args.json) or ".", exist_ok=True)
        with open(args.json, "w") as out:
            json.dump(results, out, indent=2)
        progress(f"wrote {args.json}")


if __name__ == "__main__":
    main()
