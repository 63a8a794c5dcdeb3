"""What-if benchmarks (issue 13): many deal variants over Monte Carlo paths on each backend, and
the cost of a Sobol' analysis. Not timed tests: numbers for docs/performance.md.

1. ``--variants`` variants (the annual cap on a grid) × ``--paths`` paths of us-korea-2025-11 on
   korea-illustrative, as one frontier, on serial, a process pool of 2 workers and a Dask
   LocalCluster of 2 workers; parallel efficiency = serial time / (workers × parallel time).
   The Dask time includes starting the local cluster. The three results are checked equal.
2. A deterministic Sobol' analysis of the signed deal's assumed clauses at ``--sobol`` base
   samples: runs, seconds, seconds a run, and the cost at N = 1,024 (linear in the runs: every
   run is one deterministic pass, the indices' arithmetic is negligible beside them).

Usage: ``python benchmarks/frontier.py [--variants 200] [--paths 2000] [--sobol 1024] [--skip-backends]``.
The issue's sizes are the defaults; on a shared two-core machine use smaller ones and say so.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

import numpy as np

from pledgelab.analysis import frontier, sensitivity
from pledgelab.executors import get_executor

DEAL, PIPE = "us-korea-2025-11", "korea-illustrative"


def backends(variants: int, paths: int, workers: int) -> dict[str, float]:
    times: dict[str, float] = {}
    values: dict[str, np.ndarray] = {}
    for backend in ("serial", "process", "dask"):
        t = time.perf_counter()
        with get_executor(backend, workers=workers) as ex:
            res = frontier(DEAL, pipeline=PIPE, vary=[f"timeline.annual_cap=10e9:25e9:{variants}"],
                           objectives=["KR.npv", "US.npv"], reservation=None, positions=(), paths=paths,
                           seed=7, executor=ex)
        times[backend] = time.perf_counter() - t
        values[backend] = res.values
        print(json.dumps({"backend": backend, "variants": variants, "paths": paths,
                          "seconds": round(times[backend], 2)}), flush=True)
    assert all(np.array_equal(values["serial"], v) for v in values.values()), "backends differ"
    for backend in ("process", "dask"):
        eff = times["serial"] / (workers * times[backend])
        print(json.dumps({"backend": backend, "speed-up": round(times["serial"] / times[backend], 2),
                          "efficiency": round(eff, 2)}), flush=True)
    return times


def sobol_cost(samples: int) -> None:
    t = time.perf_counter()
    res = sensitivity(DEAL, pipeline=PIPE, samples=samples, outcomes=["KR.npv", "US.npv"])
    s = time.perf_counter() - t
    per = s / res.runs
    d = len(res.factors)
    at_1024 = per * (1024 * (d + 2) + (res.runs - samples * (d + 2)))
    print(json.dumps({"sobol_samples": samples, "factors": d, "runs": res.runs, "seconds": round(s, 1),
                      "seconds_per_run": round(per, 4), "seconds_at_N_1024": round(at_1024, 0)}), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variants", type=int, default=200)
    ap.add_argument("--paths", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--sobol", type=int, default=1024)
    ap.add_argument("--skip-backends", action="store_true")
    ap.add_argument("--skip-sobol", action="store_true")
    args = ap.parse_args()
    print(json.dumps({"machine": platform.machine(), "cpus": os.cpu_count(),
                      "load_average": [round(x, 1) for x in os.getloadavg()]}), flush=True)
    if not args.skip_backends:
        backends(args.variants, args.paths, args.workers)
    if not args.skip_sobol:
        sobol_cost(args.sobol)
    print(json.dumps({"load_average_after": [round(x, 1) for x in os.getloadavg()]}), flush=True)


if __name__ == "__main__":
    main()
