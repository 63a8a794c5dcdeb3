"""Benchmarks, reported as ratios measured side by side in one run.

1. The waterfall on many paths at once vs the same waterfall called once per
   path (the vectorisation the Monte Carlo engine will rely on).
2. A full deterministic run of each shipped deal over its pipeline, against a
   plain NumPy copy of the bytes of its flow lines (the memory floor).

Run with ``make bench``.
"""

from __future__ import annotations

import platform
import time

import numpy as np

import pledgelab
from pledgelab.engine.waterfall import compile_rule, run_waterfall


def best(fn, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    deal = pledgelab.load_deal("us-korea-2025-11")
    rule = compile_rule(deal)
    paths, months = 2000, 360
    rng = np.random.default_rng(7)
    contrib = np.zeros((paths, months))
    contrib[:, 0] = 100.0
    cash = rng.uniform(0.0, 3.0, (paths, months))
    vec = best(lambda: run_waterfall(rule, contrib, cash, 0.06, months - 1), 3)
    sub = 100
    loop = best(lambda: [run_waterfall(rule, contrib[i:i + 1], cash[i:i + 1], 0.06, months - 1)
                         for i in range(sub)], 3) * paths / sub
    print(f"machine: {platform.machine()}, {platform.processor() or 'unknown cpu'}, "
          f"Python {platform.python_version()}, NumPy {np.__version__}")
    print()
    print("| benchmark | vectorised | reference | ratio |")
    print("|---|---|---|---|")
    print(f"| waterfall, {paths} paths x {months} months vs one call per path | {vec:.3f} s | "
          f"{loop:.3f} s | {loop / vec:.1f}x faster |")
    for deal_id, pipe_id in (("us-korea-2025-11", "korea-illustrative"),
                             ("us-japan-2025-09", "japan-first-tranche")):
        d = pledgelab.load_deal(deal_id)
        p = pledgelab.load_pipeline(pipe_id)
        t_run = best(lambda d=d, p=p: pledgelab.run(d, p), 3)
        res = pledgelab.run(d, p)
        stack = np.stack([line.values for line in res.lines])
        t_copy = best(lambda stack=stack: stack.copy(), 20)
        print(f"| run {deal_id} x {pipe_id} ({len(res.lines)} lines x {res.months} months) "
              f"vs copying its output | {t_run:.3f} s | {t_copy * 1e3:.3f} ms (copy) | "
              f"{t_run / t_copy:,.0f}x the copy |")


if __name__ == "__main__":
    main()
