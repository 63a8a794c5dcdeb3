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

``before`` is the chunk as it was before issue 15 (``chunk_before`` below: the
kernel of commit ``BEFORE`` read from git, the whole chunk through it at once,
NumPy reductions, every row with several sign changes to the IRR's grid scan),
timed interleaved with ``after`` so both see the same load. ``--cli N`` also
times ``pledgelab simulate`` of N paths in a fresh process, twice (the second
warm), against N times the chunk's time a path;
``--pool N`` times the process pool (2 workers, chunks of 1,024) against serial.
``--waterfall-before COMMIT`` times the engine with ``engine/_waterfall.py`` as it was at
COMMIT (read from git) against the working tree's, interleaved, on the same draws and
outlooks, and checks that both give the same numbers bit for bit.

A cell is one (path, month, waterfall): the unit of the compiled waterfall loop.
``tracemalloc`` gives the peak of Python and NumPy allocations during one chunk
(the memory the chunk touches beyond its inputs), not an assumption.

Ratios are of timings taken side by side in this run (the machine is shared and
loaded; absolute times drift from run to run, ratios much less).

Usage: ``.venv/bin/python benchmarks/kernel.py [--paths 1024] [--repeat 5] [--reference-paths 4]
[--cli 10000] [--pool 8192]``
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


BEFORE = "6fe7ad5"  # the last commit of engine/_kernel.py before issue 15 (issue 14's governance in)


def kernel_before() -> Any:
    """``engine/_kernel.py`` as it was at :data:`BEFORE`, read from git and imported from a
    temporary file (so that Numba can cache it)."""
    return module_at(BEFORE, "engine/_kernel.py")


def module_at(commit: str, module: str) -> Any:
    """``src/pledgelab/<module>`` as it was at ``commit``, read from git and imported from a
    temporary file (so that Numba can cache it)."""
    import importlib.util
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    src = subprocess.run(["git", "-C", str(root), "show", f"{commit}:src/pledgelab/{module}"],
                         capture_output=True, text=True, check=True).stdout
    stem = f"pledgelab_{Path(module).stem.lstrip('_')}_{commit}"
    path = Path(tempfile.gettempdir()) / f"{stem}.py"
    if not path.exists() or path.read_text() != src:
        path.write_text(src)
    spec = importlib.util.spec_from_file_location(stem, path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def chunk_before(job: Any, paths: slice, run_paths: Callable[..., Any]) -> None:
    """The chunk as computed before issue 15, for timing side by side: the drivers' draw of the
    chunk, the kernel of :data:`BEFORE` on the whole chunk, NumPy reductions, the IRR's grid scan."""
    from pledgelab.drivers import draw
    from pledgelab.metrics import irr_monthly_codes

    plan = job.plan
    draws = draw(job.model, archetypes=plan.archetypes, build_months=plan.build_months,
                 months=plan.months, paths=paths, seed=job.seed, benchmark_start=job.benchmark_start)
    flows = run_paths(plan, draws)
    disc = np.power(1.0 + job.discount_rate, -np.arange(plan.months) / 12.0)
    keep = min(10_000, paths.stop) - paths.start
    years = plan.months // 12
    for i in range(len(flows.parties)):
        net = flows.paid[i] + flows.got[i]
        _ = -flows.paid[i].sum(axis=1), flows.got[i].sum(axis=1), (net * disc).sum(axis=1)
        irr_monthly_codes(net, scan_only=True)
        cum = np.cumsum(net, axis=1)
        was_neg = np.maximum.accumulate(cum < -1e-6, axis=1)
        back = was_neg & (cum >= -1e-6)
        _ = np.where(back.any(axis=1), back.argmax(axis=1), -1), cum[:keep, 11: years * 12: 12]


def side_by_side(fns: dict[str, Callable[[], Any]], repeat: int) -> dict[str, float]:
    """Median time of each function, the calls interleaved so that each sees the same load."""
    for fn in fns.values():
        fn()
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeat):
        for k, fn in fns.items():
            t = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t)
    return {k: statistics.median(v) for k, v in times.items()}


STAGES = (  # (stage, test on a profiled function's file and name), first match wins
    ("draw (drivers)", lambda f, n: "/drivers/" in f),
    ("schedule loop (compiled)", lambda f, n: n == "_schedule_paths"),
    ("waterfall (compiled)", lambda f, n: n in ("_waterfall_rows", "_evident_shortfall")),
    ("debt (compiled)", lambda f, n: n == "_debt_rows"),
    ("routing, compiled (all-equity deals)", lambda f, n: n in ("route_equity", "_operating")),
    ("IRR", lambda f, n: "/metrics/" in f),
    ("reduction, compiled (NPV, payback, fan)", lambda f, n: "_reduce.py" in f),
)


_REST = "NumPy and Python: the engine's routing (before: also the reduction)"


def stage_profile(fn: Callable[[], Any]) -> dict[str, float]:
    """Seconds of ``fn`` by stage: each profiled function's own time, put in the first stage that
    claims it (else in "engine: NumPy and Python around the compiled loops")."""
    import cProfile
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    fn()
    prof.disable()
    out: dict[str, float] = {}
    for (file, _, name), row in pstats.Stats(prof).stats.items():  # type: ignore[attr-defined]
        stage = next((s for s, test in STAGES if test(file, name)), _REST)
        out[stage] = out.get(stage, 0.0) + row[2]
    return out


def peak_mib(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paths", type=int, default=1024)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--reference-paths", type=int, default=4)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--cli", type=int, default=0, help="paths of a pledgelab simulate run (0: skip)")
    ap.add_argument("--pool", type=int, default=0, help="paths of the process-pool run (0: skip)")
    ap.add_argument("--dask", type=int, default=0, help="paths of the Dask run (0: skip)")
    ap.add_argument("--threads", type=int, default=0, help="chunks of 1,024 run on 2 threads (0: skip)")
    ap.add_argument("--waterfall-before", default="",
                    help="a commit: the engine with engine/_waterfall.py as it was there against the "
                         "working tree's, side by side, same numbers checked (then exit)")
    args = ap.parse_args()
    limits = threadpool_limits(limits=1)  # noqa: F841 - kept for the whole run
    pools = ", ".join(f"{p['internal_api']}={p['num_threads']}" for p in threadpool_info()) or "none"

    t0 = time.perf_counter()
    import pledgelab
    from pledgelab.analysis._montecarlo import SUB_BLOCK, ChunkJob, simulate_chunk
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
    def do_engine() -> list[Any]:  # as the chunk runs it: SUB_BLOCK paths at a time
        return [run_paths(plan, d.take(slice(s, min(s + SUB_BLOCK, args.paths))))
                for s in range(0, args.paths, SUB_BLOCK)]

    if args.waterfall_before:
        waterfall_side_by_side(args.waterfall_before, do_engine, args.paths, args.repeat)
        return

    t_engine, _ = median_time(do_engine, args.repeat)
    t_irr, _ = median_time(do_irr, args.repeat)
    t_chunk, all_chunk = median_time(lambda: simulate_chunk(job, paths), args.repeat)
    t_reduce = max(t_chunk - t_draw - t_engine - t_irr, 0.0)

    old_paths = kernel_before().run_paths
    both = side_by_side({"before": lambda: chunk_before(job, paths, old_paths),
                         "after": lambda: simulate_chunk(job, paths)}, args.repeat)
    prof_before = stage_profile(lambda: chunk_before(job, paths, old_paths))
    prof_after = stage_profile(lambda: simulate_chunk(job, paths))
    peak = peak_mib(lambda: simulate_chunk(job, paths))
    peak_before = peak_mib(lambda: chunk_before(job, paths, old_paths))
    peak_draw = peak_mib(do_draw)
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
    print("profile of one chunk (cProfile, each function's own time; profiling adds its overhead):")
    print()
    print("| stage | before: s | after: s | before: µs a path | after: µs a path | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    names = [s for s, _ in STAGES] + [_REST]
    for name in [*names, "total"]:
        b = sum(prof_before.values()) if name == "total" else prof_before.get(name, 0.0)
        a = sum(prof_after.values()) if name == "total" else prof_after.get(name, 0.0)
        ratio = f"{b / a:.1f}×" if a > 0 else ""
        print(f"| {name} | {b:.3f} | {a:.3f} | {b / args.paths * 1e6:,.0f} | {a / args.paths * 1e6:,.0f} | "
              f"{ratio} |")
    print()
    print(f"before vs after, interleaved, median of {args.repeat}: {both['before']:.3f} s vs "
          f"{both['after']:.3f} s a chunk = {both['before'] / args.paths * 1e6:,.0f} vs "
          f"{both['after'] / args.paths * 1e6:,.0f} µs a path: {both['before'] / both['after']:.1f}× faster")
    print(f"tracemalloc peak of one chunk: after {peak:,.0f} MiB (of which the drivers' draw alone "
          f"{peak_draw:,.0f} MiB), before {peak_before:,.0f} MiB; inputs {inputs / 2**20:,.1f} MiB")
    if args.reference_paths:
        ref = t_ref / args.reference_paths
        print(f"reference twin: {ref * 1e3:,.0f} ms a path ({args.reference_paths} paths); "
              f"the chunk is {ref / per_path:,.0f}× faster a path")
    print(f"bound of the issue (35–50 µs a path): the chunk is {per_path / 50e-6:.1f}× above 50 µs")
    if args.cli:
        cli_vs_kernel(args.cli, per_path)
    if args.pool:
        pool_efficiency(args.pool)
    if args.dask:
        dask_efficiency(args.dask)
    if args.threads:
        threads_efficiency(job, args.threads)


def cli_vs_kernel(paths: int, per_path: float) -> None:
    """``pledgelab simulate`` in a fresh process, twice (the second with Numba's cache warm)."""
    import subprocess
    import sys
    from pathlib import Path

    exe = Path(sys.executable).with_name("pledgelab")
    cmd = [str(exe), "simulate", DEAL, "--pipeline", PIPE, "--paths", str(paths), "--seed", "7"]
    walls = []
    for _ in range(2):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
        walls.append(time.perf_counter() - t)
    kernel = per_path * paths
    print(f"pledgelab simulate --paths {paths:,}: {walls[0]:.1f} s cold, {walls[1]:.1f} s warm; the kernel's "
          f"share {kernel:.1f} s (a path's time × paths): warm wall {walls[1] / kernel:.2f}× the kernel")


def pool_efficiency(paths: int) -> None:
    """Serial against the process pool (2 workers), chunks of 1,024, the same numbers."""
    from pledgelab.analysis import simulate

    kw = dict(pipeline=PIPE, paths=paths, seed=1, chunk_size=1024)
    t = time.perf_counter()
    a = simulate(DEAL, **kw)  # type: ignore[arg-type]
    serial = time.perf_counter() - t
    t = time.perf_counter()
    b = simulate(DEAL, backend="process", workers=2, **kw)  # type: ignore[arg-type]
    pool = time.perf_counter() - t
    print(f"process pool, 2 workers, {paths:,} paths in chunks of 1,024: serial {serial:.1f} s, pool "
          f"{pool:.1f} s (workers' start included): efficiency {serial / (2 * pool):.0%}; same numbers: "
          f"{bool(np.array_equal(a.npv, b.npv))}")



def dask_efficiency(paths: int) -> None:
    """Serial against Dask (2 workers, chunks of 1,024): with the cluster's start, and on a
    cluster started apart and warmed up; a trivial task's cost and the pickled job's size."""
    import pickle

    from distributed import Client, LocalCluster

    import pledgelab
    from pledgelab.analysis import simulate
    from pledgelab.analysis._montecarlo import ChunkJob
    from pledgelab.drivers import load_drivers
    from pledgelab.engine import make_plan

    plan = make_plan(pledgelab.load_deal(DEAL), pledgelab.load_pipeline(PIPE))
    job = ChunkJob(plan=plan, model=load_drivers("default"), seed=1, discount_rate=0.04, benchmark_start=0.04)
    kw = dict(pipeline=PIPE, paths=paths, seed=1, chunk_size=1024)
    t = time.perf_counter()
    a = simulate(DEAL, **kw)  # type: ignore[arg-type]
    serial = time.perf_counter() - t
    t = time.perf_counter()
    b = simulate(DEAL, backend="dask", workers=2, **kw)  # type: ignore[arg-type]
    own = time.perf_counter() - t
    t = time.perf_counter()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                           scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})
    start = time.perf_counter() - t
    with Client(cluster) as client:
        address = cluster.scheduler_address
        simulate(DEAL, pipeline=PIPE, paths=2048, seed=1, chunk_size=1024, backend="dask", scheduler=address)
        t = time.perf_counter()
        client.gather([client.submit(abs, -i, pure=False) for i in range(50)])
        trivial = (time.perf_counter() - t) / 50
        t = time.perf_counter()
        c = simulate(DEAL, backend="dask", scheduler=address, **kw)  # type: ignore[arg-type]
        warm = time.perf_counter() - t
    cluster.close()
    same = bool(np.array_equal(a.npv, b.npv) and np.array_equal(a.npv, c.npv))
    print(f"Dask, 2 workers, {paths:,} paths in chunks of 1,024: serial {serial:.1f} s; with its "
          f"LocalCluster's start {own:.1f} s (efficiency {serial / (2 * own):.0%}); on warm workers "
          f"{warm:.1f} s ({serial / (2 * warm):.0%}); cluster start {start:.1f} s, a trivial task "
          f"{trivial * 1e3:.0f} ms, the pickled job {len(pickle.dumps(job)) / 2**20:.2f} MiB; "
          f"same numbers: {same}")


def waterfall_side_by_side(commit: str, do_engine: Callable[[], list[Any]], paths: int,
                           repeat: int) -> None:
    """The engine on one chunk with ``engine/_waterfall.py`` at ``commit`` and as it is now,
    interleaved; every output compared bit for bit; the waterfall's own time from a profile."""
    import pledgelab.engine._windows as windows

    old, new = module_at(commit, "engine/_waterfall.py").run_waterfall, windows.run_waterfall

    def engine_with(fn: Callable[..., Any]) -> Callable[[], list[Any]]:
        def go() -> list[Any]:
            windows.run_waterfall = fn
            try:
                return do_engine()
            finally:
                windows.run_waterfall = new
        return go

    runs = {"before": engine_with(old), "after": engine_with(new)}
    a, b = runs["before"](), runs["after"]()
    same = all(np.array_equal(getattr(x, f), getattr(y, f))
               for x, y in zip(a, b, strict=True)
               for f in ("paid", "got", "recovered", "review_triggered"))
    times = side_by_side(runs, repeat)
    prof = {k: stage_profile(fn).get("waterfall (compiled)", 0.0) for k, fn in runs.items()}
    print(f"engine/_waterfall.py at {commit} (before) against the working tree (after), "
          f"{paths:,} paths, median of {repeat}, interleaved; outputs bit for bit equal: {same}")
    print("| | before | after | ratio |")
    print("|---|---:|---:|---:|")
    print(f"| engine (run_paths), µs a path | {times['before'] / paths * 1e6:,.0f} | "
          f"{times['after'] / paths * 1e6:,.0f} | {times['before'] / times['after']:.2f}× |")
    print(f"| waterfall (compiled, profiled), µs a path | {prof['before'] / paths * 1e6:,.0f} | "
          f"{prof['after'] / paths * 1e6:,.0f} | {prof['before'] / max(prof['after'], 1e-12):.2f}× |")


def threads_efficiency(job: Any, chunks: int) -> None:
    """``chunks`` chunks of 1,024 paths serially and on two threads of this process (the compiled
    loops release the GIL): is a thread backend worth having?"""
    from concurrent.futures import ThreadPoolExecutor

    from pledgelab.analysis._montecarlo import simulate_chunk

    slices = [slice(i * 1024, (i + 1) * 1024) for i in range(chunks)]
    out = side_by_side({
        "serial": lambda: [simulate_chunk(job, c) for c in slices],
        "threads": lambda: list(ThreadPoolExecutor(2).map(lambda c: simulate_chunk(job, c), slices)),
    }, 2)
    print(f"{chunks} chunks of 1,024 paths: serial {out['serial']:.2f} s, two threads "
          f"{out['threads']:.2f} s: "
          f"efficiency {out['serial'] / (2 * out['threads']):.0%}")


if __name__ == "__main__":
    main()
