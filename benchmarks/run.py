"""Deterministic-engine benchmarks, reported as ratios measured side by side.

For each shipped deal and its pipeline: the deterministic run (the compiled
kernel with one path, in trace mode) against the plain reference twin on the
same plan, and against a NumPy copy of the flows it returns (the memory
floor). Run with ``make bench``.
"""

from __future__ import annotations

import os
import platform
import time

import numpy as np

import pledgelab
from pledgelab.engine import run_reference


def best(fn, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"NumPy {np.__version__}")
    print()
    print("| benchmark | engine | against | ratio |")
    print("|---|---|---|---|")
    for deal_id, pipe_id in (("us-korea-2025-11", "korea-illustrative"),
                             ("korea-counter-2025-10", "korea-illustrative"),
                             ("us-japan-2025-09", "japan-first-tranche")):
        d = pledgelab.load_deal(deal_id)
        p = pledgelab.load_pipeline(pipe_id)
        pledgelab.run(d, p)  # compile or load the cached kernels first
        t_run = best(lambda d=d, p=p: pledgelab.run(d, p), 5)
        t_ref = best(lambda d=d, p=p: run_reference(d, p), 2)
        res = pledgelab.run(d, p)
        stack = np.stack([line.values for line in res.lines])
        t_copy = best(lambda stack=stack: stack.copy(), 20)
        print(f"| run {deal_id} × {pipe_id} vs the plain reference twin | {t_run * 1e3:.1f} ms | "
              f"{t_ref * 1e3:.0f} ms | {t_ref / t_run:,.1f}× faster |")
        print(f"| the same run vs copying its {len(res.lines)} lines × {res.months} months | "
              f"{t_run * 1e3:.1f} ms | {t_copy * 1e3:.3f} ms | {t_run / t_copy:,.0f}× the copy |")


if __name__ == "__main__":
    main()
