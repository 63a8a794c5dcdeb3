"""Batched IRR (``irr_monthly_codes``) against a plain Python loop of ``pyxirr.irr``.

The series are realistic pledge-style monthly flows: 12 months of outlays, then
108 months of noisy positive inflows (a ramp-up, a plateau of varying level and
the odd zero month). About 1% of the rows are made non-conventional (a
capital call or clawback in the inflow years: two more sign changes) and 0.1%
are degenerate (all zero, or outlays only).

The pyxirr loop runs over a random subset of rows and its time is scaled to
the full count. Agreement is the largest absolute difference of the monthly
rates over the rows of the subset where pyxirr returns a value and so do we;
the rows where pyxirr returns a rate and we return NaN with a reason are
counted apart (they should all have several sign changes: pyxirr returns one
of several roots, we say ``MULTIPLE``).

Timings are of one process on whatever the machine has: NumPy's BLAS may use
several threads for the matrix products (set ``OPENBLAS_NUM_THREADS=1`` for a
one-core comparison with the pyxirr loop, which is single-threaded).

Those rows are 99% conventional, which the investor rows of a real simulation
never are (they change sign 3 to 27 times). ``--real PATHS`` therefore also
times every party's net cash of a real simulation (us-korea-2025-11 ×
korea-illustrative, default drivers, seed 7): the method as shipped against the
grid scan it replaced for rows with several sign changes (``scan_only=True``),
side by side, medians of ``--repeat`` after a warm-up, BLAS on one thread.

Run with ``.venv/bin/python benchmarks/irr.py [--rows N] [--months M] [--sample K] [--real PATHS]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from importlib.metadata import version

import numpy as np
import pyxirr

from pledgelab.metrics import REASONS, irr_monthly_codes


def series(rows: int, months: int, rng: np.random.Generator) -> np.ndarray:
    """Conventional series with a few non-conventional and degenerate rows."""
    build = min(12, months - 1)
    cash = np.empty((rows, months))
    cash[:, :build] = -rng.uniform(5.0, 15.0, (rows, build))
    ops = months - build
    level = rng.uniform(0.8, 4.0, (rows, 1))
    ramp = np.minimum(1.0, (np.arange(ops) + 1.0) / rng.integers(6, 36, (rows, 1)))
    noise = rng.lognormal(0.0, 0.4, (rows, ops))
    cash[:, build:] = level * ramp * noise
    cash[:, build:][rng.random((rows, ops)) < 0.02] = 0.0  # the odd month without a payment
    odd = rng.random(rows)
    calls = np.flatnonzero(odd < 0.01)  # a capital call in the inflow years
    at = rng.integers(build + 12, months, calls.size) if months > build + 12 else np.full(calls.size, build)
    cash[calls, at] = -rng.uniform(10.0, 60.0, calls.size)
    cash[np.flatnonzero((odd >= 0.01) & (odd < 0.0105))] = 0.0
    cash[np.flatnonzero((odd >= 0.0105) & (odd < 0.011)), build:] = 0.0
    return cash


def sign_changes(row: np.ndarray) -> int:
    """Sign changes of a series, zeros skipped (Descartes)."""
    signs = np.sign(row[row != 0])
    return int(np.count_nonzero(signs[1:] != signs[:-1]))


def pyxirr_irr(row: np.ndarray) -> float | None:
    """``pyxirr.irr``, None where it finds no rate or refuses the series (one sign only)."""
    try:
        return pyxirr.irr(row)
    except pyxirr.InvalidPaymentsError:
        return None


def real_rows(paths: int, repeat: int) -> None:
    """The investor rows (and the other parties') of a real simulation: proof vs grid scan."""
    import statistics

    from threadpoolctl import threadpool_limits

    import pledgelab
    from pledgelab.drivers import draw, load_drivers
    from pledgelab.engine import make_plan, run_paths

    plan = make_plan(pledgelab.load_deal("us-korea-2025-11"), pledgelab.load_pipeline("korea-illustrative"))
    d = draw(load_drivers("default"), archetypes=plan.archetypes, build_months=plan.build_months,
             months=plan.months, paths=slice(0, paths), seed=7, benchmark_start=0.04)
    flows = run_paths(plan, d)
    print()
    print(f"real rows: {paths:,} paths × {plan.months} months, BLAS on one thread, median of {repeat}")
    print()
    print("| party | sign changes | grid scan | proof + Newton | speed-up | same codes | max abs diff |")
    print("|---|---|---:|---:|---:|---|---:|")
    with threadpool_limits(limits=1):
        for i, party in enumerate(flows.parties):
            net = flows.paid[i] + flows.got[i]
            changes = [sign_changes(r) for r in net]
            times: dict[bool, list[float]] = {True: [], False: []}
            out = {}
            for scan in (True, False):
                out[scan] = irr_monthly_codes(net, scan_only=scan)  # warm-up
            for _ in range(repeat):
                for scan in (True, False):  # interleaved: the same load on both
                    t = time.perf_counter()
                    irr_monthly_codes(net, scan_only=scan)
                    times[scan].append(time.perf_counter() - t)
            old, new = statistics.median(times[True]), statistics.median(times[False])
            (r0, c0), (r1, c1) = out[True], out[False]
            both = np.isfinite(r0) & np.isfinite(r1)
            diff = float(np.max(np.abs(r0[both] - r1[both]))) if both.any() else float("nan")
            print(f"| {party} | {min(changes)}–{max(changes)} | {old * 1e3:.1f} ms | {new * 1e3:.1f} ms | "
                  f"{old / new:.1f}× | {bool(np.array_equal(c0, c1))} | {diff:.1e} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=int, default=1024, help="paths of a real simulation (0: skip)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--sample", type=int, default=20_000, help="rows timed with the pyxirr loop")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many timings of ours")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    cash = series(args.rows, args.months, rng)

    ours = float("inf")
    for _ in range(args.repeat):
        t = time.perf_counter()
        rates, codes = irr_monthly_codes(cash)
        ours = min(ours, time.perf_counter() - t)

    sample = np.sort(rng.choice(args.rows, size=min(args.sample, args.rows), replace=False))
    rows = [cash[i] for i in sample]
    t = time.perf_counter()
    theirs = [pyxirr_irr(row) for row in rows]
    loop = (time.perf_counter() - t) * args.rows / sample.size

    ref = np.array([np.nan if r is None else r for r in theirs])
    mine = rates[sample]
    have = np.isfinite(ref)
    both = have & np.isfinite(mine)
    conventional = np.array([sign_changes(cash[i]) == 1 for i in sample])
    worst = float(np.max(np.abs(mine[both] - ref[both]))) if both.any() else float("nan")
    worst_conv = both & conventional
    worst_c = float(np.max(np.abs(mine[worst_conv] - ref[worst_conv]))) if worst_conv.any() else float("nan")
    refused = have & ~np.isfinite(mine)  # pyxirr has a rate, we have a reason instead
    why = np.bincount(codes[sample][refused], minlength=len(REASONS))

    counts = np.bincount(codes, minlength=len(REASONS))
    print(f"machine: {platform.machine()}, {platform.processor() or 'unknown cpu'}, "
          f"Python {platform.python_version()}, NumPy {np.__version__}, pyxirr {version('pyxirr')}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    print("reasons over all rows: "
          + ", ".join(f"{r.name} {c:,}" for r, c in zip(REASONS, counts, strict=True)))
    print(f"sample of {sample.size:,} rows: pyxirr gives a rate on {int(have.sum()):,}, "
          f"both on {int(both.sum()):,} (max abs diff {worst:.1e}; "
          f"on the {int(worst_conv.sum()):,} conventional ones {worst_c:.1e}); "
          f"we give NaN on {int(refused.sum())} where pyxirr has a rate, "
          f"{int((refused & conventional).sum())} of them conventional, reasons: "
          + (", ".join(f"{r.name} {c}" for r, c in zip(REASONS, why, strict=True) if c) or "none"))
    print()
    print("| rows | months | irr_monthly_codes | pyxirr loop (scaled) | speed-up | max abs diff |")
    print("|---|---|---|---|---|---|")
    print(f"| {args.rows:,} | {args.months} | {ours:.3f} s | {loop:.1f} s | {loop / ours:.1f}x "
          f"| {worst:.1e} |")
    if args.real:
        real_rows(args.real, args.repeat)


if __name__ == "__main__":
    main()
