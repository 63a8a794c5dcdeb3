"""Monte Carlo: chunks of paths through the kernel, reduced to per-path outcomes.

A simulation is split into chunks of paths; each chunk draws its random
inputs (seeded per block of paths, so the numbers do not depend on the chunk
size), runs the kernel and reduces the (paths × months) cash to a few numbers
per path and party before it returns. Memory therefore stays at one chunk's
working set plus a few dozen bytes per path. Chunks run on any executor
(serial, processes, Dask) with identical results.

The drivers draw whole blocks of :data:`pledgelab.drivers.BLOCK` paths, so
chunks smaller than a block are sent as one task per block (:func:`chunk_groups`):
the task draws the paths of all its chunks once and runs each chunk on its rows
(:func:`simulate_chunks`), instead of every chunk drawing the whole block again
(four times the sampling at chunks of 256). Each path's numbers are those of
its own draws whatever the grouping, so the results stay bit for bit the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np

from pledgelab.analysis._reduce import reduce_parties
from pledgelab.analysis._shocks import WorkforceShocks
from pledgelab.drivers import BLOCK, Draws, DriverModel, draw
from pledgelab.engine import PathFlows, Plan, run_paths
from pledgelab.metrics import irr_monthly_codes

FAN_PATHS = 10_000  # paths kept for fan charts (the first ones: a uniform sample)
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(slots=True, kw_only=True)
class ChunkStats:
    """Per-path outcomes of one chunk (arrays over the chunk's paths)."""

    first: int  # global index of the chunk's first path
    contributed: np.ndarray  # (parties, paths)
    received: np.ndarray  # (parties, paths)
    npv: np.ndarray  # (parties, paths)
    irr: np.ndarray  # (parties, paths) per year, NaN where undefined
    irr_code: np.ndarray  # (parties, paths) int8, see metrics.irr.REASONS
    payback: np.ndarray  # (parties, paths) month index from the start, -1 never
    recovered: np.ndarray  # (paths,) month all deemed allocation amounts are recovered, -1 never
    unrecovered: np.ndarray  # (paths,) waterfalls that never recover
    waterfalls: int  # waterfalls per path
    review: np.ndarray  # (paths,) waterfalls where the review clause triggers
    truncated: np.ndarray  # (paths,) bool
    fan: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0)))  # (parties, kept, years)
    # the FX safeguard, per path (empty without one): see engine/_fxrule.py
    fx_peak: np.ndarray = field(default_factory=lambda: np.zeros(0))  # highest indicator
    fx_requests: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    fx_accepted: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    fx_deferred: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # months
    # the workforce, per path (empty without it): see analysis/_shocks.py
    wf_delay: np.ndarray = field(default_factory=lambda: np.zeros(0))  # mean months over projects
    wf_hit: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # any enforcement action
    # guarantees, per path (empty without a guarantee tranche): calls paid, the most cover undrawn
    g_called: np.ndarray = field(default_factory=lambda: np.zeros(0))
    g_undrawn: np.ndarray = field(default_factory=lambda: np.zeros(0))


@dataclass(frozen=True, slots=True, kw_only=True)
class ChunkJob:
    """What a worker needs to simulate one chunk (picklable)."""

    plan: Plan
    model: DriverModel
    seed: int
    discount_rate: float
    benchmark_start: float
    workforce: WorkforceShocks | None = None  # workforce delays as shocks (analysis/_shocks.py)


def simulate_chunk(job: ChunkJob, paths: slice) -> ChunkStats:
    """Draw, run and reduce the paths ``paths`` of a simulation."""
    return simulate_chunks(job, (paths,))[0]


def simulate_chunks(job: ChunkJob, chunks: tuple[slice, ...]) -> list[ChunkStats]:
    """Draw the paths of consecutive ``chunks`` once, then run and reduce each chunk on its rows."""
    plan = job.plan
    span = slice(chunks[0].start, chunks[-1].stop)
    draws = draw(job.model, archetypes=plan.archetypes, build_months=plan.build_months,
                 months=plan.months, paths=span, seed=job.seed,
                 benchmark_start=job.benchmark_start, safeguard=plan.fx_rule is not None)
    wf = None
    if job.workforce is not None:
        wf = job.workforce.shocks(paths=span, seed=job.seed, projects=len(plan.order))
        draws = replace(draws, pause_at=wf.pause_at, pause=wf.pause, startup=wf.startup,
                        capex_factor=draws.capex_factor * wf.capex_factor,  # standby, remobilisation
                        yield_factor=draws.yield_factor * wf.yield_factor)  # a slower ramp-up
    out = []
    for c in chunks:
        rows = slice(c.start - span.start, c.stop - span.start)
        own = None if wf is None else (wf.mean_delay[rows], wf.hit[rows])
        out.append(_run_chunk(job, c, draws if rows == slice(0, draws.paths) else draws.take(rows), own))
    return out


SUB_BLOCK = 32  # paths the engine runs at once inside a chunk: bounds its (paths × months) temporaries


def _run_chunk(job: ChunkJob, paths: slice, draws: Draws,
               wf: tuple[np.ndarray, np.ndarray] | None) -> ChunkStats:
    """Run and reduce the paths ``paths`` of a simulation, given their draws.

    The engine runs :data:`SUB_BLOCK` paths at a time and each sub-block is reduced
    (:func:`pledgelab.analysis._reduce.reduce_parties`, the batched IRR) before the next
    starts, so the working set is that of a sub-block whatever the chunk size; every
    path's numbers are its own, so they do not depend on the sub-block either.
    """
    plan = job.plan
    n_months = plan.months
    disc = np.power(1.0 + job.discount_rate, -np.arange(n_months) / 12.0)
    parties = tuple(plan.deal.parties)
    n_p = draws.paths
    shape = (len(parties), n_p)
    keep = max(0, min(FAN_PATHS, int(paths.stop)) - int(paths.start))
    out = ChunkStats(
        first=int(paths.start), contributed=np.zeros(shape), received=np.zeros(shape),
        npv=np.zeros(shape), irr=np.zeros(shape), irr_code=np.zeros(shape, dtype=np.int8),
        payback=np.full(shape, -1, dtype=np.int64), recovered=np.zeros(n_p, dtype=np.int64),
        unrecovered=np.zeros(n_p, dtype=np.int64), waterfalls=0, review=np.zeros(n_p, dtype=np.int64),
        truncated=np.zeros(n_p, dtype=bool), fan=np.zeros((len(parties), keep, n_months // 12)),
    )
    guarantees = any(t.method == "guarantee" for t in plan.deal.tranches)
    if guarantees:
        out.g_called, out.g_undrawn = np.zeros(n_p), np.zeros(n_p)
    if plan.fx_rule is not None:
        out.fx_peak = np.zeros(n_p)
        out.fx_requests, out.fx_accepted, out.fx_deferred = (np.zeros(n_p, dtype=np.int64) for _ in range(3))
    for s in range(0, n_p, SUB_BLOCK):
        rows = slice(s, min(s + SUB_BLOCK, n_p))
        part = draws if (s == 0 and rows.stop == n_p) else draws.take(rows)
        _reduce_block(run_paths(plan, part), out, rows, disc, keep, guarantees)
    if wf is not None:
        out.wf_delay, out.wf_hit = wf
    return out


def _reduce_block(flows: PathFlows, out: ChunkStats, rows: slice, disc: np.ndarray, keep: int,
                  guarantees: bool) -> None:
    """Write the outcomes of the paths ``rows`` of a chunk, run as ``flows``, into ``out``."""
    n = rows.stop - rows.start
    n_parties = len(flows.parties)
    net = np.empty_like(flows.paid)
    kept = max(0, min(keep - rows.start, n))
    fan = np.zeros((n_parties, kept, out.fan.shape[2]))
    reduce_parties(flows.paid, flows.got, disc, kept, net, out.contributed[:, rows],
                   out.received[:, rows], out.npv[:, rows], out.payback[:, rows], fan)
    if kept:
        out.fan[:, rows.start : rows.start + kept] = fan
    for i in range(n_parties):
        monthly, codes = irr_monthly_codes(net[i])
        out.irr[i, rows] = np.power(1.0 + monthly, 12.0) - 1.0
        out.irr_code[i, rows] = codes
    rec = flows.recovered
    out.recovered[rows] = np.where((rec >= 0).all(axis=1), rec.max(axis=1, initial=-1), -1)
    out.unrecovered[rows] = (rec < 0).sum(axis=1)
    out.waterfalls = int(rec.shape[1])
    out.review[rows] = flows.review_triggered.sum(axis=1)
    out.truncated[rows] = flows.truncated
    if guarantees and flows.called is not None and flows.guaranteed is not None:
        out.g_called[rows] = flows.called
        out.g_undrawn[rows] = flows.guaranteed.max(axis=1, initial=0.0)
    if flows.fx is not None:
        out.fx_peak[rows] = flows.fx.peak()
        out.fx_requests[rows] = np.count_nonzero(flows.fx.requests, axis=1)
        out.fx_accepted[rows] = np.count_nonzero(flows.fx.requests > 0, axis=1)
        out.fx_deferred[rows] = np.count_nonzero(flows.fx.deferred, axis=1)


def chunk_slices(paths: int, chunk: int) -> Iterator[slice]:
    """Slices of ``chunk`` paths covering ``range(paths)``."""
    for a in range(0, paths, chunk):
        yield slice(a, min(a + chunk, paths))


def chunk_groups(paths: int, chunk: int) -> Iterator[tuple[slice, ...]]:
    """The chunks of :func:`chunk_slices`, consecutive ones that start in the same block of
    the drivers grouped, so that each group draws its block once."""
    group: list[slice] = []
    for c in chunk_slices(paths, chunk):
        if group and c.start // BLOCK != group[0].start // BLOCK:
            yield tuple(group)
            group = []
        group.append(c)
    if group:
        yield tuple(group)


def run_chunks(job: ChunkJob, *, paths: int, chunk: int,
               executor_map: Callable[..., Iterator[list[ChunkStats]]],
               on_chunk: Callable[[int], None] | None = None) -> list[ChunkStats]:
    """Run every chunk through ``executor_map`` (an executor's ``map``), in order, one task
    per group of chunks sharing a block (:func:`chunk_groups`)."""
    out = []
    for group in executor_map(partial(simulate_chunks, job), list(chunk_groups(paths, chunk))):
        for stats in group:
            out.append(stats)
            if on_chunk is not None:
                on_chunk(int(stats.contributed.shape[1]))
    return out
