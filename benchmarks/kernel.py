"""The Monte Carlo kernel measured honestly: per stage, per path, per cell, memory touched.

One process, BLAS and OpenMP pools limited to one thread (threadpoolctl, stated in
the output). The first call (the compiled functions loaded from Numba's cache,
the plan's tables built) is timed and reported apart; then every stage is warmed
up and timed ``--repeat`` times, and the median is reported.

Stages of one chunk of ``--paths`` paths (default 1,024: one block of the drivers):

* ``draw``: the drivers' random inputs for the chunk;
* ``engine``: ``run_paths`` (schedule, debt, waterfall, routing to parties);
* ``irr``: ``irr_monthly_codes`` on every party's net cash (the investor's rows of
  a real simulation: several sign changes on every one);
* ``reduce``: the rest of ``simulate_chunk`` (NPV, payback, fan inputs, sums);
* ``chunk``: ``simulate_chunk`` as a whole, timed on its own (the stages are
  timed apart, so their sum need not equal it exactly).

A cell is one (path, month, waterfall): the unit of the compiled waterfall loop.
``tracemalloc`` gives the peak of Python and NumPy allocations during one chunk
(the memory the chunk touches beyond its inputs), not an assumption.

Ratios are of timings taken side by side in this run (the machine is shared and
loaded; absolute times drift from run to run, ratios much less).

Usage: ``.venv/bin/python benchmarks/kernel.py [--paths 1024] [--repeat 5] [--reference-paths 4]``
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

DEAL, PIPE = "us-korea-2025-11", "korea-illustrative"


def median_time(fn: Callable[[], Any], repeat: int) -> tuple[float, list[float]]:
    """Median of ``repeat`` timings of ``fn`` after one warm-up call."""
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paths", type=int, default=1024)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--reference-paths", type=int, default=4)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    limits = threadpool_limits(limits=1)  # noqa: F841 - kept for the whole run
    pools = ", ".join(f"{p['internal_api']}={p['num_threads']}" for p in threadpool_info()) or "none"

    t0 = time.perf_counter()
    import pledgelab
    from pledgelab.analysis._montecarlo import ChunkJob, simulate_chunk
    from pledgelab.drivers import draw, load_drivers
    from pledgelab.engine import Shock, make_plan, run_paths, run_reference
    from pledgelab.metrics import irr_monthly_codes
    t_import = time.perf_counter() - t0

    deal, pipe = pledgelab.load_deal(DEAL), pledgelab.load_pipeline(PIPE)
    plan = make_plan(deal, pipe)
    model = load_drivers("default")
    bench = float(deal.value("distribution.deemed_benchmark"))
    job = ChunkJob(plan=plan, model=model, seed=args.seed, discount_rate=bench, benchmark_start=bench)
    paths = slice(0, args.paths)

    t = time.perf_counter()
    stats = simulate_chunk(job, paths)
    t_first = time.perf_counter() - t
    n_wf = stats.waterfalls
    cells = args.paths * plan.months * max(n_wf, 1)

    def do_draw() -> Any:
        return draw(model, archetypes=plan.archetypes, build_months=plan.build_months, months=plan.months,
                    paths=paths, seed=args.seed, benchmark_start=bench)

    d = do_draw()
    flows = run_paths(plan, d)
    nets = [flows.paid[i] + flows.got[i] for i in range(len(flows.parties))]

    def do_irr() -> None:
        for net in nets:
            irr_monthly_codes(net)

    t_draw, _ = median_time(do_draw, args.repeat)
    t_engine, _ = median_time(lambda: run_paths(plan, d), args.repeat)
    t_irr, _ = median_time(do_irr, args.repeat)
    t_chunk, all_chunk = median_time(lambda: simulate_chunk(job, paths), args.repeat)
    t_reduce = max(t_chunk - t_draw - t_engine - t_irr, 0.0)

    tracemalloc.start()
    simulate_chunk(job, paths)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    inputs = sum(a.nbytes for a in (d.benchmark, d.capex_factor, d.yield_factor, d.delay, d.abandon_at,
                                    d.recovery))

    def reference() -> None:
        for p in range(args.reference_paths):
            shocks = {pid: Shock(delay=int(d.delay[p, j]), capex_factor=float(d.capex_factor[p, j]),
                                 yield_factor=float(d.yield_factor[p, j]),
                                 abandon_at=int(d.abandon_at[p, j]), recovery=float(d.recovery[p, j]))
                      for j, pid in enumerate(plan.order)}
            run_reference(deal, pipe, shocks=shocks, benchmark=d.benchmark[p])

    t_ref = float("nan")
    if args.reference_paths:
        t_ref, _ = median_time(reference, 1)
    inv = nets[flows.parties.index(deal.investor)]
    changes = [int(np.count_nonzero(np.diff(np.sign(r[r != 0])))) for r in inv]

    per_path = t_chunk / args.paths
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}; Python {platform.python_version()}, "
          f"NumPy {np.__version__}; thread pools: {pools}")
    print(f"{DEAL} × {PIPE}: {args.paths:,} paths a chunk, {plan.months} months, {n_wf} waterfalls a path, "
          f"{len(flows.parties)} parties; investor rows change sign {min(changes)}–{max(changes)} times "
          f"(median {statistics.median(changes):.0f})")
    print(f"import {t_import:.2f} s; first chunk (cache load, plan tables) {t_first:.2f} s; "
          f"then median of {args.repeat} after a warm-up; chunk timings "
          + ", ".join(f"{x:.3f}" for x in all_chunk) + " s")
    print()
    print("| stage | s a chunk | µs a path | ns a cell | share |")
    print("|---|---:|---:|---:|---:|")
    for name, val in (("draw", t_draw), ("engine (run_paths)", t_engine), ("irr (all parties)", t_irr),
                      ("reduce (NPV, payback, fan)", t_reduce), ("chunk (simulate_chunk)", t_chunk)):
        print(f"| {name} | {val:.3f} | {val / args.paths * 1e6:,.0f} | {val / cells * 1e9:.1f} | "
              f"{val / t_chunk:.0%} |")
    print()
    print(f"tracemalloc peak of one chunk: {peak / 2**20:,.0f} MiB (inputs {inputs / 2**20:,.1f} MiB)")
    if args.reference_paths:
        ref = t_ref / args.reference_paths
        print(f"reference twin: {ref * 1e3:,.0f} ms a path ({args.reference_paths} paths); "
              f"the chunk is {ref / per_path:,.0f}× faster a path")
    print(f"bound of the issue (35–50 µs a path): the chunk is {per_path / 50e-6:.1f}× above 50 µs")


if __name__ == "__main__":
    main()
