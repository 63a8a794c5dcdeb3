"""Monte Carlo benchmarks, each a ratio of two timings taken side by side.

1. kernel vs the reference twin (the deterministic engine run once per path
   with that path's shocks) on the same deal, pipeline and paths;
2. kernel vs a plain NumPy copy of the bytes it must read and write (its
   random inputs and its (parties × paths × months) outputs);
3. Dask LocalCluster with 2 workers vs serial on the same job (parallel
   efficiency);
4. peak memory of whole simulations at growing path counts (each in a fresh
   process, so the peaks do not mix).

Usage: ``python benchmarks/montecarlo.py [--paths N] [--memory 2000,20000]``.

Its first two figures time the kernel's first call and compare it with a copy of
its inputs and outputs only; ``benchmarks/kernel.py`` (issue 15) measures the
kernel properly (warm-up, first call apart, one-thread BLAS, per stage, the
memory it really touches). The peak-memory runs here are still the reference for
whole simulations (``--memory 100000,1000000``, chunks of ``--memory-chunk``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time

import numpy as np

import pledgelab
from pledgelab.analysis import simulate
from pledgelab.drivers import draw, load_drivers
from pledgelab.engine import Shock, make_plan, run_paths, run_reference

DEAL, PIPE = "us-korea-2025-11", "korea-illustrative"


def _timed(fn):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def kernel_vs_reference(paths: int, ref_paths: int) -> None:
    deal, pipe = pledgelab.load_deal(DEAL), pledgelab.load_pipeline(PIPE)
    plan = make_plan(deal, pipe)
    model = load_drivers("default")
    d = draw(model, archetypes=plan.archetypes, build_months=plan.build_months, months=plan.months,
             paths=slice(0, paths), seed=7, benchmark_start=0.04)
    t_kernel, flows = _timed(lambda: run_paths(plan, d))

    def reference() -> None:
        for p in range(ref_paths):
            shocks = {pid: Shock(delay=int(d.delay[p, j]), capex_factor=float(d.capex_factor[p, j]),
                                 yield_factor=float(d.yield_factor[p, j]),
                                 abandon_at=int(d.abandon_at[p, j]), recovery=float(d.recovery[p, j]))
                      for j, pid in enumerate(plan.order)}
            run_reference(deal, pipe, shocks=shocks, benchmark=d.benchmark[p])

    t_ref, _ = _timed(reference)
    per_kernel = t_kernel / paths
    per_ref = t_ref / ref_paths
    io = [d.benchmark, d.capex_factor, d.yield_factor, d.delay, d.abandon_at, d.recovery,
          flows.paid, flows.got]
    nbytes = sum(a.nbytes for a in io)
    t_copy = min(_timed(lambda: [a.copy() for a in io])[0] for _ in range(5))
    print(f"| kernel vs reference twin ({DEAL} × {PIPE}, {paths} paths; reference on {ref_paths}) "
          f"| {per_kernel * 1e3:.2f} ms/path | {per_ref * 1e3:.0f} ms/path | "
          f"{per_ref / per_kernel:,.0f}× faster |")
    print(f"| kernel vs copying the {nbytes / 2**20:,.0f} MiB it reads and writes | {t_kernel:.2f} s | "
          f"{t_copy * 1e3:.1f} ms | {t_kernel / t_copy:,.0f}× the copy |")


def dask_efficiency(paths: int) -> None:
    try:
        import distributed  # noqa: F401
    except ImportError:
        print("| dask | skipped: pip install 'pledgelab[dask]' | | |")
        return
    t_serial, a = _timed(lambda: simulate(DEAL, pipeline=PIPE, paths=paths, seed=1, chunk_size=64))
    t_dask, b = _timed(lambda: simulate(DEAL, pipeline=PIPE, paths=paths, seed=1, chunk_size=64,
                                        backend="dask", workers=2))
    same = np.array_equal(a.npv, b.npv)
    print(f"| Dask LocalCluster, 2 workers, vs serial ({paths} paths; includes cluster start) | "
          f"{t_dask:.1f} s | {t_serial:.1f} s | speed-up {t_serial / t_dask:.2f}×, parallel "
          f"efficiency {t_serial / (2 * t_dask):.0%}, same numbers: {same} |")


def peak_memory(counts: list[int], backend: str, chunk: int = 1024) -> None:
    code = ("import resource, sys\n"
            "from pledgelab.analysis import simulate\n"
            "if __name__ == '__main__':\n"
            f"    simulate('{DEAL}', pipeline='{PIPE}', paths=int(sys.argv[1]), seed=3, chunk_size={chunk},\n"
            f"             backend='{backend}', workers=2)\n"
            "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,\n"
            "          resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    for n in counts:
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code, str(n)], capture_output=True, text=True,
                             check=True)
        main_kib, child_kib = (int(x) for x in out.stdout.strip().splitlines()[-1].split())
        print(f"| peak memory, {n:,} paths ({backend}, 2 workers, chunks of {chunk:,}) | main process "
              f"{main_kib / 2**20:.2f} GiB, largest worker {child_kib / 2**20:.2f} GiB | "
              f"{time.perf_counter() - t:.0f} s wall | |", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--paths", type=int, default=512)
    ap.add_argument("--reference-paths", type=int, default=8)
    ap.add_argument("--dask-paths", type=int, default=512)
    ap.add_argument("--memory", default="10000,100000")
    ap.add_argument("--memory-backend", default="process")
    ap.add_argument("--memory-chunk", type=int, default=1024)
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"NumPy {np.__version__}")
    print()
    print("| benchmark | measured | against | ratio |")
    print("|---|---|---|---|")
    kernel_vs_reference(args.paths, args.reference_paths)
    dask_efficiency(args.dask_paths)
    peak_memory([int(x) for x in args.memory.split(",") if x], args.memory_backend, args.memory_chunk)
    print()
    print(json.dumps({"note": "ratios measured side by side in one run"}))


if __name__ == "__main__":
    main()
